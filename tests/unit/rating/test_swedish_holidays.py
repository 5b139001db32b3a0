"""Rating's table of Swedish holidays is the `holidays` package's answer for every year it holds."""

from __future__ import annotations

from datetime import date

import holidays
from telefonist.rating.period import HOLIDAY_CATEGORIES, swedish_holidays
from telefonist.rating.swedish_holidays import FIRST_YEAR, LAST_YEAR, TABLE, holidays_of


def _package(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("SE", years=year, categories=HOLIDAY_CATEGORIES))


def test_the_table_is_the_packages_calendar_for_every_year_a_ctr_can_name() -> None:
    assert (FIRST_YEAR, LAST_YEAR) == (2000, 2100)  # CTR moments 2000-2099 UTC, 2100-01-01 in Stockholm
    differ = [year for year in range(FIRST_YEAR, LAST_YEAR + 1) if holidays_of(year) != _package(year)]
    # on a change of the package's rules, the new table rows to paste into swedish_holidays.TABLE:
    rows = [f'"{" ".join(d.strftime("%m%d") for d in sorted(_package(y)))}",  # {y}' for y in differ]
    assert not differ, "\n".join(rows)
    assert len(TABLE) == LAST_YEAR - FIRST_YEAR + 1


def test_years_outside_the_table_are_asked_of_the_package() -> None:
    assert holidays_of(1999) is None
    assert swedish_holidays(1999) == _package(1999)
    assert date(2026, 6, 19) in swedish_holidays(2026)  # Midsommarafton (de facto)
