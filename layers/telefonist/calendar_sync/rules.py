"""A customer's rules that turn a calendar event into a referral (hänvisning), and the mapping.

Per customer: which free/busy states become a referral and with which text, keywords in the
subject that choose the text, and private events, which become "Upptagen" without their subject.
All-day events cover their whole days in Europe/Stockholm (or make none, if the customer says so).
Free events make no referral. `CalendarSettings` is what a customer's administrator stores.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from telefonist.clock import STOCKHOLM
from telefonist.models.directory import Referral

CALENDAR_PREFIX = "cal-"  # referral ids of the calendar's referrals; anything else was set by hand


class CalendarRules(BaseModel):
    """How one customer's calendar events become referrals (set by its administrator)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    show_as: dict[str, str] = Field(
        default_factory=lambda: {"oof": "Frånvarande", "busy": "Upptagen", "tentative": "Kanske upptagen"},
        description="Graph `showAs` → the referral text; a state not listed (free, workingElsewhere) makes none",
    )
    keywords: dict[str, str] = Field(
        default_factory=lambda: {"lunch": "Lunch", "möte": "I möte", "semester": "Semester", "sjuk": "Sjuk"},
        description="A word in the subject (any case) → the referral text; first match wins, before `show_as`",
    )
    private_text: str = "Upptagen"
    all_day: bool = Field(default=True, description="All-day events make a referral for their whole days")


class CalendarSettings(BaseModel):
    """A customer's calendar sync as its administrator set it: on or off, and the rules."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    enabled: bool = False
    rules: CalendarRules = Field(default_factory=CalendarRules)


def referral_id_of(event_id: str) -> str:
    """A stable referral id (a slug) for a Graph event id (long, any characters)."""
    return CALENDAR_PREFIX + hashlib.sha256(event_id.encode()).hexdigest()[:32]


def _moment(value: dict[str, Any]) -> datetime:
    """A Graph dateTimeTimeZone asked in UTC (`Prefer: outlook.timezone="UTC"`): 7 decimals, no offset."""
    text = str(value["dateTime"])[:26]
    zone = str(value.get("timeZone") or "UTC")
    parsed = datetime.fromisoformat(text)
    if zone.upper() in ("UTC", "ETC/UTC"):
        return parsed.replace(tzinfo=UTC)
    return parsed.replace(tzinfo=STOCKHOLM).astimezone(UTC)


def _all_day(value: dict[str, Any]) -> datetime:
    day = date.fromisoformat(str(value["dateTime"])[:10])
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def _text(event: dict[str, Any], rules: CalendarRules) -> str | None:
    show_as = str(event.get("showAs") or "busy")
    if show_as == "free":
        return None
    if str(event.get("sensitivity") or "normal") in ("private", "confidential"):
        return rules.private_text  # never the subject
    subject = str(event.get("subject") or "").casefold()
    for keyword, text in rules.keywords.items():
        if keyword.casefold() in subject:
            return text
    return rules.show_as.get(show_as)


def referral_for_event(event: dict[str, Any], person_id: str, rules: CalendarRules) -> Referral | None:
    """The referral an event makes for `person_id`, or None (free, cancelled, or a state the rules skip)."""
    if event.get("isCancelled") or (event.get("isAllDay") and not rules.all_day):
        return None
    text = _text(event, rules)
    if text is None:
        return None
    if event.get("isAllDay"):
        start, end = _all_day(event["start"]), _all_day(event["end"])
    else:
        start, end = _moment(event["start"]), _moment(event["end"])
    if end <= start:
        end = start + timedelta(minutes=1)
    return Referral(
        referral_id=referral_id_of(str(event["id"])), person_id=person_id, text=text, valid_from=start, valid_until=end
    )
