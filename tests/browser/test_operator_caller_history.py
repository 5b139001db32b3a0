"""Caller history in the operator workspace (issue 20): a second call from the same number shows the
first call's outcome; after the 30-day retention window (simulated clocks: the API's and the page's)
it is gone."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from telefonist_local.cli.serve import LocalApi
from tests.browser.conftest import open_card, place_call

CALLER = "+46701112233"  # a number no other browser test calls from (the served API lives for the session)


def _server_clock(served: LocalApi, at: datetime | None) -> None:
    body = json.dumps({"at": at.isoformat() if at else None}).encode()
    request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
        f"{served.url}/local/clock", data=body, method="PUT", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - our own server on 127.0.0.1
        pass


def _at(page: Page, served: LocalApi, moment: datetime) -> None:
    _server_clock(served, moment)
    page.clock.set_system_time(moment)


@pytest.mark.usefixtures("context")  # the clock is the context's
def test_a_second_call_shows_the_first_calls_outcome_until_the_retention_window_ends(
    operator_page: Page, served: LocalApi
) -> None:
    page = operator_page
    start = datetime.now(UTC).replace(microsecond=0)
    history = page.get_by_role("region", name="Tidigare samtal (30 dagar)")
    try:
        # Given a first call from the number: no earlier calls; the operator connects the caller to Björn
        _at(page, served, start)
        with page.expect_request(lambda r: r.url.endswith("/caller-history")) as looked_up:
            place_call(page, caller=CALLER)
        # The number goes in the body, never in the URL (API Gateway's access logs hold URLs)
        assert "701112233" not in looked_up.value.url
        expect(history).to_contain_text("Inga tidigare samtal från numret")
        open_card(page, "björn", "Björn Åkesson")
        with page.expect_response(lambda r: r.url.endswith("/transfer")) as transferred:
            page.keyboard.press("k")
        assert transferred.value.status == 200
        # When the same number calls again three days later
        _at(page, served, start + timedelta(days=3))
        place_call(page, caller=CALLER)
        # Then the workspace shows the first call and its outcome: transferred to Björn
        expect(history.get_by_role("listitem")).to_have_count(1)
        expect(history.get_by_role("listitem")).to_contain_text("kopplat till Björn Åkesson")
        # When it calls again after the retention window (30 days after the first call)
        _at(page, served, start + timedelta(days=30, minutes=1))
        place_call(page, caller=CALLER)
        # Then the first call is gone (only the second, 27 days old, remains: answered, nothing more)
        expect(history.get_by_role("listitem")).to_have_count(1)
        expect(history.get_by_role("listitem")).not_to_contain_text("Björn")
        expect(history.get_by_role("listitem")).to_contain_text("besvarat")
    finally:
        _server_clock(served, None)


def test_a_message_left_shows_in_the_next_calls_history_with_its_channels(operator_page: Page) -> None:
    # Given a call from another number, and a message for Björn by SMS and e-mail
    page = operator_page
    caller = "+46701112244"
    place_call(page, caller=caller)
    open_card(page, "björn", "Björn Åkesson")
    page.keyboard.press("m")
    form = page.get_by_role("form", name="Meddelande till Björn Åkesson")
    expect(form.get_by_label("Meddelande")).to_be_focused()
    page.keyboard.type("Ring tillbaka om historiken.")
    form.get_by_label("Uppringarens namn").fill("Eva Lind")
    form.get_by_label("Kanal").select_option(label="SMS och e-post")
    with page.expect_response(lambda r: r.url.endswith("/message") and r.request.method == "PUT") as recorded:
        form.get_by_role("button", name="Skicka meddelandet").click()
    # Then the contact carries both channels (the CTR consumer's messages by channel)
    assert recorded.value.json()["message_channels"] == ["sms", "email"]
    # And the next call from the number shows the message and for whom
    place_call(page, caller=caller)
    history = page.get_by_role("region", name="Tidigare samtal (30 dagar)")
    expect(history.get_by_role("listitem")).to_contain_text("meddelande till Björn Åkesson (SMS och e-post)")
