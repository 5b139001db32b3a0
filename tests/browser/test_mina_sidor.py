"""Mina sidor (issue 15), one journey per test, against `telefonist serve` in headless Chromium.

Each test signs in with one of the local development identities the page offers. The tests
change only what the operator page's tests do not read (Support's script, a new person), so
both suites share one server.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from telefonist_local.cli.serve import LocalApi
from telefonist_local.local_web import WEB_DIST
from tests.browser.conftest import eventually

MINA_SIDOR_PAGE = WEB_DIST / "mina-sidor.html"
SUPPORT_NUMBER = "+46852000002"
ADMIN, READER, FINANCE = "Kundadministratör", "Läsbehörig användare", "Ekonomi"


@pytest.fixture
def mina_sidor(page: Page, served: LocalApi) -> Page:
    """Mina sidor in the local host, at its sign-in."""
    if not MINA_SIDOR_PAGE.exists():
        pytest.fail(f"{MINA_SIDOR_PAGE} is missing: build the pages with `make web`")
    page.goto(f"{served.url}/mina-sidor/")
    expect(page.get_by_role("heading", name="Logga in på Mina sidor")).to_be_visible()
    return page


def sign_in(page: Page, identity: str) -> None:
    page.get_by_role("button", name=identity).click()
    expect(page.get_by_role("navigation", name="Mina sidor")).to_be_visible()


def open_page(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Mina sidor").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def open_common_number(page: Page, name: str) -> Locator:
    """As an administrator: the form of a common number's general information."""
    sign_in(page, ADMIN)
    open_page(page, "Nummer och svar")
    page.get_by_label("Gemensamt nummer").select_option(label=name)
    form = page.get_by_role("form", name=f"Allmän information för {name}")
    expect(form).to_be_visible()
    return form


def api(served: LocalApi, method: str, path: str, who: str, body: Any = None) -> Any:
    request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
        f"{served.url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": served.tokens[who], "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server on 127.0.0.1
        return json.loads(response.read())


Matches = list[dict[str, Any]]


def operators_search(served: LocalApi, query: str, done: Callable[[Matches], bool]) -> Matches:
    """The operators' search for `query` in Acme's directory once its matches are `done` (at most 5 s):
    a warm directory checks its version at most once a second, so an earlier search on this worker
    may leave it a moment behind."""
    path = f"/operator/tenants/acme/directory?q={query}"
    matches: Matches = eventually(lambda: api(served, "GET", path, "operator")["matches"], done, 5)
    return matches


def test_an_admin_changes_how_to_answer_and_sees_it_in_the_preview_and_the_next_call(
    mina_sidor: Page, served: LocalApi
) -> None:
    # Given an administrator on Support's general information
    page = mina_sidor
    form = open_common_number(page, "Support")
    answer = form.get_by_role("textbox", name="Så svarar vi")
    expect(answer).to_have_value("Acme Support, du talar med …")
    # When they write a new greeting
    answer.fill("Acme Support, god dag, du talar med …")
    # Then the operator's script in the preview says it before it is saved
    preview = page.get_by_role("complementary", name="Så ser operatören det")
    expect(preview.get_by_role("region", name="Så svarar vi")).to_have_text(re.compile("god dag, du talar med"))
    # And once saved, the next call to Support carries it in its contact attributes
    form.get_by_role("button", name="Spara", exact=True).click()
    expect(form.get_by_role("status")).to_have_text("Sparat.")
    call = page.request.post(f"{served.url}/local/calls", data={"dialed_number": SUPPORT_NUMBER, "caller_number": ""})
    assert call.json()["attributes"]["how_to_answer"] == "Acme Support, god dag, du talar med …"


def test_temporary_information_for_tomorrow_is_saved_as_scheduled(mina_sidor: Page) -> None:
    # Given an administrator on Support's general information
    page = mina_sidor
    form = open_common_number(page, "Support")
    # When they add a notice (it starts tomorrow 08:00, Swedish time, by default) and save
    form.get_by_role("button", name="Lägg till tillfällig information").click()
    notice = form.get_by_role("group", name="Tillfällig information 1")
    notice.get_by_label("Text").fill("Supporten har utbildningsdag.")
    expect(notice.get_by_label("Gäller från")).to_have_value(re.compile(r"T08:00$"))
    form.get_by_role("button", name="Spara", exact=True).click()
    # Then it is saved and scheduled, and not yet in what the operator sees
    expect(form.get_by_role("status")).to_have_text("Sparat.")
    notice = page.get_by_role("group", name="Tillfällig information 1")
    expect(notice.get_by_label("Text")).to_have_value("Supporten har utbildningsdag.")
    expect(notice).to_contain_text("Schemalagd: visas när den börjar gälla.")
    expect(page.get_by_role("complementary", name="Så ser operatören det")).not_to_contain_text("utbildningsdag")


