"""Microsoft 365 calendar sync (issue 21): the Graph webhook's function on the one API (no Cognito:
Graph cannot sign in; each notification's clientState is checked), the renewal function on an
EventBridge Scheduler schedule, and their rights (telefonist's one Entra application's secret in Secrets
Manager, `telefonist/graph/app`: these two functions alone may read it).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct
from telefonist import config, resources
from telefonist.dal.calendar_state import APP_SECRET_NAME, STATE_PK
from typing_extensions import Unpack

from functions.calendar_sync.handler import ENV_NOTIFICATION_URL
from infra.constructs.grants import grant_key_via, grant_partitions
from infra.constructs.self_service_api_construct import SelfServiceApiConstruct
from infra.constructs.service_construct import ServiceConstruct, ServiceInputs
from infra.constructs.service_function import ServiceFunction

WEBHOOK_HANDLER = "functions.calendar_sync.handler.lambda_handler"
RENEW_HANDLER = "functions.calendar_sync.handler.renew_handler"
WEBHOOK_PATH = "/calendar/notifications"
STAGE = "v1"  # the API's stage (SelfServiceApiConstruct)
# Subscriptions live 2 days and are renewed 12 hours before they lapse; a calendar an administrator
# starts following on Mina sidor is subscribed by the next run (one query of the CALSYNC partition).
RENEW_EVERY = "rate(15 minutes)"


class CalendarSyncConstruct(ServiceConstruct):
    def __init__(
        self, scope: Construct, construct_id: str, *, api: SelfServiceApiConstruct, **inputs: Unpack[ServiceInputs]
    ) -> None:
        super().__init__(scope, construct_id, **inputs)
        environment = {
            config.ENV_CUSTOMER_TABLE: self._data.table(resources.CUSTOMER_TABLE).table_name,
            # From the API's id, not its stage: the stage's deployment depends on this function's route.
            ENV_NOTIFICATION_URL: f"{api.api_origin}/{STAGE}{WEBHOOK_PATH}",
        }
        self.webhook = ServiceFunction(
            self,
            "Webhook",
            code=self._code,
            handler=WEBHOOK_HANDLER,
            description="Microsoft Graph change notifications: validation handshake, clientState, delta catch-up",
            environment=environment,
            log_key=self._data.data_key,
            timeout=cdk.Duration.seconds(25),
            reserved_concurrency=5,
            no_dead_letter_reason="Invoked synchronously by API Gateway; Graph retries a failed notification",
        )
        self.renew = ServiceFunction(
            self,
            "Renew",
            code=self._code,
            handler=RENEW_HANDLER,
            description="Renews Graph subscriptions of followed calendars before they lapse",
            environment=environment,
            log_key=self._data.data_key,
            timeout=cdk.Duration.minutes(5),
            reserved_concurrency=1,
            no_dead_letter_reason="Invoked by EventBridge Scheduler, which retries and keeps its own dead letters",
        )
        for function in (self.webhook, self.renew):
            self._grant(function.role)
        api.add_session_route(WEBHOOK_PATH, "POST", self.webhook.function)
        self.schedule = self._schedule()

    def _grant(self, role: iam.Role) -> None:
        stack = cdk.Stack.of(self)
        table = self._data.table(resources.CUSTOMER_TABLE)
        grant_partitions(
            role, [table.table_arn], ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"], [STATE_PK]
        )
        # The person's referrals and the directory version (one transaction), and the audit entry.
        grant_partitions(
            role,
            [table.table_arn],
            ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            ["TENANT#*"],
        )
        grant_key_via(role, self._data.data_key, ["kms:Decrypt", "kms:GenerateDataKey"], ["dynamodb"])
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue"],
                resources=[
                    stack.format_arn(
                        service="secretsmanager",
                        resource="secret",
                        # the one secret: Secrets Manager appends "-" and six random characters to its name
                        resource_name=f"{APP_SECRET_NAME}-??????",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            )
        )

    def _schedule(self) -> scheduler.CfnSchedule:
        role = iam.Role(
            self,
            "ScheduleRole",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": cdk.Stack.of(self).account}},
            ),
            description="EventBridge Scheduler: invokes the calendar subscriptions' renewal",
        )
        self.renew.function.grant_invoke(role)
        renew_id = cdk.Stack.of(self).get_logical_id(self.renew.function.node.default_child)  # type: ignore[arg-type]
        cdk.Validations.of(role).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::<{renew_id}.Arn>:*]",
                reason="CDK's grant_invoke names the function and its versions (:*): this one function only",
            )
        )
        return scheduler.CfnSchedule(
            self,
            "RenewSchedule",
            schedule_expression=RENEW_EVERY,
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            target=scheduler.CfnSchedule.TargetProperty(
                arn=self.renew.function.function_arn,
                role_arn=role.role_arn,
                retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(maximum_retry_attempts=3),
            ),
            description="Renew Microsoft Graph subscriptions of followed calendars (issue 21)",
        )
