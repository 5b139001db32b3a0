"""An offline interpreter of the Amazon Connect flow language, for the actions this project's flows use.

It validates a flow (unknown action type, dangling transition, a branch the action cannot take)
and runs it for a simulated contact: contact attributes, the target queue, prompts played, event
hooks (the agent whisper is run too when its flow is given), Lambda invocations through an
injected invoker, and the path of action ids. Semantics follow the flow-language reference
(docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html): an action takes
the branch of the first matching Condition, else its error branch; a failure takes the Errors
entry of its type, else NoMatchingError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

LambdaInvoker = Callable[[str, dict[str, Any]], Any]
"""(function ARN, Connect event) → the function's response; raising means the invocation failed."""

MAX_ATTRIBUTE_BYTES: Final = 32_768
MAX_STEPS: Final = 200
NO_MATCHING_ERROR: Final = "NoMatchingError"
NO_MATCHING_CONDITION: Final = "NoMatchingCondition"

# Action type → the error types it may declare (flow-language reference, per action).
ERRORS_OF: Final[dict[str, frozenset[str]]] = {
    "UpdateFlowLoggingBehavior": frozenset(),
    "UpdateContactEventHooks": frozenset({NO_MATCHING_ERROR}),
    "InvokeLambdaFunction": frozenset({NO_MATCHING_ERROR}),
    "UpdateContactAttributes": frozenset({NO_MATCHING_ERROR}),
    "Compare": frozenset({NO_MATCHING_CONDITION}),
    "CheckHoursOfOperation": frozenset({NO_MATCHING_ERROR}),
    "MessageParticipant": frozenset({NO_MATCHING_ERROR}),
    "UpdateContactTargetQueue": frozenset({NO_MATCHING_ERROR}),
    "TransferContactToQueue": frozenset({"QueueAtCapacity", NO_MATCHING_ERROR}),
    "TransferParticipantToThirdParty": frozenset({NO_MATCHING_ERROR}),
    "DisconnectParticipant": frozenset(),
    "EndFlowExecution": frozenset(),
}
SUPPORTED_ACTIONS: Final = frozenset(ERRORS_OF)
# Actions a flow type may not use (the "Restrictions" of each action in the reference); the type is
# read from the flow's Metadata.type, as the flow designer writes it.
NOT_IN_FLOW_TYPE: Final[dict[str, frozenset[str]]] = {
    "agentWhisper": frozenset(
        {
            "CheckHoursOfOperation",
            "UpdateContactTargetQueue",
            "TransferContactToQueue",
            "TransferParticipantToThirdParty",
            "DisconnectParticipant",
        }
    ),
}
TERMINAL_ACTIONS: Final = frozenset({"DisconnectParticipant", "EndFlowExecution"})
_PATH = re.compile(r"\$\.(External|Attributes)\.([A-Za-z0-9_\-]+)|\$\.(CustomerEndpoint|SystemEndpoint)\.Address")
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


class FlowValidationError(ValueError):
    """The flow is not one the simulator (or Connect) would accept; the message names the action."""


class _ActionFailed(Exception):
    def __init__(self, error_type: str, detail: str) -> None:
        super().__init__(detail)
        self.error_type = error_type


