"""The operator page's paths beside the plain call: the door code's reveal, the fallback call's choice
of customer, and a transfer nobody answered coming back to the operators' queue."""

from __future__ import annotations

import json
import re
import urllib.request

from playwright.sync_api import Page, expect

from telefonist_local.cli.serve import LocalApi
from tests.browser.conftest import CALLER, UNROUTED_NUMBER, open_card, place_call

BJORN_WORK = "+46852010001"


def _audit(api: LocalApi) -> list[dict[str, str]]:
    request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
        f"{api.url}/audit?limit=200", headers={"Authorization": api.tokens["customer administrator"]}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server on 127.0.0.1
        items: list[dict[str, str]] = json.loads(response.read())["items"]
    return items


def test_the_door_code_shows_only_on_an_explicit_reveal_which_is_audited(operator_page: Page, served: LocalApi) -> None:
    # Given a call to Acme: the office summary shows, the code does not
    page = operator_page
    place_call(page)
    script = page.get_by_role("region", name="Manus")
    expect(script).to_contain_text("Huvudkontoret: Sveavägen 1, 111 57 Stockholm")
    expect(script).not_to_contain_text("4711")
    before = len([e for e in _audit(served) if e["action"] == "office.door_codes_revealed"])
    # When the operator reaches "Visa kod" by keyboard (Tab from the search box backwards) and presses Enter
    reveal = script.get_by_role("button", name="Visa kod")
    for _ in range(10):
        if reveal.evaluate("button => button === document.activeElement"):
            break
        page.keyboard.press("Shift+Tab")
    expect(reveal).to_be_focused()
    with page.expect_response(lambda r: "/offices/huvudkontor" in r.url) as revealed:
        page.keyboard.press("Enter")
    # Then the code shows, read through the operators' audited route
    assert revealed.value.status == 200
    expect(script.get_by_role("list", name="Dörrkoder")).to_have_text("Huvudkontoret, Port: 4711")
    # And the customer's audit trail says who saw it (and when)
    revealed_entries = [e for e in _audit(served) if e["action"] == "office.door_codes_revealed"]
    assert len(revealed_entries) == before + 1
    assert revealed_entries[0]["actor"] == "operator-1"
    assert revealed_entries[0]["target"] == "office huvudkontor"
    # And "Dölj kod" hides it again
    script.get_by_role("button", name="Dölj kod").click()
    expect(script).not_to_contain_text("4711")


def test_a_fallback_call_asks_which_customer_before_the_directory_is_searched(operator_page: Page) -> None:
    # Given a call to a number no customer has: the warning, and the focus in the choice of customer
    page = operator_page
    place_call(page, dialed=UNROUTED_NUMBER)
    expect(page.get_by_role("alert").filter(has_text="Okänd kund")).to_be_visible()
    chooser = page.get_by_label("Vilken kund söker uppringaren?")
    expect(chooser).to_be_focused()
    expect(page.get_by_label("Sök person, avdelning eller sökord")).to_be_disabled()
    # When the operator types part of the company's name and picks it with Enter
    page.keyboard.type("verktyg")
    option = page.get_by_role("option", name=re.compile("Acme Verktyg AB"))
    expect(option).to_be_visible()
    expect(option).to_contain_text("08-520 000 01")
    page.keyboard.press("Enter")
    # Then the search is for that customer, with the focus in it
    expect(page.get_by_text("Vald kund: Acme Verktyg AB.")).to_be_visible()
    search = page.get_by_label("Sök person, avdelning eller sökord")
    expect(search).to_be_enabled()
    expect(search).to_be_focused()
    # And the directory search runs in Acme's directory
    page.keyboard.type("asa")
    expect(page.get_by_role("option", name=re.compile("Åsa Södergren"))).to_be_visible()


def test_a_fallback_call_says_when_no_customer_matches(operator_page: Page) -> None:
    page = operator_page
    place_call(page, dialed=UNROUTED_NUMBER)
    page.keyboard.type("ingen sådan firma")
    expect(page.get_by_text("Ingen kund matchar ”ingen sådan firma”.")).to_be_visible()


def test_a_transfer_nobody_answers_comes_back_and_the_page_offers_a_message(operator_page: Page) -> None:
    # Given a call to Acme, and in the simulated workspace the person sought will not answer
    page = operator_page
    workspace = page.get_by_role("complementary", name="Simulerad arbetsyta")
    workspace.get_by_label("Den sökta personen").select_option(label="svarar inte")
    place_call(page)
    open_card(page, "björn", "Björn Åkesson")
    # When the operator connects the caller to Björn (K): the real transfer flow dials him, nobody answers
    with page.expect_response(lambda r: r.url.endswith("/local/transfers")) as transferred:
        page.keyboard.press("k")
    returned = transferred.value.json()["returned"]
    # Then the flow queued the caller back to the operators with the outcome and the person
    assert returned["attributes"]["transfer_outcome"] == "no_answer"
    assert returned["attributes"]["transfer_person_id"] == "p00001"
    assert returned["attributes"]["transfer_to"] == BJORN_WORK
    log = page.get_by_role("log", name="Händelser i arbetsytan")
    expect(log).to_contain_text("Ingen svarade (svarar inte): samtalet kom tillbaka till telefonisternas kö.")
    # And the returned contact's page says nobody answered and offers the message form for Björn
    expect(page.get_by_role("alert").filter(has_text="Björn Åkesson svarade inte")).to_be_visible()
    form = page.get_by_role("form", name="Meddelande till Björn Åkesson")
    expect(form.get_by_label("Nummer att ringa tillbaka")).to_have_value(CALLER)
    expect(form.get_by_label("Meddelande")).to_be_focused()
    # And the card stays in view with what the operator can do instead (connect again, relay)
    expect(page.get_by_role("region", name="Björn Åkesson")).to_be_visible()
    # And the script of the customer is there again, from the returned contact's attributes
    expect(page.get_by_role("region", name="Manus")).to_contain_text("Acme Verktyg, god morgon/dag")
    # And the timer runs for the returned contact
    expect(page.get_by_role("timer")).not_to_contain_text("stoppad")
