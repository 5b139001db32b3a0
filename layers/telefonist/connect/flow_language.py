"""The Amazon Connect flow language as far as this project uses it, written from the reference.

One `ActionSpec` per action type: the parameter names it takes (any other name is a finding, as
`CreateContactFlow` answers `InvalidContactFlowException` for it), which are required, the shape of
each value (static, a single JSONPath, or free text with references), the error types the action
can take (every one must have a branch), its conditions, and the flow types it is allowed in. The
page each entry was written from is cited beside it. `check_flow` returns every finding of a flow
at once, so a test can say "0 unknown parameters, 0 undeclared error types".

Reference pages (Amazon Connect API Reference, "Actions in the flow language"; the same pages were
in the Administrator Guide until 2023, source in github.com/awsdocs/amazon-connect-admin-guide):
https://docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final

API_REFERENCE: Final = "https://docs.aws.amazon.com/connect/latest/APIReference/"
ADMIN_GUIDE: Final = "https://docs.aws.amazon.com/connect/latest/adminguide/"
# The Administrator Guide's source, where the flow-language pages lived until 2023; commit 04c9402
# ("Updated `Timeout` to `TimeLimit` parameters") renamed ThirdPartyConnectionTimeoutSeconds.
ADMIN_GUIDE_SOURCE: Final = (
    "https://github.com/awsdocs/amazon-connect-admin-guide/blob/04c9402ab304ecb2a9f5765e547be01fd12ffd68/doc_source/"
)

NO_MATCHING_ERROR: Final = "NoMatchingError"
NO_MATCHING_CONDITION: Final = "NoMatchingCondition"
MAX_IDENTIFIER_LENGTH: Final = 50  # flow-language-actions.html, "Identifier"


class Shape(Enum):
    """How a parameter value may use JSONPath (flow-language-actions-parameter-restrictions.html)."""

    STATIC = "must be defined statically"  # no JSONPath at all
    STATIC_OR_PATH = "static, or a single JSONPath identifier"  # "$.Attributes.x" as the whole value
    PATH = "a single JSONPath identifier"
    ANY = "static or dynamic"  # "Hej $.Attributes.name" is fine


class FlowType(Enum):
    """Flow types as the flow designer writes them in Metadata.type, with the API's FlowType."""

    INBOUND = "contactFlow"
    CUSTOMER_QUEUE = "customerQueue"
    CUSTOMER_HOLD = "customerHold"
    CUSTOMER_WHISPER = "customerWhisper"
    AGENT_HOLD = "agentHold"
    AGENT_WHISPER = "agentWhisper"
    OUTBOUND_WHISPER = "outboundWhisper"
    AGENT_TRANSFER = "agentTransfer"
    QUEUE_TRANSFER = "queueTransfer"


# CreateContactFlow's Type (API_CreateContactFlow.html) → the flow type in the content's Metadata.
FLOW_TYPE_OF_API_TYPE: Final = {
    "CONTACT_FLOW": FlowType.INBOUND,
    "CUSTOMER_QUEUE": FlowType.CUSTOMER_QUEUE,
    "CUSTOMER_HOLD": FlowType.CUSTOMER_HOLD,
    "CUSTOMER_WHISPER": FlowType.CUSTOMER_WHISPER,
    "AGENT_HOLD": FlowType.AGENT_HOLD,
    "AGENT_WHISPER": FlowType.AGENT_WHISPER,
    "OUTBOUND_WHISPER": FlowType.OUTBOUND_WHISPER,
    "AGENT_TRANSFER": FlowType.AGENT_TRANSFER,
    "QUEUE_TRANSFER": FlowType.QUEUE_TRANSFER,
}
ALL_FLOWS: Final = frozenset(FlowType)
WHISPER_FLOWS: Final = frozenset({FlowType.CUSTOMER_WHISPER, FlowType.AGENT_WHISPER, FlowType.OUTBOUND_WHISPER})
TRANSFER_FLOWS: Final = frozenset({FlowType.AGENT_TRANSFER, FlowType.QUEUE_TRANSFER})

# Condition operators (flow-language-actions.html, "List of Operators"): one string operand each.
OPERATORS: Final = frozenset(
    {
        "Equals",
        "TextStartsWith",
        "TextEndsWith",
        "TextContains",
        "NumberGreaterThan",
        "NumberGreaterOrEqualTo",
        "NumberLessThan",
        "NumberLessOrEqualTo",
    }
)
# The JSONPath identifiers this table (and the simulator) know; "$.BadValue is not okay"
# (flow-language-actions-parameter-restrictions.html).
_KEY = r"[A-Za-z0-9_\-]+"
JSONPATH: Final = re.compile(
    rf"\$\.(?:Attributes\.{_KEY}|External\.{_KEY}|CustomerEndpoint\.Address|SystemEndpoint\.Address)"
)
_ANY_REFERENCE = re.compile(r"\$\.[A-Za-z][A-Za-z0-9_.\-]*")
# Contact attribute keys: "only alphanumeric, dash, and underscore characters" (API_UpdateContactAttributes.html).
ATTRIBUTE_KEY: Final = re.compile(rf"^{_KEY}$")


