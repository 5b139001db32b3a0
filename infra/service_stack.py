"""The telefonist stack: composes one construct per concern."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from infra import constants
from infra.constructs.data_construct import DataConstruct
from infra.constructs.function_code import FunctionCodeConstruct
from infra.constructs.self_service_api_construct import SelfServiceApiConstruct


class ServiceStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        cdk.Tags.of(self).add("service", constants.SERVICE_NAME)
        self.data = DataConstruct(self, constants.DATA_CONSTRUCT_ID)
        self.code = FunctionCodeConstruct(self, constants.CODE_CONSTRUCT_ID)
        self.self_service = SelfServiceApiConstruct(
            self, constants.SELF_SERVICE_CONSTRUCT_ID, data=self.data, code=self.code
        )
