"""Text normalisation for search: case-, accent- and width-insensitive, with a Swedish ear.

"Åsa" and "asa", "Södergren" and "sodergren", full-width "ＩＴ" and "it" fold to the same
token; "Ericsson" and "Eriksson", "Wikström" and "Vikström" share a sound key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish

# Letters NFKD does not decompose into a base letter plus a mark.
_LIGATURES = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "þ": "th"})
# Anything that is not a letter or a digit separates tokens (hyphens, dots, slashes, spaces).
_SEPARATORS = re.compile(r"[\W_]+")
# Swedish spelling variants that sound the same, rewritten before Metaphone (which is English).
_SWEDISH_SOUNDS = (
    ("qv", "kv"),
    ("q", "k"),
    ("w", "v"),
    ("z", "s"),
    ("dt", "t"),
    ("ph", "f"),
)
_MIN_SOUND_LENGTH = 3


def fold(text: str) -> str:
    """Lower-case, compatibility-folded (width), accent-free form of a text, separators kept.

    NFKC first folds full-width and other compatibility forms; casefold lowers (and ß → ss);
    NFKD then splits å, ä, ö, é into a base letter and a combining mark, which is dropped.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """The folded tokens of a text, in order: "Ahlström-Berg" → ["ahlstrom", "berg"]."""
    return [token for token in _SEPARATORS.split(fold(text)) if token]


@lru_cache(maxsize=65536)
def sound_key(token: str) -> str:
    """A sound-alike key of a folded token (Swedish rewrites, then Metaphone); "" when too short.

    "eriksson", "ericsson" and "erikson" share ERKSN; "lindqvist" and "lindkvist" share a key.
    """
    if len(token) < _MIN_SOUND_LENGTH or not token.isalpha():
        return ""
    for spelling, sound in _SWEDISH_SOUNDS:
        token = token.replace(spelling, sound)
    # Double consonants sound single in a name ("Karlsson"/"Karlson").
    token = re.sub(r"([b-df-hj-np-tv-z])\1+", r"\1", token)
    return str(jellyfish.metaphone(token))
