"""Domain models of the switchboard: tenants, common numbers, offices, people, referrals, prices.

Names load lazily (PEP 562): the inbound call path imports only the route model, which keeps
the contact-flow function's cold start short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telefonist.lazy import lazy_exports

if TYPE_CHECKING:
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
    from telefonist.models.status import TenantStatus
    from telefonist.models.tenant import ClaimedNumber, Tenant

_MODULES = {
    "Address": "telefonist.models.office",
    "ClaimedNumber": "telefonist.models.tenant",
    "CommonNumber": "telefonist.models.common_number",
    "Contact": "telefonist.models.common_number",
    "Directory": "telefonist.models.directory",
    "DoorCode": "telefonist.models.office",
    "FaqEntry": "telefonist.models.common_number",
    "GeneralInformation": "telefonist.models.common_number",
    "MessagePreference": "telefonist.models.directory",
    "Office": "telefonist.models.office",
    "OpeningHours": "telefonist.models.common_number",
    "Person": "telefonist.models.directory",
    "PersonPhone": "telefonist.models.directory",
    "PhoneKind": "telefonist.models.directory",
    "PriceBook": "telefonist.models.price_list",
    "PriceList": "telefonist.models.price_list",
    "Referral": "telefonist.models.directory",
    "Route": "telefonist.models.route",
    "TemporaryInformation": "telefonist.models.common_number",
    "Tenant": "telefonist.models.tenant",
    "TenantStatus": "telefonist.models.status",
}
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

__getattr__ = lazy_exports(__name__, _MODULES)
