"""The employee's sign-in to their own status page: a single-use link by SMS, then a session.

- A link is asked for with a mobile number. If it is exactly one person's registered mobile, an
  SMS with a link goes to that number (and only there); the answer is the same either way, so the
  page tells no one whose number is registered.
- The link's token is random (256 bits), short-lived (`LINK_MINUTES`), bound to the person, and
  stored only as its SHA-256 digest; exchanging it deletes it (single use).
- The session is another random token, stored hashed, bound to the tenant and the person, valid
  `SESSION_HOURS`. It can read and change that person's own status and nothing else: the routes
  take tenant and person from the session, never from the request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from telefonist.clock import utc_now
from telefonist.edge.errors import AuthenticationError
from telefonist.notify.ports import SmsSender
from telefonist.referral_automation.service import Employee, MobileDirectory

LINK_MINUTES = 15
LINKS_PER_WINDOW = 3  # sign-in links one number may get per LINK_MINUTES (each is an SMS we pay for)
SESSION_HOURS = 12
TOKEN_BYTES = 32


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Grant:
    """What a link or a session stands for: one person of one tenant, until a moment."""

    tenant_id: str
    person_id: str
    expires_at: datetime


class AccessStore(Protocol):
    def put_grant(self, kind: str, token_digest: str, grant: Grant) -> None: ...

    def take_grant(self, kind: str, token_digest: str) -> Grant | None:
        """The grant, deleted in the same step (single use); None if there is none."""
        ...

    def get_grant(self, kind: str, token_digest: str) -> Grant | None: ...

    def take_quota(self, key: str, limit: int, window_ends: datetime) -> bool:
        """Count one use of `key` in the window ending `window_ends`; False once `limit` were counted."""
        ...


@dataclass(frozen=True)
class Session:
    token: str
    expires_at: datetime
    employee: Employee


LINK_TEXT = "Din länk till din status (gäller {minutes} min, en gång): {url}"


class EmployeeSignIn:
    def __init__(
        self,
        people: MobileDirectory,
        store: AccessStore,
        sms: SmsSender,
        page_url: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._people = people
        self._store = store
        self._sms = sms
        self._page_url = page_url
        self._clock = clock

    def request_link(self, mobile: str) -> bool:
        """Text a sign-in link to `mobile` if it is exactly one person's; True if one was sent (not for the client)."""
        from telefonist.models.types import normalize_phone_number

        try:
            number = normalize_phone_number(mobile)
        except ValueError:
            return False
        matches = self._people.people_with_mobile(number)
        if len(matches) != 1:
            return False
        tenant_id, person = matches[0]
        now = self._clock()
        window = timedelta(minutes=LINK_MINUTES)
        seconds = int(window.total_seconds())
        window_ends = datetime.fromtimestamp((int(now.timestamp()) // seconds + 1) * seconds, UTC)
        quota_key = f"links#{digest(number)}#{int(window_ends.timestamp())}"
        if not self._store.take_quota(quota_key, LINKS_PER_WINDOW, window_ends):
            return False  # the same answer to the client: it learns nothing, the number gets no more texts
        token = secrets.token_urlsafe(TOKEN_BYTES)
        expires = now + window
        self._store.put_grant("link", digest(token), Grant(tenant_id, person.person_id, expires))
        # The token in the fragment: never sent to a server, so never in an access log or a Referer.
        self._sms.send_sms(number, LINK_TEXT.format(minutes=LINK_MINUTES, url=f"{self._page_url}#t={token}"))
        return True

    def exchange(self, link_token: str) -> Session:
        """A session for a link's token, which is used up; AuthenticationError if unknown, used or expired."""
        grant = self._store.take_grant("link", digest(link_token))
        now = self._clock()
        if grant is None or grant.expires_at <= now:
            raise AuthenticationError("the link is unknown, used or expired: ask for a new one")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        session = Grant(grant.tenant_id, grant.person_id, now + timedelta(hours=SESSION_HOURS))
        self._store.put_grant("session", digest(token), session)
        return Session(token, session.expires_at, Employee(grant.tenant_id, grant.person_id, "page"))

    def employee(self, authorization: str | None) -> Employee:
        """The employee a session token (`Bearer <token>`) stands for; AuthenticationError otherwise."""
        token = (authorization or "").removeprefix("Bearer ").strip()
        grant = self._store.get_grant("session", digest(token)) if token else None
        if grant is None or grant.expires_at <= self._clock():
            raise AuthenticationError("no valid session: sign in with a link sent to your mobile")
        return Employee(grant.tenant_id, grant.person_id, "page")

    def sign_out(self, authorization: str | None) -> None:
        token = (authorization or "").removeprefix("Bearer ").strip()
        if token:
            self._store.take_grant("session", digest(token))
