"""The routing record: what the inbound call path needs for a dialed number, in one item."""

from __future__ import annotations

from pydantic import Field

from telefonist.models.base import DomainModel
from telefonist.models.common_number import GeneralInformation, OpeningHours
from telefonist.models.status import TenantStatus
from telefonist.models.types import NonEmptyStr, PhoneNumber, Slug, TenantId, UtcDatetime

MAX_OFFICE_SUMMARY_CHARS = 500
MAX_DOOR_CODE_OFFICES = 20  # a customer has at most 20 offices


class Route(DomainModel):
    """Dialed number → customer, common number and script, denormalised so a call costs one read.

    The self-service side rebuilds it whenever the tenant, the common number or an office
    changes. It never holds door codes: whatever the flow sets ends up in the CTR.
    """

    phone_number: PhoneNumber
    tenant_id: TenantId
    tenant_name: NonEmptyStr
    tenant_status: TenantStatus = TenantStatus.ACTIVE
    common_number_id: Slug
    common_number_name: NonEmptyStr
    info: GeneralInformation
    opening_hours: OpeningHours = Field(default_factory=OpeningHours)
    office_summary: str = Field(default="", max_length=MAX_OFFICE_SUMMARY_CHARS)
    # Ids of the offices that have door codes (never the codes): the operator may reveal them on request.
    door_code_offices: list[Slug] = Field(default_factory=list, max_length=MAX_DOOR_CODE_OFFICES)
    updated_at: UtcDatetime | None = None