@dataclass(frozen=True)
class Param:
    """One parameter: its JSONPath shape, whether it is required, and what a static value may be."""

    shape: Shape = Shape.ANY
    required: bool = False
    choices: frozenset[str] | None = None
    int_range: tuple[int, int] | None = None
    pattern: re.Pattern[str] | None = None
    fields: Mapping[str, Param] | None = None  # an object with these keys
    map_values: Param | None = None  # an object with free keys, each value of this kind
    map_keys: frozenset[str] | re.Pattern[str] | None = None
    max_entries: int | None = None


def _choices(*values: str) -> frozenset[str]:
    return frozenset(values)


@dataclass(frozen=True)
class ActionSpec:
    """What the reference says of one action type; `reference` is the page it was written from."""

    reference: str
    flow_types: frozenset[FlowType]
    params: Mapping[str, Param] = field(default_factory=dict)
    errors: frozenset[str] = frozenset()  # each must have a branch
    errors_when_continuing: frozenset[str] = frozenset()  # only with ContinueFlowExecution not "False"
    conditions: str = "none"  # "none", "any" (Compare) or "hours" (exactly Equals True / Equals False)
    exactly_one_of: frozenset[str] = frozenset()
    at_most_one_of: frozenset[str] = frozenset()
    terminal: bool = False

    def error_types(self, params: Mapping[str, Any]) -> frozenset[str]:
        if self.errors_when_continuing and params.get("ContinueFlowExecution") != "False":
            return self.errors | self.errors_when_continuing
        return self.errors


