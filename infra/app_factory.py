"""Builds the CDK app: the stack plus cdk-nag's checks, so every synth (tests too) is gated."""

from __future__ import annotations

import os
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from infra import constants
from infra.service_stack import ServiceStack

BUNDLE_ENV = "TELEFONIST_BUNDLE"


def build_app(context: dict[str, Any] | None = None, outdir: str | None = None) -> tuple[cdk.App, ServiceStack]:
    """An app with the service stack. Bundling (pip for the layer) runs only when TELEFONIST_BUNDLE=1."""
    ctx: dict[str, Any] = dict(context or {})
    if os.environ.get(BUNDLE_ENV) != "1":
        ctx.setdefault("aws:cdk:bundling-stacks", [])
    app = cdk.App(context=ctx, outdir=outdir)
    region = app.node.try_get_context(constants.CTX_REGION) or constants.DEFAULT_REGION
    account = app.node.try_get_context(constants.CTX_ACCOUNT)
    stack = ServiceStack(
        app,
        constants.STACK_ID,
        env=cdk.Environment(account=account, region=region),
        description="telefonist: hosted switchboard backend",
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    return app, stack
