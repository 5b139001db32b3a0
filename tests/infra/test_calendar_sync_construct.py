"""Calendar sync in the synthesized stack: the webhook route without Cognito to its own function,
the renewal on an EventBridge Scheduler schedule, and least privilege (only telefonist's one Graph
application secret)."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Template

from infra.constructs.calendar_sync_construct import RENEW_EVERY, RENEW_HANDLER, WEBHOOK_HANDLER


def _function(template: Template, handler: str) -> tuple[str, dict[str, Any]]:
    [(logical_id, function)] = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": handler}}
    ).items()
    return logical_id, function["Properties"]


def _statements(template: Template, function: dict[str, Any]) -> list[dict[str, Any]]:
    role = {"Ref": function["Role"]["Fn::GetAtt"][0]}
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if role in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_the_webhook_is_one_post_route_without_cognito(template: Template) -> None:
    webhook_id, _ = _function(template, WEBHOOK_HANDLER)
    methods = [
        m["Properties"]
        for m in template.find_resources("AWS::ApiGateway::Method").values()
        if webhook_id in json.dumps(m["Properties"].get("Integration", {}).get("Uri"))
    ]
    assert [(m["HttpMethod"], m["AuthorizationType"]) for m in methods] == [("POST", "NONE")]


def test_the_renewal_runs_on_a_schedule_with_a_role_that_may_only_invoke_it(template: Template) -> None:
    renew_id, _ = _function(template, RENEW_HANDLER)
    [schedule] = template.find_resources("AWS::Scheduler::Schedule").values()
    props = schedule["Properties"]
    assert props["ScheduleExpression"] == RENEW_EVERY
    assert renew_id in json.dumps(props["Target"]["Arn"])
    role_id = props["Target"]["RoleArn"]["Fn::GetAtt"][0]
    statements = [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert {s["Action"] for s in statements} == {"lambda:InvokeFunction"}


def test_both_functions_reach_only_sync_state_tenant_partitions_and_graph_secrets(template: Template) -> None:
    for handler in (WEBHOOK_HANDLER, RENEW_HANDLER):
        _, function = _function(template, handler)
        statements = _statements(template, function)
        tables = [s for s in statements if "dynamodb:Query" in json.dumps(s["Action"])]
        leading = sorted(json.dumps(s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]) for s in tables)
        assert leading in (['"CALSYNC"', '["TENANT#*"]'], ['["CALSYNC"]', '["TENANT#*"]'])
        [secrets] = [s for s in statements if "secretsmanager:GetSecretValue" in json.dumps(s["Action"])]
        assert "secret:telefonist/graph/app-??????" in json.dumps(secrets["Resource"])
        assert "*" not in json.dumps(secrets["Resource"])  # that one secret, no prefix of secrets
        assert not any("sns:Publish" in json.dumps(s["Action"]) for s in statements)


def test_only_the_two_sync_functions_may_read_the_graph_application_secret(template: Template) -> None:
    sync_roles = sorted(_function(template, h)[1]["Role"]["Fn::GetAtt"][0] for h in (WEBHOOK_HANDLER, RENEW_HANDLER))
    readers = sorted(
        role["Ref"]
        for policy in template.find_resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "secretsmanager" in json.dumps(statement["Action"])
        and "telefonist/graph" in json.dumps(statement["Resource"])
        for role in policy["Properties"]["Roles"]
    )
    assert readers == sync_roles
