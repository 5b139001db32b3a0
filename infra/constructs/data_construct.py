"""Data at rest: KMS keys, DynamoDB tables and S3 buckets, all from `telefonist.resources`."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct
from telefonist import resources
from telefonist.retention import CONTEXT_KEY, Retention


class DataConstruct(Construct):
    """Customer-managed keys, point-in-time recovery, TLS-only buckets, versioned billing data."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.retention = Retention.from_context(self.node.try_get_context(CONTEXT_KEY))
        self.data_key = self._build_data_key()
        self.secrets_key = kms.Key(
            self,
            "SecretsKey",
            enable_key_rotation=True,
            description="telefonist: door codes and other secrets inside items (encryption context: tenant_id)",
        )
        self.tables = {spec.logical_id: self._build_table(spec) for spec in resources.TABLES}
        self.access_logs_bucket = self._build_access_logs_bucket()
        self.buckets = {spec.logical_id: self._build_bucket(spec) for spec in resources.BUCKETS}

    def table(self, spec: resources.TableSpec) -> dynamodb.Table:
        return self.tables[spec.logical_id]

    def bucket(self, spec: resources.BucketSpec) -> s3.Bucket:
        return self.buckets[spec.logical_id]

    def _build_data_key(self) -> kms.Key:
        key = kms.Key(
            self,
            "DataKey",
            enable_key_rotation=True,
            description="telefonist: tables, buckets, stream, queues, logs",
        )
        # CloudWatch Logs encrypts the functions' log groups with this key.
        stack = cdk.Stack.of(self)
        key.add_to_resource_policy(
            iam.PolicyStatement(
                actions=[
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
                resources=["*"],
                conditions={
                    "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{stack.region}:{stack.account}:*"}
                },
            )
        )
        return key

    def _build_table(self, spec: resources.TableSpec) -> dynamodb.Table:
        table = dynamodb.Table(
            self,
            spec.logical_id,
            partition_key=dynamodb.Attribute(name=spec.partition_key, type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name=spec.sort_key, type=dynamodb.AttributeType.STRING)
            if spec.sort_key
            else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.data_key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=spec.ttl_attribute,
            deletion_protection=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        for index in spec.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=dynamodb.Attribute(name=index.partition_key, type=dynamodb.AttributeType.STRING),
                sort_key=dynamodb.Attribute(name=index.sort_key, type=dynamodb.AttributeType.STRING)
                if index.sort_key
                else None,
            )
        return table

    def _build_access_logs_bucket(self) -> s3.Bucket:
        # S3 server access logs can only be delivered to SSE-S3 buckets, not KMS ones.
        return s3.Bucket(
            self,
            "AccessLogsBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(365))],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )

    def _lifecycle(self, spec: resources.BucketSpec) -> list[s3.LifecycleRule]:
        """Retention by S3 lifecycle (telefonist.retention). Billing lines are an Iceberg table: its
        current files are never expired by S3 (that would corrupt the table); only replaced versions go."""
        days = self.retention
        noncurrent = cdk.Duration.days(days.noncurrent_versions_days)
        expire = {
            resources.ARCHIVE_BUCKET.logical_id: days.ctr_archive_days,
            resources.QUARANTINE_BUCKET.logical_id: days.quarantine_days,
            resources.ATHENA_RESULTS_BUCKET.logical_id: days.query_results_days,
        }.get(spec.logical_id)
        return [
            s3.LifecycleRule(
                id="retention",
                expiration=cdk.Duration.days(expire) if expire else None,
                noncurrent_version_expiration=noncurrent,
                expired_object_delete_marker=None if expire else True,
                abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
            )
        ]

    def _build_bucket(self, spec: resources.BucketSpec) -> s3.Bucket:
        return s3.Bucket(
            self,
            spec.logical_id,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.data_key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=self.access_logs_bucket,
            server_access_logs_prefix=f"{spec.logical_id}/",
            lifecycle_rules=self._lifecycle(spec),
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
