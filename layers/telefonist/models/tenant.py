"""A customer company (tenant) and the numbers claimed for it."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from telefonist.models.base import DomainModel
from telefonist.models.status import TenantStatus
from telefonist.models.types import NonEmptyStr, PhoneNumber, Slug, TenantId, UtcDatetime


class ClaimedNumber(DomainModel):
    """A phone number claimed in Amazon Connect and routed to one common number of a tenant."""

    phone_number: PhoneNumber
    common_number_id: Slug
    connect_phone_number_id: str | None = None
    claimed_at: UtcDatetime | None = None


class Tenant(DomainModel):
    """A customer of the switchboard: its own number(s), script, directory and bill."""

    tenant_id: TenantId
    name: NonEmptyStr
    status: TenantStatus = TenantStatus.ACTIVE
    claimed_numbers: list[ClaimedNumber] = Field(default_factory=list, max_length=50)
    created_at: datetime | None = None
