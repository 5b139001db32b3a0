"""The tariff period of an answered call: weekday daytime or evening/weekend (spec §3)."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from functools import lru_cache

from telefonist.clock import to_local
from telefonist.rating.swedish_holidays import holidays_of

DAY_STARTS = time(7, 0)
DAY_ENDS = time(18, 0)
HOLIDAY_CATEGORIES = ("public", "de_facto")  # de_facto: Midsommarafton, Julafton, Nyårsafton


class Period(StrEnum):
    WEEKDAY_DAY = "weekday_day"
    EVENING_WEEKEND = "evening_weekend"


@lru_cache(maxsize=64)
def swedish_holidays(year: int) -> frozenset[date]:
    """The Swedish holidays of a year (public and de facto): the table of the years a CTR can
    name (`telefonist.rating.swedish_holidays`), else the `holidays` package."""
    known = holidays_of(year)
    if known is not None:
        return known
    import holidays  # ~0.3 s of CPU: never on the rating function's path

    return frozenset(holidays.country_holidays("SE", years=year, categories=HOLIDAY_CATEGORIES))


def is_swedish_holiday(day: date) -> bool:
    return day in swedish_holidays(day.year)


@lru_cache(maxsize=4096)
def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Swedish holiday (memoised: rating asks once per call)."""
    return day.weekday() < 5 and not is_swedish_holiday(day)


def is_daytime(local: datetime) -> bool:
    """Mon-Fri, not a holiday, 07:00 ≤ t < 18:00 (a Stockholm local moment)."""
    return DAY_STARTS <= local.time() < DAY_ENDS and is_working_day(local.date())


# The day's hours as integers (rating's hot path compares `hour`, not a time object per call):
# the same test as `is_daytime` while the day starts and ends on the hour.
assert time(DAY_STARTS.hour) == DAY_STARTS
assert time(DAY_ENDS.hour) == DAY_ENDS
DAY_HOURS = range(DAY_STARTS.hour, DAY_ENDS.hour)
_DAYS: dict[date, tuple[str, bool]] = {}
_DAYS_HELD = 40_000  # a century of days


def month_and_working_day(day: date) -> tuple[str, bool]:
    """(`YYYY-MM`, `is_working_day`) of a Stockholm day, memoised (rating asks once per call)."""
    held = _DAYS.get(day)
    if held is None:
        held = (f"{day.year:04d}-{day.month:02d}", is_working_day(day))
        if len(_DAYS) < _DAYS_HELD:
            _DAYS[day] = held
    return held


def period_at(local: datetime) -> Period:
    """The period of a Stockholm local moment: daytime (`is_daytime`) or evening/weekend."""
    return Period.WEEKDAY_DAY if is_daytime(local) else Period.EVENING_WEEKEND


def period_of(answered_at: datetime) -> tuple[Period, datetime]:
    """The period of an answer moment (any zone) and that moment in Europe/Stockholm."""
    local = to_local(answered_at)
    return period_at(local), local
