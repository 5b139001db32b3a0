"""The operators' list of customers (`CUSTOMERS` / `TENANT#<id>`): one small entry per customer,
written with its configuration (configuration_repository), read here a page at a time."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from telefonist.dal import keys
from telefonist.dal.customer_table import CustomerTable
from telefonist.models.customer_entry import CustomerEntry
from telefonist.models.status import TenantStatus
from telefonist.ports.store import Page


class CustomerListRepository(CustomerTable):
    """The `CUSTOMERS` partition: a page of customer entries, no scan."""

    def page_customers(self, limit: int, after: str | None) -> Page[CustomerEntry]:
        """The operators' list of customers in id order, offboarded ones left out (1 round trip per MB).

        `after` is the sort key (`TENANT#<id>`) of the last entry of the previous page.
        """
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.CUSTOMER_LIST_PK),
            "FilterExpression": Attr("status").ne(TenantStatus.OFFBOARDED.value),
            "Limit": limit + 1,
        }
        if after is not None:
            query["ExclusiveStartKey"] = {"pk": keys.CUSTOMER_LIST_PK, "sk": after}
        found: list[dict[str, Any]] = []
        for item in self._query(**query):
            found.append(item)
            if len(found) > limit:
                break
        entries = [(str(i["sk"]), self._parse(CustomerEntry, i, "customer entry").model) for i in found[:limit]]
        return Page(entries, len(found) > limit)
