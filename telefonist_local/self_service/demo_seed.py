"""The demo customer, created the way a customer would: through the self-service use cases.

The operator onboards the customer; its administrator then enters scripts, the office, the
directory and referrals, so the demo exercises authorisation, versioning, route rebuilds and
the audit trail rather than writing items directly.
"""

from __future__ import annotations

import csv
import io

from telefonist.edge.identity import Caller, Group
from telefonist.models.directory import Person, PhoneKind
from telefonist.self_service import api_models as api
from telefonist.self_service.csv_import import OPTIONAL_COLUMNS, PHONE_COLUMNS, REQUIRED_COLUMNS
from telefonist.self_service.service import SelfService

from telefonist_local.sample_data import demo_common_numbers, demo_directory, demo_office, demo_tenant

IMPORT_ROWS = 1000  # rows per CSV file, well inside the import's limits (rows and characters)
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
    # The directory as an administrator brings it: CSV files (a transaction per 99 people), not
    # one person at a time (a transaction and an audit entry each).
    for start in range(0, len(directory), IMPORT_ROWS):
        file = people_csv(directory[start : start + IMPORT_ROWS])
        report = service.import_people_csv(admin, api.CsvImportRequest(csv=file))
        if report.failed:
            raise RuntimeError(f"the demo directory did not import: {[r for r in report.rows if r.errors]}")
    for referral in referrals:
        body = api.ReferralInput(
            text=referral.text,
            valid_from=referral.valid_from,
            valid_until=referral.valid_until,
            refer_to_person_id=referral.refer_to_person_id,
        )
        service.set_referral(admin, referral.person_id, referral.referral_id, body)
    return service.get_profile(admin)


def people_csv(people: list[Person]) -> str:
    """People as the self-service CSV import reads them (one work and one mobile number at most)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REQUIRED_COLUMNS + OPTIONAL_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for person in people:
        phones = {phone.kind: phone.number for phone in person.phones}
        writer.writerow(
            {
                "person_id": person.person_id,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "title": person.title,
                "department": person.department,
                **{column: phones.get(PhoneKind(kind), "") for column, kind in PHONE_COLUMNS.items()},
                "email": person.email or "",
                "keywords": "|".join(person.keywords),
                "message_preference": person.message_preference.value,
            }
        )
    return out.getvalue()
