#!/usr/bin/env python3
"""CDK entry point: `python app.py` or `npx cdk synth` synthesizes offline, no account needed."""

import os

# Before jsii starts: the machines run Node 20, whose end-of-life banner is noise on every synth.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from infra.app_factory import build_app

app, _ = build_app(outdir="cdk.out")
app.synth()
