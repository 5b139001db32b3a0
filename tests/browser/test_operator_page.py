"""The operator's screen for a call, one journey per test (issue 14: what the operator sees and does)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import UNROUTED_NUMBER, find, open_card, place_call


def test_a_simulated_call_shows_its_customers_script(operator_page: Page) -> None:
    # Given the operator page, waiting
    page = operator_page
    # When a caller dials Acme's switchboard number
    place_call(page)
    # Then the customer, the number and how to answer are there before the operator says a word
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Verktyg AB · Växel")
    script = page.get_by_role("region", name="Manus")
    expect(script.get_by_role("heading", name="Så svarar vi")).to_be_visible()
    expect(script).to_contain_text("Acme Verktyg, god morgon/dag, du talar med …")
    expect(script.get_by_role("region", name="Så kopplar vi")).to_contain_text("Koppla direkt till den sökta")
    expect(script.get_by_role("region", name="Så tar vi meddelanden")).to_contain_text("Namn, företag, nummer")
    expect(script.get_by_role("region", name="Kontor")).to_contain_text("Sveavägen 1")
    expect(page.get_by_text("Uppringare: 070-123 45 67")).to_be_visible()
    # And the search box has focus: typing starts the search
    expect(page.get_by_label("Sök person, avdelning eller sökord")).to_be_focused()


def test_search_finds_asa_with_her_referral_and_colleague(operator_page: Page) -> None:
    # Given a call to Acme, and Åsa Södergren is ill and refers to Björn Åkesson
    page = operator_page
    place_call(page)
    # When the operator types "asa" (no ring on the a)
    hit = find(page, "asa", "Åsa Södergren")
    # Then Åsa is found, with her referral now, its end and the colleague
    expect(hit).to_contain_text("Sjuk")
    expect(hit).to_contain_text("hänvisar till Björn Åkesson")
    expect(hit).to_contain_text("åter")


def test_an_absent_person_prompts_a_message_or_the_colleague(operator_page: Page) -> None:
    # Given a call to Acme
    page = operator_page
    place_call(page)
    # When the operator opens the card of Åsa, who is ill
    card = open_card(page, "asa", "Åsa Södergren")
    # Then the page says she is away and offers the colleague first, then a message
    expect(card.get_by_role("status")).to_have_text(
        "Åsa är inte på plats. Erbjud ett meddelande eller koppla till Björn Åkesson."
    )
    buttons = card.get_by_role("button")
    expect(buttons.nth(0)).to_have_text(re.compile("Koppla till Björn Åkesson"))
    expect(buttons.nth(1)).to_have_text(re.compile("Meddelande"))
    expect(card).to_contain_text("Mobil 070-100 00 00")


@pytest.mark.usefixtures("context")  # the clock is the context's
def test_the_handling_timer_warns_at_30_and_turns_over_at_45_seconds(operator_page: Page) -> None:
    # Given the page's clock under the test's control, and a call connected
    page = operator_page
    page.clock.install()
    place_call(page)
    timer = page.get_by_role("timer", name="Samtalstid")
    expect(timer).to_contain_text("inom tid")
    # When 30 seconds pass
    page.clock.run_for(30_000)
    # Then the timer shows the warning
    expect(timer).to_contain_text("30 s passerat")
    expect(timer).to_have_attribute("data-state", "warning")
    # And at 45 seconds it is over the budget
    page.clock.run_for(15_000)
    expect(timer).to_contain_text("över 45 s")
    expect(timer).to_have_attribute("data-state", "over")


def test_a_call_to_an_unrouted_number_shows_the_fallback_warning(operator_page: Page) -> None:
    # Given the operator page
    page = operator_page
    # When a caller dials a number no customer has
    place_call(page, dialed=UNROUTED_NUMBER)
    # Then a warning replaces the customer's name, with the neutral script
    warning = page.get_by_role("alert").filter(has_text="Okänd kund")
    expect(warning).to_contain_text("Numret som ringdes är inte kopplat till någon kund.")
    expect(warning).to_contain_text("Fråga vilket företag som söks.")
    expect(page.get_by_role("region", name="Manus")).to_contain_text("Välkommen, du har kommit till växeln.")
    # And the directory cannot be searched without a customer
    expect(page.get_by_label("Sök person, avdelning eller sökord")).to_be_disabled()
    expect(page.get_by_text("Ingen känd kund för samtalet")).to_be_visible()


def test_with_the_api_down_the_script_still_shows_and_the_search_says_what_failed(operator_page: Page) -> None:
    # Given a call to Acme, then the operator API stops answering
    page = operator_page
    place_call(page)
    page.route("**/operator/tenants/**", lambda route: route.abort("connectionrefused"))
    # When the operator searches
    page.keyboard.type("asa")
    # Then the search says what failed, and the script from the contact is still there
    expect(page.get_by_role("alert")).to_have_text(re.compile("Sökningen misslyckades: katalogen svarar inte"))
    expect(page.get_by_role("region", name="Manus")).to_contain_text("Acme Verktyg, god morgon/dag")


def test_the_whole_call_by_keyboard_only(operator_page: Page) -> None:
    # Given a call to Acme (placed in the simulated workspace)
    page = operator_page
    place_call(page)
    keyboard = page.keyboard
    # When the operator, without the mouse, opens the keyboard map and closes it again
    keyboard.press("?")
    expect(page.get_by_role("dialog", name="Kortkommandon")).to_be_visible()
    keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Kortkommandon")).to_be_hidden()
    # And types "asa", opens the card with Enter and transfers to the colleague with B
    hit = find(page, "asa", "Åsa Södergren")
    expect(hit).to_have_attribute("aria-selected", "true")
    keyboard.press("Enter")
    expect(page.get_by_role("region", name="Åsa Södergren")).to_be_focused()
    keyboard.press("b")
    # Then the quick connect starts towards Björn and the timer stops
    expect(page.get_by_role("status").filter(has_text="Kopplar till Björn Åkesson, 08-520 100 01")).to_be_visible()
    log = page.get_by_role("log", name="Händelser i arbetsytan")
    expect(log).to_contain_text("Snabbkoppling ”Koppla vidare” startad (koppla direkt). Björn Åkesson, +46852010001")
    expect(page.get_by_role("timer")).to_contain_text("stoppad")
    # And Esc goes back to the search with the text selected for the next name
    keyboard.press("Escape")
    expect(page.get_by_label("Sök person, avdelning eller sökord")).to_be_focused()


def test_the_page_speaks_english_on_request(operator_page: Page) -> None:
    # Given a call to Acme on the Swedish page
    page = operator_page
    place_call(page)
    # When the operator switches the language
    page.get_by_role("button", name="English").click()
    # Then the page's own texts are in English (the customer's script stays as the customer wrote it)
    expect(page.get_by_role("heading", name="How we answer")).to_be_visible()
    expect(page.get_by_label("Search person, department or keyword")).to_be_visible()
    expect(page.get_by_role("region", name="Script")).to_contain_text("Acme Verktyg, god morgon/dag")
    expect(page.get_by_role("button", name="Svenska")).to_be_visible()
