"""Numbers on the call path: a dialed number's routing record and the tenant that owns the number.

Configuration changes write both (configuration_repository); this reads them, and writes a route
directly for tests and repairs."""

from __future__ import annotations

from botocore.exceptions import ClientError

from telefonist.dal import keys
from telefonist.dal.customer_table import CustomerTable
from telefonist.dal.route_reader import RouteReader
from telefonist.models.route import Route


class NumberRouteRepository(CustomerTable):
    """`NUMBER#<e164>`: its `ROUTE` (the call path's one GetItem) and its `OWNER`."""

    def get_route(self, phone_number: str) -> Route:
        """Dialed number → the whole routing record, validated: one GetItem (1 round trip)."""
        return self._parse(Route, RouteReader(self._table).read_item(phone_number), "route").model

    def put_route(self, route: Route) -> None:
        """Write one routing record directly (tests, repairs); configuration changes write routes themselves."""
        self._put(keys.number_pk(route.phone_number), keys.ROUTE_SK, "route", route.model_dump(mode="json"), None)

    def delete_route(self, phone_number: str) -> None:
        self._delete(keys.number_pk(phone_number), keys.ROUTE_SK, "the number's route")

    def number_owner(self, phone_number: str) -> str | None:
        """The tenant a phone number belongs to, if any (1 round trip)."""
        try:
            item = self._table.get_item(Key={"pk": keys.number_pk(phone_number), "sk": keys.OWNER_SK}).get("Item")
        except ClientError as exc:
            raise self._translate(exc, "the number's owner") from exc
        return str(item["tenant_id"]) if item else None
