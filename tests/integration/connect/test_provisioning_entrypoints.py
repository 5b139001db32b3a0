"""The provisioning function and the `telefonist provision` / `release` commands, Connect stubbed."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from telefonist.connect.provisioning import NumberProvisioner, ProvisioningSettings
from telefonist.dal.connect_numbers import ConnectNumbers
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.resources import CUSTOMER_TABLE

from functions.provisioning import handler
from telefonist_local import cli
from telefonist_local.seeding import SeededTenant
from tests.integration.connect.test_provisioning import (
    FLOW_ARN,
    INSTANCE_ARN,
    NEW_NUMBER,
    NUMBER_ID,
    _associate,
    _search,
    claim_until,
)


def _happy_path(stub: Stubber) -> None:
    claim_until(stub, "CLAIMED")
    _associate(stub)


@pytest.fixture
def stubbed() -> Any:
    client = boto3.client("connect", region_name="eu-central-1")
    with Stubber(client) as stub:
        yield client, stub


def _provisioner(client: Any, repo: CustomerRepository) -> handler.Dependencies:
    settings = ProvisioningSettings(inbound_flow_id=FLOW_ARN)
    return handler.Dependencies(
        NumberProvisioner(ConnectNumbers(client, INSTANCE_ARN), repo, settings, sleep=lambda s: None)
    )


def test_the_function_provisions_a_number(stubbed: Any, repo: CustomerRepository, seeded: SeededTenant) -> None:
    client, stub = stubbed
    _happy_path(stub)
    event = {"action": "provision", "tenant_id": seeded.tenant_id, "common_number_id": "support"}
    answer = handler.handle(event, _provisioner(client, repo))
    assert answer == {"status": "ok", "phone_number": NEW_NUMBER, "phone_number_arn": ANY}
    assert repo.get_route(NEW_NUMBER).common_number_id == "support"


def test_the_function_names_a_missing_field(stubbed: Any, repo: CustomerRepository) -> None:
    client, _ = stubbed
    answer = handler.handle({"action": "release", "tenant_id": "acme"}, _provisioner(client, repo))
    assert answer["code"] == "bad_request"
    assert "phone_number is required" in answer["error"]


def test_the_function_answers_no_number_available(stubbed: Any, repo: CustomerRepository, seeded: SeededTenant) -> None:
    client, stub = stubbed
    _search(stub, [])
    event = {"action": "provision", "tenant_id": seeded.tenant_id, "common_number_id": "vaxel"}
    assert handler.handle(event, _provisioner(client, repo))["code"] == "no_number_available"


def test_the_function_answers_not_found_for_an_unknown_tenant(stubbed: Any, repo: CustomerRepository) -> None:
    client, _ = stubbed
    event = {"action": "provision", "tenant_id": "nobody", "common_number_id": "vaxel"}
    assert handler.handle(event, _provisioner(client, repo))["code"] == "not_found"


def test_cli_provision_then_release(
    stubbed: Any,
    repo: CustomerRepository,
    seeded: SeededTenant,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client, stub = stubbed
    monkeypatch.setattr(cli.provision, "clients", lambda region=None: (client, boto3.resource("dynamodb")))
    _happy_path(stub)
    common = ["--instance-arn", INSTANCE_ARN, "--flow-arn", FLOW_ARN, "--table", CUSTOMER_TABLE.local_name]
    assert cli.main(["provision", *common, "--tenant", seeded.tenant_id, "--common-number", "vaxel"]) == 0
    assert NEW_NUMBER in capsys.readouterr().out
    stub.add_response(
        "disassociate_phone_number_contact_flow", {}, {"PhoneNumberId": NUMBER_ID, "InstanceId": "inst-1"}
    )
    stub.add_response("release_phone_number", {}, {"PhoneNumberId": NUMBER_ID, "ClientToken": ANY})
    assert cli.main(["release", *common, "--tenant", seeded.tenant_id, "--number", NEW_NUMBER]) == 0
    assert "released" in capsys.readouterr().out
    stub.assert_no_pending_responses()


def test_cli_names_the_problem(
    stubbed: Any, repo: CustomerRepository, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client, _ = stubbed
    monkeypatch.setattr(cli.provision, "clients", lambda region=None: (client, boto3.resource("dynamodb")))
    common = ["--instance-arn", INSTANCE_ARN, "--flow-arn", FLOW_ARN, "--table", CUSTOMER_TABLE.local_name]
    assert cli.main(["release", *common, "--tenant", "acme", "--number", "+46852000077"]) == 1
    assert "tenant acme not found" in capsys.readouterr().out
