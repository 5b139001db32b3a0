"""Invoked by the inbound contact flow: dialed number → the operator's attributes, in one read.

Whatever fails (unknown number, offboarded customer, DynamoDB error or timeout, a corrupt
routing record, a malformed event), the function answers with the fallback map within a bounded
time, so the flow still queues the caller with a neutral script. Only a crash or the Lambda
timeout sends the flow down its error branch, which sets the same fallback attributes and queues
the caller too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from botocore.config import Config
from telefonist import config
from telefonist.clock import utc_now
from telefonist.dal.route_reader import RouteReader
from telefonist.dal.table import dynamodb_tables
from telefonist.environment import load_env
from telefonist.inbound.attributes import build_operator_attributes, fallback_attributes
from telefonist.observability import logger, mask_phone_number, metrics, tracer
from telefonist.ports.store import CorruptItemError, NotFoundError, RepositoryError

from functions import lambda_entry

# Connect waits at most InvocationTimeLimitSeconds (≤ 8 s) and retries errors; one slow read must
# not eat that budget: 0.5 s to connect, 1 s to read, 2 attempts (worst case ≈ 3.2 s with backoff).
DYNAMODB_CLIENT_CONFIG = Config(
    connect_timeout=0.5,
    read_timeout=1.0,
    retries={"max_attempts": 2, "mode": "standard"},
)
# E.164 is at most 15 digits; Connect's endpoint addresses stay far below this.
MAX_ADDRESS_LENGTH = 40


class BadEventError(ValueError):
    """The event lacks what the function reads; the message names the field."""


@dataclass(frozen=True, slots=True)
class ContactEndpoints:
    """The parts of Connect's contact-flow event this function reads (the rest is ignored).

    Read by hand rather than with the Powertools parser or data classes: pydantic, or the data
    classes package, would add 25-50 ms to every cold start of the one function a caller waits on.
    """

    contact_id: str
    dialed: str
    caller: str

    @classmethod
    def from_event(cls, event: Any) -> ContactEndpoints:
        contact = _member(_member(event, "Details"), "ContactData", "Details.")
        dialed = _member(contact, "SystemEndpoint", "Details.ContactData.")
        customer = contact.get("CustomerEndpoint") or {}
        contact_id = contact.get("ContactId") or ""
        return cls(
            contact_id=contact_id if isinstance(contact_id, str) else "",
            dialed=_address(dialed.get("Address"), "Details.ContactData.SystemEndpoint.Address", required=True),
            caller=_address(
                customer.get("Address") if isinstance(customer, dict) else None,
                "Details.ContactData.CustomerEndpoint.Address",
                required=False,
            ),
        )


def _member(parent: Any, key: str, path: str = "") -> dict[str, Any]:
    value = parent.get(key) if isinstance(parent, dict) else None
    if not isinstance(value, dict):
        raise BadEventError(f"{path}{key} is missing or not an object")
    return value


def _address(value: Any, path: str, *, required: bool) -> str:
    if value is None or value == "":
        if required:
            raise BadEventError(f"{path} is missing")
        return ""
    if not isinstance(value, str) or len(value) > MAX_ADDRESS_LENGTH:
        raise BadEventError(f"{path} must be text of at most {MAX_ADDRESS_LENGTH} characters")
    return value


@dataclass(frozen=True, slots=True)
class Environment:
    """What CDK sets for this function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})


@dataclass(frozen=True, slots=True)
class Dependencies:
    routes: RouteReader


@cache
def dependencies() -> Dependencies:
    """Built on the first call (cached for the container's life), keeping the module import cheap."""
    dynamodb = dynamodb_tables(DYNAMODB_CLIENT_CONFIG)
    return Dependencies(routes=RouteReader(dynamodb.Table(load_env(Environment).customer_table)))


def handle(event: Any, deps: Dependencies) -> dict[str, str]:
    """Parse the event, read the route (one GetItem), build the map; degrade to the fallback map."""
    attributes = _attributes(event, deps.routes)
    tracer().put_annotation(key="tenant_id", value=attributes["tenant_id"])
    return attributes


def _attributes(event: Any, routes: RouteReader) -> dict[str, str]:
    try:
        contact = ContactEndpoints.from_event(event)
    except BadEventError as exc:
        logger.warning("contact flow event unreadable", extra={"error": str(exc)})
        return _fallback("bad_event")
    dialed = contact.dialed
    logger.append_keys(contact_id=contact.contact_id, caller=mask_phone_number(contact.caller))
    metrics.add_metric(name="RouteLookups", unit=MetricUnit.Count, value=1)
    try:
        route = routes.get_route(dialed)
    except NotFoundError:
        logger.warning("no route for dialed number", extra={"dialed": mask_phone_number(dialed)})
        return _fallback("not_found")
    except CorruptItemError as exc:
        logger.error("routing record unreadable", extra={"error": str(exc), "dialed": mask_phone_number(dialed)})
        return _fallback("bad_route")
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


lambda_handler = lambda_entry(handle, dependencies, logger=logger, metrics=metrics)
