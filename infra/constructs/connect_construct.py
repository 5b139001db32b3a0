"""Amazon Connect for the inbound call path: instance (or an existing one), operators' queue and
hours, the contact flows from `infra/flows/`, the contact-flow function and number provisioning.

What CloudFormation cannot express (said here and in the README):
- associating a claimed number with a flow: the provisioning function does it (API), per customer;
- the after-contact-work limit is a per-user setting (AWS::Connect::User PhoneConfig), not a
  routing-profile one: operator users listed in context get it; users created elsewhere must be
  given OPERATOR_ACW_SECONDS too;
- listing quick connects in the CCP needs the security profile's TransferDestinations.View.
"""

from __future__ import annotations

from typing import Final

import aws_cdk as cdk
from aws_cdk import aws_appintegrations as appintegrations
from aws_cdk import aws_connect as connect
from aws_cdk import aws_iam as iam
from constructs import Construct
from telefonist import config
from telefonist.connect.flows import (
    AGENT_WHISPER_FLOW,
    EXTERNAL_TRANSFER_FLOW,
    INBOUND_FLOW,
    flow_values,
    render_flow,
)
from telefonist.resources import CUSTOMER_TABLE
from typing_extensions import Unpack

from infra.constructs.grants import grant_key_via, grant_partitions
from infra.constructs.service_construct import ServiceConstruct, ServiceInputs
from infra.constructs.service_function import ServiceFunction

CTX_CONNECT_INSTANCE_ARN: Final = "telefonist:connectInstanceArn"
CTX_CONNECT_INSTANCE_ALIAS: Final = "telefonist:connectInstanceAlias"
CTX_OPERATORS: Final = "telefonist:operators"  # comma-separated usernames of operator users to create
CTX_NUMBER_COUNTRY: Final = "telefonist:numberCountry"

TIME_ZONE: Final = "Europe/Stockholm"
# Handling per call is at most 45 s (talk + after-contact work). 0 would mean *no limit* in Connect.
OPERATOR_ACW_SECONDS: Final = 5
# Connect waits at most 8 s for a flow's Lambda; the function degrades well before that.
CONTACT_FLOW_TIMEOUT: Final = cdk.Duration.seconds(6)
PROVISIONING_TIMEOUT: Final = cdk.Duration.minutes(3)
OPERATOR_PERMISSIONS: Final = ("BasicAgentAccess", "OutboundCallAccess", "TransferDestinations.View")
# What the operator page asks of the agent workspace (web/src/connect/amazon.ts), and nothing more:
# contact events (connected, after-contact work, cleared), the flow's attributes, the caller's number,
# the routing profile's quick connects, and transfer / add participant with the "Koppla vidare" one.
OPERATOR_APP_PERMISSIONS: Final = (
    "Contact.Details.View",
    "Contact.Attributes.View",
    "Contact.CustomerDetails.View",
    "User.Configuration.View",
    "Contact.Details.Edit",
)
OPERATOR_APP_NAMESPACE: Final = "telefonist.operator"
# The workspace's default sandbox, plus: the sign-in window (Cognito's managed login cannot be
# framed) opens as an ordinary window, not one inheriting the frame's sandbox; and the page may ask
# for storage access (Storage Access API, on a click) to collect a code the window could not hand
# back (web/src/auth/popup.ts).
OPERATOR_APP_SANDBOX: Final = (
    "allow-forms",
    "allow-popups",
    "allow-popups-to-escape-sandbox",
    "allow-same-origin",
    "allow-scripts",
    "allow-storage-access-by-user-activation",
)
_DAYS: Final = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


