"""Seed a customer into the store through the data-access layer (demo, tests, benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass

from telefonist.dal.customer_repository import CustomerRepository
from telefonist.models.route import Route

from telefonist_local.sample_data import (
    DEFAULT_PRICE_LIST,
    demo_common_numbers,
    demo_directory,
    demo_office,
    demo_tenant,
)


@dataclass(frozen=True)
class SeededTenant:
    tenant_id: str
    people: int
    referrals: int
    routes: list[Route]


def seed_demo_tenant(repo: CustomerRepository, people: int = 50) -> SeededTenant:
    """The demo customer: profile, two common numbers, an office with a door code, a directory."""
    tenant = demo_tenant()
    repo.put_tenant(tenant)
    for common in demo_common_numbers():
        repo.put_common_number(tenant.tenant_id, common)
    repo.put_office(tenant.tenant_id, demo_office())
    directory, referrals = demo_directory(people)
    for person in directory:
        repo.put_person(tenant.tenant_id, person)
    for referral in referrals:
        repo.put_referral(tenant.tenant_id, referral)
    repo.put_price_list(DEFAULT_PRICE_LIST)
    routes = repo.rebuild_routes(tenant.tenant_id)
    return SeededTenant(tenant.tenant_id, len(directory), len(referrals), routes)
