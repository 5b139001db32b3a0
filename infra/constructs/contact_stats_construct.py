"""Contact statistics (issue 20): a second consumer of the CTR stream, beside rating, with its own
event source mapping, on-failure queue and least-privilege role; billing is not touched."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from telefonist import config, resources
from telefonist.dal import keys
from telefonist.statistics.model import CALL_LOG_EVENT_ATTRIBUTES

from infra.constructs.data_construct import DataConstruct
from infra.constructs.function_code import FunctionCodeConstruct
from infra.constructs.key_grants import grant_key_via
from infra.constructs.service_function import ServiceFunction

HANDLER = "functions.contact_stats.handler.lambda_handler"
# Two DynamoDB round trips per contact: smaller batches than rating's keep an invocation short.
BATCH_SIZE = 200
BATCH_WINDOW = cdk.Duration.seconds(10)
RETRY_ATTEMPTS = 5
MAX_RECORD_AGE = cdk.Duration.days(1)
# Records of one contact share a partition key (its ContactId), kept in order at any factor.
PARALLELIZATION_FACTOR = 2


class ContactStatsConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        data: DataConstruct,
        code: FunctionCodeConstruct,
        stream: kinesis.IStream,
    ) -> None:
        super().__init__(scope, construct_id)
        self._data = data
        self.table = data.table(resources.STATISTICS_TABLE)
        self.failure_queue = sqs.Queue(
            self,
            "FailureQueue",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=data.data_key,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        reason = "This queue is itself the on-failure destination of the contact statistics event source mapping"
        cdk.Validations.of(self.failure_queue).acknowledge(
            cdk.Acknowledgment(id="AwsSolutions::AwsSolutions-SQS3", reason=reason),
            cdk.Acknowledgment(id="Serverless::Serverless-SQSRedrivePolicy", reason=reason),
        )
        self.service_function = ServiceFunction(
            self,
            "Function",
            code=code,
            handler=HANDLER,
            description="Contact events and daily statistics per customer from contact trace records",
            environment={
                config.ENV_CUSTOMER_TABLE: data.table(resources.CUSTOMER_TABLE).table_name,
                config.ENV_STATISTICS_TABLE: self.table.table_name,
            },
            log_key=data.data_key,
            timeout=cdk.Duration.minutes(2),
            memory_size=512,
            no_dead_letter_reason="Invoked by a Kinesis event source mapping whose on-failure destination is "
            "the contact statistics FailureQueue",
        )
        self.function = self.service_function.function
        self._grant(self.service_function.role)
        self.function.add_event_source(
            sources.KinesisEventSource(
                stream,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=BATCH_SIZE,
                max_batching_window=BATCH_WINDOW,
                bisect_batch_on_error=True,
                retry_attempts=RETRY_ATTEMPTS,
                max_record_age=MAX_RECORD_AGE,
                report_batch_item_failures=True,
                parallelization_factor=PARALLELIZATION_FACTOR,
                on_failure=sources.SqsDlq(self.failure_queue),
            )
        )

    def grant_month_reads(self, reader: ServiceFunction) -> None:
        """The statistics and call log routes' function: the table's name, a Query on months (STATS#)
        only, and BatchGetItem on contact events (CONTACT#) only: the call log's rows' outcomes."""
        reader.function.add_environment(config.ENV_STATISTICS_TABLE, self.table.table_name)
        reader.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:Query"],
                resources=[self.table.table_arn],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["STATS#*"]}},
            )
        )
        # ... and of those only the attributes the call log shows (the keys, and never the counts)
        reader.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:BatchGetItem"],
                resources=[self.table.table_arn],
                conditions={
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CONTACT#*"]},
                    "ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "sk", *CALL_LOG_EVENT_ATTRIBUTES]},
                    "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
                },
            )
        )

    def _grant(self, role: iam.IRole) -> None:
        # Routes only (dialed number -> tenant), for a contact without the tenant attribute.
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:GetItem"],
                resources=[self._data.table(resources.CUSTOMER_TABLE).table_arn],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [keys.number_pk("*")]}},
            )
        )
        # Whether the people calls went to are still in the directory (a late CTR version must not name
        # someone erased): person items' keys only, never an attribute of theirs.
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:BatchGetItem"],
                resources=[self._data.table(resources.CUSTOMER_TABLE).table_arn],
                conditions={
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [keys.tenant_pk("*")]},
                    "ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "sk"]},
                    "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
                },
            )
        )
        # Contact events and aggregates: read the held events (a batch's together), then transactions (Put + Update).
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=[
                    "dynamodb:GetItem",
                    "dynamodb:BatchGetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:ConditionCheckItem",
                ],
                resources=[self.table.table_arn],
                conditions={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CONTACT#*", "STATS#*"]}},
            )
        )
        grant_key_via(role, self._data.data_key, ["kms:Decrypt", "kms:GenerateDataKey"], ["kinesis", "dynamodb"])
        for action in ("kms:ReEncrypt*", "kms:GenerateDataKey*"):
            cdk.Validations.of(role).acknowledge(
                cdk.Acknowledgment(
                    id=f"AwsSolutions::AwsSolutions-IAM5[Action::{action}]",
                    reason="CDK's grant for sending failed-batch records to the KMS-encrypted on-failure queue "
                    "(SqsDlq), on the data key only",
                )
            )
