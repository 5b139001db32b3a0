"""Properties of the tariff rules (spec/tariffs.md §1, §3-§5, §7) over generated CTRs (hypothesis).

The expected values are computed here from the spec, with zoneinfo and the `holidays` package
directly, never with telefonist.rating's own helpers. Answer times cover 2025-2028 uniformly and,
more densely, the Swedish holidays, the DST transition days and the days around them.
Derandomized: CI runs the same examples every time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from hypothesis import example, given, settings
from hypothesis import strategies as st
from telefonist.models.price_list import PriceBook, PriceList
from telefonist.rating.engine import OutcomeStatus, rate_record
from telefonist.rating.line import BillingLine
from telefonist.rating.service import ReceivedRecord, RecordResult

from tests.fakes.rating import FakePorts
from tests.rating_builders import ctr, encode

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIRST_DAY, LAST_DAY = date(2025, 1, 1), date(2028, 12, 31)
# one year either side: a UTC moment at the edges of the range can be another year in Stockholm
HOLIDAYS = holidays.country_holidays("SE", years=range(2024, 2030), categories=("public", "de_facto"))
PROPERTY = settings(max_examples=150, derandomize=True, deadline=None, database=None)

# spec §4: (talk > 120, transferred, otherwise) per period
TABLE = {"weekday_day": (5, 2, 1), "evening_weekend": (6, 4, 3)}
BOOK = PriceBook(
    versions=[
        PriceList(version="2024", valid_from=date(2024, 1, 1), amounts_ore=dict.fromkeys(range(1, 7), 1000)),
        PriceList(version="2027", valid_from=date(2027, 1, 1), amounts_ore={t: 1000 + t for t in range(1, 7)}),
    ]
)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _dst_change(day: date) -> bool:
    return (
        datetime.combine(day, time(0), STOCKHOLM).utcoffset() != datetime.combine(day, time(23), STOCKHOLM).utcoffset()
    )


DST_DAYS = [day for day in _days(FIRST_DAY, LAST_DAY) if _dst_change(day)]
SPECIAL_DAYS = sorted(
    {day + timedelta(days=d) for day in [*DST_DAYS, *HOLIDAYS] for d in (-1, 0, 1)} & set(_days(FIRST_DAY, LAST_DAY))
)


def _wall_clock(day: date, seconds: int, fold: int) -> datetime:
    """A Stockholm wall-clock moment (either side of a repeated hour), in UTC."""
    wall = datetime.combine(day, time(0)) + timedelta(seconds=seconds)
    return wall.replace(tzinfo=STOCKHOLM, fold=fold).astimezone(UTC)


answer_moments = st.one_of(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31, 23, 59, 59), timezones=st.just(UTC)),
    st.builds(_wall_clock, st.sampled_from(SPECIAL_DAYS), st.integers(0, 86_399), st.integers(0, 1)),
)
# missing counts 0; the edges of the 2-minute rule and the 45-second budget come up often
talks = st.one_of(st.none(), st.integers(0, 1000), st.sampled_from([0, 35, 45, 46, 120, 121]))
acws = st.one_of(st.none(), st.integers(0, 300), st.sampled_from([0, 10, 11]))
transfers = st.sampled_from([(False, False), (True, False), (False, True), (True, True)])  # (completed, endpoint)


def iso_utc(moment: datetime) -> str:
    """As Connect writes it: ISO 8601 in UTC with a `Z` (fractions kept)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def expected_period(moment: datetime) -> str:
    local = moment.astimezone(STOCKHOLM)
    working_day = local.weekday() < 5 and local.date() not in HOLIDAYS
    return "weekday_day" if working_day and time(7) <= local.time() < time(18) else "evening_weekend"


def expected_tariff(period: str, talk: int, transferred: bool) -> int:
    long_call, relayed, answered = TABLE[period]
    return long_call if talk > 120 else relayed if transferred else answered


