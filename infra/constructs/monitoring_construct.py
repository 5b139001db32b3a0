"""Monitoring: the alarm topic (KMS, e-mail from context), one alarm per concern, the dashboard,
and one log retention for every log group of the stack.

Alarms and why their thresholds (every alarm notifies the topic; missing data is not breaching,
since no traffic is not a fault):
- rating's on-failure queue: any message is a batch of CTRs that was not billed after every retry;
- the CTR stream's iterator age: rating falls behind (the batch window is seconds, a record is
  dropped after MAX_RECORD_AGE); half an hour for two periods is a stuck shard, not a burst;
- `RouteFallbacks` (contact-flow function, EMF): callers got the neutral script; a few a
  quarter-hour are unrouted numbers during onboarding, more is a broken route or the table;
- every function's Errors and Throttles: any, per five minutes;
- the notify dead-letter queue: NotifyConstruct's alarm, given the topic here;
- the SMS commands' dead-letter queue: any message is an employee's command (from the inbound topic)
  that failed every retry, so a referral went unchanged and no confirmation was sent;
- the API's 5XXError (a few per five minutes) and Latency p99 (over 2 s three periods running,
  where searches answer in tens of milliseconds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aws_cdk as cdk
import jsii
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IConstruct
from telefonist import config

from infra import constants
from infra.constructs.service_function import ServiceFunction

CTX_ALARM_EMAIL = "telefonist:alarmEmail"
PERIOD = cdk.Duration.minutes(5)
ITERATOR_AGE_THRESHOLD = cdk.Duration.minutes(30)
ITERATOR_AGE_PERIODS = 2
ROUTE_FALLBACK_THRESHOLD = 5  # per PERIOD
ROUTE_FALLBACK_PERIOD = cdk.Duration.minutes(15)
API_5XX_THRESHOLD = 5  # per PERIOD
API_LATENCY_P99_MS = 2000
API_LATENCY_PERIODS = 3
# Powertools' Metrics(service="telefonist") in telefonist.observability: the EMF dimension.
METRICS_SERVICE_DIMENSION = {"service": "telefonist"}


@dataclass(frozen=True)
class Monitored:
    """What the monitoring construct watches, handed over by the stack."""

    functions: Sequence[ServiceFunction]
    contact_flow: ServiceFunction
    rating: ServiceFunction
    rating_failure_queue: sqs.IQueue
    ctr_stream: kinesis.IStream
    notify_queue: sqs.IQueue
    notify_dead_letter_queue: sqs.IQueue
    notify_dead_letter_alarm: cloudwatch.Alarm
    api: apigw.RestApi
    inbound_sms_dead_letter_queue: sqs.IQueue | None = None


@jsii.implements(cdk.IAspect)
class LogRetention:
    """Every log group of the scope keeps its events LOG_RETENTION_DAYS: those built outside
    ServiceFunction (the API's access logs) too."""

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, logs.CfnLogGroup):
            node.retention_in_days = constants.LOG_RETENTION_DAYS