ACTIONS: Final[Mapping[str, ActionSpec]] = {
    "UpdateFlowLoggingBehavior": ActionSpec(
        reference=API_REFERENCE + "flow-control-actions-updateflowloggingbehavior.html",
        flow_types=ALL_FLOWS,
        params={"FlowLoggingBehavior": Param(Shape.STATIC, required=True, choices=_choices("Enabled", "Disabled"))},
    ),
    "UpdateContactTextToSpeechVoice": ActionSpec(
        # Errors: "NoMatchingError ... Must always be defined"; engines as in the Set voice block
        # (set-voice.html: standard, neural, generative) and in exported flows ("Neural").
        reference=API_REFERENCE + "contact-actions-updatecontacttexttospeechvoice.html",
        flow_types=ALL_FLOWS,
        params={
            "TextToSpeechVoice": Param(Shape.ANY, required=True),
            "TextToSpeechEngine": Param(Shape.ANY, choices=_choices("Standard", "Neural", "Generative")),
            "TextToSpeechStyle": Param(Shape.ANY, choices=_choices("None", "Conversational", "Newscaster")),
        },
        errors=frozenset({NO_MATCHING_ERROR}),
    ),
    "UpdateContactEventHooks": ActionSpec(
        reference=API_REFERENCE + "contact-actions-updatecontacteventhooks.html",
        flow_types=ALL_FLOWS,
        params={
            "EventHooks": Param(
                required=True,
                map_values=Param(Shape.STATIC_OR_PATH),
                map_keys=_choices(
                    "AgentHold",
                    "AgentWhisper",
                    "CustomerHold",
                    "CustomerQueue",
                    "CustomerRemaining",
                    "CustomerWhisper",
                    "DefaultAgentUI",
                    "DisconnectAgentUI",
                    "PauseContact",
                    "ResumeContact",
                ),
                max_entries=1,  # "Only one entry may be present in this map"
            )
        },
        errors=frozenset({NO_MATCHING_ERROR}),
    ),
    "InvokeLambdaFunction": ActionSpec(
        # InvocationType is not marked optional on the page, and exported flows carry "SYNCHRONOUS".
        reference=API_REFERENCE + "interactions-invokelambdafunction.html",
        flow_types=ALL_FLOWS,
        params={
            "LambdaFunctionARN": Param(Shape.ANY, required=True),
            "InvocationTimeLimitSeconds": Param(Shape.STATIC, required=True, int_range=(1, 8)),
            "InvocationType": Param(Shape.STATIC, required=True, choices=_choices("SYNCHRONOUS", "ASYNCHRONOUS")),
            "LambdaInvocationAttributes": Param(map_values=Param(Shape.ANY)),
            "ResponseValidation": Param(
                fields={"ResponseType": Param(Shape.STATIC, required=True, choices=_choices("STRING_MAP", "JSON"))}
            ),
        },
        errors=frozenset({NO_MATCHING_ERROR}),
    ),
    "UpdateContactAttributes": ActionSpec(
        reference=API_REFERENCE + "contact-actions-updatecontactattributes.html",
        flow_types=ALL_FLOWS,
        params={
            "Attributes": Param(required=True, map_values=Param(Shape.ANY), map_keys=ATTRIBUTE_KEY),
            "TargetContact": Param(Shape.STATIC, required=True, choices=_choices("Current", "Related")),
        },
        errors=frozenset({NO_MATCHING_ERROR}),
    ),
    "Compare": ActionSpec(
        reference=API_REFERENCE + "flow-control-actions-compare.html",
        flow_types=ALL_FLOWS,
        params={"ComparisonValue": Param(Shape.PATH, required=True)},
        errors=frozenset({NO_MATCHING_CONDITION}),
        conditions="any",
    ),
    "CheckHoursOfOperation": ActionSpec(
        # "available in inbound flows, transfer flows, and customer queue flows"
        reference=API_REFERENCE + "flow-control-actions-checkhoursofoperation.html",
        flow_types=frozenset({FlowType.INBOUND, FlowType.CUSTOMER_QUEUE}) | TRANSFER_FLOWS,
        params={"HoursOfOperationId": Param(Shape.STATIC_OR_PATH)},
        errors=frozenset({NO_MATCHING_ERROR}),
        conditions="hours",
    ),
    "MessageParticipant": ActionSpec(
        # "supported in contact flows, transfer flows, whisper flows, and customer queue flows"
        reference=API_REFERENCE + "participant-actions-messageparticipant.html",
        flow_types=frozenset({FlowType.INBOUND, FlowType.CUSTOMER_QUEUE}) | TRANSFER_FLOWS | WHISPER_FLOWS,
        params={
            "PromptId": Param(Shape.STATIC_OR_PATH),
            "Text": Param(Shape.ANY),
            "SSML": Param(Shape.ANY),
            "Media": Param(
                fields={
                    "Uri": Param(Shape.ANY, required=True),
                    "SourceType": Param(Shape.STATIC, required=True, choices=_choices("S3")),
                    "MediaType": Param(Shape.STATIC, required=True, choices=_choices("Audio")),
                }
            ),
        },
        errors=frozenset({NO_MATCHING_ERROR}),
        exactly_one_of=frozenset({"PromptId", "Text", "SSML", "Media"}),
    ),
    "UpdateContactTargetQueue": ActionSpec(
        # "supported only in contact flows and transfer flows"
        reference=API_REFERENCE + "contact-actions-updatecontacttargetqueue.html",
        flow_types=frozenset({FlowType.INBOUND}) | TRANSFER_FLOWS,
        params={"QueueId": Param(Shape.STATIC_OR_PATH), "AgentId": Param(Shape.STATIC_OR_PATH)},
        errors=frozenset({NO_MATCHING_ERROR}),
        at_most_one_of=frozenset({"QueueId", "AgentId"}),
    ),
    "TransferContactToQueue": ActionSpec(
        reference=API_REFERENCE + "contact-actions-transfercontacttoqueue.html",
        flow_types=frozenset({FlowType.INBOUND}) | TRANSFER_FLOWS,
        errors=frozenset({"QueueAtCapacity", NO_MATCHING_ERROR}),
    ),
    "TransferParticipantToThirdParty": ActionSpec(
        # The published page still prints "ThirdPartyConnectionTimeoutSeconds"; the guide's source fixed
        # it to ...TimeLimitSeconds (ADMIN_GUIDE_SOURCE, commit 04c9402), as exported flows spell it.
        # CallFailed and ConnectionTimeLimitExceeded: "Only supported when ContinueFlowExecution is True".
        reference=ADMIN_GUIDE_SOURCE + "participant-actions-transferparticipanttothirdparty.md",
        flow_types=frozenset({FlowType.INBOUND, FlowType.CUSTOMER_QUEUE}) | TRANSFER_FLOWS,
        params={
            "ThirdPartyPhoneNumber": Param(Shape.ANY),
            "ThirdPartyConnectionTimeLimitSeconds": Param(Shape.STATIC_OR_PATH, int_range=(0, 600)),
            "ContinueFlowExecution": Param(Shape.STATIC, choices=_choices("True", "False")),
            "ThirdPartyDTMFDigits": Param(Shape.STATIC_OR_PATH, pattern=re.compile(r"^[0-9,*#]{1,50}$")),
            "CallerId": Param(fields={"Number": Param(Shape.STATIC_OR_PATH), "Name": Param(Shape.ANY)}),
        },
        errors=frozenset({NO_MATCHING_ERROR}),
        errors_when_continuing=frozenset({"CallFailed", "ConnectionTimeLimitExceeded"}),
    ),
    "DisconnectParticipant": ActionSpec(
        # "supported for all channels and in contact flows, transfer flows, and customer queue flows"
        reference=API_REFERENCE + "participant-actions-disconnectparticipant.html",
        flow_types=frozenset({FlowType.INBOUND, FlowType.CUSTOMER_QUEUE}) | TRANSFER_FLOWS,
        terminal=True,
    ),
    "EndFlowExecution": ActionSpec(
        # "available only in whisper flows and customer queue flows"
        reference=API_REFERENCE + "flow-control-actions-endflowexecution.html",
        flow_types=WHISPER_FLOWS | {FlowType.CUSTOMER_QUEUE},
        terminal=True,
    ),
}

