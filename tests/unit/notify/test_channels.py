"""Channel choice: preference, override, the customer's urgent rule, SMS only to mobiles."""

from __future__ import annotations

import pytest
from telefonist.models.directory import MessagePreference
from telefonist.notify.channels import choose_channels, sms_number
from telefonist.notify.errors import InvalidMessage
from telefonist.notify.models import Channel, Urgency
from telefonist.notify.templates import MessageTemplate

from tests.notify_helpers import EVA_EMAIL, EVA_MOBILE, OLLE_EMAIL, eva, landline_as_mobile, olle

DEFAULT = MessageTemplate()


def test_the_persons_preference_decides() -> None:
    assert choose_channels(eva(), None, Urgency.NORMAL, DEFAULT) == {Channel.SMS: EVA_MOBILE}
    assert choose_channels(olle(), None, Urgency.NORMAL, DEFAULT) == {Channel.EMAIL: OLLE_EMAIL}
    both = choose_channels(eva(MessagePreference.BOTH), None, Urgency.NORMAL, DEFAULT)
    assert both == {Channel.SMS: EVA_MOBILE, Channel.EMAIL: EVA_EMAIL}


def test_the_operator_can_override() -> None:
    assert choose_channels(eva(), MessagePreference.EMAIL, Urgency.NORMAL, DEFAULT) == {Channel.EMAIL: EVA_EMAIL}


def test_an_override_that_cannot_be_reached_is_a_400_on_channel() -> None:
    with pytest.raises(InvalidMessage) as exc:
        choose_channels(olle(), MessagePreference.SMS, Urgency.NORMAL, DEFAULT)
    assert exc.value.field == "channel"
    assert "mobile" in exc.value.reason


def test_urgent_messages_follow_the_customers_rule() -> None:
    sms_when_urgent = MessageTemplate(urgent_channel=MessagePreference.SMS)
    person = eva(MessagePreference.EMAIL)
    assert choose_channels(person, None, Urgency.URGENT, sms_when_urgent) == {Channel.SMS: EVA_MOBILE}
    assert choose_channels(person, None, Urgency.NORMAL, sms_when_urgent) == {Channel.EMAIL: EVA_EMAIL}
    # Without a mobile the rule cannot apply: the person's own preference stands.
    assert choose_channels(olle(), None, Urgency.URGENT, sms_when_urgent) == {Channel.EMAIL: OLLE_EMAIL}


def test_sms_goes_to_mobiles_only() -> None:
    kim = landline_as_mobile()
    assert sms_number(kim) is None
    assert choose_channels(kim, None, Urgency.NORMAL, DEFAULT) == {Channel.EMAIL: "kim.ek@acme.example"}
    with pytest.raises(InvalidMessage, match="channel"):
        choose_channels(kim, MessagePreference.SMS, Urgency.NORMAL, DEFAULT)


def test_no_reachable_channel_is_a_400_on_channel() -> None:
    kim = landline_as_mobile().model_copy(update={"email": None, "message_preference": MessagePreference.SMS})
    with pytest.raises(InvalidMessage) as exc:
        choose_channels(kim, None, Urgency.NORMAL, DEFAULT)
    assert exc.value.field == "channel"
