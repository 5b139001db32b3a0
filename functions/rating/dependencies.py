"""The rating function's environment and its adapters (the handler's composition root builds them once
per container; `telefonist rerate` builds them too)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import boto3
from cachetools import TTLCache, cached
from telefonist import config
from telefonist.dal.billing_store import CtrArchive, QuarantineStore
from telefonist.dal.billing_table import BillingTable, BillingTableSettings
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.ledger_repository import LedgerRepository
from telefonist.ports.store import NotFoundError
from telefonist.rating.engine import TenantResolver
from telefonist.rating.service import RatingService

F = TypeVar("F", bound=Callable[..., Any])
CACHE_SECONDS = 300.0  # price lists and routes change rarely; a warm container re-reads them after this


@dataclass(frozen=True)
class Environment:
    """What CDK sets for the rating function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
    ledger_table: str = field(metadata={"env": config.ENV_LEDGER_TABLE})
    billing_bucket: str = field(metadata={"env": config.ENV_BILLING_BUCKET})
    archive_bucket: str = field(metadata={"env": config.ENV_ARCHIVE_BUCKET})
    quarantine_bucket: str = field(metadata={"env": config.ENV_QUARANTINE_BUCKET})


def cached_for(seconds: float, clock: Callable[[], float] = time.monotonic, maxsize: int = 10_000) -> Callable[[F], F]:
    """A decorator: each distinct call's answer kept for `seconds` (exceptions are never kept)."""
    decorator: Callable[[F], F] = cached(TTLCache(maxsize=maxsize, ttl=seconds, timer=clock))  # type: ignore[assignment]
    return decorator


def cached_tenant_resolver(
    repo: CustomerRepository, seconds: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
) -> TenantResolver:
    """Dialed number → tenant through the routing record, cached (unknown numbers too).

    A store failure (RepositoryError) propagates: the record fails and is retried, rather than
    being billed as unresolved while the route exists.
    """

    @cached_for(seconds, clock)
    def resolve(dialed_number: str) -> str | None:
        try:
            tenant: str | None = repo.get_route(dialed_number).tenant_id
        except NotFoundError:
            tenant = None
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
        price_book=cached_for(CACHE_SECONDS, maxsize=1)(customers.load_price_book),
        resolve_tenant=cached_tenant_resolver(customers),
        ledger=LedgerRepository(dynamodb.Table(env.ledger_table)),
        lines=BillingTable(table or BillingTableSettings.from_environ(os.environ, env.billing_bucket)),
        quarantine=QuarantineStore(s3, env.quarantine_bucket),
        archive=CtrArchive(s3, env.archive_bucket),
    )
