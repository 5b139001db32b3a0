"""What can go wrong with a message, in the domain's words; the handlers map these to HTTP."""

from __future__ import annotations


class NotifyError(Exception):
    """Base of the notify domain's errors."""


class InvalidMessage(NotifyError):
    """The request cannot be sent as given; `field` names what to correct (a 400)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class PersonNotFound(NotifyError):
    """The person is not in the customer's directory (a 404)."""

    def __init__(self, person_id: str) -> None:
        super().__init__(f"person {person_id} not found")
        self.field = "person_id"


class MessageNotAccepted(NotifyError):
    """A dependency (the message log or the queue) failed before the message was accepted (a 503)."""


class SendError(NotifyError):
    """A provider refused or failed to send; the text names the provider and error code, never the recipient."""


class DeliveryFailed(NotifyError):
    """At least one channel of a message could not be sent on this attempt (the queue retries it).

    `final_status` is the message's status when this was the last attempt (partially_sent or failed),
    None while the queue still retries it.
    """

    def __init__(self, reason: str, final_status: str | None = None) -> None:
        super().__init__(reason)
        self.final_status = final_status
