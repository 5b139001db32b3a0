"""Contact statistics: the CTR stream's second consumer (issue 20); billing (functions/rating) is untouched.

Every inbound contact of a customer becomes one contact event (newest version wins) and its day's
aggregate is updated in the same transaction. Partial batch responses: a record fails only when
the store or the routing lookup fails; a record that is no contact of a customer is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord
from telefonist import config
from telefonist.dal.directory_presence import DirectoryPresence
from telefonist.dal.route_reader import RouteReader
from telefonist.dal.statistics_repository import StatisticsRepository
from telefonist.dal.table import dynamodb_tables
from telefonist.environment import load_env
from telefonist.observability import logger, metrics
from telefonist.ports.store import NotFoundError
from telefonist.statistics.recorder import StatisticsRecorder

from functions import lambda_entry


@dataclass(frozen=True)
class Environment:
    """What CDK sets for this function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
    statistics_table: str = field(metadata={"env": config.ENV_STATISTICS_TABLE})


@dataclass(frozen=True)
class Dependencies:
    recorder: StatisticsRecorder


@cache
def dependencies() -> Dependencies:
    env = load_env(Environment)
    dynamodb = dynamodb_tables()
    # Only the route's tenant is needed: the raw item (written by the validated configuration path),
    # not CustomerRepository's pydantic models, which cost this function ~0.2 s of cold start.
    customers = dynamodb.Table(env.customer_table)
    routes = RouteReader(customers)

    @lru_cache(maxsize=4096)  # routes change rarely; a container lives minutes to hours
    def tenant_of_number(dialed_number: str) -> str | None:
        try:
            return str(routes.read_item(dialed_number)["tenant_id"])
        except NotFoundError:
            return None

    store = StatisticsRepository(dynamodb.Table(env.statistics_table))
    # An event names the person a call went to only while they are in the directory (a late CTR
    # version must not bring back someone erased): their keys, one BatchGetItem per batch.
    people = DirectoryPresence(customers)
    return Dependencies(StatisticsRecorder(store=store, resolve_tenant=tenant_of_number, people_present=people.present))


def handle(event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
    """Record the batch; the partial batch response names the records whose store or lookup failed."""
    records = [KinesisStreamRecord(raw) for raw in event.get("Records", [])]
    result = deps.recorder.record_batch([record.kinesis.data_as_bytes() for record in records])
    for outcome in ("recorded", "stale", "ignored"):
        metrics.add_metric(name=f"Contacts_{outcome}", unit="Count", value=getattr(result, outcome))
    metrics.add_metric(name="Contacts_failed", unit="Count", value=len(result.failed))
    if result.failed:
        logger.warning("records failed", extra={"failed": len(result.failed)})
    return {"batchItemFailures": [{"itemIdentifier": records[i].kinesis.sequence_number} for i in result.failed]}


lambda_handler = lambda_entry(handle, dependencies, logger=logger, metrics=metrics)
