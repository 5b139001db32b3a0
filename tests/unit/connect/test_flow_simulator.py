"""The simulator rejects flows Connect would reject, and runs the transfer and whisper flows."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from telefonist.connect.flows import (
    AGENT_WHISPER_FLOW,
    EXTERNAL_TRANSFER_FLOW,
    FLOWS_DIR,
    INBOUND_FLOW,
    FlowTemplateError,
    load_flow,
    render_flow,
)

from telefonist_local.connect.flow_simulator import (
    FlowSimulator,
    FlowValidationError,
    SimulatedContact,
    ThirdPartyOutcome,
    hours_of_operation_open,
    validate_flow,
)
from tests.unit.connect.conftest import CALLER, QUEUE_ARN, test_flow_values

DIALED = "+46852000001"


def _never(arn: str, event: dict[str, Any]) -> Any:
    raise AssertionError("no Lambda expected")


@pytest.fixture
def inbound() -> dict[str, Any]:
    return load_flow(INBOUND_FLOW, test_flow_values())


def _action(flow: dict[str, Any], identifier: str) -> dict[str, Any]:
    return next(a for a in flow["Actions"] if a["Identifier"] == identifier)


@pytest.mark.parametrize("name", [INBOUND_FLOW, AGENT_WHISPER_FLOW, EXTERNAL_TRANSFER_FLOW])
def test_every_project_flow_is_valid_once_rendered(name: str) -> None:
    actions = validate_flow(load_flow(name, test_flow_values()))
    assert actions


def test_a_dangling_transition_is_rejected(inbound: dict[str, Any]) -> None:
    _action(inbound, "lookup-customer")["Transitions"]["NextAction"] = "no-such-action"
    with pytest.raises(FlowValidationError, match=r"lookup-customer: transition to 'no-such-action'"):
        validate_flow(inbound)


def test_an_unknown_action_type_is_rejected(inbound: dict[str, Any]) -> None:
    _action(inbound, "enable-logging")["Type"] = "PlayPromptMaybe"
    with pytest.raises(FlowValidationError, match=r"enable-logging: unknown action type 'PlayPromptMaybe'"):
        FlowSimulator(inbound, _never)


def test_an_action_the_flow_type_forbids_is_rejected() -> None:
    whisper = load_flow(AGENT_WHISPER_FLOW, test_flow_values())
    whisper["Actions"][-1]["Type"] = "DisconnectParticipant"
    with pytest.raises(FlowValidationError, match="DisconnectParticipant is not allowed in a agentWhisper flow"):
        validate_flow(whisper)


def test_a_missing_start_action_is_rejected(inbound: dict[str, Any]) -> None:
    inbound["StartAction"] = "nowhere"
    with pytest.raises(FlowValidationError, match="StartAction"):
        validate_flow(inbound)


def test_an_error_type_the_action_cannot_raise_is_rejected(inbound: dict[str, Any]) -> None:
    _action(inbound, "lookup-customer")["Transitions"]["Errors"][0]["ErrorType"] = "NoMatchingCondition"
    with pytest.raises(FlowValidationError, match="has no error 'NoMatchingCondition'"):
        validate_flow(inbound)


def test_hours_check_needs_both_branches(inbound: dict[str, Any]) -> None:
    _action(inbound, "check-operator-hours")["Transitions"]["Conditions"].pop()
    with pytest.raises(FlowValidationError, match="Equals True and Equals False"):
        validate_flow(inbound)


def test_a_terminal_action_with_a_transition_is_rejected(inbound: dict[str, Any]) -> None:
    _action(inbound, "disconnect")["Transitions"] = {"NextAction": "enable-logging"}
    with pytest.raises(FlowValidationError, match="takes no transitions"):
        validate_flow(inbound)


def test_a_lambda_time_limit_over_eight_seconds_is_rejected(inbound: dict[str, Any]) -> None:
    _action(inbound, "lookup-customer")["Parameters"]["InvocationTimeLimitSeconds"] = "9"
    with pytest.raises(FlowValidationError, match="InvocationTimeLimitSeconds must be an integer from 1 to 8"):
        validate_flow(inbound)


def test_an_unfilled_placeholder_is_rejected_at_render_and_at_validation(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text((FLOWS_DIR / "inbound.json").read_text())
    with pytest.raises(FlowTemplateError, match="OperatorQueueArn"):
        render_flow("x", {k: v for k, v in test_flow_values().items() if k != "OperatorQueueArn"}, tmp_path)
    raw = json.loads((FLOWS_DIR / "inbound.json").read_text())
    with pytest.raises(FlowValidationError, match="placeholder"):
        validate_flow(raw)


def test_rendering_escapes_values_for_json() -> None:
    values = {**test_flow_values(), "PleaseHoldMessage": 'Säg "hej"\nsedan'}
    flow = load_flow(INBOUND_FLOW, values)
    assert _action(flow, "play-please-hold")["Parameters"]["Text"] == 'Säg "hej"\nsedan'


def _transfer(**contact: Any) -> Any:
    flow = load_flow(EXTERNAL_TRANSFER_FLOW, test_flow_values())
    attributes = {"dialed_number": DIALED, **contact.pop("attributes", {})}
    return FlowSimulator(flow, _never).run(
        SimulatedContact(dialed_number=DIALED, caller_number=CALLER, attributes=attributes, **contact)
    )


def test_external_transfer_presents_the_dialed_customer_number_not_the_callers() -> None:
    """Outside the US AWS advises a number of the instance as caller ID (transfer-to-phone-number.html)."""
    result = _transfer(attributes={"transfer_to": "+46709876543"})
    assert result.transferred_to_number == "+46709876543"
    assert result.caller_id_presented == DIALED
    assert result.caller_id_presented != CALLER
    assert result.queued_to is None


def test_an_unanswered_transfer_returns_the_caller_to_the_operators() -> None:
    result = _transfer(attributes={"transfer_to": "+46709876543"}, third_party=ThirdPartyOutcome.NO_ANSWER)
    assert result.transferred_to_number is None
    assert "tell-caller-not-reached" in result.path
    assert result.queued_to == QUEUE_ARN


def test_a_transfer_without_a_target_goes_back_to_the_operators() -> None:
    result = _transfer()
    assert result.queued_to == QUEUE_ARN
    assert "transfer-to-person" not in result.path


def test_a_flow_that_sets_no_voice_speaks_with_connects_default_voice(inbound: dict[str, Any]) -> None:
    """Joanna (en-US) until a flow sets a voice: the finding of issue 22 the voice action fixes."""
    inbound["Actions"] = [a for a in inbound["Actions"] if a["Type"] != "UpdateContactTextToSpeechVoice"]
    _action(inbound, "enable-logging")["Transitions"]["NextAction"] = "remember-dialed-number"

    def failing(arn: str, event: dict[str, Any]) -> Any:
        raise TimeoutError

    result = FlowSimulator(inbound, failing).run(
        SimulatedContact(dialed_number=DIALED, caller_number=CALLER, queue_at_capacity=True)
    )
    assert [p.voice for p in result.prompts] == ["Joanna"]


def test_a_voice_the_engine_cannot_speak_takes_the_error_branch(inbound: dict[str, Any]) -> None:
    """Elin is neural-only; the reference: "Results in error if ... the selected voice does not support
    the selected engine". The table rejects it statically, so the simulator sees it only dynamically."""
    _action(inbound, "set-voice")["Parameters"] = {
        "TextToSpeechVoice": "$.Attributes.voice",
        "TextToSpeechEngine": "Standard",
    }
    result = FlowSimulator(inbound, _never_called_after_error).run(
        SimulatedContact(
            dialed_number=DIALED, caller_number=CALLER, attributes={"voice": "Elin"}, queue_at_capacity=True
        )
    )
    assert any(e.startswith("set-voice: NoMatchingError") for e in result.errors)
    assert {p.voice for p in result.prompts} == {"Joanna"}


