"""Monitoring in the synthesized stack: the encrypted alarm topic, one alarm per concern with the
topic as its action and a sane threshold, the dashboard, one log retention everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Template
from telefonist import config

from infra import constants


def _alarm_topics(template: Template) -> dict[str, Any]:
    """The alarm topic (the other topic of the stack is the SMS commands' inbound one)."""
    return {k: v for k, v in template.find_resources("AWS::SNS::Topic").items() if not k.startswith("InboundSms")}


def _topic_id(template: Template) -> str:
    [logical_id] = _alarm_topics(template)
    return logical_id


def _alarms(template: Template) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in template.find_resources("AWS::CloudWatch::Alarm").items()}


def _alarm_on(template: Template, metric: str, namespace: str | None = None) -> list[dict[str, Any]]:
    return [
        a
        for a in _alarms(template).values()
        if a.get("MetricName") == metric and (namespace is None or a.get("Namespace") == namespace)
    ]


def test_the_alarm_topic_is_kms_encrypted_and_without_context_has_no_subscription(template: Template) -> None:
    [(topic_id, topic)] = _alarm_topics(template).items()
    assert "KmsMasterKeyId" in topic["Properties"]
    subscriptions = template.find_resources("AWS::SNS::Subscription").values()
    assert not [s for s in subscriptions if s["Properties"]["TopicArn"] == {"Ref": topic_id}]
    [key] = [
        k
        for k in template.find_resources("AWS::KMS::Key").values()
        if any(
            s.get("Principal", {}).get("Service") == "cloudwatch.amazonaws.com"
            for s in k["Properties"]["KeyPolicy"]["Statement"]
        )
    ]
    assert key["Properties"]["EnableKeyRotation"] is True


def test_every_alarm_notifies_the_topic(template: Template) -> None:
    topic = _topic_id(template)
    alarms = _alarms(template)
    assert alarms
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [{"Ref": topic}], name
        assert alarm["TreatMissingData"] == "notBreaching", name


def test_one_alarm_per_concern_with_sane_thresholds(template: Template) -> None:
    [rating_failures] = [a for a in _alarm_on(template, "ApproximateNumberOfMessagesVisible") if "Rating" in str(a)]
    assert rating_failures["Threshold"] == 1
    [notify_dlq] = [a for a in _alarm_on(template, "ApproximateNumberOfMessagesVisible") if "Notify" in str(a)]
    assert notify_dlq["Threshold"] == 1
    [sms_dlq] = [a for a in _alarm_on(template, "ApproximateNumberOfMessagesVisible") if "InboundSms" in str(a)]
    assert sms_dlq["Threshold"] == 1
    assert sms_dlq["Statistic"] == "Maximum"
    [iterator_age] = _alarm_on(template, "GetRecords.IteratorAgeMilliseconds", "AWS/Kinesis")
    assert 5 * 60_000 <= iterator_age["Threshold"] <= 6 * 3600_000  # behind, but well before records expire
    [fallbacks] = _alarm_on(template, "RouteFallbacks", config.METRICS_NAMESPACE)
    assert fallbacks["Dimensions"] == [{"Name": "service", "Value": "telefonist"}]
    assert 1 <= fallbacks["Threshold"] <= 50
    assert fallbacks["Statistic"] == "Sum"
    [api_5xx] = _alarm_on(template, "5XXError", "AWS/ApiGateway")
    assert 1 <= api_5xx["Threshold"] <= 50
    [latency] = _alarm_on(template, "Latency", "AWS/ApiGateway")
    assert latency["ExtendedStatistic"] == "p99"
    assert 500 <= latency["Threshold"] <= 10_000  # ms; the API's integrations time out at 29 s


def test_every_function_has_an_errors_and_a_throttles_alarm(template: Template) -> None:
    # Not CDK's BucketDeployment function: it runs only during a deploy, CloudFormation reports its errors.
    functions = {k for k in template.find_resources("AWS::Lambda::Function") if "CDKBucketDeployment" not in k}
    assert len(functions) == 14  # billing_retention (issue 20) the 14th
    for metric in ("Errors", "Throttles"):
        watched = [
            d["Value"]["Ref"]
            for a in _alarm_on(template, metric, "AWS/Lambda")
            for d in a["Dimensions"]
            if d["Name"] == "FunctionName"
        ]
        assert sorted(watched) == sorted(functions), metric
        assert {a["Threshold"] for a in _alarm_on(template, metric, "AWS/Lambda")} == {1}


def test_the_sms_commands_dead_letter_queue_has_its_alarm(template: Template) -> None:
    queues = template.find_resources("AWS::SQS::Queue")
    [dlq] = [k for k in queues if k.startswith("InboundSmsDeadLetterQueue")]
    [alarm] = [a for k, a in _alarms(template).items() if k.startswith("MonitoringInboundSmsDeadLetters")]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}]
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_the_notify_dead_letter_queue_has_one_alarm(template: Template) -> None:
    notify = [k for k, a in _alarms(template).items() if k.startswith("NotifyDeadLetters")]
    assert len(notify) == 1  # NotifyConstruct's own alarm, given the action; no second one


def test_one_dashboard_for_call_path_rating_and_messages(template: Template) -> None:
    [dashboard] = template.find_resources("AWS::CloudWatch::Dashboard").values()
    body = str(dashboard["Properties"]["DashboardBody"])
    for section in ("## Call path", "## Rating", "## Messages"):
        assert section in body
    for metric in ("RouteFallbacks", "GetRecords.IteratorAgeMilliseconds", "Records_billed", "MessagesSent"):
        assert metric in body


def test_every_log_group_keeps_the_constant_retention(template: Template) -> None:
    groups = template.find_resources("AWS::Logs::LogGroup")
    functions = template.find_resources("AWS::Lambda::Function")
    # One per function (the site's deployment function only when web/dist is built), plus the API's access logs.
    assert len(groups) == len(functions) + 1
    assert {g["Properties"]["RetentionInDays"] for g in groups.values()} == {constants.LOG_RETENTION_DAYS}


@pytest.fixture(scope="module")
def with_alarm_email(context_template: Template) -> Template:
    """The alarm e-mail larm@example.se in the context (tests/infra/conftest.py)."""
    return context_template


def test_the_alarm_email_from_context_subscribes_to_the_topic(template: Template, with_alarm_email: Template) -> None:
    with_alarm_email.has_resource_properties(
        "AWS::SNS::Subscription",
        {"Protocol": "email", "Endpoint": "larm@example.se", "TopicArn": {"Ref": _topic_id(with_alarm_email)}},
    )
