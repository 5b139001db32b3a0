"""Directory lookup: an operator searches a customer's directory while the caller waits.

API Gateway (REST, Cognito user pool authorizer): `GET /operator/tenants/{tenant_id}/directory?q=&limit=`,
only for members of the `operators` group (who may read any customer); one person's card by id.

And, for a call whose number named no customer, the list of customers to ask the caller about:
`GET /operator/tenants?limit=&cursor=` (operators only; id, name and numbers of each customer).
The same list, by the same code, for the operator company's finance team choosing whose billing to read
in Mina sidor: `GET /finance/tenants?limit=&cursor=` (finance group only).

The index of each customer's directory stays warm between invocations and is rebuilt when the
directory version (bumped by every self-service change) moves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from telefonist import config
from telefonist.clock import utc_now
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.table import dynamodb_tables
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
from telefonist.edge.context import deps_of, resolve_with
from telefonist.edge.errors import InvalidInputError, ResourceNotFoundError
from telefonist.edge.identity import Group
from telefonist.edge.resolver import SLUG_PATTERN, TaggedRoutes, caller_of, edge_resolver, new_router, site_origin_of
from telefonist.environment import load_env
from telefonist.observability import logger, metrics
from telefonist.ports.store import NotFoundError

from functions import lambda_entry

ROUTE = "/operator/tenants/<tenant_id>/directory"
CUSTOMERS_ROUTE = "/operator/tenants"
FINANCE_CUSTOMERS_ROUTE = "/finance/tenants"
CARD_ROUTE = "/operator/tenants/<tenant_id>/directory/<person_id>"

router = new_router()
operator = TaggedRoutes(router, "operator")


@dataclass(frozen=True)
class Environment:
    """What CDK sets for this function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
    cache_seconds: float = field(
        default=300.0, metadata={"env": config.ENV_DIRECTORY_CACHE_SECONDS, "pattern": r"(?=.*[1-9])\d+(\.\d+)?"}
    )
    version_check_seconds: float = field(default=1.0, metadata={"env": config.ENV_DIRECTORY_VERSION_CHECK_SECONDS})


@dataclass(frozen=True)
class Dependencies:
    directory: DirectoryIndexCache  # the warm indexes of this container
    customers: CustomerRepository  # the list of customers


@cache
def dependencies() -> Dependencies:
    env = load_env(Environment)
    repo = CustomerRepository(dynamodb_tables().Table(env.customer_table))
    directory = DirectoryIndexCache(
        repo, max_age_seconds=env.cache_seconds, version_check_seconds=env.version_check_seconds
    )
    return Dependencies(directory=directory, customers=repo)


def _deps() -> Dependencies:
    return deps_of(Dependencies)


def _search(data: dict[str, Any]) -> DirectoryResult:
    request = DirectoryQuery.parse(data)
    result = search_directory(_deps().directory, request, utc_now())
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


@operator.get(ROUTE, "Search a customer's directory as you type (operators)")
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


@operator.get(CARD_ROUTE, "One person's card by id: referral now, colleague, numbers (operators)")
def card_route(
    tenant_id: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="The customer")],
    person_id: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="A person of its directory")],
) -> PersonMatch:
    caller_of(router).require(Group.OPERATORS)
    try:
        card = _deps().directory.get(tenant_id).card(person_id, utc_now())
    except NotFoundError as exc:
        raise ResourceNotFoundError(f"no customer {tenant_id}", field="path.tenant_id") from exc
    if card is None:
        raise ResourceNotFoundError(f"no person {person_id} in the customer's directory", field="path.person_id")
    logger.info("directory card read", tenant_id=tenant_id)
    return card


CustomersLimit = Annotated[int, Query(ge=1, le=MAX_CUSTOMERS_PAGE, description="How many customers at most")]
CustomersCursor = Annotated[
    str | None, Query(min_length=1, max_length=1000, description="The `next_cursor` of the previous page")
]


def _customers(group: Group, limit: int, cursor: str | None) -> CustomerList:
    """The one list of customers behind both routes: the caller must be in `group`."""
    caller_of(router).require(group)
    result = list_customers(_deps().customers.page_customers, limit, cursor)
    logger.info("customers listed", group=group.value, count=len(result.items), more=result.next_cursor is not None)
    return result


@operator.get(CUSTOMERS_ROUTE, "The customers, to ask a caller whose dialed number named none (operators)")
def customers_route(limit: CustomersLimit = DEFAULT_CUSTOMERS_PAGE, cursor: CustomersCursor = None) -> CustomerList:
    return _customers(Group.OPERATORS, limit, cursor)


@operator.get(FINANCE_CUSTOMERS_ROUTE, "The customers, to choose whose billing to read (finance)")
def finance_customers_route(
    limit: CustomersLimit = DEFAULT_CUSTOMERS_PAGE, cursor: CustomersCursor = None
) -> CustomerList:
    return _customers(Group.FINANCE, limit, cursor)


app = edge_resolver(router, site_origin=site_origin_of(os.environ))


def handle(event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
    return resolve_with(app, deps, event)


lambda_handler = lambda_entry(handle, dependencies, logger=logger, metrics=metrics)
