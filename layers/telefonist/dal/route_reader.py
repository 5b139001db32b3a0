"""The inbound call path's only read: dialed number → routing record, one GetItem.

Kept apart from CustomerRepository so the contact-flow function imports just the route model.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from telefonist.dal import keys
from telefonist.dal.errors import NotFoundError
from telefonist.dal.items import parse_item, translate_client_error
from telefonist.models.route import Route


class RouteReader:
    def __init__(self, table: Any) -> None:
        self._table = table

    def get_route(self, phone_number: str) -> Route:
        """Dialed number → customer, common number and script: one GetItem (1 round trip)."""
        key = {"pk": keys.number_pk(phone_number), "sk": keys.ROUTE_SK}
        try:
            item = self._table.get_item(Key=key).get("Item")
        except ClientError as exc:
            raise translate_client_error(exc, "number") from exc
        if item is None:
            raise NotFoundError("number not found")
        return parse_item(Route, dict(item), "route").model