def test_an_empty_greeting_is_refused_under_the_field_in_the_apis_words(mina_sidor: Page) -> None:
    # Given an administrator on Support's general information
    page = mina_sidor
    form = open_common_number(page, "Support")
    answer = form.get_by_role("textbox", name="Så svarar vi")
    # When they save without a greeting
    answer.fill("")
    form.get_by_role("button", name="Spara", exact=True).click()
    # Then the field is marked and the API's message is under it
    expect(answer).to_have_attribute("aria-invalid", "true")
    described = answer.get_attribute("aria-describedby") or ""
    error = page.locator(f"[id='{described.split()[-1]}']")
    expect(error).not_to_be_empty()
    expect(form.get_by_role("alert")).to_be_visible()


def test_a_stale_version_tells_the_admin_to_reload(mina_sidor: Page, served: LocalApi) -> None:
    # Given an administrator with the switchboard's general information open
    page = mina_sidor
    form = open_common_number(page, "Växel")
    expect(form).to_be_visible()
    # And someone else saves a change meanwhile (the same script, a new version)
    current = api(served, "GET", "/common-numbers/vaxel", "customer administrator")
    body = {k: current[k] for k in ("name", "info", "opening_hours")} | {"expected_version": current["version"]}
    api(served, "PUT", "/common-numbers/vaxel", "customer administrator", body)
    # When the administrator saves
    form.get_by_role("textbox", name="Så kopplar vi").fill(
        "Koppla direkt till den sökta; vid upptaget, erbjud meddelande."
    )
    form.get_by_role("button", name="Spara", exact=True).click()
    # Then the page says someone else changed it and offers to reload
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("Någon annan har ändrat detta")
    alert.get_by_role("button", name="Ladda om").click()
    expect(page.get_by_role("form", name="Allmän information för Växel").get_by_role("alert")).to_have_count(0)


def test_an_admin_adds_a_person_with_keywords_and_a_referral(mina_sidor: Page, served: LocalApi) -> None:
    # Given an administrator on the people page
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Personer")
    # When they add Greta Testberg with a mobile number and keywords
    page.get_by_role("button", name="Ny person").click()
    form = page.get_by_role("form", name="Ny person")
    form.get_by_label("Förnamn").fill("Greta")
    form.get_by_label("Efternamn").fill("Testberg")
    form.get_by_label("Avdelning").fill("Ekonomi")
    form.get_by_role("button", name="Lägg till nummer").click()
    form.get_by_role("textbox", name="Telefonnummer").fill("+46705551234")
    form.get_by_label("Sökord").fill("löner, reseräkningar")
    form.get_by_role("radio", name="SMS", exact=True).check()
    form.get_by_role("button", name="Skapa").click()
    # And find her in the list and set a meeting referral with a preset
    page.get_by_label("Sök bland personerna").fill("greta")
    page.get_by_role("button", name="Ändra Greta Testberg").click()
    referral = page.get_by_role("form", name="Ny hänvisning")
    referral.get_by_role("button", name="Möte").click()
    expect(referral.get_by_role("textbox", name="Hänvisning", exact=True)).to_have_value("Möte")
    referral.get_by_role("button", name="Spara hänvisningen").click()
    # Then the referral is listed as valid now
    expect(page.get_by_role("listitem").filter(has_text="Möte")).to_contain_text("(gäller nu)")

    # And the operators' directory search finds her by a keyword, with the referral
    def greta_in_a_meeting(matches: Matches) -> bool:
        return any(
            m["person"]["person_id"] == "greta-testberg" and (m["referral"] or {}).get("text") == "Möte"
            for m in matches
        )

    found = operators_search(served, "reserakningar", greta_in_a_meeting)
    greta = next(m for m in found if m["person"]["person_id"] == "greta-testberg")
    assert greta["referral"]["text"] == "Möte"


