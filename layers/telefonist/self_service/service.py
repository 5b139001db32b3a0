"""The self-service use cases: who may do what, mapping API models to domain models, audit.

Every method takes the caller (from the token) first. A customer's users act on their own
tenant only: the tenant id is the caller's, never a parameter. Operators and finance act across
tenants through the explicit `operator_*`/`finance_*` methods.

Data rules a client relies on (README, "Self-service API"):
- A phone number belongs to at most one tenant (a conditional write in the store); onboarding
  with a number another tenant has is a 409 naming it. A common number that still has a phone
  number routed to it cannot be deleted (409 naming the number).
- A profile, common-number or office change and the routing records built from it are written
  in one transaction: both or neither; a refused or failed write leaves no audit entry.
- `PUT /offices/{id}` without `door_codes` keeps the stored codes; `[]` clears them.
- Deleting a person deletes all of their own referrals, and other people's referrals that
  refer callers to them KEEP their text and validity but lose the refer-to
  (`refer_to_person_id` removed), each with an audit entry `referral.refer_to_cleared`: the
  colleague is still away, only the pointer to a person who no longer exists goes.
- Every list is paginated: `limit`, an opaque `cursor`, and `next_cursor` (null at the end).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, SecretStr, ValidationError

from telefonist.clock import utc_now
from telefonist.dal.message_template_repository import MessageTemplateRepository
from telefonist.edge.errors import FieldError, ForbiddenError, InvalidInputError
from telefonist.edge.identity import Caller, Group
from telefonist.models.audit import AuditEntry
from telefonist.models.common_number import CommonNumber
from telefonist.models.directory import Person, Referral, referral_valid_at
from telefonist.models.office import DoorCode, Office
from telefonist.models.tenant import Tenant
from telefonist.notify.templates import PLACEHOLDERS, MessageTemplate, TemplateScope
from telefonist.observability import logger
from telefonist.ports.billing import BillingSummarySource
from telefonist.ports.store import ConflictError, InvalidWriteError, NotFoundError, Page, RepositoryError, Versioned
from telefonist.self_service import api_models as api
from telefonist.self_service.billing import downloadable_lines, lines_csv
from telefonist.self_service.csv_import import parse_people_csv
from telefonist.self_service.pagination import DEFAULT_PAGE_SIZE, decode_cursor, fit_page
from telefonist.self_service.people_search import SearchablePerson, query_words, search_page, searchable
from telefonist.self_service.ports import (
    AuditStore,
    ConfigurationStore,
    CustomerStore,
    DirectoryStore,
    MessageTemplateStore,
    PersonDataStore,
    PriceListStore,
)

ModelT = TypeVar("ModelT", bound=BaseModel)
HIDDEN = None
MAX_REFERRALS_PER_PERSON = 50
SEARCH_CACHE_TENANTS = 8


def _domain(model: type[ModelT], data: dict[str, Any]) -> ModelT:
    """Build a domain model from API data; its rule violations become a 400 naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInputError.from_validation(exc) from exc


@contextmanager
def _refusals_as_input_errors() -> Iterator[None]:
    """A write the store cannot hold (too large, over a cap) is the client's to fix: a 400 naming the field."""
    try:
        yield
    except InvalidWriteError as exc:
        raise InvalidInputError([FieldError(exc.field, str(exc))]) from exc


def _field_views(errors: list[Any]) -> list[api.FieldErrorView]:
    return [api.FieldErrorView(field=e.field, message=e.message) for e in errors]


