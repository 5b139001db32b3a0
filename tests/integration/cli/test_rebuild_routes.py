"""`telefonist rebuild-routes`: customers written before a derived field existed get it, once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from telefonist.dal import keys
from telefonist.dal.customer_repository import CustomerRepository

from telefonist_local.cli import main
from telefonist_local.seeding import seed_demo_tenant


def strip_derived_items(table: Any, tenant_id: str, routes: list[Any]) -> None:
    """The store as an older release left it: no customer-list entry, routes without door-code offices."""
    table.delete_item(Key={"pk": keys.CUSTOMER_LIST_PK, "sk": keys.customer_entry_sk(tenant_id)})
    for route in routes:
        table.update_item(
            Key={"pk": keys.number_pk(route.phone_number), "sk": keys.ROUTE_SK},
            UpdateExpression="REMOVE door_code_offices",
        )


def test_a_customer_from_before_the_list_gets_its_entry_and_door_code_offices(
    repo: CustomerRepository, customer_table: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = seed_demo_tenant(repo, people=3)
    assert any(route.door_code_offices for route in seeded.routes), "the demo office has a door code"
    strip_derived_items(customer_table, seeded.tenant_id, seeded.routes)
    assert repo.page_customers(10, None).items == []

    assert main(["rebuild-routes", "--table", customer_table.name]) == 0

    summary = json.loads(capsys.readouterr().out)
    assert summary == {"dry_run": False, "tenants": [seeded.tenant_id], "routes": len(seeded.routes), "failed": {}}
    assert [entry.tenant_id for _, entry in repo.page_customers(10, None).items] == [seeded.tenant_id]
    for route in seeded.routes:
        assert repo.get_route(route.phone_number).door_code_offices == route.door_code_offices


def test_a_dry_run_names_the_tenants_and_writes_nothing(
    repo: CustomerRepository, customer_table: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = seed_demo_tenant(repo, people=1)
    strip_derived_items(customer_table, seeded.tenant_id, seeded.routes)

    assert main(["rebuild-routes", "--table", customer_table.name, "--dry-run"]) == 0

    assert json.loads(capsys.readouterr().out)["tenants"] == [seeded.tenant_id]
    assert repo.page_customers(10, None).items == []


def test_an_unknown_tenant_is_reported_and_the_others_still_rebuilt(
    repo: CustomerRepository, customer_table: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = seed_demo_tenant(repo, people=1)
    strip_derived_items(customer_table, seeded.tenant_id, seeded.routes)

    code = main(["rebuild-routes", "--table", customer_table.name, "--tenant", "nobody", "--tenant", seeded.tenant_id])

    summary = json.loads(capsys.readouterr().out)
    assert code == 1
    assert summary["tenants"] == [seeded.tenant_id]
    assert set(summary["failed"]) == {"nobody"}
    assert [entry.tenant_id for _, entry in repo.page_customers(10, None).items] == [seeded.tenant_id]


def test_without_a_table_it_says_how_to_name_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CUSTOMER_TABLE_NAME", raising=False)
    assert main(["rebuild-routes"]) == 2
    assert "CUSTOMER_TABLE_NAME" in capsys.readouterr().err
