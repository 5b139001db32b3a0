"""The operator's transfer target: the transfer function, reading the directory and one Connect instance's contacts."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct
from telefonist import config, resources
from typing_extensions import Unpack

from infra.constructs.grants import grant_key_via, grant_partitions
from infra.constructs.service_construct import ServiceConstruct, ServiceInputs
from infra.constructs.service_function import ServiceFunction

TIMEOUT_SECONDS = 10


class TransferConstruct(ServiceConstruct):
    """`transfer`: synchronous (API Gateway); reads people (`TENANT#*`) and one instance's contacts' attributes.

    The stack wires `function` to `PUT /operator/tenants/{tenant_id}/contacts/{contact_id}/transfer`.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, connect_instance_arn: str, **inputs: Unpack[ServiceInputs]
    ) -> None:
        super().__init__(scope, construct_id, **inputs)
        customer_table = self._data.table(resources.CUSTOMER_TABLE)
        statistics_table = self._data.table(resources.STATISTICS_TABLE)
        data_key = self._data.data_key
        # Caller history (issue 20): callers' numbers are keyed by HMAC with a per-tenant key derived
        # from this key (GenerateMac); the key never leaves KMS, and no number is stored.
        self.caller_key = kms.Key(
            self,
            "CallerHistoryKey",
            description="telefonist: derives per-customer keys that hash callers' numbers (caller history)",
            key_spec=kms.KeySpec.HMAC_256,
            key_usage=kms.KeyUsage.GENERATE_VERIFY_MAC,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        self.service_function = ServiceFunction(
            self,
            "Transfer",
            code=self._code,
            handler="functions.transfer.handler.lambda_handler",
            description="Operators set the directory number 'Koppla vidare' dials on the contact",
            environment={
                config.ENV_CUSTOMER_TABLE: customer_table.table_name,
                config.ENV_STATISTICS_TABLE: statistics_table.table_name,
                config.ENV_CALLER_KEY_ID: self.caller_key.key_arn,
                config.ENV_CONNECT_INSTANCE_ARN: connect_instance_arn,
            },
            log_key=data_key,
            timeout=cdk.Duration.seconds(TIMEOUT_SECONDS),
            no_dead_letter_reason="Invoked synchronously by API Gateway: the operator's page receives the error",
        )
        self.function: lambda_.IFunction = self.service_function.function
        self._grant(customer_table, data_key, connect_instance_arn)
        self._grant_history(statistics_table, data_key)

    def _grant(self, customer_table: dynamodb.ITable, data_key: kms.IKey, instance_arn: str) -> None:
        role = self.service_function.role
        # a person with their referrals: one query of the person's range
        grant_partitions(role, [customer_table.table_arn], ["dynamodb:Query"], ["TENANT#*"])
        grant_key_via(role, data_key, ["kms:Decrypt"], ["dynamodb"])
        contacts = f"{instance_arn}/contact/*"
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["connect:GetContactAttributes", "connect:UpdateContactAttributes"], resources=[contacts]
            )
        )
        cdk.Validations.of(role).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{_as_cdk_nag_renders(cdk.Stack.of(self), contacts)}]",
                reason="Contacts get ids as calls arrive: the role may read and set attributes of this "
                "instance's contacts only, and the function admits only directory numbers",
            )
        )

    def _grant_history(self, statistics_table: dynamodb.ITable, data_key: kms.IKey) -> None:
        """Caller history: its own items of the statistics table only, and GenerateMac on its own key."""
        role = self.service_function.role
        grant_partitions(
            role,
            [statistics_table.table_arn],
            ["dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            ["CALLER#*", "CALLCONTACT#*"],
        )
        grant_key_via(role, data_key, ["kms:Encrypt", "kms:GenerateDataKey"], ["dynamodb"])
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:GenerateMac"],
                resources=[self.caller_key.key_arn],
                conditions={"StringEquals": {"kms:MacAlgorithm": "HMAC_SHA_256"}},
            )
        )


def _as_cdk_nag_renders(stack: cdk.Stack, value: str) -> str:
    """A resource string as cdk-nag names it in a finding: `<LogicalId.Arn>` for a GetAtt, `<Id>` for a Ref."""
    resolved = stack.resolve(value)
    parts = resolved["Fn::Join"][1] if isinstance(resolved, dict) and "Fn::Join" in resolved else [resolved]
    rendered = []
    for part in parts:
        if isinstance(part, dict) and "Fn::GetAtt" in part:
            rendered.append(f"<{part['Fn::GetAtt'][0]}.{part['Fn::GetAtt'][1]}>")
        elif isinstance(part, dict) and "Ref" in part:
            rendered.append(f"<{part['Ref']}>")
        else:
            rendered.append(str(part))
    return "".join(rendered)
