"""Time: UTC inside, Stockholm at the edges, and a simulated clock for the demo."""

from __future__ import annotations

from datetime import UTC, datetime

from telefonist.clock import STOCKHOLM, simulated_time, to_local, utc_now


def test_simulated_time_applies_inside_the_block_only() -> None:
    moment = datetime(2027, 1, 6, 9, 30, tzinfo=STOCKHOLM)
    with simulated_time(moment):
        assert utc_now() == datetime(2027, 1, 6, 8, 30, tzinfo=UTC)
        with simulated_time(datetime(2027, 1, 7, 12, 0, tzinfo=UTC)):
            assert utc_now().day == 7
        assert utc_now().day == 6
    assert abs((utc_now() - datetime.now(UTC)).total_seconds()) < 5


def test_local_time_follows_daylight_saving() -> None:
    assert to_local(datetime(2026, 3, 30, 5, 30, tzinfo=UTC)).hour == 7  # CEST
    assert to_local(datetime(2026, 11, 30, 5, 30, tzinfo=UTC)).hour == 6  # CET
