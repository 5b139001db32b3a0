"""Key design of the customer table (single table). See docs/data-model.md.

Sort keys within a tenant partition sort as: `#PROFILE` < `AUDIT#…` < `COMMON#…` < `OFFICE#…`
< `PERSON##META` < `PERSON#<id>` < `PERSON#<id>#REF#<id>`, so one query fetches a whole
concern: the configuration (`sk < "P"` minus audit), or the directory (`begins_with PERSON#`).
"""

from __future__ import annotations

PROFILE_SK = "#PROFILE"
DIRECTORY_META_SK = "PERSON##META"
ROUTE_SK = "ROUTE"
OWNER_SK = "OWNER"  # NUMBER#<e164> / OWNER: the one tenant a phone number belongs to
PRICE_LIST_PK = "PRICELIST"
# The operators' list of customers: one small item per tenant (`CUSTOMERS` / `TENANT#<id>`), written
# with the tenant's configuration, so the list is one query and needs no scan of the table.
CUSTOMER_LIST_PK = "CUSTOMERS"
AUDIT_PREFIX = "AUDIT#"


def tenant_pk(tenant_id: str) -> str:
    return f"TENANT#{tenant_id}"


def customer_entry_sk(tenant_id: str) -> str:
    return tenant_pk(tenant_id)


def number_pk(phone_number: str) -> str:
    return f"NUMBER#{phone_number}"


def common_number_sk(common_number_id: str) -> str:
    return f"COMMON#{common_number_id}"


def office_sk(office_id: str) -> str:
    return f"OFFICE#{office_id}"


def person_sk(person_id: str) -> str:
    return f"PERSON#{person_id}"


def referral_sk(person_id: str, referral_id: str) -> str:
    return f"PERSON#{person_id}#REF#{referral_id}"


MOBILE_INDEX = "by-mobile"  # sparse GSI over people's `mobile_key`: who sends an SMS command


def mobile_key(phone_number: str) -> str:
    """The GSI key of a person's registered mobile (E.164): a digest, so the index holds no number."""
    import hashlib

    return "MOBILE#" + hashlib.sha256(f"telefonist-mobile:{phone_number}".encode()).hexdigest()[:40]


def person_ref(tenant_id: str, person_id: str) -> str:
    """`person_key` of an item that names a person outside their own items (resources.PERSON_INDEX):
    employees' sign-in links and sessions, caller history entries, contact events."""
    return f"{tenant_pk(tenant_id)}#{person_sk(person_id)}"


def person_range(person_id: str) -> tuple[str, str]:
    """Sort-key bounds holding exactly one person and its referrals (ids are slugs: no '#', '~')."""
    return person_sk(person_id), f"{person_sk(person_id)}#~"


def audit_sk(at_iso: str, entry_id: str) -> str:
    """Audit entries sort by time inside the tenant partition, between `#PROFILE` and `COMMON#`."""
    return f"{AUDIT_PREFIX}{at_iso}#{entry_id}"


def price_list_sk(valid_from_iso: str) -> str:
    return f"VALID#{valid_from_iso}"


MESSAGE_TEMPLATE_PREFIX = "MSGTPL#"
CUSTOMER_TEMPLATE_SCOPE = "#CUSTOMER"  # sorts before any common number id (slugs)


def message_template_sk(common_number_id: str | None) -> str:
    """A message template: the customer's own (`MSGTPL##CUSTOMER`) or a common number's."""
    return f"{MESSAGE_TEMPLATE_PREFIX}{common_number_id or CUSTOMER_TEMPLATE_SCOPE}"
