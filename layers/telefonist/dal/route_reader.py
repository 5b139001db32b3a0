"""The inbound call path's only read: dialed number → routing record, one GetItem.

Kept apart from CustomerRepository, and free of pydantic, so the contact-flow function's cold
start pays for boto3 and little else.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from telefonist.dal import keys
from telefonist.dal.errors import translate_client_error
from telefonist.inbound.route_view import MalformedRouteError, RouteView, route_view_from_item
from telefonist.ports.store import CorruptItemError, NotFoundError


class RouteReader:
    def __init__(self, table: Any) -> None:
        self._table = table

    def read_item(self, phone_number: str) -> dict[str, Any]:
        """The stored routing record of a dialed number: one GetItem (1 round trip)."""
        key = {"pk": keys.number_pk(phone_number), "sk": keys.ROUTE_SK}
        try:
            item = self._table.get_item(Key=key).get("Item")
        except ClientError as exc:
            raise translate_client_error(exc, "number") from exc
        if item is None:
            raise NotFoundError("number not found")
        return dict(item)

    def get_route(self, phone_number: str) -> RouteView:
        """Dialed number → what the operator needs for the call; a malformed record is a CorruptItemError."""
        item = self.read_item(phone_number)
        try:
            return route_view_from_item(item)
        except MalformedRouteError as exc:
            raise CorruptItemError(f"stored route is invalid at {exc.path}") from exc
