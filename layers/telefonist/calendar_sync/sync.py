"""Calendar sync use cases: follow a person's calendar, the webhook, the delta catch-up, renewal.

- `subscribe` creates a Graph change-notification subscription on the person's events with a
  random `clientState` (kept only as its SHA-256) and runs the first delta round.
- `notified` takes a webhook body: a notification whose `clientState` does not match its
  subscription's is ignored (and counted); for the others the person's calendar is caught up by
  the delta link of the last round (one round trip per page), so a missed notification is
  repaired by the next one and nothing depends on a notification's own content.
- `renew_due` extends every subscription that lapses within `RENEW_AHEAD` (run on a schedule).

Events become referrals by the customer's `CalendarRules`, written through the self-service write
path as the person (`calendar:<person>` in the audit trail). A referral set by hand wins: while one
covers the event's start, the calendar's referral starts only when it ends (or not at all).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from telefonist.calendar_sync.rules import CALENDAR_PREFIX, CalendarRules, referral_for_event, referral_id_of
from telefonist.clock import utc_now
from telefonist.models.directory import Referral
from telefonist.ports.store import NotFoundError

if TYPE_CHECKING:  # imported where used: a subscription's validation handshake needs none of it (~0.03 s)
    from telefonist.referral_automation.service import Employee
    from telefonist.self_service.service import SelfService

SUBSCRIPTION_LIFETIME = timedelta(days=2)
RENEW_AHEAD = timedelta(hours=12)
WINDOW_BEFORE = timedelta(days=1)
WINDOW_AFTER = timedelta(days=60)
MAX_PAGES = 100


class GraphApi(Protocol):
    """The few Microsoft Graph calls the sync makes (paths relative to /v1.0, or a full next/delta link)."""

    def get(self, url: str) -> dict[str, Any]: ...

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]: ...

    def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]: ...


@dataclass(frozen=True)
class FollowedCalendar:
    """A person whose calendar is followed, and where its sync stands."""

    tenant_id: str
    person_id: str
    user_id: str  # the person's Microsoft Entra user id
    client_state_digest: str = ""
    subscription_id: str | None = None
    subscription_expires: datetime | None = None
    delta_link: str | None = None
    last_sync: datetime | None = None
    last_error: str | None = None
    following: bool = True  # False: an administrator stopped it; its subscription is left to lapse

    @property
    def pending(self) -> bool:
        """Followed, but without a subscription yet: the renewal function subscribes it."""
        return self.following and self.subscription_id is None


class SyncState(Protocol):
    def save(self, calendar: FollowedCalendar) -> None: ...

    def by_subscription(self, subscription_id: str) -> FollowedCalendar | None: ...

    def all(self) -> list[FollowedCalendar]: ...


@dataclass
class InMemorySyncState:
    """The sync state in memory (tests and `telefonist serve`)."""

    calendars: dict[tuple[str, str], FollowedCalendar] = field(default_factory=dict)

    def save(self, calendar: FollowedCalendar) -> None:
        self.calendars[(calendar.tenant_id, calendar.person_id)] = calendar

    def by_subscription(self, subscription_id: str) -> FollowedCalendar | None:
        return next((c for c in self.calendars.values() if c.subscription_id == subscription_id), None)

    def all(self) -> list[FollowedCalendar]:
        return list(self.calendars.values())


def _digest(client_state: str) -> str:
    return hashlib.sha256(client_state.encode()).hexdigest()


def _graph_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class CalendarSync:
    """The sync's use cases; `graph(tenant_id)` is Graph as that customer's admin-consented application."""

    def __init__(
        self,
        graph: Callable[[str], GraphApi],
        state: SyncState,
        self_service: Callable[[], SelfService],
        rules: Callable[[str], CalendarRules | None],
        notification_url: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._graph = graph
        self._state = state
        self._service = self_service
        self._rules = rules
        self._notification_url = notification_url
        self._clock = clock

    # ------------------------------------------------------------------ following a calendar
    def subscribe(self, tenant_id: str, person_id: str, user_id: str) -> FollowedCalendar:
        client_state = secrets.token_urlsafe(32)
        expires = self._clock() + SUBSCRIPTION_LIFETIME
        subscription = self._graph(tenant_id).post(
            "/subscriptions",
            {
                "changeType": "created,updated,deleted",
                "notificationUrl": self._notification_url,
                "resource": f"/users/{quote(user_id)}/events",
                "expirationDateTime": _graph_time(expires),
                "clientState": client_state,
            },
        )
        calendar = FollowedCalendar(
            tenant_id=tenant_id,
            person_id=person_id,
            user_id=user_id,
            client_state_digest=_digest(client_state),
            subscription_id=str(subscription["id"]),
            subscription_expires=expires,
        )
        self._state.save(calendar)
        return self.catch_up(calendar)

    def _start(self, calendar: FollowedCalendar) -> str | None:
        """A pending calendar subscribed; a failure is kept as its last error (retried next run)."""
        try:
            started = self.subscribe(calendar.tenant_id, calendar.person_id, calendar.user_id)
        except RuntimeError as exc:  # the Graph client's GraphError: its status only, no content
            self._state.save(replace(calendar, last_error=str(exc)[:300]))
            return None
        return started.subscription_id

    # ------------------------------------------------------------------ the webhook
    def notified(self, body: dict[str, Any]) -> tuple[int, int]:
        """Catch up each calendar a notification names; (caught up, refused for a wrong clientState)."""
        caught_up: set[str] = set()
        refused = 0
        for notification in body.get("value") or []:
            subscription_id = str(notification.get("subscriptionId") or "")
            calendar = self._state.by_subscription(subscription_id) if subscription_id else None
            given = str(notification.get("clientState") or "")
            if calendar is None or not hmac.compare_digest(_digest(given), calendar.client_state_digest):
                refused += 1
                continue
            if not calendar.following:
                continue  # stopped by an administrator: its subscription lapses unrenewed
            if subscription_id not in caught_up:
                caught_up.add(subscription_id)
                self.catch_up(calendar)
        return len(caught_up), refused

    # ------------------------------------------------------------------ delta catch-up
    def catch_up(self, calendar: FollowedCalendar) -> FollowedCalendar:
        """One delta round: every page of changes since the last round, applied; the next round's link kept."""
        now = self._clock()
        url = calendar.delta_link or (
            f"/users/{quote(calendar.user_id)}/calendarView/delta"
            f"?startDateTime={_graph_time(now - WINDOW_BEFORE)}&endDateTime={_graph_time(now + WINDOW_AFTER)}"
        )
        # Here, not at import: the self-service function reads FollowedCalendar from this module and
        # needs none of referral automation's SMS commands (~0.008 s CPU of its cold start).
        from telefonist.referral_automation.service import Employee

        employee = Employee(calendar.tenant_id, calendar.person_id, "calendar")
        rules = self._rules(calendar.tenant_id)
        if rules is None:  # the customer turned calendar sync off: nothing is read or changed
            return calendar
        for _ in range(MAX_PAGES):
            page = self._graph(calendar.tenant_id).get(url)
            for event in page.get("value") or []:
                self._apply(employee, event, rules)
            if "@odata.nextLink" in page:
                url = str(page["@odata.nextLink"])
                continue
            updated = replace(
                calendar, delta_link=str(page.get("@odata.deltaLink") or url), last_sync=now, last_error=None
            )
            self._state.save(updated)
            return updated
        failed = replace(calendar, last_error=f"more than {MAX_PAGES} pages in one round")
        self._state.save(failed)
        return failed

    def _apply(self, employee: Employee, event: dict[str, Any], rules: CalendarRules) -> None:
        referral_id = referral_id_of(str(event["id"]))
        referral = None if "@removed" in event else referral_for_event(event, employee.person_id, rules)
        service = self._service()
        if referral is not None:
            referral = self._after_hand_set(service, employee, referral)
        if referral is None:
            with contextlib.suppress(NotFoundError):
                service.clear_referral(employee.caller(), employee.person_id, referral_id)
            return
        from telefonist.self_service.api_models import ReferralInput

        body = ReferralInput(text=referral.text, valid_from=referral.valid_from, valid_until=referral.valid_until)
        service.set_referral(employee.caller(), employee.person_id, referral_id, body)

    @staticmethod
    def _after_hand_set(service: SelfService, employee: Employee, referral: Referral) -> Referral | None:
        """A referral set by hand wins until it ends: the calendar's starts after it, or not at all."""
        person = service.get_person(employee.caller(), employee.person_id)
        start = referral.valid_from
        for own in person.referrals:
            if own.referral_id.startswith(CALENDAR_PREFIX) or not (own.valid_from <= start):
                continue
            if own.valid_until is None or (referral.valid_until and own.valid_until >= referral.valid_until):
                return None
            if own.valid_until > start:
                start = own.valid_until
        return referral if start == referral.valid_from else referral.model_copy(update={"valid_from": start})

    # ------------------------------------------------------------------ renewal (scheduled)
    def renew_due(self) -> list[str]:
        """Subscribe calendars an administrator started following (if the customer's sync is on), and
        extend every subscription that lapses within RENEW_AHEAD; the subscription ids made or renewed."""
        now = self._clock()
        renewed = []
        for calendar in self._state.all():
            if calendar.pending:
                started = self._start(calendar) if self._rules(calendar.tenant_id) is not None else None
                if started:
                    renewed.append(started)
                continue
            if not calendar.following or calendar.subscription_id is None or calendar.subscription_expires is None:
                continue
            if calendar.subscription_expires - now > RENEW_AHEAD:
                continue
            expires = now + SUBSCRIPTION_LIFETIME
            self._graph(calendar.tenant_id).patch(
                f"/subscriptions/{quote(calendar.subscription_id)}", {"expirationDateTime": _graph_time(expires)}
            )
            self._state.save(replace(calendar, subscription_expires=expires))
            renewed.append(calendar.subscription_id)
        return renewed
