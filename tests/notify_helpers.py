"""Builders shared by the notify tests: people, AWS-shaped events, what moto sent."""

from __future__ import annotations

import json
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from telefonist.config import DEFAULT_REGION
from telefonist.models.directory import MessagePreference, Person, PersonPhone, PhoneKind

TENANT = "acme"
EVA_MOBILE = "+46701234567"
EVA_EMAIL = "eva.lind@acme.example"
OLLE_EMAIL = "olle.berg@acme.example"
CALLER_NUMBER_NATIONAL = "070-765 43 21"
CALLER_NUMBER = "+46707654321"
CALLER_EMAIL = "kund@kundbolaget.example"


def eva(preference: MessagePreference = MessagePreference.SMS) -> Person:
    """Prefers SMS; has a mobile, a work number and an e-mail address."""
    return Person(
        person_id="eva",
        first_name="Eva",
        last_name="Lind",
        phones=[
            PersonPhone(kind=PhoneKind.WORK, number="+46852000100"),
            PersonPhone(kind=PhoneKind.MOBILE, number="0701234567"),
        ],
        email=EVA_EMAIL,
        message_preference=preference,
    )


def olle() -> Person:
    """Prefers e-mail; no mobile at all."""
    return Person(
        person_id="olle",
        first_name="Olle",
        last_name="Berg",
        phones=[PersonPhone(kind=PhoneKind.WORK, number="+46852000200")],
        email=OLLE_EMAIL,
        message_preference=MessagePreference.EMAIL,
    )


def landline_as_mobile() -> Person:
    """A work number entered as the mobile: SMS cannot reach it."""
    return Person(
        person_id="kim",
        first_name="Kim",
        last_name="Ek",
        phones=[PersonPhone(kind=PhoneKind.MOBILE, number="+46852000300")],
        email="kim.ek@acme.example",
        message_preference=MessagePreference.BOTH,
    )


def request_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "person_id": "eva",
        "request_id": "req-0001-abcdef",
        "caller_name": "Anna Kund",
        "caller_company": "Kundbolaget AB",
        "caller_number": CALLER_NUMBER_NATIONAL,
        "text": "Undrar om offerten på 12 pallar, hör av dig före fredag.",
        "callback_wanted": True,
    }
    body.update(overrides)
    return body


def direct_event(**overrides: Any) -> dict[str, Any]:
    return {"tenant_id": TENANT, **request_body(**overrides)}


def api_event(
    body: dict[str, Any] | str | None,
    tenant_id: str = TENANT,
    groups: str | None = "operators",
    method: str = "POST",
    path: str | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event (default POST /tenants/{tenant_id}/messages) with Cognito claims."""
    claims: dict[str, Any] = {"sub": "op-1", "cognito:username": "operator1"}
    if groups is not None:
        claims["cognito:groups"] = groups
    path = path or f"/tenants/{tenant_id}/messages"
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": {"tenant_id": tenant_id},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "path": f"/prod{path}",
            "stage": "prod",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "accountId": DEFAULT_ACCOUNT_ID,
            "apiId": "api1234567",
            "identity": {"sourceIp": "192.0.2.1"},
            "authorizer": {"claims": claims},
        },
        "body": body if isinstance(body, str) or body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


def sent_sms() -> list[tuple[str, str]]:
    """(phone number, text) of every SMS moto's SNS published."""
    from moto.sns import sns_backends

    return list(sns_backends[DEFAULT_ACCOUNT_ID][DEFAULT_REGION].sms_messages.values())


def sent_emails() -> list[Any]:
    """Every e-mail moto's SES accepted (SES v2 sends land in the v1 backend)."""
    from moto.ses import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID][DEFAULT_REGION].sent_messages)
