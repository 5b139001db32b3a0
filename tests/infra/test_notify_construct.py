"""Notify in the synthesized stack: encrypted queues with a redrive policy, partial batch responses,
and SMS/e-mail rights scoped to direct SMS and the configured sender."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match, Template
from telefonist import config, resources

from infra.constructs.notify_construct import DEFAULT_EMAIL_SENDER, SENDER_HANDLER, SUBMIT_HANDLER


def _function(template: Template, handler: str) -> tuple[str, dict[str, Any]]:
    [(logical_id, function)] = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": handler}}
    ).items()
    return logical_id, function["Properties"]


def _statements_of(template: Template, role_ref: dict[str, Any]) -> list[dict[str, Any]]:
    statements = []
    for policy in template.find_resources("AWS::IAM::Policy").values():
        if role_ref in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


def test_both_queues_are_kms_encrypted_and_the_queue_redrives_to_the_dlq(template: Template) -> None:
    queues = template.find_resources("AWS::SQS::Queue")
    notify = {k: v for k, v in queues.items() if k.startswith("Notify")}
    assert len(notify) == 2
    for queue in notify.values():
        assert "KmsMasterKeyId" in queue["Properties"]
    [main] = [q for k, q in notify.items() if resources.NOTIFY_QUEUE.logical_id in k]
    redrive = main["Properties"]["RedrivePolicy"]
    assert redrive["maxReceiveCount"] == resources.NOTIFY_MAX_RECEIVE_COUNT
    assert resources.NOTIFY_DLQ.logical_id in redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
    assert main["Properties"]["VisibilityTimeout"] == 180


def test_the_sender_reports_batch_item_failures(template: Template) -> None:
    sender_id, _ = _function(template, SENDER_HANDLER)
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": sender_id},
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "ScalingConfig": {"MaximumConcurrency": Match.any_value()},
        },
    )


def test_the_functions_get_their_configuration(template: Template) -> None:
    _, submit = _function(template, SUBMIT_HANDLER)
    assert set(submit["Environment"]["Variables"]) >= {
        config.ENV_CUSTOMER_TABLE,
        config.ENV_MESSAGE_TABLE,
        config.ENV_IDEMPOTENCY_TABLE,
        config.ENV_NOTIFY_QUEUE_URL,
    }
    _, sender = _function(template, SENDER_HANDLER)
    variables = sender["Environment"]["Variables"]
    assert variables[config.ENV_EMAIL_SENDER] == DEFAULT_EMAIL_SENDER
    assert variables[config.ENV_NOTIFY_MAX_RECEIVES] == str(resources.NOTIFY_MAX_RECEIVE_COUNT)
    assert variables[config.ENV_SMS_SENDER_ID]


def test_sms_is_granted_for_phone_numbers_only_and_email_for_the_sender_only(template: Template) -> None:
    _, sender = _function(template, SENDER_HANDLER)
    statements = _statements_of(template, {"Ref": sender["Role"]["Fn::GetAtt"][0]})
    [sns] = [s for s in statements if "sns:Publish" in _actions(s)]
    assert _actions(sns) == ["sns:Publish"]
    assert sns["NotResource"] == "arn:aws:sns:*:*:*"  # no topic, no endpoint: direct SMS only
    assert "Resource" not in sns
    [ses] = [s for s in statements if any(a.startswith("ses:") for a in _actions(s))]
    assert _actions(ses) == ["ses:SendEmail"]
    assert ses["Condition"] == {"StringEquals": {"ses:FromAddress": DEFAULT_EMAIL_SENDER}}
    identities = ["".join(str(part) for part in r["Fn::Join"][1]) for r in ses["Resource"]]
    assert any(i.endswith(f":identity/{DEFAULT_EMAIL_SENDER}") for i in identities)
    assert any(i.endswith(":identity/telefonist.example") for i in identities)


def test_the_submit_function_sends_nothing_itself_and_reads_only_tenant_partitions(template: Template) -> None:
    _, submit = _function(template, SUBMIT_HANDLER)
    statements = _statements_of(template, {"Ref": submit["Role"]["Fn::GetAtt"][0]})
    actions = {a for s in statements for a in _actions(s)}
    assert not any(a.startswith(("sns:", "ses:")) for a in actions)
    assert "sqs:SendMessage" in actions
    assert "sqs:ReceiveMessage" not in actions
    [read] = [s for s in statements if "dynamodb:Query" in _actions(s)]
    assert read["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["TENANT#*"]}}


def test_dead_letters_raise_an_alarm(template: Template) -> None:
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Namespace": "AWS/SQS",
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        },
    )
