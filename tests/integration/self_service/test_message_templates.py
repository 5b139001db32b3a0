"""Message templates in Mina sidor: the customer's rules for messages, read and written through the
self-service API, and what notify does with them (the message form and a submitted message)."""

from __future__ import annotations

from typing import Any

import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.message_template_repository import MessageTemplateRepository
from telefonist.dal.notify_adapters import DirectoryPeople
from telefonist.notify.errors import InvalidMessage
from telefonist.notify.models import MessageRequest, Urgency
from telefonist.notify.service import NotifyService
from telefonist.notify.templates import DEFAULT_SMS, MessageTemplate

from tests.integration.self_service.conftest import (
    ACME_ADMIN_TOKEN,
    ACME_USER_TOKEN,
    FINANCE_TOKEN,
    GLOBEX_ADMIN_TOKEN,
    ApiClient,
)
from tests.unit.notify.test_service import FakeLog, FakeQueue

RULES = {"urgent_channel": "sms", "required_fields": ["caller_company", "caller_number"], "expected_version": 0}


def _notify(repo: CustomerRepository) -> NotifyService:
    people = DirectoryPeople(repo, MessageTemplateRepository(repo.table))
    events: list[str] = []
    return NotifyService(people=people, log=FakeLog(events), queue=FakeQueue(events))


def _mobile(client: ApiClient) -> None:
    """acme-p1 gets a mobile (e-mail stays their preference) so an urgent rule has somewhere to go."""
    person = client.call("GET", "/people/acme-p1", ACME_ADMIN_TOKEN).body
    fields = ("first_name", "last_name", "title", "department", "email", "keywords", "message_preference")
    body = {k: person[k] for k in fields}
    body |= {"phones": [{"kind": "mobile", "number": "+46701234567"}], "expected_version": person["version"]}
    assert client.call("PUT", "/people/acme-p1", ACME_ADMIN_TOKEN, body).status == 200


def test_until_stored_the_customer_has_the_built_in_rules_at_version_0(client: ApiClient) -> None:
    listed = client.call("GET", "/message-templates", ACME_USER_TOKEN)
    assert listed.status == 200
    [customer] = listed.body["items"]
    assert customer["common_number_id"] is None
    assert (customer["version"], customer["sms"], customer["required_fields"]) == (0, DEFAULT_SMS, [])
    assert customer["urgent_channel"] is None
    assert "text" in listed.body["placeholders"]


def test_the_customers_rules_reach_the_message_form_and_the_submit(client: ApiClient, repo: CustomerRepository) -> None:
    _mobile(client)
    notify = _notify(repo)
    before = notify.message_form("acme", "acme-p1", None)
    assert (before.urgent_channels, before.required_fields) == (["email"], [])

    saved = client.call("PUT", "/message-template", ACME_ADMIN_TOKEN, RULES)
    assert saved.status == 200
    assert saved.body["version"] == 1

    form = notify.message_form("acme", "acme-p1", "acme-sales")
    assert form.urgent_channels == ["sms"]
    assert form.channels == ["email"]  # the person's own preference for the rest
    assert form.required_fields == ["caller_company", "caller_number"]
    request = MessageRequest.model_validate(
        {"tenant_id": "acme", "person_id": "acme-p1", "request_id": "req-00000001", "caller_name": "Kim", "text": "Hej"}
    )
    with pytest.raises(InvalidMessage) as refused:
        notify.submit(request.model_copy(update={"urgency": Urgency.URGENT}))
    assert refused.value.field == "caller_company"
    # Globex's messages keep the defaults: rules are per customer.
    assert MessageTemplateRepository(repo.table).load_templates("globex") == []


