"""The base of the constructs that build the service's own functions: each takes the stack's data
(tables, buckets, keys) and the functions' code, and only its own inputs besides."""

from __future__ import annotations

from typing import TypedDict

from constructs import Construct
from typing_extensions import Unpack

from infra.constructs.data_construct import DataConstruct
from infra.constructs.function_code import FunctionCodeConstruct


class ServiceInputs(TypedDict):
    """What every such construct takes (as keywords): `data=`, `code=`."""

    data: DataConstruct
    code: FunctionCodeConstruct


class ServiceConstruct(Construct):
    """`self._data` and `self._code` for the subclass; a subclass's `__init__` takes its own inputs and
    `**inputs: Unpack[ServiceInputs]`, which it passes on."""

    def __init__(self, scope: Construct, construct_id: str, **inputs: Unpack[ServiceInputs]) -> None:
        super().__init__(scope, construct_id)
        self._data = inputs["data"]
        self._code = inputs["code"]
