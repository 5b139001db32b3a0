"""SMS commands in the synthesized stack: an encrypted topic only End User Messaging SMS of this
account may publish to, the function subscribed with a dead-letter queue, and least privilege."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Template
from telefonist import config

from infra.constructs.inbound_sms_construct import HANDLER, MAX_CONCURRENCY, SMS_VOICE


def _function(template: Template) -> tuple[str, dict[str, Any]]:
    [(logical_id, function)] = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": HANDLER}}
    ).items()
    return logical_id, function["Properties"]


def _statements(template: Template, role_id: str) -> list[dict[str, Any]]:
    found = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return set(action if isinstance(action, list) else [action])


def test_the_topic_is_encrypted_and_only_this_accounts_sms_service_may_publish(template: Template) -> None:
    [(topic_id, topic)] = [
        (k, v) for k, v in template.find_resources("AWS::SNS::Topic").items() if k.startswith("InboundSms")
    ]
    assert "KmsMasterKeyId" in topic["Properties"]
    policies = [
        p
        for p in template.find_resources("AWS::SNS::TopicPolicy").values()
        if {"Ref": topic_id} in p["Properties"]["Topics"]
    ]
    statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
    [publish] = [s for s in statements if s.get("Principal") == {"Service": SMS_VOICE}]
    assert publish["Action"] == "sns:Publish"
    assert "aws:SourceAccount" in json.dumps(publish["Condition"])
    assert any(s["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(s["Condition"]) for s in statements)


def test_the_function_is_subscribed_bounded_and_has_a_dead_letter_queue(template: Template) -> None:
    function_id, function = _function(template)
    [subscription] = [
        s["Properties"]
        for s in template.find_resources("AWS::SNS::Subscription").values()
        if s["Properties"]["Endpoint"] == {"Fn::GetAtt": [function_id, "Arn"]}
    ]
    assert subscription["Protocol"] == "lambda"
    assert "deadLetterTargetArn" in subscription["RedrivePolicy"]
    assert function["ReservedConcurrentExecutions"] == MAX_CONCURRENCY
    assert "DeadLetterConfig" in function
    assert set(function["Environment"]["Variables"]) >= {config.ENV_CUSTOMER_TABLE, config.ENV_SMS_SENDER_ID}


def test_least_privilege_tenant_partitions_the_mobile_index_and_direct_sms_only(template: Template) -> None:
    _, function = _function(template)
    statements = _statements(template, function["Role"]["Fn::GetAtt"][0])
    dynamodb = [s for s in statements if any(a.startswith("dynamodb:") for a in _actions(s))]
    assert set().union(*(_actions(s) for s in dynamodb)) == {
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    }
    for statement in dynamodb:  # every table right is limited to partitions by their leading keys
        assert "dynamodb:LeadingKeys" in json.dumps(statement["Condition"])
        assert "TENANT#*" in json.dumps(statement) or "MOBILE#*" in json.dumps(statement)
    [sms] = [s for s in statements if "sns:Publish" in _actions(s)]
    assert sms["NotResource"] == "arn:aws:sns:*:*:*"
    assert "Resource" not in sms
    assert not any(a.startswith(("s3:", "sqs:Receive", "secretsmanager:")) for s in statements for a in _actions(s))
