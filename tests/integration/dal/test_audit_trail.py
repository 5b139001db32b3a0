"""The audit trail in the tenant's partition: newest first, and invisible to configuration reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telefonist.dal.customer_repository import CustomerRepository
from telefonist.models.audit import AuditEntry

from telefonist_local.sample_data import demo_common_numbers, demo_tenant


def _entry(minute: int, action: str) -> AuditEntry:
    at = datetime(2026, 11, 24, 8, 0, tzinfo=UTC) + timedelta(minutes=minute)
    return AuditEntry(entry_id=f"e{minute}", at=at, actor="admin-1", action=action, target="person p1")


def test_entries_come_back_newest_first_and_limited(repo: CustomerRepository) -> None:
    for minute, action in [(1, "person.create"), (3, "person.delete"), (2, "person.update")]:
        repo.put_audit_entry("acme", _entry(minute, action))
    entries = repo.list_audit_entries("acme", limit=2)
    assert [e.action for e in entries] == ["person.delete", "person.update"]
    assert repo.list_audit_entries("other") == []


def test_audit_entries_do_not_disturb_the_configuration_or_the_directory(repo: CustomerRepository) -> None:
    repo.put_tenant(demo_tenant())
    repo.put_common_number("acme", demo_common_numbers()[0])
    repo.put_audit_entry("acme", _entry(1, "common_number.put"))
    config = repo.load_configuration("acme")
    assert [c.model.common_number_id for c in config.common_numbers] == ["vaxel"]
    assert repo.load_directory("acme").people == []
    # support's number is not routed until support exists (never silently to vaxel's script)
    assert [r.common_number_id for r in repo.rebuild_routes("acme")] == ["vaxel"]
