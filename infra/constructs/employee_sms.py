"""A function that employees reach from their registered mobile and that answers them by SMS (the
employee's own status routes, SMS commands): one environment, one set of rights, each function's own
writes to the customer table."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_sqs as sqs
from constructs import Construct
from telefonist import config, resources
from telefonist.dal import keys

from infra.constructs.data_construct import DataConstruct
from infra.constructs.function_code import FunctionCodeConstruct
from infra.constructs.grants import grant_key_via, grant_partitions, grant_sms_to_phone_numbers
from infra.constructs.service_function import ServiceFunction


def employee_sms_function(
    scope: Construct,
    construct_id: str,
    *,
    data: DataConstruct,
    code: FunctionCodeConstruct,
    handler: str,
    description: str,
    sms_sender_id: str,
    max_concurrency: int,
    table_grants: Sequence[tuple[Sequence[str], Sequence[str]]],
    dead_letter_queue: sqs.IQueue | None = None,
    no_dead_letter_reason: str | None = None,
) -> ServiceFunction:
    """The function, allowed to find an employee by mobile (the mobile index, keys only), to make
    `table_grants` ((actions, partitions) on the customer table, in that order), to use the data key
    through DynamoDB, and to send an SMS straight to a phone number (no topic, no endpoint)."""
    customers = data.table(resources.CUSTOMER_TABLE)
    function = ServiceFunction(
        scope,
        construct_id,
        code=code,
        handler=handler,
        description=description,
        environment={config.ENV_CUSTOMER_TABLE: customers.table_name, config.ENV_SMS_SENDER_ID: sms_sender_id},
        log_key=data.data_key,
        reserved_concurrency=max_concurrency,
        dead_letter_queue=dead_letter_queue,
        no_dead_letter_reason=no_dead_letter_reason,
    )
    role = function.role
    grant_partitions(role, [f"{customers.table_arn}/index/{keys.MOBILE_INDEX}"], ["dynamodb:Query"], ["MOBILE#*"])
    for actions, partitions in table_grants:
        grant_partitions(role, [customers.table_arn], actions, partitions)
    grant_key_via(role, data.data_key, ["kms:Decrypt", "kms:GenerateDataKey"], ["dynamodb"])
    grant_sms_to_phone_numbers(role)
    return function
