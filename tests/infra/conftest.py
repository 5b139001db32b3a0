"""The stack is synthesized once per session: jsii start-up dominates the cost."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Template

from infra.app_factory import build_app


@pytest.fixture(scope="session")
def template() -> Template:
    _app, stack = build_app()
    return Template.from_stack(stack)  # raises ValidationFailed on any cdk-nag error
