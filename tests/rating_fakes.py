"""In-memory fakes of the rating service's ports (telefonist.rating.service), for the rating tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import TenantResolver, no_tenant_lookup
from telefonist.rating.line import BillingLine
from telefonist.rating.service import EncodedLine, LedgerDecision, RatingService, ReceivedRecord, UnstorableLine


class FakeLedger:
    """The ledger's two conditional writes: a claim is refused when a newer version is written
    (ties win); `written` holds the newest written version, `keys` the claimed keys."""

    def __init__(self) -> None:
        self.written: dict[str, datetime] = {}
        self.keys: dict[str, set[str]] = {}

    def claim(self, contact_id: str, last_updated: datetime, line_key: str) -> LedgerDecision:
        held = self.written.get(contact_id)
        if held and held > last_updated:
            return LedgerDecision(accepted=False)
        keys = self.keys.setdefault(contact_id, set())
        keys.add(line_key)
        return LedgerDecision(accepted=True, superseded_keys=tuple(sorted(keys - {line_key})))

    def mark_written(
        self, contact_id: str, last_updated: datetime, line_key: str, tenant_id: str | None, deleted: Sequence[str]
    ) -> bool:
        held = self.written.get(contact_id)
        if held and held > last_updated:
            return False
        self.written[contact_id] = last_updated
        self.keys[contact_id].difference_update(deleted)
        return True


class FakeLines:
    """Billing lines by key; `fail_for` makes every key containing it fail like S3 would, and
    `unstorable_for` makes the lines of that contact ones the storage format cannot hold."""

    def __init__(self, fail_for: str | None = None, unstorable_for: str | None = None) -> None:
        self.objects: dict[str, BillingLine] = {}
        self.fail_for = fail_for
        self.unstorable_for = unstorable_for

    def encode(self, line: BillingLine) -> EncodedLine:
        if line.contact_id == self.unstorable_for:
            raise UnstorableLine("line cannot be stored: column queue cannot hold its value")
        return EncodedLine(line, b"")

    def put_encoded(self, key: str, encoded: EncodedLine) -> None:
        if self.fail_for and self.fail_for in key:
            raise OSError("S3 is down")
        self.objects[key] = encoded.line

    def delete_line(self, key: str) -> None:
        self.objects.pop(key, None)


class FakeQuarantine:
    def __init__(self) -> None:
        self.items: list[tuple[ReceivedRecord, str]] = []

    def quarantine(self, record: ReceivedRecord, reason: str) -> str:
        self.items.append((record, reason))
        return f"q/{record.sequence_number}"


class FakeArchive:
    def __init__(self) -> None:
        self.batches: list[list[ReceivedRecord]] = []

    def archive(self, records: Sequence[ReceivedRecord]) -> str | None:
        self.batches.append(list(records))
        return f"archive/{len(self.batches)}"


@dataclass
class FakePorts:
    """Every port of the rating service as a fake, and the service composed over them."""

    ledger: FakeLedger = field(default_factory=FakeLedger)
    lines: FakeLines = field(default_factory=FakeLines)
    quarantine: FakeQuarantine = field(default_factory=FakeQuarantine)
    archive: FakeArchive = field(default_factory=FakeArchive)

    def service(self, price_book: PriceBook, resolve_tenant: TenantResolver = no_tenant_lookup) -> RatingService:
        return RatingService(
            price_book=lambda: price_book,
            resolve_tenant=resolve_tenant,
            ledger=self.ledger,
            lines=self.lines,
            quarantine=self.quarantine,
            archive=self.archive,
        )
