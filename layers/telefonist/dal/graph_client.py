"""Microsoft Graph over HTTPS (urllib): the calls of the calendar sync, with an app-only token.

The token comes from `token` (client credentials of the customer's admin-consented application,
whose secret is in Secrets Manager); errors become `GraphError` naming the status only, never
a body (it may hold event subjects). Times are asked in UTC (`Prefer: outlook.timezone`).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

GRAPH_BASE = "https://graph.microsoft.com/v1.0"
TIMEOUT_SECONDS = 10


class GraphError(RuntimeError):
    """Graph refused or failed a call (the status only)."""


class UrllibGraphApi:
    def __init__(self, token: Callable[[], str], base_url: str = GRAPH_BASE) -> None:
        self._token = token
        self._base = base_url.rstrip("/")

    def _call(self, method: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        target = url if url.startswith(("https://", "http://")) else self._base + url
        if not target.startswith(self._base):
            raise GraphError("a link outside the Graph endpoint was refused")
        request = urllib.request.Request(  # noqa: S310 - https (a loopback fake in tests), checked above
            target,
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={
                "Authorization": f"Bearer {self._token()}",
                "Content-Type": "application/json",
                "Prefer": 'outlook.timezone="UTC"',
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                text = response.read()
        except urllib.error.HTTPError as exc:
            raise GraphError(f"Graph answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError) as exc:
            raise GraphError(f"Graph unreachable ({type(exc).__name__})") from exc
        return dict(json.loads(text)) if text else {}

    def get(self, url: str) -> dict[str, Any]:
        return self._call("GET", url)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", path, body)

    def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("PATCH", path, body)


LOGIN_BASE = "https://login.microsoftonline.com"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
EARLY_RENEWAL_SECONDS = 120


@dataclass(frozen=True)
class GraphCredentials:
    """A customer's admin-consented application: its Entra tenant, client id and secret (Secrets Manager)."""

    directory_tenant: str
    client_id: str
    client_secret: str


class ClientCredentialsToken:
    """An app-only Graph token by the client-credentials grant, kept until shortly before it expires."""

    def __init__(
        self,
        credentials: Callable[[], GraphCredentials],
        login_base: str = LOGIN_BASE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._credentials = credentials
        self._login = login_base.rstrip("/")
        self._clock = clock
        self._token: tuple[str, float] | None = None

    def __call__(self) -> str:
        if self._token is not None and self._clock() < self._token[1]:
            return self._token[0]
        credentials = self._credentials()
        form = urllib.parse.urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": credentials.client_id,
                "client_secret": credentials.client_secret,
                "scope": GRAPH_SCOPE,
            }
        ).encode()
        url = f"{self._login}/{urllib.parse.quote(credentials.directory_tenant)}/oauth2/v2.0/token"
        request = urllib.request.Request(url, data=form, method="POST")  # noqa: S310 - the login endpoint
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise GraphError(f"the token endpoint answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError) as exc:
            raise GraphError(f"the token endpoint is unreachable ({type(exc).__name__})") from exc
        lifetime = max(int(answer.get("expires_in", 0)) - EARLY_RENEWAL_SECONDS, 0)
        self._token = (str(answer["access_token"]), self._clock() + lifetime)
        return self._token[0]
