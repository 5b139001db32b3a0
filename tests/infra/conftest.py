"""The stack is synthesized once per test run: jsii start-up and the synth dominate the cost.

Under xdist the first worker that needs the template synthesizes it (cdk-nag checks it then) and
leaves its JSON in the run's temporary root; the other worker waits on a file lock there and reads
it. A synth that fails leaves nothing, so the other worker synthesizes and fails the same way. The
same holds for the one other synth the tests read: the app with every optional context set.
"""

from __future__ import annotations

import fcntl
import json
import os
from typing import Any

import pytest
from aws_cdk.assertions import Template

from infra.app_factory import build_app
from infra.constructs import monitoring_construct as monitoring
from infra.constructs.connect_construct import CTX_CONNECT_INSTANCE_ARN, CTX_OPERATORS

IMPORTED_ARN = "arn:aws:connect:eu-central-1:111122223333:instance/existing-1"
ALARM_EMAIL = "larm@example.se"


def _synthesized(context: dict[str, Any] | None = None) -> Template:
    _app, stack = build_app(context=context)
    return Template.from_stack(stack)  # raises ValidationFailed on any cdk-nag error


def _shared(tmp_path_factory: pytest.TempPathFactory, name: str, context: dict[str, Any] | None) -> Template:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _synthesized(context)
    shared = tmp_path_factory.getbasetemp().parent / f"{name}.json"  # the run's root, shared by its workers
    with shared.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared.exists():
            return Template.from_json(json.loads(shared.read_text(encoding="utf-8")))
        synthesized = _synthesized(context)
        shared.write_text(json.dumps(synthesized.to_json()), encoding="utf-8")
        return synthesized


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return _shared(tmp_path_factory, "template", None)


@pytest.fixture(scope="session")
def context_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The app with the optional context: an existing Connect instance by ARN with two operator
    users, and the address the alarms mail."""
    context = {
        CTX_CONNECT_INSTANCE_ARN: IMPORTED_ARN,
        CTX_OPERATORS: "eva,olle",
        monitoring.CTX_ALARM_EMAIL: ALARM_EMAIL,
    }
    return _shared(tmp_path_factory, "context-template", context)
