"""Which channels a message goes out on: the person's preference, an override, the customer's rule."""

from __future__ import annotations

from telefonist.models.directory import MessagePreference, Person
from telefonist.notify.errors import InvalidMessage
from telefonist.notify.models import Channel, Urgency
from telefonist.notify.templates import MessageTemplate

_CHANNELS = {
    MessagePreference.SMS: [Channel.SMS],
    MessagePreference.EMAIL: [Channel.EMAIL],
    MessagePreference.BOTH: [Channel.SMS, Channel.EMAIL],
}


def sms_number(person: Person) -> str | None:
    """The person's mobile number in E.164, if it is one that can receive an SMS."""
    if person.mobile is None:
        return None
    import phonenumbers  # on first use: ~0.1 s of import a cold start without a message does not need

    mobile_types = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
    try:
        parsed = phonenumbers.parse(person.mobile, "SE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed) or phonenumbers.number_type(parsed) not in mobile_types:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def destinations(person: Person) -> dict[Channel, str]:
    """Where the person can be reached, per channel."""
    found: dict[Channel, str] = {}
    if (number := sms_number(person)) is not None:
        found[Channel.SMS] = number
    if person.email:
        found[Channel.EMAIL] = str(person.email)
    return found


def choose_channels(
    person: Person,
    override: MessagePreference | None,
    urgency: Urgency,
    template: MessageTemplate,
) -> dict[Channel, str]:
    """Channels and destinations for a message.

    An explicit override must be reachable in full (the operator asked for it: a 400 otherwise).
    Otherwise the customer's urgent channel applies to urgent messages, then the person's own
    preference; with "both", an unreachable half is left out, as long as one channel remains.
    """
    reachable = destinations(person)
    if override is not None:
        missing = [c for c in _CHANNELS[override] if c not in reachable]
        if missing:
            what = "a mobile number that can receive SMS" if Channel.SMS in missing else "an e-mail address"
            raise InvalidMessage("channel", f"{override.value} asked for, but the person has no {what}")
        return {c: reachable[c] for c in _CHANNELS[override]}
    wanted = person.message_preference
    if urgency is Urgency.URGENT and template.urgent_channel is not None:
        urgent = [c for c in _CHANNELS[template.urgent_channel] if c in reachable]
        if urgent:
            return {c: reachable[c] for c in urgent}
    chosen = {c: reachable[c] for c in _CHANNELS[wanted] if c in reachable}
    if not chosen:
        raise InvalidMessage(
            "channel", f"the person prefers {wanted.value} but cannot be reached that way (no valid mobile or e-mail)"
        )
    return chosen
