"""The Lambda entry with an API Gateway REST event as the Cognito authorizer delivers it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from telefonist import config
from telefonist.dal.customer_repository import CustomerRepository

from telefonist_local.local_aws import LocalResources
from telefonist_local.sample_data import DEFAULT_PRICE_LIST


class _Context:
    function_name = "self-service"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:self-service"
    aws_request_id = "req-1"


CONTEXT: Any = _Context()


def _event(path: str, claims: dict[str, str] | None) -> dict[str, Any]:
    return {
        "resource": path,
        "path": path,
        "httpMethod": "GET",
        "headers": {"Accept": "application/json"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "requestContext": {"stage": "prod", "requestId": "r1", "authorizer": {"claims": claims} if claims else {}},
        "body": None,
        "isBase64Encoded": False,
    }


def test_the_lambda_answers_from_the_tables_its_environment_names(
    aws: LocalResources, repo: CustomerRepository
) -> None:
    from functions.self_service import handler

    repo.put_price_list(DEFAULT_PRICE_LIST)
    deps = handler.dependencies.__wrapped__()  # as Lambda wires it, from the stack's environment
    claims = {"sub": "u1", "custom:tenant_id": "acme", "cognito:groups": "admins"}
    prices = handler.handle(_event("/price-list", claims), deps)
    missing = handler.handle(_event("/profile", claims), deps)
    anonymous = handler.handle(_event("/profile", None), deps)
    billing = handler.handle(_event("/billing/2026-11", claims), deps)
    assert prices["statusCode"] == 200
    assert json.loads(prices["body"])["versions"][0]["version"] == "2026-01"
    assert missing["statusCode"] == 404
    assert anonymous["statusCode"] == 401
    # The billing summary comes from the billing bucket the environment names (empty here).
    assert billing["statusCode"] == 200
    assert json.loads(billing["body"])["total_ore"] == 0


def test_billing_degrades_to_503_without_a_billing_bucket(
    aws: LocalResources, repo: CustomerRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.self_service import handler

    monkeypatch.delenv("BILLING_BUCKET_NAME")
    claims = {"sub": "u1", "custom:tenant_id": "acme", "cognito:groups": "admins"}
    billing = handler.handle(_event("/billing/2026-11", claims), handler.dependencies.__wrapped__())
    assert billing["statusCode"] == 503


def test_the_call_log_reads_the_tables_its_environment_names_and_is_503_without_the_statistics_table(
    aws: LocalResources, repo: CustomerRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.self_service import handler

    claims = {"sub": "u1", "custom:tenant_id": "acme", "cognito:groups": "admins"}
    event = {**_event("/call-log", claims), "queryStringParameters": {"month": "2026-11"}}
    log = handler.handle(event, handler.dependencies.__wrapped__())
    assert log["statusCode"] == 200
    assert json.loads(log["body"])["totals"] == {"count": 0, "amount_ore": 0}  # nothing billed yet
    monkeypatch.delenv(config.ENV_STATISTICS_TABLE)
    assert handler.handle(event, handler.dependencies.__wrapped__())["statusCode"] == 503
