"""The rating service: rate a received record, keep one line per contact, quarantine bad input.

Pure orchestration over ports (ledger, line store, quarantine, archive) so the Lambda function,
`telefonist rerate` and tests compose it with DynamoDB/S3 adapters from `telefonist.dal` or fakes.

Order of writes for a billable record: the ledger marks a version done only once its line is
written, so that no contact can end without a line, and a version never written cannot keep
an older one from being billed:
1. the line is encoded; a line the storage format cannot hold is quarantined (UnstorableLine)
   before anything is written;
2. the ledger's claim (conditional on the newest *written* version being no newer: ties win)
   adds the key to the contact's keys and returns the keys of earlier versions; an older
   version stops here, so a late one never overwrites a newer line;
3. the line is written to its key (an overwrite: replaying it changes nothing);
4. keys of earlier versions that differ (the contact moved partition) are deleted;
5. the ledger marks the version written and forgets the deleted keys.
A failure anywhere fails the record and leaves the ledger's written version as it was: the
retry redoes 2 to 5, and an older version arriving meanwhile is still written. A crash after 3
leaves the new line in place with its key known to the ledger (from 2), so it is never
orphaned: the retry or the next version keeps or deletes it. Records of one contact share a
Kinesis partition key, hence a shard, hence are processed in order: two versions of a contact
are never written concurrently.
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
    """The ledger's answer to a claim: may this version be written, and which keys to delete."""

    accepted: bool
    superseded_keys: tuple[str, ...] = field(default_factory=tuple)


class LedgerPort(Protocol):
    def claim(self, contact_id: str, last_updated: datetime, line_key: str) -> LedgerDecision:
        """Accept a version unless a newer one is written; remember its key before it is written."""
        ...

    def mark_written(
        self, contact_id: str, last_updated: datetime, line_key: str, tenant_id: str | None, deleted: Sequence[str]
    ) -> bool:
        """Record the version as the contact's written line; False if a newer one was meanwhile."""
        ...


class UnstorableLine(ValueError):
    """A line the storage format cannot hold; the reason names the column, never the value."""


@dataclass(frozen=True, slots=True)
class EncodedLine:
    """A line and its bytes in the storage format: encoded before anything is written."""

    line: BillingLine
    body: bytes


class LineStorePort(Protocol):
    def encode(self, line: BillingLine) -> EncodedLine:
        """The line in the storage format; UnstorableLine when the format cannot hold it."""
        ...

    def put_encoded(self, key: str, encoded: EncodedLine) -> None: ...

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
        """Rate one record and store its line, or quarantine it with the reason (never dropped).

        Raises only when a port fails (the record is retried); a record that cannot become a
        stored line is quarantined, so that it never fails its batch.
        """
        outcome = self.rate(record)
        if outcome.status is OutcomeStatus.REJECTED:
            self._quarantine.quarantine(record, outcome.reason or "rejected")
            return RecordResult.QUARANTINED
        if outcome.line is None:
            return RecordResult.NOT_BILLABLE
        try:
            return self.store_line(outcome.line)
        except UnstorableLine as exc:
            self._quarantine.quarantine(record, str(exc))
            return RecordResult.QUARANTINED

    def store_line(self, line: BillingLine) -> RecordResult:
        """Write a line unless a newer version of the contact is written (ties win); see the module."""
        encoded = self._lines.encode(line)
        key = line_key(line)
        claim = self._ledger.claim(line.contact_id, line.ctr_last_updated, key)
        if not claim.accepted:
            return RecordResult.STALE
        self._lines.put_encoded(key, encoded)
        for old_key in claim.superseded_keys:
            self._lines.delete_line(old_key)
        written = self._ledger.mark_written(
            line.contact_id, line.ctr_last_updated, key, line.tenant_id, claim.superseded_keys
        )
        return RecordResult.BILLED if written else RecordResult.STALE
