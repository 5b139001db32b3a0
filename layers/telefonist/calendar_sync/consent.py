"""Connecting a customer's Microsoft 365 (issue 21): admin consent for telefonist's own multi-tenant
Entra application, pure.

An administrator on Mina sidor gets the admin-consent URL with a random single-use `state` (only its
SHA-256 is stored, bound to their customer and to them, for `CONSENT_TTL`). Microsoft redirects back to
Mina sidor with `admin_consent=True&tenant=<directory tenant>` or `error=...`; the callback checks the
state and records the customer's directory tenant (`CalendarConnection`), with which the sync then gets
app-only tokens by the one shared application's credentials.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

ADMIN_CONSENT_URL = "https://login.microsoftonline.com/organizations/v2.0/adminconsent"
GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"  # the application permissions configured (Calendars.Read)
CONSENT_TTL = timedelta(minutes=10)
MAX_ERROR_LENGTH = 300
MINA_SIDOR_PATH = "/mina-sidor/"  # the redirect URI: Mina sidor reads Microsoft's answer from its query


@dataclass(frozen=True)
class ConsentApp:
    """telefonist's Entra application as the consent link names it: its client id (public) and where
    Microsoft sends the administrator back (Mina sidor, registered as the app's redirect URI)."""

    client_id: str
    redirect_uri: str


@dataclass(frozen=True)
class ConsentGrant:
    """A consent link handed out: the SHA-256 of its state, whose customer and administrator, until when."""

    state_digest: str
    tenant_id: str
    admin: str
    expires_at: datetime
    used: bool = False


@dataclass(frozen=True)
class CalendarConnection:
    """A customer's Microsoft 365: its directory (Entra) tenant once consented, or the last refusal."""

    tenant_id: str
    directory_tenant: str | None = None
    consented_at: datetime | None = None
    last_error: str | None = None


def state_digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def new_grant(tenant_id: str, admin: str, now: datetime) -> tuple[str, ConsentGrant]:
    """A fresh random state (for the URL only) and the grant to store (its digest)."""
    state = secrets.token_urlsafe(32)
    return state, ConsentGrant(state_digest(state), tenant_id, admin, now + CONSENT_TTL)


def consent_url(client_id: str, redirect_uri: str, state: str) -> str:
    query = urlencode(
        {"client_id": client_id, "scope": GRAPH_DEFAULT_SCOPE, "redirect_uri": redirect_uri, "state": state}
    )
    return f"{ADMIN_CONSENT_URL}?{query}"


def refusal_text(error: str, description: str | None) -> str:
    """What Microsoft returned instead of consent, as shown to the administrator (bounded)."""
    text = f"{error}: {description}" if description else error
    return text[:MAX_ERROR_LENGTH]
