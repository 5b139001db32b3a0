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
    assert not {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "connect:StopContact"} & actions
    [connect] = [s for s in statements if "connect:UpdateContactAttributes" in s["Action"]]
    assert "/contact/*" in json.dumps(connect["Resource"])
    [table] = [s for s in statements if "dynamodb:Query" in s["Action"]]
    assert table["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == ["TENANT#*"]


def test_the_route_is_behind_the_cognito_authorizer(template: Template) -> None:
    parts = {r["Properties"]["PathPart"] for r in template.find_resources("AWS::ApiGateway::Resource").values()}
    assert {"contacts", "{contact_id}", "transfer"} <= parts
