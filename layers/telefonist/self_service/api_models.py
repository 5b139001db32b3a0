"""Input and output models of the self-service API, separate from the domain models.

Inputs refuse unknown fields; outputs are what a client may see (door codes only in the one
office view an administrator or operator asks for, never in lists). Value objects without
secrets (general information, opening hours, addresses, phones) are reused from the domain.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from telefonist.models.base import ApiInput, ApiOutput
from telefonist.models.common_number import GeneralInformation, OpeningHours
from telefonist.models.directory import MessagePreference, PersonDetails, PersonPhone
from telefonist.models.office import Address
from telefonist.models.status import TenantStatus
from telefonist.models.types import (
    Keyword,
    NonEmptyStr,
    PhoneNumber,
    Slug,
    TenantId,
    Text,
    UtcDatetime,
)
from telefonist.notify.templates import (
    DEFAULT_EMAIL_BODY,
    DEFAULT_SMS,
    DEFAULT_SUBJECT,
    PLACEHOLDERS,
    RequiredField,
)

MAX_CSV_CHARS = 900_000
PLACEHOLDER_LIST = ", ".join(f"${{{name}}}" for name in sorted(PLACEHOLDERS))

Version = Field(ge=0, le=2**31, description="The version read (0 creates; a stale one gets 409)")
UpdateVersion = Field(ge=1, le=2**31, description="The version read; a stale one gets 409")


# ---------------------------------------------------------------------------- errors
class FieldErrorView(ApiOutput):
    field: str = Field(description="Dotted path of the offending field, e.g. `phones.0.number`")
    message: str


# ---------------------------------------------------------------------------- profile
class ClaimedNumberView(ApiOutput):
    phone_number: str
    common_number_id: str


class ProfileView(ApiOutput):
    tenant_id: str
    name: str
    status: TenantStatus
    claimed_numbers: list[ClaimedNumberView]
    version: int


class ProfileUpdate(ApiInput):
    name: NonEmptyStr
    expected_version: int = UpdateVersion


class ClaimedNumberInput(ApiInput):
    phone_number: PhoneNumber
    common_number_id: Slug


class TenantCreate(ApiInput):
    """An operator onboards a customer: its id, name and the numbers claimed for it."""

    tenant_id: TenantId
    name: NonEmptyStr
    claimed_numbers: list[ClaimedNumberInput] = Field(
        default_factory=list, max_length=50, description="Each number may belong to one customer only (else 409)"
    )


# ---------------------------------------------------------------------------- common numbers
class CommonNumberInput(ApiInput):
    name: NonEmptyStr
    info: GeneralInformation
    opening_hours: OpeningHours = Field(default_factory=OpeningHours)
    expected_version: int = Version


class CommonNumberView(ApiOutput):
    common_number_id: str
    name: str
    info: GeneralInformation
    opening_hours: OpeningHours
    version: int


NextCursor = Field(description="Pass as `cursor` to get the next page; null at the end of the list")


class CommonNumberList(ApiOutput):
    items: list[CommonNumberView]
    next_cursor: str | None = NextCursor


# ---------------------------------------------------------------------------- offices
class DoorCodeInput(ApiInput):
    label: NonEmptyStr
    code: str = Field(min_length=1, max_length=40, pattern=r"^\S(.*\S)?$")


class OfficeInput(ApiInput):
    name: NonEmptyStr
    address: Address
    visiting_instructions: Text = ""
    door_codes: list[DoorCodeInput] | None = Field(
        default=None, max_length=20, description="Left out (or null): the stored codes stay; [] clears them"
    )
    expected_version: int = Version


class DoorCodeView(ApiOutput):
    label: str
    code: str | None = Field(description="Only for the customer's administrators and operators; else null")


class OfficeView(ApiOutput):
    office_id: str
    name: str
    address: Address
    visiting_instructions: str
    door_codes: list[DoorCodeView]
    version: int


class OfficeSummaryView(ApiOutput):
    """An office in a list: door-code labels only, never the codes."""

    office_id: str
    name: str
    address: Address
    visiting_instructions: str
    door_code_labels: list[str]
    version: int


class OfficeList(ApiOutput):
    items: list[OfficeSummaryView]
    next_cursor: str | None = NextCursor


# ---------------------------------------------------------------------------- people and referrals
class PersonFields(PersonDetails, ApiInput):
    """The person's fields as the domain declares them (telefonist.models.directory.PersonDetails)."""


class PersonCreate(PersonFields):
    person_id: Slug


class PersonUpdate(PersonFields):
    expected_version: int = UpdateVersion


class KeywordsUpdate(ApiInput):
    keywords: list[Keyword] = Field(max_length=100)
    expected_version: int = UpdateVersion


class MessagePreferenceUpdate(ApiInput):
    message_preference: MessagePreference
    expected_version: int = UpdateVersion


class ReferralInput(ApiInput):
    text: NonEmptyStr
    valid_from: UtcDatetime
    valid_until: UtcDatetime | None = None
    refer_to_person_id: Slug | None = None


class ReferralView(ApiOutput):
    referral_id: str
    person_id: str
    text: str
    valid_from: UtcDatetime
    valid_until: UtcDatetime | None
    refer_to_person_id: str | None


class PersonView(ApiOutput):
    person_id: str
    first_name: str
    last_name: str
    title: str
    department: str
    phones: list[PersonPhone]
    email: str | None
    keywords: list[str]
    message_preference: MessagePreference
    version: int
    referrals: list[ReferralView] = Field(default_factory=list)


