"""The contact flows of `infra/flows/`: flow-language JSON with `${Name}` placeholders.

CDK fills the placeholders at synth time (ARNs as tokens, the fallback script from the domain);
the simulator fills them with test values. One renderer for both, so the tested JSON is the
deployed JSON.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

from telefonist.connect.flow_simulator import FlowSimulator, LambdaInvoker
from telefonist.inbound.attributes import ATTRIBUTE_KEYS, fallback_attributes

FLOWS_DIR: Final = Path(__file__).resolve().parents[3] / "infra" / "flows"
INBOUND_FLOW: Final = "inbound"
AGENT_WHISPER_FLOW: Final = "agent_whisper"
EXTERNAL_TRANSFER_FLOW: Final = "external_transfer"

PLACEHOLDER = re.compile(r"\$\{([A-Za-z][A-Za-z0-9_.]*)\}")
# Reason recorded when the flow itself falls back (the Lambda failed or timed out).
FLOW_FALLBACK_REASON: Final = "lambda_error"

PROMPTS: Final = {
    "PleaseHoldMessage": "Välkommen. Alla telefonister är upptagna just nu; du kopplas till nästa lediga.",
    "CannotQueueMessage": "Vi kan tyvärr inte ta emot ditt samtal just nu. Försök igen om en liten stund.",
    "NotReachedMessage": "Personen kunde inte nås. Du kopplas tillbaka till växeln.",
}


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


def inbound_simulator(invoker: LambdaInvoker, values: dict[str, str] | None = None) -> FlowSimulator:
    """The inbound flow with its agent whisper, ready to run simulated calls through `invoker`."""
    values = values or local_flow_values()
    whisper = load_flow(AGENT_WHISPER_FLOW, values)
    return FlowSimulator(load_flow(INBOUND_FLOW, values), invoker, {values["AgentWhisperFlowArn"]: whisper})


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
