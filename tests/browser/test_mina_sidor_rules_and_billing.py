"""Mina sidor (issue 15): message rules, billing against the rating lines with its CSV download,
and the people search the server does. Against `telefonist serve` in headless Chromium.

The billing journey compares the page with the billing table itself: the lines the rating
engine wrote for the demo customer's simulated calls (telefonist_local.self_service.demo_billing).
The message-rule journey changes Support's rules only (the operator page's tests read the
switchboard's) and removes them again.
"""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect
from telefonist.clock import to_local, utc_now
from telefonist.dal.billing_table import BillingTable, BillingTableSettings
from telefonist.resources import BILLING_BUCKET

from telefonist_local.cli.serve import LocalApi
from tests.browser.test_mina_sidor import ADMIN, FINANCE, READER, api, mina_sidor, open_page, sign_in

__all__ = ["mina_sidor"]  # the fixture, shared with test_mina_sidor.py

LARS = "p00003"  # demo_directory(): Lars Ahlström-Berg prefers e-mail and has a mobile


def _kronor(ore: int) -> re.Pattern[str]:
    """An amount as the page writes it in Swedish: "12 345,67 kr" (any kind of space)."""
    whole = f"{ore // 100:,}".replace(",", r"\s")
    return re.compile(rf"(^|\s){whole},{ore % 100:02d}\s*kr")


def _count(value: int) -> str:
    return rf"{value:,}".replace(",", r"\s")


def test_a_finance_user_reads_billing_that_matches_the_rating_lines_and_downloads_them(mina_sidor: Page) -> None:
    # Given the rating lines of the demo customer's month, as the billing table holds them
    month = to_local(utc_now()).strftime("%Y-%m")
    table = BillingTable(BillingTableSettings.from_environ(os.environ, BILLING_BUCKET.local_name))
    lines = table.rows(month=month, tenant_id="acme")
    assert len(lines) > 50
    per_tariff: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in lines:
        total = per_tariff[line["tariff"]]
        total[0] += 1
        total[1] += line["over_45s"]
        total[2] += line["amount_ore"]
    # When finance signs in and opens billing
    page = mina_sidor
    sign_in(page, FINANCE)
    open_page(page, "Fakturering")
    # Then each tariff's row has its name, its calls, its calls over 45 s and its amount in kronor
    rows = page.get_by_role("table").first.get_by_role("row")
    expect(rows).to_have_count(len(per_tariff) + 2)  # header and total
    names = {1: "Taxa 1 · vardag 07–18, besvarat", 2: "Taxa 2 · vardag 07–18, kopplat"}
    for tariff, (calls, over, amount) in per_tariff.items():
        row = rows.filter(has_text=f"Taxa {tariff} ·")
        cells = row.get_by_role("cell")
        expect(cells.nth(1)).to_have_text(re.compile(rf"^{_count(calls)}$"))
        expect(cells.nth(2)).to_have_text(re.compile(rf"^{_count(over)}$"))
        expect(cells.nth(3)).to_have_text(_kronor(amount))
        if tariff in names:
            expect(cells.first).to_have_text(names[tariff])
    calls = len(lines)
    over = sum(t[1] for t in per_tariff.values())
    total = rows.filter(has_text="Summa").get_by_role("cell")
    expect(total.nth(0)).to_have_text(re.compile(rf"^{_count(calls)}$"))
    expect(total.nth(1)).to_have_text(re.compile(rf"^{_count(over)}$"))
    expect(total.nth(2)).to_have_text(_kronor(sum(t[2] for t in per_tariff.values())))
    # And the share over the 45-second budget, in Swedish
    share = f"{100 * over / calls:.1f}".replace(".", ",")
    expect(page.get_by_text(re.compile(rf"^{share}\s%\sav samtalen tog mer än 45 sekunder"))).to_be_visible()
    # And a chart of the last twelve months
    expect(page.get_by_role("img", name="De senaste tolv månaderna").locator("rect")).to_have_count(12)
    # When they download the month's lines
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner månadens samtal (CSV)").click()
    assert download.value.suggested_filename == f"acme-billing-{month}.csv"
    with open(download.value.path(), encoding="utf-8", newline="") as file:
        downloaded = list(csv.DictReader(file))
    # Then the file holds exactly the rating lines, call for call
    assert sorted(r["contact_id"] for r in downloaded) == sorted(line["contact_id"] for line in lines)
    assert sum(int(r["amount_ore"]) for r in downloaded) == sum(line["amount_ore"] for line in lines)
    assert sum(r["over_45s"] == "true" for r in downloaded) == over
    # And the administrators' pages stay closed to finance
    page.goto(page.url.split("#")[0] + "#/meddelanden")
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")


