"""The rating service: rate a batch of received records, keep one line per contact, quarantine bad input.

Pure orchestration over ports (ledger, line sink, quarantine, archive) so the Lambda function,
`telefonist rerate` and tests compose it with DynamoDB/Iceberg/S3 adapters from `telefonist.dal`
or fakes.

A batch is stored in four steps; the ledger marks a version done only once its line is committed,
so that no contact can end without a line, and a version never written cannot keep an older one
from being billed:
1. every record is rated and its line checked against the storage format; a bad record or a line
   the format cannot hold (UnstorableLine) is quarantined before anything is written. Of the
   versions of one contact in the batch only the newest is stored (ties: the later received);
   the others are stale;
2. the ledger's claims, concurrently (distinct contacts): a claim is refused when a newer version
   is written (so a late older version never overwrites a newer line), or the same version in the
   same partition (an exact redelivery: its row is there, so it costs one round trip, not two and
   a share of the commit), else it adds the line's partition key to the contact's keys and
   returns every key that may already hold a row of it;
3. one sink write for the whole batch: a single Iceberg commit that deletes the claimed contacts'
   rows in those partitions and appends the new lines (replaying it changes nothing);
4. the ledger marks each version written and forgets the keys the commit emptied, concurrently.
A failure fails the records concerned (the older versions of a failed contact with it) and leaves
the ledger's written version as it was: the retry redoes 2 to 4. A crash after 3 leaves the row in
a partition the ledger knows (from 2), so the retry deletes it before appending it again. Records
of one contact share a Kinesis partition key, hence are processed in order even with a
parallelization factor above 1: two versions of a contact are never written concurrently.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import OutcomeStatus, RatingOutcome, TenantResolver, rate_record
from telefonist.rating.line import BillingLine, line_key

T = TypeVar("T")


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
    """The ledger's answer to a claim: may this version be written, and which partitions may hold
    a row of the contact already (the claimed one included when an earlier attempt claimed it).
    `written_already`: refused because this very version is written in this very partition (an
    exact redelivery): its row is in the table, nothing is left to do."""

    accepted: bool
    previous_keys: tuple[str, ...] = field(default_factory=tuple)
    written_already: bool = False


class LedgerPort(Protocol):
    def claim(self, contact_id: str, last_updated: datetime, line_key: str, *, rewrite: bool = False) -> LedgerDecision:
        """Accept a version unless a newer one is written; remember its key before it is written.

        The version already written in the same partition is refused (`written_already`) unless
        `rewrite` (`rerate`: the same version, priced again)."""
        ...

    def mark_written(
        self, contact_id: str, last_updated: datetime, line_key: str, tenant_id: str | None, forget: Sequence[str]
    ) -> bool:
        """Record the version as the contact's written line; False if a newer one was meanwhile."""
        ...


class UnstorableLine(ValueError):
    """A line the storage format cannot hold; the reason names the column, never the value."""


class LineSinkPort(Protocol):
    def unstorable(self, lines: Sequence[BillingLine]) -> Mapping[int, str]:
        """The reason for each line (by index) the storage format cannot hold; empty when all fit."""
        ...

    def write(self, lines: Sequence[BillingLine], replacing: Mapping[str, Sequence[str]]) -> None:
        """One atomic commit: remove the rows of the contacts of `replacing` from the partitions
        (keys) named there, and add `lines`."""
        ...


class QuarantinePort(Protocol):
    def quarantine(self, record: ReceivedRecord, reason: str) -> str: ...


class ArchivePort(Protocol):
    def archive(self, records: Sequence[ReceivedRecord]) -> str | None: ...


class RecordResult(StrEnum):
    BILLED = "billed"
    STALE = "stale"  # an older (or already superseded) version: ignored
    DUPLICATE = "duplicate"  # the version already written, in the same partition (a redelivery): ignored
    NOT_BILLABLE = "not_billable"
    QUARANTINED = "quarantined"
    FAILED = "failed"  # a port failed: the record is retried


@dataclass
class BatchResult:
    """What became of each record of a batch (in order), and the error of each failed one."""

    results: list[RecordResult]
    errors: dict[int, Exception] = field(default_factory=dict)

    def failed(self) -> list[int]:
        return [i for i, r in enumerate(self.results) if r is RecordResult.FAILED]


DEFAULT_CONCURRENCY = 16  # ledger round trips in flight per invocation (distinct contacts)


