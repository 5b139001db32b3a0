"""Rating's hot path (msgspec decoding, the line's JSON) decides exactly as the pydantic models do.

`read_ctr` accepts a record on its own only in the common form; everything else is decided by
`ContactTraceRecord` (and named there). These tests throw varied and hostile values at every
field rating reads and check that whenever the hot path answers, the model answers the same;
and that a record the hot path hands over is rejected with the model's reason.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telefonist.models.price_list import PriceBook
from telefonist.rating.ctr import CtrFacts, MalformedRecord, _common_facts, _NotCommon, parse_ctr, read_ctr
from telefonist.rating.engine import OutcomeStatus, rate_record
from telefonist.rating.line import BillingLine, line_json

from tests.rating_builders import ctr

EDGE_TIMESTAMPS = [
    "2026-11-24T08:15:00Z",
    "2026-11-24T08:15:00.5Z",
    "2026-11-24T08:15:00.123456+01:00",
    "2026-11-24T08:15:00.1234567Z",
    "2026-11-24T08:15:00-00:00",
    "2026-11-24T08:15:00+23:59",
    "2026-11-24T08:15:00+24:00",
    "2026-11-24 08:15:00Z",
    "2026-11-24t08:15:00z",
    "2026-11-24T08:15:60Z",
    "2026-02-29T08:15:00Z",
    "2026-11-24T08:15:00",
    "1999-12-31T23:30:00-01:00",
    "1999-12-31T23:59:59Z",
    "2100-01-01T00:30:00+01:00",
    "2099-12-31T23:59:59Z",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+05:00",
    "2026-11-24T08:15:00Z\n",
    "20261124T081500Z",
    "",
]
TIMESTAMPS = st.one_of(
    st.sampled_from(EDGE_TIMESTAMPS),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.none(),
    st.text(max_size=30),
)
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
SECONDS = st.one_of(
    st.integers(min_value=-5, max_value=2**70),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
)
EDGE_CONTACT_IDS = ["c-1", "abc\n", "-bad", "a" * 128, "a" * 129, "ok_id.2", "ümlaut", ""]
CONTACT_IDS = st.one_of(
    st.sampled_from(EDGE_CONTACT_IDS),
    st.text(max_size=20),
    st.integers(),
    st.none(),
)


@st.composite
def records(draw: st.DrawFn) -> str:
    record: dict[str, Any] = ctr("c-1")
    for field, values in (
        ("ContactId", CONTACT_IDS),
        ("LastUpdateTimestamp", TIMESTAMPS),
        ("InitiationMethod", st.sampled_from(["INBOUND", "OUTBOUND", None, 7])),
        ("TransferCompletedTimestamp", TIMESTAMPS),
        ("TransferredToEndpoint", st.one_of(st.none(), ANY_JSON)),
        ("Attributes", st.one_of(st.none(), ANY_JSON, st.fixed_dictionaries({"tenant_id": ANY_JSON}))),
        ("SystemEndpoint", st.one_of(ANY_JSON, st.fixed_dictionaries({"Address": st.one_of(st.text(), ANY_JSON)}))),
        ("Queue", st.one_of(ANY_JSON, st.fixed_dictionaries({"Name": st.one_of(st.text(), ANY_JSON)}))),
    ):
        if draw(st.booleans()):
            if draw(st.integers(0, 4)) == 0:
                record.pop(field, None)
            else:
                record[field] = draw(values)
    agent = record.get("Agent")
    if isinstance(agent, dict):
        for field, values in (
            ("ConnectedToAgentTimestamp", TIMESTAMPS),
            ("AgentInteractionDuration", SECONDS),
            ("AfterContactWorkDuration", SECONDS),
        ):
            if draw(st.booleans()):
                agent[field] = draw(values)
    if draw(st.integers(0, 9)) == 0:
        record["Agent"] = draw(ANY_JSON)
    text = json.dumps(record, ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 19)) == 0:
        text = text[: draw(st.integers(0, len(text)))]  # broken JSON
    return text


def _same(fast: Any, slow: Any) -> None:
    assert fast == slow
    for mine, theirs in zip(fast, slow, strict=True):
        if isinstance(mine, datetime):
            assert mine.utcoffset() == theirs.utcoffset()  # same instant and the same offset


def _model(text: str) -> tuple[CtrFacts | None, str | None]:
    """The model's answer: the facts, or the reason it rejects the record."""
    try:
        return parse_ctr(text).facts(), None
    except MalformedRecord as exc:
        return None, str(exc)


def _read(text: str) -> tuple[CtrFacts | None, str | None]:
    try:
        return read_ctr(text), None
    except MalformedRecord as exc:
        return None, str(exc)


TIMESTAMP_FIELDS = ("LastUpdateTimestamp", "TransferCompletedTimestamp")


