"""The whole API (every function's routes) over in-process moto, with acme and globex seeded."""

from __future__ import annotations

import pytest
from telefonist.edge.bounds import MAX_BODY_BYTES
from telefonist.self_service import SelfService
from telefonist.transfer import InMemoryContactAttributes

from telefonist_local.cli.serve import local_functions, whole_api
from telefonist_local.self_service.local_gateway import ApiGatewayWsgiApp
from tests.integration.self_service.conftest import ApiClient, billing, service  # noqa: F401 - fixtures


class WholeApiClient(ApiClient):
    """The ApiClient of the self-service tests, on every route of the API."""

    def __init__(self, self_service: SelfService, contacts: InMemoryContactAttributes | None = None) -> None:
        super().__init__(self_service)
        functions = local_functions(contacts or InMemoryContactAttributes())
        self.resolver = whole_api(lambda: self_service, functions=functions)
        self.wsgi = ApiGatewayWsgiApp(self.resolver.resolve, MAX_BODY_BYTES)
        from werkzeug.test import Client

        self._client = Client(self.wsgi)


# A call to acme in progress, as Amazon Connect would hold it (Connect is not emulated: a fake).
ACME_CONTACT_ID = "3f0c9a8e-1b2d-4c5e-8f70-0123456789ab"


@pytest.fixture
def contacts() -> InMemoryContactAttributes:
    store = InMemoryContactAttributes()
    store.contacts[ACME_CONTACT_ID] = {"tenant_id": "acme", "customer_name": "Acme"}
    return store


@pytest.fixture
def api(service: SelfService, contacts: InMemoryContactAttributes) -> WholeApiClient:  # noqa: F811
    return WholeApiClient(service, contacts)  # each function's dependencies from the (moto) environment
