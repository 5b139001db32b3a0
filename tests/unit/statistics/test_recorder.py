"""Recording a batch: one write per contact (its newest version in the batch), and a store or
routing failure fails exactly the records of customer contacts, for the event source to retry."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from telefonist.ports.store import RepositoryError
from telefonist.statistics.events import ContactEvent
from telefonist.statistics.recorder import StatisticsRecorder

EVENTS = Path(__file__).parents[2] / "events"


def _ctr(contact_id: str, updated: str) -> bytes:
    record: dict[str, Any] = json.loads((EVENTS / "ctr-answered.json").read_text())
    record.update(ContactId=contact_id, LastUpdateTimestamp=updated)
    return json.dumps(record).encode()


def _us(moment: str) -> int:
    return int(datetime.fromisoformat(moment).timestamp()) * 1_000_000


class _Store:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.written: list[ContactEvent] = []

    def record_many(self, events: Sequence[ContactEvent]) -> list[str]:
        if self.fail:
            raise RepositoryError("throttled")
        self.written += events
        return ["recorded"] * len(events)


def test_a_batch_writes_each_contact_once_with_its_newest_version() -> None:
    store = _Store()
    recorder = StatisticsRecorder(store, lambda _n: None)
    batch = [
        _ctr("c1", "2026-11-24T08:20:00Z"),
        _ctr("c2", "2026-11-24T08:20:00Z"),
        _ctr("c1", "2026-11-24T08:25:00Z"),  # newer
        _ctr("c1", "2026-11-24T08:21:00Z"),  # older, arriving late
        b"not a ctr",
    ]
    result = recorder.record_batch(batch)
    assert [(e.contact_id, e.version_us) for e in store.written] == [
        ("c1", _us("2026-11-24T08:25:00+00:00")),
        ("c2", _us("2026-11-24T08:20:00+00:00")),
    ]
    assert (result.recorded, result.stale, result.ignored, result.failed) == (2, 2, 1, [])


def test_a_store_failure_fails_every_record_of_the_contacts_and_nothing_else() -> None:
    recorder = StatisticsRecorder(_Store(fail=True), lambda _n: None)
    batch = [
        _ctr("c1", "2026-11-24T08:20:00Z"),
        b"{}",
        _ctr("c1", "2026-11-24T08:25:00Z"),
        _ctr("c2", "2026-11-24T08:20:00Z"),
    ]
    assert recorder.record_batch(batch).failed == [0, 2, 3]


def test_a_routing_failure_fails_that_record() -> None:
    def down(_number: str) -> str | None:
        raise RepositoryError("routes unavailable")

    record: dict[str, Any] = json.loads((EVENTS / "ctr-answered.json").read_text())
    record["Attributes"] = {}
    store = _Store()
    result = StatisticsRecorder(store, down).record_batch(
        [json.dumps(record).encode(), _ctr("c2", "2026-11-24T08:20:00Z")]
    )
    assert result.failed == [0]
    assert [e.contact_id for e in store.written] == ["c2"]


def _transferred(contact_id: str, person_id: str) -> bytes:
    record: dict[str, Any] = json.loads(_ctr(contact_id, "2026-11-24T08:20:00Z"))
    record["Attributes"] = {**record.get("Attributes", {}), "transfer_person_id": person_id}
    return json.dumps(record).encode()


def test_an_event_names_the_person_only_while_they_are_in_the_directory() -> None:
    # Given calls transferred to p1 (erased since) and p2 (still there), and one transferred to nobody
    asked: list[set[tuple[str, str]]] = []

    def present(people: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        asked.append(set(people))
        return {p for p in asked[-1] if p[1] == "p2"}

    store = _Store()
    recorder = StatisticsRecorder(store, lambda _n: "acme", people_present=present)
    # When the batch is recorded
    result = recorder.record_batch(
        [_transferred("c1", "p1"), _transferred("c2", "p2"), _ctr("c3", "2026-11-24T08:20:00Z")]
    )
    # Then the directory is asked once, for the named people, and only p2 stays named; counts are whole
    assert asked == [{("acme", "p1"), ("acme", "p2")}]
    named = {e.contact_id: e.transferred_to_person for e in store.written}
    assert named == {"c1": None, "c2": "p2", "c3": None}
    # the transfer itself stays (statistics do not move): c1 is transferred exactly as c2 is
    assert len({e.transferred for e in store.written if e.contact_id in ("c1", "c2")}) == 1
    assert result.recorded == 3


def test_a_directory_failure_fails_the_batch_for_a_retry() -> None:
    def down(_people: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        raise RepositoryError("throttled")

    store = _Store()
    result = StatisticsRecorder(store, lambda _n: "acme", people_present=down).record_batch([_transferred("c1", "p1")])
    assert (result.failed, store.written) == ([0], [])
