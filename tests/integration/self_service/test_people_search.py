"""`GET /people?q=`: the server finds people in a large directory without the client paging."""

from __future__ import annotations

import pytest
from telefonist.edge.errors import InvalidInputError
from telefonist.models.directory import Person
from telefonist.self_service import SelfService
from telefonist.self_service import api_models as api
from telefonist.self_service.people_search import person_words, query_words, search_page, searchable

from tests.integration.self_service.conftest import ACME_ADMIN, ACME_ADMIN_TOKEN, GLOBEX_ADMIN_TOKEN, ApiClient


def _person(person_id: str, first: str, last: str, **extra: object) -> Person:
    email = f"{person_id}@example.se"
    return Person.model_validate(
        {"person_id": person_id, "first_name": first, "last_name": last, "email": email, **extra}
    )


ASA = _person(
    "p1",
    "Åsa",
    "Södergren",
    title="Ekonomichef",
    department="Ekonomi",
    phones=[{"kind": "mobile", "number": "+46701234567"}],
    keywords=["fakturor", "löner"],
)
BJORN = _person("p2", "Björn", "Åkesson", title="Säljare", department="Försäljning")


def test_words_fold_case_accents_and_width_as_the_directory_does() -> None:
    people = searchable([BJORN, ASA])
    assert [p.person.person_id for p in people] == ["p1", "p2"]  # list order
    assert search_page(people, query_words("ASA sod"), None, 10)[0] == [ASA]
    assert search_page(people, query_words("ｂｊｏｒｎ"), None, 10)[0] == [BJORN]
    assert search_page(people, query_words("lon"), None, 10)[0] == [ASA]  # a keyword's start
    assert search_page(people, query_words("ekonomi asa"), None, 10)[0] == [ASA]  # every word must match
    assert search_page(people, query_words("ekonomi björn"), None, 10)[0] == []


def test_a_number_is_found_as_typed_in_groups_national_or_international() -> None:
    people = searchable([ASA, BJORN])
    for typed in ("070-123 45 67", "0701234567", "+46 70 123", "4567"):
        assert search_page(people, query_words(typed), None, 10)[0] == [ASA], typed
    assert "0701234567" in person_words(ASA)


def test_pages_continue_after_the_last_person_shown() -> None:
    people = searchable([_person(f"p{i:02}", "Anna", f"Svensson{i}") for i in range(5)])
    first, more = search_page(people, ["anna"], None, 2)
    assert [p.person_id for p in first] == ["p00", "p01"]
    assert more
    rest, more = search_page(people, ["anna"], "p03", 2)
    assert [p.person_id for p in rest] == ["p04"]
    assert not more


@pytest.mark.parametrize("q", ["", " -- ", "a b c d e f g h i"])
def test_a_search_without_words_or_with_too_many_is_refused_naming_q(q: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        query_words(q)
    assert raised.value.errors[0].field == "query.q"


def test_the_route_searches_the_callers_own_directory_only(client: ApiClient) -> None:
    found = client.call("GET", "/people?q=acmefirst1", ACME_ADMIN_TOKEN)
    assert found.status == 200
    assert [p["person_id"] for p in found.body["items"]] == ["acme-p1"]
    assert client.call("GET", "/people?q=acmefirst1", GLOBEX_ADMIN_TOKEN).body["items"] == []
    # Globex's people are never found by Acme, whatever is typed.
    assert client.call("GET", "/people?q=globex", ACME_ADMIN_TOKEN).body["items"] == []


def test_the_route_pages_its_results_and_refuses_a_bad_query(client: ApiClient) -> None:
    first = client.call("GET", "/people?q=acme&limit=1", ACME_ADMIN_TOKEN)
    assert [p["person_id"] for p in first.body["items"]] == ["acme-p1"]
    second = client.call("GET", f"/people?q=acme&limit=1&cursor={first.body['next_cursor']}", ACME_ADMIN_TOKEN)
    assert [p["person_id"] for p in second.body["items"]] == ["acme-p2"]
    assert second.body["next_cursor"] is None
    refused = client.call("GET", "/people?q=" + "x" * 101, ACME_ADMIN_TOKEN)
    assert refused.status == 400
    assert refused.body["field"] == "query.q"
    assert client.call("GET", "/people?q=%20-%20", ACME_ADMIN_TOKEN).body["field"] == "query.q"


def test_a_change_to_the_directory_is_found_by_the_next_search(service: SelfService) -> None:
    assert service.list_people(ACME_ADMIN, q="Zelda").items == []
    service.create_person(
        ACME_ADMIN, api.PersonCreate(person_id="acme-z", first_name="Zelda", last_name="Ek", email="z@acme.example")
    )
    assert [p.person_id for p in service.list_people(ACME_ADMIN, q="Zelda").items] == ["acme-z"]
