"""Properties of the domain models over generated input (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from telefonist.models.common_number import TemporaryInformation
from telefonist.models.directory import Referral
from telefonist.models.price_list import PriceBook, PriceList
from telefonist.models.types import normalize_phone_number

moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC))
durations = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=400))
amounts = st.dictionaries(st.integers(1, 6), st.integers(0, 10**7), min_size=6, max_size=6)


@given(st.from_regex(r"07[02369][0-9]{7}", fullmatch=True), st.sampled_from(["", " ", "-"]))
def test_a_swedish_mobile_in_any_notation_normalises_to_one_e164_form(digits: str, sep: str) -> None:
    written = sep.join([digits[:3], digits[3:6], digits[6:]])
    normalised = normalize_phone_number(written)
    assert normalised == "+46" + digits[1:]
    assert normalize_phone_number(normalised) == normalised


@given(moments, durations)
def test_a_referral_is_valid_exactly_when_it_ends_after_it_starts(start: datetime, length: timedelta) -> None:
    referral = Referral(referral_id="r", person_id="p", text="Ute", valid_from=start, valid_until=start + length)
    assert referral.is_current(start)
    assert not referral.is_current(start + length)
    with pytest.raises(ValidationError):
        Referral(referral_id="r", person_id="p", text="Ute", valid_from=start + length, valid_until=start)


@given(moments, durations, moments)
def test_temporary_information_windows_are_half_open(start: datetime, length: timedelta, probe: datetime) -> None:
    info = TemporaryInformation(text="x", valid_from=start, valid_until=start + length)
    assert info.is_valid_at(probe) == (start <= probe < start + length)


@given(
    st.lists(st.dates(date(2020, 1, 1), date(2030, 1, 1)), min_size=1, max_size=6, unique=True),
    amounts,
    st.dates(date(2020, 1, 1), date(2031, 1, 1)),
)
def test_the_price_book_uses_the_latest_version_not_after_the_day(
    starts: list[date], prices: dict[int, int], day: date
) -> None:
    book = PriceBook(versions=[PriceList(version=d.isoformat(), valid_from=d, amounts_ore=prices) for d in starts])
    earlier = [d for d in starts if d <= day]
    if earlier:
        assert book.valid_on(day).valid_from == max(earlier)
    else:
        with pytest.raises(LookupError):
            book.valid_on(day)
