"""The operator's directory search: the directory_lookup function and its read-only grant."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct
from telefonist import config, resources
from telefonist.dal import keys
from typing_extensions import Unpack

from infra.constructs.grants import grant_partitions
from infra.constructs.service_construct import ServiceConstruct, ServiceInputs
from infra.constructs.service_function import ServiceFunction

# Only the tenants' partitions hold directories; routes (NUMBER#) and price lists stay out of reach.
TENANT_PARTITIONS = "TENANT#*"
READ_ACTIONS = ["dynamodb:GetItem", "dynamodb:Query"]
# The operators' list of customers (`GET /operator/tenants`): one partition, queried only.
CUSTOMER_LIST_PARTITION = keys.CUSTOMER_LIST_PK
CACHE_SECONDS = 300  # a warm index is rebuilt at least this often, even if no version bump was seen
VERSION_CHECK_SECONDS = 1  # a change made in self-service reaches operators within about a second
TIMEOUT_SECONDS = 10
MEMORY_MB = 1024  # memory buys CPU: a 10,000-person index builds in well under a second


class DirectoryConstruct(ServiceConstruct):
    """`directory_lookup`: synchronous (API Gateway), read-only on `TENANT#*` items.

    The lead wires `function` to `GET /operator/tenants/{tenant_id}/directory` and to the list of
    customers, `GET /operator/tenants` (Cognito user pool authorizer; the handler admits the
    `operators` group only). The list reads the `CUSTOMERS` partition, by Query alone.
    """

    def __init__(self, scope: Construct, construct_id: str, **inputs: Unpack[ServiceInputs]) -> None:
        super().__init__(scope, construct_id, **inputs)
        customer_table = self._data.table(resources.CUSTOMER_TABLE)
        self.service_function = self._build_function(customer_table)
        self.function: lambda_.IFunction = self.service_function.function
        self._grant_read(customer_table, self._data.data_key)

    def _build_function(self, customer_table: dynamodb.ITable) -> ServiceFunction:
        return ServiceFunction(
            self,
            "DirectoryLookup",
            code=self._code,
            handler="functions.directory_lookup.handler.lambda_handler",
            description="Operators search a customer's directory (names, keywords, referral status)",
            environment={
                config.ENV_CUSTOMER_TABLE: customer_table.table_name,
                config.ENV_DIRECTORY_CACHE_SECONDS: str(CACHE_SECONDS),
                config.ENV_DIRECTORY_VERSION_CHECK_SECONDS: str(VERSION_CHECK_SECONDS),
            },
            log_key=self._data.data_key,
            timeout=cdk.Duration.seconds(TIMEOUT_SECONDS),
            memory_size=MEMORY_MB,
            no_dead_letter_reason="Invoked synchronously (API Gateway; `telefonist smoke` with its event): "
            "the caller receives the error, there is no asynchronous event to keep",
        )

    def _grant_read(self, customer_table: dynamodb.ITable, data_key: kms.IKey) -> None:
        role = self.service_function.role
        grant_partitions(
            role, [customer_table.table_arn], READ_ACTIONS, [TENANT_PARTITIONS], sid="ReadTenantDirectories"
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="ListCustomers",
                actions=["dynamodb:Query"],
                resources=[customer_table.table_arn],
                conditions={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [CUSTOMER_LIST_PARTITION]}},
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="DecryptCustomerTable",
                actions=["kms:Decrypt"],
                resources=[data_key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"dynamodb.{cdk.Stack.of(self).region}.amazonaws.com"}},
            )
        )
