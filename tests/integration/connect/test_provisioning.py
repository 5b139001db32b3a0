"""Number provisioning against a stubbed Amazon Connect (moto has none) and the moto table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from telefonist.connect.provisioning import (
    ClaimFailed,
    NoNumberAvailable,
    NumberProvisioner,
    ProvisioningError,
    ProvisioningSettings,
)
from telefonist.dal.connect_numbers import ConnectNumbers
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.ports.store import NotFoundError

from telefonist_local.seeding import SeededTenant

INSTANCE_ARN = "arn:aws:connect:eu-central-1:111122223333:instance/inst-1"
FLOW_ARN = f"{INSTANCE_ARN}/contact-flow/flow-1"
NEW_NUMBER = "+46852000050"
NUMBER_ID = "pn-1"
NUMBER_ARN = "arn:aws:connect:eu-central-1:111122223333:phone-number/pn-1"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def connect() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("connect", region_name="eu-central-1")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def _provisioner(client: Any, repo: CustomerRepository, clock: Clock, **settings: Any) -> NumberProvisioner:
    return NumberProvisioner(
        ConnectNumbers(client, INSTANCE_ARN),
        repo,
        ProvisioningSettings(inbound_flow_id=FLOW_ARN, poll_interval_seconds=2, claim_timeout_seconds=10, **settings),
        sleep=clock.sleep,
        monotonic=clock.monotonic,
    )


def _search(stub: Stubber, numbers: list[str], country: str = "SE", kind: str = "DID") -> None:
    stub.add_response(
        "search_available_phone_numbers",
        {
            "AvailableNumbersList": [
                {"PhoneNumber": n, "PhoneNumberCountryCode": country, "PhoneNumberType": kind} for n in numbers
            ]
        },
        {"TargetArn": INSTANCE_ARN, "PhoneNumberCountryCode": country, "PhoneNumberType": kind, "MaxResults": 5},
    )


def _claim(stub: Stubber) -> None:
    stub.add_response(
        "claim_phone_number",
        {"PhoneNumberId": NUMBER_ID, "PhoneNumberArn": NUMBER_ARN},
        {"TargetArn": INSTANCE_ARN, "PhoneNumber": NEW_NUMBER, "PhoneNumberDescription": ANY, "ClientToken": ANY},
    )


def _status(stub: Stubber, status: str, message: str = "") -> None:
    stub.add_response(
        "describe_phone_number",
        {
            "ClaimedPhoneNumberSummary": {
                "PhoneNumberId": NUMBER_ID,
                "PhoneNumber": NEW_NUMBER,
                "PhoneNumberStatus": {"Status": status, "Message": message},
            }
        },
        {"PhoneNumberId": NUMBER_ID},
    )


def _associate(stub: Stubber, error: str | None = None) -> None:
    params = {"PhoneNumberId": NUMBER_ID, "InstanceId": "inst-1", "ContactFlowId": "flow-1"}
    if error:
        stub.add_client_error("associate_phone_number_contact_flow", error, expected_params=params)
    else:
        stub.add_response("associate_phone_number_contact_flow", {}, params)


def _release(stub: Stubber) -> None:
    stub.add_response("release_phone_number", {}, {"PhoneNumberId": NUMBER_ID, "ClientToken": ANY})


def claim_until(stub: Stubber, *statuses: str) -> None:
    """Connect's answers for a search, a claim and the claim's statuses, in order."""
    _search(stub, [NEW_NUMBER])
    _claim(stub)
    for status in statuses:
        _status(stub, status, "number no longer available" if status == "FAILED" else "")


def test_provision_claims_waits_routes_and_records(
    connect: tuple[Any, Stubber], repo: CustomerRepository, seeded: SeededTenant
) -> None:
    client, stub = connect
    clock = Clock()
    stub.add_response(
        "search_available_phone_numbers",
        {"AvailableNumbersList": [{"PhoneNumber": NEW_NUMBER}, {"PhoneNumber": "+46852000051"}]},
        {"TargetArn": INSTANCE_ARN, "PhoneNumberCountryCode": "SE", "PhoneNumberType": "DID", "MaxResults": 5},
    )
    _claim(stub)
    _status(stub, "IN_PROGRESS")
    _status(stub, "IN_PROGRESS")
    _status(stub, "CLAIMED")
    _associate(stub)
    # When
    provisioned = _provisioner(client, repo, clock).provision(seeded.tenant_id, "support")
    # Then
    assert provisioned.phone_number == NEW_NUMBER
    assert clock.sleeps == [2, 2]
    route = repo.get_route(NEW_NUMBER)
    assert route.tenant_id == seeded.tenant_id
    assert route.common_number_id == "support"
    claimed = {n.phone_number: n for n in repo.get_tenant(seeded.tenant_id).model.claimed_numbers}
    assert claimed[NEW_NUMBER].connect_phone_number_id == NUMBER_ID


def test_country_and_type_are_configurable(
    connect: tuple[Any, Stubber], repo: CustomerRepository, seeded: SeededTenant
) -> None:
    client, stub = connect
    _search(stub, [], country="NO", kind="TOLL_FREE")
    with pytest.raises(NoNumberAvailable, match="TOLL_FREE number available in NO"):
        _provisioner(client, repo, Clock(), country="NO", number_type="TOLL_FREE").provision(seeded.tenant_id, "vaxel")


def test_no_number_available_claims_nothing(
    connect: tuple[Any, Stubber], repo: CustomerRepository, seeded: SeededTenant
) -> None:
    client, stub = connect
    _search(stub, [])
    with pytest.raises(NoNumberAvailable):
        _provisioner(client, repo, Clock()).provision(seeded.tenant_id, "vaxel")


def test_a_failed_claim_is_released_and_nothing_recorded(
    connect: tuple[Any, Stubber], repo: CustomerRepository, seeded: SeededTenant
) -> None:
    client, stub = connect
    claim_until(stub, "FAILED")
    _release(stub)
    with pytest.raises(ClaimFailed, match="no longer available"):
        _provisioner(client, repo, Clock()).provision(seeded.tenant_id, "vaxel")
    with pytest.raises(NotFoundError):
        repo.get_route(NEW_NUMBER)


def test_a_claim_that_never_completes_times_out_after_bounded_polling(
    connect: tuple[Any, Stubber], repo: CustomerRepository, seeded: SeededTenant
) -> None:
    client, stub = connect
    clock = Clock()
    claim_until(stub, *["IN_PROGRESS"] * 5)
    _release(stub)
    with pytest.raises(ClaimFailed, match="within 10 s"):
        _provisioner(client, repo, clock).provision(seeded.tenant_id, "vaxel")
    assert sum(clock.sleeps) <= 10


def test_an_association_failure_releases_the_claimed_number(
    connect: tuple[Any, Stubber], repo: CustomerRepository, seeded: SeededTenant
) -> None:
    client, stub = connect
    claim_until(stub, "CLAIMED")
    _associate(stub, error="ResourceNotFoundException")
    _release(stub)
    with pytest.raises(ProvisioningError, match=r"ResourceNotFoundException.*released again"):
        _provisioner(client, repo, Clock()).provision(seeded.tenant_id, "vaxel")
    assert all(n.phone_number != NEW_NUMBER for n in repo.get_tenant(seeded.tenant_id).model.claimed_numbers)


def test_an_unknown_common_number_claims_nothing(
    connect: tuple[Any, Stubber], repo: CustomerRepository, seeded: SeededTenant
) -> None:
    client, _ = connect
    with pytest.raises(NotFoundError, match="common number nope"):
        _provisioner(client, repo, Clock()).provision(seeded.tenant_id, "nope")


def test_release_stops_routing_then_releases_in_connect(
    connect: tuple[Any, Stubber], repo: CustomerRepository, seeded: SeededTenant
) -> None:
    client, stub = connect
    claim_until(stub, "CLAIMED")
    _associate(stub)
    provisioner = _provisioner(client, repo, Clock())
    provisioner.provision(seeded.tenant_id, "vaxel")
    stub.add_response(
        "disassociate_phone_number_contact_flow", {}, {"PhoneNumberId": NUMBER_ID, "InstanceId": "inst-1"}
    )
    _release(stub)
    # When
    released = provisioner.release(seeded.tenant_id, NEW_NUMBER)
    # Then
    assert released.connect_phone_number_id == NUMBER_ID
    with pytest.raises(NotFoundError):
        repo.get_route(NEW_NUMBER)
    assert all(n.phone_number != NEW_NUMBER for n in repo.get_tenant(seeded.tenant_id).model.claimed_numbers)


def test_releasing_a_number_the_tenant_does_not_have_is_refused(
    connect: tuple[Any, Stubber], repo: CustomerRepository, seeded: SeededTenant
) -> None:
    client, _ = connect
    with pytest.raises(NotFoundError, match="not claimed"):
        _provisioner(client, repo, Clock()).release(seeded.tenant_id, "+46852000099")


@pytest.mark.parametrize(("field", "value"), [("number_type", "MOBILE"), ("country", "sweden")])
def test_bad_settings_are_named(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=field):
        ProvisioningSettings(inbound_flow_id=FLOW_ARN, **{field: value})
