"""When a common number is open and when a notice is valid: pure rules shared by every reader.

The self-service models (pydantic) and the inbound call path's light route view both answer
these questions, so the rules live here once, free of pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time

from telefonist.clock import as_utc, to_local

WeeklyHours = Mapping[int, tuple[time, time]]
"""Opening hours in Stockholm local time per weekday (0 = Monday); empty means always open."""


def is_open_during(weekly: WeeklyHours, moment: datetime) -> bool:
    """Whether `moment` falls inside the weekday's [opens, closes) in Stockholm local time."""
    if not weekly:
        return True
    local = to_local(moment)
    hours = weekly.get(local.weekday())
    if hours is None:
        return False
    # Hours are wall-clock times; one stored with an offset (older data) is read by its clock face
    # rather than compared aware-to-naive, which raises.
    opens, closes = (t.replace(tzinfo=None) for t in hours)
    return opens <= local.time() < closes


def is_within(valid_from: datetime, valid_until: datetime, moment: datetime) -> bool:
    """Whether `moment` is in [valid_from, valid_until): a notice shows from its start, not at its end."""
    return as_utc(valid_from) <= as_utc(moment) < as_utc(valid_until)
