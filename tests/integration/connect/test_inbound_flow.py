"""Every path through the inbound flow, the real handler against moto, run by the flow simulator."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import boto3
import pytest
from telefonist.clock import to_local, utc_now
from telefonist.dal import keys
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.inbound.attributes import FALLBACK_HOW_TO_ANSWER
from telefonist.models.common_number import GeneralInformation, OpeningHours, TemporaryInformation
from telefonist.models.route import Route
from telefonist.models.status import TenantStatus
from telefonist.resources import CUSTOMER_TABLE

from telefonist_local.connect.flow_simulator import Party, Prompt, SimulatedContact
from telefonist_local.sample_data import DEMO_SWITCHBOARD_NUMBER
from telefonist_local.seeding import SeededTenant
from tests.integration.connect.conftest import RealHandler, simulator
from tests.unit.connect.conftest import CALLER, QUEUE_ARN
from tests.unit.inbound.routes import acme_route

CUSTOM_NUMBER = "+46852000042"


def _route(**changes: Any) -> Route:
    bolaget = {
        "phone_number": CUSTOM_NUMBER,
        "tenant_id": "bolaget",
        "tenant_name": "Bolaget AB",
        "info": GeneralInformation(how_to_answer="Bolaget, du talar med …"),
        "office_summary": "Kontoret: Storgatan 1, 111 22 Stockholm",
    }
    return acme_route(**{**bolaget, **changes})


def _call(invoker: Any, number: str, **contact: Any) -> Any:
    return simulator(invoker).run(SimulatedContact(dialed_number=number, caller_number=CALLER, **contact))


def test_known_customer_reaches_the_operator_queue_with_its_script(real_handler: Any, seeded: SeededTenant) -> None:
    # When
    result = _call(real_handler, DEMO_SWITCHBOARD_NUMBER)
    # Then
    assert result.queued_to == QUEUE_ARN
    assert not result.disconnected
    assert result.attributes["tenant_id"] == seeded.tenant_id
    assert result.attributes["customer_name"] == "Acme Verktyg AB"
    assert result.attributes["common_number_name"] == "Växel"
    assert result.attributes["how_to_answer"].startswith("Acme Verktyg")
    assert result.attributes["lookup"] == "ok"
    assert "Huvudkontoret" in result.attributes["office_summary"]
    assert result.path[:6] == [
        "enable-logging",
        "set-voice",
        "remember-dialed-number",
        "set-agent-whisper",
        "lookup-customer",
        "set-operator-attributes",
    ]
    assert result.path[-1] == "transfer-to-operators"
    assert result.whisper == ["Acme Verktyg AB, Växel"]
    # The number dialed is kept for the transfer leg's caller ID (a number claimed in Connect).
    assert result.attributes["dialed_number"] == DEMO_SWITCHBOARD_NUMBER


def test_no_door_code_reaches_the_contact_attributes(real_handler: Any, seeded: SeededTenant) -> None:
    result = _call(real_handler, DEMO_SWITCHBOARD_NUMBER)
    assert all("4711" not in value for value in result.attributes.values())


def test_unknown_number_gets_the_neutral_script_and_is_queued(real_handler: Any, seeded: SeededTenant) -> None:
    result = _call(real_handler, "+46852999999")
    assert result.queued_to == QUEUE_ARN
    assert result.attributes["tenant_id"] == ""
    assert result.attributes["fallback_reason"] == "not_found"
    assert result.attributes["how_to_answer"] == FALLBACK_HOW_TO_ANSWER
    assert "set-fallback-attributes" not in result.path  # the function answered; the flow did not fail
    assert result.whisper == ["Okänd kund, okänt nummer"]


def test_lambda_error_takes_the_error_branch_and_still_queues(seeded: SeededTenant) -> None:
    def failing(arn: str, event: dict[str, Any]) -> Any:
        raise TimeoutError("function timed out")

    result = _call(failing, DEMO_SWITCHBOARD_NUMBER)
    assert "set-fallback-attributes" in result.path
    assert result.attributes["tenant_id"] == ""
    assert result.attributes["fallback_reason"] == "lambda_error"
    assert result.attributes["how_to_answer"] == FALLBACK_HOW_TO_ANSWER
    assert result.queued_to == QUEUE_ARN
    assert result.errors
    assert "lookup-customer" in result.errors[0]


def test_a_response_that_is_not_a_string_map_takes_the_error_branch(seeded: SeededTenant) -> None:
    result = _call(lambda arn, event: {"tenant_id": {"nested": "x"}}, DEMO_SWITCHBOARD_NUMBER)
    assert "set-fallback-attributes" in result.path
    assert result.queued_to == QUEUE_ARN


def test_dynamodb_failure_degrades_to_the_fallback_and_still_queues(real_handler: Any, seeded: SeededTenant) -> None:
    # Given the table is gone (an outage as far as the function can tell)
    client = boto3.client("dynamodb")
    client.update_table(TableName=CUSTOMER_TABLE.local_name, DeletionProtectionEnabled=False)
    client.delete_table(TableName=CUSTOMER_TABLE.local_name)
    # When
    result = _call(real_handler, DEMO_SWITCHBOARD_NUMBER)
    # Then
    assert result.attributes["fallback_reason"] == "store_error"
    assert result.queued_to == QUEUE_ARN


def test_dynamodb_throttling_degrades_to_the_fallback_and_still_queues(
    real_handler: RealHandler, seeded: SeededTenant
) -> None:
    from botocore.stub import Stubber

    # Given DynamoDB throttles the function's read (the Stubber answers before botocore's retries)
    client = real_handler.deps.routes._table.meta.client
    with Stubber(client) as stub:
        stub.add_client_error("get_item", "ProvisionedThroughputExceededException", http_status_code=400)
        # When
        result = _call(real_handler, DEMO_SWITCHBOARD_NUMBER)
        stub.assert_no_pending_responses()
    # Then the caller still reaches an operator, with the neutral script
    assert result.attributes["fallback_reason"] == "store_error"
    assert result.attributes["how_to_answer"] == FALLBACK_HOW_TO_ANSWER
    assert result.queued_to == QUEUE_ARN


def test_a_corrupt_routing_record_degrades_to_the_fallback_and_still_queues(
    real_handler: Any, customer_table: Any
) -> None:
    # Given a routing record without a script (written by hand, or by a bug on the write side)
    item = {**_route().model_dump(mode="json"), "pk": keys.number_pk(CUSTOM_NUMBER), "sk": keys.ROUTE_SK}
    del item["info"]["how_to_answer"]
    customer_table.put_item(Item=item)
    # When
    result = _call(real_handler, CUSTOM_NUMBER)
    # Then the operator gets the neutral script rather than half of one
    assert result.attributes["fallback_reason"] == "bad_route"
    assert result.attributes["how_to_answer"] == FALLBACK_HOW_TO_ANSWER
    assert result.queued_to == QUEUE_ARN


def test_temporary_information_valid_now_is_shown(real_handler: Any, repo: CustomerRepository) -> None:
    now = utc_now()
    notice = TemporaryInformation(
        text="Stängt för inventering idag.", valid_from=now - timedelta(hours=1), valid_until=now + timedelta(hours=1)
    )
    info = GeneralInformation(how_to_answer="Bolaget, du talar med …", temporary_information=[notice])
    repo.put_route(_route(info=info))
    result = _call(real_handler, CUSTOM_NUMBER)
    assert result.attributes["temporary_information"] == "Stängt för inventering idag."


@pytest.mark.parametrize(
    ("starts", "ends"),
    [(timedelta(days=-2), timedelta(days=-1)), (timedelta(days=1), timedelta(days=2))],
    ids=["expired", "not-yet-valid"],
)
def test_temporary_information_outside_its_window_is_absent(
    real_handler: Any, repo: CustomerRepository, starts: timedelta, ends: timedelta
) -> None:
    now = utc_now()
    notice = TemporaryInformation(text="Gammal notis.", valid_from=now + starts, valid_until=now + ends)
    info = GeneralInformation(how_to_answer="Bolaget, du talar med …", temporary_information=[notice])
    repo.put_route(_route(info=info))
    result = _call(real_handler, CUSTOM_NUMBER)
    assert result.attributes["temporary_information"] == ""
    assert result.queued_to == QUEUE_ARN


def _closed_now(closed_message: str) -> OpeningHours:
    """Hours that exclude the current moment: open only on another weekday."""
    other_day = (to_local(utc_now()).weekday() + 3) % 7
    return OpeningHours(weekly={other_day: (time(8, 0), time(17, 0))}, closed_message=closed_message)


def test_closed_hours_play_the_customers_message_then_disconnect(real_handler: Any, repo: CustomerRepository) -> None:
    repo.put_route(_route(opening_hours=_closed_now("Vi har stängt. Välkommen åter i morgon.")))
    result = _call(real_handler, CUSTOM_NUMBER)
    assert result.messages == ["Vi har stängt. Välkommen åter i morgon."]
    assert result.prompts == [Prompt(Party.CALLER, "Elin", "Vi har stängt. Välkommen åter i morgon.")]
    assert result.disconnected
    assert result.queued_to is None
    assert result.attributes["open"] == "false"
    assert result.path[-2:] == ["play-closed-message", "disconnect"]


def test_closed_without_a_message_still_reaches_an_operator(real_handler: Any, repo: CustomerRepository) -> None:
    repo.put_route(_route(opening_hours=_closed_now("")))
    result = _call(real_handler, CUSTOM_NUMBER)
    assert result.attributes["open"] == "false"
    assert result.queued_to == QUEUE_ARN
    assert not result.disconnected


def test_offboarded_customer_gets_the_fallback(real_handler: Any, repo: CustomerRepository) -> None:
    repo.put_route(_route(tenant_status=TenantStatus.OFFBOARDED))
    result = _call(real_handler, CUSTOM_NUMBER)
    assert result.attributes["fallback_reason"] == "offboarded"
    assert result.attributes["customer_name"] != "Bolaget AB"
    assert result.queued_to == QUEUE_ARN


def test_operators_hours_closed_asks_to_hold_and_still_queues(real_handler: Any, seeded: SeededTenant) -> None:
    result = _call(real_handler, DEMO_SWITCHBOARD_NUMBER, operators_open=False)
    assert "play-please-hold" in result.path
    assert len(result.messages) == 1
    # Heard by the caller in Swedish; the whisper naming the customer by the operator, in Swedish too.
    assert [(p.party, p.voice) for p in result.prompts] == [(Party.CALLER, "Elin"), (Party.OPERATOR, "Elin")]
    assert result.queued_to == QUEUE_ARN


def test_a_full_queue_tells_the_caller_and_disconnects(real_handler: Any, seeded: SeededTenant) -> None:
    result = _call(real_handler, DEMO_SWITCHBOARD_NUMBER, queue_at_capacity=True)
    assert result.queued_to is None
    assert result.path[-2:] == ["play-cannot-queue", "disconnect"]
    assert result.disconnected


def test_long_scripts_stay_inside_connects_attribute_limit(real_handler: Any, repo: CustomerRepository) -> None:
    # 2,000 characters of å/ä/ö are ~3,500 UTF-8 bytes: over the per-value cap.
    long = "åäö " * 499
    now = utc_now()
    notices = [
        TemporaryInformation(text="ö" * 200, valid_from=now - timedelta(hours=1), valid_until=now + timedelta(hours=1))
        for _ in range(20)
    ]
    info = GeneralInformation(
        how_to_answer=long[:200],
        how_to_transfer=long,
        how_to_take_messages=long,
        temporary_information=notices,
    )
    repo.put_route(_route(info=info, office_summary=long))
    result = _call(real_handler, CUSTOM_NUMBER)
    assert result.attributes["lookup"] == "ok"
    assert result.attributes["how_to_transfer"].endswith(" […]")
    size = sum(len(k.encode()) + len(v.encode()) for k, v in result.attributes.items())
    assert size <= 8192
