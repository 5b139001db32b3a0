"""Contact statistics (issue 20): a second consumer of the CTR stream, beside rating, with its own
event source mapping, on-failure queue and least-privilege role; billing is not touched."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from constructs import Construct
from telefonist import config, resources
from telefonist.dal import keys
from telefonist.statistics.model import CALL_LOG_EVENT_ATTRIBUTES
from typing_extensions import Unpack

from infra.constructs.dead_letters import consume_stream, dead_letter_queue
from infra.constructs.grants import grant_key_via, grant_partitions
from infra.constructs.service_construct import ServiceConstruct, ServiceInputs
from infra.constructs.service_function import ServiceFunction

HANDLER = "functions.contact_stats.handler.lambda_handler"
# Two DynamoDB round trips per contact: smaller batches than rating's keep an invocation short.
BATCH_SIZE = 200
# Records of one contact share a partition key (its ContactId), kept in order at any factor.
PARALLELIZATION_FACTOR = 2


class ContactStatsConstruct(ServiceConstruct):
    def __init__(
        self, scope: Construct, construct_id: str, *, stream: kinesis.IStream, **inputs: Unpack[ServiceInputs]
    ) -> None:
        super().__init__(scope, construct_id, **inputs)
        self.table = self._data.table(resources.STATISTICS_TABLE)
        self.failure_queue = dead_letter_queue(
            self,
            "FailureQueue",
            self._data.data_key,
            "This queue is itself the on-failure destination of the contact statistics event source mapping",
        )
        self.service_function = ServiceFunction(
            self,
            "Function",
            code=self._code,
            handler=HANDLER,
            description="Contact events and daily statistics per customer from contact trace records",
            environment={
                config.ENV_CUSTOMER_TABLE: self._data.table(resources.CUSTOMER_TABLE).table_name,
                config.ENV_STATISTICS_TABLE: self.table.table_name,
            },
            log_key=self._data.data_key,
            timeout=cdk.Duration.minutes(2),
            memory_size=512,
            no_dead_letter_reason="Invoked by a Kinesis event source mapping whose on-failure destination is "
            "the contact statistics FailureQueue",
        )
        self.function = self.service_function.function
        self._grant(self.service_function.role)
        consume_stream(
            self.service_function,
            stream,
            self.failure_queue,
            batch_size=BATCH_SIZE,
            parallelization_factor=PARALLELIZATION_FACTOR,
        )

    def grant_month_reads(self, reader: ServiceFunction) -> None:
        """The statistics and call log routes' function: the table's name, a Query on months (STATS#)
        only, and BatchGetItem on contact events (CONTACT#) only: the call log's rows' outcomes."""
        reader.function.add_environment(config.ENV_STATISTICS_TABLE, self.table.table_name)
        grant_partitions(reader.role, [self.table.table_arn], ["dynamodb:Query"], ["STATS#*"])
        # ... and of those only the attributes the call log shows (the keys, and never the counts)
        grant_partitions(
            reader.role,
            [self.table.table_arn],
            ["dynamodb:BatchGetItem"],
            ["CONTACT#*"],
            attributes=["pk", "sk", *CALL_LOG_EVENT_ATTRIBUTES],
        )

    def _grant(self, role: iam.IRole) -> None:
        # Routes only (dialed number -> tenant), for a contact without the tenant attribute.
        customers = self._data.table(resources.CUSTOMER_TABLE).table_arn
        grant_partitions(role, [customers], ["dynamodb:GetItem"], [keys.number_pk("*")])
        # Whether the people calls went to are still in the directory (a late CTR version must not name
        # someone erased): person items' keys only, never an attribute of theirs.
        grant_partitions(role, [customers], ["dynamodb:BatchGetItem"], [keys.tenant_pk("*")], attributes=["pk", "sk"])
        # Contact events and aggregates: read the held events (a batch's together), then transactions (Put + Update).
        grant_partitions(
            role,
            [self.table.table_arn],
            [
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:ConditionCheckItem",
            ],
            ["CONTACT#*", "STATS#*"],
        )
        grant_key_via(role, self._data.data_key, ["kms:Decrypt", "kms:GenerateDataKey"], ["kinesis", "dynamodb"])
