"""Mina sidor's Statistik (issue 20) against `telefonist serve` in headless Chromium: the month's
contacts, recorded through the statistics repository into serve's tables, read per day and common
number with the month's total, one bar per day, and the CSV download."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta

import boto3
from playwright.sync_api import Page, expect
from telefonist.clock import to_local, utc_now
from telefonist.dal.statistics_repository import StatisticsRepository
from telefonist.resources import STATISTICS_TABLE
from telefonist.statistics.events import Outcome

from telefonist_local.sample_data import DEMO_TENANT_ID
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_mina_sidor import ADMIN, mina_sidor, open_page, sign_in
from tests.browser.test_mina_sidor_accessibility import csp_free_mina_sidor
from tests.builders.statistics import answered_call

__all__ = ["csp_free_mina_sidor", "mina_sidor"]
SWITCHBOARD = "+46852000001"


def _record_month(day_one: date) -> None:
    """Day 1: three answered (waits 8, 15, 30 s; one over 45 s of handling), one abandoned; day 2: one answered."""
    repo = StatisticsRepository(boto3.resource("dynamodb").Table(STATISTICS_TABLE.local_name))
    contacts = [(1, Outcome.ANSWERED, 8, 30), (1, Outcome.ANSWERED, 15, 50), (1, Outcome.ANSWERED, 30, 20)]
    contacts += [(1, Outcome.ABANDONED, 60, 0), (2, Outcome.ANSWERED, 5, 25)]
    for n, (day, outcome, wait, handling) in enumerate(contacts):
        repo.record(
            answered_call(
                contact_id=f"browser-stats-{n}",
                version_us=1_000_000,
                tenant_id=DEMO_TENANT_ID,
                day=day_one.replace(day=day),
                number=SWITCHBOARD,
                outcome=outcome,
                wait_seconds=wait,
                handling_seconds=handling,
                transferred=n == 0,
                message_channels=("sms",) if n == 1 else (),
            )
        )


def _last_month() -> date:
    """The first day of last month: serve's seed records this month's calls, last month has none."""
    return (to_local(utc_now()).date().replace(day=1) - timedelta(days=1)).replace(day=1)


def test_an_administrator_reads_the_months_statistics_and_downloads_them(mina_sidor: Page) -> None:
    # Given five contacts of the demo customer on the first two days of last month
    day_one = _last_month()
    _record_month(day_one)
    month = day_one.strftime("%Y-%m")
    # When the administrator opens Statistik and picks that month
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Statistik")
    page.get_by_label("Månad").fill(month)
    # Then each day has its row for the switchboard, and the month its total
    table = page.get_by_role("table")
    first = table.get_by_role("row").filter(has_text=f"{month}-01")
    cells = first.get_by_role("cell")
    expect(cells.nth(0)).to_have_text(SWITCHBOARD)
    expect(cells.nth(1)).to_have_text("4")  # calls (queued)
    expect(cells.nth(2)).to_have_text("3")  # answered
    expect(cells.nth(3)).to_have_text("1")  # abandoned
    expect(cells.nth(4)).to_have_text(re.compile(r"^66,7\s%$"))  # 2 of 3 answered within 20 s
    expect(cells.nth(5)).to_have_text("15 s / 60 s")  # wait p50 / p90 over the four queued
    expect(cells.nth(6)).to_have_text("30 s / 50 s")
    total = table.get_by_role("row").filter(has_text="Hela månaden").get_by_role("cell")
    expect(total.nth(1)).to_have_text("5")
    expect(total.nth(2)).to_have_text("4")
    # And the chart has a bar pair per day
    chart = page.get_by_role("img", name="Samtal per dag: besvarade och avbrutna")
    expect(chart.locator("g")).to_have_count(2)
    # When they download the month
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner statistiken (CSV)").click()
    assert download.value.suggested_filename == f"statistics-{month}.csv"
    with open(download.value.path(), encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["day"], r["number"], r["offered"], r["abandoned"]) for r in rows] == [
        (f"{month}-01", SWITCHBOARD, "4", "1"),
        (f"{month}-02", SWITCHBOARD, "1", "0"),
    ]


def test_the_statistics_page_has_no_serious_violation(csp_free_mina_sidor: Page) -> None:
    # Given a month with contacts (serve's seed: this month's calls), when an administrator opens Statistik
    page = csp_free_mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Statistik")
    expect(page.get_by_role("img", name="Samtal per dag: besvarade och avbrutna")).to_be_visible()
    page.wait_for_load_state("networkidle")
    # Then axe-core finds no serious or critical violation
    assert serious_violations(page) == []
