"""Rating infrastructure: stream, Connect storage, event source mapping, Glue/Athena, least privilege."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template
from telefonist import resources
from telefonist.rating.finance import QUERIES


def _rating_policy_statements(template: Template) -> list[dict[str, Any]]:
    policies = template.find_resources("AWS::IAM::Policy")
    return [
        statement
        for logical_id, policy in policies.items()
        if logical_id.startswith("RatingRatingFunction")
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_ctr_stream_is_kms_encrypted_with_the_data_key(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Kinesis::Stream",
        {
            "StreamEncryption": {
                "EncryptionType": "KMS",
                "KeyId": {"Fn::GetAtt": [Match.string_like_regexp("DataDataKey"), "Arn"]},
            }
        },
    )


def test_connect_streams_ctrs_to_the_stream(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Connect::InstanceStorageConfig",
        {
            # The stack's own instance (or the one imported by ARN from context).
            "InstanceArn": {"Fn::GetAtt": [Match.string_like_regexp("ConnectInstance"), "Arn"]},
            "ResourceType": "CONTACT_TRACE_RECORDS",
            "StorageType": "KINESIS_STREAM",
            "KinesisStreamConfig": {"StreamArn": {"Fn::GetAtt": [Match.string_like_regexp("RatingCtrStream"), "Arn"]}},
        },
    )


def test_event_source_mapping_is_tuned_bounded_and_reports_item_failures(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "BatchSize": 500,
            "MaximumBatchingWindowInSeconds": 10,
            "BisectBatchOnFunctionError": True,
            "MaximumRetryAttempts": 5,
            "MaximumRecordAgeInSeconds": 86400,
            "ParallelizationFactor": 4,  # order is kept per partition key (the ContactId)
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "StartingPosition": "TRIM_HORIZON",
            "DestinationConfig": {
                "OnFailure": {"Destination": {"Fn::GetAtt": [Match.string_like_regexp("RatingFailureQueue"), "Arn"]}}
            },
        },
    )
    template.has_resource_properties(
        "AWS::SQS::Queue", {"KmsMasterKeyId": {"Fn::GetAtt": [Match.string_like_regexp("DataDataKey"), "Arn"]}}
    )


def test_rating_function_handler_and_environment(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "functions.rating.handler.lambda_handler",
            "Environment": {
                "Variables": Match.object_like(
                    {
                        resources.LEDGER_TABLE.env_var: Match.any_value(),
                        resources.BILLING_BUCKET.env_var: Match.any_value(),
                        resources.ARCHIVE_BUCKET.env_var: Match.any_value(),
                        resources.QUARANTINE_BUCKET.env_var: Match.any_value(),
                        resources.CUSTOMER_TABLE.env_var: Match.any_value(),
                    }
                )
            },
        },
    )


def test_rating_role_is_least_privilege(template: Template) -> None:
    statements = _rating_policy_statements(template)
    actions = {a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert not {"dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "glue:DeleteTable"} & actions
    assert {"glue:GetTable", "glue:UpdateTable"} <= actions  # PyIceberg's commits through the Glue catalog
    readers = [s for s in statements if "s3:GetObject" in str(s["Action"])]
    assert all("/lines/*" in str(s["Resource"]) for s in readers)  # only the table's files are read
    ledger = [s for s in statements if "dynamodb:UpdateItem" in s["Action"]]
    assert ledger[0]["Action"] == "dynamodb:UpdateItem"
    assert "LedgerTable" in ledger[0]["Resource"]["Fn::GetAtt"][0]
    customer = [s for s in statements if "dynamodb:Query" in s["Action"]]
    assert customer[0]["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["NUMBER#*", "PRICELIST"]}}
    # cdk.json's minimizePolicies may merge the three prefixes into one statement.
    s3_resources = [
        resource["Fn::Join"][1][1]
        for s in statements
        if str(s["Action"]).count("s3:")
        for resource in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
    ]
    assert sorted(s3_resources) == ["/ctr/*", "/lines/*", "/quarantine/*"]


def test_billing_lines_are_one_iceberg_table_partitioned_by_month_and_tenant(template: Template) -> None:
    template.has_resource_properties("AWS::Glue::Database", {"DatabaseInput": {"Name": resources.GLUE_DATABASE}})
    (table,) = template.find_resources("AWS::Glue::Table").values()
    properties = table["Properties"]
    assert properties["TableInput"]["Name"] == resources.BILLING_LINES_TABLE
    iceberg = properties["OpenTableFormatInput"]["IcebergInput"]
    assert (iceberg["MetadataOperation"], iceberg["Version"]) == ("CREATE", "2")
    spec = iceberg["IcebergTableInput"]
    assert [f["Name"] for f in spec["PartitionSpec"]["Fields"]] == ["month", "tenant_id"]
    assert {f["Transform"] for f in spec["PartitionSpec"]["Fields"]} == {"identity"}
    fields = {f["Name"]: f for f in spec["Schema"]["Fields"]}
    assert fields["amount_ore"]["Type"] == "long"
    assert spec["Schema"]["IdentifierFieldIds"] == [fields["contact_id"]["Id"]]
    assert spec["Location"]["Fn::Join"][1][-1] == "/lines"


def test_the_table_is_maintained_by_glue_optimizers(template: Template) -> None:
    optimizers = template.find_resources("AWS::Glue::TableOptimizer")
    assert sorted(o["Properties"]["Type"] for o in optimizers.values()) == [
        "compaction",
        "orphan_file_deletion",
        "retention",
    ]
    assert all(o["Properties"]["TableName"] == resources.BILLING_LINES_TABLE for o in optimizers.values())


def test_athena_workgroup_has_own_results_and_a_scan_limit(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Athena::WorkGroup",
        {
            "Name": resources.ATHENA_WORKGROUP,
            "WorkGroupConfiguration": Match.object_like(
                {
                    "BytesScannedCutoffPerQuery": 10 * 1024**3,
                    "EnforceWorkGroupConfiguration": True,
                    "ResultConfiguration": {
                        "OutputLocation": Match.any_value(),
                        "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": Match.any_value()},
                    },
                }
            ),
        },
    )


def test_named_queries_are_the_finance_sql_verbatim(template: Template) -> None:
    named = {
        q["Properties"]["Name"]: q["Properties"] for q in template.find_resources("AWS::Athena::NamedQuery").values()
    }
    assert set(named) == set(QUERIES)
    for name, query in QUERIES.items():
        assert named[name]["QueryString"] == query.sql
        assert named[name]["Database"] == resources.GLUE_DATABASE
        assert named[name]["WorkGroup"] == resources.ATHENA_WORKGROUP


def test_connect_may_encrypt_ctrs_through_kinesis_only(template: Template) -> None:
    keys = template.find_resources("AWS::KMS::Key")
    statements = [s for k in keys.values() for s in k["Properties"]["KeyPolicy"]["Statement"]]
    (grant,) = [s for s in statements if s.get("Sid") == "AmazonConnectWritesCtrStream"]
    assert grant["Action"] == "kms:GenerateDataKey"
    assert "kinesis." in str(grant["Condition"]["StringEquals"]["kms:ViaService"])
    assert "connect.amazonaws.com/AWSServiceRoleForAmazonConnect" in str(grant["Condition"]["ArnLike"])


def test_billing_retention_runs_monthly_and_reaches_only_the_tables_catalog_entry_and_files(
    template: Template,
) -> None:
    """Issue 20: billing lines past 7 years leave the Iceberg table by a monthly function (PyIceberg
    delete and snapshot expiry), never by an S3 lifecycle rule on the table's files."""
    from telefonist.retention import DEFAULT

    functions = template.find_resources("AWS::Lambda::Function")
    [(logical_id, function)] = [
        (k, f)
        for k, f in functions.items()
        if f["Properties"]["Handler"] == "functions.billing_retention.handler.lambda_handler"
    ]
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["BILLING_LINES_DAYS"] == str(DEFAULT.billing_lines_days)
    assert "BillingBucket" in str(variables["BILLING_BUCKET_NAME"])
    target = {"Fn::GetAtt": [logical_id, "Arn"]}
    rules = template.find_resources("AWS::Events::Rule").values()
    [rule] = [r for r in rules if r["Properties"]["Targets"][0]["Arn"] == target]
    assert rule["Properties"]["ScheduleExpression"] == "cron(0 2 2 * ? *)"
    statements = [
        statement
        for policy_id, policy in template.find_resources("AWS::IAM::Policy").items()
        if policy_id.startswith("RatingBillingRetentionFunction")
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    actions = {a for a in actions if not a.startswith(("logs:", "xray:"))}  # every function's own log and traces
    assert actions == {
        "glue:GetTable",
        "glue:UpdateTable",
        "glue:GetDatabase",
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "kms:Decrypt",
        "kms:GenerateDataKey",
    }
    objects = next(s for s in statements if "s3:DeleteObject" in s["Action"])
    assert "/lines/*" in json.dumps(objects["Resource"])
    kms = next(s for s in statements if "kms:Decrypt" in s["Action"])
    assert [v.split(".")[0] for v in kms["Condition"]["StringEquals"]["kms:ViaService"]] == ["s3"]
    # The billing bucket's lifecycle never expires current objects (they are the table's files).
    buckets = template.find_resources("AWS::S3::Bucket")
    billing = next(b for k, b in buckets.items() if k.startswith("DataBillingBucket"))
    for rule_ in billing["Properties"]["LifecycleConfiguration"]["Rules"]:
        assert "ExpirationInDays" not in rule_
