"""Rating: Connect CTRs → encrypted Kinesis stream → rating function → Iceberg table (Glue) → Athena."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_athena as athena
from aws_cdk import aws_connect as connect
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from telefonist import config, resources
from telefonist.dal import keys
from telefonist.dal.billing_store import ARCHIVE_PREFIX, QUARANTINE_PREFIX
from telefonist.dal.billing_table import TABLE_PROPERTIES
from telefonist.rating.finance import QUERIES, TABLE
from telefonist.rating.line import LINE_COLUMNS, LINES_PREFIX
from typing_extensions import Unpack

from infra.constructs.dead_letters import consume_stream, dead_letter_queue
from infra.constructs.grants import acknowledge, grant_key_via, grant_partitions, objects_finding
from infra.constructs.service_construct import ServiceConstruct, ServiceInputs
from infra.constructs.service_function import ServiceFunction

# Event source tuning: CTRs are small (2 KB) and rating is cheap, so large batches keep the
# invocation count low; the window bounds the added latency (billing is not real time).
BATCH_SIZE = 500
STREAM_RETENTION = cdk.Duration.days(7)
ATHENA_BYTES_SCANNED_CUTOFF = 10 * 1024**3  # 10 GiB per query
# Ordering: records of one contact share a partition key (the ContactId), and Lambda keeps
# partition keys in order with a parallelization factor above 1, so two versions of a contact
# are never processed at once; the ledger refuses an older version whatever the order.
PARALLELIZATION_FACTOR = 4
# Table maintenance by Glue's optimizers: compaction, snapshot expiry, orphan files.
SNAPSHOT_RETENTION_DAYS = 1
SNAPSHOTS_TO_RETAIN = 10
ORPHAN_FILE_RETENTION_DAYS = 3
# Billing lines' retention (issue 20): monthly, the 2nd at 02:00 UTC (a quiet hour for rating).
RETENTION_SCHEDULE = events.Schedule.cron(minute="0", hour="2", day="2", month="*", year="*")
_ICEBERG_TYPES = {"string": "string", "int": "int", "bigint": "long", "boolean": "boolean", "timestamp": "timestamptz"}


class RatingConstruct(ServiceConstruct):
    """The CTR stream from Amazon Connect, the rating function on it, and finance's catalog."""

    def __init__(
        self, scope: Construct, construct_id: str, *, connect_instance_arn: str, **inputs: Unpack[ServiceInputs]
    ) -> None:
        super().__init__(scope, construct_id, **inputs)
        self.billing_bucket = self._data.bucket(resources.BILLING_BUCKET)
        self.stream = self._build_stream()
        self.storage_config = self._build_connect_storage(connect_instance_arn)
        self.failure_queue = self._build_failure_queue()
        self.function = self._build_function()
        self._grant(self.function.role)
        self.event_source = self._build_event_source()
        self.database = self._build_database()
        self.table = self._build_table()
        self.optimizer_role = self._build_optimizer_role()
        self.optimizers = self._build_optimizers()
        self.retention_function = self._build_retention()
        self.workgroup = self._build_workgroup()
        self.named_queries = self._build_named_queries()

    # ---------------------------------------------------------------- stream and Connect
    def _build_stream(self) -> kinesis.Stream:
        stream = kinesis.Stream(
            self,
            resources.CTR_STREAM.logical_id,
            shard_count=resources.CTR_STREAM.shards,
            encryption=kinesis.StreamEncryption.KMS,
            encryption_key=self._data.data_key,
            retention_period=STREAM_RETENTION,
        )
        acknowledge(
            stream,
            "AwsSolutions::AwsSolutions-KDS3",
            "Encrypted with the service's customer-managed data key (rotated), not the AWS-managed one",
        )
        self._allow_connect_to_encrypt()
        return stream

    def _allow_connect_to_encrypt(self) -> None:
        """Connect puts CTRs as its service-linked role; a producer on a stream encrypted with a
        customer-managed key needs kms:GenerateDataKey on that key, through Kinesis only. (The key
        policy cannot name the stream: the stream already references the key.)"""
        stack = cdk.Stack.of(self)
        self._data.data_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AmazonConnectWritesCtrStream",
                actions=["kms:GenerateDataKey"],
                principals=[iam.AccountRootPrincipal()],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={
                    "StringEquals": {"kms:ViaService": f"kinesis.{stack.region}.amazonaws.com"},
                    "ArnLike": {
                        "aws:PrincipalArn": f"arn:{stack.partition}:iam::{stack.account}:role/aws-service-role/"
                        "connect.amazonaws.com/AWSServiceRoleForAmazonConnect*",
                    },
                },
            )
        )

    def _build_connect_storage(self, instance_arn: str) -> connect.CfnInstanceStorageConfig:
        return connect.CfnInstanceStorageConfig(
            self,
            "CtrStorageConfig",
            instance_arn=instance_arn,
            resource_type="CONTACT_TRACE_RECORDS",
            storage_type="KINESIS_STREAM",
            kinesis_stream_config=connect.CfnInstanceStorageConfig.KinesisStreamConfigProperty(
                stream_arn=self.stream.stream_arn
            ),
        )

    # ---------------------------------------------------------------- function and event source
    def _build_failure_queue(self) -> sqs.Queue:
        return dead_letter_queue(
            self,
            resources.RATING_DLQ.logical_id,
            self._data.data_key,
            "This queue is itself the on-failure destination of the rating event source mapping",
        )

    def _build_function(self) -> ServiceFunction:
        data = self._data
        return ServiceFunction(
            self,
            "RatingFunction",
            code=self._code,
            handler="functions.rating.handler.lambda_handler",
            description="Rates contact trace records into per-tariff billing lines",
            environment={
                config.ENV_CUSTOMER_TABLE: data.table(resources.CUSTOMER_TABLE).table_name,
                config.ENV_LEDGER_TABLE: data.table(resources.LEDGER_TABLE).table_name,
                config.ENV_BILLING_BUCKET: self.billing_bucket.bucket_name,
                config.ENV_ARCHIVE_BUCKET: data.bucket(resources.ARCHIVE_BUCKET).bucket_name,
                config.ENV_QUARANTINE_BUCKET: data.bucket(resources.QUARANTINE_BUCKET).bucket_name,
            },
            log_key=data.data_key,
            timeout=cdk.Duration.minutes(2),
            memory_size=1024,
            no_dead_letter_reason="Invoked by a Kinesis event source mapping whose on-failure destination is "
            "the RatingFailureQueue",
        )

    def _build_event_source(self) -> sources.KinesisEventSource:
        return consume_stream(
            self.function,
            self.stream,
            self.failure_queue,
            batch_size=BATCH_SIZE,
            parallelization_factor=PARALLELIZATION_FACTOR,  # see PARALLELIZATION_FACTOR: order per contact kept
        )

    def _grant(self, role: iam.IRole) -> None:
        data = self._data
        customer_table = data.table(resources.CUSTOMER_TABLE)
        # Routes (dialed number → tenant) and the price lists only: the leading keys say so.
        grant_partitions(
            role,
            [customer_table.table_arn],
            ["dynamodb:GetItem", "dynamodb:Query"],
            [keys.number_pk("*"), keys.PRICE_LIST_PK],
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["dynamodb:UpdateItem"],  # claim and mark_written are conditional updates
                resources=[data.table(resources.LEDGER_TABLE).table_arn],
            )
        )
        # The Iceberg table's data and metadata under lines/: read, write, and delete (rewritten files)
        self._grant_objects(
            role, self.billing_bucket, LINES_PREFIX, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        )
        self._grant_catalog(role)
        self._grant_objects(role, data.bucket(resources.ARCHIVE_BUCKET), ARCHIVE_PREFIX, ["s3:PutObject"])
        self._grant_objects(role, data.bucket(resources.QUARANTINE_BUCKET), QUARANTINE_PREFIX, ["s3:PutObject"])
        # The stream (read by the event source mapping as this role), the ledger and customer tables, the buckets.
        grant_key_via(role, data.data_key, ["kms:Decrypt", "kms:GenerateDataKey"], ["kinesis", "dynamodb", "s3"])
        for spec, prefix in (
            (resources.BILLING_BUCKET, LINES_PREFIX),
            (resources.ARCHIVE_BUCKET, ARCHIVE_PREFIX),
            (resources.QUARANTINE_BUCKET, QUARANTINE_PREFIX),
        ):
            acknowledge(
                role,
                objects_finding(data.bucket(spec), prefix),
                f"Objects under one prefix ({prefix}) whose keys are per contact or per batch, "
                "unknown in advance; only the actions the function uses",
            )

    @staticmethod
    def _grant_catalog(role: iam.IRole) -> None:
        """The Glue catalog, database and billing table: what PyIceberg's Glue catalog reads and commits."""
        stack = cdk.Stack.of(role)
        table = f"{resources.GLUE_DATABASE}/{TABLE}"
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["glue:GetTable", "glue:UpdateTable", "glue:GetDatabase"],
                resources=[
                    stack.format_arn(service="glue", resource="catalog"),
                    stack.format_arn(service="glue", resource="database", resource_name=resources.GLUE_DATABASE),
                    stack.format_arn(service="glue", resource="table", resource_name=table),
                ],
            )
        )

    @staticmethod
    def _grant_objects(role: iam.IRole, bucket: s3.IBucket, prefix: str, actions: list[str]) -> None:
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=actions, resources=[bucket.arn_for_objects(f"{prefix}*")])
        )

    def _build_retention(self) -> ServiceFunction:
        """Billing lines past the bookkeeping period leave the table and storage, monthly
        (telefonist.dal.billing_retention; S3 lifecycle never expires the table's own files), and the
        month just closed is compacted (sorted month-only files). Its role: the table's catalog entry
        (read, commit) and its files under lines/ (read, write the new data and metadata, delete what
        only expired snapshots reached); nothing else."""
        data = self._data
        function = ServiceFunction(
            self,
            "BillingRetentionFunction",
            code=self._code,
            handler="functions.billing_retention.handler.lambda_handler",
            description="Monthly: billing lines past the bookkeeping period leave the Iceberg table and storage; "
            "the month just closed is compacted",
            environment={
                config.ENV_BILLING_BUCKET: self.billing_bucket.bucket_name,
                config.ENV_BILLING_LINES_DAYS: str(data.retention.billing_lines_days),
            },
            log_key=data.data_key,
            timeout=cdk.Duration.minutes(10),
            memory_size=1024,
            reserved_concurrency=1,  # one run at a time
            no_dead_letter_reason="Invoked monthly by an EventBridge rule; a failed run raises the function's "
            "error alarm (monitoring) and is idempotent, so a rerun (or next month's) finishes it",
        )
        role = function.role
        self._grant_catalog(role)
        self._grant_objects(
            role, self.billing_bucket, LINES_PREFIX, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        )
        grant_key_via(role, data.data_key, ["kms:Decrypt", "kms:GenerateDataKey"], ["s3"])
        acknowledge(
            role,
            objects_finding(self.billing_bucket, LINES_PREFIX),
            "The Iceberg table's data and metadata files under lines/, named by their writers at commit time; "
            "only read, write and delete",
        )
        rule = events.Rule(
            self,
            "BillingRetentionSchedule",
            description="Billing lines' retention (bookkeeping: 7 years after the fiscal year)",
            schedule=RETENTION_SCHEDULE,
            targets=[targets.LambdaFunction(function.function, retry_attempts=2)],
        )
        acknowledge(
            rule,
            "Serverless::Serverless-EventBusDLQ",
            "A monthly schedule of a function in the same account, retried twice; a run that never starts only "
            "deletes lines a month later (never earlier), the next run being the same, idempotent one",
        )
        return function

    # ---------------------------------------------------------------- Glue and Athena
    def _build_database(self) -> glue.CfnDatabase:
        return glue.CfnDatabase(
            self,
            "BillingDatabase",
            catalog_id=cdk.Stack.of(self).account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=resources.GLUE_DATABASE, description="telefonist billing lines (finance)"
            ),
        )

    def _build_table(self) -> glue.CfnTable:
        """The Iceberg table of billing lines (schema of LINE_COLUMNS, partitions month and tenant_id)."""
        ids = {name: n for n, (name, _kind) in enumerate(LINE_COLUMNS, start=1)}
        location = f"s3://{self.billing_bucket.bucket_name}/{LINES_PREFIX.rstrip('/')}"
        table = glue.CfnTable(
            self,
            "BillingLinesTable",
            catalog_id=cdk.Stack.of(self).account,
            database_name=resources.GLUE_DATABASE,
            table_input=glue.CfnTable.TableInputProperty(name=TABLE, table_type="EXTERNAL_TABLE"),
            open_table_format_input=glue.CfnTable.OpenTableFormatInputProperty(
                iceberg_input=glue.CfnTable.IcebergInputProperty(
                    metadata_operation="CREATE",
                    version="2",
                    iceberg_table_input=glue.CfnTable.IcebergTableInputProperty(
                        location=location,
                        schema=glue.CfnTable.IcebergSchemaProperty(
                            type="struct",
                            identifier_field_ids=[ids["contact_id"]],
                            fields=[
                                glue.CfnTable.IcebergStructFieldProperty(
                                    id=ids[name], name=name, type=_ICEBERG_TYPES[kind], required=name == "contact_id"
                                )
                                for name, kind in LINE_COLUMNS
                            ],
                        ),
                        partition_spec=glue.CfnTable.IcebergPartitionSpecProperty(
                            fields=[
                                glue.CfnTable.IcebergPartitionFieldProperty(
                                    name=name, source_id=ids[name], transform="identity", field_id=1000 + n
                                )
                                for n, name in enumerate(("month", "tenant_id"))
                            ]
                        ),
                        properties=TABLE_PROPERTIES,
                    ),
                )
            ),
        )
        table.node.add_dependency(self.database)
        return table

    def _build_optimizer_role(self) -> iam.Role:
        """The role Glue's table optimizers run as: the table's files and its catalog entry only."""
        role = iam.Role(self, "TableOptimizerRole", assumed_by=iam.ServicePrincipal("glue.amazonaws.com"))
        self._grant_objects(
            role, self.billing_bucket, LINES_PREFIX, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[self.billing_bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{LINES_PREFIX}*"]}},
            )
        )
        self._grant_catalog(role)
        grant_key_via(role, self._data.data_key, ["kms:Decrypt", "kms:GenerateDataKey"], ["s3"])
        acknowledge(
            role,
            objects_finding(self.billing_bucket, LINES_PREFIX),
            "Glue's table optimizers rewrite and delete the table's files under lines/ (names unknown in advance)",
        )
        return role

    def _build_optimizers(self) -> list[glue.CfnTableOptimizer]:
        """Compaction (small files per batch commit → ~64 MB files), snapshot expiry, orphan files."""
        account = cdk.Stack.of(self).account
        configs: dict[str, dict[str, Any]] = {
            "compaction": {
                "compaction_configuration": glue.CfnTableOptimizer.CompactionConfigurationProperty(
                    iceberg_configuration=glue.CfnTableOptimizer.IcebergCompactionConfigurationProperty(
                        strategy="binpack"
                    )
                )
            },
            "retention": {
                "retention_configuration": glue.CfnTableOptimizer.RetentionConfigurationProperty(
                    iceberg_configuration=glue.CfnTableOptimizer.IcebergRetentionConfigurationProperty(
                        snapshot_retention_period_in_days=SNAPSHOT_RETENTION_DAYS,
                        number_of_snapshots_to_retain=SNAPSHOTS_TO_RETAIN,
                        clean_expired_files=True,
                    )
                )
            },
            "orphan_file_deletion": {
                "orphan_file_deletion_configuration": glue.CfnTableOptimizer.OrphanFileDeletionConfigurationProperty(
                    iceberg_configuration=glue.CfnTableOptimizer.IcebergConfigurationProperty(
                        orphan_file_retention_period_in_days=ORPHAN_FILE_RETENTION_DAYS
                    )
                )
            },
        }
        built = []
        for kind, config_ in configs.items():
            optimizer = glue.CfnTableOptimizer(
                self,
                f"TableOptimizer{kind.title().replace('_', '')}",
                catalog_id=account,
                database_name=resources.GLUE_DATABASE,
                table_name=TABLE,
                type=kind,
                table_optimizer_configuration=glue.CfnTableOptimizer.TableOptimizerConfigurationProperty(
                    enabled=True, role_arn=self.optimizer_role.role_arn, **config_
                ),
            )
            optimizer.node.add_dependency(self.table)
            built.append(optimizer)
        return built

    def _build_workgroup(self) -> athena.CfnWorkGroup:
        results = self._data.bucket(resources.ATHENA_RESULTS_BUCKET)
        return athena.CfnWorkGroup(
            self,
            "FinanceWorkGroup",
            name=resources.ATHENA_WORKGROUP,
            description="Finance: billing lines; own result location, bytes-scanned limit",
            state="ENABLED",
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                bytes_scanned_cutoff_per_query=ATHENA_BYTES_SCANNED_CUTOFF,
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                engine_version=athena.CfnWorkGroup.EngineVersionProperty(
                    selected_engine_version="Athena engine version 3"
                ),
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{results.bucket_name}/finance/",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_KMS", kms_key=self._data.data_key.key_arn
                    ),
                ),
            ),
        )

    def _build_named_queries(self) -> list[athena.CfnNamedQuery]:
        built = []
        for query in QUERIES.values():
            named = athena.CfnNamedQuery(
                self,
                f"Query{query.name.title().replace('_', '')}",
                name=query.name,
                description=f"{query.description}. Parameters: {', '.join(query.parameters)}"[:1024],
                database=resources.GLUE_DATABASE,
                work_group=resources.ATHENA_WORKGROUP,
                query_string=query.sql,
            )
            named.node.add_dependency(self.workgroup)
            named.node.add_dependency(self.database)
            built.append(named)
        return built
