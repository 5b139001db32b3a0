"""The part of an Amazon Connect contact trace record (CTR) that rating reads.

Only the fields the rules of spec/tariffs.md use are modelled; every other field of the record
is ignored (`extra="ignore"`), so a CTR format with more fields still parses, and the hot path
does not validate what it never reads. Field names are Connect's, as aliases.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, NonNegativeInt, ValidationError

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
CtrMoment = Annotated[AwareDatetime, Field(ge=EARLIEST_CTR_MOMENT, lt=END_OF_CTR_MOMENTS)]


class _CtrPart(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


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
        value = (self.attributes or {}).get("tenant_id")
        return value if isinstance(value, str) and _TENANT_ID.match(value) else None


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
