"""The whole API (every function's routes) over in-process moto, with acme and globex seeded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from telefonist.cli.serve import _fresh_functions, whole_api
from telefonist.edge.bounds import MAX_BODY_BYTES
from telefonist.self_service import SelfService
from telefonist.self_service.local_gateway import ApiGatewayWsgiApp

from tests.unit.self_service.conftest import ApiClient, billing, service  # noqa: F401 - fixtures


class WholeApiClient(ApiClient):
    """The ApiClient of the self-service tests, on every route of the API."""

    def __init__(self, self_service: SelfService) -> None:
        super().__init__(self_service)
        self.resolver = whole_api(lambda: self_service)
        self.wsgi = ApiGatewayWsgiApp(self.resolver.resolve, MAX_BODY_BYTES)
        from werkzeug.test import Client

        self._client = Client(self.wsgi)


@pytest.fixture
def api(service: SelfService) -> Iterator[WholeApiClient]:  # noqa: F811 - the imported fixture
    _fresh_functions()  # directory and notify build their clients from the (moto) environment
    yield WholeApiClient(service)
    _fresh_functions()
