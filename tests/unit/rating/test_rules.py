"""Every rule of spec/tariffs.md at its boundaries, through the domain's one entry point."""

from __future__ import annotations

import json
from datetime import date

import pytest
from telefonist.models.price_list import PriceBook, PriceList
from telefonist.rating.engine import LatestLines, OutcomeStatus, latest_lines, rate_record
from telefonist.rating.line import BillingLine
from telefonist.rating.period import Period, is_swedish_holiday

from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from tests.rating_builders import ctr

PRICES = DEFAULT_PRICE_LIST.amounts_ore


def billed(record: dict | str | bytes, price_book: PriceBook, resolve=lambda _n: None) -> BillingLine:
    outcome = rate_record(record, price_book, resolve)
    assert outcome.status is OutcomeStatus.BILLED, outcome.reason
    assert outcome.line is not None
    return outcome.line


# ---------------------------------------------------------------- the spec's worked examples
@pytest.mark.parametrize(
    ("answered", "talk", "acw", "transferred", "tariff", "over_45s"),
    [
        ({"answered_local": "2026-11-24 09:15"}, 30, 10, False, 1, False),
        ({"answered_local": "2026-11-24 17:59:59"}, 20, 0, True, 2, False),
        ({"answered_local": "2026-11-24 18:00:00"}, 20, 0, True, 4, False),
        ({"answered_local": "2026-11-28 11:00"}, 40, 10, False, 3, True),
        ({"answered_local": "2026-12-24 10:00"}, 200, 0, True, 6, True),
        ({"answered_utc": "2026-03-30T05:30:00Z"}, 121, 0, False, 5, True),
        ({"answered_utc": "2026-11-30T05:30:00Z"}, 30, 0, False, 3, False),
    ],
    ids=["tue-0915", "tue-175959", "tue-1800", "sat", "julafton", "dst-monday-0730-cest", "monday-0630-cet"],
)
def test_worked_examples(price_book, answered, talk, acw, transferred, tariff, over_45s) -> None:
    line = billed(ctr(**answered, talk=talk, acw=acw, transfer_completed=transferred), price_book)
    assert (line.tariff, line.over_45s, line.transferred) == (tariff, over_45s, transferred)
    assert line.amount_ore == PRICES[tariff]
    assert line.price_list_version == DEFAULT_PRICE_LIST.version


def test_worked_example_answer_times_are_local_with_offset(price_book) -> None:
    summer = billed(ctr(answered_utc="2026-03-30T05:30:00Z", talk=121, acw=0), price_book)
    winter = billed(ctr(answered_utc="2026-11-30T05:30:00Z", talk=30, acw=0), price_book)
    assert summer.answered_at.isoformat() == "2026-03-30T07:30:00+02:00"
    assert winter.answered_at.isoformat() == "2026-11-30T06:30:00+01:00"
    assert (summer.period, winter.period) == ("weekday_day", "evening_weekend")


# ---------------------------------------------------------------- §3 the period
@pytest.mark.parametrize(
    ("local", "period"),
    [
        ("2026-11-24 06:59:59", Period.EVENING_WEEKEND),
        ("2026-11-24 07:00:00", Period.WEEKDAY_DAY),
        ("2026-11-24 17:59:59", Period.WEEKDAY_DAY),
        ("2026-11-24 18:00:00", Period.EVENING_WEEKEND),
        ("2026-11-27 12:00", Period.WEEKDAY_DAY),  # Friday
        ("2026-11-28 12:00", Period.EVENING_WEEKEND),  # Saturday
        ("2026-11-29 12:00", Period.EVENING_WEEKEND),  # Sunday
    ],
)
def test_daytime_is_weekdays_from_0700_until_before_1800(price_book, local, period) -> None:
    assert billed(ctr(answered_local=local), price_book).period == period.value


