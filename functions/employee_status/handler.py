"""Lambda entry of the employee's own status routes (`/employee/...`), and their composition root.

`router` is what `telefonist serve` includes in the whole API; `lambda_handler` serves it alone.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field
from telefonist import config
from telefonist.edge.resolver import edge_resolver, site_origin_of
from telefonist.observability import logger

from functions.employee_status.api import EmployeeServices, build_router

ENV_STATUS_PAGE_URL = "STATUS_PAGE_URL"
LOCAL_PAGE_URL = "http://127.0.0.1:8080/status/"  # `telefonist serve`'s default port


class Environment(BaseModel):
    """What CDK passes; validated once per cold start."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    customer_table: str = Field(alias=config.ENV_CUSTOMER_TABLE, min_length=3)
    sms_sender_id: str = Field(alias=config.ENV_SMS_SENDER_ID, min_length=1, max_length=11)
    # The page the sign-in link opens: configured, never taken from a request (a forged Host
    # header would otherwise send a victim a link, with a valid token, to someone else's site).
    page_url: str = Field(alias=ENV_STATUS_PAGE_URL, pattern=r"^https?://[^#?]+/$")


def page_url_of(environ: dict[str, str]) -> str:
    origin = site_origin_of(environ)
    return environ.get(ENV_STATUS_PAGE_URL) or (f"{origin}/status/" if origin else LOCAL_PAGE_URL)


@cache
def environment() -> Environment:
    environ = dict(os.environ)
    return Environment.model_validate({**environ, ENV_STATUS_PAGE_URL: page_url_of(environ)})


@cache
def services() -> EmployeeServices:
    import boto3
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.employee_access import DynamoAccessStore
    from telefonist.dal.notify_adapters import SnsSmsSender
    from telefonist.referral_automation.sign_in import EmployeeSignIn
    from telefonist.self_service.billing import UnavailableBillingSummarySource
    from telefonist.self_service.service import SelfService

    env = environment()
    table = boto3.resource("dynamodb").Table(env.customer_table)
    repo = CustomerRepository(table)  # people and referrals only: no secrets
    sms = SnsSmsSender(boto3.client("sns"), env.sms_sender_id)
    sign_in = EmployeeSignIn(repo, DynamoAccessStore(table), sms, env.page_url)
    return EmployeeServices(sign_in=sign_in, self_service=SelfService(repo, UnavailableBillingSummarySource()))


router = build_router(services)
app = edge_resolver(router, site_origin=site_origin_of(os.environ))


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    environment()
    return app.resolve(event, context)
