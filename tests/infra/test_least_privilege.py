"""Least privilege over the synthesized IAM policies of every function role."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Template

# The only actions that may name Resource "*": they have no resource-level permissions.
RESOURCELESS_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def _statements(template: Template) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for logical_id, policy in template.find_resources("AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            found.append((logical_id, statement))
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_no_statement_allows_a_wildcard_action(template: Template) -> None:
    for logical_id, statement in _statements(template):
        for action in _as_list(statement["Action"]):
            assert action != "*", f"{logical_id} allows every action"
            assert not action.endswith(":*"), f"{logical_id} allows {action}"


def test_only_resourceless_actions_name_every_resource(template: Template) -> None:
    for logical_id, statement in _statements(template):
        if "*" in _as_list(statement.get("Resource", [])):
            actions = set(_as_list(statement["Action"]))
            assert actions <= RESOURCELESS_ACTIONS, f"{logical_id} grants {sorted(actions)} on every resource"


def test_no_function_uses_a_managed_policy(template: Template) -> None:
    for logical_id, role in template.find_resources("AWS::IAM::Role").items():
        assert not role["Properties"].get("ManagedPolicyArns"), f"{logical_id} has managed policies"


def test_operator_routes_reach_their_functions_behind_the_cognito_authorizer(template: Template) -> None:
    resources = template.find_resources("AWS::ApiGateway::Resource")
    parts = {r["Properties"]["PathPart"] for r in resources.values()}
    assert {"directory", "messages", "message-form"} <= parts
    for method in template.find_resources("AWS::ApiGateway::Method").values():
        props = method["Properties"]
        if props["HttpMethod"] != "OPTIONS":
            assert props["AuthorizationType"] == "COGNITO_USER_POOLS"
