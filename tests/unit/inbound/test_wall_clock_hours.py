"""Opening hours stored with an offset (older data, before they were refused) never crash a call."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

from telefonist.inbound.route_view import route_view_from_item
from telefonist.schedule import is_open_during

# Monday 2026-11-23 10:00 in Stockholm (09:00 UTC)
MONDAY_TEN_LOCAL = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _item(opens: str, closes: str) -> dict[str, object]:
    return {
        "tenant_id": "acme",
        "tenant_name": "Acme",
        "common_number_name": "Växel",
        "info": {"how_to_answer": "Acme"},
        "opening_hours": {"weekly": {"0": [opens, closes]}, "closed_message": "Stängt"},
    }


def test_a_stored_route_with_offset_times_reads_them_as_wall_clock_times() -> None:
    view = route_view_from_item(_item("00:00Z", "23:59Z"))
    assert view.is_open_at(MONDAY_TEN_LOCAL)
    late = route_view_from_item(_item("11:00+05:00", "17:00+05:00"))
    assert not late.is_open_at(MONDAY_TEN_LOCAL)  # 11:00 on the clock face: opens after 10:00


def test_the_schedule_rule_does_not_compare_aware_with_naive_times() -> None:
    aware = timezone(timedelta(hours=5))
    weekly = {0: (time(8, 0, tzinfo=aware), time(17, 0, tzinfo=aware))}
    assert is_open_during(weekly, MONDAY_TEN_LOCAL)