class MonitoringConstruct(Construct):
    """`topic` receives every alarm; `alarms` by concern; `dashboard` for the call path, rating, messages."""

    def __init__(self, scope: Construct, construct_id: str, *, monitored: Monitored) -> None:
        super().__init__(scope, construct_id)
        self._monitored = monitored
        self.alarm_email: str | None = self.node.try_get_context(CTX_ALARM_EMAIL) or None
        self.key = self._build_key()
        self.topic = self._build_topic()
        self._action = cw_actions.SnsAction(self.topic)
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        self._build_alarms()
        self.dashboard = self._build_dashboard()
        cdk.Aspects.of(cdk.Stack.of(self)).add(LogRetention())

    # ---------------------------------------------------------------- topic
    def _build_key(self) -> kms.Key:
        """A key of its own: CloudWatch may use it to publish, and nothing else of the service's data."""
        key = kms.Key(self, "AlarmTopicKey", enable_key_rotation=True, description="telefonist: the alarm topic (SNS)")
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={"StringEquals": {"aws:SourceAccount": cdk.Stack.of(self).account}},
            )
        )
        return key

    def _build_topic(self) -> sns.Topic:
        topic = sns.Topic(self, "AlarmTopic", display_name="telefonist alarms", master_key=self.key, enforce_ssl=True)
        if self.alarm_email:
            subscription = topic.add_subscription(subscriptions.EmailSubscription(self.alarm_email))
            cdk.Validations.of(subscription).acknowledge(
                cdk.Acknowledgment(
                    id="Serverless::Serverless-SNSRedrivePolicy",
                    reason="An e-mail that cannot be delivered is an address to fix, not a message to redrive: "
                    "every alarm's state and history stay in CloudWatch",
                )
            )
        return topic

    def _alarm(self, name: str, alarm: cloudwatch.Alarm) -> cloudwatch.Alarm:
        alarm.add_alarm_action(self._action)
        self.alarms[name] = alarm
        return alarm

    def _new_alarm(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        description: str,
        evaluation_periods: int = 1,
        comparison: cloudwatch.ComparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) -> cloudwatch.Alarm:
        return self._alarm(
            name,
            cloudwatch.Alarm(
                self,
                f"{name}Alarm",
                metric=metric,
                threshold=threshold,
                evaluation_periods=evaluation_periods,
                comparison_operator=comparison,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            ),
        )

    # ---------------------------------------------------------------- alarms
    def _build_alarms(self) -> None:
        m = self._monitored
        self._new_alarm(
            "RatingFailures",
            m.rating_failure_queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
            threshold=1,
            description="CTR batches rating gave up on (on-failure queue): fix the cause, then rerate them",
        )
        self._new_alarm(
            "CtrIteratorAge",
            m.ctr_stream.metric_get_records_iterator_age_milliseconds(period=PERIOD, statistic="Maximum"),
            threshold=ITERATOR_AGE_THRESHOLD.to_milliseconds(),
            evaluation_periods=ITERATOR_AGE_PERIODS,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            description="Rating is behind on the CTR stream by more than half an hour",
        )
        self._new_alarm(
            "RouteFallbacks",
            self.route_fallbacks(ROUTE_FALLBACK_PERIOD),
            threshold=ROUTE_FALLBACK_THRESHOLD,
            description="Callers got the neutral script (no route, a broken route or the table failing)",
        )
        for function in m.functions:
            name = function.node.id
            self._new_alarm(
                f"{name}Errors",
                function.function.metric_errors(period=PERIOD, statistic="Sum"),
                threshold=1,
                description=f"{name}: invocations failed",
            )
            self._new_alarm(
                f"{name}Throttles",
                function.function.metric_throttles(period=PERIOD, statistic="Sum"),
                threshold=1,
                description=f"{name}: invocations throttled (concurrency)",
            )
        self._alarm("NotifyDeadLetters", m.notify_dead_letter_alarm)
        if m.inbound_sms_dead_letter_queue is not None:
            self._new_alarm(
                "InboundSmsDeadLetters",
                m.inbound_sms_dead_letter_queue.metric_approximate_number_of_messages_visible(
                    period=PERIOD, statistic="Maximum"
                ),
                threshold=1,
                description="SMS commands that failed every retry (dead-letter queue): referrals left unchanged",
            )
        self._new_alarm(
            "Api5xx",
            m.api.metric_server_error(period=PERIOD, statistic="Sum"),
            threshold=API_5XX_THRESHOLD,
            description="The API answered 5xx several times within five minutes",
        )
        self._new_alarm(
            "ApiLatencyP99",
            m.api.metric_latency(period=PERIOD, statistic="p99"),
            threshold=API_LATENCY_P99_MS,
            evaluation_periods=API_LATENCY_PERIODS,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            description="The API's p99 latency is over 2 s for a quarter of an hour",
        )

    @staticmethod
    def route_fallbacks(period: cdk.Duration = PERIOD) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=config.METRICS_NAMESPACE,
            metric_name="RouteFallbacks",
            dimensions_map=METRICS_SERVICE_DIMENSION,
            period=period,
            statistic="Sum",
        )

    @staticmethod
    def _metric(name: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=config.METRICS_NAMESPACE,
            metric_name=name,
            dimensions_map=METRICS_SERVICE_DIMENSION,
            period=PERIOD,
            statistic="Sum",
        )

    # ---------------------------------------------------------------- dashboard
    def _build_dashboard(self) -> cloudwatch.Dashboard:
        m = self._monitored
        width = 8

        def graph(
            title: str, left: Sequence[cloudwatch.IMetric], right: Sequence[cloudwatch.IMetric] = ()
        ) -> cloudwatch.GraphWidget:
            return cloudwatch.GraphWidget(title=title, left=list(left), right=list(right), width=width, height=6)

        def duration(function: ServiceFunction) -> cloudwatch.IMetric:
            return function.function.metric_duration(period=PERIOD, statistic="p99", label=function.node.id)

        def errors(function: ServiceFunction) -> cloudwatch.IMetric:
            return function.function.metric_errors(period=PERIOD, statistic="Sum", label=function.node.id)

        others = [f for f in m.functions if f is not m.rating]
        dashboard = cloudwatch.Dashboard(self, "Dashboard", default_interval=cdk.Duration.hours(3))
        dashboard.add_widgets(cloudwatch.TextWidget(markdown="## Call path", width=24, height=1))
        dashboard.add_widgets(
            graph("Route lookups and fallbacks", [self._metric("RouteLookups"), self.route_fallbacks()]),
            graph("Contact-flow function p99 (ms, Connect waits 8 s)", [duration(m.contact_flow)]),
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms.values()), width=width, height=6),
        )
        dashboard.add_widgets(
            graph("Errors: directory, transfer, API, messages, provisioning", [errors(f) for f in others]),
            graph("p99 duration (ms) of the same", [duration(f) for f in others]),
            graph(
                "API: requests, 5xx, 4xx",
                [m.api.metric_count(period=PERIOD), m.api.metric_server_error(period=PERIOD, statistic="Sum")],
                [m.api.metric_client_error(period=PERIOD, statistic="Sum")],
            ),
        )
        dashboard.add_widgets(
            graph(
                "API latency p50 / p99 (ms)",
                [
                    m.api.metric_latency(period=PERIOD, statistic="p50"),
                    m.api.metric_latency(period=PERIOD, statistic="p99"),
                ],
            ),
        )
        dashboard.add_widgets(cloudwatch.TextWidget(markdown="## Rating", width=24, height=1))
        dashboard.add_widgets(
            graph(
                "CTR stream: iterator age (ms) and incoming records",
                [m.ctr_stream.metric_get_records_iterator_age_milliseconds(period=PERIOD, statistic="Maximum")],
                [m.ctr_stream.metric_incoming_records(period=PERIOD, statistic="Sum")],
            ),
            graph(
                "Rated records by outcome",
                [self._metric(f"Records_{o}") for o in ("billed", "stale", "not_billable", "quarantined", "failed")],
            ),
            graph(
                "Rating: failure queue, errors, p99 (ms)",
                [
                    m.rating_failure_queue.metric_approximate_number_of_messages_visible(
                        period=PERIOD, statistic="Maximum"
                    ),
                    errors(m.rating),
                ],
                [duration(m.rating)],
            ),
        )
        dashboard.add_widgets(cloudwatch.TextWidget(markdown="## Messages", width=24, height=1))
        dashboard.add_widgets(
            graph(
                "Notify queue and dead-letter queue",
                [
                    m.notify_queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
                    m.notify_dead_letter_queue.metric_approximate_number_of_messages_visible(
                        period=PERIOD, statistic="Maximum"
                    ),
                ],
            ),
            graph(
                "Oldest queued message (s)",
                [m.notify_queue.metric_approximate_age_of_oldest_message(period=PERIOD, statistic="Maximum")],
            ),
            graph(
                "Messages queued, sent, partially sent, failed",
                [self._metric(n) for n in ("MessagesQueued", "MessagesSent", "MessagesPartiallySent")]
                + [self._metric("MessagesFailed")],
            ),
        )
        return dashboard
