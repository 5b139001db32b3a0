"""Referral status (hänvisning) as a match shows it: current, upcoming, never expired."""

from __future__ import annotations

from datetime import timedelta

from telefonist.directory import DirectoryIndex, ReferralStatus
from telefonist.models.directory import Directory, Referral

from tests.unit.directory.fixtures import NOW, TENANT_ID, swedish_people, swedish_referrals

HOUR = timedelta(hours=1)


def test_the_current_referral_is_shown_with_the_refer_to_colleague(index: DirectoryIndex) -> None:
    [match] = index.search("Åsa Södergren", NOW)
    assert match.referral is not None
    assert match.referral.status is ReferralStatus.CURRENT
    assert match.referral.text == "I möte till 14:00"
    assert match.referral.refer_to_person_id == "p10-pernilla"
    assert match.referral.refer_to_name == "Pernilla Ek"
    assert match.referral.refer_to_transfer_numbers == ["+46852010010", "+46701230010"]


def test_expired_referrals_are_not_shown(index: DirectoryIndex) -> None:
    [match] = index.search("Åsa", NOW)
    shown = [match.referral.referral_id] if match.referral else []
    shown += [r.referral_id for r in match.upcoming_referrals]
    assert "r-old" not in shown
    # After the meeting ends nothing is current any more.
    [later] = index.search("Åsa", NOW + 5 * HOUR)
    assert later.referral is None
    assert later.upcoming_referrals == []


def test_upcoming_referrals_are_marked_upcoming_and_become_current_when_they_start(index: DirectoryIndex) -> None:
    [match] = index.search("Per Olof", NOW)
    assert match.referral is None
    [upcoming] = match.upcoming_referrals
    assert (upcoming.status, upcoming.text, upcoming.refer_to_name) == (
        ReferralStatus.UPCOMING,
        "Semester",
        "Per Persson",
    )
    [on_leave] = index.search("Per Olof", NOW + 25 * HOUR)
    assert on_leave.referral is not None
    assert on_leave.referral.status is ReferralStatus.CURRENT
    assert on_leave.upcoming_referrals == []


def test_overlapping_referrals_the_one_that_started_last_wins_and_open_ended_ones_last() -> None:
    referrals = [
        *swedish_referrals(),
        Referral(referral_id="r-home", person_id="p08-bjorn", text="Arbetar hemifrån", valid_from=NOW - 5 * HOUR),
        Referral(
            referral_id="r-lunch",
            person_id="p08-bjorn",
            text="Lunch",
            valid_from=NOW - HOUR,
            valid_until=NOW + HOUR,
        ),
    ]
    index = DirectoryIndex(Directory(tenant_id=TENANT_ID, people=swedish_people(), referrals=referrals))
    [match] = index.search("Björn", NOW)
    assert match.referral is not None
    assert match.referral.referral_id == "r-lunch"
    assert match.referral.valid_until == NOW + HOUR
    [after_lunch] = index.search("Björn", NOW + 2 * HOUR)
    assert after_lunch.referral is not None
    assert after_lunch.referral.referral_id == "r-home"
    assert after_lunch.referral.valid_until is None


def test_a_refer_to_colleague_no_longer_in_the_directory_has_no_name() -> None:
    people = [p for p in swedish_people() if p.person_id != "p10-pernilla"]
    index = DirectoryIndex(Directory(tenant_id=TENANT_ID, people=people, referrals=swedish_referrals()))
    [match] = index.search("Åsa", NOW)
    assert match.referral is not None
    assert match.referral.refer_to_person_id == "p10-pernilla"
    assert match.referral.refer_to_name is None
    assert match.referral.refer_to_transfer_numbers == []
