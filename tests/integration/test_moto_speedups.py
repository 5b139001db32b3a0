"""moto made cheaper (telefonist_local.moto_speedups): the same answers and the same rollback, less work."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.responses import ActionResult
from moto.dynamodb import models
from moto.dynamodb.responses import DynamoResult

from telefonist_local import moto_speedups
from telefonist_local.moto_speedups import speed_up_moto


def _tables() -> Any:
    """Inside a mock: table `t` (partition key `pk`) and `r` (`pk` and sort key `sk`), as a resource."""
    resource = boto3.resource("dynamodb", region_name="eu-north-1")
    for name, keys in (("t", ["pk"]), ("r", ["pk", "sk"])):
        resource.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": k, "KeyType": t} for k, t in zip(keys, ["HASH", "RANGE"], strict=False)],
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in keys],
            BillingMode="PAY_PER_REQUEST",
        )
    return resource


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    speed_up_moto()
    with mock_aws():
        yield _tables()


def _put(pk: str, table: str = "t", **extra: Any) -> dict[str, Any]:
    # the resource's client serialises Python values itself
    return {"Put": {"TableName": table, "Item": {"pk": pk, "v": 1, **extra.pop("item", {})}, **extra}}


def test_a_failed_transaction_leaves_every_item_as_it_was(dynamodb: Any) -> None:
    t, r = dynamodb.Table("t"), dynamodb.Table("r")
    t.put_item(Item={"pk": "kept", "v": 0})
    r.put_item(Item={"pk": "a", "sk": "1", "v": 0, "tags": {"x"}})
    must_not_exist = {"ConditionExpression": "attribute_not_exists(pk)"}
    update = {
        "TableName": "r",
        "Key": {"pk": "a", "sk": "1"},
        "UpdateExpression": "SET v = v + :one ADD tags :y",
        "ExpressionAttributeValues": {":one": 1, ":y": {"y"}},
    }
    items = [_put("new-1"), {"Update": update}, _put("a", "r", item={"sk": "2"}), _put("kept", **must_not_exist)]
    with pytest.raises(ClientError, match="TransactionCanceled"):
        t.meta.client.transact_write_items(TransactItems=items)
    assert t.scan()["Items"] == [{"pk": "kept", "v": 0}]
    assert r.scan()["Items"] == [{"pk": "a", "sk": "1", "v": 0, "tags": {"x"}}]
    # the same items, the last condition met: all of it is written
    items[-1] = _put("other", **must_not_exist)
    t.meta.client.transact_write_items(TransactItems=items)
    assert sorted(i["pk"] for i in t.scan()["Items"]) == ["kept", "new-1", "other"]
    assert r.get_item(Key={"pk": "a", "sk": "1"})["Item"] == {"pk": "a", "sk": "1", "v": 1, "tags": {"x", "y"}}


def test_a_transaction_copies_no_table(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    copies: list[str] = []
    real = copy.deepcopy

    def counting(obj: Any, memo: Any = None) -> Any:
        if isinstance(obj, models.Table):
            copies.append(obj.name)
        return real(obj, memo)

    # what the patch hands moto when it asks for a copy (moto's own calls go through the patch)
    monkeypatch.setattr(moto_speedups, "copy", type("copy", (), {"deepcopy": staticmethod(counting)}))
    dynamodb.meta.client.transact_write_items(TransactItems=[_put(f"p{i}") for i in range(25)])
    assert copies == []  # moto alone: 25 copies of the table
    assert len(dynamodb.Table("t").scan()["Items"]) == 25


def test_item_operations_answer_what_motos_serializer_writes(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[str] = []
    fast = DynamoResult.execute_result

    def both(self: DynamoResult, context: Any) -> Any:
        slow = ActionResult.execute_result(self, context)
        status, headers, body = fast(self, context)
        assert (status, headers["Content-Type"]) == (slow[0], slow[1]["Content-Type"])
        assert json.loads(body) == json.loads(slow[2])
        compared.append(context.operation_model.name)
        return status, headers, body

    monkeypatch.setattr(DynamoResult, "execute_result", both)
    t, r = dynamodb.Table("t"), dynamodb.Table("r")
    client = dynamodb.meta.client
    every_type = {"s": "å", "n": 7, "b": b"\x00\xff", "ss": {"a"}, "ns": {1, 2}, "bs": {b"x"}, "m": {"l": [None, True]}}
    t.put_item(Item={"pk": "all", **every_type}, ReturnConsumedCapacity="TOTAL")
    assert t.get_item(Key={"pk": "all"})["Item"]["b"].value == b"\x00\xff"
    t.get_item(Key={"pk": "none"})
    for i in range(5):
        r.put_item(Item={"pk": "q", "sk": f"{i}", "n": i})
    page = r.query(KeyConditionExpression="pk = :q", ExpressionAttributeValues={":q": "q"}, Limit=2)
    assert page["Count"] == 2
    assert page["LastEvaluatedKey"] == {"pk": "q", "sk": "1"}
    r.scan(ReturnConsumedCapacity="INDEXES")
    for expected in (1, 2):  # the same expression text twice: the cached tree is not changed by its first use
        answer = t.update_item(
            Key={"pk": "counter"},
            UpdateExpression="SET c = if_not_exists(c, :zero) + :one",
            ExpressionAttributeValues={":zero": 0, ":one": 1},
            ReturnValues="ALL_NEW",
        )
        assert answer["Attributes"]["c"] == expected
    t.delete_item(Key={"pk": "counter"}, ReturnValues="ALL_OLD")
    client.batch_get_item(RequestItems={"t": {"Keys": [{"pk": "all"}, {"pk": "none"}]}})
    client.transact_get_items(TransactItems=[{"Get": {"TableName": "t", "Key": {"pk": "all"}}}])
    assert set(compared) == set(moto_speedups.FAST_DYNAMODB_OPERATIONS)


def test_update_expressions_are_checked_as_moto_checks_them(dynamodb: Any) -> None:
    t = dynamodb.Table("t")
    t.put_item(Item={"pk": "x", "a": 1, "b": 2})
    for expression, values, error in (
        ("SET a = :a ADD b :a ADD c :a", {":a": 1}, 'The "ADD" section can only be used once'),
        ("ADD b :a SET a = :a REMOVE c REMOVE d", {":a": 1}, 'The "REMOVE" section can only be used once'),
        ("SET a = :a, a = :a", {":a": 1}, "Two document paths overlap"),
        ("SET a = a + :s", {":s": "text"}, "Incorrect operand type for operator or function"),
    ):
        with pytest.raises(ClientError, match=error):
            t.update_item(Key={"pk": "x"}, UpdateExpression=expression, ExpressionAttributeValues=values)
    counters = ", ".join(f"c{i} :a" for i in range(40))  # contact statistics: one ADD of many counters
    for _ in range(2):
        expression = f"ADD {counters} SET b = b + :a"
        t.update_item(Key={"pk": "x"}, UpdateExpression=expression, ExpressionAttributeValues={":a": 1})
    item = t.get_item(Key={"pk": "x"})["Item"]
    assert (item["c0"], item["c39"], item["b"], item["a"]) == (2, 2, 4, 1)


def test_item_sizes_are_motos_sizes() -> None:
    speed_up_moto()
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    attrs = {
        "s": {"S": "åa"},  # UTF-8 bytes: 3
        "n": {"N": "12.5"},  # digits as written: 4
        "b": {"B": b"\x00\x01"},  # 2
        "ss": {"SS": ["ab", "c"]},  # 3
        "ns": {"NS": ["1", "22"]},  # 3
        "l": {"L": [{"S": "x"}, {"BOOL": True}, {"NULL": True}]},  # 1 + 1 + 1
        "m": {"M": {"k": {"N": "7"}, "kk": {"M": {"z": {"S": ""}}}}},  # (1 + 1) + (2 + (1 + 0))
    }
    item = Item(DynamoType({"S": "h"}), None, attrs)
    assert [DynamoType(v).size() for v in attrs.values()] == [3, 4, 2, 3, 3, 3, 5]
    assert item.size() == sum(len(k) for k in attrs) + 23


def test_each_action_still_reaches_its_method(dynamodb: Any) -> None:
    client = dynamodb.meta.client
    assert sorted(client.list_tables()["TableNames"]) == ["r", "t"]
    assert client.describe_table(TableName="t")["Table"]["TableName"] == "t"
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        client.describe_table(TableName="missing")


def _updates_and_queries() -> list[Any]:
    """Updates (valid and refused) and queries on fresh tables: every answer or error, then every item."""
    answers: list[Any] = []
    with mock_aws():
        resource = _tables()
        t, r = resource.Table("t"), resource.Table("r")
        for p in ("p2", "p1", "p3"):
            for i in range(12):
                r.put_item(Item={"pk": p, "sk": f"{'ab'[i % 2]}{i:02d}", "n": i, "big": "x" * (i * 7)})
        t.put_item(Item={"pk": "x", "n": 1, "l": [1, 2, 3, 4], "m": {"a": {"b": 1}}, "s": {"u", "v"}, "w": 2})

        def attempt(call: Any, **kwargs: Any) -> None:
            try:
                answer = call(**kwargs)
                answers.append({k: v for k, v in answer.items() if k != "ResponseMetadata"})
            except ClientError as exc:
                answers.append(exc.response["Error"])

        updates = (
            (
                "SET n = if_not_exists(n, :z) + :one, l = list_append(l, :l), m.a.c = :one",
                {":z": 0, ":one": 1, ":l": [9]},
            ),
            ("SET w = n REMOVE l[1], l[3] ADD s2 :s, c :one DELETE s :u", {":s": {"x"}, ":one": 1, ":u": {"u"}}),
            ("SET n = :one, n = :one", {":one": 1}),  # overlapping paths
            ("SET m.a = :one, m.a.b = :one", {":one": 1}),  # overlapping nested paths
            ("ADD c :one ADD d :one", {":one": 1}),  # two ADD clauses
            ("SET pk = :one", {":one": "y"}),  # a key attribute
            ("SET n = n + :s", {":s": "text"}),  # type mismatch
            ("SET q.r = :one", {":one": 1}),  # a path into a missing map
            ("SET g = :new", {":new": "created"}),
        )
        for update, values in updates * 2:  # twice: what an expression was found to be, it is again
            attempt(t.update_item, Key={"pk": "x"}, UpdateExpression=update, ExpressionAttributeValues=values)
        for name in ("other", "pk", "other"):  # the same expression naming another attribute, then a key
            attempt(
                t.update_item,
                Key={"pk": "x"},
                UpdateExpression="SET #a = :v",
                ExpressionAttributeNames={"#a": name},
                ExpressionAttributeValues={":v": name},
            )
        attempt(t.update_item, Key={"pk": "new"}, UpdateExpression="ADD c :one", ExpressionAttributeValues={":one": 5})
        attempt(
            t.update_item,
            Key={"pk": "x"},
            UpdateExpression="SET #a = :v",
            ExpressionAttributeNames={"#a": "a"},
            ExpressionAttributeValues={":v": {"k": [1]}},
            ReturnValues="UPDATED_NEW",
        )
        for query in (
            {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": "p1"}},
            {
                "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
                "ExpressionAttributeValues": {":p": "p1", ":s": "a"},
            },
            {
                "KeyConditionExpression": "pk = :p AND sk BETWEEN :lo AND :hi",
                "ExpressionAttributeValues": {":p": "p2", ":lo": "a02", ":hi": "b07"},
                "ScanIndexForward": False,
            },
            {
                "KeyConditionExpression": "pk = :p",
                "FilterExpression": "n > :n",
                "ExpressionAttributeValues": {":p": "p3", ":n": 5},
                "ProjectionExpression": "sk, n",
            },
            {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": "none"}},
            {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": "p1"}, "Select": "COUNT"},
        ):
            attempt(r.query, **query)
        pages: dict[str, Any] = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": "p2"}}
        for _ in range(6):  # pages of 5, backwards, to the end
            answer = r.query(**pages, Limit=5, ScanIndexForward=False)
            answers.append(answer["Items"])
            if "LastEvaluatedKey" not in answer:
                break
            pages["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
        attempt(t.query, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": "x"})
        answers += [sorted(t.scan()["Items"], key=str), sorted(r.scan()["Items"], key=str)]
    return answers


def test_updates_and_queries_answer_as_moto_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.parsing import validators
    from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser

    speed_up_moto()
    partitions: list[int] = []
    patched_all_items = Table.all_items
    monkeypatch.setattr(
        Table, "all_items", lambda self: partitions.append(len(patched_all_items(self))) or patched_all_items(self)
    )
    copied: list[str] = []
    monkeypatch.setattr(
        moto_speedups,
        "copy",
        type(
            "copy",
            (),
            {"deepcopy": staticmethod(lambda o, m=None: copied.append(type(o).__name__) or copy.deepcopy(o, m))},
        ),
    )
    faster = _updates_and_queries()
    assert partitions[:2] == [12, 12]  # a query reads its own partition, not the table's 36 items
    assert not any(name.startswith(("Update", "Expression")) for name in copied)  # trees are not deep-copied
    monkeypatch.undo()
    monkeypatch.setattr(Table, "query", Table.query.original)  # type: ignore[attr-defined]
    monkeypatch.setattr(validators, "deepcopy", copy.deepcopy)
    validator = validators.UpdateExpressionValidator
    monkeypatch.setattr(validator, "validate", validator.validate.original)  # type: ignore[attr-defined]
    monkeypatch.setattr(
        DepthFirstTraverser, "traverse_node_recursively", DepthFirstTraverser.traverse_node_recursively.original
    )  # type: ignore[attr-defined]
    assert faster == _updates_and_queries()