class ConnectConstruct(ServiceConstruct):
    """The telephony side; `instance_arn` is what other constructs (CTR streaming) attach to."""

    def __init__(self, scope: Construct, construct_id: str, **inputs: Unpack[ServiceInputs]) -> None:
        super().__init__(scope, construct_id, **inputs)
        self.instance_arn = self._build_instance()
        self.hours = self._build_hours()
        self.operator_queue = self._build_queue(
            "OperatorQueue", "Telefonister", "Every customer's calls, answered by the operators"
        )
        self.contact_flow_function = self._build_contact_flow_function()
        self._integrate(self.contact_flow_function)
        self.whisper_flow = self._build_flow(AGENT_WHISPER_FLOW, "AGENT_WHISPER", "Names the customer to the operator")
        self.inbound_flow = self._build_flow(INBOUND_FLOW, "CONTACT_FLOW", "Customer number → script → operators")
        # Callers returned from a transfer wait in a queue of their own, which operators also answer:
        # the operators' queue lists the quick connect, so the transfer flow must not point back at it.
        self.transfer_queue = self._build_queue(
            "TransferQueue", "Vidarekoppling", "Callers back from a transfer nobody answered; operators answer it"
        )
        self.transfer_flow = self._build_flow(
            EXTERNAL_TRANSFER_FLOW,
            "QUEUE_TRANSFER",
            "Operator's external transfer, presenting the dialed customer number",
        )
        self.transfer_quick_connect = self._build_quick_connect()
        self.security_profile = self._build_security_profile()
        self.routing_profile = self._build_routing_profile()
        self.operators = [self._build_operator(username) for username in self._operator_usernames()]
        self.provisioning_function = self._build_provisioning_function()

    # ---------------------------------------------------------------- instance, hours, queues
    def _build_instance(self) -> str:
        imported = self.node.try_get_context(CTX_CONNECT_INSTANCE_ARN)
        if imported:
            return str(imported)
        alias = self.node.try_get_context(CTX_CONNECT_INSTANCE_ALIAS) or f"telefonist-{cdk.Stack.of(self).account}"
        instance = connect.CfnInstance(
            self,
            "Instance",
            # SAML: operators sign in with the organisation's identity provider; no passwords in templates.
            identity_management_type="SAML",
            instance_alias=alias,
            attributes=connect.CfnInstance.AttributesProperty(
                inbound_calls=True,
                outbound_calls=True,  # external transfers and relays are outbound legs
                contactflow_logs=True,
            ),
        )
        return instance.attr_arn

    def _build_hours(self) -> connect.CfnHoursOfOperation:
        # The service also covers evenings and weekends: operators around the clock by default.
        # Connect writes midnight as 00:00, so 00:00-00:00 is the whole day; an end at 23:59 would
        # leave a closed minute every night (set-hours-operation.html#set-hours-operation-midnight).
        return connect.CfnHoursOfOperation(
            self,
            "OperatorHours",
            instance_arn=self.instance_arn,
            name="Telefonister",
            description="When operators answer (the flow still queues callers outside these hours)",
            time_zone=TIME_ZONE,
            config=[
                connect.CfnHoursOfOperation.HoursOfOperationConfigProperty(
                    day=day,
                    start_time=connect.CfnHoursOfOperation.HoursOfOperationTimeSliceProperty(hours=0, minutes=0),
                    end_time=connect.CfnHoursOfOperation.HoursOfOperationTimeSliceProperty(hours=0, minutes=0),
                )
                for day in _DAYS
            ],
        )

    def _build_queue(
        self, construct_id: str, name: str, description: str, quick_connects: list[str] | None = None
    ) -> connect.CfnQueue:
        return connect.CfnQueue(
            self,
            construct_id,
            instance_arn=self.instance_arn,
            name=name,
            description=description,
            hours_of_operation_arn=self.hours.attr_hours_of_operation_arn,
            outbound_caller_config=connect.CfnQueue.OutboundCallerConfigProperty(outbound_caller_id_name="Växeln"),
            quick_connect_arns=quick_connects,
        )

    # ---------------------------------------------------------------- the contact-flow function
    def _build_contact_flow_function(self) -> ServiceFunction:
        table = self._data.table(CUSTOMER_TABLE)
        function = ServiceFunction(
            self,
            "ContactFlowFunction",
            code=self._code,
            handler="functions.contact_flow.handler.lambda_handler",
            description="Inbound call: dialed number → the operator's script (one DynamoDB read)",
            environment={config.ENV_CUSTOMER_TABLE: table.table_name},
            log_key=self._data.data_key,
            timeout=CONTACT_FLOW_TIMEOUT,
            # More memory is more CPU: the cold start (imports) runs inside Connect's 8-second wait.
            memory_size=1024,
            no_dead_letter_reason="Invoked synchronously by Amazon Connect, whose flow takes its error branch "
            "(fallback script, caller still queued) on failure",
        )
        # Read-only, and only the routing records: items whose partition key is NUMBER#<number>.
        grant_partitions(function.role, [table.table_arn], ["dynamodb:GetItem"], ["NUMBER#*"])
        grant_key_via(function.role, self._data.data_key, ["kms:Decrypt"], ["dynamodb"])
        return function

    def _integrate(self, function: ServiceFunction) -> None:
        stack = cdk.Stack.of(self)
        function.function.add_permission(
            "InvokedByConnect",
            principal=iam.ServicePrincipal("connect.amazonaws.com"),
            source_arn=self.instance_arn,
            source_account=stack.account,
        )
        connect.CfnIntegrationAssociation(
            self,
            "ContactFlowFunctionIntegration",
            instance_id=self.instance_arn,
            integration_type="LAMBDA_FUNCTION",
            integration_arn=function.function.function_arn,
        )

    # ---------------------------------------------------------------- flows and transfers
    def _build_flow(self, name: str, flow_type: str, description: str) -> connect.CfnContactFlow:
        values = flow_values(
            contact_flow_function_arn=self.contact_flow_function.function.function_arn,
            operator_queue_arn=(
                self.transfer_queue if name == EXTERNAL_TRANSFER_FLOW else self.operator_queue
            ).attr_queue_arn,
            operator_hours_arn=self.hours.attr_hours_of_operation_arn,
            agent_whisper_flow_arn=self.whisper_flow.attr_contact_flow_arn if name == INBOUND_FLOW else "",
        )
        return connect.CfnContactFlow(
            self,
            f"Flow-{name}",
            instance_arn=self.instance_arn,
            name=f"telefonist-{name.replace('_', '-')}",
            type=flow_type,
            description=description,
            content=render_flow(name, values),
            state="ACTIVE",
        )

    def _build_quick_connect(self) -> connect.CfnQuickConnect:
        quick_connect = connect.CfnQuickConnect(
            self,
            "ExternalTransfer",
            instance_arn=self.instance_arn,
            name="Koppla vidare",
            description="Connect the caller to the person sought (attribute transfer_to), the customer's number shown",
            quick_connect_config=connect.CfnQuickConnect.QuickConnectConfigProperty(
                quick_connect_type="QUEUE",
                queue_config=connect.CfnQuickConnect.QueueQuickConnectConfigProperty(
                    contact_flow_arn=self.transfer_flow.attr_contact_flow_arn,
                    queue_arn=self.transfer_queue.attr_queue_arn,
                ),
            ),
        )
        self.operator_queue.quick_connect_arns = [quick_connect.attr_quick_connect_arn]
        return quick_connect

    def _build_security_profile(self) -> connect.CfnSecurityProfile:
        return connect.CfnSecurityProfile(
            self,
            "OperatorSecurityProfile",
            instance_arn=self.instance_arn,
            security_profile_name="Telefonist",
            description="Operators: answer, transfer directly or relay to external numbers, use quick connects",
            permissions=list(OPERATOR_PERMISSIONS),
        )

    def _build_routing_profile(self) -> connect.CfnRoutingProfile:
        return connect.CfnRoutingProfile(
            self,
            "OperatorRoutingProfile",
            instance_arn=self.instance_arn,
            name="Telefonist",
            description="One voice call at a time from the operators' queue; outbound legs use its caller ID",
            default_outbound_queue_arn=self.operator_queue.attr_queue_arn,
            media_concurrencies=[connect.CfnRoutingProfile.MediaConcurrencyProperty(channel="VOICE", concurrency=1)],
            queue_configs=[
                connect.CfnRoutingProfile.RoutingProfileQueueConfigProperty(
                    delay=0,
                    priority=priority,
                    queue_reference=connect.CfnRoutingProfile.RoutingProfileQueueReferenceProperty(
                        channel="VOICE", queue_arn=queue.attr_queue_arn
                    ),
                )
                # A caller whose transfer failed has waited already: that queue goes first.
                for priority, queue in ((1, self.transfer_queue), (2, self.operator_queue))
            ],
        )

    def _operator_usernames(self) -> list[str]:
        raw = self.node.try_get_context(CTX_OPERATORS) or ""
        names = raw if isinstance(raw, list) else str(raw).split(",")
        return [name.strip() for name in names if name.strip()]

    def _build_operator(self, username: str) -> connect.CfnUser:
        return connect.CfnUser(
            self,
            f"Operator-{username}",
            instance_arn=self.instance_arn,
            username=username,
            routing_profile_arn=self.routing_profile.attr_routing_profile_arn,
            security_profile_arns=[self.security_profile.attr_security_profile_arn],
            phone_config=connect.CfnUser.UserPhoneConfigProperty(
                phone_type="SOFT_PHONE",
                auto_accept=True,  # no ringing time spent from the 45-second budget
                after_contact_work_time_limit=OPERATOR_ACW_SECONDS,
            ),
        )

    # ---------------------------------------------------------------- the operator page in the workspace
    def register_operator_app(self, *, access_url: str, site_origin: str) -> appintegrations.CfnApplication:
        """The operator page as a per-contact third-party app of the agent workspace, on this instance."""
        application = appintegrations.CfnApplication(
            self,
            "OperatorApp",
            name="Telefonist",
            namespace=OPERATOR_APP_NAMESPACE,
            description="The operator's screen for a call: script, directory search, transfer, message",
            application_source_config=appintegrations.CfnApplication.ApplicationSourceConfigProperty(
                external_url_config=appintegrations.CfnApplication.ExternalUrlConfigProperty(
                    access_url=access_url, approved_origins=[site_origin]
                )
            ),
            application_config=appintegrations.CfnApplication.ApplicationConfigProperty(
                contact_handling=appintegrations.CfnApplication.ContactHandlingProperty(scope="PER_CONTACT")
            ),
            iframe_config=appintegrations.CfnApplication.IframeConfigProperty(
                allow=[], sandbox=list(OPERATOR_APP_SANDBOX)
            ),
            permissions=list(OPERATOR_APP_PERMISSIONS),
        )
        association = connect.CfnIntegrationAssociation(
            self,
            "OperatorAppIntegration",
            instance_id=self.instance_arn,
            integration_type="APPLICATION",
            integration_arn=application.attr_application_arn,
        )
        # Operators (their security profile) may open it; nobody else is given it here.
        self.security_profile.applications = [
            connect.CfnSecurityProfile.ApplicationProperty(
                namespace=OPERATOR_APP_NAMESPACE, application_permissions=["ACCESS"], type="THIRD_PARTY_APPLICATION"
            )
        ]
        self.security_profile.add_dependency(association)  # the namespace names an app of this instance
        return application

    # ---------------------------------------------------------------- number provisioning
    def _build_provisioning_function(self) -> ServiceFunction:
        table = self._data.table(CUSTOMER_TABLE)
        stack = cdk.Stack.of(self)
        function = ServiceFunction(
            self,
            "ProvisioningFunction",
            code=self._code,
            handler="functions.provisioning.handler.lambda_handler",
            description="Claims, routes and releases customers' numbers in Amazon Connect",
            environment={
                config.ENV_CUSTOMER_TABLE: table.table_name,
                config.ENV_CONNECT_INSTANCE_ARN: self.instance_arn,
                config.ENV_INBOUND_FLOW_ARN: self.inbound_flow.attr_contact_flow_arn,
                config.ENV_NUMBER_COUNTRY: self.node.try_get_context(CTX_NUMBER_COUNTRY) or "SE",
            },
            log_key=self._data.data_key,
            timeout=PROVISIONING_TIMEOUT,  # claiming is asynchronous; polling is bounded at 120 s
            no_dead_letter_reason="Invoked synchronously by the admin side, which receives the outcome",
        )
        phone_numbers = stack.format_arn(service="connect", resource="phone-number", resource_name="*")
        function.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=[
                    "connect:SearchAvailablePhoneNumbers",
                    "connect:ClaimPhoneNumber",
                    "connect:DescribePhoneNumber",
                    "connect:AssociatePhoneNumberContactFlow",
                    "connect:DisassociatePhoneNumberContactFlow",
                    "connect:ReleasePhoneNumber",
                ],
                resources=[self.instance_arn, self.inbound_flow.attr_contact_flow_arn, phone_numbers],
            )
        )
        # Tenant items (profile, common numbers, offices) and routing records only; no directory.
        grant_partitions(
            function.role,
            [table.table_arn],
            ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
            ["TENANT#*", "NUMBER#*"],
        )
        grant_key_via(
            function.role, self._data.data_key, ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], ["dynamodb"]
        )
        # The partition is a literal when the region is known and cdk.json's partition-literals flag is on.
        for partition in ("<AWS::Partition>", "aws"):
            cdk.Validations.of(function.role).acknowledge(
                cdk.Acknowledgment(
                    id=f"AwsSolutions::AwsSolutions-IAM5[Resource::arn:{partition}:connect:"
                    f"{stack.region}:<AWS::AccountId>:phone-number/*]",
                    reason="Claimed numbers get ids only when claimed: the role may act on the account's "
                    "phone-number/* resources of Amazon Connect, and on nothing else with a wildcard",
                )
            )
        return function
