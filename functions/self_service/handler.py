"""Lambda entry of the self-service API (API Gateway REST, Cognito authorizer)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from telefonist import config
from telefonist.calendar_sync.consent import MINA_SIDOR_PATH, ConsentApp
from telefonist.edge.context import deps_of, resolve_with
from telefonist.edge.resolver import site_origin_of
from telefonist.environment import load_env
from telefonist.observability import logger
from telefonist.ports.billing import BillingSummarySource
from telefonist.ports.store import RepositoryError
from telefonist.self_service.billing import UnavailableBillingSummarySource
from telefonist.self_service.service import SelfService
from telefonist.statistics.call_log import CallLogQueries
from telefonist.statistics.service import StatisticsQueries

from functions import lambda_entry
from functions.self_service.api import build_resolver
from functions.self_service.calendar_api import build_calendar_router
from functions.self_service.call_log_api import build_call_log_router
from functions.self_service.statistics_api import build_statistics_router, statistics_queries


@dataclass(frozen=True)
class Environment:
    """What CDK sets for this function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
    secrets_key_id: str = field(metadata={"env": config.ENV_SECRETS_KEY_ID})
    message_table: str = field(metadata={"env": config.ENV_MESSAGE_TABLE})  # export and erasure of a person
    billing_bucket: str | None = field(default=None, metadata={"env": config.ENV_BILLING_BUCKET})
    # the statistics, the call log's events, a person's contact events; unset: those answer 503
    statistics_table: str | None = field(default=None, metadata={"env": config.ENV_STATISTICS_TABLE})
    graph_app_client_id: str | None = field(default=None, metadata={"env": config.ENV_GRAPH_APP_CLIENT_ID})
    site_origin: str | None = field(default=None, metadata={"env": config.ENV_SITE_ORIGIN})


@dataclass(frozen=True)
class Dependencies:
    service: SelfService
    statistics: StatisticsQueries | None  # None: not wired (503, never a 500)
    call_log: CallLogQueries | None
    consent: ConsentApp | None  # telefonist's Entra application and Mina sidor as its redirect URI


@cache
def dependencies() -> Dependencies:
    from telefonist.dal.clients import LazyClient
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.directory_names import DirectoryNameReader
    from telefonist.dal.person_data import PersonDataStore
    from telefonist.dal.secrets import KmsSecretCodec
    from telefonist.dal.statistics_repository import StatisticsRepository
    from telefonist.dal.table import dynamodb_tables

    env = load_env(Environment)
    dynamodb = dynamodb_tables()
    # KMS only when a door code is written or revealed (~0.01 s CPU on other first requests)
    repo = CustomerRepository(
        dynamodb.Table(env.customer_table), secrets=KmsSecretCodec(LazyClient("kms"), env.secrets_key_id)
    )
    billing = _bucket_billing_source(env)
    statistics, call_log, person_data = None, None, None
    if env.statistics_table:  # without it, a person's export and erasure answer 503 (not half done)
        events = dynamodb.Table(env.statistics_table)
        person_data = PersonDataStore(repo, dynamodb.Table(env.message_table), events)
        statistics = statistics_queries(env.statistics_table, dynamodb)  # one DynamoDB client
        # The call log (issue 20): the billing lines as Fakturering reads them, the statistics table's
        # contact events (BatchGetItem on CONTACT# items only) and the directory's names.
        call_log = CallLogQueries(
            billing, StatisticsRepository(events), DirectoryNameReader(dynamodb.Table(env.customer_table))
        )
    consent = None
    if env.graph_app_client_id and env.site_origin:
        consent = ConsentApp(env.graph_app_client_id, f"{env.site_origin.rstrip('/')}{MINA_SIDOR_PATH}")
    return Dependencies(
        service=SelfService(repo, billing, person_data=person_data),
        statistics=statistics,
        call_log=call_log,
        consent=consent,
    )


def _bucket_billing_source(env: Environment) -> BillingSummarySource:
    if not env.billing_bucket:
        return UnavailableBillingSummarySource()  # degrades to 503, never a 500
    from telefonist.dal.billing_summary import S3BillingSummarySource

    return S3BillingSummarySource(env.billing_bucket)


def _service() -> SelfService:
    return deps_of(Dependencies).service


def _statistics() -> StatisticsQueries:
    if (statistics := deps_of(Dependencies).statistics) is None:
        raise RepositoryError("the statistics table is not wired")  # 503, never a 500
    return statistics


def _call_log() -> CallLogQueries:
    if (call_log := deps_of(Dependencies).call_log) is None:
        raise RepositoryError("the call log's contact events are not wired")  # 503, never a 500
    return call_log


app = build_resolver(_service, site_origin=site_origin_of(os.environ))
app.include_router(build_statistics_router(_statistics))  # issue 20: the customer's call statistics
app.include_router(build_call_log_router(_call_log))  # issue 20: the call log, line for line as invoiced
app.include_router(build_calendar_router(_service, lambda: deps_of(Dependencies).consent))  # issue 21


def handle(event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
    return resolve_with(app, deps, event)


lambda_handler = lambda_entry(handle, dependencies, logger=logger)
