"""Self-service ("Mina sidor"): customers maintain their own data, and only their own.

Pure of HTTP: the API handler, the local server and the demo all call `SelfService` with the
caller's identity (from the token) and the API's input models.
"""

from telefonist.edge.identity import Caller, Group, caller_from_claims
from telefonist.self_service.errors import (
    AuthenticationError,
    FieldError,
    ForbiddenError,
    InvalidInputError,
    PayloadTooLargeError,
)
from telefonist.self_service.service import SelfService

__all__ = [
    "AuthenticationError",
    "Caller",
    "FieldError",
    "ForbiddenError",
    "Group",
    "InvalidInputError",
    "PayloadTooLargeError",
    "SelfService",
    "caller_from_claims",
]
