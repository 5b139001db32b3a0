"""The operators' list of customers: for a call whose dialed number named none (a fallback call).

The operator asks the caller which company they are calling and picks it from this list; the
directory search then runs in that customer's directory. The list is the `CUSTOMERS` partition of
the customer table (one small entry per customer, written with its configuration): a bounded
page in customer-id order with an opaque cursor, as every list of the API. Offboarded customers
are left out. It never holds door codes, people or scripts.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from telefonist.models.customer_entry import CustomerEntry
from telefonist.ports.store import Page

# The cursor's scope: the list of customers, not one customer's own list.
CURSOR_SCOPE = "customers"
ENTRY_PREFIX = "TENANT#"
DEFAULT_CUSTOMERS_PAGE = 100
MAX_CUSTOMERS_PAGE = 100

CustomerPages = Callable[[int, str | None], Page[CustomerEntry]]
"""(limit, sort key to continue after) → one page of customer entries (CustomerRepository.page_customers)."""


class CustomerNumberView(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    phone_number: str = Field(description="E.164")
    common_number_name: str = Field(description='What calls to the number are answered as ("Växel", "Support")')


class CustomerView(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    name: str
    numbers: list[CustomerNumberView]


class CustomerList(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    items: list[CustomerView]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null at the end of the list")


def list_customers(pages: CustomerPages, limit: int, cursor: str | None) -> CustomerList:
    """One page of the customers; a cursor not given out by this list is a 400 naming `query.cursor`."""
    # Imported here: the self-service package is large, and the directory search's cold start never needs it.
    from telefonist.self_service.pagination import decode_cursor, fit_page

    page = pages(limit, decode_cursor(cursor, CURSOR_SCOPE, ENTRY_PREFIX))
    views = [
        CustomerView(
            tenant_id=entry.tenant_id,
            name=entry.name,
            numbers=[
                CustomerNumberView(phone_number=n.phone_number, common_number_name=n.common_number_name)
                for n in entry.numbers
            ],
        )
        for _, entry in page.items
    ]
    items, next_cursor = fit_page(views, [key for key, _ in page.items], page.more, CURSOR_SCOPE)
    return CustomerList(items=items, next_cursor=next_cursor)
