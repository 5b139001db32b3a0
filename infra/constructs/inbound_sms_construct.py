"""SMS commands: the encrypted SNS topic AWS End User Messaging SMS publishes two-way messages to,
and `functions/inbound_sms` subscribed to it, with exactly the rights it needs.

The phone number itself (its two-way channel pointed at `topic`) is ordered and configured in
End User Messaging SMS, outside this stack: `TwoWayChannelArn` = the topic's ARN.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct
from telefonist.dal.sms_refusals import REFUSED_SMS_PK
from typing_extensions import Unpack

from infra.constructs.dead_letters import dead_letter_queue
from infra.constructs.employee_sms import employee_sms_function
from infra.constructs.service_construct import ServiceConstruct, ServiceInputs

HANDLER = "functions.inbound_sms.handler.lambda_handler"
SMS_VOICE = "sms-voice.amazonaws.com"
MAX_CONCURRENCY = 5  # a flood of (spoofed) messages cannot take the account's concurrency


class InboundSmsConstruct(ServiceConstruct):
    def __init__(
        self, scope: Construct, construct_id: str, *, sms_sender_id: str, **inputs: Unpack[ServiceInputs]
    ) -> None:
        super().__init__(scope, construct_id, **inputs)
        stack = cdk.Stack.of(self)
        source = {
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {"aws:SourceArn": f"arn:{stack.partition}:sms-voice:{stack.region}:{stack.account}:*"},
        }
        self.topic = sns.Topic(self, "Topic", master_key=self._data.data_key, enforce_ssl=True)
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sns:Publish"],
                principals=[iam.ServicePrincipal(SMS_VOICE)],
                resources=[self.topic.topic_arn],
                conditions=source,
            )
        )
        self._data.data_key.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                principals=[iam.ServicePrincipal(SMS_VOICE)],
                resources=["*"],
                conditions=source,
            )
        )
        self.dead_letter_queue = dead_letter_queue(
            self,
            "DeadLetterQueue",
            self._data.data_key,
            "The SMS commands' dead-letter queue: messages that failed every retry wait here",
        )
        self.service_function = employee_sms_function(
            self,
            "Commands",
            data=self._data,
            code=self._code,
            handler=HANDLER,
            description="SMS commands from employees' registered mobiles: their own referral, answered by SMS",
            sms_sender_id=sms_sender_id,
            max_concurrency=MAX_CONCURRENCY,
            # Who sent it: the person and their referrals; the referral and the directory version (one
            # transaction), the audit entry; refused senders' audit.
            table_grants=(
                (["dynamodb:Query"], ["TENANT#*"]),
                (["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], ["TENANT#*", REFUSED_SMS_PK]),
            ),
            dead_letter_queue=self.dead_letter_queue,
        )
        self.function = self.service_function.function
        # Deliveries SNS cannot make wait in the same queue (SNS encrypts them with the data key).
        self.topic.add_subscription(
            subscriptions.LambdaSubscription(self.function, dead_letter_queue=self.dead_letter_queue)
        )
        self._data.data_key.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                principals=[iam.ServicePrincipal("sns.amazonaws.com")],
                resources=["*"],
                # The account's topics, not this one's ARN: the topic names the key (a cycle otherwise).
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {"aws:SourceArn": f"arn:{stack.partition}:sns:{stack.region}:{stack.account}:*"},
                },
            )
        )
