"""The monthly billing-retention function: its environment, today's Stockholm date, the run's figures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from telefonist import config
from telefonist.clock import simulated_time
from telefonist.dal.billing_table import BillingTable, BillingTableSettings, month_only_specs
from telefonist.environment import InvalidEnvironment, load_env

from functions.billing_retention import handler
from tests.rating_builders import billing_line


def test_a_run_deletes_the_months_due_on_the_stockholm_date(tmp_path: Path) -> None:
    billing = BillingTable(BillingTableSettings.local_folder(tmp_path))
    billing.write([billing_line("old", "2018-12"), billing_line("kept", "2019-01")], {})
    # 5 January 2026, 23:30 UTC is the 6th in Stockholm: the first day 2018's lines may go
    with simulated_time(datetime(2026, 1, 5, 23, 30, tzinfo=UTC)):
        result = handler.handle({}, handler.Dependencies(billing=billing, lines_days=7 * 366))
    assert result["months_deleted"] == ["2018-12"]
    assert result["files_deleted"] > 0
    assert [r["contact_id"] for r in billing.rows()] == ["kept"]


def test_a_run_compacts_the_month_just_closed_in_stockholm(tmp_path: Path) -> None:
    billing = BillingTable(BillingTableSettings.local_folder(tmp_path))
    for tenant in ("acme", "beta"):  # a file per customer partition and commit
        lines = [billing_line(f"{tenant}-{n}", "2025-12").model_copy(update={"tenant_id": tenant}) for n in range(3)]
        billing.write(lines, {})
    billing.write([billing_line("open", "2026-01")], {})
    assert billing.data_files("2025-12") == 2
    # 31 December 23:30 UTC is already 1 January in Stockholm: December is closed
    with simulated_time(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)):
        result = handler.handle({}, handler.Dependencies(billing=billing, lines_days=7 * 366))
    assert (result["month_compacted"], result["month_files"]) == ("2025-12", 1)
    billing.table.refresh()
    month_only = month_only_specs(billing.table.metadata)
    files = {task.file.partition[0]: task.file.spec_id for task in billing.table.scan().plan_files()}
    assert files["2025-12"] in month_only
    assert files["2026-01"] not in month_only  # the open month keeps its partitions
    assert len(billing.rows(month="2025-12")) == 6


def test_the_environment_names_the_bucket_and_a_positive_number_of_days() -> None:
    environ = {config.ENV_BILLING_BUCKET: "telefonist-billing", config.ENV_BILLING_LINES_DAYS: str(7 * 366)}
    assert load_env(handler.Environment, environ).billing_lines_days == 7 * 366
    with pytest.raises(InvalidEnvironment, match="BILLING_LINES_DAYS"):
        load_env(handler.Environment, {**environ, config.ENV_BILLING_LINES_DAYS: "0"})
