"""The demo's simulated calls and CTRs: realistic mix, and expectations that follow the spec."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from telefonist_local.demo.ctr_builder import build_ctr, delivery_stream, transfer_leg
from telefonist_local.demo.scenarios import Action, CallScenario, Slot, generate_calls

WEEK = date(2027, 1, 4)  # Monday; Wednesday 6 January is Trettondedag jul


def _call(slot: Slot, action: Action, talk: int, acw: int = 0) -> CallScenario:
    return CallScenario(
        contact_id="c1",
        dialed_number="+46852000001",
        caller_number="+46701234567",
        slot=slot,
        answered_at=datetime(2027, 1, 4, 9, tzinfo=UTC),
        action=action,
        talk_seconds=talk,
        after_work_seconds=acw,
        query="eva",
    )


@pytest.mark.parametrize(
    ("slot", "action", "talk", "tariff"),
    [
        (Slot.WEEKDAY_DAY, Action.INFORMATION, 30, 1),
        (Slot.WEEKDAY_DAY, Action.TRANSFER, 30, 2),
        (Slot.WEEKDAY_DAY, Action.RELAY, 120, 2),
        (Slot.WEEKDAY_DAY, Action.CUSTOMER_SERVICE, 121, 5),
        (Slot.WEEKDAY_EVENING, Action.MESSAGE, 30, 3),
        (Slot.WEEKEND, Action.RELAY, 30, 4),
        (Slot.HOLIDAY, Action.CUSTOMER_SERVICE, 200, 6),
    ],
)
def test_the_expected_tariff_follows_the_spec_table(slot: Slot, action: Action, talk: int, tariff: int) -> None:
    assert _call(slot, action, talk).expected_tariff == tariff


def test_over_budget_is_more_than_45_seconds_of_handling() -> None:
    assert not _call(Slot.WEEKEND, Action.MESSAGE, 40, 5).expected_over_budget
    assert _call(Slot.WEEKEND, Action.MESSAGE, 40, 6).expected_over_budget


def test_a_week_of_calls_covers_every_slot_and_action_and_is_reproducible() -> None:
    calls = generate_calls(400, 3, WEEK, ["+46852000001", "+46852000002"], ["eva", "ekonomi"])
    assert calls == generate_calls(400, 3, WEEK, ["+46852000001", "+46852000002"], ["eva", "ekonomi"])
    assert set(Counter(c.slot for c in calls)) == set(Slot)
    assert set(Counter(c.action for c in calls)) == set(Action)
    holiday_dates = {c.answered_at.date() for c in calls if c.slot is Slot.HOLIDAY}
    assert holiday_dates == {date(2027, 1, 6)}
    assert len({c.contact_id for c in calls}) == 400


def test_a_transferred_ctr_carries_the_transfer_and_its_leg_is_not_inbound() -> None:
    call = _call(Slot.WEEKDAY_DAY, Action.TRANSFER, 30, 5)
    ctr = build_ctr(call, {"tenant_id": "acme"}, transfer_to="+46852010000")
    assert ctr["TransferredToEndpoint"]["Address"] == "+46852010000"
    assert ctr["Agent"]["ConnectedToAgentTimestamp"] == "2027-01-04T09:00:00Z"
    leg = transfer_leg(ctr)
    assert leg["InitiationMethod"] == "TRANSFER"
    assert leg["ContactId"] == ctr["NextContactId"] != ctr["ContactId"]


def test_an_early_version_is_older_and_lacks_after_contact_work() -> None:
    call = _call(Slot.WEEKDAY_DAY, Action.MESSAGE, 30, 20)
    early, final = build_ctr(call, {}, final=False), build_ctr(call, {})
    assert early["LastUpdateTimestamp"] < final["LastUpdateTimestamp"]
    assert (early["Agent"]["AfterContactWorkDuration"], final["Agent"]["AfterContactWorkDuration"]) == (0, 20)


def test_an_abandoned_call_has_no_agent() -> None:
    assert build_ctr(_call(Slot.WEEKEND, Action.ABANDONED, 0), {})["Agent"] is None


def test_the_delivery_stream_duplicates_and_reorders_but_loses_nothing() -> None:
    versions = [[{"ContactId": f"c{i}", "v": 1}, {"ContactId": f"c{i}", "v": 2}] for i in range(400)]
    stream = delivery_stream(versions, seed=5)
    assert {r["ContactId"] for r in stream} == {f"c{i}" for i in range(400)}
    assert len(stream) > 800  # some duplicates
    late = [
        i
        for i in range(400)
        if stream.index({"ContactId": f"c{i}", "v": 2}) < stream.index({"ContactId": f"c{i}", "v": 1})
    ]
    assert late  # some older versions after newer ones
