"""moto's transaction backup, one copy per table: the same rollback, far fewer copies."""

from __future__ import annotations

import copy
import types
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb import models

from telefonist_local import moto_speedups
from telefonist_local.moto_speedups import one_backup_per_table


@pytest.fixture
def table() -> Any:
    one_backup_per_table()
    with mock_aws():
        dynamodb = boto3.resource("dynamodb", region_name="eu-north-1")
        yield dynamodb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )


def _put(pk: str, **condition: str) -> dict[str, Any]:
    # the resource's client serialises Python values itself
    return {"Put": {"TableName": "t", "Item": {"pk": pk, "v": 1}, **condition}}


def test_a_failed_transaction_still_leaves_the_table_as_it_was(table: Any) -> None:
    table.put_item(Item={"pk": "kept", "v": 0})
    client = table.meta.client
    must_not_exist = {"ConditionExpression": "attribute_not_exists(pk)"}
    with pytest.raises(ClientError, match="TransactionCanceled"):
        client.transact_write_items(TransactItems=[_put("new-1"), _put("new-2"), _put("kept", **must_not_exist)])
    assert sorted(i["pk"] for i in table.scan()["Items"]) == ["kept"]
    assert table.get_item(Key={"pk": "kept"})["Item"]["v"] == 0


def test_a_transaction_copies_each_table_once(table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    copies: list[str] = []
    real = copy.deepcopy

    def counting(obj: Any, memo: Any = None) -> Any:
        if isinstance(obj, models.Table):
            copies.append(obj.name)
        return real(obj, memo)

    # what the patch really copies: its own copy.deepcopy calls (moto's go through the patch)
    monkeypatch.setattr(moto_speedups, "copy", types.SimpleNamespace(deepcopy=counting))
    table.meta.client.transact_write_items(TransactItems=[_put(f"p{i}") for i in range(25)])
    assert copies == ["t"]  # moto alone: 25
    assert len(table.scan()["Items"]) == 25
