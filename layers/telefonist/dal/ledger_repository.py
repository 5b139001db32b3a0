"""The rating ledger: one item per billable contact, the newest CTR version wins.

Item: `contact_id`, `last_updated_us` (LastUpdateTimestamp in microseconds since the epoch: a
number compares exactly, whatever the ISO text's precision), `last_updated`, `line_key`,
`line_keys` (every key a version of the contact was written to), `tenant_id`, `rated_at`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from telefonist.clock import utc_now
from telefonist.dal.errors import RepositoryError
from telefonist.rating.service import LedgerDecision

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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

        One UpdateItem (1 round trip). Returns the keys of earlier versions that differ from
        `line_key`, which the caller deletes; they stay in the item so a retry deletes them too.
        """
        try:
            item = self._table.update_item(
                Key={"contact_id": contact_id},
                UpdateExpression=(
                    "SET last_updated_us = :t, last_updated = :iso, line_key = :k, tenant_id = :tenant, "
                    "rated_at = :now ADD line_keys :ks"
                ),
                ConditionExpression="attribute_not_exists(contact_id) OR last_updated_us <= :t",
                ExpressionAttributeValues={
                    ":t": epoch_microseconds(last_updated),
                    ":iso": last_updated.astimezone(UTC).isoformat(),
                    ":k": line_key,
                    ":tenant": tenant_id,
                    ":now": self._clock().isoformat(),
                    ":ks": {line_key},
                },
                ReturnValues="ALL_NEW",
            )["Attributes"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return LedgerDecision(accepted=False)
            raise RepositoryError(f"ledger write failed for contact {contact_id}") from exc
        superseded = sorted(set(item.get("line_keys", set())) - {line_key})
        return LedgerDecision(accepted=True, superseded_keys=tuple(superseded))

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
