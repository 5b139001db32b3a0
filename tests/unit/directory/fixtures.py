"""A small Swedish directory built to exercise matching and ranking: åäö, double first names,
hyphenated surnames, titles, keywords, sound-alikes, typos and two people with the same name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telefonist.models.directory import Directory, MessagePreference, Person, PersonPhone, PhoneKind, Referral

TENANT_ID = "acme"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def _person(
    person_id: str,
    first: str,
    last: str,
    *,
    title: str = "",
    department: str = "",
    keywords: list[str] | None = None,
    number: int,
    preference: MessagePreference = MessagePreference.EMAIL,
) -> Person:
    return Person(
        person_id=person_id,
        first_name=first,
        last_name=last,
        title=title,
        department=department,
        keywords=keywords or [],
        phones=[
            PersonPhone(kind=PhoneKind.MOBILE, number=f"+4670123{number:04d}"),
            PersonPhone(kind=PhoneKind.WORK, number=f"+46852010{number:03d}"),
        ],
        email=f"{person_id}@acme.example",
        message_preference=preference,
    )


def swedish_people() -> list[Person]:
    """Directory order is the order of this list (person ids sort the same way)."""
    return [
        _person(
            "p01-asa",
            "Åsa",
            "Södergren",
            title="Ekonomichef",
            department="Ekonomi",
            keywords=["fakturor", "leverantörsreskontra"],
            number=1,
            preference=MessagePreference.SMS,
        ),
        _person(
            "p02-per-olof",
            "Per Olof",
            "Lindqvist",
            title="IT-ansvarig",
            department="IT",
            keywords=["nätverk", "skrivare", "lösenord"],
            number=2,
        ),
        _person(
            "p03-anna-karin",
            "Anna-Karin",
            "Ahlström-Berg",
            title="HR-partner",
            department="Personal",
            keywords=["löner", "semester"],
            number=3,
            preference=MessagePreference.BOTH,
        ),
        _person(
            "p04-erik",
            "Erik",
            "Eriksson",
            title="Säljare",
            department="Försäljning",
            keywords=["offert", "ramavtal"],
            number=4,
        ),
        _person("p05-eva", "Eva", "Ericsson", title="Säljare", department="Försäljning", keywords=["avtal"], number=5),
        _person(
            "p06-eva",
            "Eva",
            "Ericsson",
            title="Lagerchef",
            department="Lager",
            keywords=["truckar", "inventering"],
            number=6,
        ),
        _person("p07-orjan", "Örjan", "Öberg", title="VD", department="Ledning", keywords=["Ögge"], number=7),
        _person(
            "p08-bjorn",
            "Björn",
            "Wikström",
            title="Supporttekniker",
            department="Support",
            keywords=["reklamation", "garanti"],
            number=8,
        ),
        _person("p09-per", "Per", "Persson", title="Inköpare", department="Inköp", number=9),
        _person("p10-pernilla", "Pernilla", "Ek", title="Ekonomiassistent", department="Ekonomi", number=10),
        _person("p11-gosta", "Gösta", "Lager", title="Vaktmästare", department="Fastighet", number=11),
        _person("p12-selma", "Selma", "Lagerlöf", title="Kommunikatör", department="Marknad", number=12),
        _person(
            "p13-mats",
            "Mats",
            "Hägg",
            title="Planerare",
            department="Logistik",
            keywords=["lagersaldo"],
            number=13,
        ),
        _person("p14-jan", "Jan", "Lagger", title="Chaufför", department="Logistik", number=14),
        _person("p15-lisa", "Lisa", "Lagrer", title="Konsult", department="Logistik", number=15),
    ]


def swedish_referrals() -> list[Referral]:
    hour = timedelta(hours=1)
    return [
        # Åsa: an expired referral and a current one referring to Märta's colleague Pernilla.
        Referral(
            referral_id="r-old",
            person_id="p01-asa",
            text="Sjuk",
            valid_from=NOW - 48 * hour,
            valid_until=NOW - 24 * hour,
        ),
        Referral(
            referral_id="r-meeting",
            person_id="p01-asa",
            text="I möte till 14:00",
            valid_from=NOW - hour,
            valid_until=NOW + 4 * hour,
            refer_to_person_id="p10-pernilla",
        ),
        # Per Olof: only an upcoming one.
        Referral(
            referral_id="r-leave",
            person_id="p02-per-olof",
            text="Semester",
            valid_from=NOW + 24 * hour,
            valid_until=NOW + 14 * 24 * hour,
            refer_to_person_id="p09-per",
        ),
    ]


def swedish_directory(version: int = 1) -> Directory:
    return Directory(tenant_id=TENANT_ID, people=swedish_people(), referrals=swedish_referrals(), version=version)
