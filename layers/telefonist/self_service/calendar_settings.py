"""Mina sidor's calendar sync (issue 21): a customer's settings and rules, their status, and whose
calendar is followed.

Administrators only; the tenant is the caller's. Settings are versioned (a stale version is a
409). Following a person's calendar only records it (with the person's Microsoft 365 user): the
renewal function, which alone holds the customers' Graph credentials, subscribes it on its next
run and from then on renews it; stopping marks it, and the webhook ignores its notifications while
its subscription lapses unrenewed. So this API never calls Graph and needs no Graph secret.

Connecting Microsoft 365: an administrator gets the admin-consent link of telefonist's application
(`consent_link`, a single-use state bound to them and their customer, stored hashed for 10 minutes);
Mina sidor posts what Microsoft sent back (`consent_callback`): the directory tenant is recorded when
`admin_consent` is true, otherwise Microsoft's error; either is audited.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Protocol

from pydantic import Field, StringConstraints

from telefonist.calendar_sync.consent import (
    CalendarConnection,
    ConsentApp,
    ConsentGrant,
    consent_url,
    new_grant,
    refusal_text,
    state_digest,
)
from telefonist.calendar_sync.rules import CalendarRules, CalendarSettings
from telefonist.calendar_sync.sync import FollowedCalendar
from telefonist.edge.errors import FieldError, InvalidInputError
from telefonist.edge.identity import Caller
from telefonist.models.base import ApiInput, ApiOutput
from telefonist.models.types import Keyword, NonEmptyStr, UtcDatetime
from telefonist.ports.store import RepositoryError, Versioned
from telefonist.self_service.api_models import Version
from telefonist.self_service.service import SelfService

MAX_KEYWORDS = 30
SHOW_AS = {"out_of_office": "oof", "busy": "busy", "tentative": "tentative"}  # API field → Graph showAs
StateText = NonEmptyStr | None
EntraTenantId = Annotated[
    str, StringConstraints(pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
]
# A Microsoft Entra user: its object id, or its sign-in name (userPrincipalName), as Graph's /users/{id} takes.
EntraUser = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=254,
        pattern=r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[^@\s/]+@[^@\s/]+\.[^@\s/]+)$",
    ),
]


class CalendarState(Protocol):
    """What the settings need of the sync state (DynamoSyncState)."""

    def tenant(self, tenant_id: str) -> tuple[Versioned[CalendarSettings], list[FollowedCalendar]]: ...

    def put_settings(self, tenant_id: str, settings: CalendarSettings, expected_version: int) -> int: ...

    def calendar(self, tenant_id: str, person_id: str) -> FollowedCalendar | None: ...

    def save(self, calendar: FollowedCalendar) -> None: ...

    def connection(self, tenant_id: str) -> CalendarConnection | None: ...

    def put_connection(self, connection: CalendarConnection) -> None: ...

    def put_consent(self, grant: ConsentGrant) -> None: ...

    def consent(self, digest: str) -> ConsentGrant | None: ...

    def use_consent(self, grant: ConsentGrant) -> bool: ...


# ---------------------------------------------------------------------------- API models
class KeywordRule(ApiInput):
    keyword: Keyword = Field(description="A word in the subject (any case)")
    text: NonEmptyStr = Field(description="The referral text it gives")


class CalendarRulesBody(ApiInput):
    out_of_office: StateText = Field(default="Frånvarande", description="Shown as out of office → text; null: none")
    busy: StateText = Field(default="Upptagen", description="Shown as busy → text; null: none")
    tentative: StateText = Field(default="Kanske upptagen", description="Shown as tentative → text; null: none")
    keywords: list[KeywordRule] = Field(
        default_factory=list, max_length=MAX_KEYWORDS, description="First match wins, before the states"
    )
    private_text: NonEmptyStr = Field(default="Upptagen", description="Private events: this text, never the subject")
    all_day: bool = Field(default=True, description="All-day events make a referral for their whole days")


class CalendarSettingsInput(ApiInput):
    enabled: bool
    rules: CalendarRulesBody
    expected_version: int = Version


class FollowedView(ApiOutput):
    person_id: str
    user_id: str = Field(description="The person's Microsoft 365 user (id or sign-in name)")
    following: bool
    subscribed: bool = Field(description="Graph sends its changes (false: waiting for the next renewal run)")
    last_sync: UtcDatetime | None
    last_error: str | None


class CalendarStatusView(ApiOutput):
    connected: bool = Field(description="On, and a followed calendar was read without an error since")
    last_sync: UtcDatetime | None
    last_error: str | None


class Microsoft365View(ApiOutput):
    connected: bool = Field(description="An administrator granted admin consent: the sync may read calendars")
    directory_tenant: str | None = Field(description="The customer's Microsoft Entra tenant id")
    consented_at: UtcDatetime | None
    last_error: str | None = Field(description="What Microsoft returned instead of consent, last time")


class CalendarSettingsView(ApiOutput):
    enabled: bool
    rules: CalendarRulesBody
    version: int
    status: CalendarStatusView
    microsoft365: Microsoft365View
    people: list[FollowedView]


class ConsentLinkView(ApiOutput):
    url: str = Field(description="Microsoft's admin-consent page for telefonist's application; the state is single use")
    expires_at: UtcDatetime


class ConsentCallbackInput(ApiInput):
    """What Microsoft appended to the redirect to Mina sidor, as the page read it."""

    state: str = Field(min_length=20, max_length=100)
    admin_consent: bool = False
    tenant: EntraTenantId | None = Field(default=None, description="The directory tenant that consented")
    error: str | None = Field(default=None, min_length=1, max_length=100)
    error_description: str | None = Field(default=None, max_length=2000)


class FollowInput(ApiInput):
    following: bool
    user_id: EntraUser | None = Field(
        default=None, description="The person's Microsoft 365 user id or sign-in name; left out: their e-mail address"
    )


# ---------------------------------------------------------------------------- mapping
def rules_of(body: CalendarRulesBody) -> CalendarRules:
    show_as = {graph: text for name, graph in SHOW_AS.items() if (text := getattr(body, name)) is not None}
    keywords = {rule.keyword.casefold(): rule.text for rule in body.keywords}
    return CalendarRules(show_as=show_as, keywords=keywords, private_text=body.private_text, all_day=body.all_day)


def body_of(rules: CalendarRules) -> CalendarRulesBody:
    states = {name: rules.show_as.get(graph) for name, graph in SHOW_AS.items()}
    keywords = [KeywordRule(keyword=k, text=t) for k, t in rules.keywords.items()]
    return CalendarRulesBody(**states, keywords=keywords, private_text=rules.private_text, all_day=rules.all_day)


def status_of(enabled: bool, calendars: list[FollowedCalendar]) -> CalendarStatusView:
    followed = [c for c in calendars if c.following]
    syncs = [c.last_sync for c in followed if c.last_sync is not None]
    errors = [c.last_error for c in followed if c.last_error]
    last_sync: datetime | None = max(syncs) if syncs else None
    return CalendarStatusView(
        connected=enabled and last_sync is not None and not errors,
        last_sync=last_sync,
        last_error=errors[0] if errors else None,
    )


def _followed_view(c: FollowedCalendar) -> FollowedView:
    return FollowedView(
        person_id=c.person_id,
        user_id=c.user_id,
        following=c.following,
        subscribed=c.following and c.subscription_id is not None,
        last_sync=c.last_sync,
        last_error=c.last_error,
    )


# ---------------------------------------------------------------------------- use cases
class CalendarSettingsService:
    def __init__(self, service: SelfService, state: CalendarState, app: ConsentApp | None = None) -> None:
        self._service = service
        self._state = state
        self._app = app

    def get(self, caller: Caller) -> CalendarSettingsView:
        tenant_id = SelfService._admin_tenant(caller, "see the calendar sync")
        return self._view(tenant_id)

    def put(self, caller: Caller, body: CalendarSettingsInput) -> CalendarSettingsView:
        tenant_id = SelfService._admin_tenant(caller, "change the calendar sync")
        words = [rule.keyword.casefold() for rule in body.rules.keywords]
        for index, word in enumerate(words):
            if word in words[:index]:
                raise InvalidInputError(
                    [FieldError(f"body.rules.keywords.{index}.keyword", f"{word!r} is listed twice")]
                )
        settings = CalendarSettings(enabled=body.enabled, rules=rules_of(body.rules))
        version = self._state.put_settings(tenant_id, settings, body.expected_version)
        self._service._audit(tenant_id, caller, "calendar_sync.settings", "calendar sync", version)
        return self._view(tenant_id)

    def follow(self, caller: Caller, person_id: str, body: FollowInput) -> FollowedView:
        tenant_id = SelfService._admin_tenant(caller, "choose whose calendar is followed")
        current = self._state.calendar(tenant_id, person_id)
        if body.following:
            person = self._service.get_person(caller, person_id)  # 404 for someone the customer does not have
            user_id = body.user_id or person.email or (current.user_id if current else None)
            if not user_id:
                raise InvalidInputError(
                    [FieldError("body.user_id", "the person has no e-mail address: give their sign-in name")]
                )
            if current is not None and current.following and current.user_id == user_id:
                return _followed_view(current)  # already followed: nothing to change
            # (again) pending: a stopped calendar's subscription may have lapsed, so a new one is made
            current = FollowedCalendar(tenant_id=tenant_id, person_id=person_id, user_id=user_id)
        elif current is None:
            return FollowedView(
                person_id=person_id, user_id="", following=False, subscribed=False, last_sync=None, last_error=None
            )
        else:
            current = replace(current, following=False)
        self._state.save(current)
        action = "calendar_sync.follow" if body.following else "calendar_sync.unfollow"
        self._service._audit(tenant_id, caller, action, f"person {person_id}")
        return _followed_view(current)

    def consent_link(self, caller: Caller) -> ConsentLinkView:
        tenant_id = SelfService._admin_tenant(caller, "connect Microsoft 365")
        if self._app is None:
            raise RepositoryError("telefonist's Microsoft 365 application is not configured")  # 503
        state, grant = new_grant(tenant_id, caller.subject, self._service._clock())
        self._state.put_consent(grant)
        return ConsentLinkView(
            url=consent_url(self._app.client_id, self._app.redirect_uri, state), expires_at=grant.expires_at
        )

    def consent_callback(self, caller: Caller, body: ConsentCallbackInput) -> CalendarSettingsView:
        tenant_id = SelfService._admin_tenant(caller, "connect Microsoft 365")
        if body.error is None and not (body.admin_consent and body.tenant):
            raise InvalidInputError([FieldError("body.tenant", "consent names the directory tenant, or an error")])
        now = self._service._clock()
        grant = self._state.consent(state_digest(body.state))
        if grant is None or grant.expires_at <= now:
            raise InvalidInputError([FieldError("body.state", "unknown or expired: connect again")])
        if grant.tenant_id != tenant_id or grant.admin != caller.subject:
            raise InvalidInputError([FieldError("body.state", "not issued to you: connect again")])
        if grant.used or not self._state.use_consent(grant):
            raise InvalidInputError([FieldError("body.state", "already used: connect again")])
        current = self._state.connection(tenant_id) or CalendarConnection(tenant_id)
        if body.error is None and body.tenant:
            connection = CalendarConnection(tenant_id, directory_tenant=body.tenant.lower(), consented_at=now)
            action, detail = "calendar_sync.connect", f"directory {connection.directory_tenant}"
        else:
            error = str(body.error)
            connection = replace(current, last_error=refusal_text(error, body.error_description))
            action, detail = "calendar_sync.connect_refused", error[:100]
        self._state.put_connection(connection)
        self._service._audit(tenant_id, caller, action, "Microsoft 365", detail=detail)
        return self._view(tenant_id)

    def _view(self, tenant_id: str) -> CalendarSettingsView:
        settings, calendars = self._state.tenant(tenant_id)
        connection = self._state.connection(tenant_id) or CalendarConnection(tenant_id)
        return CalendarSettingsView(
            enabled=settings.model.enabled,
            rules=body_of(settings.model.rules),
            version=settings.version,
            status=status_of(settings.model.enabled, calendars),
            microsoft365=Microsoft365View(
                connected=connection.directory_tenant is not None,
                directory_tenant=connection.directory_tenant,
                consented_at=connection.consented_at,
                last_error=connection.last_error,
            ),
            people=[_followed_view(c) for c in sorted(calendars, key=lambda c: c.person_id)],
        )
