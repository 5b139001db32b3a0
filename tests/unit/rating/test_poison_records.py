"""Poison records (issue 13): whatever a CTR's timestamps and durations hold, rating answers an
outcome and never raises, and a billed line always fits its Parquet and JSON forms."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from telefonist.dal.billing_table import lines_to_arrow
from telefonist.models.price_list import PriceBook, PriceList
from telefonist.rating.ctr import EARLIEST_CTR_MOMENT, END_OF_CTR_MOMENTS, parse_ctr
from telefonist.rating.engine import OutcomeStatus, rate_record
from telefonist.rating.line import MAX_LINE_SECONDS
from telefonist.rating.service import ReceivedRecord, RecordResult

from tests.fakes.rating import FakeLines, FakePorts
from tests.rating_builders import ctr, encode

PROPERTY = settings(max_examples=300, derandomize=True, deadline=None, database=None)
# valid from the first day of the calendar, so that no moment is rejected for want of a price
EVERY_DAY = PriceBook(
    versions=[PriceList(version="always", valid_from=date(1, 1, 1), amounts_ore=dict.fromkeys(range(1, 7), 100))]
)
FIELDS = {
    "answered_utc": "Agent.ConnectedToAgentTimestamp",
    "last_updated": "LastUpdateTimestamp",
    "TransferCompletedTimestamp": "TransferCompletedTimestamp",
}


def moment_text(local: datetime, offset_minutes: int) -> str:
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{local.isoformat()}{sign}{hours:02d}:{minutes:02d}"


def within_ctr_years(local: datetime, offset_minutes: int) -> bool:
    """Whether a wall-clock time at an offset is in 2000-2099 UTC (in timedeltas: no calendar overflow)."""
    offset = timedelta(minutes=offset_minutes)
    since_first = local - EARLIEST_CTR_MOMENT.replace(tzinfo=None) - offset
    until_end = END_OF_CTR_MOMENTS.replace(tzinfo=None) - local + offset
    return since_first >= timedelta(0) and until_end > timedelta(0)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59:59-05:00", "9999-06-01T10:00:00Z", "0001-01-01T00:00:00+05:00", "1999-12-31T23:59:59Z"]
)
def test_a_timestamp_outside_the_ctr_years_is_rejected_naming_the_field(field: str, moment: str) -> None:
    outcome = rate_record(json.dumps(ctr("c-1", **{field: moment})), EVERY_DAY)
    assert (outcome.status, outcome.reason) == (
        OutcomeStatus.REJECTED,
        f"timestamp out of range in {FIELDS[field]} (years 2000-2099)",
    )


def test_the_edges_of_the_ctr_years_are_read_with_the_offset_applied() -> None:
    first = parse_ctr(ctr(last_updated="1999-12-31T23:30:00-01:00"))  # 2000-01-01T00:30Z
    last = parse_ctr(ctr(last_updated="2100-01-01T00:30:00+01:00"))  # 2099-12-31T23:30Z
    assert EARLIEST_CTR_MOMENT < first.last_updated < last.last_updated < END_OF_CTR_MOMENTS


@pytest.mark.parametrize(("talk", "acw"), [(MAX_LINE_SECONDS + 1, 0), (MAX_LINE_SECONDS, 1), (10**40, None)])
def test_durations_no_line_can_hold_are_rejected(talk: int, acw: int | None) -> None:
    outcome = rate_record(json.dumps(ctr("c-1", talk=talk, acw=acw)), EVERY_DAY)
    assert outcome.status is OutcomeStatus.REJECTED
    assert outcome.reason == f"duration out of range: talk and after-contact work over {MAX_LINE_SECONDS} s"
    assert outcome.contact_id == "c-1"


def test_the_longest_handling_a_line_holds_is_billed_and_stored() -> None:
    outcome = rate_record(json.dumps(ctr("c-1", talk=MAX_LINE_SECONDS - 5, acw=5)), EVERY_DAY)
    assert outcome.line is not None
    assert outcome.line.handling_seconds == MAX_LINE_SECONDS
    assert lines_to_arrow([outcome.line]).num_rows == 1


moments = st.tuples(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1),
)
durations = st.one_of(st.none(), st.integers(min_value=0, max_value=10**40))


@PROPERTY
@given(answered=moments, updated=moments, talk=durations, acw=durations)
@example(answered=(datetime(9999, 12, 31, 23, 30), 0), updated=(datetime(2026, 1, 1), 0), talk=1, acw=1)
@example(answered=(datetime(1, 1, 1), 300), updated=(datetime(1, 1, 1), 300), talk=1, acw=1)
@example(answered=(datetime(2026, 11, 24, 9), 0), updated=(datetime(2026, 11, 24, 9), 0), talk=2**31, acw=0)
def test_rating_never_raises_and_a_billed_line_always_fits_its_forms(answered, updated, talk, acw) -> None:
    record = ctr("c-1", answered_utc=moment_text(*answered), last_updated=moment_text(*updated), talk=talk, acw=acw)
    outcome = rate_record(json.dumps(record), EVERY_DAY)
    inside = within_ctr_years(*answered) and within_ctr_years(*updated)
    fits = (talk or 0) + (acw or 0) <= MAX_LINE_SECONDS
    assert (outcome.status is OutcomeStatus.BILLED) == (inside and fits)
    if outcome.line is not None:
        assert lines_to_arrow([outcome.line]).num_rows == 1
        assert json.loads(outcome.line.model_dump_json())["contact_id"] == "c-1"


def received(record, seq: int) -> ReceivedRecord:
    return ReceivedRecord("shardId-0", str(seq), datetime(2026, 11, 24, tzinfo=UTC), encode(record))


def test_a_line_the_store_cannot_hold_is_quarantined_before_the_ledger_hears_of_it(price_book) -> None:
    ports = FakePorts(lines=FakeLines(unstorable_for="c-odd"))
    service = ports.service(price_book)
    assert service.process(received(ctr("c-odd"), 1)) is RecordResult.QUARANTINED
    assert service.process(received(ctr("c-ok"), 2)) is RecordResult.BILLED
    assert [(r.sequence_number, reason) for r, reason in ports.quarantine.items] == [
        ("1", "line cannot be stored: column queue cannot hold its value")
    ]
    assert list(ports.ledger.keys) == ["c-ok"]
    assert [line.contact_id for line in ports.lines.objects.values()] == ["c-ok"]


def test_a_newer_version_never_written_leaves_the_older_one_billable(price_book) -> None:
    # Given the newer version of a contact whose line write fails (its retries run out)
    ports = FakePorts(lines=FakeLines(fail_for="c-1"))
    service = ports.service(price_book)
    newer = received(ctr("c-1", talk=150, last_updated="2026-11-24T10:00:00Z"), 1)
    older = received(ctr("c-1", talk=10, last_updated="2026-11-24T09:00:00Z"), 2)
    with pytest.raises(OSError, match="the table is down"):
        service.process(newer)
    # When the store is back and the older version arrives late
    ports.lines.fail_for = None
    assert service.process(older) is RecordResult.BILLED
    assert [line.talk_seconds for line in ports.lines.objects.values()] == [10]
    # Then the newer one, re-driven, still replaces it; the older one again is then stale
    assert service.process(newer) is RecordResult.BILLED
    assert service.process(older) is RecordResult.STALE
    assert [line.talk_seconds for line in ports.lines.objects.values()] == [150]
