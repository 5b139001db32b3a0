"""The customer table's shared base: its client, clock and secrets, and the conditional put, get,
delete, query and page that every repository over the table uses (keys designed in `keys.py`).

One class per aggregate derives from `CustomerTable` (configuration_repository, number_routes,
directory_repository, price_list_repository, audit_repository, customer_list); `CustomerRepository`
composes them. Items are the models' JSON dumps plus keys and a version for optimistic concurrency.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from telefonist.clock import utc_now
from telefonist.dal import keys
from telefonist.dal.errors import translate_client_error
from telefonist.dal.items import parse_item
from telefonist.dal.secrets import SecretCodec
from telefonist.ports.store import NotFoundError

MAX_TRANSACTION_ITEMS = 100  # DynamoDB's TransactWriteItems limit


class CustomerTable:
    """One table, its client and clock: what every repository of the customer table shares;
    raises the domain's errors (telefonist.ports.store), never ClientError."""

    def __init__(
        self,
        table: Any,
        secrets: SecretCodec | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._table = table
        # The resource's client serialises native Python values itself (boto3's transformation).
        self._client = table.meta.client
        self._secrets = secrets
        self._clock = clock

    @property
    def table(self) -> Any:
        """The customer table (for the repositories of the other items it holds: message templates)."""
        return self._table

    # ---------------------------------------------------------------- generic item helpers
    def _put(self, pk: str, sk: str, entity: str, body: dict[str, Any], expected_version: int | None) -> int:
        """Put an item; expected_version None writes blind, 0 requires absence, n requires version n."""
        new_version, condition = self._version_condition(expected_version)
        item = {**body, "pk": pk, "sk": sk, "entity": entity, "item_version": new_version}
        item["item_updated_at"] = self._clock().isoformat()
        kwargs: dict[str, Any] = {"Item": item}
        if condition is not None:
            kwargs["ConditionExpression"] = condition
        try:
            if expected_version is None:
                current = self._table.put_item(**kwargs, ReturnValues="ALL_OLD").get("Attributes") or {}
                if current:
                    new_version = int(current.get("item_version", 0)) + 1
                    self._table.update_item(
                        Key={"pk": pk, "sk": sk},
                        UpdateExpression="SET item_version = :v",
                        ExpressionAttributeValues={":v": new_version},
                    )
            else:
                self._table.put_item(**kwargs)
        except ClientError as exc:
            raise self._translate(exc, f"{entity} {sk}") from exc
        return new_version

    @staticmethod
    def _version_condition(expected_version: int | None) -> tuple[int, Any]:
        if expected_version is None:
            return 1, None
        if expected_version == 0:
            return 1, Attr("pk").not_exists()
        return expected_version + 1, Attr("item_version").eq(expected_version)

    def _get(self, pk: str, sk: str, what: str) -> dict[str, Any]:
        try:
            item = self._table.get_item(Key={"pk": pk, "sk": sk}).get("Item")
        except ClientError as exc:
            raise self._translate(exc, what) from exc
        if item is None:
            raise NotFoundError(f"{what} not found")
        return dict(item)

    def _delete(self, pk: str, sk: str, what: str) -> None:
        try:
            self._table.delete_item(Key={"pk": pk, "sk": sk}, ConditionExpression=Attr("pk").exists())
        except ClientError as exc:
            raise self._translate(exc, what, missing_is_not_found=True) from exc

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item of a query, following pages (one round trip per 1 MB page)."""
        while True:
            try:
                page = self._table.query(**kwargs)
            except ClientError as exc:
                raise self._translate(exc, "query") from exc
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    _translate = staticmethod(translate_client_error)
    _parse = staticmethod(parse_item)

    # ---------------------------------------------------------------- a page of one list route
    def _page(
        self,
        tenant_id: str,
        prefix: str,
        limit: int,
        after: str | None,
        newest_first: bool = False,
        entity: str | None = None,
    ) -> tuple[list[dict[str, Any]], bool]:
        """Up to `limit` items of one sort-key prefix of the tenant's own partition, after `after`.

        The partition is always the tenant's: `after` only moves the start inside it.
        """
        query: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").begins_with(prefix),
            "ScanIndexForward": not newest_first,
            "Limit": limit + 1,
        }
        if entity is not None:
            query["FilterExpression"] = Attr("entity").eq(entity)
        if after is not None:
            query["ExclusiveStartKey"] = {"pk": keys.tenant_pk(tenant_id), "sk": after}
        found: list[dict[str, Any]] = []
        for item in self._query(**query):
            found.append(item)
            if len(found) > limit:
                break
        return found[:limit], len(found) > limit
