"""A seeded customer table in moto and AWS-shaped events for directory_lookup."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from telefonist.dal.customer_repository import CustomerRepository

from functions.directory_lookup import handler
from telefonist_local.sample_data import demo_tenant
from tests.unit.directory.fixtures import TENANT_ID, swedish_people, swedish_referrals


@dataclass
class FakeContext:
    function_name: str = "directory_lookup"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:eu-central-1:123456789012:function:directory_lookup"
    aws_request_id: str = "req-1"


@pytest.fixture
def context() -> FakeContext:
    return FakeContext()


@pytest.fixture
def seeded(repo: CustomerRepository, monkeypatch: pytest.MonkeyPatch) -> Iterator[CustomerRepository]:
    """The Swedish fixture directory stored for `acme`; a fresh warm cache that checks every call."""
    repo.put_tenant(demo_tenant(TENANT_ID))
    for person in swedish_people():
        repo.put_person(TENANT_ID, person)
    for referral in swedish_referrals():
        repo.put_referral(TENANT_ID, referral)
    monkeypatch.setenv("DIRECTORY_VERSION_CHECK_SECONDS", "0")
    handler.environment.cache_clear()
    handler.directory_cache.cache_clear()
    yield repo
    handler.environment.cache_clear()
    handler.directory_cache.cache_clear()


def rest_event(
    tenant_id: str = TENANT_ID,
    params: dict[str, str] | None = None,
    groups: Any = "operators",
) -> dict[str, Any]:
    """An API Gateway REST proxy event as the Cognito user pool authorizer passes it on."""
    path = f"/operator/tenants/{quote(tenant_id)}/directory"
    claims: dict[str, Any] = {"sub": "7f1c2a", "email": "operator@telefonist.example", "token_use": "id"}
    if groups is not None:
        claims["cognito:groups"] = groups
    return {
        "resource": "/operator/tenants/{tenant_id}/directory",
        "path": path,
        "httpMethod": "GET",
        "headers": {"Accept": "application/json", "Host": "api.example"},
        "multiValueHeaders": {},
        "queryStringParameters": params,
        "multiValueQueryStringParameters": {k: [v] for k, v in params.items()} if params else None,
        "pathParameters": {"tenant_id": tenant_id},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/operator/tenants/{tenant_id}/directory",
            "httpMethod": "GET",
            "path": f"/prod{path}",
            "stage": "prod",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "accountId": "123456789012",
            "apiId": "abc123",
            "identity": {"sourceIp": "192.0.2.10", "userAgent": "CCP"},
            "authorizer": {"claims": claims},
        },
        "body": None,
        "isBase64Encoded": False,
    }
