"""Mina sidor's Samtalslogg (issue 20) against `telefonist serve` in headless Chromium: this month's
billed calls (serve's seed rates them and records their contact events), each with its outcome in
words and the caller masked, the month's total equal to Fakturering's, more rows a page at a
time, the CSV download, the keyboard, and axe-core."""

from __future__ import annotations

import csv
import json
import re
import urllib.request

from playwright.sync_api import Page, expect
from telefonist.clock import to_local, utc_now

from telefonist_local.cli.serve import LocalApi
from telefonist_local.sample_data import demo_directory
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_mina_sidor import ADMIN, FINANCE, sign_in
from tests.browser.test_mina_sidor_accessibility import csp_free_mina_sidor

__all__ = ["csp_free_mina_sidor"]
MASKED = re.compile(r"^\+4670•+\d\d$")


def _invoice(served: LocalApi, month: str) -> tuple[int, int]:
    request = urllib.request.Request(  # noqa: S310 - serve on 127.0.0.1
        f"{served.url}/billing/{month}", headers={"Authorization": served.tokens["customer administrator"]}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - serve on 127.0.0.1
        summary = json.load(response)
    return summary["calls"], summary["total_ore"]


def _kronor(ore: int) -> str:
    """As the page writes it (sv-SE): 584000 → "5 840,00 kr" (any space as the grouping)."""
    whole, cents = divmod(ore, 100)
    return f"{whole:,}".replace(",", " ") + f",{cents:02d} kr"


def test_an_administrator_reads_the_months_call_log_which_adds_up_to_the_invoice(
    csp_free_mina_sidor: Page, served: LocalApi
) -> None:
    month = to_local(utc_now()).strftime("%Y-%m")
    calls, total_ore = _invoice(served, month)
    assert calls > 100  # more than one page
    # Given an administrator, when they reach Samtalslogg with the keyboard alone
    page = csp_free_mina_sidor
    sign_in(page, ADMIN)
    link = page.get_by_role("navigation", name="Mina sidor").get_by_role("link", name="Samtalslogg")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Samtalslogg")
    # Then the first page of the month's calls shows, with the month's total: the invoice's
    table = page.get_by_role("table")
    body_rows = table.locator("tbody tr")
    expect(body_rows).to_have_count(100)
    expect(page.get_by_text(f"Visar 100 av {calls} samtal.")).to_be_visible()
    total = table.locator("tfoot tr")
    expect(total).to_contain_text(f"Summa för månaden: {calls} samtal")
    assert re.sub(r"\s", " ", total.locator("td.num").inner_text()) == _kronor(total_ore)
    # And each call says what became of it: transferred to a person of the directory by name, a
    # message by its channels, answered; the caller masked; the time in Stockholm
    transferred = body_rows.filter(has_text="kopplat till ").first
    outcome = transferred.get_by_role("cell").nth(6).inner_text().strip()
    people = {person.full_name for person in demo_directory(20)[0]}  # serve's directory in these tests
    assert outcome.removeprefix("kopplat till ") in people, outcome
    expect(body_rows.filter(has_text=re.compile(r"meddelande \((SMS|SMS och e-post)\)")).first).to_be_visible()
    expect(body_rows.filter(has_text="besvarat").first).to_be_visible()
    expect(transferred.get_by_role("cell").nth(2)).to_have_text(MASKED)
    first_time = transferred.locator("time").get_attribute("datetime") or ""
    assert re.search(r"[+-]0[12]:00$", first_time), first_time  # Stockholm's offset, as billed
    # When they ask for more (keyboard), the rest of the month is there and nothing more to ask for
    more = page.get_by_role("button", name="Visa fler samtal")
    more.focus()
    page.keyboard.press("Enter")
    expect(body_rows).to_have_count(calls)
    expect(more).to_have_count(0)
    # And the page has no serious or critical accessibility violation
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []
    # When they download the month, it is the same calls, summing to the invoice öre for öre
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner samtalsloggen (CSV)").click()
    assert download.value.suggested_filename == f"call-log-{month}.csv"
    with open(download.value.path(), encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert (len(rows), sum(int(r["amount_ore"]) for r in rows)) == (calls, total_ore)
    assert {r["outcome"] for r in rows} == {"answered", "transferred", "message"}
    assert all(MASKED.match(r["caller"].lstrip("'")) for r in rows)


def test_finance_reads_the_demo_customers_call_log(csp_free_mina_sidor: Page, served: LocalApi) -> None:
    month = to_local(utc_now()).strftime("%Y-%m")
    calls, total_ore = _invoice(served, month)
    # Given finance, when they open Samtalslogg (the demo customer chosen)
    page = csp_free_mina_sidor
    sign_in(page, FINANCE)
    page.get_by_role("navigation", name="Mina sidor").get_by_role("link", name="Samtalslogg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samtalslogg")
    # Then the demo customer's month shows with the invoice's total, and no serious violation
    expect(page.get_by_role("table").locator("tfoot tr")).to_contain_text(f"Summa för månaden: {calls} samtal")
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []
    assert total_ore > 0
