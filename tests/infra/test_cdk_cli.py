"""`npx cdk synth` (the CLI pinned in package.json) offline, with no terminal, writes the template of
the app the tests synthesize (`build_app()`, which app.py, and so `make synth`, runs)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from aws_cdk.assertions import Template

from infra.app_factory import build_app
from infra.bundling import ROOT

TEMPLATE = "Telefonist.template.json"


def test_npx_cdk_synth_offline_writes_the_apps_template(tmp_path: Path, template: Template) -> None:
    # No bundling (a test run), no terminal, CI set: the CLI must neither prompt nor download. The
    # app's template is the session's (tests/infra/conftest.py): one synth here, not two, unless an
    # edit since the session's synth (a shared working tree) changed an asset's hash.
    env = {k: v for k, v in os.environ.items() if k != "TELEFONIST_BUNDLE"} | {"CI": "true"}
    cli = subprocess.run(
        ["npx", "--no-install", "cdk", "synth", "--quiet", "--output", str(tmp_path)],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stdout + cli.stderr
    written = json.loads((tmp_path / TEMPLATE).read_text(encoding="utf-8"))
    expected = template.to_json()
    if written != expected:
        _app, stack = build_app()
        expected = Template.from_stack(stack).to_json()
    assert written == expected
