"""functions/notify: the operator submits a message for a person of a customer's directory.

Through API Gateway (REST proxy with Cognito claims; operators group only):
`POST /tenants/{tenant_id}/messages` submits,
`GET /tenants/{tenant_id}/people/{person_id}/message-form?common_number_id=` shows the operator the
channels, the customer's "how should we take messages?" and its required fields. The message is
validated, rendered, stored as queued and queued for the sender (functions/notify_sender); a
repeated submit with the same tenant and request id returns the first result and sends nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any

import boto3
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer
from aws_lambda_powertools.utilities.typing import LambdaContext
from telefonist import config
from telefonist.dal.clients import LazyClient
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.message_repository import MessageRepository
from telefonist.dal.message_template_repository import MessageTemplateRepository
from telefonist.dal.notify_adapters import DirectoryPeople, SqsMessageQueue
from telefonist.dal.table import dynamodb_tables
from telefonist.edge.context import deps_of, resolve_with
from telefonist.edge.errors import problem_of
from telefonist.edge.identity import Group
from telefonist.edge.resolver import SLUG_PATTERN, TaggedRoutes, caller_of, edge_resolver, new_router, site_origin_of
from telefonist.environment import load_env
from telefonist.notify.models import MessageForm, MessageInput, MessageRequest, SubmitResult
from telefonist.notify.service import NotifyService
from telefonist.observability import logger, metrics

from functions import first_invocation, imports_done

ROUTE = "/tenants/<tenant_id>/messages"
FORM_ROUTE = "/tenants/<tenant_id>/people/<person_id>/message-form"
IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Environment:
    """What CDK sets for this function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
    message_table: str = field(metadata={"env": config.ENV_MESSAGE_TABLE})
    idempotency_table: str = field(metadata={"env": config.ENV_IDEMPOTENCY_TABLE})
    queue_url: str = field(metadata={"env": config.ENV_NOTIFY_QUEUE_URL})


@dataclass(frozen=True)
class Dependencies:
    service: NotifyService
    idempotency: IdempotencyConfig
    submit: Any  # NotifyService.submit wrapped by Powertools Idempotency


@cache
def dependencies() -> Dependencies:
    """Clients, repositories and the idempotent submit: built once per cold start."""
    env = load_env(Environment)
    dynamodb = dynamodb_tables()
    customer_table = dynamodb.Table(env.customer_table)
    service = NotifyService(
        people=DirectoryPeople(CustomerRepository(customer_table), MessageTemplateRepository(customer_table)),
        log=MessageRepository(dynamodb.Table(env.message_table)),
        queue=SqsMessageQueue(LazyClient("sqs"), env.queue_url),  # a submit's, not the message form's
    )
    idempotency = IdempotencyConfig(
        event_key_jmespath="[tenant_id, request_id]",
        # The whole validated request: a reused request id with any other content is a 409.
        payload_validation_jmespath="@",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS,
    )
    submit = idempotent_function(
        data_keyword_argument="request",
        # a client of the default session, whose service models are loaded already: the layer would
        # otherwise open a boto3 session of its own and read them again (~0.1 s CPU). Not the tables'
        # client: that one serialises Python values itself, the layer hands it DynamoDB JSON.
        persistence_store=DynamoDBPersistenceLayer(
            table_name=env.idempotency_table, boto3_client=boto3.client("dynamodb")
        ),
        config=idempotency,
        output_serializer=PydanticSerializer(SubmitResult),
        key_prefix="notify.submit",
    )(_submit_with(service))
    return Dependencies(service=service, idempotency=idempotency, submit=submit)


def _submit_with(service: NotifyService) -> Any:
    def submit(request: MessageRequest) -> SubmitResult:
        result = service.submit(request)
        metrics.add_metric(name="MessagesQueued", unit="Count", value=1)
        logger.info(
            "message queued",
            extra={
                "tenant_id": request.tenant_id,
                "message_id": result.message_id,
                "channels": [c.value for c in result.channels],
            },
        )
        return result

    return submit


def _refused(exc: Exception) -> None:
    problem = problem_of(exc)
    metrics.add_metric(name="MessagesRefused" if problem.status < 500 else "MessagesNotAccepted", unit="Count", value=1)
    logger.info("message refused", extra={"status": problem.status.value, "field": problem.body().get("field")})


router = new_router()
operator = TaggedRoutes(router, "operator")
TenantPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="The customer")]


@operator.post(ROUTE, "Send a message to a person (operators)")
def post_message(tenant_id: TenantPath, body: MessageInput) -> Response[SubmitResult]:
    caller_of(router).require(Group.OPERATORS)
    try:
        request = MessageRequest.model_validate({**body.model_dump(), "tenant_id": tenant_id})
        result: SubmitResult = deps_of(Dependencies).submit(request=request)
    except Exception as exc:
        _refused(exc)
        raise
    return Response(202, content_types.APPLICATION_JSON, result)


@operator.get(FORM_ROUTE, "Before typing: the channels a message will take and what this customer asks for (operators)")
def get_message_form(
    tenant_id: TenantPath,
    person_id: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63)],
    common_number_id: Annotated[str | None, Query(pattern=SLUG_PATTERN, max_length=63)] = None,
) -> MessageForm:
    caller_of(router).require(Group.OPERATORS)
    return deps_of(Dependencies).service.message_form(tenant_id, person_id, common_number_id)


app = edge_resolver(router, site_origin=site_origin_of(os.environ))


def handle(event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
    return resolve_with(app, deps, event)


@first_invocation
@logger.inject_lambda_context(clear_state=True, log_event=False)  # events hold numbers and texts
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    deps = dependencies()
    deps.idempotency.register_lambda_context(context)  # the remaining time bounds an in-progress record
    return handle(event, deps)


imports_done()  # the end of the cold start's imports (functions/__init__.py)