class RatingService:
    """Rates records and stores their lines through the ports; a record fails only when a port fails."""

    def __init__(
        self,
        *,
        price_book: Callable[[], PriceBook],
        resolve_tenant: TenantResolver,
        ledger: LedgerPort,
        lines: LineSinkPort,
        quarantine: QuarantinePort,
        archive: ArchivePort | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self._price_book = price_book
        self._resolve_tenant = resolve_tenant
        self._ledger = ledger
        self._lines = lines
        self._quarantine = quarantine
        self._archive = archive
        self._pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="rating")

    def archive(self, records: Sequence[ReceivedRecord]) -> str | None:
        """Keep the batch as received (for `rerate`); None when no archive is configured."""
        return self._archive.archive(records) if self._archive and records else None

    def rate(self, record: ReceivedRecord) -> RatingOutcome:
        return rate_record(record.data, self._price_book(), self._resolve_tenant)

    def process(self, record: ReceivedRecord) -> RecordResult:
        """One record (see process_batch); raises the port's error when it failed."""
        batch = self.process_batch([record])
        if batch.errors:
            raise batch.errors[0]
        return batch.results[0]

    def process_batch(self, records: Sequence[ReceivedRecord]) -> BatchResult:
        """Rate a batch and store its lines (see the module); bad records are quarantined, never failed."""
        batch = BatchResult(results=[RecordResult.NOT_BILLABLE] * len(records))
        lines: dict[int, BillingLine] = {}
        rejected: dict[int, str] = {}
        for index, record in enumerate(records):
            try:
                outcome = self.rate(record)
            except Exception as exc:  # the tenant resolver (a port) failed: retried
                self._fail(batch, index, exc)
                continue
            if outcome.status is OutcomeStatus.REJECTED:
                rejected[index] = outcome.reason or "rejected"
            elif outcome.line is not None:
                lines[index] = outcome.line
        indexes = list(lines)
        for position, reason in self._lines.unstorable([lines[i] for i in indexes]).items():
            rejected[indexes[position]] = reason
            del lines[indexes[position]]

        def quarantine(index: int) -> None:
            self._quarantine.quarantine(records[index], rejected[index])

        for index, error in self._each(quarantine, list(rejected)):
            if error is None:
                batch.results[index] = RecordResult.QUARANTINED
            else:
                self._fail(batch, index, error)
        self._store(lines, batch, rewrite=False)
        return batch

    def store_lines(self, lines: Sequence[BillingLine]) -> BatchResult:
        """Store lines rated elsewhere (`rerate`): unstorable ones come back QUARANTINED, unwritten.
        A version already written is written again (its line may be priced anew)."""
        batch = BatchResult(results=[RecordResult.STALE] * len(lines))
        storable = dict(enumerate(lines))
        for position in self._lines.unstorable(lines):
            batch.results[position] = RecordResult.QUARANTINED
            del storable[position]
        self._store(storable, batch, rewrite=True)
        return batch

    # ------------------------------------------------------------------ steps 1 (newest) to 4
    def _store(self, lines: dict[int, BillingLine], batch: BatchResult, *, rewrite: bool) -> None:
        newest: dict[str, int] = {}
        for index, line in lines.items():  # in received order: a tie goes to the later
            held = newest.get(line.contact_id)
            if held is None or lines[held].ctr_last_updated <= line.ctr_last_updated:
                newest[line.contact_id] = index
        older = {i: newest[line.contact_id] for i, line in lines.items() if newest[line.contact_id] != i}
        for index in older:
            batch.results[index] = RecordResult.STALE

        def claim(index: int) -> LedgerDecision:
            line = lines[index]
            return self._ledger.claim(line.contact_id, line.ctr_last_updated, line_key(line), rewrite=rewrite)

        claims: dict[int, LedgerDecision] = {}
        for index, decision in self._each(claim, list(newest.values())):
            if isinstance(decision, Exception):
                self._fail(batch, index, decision)
            elif decision.accepted:
                claims[index] = decision
            else:
                batch.results[index] = RecordResult.DUPLICATE if decision.written_already else RecordResult.STALE
        if claims:
            try:
                self._lines.write(
                    [lines[i] for i in claims],
                    {lines[i].contact_id: d.previous_keys for i, d in claims.items() if d.previous_keys},
                )
            except Exception as exc:  # the commit failed: every claimed line is retried
                for index in claims:
                    self._fail(batch, index, exc)
                claims = {}

        def mark(index: int) -> bool:
            line, key = lines[index], line_key(lines[index])
            forget = [k for k in claims[index].previous_keys if k != key]
            return self._ledger.mark_written(line.contact_id, line.ctr_last_updated, key, line.tenant_id, forget)

        for index, written in self._each(mark, list(claims)):
            if isinstance(written, Exception):
                self._fail(batch, index, written)
            else:
                batch.results[index] = RecordResult.BILLED if written else RecordResult.STALE
        for index, winner in older.items():  # an older version is retried with its failed newest
            if batch.results[winner] is RecordResult.FAILED:
                self._fail(batch, index, batch.errors[winner])

    def _each(self, call: Callable[[int], T], indexes: Iterable[int]) -> list[tuple[int, T | Exception]]:
        """`call` for each index, concurrently; each result or the exception it raised, in order."""

        def attempt(index: int) -> tuple[int, T | Exception]:
            try:
                return index, call(index)
            except Exception as exc:
                return index, exc

        indexes = list(indexes)
        if len(indexes) <= 1:
            return [attempt(i) for i in indexes]
        return list(self._pool.map(attempt, indexes))

    @staticmethod
    def _fail(batch: BatchResult, index: int, error: Exception) -> None:
        batch.results[index] = RecordResult.FAILED
        batch.errors[index] = error
