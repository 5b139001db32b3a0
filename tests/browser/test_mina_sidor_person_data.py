"""Mina sidor (issue 20): an administrator exports a person's data as a JSON file, then erases the
person with everything about them after confirming. Against `telefonist serve` in Chromium."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Dialog, Page, expect

from telefonist_local.cli.serve import LocalApi
from tests.browser.test_mina_sidor import ADMIN, api, mina_sidor, open_page, operators_search, sign_in

__all__ = ["mina_sidor"]  # the fixture, shared with test_mina_sidor.py


def test_an_admin_exports_a_person_then_erases_them_after_confirming(
    mina_sidor: Page, served: LocalApi, tmp_path: Path
) -> None:
    # Given a person of the directory with a referral, and an administrator on the people page
    person = {"person_id": "vera-raderas", "first_name": "Vera", "last_name": "Raderas", "email": "vera@acme.example"}
    api(served, "POST", "/people", "customer administrator", person)
    referral = {"text": "Tjänstledig", "valid_from": "2026-01-01T08:00:00Z"}
    api(served, "PUT", "/people/vera-raderas/referrals/r1", "customer administrator", referral)
    before = operators_search(served, "raderas", lambda matches: bool(matches))
    assert [m["person"]["person_id"] for m in before] == ["vera-raderas"]
    page = mina_sidor
    sign_in(page, ADMIN)
    open_page(page, "Personer")
    page.get_by_label("Sök bland personerna").fill("vera")
    page.get_by_role("button", name="Ändra Vera Raderas").click()
    # When they export her data
    with page.expect_download() as download:
        page.get_by_role("button", name="Exportera uppgifter").click()
    saved = tmp_path / "export.json"
    download.value.save_as(saved)
    exported = json.loads(saved.read_text())
    # Then the file holds her details and her referral
    assert exported["person"]["first_name"] == "Vera"
    assert [r["text"] for r in exported["referrals"]] == ["Tjänstledig"]
    # When they choose to erase her, first dismissing the confirmation, then accepting it
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Radera personen och allt om hen").click()
    expect(page.get_by_role("button", name="Radera personen och allt om hen")).to_be_visible()

    def accept(dialog: Dialog) -> None:
        assert "Vera Raderas" in dialog.message
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Radera personen och allt om hen").click()
    # Then she is gone from the list, the API and the operators' search; the audit trail records both
    expect(page.get_by_role("button", name="Ändra Vera Raderas")).to_have_count(0)
    found = api(served, "GET", "/people?q=vera", "customer administrator")
    assert found["items"] == []
    assert (
        operators_search(served, "raderas", lambda matches: not matches) == []
    )  # the operators' search no longer finds her
    actions = [
        (e["action"], e["target"]) for e in api(served, "GET", "/audit?limit=20", "customer administrator")["items"]
    ]
    assert ("person.export", "person vera-raderas") in actions
    assert ("person.erase", "person vera-raderas") in actions
