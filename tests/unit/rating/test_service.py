"""The rating service over fake ports: one line per contact, quarantine, order of writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telefonist.rating.line import line_key
from telefonist.rating.service import RatingService, ReceivedRecord, RecordResult

from tests.fakes.rating import FakeLedger, FakeLines, FakePorts, FakeQuarantine
from tests.rating_builders import ctr, encode


def received(record, seq: int = 1) -> ReceivedRecord:
    return ReceivedRecord("shardId-0", str(seq), datetime(2026, 11, 24, tzinfo=UTC), encode(record))


@pytest.fixture
def ports(price_book):
    fakes = FakePorts()
    service = fakes.service(price_book, {"+46852000009": "beta"}.get)
    return service, fakes.ledger, fakes.lines, fakes.quarantine


def test_duplicates_newer_and_older_versions_leave_one_line_of_the_newest(ports) -> None:
    service, _ledger, lines, _q = ports
    v1 = ctr("c-1", talk=30, last_updated="2026-11-24T09:00:00Z")
    v2 = ctr("c-1", talk=150, last_updated="2026-11-24T09:10:00Z")
    results = [service.process(received(r, i)) for i, r in enumerate([v1, v1, v2, v1, v2])]
    assert results == [
        RecordResult.BILLED,
        RecordResult.DUPLICATE,  # the version written already, in the same partition: not written again
        RecordResult.BILLED,
        RecordResult.STALE,
        RecordResult.DUPLICATE,
    ]
    assert len(lines.objects) == 1
    (line,) = lines.objects.values()
    assert (line.tariff, line.talk_seconds) == (5, 150)


def test_a_version_that_moves_partition_deletes_the_old_row(ports) -> None:
    service, _ledger, lines, _q = ports
    unresolved = ctr("c-2", tenant=None, dialed="+46800000000", last_updated="2026-11-24T09:00:00Z")
    resolved = ctr("c-2", tenant=None, dialed="+46852000009", last_updated="2026-11-24T09:01:00Z")
    service.process(received(unresolved))
    assert list(lines.objects) == ["month=2026-11/tenant_id=_unresolved/c-2"]
    service.process(received(resolved))
    assert list(lines.objects) == ["month=2026-11/tenant_id=beta/c-2"]


def test_bad_records_are_quarantined_whole_with_reason(ports) -> None:
    service, _ledger, lines, quarantine = ports
    assert service.process(received(b"\xff{oops", 7)) is RecordResult.QUARANTINED
    ((record, reason),) = quarantine.items
    assert (record.data, record.sequence_number, reason) == (b"\xff{oops", "7", "not valid JSON")
    assert not lines.objects


def test_not_billable_records_write_nothing(ports) -> None:
    service, ledger, lines, quarantine = ports
    assert service.process(received(ctr(initiation="OUTBOUND"))) is RecordResult.NOT_BILLABLE
    assert not ledger.written
    assert not ledger.keys
    assert not (lines.objects)
    assert not (quarantine.items)


def test_a_failing_line_store_raises_and_the_retry_writes_the_line(price_book) -> None:
    ledger, lines = FakeLedger(), FakeLines(fail_for="c-3")
    service = RatingService(
        price_book=lambda: price_book,
        resolve_tenant=lambda _n: None,
        ledger=ledger,
        lines=lines,
        quarantine=FakeQuarantine(),
    )
    record = received(ctr("c-3"))
    with pytest.raises(OSError, match="the table is down"):
        service.process(record)
    assert ledger.written == {}  # the version is not marked written: no line was
    lines.fail_for = None
    assert service.process(record) is RecordResult.BILLED  # the retry claims the version again
    line = next(iter(lines.objects.values()))
    assert list(lines.objects) == [f"{line_key(line)}/c-3"]


def test_a_batch_is_one_commit_newest_version_per_contact_in_it(ports) -> None:
    # Given a batch: two contacts, duplicates, a late older version, a bad record
    service, _ledger, lines, quarantine = ports
    v1 = ctr("c-1", talk=30, last_updated="2026-11-24T09:00:00Z")
    v2 = ctr("c-1", talk=150, last_updated="2026-11-24T09:10:00Z")
    other = ctr("c-2", talk=20)
    batch = [received(r, i) for i, r in enumerate([v1, v2, other, v1, b"nope", other])]
    # When
    result = service.process_batch(batch)
    # Then
    assert result.results == [
        RecordResult.STALE,
        RecordResult.BILLED,
        RecordResult.STALE,  # the same version later in the batch wins the tie
        RecordResult.STALE,
        RecordResult.QUARANTINED,
        RecordResult.BILLED,
    ]
    assert lines.commits == 1
    assert sorted((line.contact_id, line.talk_seconds) for line in lines.objects.values()) == [
        ("c-1", 150),
        ("c-2", 20),
    ]
    assert len(quarantine.items) == 1
    # And replaying the batch changes nothing and writes nothing: the ledger knows both versions
    replayed = service.process_batch(batch)
    assert replayed.results == [
        RecordResult.STALE,
        RecordResult.DUPLICATE,
        RecordResult.STALE,
        RecordResult.STALE,
        RecordResult.QUARANTINED,
        RecordResult.DUPLICATE,
    ]
    assert lines.commits == 1
    assert len(lines.objects) == 2


def test_rerate_writes_a_version_again_even_in_the_same_partition(ports) -> None:
    service, _ledger, lines, _q = ports
    assert service.process(received(ctr("c-1", talk=30))) is RecordResult.BILLED
    (line,) = lines.objects.values()
    repriced = line.model_copy(update={"amount_ore": line.amount_ore + 100})
    assert service.store_lines([repriced]).results == [RecordResult.BILLED]
    assert lines.commits == 2
    assert next(iter(lines.objects.values())).amount_ore == line.amount_ore + 100


def test_a_failed_commit_fails_every_claimed_record_and_their_older_versions(price_book) -> None:
    ledger, lines = FakeLedger(), FakeLines(fail_for="c-9")
    service = RatingService(
        price_book=lambda: price_book,
        resolve_tenant=lambda _n: None,
        ledger=ledger,
        lines=lines,
        quarantine=FakeQuarantine(),
    )
    older = ctr("c-9", last_updated="2026-11-24T09:00:00Z")
    newer = ctr("c-9", last_updated="2026-11-24T09:05:00Z")
    result = service.process_batch([received(older, 1), received(newer, 2), received(b"{}", 3)])
    assert result.failed() == [0, 1]
    assert result.results[2] is RecordResult.QUARANTINED
    assert not ledger.written
    lines.fail_for = None
    assert service.process_batch([received(older, 1), received(newer, 2)]).results == [
        RecordResult.STALE,
        RecordResult.BILLED,
    ]
