"""The employee's own status routes in the synthesized stack: five methods without Cognito, all to
the one function that checks the session itself, and its least-privilege role."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Template
from telefonist import config

from infra.constructs.employee_status_construct import HANDLER, MAX_CONCURRENCY, ROUTES


def _function(template: Template) -> tuple[str, dict[str, Any]]:
    [(logical_id, function)] = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": HANDLER}}
    ).items()
    return logical_id, function["Properties"]


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return set(action if isinstance(action, list) else [action])


def test_the_routes_skip_cognito_and_reach_only_this_function(template: Template) -> None:
    function_id, _ = _function(template)
    public = [
        m["Properties"]
        for logical_id, m in template.find_resources("AWS::ApiGateway::Method").items()
        if logical_id.startswith("SelfServiceApiemployee") and m["Properties"]["HttpMethod"] != "OPTIONS"
    ]
    assert {p["AuthorizationType"] for p in public} == {"NONE"}
    assert sorted(p["HttpMethod"] for p in public) == sorted(method for _, method in ROUTES)
    for method in public:
        assert function_id in json.dumps(method["Integration"]["Uri"])
    parts = {r["Properties"]["PathPart"] for r in template.find_resources("AWS::ApiGateway::Resource").values()}
    assert {"employee", "sign-in-link", "session", "status"} <= parts


def test_the_function_knows_the_site_and_is_bounded(template: Template) -> None:
    _, function = _function(template)
    variables = function["Environment"]["Variables"]
    assert {config.ENV_CUSTOMER_TABLE, config.ENV_SMS_SENDER_ID, config.ENV_SITE_ORIGIN} <= set(variables)
    assert function["ReservedConcurrentExecutions"] == MAX_CONCURRENCY


def test_least_privilege_people_by_mobile_tenant_partitions_grants_and_direct_sms(template: Template) -> None:
    _, function = _function(template)
    role = {"Ref": function["Role"]["Fn::GetAtt"][0]}
    statements = [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if role in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    table_rights = [s for s in statements if any(a.startswith("dynamodb:") for a in _actions(s))]
    leading = sorted(
        json.dumps(s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]) for s in table_rights
    )
    assert leading == ['["EMPLOYEE#*"]', '["MOBILE#*"]', '["TENANT#*"]']
    assert not any("dynamodb:Scan" in _actions(s) or "dynamodb:BatchGetItem" in _actions(s) for s in statements)
    [sms] = [s for s in statements if "sns:Publish" in _actions(s)]
    assert sms["NotResource"] == "arn:aws:sns:*:*:*"
