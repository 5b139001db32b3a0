"""Lambda entries of the calendar sync: the Graph webhook (API Gateway) and the scheduled renewal.

The composition root: the sync state in the customer table, Graph per customer with an app-only token
of telefonist's one Entra application (its secret in Secrets Manager) for the directory tenant the
customer's administrator consented in, the customer's rules as its administrator stored them
on Mina sidor (nothing is synced while they have it off), writes through the self-service write path.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field
from telefonist import config
from telefonist.calendar_sync.sync import CalendarSync, GraphApi
from telefonist.edge.resolver import edge_resolver
from telefonist.observability import logger

from functions.calendar_sync.api import build_router

ENV_NOTIFICATION_URL = "CALENDAR_NOTIFICATION_URL"
ENV_GRAPH_BASE_URL = "GRAPH_BASE_URL"  # tests and local runs: a fake Graph on 127.0.0.1
ENV_GRAPH_LOGIN_URL = "GRAPH_LOGIN_URL"


class Environment(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    customer_table: str = Field(alias=config.ENV_CUSTOMER_TABLE, min_length=3)
    notification_url: str = Field(alias=ENV_NOTIFICATION_URL, pattern=r"^https?://")
    graph_base_url: str = Field(default="https://graph.microsoft.com/v1.0", alias=ENV_GRAPH_BASE_URL)
    graph_login_url: str = Field(default="https://login.microsoftonline.com", alias=ENV_GRAPH_LOGIN_URL)


@cache
def environment() -> Environment:
    return Environment.model_validate(os.environ)


@cache
def sync() -> CalendarSync:
    import boto3
    from telefonist.dal.calendar_state import DynamoSyncState, graph_app_secret, graph_credentials
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.graph_client import ClientCredentialsToken, UrllibGraphApi
    from telefonist.self_service.billing import UnavailableBillingSummarySource
    from telefonist.self_service.service import SelfService

    env = environment()
    table = boto3.resource("dynamodb").Table(env.customer_table)
    secrets = boto3.client("secretsmanager")
    service = SelfService(CustomerRepository(table), UnavailableBillingSummarySource())

    state = DynamoSyncState(table)
    app_secret = cache(lambda: graph_app_secret(secrets))

    @cache
    def graph(tenant_id: str) -> GraphApi:
        token = ClientCredentialsToken(lambda: graph_credentials(state, app_secret(), tenant_id), env.graph_login_url)
        return UrllibGraphApi(token, env.graph_base_url)

    return CalendarSync(graph, state, lambda: service, state.rules, env.notification_url)


router = build_router(sync)
app = edge_resolver(router)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The webhook: Graph's validation handshake and change notifications."""
    return app.resolve(event, context)


@logger.inject_lambda_context(clear_state=True)
def renew_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    """EventBridge Scheduler, every few hours: extend subscriptions that lapse soon."""
    renewed = sync().renew_due()
    logger.info("calendar subscriptions renewed", extra={"count": len(renewed)})
    return {"renewed": len(renewed)}
