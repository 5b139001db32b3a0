"""Deterministic sample data: a Swedish demo customer, its directory and a price list.

Shared by the demo, the tests and the benchmarks so all three speak of the same customer.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from pydantic import SecretStr
from telefonist.models.common_number import (
    CommonNumber,
    Contact,
    FaqEntry,
    GeneralInformation,
    OpeningHours,
    TemporaryInformation,
)
from telefonist.models.directory import MessagePreference, Person, PersonPhone, PhoneKind, Referral
from telefonist.models.office import Address, DoorCode, Office
from telefonist.models.price_list import PriceList
from telefonist.models.tenant import ClaimedNumber, Tenant

DEMO_TENANT_ID = "acme"
DEMO_SWITCHBOARD_NUMBER = "+46852000001"
DEMO_SUPPORT_NUMBER = "+46852000002"

FIRST_NAMES = [
    "Åsa",
    "Björn",
    "Eva",
    "Lars",
    "Anna-Karin",
    "Per Olof",
    "Märta",
    "Örjan",
    "Ingrid",
    "Sven",
    "Kerstin",
    "Göran",
    "Linnéa",
    "Jöns",
    "Karin",
    "Ulf",
    "Agnes",
    "Mats",
    "Sofia",
    "Håkan",
]
LAST_NAMES = [
    "Södergren",
    "Eriksson",
    "Ericsson",
    "Lindqvist",
    "Öberg",
    "Ahlström-Berg",
    "Nyström",
    "Åkesson",
    "Bäckman",
    "Johansson",
    "Karlsson",
    "Strömberg",
    "Hägg",
    "Lundén",
    "Wikström",
    "Sjöberg",
]
DEPARTMENTS = ["Ekonomi", "Försäljning", "Support", "Lager", "Ledning", "IT", "Personal", "Inköp"]
TITLES = [
    "Ekonomichef",
    "Säljare",
    "Supporttekniker",
    "Lagerchef",
    "VD",
    "IT-ansvarig",
    "HR-partner",
    "Inköpare",
]
KEYWORDS = [
    "fakturor",
    "leverantörsreskontra",
    "offert",
    "avtal",
    "reklamation",
    "returer",
    "löner",
    "semester",
    "nätverk",
    "skrivare",
    "lösenord",
    "truckar",
    "inventering",
    "ramavtal",
    "kundtjänst",
    "garanti",
]

DEFAULT_PRICE_LIST = PriceList(
    version="2026-01",
    valid_from=date(2026, 1, 1),
    amounts_ore={1: 2900, 2: 3900, 3: 4900, 4: 5900, 5: 6900, 6: 8900},
)


def demo_tenant(tenant_id: str = DEMO_TENANT_ID, name: str = "Acme Verktyg AB") -> Tenant:
    return Tenant(
        tenant_id=tenant_id,
        name=name,
        claimed_numbers=[
            ClaimedNumber(phone_number=DEMO_SWITCHBOARD_NUMBER, common_number_id="vaxel"),
            ClaimedNumber(phone_number=DEMO_SUPPORT_NUMBER, common_number_id="support"),
        ],
    )


def demo_common_numbers(now: datetime | None = None) -> list[CommonNumber]:
    now = now or datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    return [
        CommonNumber(
            common_number_id="vaxel",
            name="Växel",
            info=GeneralInformation(
                how_to_answer="Acme Verktyg, god morgon/dag, du talar med …",
                how_to_transfer="Koppla direkt till den sökta; vid upptaget, erbjud meddelande.",
                how_to_take_messages="Namn, företag, nummer och ärende. SMS om det är brådskande.",
                temporary_information=[
                    TemporaryInformation(
                        text="Lagret är stängt för inventering.",
                        valid_from=now - timedelta(hours=1),
                        valid_until=now + timedelta(days=2),
                    )
                ],
                faq=[FaqEntry(question="Vilka öppettider har butiken?", answer="Vardagar 07–18, lördag 10–14.")],
                contacts=[Contact(name="Reception", role="Besök och leveranser", phone_number="+46852000009")],
            ),
        ),
        CommonNumber(
            common_number_id="support",
            name="Support",
            info=GeneralInformation(
                how_to_answer="Acme Support, du talar med …",
                how_to_transfer="Relä till jourhavande tekniker; presentera ärendet först.",
                how_to_take_messages="Ärendenummer om det finns, annars e-post till support.",
            ),
            opening_hours=OpeningHours(
                weekly={day: (time(7, 0), time(18, 0)) for day in range(5)},
                closed_message="Supporten är stängd. Ring växeln eller mejla support@acme.example.",
            ),
        ),
    ]


def demo_office() -> Office:
    return Office(
        office_id="huvudkontor",
        name="Huvudkontoret",
        address=Address(street="Sveavägen 1", postal_code="111 57", city="Stockholm"),
        visiting_instructions="Besökare anmäler sig i receptionen, plan 2.",
        door_codes=[DoorCode(label="Port", code=SecretStr("4711"))],
    )


def demo_directory(count: int = 50, seed: int = 7) -> tuple[list[Person], list[Referral]]:
    """`count` people with Swedish names, keywords and a referral for about a third of them."""
    rng = random.Random(seed)
    people: list[Person] = []
    referrals: list[Referral] = []
    anchor = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    for index in range(count):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 7 + index // len(FIRST_NAMES)) % len(LAST_NAMES)]
        dept = rng.randrange(len(DEPARTMENTS))
        preference = rng.choice(list(MessagePreference))
        person_id = f"p{index:05d}"
        people.append(
            Person(
                person_id=person_id,
                first_name=first,
                last_name=last,
                title=TITLES[dept],
                department=DEPARTMENTS[dept],
                phones=[
                    PersonPhone(kind=PhoneKind.WORK, number=f"+468520{10000 + index:05d}"),
                    PersonPhone(kind=PhoneKind.MOBILE, number=f"+46701{index:06d}"),
                ],
                email=f"{person_id}@acme.example",
                keywords=rng.sample(KEYWORDS, 3),
                message_preference=preference,
            )
        )
        if index % 3 == 0 and index > 0:
            start = anchor + timedelta(hours=rng.randrange(-48, 48))
            referrals.append(
                Referral(
                    referral_id="r1",
                    person_id=person_id,
                    text=rng.choice(["I möte", "På semester", "Sjuk", "På kundbesök", "Arbetar hemifrån"]),
                    valid_from=start,
                    valid_until=start + timedelta(hours=rng.randrange(1, 72)),
                    refer_to_person_id="p00000",
                )
            )
    return people, referrals