def _never_called_after_error(arn: str, event: dict[str, Any]) -> Any:
    raise TimeoutError


def test_a_loop_is_stopped(inbound: dict[str, Any]) -> None:
    looping = copy.deepcopy(inbound)
    _action(looping, "set-agent-whisper")["Transitions"]["NextAction"] = "enable-logging"
    with pytest.raises(FlowValidationError, match="loop"):
        FlowSimulator(looping, _never).run(SimulatedContact(dialed_number="+46852000001", caller_number=CALLER))


def _day(end: tuple[int, int], start: tuple[int, int] = (0, 0), day: str = "MONDAY") -> dict[str, Any]:
    return {
        "Day": day,
        "StartTime": {"Hours": start[0], "Minutes": start[1]},
        "EndTime": {"Hours": end[0], "Minutes": end[1]},
    }


def test_hours_ending_at_2359_are_closed_in_the_last_minute_and_midnight_is_written_0000() -> None:
    """set-hours-operation.html: "To specify midnight, enter 12:00AM" (10:00AM-12:00AM is 14 hours)."""
    monday_late = datetime(2027, 1, 4, 23, 59, 30)
    assert not hours_of_operation_open([_day((23, 59))], monday_late)
    assert hours_of_operation_open([_day((0, 0))], monday_late)
    assert hours_of_operation_open([_day((0, 0), start=(10, 0))], datetime(2027, 1, 4, 23, 0))
    assert not hours_of_operation_open([_day((0, 0), start=(10, 0))], datetime(2027, 1, 4, 9, 59))
    assert not hours_of_operation_open([_day((0, 0))], datetime(2027, 1, 5, 12, 0))  # Tuesday: no row
