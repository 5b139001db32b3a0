"""The caller comes from the authorizer's claims only."""

from __future__ import annotations

import pytest
from telefonist.edge.errors import AuthenticationError, ForbiddenError
from telefonist.edge.identity import Group, caller_from_claims

from telefonist_local.self_service.local_gateway import claims_from_local_token, local_token


@pytest.mark.parametrize(
    "groups",
    ["admins,employees", "[admins employees]", "admins employees", ["admins", "employees"]],
)
def test_groups_are_read_in_every_shape_authorizers_pass_them(groups: object) -> None:
    caller = caller_from_claims({"sub": "u1", "custom:tenant_id": "acme", "cognito:groups": groups})
    assert caller.in_group(Group.ADMINS)
    assert "employees" in caller.groups
    assert not caller.in_group(Group.OPERATORS)
    assert caller.is_tenant_admin


@pytest.mark.parametrize("groups", ["operators", "admins,operators", "[finance]", ["admins", "finance"]])
def test_a_customer_token_with_a_cross_tenant_group_is_refused(groups: object) -> None:
    # A customer's user put into `operators` by mistake would otherwise read every customer's door codes.
    with pytest.raises(ForbiddenError, match="cannot carry the operators or finance group"):
        caller_from_claims({"sub": "u1", "custom:tenant_id": "acme", "cognito:groups": groups})


def test_operators_and_finance_without_a_tenant_are_accepted() -> None:
    assert caller_from_claims({"sub": "op", "cognito:groups": "operators"}).in_group(Group.OPERATORS)
    assert caller_from_claims({"sub": "fin", "cognito:groups": "finance"}).in_group(Group.FINANCE)


@pytest.mark.parametrize(
    "claims",
    [None, {}, {"sub": ""}, {"sub": "u1", "custom:tenant_id": "ACME#1"}, {"sub": "u1", "custom:tenant_id": 7}],
)
def test_unusable_claims_are_unauthenticated(claims: dict[str, object] | None) -> None:
    with pytest.raises(AuthenticationError):
        caller_from_claims(claims)


def test_a_token_without_a_tenant_is_nobody_s_customer() -> None:
    caller = caller_from_claims({"sub": "op", "cognito:groups": "operators"})
    assert caller.tenant_id is None
    assert not caller.is_tenant_admin


def test_local_tokens_map_to_claims_and_nothing_else_does() -> None:
    assert claims_from_local_token(local_token("acme", "admins", subject="eva")) == {
        "sub": "eva",
        "cognito:groups": "admins",
        "custom:tenant_id": "acme",
    }
    assert claims_from_local_token(local_token(None, "operators")) == {
        "sub": "local---operators",
        "cognito:groups": "operators",
    }
    assert claims_from_local_token("Bearer eyJhbGciOiJSUzI1NiJ9.x.y") is None
    assert claims_from_local_token(None) is None
