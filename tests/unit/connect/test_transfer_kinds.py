"""Each way an operator transfers with "Koppla vidare", and what the caller and the operator each hear.

A queue quick connect runs the transfer flow on a new leg (how-quick-connects-work.html): on a blind
transfer the operator leaves at once and the caller is on that leg; on a relay the operator stays on
it to announce the caller while the caller waits on hold, so the leg's prompts reach the operator.
"""

from __future__ import annotations

import pytest
from telefonist.connect.flows import (
    OUTCOME_CALL_FAILED,
    OUTCOME_NO_ANSWER,
    PROMPTS,
    TRANSFER_OUTCOME_ATTRIBUTE,
    TRANSFER_PERSON_ATTRIBUTE,
    TransferKind,
)

from telefonist_local.connect.flow_simulator import (
    FlowResult,
    Party,
    SimulatedContact,
    ThirdPartyOutcome,
    simulate_transfer,
    transfer_simulator,
)
from tests.unit.connect.conftest import CALLER, QUEUE_ARN

DIALED = "+46852000042"  # the customer's number, claimed in Connect
PERSON = "+46709876543"


def _transfer(kind: TransferKind, outcome: ThirdPartyOutcome, transfer_to: str | None = PERSON) -> FlowResult:
    return simulate_transfer(kind, outcome, transfer_to=transfer_to, dialed_number=DIALED, caller_number=CALLER)


@pytest.mark.parametrize("kind", list(TransferKind))
def test_an_answered_transfer_connects_the_caller_with_no_prompt_to_anyone(kind: TransferKind) -> None:
    result = _transfer(kind, ThirdPartyOutcome.ANSWERED)
    assert result.transferred_to_number == PERSON
    assert result.caller_id_presented == DIALED
    assert result.prompts == []
    assert result.queued_to is None
    assert result.path[-2:] == ["transfer-to-person", "disconnect"]  # once the person hangs up


@pytest.mark.parametrize("outcome", [ThirdPartyOutcome.NO_ANSWER, ThirdPartyOutcome.BUSY, ThirdPartyOutcome.FAILED])
def test_a_blind_transfer_that_fails_tells_the_caller_and_returns_them_to_the_operators(
    outcome: ThirdPartyOutcome,
) -> None:
    result = _transfer(TransferKind.BLIND, outcome)
    assert result.heard_by(Party.CALLER) == [PROMPTS["NotReachedMessage"]]
    assert result.heard_by(Party.OPERATOR) == []
    assert result.queued_to == QUEUE_ARN
    assert not result.disconnected


@pytest.mark.parametrize(
    ("outcome", "prompt"),
    [
        (ThirdPartyOutcome.NO_ANSWER, "OperatorNoAnswerMessage"),
        (ThirdPartyOutcome.BUSY, "OperatorCallFailedMessage"),
        (ThirdPartyOutcome.FAILED, "OperatorCallFailedMessage"),
    ],
)
def test_a_relay_that_fails_tells_the_operator_and_ends_the_leg(outcome: ThirdPartyOutcome, prompt: str) -> None:
    """The caller still waits on hold with the operator: nothing for the caller, no second queueing."""
    result = _transfer(TransferKind.RELAY, outcome)
    assert result.heard_by(Party.OPERATOR) == [PROMPTS[prompt]]
    assert result.heard_by(Party.CALLER) == []
    assert result.queued_to is None
    assert result.disconnected


def test_a_relay_without_a_number_tells_the_operator() -> None:
    result = _transfer(TransferKind.RELAY, ThirdPartyOutcome.ANSWERED, transfer_to=None)
    assert result.heard_by(Party.OPERATOR) == [PROMPTS["OperatorNoNumberMessage"]]
    assert result.transferred_to_number is None


def test_a_failed_blind_transfer_to_a_full_queue_tells_the_caller_before_hanging_up() -> None:
    full = transfer_simulator().run(
        SimulatedContact(
            dialed_number=DIALED,
            caller_number=CALLER,
            attributes={"transfer_to": PERSON, "dialed_number": DIALED},
            third_party=ThirdPartyOutcome.BUSY,
            queue_at_capacity=True,
        )
    )
    assert full.heard_by(Party.CALLER) == [PROMPTS["NotReachedMessage"], PROMPTS["CannotQueueMessage"]]
    assert full.queued_to is None
    assert full.disconnected


@pytest.mark.parametrize("kind", list(TransferKind))
@pytest.mark.parametrize("outcome", list(ThirdPartyOutcome))
def test_every_transfer_prompt_is_read_in_swedish_by_elin(kind: TransferKind, outcome: ThirdPartyOutcome) -> None:
    result = _transfer(kind, outcome)
    assert {prompt.voice for prompt in result.prompts} <= {"Elin"}
    assert result.caller_id_presented == DIALED


@pytest.mark.parametrize(
    ("outcome", "recorded"),
    [
        (ThirdPartyOutcome.NO_ANSWER, OUTCOME_NO_ANSWER),
        (ThirdPartyOutcome.BUSY, OUTCOME_CALL_FAILED),
        (ThirdPartyOutcome.FAILED, OUTCOME_CALL_FAILED),
    ],
)
def test_a_caller_back_in_the_operators_queue_carries_the_outcome_and_the_person(
    outcome: ThirdPartyOutcome, recorded: str
) -> None:
    """The page offers a message for the person nobody reached: the flow keeps whom it was for."""
    # Given the attributes the inbound flow and the transfer route left on the contact
    contact = {"tenant_id": "acme", "customer_name": "Acme", TRANSFER_PERSON_ATTRIBUTE: "p00001"}
    # When the real transfer flow dials a person who does not answer (or the call fails)
    result = simulate_transfer(
        TransferKind.BLIND,
        outcome,
        transfer_to=PERSON,
        dialed_number=DIALED,
        caller_number=CALLER,
        attributes=contact,
    )
    # Then the caller is back in the operators' queue, the outcome set, the person and the script kept
    assert result.queued_to == QUEUE_ARN
    assert result.attributes[TRANSFER_OUTCOME_ATTRIBUTE] == recorded
    assert result.attributes[TRANSFER_PERSON_ATTRIBUTE] == "p00001"
    assert result.attributes["tenant_id"] == "acme"


@pytest.mark.parametrize("kind", list(TransferKind))
def test_an_answered_transfer_records_no_outcome(kind: TransferKind) -> None:
    result = _transfer(kind, ThirdPartyOutcome.ANSWERED)
    assert TRANSFER_OUTCOME_ATTRIBUTE not in result.attributes
