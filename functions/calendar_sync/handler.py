"""Lambda entries of the calendar sync: the Graph webhook (API Gateway) and the scheduled renewal.

The composition root: the sync state in the customer table, Graph per customer with an app-only token
of telefonist's one Entra application (its secret in Secrets Manager) for the directory tenant the
customer's administrator consented in, the customer's rules as its administrator stored them
on Mina sidor (nothing is synced while they have it off), writes through the self-service write path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from telefonist import config
from telefonist.calendar_sync.sync import CalendarSync, GraphApi
from telefonist.edge.context import deps_of, resolve_with
from telefonist.edge.resolver import edge_resolver
from telefonist.environment import load_env
from telefonist.observability import logger

from functions import lambda_entry
from functions.calendar_sync.api import build_router

if TYPE_CHECKING:
    from telefonist.self_service.service import SelfService

ENV_NOTIFICATION_URL = "CALENDAR_NOTIFICATION_URL"
ENV_GRAPH_BASE_URL = "GRAPH_BASE_URL"  # tests and local runs: a fake Graph on 127.0.0.1
ENV_GRAPH_LOGIN_URL = "GRAPH_LOGIN_URL"


@dataclass(frozen=True)
class Environment:
    """What CDK sets for this function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
    notification_url: str = field(metadata={"env": ENV_NOTIFICATION_URL, "pattern": r"https?://.+"})
    graph_base_url: str = field(default="https://graph.microsoft.com/v1.0", metadata={"env": ENV_GRAPH_BASE_URL})
    graph_login_url: str = field(default="https://login.microsoftonline.com", metadata={"env": ENV_GRAPH_LOGIN_URL})


@dataclass(frozen=True)
class Dependencies:
    sync: CalendarSync


@cache
def dependencies() -> Dependencies:
    from telefonist.dal.calendar_state import DynamoSyncState, graph_app_secret, graph_credentials
    from telefonist.dal.clients import LazyClient
    from telefonist.dal.graph_client import ClientCredentialsToken, UrllibGraphApi
    from telefonist.dal.table import dynamodb_tables

    env = load_env(Environment)
    table = dynamodb_tables().Table(env.customer_table)
    secrets = LazyClient("secretsmanager")  # on the first Graph call, not a validation handshake's

    state = DynamoSyncState(table)
    app_secret = cache(lambda: graph_app_secret(secrets))

    @cache
    def graph(tenant_id: str) -> GraphApi:
        token = ClientCredentialsToken(lambda: graph_credentials(state, app_secret(), tenant_id), env.graph_login_url)
        return UrllibGraphApi(token, env.graph_base_url)

    @cache
    def self_service() -> SelfService:  # on the first change notification, not a validation handshake
        from telefonist.dal.customer_repository import CustomerRepository
        from telefonist.self_service.billing import UnavailableBillingSummarySource
        from telefonist.self_service.service import SelfService

        return SelfService(CustomerRepository(table), UnavailableBillingSummarySource())

    return Dependencies(CalendarSync(graph, state, self_service, state.rules, env.notification_url))


def _sync() -> CalendarSync:
    """The request's sync (from the Dependencies `handle` serves it with)."""
    return deps_of(Dependencies).sync


router = build_router(_sync)
app = edge_resolver(router)


def handle(event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
    """The webhook: Graph's validation handshake and change notifications."""
    return resolve_with(app, deps, event)


def renew(event: dict[str, Any], deps: Dependencies) -> dict[str, int]:
    """Extend the subscriptions that lapse soon (the scheduler's event says nothing more)."""
    renewed = deps.sync.renew_due()
    logger.info("calendar subscriptions renewed", extra={"count": len(renewed)})
    return {"renewed": len(renewed)}


lambda_handler = lambda_entry(handle, dependencies, logger=logger)
renew_handler = lambda_entry(renew, dependencies, logger=logger)  # EventBridge Scheduler, every few hours
