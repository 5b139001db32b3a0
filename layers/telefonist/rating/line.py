"""The billing line (spec §9) and the partition it lives in.

Billing lines are rows of one Apache Iceberg table (`telefonist.dal.billing_table`), partitioned
by `month` and `tenant_id`, exactly one row per billable contact: the DynamoDB ledger decides
which CTR version is the newest, and every write of a contact replaces its row (delete + append
in one Iceberg commit) in each partition the ledger says may hold one. A plain `SELECT` therefore
sees one row per contact, with no latest-version view and no window function.

A line's *key* names its partition, `month=YYYY-MM/tenant_id=<tenant or _unresolved>`: the
ledger keeps the keys of every partition a contact was claimed in, so that a newer version that
moves the contact (its tenant became resolvable, say) removes the row from the old partition.
Keys of the former layout (one object per contact, `lines/month=…/tenant_id=…/<id>.parquet`)
name the same partitions: `partition_of_key` reads both.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

import msgspec
from pydantic import BaseModel, Field

from telefonist.models.base import DomainModel
from telefonist.models.types import Ore

UNRESOLVED_TENANT = "_unresolved"
LINES_PREFIX = "lines/"

TenantSource = Literal["attribute", "dialed_number", "unresolved"]
# The largest number of seconds a line holds: `talk_seconds` and `handling_seconds` are int
# columns (Parquet INT32) in LINE_COLUMNS. A CTR over it cannot become a line: it is quarantined.
MAX_LINE_SECONDS = 2**31 - 1


class BillingLine(DomainModel):
    """One billed contact: the fields of spec §9 plus the partition (month) and tenant flag."""

    contact_id: str
    tenant_id: str | None = Field(description="None when neither the attribute nor the dialed number resolved")
    tenant_source: TenantSource
    tariff: int = Field(ge=1, le=6, description="Tariff 1 to 6")
    period: Literal["weekday_day", "evening_weekend"]
    answered_at: datetime = Field(description="Europe/Stockholm local time with its offset")
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Stockholm month of the answer: the partition")
    talk_seconds: int = Field(ge=0, le=MAX_LINE_SECONDS)
    handling_seconds: int = Field(ge=0, le=MAX_LINE_SECONDS)
    over_45s: bool
    transferred: bool
    amount_ore: Ore
    price_list_version: str
    ctr_last_updated: datetime = Field(description="LastUpdateTimestamp (UTC) of the CTR version rated")
    dialed_number: str | None
    queue: str | None

    @property
    def unresolved(self) -> bool:
        return self.tenant_id is None

    @classmethod
    def trusted(cls, values: dict[str, Any]) -> BillingLine:
        """A line from values the rating engine computed itself (every field, right types).

        The hot path of rating: full validation costs as much as parsing the whole CTR, and
        `model_construct` loops over the fields in Python. This sets the instance's state the
        way pydantic does, in O(1). tests/unit/rating prove such lines equal validated ones.
        """
        line = _new_object(cls)
        _set_attribute(line, "__dict__", values)
        _set_fields_set(line, _ALL_FIELDS.copy())  # pydantic's slots, through their descriptors
        _set_extra(line, None)
        _set_private(line, None)
        return line


_ALL_FIELDS = set(BillingLine.model_fields)
_new_object, _set_attribute = object.__new__, object.__setattr__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_FIELD_ORDER = tuple(BillingLine.model_fields)
_JSON = msgspec.json.Encoder()


def line_json(line: BillingLine) -> str:
    """The line's JSON, the same text as `line.model_dump_json()` (tests/unit/rating prove it),
    in a tenth of the time: `telefonist rate` writes one per CTR."""
    return line_json_bytes(line).decode("utf-8")


def line_json_bytes(line: BillingLine) -> bytes:
    """`line_json` as UTF-8."""
    values = line.__dict__
    # Every plain line holds its fields in the model's order (pydantic builds them so, and so does
    # the one caller of `trusted`, the engine); anything else gets pydantic's own serialisation.
    if type(line) is not BillingLine or len(values) != len(_FIELD_ORDER):
        return line.model_dump_json().encode("utf-8")
    return _JSON.encode(values)


def append_line_json(line: BillingLine, buffer: bytearray) -> None:
    """`line_json_bytes(line)` appended to `buffer` (no bytes object per line); on an error the
    buffer is left as it was."""
    values = line.__dict__
    if type(line) is not BillingLine or len(values) != len(_FIELD_ORDER):
        buffer += line_json_bytes(line)
        return
    size = len(buffer)
    try:
        _JSON.encode_into(values, buffer, -1)
    except BaseException:
        del buffer[size:]
        raise


def month_prefix(month: str) -> str:
    """The key prefix of a month's one-object-per-contact lines (the former layout: migration)."""
    return f"{LINES_PREFIX}month={month}/"


def partition_key(month: str, tenant_id: str | None) -> str:
    """The key of a partition of the billing table (see the module docstring)."""
    return f"month={month}/tenant_id={tenant_id or UNRESOLVED_TENANT}"


def line_key(line: BillingLine) -> str:
    """The key of the partition a line lives in: what the ledger remembers for its contact."""
    return partition_key(line.month, line.tenant_id)


_KEY = re.compile(r"month=(\d{4}-\d{2})/tenant_id=([^/]+)")


def partition_of_key(key: str) -> tuple[str, str | None]:
    """(month, tenant_id or None) of a key, new form or former object key; ValueError otherwise."""
    match = _KEY.search(key)
    if not match:
        raise ValueError(f"not a billing line key: {key!r}")
    tenant = match.group(2)
    return match.group(1), None if tenant == UNRESOLVED_TENANT else tenant


# The columns of a line and their Glue/Athena types: one list for the Iceberg schema (dal), the
# Glue table (infra) and the local DuckDB views. `month` and `tenant_id` are also the partitions.
LINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("contact_id", "string"),
    ("tenant_id", "string"),
    ("tenant_source", "string"),
    ("tariff", "int"),
    ("period", "string"),
    ("answered_at", "string"),
    ("answered_at_utc", "timestamp"),
    ("month", "string"),
    ("talk_seconds", "int"),
    ("handling_seconds", "int"),
    ("over_45s", "boolean"),
    ("transferred", "boolean"),
    ("amount_ore", "bigint"),
    ("price_list_version", "string"),
    ("ctr_last_updated", "timestamp"),
    ("dialed_number", "string"),
    ("queue", "string"),
)
PARTITION_COLUMNS = ("month", "tenant_id")


def line_row(line: BillingLine) -> dict[str, object]:
    """A line as one row of LINE_COLUMNS (times as the writer stores them)."""
    return {
        "contact_id": line.contact_id,
        "tenant_id": line.tenant_id,
        "tenant_source": line.tenant_source,
        "tariff": line.tariff,
        "period": line.period,
        "answered_at": line.answered_at.isoformat(),
        "answered_at_utc": line.answered_at,
        "month": line.month,
        "talk_seconds": line.talk_seconds,
        "handling_seconds": line.handling_seconds,
        "over_45s": line.over_45s,
        "transferred": line.transferred,
        "amount_ore": line.amount_ore,
        "price_list_version": line.price_list_version,
        "ctr_last_updated": line.ctr_last_updated,
        "dialed_number": line.dialed_number,
        "queue": line.queue,
    }
