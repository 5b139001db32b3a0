"""Messages: the submit function, the KMS-encrypted notify queue and its dead-letter queue, the
sender function on an SQS event source mapping, and exactly the SNS/SES rights they need.

The REST route is wired by the API construct: `POST /tenants/{tenant_id}/messages` →
`submit_function` (Lambda proxy integration, Cognito authorizer; the handler requires the
operators group).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from telefonist import config, resources
from typing_extensions import Unpack

from infra.constructs.dead_letters import dead_letter_queue
from infra.constructs.grants import grant_key_via, grant_partitions, grant_sms_to_phone_numbers
from infra.constructs.service_construct import ServiceConstruct, ServiceInputs
from infra.constructs.service_function import ServiceFunction

CTX_EMAIL_SENDER = "telefonist:emailSender"
CTX_SMS_SENDER_ID = "telefonist:smsSenderId"
DEFAULT_EMAIL_SENDER = "vaxel@telefonist.example"
DEFAULT_SMS_SENDER_ID = "Telefonist"
SUBMIT_HANDLER = "functions.notify.handler.lambda_handler"
SENDER_HANDLER = "functions.notify_sender.handler.lambda_handler"
SENDER_TIMEOUT = cdk.Duration.seconds(30)
SENDER_MAX_CONCURRENCY = 5  # keeps SES/SNS send rates within the account's quotas


class NotifyConstruct(ServiceConstruct):
    """`submit_function` takes messages (API Gateway); `sender_function` sends them."""

    def __init__(self, scope: Construct, construct_id: str, **inputs: Unpack[ServiceInputs]) -> None:
        super().__init__(scope, construct_id, **inputs)
        self.email_sender: str = self.node.try_get_context(CTX_EMAIL_SENDER) or DEFAULT_EMAIL_SENDER
        self.sms_sender_id: str = self.node.try_get_context(CTX_SMS_SENDER_ID) or DEFAULT_SMS_SENDER_ID
        self.dead_letter_queue = self._build_dead_letter_queue()
        self.queue = self._build_queue()
        self.submit = self._build_submit()
        self.sender = self._build_sender()
        self.submit_function: lambda_.Function = self.submit.function
        self.sender_function: lambda_.Function = self.sender.function
        self.dead_letter_alarm = self._build_dead_letter_alarm()

    # ---------------------------------------------------------------- queues
    def _build_dead_letter_queue(self) -> sqs.Queue:
        return dead_letter_queue(
            self,
            resources.NOTIFY_DLQ.logical_id,
            self._data.data_key,
            "This is the notify queue's dead-letter queue: failed messages wait here for a redrive",
        )

    def _build_queue(self) -> sqs.Queue:
        return sqs.Queue(
            self,
            resources.NOTIFY_QUEUE.logical_id,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self._data.data_key,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(4),
            # AWS guidance for Lambda consumers: at least six times the function's timeout.
            visibility_timeout=cdk.Duration.seconds(SENDER_TIMEOUT.to_seconds() * 6),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dead_letter_queue, max_receive_count=resources.NOTIFY_MAX_RECEIVE_COUNT
            ),
        )

    # ---------------------------------------------------------------- functions
    def _build_submit(self) -> ServiceFunction:
        customers = self._data.table(resources.CUSTOMER_TABLE)
        messages = self._data.table(resources.MESSAGE_TABLE)
        idempotency = self._data.table(resources.IDEMPOTENCY_TABLE)
        function = ServiceFunction(
            self,
            "Submit",
            code=self._code,
            handler=SUBMIT_HANDLER,
            description="Takes a message for a person: validates, stores it as queued, queues it",
            environment={
                config.ENV_CUSTOMER_TABLE: customers.table_name,
                config.ENV_MESSAGE_TABLE: messages.table_name,
                config.ENV_IDEMPOTENCY_TABLE: idempotency.table_name,
                config.ENV_NOTIFY_QUEUE_URL: self.queue.queue_url,
            },
            log_key=self._data.data_key,
            no_dead_letter_reason="Invoked synchronously (API Gateway or a direct RequestResponse invoke): "
            "the caller gets the error; accepted messages are durable in the message log and the queue",
        )
        role = function.role
        # People, templates and common numbers only: tenant partitions, never routes or price lists.
        grant_partitions(role, [customers.table_arn], ["dynamodb:GetItem", "dynamodb:Query"], ["TENANT#*"])
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["dynamodb:PutItem", "dynamodb:UpdateItem"], resources=[messages.table_arn])
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
                resources=[idempotency.table_arn],
            )
        )
        role.add_to_principal_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.queue.queue_arn]))
        grant_key_via(role, self._data.data_key, ["kms:Decrypt", "kms:GenerateDataKey"], ["dynamodb", "sqs"])
        return function

    def _build_sender(self) -> ServiceFunction:
        messages = self._data.table(resources.MESSAGE_TABLE)
        function = ServiceFunction(
            self,
            "Sender",
            code=self._code,
            handler=SENDER_HANDLER,
            description="Sends queued messages: SMS through SNS, e-mail through SES",
            environment={
                config.ENV_MESSAGE_TABLE: messages.table_name,
                config.ENV_SMS_SENDER_ID: self.sms_sender_id,
                config.ENV_EMAIL_SENDER: self.email_sender,
                config.ENV_NOTIFY_MAX_RECEIVES: str(resources.NOTIFY_MAX_RECEIVE_COUNT),
            },
            log_key=self._data.data_key,
            timeout=SENDER_TIMEOUT,
            no_dead_letter_reason="Invoked by an SQS event source mapping: failed messages go to the notify "
            "queue's own dead-letter queue (redrive policy), not to a function DLQ",
        )
        role = function.role
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["dynamodb:GetItem", "dynamodb:UpdateItem"], resources=[messages.table_arn])
        )
        grant_key_via(role, self._data.data_key, ["kms:Decrypt", "kms:GenerateDataKey"], ["dynamodb", "sqs"])
        grant_sms_to_phone_numbers(role)
        self._grant_email(role)
        function.function.add_event_source(
            event_sources.SqsEventSource(
                self.queue,
                batch_size=10,
                report_batch_item_failures=True,
                max_concurrency=SENDER_MAX_CONCURRENCY,
            )
        )
        cdk.Validations.of(function.function).acknowledge(
            cdk.Acknowledgment(
                id="Serverless::Serverless-LambdaEventSourceMappingDestination",
                reason="SQS event source mappings take no on-failure destination; the notify queue's redrive "
                "policy moves a message that failed maxReceiveCount times to its dead-letter queue",
            )
        )
        return function

    def _grant_email(self, role: iam.Role) -> None:
        stack = cdk.Stack.of(self)
        domain = self.email_sender.split("@", 1)[1]
        identities = [
            stack.format_arn(service="ses", resource="identity", resource_name=name)
            for name in (self.email_sender, domain)  # SES authorises on the address or its verified domain
        ]
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["ses:SendEmail"],
                resources=identities,
                conditions={"StringEquals": {"ses:FromAddress": self.email_sender}},
            )
        )

    # ---------------------------------------------------------------- monitoring
    def _build_dead_letter_alarm(self) -> cloudwatch.Alarm:
        return cloudwatch.Alarm(
            self,
            "DeadLettersAlarm",
            alarm_description="Messages could not be sent after every retry: fix the cause, then redrive",
            metric=self.dead_letter_queue.metric_approximate_number_of_messages_visible(
                period=cdk.Duration.minutes(1), statistic="Maximum"
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
