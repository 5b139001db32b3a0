"""The demo's path: moto's server on 127.0.0.1, submit, then drive the sender in-process."""

from __future__ import annotations

import boto3
import pytest
from telefonist.dal.customer_repository import CustomerRepository
from telefonist.notify.models import MessageStatus
from telefonist.resources import CUSTOMER_TABLE

from functions.notify import handler as submit_handler
from functions.notify_sender import handler as sender_handler
from telefonist_local.local_aws import create_resources, moto_server, patched_environment
from telefonist_local.notify_queue import process_queue_once
from tests.notify_helpers import EVA_MOBILE, TENANT, Context, direct_event, eva, sent_sms

pytestmark = pytest.mark.integration


def test_a_message_over_motos_server_is_sent_once() -> None:
    submit_handler.runtime.cache_clear()
    sender_handler.runtime.cache_clear()
    try:
        with moto_server():
            created = create_resources()
            with patched_environment(created.environment):
                CustomerRepository(boto3.resource("dynamodb").Table(CUSTOMER_TABLE.local_name)).put_person(
                    TENANT, eva()
                )
                first = submit_handler.lambda_handler(direct_event(request_id="server-demo-1"), Context())
                again = submit_handler.lambda_handler(direct_event(request_id="server-demo-1"), Context())
                assert first["status_code"] == 202
                assert again["message_id"] == first["message_id"]
                run = process_queue_once()
                assert (run.received, run.sent) == (1, 1)
                assert process_queue_once().received == 0
                assert [number for number, _ in sent_sms()] == [EVA_MOBILE]
                message = sender_handler.runtime().delivery.log.get(TENANT, first["message_id"])
                assert message is not None
                assert message.status is MessageStatus.SENT
    finally:
        submit_handler.runtime.cache_clear()
        sender_handler.runtime.cache_clear()
