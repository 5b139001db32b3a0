"""The sign-in link's address comes from the configuration, never from the request."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from telefonist.environment import InvalidEnvironment, load_env
from telefonist.models.directory import Person
from telefonist.self_service import SelfService

from functions.employee_status.handler import ENV_STATUS_PAGE_URL, LOCAL_PAGE_URL, Environment
from telefonist_local.local_aws import patched_environment
from tests.integration.edge.conftest import WholeApiClient
from tests.integration.functions.employee_status.conftest import EVA_MOBILE
from tests.notify_helpers import sent_sms


def page_url_of(environ: dict[str, str]) -> str:
    return load_env(Environment, {"CUSTOMER_TABLE_NAME": "customers", "SMS_SENDER_ID": "Acme", **environ}).page_url


def test_the_page_url_is_configured_or_the_sites_or_the_local_one() -> None:
    assert page_url_of({ENV_STATUS_PAGE_URL: "https://status.example/s/"}) == "https://status.example/s/"
    assert page_url_of({"SITE_ORIGIN": "https://d1.cloudfront.net"}) == "https://d1.cloudfront.net/status/"
    assert page_url_of({}) == LOCAL_PAGE_URL
    with pytest.raises(InvalidEnvironment, match=ENV_STATUS_PAGE_URL):
        page_url_of({ENV_STATUS_PAGE_URL: "https://status.example/s/?next=x"})


@pytest.fixture
def api(service: SelfService, eva: Person) -> Iterator[WholeApiClient]:
    with patched_environment({ENV_STATUS_PAGE_URL: "https://switchboard.example/status/"}):
        yield WholeApiClient(service)


def test_a_forged_host_header_does_not_change_where_the_link_points(api: WholeApiClient) -> None:
    response = api._client.open(
        "/employee/sign-in-link",
        method="POST",
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
        data=json.dumps({"mobile": EVA_MOBILE}),
        content_type="application/json",
    )
    assert response.status_code == 200
    [(_, text)] = sent_sms()
    assert "https://switchboard.example/status/#t=" in text
    assert "evil" not in text
