"""An offline interpreter of the Amazon Connect flow language, for the actions this project's flows use.

It validates a flow against the reference table of `telefonist.connect.flow_language` (unknown
action type or parameter, a parameter of the wrong shape, an error type without a branch, an action
the flow type forbids) and its own structure (dangling transition, a loop), and runs it for a
simulated contact: contact attributes, the target queue, event hooks (the agent whisper is run too
when its flow is given), Lambda invocations through an injected invoker, the path of action ids,
and every prompt with the party who hears it and the voice it is spoken in. Semantics follow the
flow-language reference (docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html):
an action takes the branch of the first matching Condition, else its error branch; a failure takes
the Errors entry of its type, else NoMatchingError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Final

from telefonist.connect.flow_language import (
    ACTIONS,
    NO_MATCHING_CONDITION,
    NO_MATCHING_ERROR,
    POLLY_VOICES,
    check_flow,
)
from telefonist.connect.flows import (
    AGENT_WHISPER_FLOW,
    DIALED_NUMBER_ATTRIBUTE,
    EXTERNAL_TRANSFER_FLOW,
    INBOUND_FLOW,
    TRANSFER_MODE_ATTRIBUTE,
    TRANSFER_TO_ATTRIBUTE,
    TransferKind,
    load_flow,
    local_flow_values,
)

LambdaInvoker = Callable[[str, dict[str, Any]], Any]
"""(function ARN, Connect event) → the function's response; raising means the invocation failed."""

MAX_ATTRIBUTE_BYTES: Final = 32_768
MAX_STEPS: Final = 200
# "This defaults to Joanna if this action is never run" (contact-actions-updatecontacttexttospeechvoice.html).
DEFAULT_VOICE: Final = "Joanna"
SUPPORTED_ACTIONS: Final = frozenset(ACTIONS)
TERMINAL_ACTIONS: Final = frozenset(kind for kind, spec in ACTIONS.items() if spec.terminal)
_PATH = re.compile(r"\$\.(External|Attributes)\.([A-Za-z0-9_\-]+)|\$\.(CustomerEndpoint|SystemEndpoint)\.Address")
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
_DAYS: Final = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


class Party(Enum):
    """Who hears a prompt: the caller, or the operator (whisper, or a relayed transfer leg)."""

    CALLER = "caller"
    OPERATOR = "operator"


class ThirdPartyOutcome(Enum):
    """What the external number does when TransferParticipantToThirdParty dials it.

    With ContinueFlowExecution "True" the reference gives ConnectionTimeLimitExceeded (not answered
    within the time limit) and CallFailed ("unable to connect successfully": busy, rejected, invalid);
    with "False" every failure is NoMatchingError.
    """

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"


@dataclass(frozen=True)
class Prompt:
    """One prompt as played: to whom, in which Amazon Polly voice, and the text."""

    party: Party
    voice: str
    text: str


class FlowValidationError(ValueError):
    """The flow is not one the simulator (or Connect) would accept; the message names the action."""


class _ActionFailed(Exception):
    def __init__(self, error_type: str, detail: str) -> None:
        super().__init__(detail)
        self.error_type = error_type


@dataclass
class SimulatedContact:
    """A caller dialing a number (or a transfer leg); `operators_open` is what CheckHoursOfOperation answers."""

    dialed_number: str
    caller_number: str
    contact_id: str = "00000000-0000-4000-8000-000000000001"
    instance_arn: str = "arn:aws:connect:eu-central-1:111122223333:instance/simulated"
    attributes: dict[str, str] = field(default_factory=dict)
    operators_open: bool = True
    queue_at_capacity: bool = False
    third_party: ThirdPartyOutcome = ThirdPartyOutcome.ANSWERED
    # A relayed transfer: the operator who started this leg is on it (the caller waits on hold) until
    # the third party answers, so the flow's prompts reach the operator. Blind: the caller is on it.
    consulting_operator: bool = False


