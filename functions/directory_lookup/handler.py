"""Directory lookup: an operator searches a customer's directory while the caller waits.

Two ways in, one search:
- API Gateway (REST, Cognito user pool authorizer): `GET /operator/tenants/{tenant_id}/directory?q=&limit=`,
  only for members of the `operators` group (who may read any customer);
- direct Lambda invoke: `{"tenant_id": "acme", "query": "åsa", "limit": 10}`.

The index of each customer's directory stays warm between invocations and is rebuilt when the
directory version (bumped by every self-service change) moves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache
from http import HTTPStatus
from typing import Any

import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field
from telefonist import config
from telefonist.clock import utc_now
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.errors import NotFoundError, RepositoryError
from telefonist.directory import DirectoryIndexCache, DirectoryQuery, InvalidSearchError, search_directory
from telefonist.observability import logger, metrics, redact

OPERATORS_GROUP = "operators"
ROUTE = "/operator/tenants/<tenant_id>/directory"

app = APIGatewayRestResolver()


class Environment(BaseModel):
    """What CDK sets; validated once per warm container."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    customer_table_name: str = Field(min_length=1)
    cache_seconds: float = Field(default=300.0, gt=0)
    version_check_seconds: float = Field(default=1.0, ge=0)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Environment:
        names = {
            "customer_table_name": config.ENV_CUSTOMER_TABLE,
            "cache_seconds": config.ENV_DIRECTORY_CACHE_SECONDS,
            "version_check_seconds": config.ENV_DIRECTORY_VERSION_CHECK_SECONDS,
        }
        return cls.model_validate({field: environ[name] for field, name in names.items() if name in environ})


class ForbiddenError(Exception):
    """The caller is authenticated but not an operator."""


@cache
def environment() -> Environment:
    return Environment.from_environ(os.environ)


@cache
def directory_cache() -> DirectoryIndexCache:
    """The warm indexes of this container (one repository, one boto3 resource, built once)."""
    env = environment()
    table = boto3.resource("dynamodb").Table(env.customer_table_name)
    return DirectoryIndexCache(
        CustomerRepository(table),
        max_age_seconds=env.cache_seconds,
        version_check_seconds=env.version_check_seconds,
    )


def _groups(claims: dict[str, Any]) -> set[str]:
    """`cognito:groups` as API Gateway passes it: a list, "a,b", or "[a b]" (array claims as strings)."""
    value = claims.get("cognito:groups") or ""
    if isinstance(value, list):
        return {str(group) for group in value}
    return {group for group in re.split(r"[\s,\[\]]+", str(value)) if group}


def _search(data: dict[str, Any]) -> dict[str, Any]:
    request = DirectoryQuery.parse(data)
    result = search_directory(directory_cache(), request, utc_now())
    logger.info(
        "directory searched",
        tenant_id=request.tenant_id,
        query=redact(request.query),
        matches=result.count,
        version=result.directory_version,
    )
    metrics.add_metric(name="DirectorySearches", unit="Count", value=1)
    if not result.count:
        metrics.add_metric(name="DirectorySearchesWithoutMatch", unit="Count", value=1)
    return result.model_dump(mode="json")


@app.get(ROUTE)
def search_route(tenant_id: str) -> dict[str, Any]:
    claims = app.current_event.request_context.authorizer.claims or {}
    if OPERATORS_GROUP not in _groups(claims):
        raise ForbiddenError(f"only the {OPERATORS_GROUP} group may search a customer's directory")
    params = app.current_event.query_string_parameters or {}
    data: dict[str, Any] = {"tenant_id": tenant_id, "query": params.get("q", "")}
    if "limit" in params:
        data["limit"] = params["limit"]
    return _search(data)


def _error(exc: Exception) -> tuple[HTTPStatus, dict[str, Any]]:
    """The one mapping of domain errors to HTTP statuses (by type, never by message)."""
    metrics.add_metric(name="DirectorySearchesRefused", unit="Count", value=1)
    if isinstance(exc, InvalidSearchError):
        return HTTPStatus.BAD_REQUEST, {"message": str(exc), "field": exc.field}
    if isinstance(exc, NotFoundError):
        return HTTPStatus.NOT_FOUND, {"message": f"tenant_id: {exc}", "field": "tenant_id"}
    if isinstance(exc, ForbiddenError):
        return HTTPStatus.FORBIDDEN, {"message": str(exc)}
    logger.exception("directory unavailable")
    return HTTPStatus.SERVICE_UNAVAILABLE, {"message": "the directory is unavailable, try again"}


def handle_domain_error(exc: Exception) -> Response[Any]:
    status, body = _error(exc)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


# Registered by call rather than as a decorator: Powertools' decorator is untyped.
app.exception_handler([InvalidSearchError, NotFoundError, ForbiddenError, RepositoryError])(handle_domain_error)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "httpMethod" in event and "requestContext" in event:
        return app.resolve(event, context)
    # Direct invoke: the same search and the same errors, as a status in the payload.
    try:
        return {"status": HTTPStatus.OK.value, **_search(event)}
    except (InvalidSearchError, NotFoundError, RepositoryError) as exc:
        status, body = _error(exc)
        return {"status": status.value, **body}
