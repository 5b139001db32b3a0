"""Mina sidor (issue 15): the people list shows each person's referral valid now from the list's own
answer (`current_referral`), with no request per person. Against `telefonist serve` in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Request, expect

from tests.browser.test_mina_sidor import ADMIN, mina_sidor, open_page, sign_in

__all__ = ["mina_sidor"]  # the fixture, shared with test_mina_sidor.py

ONE_PERSON = re.compile(r"/people/[a-z0-9-]+(\?|$)")


def test_the_list_shows_the_referral_valid_now_without_a_request_per_person(mina_sidor: Page) -> None:
    # Given Åsa is ill and refers to Björn (tests/browser/conftest.py), and an administrator signed in
    page = mina_sidor
    sign_in(page, ADMIN)
    # (the overview reads each person's details; they are all in once it shows, so none is counted below)
    expect(page.get_by_role("heading", name="Behöver åtgärdas")).to_be_visible()
    people_reads: list[str] = []
    lists: list[str] = []

    def seen(request: Request) -> None:
        path = request.url.split("//", 1)[1].split("/", 1)[1]
        if ONE_PERSON.search("/" + path):
            people_reads.append(path)
        elif path.startswith("people"):
            lists.append(path)

    page.on("request", seen)
    # When they open the people page
    open_page(page, "Personer")
    # Then Åsa's row shows her referral, and the others are in
    row = page.get_by_role("row").filter(has_text="Åsa Södergren")
    expect(row).to_contain_text("Sjuk")
    expect(page.get_by_role("row").filter(has_text="På plats").first).to_be_visible()
    # And the page asked for the list only, never for one person at a time
    assert lists, "the people list was not requested"
    assert people_reads == []
