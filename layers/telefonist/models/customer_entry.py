"""A customer as the operators' list shows it: who, and the numbers callers dial to reach it."""

from __future__ import annotations

from pydantic import Field

from telefonist.models.base import DomainModel
from telefonist.models.status import TenantStatus
from telefonist.models.types import NonEmptyStr, PhoneNumber, ShortText, TenantId


class CustomerNumber(DomainModel):
    """One of the customer's numbers and the common number it is answered as ("Växel", "Support")."""

    phone_number: PhoneNumber
    common_number_name: ShortText = ""


class CustomerEntry(DomainModel):
    """The list entry of one customer, written with its configuration (never door codes or people)."""

    tenant_id: TenantId
    name: NonEmptyStr
    status: TenantStatus = TenantStatus.ACTIVE
    numbers: list[CustomerNumber] = Field(default_factory=list, max_length=50)
