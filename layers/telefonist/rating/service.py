"""The rating service: rate a received record, keep one line per contact, quarantine bad input.

Pure orchestration over ports (ledger, line store, quarantine, archive) so the Lambda function,
`telefonist rerate` and tests compose it with DynamoDB/S3 adapters from `telefonist.dal` or fakes.

Order of writes for a billable record, and why it is safe to retry at any point:
1. the ledger's conditional write (`last_updated <= new`) decides whether this version wins and
   returns every key ever written for the contact; an older version stops here;
2. the line is written to its key (an overwrite: replaying it changes nothing);
3. keys of earlier versions that differ (the contact moved partition) are deleted, then
   forgotten by the ledger.
A failure in 2 or 3 fails the record; the retry passes step 1 again (a tie wins) and redoes
2 and 3. Records of one contact share a Kinesis partition key, hence a shard, hence are
processed in order: two versions of a contact are never written concurrently.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import OutcomeStatus, RatingOutcome, TenantResolver, rate_record
from telefonist.rating.line import BillingLine, line_key


@dataclass(frozen=True, slots=True)
class ReceivedRecord:
    """A record as the stream delivered it: its position and its bytes, untouched."""

    shard_id: str
    sequence_number: str
    arrival: datetime
    data: bytes

    def to_archive(self) -> dict[str, str]:
        return {
            "shard_id": self.shard_id,
            "sequence_number": self.sequence_number,
            "arrival": self.arrival.isoformat(),
            "data_base64": base64.b64encode(self.data).decode("ascii"),
        }

    @classmethod
    def from_archive(cls, item: dict[str, str]) -> ReceivedRecord:
        return cls(
            shard_id=item["shard_id"],
            sequence_number=item["sequence_number"],
            arrival=datetime.fromisoformat(item["arrival"]),
            data=base64.b64decode(item["data_base64"]),
        )


@dataclass(frozen=True)
class LedgerDecision:
    """The ledger's answer: did this version win, and which keys of earlier versions to delete."""

    accepted: bool
    superseded_keys: tuple[str, ...] = field(default_factory=tuple)


class LedgerPort(Protocol):
    def record_if_newer(
        self, contact_id: str, last_updated: datetime, line_key: str, tenant_id: str | None
    ) -> LedgerDecision: ...

    def forget_keys(self, contact_id: str, keys: Sequence[str]) -> None: ...


class LineStorePort(Protocol):
    def put_line(self, key: str, line: BillingLine) -> None: ...

    def delete_line(self, key: str) -> None: ...


class QuarantinePort(Protocol):
    def quarantine(self, record: ReceivedRecord, reason: str) -> str: ...


class ArchivePort(Protocol):
    def archive(self, records: Sequence[ReceivedRecord]) -> str | None: ...


class RecordResult(StrEnum):
    BILLED = "billed"
    STALE = "stale"  # an older (or already superseded) version: ignored
    NOT_BILLABLE = "not_billable"
    QUARANTINED = "quarantined"


class RatingService:
    """Rates records and stores their lines through the ports; raises only when a port fails."""

    def __init__(
        self,
        *,
        price_book: Callable[[], PriceBook],
        resolve_tenant: TenantResolver,
        ledger: LedgerPort,
        lines: LineStorePort,
        quarantine: QuarantinePort,
        archive: ArchivePort | None = None,
    ) -> None:
        self._price_book = price_book
        self._resolve_tenant = resolve_tenant
        self._ledger = ledger
        self._lines = lines
        self._quarantine = quarantine
        self._archive = archive

    def archive(self, records: Sequence[ReceivedRecord]) -> str | None:
        """Keep the batch as received (for `rerate`); None when no archive is configured."""
        return self._archive.archive(records) if self._archive and records else None

    def rate(self, record: ReceivedRecord) -> RatingOutcome:
        return rate_record(record.data, self._price_book(), self._resolve_tenant)

    def process(self, record: ReceivedRecord) -> RecordResult:
        """Rate one record and store its line, or quarantine it with the reason (never dropped)."""
        outcome = self.rate(record)
        if outcome.status is OutcomeStatus.REJECTED:
            self._quarantine.quarantine(record, outcome.reason or "rejected")
            return RecordResult.QUARANTINED
        if outcome.line is None:
            return RecordResult.NOT_BILLABLE
        return self.store_line(outcome.line)

    def store_line(self, line: BillingLine) -> RecordResult:
        """Write a line if its CTR version is the newest the ledger has seen (ties win)."""
        key = line_key(line)
        decision = self._ledger.record_if_newer(line.contact_id, line.ctr_last_updated, key, line.tenant_id)
        if not decision.accepted:
            return RecordResult.STALE
        self._lines.put_line(key, line)
        for old_key in decision.superseded_keys:
            self._lines.delete_line(old_key)
        self._ledger.forget_keys(line.contact_id, decision.superseded_keys)
        return RecordResult.BILLED