def test_an_admin_gives_support_its_own_message_rules_and_the_operators_form_follows(
    mina_sidor: Page, served: LocalApi
) -> None:
    form_path = f"/tenants/acme/people/{LARS}/message-form?common_number_id=support"
    before = api(served, "GET", form_path, "operator")
    assert (before["urgent_channels"], before["required_fields"]) == (["email"], [])
    # Given an administrator on the message rules, for Support
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Meddelanden")
    page.get_by_label("Regler för", exact=True).select_option(label="Support")
    expect(page.get_by_text("Support följer kundens regler.")).to_be_visible()
    # When they give Support its own rules: urgent messages by SMS, the caller's company required
    page.get_by_role("button", name="Egna regler för Support").click()
    form = page.get_by_role("form", name="Meddelanderegler för Support")
    form.get_by_label("Brådskande meddelanden skickas med").select_option(label="SMS")
    form.get_by_role("checkbox", name="Uppringarens företag").check()
    # And an SMS text without the message is refused under the field, in the API's words
    form.get_by_label("SMS-text").fill("Ring tillbaka")
    form.get_by_role("button", name="Spara").click()
    expect(form.get_by_text("the SMS template must contain ${text}", exact=True)).to_be_visible()
    form.get_by_label("SMS-text").fill("Support: ${text} /${sender}")
    form.get_by_role("button", name="Spara").click()
    expect(form.get_by_role("status").filter(has_text="Sparat.")).to_be_visible()
    # Then the operators' message form for a call to Support asks for the company and sends urgent ones by SMS
    after = api(served, "GET", form_path, "operator")
    assert (after["urgent_channels"], after["required_fields"], after["channels"]) == (
        ["sms"],
        ["caller_company"],
        ["email"],
    )
    # And the switchboard's messages keep the customer's rules
    switchboard = api(served, "GET", f"/tenants/acme/people/{LARS}/message-form?common_number_id=vaxel", "operator")
    assert switchboard["required_fields"] == []
    # When they remove Support's own rules again
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Ta bort egna regler").click()
    # Then Support follows the customer's rules
    expect(page.get_by_text("Support följer kundens regler.")).to_be_visible()
    assert api(served, "GET", form_path, "operator")["required_fields"] == []


def test_a_read_only_user_reads_the_message_rules_without_controls(mina_sidor: Page) -> None:
    page = mina_sidor
    sign_in(page, READER)
    open_page(page, "Meddelanden")
    form = page.get_by_role("form", name="Meddelanderegler för Alla nummer (kundens regler)")
    expect(form.get_by_text("Personens eget val")).to_be_visible()
    expect(form.get_by_role("textbox")).to_have_count(0)
    expect(form.get_by_role("checkbox")).to_have_count(0)
    expect(form.get_by_role("button", name="Spara")).to_have_count(0)


def test_the_people_search_is_the_servers(mina_sidor: Page) -> None:
    # Given an administrator on the people page
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Personer")
    expect(page.get_by_role("button", name="Ändra Åsa Södergren")).to_be_visible()
    # When they type a name without its accents
    with page.expect_request(lambda r: parse_qs(urlparse(r.url).query).get("q") == ["bjorn akesson"]):
        page.get_by_label("Sök bland personerna").fill("bjorn akesson")
    # Then the server's answer lists Björn Åkesson alone (not Mats Åkesson, nor anyone else)
    expect(page.get_by_role("button", name="Ändra Björn Åkesson")).to_be_visible()
    expect(page.get_by_role("button", name="Ändra Åsa Södergren")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Träffar")).to_have_text("Träffar: 1.")
    # And a referral for him can still name any colleague listed before, not only those found
    page.get_by_role("button", name="Ändra Björn Åkesson").click()
    refer_to = page.get_by_label("Hänvisa till kollega")
    expect(refer_to.get_by_role("option", name="Åsa Södergren")).to_have_count(1)
    expect(refer_to.get_by_role("option", name="Björn Åkesson")).to_have_count(0)
