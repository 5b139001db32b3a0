"""The operator's attribute map: content, fallback, and Connect's size limits."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st
from telefonist.inbound.attributes import (
    ATTRIBUTE_KEYS,
    MAX_TOTAL_BYTES,
    TRUNCATION_MARKER,
    build_operator_attributes,
    cut_utf8,
    fallback_attributes,
    map_size,
)
from telefonist.inbound.route_view import RouteView, route_view_from_item
from telefonist.models.common_number import GeneralInformation, OpeningHours, TemporaryInformation

from tests.unit.inbound.routes import acme_route

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # a Tuesday, 11:00 in Stockholm


def _route(**changes: object) -> RouteView:
    """A routing record as the self-service side writes it, read back as the call path reads it."""
    return route_view_from_item(acme_route(**changes).model_dump(mode="json"))


def test_a_known_route_gives_every_key_as_a_string() -> None:
    attributes = build_operator_attributes(_route(), NOW)
    assert tuple(attributes) == ATTRIBUTE_KEYS
    assert attributes["customer_name"] == "Acme AB"
    assert attributes["how_to_transfer"] == "Koppla direkt."
    assert attributes["open"] == "true"
    assert attributes["route_action"] == "queue"


def test_several_valid_notices_are_joined_and_invalid_ones_left_out() -> None:
    window = {"valid_from": NOW - timedelta(hours=1), "valid_until": NOW + timedelta(hours=1)}
    info = GeneralInformation(
        how_to_answer="Acme",
        temporary_information=[
            TemporaryInformation(text="Första.", **window),
            TemporaryInformation(text="Utgången.", valid_from=NOW - timedelta(days=2), valid_until=NOW),
            TemporaryInformation(text="Andra.", **window),
        ],
    )
    assert build_operator_attributes(_route(info=info), NOW)["temporary_information"] == "Första. • Andra."


def test_closed_uses_stockholm_time_and_the_closed_message() -> None:
    hours = OpeningHours(weekly={1: (time(12, 0), time(17, 0))}, closed_message="Stängt.")
    attributes = build_operator_attributes(_route(opening_hours=hours), NOW)  # 11:00 local
    assert attributes["open"] == "false"
    assert attributes["route_action"] == "closed_message"
    assert attributes["closed_message"] == "Stängt."
    open_now = build_operator_attributes(_route(opening_hours=hours), NOW + timedelta(hours=2))
    assert open_now["route_action"] == "queue"
    assert open_now["closed_message"] == ""


def test_the_fallback_is_neutral_and_names_its_reason() -> None:
    attributes = fallback_attributes("not_found")
    assert tuple(attributes) == ATTRIBUTE_KEYS
    assert attributes["tenant_id"] == ""
    assert attributes["fallback_reason"] == "not_found"
    assert attributes["route_action"] == "queue"


def test_cut_keeps_whole_characters_and_words_and_marks_the_cut() -> None:
    cut = cut_utf8("åäö " * 100, 50)
    assert cut.endswith(TRUNCATION_MARKER)
    assert len(cut.encode()) <= 50
    assert cut[: -len(TRUNCATION_MARKER)].split(" ")[-1] == "åäö"
    assert cut_utf8("kort", 50) == "kort"


@given(st.text(min_size=0, max_size=400), st.integers(min_value=0, max_value=300))
def test_cut_never_exceeds_its_byte_budget(text: str, budget: int) -> None:
    cut = cut_utf8(text, budget)
    assert len(cut.encode("utf-8")) <= budget
    if len(text.encode("utf-8")) <= budget:
        assert cut == text


def test_the_whole_map_stays_inside_its_budget() -> None:
    long = "ö" * 2000
    info = GeneralInformation(how_to_answer="ä" * 200, how_to_transfer=long, how_to_take_messages=long)
    attributes = build_operator_attributes(_route(info=info, office_summary=long), NOW)
    assert map_size(attributes) <= MAX_TOTAL_BYTES
    assert attributes["how_to_answer"] == "ä" * 200  # first in priority: kept whole
