"""Amazon Connect's contact attributes through botocore's Stubber (moto does not emulate them)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber
from telefonist.dal.connect_contacts import ConnectContactAttributes
from telefonist.ports.store import RepositoryError
from telefonist.transfer import ContactNotFound

INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
CONTACT_ID = "3f0c9a8e-1b2d-4c5e-8f70-0123456789ab"


@pytest.fixture
def client() -> object:
    return boto3.client("connect", region_name="eu-central-1")


def test_attributes_are_read_and_the_transfer_target_written_on_the_contact(client: object) -> None:
    with Stubber(client) as stub:
        stub.add_response(
            "get_contact_attributes",
            {"Attributes": {"tenant_id": "acme"}},
            {"InstanceId": INSTANCE_ID, "InitialContactId": CONTACT_ID},
        )
        stub.add_response(
            "update_contact_attributes",
            {},
            {
                "InstanceId": INSTANCE_ID,
                "InitialContactId": CONTACT_ID,
                "Attributes": {"transfer_to": "+46701234567", "transfer_mode": "blind"},
            },
        )
        contacts = ConnectContactAttributes(client, INSTANCE_ID)
        assert contacts.get(CONTACT_ID) == {"tenant_id": "acme"}
        contacts.update(CONTACT_ID, {"transfer_to": "+46701234567", "transfer_mode": "blind"})
        stub.assert_no_pending_responses()


def test_an_unknown_contact_is_not_found_and_a_throttle_is_a_store_error(client: object) -> None:
    with Stubber(client) as stub:
        stub.add_client_error("get_contact_attributes", "ResourceNotFoundException", http_status_code=404)
        stub.add_client_error("update_contact_attributes", "ThrottlingException", http_status_code=429)
        contacts = ConnectContactAttributes(client, INSTANCE_ID)
        with pytest.raises(ContactNotFound):
            contacts.get(CONTACT_ID)
        with pytest.raises(RepositoryError, match="ThrottlingException"):
            contacts.update(CONTACT_ID, {"transfer_to": "+46701234567"})
