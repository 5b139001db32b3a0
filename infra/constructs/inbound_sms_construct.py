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
from telefonist import config, resources
from telefonist.dal import keys
from telefonist.dal.sms_refusals import REFUSED_SMS_PK

from infra.constructs.data_construct import DataConstruct
from infra.constructs.dead_letters import dead_letter_queue
from infra.constructs.function_code import FunctionCodeConstruct
from infra.constructs.grants import grant_key_via, grant_partitions
from infra.constructs.service_function import ServiceFunction

HANDLER = "functions.inbound_sms.handler.lambda_handler"
SMS_VOICE = "sms-voice.amazonaws.com"
MAX_CONCURRENCY = 5  # a flood of (spoofed) messages cannot take the account's concurrency


class InboundSmsConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        data: DataConstruct,
        code: FunctionCodeConstruct,
        sms_sender_id: str,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self._data = data
        source = {
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {"aws:SourceArn": f"arn:{stack.partition}:sms-voice:{stack.region}:{stack.account}:*"},
        }
        self.topic = sns.Topic(self, "Topic", master_key=data.data_key, enforce_ssl=True)
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sns:Publish"],
                principals=[iam.ServicePrincipal(SMS_VOICE)],
                resources=[self.topic.topic_arn],
                conditions=source,
            )
        )
        data.data_key.add_to_resource_policy(
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
            data.data_key,
            "The SMS commands' dead-letter queue: messages that failed every retry wait here",
        )
        customers = data.table(resources.CUSTOMER_TABLE)
        self.service_function = ServiceFunction(
            self,
            "Commands",
            code=code,
            handler=HANDLER,
            description="SMS commands from employees' registered mobiles: their own referral, answered by SMS",
            environment={config.ENV_CUSTOMER_TABLE: customers.table_name, config.ENV_SMS_SENDER_ID: sms_sender_id},
            log_key=data.data_key,
            reserved_concurrency=MAX_CONCURRENCY,
            dead_letter_queue=self.dead_letter_queue,
        )
        self.function = self.service_function.function
        self._grant(self.service_function.role)
        # Deliveries SNS cannot make wait in the same queue (SNS encrypts them with the data key).
        self.topic.add_subscription(
            subscriptions.LambdaSubscription(self.function, dead_letter_queue=self.dead_letter_queue)
        )
        data.data_key.add_to_resource_policy(
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

    def _grant(self, role: iam.Role) -> None:
        customers = self._data.table(resources.CUSTOMER_TABLE)
        index = f"{customers.table_arn}/index/{keys.MOBILE_INDEX}"
        # Who sent it: the mobile index (keys only, MOBILE#…), then the person and their referrals.
        grant_partitions(role, [index], ["dynamodb:Query"], ["MOBILE#*"])
        grant_partitions(role, [customers.table_arn], ["dynamodb:Query"], ["TENANT#*"])
        # The referral and the directory version (one transaction), the audit entry; refused senders' audit.
        grant_partitions(
            role,
            [customers.table_arn],
            ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            ["TENANT#*", REFUSED_SMS_PK],
        )
        grant_key_via(role, self._data.data_key, ["kms:Decrypt", "kms:GenerateDataKey"], ["dynamodb"])
        # The answer: an SMS straight to a phone number (no topic, no endpoint), as the notify sender.
        role.add_to_principal_policy(iam.PolicyStatement(actions=["sns:Publish"], not_resources=["arn:aws:sns:*:*:*"]))
