"""directory_lookup against moto: the REST API shape and the direct invoke, every error."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from telefonist.clock import utc_now
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.models import Person, Referral

from functions.directory_lookup import handler
from tests.unit.functions.directory_lookup.conftest import FakeContext, rest_event


def call(event: dict[str, Any], context: FakeContext) -> tuple[int, dict[str, Any]]:
    response = handler.lambda_handler(event, context)
    return response["statusCode"], json.loads(response["body"])


def test_an_operator_searches_through_the_api(seeded: CustomerRepository, context: FakeContext) -> None:
    status, body = call(rest_event(params={"q": "sodergren"}), context)
    assert status == 200
    assert (body["tenant_id"], body["query"], body["count"]) == ("acme", "sodergren", 1)
    [match] = body["matches"]
    assert match["name"] == "Åsa Södergren"
    assert match["kind"] == "exact_name"
    assert match["matched"] == [{"field": "last_name", "value": "Södergren", "kind": "exact_name"}]
    assert match["transfer_numbers"] == ["+46852010001", "+46701230001"]
    assert match["message_preference"] == "sms"
    assert body["directory_version"] >= 1


def test_the_api_limit_and_ranking_are_honoured(seeded: CustomerRepository, context: FakeContext) -> None:
    status, body = call(rest_event(params={"q": "lager", "limit": "3"}), context)
    assert status == 200
    assert [m["person"]["person_id"] for m in body["matches"]] == ["p11-gosta", "p12-selma", "p06-eva"]


@pytest.mark.parametrize("groups", ["operators", "admins,operators", "[admins operators]", ["operators"]])
def test_every_form_of_the_groups_claim_is_understood(
    seeded: CustomerRepository, context: FakeContext, groups: Any
) -> None:
    status, _ = call(rest_event(params={"q": "åsa"}, groups=groups), context)
    assert status == 200


@pytest.mark.parametrize("groups", [None, "", "admins", "customer-admins,support"])
def test_only_operators_may_search(seeded: CustomerRepository, context: FakeContext, groups: Any) -> None:
    status, body = call(rest_event(params={"q": "åsa"}, groups=groups), context)
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
def test_bad_input_is_a_400_naming_the_field(
    seeded: CustomerRepository, context: FakeContext, params: dict[str, str] | None, field: str
) -> None:
    status, body = call(rest_event(params=params), context)
    assert status == 400
    assert (body["error"], body["field"]) == ("invalid_input", field)
    assert body["errors"][0]["field"] == field


def test_an_unknown_customer_is_a_404(seeded: CustomerRepository, context: FakeContext) -> None:
    status, body = call(rest_event(tenant_id="nobody", params={"q": "åsa"}), context)
    assert status == 404
    assert (body["error"], body["field"]) == ("not_found", "path.tenant_id")
    assert "nobody" in body["message"]


def test_a_malformed_customer_id_is_a_400(seeded: CustomerRepository, context: FakeContext) -> None:
    status, body = call(rest_event(tenant_id="Not A Slug", params={"q": "åsa"}), context)
    assert (status, body["field"]) == (400, "path.tenant_id")


def test_a_failing_table_is_a_503_without_details(
    seeded: CustomerRepository, context: FakeContext, customer_table: Any
) -> None:
    customer_table.delete()
    status, body = call(rest_event(params={"q": "åsa"}), context)
    assert status == 503
    assert body["error"] == "unavailable"
    assert "ResourceNotFound" not in body["message"]


def test_direct_invoke_returns_the_same_result(seeded: CustomerRepository, context: FakeContext) -> None:
    result = handler.lambda_handler({"tenant_id": "acme", "query": "Eva Ericsson", "limit": 5}, context)
    assert result["status"] == 200
    assert [m["person"]["person_id"] for m in result["matches"]] == ["p05-eva", "p06-eva"]
    assert [m["person"]["department"] for m in result["matches"]] == ["Försäljning", "Lager"]


@pytest.mark.parametrize(
    ("event", "status", "field"),
    [
        ({"tenant_id": "acme", "query": " "}, 400, "query"),
        ({"tenant_id": "acme", "query": "x" * 201}, 400, "query"),
        ({"tenant_id": "acme", "query": "åsa", "limit": 100}, 400, "limit"),
        ({"query": "åsa"}, 400, "tenant_id"),
        ({"tenant_id": "nobody", "query": "åsa"}, 404, "tenant_id"),
    ],
)
def test_direct_invoke_errors_carry_status_and_field(
    seeded: CustomerRepository, context: FakeContext, event: dict[str, Any], status: int, field: str
) -> None:
    result = handler.lambda_handler(event, context)
    assert (result["status"], result["field"]) == (status, field)


@pytest.mark.parametrize("event", [None, "", "åsa", "httpMethod requestContext", [], ["acme", "åsa"], 0, 42, 1.5, True])
def test_a_direct_invoke_that_is_not_an_object_is_a_400_naming_body(
    seeded: CustomerRepository, context: FakeContext, event: Any
) -> None:
    result = handler.lambda_handler(event, context)
    assert (result["status"], result["field"]) == (400, "body")
    assert "JSON object" in result["message"]


def test_referral_status_is_current_by_the_clock(seeded: CustomerRepository, context: FakeContext) -> None:
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
    result = handler.lambda_handler({"tenant_id": "acme", "query": "Wikström"}, context)
    [match] = result["matches"]
    assert match["referral"]["referral_id"] == "r-now"
    assert match["referral"]["status"] == "current"
    assert match["referral"]["refer_to_name"] == "Erik Eriksson"
    assert match["upcoming_referrals"] == []


def test_a_self_service_change_is_seen_on_the_next_search(seeded: CustomerRepository, context: FakeContext) -> None:
    # Given a warm index
    assert handler.lambda_handler({"tenant_id": "acme", "query": "Zakarias"}, context)["count"] == 0
    # When self-service adds a person (which bumps the directory version)
    seeded.put_person(
        "acme",
        Person(person_id="p16-zakarias", first_name="Zakarias", last_name="Topelius", email="zakarias@acme.example"),
    )
    # Then the next search finds them: the change the version item names is applied to the warm index
    result = handler.lambda_handler({"tenant_id": "acme", "query": "Zakarias"}, context)
    assert [m["person"]["person_id"] for m in result["matches"]] == ["p16-zakarias"]
    assert (handler.directory_cache().loads, handler.directory_cache().deltas) == (1, 1)


def test_an_unchanged_directory_is_not_loaded_again(seeded: CustomerRepository, context: FakeContext) -> None:
    for query in ("åsa", "per", "lager"):
        assert handler.lambda_handler({"tenant_id": "acme", "query": query}, context)["status"] == 200
    assert handler.directory_cache().loads == 1


def test_the_environment_is_validated_and_names_what_is_missing() -> None:
    env = handler.Environment.from_environ(
        {"CUSTOMER_TABLE_NAME": "customers", "DIRECTORY_CACHE_SECONDS": "60", "UNRELATED": "x"}
    )
    assert (env.customer_table_name, env.cache_seconds, env.version_check_seconds) == ("customers", 60.0, 1.0)
    with pytest.raises(ValidationError, match="customer_table_name"):
        handler.Environment.from_environ({})
    with pytest.raises(ValidationError, match="cache_seconds"):
        handler.Environment.from_environ({"CUSTOMER_TABLE_NAME": "customers", "DIRECTORY_CACHE_SECONDS": "0"})