def test_a_csv_dry_run_reports_each_rows_errors(mina_sidor: Page) -> None:
    # Given an administrator on the import page and a file with one bad row
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Import")
    csv = "person_id,first_name,last_name,email\nnils-holm,Nils,Holm,nils@example.se\nbad-row,Berit,,inte-en-adress\n"
    page.get_by_label("CSV-fil").set_input_files(
        files=[{"name": "personer.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    # When they check the file (a dry run is the default)
    expect(page.get_by_label("Provkörning: kontrollera varje rad, spara inget")).to_be_checked()
    page.get_by_role("button", name="Kontrollera filen").click()
    # Then the report has each row: line 2 valid, line 3 with the fields at fault, nothing saved
    report = page.get_by_role("region", name="Resultat av provkörningen")
    expect(report.get_by_role("status")).to_have_text("1 rader går att importera, 1 har fel. Inget är sparat.")
    rows = report.get_by_role("row")
    expect(rows.filter(has_text="nils-holm")).to_contain_text("godkänd")
    bad = rows.filter(has_text="bad-row")
    expect(bad).to_contain_text("fel")
    expect(bad).to_contain_text("email")
    expect(bad).to_contain_text("last_name")


def test_an_admin_reveals_a_door_code_and_a_save_keeps_it(mina_sidor: Page) -> None:
    # Given an administrator with the head office open
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Kontor")
    page.get_by_role("button", name="Ändra Huvudkontoret").click()
    form = page.get_by_role("form", name="Kontoret Huvudkontoret")
    # Then the code is hidden until asked for
    expect(form.get_by_text("••••")).to_be_visible()
    expect(form).not_to_contain_text("4711")
    form.get_by_role("button", name="Visa kod för Port").click()
    expect(form.get_by_text("4711")).to_be_visible()
    # When they change the visiting instructions without touching the codes and save
    form.get_by_label("Besöksinstruktioner").fill("Besökare anmäler sig i receptionen, plan 2. Hiss till vänster.")
    form.get_by_role("button", name="Spara", exact=True).click()
    # Then the code is still there
    page.get_by_role("button", name="Ändra Huvudkontoret").click()
    form = page.get_by_role("form", name="Kontoret Huvudkontoret")
    expect(form.get_by_label("Besöksinstruktioner")).to_have_value(re.compile("Hiss till vänster"))
    form.get_by_role("button", name="Visa kod för Port").click()
    expect(form.get_by_text("4711")).to_be_visible()


def test_a_read_only_user_sees_no_edit_controls(mina_sidor: Page) -> None:
    # Given a customer user without the administrators' group
    page = mina_sidor
    sign_in(page, READER)
    nav = page.get_by_role("navigation", name="Mina sidor")
    # Then there is no import, no billing and no audit trail
    expect(nav.get_by_role("link")).to_have_text(["Översikt", "Nummer och svar", "Kontor", "Personer", "Meddelanden"])
    # And the script reads as text: no field, no save
    open_page(page, "Nummer och svar")
    page.get_by_label("Gemensamt nummer").select_option(label="Växel")
    expect(page.get_by_text("Acme Verktyg, god morgon/dag, du talar med …").first).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Spara")).to_have_count(0)
    expect(page.get_by_role("button", name="Nytt gemensamt nummer")).to_have_count(0)
    # And people can be looked at, not added or changed
    open_page(page, "Personer")
    expect(page.get_by_role("button", name=re.compile("^Visa ")).first).to_be_visible()
    expect(page.get_by_role("button", name="Ny person")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Ändra "))).to_have_count(0)
    # And offices show no codes to reveal
    open_page(page, "Kontor")
    page.get_by_role("button", name="Visa Huvudkontoret").click()
    expect(page.get_by_role("button", name=re.compile("Visa kod"))).to_have_count(0)
    expect(page.get_by_role("button", name="Spara")).to_have_count(0)


def test_finance_sees_the_overview_billing_and_the_call_log_only(mina_sidor: Page) -> None:
    # Given finance signed in
    page = mina_sidor
    sign_in(page, FINANCE)
    nav = page.get_by_role("navigation", name="Mina sidor")
    # Then the navigation holds the overview, billing and the call log, nothing else
    expect(nav.get_by_role("link")).to_have_text(["Översikt", "Fakturering", "Samtalslogg"])
    # And a direct link to an administrators' page shows the overview instead
    page.goto(page.url.split("#")[0] + "#/personer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
    # When finance opens billing for the demo customer's month
    open_page(page, "Fakturering")
    # Then the calls and amounts per tariff are in kronor, formatted the Swedish way (the figures
    # against the rating lines: test_mina_sidor_rules_and_billing.py)
    table = page.get_by_role("table").first
    tariff1 = table.get_by_role("row").filter(has_text="Taxa 1 · vardag 07–18, besvarat")
    expect(tariff1).to_contain_text(re.compile(r"\d,\d\d\s*kr$"))
    expect(table.get_by_role("row").filter(has_text="Summa")).to_contain_text(re.compile(r"\d,\d\d\s*kr$"))


def test_on_a_phone_the_pages_fit_the_screens_width(mina_sidor: Page) -> None:
    # Given an administrator on a phone-sized screen
    page = mina_sidor
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, ADMIN)
    widths = {}
    # When they open a common number's form and a person's card
    open_page(page, "Nummer och svar")
    expect(page.get_by_role("complementary", name="Så ser operatören det")).to_be_visible()
    widths["numbers"] = page.evaluate("document.documentElement.scrollWidth")
    open_page(page, "Personer")
    page.get_by_role("button", name="Ändra Åsa Södergren").click()
    expect(page.get_by_role("form", name="Uppgifter om Åsa Södergren")).to_be_visible()
    widths["people"] = page.evaluate("document.documentElement.scrollWidth")
    # Then nothing is wider than the screen
    assert widths == {"numbers": 390, "people": 390}


def test_the_site_switches_to_english_from_the_one_catalogue(mina_sidor: Page) -> None:
    # Given the sign-in page in Swedish
    page = mina_sidor
    # When the person switches to English and signs in as finance
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to My pages")
    page.get_by_role("button", name="Finance").click()
    # Then the navigation and billing read in English, with amounts the English way
    nav = page.get_by_role("navigation", name="My pages")
    expect(nav.get_by_role("link")).to_have_text(["Overview", "Billing", "Call log"])
    nav.get_by_role("link", name="Billing").click()
    tariff1 = page.get_by_role("table").first.get_by_role("row").filter(has_text="Tariff 1 · weekday 07–18, answered")
    expect(tariff1).to_contain_text(re.compile(r"SEK\s[\d,]+\.\d\d"))
