"""The stores the self-service use cases need, as small protocols the domain owns.

Each names only what its use cases call; the dal classes of the customer table satisfy them
structurally (`ConfigurationRepository`, `DirectoryRepository`, `PriceListRepository`,
`AuditRepository` in telefonist.dal, and `CustomerRepository`, which is all of them), and mypy
strict checks it where the functions build `SelfService`. Tests may pass fakes of any one of them.
"""

from __future__ import annotations

from typing import Any, Protocol

from telefonist.models.audit import AuditEntry
from telefonist.models.common_number import CommonNumber
from telefonist.models.directory import Directory, Person, Referral
from telefonist.models.office import Office
from telefonist.models.price_list import PriceBook
from telefonist.models.tenant import Tenant
from telefonist.notify.templates import TemplateScope
from telefonist.ports.store import Page, Versioned


class ConfigurationStore(Protocol):
    """A customer's profile, common numbers and offices; each write rebuilds its routes in one transaction."""

    def get_tenant(self, tenant_id: str) -> Versioned[Tenant]: ...

    def put_tenant(self, tenant: Tenant, expected_version: int | None = None) -> int: ...

    def page_common_numbers(self, tenant_id: str, limit: int, after: str | None) -> Page[Versioned[CommonNumber]]: ...

    def get_common_number(self, tenant_id: str, common_number_id: str) -> Versioned[CommonNumber]: ...

    def put_common_number(self, tenant_id: str, common: CommonNumber, expected_version: int | None = None) -> int: ...

    def delete_common_number(self, tenant_id: str, common_number_id: str) -> None: ...

    def page_offices(self, tenant_id: str, limit: int, after: str | None) -> Page[Versioned[Office]]: ...

    def get_office(self, tenant_id: str, office_id: str, reveal_door_codes: bool = False) -> Versioned[Office]: ...

    def put_office(
        self, tenant_id: str, office: Office, expected_version: int | None = None, keep_door_codes: bool = False
    ) -> int: ...

    def delete_office(self, tenant_id: str, office_id: str) -> None: ...


class DirectoryStore(Protocol):
    """People and their referrals; every change bumps the directory version."""

    @property
    def MAX_PEOPLE_PER_TRANSACTION(self) -> int:
        """People one `put_people` writes at most (one transaction)."""
        ...

    def directory_version(self, tenant_id: str) -> int: ...

    def page_people(self, tenant_id: str, limit: int, after: str | None) -> Page[tuple[Person, list[Referral]]]: ...

    def read_directory(self, tenant_id: str) -> Directory: ...

    def load_directory(self, tenant_id: str, page_size: int | None = None) -> Directory: ...

    def get_person(self, tenant_id: str, person_id: str) -> tuple[Versioned[Person], list[Referral]]: ...

    def put_person(self, tenant_id: str, person: Person, expected_version: int | None = None) -> int: ...

    def put_people(self, tenant_id: str, people: list[Person]) -> None: ...

    def delete_person(self, tenant_id: str, person_id: str) -> list[Referral]: ...

    def put_referral(self, tenant_id: str, referral: Referral) -> None: ...

    def delete_referral(self, tenant_id: str, person_id: str, referral_id: str) -> None: ...


class PriceListStore(Protocol):
    def load_price_book(self) -> PriceBook: ...


class AuditStore(Protocol):
    """The customer's audit trail: appended to after every change, read newest first."""

    def put_audit_entry(self, tenant_id: str, entry: AuditEntry) -> None: ...

    def page_audit_entries(self, tenant_id: str, limit: int, after: str | None) -> Page[AuditEntry]: ...


class MessageTemplateStore(Protocol):
    def load_versioned(self, tenant_id: str) -> list[Versioned[TemplateScope]]: ...

    def put_template(self, tenant_id: str, scope: TemplateScope, expected_version: int | None = None) -> int: ...

    def delete_template(self, tenant_id: str, common_number_id: str | None, expected_version: int) -> None: ...


class CustomerStore(ConfigurationStore, DirectoryStore, PriceListStore, AuditStore, Protocol):
    """The customer table's stores in one object, as the composition roots pass them (`CustomerRepository`)."""

    @property
    def table(self) -> Any:
        """The table itself: the message templates live in it (the default `MessageTemplateStore`)."""
        ...


class Erased(Protocol):
    """What an erasure removed (telefonist.dal.person_data.Erasure)."""

    @property
    def messages_deleted(self) -> int: ...

    @property
    def refer_to_cleared(self) -> list[Referral]: ...

    @property
    def call_records_cleared(self) -> int: ...

    @property
    def sign_ins_deleted(self) -> int: ...


class PersonDataStore(Protocol):
    """Everything stored about one person, across the customer, message and statistics tables."""

    def export(self, tenant_id: str, person_id: str) -> dict[str, Any]: ...

    def erase(self, tenant_id: str, person_id: str) -> Erased: ...