def answered_ctr(moment: datetime, talk: int | None = 30, acw: int | None = 10, transfer=(False, False), **kw: Any):
    return ctr(
        "c-prop",
        answered_utc=iso_utc(moment),
        talk=talk,
        acw=acw,
        transfer_completed=transfer[0],
        transferred_to=transfer[1],
        **kw,
    )


TUESDAY_MORNING = datetime(2026, 11, 24, 8, 15, tzinfo=UTC)


@PROPERTY
@given(moment=answer_moments, talk=talks, acw=acws, transfer=transfers)
@example(moment=TUESDAY_MORNING, talk=120, acw=0, transfer=(False, False))  # the edges: fixed draws may miss them
@example(moment=TUESDAY_MORNING, talk=121, acw=0, transfer=(True, False))
@example(moment=TUESDAY_MORNING, talk=35, acw=10, transfer=(False, True))
@example(moment=TUESDAY_MORNING, talk=35, acw=11, transfer=(False, False))
def test_every_billable_ctr_gets_exactly_one_tariff_by_the_table(
    moment: datetime, talk: int | None, acw: int | None, transfer: tuple[bool, bool]
) -> None:
    outcome = rate_record(encode(answered_ctr(moment, talk, acw, transfer)), BOOK)
    assert outcome.status is OutcomeStatus.BILLED
    line = outcome.line
    assert line is not None
    talk_s, handling, transferred = talk or 0, (talk or 0) + (acw or 0), any(transfer)
    period = expected_period(moment)
    assert line.tariff in range(1, 7)
    assert (line.period, line.tariff) == (period, expected_tariff(period, talk_s, transferred))
    assert (line.talk_seconds, line.handling_seconds, line.transferred) == (talk_s, handling, transferred)
    assert line.over_45s is (handling > 45)
    local = moment.astimezone(STOCKHOLM)
    assert line.answered_at == moment
    assert line.answered_at.utcoffset() == local.utcoffset()  # local time with its offset (spec §9)
    assert line.month == f"{local:%Y-%m}"


not_billable_variants = st.one_of(
    st.fixed_dictionaries(
        {
            "initiation": st.one_of(
                st.none(),
                st.sampled_from(["OUTBOUND", "TRANSFER", "QUEUE_TRANSFER", "CALLBACK", "API", "DISCONNECT", "MONITOR"]),
                st.text(max_size=12).filter(lambda method: method != "INBOUND"),
            )
        }
    ),
    st.just({"agent": False}),  # abandoned: no agent
    st.just({"answered_utc": None}),  # an agent, but never connected
)


@PROPERTY
@given(variant=not_billable_variants, moment=answer_moments, talk=talks, transfer=transfers)
def test_contacts_that_are_not_inbound_and_answered_get_no_line(
    variant: dict[str, Any], moment: datetime, talk: int | None, transfer: tuple[bool, bool]
) -> None:
    answered = {"answered_utc": iso_utc(moment), "talk": talk, "transfer_completed": transfer[0]}
    record = ctr("c-prop", **{**answered, "transferred_to": transfer[1], **variant})
    outcome = rate_record(encode(record), BOOK)
    assert outcome.status is OutcomeStatus.NOT_BILLABLE
    assert outcome.line is None


working_or_not = st.one_of(st.dates(FIRST_DAY, LAST_DAY), st.sampled_from(SPECIAL_DAYS))
JUST_BEFORE = (timedelta(seconds=-1), timedelta(milliseconds=-1))
AT_OR_JUST_AFTER = (timedelta(0), timedelta(milliseconds=1), timedelta(seconds=1))


