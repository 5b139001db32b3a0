"""The telefonist stack: composes one construct per concern."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct
from telefonist import resources

from infra import constants
from infra.constructs.data_construct import DataConstruct
from infra.constructs.directory_construct import DirectoryConstruct
from infra.constructs.function_code import FunctionCodeConstruct


class ServiceStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        cdk.Tags.of(self).add("service", constants.SERVICE_NAME)
        self.data = DataConstruct(self, constants.DATA_CONSTRUCT_ID)
        self.code = FunctionCodeConstruct(self, constants.CODE_CONSTRUCT_ID)
        self.directory = DirectoryConstruct(
            self,
            "Directory",
            code=self.code,
            customer_table=self.data.table(resources.CUSTOMER_TABLE),
            data_key=self.data.data_key,
        )
