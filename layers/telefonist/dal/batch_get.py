"""BatchGetItem over any number of keys: 100 a round trip, unprocessed keys asked again.

Free of pydantic: the CTR consumers use it, and their cold start pays for boto3 and little else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from botocore.exceptions import ClientError

from telefonist.ports.store import RepositoryError

BATCH_GET_KEYS = 100  # DynamoDB's limit per BatchGetItem
MAX_ATTEMPTS = 5  # rounds of UnprocessedKeys before the read fails (the caller's retry takes over)


def batch_get_all(table: Any, keys: Sequence[Mapping[str, str]], what: str, **options: Any) -> list[dict[str, Any]]:
    """The items of `keys` in `table` that exist (consistent reads; `options` such as a projection
    apply to every round trip); a failure or keys left unprocessed raise RepositoryError naming `what`."""
    client = table.meta.client
    found: list[dict[str, Any]] = []
    for start in range(0, len(keys), BATCH_GET_KEYS):
        chunk = [dict(k) for k in keys[start : start + BATCH_GET_KEYS]]
        request: dict[str, Any] = {table.name: {"Keys": chunk, "ConsistentRead": True, **options}}
        for _ in range(MAX_ATTEMPTS):
            try:
                response = client.batch_get_item(RequestItems=request)
            except ClientError as exc:
                raise RepositoryError(f"{what}: read failed") from exc
            found += response.get("Responses", {}).get(table.name, [])
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
        else:
            raise RepositoryError(f"{what}: keys left unread after retries")
    return found
