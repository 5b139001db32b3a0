"""Two customers (acme, globex) seeded through the service layer, and an HTTP client on the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.person_data import PersonDataStore
from telefonist.edge.bounds import MAX_BODY_BYTES
from telefonist.edge.identity import Caller
from telefonist.ports.billing import BillingSummary, TariffTotal
from telefonist.resources import MESSAGE_TABLE, STATISTICS_TABLE
from telefonist.self_service import SelfService
from telefonist.self_service import api_models as api
from telefonist.self_service.billing import InMemoryBillingSummarySource
from werkzeug.test import Client

from functions.self_service.api import build_resolver
from telefonist_local.sample_data import DEFAULT_PRICE_LIST
from telefonist_local.self_service.local_gateway import ApiGatewayWsgiApp, local_token
from tests.moto_session import MotoSession

OPERATOR = Caller(subject="op-1", groups=frozenset({"operators"}))
ACME_ADMIN = Caller(subject="acme-admin", tenant_id="acme", groups=frozenset({"admins"}))
GLOBEX_ADMIN = Caller(subject="globex-admin", tenant_id="globex", groups=frozenset({"admins"}))
GLOBEX_DOOR_CODE = "9876-globex"


def seed_customer(service: SelfService, tenant_id: str, name: str, number: str) -> None:
    """A customer with a common number, an office with a door code, two people and a referral."""
    admin = Caller(subject=f"{tenant_id}-admin", tenant_id=tenant_id, groups=frozenset({"admins"}))
    service.create_tenant(
        OPERATOR,
        api.TenantCreate(
            tenant_id=tenant_id,
            name=name,
            claimed_numbers=[api.ClaimedNumberInput(phone_number=number, common_number_id=f"{tenant_id}-sales")],
        ),
    )
    service.put_common_number(
        admin,
        f"{tenant_id}-sales",
        api.CommonNumberInput.model_validate(
            {"name": f"{name} Sales", "info": {"how_to_answer": f"{name}, good morning"}, "expected_version": 0}
        ),
    )
    service.put_office(
        admin,
        f"{tenant_id}-hq",
        api.OfficeInput.model_validate(
            {
                "name": f"{name} HQ",
                "address": {"street": f"{name} street 1", "postal_code": "111 22", "city": "Stockholm"},
                "door_codes": [{"label": "Main door", "code": GLOBEX_DOOR_CODE if tenant_id == "globex" else "1234"}],
                "expected_version": 0,
            }
        ),
    )
    for index in (1, 2):
        service.create_person(
            admin,
            api.PersonCreate(
                person_id=f"{tenant_id}-p{index}",
                first_name=f"{name}first{index}",
                last_name=f"{name}last{index}",
                email=f"p{index}@{tenant_id}.example",
                keywords=[f"{tenant_id}-keyword"],
            ),
        )
    service.set_referral(
        admin,
        f"{tenant_id}-p1",
        "r1",
        api.ReferralInput.model_validate({"text": f"{name} is on leave", "valid_from": "2026-11-24T08:00:00Z"}),
    )


@pytest.fixture
def billing() -> InMemoryBillingSummarySource:
    return InMemoryBillingSummarySource(
        [
            BillingSummary(
                tenant_id=tenant,
                month="2026-11",
                tariffs=[TariffTotal(tariff=1, calls=calls, amount_ore=calls * 2900)],
                total_ore=calls * 2900,
            )
            for tenant, calls in (("acme", 10), ("globex", 777))
        ]
    )


@pytest.fixture
def service(repo: CustomerRepository, billing: InMemoryBillingSummarySource, moto_session: MotoSession) -> SelfService:
    """The service on a stack holding the price list and the two customers (written once per stack:
    tests/moto_session.py's `seeded`)."""
    dynamodb = boto3.resource("dynamodb")
    person_data = PersonDataStore(
        repo, dynamodb.Table(MESSAGE_TABLE.local_name), dynamodb.Table(STATISTICS_TABLE.local_name)
    )
    svc = SelfService(repo, billing, person_data=person_data)

    def seed() -> None:
        repo.put_price_list(DEFAULT_PRICE_LIST)
        seed_customer(svc, "acme", "Acme", "+46852000001")
        seed_customer(svc, "globex", "Globex", "+46852000101")

    moto_session.seeded("self-service: acme and globex", seed)
    return svc


@dataclass
class ApiResponse:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class RawResponse:
    status: int
    text: str
    headers: dict[str, str]


class ApiClient:
    """Calls the API through the same WSGI adapter `telefonist serve` uses."""

    def __init__(self, service: SelfService) -> None:
        self.resolver = build_resolver(lambda: service)
        self.wsgi = ApiGatewayWsgiApp(self.resolver.resolve, MAX_BODY_BYTES)
        self._client = Client(self.wsgi)

    def call(
        self, method: str, path: str, token: str | None = None, body: Any = None, raw: str | None = None
    ) -> ApiResponse:
        headers = {"Authorization": token} if token else {}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = self._client.open(path, method=method, headers=headers, data=data, content_type="application/json")
        text = response.get_data(as_text=True)
        if not response.headers.get("Content-Type", "").startswith("application/json"):
            return ApiResponse(response.status_code, text, dict(response.headers))  # a CSV download
        return ApiResponse(response.status_code, json.loads(text) if text else None, dict(response.headers))

    def call_raw(self, method: str, path: str, token: str | None = None) -> RawResponse:
        """A call whose answer is not JSON (a CSV download)."""
        headers = {"Authorization": token} if token else {}
        response = self._client.open(path, method=method, headers=headers)
        return RawResponse(response.status_code, response.get_data(as_text=True), dict(response.headers))


@pytest.fixture
def client(service: SelfService) -> ApiClient:
    return ApiClient(service)


ACME_ADMIN_TOKEN = local_token("acme", "admins", subject="acme-admin")
ACME_USER_TOKEN = local_token("acme", "", subject="acme-user")
GLOBEX_ADMIN_TOKEN = local_token("globex", "admins", subject="globex-admin")
OPERATOR_TOKEN = local_token(None, "operators", subject="op-1")
FINANCE_TOKEN = local_token(None, "finance", subject="fin-1")
