"""Constrained types shared by every model: one definition of a phone number, a tenant id, money."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from telefonist.clock import as_utc

DEFAULT_REGION = "SE"
TARIFFS = (1, 2, 3, 4, 5, 6)
_SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"


def normalize_phone_number(value: object, region: str = DEFAULT_REGION) -> str:
    """Normalise a phone number to E.164 (Swedish national form allowed: 070-123 45 67 → +46701234567).

    Raises ValueError with a message naming the problem, never echoing more than the input's
    last digits, so the message is safe to return to a client or log.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError("phone number must be a non-empty string")
    import phonenumbers  # on first use: ~14 ms the inbound call path's cold start does without

    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("not a phone number") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid phone number in E.164 after normalisation")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _check_tariff(value: int) -> int:
    if value not in TARIFFS:
        raise ValueError(f"unknown tariff {value}: tariffs are 1 to 6")
    return value


def strip_text(value: object) -> object:
    """Strip surrounding whitespace from text (a BeforeValidator of every free-text type)."""
    return value.strip() if isinstance(value, str) else value


_strip = strip_text


def _not_blank(value: str) -> str:
    if not value:
        raise ValueError("must not be empty or blank")
    return value


def _to_utc(value: object) -> object:
    return as_utc(value) if isinstance(value, datetime) else value


PhoneNumber = Annotated[
    str,
    BeforeValidator(normalize_phone_number),
    Field(description="Phone number, normalised to E.164", examples=["+46701234567"]),
]
TenantId = Annotated[
    str,
    StringConstraints(pattern=_SLUG),
    Field(description="Customer id: lower-case letters, digits and dashes", examples=["acme"]),
]
Slug = Annotated[str, StringConstraints(pattern=_SLUG)]
NonEmptyStr = Annotated[str, BeforeValidator(_strip), AfterValidator(_not_blank), StringConstraints(max_length=200)]
Text = Annotated[str, BeforeValidator(_strip), StringConstraints(max_length=2000)]
ShortText = Annotated[str, BeforeValidator(_strip), StringConstraints(max_length=200)]

Keyword = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1, max_length=60)]
Ore = Annotated[int, Field(ge=0, description="Amount in öre (SEK × 100), excluding VAT")]
Tariff = Annotated[int, AfterValidator(_check_tariff), Field(description="Tariff 1 to 6")]
Month = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
    Field(description="A calendar month, YYYY-MM (Stockholm time)", examples=["2026-11"]),
]
UtcDatetime = Annotated[
    datetime,
    AfterValidator(_to_utc),
    Field(description="A moment; stored in UTC, a naive value is read as Stockholm local time"),
]


def _check_email(value: str) -> str:
    # email-validator refuses display names, CR/LF and other header tricks. Imported on first
    # use: it costs ~20 ms, which the contact-flow function's cold start does not need to pay.
    # pydantic's own EmailStr logic: "Name <addr>" keeps only the address.
    from pydantic.networks import validate_email

    try:
        return validate_email(value)[1].lower()
    except PydanticCustomError as exc:
        raise ValueError(f"not a valid e-mail address: {exc.message()}") from exc


EmailAddress = Annotated[
    str,
    AfterValidator(_check_email),
    Field(examples=["eva@example.se"], json_schema_extra={"format": "email"}),
]
