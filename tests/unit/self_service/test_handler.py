"""The Lambda entry with an API Gateway REST event as the Cognito authorizer delivers it."""

from __future__ import annotations

import json
from typing import Any

from telefonist.dal.customer_repository import CustomerRepository
from telefonist.local_aws import LocalResources
from telefonist.sample_data import DEFAULT_PRICE_LIST


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
    handler.environment.cache_clear()
    handler.service.cache_clear()
    claims = {"sub": "u1", "custom:tenant_id": "acme", "cognito:groups": "admins"}
    prices = handler.lambda_handler(_event("/price-list", claims), CONTEXT)
    missing = handler.lambda_handler(_event("/profile", claims), CONTEXT)
    anonymous = handler.lambda_handler(_event("/profile", None), CONTEXT)
    billing = handler.lambda_handler(_event("/billing/2026-11", claims), CONTEXT)
    assert prices["statusCode"] == 200
    assert json.loads(prices["body"])["versions"][0]["version"] == "2026-01"
    assert missing["statusCode"] == 404
    assert anonymous["statusCode"] == 401
    # Until the billing-lines reader is wired, billing degrades to 503, never a 500.
    assert billing["statusCode"] == 503
    handler.service.cache_clear()
