"""functions/transfer: the operator sets where "Koppla vidare" sends the caller (operators only).

`PUT /operator/tenants/{tenant_id}/contacts/{contact_id}/transfer` with `{person_id, number, mode}`:
the number must be one of that person's in the directory of the contact's own customer; it is
set on the contact as `transfer_to` (and `transfer_mode`) with Connect's UpdateContactAttributes,
and the page then starts the transfer quick connect, whose flow dials it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from telefonist import config
from telefonist.caller_history import CallerHistory, HistoryLookup, MessageLeft, MessageRecorded
from telefonist.caller_history.service import CallerHistoryService
from telefonist.edge.context import deps_of, resolve_with
from telefonist.edge.identity import Group
from telefonist.edge.resolver import SLUG_PATTERN, TaggedRoutes, caller_of, edge_resolver, new_router, site_origin_of
from telefonist.environment import MissingEnvironment, load_env
from telefonist.observability import logger, metrics
from telefonist.transfer import ContactAttributes, TransferInput, TransferResult, TransferService

from functions import lambda_entry

ROUTE = "/operator/tenants/<tenant_id>/contacts/<contact_id>/transfer"
MESSAGE_ROUTE = "/operator/tenants/<tenant_id>/contacts/<contact_id>/message"
HISTORY_ROUTE = "/operator/tenants/<tenant_id>/caller-history"
CONTACT_ID_PATTERN = r"^[0-9a-fA-F-]{36}$"
# The path parameters every operator route of this function shares.
TenantId = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="The contact's customer")]
ContactId = Annotated[str, Path(pattern=CONTACT_ID_PATTERN, description="The contact in Amazon Connect")]


@dataclass(frozen=True)
class Environment:
    """What CDK sets for this function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
    statistics_table: str = field(metadata={"env": config.ENV_STATISTICS_TABLE})
    caller_key_id: str = field(metadata={"env": config.ENV_CALLER_KEY_ID})
    # Unset only where contacts are simulated (`telefonist serve`, tests: they `wire` their own).
    connect_instance_arn: str | None = field(default=None, metadata={"env": config.ENV_CONNECT_INSTANCE_ARN})


@dataclass(frozen=True)
class Dependencies:
    transfers: TransferService
    history: CallerHistoryService


def wire(env: Environment, contacts: ContactAttributes) -> Dependencies:
    """The function's services around a contact store: Amazon Connect in Lambda, simulated calls locally."""
    from telefonist.dal.caller_history import CallerHistoryRepository, KmsTenantKeys
    from telefonist.dal.clients import LazyClient
    from telefonist.dal.directory_repository import DirectoryRepository
    from telefonist.dal.table import dynamodb_tables

    dynamodb = dynamodb_tables()
    repo = DirectoryRepository(dynamodb.Table(env.customer_table))  # people only: not the whole table's classes
    # KMS only for a caller-history lookup, not a transfer's or a message's record (~0.01-0.03 s CPU)
    keys = KmsTenantKeys(LazyClient("kms"), env.caller_key_id)
    return Dependencies(
        transfers=TransferService(
            lambda tenant_id, person_id: repo.get_person(tenant_id, person_id)[0].model, contacts
        ),
        history=CallerHistoryService(CallerHistoryRepository(dynamodb.Table(env.statistics_table), keys), contacts),
    )


@cache
def dependencies() -> Dependencies:
    import boto3
    from telefonist.dal.connect_contacts import ConnectContactAttributes

    env = load_env(Environment)
    if not env.connect_instance_arn:
        raise MissingEnvironment([config.ENV_CONNECT_INSTANCE_ARN])
    return wire(env, ConnectContactAttributes(boto3.client("connect"), env.connect_instance_arn.rsplit("/", 1)[-1]))


def _deps() -> Dependencies:
    return deps_of(Dependencies)


router = new_router()
operator = TaggedRoutes(router, "operator")


@operator.put(ROUTE, "Set the number 'Koppla vidare' dials: one of the person's, in the contact's customer's directory")
def put_transfer(tenant_id: TenantId, contact_id: ContactId, body: TransferInput) -> TransferResult:
    caller_of(router).require(Group.OPERATORS)
    result = _deps().transfers.set_target(tenant_id, contact_id, body)
    _deps().history.transferred(tenant_id, contact_id, result.person_id)
    metrics.add_metric(name=f"Transfers_{result.transfer_mode.value}", unit="Count", value=1)
    logger.info("transfer target set", extra={"tenant_id": tenant_id, "mode": result.transfer_mode.value})
    return result


@operator.post(
    HISTORY_ROUTE,
    "The caller's earlier contacts with this customer in the last 30 days (the number in the body, hashed)",
)
def post_caller_history(tenant_id: TenantId, body: HistoryLookup) -> CallerHistory:
    caller_of(router).require(Group.OPERATORS)
    found = _deps().history.look_up(tenant_id, body)
    metrics.add_metric(name="CallerHistoryLookups", unit="Count", value=1)
    logger.info("caller history read", extra={"tenant_id": tenant_id, "earlier": len(found.items)})
    return found


@operator.put(
    MESSAGE_ROUTE, "A message was left for a person on this contact: its channels on the contact, the caller history"
)
def put_message_left(tenant_id: TenantId, contact_id: ContactId, body: MessageLeft) -> MessageRecorded:
    caller_of(router).require(Group.OPERATORS)
    recorded = _deps().history.message_left(tenant_id, contact_id, body)
    logger.info("message recorded on contact", extra={"tenant_id": tenant_id, "channels": recorded.message_channels})
    return recorded


app = edge_resolver(router, site_origin=site_origin_of(os.environ))


def handle(event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
    return resolve_with(app, deps, event)


lambda_handler = lambda_entry(handle, dependencies, logger=logger, metrics=metrics)
