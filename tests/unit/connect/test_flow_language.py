"""The flow-language table: every project flow passes it, and what the reference forbids fails it."""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest
from telefonist.connect.flow_language import ACTIONS, check_flow
from telefonist.connect.flows import EXTERNAL_TRANSFER_FLOW, FLOW_NAMES, INBOUND_FLOW, PROMPT_VOICE, load_flow

from telefonist_local.connect.flow_simulator import FlowValidationError, validate_flow
from tests.unit.connect.conftest import test_flow_values


def _flow(name: str) -> dict[str, Any]:
    return load_flow(name, test_flow_values())


def _action(flow: dict[str, Any], identifier: str) -> dict[str, Any]:
    return next(a for a in flow["Actions"] if a["Identifier"] == identifier)


@pytest.mark.parametrize("name", FLOW_NAMES)
def test_every_rendered_flow_has_no_finding_against_the_reference_table(name: str) -> None:
    """0 unknown parameters, 0 undeclared error types, 0 actions outside their flow types."""
    assert check_flow(_flow(name)) == []


def test_every_table_entry_cites_its_reference_page() -> None:
    for kind, spec in ACTIONS.items():
        assert spec.reference.startswith(
            ("https://docs.aws.amazon.com/connect/", "https://github.com/awsdocs/amazon-connect-admin-guide/")
        ), kind
        assert kind.lower() in spec.reference.lower(), f"{kind}: {spec.reference}"


def test_the_misspelt_transfer_time_limit_is_rejected() -> None:
    """Issue 22: ThirdPartyConnectionTimeoutSeconds makes CreateContactFlow fail; the simulator took it."""
    flow = _flow(EXTERNAL_TRANSFER_FLOW)
    params = _action(flow, "transfer-to-person")["Parameters"]
    params["ThirdPartyConnectionTimeoutSeconds"] = params.pop("ThirdPartyConnectionTimeLimitSeconds")
    with pytest.raises(FlowValidationError, match="has no parameter 'ThirdPartyConnectionTimeoutSeconds'"):
        validate_flow(flow)


def test_a_continuing_transfer_must_handle_call_failed_and_the_time_limit() -> None:
    """Issue 22: only NoMatchingError was declared; with ContinueFlowExecution the action has three errors."""
    flow = _flow(EXTERNAL_TRANSFER_FLOW)
    transitions = _action(flow, "transfer-to-person")["Transitions"]
    transitions["Errors"] = [e for e in transitions["Errors"] if e["ErrorType"] == "NoMatchingError"]
    findings = check_flow(flow)
    assert "action transfer-to-person: TransferParticipantToThirdParty leaves error 'CallFailed' without a branch" in (
        findings
    )
    assert any("'ConnectionTimeLimitExceeded' without a branch" in f for f in findings)


def test_a_transfer_that_ends_the_flow_has_no_call_failed_error() -> None:
    flow = _flow(EXTERNAL_TRANSFER_FLOW)
    _action(flow, "transfer-to-person")["Parameters"]["ContinueFlowExecution"] = "False"
    assert any("has no error 'CallFailed'" in f for f in check_flow(flow))


def test_the_lambda_invocation_needs_its_invocation_type() -> None:
    """Issue 22: InvokeLambdaFunction had no InvocationType (exported flows carry "SYNCHRONOUS")."""
    flow = _flow(INBOUND_FLOW)
    del _action(flow, "lookup-customer")["Parameters"]["InvocationType"]
    assert check_flow(flow) == ["action lookup-customer: InvokeLambdaFunction needs InvocationType"]


def test_the_lambda_is_invoked_synchronously() -> None:
    params = _action(_flow(INBOUND_FLOW), "lookup-customer")["Parameters"]
    assert params["InvocationType"] == "SYNCHRONOUS"


@pytest.mark.parametrize(
    ("identifier", "parameter", "value", "finding"),
    [
        ("lookup-customer", "InvocationTimeLimitSeconds", 6, "must be a string"),
        ("lookup-customer", "InvocationType", "SYNC", "not one of ASYNCHRONOUS, SYNCHRONOUS"),
        ("lookup-customer", "InvocationTimeLimitSeconds", "$.Attributes.limit", "must be defined statically"),
        ("check-route-action", "ComparisonValue", "$.BadValue", "not a JSONPath this table knows"),
        ("check-route-action", "ComparisonValue", "route $.Attributes.route_action", "a single JSONPath identifier"),
        ("set-operator-attributes", "TargetContact", "Previous", "not one of Current, Related"),
        ("set-agent-whisper", "EventHooks", {"AgentWhisper": "x", "CustomerQueue": "y"}, "at most 1 entries"),
        ("set-agent-whisper", "EventHooks", {"OperatorWhisper": "x"}, "has no key 'OperatorWhisper'"),
        ("enable-logging", "FlowLoggingBehavior", "On", "not one of Disabled, Enabled"),
        ("set-voice", "TextToSpeechEngine", "Standard", "voice Elin has no Standard engine"),
    ],
)
def test_a_parameter_value_the_reference_does_not_allow_is_a_finding(
    identifier: str, parameter: str, value: Any, finding: str
) -> None:
    flow = _flow(INBOUND_FLOW)
    _action(flow, identifier)["Parameters"][parameter] = value
    assert any(finding in f and f.startswith(f"action {identifier}:") for f in check_flow(flow)), check_flow(flow)


def test_conditions_on_an_action_without_results_are_a_finding() -> None:
    flow = _flow(INBOUND_FLOW)
    _action(flow, "set-voice")["Transitions"]["Conditions"] = [
        {"NextAction": "remember-dialed-number", "Condition": {"Operator": "Equals", "Operands": ["x"]}}
    ]
    assert "action set-voice: UpdateContactTextToSpeechVoice supports no conditions" in check_flow(flow)


def test_an_action_outside_its_flow_types_is_a_finding() -> None:
    flow = _flow(EXTERNAL_TRANSFER_FLOW)
    _action(flow, "disconnect")["Type"] = "EndFlowExecution"  # whisper and customer queue flows only
    assert "action disconnect: EndFlowExecution is not allowed in a queueTransfer flow" in check_flow(flow)


@pytest.mark.parametrize("name", FLOW_NAMES)
def test_each_flow_sets_the_swedish_neural_voice_before_any_prompt(name: str) -> None:
    """No path from the start reaches a prompt without passing the voice action first."""
    flow = _flow(name)
    actions = {a["Identifier"]: a for a in flow["Actions"]}
    voices = [a["Parameters"] for a in flow["Actions"] if a["Type"] == "UpdateContactTextToSpeechVoice"]
    assert voices == [PROMPT_VOICE]
    assert PROMPT_VOICE == {"TextToSpeechVoice": "Elin", "TextToSpeechEngine": "Neural"}
    seen, queue = set(), deque([flow["StartAction"]])
    while queue:
        current = actions[queue.popleft()]
        assert current["Type"] != "MessageParticipant", f"{name}: {current['Identifier']} before the voice"
        if current["Type"] == "UpdateContactTextToSpeechVoice" or current["Identifier"] in seen:
            continue
        seen.add(current["Identifier"])
        transitions = current.get("Transitions") or {}
        queue.extend(t for t in [transitions.get("NextAction")] if t)
        queue.extend(c["NextAction"] for c in transitions.get("Conditions") or [])
        queue.extend(e["NextAction"] for e in transitions.get("Errors") or [])