class SelfService:
    """Use cases of the self-service pages, independent of HTTP (the demo calls them directly)."""

    def __init__(
        self,
        repo: CustomerStore,
        billing: BillingSummarySource,
        clock: Callable[[], datetime] = utc_now,
        templates: MessageTemplateStore | None = None,
        person_data: PersonDataStore | None = None,
    ) -> None:
        # Each use case reaches only the store it needs; `repo` is all four (CustomerRepository).
        self._repo = repo  # only for functions/self_service/calendar_api.py, which reads its table
        self._configuration: ConfigurationStore = repo
        self._directory: DirectoryStore = repo
        self._prices: PriceListStore = repo
        self._audit_trail: AuditStore = repo
        self._person_data = person_data  # None: no message log or statistics table wired: export and erasure answer 503
        self._billing = billing
        self._clock = clock
        self._templates = templates or MessageTemplateRepository(repo.table)
        # Per customer: the directory version and its people with their search words (warm functions).
        self._searchable: dict[str, tuple[int, list[SearchablePerson], dict[str, list[Referral]]]] = {}

    # ------------------------------------------------------------------ authorisation
    @staticmethod
    def _reader_tenant(caller: Caller) -> str:
        """The caller's own tenant, for reading its data (any of the customer's users)."""
        if caller.tenant_id is None:
            raise ForbiddenError("this route is for a customer's users: the token names no customer")
        return caller.tenant_id

    @staticmethod
    def _admin_tenant(caller: Caller, purpose: str = "change its data") -> str:
        """The caller's own tenant, for what only the customer's administrators may do (`purpose`)."""
        if caller.tenant_id is None:
            raise ForbiddenError("this route is for a customer's users: the token names no customer")
        if not caller.in_group(Group.ADMINS):
            raise ForbiddenError(f"only the customer's administrators may {purpose}")
        return caller.tenant_id

    @staticmethod
    def _referral_tenant(caller: Caller, person_id: str) -> str:
        """The caller's tenant, for changing `person_id`'s referrals: its administrators, or that very employee."""
        if caller.tenant_id is not None and caller.person_id == person_id and caller.in_group(Group.EMPLOYEES):
            return caller.tenant_id
        return SelfService._admin_tenant(caller)

    @staticmethod
    def _require(caller: Caller, group: Group) -> None:
        if not caller.in_group(group):
            raise ForbiddenError(f"this route is for the {group.value} group")

    def _audit(
        self, tenant_id: str, caller: Caller, action: str, target: str, version: int | None = None, detail: str = ""
    ) -> None:
        entry = AuditEntry(
            entry_id=uuid.uuid4().hex[:12],
            at=self._clock(),
            actor=caller.subject,
            action=action,
            target=target,
            version=version,
            detail=detail,
        )
        self._audit_trail.put_audit_entry(tenant_id, entry)
        logger.info("self-service change", extra={"tenant_id": tenant_id, "action": action, "target": target})

    def _configuration_changed(
        self, tenant_id: str, caller: Caller, action: str, target: str, version: int | None = None
    ) -> None:
        """After a profile, common-number or office change (routes written with it, in one transaction): audit."""
        self._audit(tenant_id, caller, action, target, version)

    def _delete_configuration(
        self, caller: Caller, kind: str, item_id: str, delete: Callable[[str, str], None]
    ) -> api.Deleted:
        """An administrator deletes one of their common numbers or offices (`kind`), audited as `kind.delete`."""
        tenant_id = self._admin_tenant(caller)
        delete(tenant_id, item_id)
        self._configuration_changed(tenant_id, caller, f"{kind}.delete", f"{kind.replace('_', ' ')} {item_id}")
        return api.Deleted(deleted=item_id)

    # ------------------------------------------------------------------ tenants and profile
    def create_tenant(self, caller: Caller, body: api.TenantCreate) -> api.ProfileView:
        """Onboard a customer (operators only); routes are built once common numbers exist."""
        self._require(caller, Group.OPERATORS)
        tenant = _domain(
            Tenant,
            {
                "tenant_id": body.tenant_id,
                "name": body.name,
                "claimed_numbers": [n.model_dump() for n in body.claimed_numbers],
                "created_at": self._clock(),
            },
        )
        with _refusals_as_input_errors():
            version = self._configuration.put_tenant(tenant, expected_version=0)
        self._audit(tenant.tenant_id, caller, "tenant.create", f"tenant {tenant.tenant_id}", version)
        return self._profile_view(Versioned(tenant, version))

    def get_profile(self, caller: Caller) -> api.ProfileView:
        return self._profile_view(self._configuration.get_tenant(self._reader_tenant(caller)))

    def update_profile(self, caller: Caller, body: api.ProfileUpdate) -> api.ProfileView:
        tenant_id = self._admin_tenant(caller)
        current = self._configuration.get_tenant(tenant_id).model
        # Claimed numbers and status are the operator's to change, not the customer's.
        tenant = _domain(Tenant, {**current.model_dump(), "name": body.name})
        with _refusals_as_input_errors():
            version = self._configuration.put_tenant(tenant, expected_version=body.expected_version)
        self._configuration_changed(tenant_id, caller, "profile.update", f"tenant {tenant_id}", version)
        return self._profile_view(Versioned(tenant, version))

    @staticmethod
    def _profile_view(tenant: Versioned[Tenant]) -> api.ProfileView:
        t = tenant.model
        return api.ProfileView(
            tenant_id=t.tenant_id,
            name=t.name,
            status=t.status,
            claimed_numbers=[
                api.ClaimedNumberView(phone_number=n.phone_number, common_number_id=n.common_number_id)
                for n in t.claimed_numbers
            ],
            version=tenant.version,
        )

    # ------------------------------------------------------------------ common numbers
    def list_common_numbers(
        self, caller: Caller, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None
    ) -> api.CommonNumberList:
        return self._common_number_list(self._reader_tenant(caller), limit, cursor)

    def _common_number_list(self, tenant_id: str, limit: int, cursor: str | None) -> api.CommonNumberList:
        page = self._configuration.page_common_numbers(tenant_id, limit, decode_cursor(cursor, tenant_id, "COMMON#"))
        views, next_cursor = fit_page(
            [self._common_view(c) for _, c in page.items], [k for k, _ in page.items], page.more, tenant_id
        )
        return api.CommonNumberList(items=views, next_cursor=next_cursor)

    def get_common_number(self, caller: Caller, common_number_id: str) -> api.CommonNumberView:
        return self._common_view(self._configuration.get_common_number(self._reader_tenant(caller), common_number_id))

    def put_common_number(
        self, caller: Caller, common_number_id: str, body: api.CommonNumberInput
    ) -> api.CommonNumberView:
        """Create (expected_version 0) or change a common number and its script; rebuilds routes."""
        tenant_id = self._admin_tenant(caller)
        common = _domain(
            CommonNumber,
            {
                "common_number_id": common_number_id,
                "name": body.name,
                "info": body.info,
                "opening_hours": body.opening_hours,
                "updated_at": self._clock(),
            },
        )
        with _refusals_as_input_errors():
            version = self._configuration.put_common_number(tenant_id, common, expected_version=body.expected_version)
        self._configuration_changed(
            tenant_id, caller, "common_number.put", f"common number {common_number_id}", version
        )
        return self._common_view(Versioned(common, version))

    def delete_common_number(self, caller: Caller, common_number_id: str) -> api.Deleted:
        """Delete a common number; 409 naming the phone number while one is still routed to it."""
        return self._delete_configuration(
            caller, "common_number", common_number_id, self._configuration.delete_common_number
        )

    @staticmethod
    def _common_view(common: Versioned[CommonNumber]) -> api.CommonNumberView:
        # The output model names the fields a client sees; the rest of the domain model stays inside.
        return api.CommonNumberView.model_validate({**dict(common.model), "version": common.version})

    # ------------------------------------------------------------------ offices (door codes)
    def list_offices(self, caller: Caller, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None) -> api.OfficeList:
        """Offices without door codes (lists never carry them, whoever asks)."""
        tenant_id = self._reader_tenant(caller)
        page = self._configuration.page_offices(tenant_id, limit, decode_cursor(cursor, tenant_id, "OFFICE#"))
        views = [
            api.OfficeSummaryView(
                office_id=o.model.office_id,
                name=o.model.name,
                address=o.model.address,
                visiting_instructions=o.model.visiting_instructions,
                door_code_labels=[c.label for c in o.model.door_codes],
                version=o.version,
            )
            for _, o in page.items
        ]
        items, next_cursor = fit_page(views, [k for k, _ in page.items], page.more, tenant_id)
        return api.OfficeList(items=items, next_cursor=next_cursor)

    def get_office(self, caller: Caller, office_id: str) -> api.OfficeView:
        """One office; door codes are decrypted for the customer's administrators only."""
        tenant_id = self._reader_tenant(caller)
        reveal = caller.in_group(Group.ADMINS)
        return self._office_view(self._configuration.get_office(tenant_id, office_id, reveal_door_codes=reveal), reveal)

    def operator_get_office(self, caller: Caller, tenant_id: str, office_id: str) -> api.OfficeView:
        """An operator reads any customer's office, door codes included (the call in hand needs them).

        Each reveal is in the customer's audit trail: who saw the codes of which office, when.
        """
        self._require(caller, Group.OPERATORS)
        office = self._configuration.get_office(tenant_id, office_id, reveal_door_codes=True)
        self._audit(tenant_id, caller, "office.door_codes_revealed", f"office {office_id}")
        return self._office_view(office, True)

    def put_office(self, caller: Caller, office_id: str, body: api.OfficeInput) -> api.OfficeView:
        """Create or change an office; without `door_codes` the stored codes stay, `[]` clears them."""
        tenant_id = self._admin_tenant(caller)
        keep = body.door_codes is None
        office = _domain(
            Office,
            {
                "office_id": office_id,
                "name": body.name,
                "address": body.address,
                "visiting_instructions": body.visiting_instructions,
                "door_codes": [DoorCode(label=c.label, code=SecretStr(c.code)) for c in body.door_codes or []],
            },
        )
        with _refusals_as_input_errors():
            version = self._configuration.put_office(
                tenant_id, office, expected_version=body.expected_version, keep_door_codes=keep
            )
        self._configuration_changed(tenant_id, caller, "office.put", f"office {office_id}", version)
        if keep:  # show the codes that were kept, as an administrator sees them
            return self._office_view(
                self._configuration.get_office(tenant_id, office_id, reveal_door_codes=True), reveal=True
            )
        return self._office_view(Versioned(office, version), reveal=True)

    def delete_office(self, caller: Caller, office_id: str) -> api.Deleted:
        return self._delete_configuration(caller, "office", office_id, self._configuration.delete_office)

    @staticmethod
    def _office_view(office: Versioned[Office], reveal: bool) -> api.OfficeView:
        o = office.model
        return api.OfficeView(
            office_id=o.office_id,
            name=o.name,
            address=o.address,
            visiting_instructions=o.visiting_instructions,
            door_codes=[
                api.DoorCodeView(label=c.label, code=c.code.get_secret_value() if reveal else HIDDEN)
                for c in o.door_codes
            ],
            version=office.version,
        )

    # ------------------------------------------------------------------ people
    def list_people(
        self, caller: Caller, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None, q: str | None = None
    ) -> api.PersonList:
        """The directory in person_id order, a page at a time; with `q`, only the people it finds."""
        tenant_id = self._reader_tenant(caller)
        version = self._directory.directory_version(tenant_id)
        after = decode_cursor(cursor, tenant_id, "PERSON#")
        if q is not None:
            page = self._search_people(tenant_id, version, query_words(q), after, limit)
        else:
            page = self._directory.page_people(tenant_id, limit, after)
        now = self._clock()
        views = [self._person_summary(p, referrals, now) for _, (p, referrals) in page.items]
        items, next_cursor = fit_page(views, [k for k, _ in page.items], page.more, tenant_id)
        return api.PersonList(items=items, directory_version=version, next_cursor=next_cursor)

    @staticmethod
    def _person_summary(person: Person, referrals: list[Referral], now: datetime) -> api.PersonSummaryView:
        """A person of the list with the referral valid now (so the list needs no read per person)."""
        current = referral_valid_at(referrals, now)
        return api.PersonSummaryView.model_validate(person, from_attributes=True).model_copy(
            update={"current_referral": SelfService._referral_view(current) if current else None}
        )

    def _search_people(
        self, tenant_id: str, version: int, words: list[str], after: str | None, limit: int
    ) -> Page[tuple[Person, list[Referral]]]:
        """A page of the people a search finds (with their referrals), over the directory read once per version."""
        cached = self._searchable.get(tenant_id)
        if cached is None or cached[0] != version:
            directory = self._directory.read_directory(tenant_id)
            referrals: dict[str, list[Referral]] = {}
            for referral in directory.referrals:
                referrals.setdefault(referral.person_id, []).append(referral)
            self._searchable.pop(tenant_id, None)
            while len(self._searchable) >= SEARCH_CACHE_TENANTS:
                self._searchable.pop(next(iter(self._searchable)))
            self._searchable[tenant_id] = cached = (version, searchable(directory.people), referrals)
        found, more = search_page(cached[1], words, after.removeprefix("PERSON#") if after else None, limit)
        return Page([(f"PERSON#{p.person_id}", (p, cached[2].get(p.person_id, []))) for p in found], more)

    def get_person(self, caller: Caller, person_id: str) -> api.PersonView:
        person, referrals = self._directory.get_person(self._reader_tenant(caller), person_id)
        return self._person_view(person, referrals)

    def create_person(self, caller: Caller, body: api.PersonCreate) -> api.PersonView:
        tenant_id = self._admin_tenant(caller)
        person = _domain(Person, body.model_dump())
        version = self._directory.put_person(tenant_id, person, expected_version=0)
        self._audit(tenant_id, caller, "person.create", f"person {person.person_id}", version)
        return self._person_view(Versioned(person, version), [])

    def update_person(self, caller: Caller, person_id: str, body: api.PersonUpdate) -> api.PersonView:
        tenant_id = self._admin_tenant(caller)
        data = body.model_dump(exclude={"expected_version"})
        return self._replace_person(caller, tenant_id, person_id, data, body.expected_version, "person.update")

    def set_keywords(self, caller: Caller, person_id: str, body: api.KeywordsUpdate) -> api.PersonView:
        tenant_id = self._admin_tenant(caller)
        current, _ = self._directory.get_person(tenant_id, person_id)
        data = {**current.model.model_dump(), "keywords": body.keywords}
        return self._replace_person(caller, tenant_id, person_id, data, body.expected_version, "person.keywords")

    def set_message_preference(
        self, caller: Caller, person_id: str, body: api.MessagePreferenceUpdate
    ) -> api.PersonView:
        tenant_id = self._admin_tenant(caller)
        current, _ = self._directory.get_person(tenant_id, person_id)
        data = {**current.model.model_dump(), "message_preference": body.message_preference}
        return self._replace_person(
            caller, tenant_id, person_id, data, body.expected_version, "person.message_preference"
        )

    def _replace_person(
        self, caller: Caller, tenant_id: str, person_id: str, data: dict[str, Any], expected: int, action: str
    ) -> api.PersonView:
        current, referrals = self._directory.get_person(tenant_id, person_id)  # 404 before 409
        if current.version != expected:
            raise ConflictError(f"person {person_id} is at version {current.version}, not {expected}: reload it")
        person = _domain(Person, {**data, "person_id": person_id})
        version = self._directory.put_person(tenant_id, person, expected_version=expected)
        self._audit(tenant_id, caller, action, f"person {person_id}", version)
        return self._person_view(Versioned(person, version), referrals)

    def delete_person(self, caller: Caller, person_id: str) -> api.Deleted:
        """Delete a person and all their referrals; others' referrals to them lose the refer-to (audited)."""
        tenant_id = self._admin_tenant(caller)
        cleared = self._directory.delete_person(tenant_id, person_id)
        self._audit(tenant_id, caller, "person.delete", f"person {person_id}")
        for referral in cleared:
            self._audit(
                tenant_id,
                caller,
                "referral.refer_to_cleared",
                f"person {referral.person_id} referral {referral.referral_id}",
                detail=f"refer-to person {person_id} was deleted",
            )
        return api.Deleted(deleted=person_id)

    def _person_data_store(self) -> PersonDataStore:
        if self._person_data is None:
            raise RepositoryError("the message log or statistics table is not wired to this service")
        return self._person_data

    def export_person(self, caller: Caller, person_id: str) -> api.PersonExport:
        """Everything stored about one person (administrators; audited `person.export`)."""
        tenant_id = self._admin_tenant(caller, "export a person's data")
        data = self._person_data_store().export(tenant_id, person_id)
        self._audit(tenant_id, caller, "person.export", f"person {person_id}")
        return api.PersonExport.model_validate({"exported_at": self._clock(), **data})

    def erase_person(self, caller: Caller, person_id: str) -> api.PersonErased:
        """Erase a person with their referrals, messages, calendar and sign-ins, and remove them from caller
        history and contact events (administrators; audited `person.erase`)."""
        tenant_id = self._admin_tenant(caller, "erase a person")
        erased = self._person_data_store().erase(tenant_id, person_id)
        detail = (
            f"{erased.messages_deleted} messages deleted, removed from {erased.call_records_cleared} call records, "
            f"{erased.sign_ins_deleted} sign-ins deleted"
        )
        self._audit(tenant_id, caller, "person.erase", f"person {person_id}", detail=detail)
        pointers = [
            api.ReferralPointer(person_id=r.person_id, referral_id=r.referral_id) for r in erased.refer_to_cleared
        ]
        return api.PersonErased(
            erased=person_id,
            messages_deleted=erased.messages_deleted,
            refer_to_cleared=pointers,
            call_records_cleared=erased.call_records_cleared,
            sign_ins_deleted=erased.sign_ins_deleted,
        )

    def import_people_csv(self, caller: Caller, body: api.CsvImportRequest) -> api.CsvImportReport:
        """Create or replace people from CSV; each bad row is reported with its fields, the rest imported."""
        tenant_id = self._admin_tenant(caller)
        parsed = parse_people_csv(body.csv)
        existing = {p.person_id for p in self._directory.load_directory(tenant_id).people}
        results: dict[int, api.CsvRowResult] = {}
        valid = []
        for row in parsed:
            if row.person is None:
                errors = _field_views(row.errors)
                results[row.row] = api.CsvRowResult(row=row.row, person_id=row.person_id, status="error", errors=errors)
            elif body.dry_run:
                results[row.row] = api.CsvRowResult(row=row.row, person_id=row.person_id, status="valid")
            else:
                valid.append(row)
        size = self._directory.MAX_PEOPLE_PER_TRANSACTION
        for chunk in (valid[i : i + size] for i in range(0, len(valid), size)):
            try:
                self._directory.put_people(tenant_id, [r.person for r in chunk if r.person is not None])
            except RepositoryError:
                # A failed chunk is reported row by row; the caller re-sends the file (imports are upserts).
                failure = [api.FieldErrorView(field="row", message="could not be saved now; import the file again")]
                for r in chunk:
                    results[r.row] = api.CsvRowResult(row=r.row, person_id=r.person_id, status="error", errors=failure)
                continue
            for r in chunk:
                status: Literal["created", "updated"] = "updated" if r.person_id in existing else "created"
                results[r.row] = api.CsvRowResult(row=r.row, person_id=r.person_id, status=status)
        rows = [results[r.row] for r in parsed]
        report = api.CsvImportReport(
            created=sum(r.status == "created" for r in rows),
            updated=sum(r.status == "updated" for r in rows),
            failed=sum(r.status == "error" for r in rows),
            dry_run=body.dry_run,
            rows=rows,
        )
        if not body.dry_run:
            detail = f"{report.created} created, {report.updated} updated, {report.failed} failed"
            self._audit(tenant_id, caller, "people.import", detail)
        return report

    @staticmethod
    def _person_view(person: Versioned[Person], referrals: list[Referral]) -> api.PersonView:
        p = person.model
        return api.PersonView(
            person_id=p.person_id,
            first_name=p.first_name,
            last_name=p.last_name,
            title=p.title,
            department=p.department,
            phones=list(p.phones),
            email=p.email,
            keywords=list(p.keywords),
            message_preference=p.message_preference,
            version=person.version,
            referrals=[SelfService._referral_view(r) for r in sorted(referrals, key=lambda r: r.valid_from)],
        )

    # ------------------------------------------------------------------ referrals (hänvisning)
    def set_referral(
        self, caller: Caller, person_id: str, referral_id: str, body: api.ReferralInput
    ) -> api.ReferralView:
        """Set a referral with its validity; the person (and the one referred to) must exist."""
        tenant_id = self._referral_tenant(caller, person_id)
        referral = _domain(
            Referral,
            {**body.model_dump(), "referral_id": referral_id, "person_id": person_id},
        )
        if referral.refer_to_person_id is not None:
            try:
                self._directory.get_person(tenant_id, referral.refer_to_person_id)
            except NotFoundError as exc:
                raise InvalidInputError.of("refer_to_person_id", "no such person in the directory") from exc
        _, existing = self._directory.get_person(tenant_id, person_id)
        if len(existing) >= MAX_REFERRALS_PER_PERSON and referral_id not in {r.referral_id for r in existing}:
            raise InvalidInputError.of(
                "referral_id", f"a person has at most {MAX_REFERRALS_PER_PERSON} referrals: clear an old one first"
            )
        self._directory.put_referral(tenant_id, referral)
        self._audit(tenant_id, caller, "referral.set", f"person {person_id} referral {referral_id}")
        return self._referral_view(referral)

    def clear_referral(self, caller: Caller, person_id: str, referral_id: str) -> api.Deleted:
        tenant_id = self._referral_tenant(caller, person_id)
        self._directory.delete_referral(tenant_id, person_id, referral_id)
        self._audit(tenant_id, caller, "referral.clear", f"person {person_id} referral {referral_id}")
        return api.Deleted(deleted=referral_id)

    @staticmethod
    def _referral_view(r: Referral) -> api.ReferralView:
        return api.ReferralView.model_validate(r, from_attributes=True)

    # ------------------------------------------------------------------ prices, billing, audit
    def get_price_list(self, caller: Caller) -> api.PriceListView:
        if caller.tenant_id is None and not (caller.in_group(Group.OPERATORS) or caller.in_group(Group.FINANCE)):
            raise ForbiddenError("the price list is for customers, operators and finance")
        book = self._prices.load_price_book()
        return api.PriceListView(
            versions=[
                api.PriceListVersionView(
                    version=v.version,
                    valid_from=v.valid_from,
                    amounts_ore={str(t): a for t, a in sorted(v.amounts_ore.items())},
                )
                for v in sorted(book.versions, key=lambda v: v.valid_from)
            ]
        )

    def get_billing_summary(self, caller: Caller, month: str) -> api.BillingSummaryView:
        """The month's billing: the customer's administrators (finance reads it through its own route)."""
        return self._billing_view(self._admin_tenant(caller, "read the billing"), month)

    def finance_billing_summary(self, caller: Caller, tenant_id: str, month: str) -> api.BillingSummaryView:
        self._require(caller, Group.FINANCE)
        return self._billing_view(tenant_id, month)

    def _billing_view(self, tenant_id: str, month: str) -> api.BillingSummaryView:
        from telefonist.rating.tariff import OVER_BUDGET_THRESHOLD_PERCENT  # holidays: only on this route

        summary = self._billing.monthly_summary(tenant_id, month)
        return api.BillingSummaryView(
            month=summary.month,
            tariffs=[
                api.TariffTotalView(
                    tariff=t.tariff, calls=t.calls, amount_ore=t.amount_ore, calls_over_45s=t.calls_over_45s
                )
                for t in summary.tariffs
            ],
            total_ore=summary.total_ore,
            currency=summary.currency,
            calls=sum(t.calls for t in summary.tariffs),
            calls_over_45s=sum(t.calls_over_45s for t in summary.tariffs),
            over_45s_threshold_percent=OVER_BUDGET_THRESHOLD_PERCENT,
        )

    def billing_lines_csv(self, caller: Caller, month: str) -> str:
        """The month's billing lines as CSV: the customer's administrators, their own customer's only."""
        return self._lines_csv(self._admin_tenant(caller, "download the billing lines"), month)

    def finance_billing_lines_csv(self, caller: Caller, tenant_id: str, month: str) -> str:
        """A customer's billing lines of a month as CSV (finance)."""
        self._require(caller, Group.FINANCE)
        return self._lines_csv(tenant_id, month)

    def _lines_csv(self, tenant_id: str, month: str) -> str:
        return lines_csv(downloadable_lines(self._billing, tenant_id, month, "path.month"))

    # ------------------------------------------------------------------ message templates
    def list_message_templates(self, caller: Caller) -> api.MessageTemplateList:
        """The customer's template (the defaults at version 0 until stored), then each common number's."""
        stored = self._templates.load_versioned(self._reader_tenant(caller))
        customer = next((v for v in stored if v.model.common_number_id is None), None)
        views = [
            self._template_view(customer or Versioned(TemplateScope(template=MessageTemplate()), 0)),
            *(
                self._template_view(v)
                for v in sorted(stored, key=lambda v: v.model.common_number_id or "")
                if v.model.common_number_id is not None
            ),
        ]
        return api.MessageTemplateList(items=views, placeholders=sorted(PLACEHOLDERS))

    def put_message_template(
        self, caller: Caller, common_number_id: str | None, body: api.MessageTemplateInput
    ) -> api.MessageTemplateView:
        """Create (expected_version 0) or change the customer's or a common number's template."""
        tenant_id = self._admin_tenant(caller)
        if common_number_id is not None:
            self._configuration.get_common_number(tenant_id, common_number_id)  # 404 for a number it does not have
        template = _domain(MessageTemplate, body.model_dump(exclude={"expected_version"}))
        scope = TemplateScope(common_number_id=common_number_id, template=template)
        version = self._templates.put_template(tenant_id, scope, expected_version=body.expected_version)
        target = f"message template of common number {common_number_id}" if common_number_id else "message template"
        self._audit(tenant_id, caller, "message_template.put", target, version)
        return self._template_view(Versioned(scope, version))

    def delete_message_template(self, caller: Caller, common_number_id: str, expected_version: int) -> api.Deleted:
        """A common number's own template removed: its messages follow the customer's again."""
        tenant_id = self._admin_tenant(caller)
        self._templates.delete_template(tenant_id, common_number_id, expected_version)
        self._audit(
            tenant_id, caller, "message_template.delete", f"message template of common number {common_number_id}"
        )
        return api.Deleted(deleted=common_number_id)

    @staticmethod
    def _template_view(scope: Versioned[TemplateScope]) -> api.MessageTemplateView:
        t = scope.model.template
        return api.MessageTemplateView(
            common_number_id=scope.model.common_number_id,
            sms=t.sms,
            email_subject=t.email_subject,
            email_body=t.email_body,
            required_fields=list(t.required_fields),
            urgent_channel=t.urgent_channel,
            version=scope.version,
        )

    def list_audit(self, caller: Caller, limit: int = 50, cursor: str | None = None) -> api.AuditTrail:
        """The audit trail, newest first, a page at a time (the customer's administrators only)."""
        tenant_id = self._admin_tenant(caller, "read the audit trail")
        page = self._audit_trail.page_audit_entries(tenant_id, limit, decode_cursor(cursor, tenant_id, "AUDIT#"))
        views = [
            api.AuditEntryView(
                at=e.at, actor=e.actor, action=e.action, target=e.target, version=e.version, detail=e.detail
            )
            for _, e in page.items
        ]
        items, next_cursor = fit_page(views, [k for k, _ in page.items], page.more, tenant_id)
        return api.AuditTrail(items=items, next_cursor=next_cursor)

    def operator_common_numbers(
        self, caller: Caller, tenant_id: str, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None
    ) -> api.CommonNumberList:
        self._require(caller, Group.OPERATORS)
        return self._common_number_list(tenant_id, limit, cursor)
