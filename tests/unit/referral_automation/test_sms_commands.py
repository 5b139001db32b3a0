"""SMS commands: words, times and dates read in Stockholm, kept in UTC; past times refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telefonist.notify.sms import sms_size
from telefonist.referral_automation.presets import Preset, StatusRefused, plan_status
from telefonist.referral_automation.sms_commands import (
    REPLIES,
    ClearStatus,
    SetStatus,
    ShowHelp,
    parse_command,
    refusal_reply,
    reply,
)

# Monday 30 November 2026, 10:15 in Stockholm (CET, UTC+1).
NOW = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
SUMMER_NOW = datetime(2026, 6, 1, 9, 15, tzinfo=UTC)  # 11:15 in Stockholm (CEST, UTC+2)


def change_of(text: str, now: datetime = NOW) -> SetStatus:
    command = parse_command(text, now)
    assert isinstance(command, SetStatus), command
    return command


@pytest.mark.parametrize("text", ["LUNCH 13", "lunch 13", "Lunch 13:00", "lunch till 13.00", "LUNCH kl 1300"])
def test_lunch_until_one_oclock_in_stockholm_is_noon_utc_in_winter(text: str) -> None:
    change = change_of(text).change
    assert change.preset is Preset.LUNCH
    assert change.valid_until == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert change.valid_from == NOW
    assert change.text == "Lunch, åter 13:00"


def test_summer_time_shifts_utc_by_two_hours() -> None:
    assert change_of("LUNCH 13", SUMMER_NOW).change.valid_until == datetime(2026, 6, 1, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["MÖTE 15:30", "möte 15.30", "MOTE 15:30", "Möte till kl 15:30", "MEETING 1530"])
def test_meeting_accents_and_case_do_not_matter(text: str) -> None:
    change = change_of(text).change
    assert (change.preset, change.text) == (Preset.MEETING, "Möte, åter 15:30")
    assert change.valid_until == datetime(2026, 11, 30, 14, 30, tzinfo=UTC)


def test_back_at_needs_a_time() -> None:
    assert change_of("ÅTER 14").change.text == "Borta, åter 14:00"
    with pytest.raises(StatusRefused) as refused:
        parse_command("åter", NOW)
    assert "ÅTER 14:30" in refusal_reply(refused.value, NOW)


def test_lunch_without_a_time_lasts_an_hour_rounded_up_to_five_minutes() -> None:
    change = change_of("lunch").change
    assert change.valid_until == datetime(2026, 11, 30, 10, 15, tzinfo=UTC)
    assert change.text == "Lunch, åter 11:15"
    later = change_of("lunch", NOW.replace(minute=16, second=30)).change
    assert later.text == "Lunch, åter 11:20"


def test_sick_lapses_at_midnight_stockholm() -> None:
    change = change_of("SJUK").change
    assert (change.preset, change.text) == (Preset.SICK, "Sjuk")
    assert change.valid_until == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["SEMESTER 31/7/2027", "semester t.o.m. 31.7.27", "Semester 2027-07-31"])
def test_holiday_until_its_last_day_inclusive(text: str) -> None:
    change = change_of(text).change
    assert change.text == "Semester t.o.m. 31/7"
    assert change.valid_until == datetime(2027, 7, 31, 22, 0, tzinfo=UTC)  # 1 Aug 00:00 CEST


def test_holiday_without_a_year_is_this_year() -> None:
    change = change_of("SEMESTER 31/7", SUMMER_NOW).change
    assert change.valid_until == datetime(2026, 7, 31, 22, 0, tzinfo=UTC)


def test_in_clears() -> None:
    assert isinstance(parse_command("IN", NOW), ClearStatus)
    assert isinstance(parse_command("  inne ", NOW), ClearStatus)


def test_a_time_that_has_passed_is_refused_with_a_reply_naming_it() -> None:
    with pytest.raises(StatusRefused) as refused:
        parse_command("LUNCH 10", NOW)  # 10:00 < 10:15
    assert refused.value.key == "time_passed"
    assert refusal_reply(refused.value, NOW).startswith("10:00 har redan varit")


def test_now_itself_is_in_the_past() -> None:
    with pytest.raises(StatusRefused):
        parse_command("MÖTE 10:15", NOW)


def test_a_date_that_has_passed_is_refused_and_the_reply_suggests_next_year() -> None:
    with pytest.raises(StatusRefused) as refused:
        parse_command("SEMESTER 31/7", NOW)
    answer = refusal_reply(refused.value, NOW)
    assert answer.startswith("31/7 har redan varit")
    assert "SEMESTER 31/7/2027" in answer


@pytest.mark.parametrize("text", ["LUNCH 25", "LUNCH 13:75", "SEMESTER 31/2/2027", "SEMESTER imorgon"])
def test_unreadable_times_and_dates_are_refused(text: str) -> None:
    with pytest.raises(StatusRefused) as refused:
        parse_command(text, NOW)
    assert refused.value.key in {"bad_time", "bad_date"}


@pytest.mark.parametrize("text", ["", "hej", "HJÄLP", "?", "LUNCH 13 14", "SJUK 13", "x" * 200])
def test_unknown_commands_get_the_short_help(text: str) -> None:
    assert isinstance(parse_command(text, NOW), ShowHelp)


def test_every_reply_fits_in_one_sms_in_both_languages() -> None:
    values = {"text": "Semester t.o.m. 31/12", "time": "13:00", "day": "31/12", "next_year": "2027"}
    for key in REPLIES:
        for language in ("sv", "en"):
            assert sms_size(reply(key, language, **values)).segments == 1, (key, language)


def test_a_holiday_more_than_a_year_away_is_refused() -> None:
    with pytest.raises(StatusRefused) as refused:
        plan_status(Preset.HOLIDAY, NOW, last_day=datetime(2028, 1, 1).date())
    assert refused.value.key == "date_too_far"
