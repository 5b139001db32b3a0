"""Data access: the only place that talks to DynamoDB. Domain code receives models from here."""

from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.errors import ConflictError, NotFoundError, RepositoryError

__all__ = ["ConflictError", "CustomerRepository", "NotFoundError", "RepositoryError"]
