"""functions/notify: the operator submits a message for a person of a customer's directory.

Invoked directly (the event is the message request) or through API Gateway (REST proxy with
Cognito claims; operators group only): `POST /tenants/{tenant_id}/messages` submits,
`GET /tenants/{tenant_id}/people/{person_id}/message-form?common_number_id=` shows the operator
the channels, the customer's "how should we take messages?" and its required fields. The message is
validated, rendered, stored as queued and queued for the sender (functions/notify_sender); a
repeated submit with the same tenant and request id returns the first result and sends nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import ForbiddenError
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field, ValidationError
from telefonist import config
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.errors import RepositoryError
from telefonist.dal.message_repository import MessageRepository
from telefonist.dal.message_template_repository import MessageTemplateRepository
from telefonist.dal.notify_adapters import DirectoryPeople, SqsMessageQueue
from telefonist.notify.errors import InvalidMessage, MessageNotAccepted, PersonNotFound
from telefonist.notify.models import MessageRequest, SubmitResult
from telefonist.notify.service import NotifyService
from telefonist.observability import logger, metrics

OPERATORS_GROUP = "operators"
ROUTE = "/tenants/<tenant_id>/messages"
FORM_ROUTE = "/tenants/<tenant_id>/people/<person_id>/message-form"
IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600


class SubmitEnvironment(BaseModel):
    """What CDK sets for this function; validated once per cold start."""

    customer_table: str = Field(min_length=1)
    message_table: str = Field(min_length=1)
    idempotency_table: str = Field(min_length=1)
    queue_url: str = Field(min_length=1)

    @classmethod
    def from_environ(cls) -> SubmitEnvironment:
        return cls.model_validate({field: os.environ.get(var) for field, var in _ENVIRONMENT.items()})


_ENVIRONMENT = {
    "customer_table": config.ENV_CUSTOMER_TABLE,
    "message_table": config.ENV_MESSAGE_TABLE,
    "idempotency_table": config.ENV_IDEMPOTENCY_TABLE,
    "queue_url": config.ENV_NOTIFY_QUEUE_URL,
}


@dataclass(frozen=True)
class Runtime:
    service: NotifyService
    idempotency: IdempotencyConfig
    submit: Any  # NotifyService.submit wrapped by Powertools Idempotency


@cache
def runtime() -> Runtime:
    """Clients, repositories and the idempotent submit: built once per cold start."""
    env = SubmitEnvironment.from_environ()
    dynamodb = boto3.resource("dynamodb")
    customer_table = dynamodb.Table(env.customer_table)
    service = NotifyService(
        people=DirectoryPeople(CustomerRepository(customer_table), MessageTemplateRepository(customer_table)),
        log=MessageRepository(dynamodb.Table(env.message_table)),
        queue=SqsMessageQueue(boto3.client("sqs"), env.queue_url),
    )
    idempotency = IdempotencyConfig(
        event_key_jmespath="[tenant_id, request_id]",
        payload_validation_jmespath="[person_id, text, channel, urgency, callback_wanted]",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS,
    )
    submit = idempotent_function(
        data_keyword_argument="request",
        persistence_store=DynamoDBPersistenceLayer(table_name=env.idempotency_table),
        config=idempotency,
        output_serializer=PydanticSerializer(SubmitResult),
        key_prefix="notify.submit",
    )(_submit_with(service))
    return Runtime(service=service, idempotency=idempotency, submit=submit)


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


def problem(exc: Exception) -> tuple[int, dict[str, Any]]:
    """An exception as an HTTP status and a body naming the field; one place for every mapping."""
    if isinstance(exc, ValidationError):
        errors = [
            {"field": ".".join(str(part) for part in error["loc"]) or "body", "message": error["msg"]}
            for error in exc.errors(include_input=False, include_url=False)
        ]
        return 400, {"field": errors[0]["field"], "message": errors[0]["message"], "errors": errors}
    if isinstance(exc, InvalidMessage):
        return 400, {"field": exc.field, "message": exc.reason}
    if isinstance(exc, PersonNotFound):
        return 404, {"field": exc.field, "message": str(exc)}
    if isinstance(exc, IdempotencyValidationError):
        return 409, {"field": "request_id", "message": "request_id was already used for a different message"}
    if isinstance(exc, IdempotencyAlreadyInProgressError):
        return 409, {"field": "request_id", "message": "this request is being processed; retry in a moment"}
    if isinstance(exc, MessageNotAccepted | RepositoryError):
        return 503, {"message": "the message could not be accepted; nothing was sent, submit again"}
    raise exc


def _refused(exc: Exception) -> tuple[int, dict[str, Any]]:
    status, body = problem(exc)
    metrics.add_metric(name="MessagesRefused" if status < 500 else "MessagesNotAccepted", unit="Count", value=1)
    logger.info("message refused", extra={"status": status, "field": body.get("field")})
    return status, body


app = APIGatewayRestResolver()


def _require_operator() -> None:
    claims = app.current_event.request_context.authorizer.claims or {}
    groups = claims.get("cognito:groups", "")
    names = groups if isinstance(groups, list) else str(groups).replace(",", " ").strip("[]").split()
    if OPERATORS_GROUP not in names:
        raise ForbiddenError("only operators send messages")


@app.post(ROUTE)
def post_message(tenant_id: str) -> Response[str]:
    _require_operator()
    try:
        body = json.loads(app.current_event.body or "")
    except json.JSONDecodeError as exc:
        raise InvalidMessage("body", "must be a JSON object") from exc
    if not isinstance(body, dict):
        raise InvalidMessage("body", "must be a JSON object")
    result: SubmitResult = runtime().submit(request=MessageRequest.model_validate({**body, "tenant_id": tenant_id}))
    return Response(202, content_types.APPLICATION_JSON, result.model_dump_json())


@app.get(FORM_ROUTE)
def get_message_form(tenant_id: str, person_id: str) -> Response[str]:
    """Before typing: the channels the message will take and what this customer asks for."""
    _require_operator()
    common_number_id = app.current_event.get_query_string_value("common_number_id")
    form = runtime().service.message_form(tenant_id, person_id, common_number_id)
    return Response(200, content_types.APPLICATION_JSON, form.model_dump_json())


def _problem_response(exc: Exception) -> Response[str]:
    status, body = _refused(exc)
    return Response(status, content_types.APPLICATION_JSON, json.dumps(body, ensure_ascii=False))


app.exception_handler(
    [
        ValidationError,
        InvalidMessage,
        PersonNotFound,
        MessageNotAccepted,
        RepositoryError,
        IdempotencyValidationError,
        IdempotencyAlreadyInProgressError,
    ]
)(_problem_response)


def submit_direct(event: dict[str, Any]) -> dict[str, Any]:
    """A direct invoke: the event is the request; the answer carries an HTTP-like status."""
    try:
        result: SubmitResult = runtime().submit(request=MessageRequest.model_validate(event))
    except Exception as exc:
        status, body = _refused(exc)
        return {"status_code": status, "error": body}
    return {"status_code": 202, **result.model_dump(mode="json")}


@logger.inject_lambda_context(clear_state=True, log_event=False)  # events hold numbers and texts
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    runtime().idempotency.register_lambda_context(context)
    if "httpMethod" in event and "requestContext" in event:
        return app.resolve(event, context)
    return submit_direct(event)
