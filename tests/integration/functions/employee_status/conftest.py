"""Eva of acme, who takes her messages by SMS: the employee whose status page these tests sign in to."""

from __future__ import annotations

import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.models.directory import MessagePreference, Person, PersonPhone, PhoneKind

from tests.integration.self_service.conftest import billing, service  # noqa: F401 - fixtures

EVA_MOBILE = "+46701234567"


@pytest.fixture
def eva(repo: CustomerRepository) -> Person:
    person = Person(
        person_id="eva",
        first_name="Eva",
        last_name="Lind",
        phones=[PersonPhone(kind=PhoneKind.MOBILE, number=EVA_MOBILE)],
        message_preference=MessagePreference.SMS,
    )
    repo.put_person("acme", person)
    return person
