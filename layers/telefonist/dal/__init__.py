"""Data access: the only place that talks to DynamoDB. Domain code receives models from here.

Names load lazily (PEP 562) so a function imports only the repository it uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telefonist.lazy import lazy_exports

if TYPE_CHECKING:
    from telefonist.dal.customer_repository import CustomerRepository
    from telefonist.dal.errors import ConflictError, NotFoundError, RepositoryError

_MODULES = {
    "ConflictError": "telefonist.dal.errors",
    "CustomerRepository": "telefonist.dal.customer_repository",
    "NotFoundError": "telefonist.dal.errors",
    "RepositoryError": "telefonist.dal.errors",
}
__all__ = [
    "ConflictError",
    "CustomerRepository",
    "NotFoundError",
    "RepositoryError",
]

__getattr__ = lazy_exports(__name__, _MODULES)
