"""Domain models of the switchboard: tenants, common numbers, offices, people, referrals, prices."""

from telefonist.models.common_number import (
    CommonNumber,
    Contact,
    FaqEntry,
    GeneralInformation,
    OpeningHours,
    TemporaryInformation,
)
from telefonist.models.directory import Directory, MessagePreference, Person, PersonPhone, PhoneKind, Referral
from telefonist.models.office import Address, DoorCode, Office
from telefonist.models.price_list import PriceBook, PriceList
from telefonist.models.route import Route
from telefonist.models.tenant import ClaimedNumber, Tenant, TenantStatus

__all__ = [
    "Address",
    "ClaimedNumber",
    "CommonNumber",
    "Contact",
    "Directory",
    "DoorCode",
    "FaqEntry",
    "GeneralInformation",
    "MessagePreference",
    "Office",
    "OpeningHours",
    "Person",
    "PersonPhone",
    "PhoneKind",
    "PriceBook",
    "PriceList",
    "Referral",
    "Route",
    "TemporaryInformation",
    "Tenant",
    "TenantStatus",
]