def test_a_common_numbers_own_rules_replace_the_customers_and_can_be_removed(
    client: ApiClient, repo: CustomerRepository
) -> None:
    client.call("PUT", "/message-template", ACME_ADMIN_TOKEN, RULES)
    own = {"required_fields": [], "sms": "Sälj: ${text}", "expected_version": 0}
    put = client.call("PUT", "/common-numbers/acme-sales/message-template", ACME_ADMIN_TOKEN, own)
    assert put.status == 200
    assert put.body["common_number_id"] == "acme-sales"
    assert _notify(repo).message_form("acme", "acme-p2", "acme-sales").required_fields == []
    listed = client.call("GET", "/message-templates", ACME_ADMIN_TOKEN).body["items"]
    assert [t["common_number_id"] for t in listed] == [None, "acme-sales"]

    stale = client.call("DELETE", "/common-numbers/acme-sales/message-template?expected_version=7", ACME_ADMIN_TOKEN)
    assert stale.status == 409
    gone = client.call("DELETE", "/common-numbers/acme-sales/message-template?expected_version=1", ACME_ADMIN_TOKEN)
    assert gone.status == 200
    assert _notify(repo).message_form("acme", "acme-p2", "acme-sales").required_fields == [
        "caller_company",
        "caller_number",
    ]


def test_a_stale_version_is_a_409_and_changes_nothing(client: ApiClient) -> None:
    assert client.call("PUT", "/message-template", ACME_ADMIN_TOKEN, RULES).status == 200
    again = client.call("PUT", "/message-template", ACME_ADMIN_TOKEN, RULES)  # version 0: exists already
    assert again.status == 409
    stale = client.call("PUT", "/message-template", ACME_ADMIN_TOKEN, {**RULES, "urgent_channel": "email"})
    assert stale.status == 409
    newer = client.call(
        "PUT", "/message-template", ACME_ADMIN_TOKEN, {**RULES, "urgent_channel": "email", "expected_version": 1}
    )
    assert (newer.status, newer.body["version"], newer.body["urgent_channel"]) == (200, 2, "email")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sms": "Utan text"}, "sms"),
        ({"sms": "Hej ${namn}: ${text}"}, "sms"),
        ({"email_subject": "Två\nrader"}, "email_subject"),
        ({"required_fields": ["shoe_size"]}, "required_fields.0"),
        ({"urgent_channel": "brevduva"}, "urgent_channel"),
    ],
)
def test_bad_rules_are_a_400_naming_the_field(client: ApiClient, change: dict[str, Any], field: str) -> None:
    refused = client.call("PUT", "/message-template", ACME_ADMIN_TOKEN, {**RULES, **change})
    assert refused.status == 400
    assert refused.body["field"].removeprefix("body.") == field
    assert client.call("GET", "/message-templates", ACME_ADMIN_TOKEN).body["items"][0]["version"] == 0


def test_only_the_customers_administrators_change_rules_and_only_their_own(client: ApiClient) -> None:
    assert client.call("PUT", "/message-template", ACME_USER_TOKEN, RULES).status == 403
    assert client.call("PUT", "/message-template", FINANCE_TOKEN, RULES).status == 403
    # Another customer's common number is not one of Acme's: 404, nothing written anywhere.
    other = client.call("PUT", "/common-numbers/globex-sales/message-template", ACME_ADMIN_TOKEN, RULES)
    assert other.status == 404
    assert len(client.call("GET", "/message-templates", GLOBEX_ADMIN_TOKEN).body["items"]) == 1
    audit = client.call("GET", "/audit", ACME_ADMIN_TOKEN).body["items"]
    assert not any(e["action"].startswith("message_template") for e in audit)
    client.call("PUT", "/message-template", ACME_ADMIN_TOKEN, RULES)
    audit = client.call("GET", "/audit", ACME_ADMIN_TOKEN).body["items"]
    assert audit[0]["action"] == "message_template.put"


def test_the_domain_names_the_sms_field_when_text_is_missing() -> None:
    with pytest.raises(ValueError, match="sms"):
        MessageTemplate(sms="Ingen platshållare")
