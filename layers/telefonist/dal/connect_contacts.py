"""Amazon Connect's contact attributes behind the transfer service's port; ClientError never leaves it.

moto does not emulate these calls: tests drive this adapter with botocore's Stubber.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from telefonist.ports.store import RepositoryError
from telefonist.transfer.service import ContactNotFound


class ConnectContactAttributes:
    """GetContactAttributes / UpdateContactAttributes on one instance (1 round trip each)."""

    def __init__(self, client: Any, instance_id: str) -> None:
        self._client = client
        self._instance_id = instance_id

    def get(self, contact_id: str) -> dict[str, str]:
        try:
            answer = self._client.get_contact_attributes(InstanceId=self._instance_id, InitialContactId=contact_id)
        except ClientError as exc:
            raise self._translate(exc, "GetContactAttributes", contact_id) from exc
        except BotoCoreError as exc:
            raise RepositoryError(f"Amazon Connect GetContactAttributes failed ({type(exc).__name__})") from exc
        return {str(k): str(v) for k, v in (answer.get("Attributes") or {}).items()}

    def update(self, contact_id: str, attributes: dict[str, str]) -> None:
        try:
            self._client.update_contact_attributes(
                InstanceId=self._instance_id, InitialContactId=contact_id, Attributes=attributes
            )
        except ClientError as exc:
            raise self._translate(exc, "UpdateContactAttributes", contact_id) from exc
        except BotoCoreError as exc:
            raise RepositoryError(f"Amazon Connect UpdateContactAttributes failed ({type(exc).__name__})") from exc

    @staticmethod
    def _translate(exc: ClientError, operation: str, contact_id: str) -> Exception:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("ResourceNotFoundException", "InvalidParameterException"):
            return ContactNotFound(contact_id)
        return RepositoryError(f"Amazon Connect {operation} failed ({code or 'unknown'})")
