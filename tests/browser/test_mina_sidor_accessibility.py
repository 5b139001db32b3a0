"""Mina sidor: axe-core on every page a person opens (no serious or critical violation), and the
README's screenshots of the overview and a common number's page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from telefonist_local.cli.serve import LocalApi
from tests.browser.conftest import page_in
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_mina_sidor import ADMIN, FINANCE, READER, open_page, sign_in

PREVIEW = "Så ser operatören det"
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def csp_free_mina_sidor(csp_free_context: BrowserContext, served: LocalApi) -> Iterator[Page]:
    """Mina sidor with a policy that lets the test inject axe-core (the page allows no inline script)."""
    for page in page_in(csp_free_context):
        page.goto(f"{served.url}/mina-sidor/")
        expect(page.get_by_role("heading", name="Logga in på Mina sidor")).to_be_visible()
        yield page


def test_every_page_an_admin_opens_has_no_serious_violation(csp_free_mina_sidor: Page) -> None:
    # Given the sign-in page
    page = csp_free_mina_sidor
    assert serious_violations(page) == [], "sign-in"
    sign_in(page, ADMIN)
    # When an administrator opens each page (with a form open where the page has one)
    steps = {
        "Översikt": lambda: expect(page.get_by_role("heading", name="Behöver åtgärdas")).to_be_visible(),
        "Nummer och svar": lambda: expect(
            page.get_by_role("complementary", name="Så ser operatören det")
        ).to_be_visible(),
        "Kontor": lambda: page.get_by_role("button", name="Ändra Huvudkontoret").click(),
        "Personer": lambda: page.get_by_role("button", name="Ändra Åsa Södergren").click(),
        "Meddelanden": lambda: expect(page.get_by_label("SMS-text")).to_be_visible(),
        "Import": lambda: expect(page.get_by_label("CSV-fil")).to_be_visible(),
        "Fakturering": lambda: expect(page.get_by_role("heading", name="Prislista", exact=False)).to_be_visible(),
        "Statistik": lambda: expect(page.get_by_role("row").nth(1)).to_be_visible(),
        "Samtalslogg": lambda: expect(page.get_by_role("row").nth(1)).to_be_visible(),
        "Kalender": lambda: expect(page.get_by_role("heading", level=1)).to_have_text("Kalender"),
        "Logg": lambda: expect(page.get_by_role("row").nth(1)).to_be_visible(),
    }
    found = {}
    for name, settle in steps.items():
        open_page(page, name)
        settle()
        page.wait_for_load_state("networkidle")
        found[name] = serious_violations(page)
    # Then axe-core finds no serious or critical violation on any of them
    assert all(v == [] for v in found.values()), found


def test_the_read_only_and_finance_views_have_no_serious_violation(csp_free_mina_sidor: Page) -> None:
    # Given a read-only user on the people page, then finance on billing
    page = csp_free_mina_sidor
    sign_in(page, READER)
    open_page(page, "Personer")
    page.get_by_role("button", name="Visa Åsa Södergren").click()
    reader = serious_violations(page)
    page.get_by_role("button", name="Logga ut").click()
    sign_in(page, FINANCE)
    open_page(page, "Fakturering")
    expect(page.get_by_role("table").first).to_be_visible()
    finance = serious_violations(page)
    # Then neither has a serious or critical violation
    assert (reader, finance) == ([], []), (reader, finance)


def test_the_readme_screenshots_show_the_overview_and_a_common_number(csp_free_mina_sidor: Page) -> None:
    # Given an administrator on the overview
    page = csp_free_mina_sidor
    sign_in(page, ADMIN)
    expect(page.get_by_role("heading", name="Behöver åtgärdas")).to_be_visible()
    page.wait_for_load_state("networkidle")
    # When the overview and the switchboard's page with its preview are photographed
    page.screenshot(path=str(DOCS / "mina-sidor-oversikt.png"))
    open_page(page, "Nummer och svar")
    page.get_by_label("Gemensamt nummer").select_option(label="Växel")
    expect(page.get_by_role("complementary", name="Så ser operatören det")).to_be_visible()
    page.screenshot(path=str(DOCS / "mina-sidor-nummer.png"))
    # Then docs/ holds the pictures the README shows
    assert (DOCS / "mina-sidor-oversikt.png").stat().st_size > 10_000
    assert (DOCS / "mina-sidor-nummer.png").stat().st_size > 10_000
