"""Directory models from trusted values: stored items and search results without re-validation.

A person costs ~260 µs to validate (phone numbers, e-mail address); a warm refresh of a 10,000-person
directory spent seconds of CPU re-validating items that the self-service write path
(`CustomerRepository.put_person`, `put_people`, `put_referral`) validated before writing them. As
the call path does with routing records (`telefonist.inbound.route_view`), those items are read
here by plain decoding. An item that does not decode as written raises `ValueError` (or
`KeyError`/`TypeError`), and the caller falls back to validating it.

`construct` is `model_construct` for callers that pass every field: it skips pydantic's per-field
default handling, which dominated the building of search results (about 5 µs a model).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from telefonist.clock import parse_utc
from telefonist.models.directory import MessagePreference, Person, PersonPhone, PhoneKind, Referral

M = TypeVar("M", bound=BaseModel)


@dataclass
class DirectoryDelta:
    """What one directory version changed: people by id and referrals by (person_id, referral_id); None = deleted."""

    version: int
    people: dict[str, Person | None] = field(default_factory=dict)
    referrals: dict[tuple[str, str], Referral | None] = field(default_factory=dict)


_set = object.__setattr__


def construct(cls: type[M], values: dict[str, Any]) -> M:
    """A model of `cls` holding `values`, unvalidated: the caller passes every field, already valid."""
    model = cls.__new__(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", set(values))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def _text(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name, "")
    if not isinstance(value, str):
        raise TypeError(f"{name}: not text")
    return value


def _required_texts(item: Mapping[str, Any], *names: str) -> list[str]:
    values = [item[name] for name in names]
    if not all(isinstance(value, str) for value in values):
        raise TypeError(f"{', '.join(names)}: not text")
    return values


def _optional_text(item: Mapping[str, Any], name: str) -> str | None:
    value = item.get(name)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name}: not text")
    return value


def person_of_item(item: Mapping[str, Any]) -> Person:
    """A person from an item the validated write path stored (its JSON dump plus keys)."""
    stored_phones, keywords = item.get("phones") or [], item.get("keywords") or []
    if not isinstance(stored_phones, list) or not isinstance(keywords, list):
        raise TypeError("phones, keywords: not lists")
    if not all(isinstance(keyword, str) for keyword in keywords):
        raise TypeError("keywords: not text")
    phones = [
        construct(PersonPhone, {"kind": PhoneKind(phone["kind"]), "number": _text(phone, "number")})
        for phone in stored_phones
    ]
    person_id, first_name, last_name = _required_texts(item, "person_id", "first_name", "last_name")
    return construct(
        Person,
        {
            "person_id": person_id,
            "first_name": first_name,
            "last_name": last_name,
            "title": _text(item, "title"),
            "department": _text(item, "department"),
            "phones": phones,
            "email": _optional_text(item, "email"),
            "keywords": list(keywords),
            "message_preference": MessagePreference(item.get("message_preference", MessagePreference.EMAIL.value)),
        },
    )


def referral_of_item(item: Mapping[str, Any]) -> Referral:
    """A referral from an item the validated write path stored."""
    valid_until = _optional_text(item, "valid_until")
    referral_id, person_id, text = _required_texts(item, "referral_id", "person_id", "text")
    return construct(
        Referral,
        {
            "referral_id": referral_id,
            "person_id": person_id,
            "text": text,
            "valid_from": parse_utc(_text(item, "valid_from")),
            "valid_until": parse_utc(valid_until) if valid_until is not None else None,
            "refer_to_person_id": _optional_text(item, "refer_to_person_id"),
        },
    )
