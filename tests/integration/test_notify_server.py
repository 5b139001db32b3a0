"""The demo's path: moto's server on 127.0.0.1, submit, then drive the sender in-process."""

from __future__ import annotations

import json
from functools import partial

import boto3
import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.notify.models import MessageStatus
from telefonist.resources import CUSTOMER_TABLE

from functions.notify import handler as submit_handler
from functions.notify_sender import handler as sender_handler
from telefonist_local.local_aws import create_resources, moto_server, patched_environment
from telefonist_local.notify_queue import process_queue_once
from tests.notify_helpers import EVA_MOBILE, TENANT, api_event, eva, request_body, sent_sms

pytestmark = pytest.mark.integration


def test_a_message_over_motos_server_is_sent_once() -> None:
    with moto_server():
        created = create_resources()
        with patched_environment(created.environment):
            CustomerRepository(boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name)).put_person(TENANT, eva())
            submitting = submit_handler.dependencies.__wrapped__()  # as Lambda wires them, against the server
            sending = sender_handler.dependencies.__wrapped__()
            event = api_event(request_body(request_id="server-demo-1"))
            first = submit_handler.handle(event, submitting)
            again = submit_handler.handle(event, submitting)
            assert first["statusCode"] == 202
            message_id = json.loads(first["body"])["message_id"]
            assert json.loads(again["body"])["message_id"] == message_id
            drain = partial(process_queue_once, handler=lambda batch, _context: sender_handler.handle(batch, sending))
            run = drain()
            assert (run.received, run.sent) == (1, 1)
            assert drain().received == 0
            assert [number for number, _ in sent_sms()] == [EVA_MOBILE]
            message = sending.delivery.log.get(TENANT, message_id)
            assert message is not None
            assert message.status is MessageStatus.SENT
