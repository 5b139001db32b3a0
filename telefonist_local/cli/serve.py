"""`telefonist serve`: the whole REST API on 127.0.0.1, against moto, with the demo customer.

LOCAL ONLY. Every route of the deployed API is served by one resolver: Mina sidor's self-service
routes, the operators' directory search and messages (with the functions' own composition roots,
pointed at moto), finance's reads. API Gateway's Cognito authorizer is replaced by development
tokens (`Authorization: Bearer local:<tenant or ->:<groups>`, see
telefonist_local.self_service.local_gateway); the server binds to the loopback interface only. Queued
messages are sent as the sender's event source mapping would, so they reach moto's outboxes.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telefonist.edge.resolver import EdgeResolver
    from telefonist.self_service.service import SelfService
    from telefonist.statistics.call_log import CallLogQueries
    from telefonist.transfer import ContactAttributes

    from telefonist_local.local_web import SimulatedCall, SimulatedTransfer

LOOPBACK = "127.0.0.1"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("serve", help="serve the whole API locally (moto, dev tokens)")
    parser.add_argument("--port", type=int, default=8080, help="HTTP port on 127.0.0.1 (default 8080)")
    parser.add_argument("--moto-port", type=int, default=None, help="moto server port (default: a free one)")
    parser.add_argument("--people", type=int, default=50, help="people in the demo directory")
    parser.add_argument(
        "--write-openapi", metavar="PATH", default=None, help="write the generated OpenAPI document and exit"
    )
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class LocalApi:
    url: str
    tokens: dict[str, str]


def demo_tokens(tenant_id: str) -> dict[str, str]:
    from telefonist_local.self_service.local_gateway import local_token

    return {
        "customer administrator": local_token(tenant_id, "admins", subject=f"{tenant_id}-admin"),
        "customer user (read-only)": local_token(tenant_id, "", subject=f"{tenant_id}-user"),
        "operator": local_token(None, "operators", subject="operator-1"),
        "finance": local_token(None, "finance", subject="finance-1"),
    }


def whole_api(
    service: Callable[[], SelfService],
    call_log: Callable[[], CallLogQueries] | None = None,
    functions: Mapping[type, object] | None = None,
) -> EdgeResolver:
    """Every route of the deployed API in one resolver (what `serve` serves and docs/openapi.json describes);
    `functions` gives each request the API functions' dependencies (see `local_functions`)."""
    import os
    from functools import cache

    from telefonist import config
    from telefonist.calendar_sync.consent import MINA_SIDOR_PATH, ConsentApp
    from telefonist.edge.context import provide_each_request
    from telefonist.edge.resolver import edge_resolver

    from functions.directory_lookup.handler import router as directory_router
    from functions.employee_status.handler import router as employee_router
    from functions.notify.handler import router as notify_router
    from functions.self_service.api import build_router
    from functions.self_service.calendar_api import build_calendar_router
    from functions.self_service.call_log_api import build_call_log_router
    from functions.self_service.statistics_api import build_statistics_router, statistics_queries
    from functions.transfer.handler import router as transfer_router

    # a local stand-in for telefonist's Entra application: the consent link leads to Microsoft, back here
    local_app = ConsentApp("00000000-0000-0000-0000-00000000c0de", f"http://127.0.0.1{MINA_SIDOR_PATH}")
    # the statistics table of this process's environment (moto's), read on the first request
    statistics = cache(lambda: statistics_queries(os.environ[config.ENV_STATISTICS_TABLE]))

    app = edge_resolver(
        build_router(service),
        directory_router,
        notify_router,
        transfer_router,
        employee_router,
        build_statistics_router(statistics),
        build_call_log_router(call_log or _no_call_log),
        build_calendar_router(service, lambda: local_app),
    )
    if functions is not None:
        provide_each_request(app, functions)
    return app


def local_functions(contacts: ContactAttributes) -> Mapping[type, object]:
    """The API functions' Dependencies, each built by its own composition root under this process's
    environment (moto's) on the first request that needs them, then kept, as a warm container keeps
    them; the transfer function's around `contacts` (Amazon Connect is not emulated: simulated calls,
    or a test's fake)."""
    from telefonist.environment import load_env

    from functions.directory_lookup import handler as directory_lookup
    from functions.employee_status import handler as employee_status
    from functions.notify import handler as notify
    from functions.transfer import handler as transfer

    return _OnFirstUse(
        {
            directory_lookup.Dependencies: directory_lookup.dependencies.__wrapped__,
            notify.Dependencies: notify.dependencies.__wrapped__,
            transfer.Dependencies: lambda: transfer.wire(load_env(transfer.Environment), contacts),
            employee_status.Dependencies: employee_status.dependencies.__wrapped__,
        }
    )


