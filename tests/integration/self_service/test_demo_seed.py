"""The demo customer, seeded through the service layer, is what the call path needs."""

from __future__ import annotations

from telefonist.dal.customer_repository import CustomerRepository
from telefonist.self_service import SelfService
from telefonist.self_service.billing import InMemoryBillingSummarySource

from telefonist_local.sample_data import DEMO_SWITCHBOARD_NUMBER, demo_directory
from telefonist_local.self_service.demo_seed import demo_admin, seed_demo_customer


def test_the_demo_customer_is_routable_and_its_changes_are_audited(repo: CustomerRepository) -> None:
    service = SelfService(repo, InMemoryBillingSummarySource())
    profile = seed_demo_customer(service, people=7)
    route = repo.get_route(DEMO_SWITCHBOARD_NUMBER)
    directory = repo.load_directory(profile.tenant_id)
    assert route.tenant_name == profile.name
    assert route.info.how_to_answer.startswith("Acme Verktyg")
    assert "4711" not in route.model_dump_json()
    assert sorted(directory.people, key=lambda p: p.person_id) == demo_directory(7)[0]  # the CSV loses nothing
    assert len(directory.referrals) == 2
    office = service.get_office(demo_admin(profile.tenant_id), "huvudkontor")
    assert office.door_codes[0].code == "4711"
    trail = service.list_audit(demo_admin(profile.tenant_id), limit=200).items
    assert {e.action for e in trail} >= {"tenant.create", "common_number.put", "office.put", "people.import"}
