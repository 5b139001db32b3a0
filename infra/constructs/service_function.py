"""A Lambda function of the service: its own role, its own log group, JSON logs, X-Ray."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from telefonist import config

from infra import constants
from infra.constructs.function_code import ARCHITECTURE, RUNTIME, FunctionCodeConstruct


class ServiceFunction(Construct):
    """Each function gets a role that starts empty; callers grant exactly what it touches."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: FunctionCodeConstruct,
        handler: str,
        description: str,
        environment: dict[str, str],
        log_key: kms.IKey,
        timeout: cdk.Duration | None = None,
        memory_size: int = constants.LAMBDA_MEMORY_MB,
        reserved_concurrency: int | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        no_dead_letter_reason: str | None = None,
    ) -> None:
        """`dead_letter_queue` for asynchronously invoked functions; synchronous ones (Connect, API
        Gateway, an event source mapping with its own on-failure destination) give
        `no_dead_letter_reason` instead, which becomes the cdk-nag acknowledgment."""
        if dead_letter_queue is None and not no_dead_letter_reason:
            raise ValueError(f"{construct_id}: give a dead_letter_queue or say why none (no_dead_letter_reason)")
        super().__init__(scope, construct_id)
        self.log_group = logs.LogGroup(self, "Logs", encryption_key=log_key, removal_policy=cdk.RemovalPolicy.DESTROY)
        # In days, from the one constant (RetentionDays names its members, not their day counts).
        log_group_resource = self.log_group.node.default_child
        assert isinstance(log_group_resource, logs.CfnLogGroup)
        log_group_resource.retention_in_days = constants.LOG_RETENTION_DAYS
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Least-privilege role of {construct_id}",
        )
        self.log_group.grant_write(self.role)
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=code.for_handler(handler),
            handler=handler,
            description=description,
            role=self.role,
            timeout=timeout or cdk.Duration.seconds(10),
            memory_size=memory_size,
            reserved_concurrent_executions=reserved_concurrency,
            dead_letter_queue=dead_letter_queue,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            tracing=lambda_.Tracing.ACTIVE,
            environment={
                config.ENV_POWERTOOLS_SERVICE_NAME: construct_id,
                config.ENV_METRICS_NAMESPACE: config.METRICS_NAMESPACE,
                "POWERTOOLS_LOG_LEVEL": "INFO",
                **code.environment_for(handler),
                **environment,
            },
        )
        # X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions.
        cdk.Validations.of(self.role).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                reason="Only X-Ray tracing actions use Resource::*; they support no resource-level scoping "
                "(tests/infra checks that no other statement has a wildcard resource)",
            )
        )
        for rule in ("AwsSolutions::AwsSolutions-L1", "Serverless::Serverless-LambdaLatestVersion"):
            cdk.Validations.of(self.function).acknowledge(
                cdk.Acknowledgment(
                    id=rule,
                    reason="python3.11 on purpose: the test suite runs on 3.11, and each package is built for 3.11 "
                    "and imported in a 3.11 interpreter by tests/infra before deploying; move with the suite",
                )
            )
        if dead_letter_queue is None and no_dead_letter_reason:
            cdk.Validations.of(self.function).acknowledge(
                cdk.Acknowledgment(id="Serverless::Serverless-LambdaDLQ", reason=no_dead_letter_reason)
            )
