"""Grants that every construct writes the same way: items of a table by partition, the data key through
the services a function's data lives in, and cdk-nag acknowledgments with their written reasons."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import IConstruct


def grant_partitions(
    role: iam.IRole,
    resources: Sequence[str],
    actions: Sequence[str],
    partitions: Sequence[str],
    *,
    attributes: Sequence[str] | None = None,
    sid: str | None = None,
) -> None:
    """Allow `actions` on tables or indexes (`resources`: their ARNs) for the items whose partition key
    matches one of `partitions` (StringLike patterns: `TENANT#*`, or a literal key).

    With `attributes`, a read returns only those attributes (and must ask for them by name).
    """
    conditions: dict[str, dict[str, object]] = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(partitions)}}
    if attributes is not None:
        conditions["ForAllValues:StringEquals"] = {"dynamodb:Attributes": list(attributes)}
        conditions["StringEqualsIfExists"] = {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}
    role.add_to_principal_policy(
        iam.PolicyStatement(sid=sid, actions=list(actions), resources=list(resources), conditions=conditions)
    )


def grant_key_via(role: iam.IRole, key: kms.IKey, actions: list[str], services: list[str]) -> None:
    """Allow `actions` on `key` only when a request of one of `services` (dynamodb, s3, ...) makes them.

    The role can then read its table's or bucket's encrypted data, but cannot call KMS itself to
    decrypt a ciphertext it got hold of some other way (kms:ViaService).
    """
    region = cdk.Stack.of(role).region
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=actions,
            resources=[key.key_arn],
            conditions={"StringEquals": {"kms:ViaService": [f"{s}.{region}.amazonaws.com" for s in services]}},
        )
    )


def grant_sms_to_phone_numbers(role: iam.IRole) -> None:
    """Allow an SMS straight to a phone number, and nothing else SNS publishes to.

    Publishing to a phone number has no resource ARN to name (AWS documents Resource "*"); NotResource
    of every SNS ARN allows exactly that: no topic and no platform endpoint can be published to. No
    wildcard Resource, so nothing for cdk-nag to acknowledge.
    """
    role.add_to_principal_policy(iam.PolicyStatement(actions=["sns:Publish"], not_resources=["arn:aws:sns:*:*:*"]))


def acknowledge(scope: IConstruct, finding: str, reason: str) -> None:
    """A cdk-nag finding acknowledged on one construct, with the written reason."""
    cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=finding, reason=reason))


def objects_finding(bucket: IConstruct, prefix: str) -> str:
    """cdk-nag's name of the wildcard finding on a bucket's objects under `prefix` (`prefix*`)."""
    resource = bucket.node.default_child
    assert isinstance(resource, cdk.CfnElement)
    stack = cdk.Stack.of(resource)
    return f"AwsSolutions::AwsSolutions-IAM5[Resource::<{stack.resolve(stack.get_logical_id(resource))}.Arn>/{prefix}*]"
