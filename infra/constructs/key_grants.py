"""Grants on the data key that hold only through the AWS services a function's data lives in."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms


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
