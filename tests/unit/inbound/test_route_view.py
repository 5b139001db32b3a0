"""The call path's pydantic-free read of a routing record answers exactly as the write model does."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telefonist.dal import keys
from telefonist.inbound.attributes import build_operator_attributes
from telefonist.inbound.route_view import MalformedRouteError, route_view_from_item
from telefonist.models.common_number import GeneralInformation, OpeningHours, TemporaryInformation
from telefonist.models.route import Route
from telefonist.models.status import TenantStatus

from tests.unit.inbound.routes import ACME_NUMBER as NUMBER
from tests.unit.inbound.routes import acme_route

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # a Tuesday, 11:00 in Stockholm
moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))
DAY_SECONDS = 86_400


def _clock(seconds: int) -> time:
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[time, time]:
    opens = draw(st.integers(0, DAY_SECONDS - 2))
    closes = draw(st.integers(opens + 1, DAY_SECONDS - 1))
    return _clock(opens), _clock(closes)


@st.composite
def notices(draw: st.DrawFn) -> TemporaryInformation:
    start = draw(moments)
    length = draw(st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=30)))
    return TemporaryInformation(
        text=draw(st.text(min_size=1, max_size=20).filter(str.strip)), valid_from=start, valid_until=start + length
    )


@st.composite
def routes(draw: st.DrawFn) -> Route:
    return Route(
        phone_number="+46852000001",
        tenant_id="acme",
        tenant_name="Acme AB",
        tenant_status=draw(st.sampled_from(TenantStatus)),
        common_number_id="vaxel",
        common_number_name="Växel",
        info=GeneralInformation(
            how_to_answer=draw(st.text(min_size=1, max_size=40).filter(str.strip)),
            how_to_transfer=draw(st.text(max_size=40)),
            temporary_information=draw(st.lists(notices(), max_size=4)),
        ),
        opening_hours=OpeningHours(
            weekly=draw(st.dictionaries(st.integers(0, 6), day_hours(), max_size=7)),
            closed_message=draw(st.text(max_size=30)),
        ),
        office_summary=draw(st.text(max_size=40)),
    )


@settings(max_examples=200, deadline=None)
@given(routes(), moments)
def test_the_view_of_any_stored_route_answers_as_the_model(route: Route, moment: datetime) -> None:
    view = route_view_from_item(route.model_dump(mode="json"))
    assert view.is_open_at(moment) == route.opening_hours.is_open_at(moment)
    assert [n.text for n in view.notices_at(moment)] == [n.text for n in route.info.temporary_information_at(moment)]
    assert view.tenant_status == route.tenant_status
    assert (view.tenant_id, view.tenant_name, view.common_number_name) == ("acme", "Acme AB", "Växel")
    assert (view.how_to_answer, view.how_to_transfer) == (route.info.how_to_answer, route.info.how_to_transfer)
    assert view.closed_message == route.opening_hours.closed_message
    assert view.office_summary == route.office_summary


def _stored() -> dict[str, Any]:
    route = acme_route(
        info=GeneralInformation(
            how_to_answer="Acme, välkommen!",
            temporary_information=[
                TemporaryInformation(text="Inventering", valid_from=NOW, valid_until=NOW + timedelta(hours=1))
            ],
        ),
        opening_hours=OpeningHours(weekly={1: (time(8), time(17))}),
    )
    return {**route.model_dump(mode="json"), "pk": keys.number_pk(NUMBER), "sk": keys.ROUTE_SK, "item_version": 3}


def _without(item: dict[str, Any], *path: str) -> dict[str, Any]:
    parent = item
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return item


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (_without(_stored(), "tenant_id"), "tenant_id"),
        (_without(_stored(), "info"), "info"),
        (_without(_stored(), "info", "how_to_answer"), "info.how_to_answer"),
        ({**_stored(), "tenant_name": 7}, "tenant_name"),
        ({**_stored(), "tenant_status": "paused"}, "tenant_status"),
        ({**_stored(), "opening_hours": {"weekly": {"9": ["08:00:00", "17:00:00"]}}}, "opening_hours.weekly.9"),
        ({**_stored(), "opening_hours": {"weekly": {"1": ["åtta", "17:00:00"]}}}, "opening_hours.weekly.1"),
        ({**_stored(), "opening_hours": {"weekly": {"1": ["08:00:00"]}}}, "opening_hours.weekly.1"),
        (
            {
                **_stored(),
                "info": {"how_to_answer": "Hej", "temporary_information": [{"text": "x", "valid_from": "igår"}]},
            },
            "info.temporary_information[0].valid_from",
        ),
        (
            {**_stored(), "info": {"how_to_answer": "Hej", "temporary_information": [{"text": "x"}]}},
            "info.temporary_information[0].valid_from",
        ),
    ],
)
def test_a_malformed_item_names_its_field(item: dict[str, Any], field: str) -> None:
    with pytest.raises(MalformedRouteError) as raised:
        route_view_from_item(item)
    assert raised.value.path == field
    assert str(raised.value).startswith(f"{field}: ")


def test_the_table_keys_and_bookkeeping_are_ignored() -> None:
    view = route_view_from_item(_stored())
    attributes = build_operator_attributes(view, NOW + timedelta(minutes=5))  # a Tuesday, 11:05 local
    assert attributes["temporary_information"] == "Inventering"
    assert attributes["open"] == "true"
    assert build_operator_attributes(view, NOW + timedelta(hours=1))["temporary_information"] == ""
