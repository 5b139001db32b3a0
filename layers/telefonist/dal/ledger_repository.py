"""The rating ledger: one item per billable contact, the newest CTR version wins.

Item: `contact_id`, `last_updated_us` (LastUpdateTimestamp in microseconds since the epoch: a
number compares exactly, whatever the ISO text's precision) of the newest version whose line is
written, `last_updated`, `line_key` (the partition of its line), `line_keys` (every partition a
version of the contact was claimed in and whose row is not known to be gone), `tenant_id`,
`rated_at`. An item with only `line_keys` is a contact whose line was claimed and never written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from telefonist.clock import utc_now
from telefonist.ports.store import RepositoryError
from telefonist.rating.service import LedgerDecision

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# A claim: no version written, an older one, or this one written in another partition (the tenant
# became resolvable, say). `rerate` prices written versions again: a tie in any partition wins.
_CLAIM = "attribute_not_exists(last_updated_us) OR last_updated_us < :t OR (last_updated_us = :t AND line_key <> :k)"
_CLAIM_REWRITING = "attribute_not_exists(last_updated_us) OR last_updated_us <= :t"


def _written_version(exc: ClientError) -> int | None:
    """The version a refused claim found written (ReturnValuesOnConditionCheckFailure=ALL_OLD)."""
    response: dict[str, Any] = dict(exc.response)
    held = response.get("Item", {}).get("last_updated_us", {}).get("N")
    return None if held is None else int(held)


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
    """Conditional writes on `last_updated_us`: durable across redelivery and invocations.

    Two round trips per line, one before and one after the line is written: `last_updated_us`
    names the newest version whose line is written, never a version that only may be.
    """

    def __init__(self, table: Any, clock: Callable[[], datetime] = utc_now) -> None:
        self._table = table
        self._clock = clock

    def claim(self, contact_id: str, last_updated: datetime, line_key: str, *, rewrite: bool = False) -> LedgerDecision:
        """Accept a version unless a newer one is written (a tie wins: the later received), or,
        unless `rewrite`, this version is written in this partition already (an exact redelivery:
        refused, `written_already`, so that it costs this one round trip and no commit or mark).

        One UpdateItem: adds the key to `line_keys` before the line is written there, so that a
        row is never written in a partition the ledger does not know, and returns the keys held
        before (ALL_OLD): every partition that may hold a row of the contact, which the caller's
        commit empties of it. Until `mark_written` forgets them, a retry sees them again.
        """
        version = epoch_microseconds(last_updated)
        values: dict[str, Any] = {":t": version, ":ks": {line_key}}
        if not rewrite:
            values[":k"] = line_key
        try:
            response = self._table.update_item(
                Key={"contact_id": contact_id},
                UpdateExpression="ADD line_keys :ks",
                ConditionExpression=_CLAIM_REWRITING if rewrite else _CLAIM,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_OLD",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if _condition_failed(exc):
                return LedgerDecision(accepted=False, written_already=_written_version(exc) == version)
            raise RepositoryError(f"ledger write failed for contact {contact_id}") from exc
        previous = sorted(str(k) for k in response.get("Attributes", {}).get("line_keys", set()))
        return LedgerDecision(accepted=True, previous_keys=tuple(previous))

    def mark_written(
        self, contact_id: str, last_updated: datetime, line_key: str, tenant_id: str | None, forget: Sequence[str]
    ) -> bool:
        """Record the version whose line is written, and forget the keys whose rows were deleted.

        False when a newer version was written meanwhile (not when records of a contact are
        processed in order, as a Kinesis shard delivers them).
        """
        update = "SET last_updated_us = :t, last_updated = :iso, line_key = :k, tenant_id = :tenant, rated_at = :now"
        values: dict[str, Any] = {
            ":t": epoch_microseconds(last_updated),
            ":iso": last_updated.astimezone(UTC).isoformat(),
            ":k": line_key,
            ":tenant": tenant_id,
            ":now": self._clock().isoformat(),
        }
        if forget:
            update += " DELETE line_keys :gone"
            values[":gone"] = set(forget)
        try:
            self._table.update_item(
                Key={"contact_id": contact_id},
                UpdateExpression=update,
                ConditionExpression="attribute_not_exists(last_updated_us) OR last_updated_us <= :t",
                ExpressionAttributeValues=values,
            )
        except ClientError as exc:
            if _condition_failed(exc):
                return False
            raise RepositoryError(f"ledger update failed for contact {contact_id}") from exc
        return True

    def get(self, contact_id: str) -> LedgerEntry | None:
        """A contact's ledger entry (1 round trip); None when no line of it was ever written."""
        try:
            item = self._table.get_item(Key={"contact_id": contact_id}).get("Item")
        except ClientError as exc:
            raise RepositoryError(f"ledger read failed for contact {contact_id}") from exc
        if not item or "last_updated" not in item:
            return None
        return LedgerEntry(
            contact_id=contact_id,
            last_updated=datetime.fromisoformat(str(item["last_updated"])),
            line_key=str(item["line_key"]),
            line_keys=frozenset(str(k) for k in item.get("line_keys", set())),
            tenant_id=item.get("tenant_id"),
        )
