"""An employee (the `employees` group, bound to a person) may change that person's referrals only."""

from __future__ import annotations

import pytest
from telefonist.edge.errors import ForbiddenError
from telefonist.edge.identity import Caller, caller_from_claims
from telefonist.self_service import SelfService
from telefonist.self_service import api_models as api

from tests.integration.self_service.conftest import billing, service  # noqa: F401 - fixtures

BODY = api.ReferralInput.model_validate({"text": "Lunch", "valid_from": "2026-11-30T11:00:00Z"})


def employee(person_id: str, tenant_id: str = "acme") -> Caller:
    return caller_from_claims(
        {"sub": "u-1", "custom:tenant_id": tenant_id, "custom:person_id": person_id, "cognito:groups": "employees"}
    )


def test_an_employee_sets_and_clears_their_own_referral(service: SelfService) -> None:  # noqa: F811
    me = employee("acme-p2")
    assert service.set_referral(me, "acme-p2", "own", BODY).text == "Lunch"
    assert service.clear_referral(me, "acme-p2", "own").deleted == "own"


def test_an_employee_changes_nobody_else(service: SelfService) -> None:  # noqa: F811
    with pytest.raises(ForbiddenError):
        service.set_referral(employee("acme-p2"), "acme-p1", "own", BODY)
    with pytest.raises(ForbiddenError):
        service.clear_referral(employee("acme-p2"), "acme-p1", "r1")


def test_a_person_claim_without_the_group_or_a_tenant_grants_nothing(service: SelfService) -> None:  # noqa: F811
    no_group = caller_from_claims({"sub": "u-2", "custom:tenant_id": "acme", "custom:person_id": "acme-p2"})
    with pytest.raises(ForbiddenError):
        service.set_referral(no_group, "acme-p2", "own", BODY)
    no_tenant = caller_from_claims({"sub": "u-3", "custom:person_id": "acme-p2", "cognito:groups": "employees"})
    assert no_tenant.person_id is None
    with pytest.raises(ForbiddenError):
        service.set_referral(no_tenant, "acme-p2", "own", BODY)


def test_an_employee_of_another_customer_reaches_only_their_own_customer(service: SelfService) -> None:  # noqa: F811
    # globex's acme-p2 does not exist: the write goes to the caller's own tenant, never acme's.
    from telefonist.ports.store import NotFoundError

    with pytest.raises(NotFoundError):
        service.set_referral(employee("acme-p2", tenant_id="globex"), "acme-p2", "own", BODY)
