"""Claims or releases a customer's number; invoked synchronously by the admin side.

Request: {"action": "provision", "tenant_id", "common_number_id"} or
{"action": "release", "tenant_id", "phone_number"}. The answer says what happened; failures are
answered with a code and a message naming the cause (nothing is left claimed and unrouted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Self

import boto3
from pydantic import BaseModel, ValidationError, model_validator
from telefonist import config
from telefonist.connect.provisioning import (
    ClaimFailed,
    NoNumberAvailable,
    NumberProvisioner,
    ProvisioningError,
    ProvisioningSettings,
)
from telefonist.dal.connect_numbers import ConnectNumbers
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.table import dynamodb_tables
from telefonist.environment import load_env
from telefonist.models.types import PhoneNumber, Slug, TenantId
from telefonist.observability import logger, mask_phone_number
from telefonist.ports.store import NotFoundError, RepositoryError

from functions import lambda_entry


@dataclass(frozen=True)
class Environment:
    """What CDK sets for this function."""

    customer_table: str = field(metadata={"env": config.ENV_CUSTOMER_TABLE})
    instance_arn: str = field(
        metadata={"env": config.ENV_CONNECT_INSTANCE_ARN, "pattern": r"arn:aws[a-z-]*:connect:.+"}
    )
    inbound_flow_arn: str = field(metadata={"env": config.ENV_INBOUND_FLOW_ARN})
    country: str = field(default="SE", metadata={"env": config.ENV_NUMBER_COUNTRY})
    number_type: str = field(default="DID", metadata={"env": config.ENV_NUMBER_TYPE})


class ProvisioningRequest(BaseModel):
    action: Literal["provision", "release"]
    tenant_id: TenantId
    common_number_id: Slug | None = None
    phone_number: PhoneNumber | None = None

    @model_validator(mode="after")
    def _needs(self) -> Self:
        if self.action == "provision" and not self.common_number_id:
            raise ValueError("common_number_id is required to provision a number")
        if self.action == "release" and not self.phone_number:
            raise ValueError("phone_number is required to release a number")
        return self


@dataclass(frozen=True)
class Dependencies:
    provisioner: NumberProvisioner


@cache
def dependencies() -> Dependencies:
    env = load_env(Environment)
    table = dynamodb_tables().Table(env.customer_table)
    settings = ProvisioningSettings(
        inbound_flow_id=env.inbound_flow_arn, country=env.country, number_type=env.number_type
    )
    return Dependencies(
        NumberProvisioner(
            ConnectNumbers(boto3.client("connect"), env.instance_arn), CustomerRepository(table), settings
        )
    )


def handle(event: Any, deps: Dependencies) -> dict[str, Any]:
    """Parse, provision or release, and shape the answer; every failure gets a code."""
    try:
        request = ProvisioningRequest.model_validate(event)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or e["msg"] for e in exc.errors())
        return {"status": "error", "code": "bad_request", "error": f"invalid request: {fields}"}
    provisioner = deps.provisioner
    try:
        if request.action == "provision":
            assert request.common_number_id is not None
            done = provisioner.provision(request.tenant_id, request.common_number_id)
            return {"status": "ok", "phone_number": done.phone_number, "phone_number_arn": done.phone_number_arn}
        assert request.phone_number is not None
        provisioner.release(request.tenant_id, request.phone_number)
        return {"status": "ok", "released": request.phone_number}
    except NotFoundError as exc:
        code, message = "not_found", str(exc)
    except NoNumberAvailable as exc:
        code, message = "no_number_available", str(exc)
    except ClaimFailed as exc:
        code, message = "claim_failed", str(exc)
    except (ProvisioningError, RepositoryError) as exc:
        code, message = "provisioning_failed", str(exc)
    logger.warning("provisioning refused", extra={"code": code, "number": mask_phone_number(request.phone_number)})
    return {"status": "error", "code": code, "error": message}


lambda_handler = lambda_entry(handle, dependencies, logger=logger)
