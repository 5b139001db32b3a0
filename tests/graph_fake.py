"""A local fake of the Microsoft Graph endpoints the calendar sync uses, on 127.0.0.1.

`/v1.0/users/{id}/calendarView/delta` (first round, `$skiptoken` pages of two, `$deltatoken`
rounds with the changes since), `POST /v1.0/subscriptions` and `PATCH /v1.0/subscriptions/{id}`; the token endpoint
`/{directory tenant}/oauth2/v2.0/token` issues app-only tokens to the one application (`credentials`)
only in the directory tenants that consented to it (`consented`).
Events are kept per user; every change gets a sequence number, so a delta round returns each
event changed since its token once, in its latest state, or `@removed`.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

PAGE_SIZE = 2


class FakeGraph:
    def __init__(self) -> None:
        self.url = ""
        self.events: dict[str, dict[str, dict[str, Any]]] = {}
        self.changed: dict[str, dict[str, int]] = {}  # user → event id → sequence of its last change
        self.sequence = 0
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.credentials: tuple[str, str] | None = None  # (client id, secret) the token endpoint accepts
        self.consented: set[str] = set()  # directory tenants whose administrator consented to that application
        self.issued: set[str] = set()  # once a token was issued, only issued tokens are accepted

    # ------------------------------------------------------------------ what a person does in Outlook
    def put_event(self, user: str, event: dict[str, Any]) -> None:
        with self.lock:
            self.sequence += 1
            self.events.setdefault(user, {})[event["id"]] = event
            self.changed.setdefault(user, {})[event["id"]] = self.sequence

    def delete_event(self, user: str, event_id: str) -> None:
        with self.lock:
            self.sequence += 1
            self.events[user].pop(event_id)
            self.changed[user][event_id] = self.sequence

    def notification(self, user: str, event_id: str, change: str = "updated", client_state: str | None = None) -> dict:
        """The webhook body Graph would post for a change of `user`'s event."""
        [subscription] = [s for s in self.subscriptions.values() if s["resource"] == f"/users/{user}/events"]
        return {
            "value": [
                {
                    "subscriptionId": subscription["id"],
                    "clientState": subscription["clientState"] if client_state is None else client_state,
                    "changeType": change,
                    "resource": f"Users/{user}/Events/{event_id}",
                    "resourceData": {"@odata.type": "#Microsoft.Graph.Event", "id": event_id},
                    "subscriptionExpirationDateTime": subscription["expirationDateTime"],
                    "tenantId": "00000000-0000-0000-0000-000000000000",
                }
            ]
        }

    # ------------------------------------------------------------------ the endpoints
    def delta(self, user: str, query: dict[str, list[str]]) -> dict[str, Any]:
        with self.lock:
            if "$deltatoken" in query:
                since = int(query["$deltatoken"][0])
                ids = [i for i, seq in self.changed.get(user, {}).items() if seq > since]
            elif "$skiptoken" in query:
                since = -1
                ids = []
            else:
                ids = list(self.events.get(user, {}))
            rows = [
                self.events[user][i] if i in self.events.get(user, {}) else {"id": i, "@removed": {"reason": "deleted"}}
                for i in ids
            ]
            token = self.sequence
        if "$skiptoken" in query:
            offset, token_text, *rest = query["$skiptoken"][0].split(":", 2)
            rows = json.loads(bytes.fromhex(rest[0]).decode()) if rest else []
            token = int(token_text)
            start = int(offset)
        else:
            start = 0
        page, remaining = rows[start : start + PAGE_SIZE], rows[start + PAGE_SIZE :]
        link = f"{self.url}/v1.0/users/{user}/calendarView/delta"
        answer: dict[str, Any] = {"value": page}
        if remaining:
            carried = json.dumps(rows).encode().hex()
            answer["@odata.nextLink"] = f"{link}?$skiptoken={start + PAGE_SIZE}:{token}:{carried}"
        else:
            answer["@odata.deltaLink"] = f"{link}?$deltatoken={token}"
        return answer


@contextmanager
def fake_graph() -> Iterator[FakeGraph]:
    graph = FakeGraph()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def _answer(self, status: int, body: dict[str, Any] | None = None) -> None:
            payload = json.dumps(body or {}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            return dict(json.loads(self.rfile.read(length) or b"{}"))

        def _authorised(self) -> bool:
            graph.requests.append((self.command, self.path))
            token = str(self.headers.get("Authorization", "")).removeprefix("Bearer ")
            if not str(self.headers.get("Authorization", "")).startswith("Bearer ") or (
                graph.issued and token not in graph.issued
            ):
                self._answer(401, {"error": {"code": "InvalidAuthenticationToken"}})
                return False
            return True

        def do_GET(self) -> None:
            if not self._authorised():
                return
            url = urlparse(self.path)
            parts = url.path.strip("/").split("/")
            if parts[:2] == ["v1.0", "users"] and parts[3:] == ["calendarView", "delta"]:
                self._answer(200, graph.delta(parts[2], parse_qs(url.query)))
            else:
                self._answer(404, {"error": {"code": "ResourceNotFound"}})

        def do_POST(self) -> None:
            if urlparse(self.path).path.endswith("/oauth2/v2.0/token"):  # the client-credentials grant
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if graph.credentials != (form.get("client_id"), form.get("client_secret")):
                    self._answer(401, {"error": "invalid_client"})
                    return
                directory_tenant = urlparse(self.path).path.strip("/").split("/")[0]
                if directory_tenant not in graph.consented:  # the app has no service principal there
                    self._answer(400, {"error": "invalid_client", "error_codes": [7000229]})
                    return
                token = uuid.uuid4().hex
                graph.issued.add(token)
                self._answer(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})
                return
            if not self._authorised():
                return
            if urlparse(self.path).path == "/v1.0/subscriptions":
                subscription = {**self._body(), "id": str(uuid.uuid4())}
                graph.subscriptions[subscription["id"]] = subscription
                self._answer(201, subscription)
            else:
                self._answer(404, {"error": {"code": "ResourceNotFound"}})

        def do_PATCH(self) -> None:
            if not self._authorised():
                return
            parts = urlparse(self.path).path.strip("/").split("/")
            if parts[:2] == ["v1.0", "subscriptions"] and parts[2] in graph.subscriptions:
                graph.subscriptions[parts[2]].update(self._body())
                self._answer(200, graph.subscriptions[parts[2]])
            else:
                self._answer(404, {"error": {"code": "ResourceNotFound"}})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    graph.url = f"http://127.0.0.1:{server.server_port}"
    # A short poll: shutdown() waits for the loop's next one (0.5 s by default, half a second a test).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield graph
    finally:
        server.shutdown()
        server.server_close()
