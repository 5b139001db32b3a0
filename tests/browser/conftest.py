"""Browser tests: headless Debian Chromium (never a downloaded browser) against `telefonist serve`.

One `local_api` per session, so one per xdist worker (moto, the demo customer, the API and the built
pages); each test gets a new page (tab) and drives what a person does. The pages share one browser
context per worker: a context of its own costs a test ~0.7 s of CPU more (its storage partition and
a cold renderer), and the pages keep nothing a next test could see (tokens in memory,
sessionStorage per tab, no cookies). A test that changes the context itself (routes on it, or
installs a clock, which Playwright installs in the whole context) takes pytest-playwright's
`context` (`@pytest.mark.usefixtures("context")`) and gets its page there.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from telefonist_local.cli.serve import LocalApi, local_api
from telefonist_local.local_web import WEB_DIST

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # the network is closed: no refused connections to Google
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
BUILT_PAGE = WEB_DIST / "operator.html"
AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"

# The demo customer (telefonist_local.sample_data): Acme's switchboard number, and one no customer has.
ACME_SWITCHBOARD = "+46852000001"
UNROUTED_NUMBER = "+46859999999"
CALLER = "+46701234567"
# demo_directory(): p00000 is Åsa Södergren, p00001 Björn Åkesson.
ASA, BJORN = "p00000", "p00001"
VIEWPORT = {"width": 1280, "height": 800}
# Two cores shared by two workers (and, on a busy machine, by others): give each expectation more
# than Playwright's 5 s. Only a failing run waits it out.
EXPECT_TIMEOUT_MS = 20_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"the browser tests need {CHROMIUM}: install Debian's package 'chromium' (apt-get install -y chromium)"
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "sv-SE", "timezone_id": "Europe/Stockholm"}


@pytest.fixture(scope="session")
def shared_context(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[BrowserContext]:
    """The worker's browser context for the pages of tests that leave the context as they found it."""
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture(scope="session")
def csp_free_context(browser: Browser) -> Iterator[BrowserContext]:
    """A shared context whose pages let a test inject axe-core (the pages allow no inline script)."""
    context = browser.new_context(bypass_csp=True, viewport=VIEWPORT, locale="sv-SE", timezone_id="Europe/Stockholm")
    yield context
    context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, shared_context: BrowserContext) -> Iterator[Page]:
    """A new page in the worker's shared context; in the test's own `context` when it takes one."""
    if "context" in request.fixturenames:
        yield request.getfixturevalue("context").new_page()  # pytest-playwright closes the context
        return
    yield from page_in(shared_context)


def page_in(context: BrowserContext) -> Iterator[Page]:
    """A new page in a shared `context`, closed after the test; a test that installed a clock in the
    whole context fails here (it must take its own `context`), before a next test reads the clock."""
    page = context.new_page()
    yield page
    clocked = not page.is_closed() and page.evaluate("typeof globalThis.__pwClock !== 'undefined'")
    page.close()
    assert not clocked, "the test installed a clock in a shared context: mark it usefixtures('context')"


@pytest.fixture(scope="session")
def served() -> Iterator[LocalApi]:
    """`telefonist serve` as the README starts it, on a free port, with a 20-person directory."""
    if not BUILT_PAGE.exists():
        pytest.fail(f"{BUILT_PAGE} is missing: build the pages with `make web`")
    with local_api(0, people=20) as api:
        _given_asa_is_ill_and_refers_to_bjorn(api)
        yield api


def _given_asa_is_ill_and_refers_to_bjorn(api: LocalApi) -> None:
    """The customer's administrator records Åsa's referral through the API, as Mina sidor would."""
    now = datetime.now(UTC)
    body = {
        "text": "Sjuk",
        "valid_from": (now - timedelta(hours=1)).isoformat(),
        "valid_until": (now + timedelta(hours=3)).isoformat(),
        "refer_to_person_id": BJORN,
    }
    request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
        f"{api.url}/people/{ASA}/referrals/sjuk",
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Authorization": api.tokens["customer administrator"], "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server on 127.0.0.1
        assert response.status == 200


@pytest.fixture
def operator_page(page: Page, served: LocalApi) -> Page:
    """The operator page in the local host, waiting for a call."""
    page.goto(f"{served.url}/operator/")
    expect(page.get_by_role("heading", name="Inget samtal just nu", exact=False)).to_be_visible()
    return page


T = TypeVar("T")


def eventually(read: Callable[[], T], done: Callable[[T], bool] = bool, seconds: float = 15.0) -> T:
    """What `read` returns once it is `done` (by default: non-empty), or its last answer after `seconds`:
    for what the local server does a moment later (its sender polls the queue every 0.5 s; a warm
    directory checks its version at most once a second)."""
    deadline = time.monotonic() + seconds
    while not done(found := read()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def place_call(page: Page, dialed: str = ACME_SWITCHBOARD, caller: str = CALLER, *, settled: bool = True) -> None:
    """In the simulated workspace, a caller dials `dialed` and the contact connects to the operator;
    `settled`: and the caller's history has been read."""
    workspace = page.get_by_role("complementary", name="Simulerad arbetsyta")
    workspace.get_by_label("Kundens nummer").fill(dialed)
    workspace.get_by_label("Uppringarens nummer").fill(caller)
    workspace.get_by_role("button", name="Ring", exact=True).click()
    expect(workspace.get_by_role("log")).to_contain_text("kopplat till operatören")
    if settled:
        history_read(page)


def history_read(page: Page) -> None:
    """The caller's history has been read (a call without a customer has none): what follows sees the
    page as the operator does once the call has settled, nothing arriving above what they click."""
    expect(page.locator("section.history[aria-busy='true']")).to_have_count(0)


def inject_axe(page: Page) -> None:
    """axe-core in the page's document, once: a page that changes views without loading keeps it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))


def find(page: Page, query: str, name: str) -> Locator:
    """The operator types `query` (focus is in the search box) and the hit named `name` shows."""
    page.keyboard.type(query)
    hit = page.get_by_role("option", name=re.compile(name))
    expect(hit).to_be_visible()
    return hit


def open_card(page: Page, query: str, name: str) -> Locator:
    """Find `name` by typing `query`, then Enter: the card opens with the focus on it."""
    find(page, query, name)
    page.keyboard.press("Enter")
    card = page.get_by_role("region", name=name)
    expect(card).to_be_focused()
    return card
