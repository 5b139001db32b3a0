"""The employee's status presets and their end times: what one tap (or one SMS word) sets.

Times are read in Europe/Stockholm (the edge) and kept in UTC (inside). A status always ends by
itself: lunch and meetings at a time today, sick at the end of the day, a holiday after its last
day. An end that has already passed is refused with a reason the employee can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from telefonist.clock import STOCKHOLM, to_local

DEFAULT_MINUTES = 60  # lunch or a meeting without an end time
ROUND_TO_MINUTES = 5


class Preset(StrEnum):
    LUNCH = "lunch"
    MEETING = "meeting"
    SICK = "sick"
    HOLIDAY = "holiday"
    AWAY = "away"  # "back at …"


# The referral text the operator reads (Swedish: the operator's language), with the end filled in.
_TEXT = {
    Preset.LUNCH: "Lunch, åter {time}",
    Preset.MEETING: "Möte, åter {time}",
    Preset.AWAY: "Borta, åter {time}",
    Preset.SICK: "Sjuk",
    Preset.HOLIDAY: "Semester t.o.m. {day}",
}
TIMED = frozenset({Preset.LUNCH, Preset.MEETING, Preset.AWAY})


class StatusRefused(ValueError):
    """A status that cannot be set; `key` names the reply in the catalogue, `field` the input."""

    def __init__(self, key: str, field: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.values = values


@dataclass(frozen=True)
class StatusChange:
    """A status to set: its preset, the referral text and when it lapses (UTC)."""

    preset: Preset
    text: str
    valid_from: datetime
    valid_until: datetime


def clock_text(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M")


def day_text(day: date) -> str:
    return f"{day.day}/{day.month}"


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=STOCKHOLM).astimezone(UTC)


def _rounded_up(moment: datetime, minutes: int = ROUND_TO_MINUTES) -> datetime:
    whole = moment.replace(second=0, microsecond=0)
    if whole < moment:
        whole += timedelta(minutes=1)
    return whole + timedelta(minutes=-whole.minute % minutes)


def plan_status(preset: Preset, now: datetime, at: time | None = None, last_day: date | None = None) -> StatusChange:
    """The status `preset` set at `now`, ending today at `at` (timed presets) or after `last_day` (holiday)."""
    today = to_local(now).date()
    if preset in TIMED:
        if at is None:
            if preset is Preset.AWAY:
                raise StatusRefused("time_needed", "until")
            until = _rounded_up(now + timedelta(minutes=DEFAULT_MINUTES))
        else:
            until = _local(today, at)
            if until <= now:
                raise StatusRefused("time_passed", "until", time=at.strftime("%H:%M"))
        return StatusChange(preset, _TEXT[preset].format(time=clock_text(until)), now, until)
    if preset is Preset.SICK:
        return StatusChange(preset, _TEXT[preset], now, _local(today + timedelta(days=1), time(0)))
    if last_day is None:
        raise StatusRefused("date_needed", "until")
    if last_day < today:
        raise StatusRefused("date_passed", "until", day=day_text(last_day))
    if last_day > today + timedelta(days=366):
        raise StatusRefused("date_too_far", "until", day=day_text(last_day))
    until = _local(last_day + timedelta(days=1), time(0))
    return StatusChange(preset, _TEXT[preset].format(day=day_text(last_day)), now, until)
