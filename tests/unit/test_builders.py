"""The shared event builders produce what the functions' parsers (Powertools, the identity) accept."""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent, KinesisStreamEvent, SQSEvent
from telefonist.edge.identity import caller_from_claims

from tests.builders.api_gateway import claims, rest_event
from tests.builders.connect import connect_event
from tests.builders.kinesis import kinesis_event
from tests.builders.lambda_context import lambda_context
from tests.builders.sqs import sqs_event


def test_a_rest_event_carries_the_callers_claims_to_the_identity() -> None:
    event = APIGatewayProxyEvent(rest_event("GET", "/people", claims=claims("admins", tenant_id="acme")))
    caller = caller_from_claims(event.request_context.authorizer.claims)
    assert (caller.tenant_id, caller.groups) == ("acme", frozenset({"admins"}))
    operator = caller_from_claims(claims("operators", "finance"))
    assert (operator.tenant_id, operator.groups) == (None, frozenset({"operators", "finance"}))


def test_kinesis_and_sqs_records_decode_to_what_was_sent() -> None:
    kinesis = KinesisStreamEvent(kinesis_event([{"ContactId": "c1"}, "not json"]))
    assert [r.kinesis.data_as_text() for r in kinesis.records] == ['{"ContactId": "c1"}', "not json"]
    sqs = SQSEvent(sqs_event([{"kind": "sms"}]))
    assert [(r.message_id, json.loads(r.body)) for r in sqs.records] == [("msg-0", {"kind": "sms"})]


def test_a_connect_event_names_both_numbers_and_the_context_its_function() -> None:
    event = connect_event("+46852000001", "+46701234567", parameters={"action": "route"})
    data = event["Details"]["ContactData"]
    assert (data["SystemEndpoint"]["Address"], data["CustomerEndpoint"]["Address"]) == ("+46852000001", "+46701234567")
    assert event["Details"]["Parameters"] == {"action": "route"}
    assert lambda_context("rating").invoked_function_arn.endswith(":function:rating")
