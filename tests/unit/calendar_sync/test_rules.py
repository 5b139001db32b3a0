"""Calendar events to referrals by a customer's rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telefonist.calendar_sync.rules import CALENDAR_PREFIX, CalendarRules, referral_for_event, referral_id_of


def event(**fields: Any) -> dict[str, Any]:
    return {
        "id": "AAMkAGI2-long/id+with=chars",
        "subject": "Projekt",
        "start": {"dateTime": "2026-11-30T09:00:00.0000000", "timeZone": "UTC"},
        "end": {"dateTime": "2026-11-30T10:00:00.0000000", "timeZone": "UTC"},
        "showAs": "busy",
        **fields,
    }


def test_busy_out_of_office_and_tentative_map_to_their_texts_and_free_to_none() -> None:
    rules = CalendarRules()
    texts = {s: referral_for_event(event(showAs=s), "eva", rules) for s in ("busy", "oof", "tentative", "free")}
    assert {s: r.text if r else None for s, r in texts.items()} == {
        "busy": "Upptagen",
        "oof": "Frånvarande",
        "tentative": "Kanske upptagen",
        "free": None,
    }


def test_a_keyword_in_the_subject_chooses_the_text_in_any_case() -> None:
    referral = referral_for_event(event(subject="LUNCH med kund"), "eva", CalendarRules())
    assert referral is not None
    assert referral.text == "Lunch"


def test_a_customer_can_choose_its_own_rules() -> None:
    rules = CalendarRules(show_as={"oof": "Ledig"}, keywords={"kurs": "På utbildning"})
    assert referral_for_event(event(showAs="busy"), "eva", rules) is None  # busy not listed
    kurs = referral_for_event(event(subject="Kurs i Excel"), "eva", rules)
    assert kurs is not None
    assert kurs.text == "På utbildning"


def test_private_events_never_show_their_subject() -> None:
    referral = referral_for_event(event(subject="Lunch med advokat", sensitivity="private"), "eva", CalendarRules())
    assert referral is not None
    assert referral.text == "Upptagen"


def test_times_are_utc_and_a_cancelled_event_makes_none() -> None:
    referral = referral_for_event(event(), "eva", CalendarRules())
    assert referral is not None
    assert (referral.valid_from, referral.valid_until) == (
        datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
    )
    assert referral_for_event(event(isCancelled=True), "eva", CalendarRules()) is None


def test_the_referral_id_is_a_stable_slug_per_event() -> None:
    first, again = referral_id_of("AAMkAGI2-long/id+with=chars"), referral_id_of("AAMkAGI2-long/id+with=chars")
    assert first == again
    assert first.startswith(CALENDAR_PREFIX)
    assert len(first) <= 63
    assert referral_id_of("other") != first