def _edge_changes() -> list[Any]:
    """Each listed edge value in each field that takes it (the rest of the record common)."""
    changes = [pytest.param({"ContactId": v}, id=f"ContactId={v!r}") for v in EDGE_CONTACT_IDS]
    changes += [pytest.param({"InitiationMethod": v}, id=f"InitiationMethod={v!r}") for v in ("OUTBOUND", None, 7)]
    for v in EDGE_TIMESTAMPS:
        changes += [pytest.param({field: v}, id=f"{field}={v!r}") for field in TIMESTAMP_FIELDS]
        agent = {**ctr("c-1")["Agent"], "ConnectedToAgentTimestamp": v}
        changes.append(pytest.param({"Agent": agent}, id=f"ConnectedToAgentTimestamp={v!r}"))
    return changes


@pytest.mark.parametrize("change", _edge_changes())
def test_at_each_listed_edge_value_the_hot_path_decides_as_the_model(change: dict[str, Any]) -> None:
    _assert_the_hot_path_decides_as_the_model(json.dumps({**ctr("c-1"), **change}))


# The listed edge values are each checked above; the property tries them in combinations, with
# generated values besides (1,500 examples took 8 s of the unit phase's CPU).
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_whatever_the_hot_path_accepts_the_model_accepts_with_the_same_values(text: str) -> None:
    _assert_the_hot_path_decides_as_the_model(text)


def _assert_the_hot_path_decides_as_the_model(text: str) -> None:
    try:
        fast: CtrFacts | None = _common_facts(text)
    except (_NotCommon, ValueError):
        fast = None  # handed to the model: read_ctr is then parse_ctr exactly
    slow, reason = _model(text)
    assert _read(text)[1] == reason
    if slow is None:
        assert fast is None, f"hot path accepted what the model rejects ({reason})"
        return
    if fast is not None:
        _same(fast, slow)
    _same(read_ctr(text), slow)


def test_the_common_form_is_read_by_the_hot_path_and_bytes_too() -> None:
    text = json.dumps(ctr("c-1", answered_utc="2026-11-24T08:15:00Z", last_updated="2026-11-24T09:00:00.25+01:00"))
    facts = _common_facts(text.encode())
    assert facts == parse_ctr(text).facts()
    assert facts.connected_at == datetime(2026, 11, 24, 8, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"ContactId": "abc\n"}, "ContactId is not a valid contact id"),
        ({"LastUpdateTimestamp": "2026-11-24 08:15:00Z"}, None),  # not RFC 3339: pydantic reads it
        ({"LastUpdateTimestamp": "9999-12-31T23:59:59Z"}, "timestamp out of range in LastUpdateTimestamp"),
    ],
)
def test_records_the_hot_path_hands_over_get_the_models_reason(
    price_book: PriceBook, change: dict[str, Any], reason: str | None
) -> None:
    text = json.dumps({**ctr("c-1"), **change})
    outcome = rate_record(text, price_book)
    _facts, model_reason = _model(text)
    assert outcome.reason == model_reason
    if reason is None:  # pydantic reads this form: billed like any other
        assert outcome.status is OutcomeStatus.BILLED
    else:
        assert outcome.status is OutcomeStatus.REJECTED
        assert (outcome.reason or "").startswith(reason)


@settings(max_examples=300, deadline=None)
@given(
    queue=st.one_of(st.none(), st.text()),
    dialed=st.one_of(st.none(), st.text()),
    tenant=st.sampled_from([None, "acme", "t-2"]),
    answered=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2098, 1, 1), timezones=st.just(UTC)),
    fraction=st.integers(0, 999_999),
)
def test_a_lines_json_is_pydantics_text(
    queue: str | None, dialed: str | None, tenant: str | None, answered: datetime, fraction: int
) -> None:
    book = PriceBook.model_validate(
        {
            "versions": [
                {"version": "v1", "valid_from": "2000-01-01", "amounts_ore": {str(t): 1000 * t for t in range(1, 7)}}
            ]
        }
    )
    record = ctr(
        "c-1",
        answered_utc=answered.replace(microsecond=fraction).isoformat().replace("+00:00", "Z"),
        last_updated=answered.replace(microsecond=fraction).isoformat(),
        tenant=tenant,
        dialed=dialed,
    )
    record["Queue"] = {"Name": queue}
    outcome = rate_record(json.dumps(record), book)
    assert outcome.line is not None
    assert line_json(outcome.line) == outcome.line.model_dump_json()
    validated = BillingLine.model_validate_json(outcome.line.model_dump_json())
    assert line_json(validated) == validated.model_dump_json() == line_json(outcome.line)


def test_a_fraction_finer_than_a_microsecond_is_rounded_alike_by_both_readers() -> None:
    text = json.dumps(ctr("c-1", last_updated="2026-11-24T09:00:00.9999996Z"))
    rounded = datetime(2026, 11, 24, 9, 0, 1, tzinfo=UTC)  # msgspec rounds; pydantic alone would truncate
    assert _common_facts(text).last_updated == parse_ctr(text).last_updated == rounded
