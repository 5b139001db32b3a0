"""The monthly billing-retention function: its environment, today's Stockholm date, the run's figures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from telefonist import config
from telefonist.dal.billing_table import (
    ENV_BILLING_CATALOG_URI,
    ENV_BILLING_WAREHOUSE,
    BillingTable,
    BillingTableSettings,
)

from functions.billing_retention import handler
from tests.rating_builders import billing_line


def test_a_run_deletes_the_months_due_on_the_stockholm_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    billing = BillingTable(BillingTableSettings.local_folder(tmp_path))
    billing.write([billing_line("old", "2018-12"), billing_line("kept", "2019-01")], {})
    environ = {
        config.ENV_BILLING_BUCKET: "telefonist-billing",
        config.ENV_BILLING_LINES_DAYS: str(7 * 366),
        ENV_BILLING_CATALOG_URI: billing.settings.catalog_uri or "",
        ENV_BILLING_WAREHOUSE: billing.settings.warehouse,
    }
    # 5 January 2026, 23:30 UTC is the 6th in Stockholm: the first day 2018's lines may go
    monkeypatch.setattr(handler, "utc_now", lambda: datetime(2026, 1, 5, 23, 30, tzinfo=UTC))
    result = handler.run(environ)
    assert result["months_deleted"] == ["2018-12"]
    assert result["files_deleted"] > 0
    assert [r["contact_id"] for r in billing.rows()] == ["kept"]
    with pytest.raises(ValueError, match="BILLING_LINES_DAYS"):
        handler.run({**environ, config.ENV_BILLING_LINES_DAYS: "0"})
