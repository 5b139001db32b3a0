"""Message templates per customer and per common number, and rendering to SMS and e-mail.

Templates use `string.Template` placeholders (`$caller`, `${text}`): substitution inserts values
as plain text and never evaluates them, so a caller's name cannot reach into the program. The
HTML body is the plain body escaped, so no field can add markup, and subjects are single lines,
so no field can add an e-mail header.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from enum import StrEnum
from string import Template
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from telefonist.clock import to_local
from telefonist.models.base import DomainModel
from telefonist.models.directory import MessagePreference, Person
from telefonist.notify.models import MessageRequest, RenderedEmail, RenderedSms, Urgency
from telefonist.notify.sms import sms_size

PLACEHOLDERS = frozenset(
    {"person", "caller", "company", "sender", "number", "callback", "urgent", "text", "date", "time"}
)

DEFAULT_SMS = "${urgent}Meddelande från ${sender} kl ${time}: ${text}\n${callback}"
DEFAULT_SUBJECT = "${urgent}Telefonmeddelande från ${sender}"
DEFAULT_EMAIL_BODY = (
    "Hej ${person}!\n\n"
    "${sender} ringde ${date} kl ${time} och lämnade ett meddelande:\n\n"
    "${text}\n\n"
    "${callback}\n\n"
    "Hälsningar\nVäxeln"
)


def _known_placeholders(value: str) -> str:
    template = Template(value)
    if not template.is_valid():
        raise ValueError("has a malformed placeholder: write $name or ${name}, and $$ for a dollar sign")
    unknown = set(template.get_identifiers()) - PLACEHOLDERS
    if unknown:
        raise ValueError(f"unknown placeholder(s) {sorted(unknown)}; known: {sorted(PLACEHOLDERS)}")
    return value


def _no_line_break(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("an e-mail subject is a single line")
    return value


TemplateText = Annotated[str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_known_placeholders)]
SubjectTemplate = Annotated[TemplateText, AfterValidator(_no_line_break)]


class RequiredField(StrEnum):
    """What a customer may require the operator to capture besides the name and the message."""

    CALLER_NUMBER = "caller_number"
    CALLER_COMPANY = "caller_company"
    CALLER_EMAIL = "caller_email"


class MessageTemplate(DomainModel):
    """How a customer wants messages written and sent; Swedish defaults."""

    sms: TemplateText = DEFAULT_SMS
    email_subject: SubjectTemplate = DEFAULT_SUBJECT
    email_body: TemplateText = DEFAULT_EMAIL_BODY
    required_fields: list[RequiredField] = Field(default_factory=list, max_length=3)
    urgent_channel: MessagePreference | None = Field(
        default=None, description='Channel for urgent messages, e.g. "SMS om det är brådskande"'
    )

    @field_validator("sms")
    @classmethod
    def _sms_has_text(cls, value: str) -> str:
        if "text" not in Template(value).get_identifiers():
            raise ValueError("the SMS template must contain ${text}")
        return value


class TemplateScope(DomainModel):
    """A template and where it applies: the whole customer (common_number_id None) or one common number."""

    common_number_id: str | None = None
    template: MessageTemplate


class MessageContext(DomainModel):
    """The template that applies to a message and the customer's own instructions for taking it."""

    template: MessageTemplate = Field(default_factory=MessageTemplate)
    instructions: str = ""


def resolve_template(scopes: list[TemplateScope], common_number_id: str | None) -> MessageTemplate:
    """The common number's own template, else the customer's, else the built-in default."""
    by_scope = {scope.common_number_id: scope.template for scope in scopes}
    if common_number_id is not None and common_number_id in by_scope:
        return by_scope[common_number_id]
    return by_scope.get(None, MessageTemplate())


def display_number(e164: str) -> str:
    """Swedish numbers as Swedes write them (070-123 45 67), others internationally."""
    import phonenumbers  # on first use (see `channels.sms_number`)

    parsed = phonenumbers.parse(e164, None)
    if parsed.country_code == 46:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def message_values(request: MessageRequest, person: Person, received_at: datetime) -> dict[str, str]:
    """The placeholder values of a message, as plain text."""
    number = display_number(request.caller_number) if request.caller_number else ""
    if request.callback_wanted:
        callback = f"Vill bli uppringd på {number}." if number else "Vill bli uppringd."
    else:
        callback = f"Nummer: {number}." if number else ""
    local = to_local(received_at)
    return {
        "person": person.first_name,
        "caller": request.caller_name,
        "company": request.caller_company or "",
        "sender": f"{request.caller_name}, {request.caller_company}" if request.caller_company else request.caller_name,
        "number": number,
        "callback": callback,
        "urgent": "BRÅDSKANDE: " if request.urgency is Urgency.URGENT else "",
        "text": request.text,
        "date": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M"),
    }


def _tidy(text: str) -> str:
    """Trailing spaces off, no more than one empty line in a row, no empty start or end."""
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def render_sms(template: MessageTemplate, values: dict[str, str]) -> RenderedSms:
    """The SMS text, compact (no empty lines), with its encoding and number of parts."""
    text = "\n".join(line for line in _tidy(Template(template.sms).substitute(values)).split("\n") if line)
    size = sms_size(text)
    return RenderedSms(text=text, encoding=size.encoding.value, segments=size.segments)


def render_email(template: MessageTemplate, values: dict[str, str], reply_to: str | None) -> RenderedEmail:
    """Subject, plain-text and HTML bodies; every value is escaped in the HTML."""
    subject = " ".join(Template(template.email_subject).substitute(values).split())[:200]
    text = _tidy(Template(template.email_body).substitute(values))
    paragraphs = "".join(
        f"<p>{html.escape(paragraph).replace(chr(10), '<br>')}</p>" for paragraph in text.split("\n\n")
    )
    page = (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head><body>{paragraphs}</body></html>"
    )
    return RenderedEmail(subject=subject, text=text, html=page, reply_to=reply_to)
