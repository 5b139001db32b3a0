"""Lambda entry of the employee's own status routes (`/employee/...`), and their composition root.

`router` is what `telefonist serve` includes in the whole API; `lambda_handler` serves it alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from telefonist import config
from telefonist.edge.context import deps_of, resolve_with
from telefonist.edge.resolver import edge_resolver, site_origin_of
from telefonist.environment import SMS_SENDER_ID_PATTERN, load_env
from telefonist.observability import logger

from functions import lambda_entry
from functions.employee_status.api import EmployeeServices, build_router

if TYPE_CHECKING:
    from telefonist.self_service.service import SelfService

ENV_STATUS_PAGE_URL = "STATUS_PAGE_URL"
LOCAL_PAGE_URL = "http://127.0.0.1:8080/status/"  # `telefonist serve`'s default port


@dataclass(frozen=True)
class Environment:
    """What CDK sets for this function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
    sms_sender_id: str = field(metadata={"env": config.ENV_SMS_SENDER_ID, "pattern": SMS_SENDER_ID_PATTERN})
    # The page the sign-in link opens: configured, never taken from a request (a forged Host
    # header would otherwise send a victim a link, with a valid token, to someone else's site).
    status_page_url: str | None = field(
        default=None, metadata={"env": ENV_STATUS_PAGE_URL, "pattern": r"https?://[^#?]+/"}
    )
    site_origin: str | None = field(default=None, metadata={"env": config.ENV_SITE_ORIGIN})

    @property
    def page_url(self) -> str:
        """The status page's address: configured, else the site's, else `telefonist serve`'s."""
        if self.status_page_url:
            return self.status_page_url
        return f"{self.site_origin.rstrip('/')}/status/" if self.site_origin else LOCAL_PAGE_URL


Dependencies = EmployeeServices  # what the routes use


@cache
def dependencies() -> Dependencies:
    import boto3
    from telefonist.dal.employee_access import DynamoAccessStore, EmployeeDirectory
    from telefonist.dal.notify_adapters import SnsSmsSender
    from telefonist.dal.table import dynamodb_tables
    from telefonist.referral_automation.sign_in import EmployeeSignIn

    env = load_env(Environment)
    table = dynamodb_tables().Table(env.customer_table)
    sms = SnsSmsSender(boto3.client("sns"), env.sms_sender_id)
    sign_in = EmployeeSignIn(EmployeeDirectory(table), DynamoAccessStore(table), sms, env.page_url)

    def self_service() -> SelfService:
        from telefonist.dal.customer_repository import CustomerRepository
        from telefonist.self_service.billing import UnavailableBillingSummarySource
        from telefonist.self_service.service import SelfService

        # people and referrals only: no secrets
        return SelfService(CustomerRepository(table), UnavailableBillingSummarySource())

    return EmployeeServices(sign_in=sign_in, make_self_service=self_service)


def _services() -> EmployeeServices:
    return deps_of(Dependencies)


router = build_router(_services)
app = edge_resolver(router, site_origin=site_origin_of(os.environ))


def handle(event: dict[str, Any], deps: Dependencies) -> dict[str, Any]:
    return resolve_with(app, deps, event)


lambda_handler = lambda_entry(handle, dependencies, logger=logger)
