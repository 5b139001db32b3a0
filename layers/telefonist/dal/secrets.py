"""Encryption of secrets stored in items (door codes), on top of the table's own KMS encryption."""

from __future__ import annotations

import base64
from typing import Any, Protocol

from botocore.exceptions import ClientError

from telefonist.ports.store import RepositoryError


class SecretCodec(Protocol):
    def encrypt(self, plaintext: str, context: dict[str, str]) -> str: ...

    def decrypt(self, ciphertext: str, context: dict[str, str]) -> str: ...


class KmsSecretCodec:
    """KMS envelope-free encryption of short secrets, bound to the tenant by encryption context."""

    def __init__(self, kms_client: Any, key_id: str) -> None:
        self._kms = kms_client
        self._key_id = key_id

    def encrypt(self, plaintext: str, context: dict[str, str]) -> str:
        try:
            blob = self._kms.encrypt(KeyId=self._key_id, Plaintext=plaintext.encode(), EncryptionContext=context)[
                "CiphertextBlob"
            ]
        except ClientError as exc:
            raise RepositoryError("could not encrypt a secret") from exc
        return base64.b64encode(blob).decode()

    def decrypt(self, ciphertext: str, context: dict[str, str]) -> str:
        try:
            plain = self._kms.decrypt(CiphertextBlob=base64.b64decode(ciphertext), EncryptionContext=context)
        except ClientError as exc:
            raise RepositoryError("could not decrypt a secret") from exc
        return str(plain["Plaintext"].decode())
