"""Cursor pagination of the list routes: a bounded page, an opaque cursor, and a byte budget.

A cursor is base64url of `{"t": tenant, "k": sort key of the last item shown}`. It is checked
before use: the tenant must be the one being listed and the key must be of the list's own kind
(`COMMON#<id>`, `OFFICE#<id>`, `PERSON#<id>`, `AUDIT#<time>#<id>`); anything else is a 400 naming
`query.cursor`. The partition read is always the caller's own (never taken from the cursor), so
a forged cursor can at most start a page elsewhere inside the caller's own list.

Every page also stops before its JSON passes `MAX_PAGE_JSON_BYTES`, measured as the API encodes
it (non-ASCII escaped), so that even maximal items and API Gateway's re-encoding of the body stay
under Lambda's 6 MB response limit.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel

from telefonist.edge.errors import InvalidInputError

MAX_PAGE_JSON_BYTES = 2_500_000
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_CURSOR_CHARS = 1000

_SLUG = r"[a-z0-9][a-z0-9-]{0,62}"
KINDS: dict[str, re.Pattern[str]] = {
    "COMMON#": re.compile(rf"COMMON#{_SLUG}"),
    "OFFICE#": re.compile(rf"OFFICE#{_SLUG}"),
    "PERSON#": re.compile(rf"PERSON#{_SLUG}"),
    "AUDIT#": re.compile(rf"AUDIT#[0-9T:.+-]{{10,40}}#{_SLUG}"),
    "TENANT#": re.compile(rf"TENANT#{_SLUG}"),  # the operators' list of customers (telefonist.directory.customers)
    "CALL#": re.compile(rf"CALL#[0-9T:.+-]{{10,40}}#{_SLUG}"),  # a call log's row: answered at, contact id
}
CURSOR_FIELD = "query.cursor"
_BAD_CURSOR = "not a cursor this list gave out: list again from the start, without a cursor"

ViewT = TypeVar("ViewT", bound=BaseModel)


def encode_cursor(tenant_id: str, sort_key: str) -> str:
    """The opaque cursor that continues a list after `sort_key`."""
    raw = json.dumps({"t": tenant_id, "k": sort_key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, tenant_id: str, prefix: str) -> str | None:
    """The sort key to continue after, or None to start; InvalidInputError (`query.cursor`) if forged."""
    if cursor is None:
        return None
    if not cursor or len(cursor) > MAX_CURSOR_CHARS:
        raise InvalidInputError.of(CURSOR_FIELD, _BAD_CURSOR)
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8"))
    except (binascii.Error, ValueError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise InvalidInputError.of(CURSOR_FIELD, _BAD_CURSOR) from None
    if not isinstance(data, dict) or set(data) != {"t", "k"} or data["t"] != tenant_id:
        raise InvalidInputError.of(CURSOR_FIELD, _BAD_CURSOR)
    sort_key = data["k"]
    if not isinstance(sort_key, str) or not KINDS[prefix].fullmatch(sort_key):
        raise InvalidInputError.of(CURSOR_FIELD, _BAD_CURSOR)
    return sort_key


def fit_page(
    views: Sequence[ViewT], sort_keys: Sequence[str], more: bool, tenant_id: str
) -> tuple[list[ViewT], str | None]:
    """The views that fit the byte budget (at least one), and the cursor after the last (None at the end)."""
    kept: list[ViewT] = []
    size = 0
    for view in views:
        size += len(json.dumps(view.model_dump(mode="json"))) + 1
        if kept and size > MAX_PAGE_JSON_BYTES:
            break
        kept.append(view)
    if not kept or (len(kept) == len(views) and not more):
        return kept, None
    return kept, encode_cursor(tenant_id, sort_keys[len(kept) - 1])
