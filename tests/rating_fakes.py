"""In-memory fakes of the rating service's ports (telefonist.rating.service), for the rating tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from telefonist.models.price_list import PriceBook
from telefonist.rating.engine import TenantResolver, no_tenant_lookup
from telefonist.rating.line import BillingLine
from telefonist.rating.service import LedgerDecision, RatingService, ReceivedRecord


class FakeLedger:
    """The ledger's conditional write: a version wins unless a newer one is held (ties win)."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[datetime, set[str]]] = {}

    def record_if_newer(
        self, contact_id: str, last_updated: datetime, line_key: str, tenant_id: str | None
    ) -> LedgerDecision:
        held = self.items.get(contact_id)
        if held and held[0] > last_updated:
            return LedgerDecision(accepted=False)
        keys = (held[1] if held else set()) | {line_key}
        self.items[contact_id] = (last_updated, keys)
        return LedgerDecision(accepted=True, superseded_keys=tuple(sorted(keys - {line_key})))

    def forget_keys(self, contact_id: str, keys: Sequence[str]) -> None:
        self.items[contact_id][1].difference_update(keys)


class FakeLines:
    """Billing lines by key; `fail_for` makes every key containing it fail like S3 would."""

    def __init__(self, fail_for: str | None = None) -> None:
        self.objects: dict[str, BillingLine] = {}
        self.fail_for = fail_for

    def put_line(self, key: str, line: BillingLine) -> None:
        if self.fail_for and self.fail_for in key:
            raise OSError("S3 is down")
        self.objects[key] = line

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
