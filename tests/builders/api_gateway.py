"""API Gateway REST proxy events with the Cognito authorizer's claims.

`rest_event` is the local tooling's (the local gateway, the demo and the smoke check send the same
events); `claims` are what the user pool's ID token carries: groups, and a customer's users their tenant.
"""

from __future__ import annotations

from telefonist.edge.identity import GROUPS_CLAIM, TENANT_CLAIM

from telefonist_local.api_events import rest_event

__all__ = ["claims", "rest_event"]


def claims(*groups: str, tenant_id: str | None = None, subject: str = "user-1") -> dict[str, str]:
    """The authorizer's claims: `claims("operators")`, `claims("admins", tenant_id="acme")`."""
    issued = {"sub": subject, "token_use": "id"}
    if groups:
        issued[GROUPS_CLAIM] = ",".join(groups)
    if tenant_id is not None:
        issued[TENANT_CLAIM] = tenant_id
    return issued
