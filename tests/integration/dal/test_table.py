"""telefonist.dal.table against boto3's Table resource: the same answers, types included, for every action."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Attr, Key
from boto3.dynamodb.types import Binary
from botocore.exceptions import ClientError
from telefonist.dal.table import dynamodb_tables
from telefonist.resources import CUSTOMER_TABLE

from telefonist_local.local_aws import LocalResources

ITEM: dict[str, Any] = {
    "pk": "TENANT#acme",
    "sk": "PERSON#eva",
    "count": 7,
    "price_ore": Decimal("12.50"),
    "big": Decimal("123456789012345678901234567890"),
    "flag": True,
    "nothing": None,
    "tags": {"a", "b"},
    "numbers": {1, 2},
    "blob": b"\x00\x01",
    "nested": {"list": [1, "two", {"three": Decimal("3.0")}], "empty": {}},
}


@pytest.fixture
def tables(aws: LocalResources) -> tuple[Any, Any]:
    """(boto3's Table resource, the adapter's table) on the same table."""
    return boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name), dynamodb_tables().Table(
        CUSTOMER_TABLE.local_name
    )


def test_items_round_trip_with_the_resources_types(tables: tuple[Any, Any]) -> None:
    resource, table = tables
    table.put_item(Item=ITEM, ConditionExpression=Attr("pk").not_exists())
    resource.put_item(Item={**ITEM, "sk": "PERSON#olle"})

    for key in ({"pk": ITEM["pk"], "sk": "PERSON#eva"}, {"pk": ITEM["pk"], "sk": "PERSON#olle"}):
        mine, theirs = table.get_item(Key=key)["Item"], resource.get_item(Key=key)["Item"]
        assert mine == theirs
        assert {k: type(v) for k, v in mine.items()} == {k: type(v) for k, v in theirs.items()}
        assert isinstance(mine["count"], Decimal)
        assert mine["count"] == Decimal(7)
        assert mine["blob"] == Binary(b"\x00\x01")
        assert mine["tags"] == {"a", "b"}

    query = {"KeyConditionExpression": Key("pk").eq(ITEM["pk"]) & Key("sk").begins_with("PERSON#"), "Limit": 1}
    first = table.query(**query)
    assert first["Items"] == resource.query(**query)["Items"]
    assert table.query(**query, ExclusiveStartKey=first["LastEvaluatedKey"])["Items"][0]["sk"] == "PERSON#olle"
    scan = {"FilterExpression": Attr("sk").eq("PERSON#olle") & Attr("count").gt(Decimal(6))}
    assert table.scan(**scan)["Items"] == resource.scan(**scan)["Items"] == [{**ITEM, "sk": "PERSON#olle"}]


def test_conditional_writes_update_and_delete_as_the_resource_does(tables: tuple[Any, Any]) -> None:
    resource, table = tables
    table.put_item(Item=ITEM)
    key = {"pk": ITEM["pk"], "sk": ITEM["sk"]}
    with pytest.raises(ClientError) as refused:
        table.put_item(Item=ITEM, ConditionExpression=Attr("pk").not_exists())
    assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"

    updated = table.update_item(
        Key=key,
        UpdateExpression="SET #c = #c + :one, note = :note",
        ConditionExpression=Attr("count").eq(7),
        ExpressionAttributeNames={"#c": "count"},
        ExpressionAttributeValues={":one": 1, ":note": {"ok": [Decimal("0.5")]}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert updated == resource.get_item(Key=key)["Item"]
    assert updated["count"] == Decimal(8)
    assert updated["note"] == {"ok": [Decimal("0.5")]}

    assert table.delete_item(Key=key, ReturnValues="ALL_OLD")["Attributes"] == updated
    assert "Item" not in resource.get_item(Key=key)


def test_batch_writer_and_the_tables_client_take_python_values(tables: tuple[Any, Any]) -> None:
    resource, table = tables
    with table.batch_writer() as batch:  # 30 items: two BatchWriteItem rounds
        for n in range(30):
            batch.put_item(Item={"pk": "TENANT#batch", "sk": f"N#{n:02}", "n": n})
    table.meta.client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": table.name, "Item": {"pk": "TENANT#batch", "sk": "N#99", "n": Decimal("9.9")}}},
            {"Delete": {"TableName": table.name, "Key": {"pk": "TENANT#batch", "sk": "N#00"}}},
        ]
    )
    items = resource.query(KeyConditionExpression=Key("pk").eq("TENANT#batch"))["Items"]
    assert [item["n"] for item in items] == [*range(1, 30), Decimal("9.9")]
    # The adapter's client is its own: a plain client of the same session still speaks DynamoDB JSON.
    plain = boto3.client("dynamodb").get_item(
        TableName=table.name, Key={"pk": {"S": "TENANT#batch"}, "sk": {"S": "N#01"}}
    )
    assert plain["Item"]["n"] == {"N": "1"}
