"""The real contact-flow handler against moto, driven through the real flow JSON by the simulator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from telefonist.dal.customer_repository import CustomerRepository

from functions.contact_flow import handler
from telefonist_local.connect.flow_simulator import FlowSimulator, LambdaInvoker, inbound_simulator
from telefonist_local.seeding import SeededTenant, seed_demo_tenant
from tests.unit.connect.conftest import FUNCTION_ARN


@dataclass
class RealHandler:
    """functions/contact_flow/handler.py as Connect invokes it, wired as in Lambda to the moto table."""

    deps: handler.Dependencies
    calls: list[str]

    def __call__(self, arn: str, event: dict[str, Any]) -> Any:
        assert arn == FUNCTION_ARN
        self.calls.append(arn)
        return handler.handle(event, self.deps)


@pytest.fixture
def real_handler(repo: CustomerRepository) -> RealHandler:
    return RealHandler(deps=handler.dependencies.__wrapped__(), calls=[])


@pytest.fixture
def seeded(repo: CustomerRepository) -> SeededTenant:
    return seed_demo_tenant(repo, people=3)


def simulator(invoker: LambdaInvoker) -> FlowSimulator:
    return inbound_simulator(invoker)
