"""The monthly billing-retention function: its environment, today's Stockholm date, the run's figures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from telefonist import config
from telefonist.clock import simulated_time
from telefonist.dal.billing_table import BillingTable, BillingTableSettings
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


def test_the_environment_names_the_bucket_and_a_positive_number_of_days() -> None:
    environ = {config.ENV_BILLING_BUCKET: "telefonist-billing", config.ENV_BILLING_LINES_DAYS: str(7 * 366)}
    assert load_env(handler.Environment, environ).billing_lines_days == 7 * 366
    with pytest.raises(InvalidEnvironment, match="BILLING_LINES_DAYS"):
        load_env(handler.Environment, {**environ, config.ENV_BILLING_LINES_DAYS: "0"})
