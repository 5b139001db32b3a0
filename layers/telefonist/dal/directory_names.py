"""People's names from a customer's directory, for the call log's "transferred to <name>" (issue 20).

One Query of the tenant's own partition over the `PERSON#` range, projected to the names (one
round trip per MB of directory read, typically one), whatever the number of people asked for;
someone no longer in the directory has no name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from boto3.dynamodb.conditions import Attr, Key

from telefonist.dal import keys
from telefonist.dal.items import query_all


class DirectoryNameReader:
    """Implements the call log's `DirectoryNames` port over the customer table."""

    def __init__(self, table: Any) -> None:
        self._table = table

    def person_names(self, tenant_id: str, person_ids: Sequence[str]) -> dict[str, str]:
        """`first_name last_name` of those of `person_ids` still in the directory, by person_id."""
        wanted = set(person_ids)
        if not wanted:
            return {}
        items = query_all(
            self._table,
            "directory names",
            KeyConditionExpression=Key("pk").eq(keys.tenant_pk(tenant_id)) & Key("sk").begins_with("PERSON#"),
            FilterExpression=Attr("entity").eq("person"),
            ProjectionExpression="#id, #first, #last",
            ExpressionAttributeNames={"#id": "person_id", "#first": "first_name", "#last": "last_name"},
        )
        return {
            str(item["person_id"]): f"{item['first_name']} {item['last_name']}"
            for item in items
            if item.get("person_id") in wanted
        }
