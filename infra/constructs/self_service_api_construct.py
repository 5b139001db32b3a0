"""The self-service API: Cognito user pool, REST API with a Cognito authorizer, the function.

Customers' administrators sign in to the user pool (its managed login and the pages' app clients:
infra/constructs/sign_in_construct.py); the tenant is an immutable custom attribute that only the
operator (AdminCreateUser) sets. API Gateway checks the token; the function reads
the tenant and the groups (admins, operators, finance) from the verified claims and enforces them.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct
from telefonist import config, resources
from telefonist.dal.calendar_state import STATE_PK as CALENDAR_STATE_PK
from telefonist.dal.employee_access import PREFIX as EMPLOYEE_PREFIX
from telefonist.rating.finance import TABLE as BILLING_TABLE
from typing_extensions import Unpack

from infra.constants import CTX_GRAPH_APP_CLIENT_ID
from infra.constructs.grants import grant_key_via, grant_partitions
from infra.constructs.service_construct import ServiceConstruct, ServiceInputs
from infra.constructs.service_function import ServiceFunction

GROUPS = {
    "admins": "A customer's administrators: maintain their own customer's data",
    "operators": "The switchboard's operators: read every customer's scripts, offices and door codes",
    "finance": "The switchboard's finance staff: billing summaries of every customer",
    "employees": "A customer's employees: set and clear their own referral only (custom:person_id)",
}
TENANT_ATTRIBUTE = "tenant_id"
# An `employees` user's own person (telefonist.edge.identity.PERSON_CLAIM): set once, like the tenant.
PERSON_ATTRIBUTE = "person_id"
# Routes whose function authenticates the request itself (issue 21), never behind Cognito.
SESSION_ROUTE_PREFIXES = ("/employee/", "/calendar/notifications")


class SelfServiceApiConstruct(ServiceConstruct):
    """User pool + REST API + function; `add_operator_route` puts other functions behind the same authorizer."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        waf_web_acl_arn: str | None = None,
        site_origin: str | None = None,
        **inputs: Unpack[ServiceInputs],
    ) -> None:
        super().__init__(scope, construct_id, **inputs)
        self._site_origin = site_origin
        self.user_pool = self._build_user_pool()
        self._build_groups()
        self.handler = self._build_function()
        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=logs.RetentionDays.THREE_MONTHS,
            encryption_key=self._data.data_key,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.api = self._build_api()
        self.authorizer = apigw.CognitoUserPoolsAuthorizer(self, "Authorizer", cognito_user_pools=[self.user_pool])
        self.request_validator = self.api.add_request_validator(
            "RequestValidator", validate_request_body=True, validate_request_parameters=True
        )
        self._build_routes()
        self._allow_site(site_origin)
        self._protect(waf_web_acl_arn)

    # ------------------------------------------------------------------ public
    def add_operator_route(self, path: str, method: str, function: lambda_.IFunction) -> apigw.Method:
        """Route `method path` to another function behind the same Cognito authorizer.

        API Gateway only checks that the token is valid; the function must check the caller's
        groups (`cognito:groups` claim) itself, as the self-service function does.
        """
        resource = self.api.root.resource_for_path(path.strip("/"))
        return self._add_method(resource, method, apigw.LambdaIntegration(function))

    def add_session_route(self, path: str, method: str, function: lambda_.IFunction) -> apigw.Method:
        """Route `method path` to a function that authenticates the request itself, without Cognito.

        Only the employee's own status routes (`/employee/...`, issue 21): their session comes from a
        single-use link sent by SMS to the person's registered mobile, which the function checks; and
        Microsoft Graph's calendar webhook, which the function checks by each subscription's clientState.
        """
        if not path.startswith(SESSION_ROUTE_PREFIXES):
            raise ValueError(f"{path}: only {SESSION_ROUTE_PREFIXES} go without the Cognito authorizer")
        resource = self.api.root.resource_for_path(path.strip("/"))
        added = resource.add_method(
            method.upper(),
            apigw.LambdaIntegration(function),
            authorization_type=apigw.AuthorizationType.NONE,
            request_validator=self.request_validator,
        )
        reason = "The function authenticates the request itself: an SMS-link session, or Graph's clientState"
        cdk.Validations.of(added).acknowledge(
            cdk.Acknowledgment(id="AwsSolutions::AwsSolutions-APIG4", reason=reason),
            cdk.Acknowledgment(id="AwsSolutions::AwsSolutions-COG4", reason=reason),
        )
        return added

    @property
    def api_origin(self) -> str:
        """The API's origin (no stage), for the site's Content-Security-Policy `connect-src`."""
        stack = cdk.Stack.of(self)
        return f"https://{self.api.rest_api_id}.execute-api.{stack.region}.{stack.url_suffix}"

    # ------------------------------------------------------------------ builders
    def _build_user_pool(self) -> cognito.UserPool:
        pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,  # the operator creates customers' administrators
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            password_policy=cognito.PasswordPolicy(
                min_length=14,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=cdk.Duration.days(3),
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            custom_attributes={
                TENANT_ATTRIBUTE: cognito.StringAttribute(min_len=1, max_len=63, mutable=False),
                PERSON_ATTRIBUTE: cognito.StringAttribute(min_len=1, max_len=63, mutable=False),
            },
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        # cdk-nag 3 still looks for the pre-feature-plan AdvancedSecurityMode property.
        pool_resource = pool.node.default_child
        assert isinstance(pool_resource, cognito.CfnUserPool)
        pool_resource.user_pool_add_ons = cognito.CfnUserPool.UserPoolAddOnsProperty(advanced_security_mode="ENFORCED")
        return pool

    def _build_groups(self) -> None:
        for name, description in GROUPS.items():
            cognito.CfnUserPoolGroup(
                self,
                f"Group{name.title()}",
                user_pool_id=self.user_pool.user_pool_id,
                group_name=name,
                description=description,
            )

    def _build_function(self) -> ServiceFunction:
        table = self._data.table(resources.CUSTOMER_TABLE)
        billing = self._data.bucket(resources.BILLING_BUCKET)
        messages = self._data.table(resources.MESSAGE_TABLE)
        function = ServiceFunction(
            self,
            "SelfServiceFunction",
            code=self._code,
            handler="functions.self_service.handler.lambda_handler",
            description="Self-service API (Mina sidor): customers maintain their own data",
            environment={
                config.ENV_CUSTOMER_TABLE: table.table_name,
                config.ENV_SECRETS_KEY_ID: self._data.secrets_key.key_arn,
                config.ENV_BILLING_BUCKET: billing.bucket_name,
                config.ENV_MESSAGE_TABLE: messages.table_name,  # a person's export and erasure (issue 20)
                # the admin-consent link of Mina sidor's Kalender (issue 21); unset: that link answers 503
                config.ENV_GRAPH_APP_CLIENT_ID: str(self.node.try_get_context(CTX_GRAPH_APP_CLIENT_ID) or ""),
            },
            log_key=self._data.data_key,
            timeout=cdk.Duration.seconds(29),  # API Gateway's integration limit; a CSV import of hundreds
            no_dead_letter_reason="Invoked synchronously by API Gateway: the client gets the error, no retry queue",
        )
        self._grant_customer_table(function.role, table.table_arn)
        self._grant_person_erasure(function.role, messages.table_arn)
        self._grant_person_references(function.role, table, self._data.table(resources.STATISTICS_TABLE))
        self._grant_keys(function.role)
        self._grant_billing_lines(function.role, billing)
        self._grant_billing_table(function.role)
        return function

    @staticmethod
    def _grant_billing_table(role: iam.IRole) -> None:
        """The billing summary reads the Iceberg table: its Glue entry (read-only); its files are under lines/."""
        stack = cdk.Stack.of(role)
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["glue:GetTable", "glue:GetDatabase"],
                resources=[
                    stack.format_arn(service="glue", resource="catalog"),
                    stack.format_arn(service="glue", resource="database", resource_name=resources.GLUE_DATABASE),
                    stack.format_arn(
                        service="glue", resource="table", resource_name=f"{resources.GLUE_DATABASE}/{BILLING_TABLE}"
                    ),
                ],
            )
        )

    def _grant_billing_lines(self, role: iam.IRole, billing: s3.IBucket) -> None:
        """The billing summary reads the rating function's lines: list and get under lines/ only."""
        stack = cdk.Stack.of(self)
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[billing.bucket_arn],
                conditions={"StringLike": {"s3:prefix": ["lines/*"]}},
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:GetObject"], resources=[billing.arn_for_objects("lines/*")])
        )
        grant_key_via(role, self._data.data_key, ["kms:Decrypt"], ["s3"])
        bucket_resource = billing.node.default_child
        assert isinstance(bucket_resource, cdk.CfnElement)
        bucket_id = stack.get_logical_id(bucket_resource)
        cdk.Validations.of(role).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/lines/*]",
                reason="Billing lines are one object per contact under lines/month=/tenant_id=/; the tenant comes "
                "from the caller's token at run time, so IAM can scope only to the lines/ prefix (read-only)",
            )
        )

    def _grant_customer_table(self, role: iam.IRole, table_arn: str) -> None:
        # Leading keys: tenants' partitions, the routing records of numbers, the price list (read).
        grant_partitions(
            role, [table_arn], ["dynamodb:GetItem", "dynamodb:Query"], ["TENANT#*", "NUMBER#*", "PRICELIST"]
        )
        grant_partitions(
            role,
            [table_arn],
            ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"],
            ["TENANT#*", "NUMBER#*"],
        )
        # Mina sidor's calendar sync (issue 21): a customer's settings and whose calendar is followed,
        # in the sync state's one partition; never a Graph secret (the renewal function subscribes).
        # DeleteItem: a person's followed calendar goes with the person's erasure (issue 20).
        grant_partitions(
            role,
            [table_arn],
            ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"],
            [CALENDAR_STATE_PK],
        )

    @staticmethod
    def _grant_person_erasure(role: iam.IRole, message_table_arn: str) -> None:
        """A person's export and erasure (issue 20): read and delete their messages (their calendar item:
        DeleteItem in the CALSYNC statement).

        The message log's partition key is the bare tenant id (no prefix for LeadingKeys to bound), and
        the tenant comes from the caller's token at run time; no GetItem, PutItem or UpdateItem.
        """
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["dynamodb:Query", "dynamodb:BatchWriteItem"], resources=[message_table_arn])
        )

    @staticmethod
    def _grant_person_references(role: iam.IRole, customers: dynamodb.ITable, statistics: dynamodb.ITable) -> None:
        """A person's export and erasure (issue 20): what names them outside their own items, found by
        the sparse `by-person` index of each table (its key `TENANT#<t>#PERSON#<p>`): delete their
        sign-in links and sessions (EMPLOYEE#), remove them from caller history and contact events
        (UpdateItem, also inside TransactWriteItems, on CALLER# and CONTACT# only; no read or delete)."""
        index = resources.PERSON_INDEX.name
        grant_partitions(
            role,
            [f"{customers.table_arn}/index/{index}", f"{statistics.table_arn}/index/{index}"],
            ["dynamodb:Query"],
            ["TENANT#*"],
        )
        grant_partitions(role, [customers.table_arn], ["dynamodb:DeleteItem"], [f"{EMPLOYEE_PREFIX}*"])
        grant_partitions(role, [statistics.table_arn], ["dynamodb:UpdateItem"], ["CALLER#*", "CONTACT#*"])

    def _grant_keys(self, role: iam.IRole) -> None:
        grant_key_via(
            role,
            self._data.data_key,
            ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            ["dynamodb"],
        )
        # Door codes: only with the tenant's encryption context, and nothing else in it.
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:Encrypt", "kms:Decrypt"],
                resources=[self._data.secrets_key.key_arn],
                conditions={
                    "Null": {"kms:EncryptionContext:tenant_id": "false"},
                    "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["tenant_id"]},
                },
            )
        )

    def _build_api(self) -> apigw.RestApi:
        return apigw.RestApi(
            self,
            "Api",
            description="telefonist self-service API (Mina sidor)",
            cloud_watch_role=False,
            endpoint_types=[apigw.EndpointType.REGIONAL],
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                tracing_enabled=True,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
                throttling_rate_limit=50,
                throttling_burst_limit=100,
                metrics_enabled=True,
            ),
            # CORS for the site's origin only (preflight by API Gateway, no token needed for OPTIONS).
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=[self._site_origin],
                allow_methods=apigw.Cors.ALL_METHODS,
                allow_headers=["Authorization", "Content-Type"],
                max_age=cdk.Duration.hours(1),
            )
            if self._site_origin
            else None,
        )

    def _allow_site(self, site_origin: str | None) -> None:
        """API Gateway's own errors (401 without a token, 429, 5xx) readable by the site's pages too."""
        if not site_origin:
            return
        kinds = {"Default4xx": apigw.ResponseType.DEFAULT_4_XX, "Default5xx": apigw.ResponseType.DEFAULT_5_XX}
        for name, kind in kinds.items():
            self.api.add_gateway_response(
                name,
                type=kind,
                response_headers={"Access-Control-Allow-Origin": f"'{site_origin}'", "Vary": "'Origin'"},
            )

    def _add_method(self, resource: apigw.IResource, method: str, integration: apigw.Integration) -> apigw.Method:
        return resource.add_method(
            method.upper(),
            integration,
            authorizer=self.authorizer,
            authorization_type=apigw.AuthorizationType.COGNITO,
            request_validator=self.request_validator,
        )

    def _build_routes(self) -> None:
        integration = apigw.LambdaIntegration(self.handler.function)
        self._add_method(self.api.root, "ANY", integration)
        self._add_method(self.api.root.add_resource("{proxy+}"), "ANY", integration)

    def _protect(self, waf_web_acl_arn: str | None) -> None:
        if waf_web_acl_arn:
            wafv2.CfnWebACLAssociation(
                self, "WafAssociation", resource_arn=self.api.deployment_stage.stage_arn, web_acl_arn=waf_web_acl_arn
            )
        else:
            cdk.Validations.of(self.api).acknowledge(
                cdk.Acknowledgment(
                    id="AwsSolutions::AwsSolutions-APIG3",
                    reason="WAF is optional (waf_web_acl_arn): every method needs a Cognito token, the stage "
                    "is throttled and bodies over 1 MB are refused; attach the account's web ACL when one exists",
                )
            )
        cdk.Validations.of(self.api).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions::AwsSolutions-APIG6",
                reason="Execution logging needs the account-wide API Gateway CloudWatch role, which uses an AWS "
                "managed policy the project forbids; access logs (JSON) and X-Ray tracing are on",
            )
        )


__all__ = ["GROUPS", "SelfServiceApiConstruct"]