# Amazon Polly voices the flows may name, with the engines each supports: Elin (sv-SE) is a
# neural-only voice ("Neural TTS", https://docs.aws.amazon.com/polly/latest/dg/NTTS-main.html);
# Astrid (sv-SE) is standard-only (voicelist.html); Joanna is Connect's default voice.
POLLY_VOICES: Final[Mapping[str, frozenset[str]]] = {
    "Elin": frozenset({"Neural"}),
    "Astrid": frozenset({"Standard"}),
    "Joanna": frozenset({"Standard", "Neural", "Generative"}),
}


def flow_type_of(flow: Mapping[str, Any]) -> FlowType | None:
    """The flow's type from Metadata.type (an inbound flow when absent); None when unknown."""
    name = (flow.get("Metadata") or {}).get("type", FlowType.INBOUND.value)
    try:
        return FlowType(name)
    except ValueError:
        return None


def check_flow(flow: Mapping[str, Any]) -> list[str]:
    """Every way the flow's actions differ from the table; an empty list means none found."""
    findings: list[str] = []
    flow_type = flow_type_of(flow)
    if flow_type is None:
        findings.append(f"flow: unknown Metadata.type {(flow.get('Metadata') or {}).get('type')!r}")
    for action in flow.get("Actions") or []:
        identifier = action.get("Identifier", "?")
        if len(str(identifier)) > MAX_IDENTIFIER_LENGTH:  # "can be up to 50 characters long"
            findings.append(f"action {identifier}: Identifier longer than {MAX_IDENTIFIER_LENGTH} characters")
        spec = ACTIONS.get(action.get("Type", ""))
        if spec is None:
            findings.append(f"action {identifier}: unknown action type {action.get('Type')!r}")
            continue
        findings += [f"action {identifier}: {finding}" for finding in check_action(action, spec, flow_type)]
    return findings


def check_action(action: Mapping[str, Any], spec: ActionSpec, flow_type: FlowType | None) -> list[str]:
    """The findings for one action against its table entry (parameters, errors, conditions, flow type)."""
    kind = action["Type"]
    params = action.get("Parameters")
    findings: list[str] = []
    if not isinstance(params, Mapping):
        return [f"{kind} needs a Parameters object"]
    if flow_type is not None and flow_type not in spec.flow_types:
        findings.append(f"{kind} is not allowed in a {flow_type.value} flow")
    findings += _check_object(kind, params, spec.params)
    present = spec.exactly_one_of & params.keys()
    if spec.exactly_one_of and len(present) != 1:
        findings.append(f"{kind} takes exactly one of {', '.join(sorted(spec.exactly_one_of))}")
    if len(spec.at_most_one_of & params.keys()) > 1:
        findings.append(f"{kind} takes at most one of {', '.join(sorted(spec.at_most_one_of))}")
    findings += _check_transitions(kind, action.get("Transitions") or {}, spec, params)
    if kind == "UpdateContactTextToSpeechVoice":
        findings += _check_voice(params)
    return findings


def _check_object(where: str, value: Mapping[str, Any], fields: Mapping[str, Param]) -> list[str]:
    findings = [f"{where} has no parameter {name!r}" for name in value if name not in fields]
    findings += [f"{where} needs {name}" for name, param in fields.items() if param.required and name not in value]
    for name, param in fields.items():
        if name in value:
            findings += _check_value(f"{where}.{name}", value[name], param)
    return findings


