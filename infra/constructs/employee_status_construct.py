"""The employee's own status routes (`/employee/...`, issue 21): their function and its rights.

The routes are on the one API, without the Cognito authorizer (`add_session_route`): the
function signs employees in with a single-use link sent by SMS and checks their session itself.
"""

from __future__ import annotations

from constructs import Construct
from telefonist.dal.employee_access import PREFIX as ACCESS_PREFIX
from typing_extensions import Unpack

from infra.constructs.employee_sms import employee_sms_function
from infra.constructs.self_service_api_construct import SelfServiceApiConstruct
from infra.constructs.service_construct import ServiceConstruct, ServiceInputs

HANDLER = "functions.employee_status.handler.lambda_handler"
ROUTES = (
    ("/employee/sign-in-link", "POST"),
    ("/employee/session", "POST"),
    ("/employee/status", "GET"),
    ("/employee/status", "PUT"),
    ("/employee/status", "DELETE"),
)
MAX_CONCURRENCY = 5  # sign-in links cost an SMS each: a flood cannot scale out


class EmployeeStatusConstruct(ServiceConstruct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api: SelfServiceApiConstruct,
        sms_sender_id: str,
        **inputs: Unpack[ServiceInputs],
    ) -> None:
        super().__init__(scope, construct_id, **inputs)
        self.service_function = employee_sms_function(
            self,
            "Status",
            data=self._data,
            code=self._code,
            handler=HANDLER,
            description="The employee's own status: sign-in links by SMS, sessions, their own referral",
            sms_sender_id=sms_sender_id,
            max_concurrency=MAX_CONCURRENCY,
            table_grants=(
                (["dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], ["TENANT#*"]),
                (
                    ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
                    [f"{ACCESS_PREFIX}*"],
                ),
            ),
            no_dead_letter_reason="Invoked synchronously by API Gateway: the caller gets the error",
        )
        self.function = self.service_function.function
        for path, method in ROUTES:
            api.add_session_route(path, method, self.function)
