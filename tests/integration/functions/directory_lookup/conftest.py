"""A seeded customer table in moto and AWS-shaped events for directory_lookup."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from telefonist.dal.customer_repository import CustomerRepository

from functions.directory_lookup import handler
from telefonist_local.sample_data import demo_tenant
from tests.unit.directory.fixtures import TENANT_ID, swedish_people, swedish_referrals


@pytest.fixture
def seeded(repo: CustomerRepository) -> CustomerRepository:
    """The Swedish fixture directory stored for `acme`."""
    repo.put_tenant(demo_tenant(TENANT_ID))
    for person in swedish_people():
        repo.put_person(TENANT_ID, person)
    for referral in swedish_referrals():
        repo.put_referral(TENANT_ID, referral)
    return repo


@pytest.fixture
def deps(seeded: CustomerRepository, monkeypatch: pytest.MonkeyPatch) -> handler.Dependencies:
    """A new container's composition root under moto's environment: a warm cache that checks every call."""
    monkeypatch.setenv("DIRECTORY_VERSION_CHECK_SECONDS", "0")
    return handler.dependencies.__wrapped__()


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
