"""`npx cdk synth` (the CLI pinned in package.json) offline, with no terminal, writes the template `make synth` does."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from infra.bundling import ROOT

TEMPLATE = "Telefonist.template.json"


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _template(directory: Path) -> dict[str, Any]:
    template: dict[str, Any] = json.loads((directory / TEMPLATE).read_text(encoding="utf-8"))
    return template


def test_npx_cdk_synth_offline_equals_make_synth(tmp_path: Path) -> None:
    # No bundling (a test run), no terminal, CI set: the CLI must neither prompt nor download.
    env = {k: v for k, v in os.environ.items() if k != "TELEFONIST_BUNDLE"} | {"CI": "true"}
    cli_out, make_out = tmp_path / "cli", tmp_path / "make"
    cli = _start(["npx", "--no-install", "cdk", "synth", "--quiet", "--output", str(cli_out)], env)
    make = _start(["make", "--no-print-directory", "synth", f"CDK_OUT={make_out}"], env)
    cli_log, _ = cli.communicate(timeout=600)
    make_log, _ = make.communicate(timeout=600)
    assert cli.returncode == 0, cli_log
    assert make.returncode == 0, make_log
    assert _template(cli_out) == _template(make_out)
