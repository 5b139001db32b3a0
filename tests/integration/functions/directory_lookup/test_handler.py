"""directory_lookup against moto: the REST API shape, every error."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from telefonist.clock import utc_now
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.environment import InvalidEnvironment, MissingEnvironment, load_env
from telefonist.models.directory import Person, Referral

from functions.directory_lookup import handler
from tests.integration.functions.directory_lookup.conftest import rest_event

Deps = handler.Dependencies


def call(event: dict[str, Any], deps: Deps) -> tuple[int, dict[str, Any]]:
    response = handler.handle(event, deps)
    return response["statusCode"], json.loads(response["body"])


def search(deps: Deps, query: str, limit: int | None = None) -> dict[str, Any]:
    """An operator's search of acme's directory; its answer's body."""
    params = {"q": query} if limit is None else {"q": query, "limit": str(limit)}
    status, body = call(rest_event(params=params), deps)
    assert status == 200
    return body


def test_an_operator_searches_through_the_api(deps: Deps) -> None:
    status, body = call(rest_event(params={"q": "sodergren"}), deps)
    assert status == 200
    assert (body["tenant_id"], body["query"], body["count"]) == ("acme", "sodergren", 1)
    [match] = body["matches"]
    assert match["name"] == "Åsa Södergren"
    assert match["kind"] == "exact_name"
    assert match["matched"] == [{"field": "last_name", "value": "Södergren", "kind": "exact_name"}]
    assert match["transfer_numbers"] == ["+46852010001", "+46701230001"]
    assert match["message_preference"] == "sms"
    assert body["directory_version"] >= 1


def test_the_api_limit_and_ranking_are_honoured(deps: Deps) -> None:
    status, body = call(rest_event(params={"q": "lager", "limit": "3"}), deps)
    assert status == 200
    assert [m["person"]["person_id"] for m in body["matches"]] == ["p11-gosta", "p12-selma", "p06-eva"]


@pytest.mark.parametrize("groups", ["operators", "admins,operators", "[admins operators]", ["operators"]])
def test_every_form_of_the_groups_claim_is_understood(deps: Deps, groups: Any) -> None:
    status, _ = call(rest_event(params={"q": "åsa"}, groups=groups), deps)
    assert status == 200


@pytest.mark.parametrize("groups", [None, "", "admins", "customer-admins,support"])
def test_only_operators_may_search(deps: Deps, groups: Any) -> None:
    status, body = call(rest_event(params={"q": "åsa"}, groups=groups), deps)
    assert status == 403
    assert "operators" in body["message"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        (None, "query.q"),
        ({"q": ""}, "query.q"),
        ({"q": "   "}, "query.q"),
        ({"q": "å" * 201}, "query.q"),
        ({"q": "---"}, "query.q"),
        ({"q": "åsa", "limit": "0"}, "query.limit"),
        ({"q": "åsa", "limit": "51"}, "query.limit"),
        ({"q": "åsa", "limit": "many"}, "query.limit"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(deps: Deps, params: dict[str, str] | None, field: str) -> None:
    status, body = call(rest_event(params=params), deps)
    assert status == 400
    assert (body["error"], body["field"]) == ("invalid_input", field)
    assert body["errors"][0]["field"] == field


def test_an_unknown_customer_is_a_404(deps: Deps) -> None:
    status, body = call(rest_event(tenant_id="nobody", params={"q": "åsa"}), deps)
    assert status == 404
    assert (body["error"], body["field"]) == ("not_found", "path.tenant_id")
    assert "nobody" in body["message"]


def test_a_malformed_customer_id_is_a_400(deps: Deps) -> None:
    status, body = call(rest_event(tenant_id="Not A Slug", params={"q": "åsa"}), deps)
    assert (status, body["field"]) == (400, "path.tenant_id")


def test_a_failing_table_is_a_503_without_details(deps: Deps, customer_table: Any) -> None:
    customer_table.delete()
    status, body = call(rest_event(params={"q": "åsa"}), deps)
    assert status == 503
    assert body["error"] == "unavailable"
    assert "ResourceNotFound" not in body["message"]


def test_a_name_search_ranks_exact_names_first(deps: Deps) -> None:
    body = search(deps, "Eva Ericsson", limit=5)
    assert [m["person"]["person_id"] for m in body["matches"]] == ["p05-eva", "p06-eva"]
    assert [m["person"]["department"] for m in body["matches"]] == ["Försäljning", "Lager"]


def test_referral_status_is_current_by_the_clock(seeded: CustomerRepository, deps: Deps) -> None:
    now = utc_now()
    seeded.put_referral(
        "acme",
        Referral(
            referral_id="r-now",
            person_id="p08-bjorn",
            text="På kundbesök",
            valid_from=now - timedelta(minutes=5),
            valid_until=now + timedelta(hours=2),
            refer_to_person_id="p04-erik",
        ),
    )
    seeded.put_referral(
        "acme",
        Referral(
            referral_id="r-past",
            person_id="p08-bjorn",
            text="Sjuk",
            valid_from=now - timedelta(days=3),
            valid_until=now - timedelta(days=2),
        ),
    )
    [match] = search(deps, "Wikström")["matches"]
    assert match["referral"]["referral_id"] == "r-now"
    assert match["referral"]["status"] == "current"
    assert match["referral"]["refer_to_name"] == "Erik Eriksson"
    assert match["upcoming_referrals"] == []


def test_a_self_service_change_is_seen_on_the_next_search(seeded: CustomerRepository, deps: Deps) -> None:
    # Given a warm index
    assert search(deps, "Zakarias")["count"] == 0
    # When self-service adds a person (which bumps the directory version)
    seeded.put_person(
        "acme",
        Person(person_id="p16-zakarias", first_name="Zakarias", last_name="Topelius", email="zakarias@acme.example"),
    )
    # Then the next search finds them: the change the version item names is applied to the warm index
    assert [m["person"]["person_id"] for m in search(deps, "Zakarias")["matches"]] == ["p16-zakarias"]
    assert (deps.directory.loads, deps.directory.deltas) == (1, 1)


def test_an_unchanged_directory_is_not_loaded_again(deps: Deps) -> None:
    for query in ("åsa", "per", "lager"):
        search(deps, query)
    assert deps.directory.loads == 1


def test_the_environment_is_validated_and_names_what_is_missing() -> None:
    env = load_env(
        handler.Environment, {"CUSTOMER_TABLE_NAME": "customers", "DIRECTORY_CACHE_SECONDS": "60", "UNRELATED": "x"}
    )
    assert (env.customer_table, env.cache_seconds, env.version_check_seconds) == ("customers", 60.0, 1.0)
    with pytest.raises(MissingEnvironment, match="CUSTOMER_TABLE_NAME"):
        load_env(handler.Environment, {})
    with pytest.raises(InvalidEnvironment, match="DIRECTORY_CACHE_SECONDS"):
        load_env(handler.Environment, {"CUSTOMER_TABLE_NAME": "customers", "DIRECTORY_CACHE_SECONDS": "0"})
