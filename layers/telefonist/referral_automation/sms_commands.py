"""SMS commands from an employee's registered mobile: `LUNCH 13`, `MÖTE 15:30`, `SJUK`, `SEMESTER 31/7`, `IN`.

Case, accents and filler words (`till`, `kl`, `åter`) do not matter: `möte till kl 15.30` is
`MÖTE 15:30`. A time is today's, in Europe/Stockholm; a date without a year is this year's. A
time or date that has passed is refused with a reply saying so; anything unknown gets the short
help. The replies (Swedish first, English second) are in `REPLIES`, one catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

from telefonist.clock import to_local
from telefonist.referral_automation.presets import Preset, StatusChange, StatusRefused, plan_status

MAX_COMMAND_CHARS = 160  # one SMS; a longer text is not a command

KEYWORDS: dict[str, Preset | None] = {
    "LUNCH": Preset.LUNCH,
    "LUNCHAR": Preset.LUNCH,
    "MOTE": Preset.MEETING,
    "MOTET": Preset.MEETING,
    "MEETING": Preset.MEETING,
    "SJUK": Preset.SICK,
    "SICK": Preset.SICK,
    "SEMESTER": Preset.HOLIDAY,
    "HOLIDAY": Preset.HOLIDAY,
    "LEDIG": Preset.HOLIDAY,
    "ATER": Preset.AWAY,
    "TILLBAKA": Preset.AWAY,
    "BORTA": Preset.AWAY,
    "BACK": Preset.AWAY,
    "AWAY": Preset.AWAY,
    "IN": None,  # clear: back in
    "INNE": None,
}
HELP_WORDS = frozenset({"HJALP", "HELP", "?", "INFO"})
FILLER = frozenset({"TILL", "KL", "KLOCKAN", "ATER", "TO", "UNTIL", "AT", "TOM", "T.O.M."})

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?$|^(\d{2})(\d{2})$")
_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?$|^(\d{4})-(\d{2})-(\d{2})$")

# key: (Swedish, English). Short enough for one SMS each in GSM-7 (å, ä, ö are GSM-7).
REPLIES: dict[str, tuple[str, str]] = {
    "help": (
        "Skicka t.ex. LUNCH 13, MÖTE 15:30, ÅTER 14, SJUK, SEMESTER 31/7 eller IN när du är tillbaka.",
        "Send e.g. LUNCH 13, MÖTE 15:30, ÅTER 14, SJUK, SEMESTER 31/7, or IN when you are back.",
    ),
    "set": ("Klart: {text}. Skicka IN när du är tillbaka.", "Done: {text}. Send IN when you are back."),
    "cleared": ("Klart: du visas som inne.", "Done: you are shown as in."),
    "time_passed": (
        "{time} har redan varit. Skicka en senare tid, t.ex. LUNCH 13:30.",
        "{time} has already passed. Send a later time, e.g. LUNCH 13:30.",
    ),
    "time_needed": ("Skriv när du är tillbaka, t.ex. ÅTER 14:30.", "Say when you are back, e.g. ÅTER 14:30."),
    "bad_time": ("Tiden förstods inte. Skriv t.ex. 13 eller 15:30.", "The time was not understood: e.g. 13 or 15:30."),
    "date_needed": ("Skriv sista dagen, t.ex. SEMESTER 31/7.", "Say the last day, e.g. SEMESTER 31/7."),
    "bad_date": ("Datumet förstods inte. Skriv t.ex. 31/7.", "The date was not understood: e.g. 31/7."),
    "date_passed": (
        "{day} har redan varit. Skriv året om du menar nästa år, t.ex. SEMESTER {day}/{next_year}.",
        "{day} has already passed. Add the year if you mean next year, e.g. SEMESTER {day}/{next_year}.",
    ),
    "date_too_far": ("{day} är mer än ett år bort.", "{day} is more than a year away."),
    "ambiguous": (
        "Numret hör till flera personer. Be din administratör rätta det.",
        "This number belongs to several people. Ask your administrator to fix it.",
    ),
    "failed": ("Det gick inte just nu. Försök igen om en stund.", "That failed just now. Try again shortly."),
}


def reply(key: str, language: str = "sv", **values: str) -> str:
    swedish, english = REPLIES[key]
    return (english if language == "en" else swedish).format(**values)


@dataclass(frozen=True)
class SetStatus:
    change: StatusChange


@dataclass(frozen=True)
class ClearStatus:
    pass


@dataclass(frozen=True)
class ShowHelp:
    pass


Command = SetStatus | ClearStatus | ShowHelp


def fold(text: str) -> str:
    """Upper case without accents (`möte` → `MOTE`, `ÅTER` → `ATER`), whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.upper().split())


def parse_time(token: str) -> time:
    match = _TIME.match(token)
    if not match:
        raise StatusRefused("bad_time", "until")
    hour, minute = (match.group(1), match.group(2) or "0") if match.group(1) else (match.group(3), match.group(4))
    if not (0 <= int(hour) <= 23 and 0 <= int(minute) <= 59):
        raise StatusRefused("bad_time", "until")
    return time(int(hour), int(minute))


def parse_day(token: str, today: date) -> date:
    match = _DATE.match(token)
    if not match:
        raise StatusRefused("bad_date", "until")
    if match.group(4):
        year, month, day = int(match.group(4)), int(match.group(5)), int(match.group(6))
    else:
        day, month = int(match.group(1)), int(match.group(2))
        year_text = match.group(3)
        year = today.year if year_text is None else int(year_text) + (2000 if len(year_text) == 2 else 0)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise StatusRefused("bad_date", "until") from exc


def parse_command(text: str, now: datetime) -> Command:
    """The command an SMS holds, at `now`; StatusRefused (with its reply key) for a time that will not do."""
    if len(text) > MAX_COMMAND_CHARS:
        return ShowHelp()
    words = fold(text).split(" ")
    if words[0] in HELP_WORDS or words[0] not in KEYWORDS:
        return ShowHelp()
    preset = KEYWORDS[words[0]]
    rest = [w for w in words[1:] if w not in FILLER]
    if preset is None:
        return ClearStatus()
    if len(rest) > 1:
        return ShowHelp()
    token = rest[0] if rest else None
    if preset is Preset.HOLIDAY:
        last_day = parse_day(token, to_local(now).date()) if token else None
        return SetStatus(plan_status(preset, now, last_day=last_day))
    if preset is Preset.SICK:
        return SetStatus(plan_status(preset, now)) if token is None else ShowHelp()
    return SetStatus(plan_status(preset, now, at=parse_time(token) if token else None))


def refusal_reply(refused: StatusRefused, now: datetime, language: str = "sv") -> str:
    """The reply to a refused command, naming what was wrong."""
    values = {"next_year": str(to_local(now).year + 1), **refused.values}
    return reply(refused.key, language, **values)