@dataclass
class FlowResult:
    """What happened to the contact, in the order it happened."""

    path: list[str] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    event_hooks: dict[str, str] = field(default_factory=dict)
    lambda_calls: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    target_queue: str | None = None
    queued_to: str | None = None
    transferred_to_number: str | None = None
    caller_id_presented: str | None = None
    whisper: list[str] = field(default_factory=list)
    prompts: list[Prompt] = field(default_factory=list)
    disconnected: bool = False
    ended: bool = False

    @property
    def reached_operator_queue(self) -> bool:
        return self.queued_to is not None

    def heard_by(self, party: Party) -> list[str]:
        """The prompts `party` heard, in order."""
        return [prompt.text for prompt in self.prompts if prompt.party is party]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def validate_flow(flow: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Check a flow and return its actions by id; raise FlowValidationError naming every problem.

    The structure (identifiers, transitions that lead somewhere) is checked here; parameters, error
    types, conditions and flow types against the reference table (`flow_language.check_flow`).
    """
    if not isinstance(flow, Mapping) or not isinstance(flow.get("Actions"), list):
        raise FlowValidationError("a flow needs an Actions list")
    if _PLACEHOLDER.search(json.dumps(flow)):
        raise FlowValidationError("the flow still holds an unfilled ${...} placeholder")
    actions: dict[str, dict[str, Any]] = {}
    for action in flow["Actions"]:
        identifier = action.get("Identifier")
        if not identifier or not isinstance(identifier, str):
            raise FlowValidationError("an action has no Identifier")
        if identifier in actions:
            raise FlowValidationError(f"action {identifier}: Identifier used twice")
        actions[identifier] = action
    findings = check_flow(flow)
    start = flow.get("StartAction")
    if start not in actions:
        findings.append(f"StartAction {start!r} is not an action of the flow")
    for identifier, action in actions.items():
        findings += _check_targets(identifier, action, actions)
    if findings:
        raise FlowValidationError("; ".join(findings))
    return actions


def _check_targets(identifier: str, action: dict[str, Any], actions: dict[str, dict[str, Any]]) -> list[str]:
    if action.get("Type") in TERMINAL_ACTIONS:
        return []  # the table already rejects transitions out of a terminal action
    transitions = action.get("Transitions") or {}
    targets = [transitions.get("NextAction")]
    targets += [c.get("NextAction") for c in _as_list(transitions.get("Conditions"))]
    targets += [e.get("NextAction") for e in _as_list(transitions.get("Errors"))]
    findings = [
        f"action {identifier}: transition to {target!r}, which is not an action"
        for target in targets
        if target is not None and target not in actions
    ]
    if not any(targets):
        findings.append(f"action {identifier}: no transition out of a {action.get('Type')}")
    return findings


def hours_of_operation_open(config: Sequence[Mapping[str, Any]], local: datetime) -> bool:
    """Whether hours of operation (CloudFormation's Config rows) are open at a local time.

    Connect writes midnight as 00:00 ("To specify midnight, enter 12:00AM", set-hours-operation.html
    #set-hours-operation-midnight): an end at 00:00 closes at the end of the day, so 00:00-00:00 is
    open all 24 hours. An end before the start runs past midnight into the next day.
    """
    now = local.hour * 60 + local.minute + local.second / 60
    day = _DAYS[local.weekday()]
    yesterday = _DAYS[(local.weekday() - 1) % 7]
    for row in config:
        start, end = _minutes(row["StartTime"]), _minutes(row["EndTime"])
        if end == 0:
            end = 24 * 60
        if row["Day"] == day and start <= now < (end if end > start else 24 * 60):
            return True
        if row["Day"] == yesterday and end < start and now < end:
            return True
    return False


def _minutes(slice_: Mapping[str, Any]) -> int:
    return int(slice_["Hours"]) * 60 + int(slice_["Minutes"])


class FlowSimulator:
    """Runs validated flows for simulated contacts; flows are given by name and by ARN (for hooks)."""

    def __init__(
        self,
        flow: Mapping[str, Any],
        lambda_invoker: LambdaInvoker,
        flows_by_arn: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self._flow = flow
        self._actions = validate_flow(flow)
        self._invoke = lambda_invoker
        self._flows_by_arn = dict(flows_by_arn or {})
        for hooked in self._flows_by_arn.values():
            validate_flow(hooked)

    def run(self, contact: SimulatedContact) -> FlowResult:
        result = FlowResult(attributes=dict(contact.attributes))
        party = Party.OPERATOR if contact.consulting_operator else Party.CALLER
        _Execution(self._actions, contact, result, self._invoke, party=party).run(self._flow["StartAction"])
        whisper_arn = result.event_hooks.get("AgentWhisper")
        if result.queued_to and whisper_arn in self._flows_by_arn:
            whisper = self._flows_by_arn[whisper_arn]
            heard = FlowResult(attributes=dict(result.attributes))
            execution = _Execution(validate_flow(whisper), contact, heard, self._invoke, party=Party.OPERATOR)
            execution.run(whisper["StartAction"])
            result.whisper = heard.messages
            result.prompts += heard.prompts
        return result


@dataclass(frozen=True)
class _Outcome:
    value: str | None = None
    conditional: bool = False
    stop: bool = False


def _error_target(transitions: dict[str, Any], error_type: str) -> str | None:
    errors = {e["ErrorType"]: e["NextAction"] for e in _as_list(transitions.get("Errors"))}
    return errors.get(error_type) or errors.get(NO_MATCHING_ERROR) or errors.get(NO_MATCHING_CONDITION)


def _condition_target(transitions: dict[str, Any], value: str | None) -> str | None:
    for branch in _as_list(transitions.get("Conditions")):
        condition = branch["Condition"]
        if value is not None and _matches(condition["Operator"], value, condition["Operands"][0]):
            target: str = branch["NextAction"]
            return target
    errors = {e["ErrorType"]: e["NextAction"] for e in _as_list(transitions.get("Errors"))}
    return errors.get(NO_MATCHING_CONDITION) or errors.get(NO_MATCHING_ERROR) or transitions.get("NextAction")


def _matches(operator: str, value: str, operand: str) -> bool:
    if operator == "Equals":
        return value == operand
    if operator == "TextStartsWith":
        return value.startswith(operand)
    if operator == "TextEndsWith":
        return value.endswith(operand)
    if operator == "TextContains":
        return operand in value
    numeric = {
        "NumberGreaterThan": lambda a, b: a > b,
        "NumberGreaterOrEqualTo": lambda a, b: a >= b,
        "NumberLessThan": lambda a, b: a < b,
        "NumberLessOrEqualTo": lambda a, b: a <= b,
    }
    if operator in numeric:
        try:
            return bool(numeric[operator](float(value), float(operand)))
        except ValueError:
            return False
    raise FlowValidationError(f"unknown condition operator {operator!r}")


@dataclass
class _Execution:
    """One run of one flow for one contact: the actions, what is known so far, the Lambda port."""

    actions: dict[str, dict[str, Any]]
    contact: SimulatedContact
    result: FlowResult
    invoke: LambdaInvoker
    party: Party = Party.CALLER  # who is on the line and hears the prompts
    voice: str = DEFAULT_VOICE
    external: dict[str, str] = field(default_factory=dict)

    def run(self, start: str) -> None:
        current: str | None = start
        for _ in range(MAX_STEPS):
            if current is None:
                self.result.ended = True
                return
            action = self.actions[current]
            self.result.path.append(current)
            transitions = action.get("Transitions") or {}
            try:
                outcome = self._execute(action)
            except _ActionFailed as failure:
                self.result.errors.append(f"{current}: {failure.error_type}: {failure}")
                current = _error_target(transitions, failure.error_type)
                continue
            if outcome.stop:
                return
            if outcome.conditional:
                current = _condition_target(transitions, outcome.value)
            else:
                current = transitions.get("NextAction")
        raise FlowValidationError(f"the flow ran more than {MAX_STEPS} actions: a loop?")

    def resolve(self, text: str) -> str:
        """Replace every JSONPath reference in a value; a reference to nothing fails the action."""

        def lookup(match: re.Match[str]) -> str:
            namespace, key, endpoint = match.groups()
            if endpoint == "CustomerEndpoint":
                return self.contact.caller_number
            if endpoint == "SystemEndpoint":
                return self.contact.dialed_number
            source = self.external if namespace == "External" else self.result.attributes
            if key not in source:
                raise _ActionFailed(NO_MATCHING_ERROR, f"$.{namespace}.{key} has no value")
            return source[key]

        return _PATH.sub(lookup, text)

    def _execute(self, action: dict[str, Any]) -> _Outcome:  # one branch per action type
        kind = action["Type"]
        params = action.get("Parameters") or {}
        result, contact = self.result, self.contact
        if kind == "UpdateFlowLoggingBehavior":
            return _Outcome()
        if kind == "UpdateContactTextToSpeechVoice":
            voice = self.resolve(params["TextToSpeechVoice"])
            engine = self.resolve(params.get("TextToSpeechEngine", "Standard"))
            if engine not in POLLY_VOICES.get(voice, frozenset()):
                raise _ActionFailed(NO_MATCHING_ERROR, f"no voice {voice} with the {engine} engine")
            self.voice = voice
            return _Outcome()
        if kind == "UpdateContactEventHooks":
            for hook, arn in params["EventHooks"].items():
                result.event_hooks[hook] = self.resolve(arn)
            return _Outcome()
        if kind == "InvokeLambdaFunction":
            self._invoke_lambda(params)
            return _Outcome()
        if kind == "UpdateContactAttributes":
            updated = {key: self.resolve(str(value)) for key, value in params["Attributes"].items()}
            merged = {**result.attributes, **updated}
            if sum(len(k.encode()) + len(v.encode()) for k, v in merged.items()) > MAX_ATTRIBUTE_BYTES:
                raise _ActionFailed(NO_MATCHING_ERROR, "contact attributes over 32 KB")
            result.attributes = merged
            return _Outcome()
        if kind == "Compare":
            try:
                value: str | None = self.resolve(params["ComparisonValue"])
            except _ActionFailed:
                value = None
            return _Outcome(value=value, conditional=True)
        if kind == "CheckHoursOfOperation":
            return _Outcome(value="True" if contact.operators_open else "False", conditional=True)
        if kind == "MessageParticipant":
            message = self.resolve(params.get("Text") or params.get("SSML") or params.get("PromptId") or "")
            if not message.strip():
                raise _ActionFailed(NO_MATCHING_ERROR, "nothing to say")
            result.messages.append(message)
            result.prompts.append(Prompt(self.party, self.voice, message))
            return _Outcome()
        if kind == "UpdateContactTargetQueue":
            result.target_queue = self.resolve(params["QueueId"])
            return _Outcome()
        if kind == "TransferContactToQueue":
            if result.target_queue is None:
                raise _ActionFailed(NO_MATCHING_ERROR, "no target queue set")
            if contact.queue_at_capacity:
                raise _ActionFailed("QueueAtCapacity", "queue full")
            result.queued_to = result.target_queue
            return _Outcome(stop=True)
        if kind == "TransferParticipantToThirdParty":
            return self._dial_third_party(params)
        if kind == "DisconnectParticipant":
            result.disconnected = True
            return _Outcome(stop=True)
        if kind == "EndFlowExecution":
            result.ended = True
            return _Outcome(stop=True)
        raise FlowValidationError(f"unknown action type {kind!r}")  # validate_flow stops this earlier

    def _dial_third_party(self, params: dict[str, Any]) -> _Outcome:
        result, outcome = self.result, self.contact.third_party
        number = self.resolve(params.get("ThirdPartyPhoneNumber", ""))
        caller_id = (params.get("CallerId") or {}).get("Number")
        result.caller_id_presented = self.resolve(caller_id) if caller_id else None
        continuing = params.get("ContinueFlowExecution") != "False"
        if not number.startswith("+"):
            raise _ActionFailed("CallFailed" if continuing else NO_MATCHING_ERROR, f"not an E.164 number: {number!r}")
        if outcome is ThirdPartyOutcome.NO_ANSWER:
            error = "ConnectionTimeLimitExceeded" if continuing else NO_MATCHING_ERROR
            raise _ActionFailed(error, "the third party did not answer in time")
        if outcome in (ThirdPartyOutcome.BUSY, ThirdPartyOutcome.FAILED):
            raise _ActionFailed("CallFailed" if continuing else NO_MATCHING_ERROR, f"third party call: {outcome.value}")
        result.transferred_to_number = number
        # Answered: a relaying operator announces the caller and leaves; the caller is on the leg now.
        self.party = Party.CALLER
        # With ContinueFlowExecution the flow goes on once the third party hangs up.
        return _Outcome(stop=not continuing)

    def _invoke_lambda(self, params: dict[str, Any]) -> None:
        arn = self.resolve(params["LambdaFunctionARN"])
        parameters = {
            key: self.resolve(str(value)) for key, value in (params.get("LambdaInvocationAttributes") or {}).items()
        }
        self.result.lambda_calls.append(arn)
        try:
            response = self.invoke(arn, connect_event(self.contact, self.result.attributes, parameters))
        except Exception as exc:  # any failure of the function takes the error branch, as in Connect
            raise _ActionFailed(NO_MATCHING_ERROR, f"Lambda failed: {type(exc).__name__}") from exc
        if params.get("InvocationType") == "ASYNCHRONOUS":
            return  # no response to wait for: this action does not fill $.External
        response_type = (params.get("ResponseValidation") or {}).get("ResponseType", "STRING_MAP")
        if not isinstance(response, dict):
            raise _ActionFailed(NO_MATCHING_ERROR, "Lambda response is not an object")
        if response_type == "STRING_MAP" and not all(isinstance(v, str) for v in response.values()):
            raise _ActionFailed(NO_MATCHING_ERROR, "STRING_MAP response with a non-string value")
        self.external.clear()
        self.external.update({str(k): v if isinstance(v, str) else json.dumps(v) for k, v in response.items()})


def connect_event(contact: SimulatedContact, attributes: dict[str, str], parameters: dict[str, str]) -> dict[str, Any]:
    """The event Connect sends a Lambda function from a flow (as in tests/events/connect-lambda-event.json)."""
    return {
        "Details": {
            "ContactData": {
                "Attributes": dict(attributes),
                "Channel": "VOICE",
                "ContactId": contact.contact_id,
                "CustomerEndpoint": {"Address": contact.caller_number, "Type": "TELEPHONE_NUMBER"},
                "InitialContactId": contact.contact_id,
                "InitiationMethod": "INBOUND",
                "InstanceARN": contact.instance_arn,
                "LanguageCode": "sv-SE",
                "Name": "ContactFlowEvent",
                "PreviousContactId": contact.contact_id,
                "Queue": None,
                "SystemEndpoint": {"Address": contact.dialed_number, "Type": "TELEPHONE_NUMBER"},
            },
            "Parameters": dict(parameters),
        },
        "Name": "ContactFlowEvent",
    }


def inbound_simulator(invoker: LambdaInvoker, values: dict[str, str] | None = None) -> FlowSimulator:
    """The inbound flow with its agent whisper, ready to run simulated calls through `invoker`."""
    values = values or local_flow_values()
    whisper = load_flow(AGENT_WHISPER_FLOW, values)
    return FlowSimulator(load_flow(INBOUND_FLOW, values), invoker, {values["AgentWhisperFlowArn"]: whisper})


def transfer_simulator(values: dict[str, str] | None = None) -> FlowSimulator:
    """The external-transfer flow (quick connect "Koppla vidare"); it invokes no Lambda."""

    def no_lambda(arn: str, event: dict[str, Any]) -> Any:
        raise AssertionError(f"the transfer flow invokes no Lambda, yet called {arn}")

    return FlowSimulator(load_flow(EXTERNAL_TRANSFER_FLOW, values or local_flow_values()), no_lambda)


def simulate_transfer(
    kind: TransferKind,
    outcome: ThirdPartyOutcome,
    *,
    transfer_to: str | None,
    dialed_number: str,
    caller_number: str,
    values: dict[str, str] | None = None,
    attributes: dict[str, str] | None = None,
) -> FlowResult:
    """One quick-connect transfer: the attributes as the inbound flow and the workspace leave them
    (`attributes`: the contact's others), the leg's party as `kind` puts it; the result says what
    caller and operator each heard, and the contact's attributes after the flow."""
    attributes = {**(attributes or {}), DIALED_NUMBER_ATTRIBUTE: dialed_number, TRANSFER_MODE_ATTRIBUTE: kind.value}
    if transfer_to is not None:
        attributes[TRANSFER_TO_ATTRIBUTE] = transfer_to
    contact = SimulatedContact(
        dialed_number=dialed_number,
        caller_number=caller_number,
        attributes=attributes,
        third_party=outcome,
        consulting_operator=kind is TransferKind.RELAY,
    )
    return transfer_simulator(values).run(contact)
