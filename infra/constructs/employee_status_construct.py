"""The employee's own status routes (`/employee/...`, issue 21): their function and its rights.

The routes are on the one API, without the Cognito authorizer (`add_session_route`): the
function signs employees in with a single-use link sent by SMS and checks their session itself.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct
from telefonist import config, resources
from telefonist.dal import keys
from telefonist.dal.employee_access import PREFIX as ACCESS_PREFIX

from infra.constructs.data_construct import DataConstruct
from infra.constructs.function_code import FunctionCodeConstruct
from infra.constructs.grants import grant_key_via, grant_partitions
from infra.constructs.self_service_api_construct import SelfServiceApiConstruct
from infra.constructs.service_function import ServiceFunction

HANDLER = "functions.employee_status.handler.lambda_handler"
ROUTES = (
    ("/employee/sign-in-link", "POST"),
    ("/employee/session", "POST"),
    ("/employee/status", "GET"),
    ("/employee/status", "PUT"),
    ("/employee/status", "DELETE"),
)
MAX_CONCURRENCY = 5  # sign-in links cost an SMS each: a flood cannot scale out


class EmployeeStatusConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        data: DataConstruct,
        code: FunctionCodeConstruct,
        api: SelfServiceApiConstruct,
        sms_sender_id: str,
    ) -> None:
        super().__init__(scope, construct_id)
        customers = data.table(resources.CUSTOMER_TABLE)
        self.service_function = ServiceFunction(
            self,
            "Status",
            code=code,
            handler=HANDLER,
            description="The employee's own status: sign-in links by SMS, sessions, their own referral",
            environment={config.ENV_CUSTOMER_TABLE: customers.table_name, config.ENV_SMS_SENDER_ID: sms_sender_id},
            log_key=data.data_key,
            reserved_concurrency=MAX_CONCURRENCY,
            no_dead_letter_reason="Invoked synchronously by API Gateway: the caller gets the error",
        )
        self.function = self.service_function.function
        role = self.service_function.role
        grant_partitions(role, [f"{customers.table_arn}/index/{keys.MOBILE_INDEX}"], ["dynamodb:Query"], ["MOBILE#*"])
        grant_partitions(
            role,
            [customers.table_arn],
            ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            ["TENANT#*"],
        )
        grant_partitions(
            role,
            [customers.table_arn],
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            [f"{ACCESS_PREFIX}*"],
        )
        grant_key_via(role, data.data_key, ["kms:Decrypt", "kms:GenerateDataKey"], ["dynamodb"])
        role.add_to_principal_policy(iam.PolicyStatement(actions=["sns:Publish"], not_resources=["arn:aws:sns:*:*:*"]))
        for path, method in ROUTES:
            api.add_session_route(path, method, self.function)
