"""Rating infrastructure: stream, Connect storage, event source mapping, Glue/Athena, least privilege."""

from __future__ import annotations

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
            "ParallelizationFactor": 1,
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
    assert not {"dynamodb:Scan", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "s3:GetObject"} & actions
    ledger = [s for s in statements if "dynamodb:UpdateItem" in s["Action"]]
    assert ledger[0]["Action"] == "dynamodb:UpdateItem"
    assert "LedgerTable" in ledger[0]["Resource"]["Fn::GetAtt"][0]
    customer = [s for s in statements if "dynamodb:Query" in s["Action"]]
    assert customer[0]["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["NUMBER#*", "PRICELIST"]}}
    s3_resources = [s["Resource"]["Fn::Join"][1][1] for s in statements if str(s["Action"]).count("s3:")]
    assert sorted(s3_resources) == ["/ctr/*", "/lines/*", "/quarantine/*"]


def _tables(template: Template) -> dict[str, dict[str, Any]]:
    return {
        t["Properties"]["TableInput"]["Name"]: t["Properties"]["TableInput"]
        for t in template.find_resources("AWS::Glue::Table").values()
    }


def test_glue_tables_project_partitions_so_one_customer_month_reads_only_its_prefix(template: Template) -> None:
    template.has_resource_properties("AWS::Glue::Database", {"DatabaseInput": {"Name": resources.GLUE_DATABASE}})
    tables = _tables(template)
    per_customer = tables[resources.BILLING_LINES_TABLE]
    assert [k["Name"] for k in per_customer["PartitionKeys"]] == ["month", "tenant_id"]
    params = per_customer["Parameters"]
    assert params["projection.enabled"] == "true"
    assert params["projection.tenant_id.type"] == "injected"
    assert (params["projection.month.type"], params["projection.month.format"]) == ("date", "yyyy-MM")
    template_parts = params["storage.location.template"]["Fn::Join"][1]
    assert template_parts[-1] == "/lines/month=${month}/tenant_id=${tenant_id}/"
    columns = [c["Name"] for c in per_customer["StorageDescriptor"]["Columns"]]
    assert "amount_ore" in columns
    assert "tenant_id" not in columns
    assert "month" not in columns
    by_month = tables["billing_lines_by_month"]
    assert [k["Name"] for k in by_month["PartitionKeys"]] == ["month"]
    assert "tenant_id" in [c["Name"] for c in by_month["StorageDescriptor"]["Columns"]]


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
