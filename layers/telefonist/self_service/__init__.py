"""Self-service ("Mina sidor"): customers maintain their own data, and only their own.

Pure of HTTP: the API handler, the local server and the demo all call `SelfService` with the
caller's identity (from the token) and the API's input models. The caller and the errors are the
API edge's (telefonist.edge.identity, telefonist.edge.errors).
"""

from telefonist.self_service.service import SelfService

__all__ = ["SelfService"]
