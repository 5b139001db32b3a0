"""`telefonist rate` (files and stdin, exit status, stderr reports) and `telefonist rerate` on moto."""

from __future__ import annotations

import json
from datetime import date

from telefonist.dal.billing_table import (
    ENV_BILLING_CATALOG_URI,
    ENV_BILLING_WAREHOUSE,
    BillingTable,
    BillingTableSettings,
)
from telefonist.models.price_list import PriceList

from functions.rating import handler
from telefonist_local.cli import main
from telefonist_local.seeding import seed_demo_tenant
from tests.rating_builders import ctr, kinesis_event


def test_rerate_replaces_a_months_lines_after_a_price_change(aws, repo, capsys, tmp_path, monkeypatch) -> None:
    # Given November's calls rated live at the old prices (the function archives the batch)
    monkeypatch.setenv(ENV_BILLING_CATALOG_URI, f"sqlite:///{tmp_path}/catalog.db")
    monkeypatch.setenv(ENV_BILLING_WAREHOUSE, f"file://{tmp_path}/warehouse")
    seed_demo_tenant(repo, people=1)
    event = kinesis_event(
        [ctr("c-1", answered_local="2026-11-24 09:15"), ctr("c-2", answered_local="2026-11-28 11:00"), "junk"],
        arrival=1795500000.0,  # 2026-11-24 UTC
    )
    handler.handle(event, handler.dependencies.__wrapped__())
    lines = BillingTable(BillingTableSettings.local_folder(tmp_path))
    assert sorted(r["amount_ore"] for r in lines.rows()) == [2900, 4900]
    # When a price list valid from November is added and the month re-rated
    repo.put_price_list(
        PriceList(version="2026-11", valid_from=date(2026, 11, 1), amounts_ore={t: 10_000 + t for t in range(1, 7)})
    )
    assert main(["rerate", "--month", "2026-11"]) == 0
    # Then every line of the month carries the new price, still one per contact
    rows = sorted(lines.rows(), key=lambda r: r["contact_id"])
    assert [(r["contact_id"], r["amount_ore"], r["price_list_version"]) for r in rows] == [
        ("c-1", 10_001, "2026-11"),
        ("c-2", 10_003, "2026-11"),
    ]
    captured = capsys.readouterr()
    summary = json.loads(captured.out.splitlines()[-1])
    assert (summary["records"], summary["rejected"], summary["written"]) == (3, 1, 2)
    assert summary["table_before"] == {"lines": 2, "amount_ore": 7800}
    assert summary["table_after"] == {"lines": 2, "amount_ore": 20_004}
    assert "re-rating 2026-11" in captured.err  # the progress bar
