"""In-memory fakes of the rating service's ports (telefonist.rating.service), for the rating tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import TenantResolver, no_tenant_lookup
from telefonist.rating.line import BillingLine, line_key
from telefonist.rating.service import LedgerDecision, RatingService, ReceivedRecord


class FakeLedger:
    """The ledger's two conditional writes: a claim is refused when a newer version is written
    (ties win); `written` holds the newest written version, `keys` the claimed keys."""

    def __init__(self) -> None:
        self.written: dict[str, datetime] = {}
        self.written_keys: dict[str, str] = {}
        self.keys: dict[str, set[str]] = {}

    def claim(self, contact_id: str, last_updated: datetime, line_key: str, *, rewrite: bool = False) -> LedgerDecision:
        held = self.written.get(contact_id)
        if held and held > last_updated:
            return LedgerDecision(accepted=False)
        if not rewrite and held == last_updated and self.written_keys[contact_id] == line_key:
            return LedgerDecision(accepted=False, written_already=True)
        keys = self.keys.setdefault(contact_id, set())
        previous = tuple(sorted(keys))
        keys.add(line_key)
        return LedgerDecision(accepted=True, previous_keys=previous)

    def mark_written(
        self, contact_id: str, last_updated: datetime, line_key: str, tenant_id: str | None, forget: Sequence[str]
    ) -> bool:
        held = self.written.get(contact_id)
        if held and held > last_updated:
            return False
        self.written[contact_id] = last_updated
        self.written_keys[contact_id] = line_key
        self.keys[contact_id].difference_update(forget)
        return True


class FakeLines:
    """The billing table as rows by (partition key, contact); `fail_for` makes a commit holding
    that contact fail like a store would, `unstorable_for` makes that contact's lines ones the
    storage format cannot hold. `commits` counts the writes."""

    def __init__(self, fail_for: str | None = None, unstorable_for: str | None = None) -> None:
        self.rows: dict[tuple[str, str], BillingLine] = {}
        self.fail_for = fail_for
        self.unstorable_for = unstorable_for
        self.commits = 0

    @property
    def objects(self) -> dict[str, BillingLine]:
        """The rows by `<partition key>/<contact id>`."""
        return {f"{key}/{contact}": line for (key, contact), line in self.rows.items()}

    def unstorable(self, lines: Sequence[BillingLine]) -> dict[int, str]:
        return {
            i: "line cannot be stored: column queue cannot hold its value"
            for i, line in enumerate(lines)
            if line.contact_id == self.unstorable_for
        }

    def write(self, lines: Sequence[BillingLine], replacing: Mapping[str, Sequence[str]]) -> None:
        if self.fail_for and any(self.fail_for in line.contact_id for line in lines):
            raise OSError("the table is down")
        for contact_id, keys in replacing.items():
            for key in keys:
                self.rows.pop((key, contact_id), None)
        for line in lines:
            self.rows[(line_key(line), line.contact_id)] = line
        self.commits += 1


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
