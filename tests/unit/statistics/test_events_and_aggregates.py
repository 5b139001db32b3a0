"""Contact events from CTRs, and the aggregates' arithmetic (issue 20)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from telefonist.statistics.aggregates import BUCKET_BOUNDS, OVERFLOW, add_up, bucket_of, contribution, delta, percentile
from telefonist.statistics.events import ContactEvent, Outcome, contact_event

from tests.builders.statistics import answered_call

EVENTS = Path(__file__).parents[2] / "events"


def _ctr(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = json.loads((EVENTS / "ctr-answered.json").read_text())
    record.update(changes)
    return record


def _nobody(_number: str) -> str | None:
    return None


def test_an_answered_contact_reads_wait_handling_and_day_in_stockholm() -> None:
    record = _ctr()
    event = contact_event(json.dumps(record), _nobody)
    assert event is not None
    assert event.outcome is Outcome.ANSWERED
    agent = record["Agent"]
    assert event.handling_seconds == agent["AgentInteractionDuration"] + agent["AfterContactWorkDuration"]
    assert event.wait_seconds == record["Queue"]["Duration"]
    assert event.number == record["SystemEndpoint"]["Address"]


def test_an_abandoned_contact_was_queued_and_never_answered() -> None:
    record = _ctr(Agent=None)
    event = contact_event(record, _nobody)
    assert event is not None
    assert event.outcome is Outcome.ABANDONED
    assert event.handling_seconds == 0
    assert not event.transferred


def test_a_closed_contact_was_never_queued() -> None:
    event = contact_event(_ctr(Agent=None, Queue=None), _nobody)
    assert event is not None
    assert event.outcome is Outcome.CLOSED


def test_the_tenant_comes_from_the_dialled_number_when_the_attribute_is_missing() -> None:
    record = _ctr(Attributes={"lookup": "fallback"})
    assert contact_event(record, _nobody) is None  # a contact of nobody: not counted
    event = contact_event(record, lambda number: "acme")
    assert event is not None
    assert event.tenant_id == "acme"
    assert event.fallback


def test_transfer_legs_and_bad_records_give_no_event() -> None:
    assert contact_event(_ctr(InitiationMethod="TRANSFER"), _nobody) is None
    assert contact_event(b"{not json", _nobody) is None


def test_outcomes_of_the_workspace_are_read_from_the_contact_attributes() -> None:
    record = _ctr()
    record["Attributes"] = {**record["Attributes"], "transfer_person_id": "anna", "message_channels": "email,sms"}
    event = contact_event(record, _nobody)
    assert event is not None
    assert event.transferred_to_person == "anna"
    assert event.message_channels == ("sms", "email")


def _event(**changes: Any) -> ContactEvent:
    transferred = {"number": "+46850000000", "wait_seconds": 12, "handling_seconds": 50, "transferred": True}
    return answered_call(**{**transferred, **changes})


def test_a_newer_version_replaces_its_contribution_exactly() -> None:
    first = contribution(_event(handling_seconds=30))
    final = contribution(_event(handling_seconds=50))
    change = delta(first, final)
    assert change == {"over_45s": 1, "h_30": -1, "h_50": 1, "handling_seconds": 20}
    applied = add_up([first, change]).counts
    assert {k: v for k, v in applied.items() if v} == final


def test_an_abandoned_contact_counts_as_offered_and_abandoned_only() -> None:
    counts = contribution(_event(outcome=Outcome.ABANDONED, handling_seconds=0, transferred=False, wait_seconds=70))
    assert counts == {"offered": 1, "abandoned": 1, "w_70": 1, "wait_seconds": 70}


def test_percentiles_are_nearest_rank_read_back_as_bucket_bounds() -> None:
    values = [3, 5, 8, 12, 12, 40, 41, 95, 700, 5000]
    histogram: dict[str, int] = {}
    for v in values:
        histogram[bucket_of(v)] = histogram.get(bucket_of(v), 0) + 1
    assert percentile(histogram, 0.5) == 12
    assert percentile(histogram, 0.9) == 720  # 700 s lies in the bucket (690, 720]
    assert percentile(histogram, 1.0) is None  # beyond the last bound
    assert bucket_of(5000) == OVERFLOW
    assert bucket_of(BUCKET_BOUNDS[-1]) == str(BUCKET_BOUNDS[-1])
    assert percentile({}, 0.5) is None