class _OnFirstUse(Mapping[type, object]):
    """Each value built by its builder when first looked up, then kept."""

    def __init__(self, builders: dict[type, Callable[[], object]]) -> None:
        self._builders = builders
        self._built: dict[type, object] = {}

    def __getitem__(self, kind: type) -> object:
        if kind not in self._built:
            self._built[kind] = self._builders[kind]()
        return self._built[kind]

    def __iter__(self) -> Iterator[type]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


class _SimulatedConnect:
    """Amazon Connect's contacts for `serve`: each simulated call that reaches an operator is a contact
    whose attributes the transfer route reads and sets (Connect itself is not emulated anywhere)."""

    def __init__(self) -> None:
        from telefonist.transfer import InMemoryContactAttributes

        self.attributes = InMemoryContactAttributes()
        self._calls: dict[str, SimulatedCall] = {}

    def __call__(self, dialed_number: str, caller_number: str) -> SimulatedCall:
        from telefonist_local.local_web import place_call

        call = place_call(dialed_number, caller_number)
        if call.reached_operator:
            self.attributes.contacts[call.contact_id] = dict(call.attributes)
            self._calls[call.contact_id] = call
        return call

    def transfer(self, contact_id: str, outcome: str) -> SimulatedTransfer:
        """The quick connect "Koppla vidare" on a contact: the real transfer flow with the person's
        `outcome` (answered, no_answer, busy, failed). Back in the operators' queue, the caller is a
        new contact (as in Connect), carrying the attributes the flow left."""
        import uuid
        from dataclasses import replace

        from telefonist.connect.flows import TRANSFER_MODE_ATTRIBUTE, TransferKind

        from telefonist_local.connect.flow_simulator import (
            Party,
            SimulatedContact,
            ThirdPartyOutcome,
            transfer_simulator,
        )
        from telefonist_local.local_web import SimulatedTransfer

        call = self._calls[contact_id]
        attributes = self.attributes.get(contact_id)
        relay = attributes.get(TRANSFER_MODE_ATTRIBUTE) == TransferKind.RELAY.value
        result = transfer_simulator().run(
            SimulatedContact(
                dialed_number=call.dialed_number,
                caller_number=call.caller_number,
                contact_id=contact_id,
                attributes=attributes,
                third_party=ThirdPartyOutcome(outcome),
                consulting_operator=relay,
            )
        )
        returned = None
        if result.queued_to is not None:
            returned = replace(call, contact_id=str(uuid.uuid4()), attributes=dict(result.attributes))
            self.attributes.contacts[returned.contact_id] = dict(result.attributes)
            self._calls[returned.contact_id] = returned
        return SimulatedTransfer(contact_id, outcome, returned, result.heard_by(Party.OPERATOR))


