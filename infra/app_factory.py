"""Builds the CDK app: the stack plus cdk-nag's checks, so every synth (tests too) is gated."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from infra import constants
from infra.service_stack import ServiceStack

BUNDLE_ENV = "TELEFONIST_BUNDLE"
CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
# What the CDK CLI sets for this project (cdk.json "versionReporting": false), set here for a synth
# without the CLI too: construct paths and asset paths in the template, no CDKMetadata resource.
CLI_DEFAULTS = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:version-reporting": False,
}


def build_app(context: dict[str, Any] | None = None, outdir: str | None = None) -> tuple[cdk.App, ServiceStack]:
    """An app with the service stack. Bundling (pip, per function) runs only when TELEFONIST_BUNDLE=1.

    The override goes in after the CLI's context: `cdk synth` asks to bundle every stack by default,
    and a plain synth must stay offline and fast whoever runs it."""
    post_cli: dict[str, Any] = {}
    if os.environ.get(BUNDLE_ENV) != "1":
        post_cli["aws:cdk:bundling-stacks"] = []
    # cdk.json's context (feature flags included) for every synth, not only the CLI's: tests,
    # `python app.py` and `npx cdk synth` then write the same template.
    project_context = json.loads(CDK_JSON.read_text(encoding="utf-8")).get("context", {})
    app = cdk.App(
        context={**CLI_DEFAULTS, **project_context, **(context or {})}, post_cli_context=post_cli, outdir=outdir
    )
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
