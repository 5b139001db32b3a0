"""The part of an Amazon Connect contact trace record (CTR) that rating reads.

Only the fields the rules of spec/tariffs.md use are modelled; every other field of the record
is ignored (`extra="ignore"`), so a CTR format with more fields still parses, and the hot path
does not validate what it never reads. Field names are Connect's, as aliases.

Two readers, one result (`CtrFacts`, what rating reads). The hot path (`read_ctr`: the rating
function, `telefonist rate`, `rerate`) decodes JSON with msgspec into typed structs (timestamps
and non-negative durations are parsed and checked in msgspec's C decoder) and checks the rest
in a few lines of Python; it only accepts what the pydantic model accepts, in the common form
Connect writes (RFC 3339 timestamps, plain integers). Anything else, a bad record above all, goes
to the pydantic model, which decides and names the reason: a record is accepted or rejected
exactly as before, with the same reason, at a fifth of the cost.

A fraction of a second finer than a microsecond (Connect writes none) is rounded to the nearest
microsecond by both readers: msgspec rounds, and the model's timestamps round the same way
(`_whole_microseconds`) instead of pydantic's truncation, so the two never differ.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, NamedTuple

import msgspec
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, NonNegativeInt, ValidationError

# A ContactId becomes part of an S3 key: Connect's are UUIDs; anything else that is safe is kept.
CONTACT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
_TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

# The moments a CTR can name. Outside them a record is a poison one, quarantined (spec §8): at the
# edges of Python's calendar the conversion to Stockholm time overflows, and a LastUpdateTimestamp
# in year 9999 would win the ledger forever, so that no real version of the contact could replace
# it. Checked by pydantic-core while parsing, with the zone's offset applied.
EARLIEST_CTR_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)
END_OF_CTR_MOMENTS = datetime(2100, 1, 1, tzinfo=UTC)
CTR_YEARS = f"{EARLIEST_CTR_MOMENT.year}-{END_OF_CTR_MOMENTS.year - 1}"
_FINER_THAN_MICROSECONDS = re.compile(r"[.,]\d{7}")
_MOMENT = Annotated[datetime, msgspec.Meta(tz=True)]  # msgspec's RFC 3339, a zone required


def _whole_microseconds(value: object) -> object:
    """A timestamp with more than six digits of fraction, read as the hot path's msgspec reads it
    (rounded to the microsecond) where pydantic would truncate; pydantic decides everything else."""
    if isinstance(value, str) and _FINER_THAN_MICROSECONDS.search(value):
        try:
            return msgspec.convert(value, _MOMENT)
        except msgspec.ValidationError:
            pass
    return value


CtrMoment = Annotated[
    AwareDatetime,
    BeforeValidator(_whole_microseconds),
    Field(ge=EARLIEST_CTR_MOMENT, lt=END_OF_CTR_MOMENTS),
]


class _CtrPart(BaseModel):
    # defer_build: the schema is built on the first record the hot path hands over, not at import
    # (~50 ms of the rating function's cold start, which the common record never needs)
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class CtrAgent(_CtrPart):
    connected_at: CtrMoment | None = Field(default=None, alias="ConnectedToAgentTimestamp")
    interaction_seconds: NonNegativeInt | None = Field(default=None, alias="AgentInteractionDuration")
    after_contact_work_seconds: NonNegativeInt | None = Field(default=None, alias="AfterContactWorkDuration")


class CtrEndpoint(_CtrPart):
    address: str | None = Field(default=None, alias="Address")


class CtrQueue(_CtrPart):
    name: str | None = Field(default=None, alias="Name")


class ContactTraceRecord(_CtrPart):
    """A CTR as rating sees it. Timestamps must carry a zone (Connect writes UTC with a `Z`)."""

    contact_id: str = Field(alias="ContactId", pattern=CONTACT_ID_PATTERN)
    initiation_method: str | None = Field(default=None, alias="InitiationMethod")
    last_updated: CtrMoment = Field(alias="LastUpdateTimestamp")
    agent: CtrAgent | None = Field(default=None, alias="Agent")
    attributes: dict[str, Any] | None = Field(default=None, alias="Attributes")
    system_endpoint: CtrEndpoint | None = Field(default=None, alias="SystemEndpoint")
    queue: CtrQueue | None = Field(default=None, alias="Queue")
    transfer_completed_at: CtrMoment | None = Field(default=None, alias="TransferCompletedTimestamp")
    transferred_to: dict[str, Any] | None = Field(default=None, alias="TransferredToEndpoint")

    @property
    def dialed_number(self) -> str | None:
        return self.system_endpoint.address if self.system_endpoint else None

    @property
    def queue_name(self) -> str | None:
        return self.queue.name if self.queue else None

    @property
    def tenant_attribute(self) -> str | None:
        """The `tenant_id` contact attribute the flow sets, if it is a well-formed tenant id."""
        return _tenant_attribute((self.attributes or {}).get("tenant_id"))

    def facts(self) -> CtrFacts:
        agent = self.agent
        return CtrFacts(
            contact_id=self.contact_id,
            last_updated=self.last_updated,
            initiation_method=self.initiation_method,
            connected_at=agent.connected_at if agent else None,
            interaction_seconds=agent.interaction_seconds if agent else None,
            after_contact_work_seconds=agent.after_contact_work_seconds if agent else None,
            tenant_attribute=self.tenant_attribute,
            dialed_number=self.dialed_number,
            queue_name=self.queue_name,
            transferred=self.transfer_completed_at is not None or self.transferred_to is not None,
        )


def _tenant_attribute(value: object) -> str | None:
    return value if isinstance(value, str) and _TENANT_ID.match(value) else None


class CtrFacts(NamedTuple):
    """What rating reads of a valid CTR (from either reader: see the module)."""

    contact_id: str
    last_updated: datetime
    initiation_method: str | None
    connected_at: datetime | None
    interaction_seconds: int | None
    after_contact_work_seconds: int | None
    tenant_attribute: str | None
    dialed_number: str | None
    queue_name: str | None
    transferred: bool  # TransferCompletedTimestamp or TransferredToEndpoint present


class MalformedRecord(ValueError):
    """A record that cannot be rated: the reason names the field (spec §8)."""


_TIMESTAMP_ERRORS = {"datetime_parsing", "datetime_from_date_parsing", "datetime_type", "timezone_aware"}
_BOUND_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def describe_validation_error(exc: ValidationError) -> str:
    """One short, specific reason for the first problem of a record (never echoes its content)."""
    error = exc.errors(include_url=False, include_input=False)[0]
    kind = error["type"]
    where = ".".join(str(part) for part in error["loc"])
    if kind in {"json_invalid", "json_type"}:
        return "not valid JSON"
    if kind == "model_type" and not error["loc"]:
        return "not a JSON object"
    if kind == "missing":
        return f"missing {where}"
    if kind in _TIMESTAMP_ERRORS:
        return f"unreadable timestamp in {where}"
    if kind in _BOUND_ERRORS and where.endswith("Timestamp"):
        return f"timestamp out of range in {where} (years {CTR_YEARS})"
    if where == "ContactId":
        return "ContactId is not a valid contact id"
    return f"invalid {where}: {error['msg']}"


def parse_ctr(raw: bytes | str | dict[str, Any]) -> ContactTraceRecord:
    """Parse one CTR (JSON bytes or text, or an already decoded object); MalformedRecord if bad.

    JSON text goes straight to pydantic-core's parser, which skips unused fields without building
    Python objects for them: that keeps rating close to the cost of `json.loads` alone.
    """
    try:
        if isinstance(raw, dict):
            return ContactTraceRecord.model_validate(raw)
        return ContactTraceRecord.model_validate_json(raw)
    except ValidationError as exc:
        raise MalformedRecord(describe_validation_error(exc)) from None


# ---------------------------------------------------------------- the hot path (see the module)
_Seconds = Annotated[int, msgspec.Meta(ge=0)]


class _JsonAgent(msgspec.Struct):
    ConnectedToAgentTimestamp: _MOMENT | None = None
    AgentInteractionDuration: _Seconds | None = None
    AfterContactWorkDuration: _Seconds | None = None


class _JsonEndpoint(msgspec.Struct):
    Address: str | None = None


class _JsonQueue(msgspec.Struct):
    Name: str | None = None


class _JsonAttributes(msgspec.Struct):
    tenant_id: Any = None


class _JsonObject(msgspec.Struct):
    """Any JSON object (rating only asks whether it is there)."""


class _JsonCtr(msgspec.Struct):
    ContactId: str
    LastUpdateTimestamp: _MOMENT
    InitiationMethod: str | None = None
    Agent: _JsonAgent | None = None
    Attributes: _JsonAttributes | None = None
    SystemEndpoint: _JsonEndpoint | None = None
    Queue: _JsonQueue | None = None
    TransferCompletedTimestamp: _MOMENT | None = None
    TransferredToEndpoint: _JsonObject | None = None


_DECODER = msgspec.json.Decoder(_JsonCtr)
_new_facts = tuple.__new__
# fullmatch: unlike Python's `$`, a trailing newline does not match (as in pydantic's patterns)
_CONTACT_ID = re.compile(CONTACT_ID_PATTERN.removeprefix("^").removesuffix("$"))
# Tenant ids repeat (a few hundred customers): each distinct attribute value is checked once.
_TENANT_ATTRIBUTES: dict[str, str | None] = {}
_TENANT_ATTRIBUTES_HELD = 4096


class _NotCommon(Exception):
    """Not in the common form: the pydantic model decides (and names what is wrong)."""


def _in_range(moment: datetime) -> bool:
    # within a day of the bounds the offset decides: compare the moments (else the year is enough)
    return 2000 < moment.year < 2099 or EARLIEST_CTR_MOMENT <= moment < END_OF_CTR_MOMENTS


def _tenant_of(value: object) -> str | None:
    if type(value) is not str:
        return None
    held = _TENANT_ATTRIBUTES.get(value, _NotCommon)
    if held is _NotCommon:
        held = _tenant_attribute(value)
        if len(_TENANT_ATTRIBUTES) < _TENANT_ATTRIBUTES_HELD:
            _TENANT_ATTRIBUTES[value] = held
    return held  # type: ignore[return-value]


def _common_facts(raw: bytes | str) -> CtrFacts:
    record = _DECODER.decode(raw)
    if _CONTACT_ID.fullmatch(record.ContactId) is None:
        raise _NotCommon
    last_updated = record.LastUpdateTimestamp
    completed = record.TransferCompletedTimestamp
    agent = record.Agent
    if agent is None:
        connected = talk = after_work = None
    else:
        connected = agent.ConnectedToAgentTimestamp
        talk, after_work = agent.AgentInteractionDuration, agent.AfterContactWorkDuration
        if connected is not None and not _in_range(connected):
            raise _NotCommon
    if not _in_range(last_updated) or (completed is not None and not _in_range(completed)):
        raise _NotCommon
    attributes, endpoint, queue = record.Attributes, record.SystemEndpoint, record.Queue
    return _new_facts(  # positional, in CtrFacts' order (a keyword call costs a microsecond more)
        CtrFacts,
        (
            record.ContactId,
            last_updated,
            record.InitiationMethod,
            connected,
            talk,
            after_work,
            None if attributes is None else _tenant_of(attributes.tenant_id),
            None if endpoint is None else endpoint.Address,
            None if queue is None else queue.Name,
            completed is not None or record.TransferredToEndpoint is not None,
        ),
    )


def read_ctr(raw: bytes | str | dict[str, Any]) -> CtrFacts:
    """What rating reads of one CTR (see the module); MalformedRecord naming the field if bad."""
    if not isinstance(raw, dict):
        try:
            return _common_facts(raw)
        except (msgspec.DecodeError, _NotCommon):
            pass
    return parse_ctr(raw).facts()
