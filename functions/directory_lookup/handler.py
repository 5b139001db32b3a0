"""Directory lookup: an operator searches a customer's directory while the caller waits.

Two ways in, one search:
- API Gateway (REST, Cognito user pool authorizer): `GET /operator/tenants/{tenant_id}/directory?q=&limit=`,
  only for members of the `operators` group (who may read any customer);
- direct Lambda invoke: `{"tenant_id": "acme", "query": "åsa", "limit": 10}`.

And, for a call whose number named no customer, the list of customers to ask the caller about:
`GET /operator/tenants?limit=&cursor=` (operators only; id, name and numbers of each customer).
The same list, by the same code, for the operator company's finance team choosing whose billing to read
in Mina sidor: `GET /finance/tenants?limit=&cursor=` (finance group only).

The index of each customer's directory stays warm between invocations and is rebuilt when the
directory version (bumped by every self-service change) moves.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from http import HTTPStatus
from typing import Annotated, Any

import boto3
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field
from telefonist import config
from telefonist.clock import utc_now
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.errors import NotFoundError, RepositoryError
from telefonist.directory import (
    DirectoryIndexCache,
    DirectoryQuery,
    InvalidSearchError,
    PersonMatch,
    search_directory,
)
from telefonist.directory.customers import (
    DEFAULT_CUSTOMERS_PAGE,
    MAX_CUSTOMERS_PAGE,
    CustomerList,
    list_customers,
)
from telefonist.directory.search import DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_LENGTH, DirectoryResult
from telefonist.edge.errors import InvalidInputError, ResourceNotFoundError, problem_of
from telefonist.edge.identity import Group
from telefonist.edge.resolver import ROUTE_DOCS, SLUG_PATTERN, caller_of, edge_resolver, new_router, site_origin_of
from telefonist.observability import logger, metrics

ROUTE = "/operator/tenants/<tenant_id>/directory"
CUSTOMERS_ROUTE = "/operator/tenants"
FINANCE_CUSTOMERS_ROUTE = "/finance/tenants"
CARD_ROUTE = "/operator/tenants/<tenant_id>/directory/<person_id>"

router = new_router()


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


def _search(data: dict[str, Any]) -> DirectoryResult:
    request = DirectoryQuery.parse(data)
    result = search_directory(directory_cache(), request, utc_now())
    # Never the search text: it is people's names (SECURITY.md §2); its length is enough to debug.
    logger.info(
        "directory searched",
        tenant_id=request.tenant_id,
        query_chars=len(request.query),
        matches=result.count,
        version=result.directory_version,
    )
    metrics.add_metric(name="DirectorySearches", unit="Count", value=1)
    if not result.count:
        metrics.add_metric(name="DirectorySearchesWithoutMatch", unit="Count", value=1)
    return result


# Over HTTP the search's inputs are the path's tenant and the query string's `q` and `limit`.
_HTTP_FIELDS = {"tenant_id": "path.tenant_id", "query": "query.q", "limit": "query.limit"}


@router.get(ROUTE, tags=["operator"], summary="Search a customer's directory as you type (operators)", **ROUTE_DOCS)
def search_route(
    tenant_id: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="The customer")],
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_LENGTH, description="Name, department, keyword...")],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="How many people at most")] = DEFAULT_LIMIT,
) -> DirectoryResult:
    caller_of(router).require(Group.OPERATORS)
    try:
        return _search({"tenant_id": tenant_id, "query": q, "limit": limit})
    except InvalidSearchError as exc:
        metrics.add_metric(name="DirectorySearchesRefused", unit="Count", value=1)
        raise InvalidInputError.of(_HTTP_FIELDS.get(exc.field, exc.field), exc.message) from exc
    except NotFoundError as exc:
        raise ResourceNotFoundError(f"no customer {tenant_id}", field="path.tenant_id") from exc


@router.get(
    CARD_ROUTE,
    tags=["operator"],
    summary="One person's card by id: referral now, colleague, numbers (operators)",
    **ROUTE_DOCS,
)
def card_route(
    tenant_id: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="The customer")],
    person_id: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="A person of its directory")],
) -> PersonMatch:
    caller_of(router).require(Group.OPERATORS)
    try:
        card = directory_cache().get(tenant_id).card(person_id, utc_now())
    except NotFoundError as exc:
        raise ResourceNotFoundError(f"no customer {tenant_id}", field="path.tenant_id") from exc
    if card is None:
        raise ResourceNotFoundError(f"no person {person_id} in the customer's directory", field="path.person_id")
    logger.info("directory card read", tenant_id=tenant_id)
    return card


@cache
def customer_list() -> CustomerRepository:
    """The customer table for the list of customers (built on the first list, not by the search's cold start)."""
    return CustomerRepository(boto3.resource("dynamodb").Table(environment().customer_table_name))


CustomersLimit = Annotated[int, Query(ge=1, le=MAX_CUSTOMERS_PAGE, description="How many customers at most")]
CustomersCursor = Annotated[
    str | None, Query(min_length=1, max_length=1000, description="The `next_cursor` of the previous page")
]


def _customers(group: Group, limit: int, cursor: str | None) -> CustomerList:
    """The one list of customers behind both routes: the caller must be in `group`."""
    caller_of(router).require(group)
    result = list_customers(customer_list().page_customers, limit, cursor)
    logger.info("customers listed", group=group.value, count=len(result.items), more=result.next_cursor is not None)
    return result


@router.get(
    CUSTOMERS_ROUTE,
    tags=["operator"],
    summary="The customers, to ask a caller whose dialed number named none (operators)",
    **ROUTE_DOCS,
)
def customers_route(limit: CustomersLimit = DEFAULT_CUSTOMERS_PAGE, cursor: CustomersCursor = None) -> CustomerList:
    return _customers(Group.OPERATORS, limit, cursor)


@router.get(
    FINANCE_CUSTOMERS_ROUTE,
    tags=["operator"],
    summary="The customers, to choose whose billing to read (finance)",
    **ROUTE_DOCS,
)
def finance_customers_route(
    limit: CustomersLimit = DEFAULT_CUSTOMERS_PAGE, cursor: CustomersCursor = None
) -> CustomerList:
    return _customers(Group.FINANCE, limit, cursor)


app = edge_resolver(router, site_origin=site_origin_of(os.environ))


def _direct_error(exc: Exception) -> dict[str, Any]:
    """A direct invoke's refusal: the edge's status and body, flattened into the payload."""
    metrics.add_metric(name="DirectorySearchesRefused", unit="Count", value=1)
    problem = problem_of(exc)
    return {"status": problem.status.value, **problem.body()}


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    if isinstance(event, dict) and "httpMethod" in event and "requestContext" in event:
        return app.resolve(event, context)
    # Direct invoke: the same search and the same errors, as a status in the payload.
    try:
        if not isinstance(event, dict):  # None, a string, a list, a number: any JSON an invoke can carry
            raise InvalidSearchError("body", "must be a JSON object")
        return {"status": HTTPStatus.OK.value, **_search(event).model_dump(mode="json")}
    except NotFoundError:
        return _direct_error(ResourceNotFoundError(f"no customer {event.get('tenant_id')}", field="tenant_id"))
    except (InvalidSearchError, RepositoryError) as exc:
        return _direct_error(exc)
