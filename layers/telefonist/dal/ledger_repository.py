"""The rating ledger: one item per billable contact, the newest CTR version wins.

Item: `contact_id`, `last_updated_us` (LastUpdateTimestamp in microseconds since the epoch: a
number compares exactly, whatever the ISO text's precision), `last_updated`, `line_key`,
`line_keys` (every key a version of the contact was written to), `tenant_id`, `rated_at`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from telefonist.clock import utc_now
from telefonist.dal.errors import RepositoryError
from telefonist.rating.service import LedgerDecision

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _condition_failed(exc: ClientError) -> bool:
    return bool(exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


def epoch_microseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class LedgerEntry:
    contact_id: str
    last_updated: datetime
    line_key: str
    line_keys: frozenset[str]
    tenant_id: str | None


class LedgerRepository:
    """Conditional writes on `last_updated_us`: durable across redelivery and invocations."""

    def __init__(self, table: Any, clock: Callable[[], datetime] = utc_now) -> None:
        self._table = table
        self._clock = clock

    def record_if_newer(
        self, contact_id: str, last_updated: datetime, line_key: str, tenant_id: str | None
    ) -> LedgerDecision:
        """Record a version if no newer one is recorded (a tie wins: the later received).

        Common case, 1 round trip: a conditional PutItem that holds only when the contact is new,
        or is not newer and already lives at the same single key. Otherwise (an older version,
        or the contact moves partition, or earlier keys still await deletion) the general
        UpdateItem runs: it adds the key to `line_keys` and returns the keys of earlier versions,
        which the caller deletes and then forgets (`forget_keys`); until then a retry sees them.
        """
        values = {
            ":t": epoch_microseconds(last_updated),
            ":k": line_key,
        }
        item = {
            "contact_id": contact_id,
            "last_updated_us": values[":t"],
            "last_updated": last_updated.astimezone(UTC).isoformat(),
            "line_key": line_key,
            "line_keys": {line_key},
            "tenant_id": tenant_id,
            "rated_at": self._clock().isoformat(),
        }
        try:
            self._table.put_item(
                Item=item,
                ConditionExpression="attribute_not_exists(contact_id) OR "
                "(last_updated_us <= :t AND line_key = :k AND size(line_keys) = :one)",
                ExpressionAttributeValues={**values, ":one": 1},
            )
            return LedgerDecision(accepted=True)
        except ClientError as exc:
            if not _condition_failed(exc):
                raise RepositoryError(f"ledger write failed for contact {contact_id}") from exc
        return self._record_moved(item)

    def _record_moved(self, item: dict[str, Any]) -> LedgerDecision:
        contact_id = item["contact_id"]
        try:
            stored = self._table.update_item(
                Key={"contact_id": contact_id},
                UpdateExpression=(
                    "SET last_updated_us = :t, last_updated = :iso, line_key = :k, tenant_id = :tenant, "
                    "rated_at = :now ADD line_keys :ks"
                ),
                ConditionExpression="attribute_not_exists(contact_id) OR last_updated_us <= :t",
                ExpressionAttributeValues={
                    ":t": item["last_updated_us"],
                    ":iso": item["last_updated"],
                    ":k": item["line_key"],
                    ":tenant": item["tenant_id"],
                    ":now": item["rated_at"],
                    ":ks": item["line_keys"],
                },
                ReturnValues="ALL_NEW",
            )["Attributes"]
        except ClientError as exc:
            if _condition_failed(exc):
                return LedgerDecision(accepted=False)
            raise RepositoryError(f"ledger write failed for contact {contact_id}") from exc
        superseded = sorted(set(stored.get("line_keys", set())) - {item["line_key"]})
        return LedgerDecision(accepted=True, superseded_keys=tuple(superseded))

    def forget_keys(self, contact_id: str, keys: Sequence[str]) -> None:
        """Drop keys whose objects were deleted, so the contact is back on the 1-call path."""
        if not keys:
            return
        try:
            self._table.update_item(
                Key={"contact_id": contact_id},
                UpdateExpression="DELETE line_keys :ks",
                ConditionExpression="attribute_exists(contact_id)",
                ExpressionAttributeValues={":ks": set(keys)},
            )
        except ClientError as exc:
            raise RepositoryError(f"ledger update failed for contact {contact_id}") from exc

    def get(self, contact_id: str) -> LedgerEntry | None:
        """A contact's ledger entry (1 round trip); None when never rated."""
        try:
            item = self._table.get_item(Key={"contact_id": contact_id}).get("Item")
        except ClientError as exc:
            raise RepositoryError(f"ledger read failed for contact {contact_id}") from exc
        if not item:
            return None
        return LedgerEntry(
            contact_id=contact_id,
            last_updated=datetime.fromisoformat(str(item["last_updated"])),
            line_key=str(item["line_key"]),
            line_keys=frozenset(str(k) for k in item.get("line_keys", set())),
            tenant_id=item.get("tenant_id"),
        )