@PROPERTY
@given(day=working_or_not, boundary=st.sampled_from([time(7), time(18)]))
def test_the_period_flips_exactly_at_07_and_18_stockholm_time_on_working_days(day: date, boundary: time) -> None:
    working_day = day.weekday() < 5 and day not in HOLIDAYS
    opens = boundary == time(7)
    before = "weekday_day" if working_day and not opens else "evening_weekend"
    from_boundary = "weekday_day" if working_day and opens else "evening_weekend"
    at = datetime.combine(day, boundary, tzinfo=STOCKHOLM)

    def period(offset: timedelta) -> str:
        line = rate_record(encode(answered_ctr((at + offset).astimezone(UTC))), BOOK).line
        assert line is not None
        assert line.answered_at.replace(tzinfo=None) == (at + offset).replace(tzinfo=None)  # the wall clock
        return line.period

    assert [period(offset) for offset in JUST_BEFORE] == [before] * len(JUST_BEFORE)
    assert [period(offset) for offset in AT_OR_JUST_AFTER] == [from_boundary] * len(AT_OR_JUST_AFTER)
    assert (before != from_boundary) is working_day  # it flips on working days, and only on them


amounts = st.fixed_dictionaries({tariff: st.integers(0, 10**7) for tariff in range(1, 7)})


@st.composite
def price_books(draw: st.DrawFn) -> PriceBook:
    days = draw(st.lists(st.dates(date(2024, 6, 1), LAST_DAY), min_size=1, max_size=6, unique=True))
    return PriceBook(
        versions=[PriceList(version=f"v{n}", valid_from=day, amounts_ore=draw(amounts)) for n, day in enumerate(days)]
    )


@PROPERTY
@given(book=price_books(), data=st.data(), talk=talks, transfer=transfers)
def test_the_amount_is_the_price_of_the_tariff_on_the_stockholm_answer_date(
    book: PriceBook, data: st.DataObject, talk: int | None, transfer: tuple[bool, bool]
) -> None:
    # anywhere, or within three hours of a version's first (Stockholm) midnight
    change = datetime.combine(data.draw(st.sampled_from(book.versions)).valid_from, time(0), STOCKHOLM)
    near_change = st.integers(-3 * 3600, 3 * 3600).map(lambda s: (change + timedelta(seconds=s)).astimezone(UTC))
    moment = data.draw(st.one_of(answer_moments, near_change))
    outcome = rate_record(encode(answered_ctr(moment, talk, 0, transfer)), book)

    answer_day = moment.astimezone(STOCKHOLM).date()
    in_force = [v for v in book.versions if v.valid_from <= answer_day]
    if not in_force:  # no price for the day: rejected with the reason, never billed at a made-up price
        assert outcome.status is OutcomeStatus.REJECTED
        assert outcome.reason == f"no price list valid on {answer_day.isoformat()}"
        return
    version = max(in_force, key=lambda v: v.valid_from)
    line = outcome.line
    assert line is not None
    tariff = expected_tariff(expected_period(moment), talk or 0, any(transfer))
    assert (line.tariff, line.price_list_version, line.amount_ore) == (
        tariff,
        version.version,
        version.amounts_ore[tariff],
    )
    assert isinstance(line.amount_ore, int)


@PROPERTY
@given(moment=answer_moments, talk=talks, acw=acws, transfer=transfers, tenant=st.sampled_from(["acme", None]))
def test_rating_is_deterministic_and_rating_a_record_again_changes_nothing(
    moment: datetime, talk: int | None, acw: int | None, transfer: tuple[bool, bool], tenant: str | None
) -> None:
    record = answered_ctr(moment, talk, acw, transfer, tenant=tenant)
    first, again, decoded = (rate_record(raw, BOOK) for raw in (encode(record), encode(record), record))
    assert first.line is not None
    assert first.line == again.line == decoded.line
    assert BillingLine.model_validate(first.line.model_dump()) == first.line  # the trusted line is a valid one

    ports = FakePorts()
    service = ports.service(BOOK)
    received = ReceivedRecord("shardId-0", "1", datetime(2026, 11, 24, tzinfo=UTC), encode(record))
    assert [service.process(received), service.process(received)] == [RecordResult.BILLED, RecordResult.DUPLICATE]
    assert list(ports.lines.objects.values()) == [first.line]
