"""The one HTTP edge: every route answers bad input with a 4xx in one error body, never a 5xx.

Each test here was a failure of issue 13 (reproduced on `telefonist serve`) before the edge.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from telefonist_local.self_service.local_gateway import local_token
from tests.integration.edge.conftest import WholeApiClient
from tests.integration.self_service.conftest import ACME_ADMIN_TOKEN, OPERATOR_TOKEN

ERROR_KEYS = {"error", "message", "field", "errors"}


def assert_error_body(body: Any, status: int) -> None:
    """The one error body: `error` and `message` always, `field`/`errors` only when a field is at fault."""
    assert isinstance(body, dict), body
    assert set(body) <= ERROR_KEYS, body
    assert isinstance(body["error"], str), body
    assert body["error"], body
    assert isinstance(body["message"], str), body
    assert body["message"], body
    if status == 400:
        assert isinstance(body["field"], str), body
        assert body["field"], body
        assert all(set(e) == {"field", "message"} for e in body["errors"]), body


def deep(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


@pytest.mark.parametrize(
    ("method", "path", "token"),
    [
        ("PUT", "/profile", ACME_ADMIN_TOKEN),
        ("POST", "/people", ACME_ADMIN_TOKEN),
        ("POST", "/tenants/acme/messages", OPERATOR_TOKEN),
    ],
)
def test_json_nested_a_thousand_deep_is_a_400_not_a_recursion_error(
    api: WholeApiClient, method: str, path: str, token: str
) -> None:
    response = api.call(method, path, token, raw=deep(1000))
    assert response.status == 400
    assert_error_body(response.body, 400)
    assert response.body["field"] == "body"
    assert "nested" in response.body["message"]


def test_an_integer_of_five_thousand_digits_is_a_400(api: WholeApiClient) -> None:
    raw = '{"name": "Acme", "expected_version": ' + "9" * 5000 + "}"
    response = api.call("PUT", "/profile", ACME_ADMIN_TOKEN, raw=raw)
    assert response.status == 400
    assert_error_body(response.body, 400)
    assert "number" in response.body["message"] or "number" in response.body["errors"][0]["message"]


def test_a_lone_surrogate_in_a_name_is_a_400_naming_the_field_not_a_503(api: WholeApiClient) -> None:
    raw = '{"person_id": "p-new", "first_name": "\\ud800", "last_name": "Ek"}'
    response = api.call("POST", "/people", ACME_ADMIN_TOKEN, raw=raw)
    assert response.status == 400
    assert_error_body(response.body, 400)
    assert response.body["field"] == "body.first_name"
    assert api.call("GET", "/people/p-new", ACME_ADMIN_TOKEN).status == 404  # nothing was written


def test_a_lone_surrogate_in_the_search_text_is_a_400(api: WholeApiClient) -> None:
    event = _rest_event("GET", "/operator/tenants/acme/directory", OPERATOR_TOKEN, query={"q": "\ud800"})
    response = api.resolver.resolve(event, None)
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["field"] == "query.q"


def _rest_event(method: str, path: str, token: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    from telefonist_local.self_service.local_gateway import claims_from_local_token

    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Authorization": token},
        "multiValueHeaders": {"Authorization": [token]},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": None,
        "requestContext": {"authorizer": {"claims": claims_from_local_token(token)}, "path": path},
        "body": None,
        "isBase64Encoded": False,
    }


def test_a_customer_token_in_the_operators_group_reads_no_door_codes(api: WholeApiClient) -> None:
    # A customer's user put into `operators` by mistake: refused outright, on every route.
    mistaken = local_token("acme", "admins,operators", subject="acme-user")
    response = api.call("GET", "/operator/tenants/globex/offices/globex-hq", mistaken)
    assert response.status == 403
    assert_error_body(response.body, 403)
    assert "9876" not in json.dumps(response.body)
    assert api.call("GET", "/operator/tenants/acme/directory?q=acme", mistaken).status == 403
    assert api.call("GET", "/finance/tenants/globex/billing/2026-11", local_token("acme", "finance")).status == 403


@pytest.mark.parametrize(
    ("method", "path", "token", "body", "status"),
    [
        ("GET", "/profile", None, None, 401),
        ("PUT", "/profile", ACME_ADMIN_TOKEN, {"name": ""}, 400),
        ("GET", "/operator/tenants/acme/directory?q=", OPERATOR_TOKEN, None, 400),
        ("GET", "/operator/tenants/acme/directory?q=asa", ACME_ADMIN_TOKEN, None, 403),
        ("GET", "/operator/tenants/nobody/directory?q=asa", OPERATOR_TOKEN, None, 404),
        ("POST", "/tenants/acme/messages", OPERATOR_TOKEN, {"person_id": "acme-p1"}, 400),
        ("POST", "/tenants/acme/messages", ACME_ADMIN_TOKEN, {"person_id": "acme-p1"}, 403),
        ("GET", "/tenants/acme/people/nobody/message-form", OPERATOR_TOKEN, None, 404),
        ("GET", "/no/such/route", ACME_ADMIN_TOKEN, None, 404),
    ],
)
def test_self_service_directory_and_notify_answer_in_one_error_body(
    api: WholeApiClient, method: str, path: str, token: str | None, body: Any, status: int
) -> None:
    response = api.call(method, path, token, body=body)
    assert response.status == status
    assert_error_body(response.body, status)


def test_the_search_text_is_never_logged(api: WholeApiClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    response = api.call("GET", "/operator/tenants/acme/directory?q=Acmefirst1%20Acmelast1", OPERATOR_TOKEN)
    assert response.status == 200
    assert response.body["count"] == 1
    searched = [r for r in caplog.records if r.getMessage() == "directory searched"]
    assert searched  # the search was logged, its text was not, at any level
    leaks = [(r.name, r.getMessage()[:200]) for r in caplog.records if "acmefirst1" in str(vars(r)).lower()]
    assert leaks == []


def test_an_operator_s_door_code_reveal_is_in_the_customer_s_audit_trail(api: WholeApiClient) -> None:
    response = api.call("GET", "/operator/tenants/acme/offices/acme-hq", OPERATOR_TOKEN)
    assert response.status == 200
    assert response.body["door_codes"][0]["code"] == "1234"
    trail = api.call("GET", "/audit", ACME_ADMIN_TOKEN).body["items"]
    assert (trail[0]["action"], trail[0]["actor"], trail[0]["target"]) == (
        "office.door_codes_revealed",
        "op-1",
        "office acme-hq",
    )


def test_with_a_site_origin_every_answer_carries_its_cors_header(service: Any) -> None:
    # The deployed functions know the one site allowed to read answers in a browser (SITE_ORIGIN).
    from functions.self_service.api import build_resolver

    site = "https://d111111abcdef8.cloudfront.net"
    resolver = build_resolver(lambda: service, site_origin=site)
    from_site = {"headers": {"Origin": site}, "multiValueHeaders": {"Origin": [site]}}
    ok = resolver.resolve(_rest_event("GET", "/profile", ACME_ADMIN_TOKEN) | from_site, None)
    refused = resolver.resolve(_rest_event("PUT", "/profile", ACME_ADMIN_TOKEN) | from_site | {"body": deep(100)}, None)
    for answer, status in ((ok, 200), (refused, 400)):
        assert answer["statusCode"] == status
        headers = answer.get("multiValueHeaders") or {}
        origin = (answer.get("headers") or {}).get("Access-Control-Allow-Origin") or headers.get(
            "Access-Control-Allow-Origin", [None]
        )[0]
        assert origin == site, answer
    without = build_resolver(lambda: service).resolve(_rest_event("GET", "/profile", ACME_ADMIN_TOKEN), None)
    assert "Access-Control-Allow-Origin" not in json.dumps(without.get("headers") or {})