@pytest.mark.parametrize(
    ("utc", "local", "period"),
    [
        # Spring forward on Sunday 2026-03-29: Monday is CEST (UTC+2).
        ("2026-03-30T04:59:59Z", "2026-03-30T06:59:59+02:00", Period.EVENING_WEEKEND),
        ("2026-03-30T05:00:00Z", "2026-03-30T07:00:00+02:00", Period.WEEKDAY_DAY),
        ("2026-03-30T15:59:59Z", "2026-03-30T17:59:59+02:00", Period.WEEKDAY_DAY),
        ("2026-03-30T16:00:00Z", "2026-03-30T18:00:00+02:00", Period.EVENING_WEEKEND),
        # Fall back on Sunday 2026-10-25: Monday is CET (UTC+1).
        ("2026-10-26T05:59:59Z", "2026-10-26T06:59:59+01:00", Period.EVENING_WEEKEND),
        ("2026-10-26T06:00:00Z", "2026-10-26T07:00:00+01:00", Period.WEEKDAY_DAY),
        ("2026-10-26T16:59:59Z", "2026-10-26T17:59:59+01:00", Period.WEEKDAY_DAY),
        ("2026-10-26T17:00:00Z", "2026-10-26T18:00:00+01:00", Period.EVENING_WEEKEND),
    ],
)
def test_mondays_after_the_dst_changes(price_book, utc, local, period) -> None:
    line = billed(ctr(answered_utc=utc), price_book)
    assert line.answered_at.isoformat() == local
    assert line.period == period.value


@pytest.mark.parametrize(
    "day",
    [
        "2026-01-01",  # Nyårsdagen (Thu)
        "2026-01-06",  # Trettondedag jul (Tue)
        "2026-04-03",  # Långfredagen
        "2026-04-06",  # Annandag påsk
        "2026-05-01",  # Första maj (Fri)
        "2026-05-14",  # Kristi himmelsfärdsdag (Thu)
        "2026-12-25",  # Juldagen (Fri)
        "2026-06-19",  # Midsommarafton (de facto, Fri)
        "2026-12-24",  # Julafton (de facto, Thu)
        "2026-12-31",  # Nyårsafton (de facto, Thu)
    ],
)
def test_public_and_de_facto_holidays_are_evening_weekend_all_day(price_book, day) -> None:
    assert is_swedish_holiday(date.fromisoformat(day))
    line = billed(ctr(answered_local=f"{day} 10:00", talk=30, acw=0), price_book)
    assert (line.period, line.tariff) == ("evening_weekend", 3)


@pytest.mark.parametrize(
    "day",
    [
        "2026-01-05",  # Trettondagsafton (Mon): not a holiday
        "2026-04-02",  # Skärtorsdagen (Thu)
        "2026-04-30",  # Valborgsmässoafton (Thu)
        "2026-06-05",  # Friday before Nationaldagen (which is a Saturday in 2026)
        "2026-06-18",  # Thursday before Midsommarafton
        "2026-10-30",  # Allhelgonaafton (Fri)
        "2026-12-23",  # Dan före julafton (Wed)
        "2026-12-28",  # Mellandagar (Mon)
        "2026-12-30",  # Dan före nyårsafton (Wed)
    ],
)
def test_look_alike_days_are_ordinary_weekdays(price_book, day) -> None:
    assert not is_swedish_holiday(date.fromisoformat(day))
    line = billed(ctr(answered_local=f"{day} 10:00", talk=30, acw=0), price_book)
    assert (line.period, line.tariff) == ("weekday_day", 1)


# ---------------------------------------------------------------- §4 the tariff, §5 handling
@pytest.mark.parametrize(
    ("talk", "transferred", "day_tariff", "evening_tariff"),
    [(120, False, 1, 3), (121, False, 5, 6), (120, True, 2, 4), (121, True, 5, 6), (0, False, 1, 3)],
)
def test_talk_over_120_seconds_comes_first(price_book, talk, transferred, day_tariff, evening_tariff) -> None:
    day = billed(ctr(answered_local="2026-11-24 10:00", talk=talk, transfer_completed=transferred), price_book)
    evening = billed(ctr(answered_local="2026-11-24 20:00", talk=talk, transfer_completed=transferred), price_book)
    assert (day.tariff, evening.tariff) == (day_tariff, evening_tariff)
    assert day.talk_seconds == talk


@pytest.mark.parametrize(
    ("talk", "acw", "over"),
    [(45, 0, False), (46, 0, True), (40, 5, False), (40, 6, True), (0, 46, True), (None, 45, False)],
)
def test_handling_over_45_seconds_is_flagged_never_retariffed(price_book, talk, acw, over) -> None:
    line = billed(ctr(answered_local="2026-11-24 10:00", talk=talk, acw=acw), price_book)
    assert line.handling_seconds == (talk or 0) + acw
    assert line.over_45s is over
    assert line.tariff == 1


