"""The customer table as one object: every aggregate's repository composed, for the composition roots.

The table holds several aggregates, each with its own class over the same table and keys
(`keys.py`), sharing one base (`customer_table.CustomerTable`: conditional put, get, delete, query
and page):

- `configuration_repository.ConfigurationRepository`: the tenant's profile and claimed numbers,
  common numbers and offices, written in one transaction with the routes, number owners and the
  customer's list entry built from them;
- `number_routes.NumberRouteRepository`: a number's route (the call path) and owner;
- `directory_repository.DirectoryRepository`: people, referrals and the directory version;
- `price_list_repository.PriceListRepository`: the price lists;
- `audit_repository.AuditRepository`: the audit trail;
- `customer_list.CustomerListRepository`: the operators' list of customers.

Every access pattern of docs/data-model.md is one method of one of them, with its round trips
stated. Use cases take the small protocols they need (telefonist.self_service.ports), which these
classes satisfy structurally; `CustomerRepository` is all of them at once, built from one table.
"""

from __future__ import annotations

from telefonist.dal.audit_repository import AuditRepository
from telefonist.dal.configuration_repository import ConfigurationRepository
from telefonist.dal.customer_list import CustomerListRepository
from telefonist.dal.directory_repository import DirectoryRepository
from telefonist.dal.number_routes import NumberRouteRepository
from telefonist.dal.price_list_repository import PriceListRepository


class CustomerRepository(
    ConfigurationRepository,
    NumberRouteRepository,
    DirectoryRepository,
    PriceListRepository,
    AuditRepository,
    CustomerListRepository,
):
    """Data access for everything a customer maintains; raises domain errors, never ClientError."""
