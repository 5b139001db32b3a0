"""The demo customer, created the way a customer would: through the self-service use cases.

The operator onboards the customer; its administrator then enters scripts, the office, the
directory and referrals, so the demo exercises authorisation, versioning, route rebuilds and
the audit trail rather than writing items directly.
"""

from __future__ import annotations

from telefonist.edge.identity import Caller, Group
from telefonist.sample_data import demo_common_numbers, demo_directory, demo_office, demo_tenant
from telefonist.self_service import api_models as api
from telefonist.self_service.service import SelfService

DEMO_OPERATOR = Caller(subject="demo-operator", groups=frozenset({Group.OPERATORS.value}))


def demo_admin(tenant_id: str) -> Caller:
    return Caller(subject=f"{tenant_id}-admin", tenant_id=tenant_id, groups=frozenset({Group.ADMINS.value}))


def seed_demo_customer(service: SelfService, people: int = 50) -> api.ProfileView:
    """Onboard the sample customer and fill in its data as its administrator would."""
    tenant = demo_tenant()
    admin = demo_admin(tenant.tenant_id)
    service.create_tenant(
        DEMO_OPERATOR,
        api.TenantCreate(
            tenant_id=tenant.tenant_id,
            name=tenant.name,
            claimed_numbers=[
                api.ClaimedNumberInput(phone_number=n.phone_number, common_number_id=n.common_number_id)
                for n in tenant.claimed_numbers
            ],
        ),
    )
    for common in demo_common_numbers():
        script = api.CommonNumberInput(
            name=common.name, info=common.info, opening_hours=common.opening_hours, expected_version=0
        )
        service.put_common_number(admin, common.common_number_id, script)
    office = demo_office()
    service.put_office(
        admin,
        office.office_id,
        api.OfficeInput(
            name=office.name,
            address=office.address,
            visiting_instructions=office.visiting_instructions,
            door_codes=[api.DoorCodeInput(label=c.label, code=c.code.get_secret_value()) for c in office.door_codes],
            expected_version=0,
        ),
    )
    directory, referrals = demo_directory(people)
    for person in directory:
        service.create_person(admin, api.PersonCreate.model_validate(person.model_dump()))
    for referral in referrals:
        body = api.ReferralInput(
            text=referral.text,
            valid_from=referral.valid_from,
            valid_until=referral.valid_until,
            refer_to_person_id=referral.refer_to_person_id,
        )
        service.set_referral(admin, referral.person_id, referral.referral_id, body)
    return service.get_profile(admin)
