"""load_env: one environment model per function, read once; failures name the variables only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from telefonist.environment import SMS_SENDER_ID_PATTERN, InvalidEnvironment, MissingEnvironment, load_env


@dataclass(frozen=True)
class Settings:
    table: str = field(metadata={"env": "TABLE"})
    url: str = field(metadata={"env": "URL", "pattern": r"https://[^#?]+/"})
    seconds: float = field(default=300.0, metadata={"env": "SECONDS"})
    receives: int = field(default=3, metadata={"env": "RECEIVES"})
    sender: str | None = field(default=None, metadata={"env": "SENDER"})


def test_values_are_read_parsed_and_defaulted() -> None:
    env = load_env(Settings, {"TABLE": "customers", "URL": "https://x.example/status/", "RECEIVES": "5"})

    assert env == Settings(table="customers", url="https://x.example/status/", seconds=300.0, receives=5)


def test_every_missing_or_empty_variable_is_named() -> None:
    with pytest.raises(MissingEnvironment) as raised:
        load_env(Settings, {"TABLE": "", "SENDER": "Telefonist"})

    assert raised.value.names == ["TABLE", "URL"]


def test_a_value_that_is_no_number_or_breaks_its_pattern_is_named_but_not_shown() -> None:
    secret_looking = "https://evil.example/?next=x"

    with pytest.raises(InvalidEnvironment) as raised:
        load_env(Settings, {"TABLE": "t", "URL": secret_looking, "SECONDS": "soon"})

    assert raised.value.names == ["URL", "SECONDS"]
    assert secret_looking not in str(raised.value)


@pytest.mark.parametrize(
    ("sender", "valid"), [("Telefonist", True), ("Acme2", True), ("46701", False), ("Telefonist12", False)]
)
def test_the_sms_sender_id_is_1_to_11_letters_and_digits_with_a_letter(sender: str, valid: bool) -> None:
    assert (re.fullmatch(SMS_SENDER_ID_PATTERN, sender) is not None) is valid