@contextmanager
def _message_sender(interval_seconds: float = 0.5) -> Iterator[None]:
    """Poll the notify queue through the sender in a thread, as Lambda's event source mapping would."""
    from telefonist_local.notify_queue import process_queue_once

    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(interval_seconds):
            try:
                process_queue_once()
            except Exception as exc:  # a local poller must outlive a failed poll; the next one retries
                print(f"telefonist serve: sending messages failed ({type(exc).__name__}); retrying")

    thread = threading.Thread(target=poll, name="notify-sender", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


@contextmanager
def local_api(
    port: int, people: int = 50, moto_port: int | None = None, billing_calls: int = 120
) -> Iterator[LocalApi]:
    """moto on 127.0.0.1, the stack's resources, the demo customer (with `billing_calls` rated calls
    this month and a year of them before), and the API served in a thread."""
    import os
    import urllib.request
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    import boto3
    from telefonist.clock import to_local, utc_now
    from telefonist.dal.billing_summary import TableBillingSummarySource
    from telefonist.dal.billing_table import BillingTable, BillingTableSettings
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.directory_names import DirectoryNameReader
    from telefonist.dal.person_data import PersonDataStore
    from telefonist.dal.secrets import KmsSecretCodec
    from telefonist.dal.statistics_repository import StatisticsRepository
    from telefonist.edge.bounds import MAX_BODY_BYTES
    from telefonist.models.price_list import PriceBook
    from telefonist.resources import BILLING_BUCKET, CUSTOMER_TABLE, MESSAGE_TABLE, STATISTICS_TABLE
    from telefonist.self_service.service import SelfService
    from telefonist.statistics.call_log import CallLogQueries

    from functions.employee_status.handler import ENV_STATUS_PAGE_URL
    from telefonist_local.local_aws import create_resources, moto_server, patched_environment
    from telefonist_local.local_web import LocalServer, LocalWebApp
    from telefonist_local.sample_data import DEFAULT_PRICE_LIST, DEMO_TENANT_ID, demo_directory, demo_tenant
    from telefonist_local.self_service.demo_billing import seed_demo_billing
    from telefonist_local.self_service.demo_seed import seed_demo_customer
    from telefonist_local.self_service.local_gateway import ApiGatewayWsgiApp

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """No line per request (paths hold ids; the console stays readable)."""

    with moto_server(moto_port) as endpoint:
        # moto's server shares the process's backends: start from empty ones (tests reuse processes).
        reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")  # noqa: S310 - loopback
        urllib.request.urlopen(reset, timeout=10).close()  # noqa: S310 - our own server on 127.0.0.1
        created = create_resources()
        with patched_environment(created.environment):
            repo = CustomerRepository(
                boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name),
                secrets=KmsSecretCodec(boto3.client("kms"), created.secrets_key_id),
            )
            repo.put_price_list(DEFAULT_PRICE_LIST)
            # Billing as finance reads it: a year of the demo customer's calls, rated into the billing table.
            lines = BillingTable(BillingTableSettings.from_environ(os.environ, BILLING_BUCKET.local_name))
            dynamodb = boto3.resource("dynamodb")
            statistics = StatisticsRepository(dynamodb.Table(STATISTICS_TABLE.local_name))
            seed_demo_billing(
                lines,
                DEMO_TENANT_ID,
                [n.phone_number for n in demo_tenant().claimed_numbers],
                PriceBook(versions=[DEFAULT_PRICE_LIST]),
                to_local(utc_now()).strftime("%Y-%m"),
                calls_this_month=billing_calls,
                statistics=statistics,  # this month's contact events: Statistik and the call log's outcomes
                person_ids=[person.person_id for person in demo_directory(people)[0]],
            )
            billing = TableBillingSummarySource(lines)
            call_log = CallLogQueries(billing, statistics, DirectoryNameReader(repo.table))
            person_data = PersonDataStore(
                repo, dynamodb.Table(MESSAGE_TABLE.local_name), dynamodb.Table(STATISTICS_TABLE.local_name)
            )
            service = SelfService(repo, billing, person_data=person_data)
            profile = seed_demo_customer(service, people=people)  # as the operator and the admin would
            contacts = _SimulatedConnect()  # the transfer route sets attributes on the simulated calls
            api = whole_api(lambda: service, lambda: call_log, local_functions(contacts.attributes))
            app = ApiGatewayWsgiApp(api.resolve, MAX_BODY_BYTES)
            operator = demo_tokens(profile.tenant_id)["operator"]
            numbers = [n.phone_number for n in profile.claimed_numbers]
            pages = LocalWebApp(
                app, operator_authorization=operator, numbers=numbers, call=contacts, transfer=contacts.transfer
            )
            server = make_server(LOOPBACK, port, pages, server_class=LocalServer, handler_class=QuietHandler)
            thread = threading.Thread(target=server.serve_forever, name="api", daemon=True)
            thread.start()
            try:
                # The employees' sign-in links open the status page of this server.
                page = {ENV_STATUS_PAGE_URL: f"http://{LOOPBACK}:{server.server_port}/status/"}
                with _message_sender(), patched_environment(page):
                    yield LocalApi(f"http://{LOOPBACK}:{server.server_port}", demo_tokens(profile.tenant_id))
            finally:
                server.shutdown()
                server.server_close()
                thread.join(timeout=5)


def run(args: argparse.Namespace) -> int:
    from telefonist.edge.resolver import openapi_document

    from telefonist_local.local_aws import LocalAwsError

    if args.write_openapi:
        Path(args.write_openapi).write_text(openapi_document(whole_api(_no_service)) + "\n")
        print(f"wrote {args.write_openapi}")
        return 0
    try:
        with local_api(args.port, args.people, args.moto_port) as api:
            print(f"API (LOCAL ONLY, development tokens) on {api.url}")
            print(f"OpenAPI: {api.url}/openapi.json")
            print(f"Operator page: {api.url}/operator/ (simulated workspace; `make web` builds it)")
            print(f"Mina sidor:    {api.url}/mina-sidor/ (pick a demo identity to sign in)")
            for who, token in api.tokens.items():
                print(f"  {who:28} -H 'Authorization: {token}'")
            print(f"e.g. curl -H 'Authorization: {api.tokens['customer administrator']}' {api.url}/profile")
            print("Ctrl-C stops.")
            threading.Event().wait()
    except (LocalAwsError, OSError) as exc:
        print(f"telefonist serve: {exc}")
        return 1
    except KeyboardInterrupt:
        print("stopped")
    return 0


def _no_service() -> SelfService:
    raise RuntimeError("writing the OpenAPI document needs no service")


def _no_call_log() -> CallLogQueries:
    """The call log of a whole API built without one (the OpenAPI document, the edge's tests): 503."""
    from telefonist.ports.store import RepositoryError

    raise RepositoryError("no call log is wired to this API")
