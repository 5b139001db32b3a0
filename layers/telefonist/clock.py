"""Time: UTC inside, Europe/Stockholm at the edges."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_simulated_now: ContextVar[datetime | None] = ContextVar("simulated_now", default=None)


def utc_now() -> datetime:
    """The current moment as an aware UTC datetime (the simulated one inside `simulated_time`)."""
    return _simulated_now.get() or datetime.now(UTC)


@contextmanager
def simulated_time(moment: datetime) -> Iterator[None]:
    """Make `utc_now()` answer `moment` in this context: the demo runs each call at its own time."""
    token = _simulated_now.set(as_utc(moment))
    try:
        yield
    finally:
        _simulated_now.reset(token)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is read as Stockholm local time (the edge's zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return moment.astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """The moment in Europe/Stockholm, with the right offset for daylight saving."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return moment.astimezone(STOCKHOLM)


def local_date(moment: datetime) -> date:
    """The Stockholm calendar date of a moment."""
    return to_local(moment).date()


def parse_utc(text: str) -> datetime:
    """Parse an ISO-8601 timestamp (a trailing Z allowed) into aware UTC; ValueError if unreadable."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {text!r}")
    return parsed.astimezone(UTC)
