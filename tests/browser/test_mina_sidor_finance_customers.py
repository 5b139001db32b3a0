"""Mina sidor (issue 15): finance chooses the customer from the list (`GET /finance/tenants`), by
typing part of its name, and the choice holds across the finance pages. Against `telefonist serve`
in headless Chromium; axe-core on the billing page with the picker open to the keyboard.
"""

from __future__ import annotations

import re
import urllib.error

from playwright.sync_api import Page, expect
from telefonist.clock import to_local, utc_now

from telefonist_local.cli.serve import LocalApi
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_mina_sidor import FINANCE, api, open_page, sign_in
from tests.browser.test_mina_sidor_accessibility import csp_free_mina_sidor

__all__ = ["csp_free_mina_sidor"]  # the fixture, shared with test_mina_sidor_accessibility.py

KVARNEN = ("kvarnen", "Kvarnen Bageri AB")


def _onboard(served: LocalApi, tenant_id: str, name: str) -> None:
    try:
        api(served, "POST", "/operator/tenants", "operator", {"tenant_id": tenant_id, "name": name})
    except urllib.error.HTTPError as exc:  # already onboarded by an earlier test on this server
        if exc.code != 409:
            raise


def _kronor(ore: int) -> re.Pattern[str]:
    whole = f"{ore // 100:,}".replace(",", r"\s")
    return re.compile(rf"(^|\s){whole},{ore % 100:02d}\s*kr")


def test_finance_chooses_a_customer_from_the_list_and_reads_its_billing(
    csp_free_mina_sidor: Page, served: LocalApi
) -> None:
    # Given a second customer beside the demo customer (which has a month of rated calls)
    _onboard(served, *KVARNEN)
    month = to_local(utc_now()).strftime("%Y-%m")
    acme = api(served, "GET", f"/finance/tenants/acme/billing/{month}", "finance")
    assert acme["calls"] > 0
    # When finance signs in and opens billing
    page = csp_free_mina_sidor
    sign_in(page, FINANCE)
    open_page(page, "Fakturering")
    customer = page.get_by_label("Kund", exact=True)
    # Then the customers are offered by name and id, every one of the list
    listed = api(served, "GET", "/finance/tenants", "finance")["items"]
    expect(customer.locator("option")).to_have_count(len(listed) + 1)  # and "Välj kund"
    expect(customer.locator("option", has_text="Kvarnen Bageri AB (kvarnen)")).to_have_count(1)
    # And axe-core finds no serious or critical violation with the picker on the page
    assert serious_violations(page) == []
    # When they type part of the name in the filter and press Enter, with the keyboard only
    search = page.get_by_label("Sök kund (namn eller id)")
    search.focus()
    page.keyboard.type("kvarn")
    # Then only the matching customer is left beside the one chosen (and "Välj kund")
    expect(customer.locator("option")).to_have_text(
        [re.compile("^Välj kund"), "Acme Verktyg AB (acme)", "Kvarnen Bageri AB (kvarnen)"]
    )
    page.keyboard.press("Enter")
    # And the customer is chosen and its month, without calls, is shown
    expect(customer).to_have_value("kvarnen")
    expect(page.get_by_text("Inga debiterade samtal den här månaden.")).to_be_visible()
    # And the choice holds on the overview
    open_page(page, "Översikt")
    expect(page.get_by_label("Kund", exact=True)).to_have_value("kvarnen")
    expect(page.get_by_role("heading", name=re.compile(r"^kvarnen, .* hittills$"))).to_be_visible()
    # When they choose the demo customer from the select with the keyboard
    select = page.get_by_label("Kund", exact=True)
    select.focus()
    select.select_option("acme")
    expect(page.get_by_role("heading", name=re.compile(r"^acme, .* hittills$"))).to_be_visible()
    # Then billing shows the demo customer's month, the same total as the API's
    open_page(page, "Fakturering")
    expect(page.get_by_label("Kund", exact=True)).to_have_value("acme")
    total = page.get_by_role("table").first.get_by_role("row").filter(has_text="Summa").get_by_role("cell")
    expect(total.nth(2)).to_have_text(_kronor(acme["total_ore"]))
    # And signing out forgets the choice (the session's customer again)
    page.get_by_label("Kund", exact=True).select_option("kvarnen")
    expect(page.get_by_text("Inga debiterade samtal den här månaden.")).to_be_visible()
    page.get_by_role("button", name="Logga ut").click()
    sign_in(page, FINANCE)
    open_page(page, "Fakturering")
    expect(page.get_by_label("Kund", exact=True)).to_have_value("acme")
