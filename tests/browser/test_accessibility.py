"""axe-core (from web/node_modules, the npm lock's version) on the operator page: no serious or critical violation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from telefonist_local.cli.serve import LocalApi
from tests.browser.conftest import UNROUTED_NUMBER, VIEWPORT, history_read, inject_axe, open_card, page_in, place_call

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "operator-workspace.png"


@pytest.fixture
def csp_free_page(csp_free_context: BrowserContext, served: LocalApi) -> Iterator[Page]:
    """A page whose policy lets the test inject axe-core (the page itself allows no inline script)."""
    for page in page_in(csp_free_context):
        page.goto(f"{served.url}/operator/")
        yield page


def serious_violations(page: Page) -> list[dict[str, Any]]:
    inject_axe(page)
    # Only the violations are asked for: axe-core then skips the details (selectors, HTML) of every
    # node that passed, which took ~20 % of a run.
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_call_with_a_card_and_a_message_form_has_no_serious_violation(csp_free_page: Page) -> None:
    # Given a call to Acme with Åsa's card and the message form open
    page = csp_free_page
    place_call(page)
    open_card(page, "asa", "Åsa Södergren")
    page.keyboard.press("m")
    expect(page.get_by_role("form", name="Meddelande till Åsa Södergren")).to_be_visible()
    # When axe-core checks the page
    # Then it finds no serious or critical violation
    assert serious_violations(page) == [], serious_violations(page)


def test_a_fallback_call_and_the_keyboard_map_have_no_serious_violation(csp_free_page: Page) -> None:
    # Given a fallback call and the keyboard map open
    page = csp_free_page
    place_call(page, dialed=UNROUTED_NUMBER)
    expect(page.get_by_role("alert").filter(has_text="Okänd kund")).to_be_visible()
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Kortkommandon")).to_be_visible()
    # When axe-core checks the page, then it finds no serious or critical violation
    assert serious_violations(page) == [], serious_violations(page)


@pytest.mark.usefixtures("context")  # the clock is the context's
def test_the_readme_screenshot_shows_a_call_with_a_found_person(operator_page: Page) -> None:
    # Given a call to Acme on a stopped clock, "asa" typed and the card open
    page = operator_page
    page.clock.pause_at(datetime.now(UTC))
    place_call(page, settled=False)
    page.clock.run_for(1000)  # the history's read resolves on the stopped clock
    history_read(page)
    open_card(page, "asa", "Åsa Södergren")
    # When the operator's part of the page is photographed (not the local simulated workspace)
    workspace_top = page.get_by_role("complementary", name="Simulerad arbetsyta").bounding_box()
    assert workspace_top is not None
    page.screenshot(
        path=str(SCREENSHOT), clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": workspace_top["y"]}
    )
    # Then docs/ holds the picture the README shows
    assert SCREENSHOT.stat().st_size > 10_000
