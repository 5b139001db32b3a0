"""Each SMS command through functions/inbound_sms, delivered by (moto) SNS as End User Messaging SMS would.

The two-way payload is published to an SNS topic; an SQS subscription captures the notification
SNS delivers, which becomes the Lambda event's `Sns` record. Answers are read from moto's SMS outbox.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from telefonist.clock import simulated_time
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.sms_refusals import SmsRefusalLog
from telefonist.models.directory import MessagePreference, Person, PersonPhone, PhoneKind, Referral
from telefonist.referral_automation.service import OWN_REFERRAL_ID

from functions.inbound_sms import handler
from tests.notify_helpers import sent_sms

TENANT = "acme"
EVA_MOBILE = "+46701234567"
OLLE_MOBILE = "+46709876543"
SERVICE_NUMBER = "+46766860000"
NOW = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)  # Monday 10:15 in Stockholm


def person(person_id: str, first: str, mobile: str) -> Person:
    return Person(
        person_id=person_id,
        first_name=first,
        last_name="Lind",
        phones=[PersonPhone(kind=PhoneKind.MOBILE, number=mobile)],
        message_preference=MessagePreference.SMS,
    )


@dataclass
class Delivery:
    """Publishes an inbound SMS to the topic and gives back the Lambda event SNS would invoke with."""

    deliver: Callable[[str, str], dict[str, Any]]
    deps: handler.Dependencies  # wired as in Lambda, to moto


@pytest.fixture
def sns_delivery(aws: Any) -> Delivery:
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    topic = sns.create_topic(Name="telefonist-inbound-sms")["TopicArn"]
    queue = sqs.create_queue(QueueName="inbound-sms-capture")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]

    def deliver(sender: str, body: str) -> dict[str, Any]:
        payload = {
            "originationNumber": sender,
            "destinationNumber": SERVICE_NUMBER,
            "messageKeyword": "KEYWORD_123456789012",
            "messageBody": body,
            "inboundMessageId": "cae173d2-66b9-564c-8309-21f858e9fb84",
            "previousPublishedMessageId": "wJalrXUtnFEMI",
        }
        sns.publish(TopicArn=topic, Message=json.dumps(payload, ensure_ascii=False))
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)["Messages"]
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=messages[0]["ReceiptHandle"])
        notification = json.loads(messages[0]["Body"])
        record = {"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": subscription}
        return {"Records": [{**record, "Sns": notification}]}

    return Delivery(deliver, handler.dependencies.__wrapped__())


@pytest.fixture
def people(repo: CustomerRepository) -> CustomerRepository:
    repo.put_person(TENANT, person("eva", "Eva", "0701234567"))  # national form: stored as E.164
    repo.put_person(TENANT, person("olle", "Olle", OLLE_MOBILE))
    return repo


def send(sns_delivery: Delivery, sender: str, body: str, now: datetime = NOW) -> dict[str, int]:
    event = sns_delivery.deliver(sender, body)
    with simulated_time(now):
        return handler.handle(event, sns_delivery.deps)


def own_referral(repo: CustomerRepository, person_id: str) -> Referral | None:
    _, referrals = repo.get_person(TENANT, person_id)
    return next((r for r in referrals if r.referral_id == OWN_REFERRAL_ID), None)


def answers_to(number: str) -> list[str]:
    return [text for to, text in sent_sms() if to == number]


def audit_actions(repo: CustomerRepository) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.target) for e in repo.list_audit_entries(TENANT)]


def test_lunch_13_sets_the_senders_own_referral_until_13_stockholm_and_confirms(
    sns_delivery: Delivery, people: CustomerRepository
) -> None:
    assert send(sns_delivery, EVA_MOBILE, "LUNCH 13") == {"handled": 1}
    referral = own_referral(people, "eva")
    assert referral is not None
    assert (referral.text, referral.valid_from, referral.valid_until) == (
        "Lunch, åter 13:00",
        NOW,
        datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
    )
    assert answers_to(EVA_MOBILE) == ["Klart: Lunch, åter 13:00. Skicka IN när du är tillbaka."]
    assert own_referral(people, "olle") is None  # nobody else's changes
    assert ("sms:eva", "referral.set", f"person eva referral {OWN_REFERRAL_ID}") in audit_actions(people)


@pytest.mark.parametrize(
    ("body", "text", "until"),
    [
        ("möte 15.30", "Möte, åter 15:30", datetime(2026, 11, 30, 14, 30, tzinfo=UTC)),
        ("SJUK", "Sjuk", datetime(2026, 11, 30, 23, 0, tzinfo=UTC)),
        ("Semester 31/7/2027", "Semester t.o.m. 31/7", datetime(2027, 7, 31, 22, 0, tzinfo=UTC)),
        ("ÅTER 14", "Borta, åter 14:00", datetime(2026, 11, 30, 13, 0, tzinfo=UTC)),
    ],
)
def test_each_command_sets_its_referral(
    sns_delivery: Delivery, people: CustomerRepository, body: str, text: str, until: datetime
) -> None:
    send(sns_delivery, EVA_MOBILE, body)
    referral = own_referral(people, "eva")
    assert referral is not None
    assert (referral.text, referral.valid_until) == (text, until)
    assert answers_to(EVA_MOBILE) == [f"Klart: {text}. Skicka IN när du är tillbaka."]


def test_a_new_command_replaces_the_own_status_and_in_clears_it(
    sns_delivery: Delivery, people: CustomerRepository
) -> None:
    send(sns_delivery, EVA_MOBILE, "LUNCH 13")
    send(sns_delivery, EVA_MOBILE, "MÖTE 15:30")
    _, referrals = people.get_person(TENANT, "eva")
    assert [r.text for r in referrals] == ["Möte, åter 15:30"]
    send(sns_delivery, EVA_MOBILE, "in")
    assert own_referral(people, "eva") is None
    assert answers_to(EVA_MOBILE)[-1] == "Klart: du visas som inne."
    assert ("sms:eva", "referral.clear", f"person eva referral {OWN_REFERRAL_ID}") in audit_actions(people)


def test_a_time_in_the_past_is_refused_with_a_clear_reply_and_changes_nothing(
    sns_delivery: Delivery, people: CustomerRepository
) -> None:
    send(sns_delivery, EVA_MOBILE, "LUNCH 13")
    send(sns_delivery, EVA_MOBILE, "LUNCH 10", now=NOW)  # 10:00 < 10:15
    referral = own_referral(people, "eva")
    assert referral is not None
    assert referral.text == "Lunch, åter 13:00"
    assert answers_to(EVA_MOBILE)[-1] == "10:00 har redan varit. Skicka en senare tid, t.ex. LUNCH 13:30."


def test_an_unknown_command_gets_the_short_help(sns_delivery: Delivery, people: CustomerRepository) -> None:
    send(sns_delivery, EVA_MOBILE, "Hej! Är jag inne?")
    assert own_referral(people, "eva") is None
    assert answers_to(EVA_MOBILE) == [
        "Skicka t.ex. LUNCH 13, MÖTE 15:30, ÅTER 14, SJUK, SEMESTER 31/7 eller IN när du är tillbaka."
    ]


def test_a_sender_that_is_no_registered_mobile_is_refused_audited_and_not_answered(
    sns_delivery: Delivery, people: CustomerRepository, customer_table: Any, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = "+46731112233"
    with caplog.at_level(logging.DEBUG):
        assert send(sns_delivery, stranger, "SJUK") == {"handled": 1}
    assert own_referral(people, "eva") is None
    assert own_referral(people, "olle") is None
    assert sent_sms() == []
    refusals = SmsRefusalLog(customer_table).recent()
    assert [(r.actor, r.action) for r in refusals] == [("sms:unknown", "sms.refused")]
    assert stranger not in refusals[0].target
    assert "731112233" not in refusals[0].target
    assert audit_actions(people) == []  # nothing in any customer's trail changed


def test_a_person_whose_mobile_changed_can_no_longer_use_the_old_number(
    sns_delivery: Delivery, people: CustomerRepository
) -> None:
    people.put_person(TENANT, person("eva", "Eva", "+46701000000"))
    send(sns_delivery, EVA_MOBILE, "LUNCH 13")
    assert own_referral(people, "eva") is None
    send(sns_delivery, "+46701000000", "LUNCH 13")
    assert own_referral(people, "eva") is not None


def test_a_number_registered_to_two_people_changes_nobody(sns_delivery: Delivery, people: CustomerRepository) -> None:
    people.put_person("globex", person("eva2", "Eva", EVA_MOBILE))
    send(sns_delivery, EVA_MOBILE, "LUNCH 13")
    assert own_referral(people, "eva") is None
    assert answers_to(EVA_MOBILE) == ["Numret hör till flera personer. Be din administratör rätta det."]
    assert ("sms:eva", "sms.refused", "person eva") in audit_actions(people)


def test_no_phone_number_and_no_message_text_in_the_logs(
    sns_delivery: Delivery,
    people: CustomerRepository,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        for sender, body in ((EVA_MOBILE, "LUNCH 13"), (EVA_MOBILE, "hemlig text"), ("+46731112233", "SJUK")):
            send(sns_delivery, sender, body)
    output = capsys.readouterr()
    records = json.dumps([{**r.__dict__, "msg": r.getMessage()} for r in caplog.records], default=str)
    logged = output.out + output.err + records
    assert "sms command" in logged  # the handler does log (as JSON on stdout)
    for secret in ("701234567", "731112233", "hemlig", "LUNCH 13"):
        assert secret not in logged


def test_a_record_that_is_not_an_inbound_sms_is_skipped(sns_delivery: Delivery) -> None:
    event = {"Records": [{"Sns": {"Message": "not json"}}, {"Sns": {"Message": json.dumps({"x": 1})}}]}
    assert handler.handle(event, sns_delivery.deps) == {"handled": 0}
