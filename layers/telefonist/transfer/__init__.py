"""Transfers: the operator sends the caller on to a number of the customer's own directory.

Amazon Connect's browser SDK cannot set contact attributes, so the page asks this service to set
`transfer_to` (and `transfer_mode`) on the contact, then starts the "Koppla vidare" quick connect,
whose flow (infra/flows/external_transfer.json) dials `transfer_to`. Only a number of a person in
the directory of the contact's own customer is ever set: callers are never sent to arbitrary or
premium-rate numbers.
"""

from telefonist.transfer.service import (
    ContactAttributes,
    ContactNotFound,
    InMemoryContactAttributes,
    TransferInput,
    TransferMode,
    TransferResult,
    TransferService,
)

__all__ = [
    "ContactAttributes",
    "ContactNotFound",
    "InMemoryContactAttributes",
    "TransferInput",
    "TransferMode",
    "TransferResult",
    "TransferService",
]
