"""What the operator does with a found person: transfer, relay, message; and the caller hanging up."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import CALLER, open_card, place_call
from tests.notify_helpers import sent_emails, sent_sms

BJORN_MOBILE, BJORN_EMAIL = "+46701000001", "p00001@acme.example"


def eventually(read: Callable[[], list[Any]], seconds: float = 15.0) -> list[Any]:
    """What `read` returns once it is non-empty (the local sender polls the queue every 0.5 s)."""
    deadline = time.monotonic() + seconds
    while not (found := read()) and time.monotonic() < deadline:
        time.sleep(0.25)
    return found


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


def test_connect_and_relay_start_the_transfer_quick_connect(operator_page: Page) -> None:
    # Given a call to Acme and Björn's card open
    page = operator_page
    place_call(page)
    card = open_card(page, "björn", "Björn Åkesson")
    log = page.get_by_role("log", name="Händelser i arbetsytan")
    # When the operator relays (R): consult first
    page.keyboard.press("r")
    # Then the workspace starts the quick connect to consult, and the page says so
    expect(log).to_contain_text("startad (förmedla). Björn Åkesson, +46852010001")
    expect(page.get_by_role("status").filter(has_text="Förmedlar till Björn Åkesson")).to_be_visible()
    # When the operator connects directly (K) instead
    card.focus()
    page.keyboard.press("k")
    # Then the blind transfer starts and the timer stops
    expect(log).to_contain_text("startad (koppla direkt). Björn Åkesson, +46852010001")
    expect(page.get_by_role("timer")).to_contain_text("stoppad")


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
