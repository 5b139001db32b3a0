#!/usr/bin/env python3
"""CDK entry point: `python app.py` or `npx cdk synth` synthesizes offline, no account needed."""

from infra.app_factory import build_app

app, _ = build_app(outdir="cdk.out")
app.synth()
