"""LOCAL ONLY: the built web pages beside the local API, and the simulated workspace's calls.

`telefonist serve` wraps its API application with `with_pages`:

- `/operator/` is the operator workspace (`web/dist/operator.html`), `/assets/...` its files;
- `/operator/config.json` tells the page it runs in the local host: the fake Amazon Connect
  adapter, the API on the same origin, the operator's development token and the demo numbers;
- `/mina-sidor/` is the customers' self-service site (`web/dist/mina-sidor.html`);
  `/mina-sidor/config.json` offers the development identities of `telefonist serve` (customer
  administrator, read-only user, finance) to sign in with instead of Cognito;
- `POST /local/calls` places a simulated call: the real inbound flow JSON runs in the flow
  simulator and invokes `functions/contact_flow`, and the contact attributes come back as
  Amazon Connect would hand them to the page;
- `POST /local/transfers` runs the real transfer flow ("Koppla vidare") for a contact whose
  target the transfer route set, with the person answering or not: a caller nobody answered
  comes back to the operators' queue as a new contact, with the flow's attributes.

In AWS the pages are static files behind CloudFront and the contact comes from Connect; nothing
here is deployed. Everything else goes to the wrapped API application.
"""

from __future__ import annotations

import json
import mimetypes
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any, Final
from wsgiref.simple_server import WSGIServer

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def built_pages() -> Path:
    """The built pages: the repository's web/dist, or the folder TELEFONIST_WEB_DIST names (a build
    made elsewhere, `vite build --outDir ...`)."""
    return Path(os.environ.get("TELEFONIST_WEB_DIST") or Path(__file__).resolve().parents[1] / "web" / "dist")


WEB_DIST: Final = built_pages()
OPERATOR_PREFIX: Final = "/operator/"
MINA_SIDOR_PREFIX: Final = "/mina-sidor/"
STATUS_PREFIX: Final = "/status/"  # the employee's own status page (issue 21)
CLOCK_PATH: Final = "/local/clock"  # LOCAL ONLY: the API's simulated time (browser tests)
# The development identities Mina sidor offers locally (keys of `telefonist serve`'s demo tokens).
MINA_SIDOR_IDENTITIES: Final = (
    ("admin", "customer administrator"),
    ("reader", "customer user (read-only)"),
    ("finance", "finance"),
)
ASSETS_PREFIX: Final = "/assets/"
CALLS_PATH: Final = "/local/calls"
TRANSFERS_PATH: Final = "/local/transfers"
MAX_CALL_BODY: Final = 4096
# The pages' own policy: no inline script, nothing from another origin (the local API is this one).
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


class LocalServer(ThreadingMixIn, WSGIServer):
    """The local HTTP server: one thread per connection, one request in the application at a time.

    A one-thread server blocks on a connection the browser opened but has not used yet (Chromium
    opens spare ones), and every other request waits seconds for it. Connections get threads here;
    `LocalWebApp` still lets one request at a time into the functions, written for Lambda's one.
    """

    daemon_threads = True


@dataclass(frozen=True)
class SimulatedCall:
    """What the simulated workspace hands the page: the contact as Connect would."""

    contact_id: str
    dialed_number: str
    caller_number: str
    reached_operator: bool
    attributes: dict[str, str]
    messages: list[str]


@dataclass(frozen=True)
class SimulatedTransfer:
    """What the transfer flow did with a contact: connected it, or queued it back to the operators."""

    contact_id: str
    outcome: str
    returned: SimulatedCall | None  # the contact back in the operators' queue, as Connect hands it over
    operator_heard: list[str]


def place_call(dialed_number: str, caller_number: str) -> SimulatedCall:
    """A caller dials a number: the inbound flow and `functions/contact_flow` run as in Connect."""
    from functions.contact_flow import handler as contact_flow
    from telefonist_local.connect.flow_simulator import SimulatedContact, inbound_simulator
    from telefonist_local.local_aws import LocalLambdaContext

    context = LocalLambdaContext(function_name="contact-flow")
    simulator = inbound_simulator(lambda _arn, event: contact_flow.lambda_handler(event, context))
    contact_id = str(uuid.uuid4())
    result = simulator.run(
        SimulatedContact(dialed_number=dialed_number, caller_number=caller_number, contact_id=contact_id)
    )
    return SimulatedCall(
        contact_id=contact_id,
        dialed_number=dialed_number,
        caller_number=caller_number,
        reached_operator=result.queued_to is not None,
        attributes=result.attributes,
        messages=result.messages,
    )


