"""Least privilege over the synthesized IAM policies of every function role."""

from __future__ import annotations

import json
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
        if props["HttpMethod"] == "OPTIONS":
            continue
        if props["AuthorizationType"] == "NONE":  # the employee's status (a session) and Graph's webhook (clientState)
            uri = json.dumps(props["Integration"]["Uri"])
            assert "EmployeeStatusFunction" in uri or "CalendarSyncWebhookFunction" in uri, uri
            continue
        assert props["AuthorizationType"] == "COGNITO_USER_POOLS"


# The only key grants without kms:ViaService or an encryption context, each for a reason SECURITY.md
# gives: CDK writes them for an event source mapping (Lambda's poller reads the encrypted SQS queue
# or Kinesis stream as the function's role) and for the rating mapping's encrypted on-failure queue.
UNCONDITIONED_KEY_GRANTS = {
    ("NotifySenderRole", frozenset({"kms:Decrypt"})),
    ("RatingRatingFunctionRole", frozenset({"kms:Decrypt"})),
    ("RatingRatingFunctionRole", frozenset({"kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"})),
    # the contact statistics mapping's encrypted on-failure queue (issue 20), as rating's
    ("ContactStatsFunctionRole", frozenset({"kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"})),
    # caller history (issue 20): the function itself MACs with its own HMAC key (only that key, only
    # HMAC_SHA_256: tests/infra/test_transfer_construct.py), no service in between
    ("TransferRole", frozenset({"kms:GenerateMac"})),
}


def test_every_key_grant_holds_only_through_a_service_or_an_encryption_context(template: Template) -> None:
    unconditioned = set()
    for logical_id, statement in _statements(template):
        actions = frozenset(a for a in _as_list(statement["Action"]) if a.startswith("kms:"))
        if not actions or actions <= {"kms:DescribeKey"}:
            continue
        conditions = json.dumps(statement.get("Condition", {}))
        if "kms:ViaService" in conditions or "kms:EncryptionContext" in conditions:
            continue
        role = logical_id.split("DefaultPolicy", 1)[0]
        unconditioned.add((role, actions))
    assert unconditioned <= UNCONDITIONED_KEY_GRANTS, unconditioned - UNCONDITIONED_KEY_GRANTS
