"""TransferConstruct: the transfer function may read people and set attributes of this instance's contacts only."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Template
from telefonist import config

HANDLER = "functions.transfer.handler.lambda_handler"


def _function(template: Template) -> dict[str, Any]:
    found = template.find_resources("AWS::Lambda::Function", {"Properties": {"Handler": HANDLER}})
    assert len(found) == 1
    return next(iter(found.values()))


def _statements(template: Template, function: dict[str, Any]) -> list[dict[str, Any]]:
    role_ref = {"Ref": function["Properties"]["Role"]["Fn::GetAtt"][0]}
    return [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if role_ref in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_the_function_knows_its_table_and_instance(template: Template) -> None:
    variables = _function(template)["Properties"]["Environment"]["Variables"]
    assert config.ENV_CUSTOMER_TABLE in variables
    assert config.ENV_CONNECT_INSTANCE_ARN in variables


def test_the_role_reads_people_and_sets_contact_attributes_of_the_instance_only(template: Template) -> None:
    statements = _statements(template, _function(template))
    actions = {a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert {"connect:GetContactAttributes", "connect:UpdateContactAttributes", "dynamodb:Query"} <= actions
    assert not {"dynamodb:DeleteItem", "dynamodb:Scan", "connect:StopContact"} & actions
    [connect] = [s for s in statements if "connect:UpdateContactAttributes" in s["Action"]]
    assert "/contact/*" in json.dumps(connect["Resource"])
    [people] = [s for s in statements if s["Action"] == "dynamodb:Query"]
    assert people["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["TENANT#*"]


def test_caller_history_writes_only_its_own_items_and_macs_with_its_own_hmac_key(template: Template) -> None:
    """Issue 20: the role writes the statistics table's CALLER#/CALLCONTACT# items only (never the
    statistics), and may GenerateMac (HMAC-SHA-256) with the caller-history key, no other KMS use of it."""
    function = _function(template)
    statements = _statements(template, function)
    [history] = [s for s in statements if "dynamodb:PutItem" in s["Action"]]
    assert sorted(history["Action"]) == [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
    ]
    assert history["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["CALLER#*", "CALLCONTACT#*"]
    assert "StatisticsTable" in json.dumps(history["Resource"])
    [mac] = [s for s in statements if "kms:GenerateMac" in json.dumps(s["Action"])]
    assert mac["Action"] == "kms:GenerateMac"
    assert mac["Condition"]["StringEquals"]["kms:MacAlgorithm"] == "HMAC_SHA_256"
    [(key_id, key)] = template.find_resources("AWS::KMS::Key", {"Properties": {"KeySpec": "HMAC_256"}}).items()
    assert key["Properties"]["KeyUsage"] == "GENERATE_VERIFY_MAC"
    assert mac["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables[config.ENV_CALLER_KEY_ID] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert config.ENV_STATISTICS_TABLE in variables


def test_the_route_is_behind_the_cognito_authorizer(template: Template) -> None:
    parts = {r["Properties"]["PathPart"] for r in template.find_resources("AWS::ApiGateway::Resource").values()}
    assert {"contacts", "{contact_id}", "transfer", "caller-history", "message"} <= parts
