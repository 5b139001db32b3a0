"""Data at rest: customer-managed keys, PITR, TLS-only versioned buckets, tables as resources.py says."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match, Template
from telefonist import resources
from telefonist.retention import DEFAULT


def test_every_table_of_resources_py_exists_with_its_keys_kms_and_pitr(template: Template) -> None:
    for spec in resources.TABLES:
        keys = [{"AttributeName": spec.partition_key, "KeyType": "HASH"}]
        if spec.sort_key:
            keys.append({"AttributeName": spec.sort_key, "KeyType": "RANGE"})
        template.has_resource_properties(
            "AWS::DynamoDB::Table",
            {
                "KeySchema": keys,
                "SSESpecification": {
                    "SSEEnabled": True,
                    "SSEType": "KMS",
                    "KMSMasterKeyId": Match.any_value(),
                },
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "BillingMode": "PAY_PER_REQUEST",
            },
        )
    assert len(template.find_resources("AWS::DynamoDB::Table")) == len(resources.TABLES)


def test_tables_with_ttl_have_it_enabled(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "TimeToLiveSpecification": {
                "AttributeName": resources.MESSAGE_TABLE.ttl_attribute,
                "Enabled": True,
            }
        },
    )


def test_data_buckets_are_kms_encrypted_versioned_and_private(template: Template) -> None:
    buckets = template.find_resources(
        "AWS::S3::Bucket",
        {
            "Properties": {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {
                            "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"},
                            "BucketKeyEnabled": True,
                        }
                    ]
                }
            }
        },
    )
    assert len(buckets) == len(resources.BUCKETS)
    for bucket in buckets.values():
        props = bucket["Properties"]
        assert props["VersioningConfiguration"] == {"Status": "Enabled"}
        assert props["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
        assert "LoggingConfiguration" in props


def test_every_bucket_refuses_plain_http(template: Template) -> None:
    policies = template.find_resources("AWS::S3::BucketPolicy")
    assert len(policies) == len(resources.BUCKETS) + 2  # + the access-logs bucket and the site's (Web)
    for policy in policies.values():
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        assert any(
            s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            for s in statements
        )


def test_keys_rotate(template: Template) -> None:
    """Every encryption key rotates; KMS cannot rotate an HMAC key (caller history's), and a rotated
    one would change every caller's digest, so that one alone is left out, and only it."""
    keys = template.find_resources("AWS::KMS::Key")
    encryption = {n: k for n, k in keys.items() if not k["Properties"].get("KeySpec", "").startswith("HMAC_")}
    assert encryption
    assert all(k["Properties"]["EnableKeyRotation"] is True for k in encryption.values())
    for key in (k for n, k in keys.items() if n not in encryption):
        assert key["Properties"]["KeyUsage"] == "GENERATE_VERIFY_MAC"
        assert key["Properties"].get("EnableKeyRotation") is not True


def _lifecycle(template: Template, logical_prefix: str) -> dict[str, Any]:
    buckets = template.find_resources("AWS::S3::Bucket")
    bucket = next(b for name, b in buckets.items() if name.startswith(f"Data{logical_prefix}"))
    rules = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert len(rules) == 1
    return dict(rules[0])


def test_buckets_keep_personal_data_only_as_long_as_retention_says(template: Template) -> None:
    """Issue 20: raw CTRs 13 months, quarantine 90 days, query results 30; replaced versions 30 days."""
    archive = _lifecycle(template, resources.ARCHIVE_BUCKET.logical_id)
    assert archive["ExpirationInDays"] == DEFAULT.ctr_archive_days == 396
    assert _lifecycle(template, resources.QUARANTINE_BUCKET.logical_id)["ExpirationInDays"] == DEFAULT.quarantine_days
    assert _lifecycle(template, resources.ATHENA_RESULTS_BUCKET.logical_id)["ExpirationInDays"] == 30
    billing = _lifecycle(template, resources.BILLING_BUCKET.logical_id)
    assert "ExpirationInDays" not in billing  # Iceberg's current files: 7 years, never expired by S3
    for spec in resources.BUCKETS:
        rule = _lifecycle(template, spec.logical_id)
        assert rule["Status"] == "Enabled"
        assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == DEFAULT.noncurrent_versions_days


def test_a_deployment_changes_the_archive_retention_by_context() -> None:
    import aws_cdk as cdk

    from infra.constructs.data_construct import DataConstruct

    app = cdk.App(context={"telefonist:retention": {"ctr_archive_days": 800}})
    stack = cdk.Stack(app, "RetentionTest")
    DataConstruct(stack, "Data")
    archive = _lifecycle(Template.from_stack(stack), resources.ARCHIVE_BUCKET.logical_id)
    assert archive["ExpirationInDays"] == 800
