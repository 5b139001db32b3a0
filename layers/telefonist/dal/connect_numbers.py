"""Amazon Connect's phone-number API behind a small interface; ClientError never leaves it.

moto does not emulate these calls: tests drive this gateway with botocore's Stubber.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError


class ConnectApiError(Exception):
    """Amazon Connect refused or failed a call; `code` is its error code (or the botocore class)."""

    def __init__(self, operation: str, code: str) -> None:
        super().__init__(f"Amazon Connect {operation} failed ({code})")
        self.operation = operation
        self.code = code


@dataclass(frozen=True)
class ClaimedPhoneNumber:
    phone_number_id: str
    phone_number_arn: str


@dataclass(frozen=True)
class PhoneNumberStatus:
    status: str  # CLAIMED | IN_PROGRESS | FAILED
    phone_number: str
    message: str = ""


class ConnectNumbers:
    """Search, claim, describe, associate, disassociate and release numbers of one Connect instance."""

    def __init__(self, client: Any, instance_arn: str) -> None:
        self._client = client
        self.instance_arn = instance_arn
        self.instance_id = instance_arn.rsplit("/", 1)[-1]

    def _call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._client, operation)(**kwargs)
        except ClientError as exc:
            raise ConnectApiError(operation, exc.response.get("Error", {}).get("Code", "unknown")) from exc
        except BotoCoreError as exc:
            raise ConnectApiError(operation, type(exc).__name__) from exc

    def search_available(self, country: str, number_type: str, prefix: str | None, limit: int = 5) -> list[str]:
        kwargs: dict[str, Any] = {
            "TargetArn": self.instance_arn,
            "PhoneNumberCountryCode": country,
            "PhoneNumberType": number_type,
            "MaxResults": limit,
        }
        if prefix:
            kwargs["PhoneNumberPrefix"] = prefix
        response = self._call("search_available_phone_numbers", **kwargs)
        return [n["PhoneNumber"] for n in response.get("AvailableNumbersList", []) if n.get("PhoneNumber")]

    def claim(self, phone_number: str, description: str, client_token: str) -> ClaimedPhoneNumber:
        response = self._call(
            "claim_phone_number",
            TargetArn=self.instance_arn,
            PhoneNumber=phone_number,
            PhoneNumberDescription=description,
            ClientToken=client_token,
        )
        return ClaimedPhoneNumber(response["PhoneNumberId"], response["PhoneNumberArn"])

    def status(self, phone_number_id: str) -> PhoneNumberStatus:
        summary = self._call("describe_phone_number", PhoneNumberId=phone_number_id)["ClaimedPhoneNumberSummary"]
        status = summary.get("PhoneNumberStatus", {})
        return PhoneNumberStatus(
            status.get("Status", "IN_PROGRESS"), summary.get("PhoneNumber", ""), status.get("Message", "")
        )

    def associate_flow(self, phone_number_id: str, contact_flow_id: str) -> None:
        self._call(
            "associate_phone_number_contact_flow",
            PhoneNumberId=phone_number_id,
            InstanceId=self.instance_id,
            ContactFlowId=contact_flow_id,
        )

    def disassociate_flow(self, phone_number_id: str) -> None:
        self._call("disassociate_phone_number_contact_flow", PhoneNumberId=phone_number_id, InstanceId=self.instance_id)

    def release(self, phone_number_id: str, client_token: str) -> None:
        self._call("release_phone_number", PhoneNumberId=phone_number_id, ClientToken=client_token)
