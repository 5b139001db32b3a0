"""The flow values of the local Connect instance, as the flow JSON is rendered with them in the tests."""

from __future__ import annotations

from telefonist.connect.flows import local_flow_values

LOCAL_VALUES = local_flow_values()
FUNCTION_ARN = LOCAL_VALUES["ContactFlowFunctionArn"]
QUEUE_ARN = LOCAL_VALUES["OperatorQueueArn"]
CALLER = "+46701234567"


def test_flow_values() -> dict[str, str]:
    return dict(LOCAL_VALUES)


test_flow_values.__test__ = False  # type: ignore[attr-defined]
