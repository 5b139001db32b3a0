"""Mina sidor's Kalender (issue 21) against `telefonist serve` in headless Chromium: an
administrator turns calendar sync on, changes a rule (a refused empty text shown under its field
first), follows a person's calendar, and a stale version offers to reload; axe-core clean."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, Route, expect

from telefonist_local.cli.serve import LocalApi
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_mina_sidor import ADMIN, api, mina_sidor, open_page, sign_in
from tests.browser.test_mina_sidor_accessibility import csp_free_mina_sidor

__all__ = ["csp_free_mina_sidor", "mina_sidor"]
WHO = "customer administrator"
PERSON = "p00004"


def test_an_administrator_changes_a_rule_and_follows_a_persons_calendar(mina_sidor: Page, served: LocalApi) -> None:
    person = api(served, "GET", f"/people/{PERSON}", WHO)
    name = f"{person['first_name']} {person['last_name']}"
    before = api(served, "GET", "/calendar-sync", WHO)
    # Given an administrator on Kalender
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Kalender")
    form = page.get_by_role("form", name="Kalendersynkens inställningar")
    expect(form).to_be_visible()
    # When they turn sync on, show "busy" as "I möte" and add a subject word without its text
    form.get_by_role("checkbox", name="Följ kalendrarna (kalendersynk på)").check()
    form.get_by_role("textbox", name="Upptagen", exact=True).fill("I möte")
    n = len(before["rules"]["keywords"]) + 1  # after the words already there (the defaults: lunch, möte, …)
    form.get_by_role("button", name="Lägg till ord").click()
    form.get_by_role("textbox", name=f"Ord {n}", exact=True).fill("kurs")
    form.get_by_role("button", name="Spara", exact=True).click()
    # Then the API's words stand under the empty text's field
    text = form.get_by_role("textbox", name=f"Hänvisning för ord {n}")
    expect(text).to_have_attribute("aria-invalid", "true")
    error_id = text.get_attribute("aria-describedby") or ""
    expect(page.locator(f"[id='{error_id}']")).not_to_be_empty()
    # When they give the text and save again
    text.fill("På utbildning")
    form.get_by_role("button", name="Spara", exact=True).click()
    expect(form.get_by_role("status")).to_have_text("Sparat.")
    stored = api(served, "GET", "/calendar-sync", WHO)
    assert stored["enabled"] is True
    assert stored["version"] == before["version"] + 1
    assert stored["rules"]["busy"] == "I möte"
    assert stored["rules"]["keywords"] == [*before["rules"]["keywords"], {"keyword": "kurs", "text": "På utbildning"}]
    # When they follow the person's calendar
    page.get_by_role("checkbox", name=f"Följ {name}s kalender").check()
    # Then it waits for the renewal run, and the API has it followed through the person's e-mail
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
    expect(row).to_contain_text("Ansluts inom en kvart")
    followed = {p["person_id"]: p for p in api(served, "GET", "/calendar-sync", WHO)["people"]}
    assert followed[PERSON]["following"] is True
    assert followed[PERSON]["user_id"] == person["email"]


def test_a_stale_version_offers_to_reload(mina_sidor: Page, served: LocalApi) -> None:
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Kalender")
    form = page.get_by_role("form", name="Kalendersynkens inställningar")
    expect(form).to_be_visible()
    # Someone else saves meanwhile
    current = api(served, "GET", "/calendar-sync", WHO)
    body = {"enabled": current["enabled"], "rules": current["rules"], "expected_version": current["version"]}
    api(served, "PUT", "/calendar-sync", WHO, body)
    form.get_by_role("textbox", name="Preliminär").fill("Kanske i möte")
    form.get_by_role("button", name="Spara", exact=True).click()
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("Någon annan har ändrat detta")
    alert.get_by_role("button", name="Ladda om").click()
    expect(page.get_by_role("form", name="Kalendersynkens inställningar").get_by_role("alert")).to_have_count(0)


def test_the_calendar_page_has_no_serious_violation(csp_free_mina_sidor: Page) -> None:
    page = csp_free_mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Kalender")
    expect(page.get_by_role("form", name="Kalendersynkens inställningar")).to_be_visible()
    page.get_by_role("button", name="Lägg till ord").click()
    page.get_by_role("button", name="Spara", exact=True).click()  # an empty word: errors under the fields
    expect(page.get_by_role("form", name="Kalendersynkens inställningar").get_by_role("alert")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []


def test_an_administrator_connects_microsoft_365_and_kalender_shows_it_connected(
    mina_sidor: Page, served: LocalApi
) -> None:
    directory = "9a1b2c3d-0000-4000-8000-00000000abcd"
    seen: list[str] = []

    def microsoft(route: Route) -> None:  # Microsoft's admin consent: the administrator grants it
        query = parse_qs(urlparse(route.request.url).query)
        seen.append(route.request.url)
        back = f"{served.url}/mina-sidor/?admin_consent=True&tenant={directory}&state={query['state'][0]}"
        route.fulfill(status=302, headers={"Location": back})

    page = mina_sidor
    page.route("https://login.microsoftonline.com/**", microsoft)
    # Given an administrator on Kalender, not connected
    sign_in(page, ADMIN)
    open_page(page, "Kalender")
    section = page.get_by_role("region", name="Microsoft 365")
    expect(section.get_by_role("status")).to_contain_text("Inte ansluten")
    # When they connect Microsoft 365 and Microsoft sends them back with consent
    section.get_by_role("button", name="Anslut Microsoft 365").click()
    sign_in(page, ADMIN)  # tokens live in memory only: back on the page, they sign in again
    # Then Kalender shows the customer's directory connected, and the API has recorded it
    expect(page.get_by_role("heading", level=1)).to_have_text("Kalender")
    expect(page.get_by_role("region", name="Microsoft 365").get_by_role("status")).to_have_text(
        f"Ansluten (katalog {directory})"
    )
    [url] = seen
    assert url.startswith("https://login.microsoftonline.com/organizations/v2.0/adminconsent?client_id=")
    assert api(served, "GET", "/calendar-sync", WHO)["microsoft365"]["directory_tenant"] == directory
    assert "state=" not in page.url  # the single-use state is not left in the address