def test_missing_durations_count_zero(price_book) -> None:
    line = billed(ctr(talk=None, acw=None), price_book)
    assert (line.talk_seconds, line.handling_seconds, line.over_45s) == (0, 0, False)


@pytest.mark.parametrize(
    ("completed", "endpoint", "transferred"),
    [(False, False, False), (True, False, True), (False, True, True), (True, True, True)],
    ids=["not-transferred", "transfer-completed", "transferred-to-endpoint", "both"],
)
def test_transfer_variants(price_book, completed, endpoint, transferred) -> None:
    line = billed(
        ctr(answered_local="2026-11-24 10:00", transfer_completed=completed, transferred_to=endpoint), price_book
    )
    assert line.transferred is transferred
    assert line.tariff == (2 if transferred else 1)


# ---------------------------------------------------------------- §1 what is billed
@pytest.mark.parametrize("method", ["TRANSFER", "QUEUE_TRANSFER", "OUTBOUND", "CALLBACK", "API", "DISCONNECT", None])
def test_only_inbound_contacts_are_billed(price_book, method) -> None:
    outcome = rate_record(ctr(initiation=method), price_book)
    assert outcome.status is OutcomeStatus.NOT_BILLABLE
    assert outcome.line is None


def test_abandoned_calls_are_not_billed(price_book) -> None:
    assert rate_record(ctr(agent=False), price_book).status is OutcomeStatus.NOT_BILLABLE
    assert rate_record(ctr(answered_utc=None), price_book).status is OutcomeStatus.NOT_BILLABLE


def test_a_relayed_call_is_billed_once_on_its_inbound_contact(price_book) -> None:
    inbound = ctr("c-in", transfer_completed=True, transferred_to=True)
    leg = ctr("c-leg", initiation="TRANSFER", PreviousContactId="c-in")
    outcomes = [rate_record(r, price_book) for r in (inbound, leg)]
    lines = latest_lines(outcomes)
    assert [(line.contact_id, line.tariff) for line in lines] == [("c-in", 2)]


# ---------------------------------------------------------------- §6 the customer
def test_tenant_comes_from_the_attribute_first(price_book) -> None:
    line = billed(ctr(tenant="acme"), price_book, resolve=lambda _n: "other")
    assert (line.tenant_id, line.tenant_source) == ("acme", "attribute")


def test_tenant_is_resolved_from_the_dialed_number_when_the_attribute_is_missing(price_book) -> None:
    asked: list[str] = []
    line = billed(ctr(tenant=None), price_book, resolve=lambda n: asked.append(n) or "acme")
    assert (line.tenant_id, line.tenant_source, asked) == ("acme", "dialed_number", ["+46852000001"])


@pytest.mark.parametrize("tenant", [None, "", "Not A Slug", "../../etc"])
def test_an_unresolvable_tenant_still_bills_the_call_flagged(price_book, tenant) -> None:
    line = billed(ctr(tenant=tenant), price_book)
    assert line.tenant_id is None
    assert line.unresolved
    assert line.tenant_source == "unresolved"


def test_no_dialed_number_and_no_attribute_is_unresolved(price_book) -> None:
    assert billed(ctr(tenant=None, dialed=None), price_book).tenant_id is None


# ---------------------------------------------------------------- §7 prices
def test_the_price_valid_at_the_stockholm_answer_date_applies() -> None:
    december = PriceList(version="2026-12", valid_from=date(2026, 12, 1), amounts_ore={t: 100 * t for t in range(1, 7)})
    book = PriceBook(versions=[DEFAULT_PRICE_LIST, december])
    # 2026-11-30 23:30 UTC is 2026-12-01 00:30 in Stockholm: the December list.
    line = billed(ctr(answered_utc="2026-11-30T23:30:00Z", talk=30), book)
    assert (line.price_list_version, line.amount_ore, line.month) == ("2026-12", 300, "2026-12")
    earlier = billed(ctr(answered_utc="2026-11-30T22:59:59Z", talk=30), book)
    assert (earlier.price_list_version, earlier.amount_ore, earlier.month) == ("2026-01", PRICES[3], "2026-11")
    assert isinstance(line.amount_ore, int)


