"""The stack is synthesized once per test run: jsii start-up and the synth dominate the cost.

Under xdist the first worker that needs the template synthesizes it (cdk-nag checks it then) and
leaves its JSON in the run's temporary root; the other worker waits on a file lock there and reads
it. A synth that fails leaves nothing, so the other worker synthesizes and fails the same way.
"""

from __future__ import annotations

import fcntl
import json
import os

import pytest
from aws_cdk.assertions import Template

from infra.app_factory import build_app


def _synthesized() -> Template:
    _app, stack = build_app()
    return Template.from_stack(stack)  # raises ValidationFailed on any cdk-nag error


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _synthesized()
    shared = tmp_path_factory.getbasetemp().parent / "template.json"  # the run's root, shared by its workers
    with shared.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared.exists():
            return Template.from_json(json.loads(shared.read_text(encoding="utf-8")))
        synthesized = _synthesized()
        shared.write_text(json.dumps(synthesized.to_json()), encoding="utf-8")
        return synthesized