def _check_value(where: str, value: Any, param: Param) -> list[str]:
    if param.fields is not None or param.map_values is not None:
        if not isinstance(value, Mapping):
            return [f"{where} must be an object"]
        if param.fields is not None:
            return _check_object(where, value, param.fields)
        return _check_map(where, value, param)
    if not isinstance(value, str):
        return [f'{where} must be a string (the flow language writes "25" and "True"), not {value!r}']
    findings = _check_shape(where, value, param.shape)
    static = not _ANY_REFERENCE.search(value)
    if static and param.choices is not None and value not in param.choices:
        findings.append(f"{where} is {value!r}, not one of {', '.join(sorted(param.choices))}")
    if static and param.int_range is not None:
        low, high = param.int_range
        if not value.isdigit() or not low <= int(value) <= high:
            findings.append(f"{where} must be an integer from {low} to {high}, not {value!r}")
    if static and param.pattern is not None and not param.pattern.match(value):
        findings.append(f"{where} {value!r} does not match {param.pattern.pattern}")
    return findings


def _check_map(where: str, value: Mapping[str, Any], param: Param) -> list[str]:
    findings: list[str] = []
    if param.max_entries is not None and len(value) > param.max_entries:
        findings.append(f"{where} takes at most {param.max_entries} entries")
    for key, item in value.items():
        if isinstance(param.map_keys, frozenset) and key not in param.map_keys:
            findings.append(f"{where} has no key {key!r}")
        elif isinstance(param.map_keys, re.Pattern) and not param.map_keys.match(key):
            findings.append(f"{where} key {key!r} does not match {param.map_keys.pattern}")
        assert param.map_values is not None
        findings += _check_value(f"{where}.{key}", item, param.map_values)
    return findings


def _check_shape(where: str, value: str, shape: Shape) -> list[str]:
    references = _ANY_REFERENCE.findall(value)
    unknown = [r for r in references if not JSONPATH.fullmatch(r)]
    if unknown:
        return [f"{where} refers to {', '.join(unknown)}, not a JSONPath this table knows"]
    if shape is Shape.STATIC and references:
        return [f"{where} {shape.value}: {value!r}"]
    whole = JSONPATH.fullmatch(value) is not None
    if shape is Shape.STATIC_OR_PATH and references and not whole:
        return [f"{where} must be {shape.value}: {value!r}"]
    if shape is Shape.PATH and not whole:
        return [f"{where} must be {shape.value}: {value!r}"]
    return []


def _check_transitions(
    kind: str, transitions: Mapping[str, Any], spec: ActionSpec, params: Mapping[str, Any]
) -> list[str]:
    if spec.terminal:
        return [f"{kind} ends the flow and takes no transitions"] if transitions else []
    findings: list[str] = []
    unknown = set(transitions) - {"NextAction", "Errors", "Conditions"}
    findings += [f"{kind} transitions have no field {name!r}" for name in sorted(unknown)]
    allowed = spec.error_types(params)
    declared = [e.get("ErrorType") for e in transitions.get("Errors") or []]
    findings += [f"{kind} has no error {error!r}" for error in declared if error not in allowed]
    findings += [
        f"{kind} declares error {error!r} twice" for error in sorted(set(declared)) if declared.count(error) > 1
    ]
    findings += [f"{kind} leaves error {error!r} without a branch" for error in sorted(allowed - set(declared))]
    findings += _check_conditions(kind, transitions.get("Conditions") or [], spec.conditions)
    return findings


def _check_conditions(kind: str, conditions: list[Any], allowed: str) -> list[str]:
    if allowed == "none":
        return [f"{kind} supports no conditions"] if conditions else []
    findings: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for branch in conditions:
        condition = branch.get("Condition") or {}
        operator, operands = condition.get("Operator"), condition.get("Operands")
        if operator not in OPERATORS:
            findings.append(f"{kind} has no condition operator {operator!r}")
        if not isinstance(operands, list) or len(operands) != 1 or not isinstance(operands[0], str):
            findings.append(f"{kind} condition {operator} takes one string operand, not {operands!r}")
        else:
            seen.add((str(operator), operands[0]))
    if allowed == "hours" and seen != {("Equals", "True"), ("Equals", "False")}:
        findings.append(f"{kind} needs exactly the conditions Equals True and Equals False")
    return findings


def _check_voice(params: Mapping[str, Any]) -> list[str]:
    voice, engine = params.get("TextToSpeechVoice"), params.get("TextToSpeechEngine", "Standard")
    engines = POLLY_VOICES.get(str(voice))
    if engines is not None and engine not in engines:
        return [f"voice {voice} has no {engine} engine (it has {', '.join(sorted(engines))})"]
    return []
