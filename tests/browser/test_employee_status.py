"""The employee's own status page on a phone (issue 21): sign in by a link sent by SMS, set
"Lunch, åter 13:00" in three taps, and at 13:00 (simulated, on the server and in the browser)
the operators' directory search shows the person available again."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from telefonist.clock import STOCKHOLM

from telefonist_local.cli.serve import LocalApi
from telefonist_local.sample_data import DEMO_TENANT_ID
from tests.browser.conftest import place_call
from tests.notify_helpers import sent_sms

PERSON, MOBILE = "p00004", "+46701000004"  # demo_directory(): no referral of its own
PHONE = {"width": 390, "height": 844}


def _call(served: LocalApi, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json", **({"Authorization": token} if token else {})}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{served.url}{path}", data=data, method=method, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server on 127.0.0.1
        return json.loads(response.read())


def _server_clock(served: LocalApi, at: datetime | None) -> None:
    _call(served, "PUT", "/local/clock", {"at": at.isoformat() if at else None})


def _today_at(hour: int, minute: int) -> datetime:
    today = datetime.now(STOCKHOLM).date()
    return datetime.combine(today, time(hour, minute), tzinfo=STOCKHOLM).astimezone(UTC)


def _search(served: LocalApi) -> dict[str, Any]:
    path = f"/operator/tenants/{DEMO_TENANT_ID}/directory?q=0701000004"
    result = _call(served, "GET", path, token=served.tokens["operator"])
    [match] = [m for m in result["matches"] if m["person"]["person_id"] == PERSON]
    return match


@pytest.fixture
def phone(browser: Browser, served: LocalApi) -> Iterator[Page]:
    """A phone-sized, touch page whose clock, like the server's, reads 10:15 in Stockholm today."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    page = context.new_page()
    morning = _today_at(10, 15)
    page.clock.install(time=morning)
    _server_clock(served, morning)
    try:
        yield page
    finally:
        _server_clock(served, None)
        context.close()


def test_lunch_back_at_13_in_three_taps_and_available_again_at_13(phone: Page, page: Page, served: LocalApi) -> None:
    phone.goto(f"{served.url}/status/")
    phone.get_by_label("Ditt mobilnummer").fill("070-100 00 04")
    phone.get_by_role("button", name="Skicka länk").tap()
    expect(phone.get_by_role("status")).to_contain_text("sms med en länk")
    [link] = [re.search(r"https?://\S+", text).group(0) for to, text in sent_sms() if to == MOBILE]  # type: ignore[union-attr]
    phone.goto("about:blank")
    phone.goto(link)
    expect(phone.get_by_test_id("current-status")).to_have_text("Inne")
    assert "#t=" not in phone.url  # the single-use token left the address bar

    taps: list[str] = []

    def tap(target: Locator) -> None:
        taps.append(target.inner_text())
        target.tap()

    tap(phone.get_by_role("button", name="Lunch", exact=True))
    tap(phone.get_by_role("button", name="13:00", exact=True))
    tap(phone.get_by_role("button", name="Sätt: Lunch, åter 13:00"))
    expect(phone.get_by_test_id("current-status")).to_have_text("Lunch, åter 13:00")
    assert len(taps) == 3
    # The page fits the phone: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The operator's directory search, on the operator page: at 12:59 at lunch, at 13:00 available.
    _server_clock(served, _today_at(12, 59))
    name = _search(served)["name"]
    page.goto(f"{served.url}/operator/")
    place_call(page)
    search = page.get_by_label("Sök person, avdelning eller sökord")
    search.fill("0701000004")
    hit = page.get_by_role("option", name=re.compile(name))
    expect(hit).to_contain_text("Lunch, åter 13:00")
    _server_clock(served, _today_at(13, 0))
    search.fill("")
    search.fill("0701000004")
    expect(hit).to_contain_text("På plats")
    at_one = _search(served)
    assert at_one["referral"] is None  # available: the referral lapsed by itself
    assert at_one["upcoming_referrals"] == []


def test_the_status_page_has_no_serious_accessibility_violation(browser: Browser, served: LocalApi) -> None:
    from tests.browser.test_accessibility import serious_violations

    context = browser.new_context(bypass_csp=True, viewport=PHONE, is_mobile=True, has_touch=True, locale="sv-SE")
    page = context.new_page()
    page.clock.install(time=_today_at(10, 15))  # end times to offer, whatever the hour of the run
    try:
        page.goto(f"{served.url}/status/")
        expect(page.get_by_label("Ditt mobilnummer")).to_be_visible()
        assert serious_violations(page) == [], serious_violations(page)
        page.get_by_label("Ditt mobilnummer").fill("070-100 00 05")
        page.get_by_role("button", name="Skicka länk").tap()
        expect(page.get_by_role("status")).to_contain_text("sms med en länk")
        [link] = [re.search(r"https?://\S+", t).group(0) for to, t in sent_sms() if to == "+46701000005"]  # type: ignore[union-attr]
        page.goto("about:blank")
        page.goto(link)
        page.get_by_role("button", name="Möte", exact=True).tap()
        expect(page.get_by_role("group", name="Åter")).to_be_visible()
        assert serious_violations(page) == [], serious_violations(page)
    finally:
        context.close()
