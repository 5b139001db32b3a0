"""The caller, as the Cognito authorizer vouches for them: subject, customer (tenant) and groups.

The tenant comes from the token's immutable custom attribute only; never from a path or a body.
Operators and finance act for every customer, so their identities carry no tenant: a token with
both a tenant and one of those groups is refused outright (a customer's user put into
`operators` by mistake would otherwise read every customer's door codes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telefonist.edge.errors import AuthenticationError, ForbiddenError

TENANT_CLAIM = "custom:tenant_id"
PERSON_CLAIM = "custom:person_id"  # an `employees` user: the one person whose own referral they may change
GROUPS_CLAIM = "cognito:groups"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class Group(StrEnum):
    """Cognito groups: a customer's administrators, the operator's agents, the operator's finance."""

    ADMINS = "admins"
    OPERATORS = "operators"
    FINANCE = "finance"
    EMPLOYEES = "employees"


@dataclass(frozen=True)
class Caller:
    subject: str
    tenant_id: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    person_id: str | None = None  # an employee's own person (their referral is all they may change)

    def in_group(self, group: Group) -> bool:
        return group.value in self.groups

    @property
    def is_tenant_admin(self) -> bool:
        return self.tenant_id is not None and self.in_group(Group.ADMINS)

    def require(self, group: Group) -> None:
        """The one group check of the API: ForbiddenError (403) unless the caller is in `group`."""
        if not self.in_group(group):
            raise ForbiddenError(f"this route is for the {group.value} group")


# Groups that act across customers: their identities never carry a tenant.
CROSS_TENANT_GROUPS = frozenset({Group.OPERATORS.value, Group.FINANCE.value})


def _groups(value: Any) -> frozenset[str]:
    # REST API authorizers pass claims as strings: "admins", "admins,finance" or "[admins finance]".
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(str(v) for v in value)
    if not isinstance(value, str):
        return frozenset()
    return frozenset(part for part in re.split(r"[\s,\[\]]+", value) if part)


def caller_from_claims(claims: Mapping[str, Any] | None) -> Caller:
    """The caller of a request from the authorizer's claims; AuthenticationError if unusable."""
    if not claims or not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise AuthenticationError("no authenticated caller: sign in and send the token")
    tenant = claims.get(TENANT_CLAIM)
    if tenant in (None, ""):
        tenant_id = None
    elif isinstance(tenant, str) and _SLUG.match(tenant):
        tenant_id = tenant
    else:
        raise AuthenticationError("the token's customer id is malformed")
    groups = _groups(claims.get(GROUPS_CLAIM))
    if tenant_id is not None and groups & CROSS_TENANT_GROUPS:
        raise ForbiddenError(
            "a customer's token cannot carry the operators or finance group: ask your administrator to fix the account"
        )
    person = claims.get(PERSON_CLAIM)
    person_id = person if isinstance(person, str) and _SLUG.match(person) and tenant_id else None
    return Caller(subject=str(claims["sub"]), tenant_id=tenant_id, groups=groups, person_id=person_id)
