"""The contact flows of `infra/flows/`: flow-language JSON with `${Name}` placeholders.

CDK fills the placeholders at synth time (ARNs as tokens, the fallback script from the domain);
the simulator fills them with test values. One renderer for both, so the tested JSON is the
deployed JSON.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from pathlib import Path
from typing import Any, Final

from telefonist.inbound.attributes import ATTRIBUTE_KEYS, fallback_attributes

FLOWS_DIR: Final = Path(__file__).resolve().parents[3] / "infra" / "flows"
INBOUND_FLOW: Final = "inbound"
AGENT_WHISPER_FLOW: Final = "agent_whisper"
EXTERNAL_TRANSFER_FLOW: Final = "external_transfer"
FLOW_NAMES: Final = (INBOUND_FLOW, AGENT_WHISPER_FLOW, EXTERNAL_TRANSFER_FLOW)

# Contact attributes the flows read or write beside the operator's script (telefonist.inbound.attributes).
DIALED_NUMBER_ATTRIBUTE: Final = "dialed_number"  # set by the inbound flow: the customer's number, claimed in Connect
TRANSFER_TO_ATTRIBUTE: Final = "transfer_to"  # set by the operator's workspace before the quick connect
TRANSFER_MODE_ATTRIBUTE: Final = "transfer_mode"  # likewise: "relay", or anything else for a blind transfer
TRANSFER_PERSON_ATTRIBUTE: Final = "transfer_person_id"  # likewise: the person the number is of
# Set by the transfer flow when the person is not reached; the caller comes back to the operators'
# queue with it (and the person's id), and the operator's page offers a message for that person.
TRANSFER_OUTCOME_ATTRIBUTE: Final = "transfer_outcome"
OUTCOME_NO_ANSWER: Final = "no_answer"
OUTCOME_CALL_FAILED: Final = "call_failed"

PLACEHOLDER = re.compile(r"\$\{([A-Za-z][A-Za-z0-9_.]*)\}")
# Reason recorded when the flow itself falls back (the Lambda failed or timed out).
FLOW_FALLBACK_REASON: Final = "lambda_error"

# Every prompt is Swedish, read by Elin, Amazon Polly's Swedish (sv-SE) voice, which exists only with
# the neural engine (https://docs.aws.amazon.com/polly/latest/dg/NTTS-main.html). Each flow sets it
# first: Connect reads with Joanna (en-US) until a flow sets a voice.
PROMPT_VOICE: Final = {"TextToSpeechVoice": "Elin", "TextToSpeechEngine": "Neural"}

PROMPTS: Final = {
    # Heard by the caller.
    "PleaseHoldMessage": "Välkommen. Alla telefonister är upptagna just nu; du kopplas till nästa lediga.",
    "CannotQueueMessage": "Vi kan tyvärr inte ta emot ditt samtal just nu. Försök igen om en liten stund.",
    "NotReachedMessage": "Personen kunde inte nås. Du kopplas tillbaka till växeln.",
    # Heard by the operator on a relayed transfer (the caller waits on hold meanwhile).
    "OperatorNoAnswerMessage": "Personen svarar inte. Ta tillbaka samtalet med den som ringer.",
    "OperatorCallFailedMessage": "Samtalet gick inte fram. Ta tillbaka samtalet med den som ringer.",
    "OperatorNoNumberMessage": "Det finns inget nummer att koppla till. Ta tillbaka samtalet med den som ringer.",
}


class TransferKind(Enum):
    """How the operator uses the quick connect "Koppla vidare" (how-quick-connects-work.html).

    BLIND: the operator leaves at once; the caller is on the transfer leg and hears its prompts.
    RELAY: the operator stays on the leg to announce the caller (the caller waits on hold) and
    leaves once the person answers; until then the leg's prompts reach the operator.
    """

    BLIND = "blind"
    RELAY = "relay"


class FlowTemplateError(ValueError):
    """A flow file is missing, unreadable, or a placeholder was left unfilled."""


def flow_values(
    *,
    contact_flow_function_arn: str,
    operator_queue_arn: str,
    operator_hours_arn: str,
    agent_whisper_flow_arn: str,
) -> dict[str, str]:
    """Every placeholder value of the project's flows, ARNs given (CDK tokens or test ARNs)."""
    fallback = fallback_attributes(FLOW_FALLBACK_REASON)
    values = {
        "ContactFlowFunctionArn": contact_flow_function_arn,
        "OperatorQueueArn": operator_queue_arn,
        "OperatorHoursArn": operator_hours_arn,
        "AgentWhisperFlowArn": agent_whisper_flow_arn,
        **PROMPT_VOICE,
        **PROMPTS,
    }
    values.update({f"Fallback.{key}": fallback[key] for key in ATTRIBUTE_KEYS})
    return values


def local_flow_values(account: str = "111122223333", region: str = "eu-central-1") -> dict[str, str]:
    """Placeholder values with made-up ARNs, for running the flows offline (tests, demo, benchmarks)."""
    instance = f"arn:aws:connect:{region}:{account}:instance/local"
    return flow_values(
        contact_flow_function_arn=f"arn:aws:lambda:{region}:{account}:function:contact-flow",
        operator_queue_arn=f"{instance}/queue/operators",
        operator_hours_arn=f"{instance}/operating-hours/operators",
        agent_whisper_flow_arn=f"{instance}/contact-flow/agent-whisper",
    )


def render_flow(name: str, values: dict[str, str], flows_dir: Path = FLOWS_DIR) -> str:
    """The flow's JSON text with every placeholder filled (JSON-escaped); unfilled ones raise."""
    path = flows_dir / f"{name}.json"
    try:
        template = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FlowTemplateError(f"flow {name}: cannot read {path}") from exc
    missing = sorted({m.group(1) for m in PLACEHOLDER.finditer(template)} - values.keys())
    if missing:
        raise FlowTemplateError(f"flow {name}: no value for placeholder(s) {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: json.dumps(values[m.group(1)], ensure_ascii=False)[1:-1], template)


def load_flow(name: str, values: dict[str, str], flows_dir: Path = FLOWS_DIR) -> dict[str, Any]:
    """The rendered flow as a dict (for the simulator)."""
    try:
        flow: dict[str, Any] = json.loads(render_flow(name, values, flows_dir))
    except json.JSONDecodeError as exc:
        raise FlowTemplateError(f"flow {name}: not valid JSON after rendering: {exc}") from exc
    return flow
