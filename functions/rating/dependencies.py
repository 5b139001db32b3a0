"""The rating function's environment and its adapters (the handler's composition root builds them once
per container; `telefonist rerate` builds them too)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import boto3
from telefonist import config
from telefonist.dal.billing_store import CtrArchive, QuarantineStore
from telefonist.dal.billing_table import BillingTable, BillingTableSettings
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.errors import NotFoundError
from telefonist.dal.ledger_repository import LedgerRepository
from telefonist.rating.engine import TenantResolver
from telefonist.rating.service import RatingService

CACHE_SECONDS = 300.0  # price lists and routes change rarely; a warm container re-reads them after this
T = TypeVar("T")


@dataclass(frozen=True)
class Environment:
    """What CDK sets for the rating function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
    ledger_table: str = field(metadata={"env": config.ENV_LEDGER_TABLE})
    billing_bucket: str = field(metadata={"env": config.ENV_BILLING_BUCKET})
    archive_bucket: str = field(metadata={"env": config.ENV_ARCHIVE_BUCKET})
    quarantine_bucket: str = field(metadata={"env": config.ENV_QUARANTINE_BUCKET})


def ttl_cached(load: Callable[[], T], seconds: float, clock: Callable[[], float] = time.monotonic) -> Callable[[], T]:
    """`load()` at most once per `seconds`."""
    state: dict[str, Any] = {}

    def get() -> T:
        now = clock()
        if "value" not in state or now - state["at"] >= seconds:
            state["value"], state["at"] = load(), now
        value: T = state["value"]
        return value

    return get


def cached_tenant_resolver(
    repo: CustomerRepository, seconds: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
) -> TenantResolver:
    """Dialed number → tenant through the routing record, cached (unknown numbers too).

    A store failure (RepositoryError) propagates: the record fails and is retried, rather than
    being billed as unresolved while the route exists.
    """
    cache: dict[str, tuple[float, str | None]] = {}

    def resolve(dialed_number: str) -> str | None:
        now = clock()
        hit = cache.get(dialed_number)
        if hit and now - hit[0] < seconds:
            return hit[1]
        try:
            tenant: str | None = repo.get_route(dialed_number).tenant_id
        except NotFoundError:
            tenant = None
        cache[dialed_number] = (now, tenant)
        return tenant

    return resolve


def build_service(env: Environment, session: Any = None, table: BillingTableSettings | None = None) -> RatingService:
    """The rating service on DynamoDB, the Iceberg billing table and S3 (clients from `session`,
    default boto3's; the table's catalog from `table`, default the environment's)."""
    import os

    from botocore.config import Config
    from telefonist.rating.service import DEFAULT_CONCURRENCY

    session = session or boto3.session.Session()
    # As many pooled connections as ledger calls in flight: botocore's default of 10 would reopen the rest.
    dynamodb = session.resource("dynamodb", config=Config(max_pool_connections=DEFAULT_CONCURRENCY))
    s3 = session.client("s3")
    customers = CustomerRepository(dynamodb.Table(env.customer_table))
    return RatingService(
        price_book=ttl_cached(customers.load_price_book, CACHE_SECONDS),
        resolve_tenant=cached_tenant_resolver(customers),
        ledger=LedgerRepository(dynamodb.Table(env.ledger_table)),
        lines=BillingTable(table or BillingTableSettings.from_environ(os.environ, env.billing_bucket)),
        quarantine=QuarantineStore(s3, env.quarantine_bucket),
        archive=CtrArchive(s3, env.archive_bucket),
    )
