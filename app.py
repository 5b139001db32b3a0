#!/usr/bin/env python3
"""CDK entry point: `python app.py` or `npx cdk synth` synthesizes offline, no account needed.

The output goes where the CDK CLI asks (`--output`, passed as CDK_OUTDIR), else to cdk.out/.
Bundling (per-function packages, pip) only with TELEFONIST_BUNDLE=1: `make deploy` sets it."""

import os

# Before jsii starts: the machines run Node 20, whose end-of-life banner is noise on every synth.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from infra.app_factory import build_app

app, _ = build_app(outdir=os.environ.get("CDK_OUTDIR") or "cdk.out")
app.synth()