class LocalWebApp:
    """The pages, their local configuration and the simulated calls in front of an API application."""

    def __init__(
        self,
        api: WsgiApp,
        *,
        operator_authorization: str,
        numbers: Sequence[str],
        dist: Path = WEB_DIST,
        call: Callable[[str, str], SimulatedCall] = place_call,
        transfer: Callable[[str, str], SimulatedTransfer] | None = None,
        tenant_id: str | None = None,
        identities: Mapping[str, str] | None = None,
    ) -> None:
        self._api = api
        if identities is None:  # `telefonist serve`'s demo tokens of the demo customer
            from telefonist_local.cli.serve import demo_tokens
            from telefonist_local.sample_data import DEMO_TENANT_ID

            tenant_id = tenant_id or DEMO_TENANT_ID
            identities = demo_tokens(tenant_id)
        self._tenant_id = tenant_id
        self._identities = dict(identities)
        self._authorization = operator_authorization
        self._numbers = list(numbers)
        self._dist = dist
        self._call = call
        self._transfer = transfer
        self._lock = threading.Lock()  # one request at a time in the API and the simulated calls
        self._clock_offset: timedelta | None = None  # PUT /local/clock: the API's simulated time

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if path == "/operator":
            return _respond(
                start_response, HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", [("Location", "/operator/")]
            )
        if path == OPERATOR_PREFIX + "config.json" and method == "GET":
            return _json(start_response, HTTPStatus.OK, self.config())
        if path == OPERATOR_PREFIX and method == "GET":
            return self._file(start_response, self._dist / "operator.html")
        if path.startswith(ASSETS_PREFIX) and method == "GET":
            return self._file(start_response, self._dist / "assets" / path[len(ASSETS_PREFIX) :])
        if path == "/mina-sidor":
            return _respond(
                start_response, HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", [("Location", MINA_SIDOR_PREFIX)]
            )
        if path == MINA_SIDOR_PREFIX + "config.json" and method == "GET":
            return _json(start_response, HTTPStatus.OK, self.mina_sidor_config())
        if path == MINA_SIDOR_PREFIX and method == "GET":
            return self._file(start_response, self._dist / "mina-sidor.html")
        if path == "/status":
            return _respond(
                start_response, HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", [("Location", STATUS_PREFIX)]
            )
        if path == STATUS_PREFIX + "config.json" and method == "GET":
            return _json(start_response, HTTPStatus.OK, {"host": "local", "api_url": ""})
        if path == STATUS_PREFIX and method == "GET":
            return self._file(start_response, self._dist / "status.html")
        if path == CLOCK_PATH and method == "PUT":
            return self._set_clock(environ, start_response)
        if path == CALLS_PATH and method == "POST":
            return self._place_call(environ, start_response)
        if path == TRANSFERS_PATH and method == "POST" and self._transfer is not None:
            return self._run_transfer(environ, start_response)
        with self._lock:
            if self._clock_offset is None:
                return self._api(environ, start_response)
            from telefonist.clock import simulated_time

            with simulated_time(datetime.now(UTC) + self._clock_offset):
                return self._api(environ, start_response)

    def _set_clock(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Run the API at a simulated time from now on (`{"at": ISO-8601}`), or in real time again (`{"at": null}`)."""
        from telefonist.clock import parse_utc

        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_CALL_BODY)
        try:
            at = json.loads(environ["wsgi.input"].read(length) or b"{}").get("at")
            self._clock_offset = None if at is None else parse_utc(str(at)) - datetime.now(UTC)
        except (ValueError, AttributeError):
            message = {"message": "at: an ISO-8601 time with a zone, or null"}
            return _json(start_response, HTTPStatus.BAD_REQUEST, message)
        return _json(start_response, HTTPStatus.OK, {"simulated": at})

    def config(self) -> dict[str, Any]:
        return {
            "host": "local",
            "api_url": "",
            "authorization": self._authorization,
            "calls_url": CALLS_PATH,
            "numbers": self._numbers,
        }

    def mina_sidor_config(self) -> dict[str, Any]:
        """Mina sidor in the local host: sign in by picking a development identity (no Cognito)."""
        return {
            "host": "local",
            "api_url": "",
            "tenant_id": self._tenant_id,
            "identities": [
                {"role": role, "authorization": self._identities[key]}
                for role, key in MINA_SIDOR_IDENTITIES
                if key in self._identities
            ],
        }

    def _file(self, start_response: Callable[..., Any], path: Path) -> Iterable[bytes]:
        root = self._dist.resolve()
        target = path.resolve()
        if not target.is_relative_to(root):
            return _json(start_response, HTTPStatus.NOT_FOUND, {"message": "not found"})
        if not target.is_file():
            if not root.is_dir():
                detail = f"{root} is missing: build the pages with `make web`"
                return _json(start_response, HTTPStatus.SERVICE_UNAVAILABLE, {"message": detail})
            return _json(start_response, HTTPStatus.NOT_FOUND, {"message": "not found"})
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        # Hashed asset names may be cached; the page itself never is (it names the current assets).
        cache = "public, max-age=31536000, immutable" if target.parent.name == "assets" else "no-store"
        return _respond(start_response, HTTPStatus.OK, target.read_bytes(), content_type, [("Cache-Control", cache)])

    def _place_call(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_CALL_BODY:
            return _json(start_response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"message": "body too large"})
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            dialed, caller = str(body["dialed_number"]).strip(), str(body.get("caller_number") or "").strip()
        except (ValueError, KeyError, TypeError):
            return _json(start_response, HTTPStatus.BAD_REQUEST, {"message": "dialed_number is required"})
        if not dialed:
            return _json(start_response, HTTPStatus.BAD_REQUEST, {"message": "dialed_number is required"})
        with self._lock:
            call = self._call(dialed, caller)
        return _json(
            start_response,
            HTTPStatus.OK,
            {
                "contact_id": call.contact_id,
                "dialed_number": call.dialed_number,
                "caller_number": call.caller_number,
                "reached_operator": call.reached_operator,
                "attributes": call.attributes,
                "messages": call.messages,
            },
        )

    def _run_transfer(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_CALL_BODY:
            return _json(start_response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"message": "body too large"})
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            contact_id, outcome = str(body["contact_id"]), str(body["outcome"])
        except (ValueError, KeyError, TypeError):
            return _json(start_response, HTTPStatus.BAD_REQUEST, {"message": "contact_id and outcome are required"})
        if self._transfer is None:  # pragma: no cover - routed only when set
            return _json(start_response, HTTPStatus.NOT_FOUND, {"message": "not found"})
        try:
            with self._lock:
                done = self._transfer(contact_id, outcome)
        except (KeyError, ValueError) as exc:
            return _json(start_response, HTTPStatus.BAD_REQUEST, {"message": f"cannot transfer: {exc}"})
        returned = done.returned
        return _json(
            start_response,
            HTTPStatus.OK,
            {
                "contact_id": done.contact_id,
                "outcome": done.outcome,
                "operator_heard": done.operator_heard,
                "returned": None
                if returned is None
                else {
                    "contact_id": returned.contact_id,
                    "caller_number": returned.caller_number,
                    "attributes": returned.attributes,
                },
            },
        )


def with_pages(
    api: WsgiApp,
    *,
    operator_authorization: str,
    numbers: Sequence[str],
    tenant_id: str | None = None,
    identities: Mapping[str, str] | None = None,
) -> LocalWebApp:
    """`api` with the built pages and the simulated workspace in front (what `telefonist serve` runs).

    Mina sidor's development identities default to `telefonist serve`'s demo tokens of the demo customer.
    """
    return LocalWebApp(
        api, operator_authorization=operator_authorization, numbers=numbers, tenant_id=tenant_id, identities=identities
    )


def _json(start_response: Callable[..., Any], status: HTTPStatus, body: dict[str, Any]) -> Iterable[bytes]:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return _respond(start_response, status, payload, "application/json", [("Cache-Control", "no-store")])


def _respond(
    start_response: Callable[..., Any],
    status: HTTPStatus,
    payload: bytes,
    content_type: str,
    extra: list[tuple[str, str]],
) -> Iterable[bytes]:
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(payload))),
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        *extra,
    ]
    start_response(f"{status.value} {status.phrase}", headers)
    return [payload]
