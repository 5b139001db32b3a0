"""Mina sidor (issue 15): the acceptance journeys the other files leave out: a real CSV import with
a bad row, setting a door code that shows only on reveal, and customer B's data never appearing
for customer A. Against `telefonist serve` in headless Chromium.

Each journey leaves the shared server as the other suites expect it: its own person, its own
office (removed again), its own second customer (whom no other test reads).
"""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from telefonist_local.cli.serve import LocalApi
from telefonist_local.self_service.local_gateway import local_token
from tests.browser.test_mina_sidor import ADMIN, api, mina_sidor, open_page, sign_in

__all__ = ["mina_sidor"]  # the fixture, shared with test_mina_sidor.py

GLOBEX = "globex-isolation"
GLOBEX_ADMIN = local_token(GLOBEX, "admins", subject="globex-admin")
GLOBEX_MARKERS = ("Globexsson", "globexhemlis", "9911")


def _as(served: LocalApi, token: str, method: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
        f"{served.url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": token, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server on 127.0.0.1
        return json.loads(response.read())


def test_an_admin_imports_a_csv_file_with_one_bad_row_and_reads_the_report(mina_sidor: Page, served: LocalApi) -> None:
    # Given an administrator on the import page and a file with one good and one bad row
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Import")
    csv = (
        "person_id,first_name,last_name,email,keywords\n"
        "ingrid-import,Ingrid,Importsson,ingrid@example.se,kassa|kvitton\n"
        "bad-import,Berit,,inte-en-adress,\n"
    )
    page.get_by_label("CSV-fil").set_input_files(
        files=[{"name": "personer.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    # When they import it for real (not a dry run): the file itself goes to the API, as text/csv
    page.get_by_label("Provkörning: kontrollera varje rad, spara inget").uncheck()
    with page.expect_request(lambda r: "/people/import" in r.url) as sent:
        page.get_by_role("button", name="Importera").click()
    assert sent.value.headers["content-type"].startswith("text/csv")
    assert sent.value.post_data == csv
    # Then the report says one was created and one had errors, row by row with the fields at fault
    report = page.get_by_role("region", name="Resultat", exact=True)
    expect(report.get_by_role("status")).to_have_text("1 skapade, 0 uppdaterade, 1 med fel.")
    rows = report.get_by_role("row")
    expect(rows.filter(has_text="ingrid-import")).to_contain_text("skapad")
    bad = rows.filter(has_text="bad-import")
    expect(bad).to_contain_text("last_name")
    expect(bad).to_contain_text("email")
    # And Ingrid is in the directory, the bad row's person is not
    assert [p["person_id"] for p in api(served, "GET", "/people?q=importsson", "customer administrator")["items"]] == [
        "ingrid-import"
    ]
    assert api(served, "GET", "/people?q=berit", "customer administrator")["items"] == []


def test_an_admin_sets_a_door_code_and_sees_it_only_on_reveal(mina_sidor: Page, served: LocalApi) -> None:
    # Given an administrator adding an office
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Kontor")
    page.get_by_role("button", name="Nytt kontor").click()
    form = page.get_by_role("form", name="Nytt kontor")
    form.get_by_label("Id för kontoret").fill("lagret")
    form.get_by_label("Namn").fill("Lagret")
    form.get_by_label("Gatuadress").fill("Lagervägen 3")
    form.get_by_label("Postnummer").fill("123 45")
    form.get_by_label("Ort").fill("Farsta")
    # When they set a door code and save
    form.get_by_role("button", name="Lägg till kod").click()
    form.get_by_label("Vad koden öppnar").fill("Garaget")
    form.get_by_label("Kod", exact=True).fill("2580")
    form.get_by_role("button", name="Spara", exact=True).click()
    # Then the office shows the code hidden, and the code only when they ask for it
    page.get_by_role("button", name="Ändra Lagret").click()
    office = page.get_by_role("form", name="Kontoret Lagret")
    expect(office.get_by_text("Garaget:")).to_be_visible()
    expect(office.get_by_text("••••")).to_be_visible()
    expect(office).not_to_contain_text("2580")
    office.get_by_role("button", name="Visa kod för Garaget").click()
    expect(office.get_by_text("2580")).to_be_visible()
    # And the office list never carries it, nor does a read-only user's view of the office
    listed = api(served, "GET", "/offices", "customer user (read-only)")
    assert "2580" not in json.dumps(listed)
    assert api(served, "GET", "/offices/lagret", "customer user (read-only)")["door_codes"][0]["code"] is None
    api(served, "DELETE", "/offices/lagret", "customer administrator")


def test_customer_b_never_appears_for_customer_a(mina_sidor: Page, served: LocalApi) -> None:
    # Given a second customer with a person, a keyword, an office with a door code and rules for messages
    api(served, "POST", "/operator/tenants", "operator", {"tenant_id": GLOBEX, "name": "Globexsson AB"})
    person = {
        "person_id": "greger",
        "first_name": "Greger",
        "last_name": "Globexsson",
        "email": "greger@globex.example",
        "keywords": ["globexhemlis"],
    }
    _as(served, GLOBEX_ADMIN, "POST", "/people", person)
    office = {
        "name": "Globexsson HQ",
        "address": {"street": "Globexgatan 1", "postal_code": "111 22", "city": "Stockholm"},
        "door_codes": [{"label": "Port", "code": "9911"}],
        "expected_version": 0,
    }
    _as(served, GLOBEX_ADMIN, "PUT", "/offices/hq", office)
    _as(served, GLOBEX_ADMIN, "PUT", "/message-template", {"sms": "Globexsson: ${text}", "expected_version": 0})
    assert _as(served, GLOBEX_ADMIN, "GET", "/people?q=globexhemlis")["items"][0]["person_id"] == "greger"
    # When customer A's administrator goes through every page and searches for B's person
    page = mina_sidor
    sign_in(page, ADMIN)
    seen: dict[str, str] = {}
    for name in ("Översikt", "Nummer och svar", "Kontor", "Personer", "Meddelanden", "Fakturering", "Logg"):
        open_page(page, name)
        page.wait_for_load_state("networkidle")
        seen[name] = page.locator("main").inner_text()
    open_page(page, "Personer")
    page.get_by_label("Sök bland personerna").fill("globexhemlis")
    expect(page.get_by_role("status").filter(has_text="Träffar")).to_have_text("Träffar: 0.")
    seen["search"] = page.locator("main").inner_text()
    # Then nothing of B's appears anywhere
    leaks = {page_name: [m for m in GLOBEX_MARKERS if m in text] for page_name, text in seen.items()}
    assert not any(leaks.values()), leaks
    assert re.search("Åsa Södergren|Acme", seen["Personer"] + seen["Översikt"])  # A's own data is there


def test_the_overview_shows_the_numbers_and_an_expired_notice_to_remove(mina_sidor: Page, served: LocalApi) -> None:
    # Given Support's notice that ended yesterday (Support's script is the Mina sidor tests' own)
    support = api(served, "GET", "/common-numbers/support", "customer administrator")
    now = datetime.now(UTC)
    notice = {
        "text": "Inventering i går",
        "valid_from": (now - timedelta(days=3)).isoformat(),
        "valid_until": (now - timedelta(days=1)).isoformat(),
    }
    info = {**support["info"], "temporary_information": [*support["info"]["temporary_information"], notice]}
    body = {
        "name": support["name"],
        "info": info,
        "opening_hours": support["opening_hours"],
        "expected_version": support["version"],
    }
    api(served, "PUT", "/common-numbers/support", "customer administrator", body)
    # When the administrator signs in
    page = mina_sidor
    sign_in(page, ADMIN)
    # Then the overview lists the customer's numbers with the common number each plays
    numbers = page.get_by_role("table").first
    expect(numbers.get_by_role("row").filter(has_text="Support")).to_be_visible()
    expect(numbers.get_by_role("row").filter(has_text="Växel")).to_be_visible()
    # And asks for the expired notice to be removed
    expect(
        page.get_by_text("Support: tillfällig information har gått ut: ”Inventering i går”. Ta bort den.")
    ).to_be_visible()


def test_the_audit_trail_shows_who_changed_what_and_when(mina_sidor: Page) -> None:
    # Given an administrator who saves the customer's message rules
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Meddelanden")
    form = page.get_by_role("form", name="Meddelanderegler för Alla nummer (kundens regler)")
    form.get_by_role("button", name="Spara").click()
    expect(form.get_by_role("status").filter(has_text="Sparat.")).to_be_visible()
    # When they open the audit trail
    open_page(page, "Logg")
    # Then an entry says who changed what, and when (today, Stockholm time); other suites' entries
    # may be newer (the employee-status tests run the API at a simulated later time)
    newest = (
        page.get_by_role("row")
        .filter(has=page.get_by_role("cell", name="message template", exact=True))
        .filter(has_text="message_template.put")
        .first
    )
    expect(newest).to_contain_text("acme-admin")
    expect(newest).to_contain_text("message_template.put")
    expect(newest).to_contain_text("message template")
    today = datetime.now(ZoneInfo("Europe/Stockholm"))
    expect(newest).to_contain_text(re.compile(rf"{today.day}|{today:%Y-%m-%d}"))
