"""The contact statistics consumer (issue 20): its own event source on the CTR stream, its own
on-failure queue, and a role that writes only contact events and aggregates."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Template
from telefonist.statistics.model import CALL_LOG_EVENT_ATTRIBUTES


def _function_id(template: Template) -> str:
    functions = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": "functions.contact_stats.handler.lambda_handler"}}
    )
    assert len(functions) == 1
    return next(iter(functions))


def _statements(template: Template, function_id: str) -> list[dict[str, Any]]:
    role = template.find_resources("AWS::Lambda::Function")[function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
    found = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def test_a_second_consumer_of_the_ctr_stream_beside_rating(template: Template) -> None:
    function_id = _function_id(template)
    mappings = template.find_resources("AWS::Lambda::EventSourceMapping")
    on_stream = [
        m["Properties"] for m in mappings.values() if "CtrStream" in json.dumps(m["Properties"]["EventSourceArn"])
    ]
    assert len(on_stream) == 2  # rating and statistics, each with its own position in the stream
    [mine] = [m for m in on_stream if m["FunctionName"] == {"Ref": function_id}]
    assert mine["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert "OnFailure" in mine["DestinationConfig"]


def test_the_role_touches_only_contact_events_aggregates_routes_and_peoples_keys(template: Template) -> None:
    statements = _statements(template, _function_id(template))
    dynamodb = [s for s in statements if any(str(a).startswith("dynamodb:") for a in _list(s["Action"]))]
    writes = [s for s in dynamodb if {"dynamodb:PutItem", "dynamodb:UpdateItem"} & set(_list(s["Action"]))]
    assert len(writes) == 1
    assert "StatisticsTable" in json.dumps(writes[0]["Resource"])
    assert writes[0]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["CONTACT#*", "STATS#*"]
    assert "dynamodb:BatchGetItem" in writes[0]["Action"]  # a batch's held events, read together
    on_customers = [
        (_list(s["Action"]), s["Condition"]) for s in dynamodb if "CustomerTable" in json.dumps(s["Resource"])
    ]
    # routes by number; and whether a call's person is still in the directory: their item's keys, nothing else
    assert on_customers == [
        (["dynamodb:GetItem"], {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["NUMBER#*"]}}),
        (
            ["dynamodb:BatchGetItem"],
            {
                "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["TENANT#*"]},
                "ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "sk"]},
                "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
            },
        ),
    ]
    assert not [s for s in dynamodb if {"dynamodb:Scan", "dynamodb:DeleteItem"} & set(_list(s["Action"]))]
    kms = [s for s in statements if "kms:Decrypt" in _list(s["Action"]) and "Condition" in s]
    assert kms
    assert all("kms:ViaService" in s["Condition"]["StringEquals"] for s in kms)


def test_the_statistics_table_is_encrypted_with_the_data_key(template: Template) -> None:
    tables = template.find_resources("AWS::DynamoDB::Table")
    [table] = [t for k, t in tables.items() if "StatisticsTable" in k]
    sse = table["Properties"]["SSESpecification"]
    assert sse["SSEEnabled"] is True
    assert sse["SSEType"] == "KMS"
    assert table["Properties"]["TimeToLiveSpecification"]["AttributeName"] == "expires_at"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_the_statistics_routes_may_only_query_months_and_batch_read_contact_events(template: Template) -> None:
    by_handler = {
        f["Properties"]["Handler"]: k
        for k, f in template.find_resources("AWS::Lambda::Function").items()
        if "STATISTICS_TABLE_NAME" in f["Properties"].get("Environment", {}).get("Variables", {})
    }
    # The consumer writes; the transfer function keeps caller history (CALLER#/CALLCONTACT# only,
    # tests/infra/test_transfer_construct.py); the self-service function reads the months, and the
    # call log's rows' contact events in batches (never a Scan, a Query of them, or a write).
    assert set(by_handler) == {
        "functions.contact_stats.handler.lambda_handler",
        "functions.transfer.handler.lambda_handler",
        "functions.self_service.handler.lambda_handler",
    }
    readers = [by_handler["functions.self_service.handler.lambda_handler"]]
    on_table = [s for s in _statements(template, readers[0]) if "StatisticsTable" in json.dumps(s["Resource"])]
    # its reads of the table's items (a person's erasure also queries the by-person index and updates
    # what names them: tests/infra/test_self_service_api_construct.py)
    reads = [
        s
        for s in on_table
        if {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan"} & set(_list(s["Action"]))
        and "/index/" not in json.dumps(s["Resource"])
    ]
    assert [(_list(s["Action"]), s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]) for s in reads] == [
        (["dynamodb:Query"], ["STATS#*"]),
        (["dynamodb:BatchGetItem"], ["CONTACT#*"]),
    ]
    assert not [s for s in on_table if "dynamodb:Scan" in _list(s["Action"])]
    # the contact events only as the call log projects them: its attributes and the keys, nothing else
    events = reads[1]["Condition"]
    assert events["ForAllValues:StringEquals"]["dynamodb:Attributes"] == ["pk", "sk", *CALL_LOG_EVENT_ATTRIBUTES]
    assert events["StringEqualsIfExists"]["dynamodb:Select"] == "SPECIFIC_ATTRIBUTES"
    assert "counts" not in CALL_LOG_EVENT_ATTRIBUTES