def test_a_call_before_every_price_list_is_rejected_with_the_reason(price_book) -> None:
    outcome = rate_record(ctr(answered_local="2025-12-31 10:00"), price_book)
    assert outcome.status is OutcomeStatus.REJECTED
    assert outcome.reason == "no price list valid on 2025-12-31"


# ---------------------------------------------------------------- §8 bad records
@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (json.dumps({k: v for k, v in ctr().items() if k != "ContactId"}), "missing ContactId"),
        (json.dumps(ctr(contact_id="../../x")), "ContactId is not a valid contact id"),
        (json.dumps(ctr(answered_utc="yesterday")), "unreadable timestamp in Agent.ConnectedToAgentTimestamp"),
        (
            json.dumps(ctr(answered_utc="2026-11-24T08:15:00")),
            "unreadable timestamp in Agent.ConnectedToAgentTimestamp",
        ),
        (json.dumps(ctr(last_updated="2026-13-45T00:00:00Z")), "unreadable timestamp in LastUpdateTimestamp"),
        (json.dumps({k: v for k, v in ctr().items() if k != "LastUpdateTimestamp"}), "missing LastUpdateTimestamp"),
        (
            json.dumps(ctr(TransferCompletedTimestamp="soon")),
            "unreadable timestamp in TransferCompletedTimestamp",
        ),
    ],
    ids=[
        "not-json",
        "empty",
        "array",
        "no-contact-id",
        "unsafe-contact-id",
        "garbage-timestamp",
        "naive-timestamp",
        "impossible-date",
        "no-last-update",
        "bad-transfer-timestamp",
    ],
)
def test_malformed_records_are_rejected_with_a_specific_reason(price_book, raw, reason) -> None:
    outcome = rate_record(raw, price_book)
    assert outcome.status is OutcomeStatus.REJECTED
    assert outcome.reason == reason


def test_negative_durations_are_rejected_naming_the_field(price_book) -> None:
    outcome = rate_record(json.dumps(ctr(talk=-3)), price_book)
    assert outcome.status is OutcomeStatus.REJECTED
    assert outcome.reason is not None
    assert outcome.reason.startswith("invalid Agent.AgentInteractionDuration")


def test_unknown_fields_and_decoded_objects_are_accepted(price_book) -> None:
    record = ctr(SomeFutureField={"nested": [1, 2]}, Tags={"x": "y"})
    from_text = billed(json.dumps(record), price_book)
    from_dict = billed(record, price_book)
    assert from_text == from_dict


# ---------------------------------------------------------------- §2 duplicates and versions
def test_latest_lines_keep_the_newest_version_and_ignore_older_ones(price_book) -> None:
    v1 = billed(ctr("c-1", talk=30, last_updated="2026-11-24T09:00:00Z"), price_book)
    v2 = billed(ctr("c-1", talk=130, last_updated="2026-11-24T09:05:00Z"), price_book)
    latest = LatestLines()
    assert latest.offer(v1)
    assert latest.offer(v2)
    assert not latest.offer(v1)  # an older version arriving late
    assert latest.offer(v2)  # a duplicate: replaying changes nothing
    assert latest.lines() == [v2]


def test_on_a_tie_the_later_received_version_wins(price_book) -> None:
    lines = latest_lines([rate_record(ctr("c-1", talk=30), price_book), rate_record(ctr("c-1", talk=200), price_book)])
    assert [(line.contact_id, line.tariff) for line in lines] == [("c-1", 5)]


@pytest.mark.parametrize(
    "record",
    [
        ctr("c-1"),
        ctr("c-2", tenant=None, answered_local="2026-12-24 10:00", talk=200, transferred_to=True),
        ctr("c-3", dialed=None, acw=None, Queue=None),
    ],
)
def test_lines_built_by_the_engine_are_valid_billing_lines(price_book, record) -> None:
    line = billed(record, price_book)
    validated = BillingLine.model_validate(line.model_dump())
    assert validated == line
    assert validated.model_dump_json() == line.model_dump_json()
    assert line.model_fields_set == set(BillingLine.model_fields)
