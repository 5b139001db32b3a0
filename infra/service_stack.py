"""The telefonist stack: composes one construct per concern."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import jsii
from constructs import Construct
from telefonist import config

from infra import constants
from infra.constructs.calendar_sync_construct import CalendarSyncConstruct
from infra.constructs.connect_construct import ConnectConstruct
from infra.constructs.contact_stats_construct import ContactStatsConstruct
from infra.constructs.data_construct import DataConstruct
from infra.constructs.directory_construct import DirectoryConstruct
from infra.constructs.employee_status_construct import EmployeeStatusConstruct
from infra.constructs.function_code import FunctionCodeConstruct
from infra.constructs.inbound_sms_construct import InboundSmsConstruct
from infra.constructs.monitoring_construct import Monitored, MonitoringConstruct
from infra.constructs.notify_construct import NotifyConstruct
from infra.constructs.rating_construct import RatingConstruct
from infra.constructs.self_service_api_construct import PERSON_ATTRIBUTE, TENANT_ATTRIBUTE, SelfServiceApiConstruct
from infra.constructs.service_function import ServiceFunction
from infra.constructs.sign_in_construct import PAGE_PATHS, SignInConstruct
from infra.constructs.transfer_construct import TransferConstruct
from infra.constructs.web_hosting_construct import WebHostingConstruct


@jsii.implements(cdk.IStableStringProducer)
class _Later:
    """A value known only after a construct built later (the site's origin, for the API's CORS)."""

    def __init__(self) -> None:
        self.value: str | None = None

    def produce(self) -> str | None:
        return self.value


class ServiceStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        cdk.Tags.of(self).add("service", constants.SERVICE_NAME)
        self.data = DataConstruct(self, constants.DATA_CONSTRUCT_ID)
        self.code = FunctionCodeConstruct(self, constants.CODE_CONSTRUCT_ID)
        self.notify = NotifyConstruct(self, "Notify", data=self.data, code=self.code)
        self.inbound_sms = InboundSmsConstruct(
            self, "InboundSms", data=self.data, code=self.code, sms_sender_id=self.notify.sms_sender_id
        )
        self.connect = ConnectConstruct(self, "Connect", data=self.data, code=self.code)
        self.rating = RatingConstruct(
            self,
            "Rating",
            data=self.data,
            code=self.code,
            connect_instance_arn=self.connect.instance_arn,
        )
        # Statistics of customers' calls (issue 20): the CTR stream's second consumer.
        self.contact_stats = ContactStatsConstruct(
            self, "ContactStats", data=self.data, code=self.code, stream=self.rating.stream
        )
        self.directory = DirectoryConstruct(self, "Directory", data=self.data, code=self.code)
        self.transfer = TransferConstruct(
            self, "Transfer", data=self.data, code=self.code, connect_instance_arn=self.connect.instance_arn
        )
        # The API allows the site's origin (CORS); the site's CSP names the API's: the origin comes later.
        site_origin = _Later()
        self.self_service = SelfServiceApiConstruct(
            self,
            constants.SELF_SERVICE_CONSTRUCT_ID,
            data=self.data,
            code=self.code,
            site_origin=cdk.Lazy.string(site_origin),
        )
        # Operators' routes on the same API and authorizer; each function checks the group itself.
        api = self.self_service
        api.add_operator_route("/operator/tenants/{tenant_id}/directory", "GET", self.directory.function)
        # The customers, for a call whose number named none. Only GET: API Gateway matches on the
        # resource and method together, so `POST /operator/tenants` (onboarding) stays with the proxy.
        api.add_operator_route("/operator/tenants", "GET", self.directory.function)
        api.add_operator_route("/finance/tenants", "GET", self.directory.function)  # the same list, for finance
        api.add_operator_route("/operator/tenants/{tenant_id}/directory/{person_id}", "GET", self.directory.function)
        api.add_operator_route("/tenants/{tenant_id}/messages", "POST", self.notify.submit_function)
        api.add_operator_route(
            "/tenants/{tenant_id}/people/{person_id}/message-form", "GET", self.notify.submit_function
        )
        api.add_operator_route(
            "/operator/tenants/{tenant_id}/contacts/{contact_id}/transfer", "PUT", self.transfer.function
        )
        # Caller history (issue 20): the number in the body (API Gateway's access logs hold URLs).
        api.add_operator_route("/operator/tenants/{tenant_id}/caller-history", "POST", self.transfer.function)
        api.add_operator_route(
            "/operator/tenants/{tenant_id}/contacts/{contact_id}/message", "PUT", self.transfer.function
        )
        # The employee's own status (issue 21): on the same API, signed in by an SMS link, not Cognito.
        self.employee_status = EmployeeStatusConstruct(
            self, "EmployeeStatus", data=self.data, code=self.code, api=api, sms_sender_id=self.notify.sms_sender_id
        )
        self.calendar_sync = CalendarSyncConstruct(self, "CalendarSync", data=self.data, code=self.code, api=api)
        # The managed login and one public client per page, their URLs on the site's origin.
        self.sign_in = SignInConstruct(
            self,
            "SignIn",
            user_pool=api.user_pool,
            site_origin=cdk.Lazy.string(site_origin),
            tenant_attribute=TENANT_ATTRIBUTE,
            person_attribute=PERSON_ATTRIBUTE,  # an employees user's own person, in the ID token
        )
        self.web = WebHostingConstruct(
            self,
            "Web",
            access_logs_bucket=self.data.access_logs_bucket,
            api_origin=api.api_origin,
            # The pages exchange the code at the managed login's token endpoint (connect-src).
            cognito_origins=[self.sign_in.domain_url],
            operator_config={"host": "connect", "api_url": api.api.url, "cognito": self.sign_in.config("operator")},
            mina_sidor_config={
                "host": "cognito",
                "api_url": api.api.url,
                "cognito": self.sign_in.config("mina-sidor"),
            },
            status_config={"host": "aws", "api_url": api.api.url},
        )
        site_origin.value = self.web.site_origin
        # The operator page as an app of the agent workspace, on the site's origin.
        self.connect.register_operator_app(
            access_url=self.web.site_origin + PAGE_PATHS["operator"], site_origin=self.web.site_origin
        )
        # The functions behind the API put the site's CORS header on every answer (API Gateway's
        # proxy integration passes their headers through; it answers only the preflight itself).
        for api_function in (
            self.self_service.handler.function,
            self.directory.service_function.function,
            self.notify.submit_function,
            self.transfer.service_function.function,
            self.employee_status.function,  # and its sign-in links open the site's /status/
        ):
            api_function.add_environment(config.ENV_SITE_ORIGIN, self.web.site_origin)
        self.contact_stats.grant_month_reads(self.self_service.handler)  # the statistics routes (issue 20)
        self.monitoring = MonitoringConstruct(
            self,
            "Monitoring",
            monitored=Monitored(
                functions=[c for c in self.node.find_all() if isinstance(c, ServiceFunction)],
                contact_flow=self.connect.contact_flow_function,
                rating=self.rating.function,
                rating_failure_queue=self.rating.failure_queue,
                ctr_stream=self.rating.stream,
                notify_queue=self.notify.queue,
                notify_dead_letter_queue=self.notify.dead_letter_queue,
                notify_dead_letter_alarm=self.notify.dead_letter_alarm,
                api=self.self_service.api,
                inbound_sms_dead_letter_queue=self.inbound_sms.dead_letter_queue,
            ),
        )
