"""Invoked by the inbound contact flow: dialed number → the operator's attributes, in one read.

Whatever fails (unknown number, offboarded customer, DynamoDB error or timeout, a malformed
event), the function answers with the fallback map within a bounded time, so the flow still
queues the caller with a neutral script. Only a crash or the Lambda timeout sends the flow down
its error branch, which sets the same fallback attributes and queues the caller too.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from telefonist import config
from telefonist.clock import utc_now
from telefonist.dal.errors import NotFoundError, RepositoryError
from telefonist.dal.route_reader import RouteReader
from telefonist.inbound.attributes import build_operator_attributes, fallback_attributes
from telefonist.observability import logger, mask_phone_number, metrics, tracer

# Connect waits at most InvocationTimeLimitSeconds (≤ 8 s) and retries errors; one slow read must
# not eat that budget: 0.5 s to connect, 1 s to read, 2 attempts (worst case ≈ 3.2 s with backoff).
DYNAMODB_CLIENT_CONFIG = Config(
    connect_timeout=0.5,
    read_timeout=1.0,
    retries={"max_attempts": 2, "mode": "standard"},
)


class Environment(BaseModel):
    model_config = ConfigDict(populate_by_name=True, defer_build=True)

    customer_table_name: str = Field(alias=config.ENV_CUSTOMER_TABLE, min_length=1)


class _EventPart(BaseModel):
    # Schemas are built on the first event, not at import: the cold start stays short.
    model_config = ConfigDict(defer_build=True)


class _Endpoint(_EventPart):
    Address: str = Field(min_length=1, max_length=40)


class _ContactData(_EventPart):
    ContactId: str = ""
    SystemEndpoint: _Endpoint
    CustomerEndpoint: _Endpoint | None = None


class _Details(_EventPart):
    ContactData: _ContactData


class ConnectContactFlowEvent(_EventPart):
    """The parts of Connect's contact-flow event this function reads (the rest is ignored)."""

    Details: _Details


@cache
def _environment() -> Environment:
    import os

    return Environment.model_validate(os.environ)


@cache
def _repository() -> RouteReader:
    """Built on the first call (cached for the container's life), keeping the module import cheap."""
    dynamodb = boto3.resource("dynamodb", config=DYNAMODB_CLIENT_CONFIG)
    return RouteReader(dynamodb.Table(_environment().customer_table_name))


def operator_attributes(event: dict[str, Any], repository: RouteReader) -> dict[str, str]:
    """Parse the event, read the route (one GetItem), build the map; degrade to the fallback map."""
    try:
        parsed = ConnectContactFlowEvent.model_validate(event)
    except ValidationError as exc:
        logger.warning("contact flow event unreadable", extra={"errors": exc.error_count()})
        return _fallback("bad_event")
    contact = parsed.Details.ContactData
    dialed = contact.SystemEndpoint.Address
    caller = contact.CustomerEndpoint.Address if contact.CustomerEndpoint else ""
    logger.append_keys(contact_id=contact.ContactId, caller=mask_phone_number(caller))
    metrics.add_metric(name="RouteLookups", unit=MetricUnit.Count, value=1)
    try:
        route = repository.get_route(dialed)
    except NotFoundError:
        logger.warning("no route for dialed number", extra={"dialed": mask_phone_number(dialed)})
        return _fallback("not_found")
    except RepositoryError as exc:
        logger.error("route lookup failed", extra={"error": str(exc)})
        return _fallback("store_error")
    except Exception as exc:  # botocore's timeouts and connection errors are not ClientErrors: degrade too
        logger.error("route lookup failed", extra={"error": type(exc).__name__})
        return _fallback("store_error")
    attributes = build_operator_attributes(route, utc_now())
    if attributes["lookup"] != "ok":
        metrics.add_metric(name="RouteFallbacks", unit=MetricUnit.Count, value=1)
    logger.info("route resolved", extra={"tenant_id": attributes["tenant_id"]})
    return attributes


def _fallback(reason: str) -> dict[str, str]:
    metrics.add_metric(name="RouteFallbacks", unit=MetricUnit.Count, value=1)
    return fallback_attributes(reason)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    attributes = operator_attributes(event, _repository())
    tracer().put_annotation(key="tenant_id", value=attributes["tenant_id"])
    return attributes
