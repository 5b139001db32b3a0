"""The models refuse bad data with messages that name the problem."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError
from telefonist.models.common_number import CommonNumber, GeneralInformation, OpeningHours, TemporaryInformation
from telefonist.models.directory import Person, Referral
from telefonist.models.price_list import PriceBook, PriceList
from telefonist.models.tenant import Tenant

from telefonist_local.sample_data import DEFAULT_PRICE_LIST


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[str, str]]:
    return [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.value.errors()]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("070-123 45 67", "+46701234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("08-520 000 01", "+46852000001"),
        ("0046701234567", "+46701234567"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw: str, expected: str) -> None:
    person = Person(person_id="eva", first_name="Eva", last_name="Ek", email="eva@ek.se", phones=[{"number": raw}])
    assert person.phones[0].number == expected


@pytest.mark.parametrize("raw", ["12", "0701", "hello", "+46 123", ""])
def test_a_phone_number_that_is_not_e164_after_normalisation_is_refused(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        Person(person_id="eva", first_name="Eva", last_name="Ek", email="eva@ek.se", phones=[{"number": raw}])
    (loc, msg), *_ = _errors(exc)
    assert loc == "phones.0.number"
    assert "phone number" in msg


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_an_empty_name_is_refused(field: str) -> None:
    data = {"person_id": "eva", "first_name": "Eva", "last_name": "Ek", "email": "eva@ek.se", field: "   "}
    with pytest.raises(ValidationError) as exc:
        Person(**data)
    assert _errors(exc)[0][0] == field
    assert _errors(exc)[0][1] == "Value error, must not be empty or blank"


def test_an_empty_tenant_name_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        Tenant(tenant_id="acme", name="")
    assert _errors(exc)[0][0] == "name"


def test_a_referral_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        Referral(
            referral_id="r1",
            person_id="eva",
            text="I möte",
            valid_from=datetime(2026, 11, 24, 14, 0, tzinfo=UTC),
            valid_until=datetime(2026, 11, 24, 13, 0, tzinfo=UTC),
        )
    assert "valid_until must be after valid_from" in _errors(exc)[0][1]


def test_a_naive_referral_time_is_read_as_stockholm_time_and_stored_in_utc() -> None:
    referral = Referral(referral_id="r1", person_id="eva", text="I möte", valid_from=datetime(2026, 7, 1, 14, 0))
    assert referral.valid_from == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_a_negative_price_is_refused() -> None:
    amounts = {**DEFAULT_PRICE_LIST.amounts_ore, 3: -1}
    with pytest.raises(ValidationError) as exc:
        PriceList(version="x", valid_from=date(2026, 1, 1), amounts_ore=amounts)
    loc, msg = _errors(exc)[0]
    assert loc == "amounts_ore.3"
    assert "greater than or equal to 0" in msg


def test_an_unknown_tariff_is_refused() -> None:
    amounts = {**DEFAULT_PRICE_LIST.amounts_ore, 7: 100}
    with pytest.raises(ValidationError) as exc:
        PriceList(version="x", valid_from=date(2026, 1, 1), amounts_ore=amounts)
    assert "unknown tariff 7" in _errors(exc)[0][1]


def test_a_price_list_missing_a_tariff_is_refused() -> None:
    amounts = {k: v for k, v in DEFAULT_PRICE_LIST.amounts_ore.items() if k != 5}
    with pytest.raises(ValidationError) as exc:
        PriceList(version="x", valid_from=date(2026, 1, 1), amounts_ore=amounts)
    assert "tariff(s) [5]" in _errors(exc)[0][1]


def test_price_is_money_in_integer_ore_never_a_float() -> None:
    with pytest.raises(ValidationError):
        PriceList(version="x", valid_from=date(2026, 1, 1), amounts_ore={t: 12.5 for t in range(1, 7)})


def test_the_price_book_picks_the_version_valid_on_the_day() -> None:
    newer = PriceList(version="2027", valid_from=date(2027, 1, 1), amounts_ore={t: 100 * t for t in range(1, 7)})
    book = PriceBook(versions=[DEFAULT_PRICE_LIST, newer])
    assert book.price(2, date(2026, 12, 31)) == ("2026-01", 3900)
    assert book.price(2, date(2027, 1, 1)) == ("2027", 200)
    with pytest.raises(LookupError, match="no price list valid on 2025-12-31"):
        book.price(1, date(2025, 12, 31))


def test_message_preference_needs_a_reachable_channel() -> None:
    with pytest.raises(ValidationError) as exc:
        Person(person_id="eva", first_name="Eva", last_name="Ek", message_preference="sms")
    assert "needs a mobile phone number" in _errors(exc)[0][1]


def test_an_e_mail_address_with_a_header_injection_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        Person(person_id="eva", first_name="Eva", last_name="Ek", email="eva@example.se\r\nBcc: x@y.z")
    assert _errors(exc)[0][0] == "email"


def test_unknown_fields_are_refused_rather_than_dropped() -> None:
    with pytest.raises(ValidationError) as exc:
        Tenant(tenant_id="acme", name="Acme", nmae="typo")
    assert _errors(exc)[0] == ("nmae", "Extra inputs are not permitted")


def test_temporary_information_is_shown_only_inside_its_window() -> None:
    info = GeneralInformation(
        how_to_answer="Acme, hej",
        temporary_information=[
            TemporaryInformation(
                text="Stängt idag",
                valid_from=datetime(2026, 11, 24, 7, 0, tzinfo=UTC),
                valid_until=datetime(2026, 11, 24, 17, 0, tzinfo=UTC),
            )
        ],
    )
    assert info.temporary_information_at(datetime(2026, 11, 24, 6, 59, tzinfo=UTC)) == []
    assert len(info.temporary_information_at(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))) == 1
    assert info.temporary_information_at(datetime(2026, 11, 24, 17, 0, tzinfo=UTC)) == []


def test_opening_hours_are_read_in_stockholm_time() -> None:
    hours = OpeningHours(weekly={1: ("07:00", "18:00")})
    common = CommonNumber(
        common_number_id="support", name="Support", info={"how_to_answer": "Hej"}, opening_hours=hours
    )
    # Tuesday 2026-11-24: 06:30 UTC is 07:30 CET (open); 17:30 UTC is 18:30 CET (closed).
    assert common.opening_hours.is_open_at(datetime(2026, 11, 24, 6, 30, tzinfo=UTC))
    assert not common.opening_hours.is_open_at(datetime(2026, 11, 24, 17, 30, tzinfo=UTC))


def test_a_door_code_never_shows_in_a_repr_or_a_dump() -> None:
    from telefonist_local.sample_data import demo_office

    office = demo_office()
    assert "4711" not in repr(office)
    assert "4711" not in office.model_dump_json()
    assert "4711" not in office.summary()
