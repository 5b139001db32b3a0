"""Pieces of the small stacks the site's tests synthesize (cheaper than the whole service stack)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3


def site_stack() -> tuple[cdk.App, cdk.Stack, s3.Bucket]:
    """An app, a stack in the service's region and an access-logs bucket for the site's logs."""
    app = cdk.App()
    stack = cdk.Stack(app, "Site", env=cdk.Environment(region="eu-central-1"))
    logs = s3.Bucket(
        stack,
        "Logs",
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    )
    cdk.Validations.of(logs).acknowledge(cdk.Acknowledgment(id="AwsSolutions::AwsSolutions-S1", reason="test"))
    return app, stack, logs
