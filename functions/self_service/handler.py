"""Lambda entry of the self-service API (API Gateway REST, Cognito authorizer)."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field
from telefonist import config
from telefonist.calendar_sync.consent import MINA_SIDOR_PATH, ConsentApp
from telefonist.edge.resolver import site_origin_of
from telefonist.observability import logger
from telefonist.self_service.billing import BillingSummarySource, UnavailableBillingSummarySource
from telefonist.self_service.service import SelfService
from telefonist.statistics.call_log import CallLogQueries

from functions.self_service.api import build_resolver
from functions.self_service.calendar_api import build_calendar_router
from functions.self_service.call_log_api import build_call_log_router
from functions.self_service.statistics_api import router as statistics_router


class Environment(BaseModel):
    """What CDK passes; validated once per cold start."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    customer_table: str = Field(alias=config.ENV_CUSTOMER_TABLE, min_length=3)
    secrets_key_id: str = Field(alias=config.ENV_SECRETS_KEY_ID, min_length=1)
    message_table: str = Field(alias=config.ENV_MESSAGE_TABLE, min_length=3)  # export and erasure of a person
    billing_bucket: str | None = Field(default=None, alias=config.ENV_BILLING_BUCKET)
    statistics_table: str | None = Field(default=None, alias=config.ENV_STATISTICS_TABLE)  # the call log's events
    graph_app_client_id: str | None = Field(default=None, alias=config.ENV_GRAPH_APP_CLIENT_ID)
    site_origin: str | None = Field(default=None, alias=config.ENV_SITE_ORIGIN)


@cache
def environment() -> Environment:
    import os

    return Environment.model_validate(os.environ)


def consent_app() -> ConsentApp | None:
    """telefonist's Entra application (its public client id) and Mina sidor as its redirect URI."""
    env = environment()
    if not env.graph_app_client_id or not env.site_origin:
        return None
    return ConsentApp(env.graph_app_client_id, f"{env.site_origin.rstrip('/')}{MINA_SIDOR_PATH}")


_billing_source: BillingSummarySource | None = None  # None: read from the billing bucket, if configured


def use_billing_source(source: BillingSummarySource) -> None:
    """Wire the billing-lines reader (the stack's adapter over the rating Parquet files)."""
    global _billing_source
    _billing_source = source
    service.cache_clear()
    call_log_queries.cache_clear()


@cache
def service() -> SelfService:
    import boto3
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.person_data import PersonDataStore
    from telefonist.dal.secrets import KmsSecretCodec

    env = environment()
    repo = CustomerRepository(
        boto3.resource("dynamodb").Table(env.customer_table),
        secrets=KmsSecretCodec(boto3.client("kms"), env.secrets_key_id),
    )
    dynamodb = boto3.resource("dynamodb")
    person_data = None  # without the statistics table, a person's export and erasure answer 503 (not half done)
    if env.statistics_table:
        person_data = PersonDataStore(repo, dynamodb.Table(env.message_table), dynamodb.Table(env.statistics_table))
    return SelfService(repo, _billing_source or _bucket_billing_source(env), person_data=person_data)


@cache
def call_log_queries() -> CallLogQueries:
    """The call log (issue 20): the billing lines as Fakturering reads them, the statistics table's
    contact events (BatchGetItem on CONTACT# items only) and the directory's names."""
    import boto3
    from telefonist.dal.directory_names import DirectoryNameReader
    from telefonist.dal.errors import RepositoryError
    from telefonist.dal.statistics_repository import StatisticsRepository

    env = environment()
    if not env.statistics_table:
        raise RepositoryError("the call log's contact events are not wired")  # 503, never a 500
    dynamodb = boto3.resource("dynamodb")
    return CallLogQueries(
        _billing_source or _bucket_billing_source(env),
        StatisticsRepository(dynamodb.Table(env.statistics_table)),
        DirectoryNameReader(dynamodb.Table(env.customer_table)),
    )


def _bucket_billing_source(env: Environment) -> BillingSummarySource:
    if not env.billing_bucket:
        return UnavailableBillingSummarySource()  # degrades to 503, never a 500
    import boto3
    from telefonist.dal.billing_summary import S3BillingSummarySource

    return S3BillingSummarySource(boto3.client("s3"), env.billing_bucket)


app = build_resolver(service, site_origin=site_origin_of(os.environ))
app.include_router(statistics_router)  # issue 20: the customer's call statistics, on the same function
app.include_router(build_call_log_router(call_log_queries))  # issue 20: the call log, line for line as invoiced
app.include_router(build_calendar_router(service, consent_app))  # issue 21: calendar-sync settings and followed people


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    environment()
    return app.resolve(event, context)