@dataclass
class SimulatedContact:
    """A caller dialing a number; `operators_open` is what CheckHoursOfOperation answers."""

    dialed_number: str
    caller_number: str
    contact_id: str = "00000000-0000-4000-8000-000000000001"
    instance_arn: str = "arn:aws:connect:eu-central-1:111122223333:instance/simulated"
    attributes: dict[str, str] = field(default_factory=dict)
    operators_open: bool = True
    queue_at_capacity: bool = False
    third_party_answers: bool = True


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
    disconnected: bool = False
    ended: bool = False

    @property
    def reached_operator_queue(self) -> bool:
        return self.queued_to is not None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def validate_flow(flow: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Check a flow and return its actions by id; raise FlowValidationError naming the problem."""
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
        kind = action.get("Type")
        if kind not in SUPPORTED_ACTIONS:
            raise FlowValidationError(f"action {identifier}: unknown action type {kind!r}")
        actions[identifier] = action
    flow_type = (flow.get("Metadata") or {}).get("type", "contactFlow")
    for identifier, action in actions.items():
        if action["Type"] in NOT_IN_FLOW_TYPE.get(flow_type, frozenset()):
            raise FlowValidationError(f"action {identifier}: {action['Type']} is not allowed in a {flow_type} flow")
    start = flow.get("StartAction")
    if start not in actions:
        raise FlowValidationError(f"StartAction {start!r} is not an action of the flow")
    for identifier, action in actions.items():
        _validate_action(identifier, action, actions)
    return actions


def _validate_action(identifier: str, action: dict[str, Any], actions: dict[str, dict[str, Any]]) -> None:
    kind = action["Type"]
    transitions = action.get("Transitions") or {}
    params = action.get("Parameters") or {}
    if kind in TERMINAL_ACTIONS:
        if transitions.get("NextAction") or transitions.get("Errors") or transitions.get("Conditions"):
            raise FlowValidationError(f"action {identifier}: {kind} ends the flow and takes no transitions")
        return
    targets = [transitions.get("NextAction")]
    targets += [c.get("NextAction") for c in _as_list(transitions.get("Conditions"))]
    targets += [e.get("NextAction") for e in _as_list(transitions.get("Errors"))]
    for target in targets:
        if target is not None and target not in actions:
            raise FlowValidationError(f"action {identifier}: transition to {target!r}, which is not an action")
    if not any(targets):
        raise FlowValidationError(f"action {identifier}: no transition out of a {kind}")
    for error in _as_list(transitions.get("Errors")):
        if error.get("ErrorType") not in ERRORS_OF[kind]:
            raise FlowValidationError(f"action {identifier}: {kind} has no error {error.get('ErrorType')!r}")
    if kind == "CheckHoursOfOperation":
        operands = {tuple(c["Condition"]["Operands"]) for c in _as_list(transitions.get("Conditions"))}
        if operands != {("True",), ("False",)}:
            raise FlowValidationError(f"action {identifier}: CheckHoursOfOperation needs True and False branches")
    if kind == "MessageParticipant" and sum(k in params for k in ("Text", "SSML", "PromptId", "Media")) != 1:
        raise FlowValidationError(f"action {identifier}: exactly one of Text, SSML, PromptId, Media")
    if kind == "InvokeLambdaFunction":
        limit = int(params.get("InvocationTimeLimitSeconds", "0"))
        if not 1 <= limit <= 8 or not params.get("LambdaFunctionARN"):
            raise FlowValidationError(f"action {identifier}: a Lambda ARN and a time limit of 1 to 8 s are required")
    if kind == "UpdateContactAttributes" and params.get("TargetContact") not in ("Current", "Related"):
        raise FlowValidationError(f"action {identifier}: TargetContact must be Current or Related")


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
        _Execution(self._actions, contact, result, self._invoke).run(self._flow["StartAction"])
        whisper_arn = result.event_hooks.get("AgentWhisper")
        if result.queued_to and whisper_arn in self._flows_by_arn:
            whisper = self._flows_by_arn[whisper_arn]
            heard = FlowResult(attributes=dict(result.attributes))
            _Execution(validate_flow(whisper), contact, heard, self._invoke).run(whisper["StartAction"])
            result.whisper = heard.messages
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
            number = self.resolve(params["ThirdPartyPhoneNumber"])
            caller_id = params.get("CallerId", {}).get("Number")
            result.caller_id_presented = self.resolve(caller_id) if caller_id else None
            if not contact.third_party_answers:
                raise _ActionFailed(NO_MATCHING_ERROR, "third party did not answer")
            result.transferred_to_number = number
            return _Outcome(stop=params.get("ContinueFlowExecution") == "False")
        if kind == "DisconnectParticipant":
            result.disconnected = True
            return _Outcome(stop=True)
        if kind == "EndFlowExecution":
            result.ended = True
            return _Outcome(stop=True)
        raise FlowValidationError(f"unknown action type {kind!r}")  # validate_flow stops this earlier

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
