"""What the operator does with a found person: transfer, relay, message; and the caller hanging up."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import CALLER, eventually, open_card, place_call
from tests.notify_helpers import sent_emails, sent_sms

BJORN_MOBILE, BJORN_WORK, BJORN_EMAIL = "+46701000001", "+46852010001", "p00001@acme.example"


def test_a_message_reaches_the_sms_and_email_outboxes(operator_page: Page) -> None:
    # Given a call from 070-123 45 67 to Acme, and Björn's card open
    page = operator_page
    place_call(page)
    open_card(page, "björn", "Björn Åkesson")
    # When the operator presses M, the caller's number is there and the cursor is in the text
    page.keyboard.press("m")
    form = page.get_by_role("form", name="Meddelande till Björn Åkesson")
    expect(form.get_by_label("Nummer att ringa tillbaka")).to_have_value(CALLER)
    expect(form.get_by_label("Meddelande")).to_be_focused()
    page.keyboard.type("Ring om offerten på truckarna, browser-test-42.")
    # And sending without the caller's name is stopped before anything is sent
    form.get_by_role("button", name="Skicka meddelandet").click()
    expect(form.get_by_text("Fyll i: Uppringarens namn.")).to_be_visible()
    expect(form.get_by_label("Uppringarens namn")).to_be_focused()
    # When the name is filled in, SMS and e-mail chosen, and the message sent
    page.keyboard.type("Eva Lind")
    form.get_by_label("Kanal").select_option(label="SMS och e-post")
    form.get_by_role("button", name="Skicka meddelandet").click()
    # Then the page confirms with the message id and the timer stops
    expect(form.get_by_role("status")).to_have_text(re.compile(r"Meddelandet är skickat\. Meddelande-id \S+\."))
    expect(page.get_by_role("timer")).to_contain_text("stoppad")
    # And the message reaches Björn's mobile and mailbox (moto's outboxes)
    sms = eventually(lambda: [s for s in sent_sms() if "browser-test-42" in s[1]])
    assert [number for number, _ in sms] == [BJORN_MOBILE]
    emails = eventually(lambda: [e for e in sent_emails() if "browser-test-42" in str(e.body)])
    assert len(emails) == 1
    assert BJORN_EMAIL in str(emails[0].destinations)


def test_relay_and_connect_set_the_target_on_the_contact_then_start_the_quick_connect(operator_page: Page) -> None:
    # Given a call to Acme and Björn's card open
    page = operator_page
    place_call(page)
    card = open_card(page, "björn", "Björn Åkesson")
    log = page.get_by_role("log", name="Händelser i arbetsytan")
    # When the operator relays (R): consult first
    with page.expect_response(lambda r: r.url.endswith("/transfer") and r.request.method == "PUT") as relayed:
        page.keyboard.press("r")
    # Then the operator API sets Björn's number on the contact, and the workspace starts the quick connect
    assert relayed.value.status == 200
    assert relayed.value.json()["transfer_to"] == BJORN_WORK
    assert relayed.value.json()["transfer_mode"] == "relay"
    expect(log).to_contain_text(f"startad (förmedla). Björn Åkesson, {BJORN_WORK}")
    expect(page.get_by_role("status").filter(has_text="Förmedlar till Björn Åkesson, 08-520 100 01")).to_be_visible()
    # When the operator connects directly (K) instead
    card.focus()
    with page.expect_response(lambda r: r.url.endswith("/transfer") and r.request.method == "PUT") as connected:
        page.keyboard.press("k")
    # Then the blind transfer is set and started, and the timer stops
    assert connected.value.json()["transfer_mode"] == "blind"
    expect(log).to_contain_text(f"startad (koppla direkt). Björn Åkesson, {BJORN_WORK}")
    expect(page.get_by_role("timer")).to_contain_text("stoppad")


def test_a_number_outside_the_directory_is_refused_and_nothing_is_dialled(operator_page: Page) -> None:
    # Given a call to Acme, Björn's card open, and something between page and API that swaps the number
    page = operator_page
    swapped: list[str] = []

    def premium_number(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        swapped.append(route.request.method)
        route.continue_(post_data=json.dumps({**body, "number": "+46900123456"}))

    # Routed before the call starts: interception switched on while a request is under way can
    # miss it, which let the unchanged number through once on a loaded CI machine.
    page.route("**/contacts/*/transfer", premium_number)
    place_call(page)
    open_card(page, "björn", "Björn Åkesson")
    # When the operator connects (K)
    with page.expect_response(lambda r: r.url.endswith("/transfer") and r.request.method == "PUT") as refused:
        page.keyboard.press("k")
    assert swapped == ["PUT"], "the transfer request did not pass through the swapping route"
    assert refused.value.status == 400
    # Then the API refuses the number, the page says so, and no quick connect starts
    expect(page.get_by_role("alert").filter(has_text="Kopplingen misslyckades")).to_be_visible()
    expect(page.get_by_role("log", name="Händelser i arbetsytan")).not_to_contain_text("Snabbkoppling")
    expect(page.get_by_role("timer")).not_to_contain_text("stoppad")


def test_the_caller_hanging_up_ends_the_call_and_stops_the_timer(operator_page: Page) -> None:
    # Given a call to Acme
    page = operator_page
    place_call(page)
    expect(page.get_by_role("timer")).to_contain_text("inom tid")
    # When the caller hangs up
    page.get_by_role("button", name="Uppringaren lägger på").click()
    # Then the page says the call has ended and the timer stops
    expect(page.get_by_role("status").filter(has_text="Samtalet är avslutat.")).to_be_visible()
    expect(page.get_by_role("timer")).to_contain_text("stoppad")
