"""Tariffs 1-6 and the 45-second handling budget (spec §4 and §5)."""

from __future__ import annotations

from telefonist.rating.period import Period

LONG_CALL_SECONDS = 120  # talk strictly over this is a customer-service call
HANDLING_BUDGET_SECONDS = 45  # handling strictly over this is over budget
# Finance's default: above this share of a month's calls over budget, long handling may be charged extra.
OVER_BUDGET_THRESHOLD_PERCENT = 25

# (long call, transferred, otherwise) per period: the first rule that holds decides.
_TARIFFS = {
    Period.WEEKDAY_DAY: (5, 2, 1),
    Period.EVENING_WEEKEND: (6, 4, 3),
}
_DAY_TARIFFS, _EVENING_TARIFFS = _TARIFFS[Period.WEEKDAY_DAY], _TARIFFS[Period.EVENING_WEEKEND]
_WEEKDAY_DAY = Period.WEEKDAY_DAY  # `Enum.MEMBER` is a Python-level descriptor: read once


def tariff_for(period: Period, talk_seconds: int, transferred: bool) -> int:
    """The tariff: talk > 120 s first, then transferred, otherwise answered and handled."""
    # `is`, not a dict lookup: an Enum member's hash is a Python-level call (rating's hot path)
    long_call, relayed, answered = _DAY_TARIFFS if period is _WEEKDAY_DAY else _EVENING_TARIFFS
    if talk_seconds > LONG_CALL_SECONDS:
        return long_call
    if transferred:
        return relayed
    return answered


def is_over_budget(handling_seconds: int) -> bool:
    """Handling (talk + after-contact work) over 45 s: flagged, never re-tariffed or dropped."""
    return handling_seconds > HANDLING_BUDGET_SECONDS
