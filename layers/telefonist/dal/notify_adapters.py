"""boto3 implementations of notify's ports: SMS through SNS, e-mail through SES v2, the SQS queue,
and the directory lookups notify needs. Errors become the notify domain's errors, naming the
provider and its error code only (never a recipient or a text)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from telefonist.dal.customer_repository import CustomerRepository
from telefonist.dal.message_template_repository import MessageTemplateRepository
from telefonist.models.directory import Person
from telefonist.notify.errors import MessageNotAccepted, SendError
from telefonist.notify.models import NotifyJob, RenderedEmail
from telefonist.notify.templates import MessageContext, resolve_template
from telefonist.ports.store import NotFoundError, RepositoryError

SMS_TYPE = "Transactional"  # delivered with priority, not throttled as marketing


def _code(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "unknown"))
    return type(exc).__name__


class SnsSmsSender:
    """Direct-to-phone SMS through SNS (no topic), transactional, with an alphanumeric sender ID."""

    def __init__(self, client: Any, sender_id: str) -> None:
        self._client = client
        self._sender_id = sender_id

    def send_sms(self, phone_number: str, text: str) -> str:
        try:
            response = self._client.publish(
                PhoneNumber=phone_number,
                Message=text,
                MessageAttributes={
                    "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": self._sender_id},
                    "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": SMS_TYPE},
                },
            )
        except (ClientError, BotoCoreError) as exc:
            raise SendError(f"SNS {_code(exc)}") from exc
        return str(response["MessageId"])


class SesEmailSender:
    """E-mail through SES v2 (Simple content: text and HTML) from the configured, verified sender."""

    def __init__(self, client: Any, sender: str, configuration_set: str | None = None) -> None:
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set

    def send_email(self, to_address: str, email: RenderedEmail) -> str:
        kwargs: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [to_address]},
            "Content": {
                "Simple": {
                    "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": email.text, "Charset": "UTF-8"},
                        "Html": {"Data": email.html, "Charset": "UTF-8"},
                    },
                }
            },
        }
        if email.reply_to:
            kwargs["ReplyToAddresses"] = [str(email.reply_to)]
        if self._configuration_set:
            kwargs["ConfigurationSetName"] = self._configuration_set
        try:
            response = self._client.send_email(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise SendError(f"SES {_code(exc)}") from exc
        return str(response["MessageId"])


class SqsMessageQueue:
    """The notify queue: jobs carry keys only; the content stays in the message log."""

    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def enqueue(self, job: NotifyJob) -> None:
        try:
            self._client.send_message(QueueUrl=self._queue_url, MessageBody=job.model_dump_json())
        except (ClientError, BotoCoreError) as exc:
            raise MessageNotAccepted(f"SQS {_code(exc)}") from exc

    # The three calls below emulate Lambda's event source mapping where there is none (the demo).
    def receive_records(self, max_messages: int = 10) -> list[dict[str, Any]]:
        """Receive messages as the records of an SQS Lambda event (what the ESM would pass)."""
        queue_arn = self._client.get_queue_attributes(QueueUrl=self._queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        response = self._client.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=max_messages,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        )
        return [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3],
            }
            for m in response.get("Messages", [])
        ]

    def acknowledge(self, receipt_handles: Sequence[str]) -> None:
        """Delete processed messages, ten per call (what the ESM does for the records that did not fail)."""
        for start in range(0, len(receipt_handles), 10):
            entries = [
                {"Id": str(number), "ReceiptHandle": handle}
                for number, handle in enumerate(receipt_handles[start : start + 10])
            ]
            failed = self._client.delete_message_batch(QueueUrl=self._queue_url, Entries=entries).get("Failed")
            if failed:
                raise RuntimeError(f"SQS did not delete {len(failed)} processed message(s): {failed[0].get('Code')}")

    def release(self, receipt_handle: str) -> None:
        """Make a failed message visible again at once (instead of waiting for the visibility timeout)."""
        self._client.change_message_visibility(
            QueueUrl=self._queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=0
        )


class DirectoryPeople:
    """Notify's view of the customer table: a person, the template and the customer's instructions."""

    def __init__(self, customers: CustomerRepository, templates: MessageTemplateRepository) -> None:
        self._customers = customers
        self._templates = templates

    def find_person(self, tenant_id: str, person_id: str) -> Person | None:
        try:
            person, _ = self._customers.get_person(tenant_id, person_id)
        except NotFoundError:
            return None
        except RepositoryError as exc:
            raise MessageNotAccepted(str(exc)) from exc
        return person.model

    def message_context(self, tenant_id: str, common_number_id: str | None) -> MessageContext:
        try:
            template = resolve_template(self._templates.load_templates(tenant_id), common_number_id)
        except RepositoryError as exc:
            raise MessageNotAccepted(str(exc)) from exc
        instructions = ""
        if common_number_id is not None:
            try:
                common = self._customers.get_common_number(tenant_id, common_number_id).model
                instructions = common.info.how_to_take_messages
            except RepositoryError:
                instructions = ""  # the instructions are a help to the operator, not needed to send
        return MessageContext(template=template, instructions=instructions)
