"""The caller, as the Cognito authorizer vouches for them: subject, customer (tenant) and groups.

The tenant comes from the token's immutable custom attribute only; never from a path or a body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telefonist.self_service.errors import AuthenticationError

TENANT_CLAIM = "custom:tenant_id"
GROUPS_CLAIM = "cognito:groups"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class Group(StrEnum):
    """Cognito groups: a customer's administrators, the operator's agents, the operator's finance."""

    ADMINS = "admins"
    OPERATORS = "operators"
    FINANCE = "finance"


@dataclass(frozen=True)
class Caller:
    subject: str
    tenant_id: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)

    def in_group(self, group: Group) -> bool:
        return group.value in self.groups

    @property
    def is_tenant_admin(self) -> bool:
        return self.tenant_id is not None and self.in_group(Group.ADMINS)


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
    return Caller(subject=str(claims["sub"]), tenant_id=tenant_id, groups=_groups(claims.get(GROUPS_CLAIM)))
