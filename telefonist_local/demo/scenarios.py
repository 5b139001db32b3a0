"""Simulated calls over a week: when, to which number, what the operator did, for how long.

Each scenario carries its own expectation (billable, period, tariff, over budget), derived from
what the simulator decided (the kind of slot it drew and the operator's action), not from the
rating code, so the demo and its test can check the rating independently.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from telefonist.clock import STOCKHOLM

DAY_START, DAY_END = time(7, 0), time(18, 0)


class Action(StrEnum):
    TRANSFER = "transfer"  # blind transfer to the person sought
    RELAY = "relay"  # announce, then connect
    MESSAGE = "message"  # take a message (SMS or e-mail by the person's preference)
    INFORMATION = "information"  # answer from the script/FAQ
    CUSTOMER_SERVICE = "customer_service"  # a long call, over 2 minutes of talk
    ABANDONED = "abandoned"  # the caller hung up before an operator answered


class Slot(StrEnum):
    WEEKDAY_DAY = "weekday_day"
    WEEKDAY_EVENING = "weekday_evening"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"


@dataclass(frozen=True)
class CallScenario:
    contact_id: str
    dialed_number: str
    caller_number: str
    slot: Slot
    answered_at: datetime  # UTC; for abandoned calls, when the caller gave up
    action: Action
    talk_seconds: int
    after_work_seconds: int
    query: str  # what the operator types to find the person sought

    @property
    def billable(self) -> bool:
        return self.action is not Action.ABANDONED

    @property
    def transferred(self) -> bool:
        return self.action in (Action.TRANSFER, Action.RELAY)

    @property
    def expected_period(self) -> str:
        return "weekday_day" if self.slot is Slot.WEEKDAY_DAY else "evening_weekend"

    @property
    def expected_tariff(self) -> int:
        day = self.slot is Slot.WEEKDAY_DAY
        if self.talk_seconds > 120:
            return 5 if day else 6
        if self.transferred:
            return 2 if day else 4
        return 1 if day else 3

    @property
    def expected_over_budget(self) -> bool:
        return self.talk_seconds + self.after_work_seconds > 45


def swedish_holidays(year: int) -> frozenset[date]:
    """The year's and the next year's public and de facto holidays: rating's calendar (its table is
    checked against the `holidays` package in tests/unit/rating, so the demo need not import it)."""
    from telefonist.rating.period import swedish_holidays as of_year

    return of_year(year) | of_year(year + 1)


def _slot_of(day: date, holiday_calendar: frozenset[date]) -> Slot:
    if day in holiday_calendar:
        return Slot.HOLIDAY
    return Slot.WEEKEND if day.weekday() >= 5 else Slot.WEEKDAY_DAY


def _local_time_for(slot: Slot, rng: random.Random) -> time:
    if slot is Slot.WEEKDAY_DAY:
        seconds = rng.randrange(7 * 3600, 18 * 3600)
    elif slot is Slot.WEEKDAY_EVENING:
        seconds = rng.choice([rng.randrange(18 * 3600, 23 * 3600), rng.randrange(5 * 3600, 7 * 3600)])
    else:
        seconds = rng.randrange(8 * 3600, 22 * 3600)
    return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


def generate_calls(
    count: int,
    seed: int,
    week_start: date,
    dialed_numbers: list[str],
    queries: list[str],
) -> list[CallScenario]:
    """`count` calls over the 7 days from `week_start`, in a realistic mix of slots and actions."""
    rng = random.Random(seed)
    calendar = swedish_holidays(week_start.year)
    days = [week_start + timedelta(days=i) for i in range(7)]
    actions = [
        Action.TRANSFER,
        Action.RELAY,
        Action.MESSAGE,
        Action.INFORMATION,
        Action.CUSTOMER_SERVICE,
        Action.ABANDONED,
    ]
    weights = [35, 15, 25, 12, 8, 5]
    calls: list[CallScenario] = []
    for _ in range(count):
        day = rng.choice(days)
        slot = _slot_of(day, calendar)
        if slot is Slot.WEEKDAY_DAY and rng.random() < 0.2:
            slot = Slot.WEEKDAY_EVENING
        local = datetime.combine(day, _local_time_for(slot, rng), tzinfo=STOCKHOLM)
        action = rng.choices(actions, weights)[0]
        if action is Action.CUSTOMER_SERVICE:
            talk = rng.randrange(121, 600)
        elif action is Action.ABANDONED:
            talk = 0
        else:
            talk = int(rng.triangular(5, 70, 15))  # most handled well inside the 45-second budget
        after_work = 0 if action is Action.ABANDONED else int(rng.triangular(0, 20, 2))
        calls.append(
            CallScenario(
                contact_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                dialed_number=rng.choice(dialed_numbers),
                caller_number=f"+4670{rng.randrange(1000000, 9999999)}",
                slot=slot,
                answered_at=local.astimezone(UTC),
                action=action,
                talk_seconds=talk,
                after_work_seconds=after_work,
                query=rng.choice(queries),
            )
        )
    return sorted(calls, key=lambda c: c.answered_at)