class PersonSummaryView(ApiOutput):
    person_id: str
    first_name: str
    last_name: str
    title: str
    department: str
    keywords: list[str]
    message_preference: MessagePreference
    current_referral: ReferralView | None = Field(
        default=None,
        description="The referral valid now (where several overlap, the one that started last); null when none",
    )


class PersonList(ApiOutput):
    items: list[PersonSummaryView] = Field(description="People in person_id order")
    directory_version: int
    next_cursor: str | None = NextCursor


class CsvImportRequest(ApiInput):
    """A CSV file (UTF-8, header row) of people; see the service for its columns."""

    csv: str = Field(min_length=1, max_length=MAX_CSV_CHARS)
    dry_run: bool = Field(default=False, description="Validate every row, write nothing")


class CsvRowResult(ApiOutput):
    row: int = Field(description="Line number in the file (the header is line 1)")
    person_id: str | None
    status: Literal["created", "updated", "valid", "error"]
    errors: list[FieldErrorView] = Field(default_factory=list)


class CsvImportReport(ApiOutput):
    created: int
    updated: int
    failed: int
    dry_run: bool
    rows: list[CsvRowResult]


# ---------------------------------------------------------------------------- prices, billing, audit
class PriceListVersionView(ApiOutput):
    version: str
    valid_from: date
    amounts_ore: dict[str, int] = Field(description="Tariff (1-6) → price in öre, excluding VAT")


class PriceListView(ApiOutput):
    versions: list[PriceListVersionView]


class TariffTotalView(ApiOutput):
    tariff: int
    calls: int
    amount_ore: int
    calls_over_45s: int = Field(description="Calls whose handling (talk + after-call work) exceeded 45 s")


class BillingSummaryView(ApiOutput):
    month: str
    tariffs: list[TariffTotalView]
    total_ore: int
    currency: str
    calls: int = Field(description="Billed calls of the month")
    calls_over_45s: int = Field(description="Of them, calls over the 45-second handling budget")
    over_45s_threshold_percent: int = Field(
        description="Above this share of a month's calls over budget, long handling may be charged extra"
    )


# ---------------------------------------------------------------------------- message templates
class MessageTemplateInput(ApiInput):
    """How the customer's messages are written and sent; a common number's replaces the customer's."""

    sms: str = Field(default=DEFAULT_SMS, max_length=2000, description=f"Placeholders: {PLACEHOLDER_LIST}")
    email_subject: str = Field(default=DEFAULT_SUBJECT, max_length=2000, description="One line, same placeholders")
    email_body: str = Field(default=DEFAULT_EMAIL_BODY, max_length=2000, description="Same placeholders")
    required_fields: list[RequiredField] = Field(
        default_factory=list, max_length=3, description="What the operator must capture on every message"
    )
    urgent_channel: MessagePreference | None = Field(
        default=None, description="Urgent messages go out this way (when the person can be reached so)"
    )
    expected_version: int = Version


class MessageTemplateView(ApiOutput):
    common_number_id: str | None = Field(description="null: the customer's own, for every common number")
    sms: str
    email_subject: str
    email_body: str
    required_fields: list[RequiredField]
    urgent_channel: MessagePreference | None
    version: int = Field(description="0: not stored yet (the built-in defaults)")


class MessageTemplateList(ApiOutput):
    items: list[MessageTemplateView] = Field(
        description="The customer's template first (its defaults at version 0 until stored), then each "
        "common number's own"
    )
    placeholders: list[str]


class AuditEntryView(ApiOutput):
    at: UtcDatetime
    actor: str
    action: str
    target: str
    version: int | None
    detail: str = ""


class AuditTrail(ApiOutput):
    items: list[AuditEntryView] = Field(description="Newest first")
    next_cursor: str | None = NextCursor


class Deleted(ApiOutput):
    deleted: str


# ---------------------------------------------------------------------------- a person's data (issue 20)
class ReferralPointer(ApiOutput):
    person_id: str
    referral_id: str


class SignInView(ApiOutput):
    kind: str = Field(description="link (single use) or session")
    expires_at: datetime


class PersonExport(ApiOutput):
    """Everything stored about one person, as stored (JSON values), when it was exported."""

    exported_at: datetime
    person: dict[str, Any]
    referrals: list[dict[str, Any]]
    messages: list[dict[str, Any]] = Field(description="Messages to the person still in the log (90 days)")
    calendar: dict[str, Any] | None = Field(description="The person's followed calendar (calendar sync), if any")
    referred_to_by: list[ReferralPointer] = Field(description="Colleagues' referrals that send callers to them")
    caller_history: list[dict[str, Any]] = Field(
        description="Caller history entries (30 days) of calls transferred to them or taken a message for"
    )
    contacts: list[dict[str, Any]] = Field(description="Contact events (statistics) of calls transferred to them")
    sign_ins: list[SignInView] = Field(description="Their status page's sign-in links and sessions (never a token)")


class PersonErased(ApiOutput):
    erased: str
    messages_deleted: int
    refer_to_cleared: list[ReferralPointer]
    call_records_cleared: int = Field(description="Caller history entries and contact events they were removed from")
    sign_ins_deleted: int = Field(description="Their sign-in links and sessions, deleted")
