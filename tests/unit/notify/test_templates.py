"""Templates per customer and common number; SMS and e-mail rendering; escaping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from telefonist.notify.models import MessageRequest
from telefonist.notify.templates import (
    MessageTemplate,
    TemplateScope,
    display_number,
    message_values,
    render_email,
    render_sms,
    resolve_template,
)

from tests.notify_helpers import CALLER_EMAIL, direct_event, eva

RECEIVED = datetime(2026, 11, 24, 13, 5, tzinfo=UTC)  # 14:05 in Stockholm


def _values(**overrides: object) -> dict[str, str]:
    return message_values(MessageRequest.model_validate(direct_event(**overrides)), eva(), RECEIVED)


def test_default_sms_is_compact_swedish_and_gsm7() -> None:
    sms = render_sms(MessageTemplate(), _values())
    assert sms.text == (
        "Meddelande från Anna Kund, Kundbolaget AB kl 14:05: "
        "Undrar om offerten på 12 pallar, hör av dig före fredag.\n"
        "Vill bli uppringd på 070-765 43 21."
    )
    assert (sms.encoding, sms.segments) == ("GSM-7", 1)


def test_urgent_without_callback_or_number() -> None:
    sms = render_sms(MessageTemplate(), _values(urgency="urgent", callback_wanted=False, caller_number=None))
    assert sms.text.startswith("BRÅDSKANDE: Meddelande från")
    assert "\n" not in sms.text  # the empty callback line is left out


def test_a_number_without_callback_is_still_given() -> None:
    assert _values(callback_wanted=False)["callback"] == "Nummer: 070-765 43 21."


def test_an_emoji_makes_the_sms_ucs2() -> None:
    sms = render_sms(MessageTemplate(), _values(text="Tack! 🙂"))
    assert sms.encoding == "UCS-2"


def test_email_has_plain_and_escaped_html_bodies_and_reply_to() -> None:
    values = _values(caller_name="Anna <script>alert(1)</script>", text='Pris < 5 000 kr & "snart"\nRad två')
    email = render_email(MessageTemplate(), values, CALLER_EMAIL)
    assert email.subject == "Telefonmeddelande från Anna <script>alert(1)</script>, Kundbolaget AB"
    assert email.text.startswith(
        "Hej Eva!\n\nAnna <script>alert(1)</script>, Kundbolaget AB ringde 2026-11-24 kl 14:05"
    )
    assert 'Pris < 5 000 kr & "snart"\nRad två' in email.text
    assert "<script>" not in email.html
    assert "Anna &lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert "Pris &lt; 5 000 kr &amp; &quot;snart&quot;<br>Rad två" in email.html
    assert email.reply_to == CALLER_EMAIL


def test_a_subject_is_always_one_line() -> None:
    template = MessageTemplate(email_subject="Meddelande: ${text}")
    email = render_email(template, _values(text="Rad ett\nBcc: victim@example.com"), None)
    assert "\n" not in email.subject
    assert "\r" not in email.subject
    assert email.subject == "Meddelande: Rad ett Bcc: victim@example.com"


def test_values_are_inserted_as_text_never_evaluated() -> None:
    sms = render_sms(MessageTemplate(sms="${text}"), _values(text="${caller} {0.__class__} $$"))
    assert sms.text == "${caller} {0.__class__} $$"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"sms": "Hej ${okänd} ${text}"}, "placeholder"),
        ({"sms": "Hej ${caller"}, "malformed"),
        ({"sms": "Utan själva meddelandet"}, "${text}"),
        ({"email_subject": "Rad ett\nBcc: x@example.com"}, "single line"),
    ],
)
def test_a_bad_template_is_refused_with_the_reason(fields: dict[str, str], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem.replace("$", r"\$").replace("{", r"\{").replace("}", r"\}")):
        MessageTemplate.model_validate(fields)


def test_the_common_numbers_template_wins_then_the_customers_then_the_default() -> None:
    customer = MessageTemplate(sms="Kund: ${text}")
    support = MessageTemplate(sms="Support: ${text}")
    scopes = [TemplateScope(template=customer), TemplateScope(common_number_id="support", template=support)]
    assert resolve_template(scopes, "support") == support
    assert resolve_template(scopes, "vaxel") == customer
    assert resolve_template(scopes, None) == customer
    assert resolve_template([], "support") == MessageTemplate()


@pytest.mark.parametrize(
    ("e164", "shown"),
    [("+46701234567", "070-123 45 67"), ("+4686221000", "08-622 10 00"), ("+4915112345678", "+49 1511 2345678")],
)
def test_numbers_are_shown_as_readers_expect(e164: str, shown: str) -> None:
    assert display_number(e164) == shown
