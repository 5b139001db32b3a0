"""The search index of one directory version, built once and searched many times.

Every field of a person is folded into tokens once (`normalize.tokenize`). Postings map a token
to the people that hold it, in directory order, so a merge of postings yields people already in
the stable tie order; a sorted vocabulary answers prefixes by bisection; sound keys and typo
candidates (prefixes of every length, for as-you-type typos) are precomputed. The typo search
(rapidfuzz) runs only as a fallback, when better kinds of match leave the page short. Several
words are ranked on bitmaps (a Python int, bit n for the n-th person): a frequent token keeps
one, so ANDs and ORs cost the directory's size in machine words whatever the postings' sizes.

Ranking: exact name > name prefix > keyword, department or another field (exact, then prefix)
> sound-alike name > typo. With several words every word must match; a person ranks by their
worst word, then by the sum over words, then by directory order (ties stable). A token that one
word names exactly is not matched by another word ("Per P" wants a second P-word).
"""

from __future__ import annotations

import copy
import heapq
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from enum import StrEnum
from itertools import islice, pairwise

from pydantic import Field

from telefonist.directory.errors import InvalidSearchError
from telefonist.directory.normalize import sound_key, tokenize
from telefonist.directory.stored import construct
from telefonist.models.base import DomainModel
from telefonist.models.directory import Directory, MessagePreference, Person, Referral

FIRST_NAME = "first_name"
LAST_NAME = "last_name"
TITLE = "title"
DEPARTMENT = "department"
KEYWORD = "keyword"
EMAIL = "email"
PHONE = "phone"

# Typo tolerance: none below 5 letters, one edit (OSA: a transposition counts one) up to 8, two from 9.
_MIN_TYPO_LENGTH = 5
_TWO_TYPOS_LENGTH = 9
# A digit string prefix-matches phone numbers only from 4 digits ("0" would match every number).
_MIN_DIGIT_PREFIX = 4
_MAX_DIGIT_PREFIX_TOKENS = 200
_HIGH = "\U0010ffff"
# A token held by at least this many people, and by 1/1024 of the directory, keeps a bitmap of them.
_BITMAP_LEAST = 16
_NONZERO = re.compile(rb"[^\x00]")
_CHUNK_BITS = 4096
_CHUNK_MASK = (1 << _CHUNK_BITS) - 1
# Distance between neighbours' positions in a newly built index (room for people added later).
_GAP = 1 << 16
# At most this many field matches are kept for results (a search names a few; phones and e-mails are many).
_FIELD_MATCHES_KEPT = 4096
_PHONE_QUERY = re.compile(r"\s*\+?[\d\s\-()/.]*\d[\d\s\-()/.]*")


class MatchKind(StrEnum):
    """How a word of the query matched, best first (the order is the ranking)."""

    EXACT_NAME = "exact_name"
    NAME_PREFIX = "name_prefix"
    FIELD = "field"
    FIELD_PREFIX = "field_prefix"
    SOUND_ALIKE = "sound_alike"
    TYPO = "typo"


_KINDS = list(MatchKind)
_EXACT_NAME, _NAME_PREFIX, _FIELD, _FIELD_PREFIX, _SOUND_ALIKE, _TYPO = range(len(_KINDS))
_NO_MATCH = len(_KINDS)


class ReferralStatus(StrEnum):
    CURRENT = "current"
    UPCOMING = "upcoming"


class FieldMatch(DomainModel):
    """Which stored field a word of the query matched, and how."""

    field: str = Field(description="first_name, last_name, title, department, keyword, email or phone")
    value: str = Field(description="The stored text that matched, as entered")
    kind: MatchKind


class ReferralView(DomainModel):
    """A referral (hänvisning) as the operator reads it: with the refer-to colleague resolved."""

    referral_id: str
    status: ReferralStatus
    text: str
    valid_from: datetime
    valid_until: datetime | None
    refer_to_person_id: str | None = None
    refer_to_name: str | None = None
    refer_to_transfer_numbers: list[str] = Field(default_factory=list)


class PersonMatch(DomainModel):
    """A person found, with what the operator needs within the 45 seconds of a call."""

    person: Person
    name: str
    kind: MatchKind = Field(description="The overall match: the worst kind over the query's words")
    matched: list[FieldMatch]
    referral: ReferralView | None = Field(description="The referral valid now; expired ones are not shown")
    upcoming_referrals: list[ReferralView]
    transfer_numbers: list[str]
    message_preference: MessagePreference


# What one query word matched: vocabulary token → rank, for name tokens and for other fields.
_WordMatches = tuple[dict[str, int], dict[str, int]]


def _phone_tokens(number: str) -> list[str]:
    digits = number.lstrip("+")
    tokens = [digits]
    if number.startswith("+46"):
        tokens.append("0" + number[3:])  # Swedish national form, as operators type it
    return tokens


def _by_person(referrals: Iterable[Referral]) -> dict[str, list[Referral]]:
    grouped: dict[str, list[Referral]] = {}
    for referral in sorted(referrals, key=lambda r: r.valid_from):
        grouped.setdefault(referral.person_id, []).append(referral)
    return grouped


def _set_bits(bitmap: int) -> Iterator[int]:
    """The numbers of a bitmap's set bits, lowest first.

    A chunk at a time from the lowest set bit on, its nonzero bytes found in C: a whole bitmap's
    `to_bytes` costs 10-30 µs at 100,000 bits, and the first page of people is usually in one chunk.
    """
    offset = 0
    while bitmap:
        skip = (bitmap ^ (bitmap - 1)).bit_length() - 1  # the lowest set bit
        bitmap >>= skip
        offset += skip
        data = (bitmap & _CHUNK_MASK).to_bytes(_CHUNK_BITS >> 3, "little")
        for nonzero in _NONZERO.finditer(data):
            at = nonzero.start()
            byte = data[at]
            while byte:
                low = byte & -byte
                yield offset + at * 8 + low.bit_length() - 1
                byte ^= low
        bitmap >>= _CHUNK_BITS
        offset += _CHUNK_BITS


class DirectoryIndex:
    """Search structures of one directory version; immutable once built, safe to keep warm."""

    # Typo prefixes by (length, first letter), and by the prefix without its first letter.
    _typo_choices: dict[tuple[int, str], list[str]]
    _typo_tails: dict[str, list[str]]

    def __init__(self, directory: Directory) -> None:
        self.tenant_id = directory.tenant_id
        self.version = directory.version
        self.reused = False  # True when an older version's search structures were shared (not built)
        # Positions are gapped (directory order × _GAP) so that `with_changes` can place a new person
        # between two others without renumbering; every map below is keyed by position.
        self._people: dict[int, Person] = {(n + 1) * _GAP: person for n, person in enumerate(directory.people)}
        self._position = {person.person_id: idx for idx, person in self._people.items()}
        # Person ids in directory order, when that is id order (as the store returns them): where a new one goes.
        ids = [person.person_id for person in directory.people]
        self._ids: list[str] | None = ids if all(a < b for a, b in pairwise(ids)) else None
        self._slots: dict[int, list[tuple[str, str]]] = {}
        self._cards: dict[int, tuple[str, list[str]]] = {}
        # Per person: token → slot, for names and for other fields (checked by C-level set intersection).
        self._name_slots: dict[int, dict[str, int]] = {}
        self._field_slots: dict[int, dict[str, int]] = {}
        # Postings: token → positions (in directory order) of the people holding it.
        self._name_postings: dict[str, list[int]] = {}
        self._field_postings: dict[str, list[int]] = {}
        # part → the joined tokens it is part of ("per" → {"perolof"}).
        self._joined_with: dict[str, set[str]] = {}
        # Names, titles, departments and keywords repeat across people: fold each text once.
        self._folded: dict[str, list[str]] = {}
        for idx, person in self._people.items():
            self._add_person(idx, person)
        del self._folded
        self._vocabulary = sorted(self._name_postings.keys() | self._field_postings.keys())
        # Frequent tokens' people as bitmaps (bit n: the n-th person built; see `_bit`).
        self._bits_built = self._next_bit = len(self._people)
        self._late_bits: dict[int, int] = {}  # position → bit, of people `with_changes` added
        self._late_positions: dict[int, int] = {}  # bit → position, of the same
        self._name_bits = self._bitmaps(self._name_postings)
        self._field_bits = self._bitmaps(self._field_postings)
        # (name?, first letter) → (the tokens starting with it, their people's bitmap): a one-letter
        # prefix ("s", "lars s") is one bitmap, not hundreds of postings lists.
        self._letters: dict[tuple[bool, str], tuple[list[str], int]] = {}
        self._letters_of(self._first_letters(self._vocabulary))
        self._sounds: dict[str, list[str]] = {}
        for token in self._name_postings:
            key = sound_key(token)
            if key:
                self._sounds.setdefault(key, []).append(token)
        self._build_typo_choices()
        self._referrals = _by_person(directory.referrals)
        # Results' field matches by (field, value, rank): they depend on nothing else, so every version shares them.
        self._field_matches: dict[tuple[str, str, int], FieldMatch] = {}

    def __len__(self) -> int:
        return len(self._people)

    def refreshed(self, directory: Directory) -> DirectoryIndex:
        """This index for a newer version of the directory.

        When the people are unchanged (a referral was set or cleared, the most frequent change)
        the search structures are shared and only the referrals are replaced; otherwise the
        index is built anew.
        """
        if directory.tenant_id != self.tenant_id or directory.people != list(self._people.values()):
            return DirectoryIndex(directory)
        refreshed = copy.copy(self)
        refreshed.version = directory.version
        refreshed.reused = True
        refreshed._referrals = _by_person(directory.referrals)
        return refreshed

    def with_changes(
        self,
        version: int,
        people: Mapping[str, Person | None],
        referrals: Mapping[tuple[str, str], Referral | None],
    ) -> DirectoryIndex | None:
        """This index for a newer version that differs by a few people or referrals (None: deleted).

        The new index shares everything unchanged with this one (which stays as it was, for a
        search in flight) and costs about the changed people's tokens, not the directory's size.
        Referrals are keyed (person_id, referral_id). None when a new person has no place in
        directory order (a directory not in person-id order, or no room left between two
        positions): build the index anew.
        """
        changed = copy.copy(self)
        changed.version = version
        changed.reused = True
        if people and not changed._change_people(people):
            return None
        if referrals:
            changed._referrals = dict(self._referrals)
            for (person_id, referral_id), referral in referrals.items():
                kept = [r for r in changed._referrals.get(person_id, ()) if r.referral_id != referral_id]
                if referral is not None:
                    kept.append(referral)
                # The store's order (referral id within a person), then valid_from: as `_by_person` sorts a load.
                kept.sort(key=lambda r: (r.valid_from, r.referral_id))
                if kept:
                    changed._referrals[person_id] = kept
                else:
                    changed._referrals.pop(person_id, None)
        return changed

    def _change_people(self, people: Mapping[str, Person | None]) -> bool:
        """Replace, add or remove people in this (copied) index; False when one cannot be placed."""
        for name in ("_people", "_position", "_slots", "_name_slots", "_field_slots", "_cards"):
            setattr(self, name, dict(getattr(self, name)))
        self._name_postings, self._field_postings = dict(self._name_postings), dict(self._field_postings)
        self._name_bits, self._field_bits = dict(self._name_bits), dict(self._field_bits)
        self._late_bits, self._late_positions = dict(self._late_bits), dict(self._late_positions)
        self._joined_with = dict(self._joined_with)
        names: set[str] = set()
        fields: set[str] = set()
        for person_id, person in people.items():
            idx = self._position.get(person_id)
            if idx is not None:
                names.update(self._name_slots[idx])
                fields.update(self._field_slots[idx])
                self._remove_person(idx)
            if person is None:
                continue
            if idx is None:
                idx = self._place(person_id)
                if idx is None:
                    return False
                # A new person's bit comes after every other: out of directory order (see `_first_people`).
                self._late_bits[idx], self._late_positions[self._next_bit] = self._next_bit, idx
                self._next_bit += 1
            self._people[idx] = person
            self._position[person_id] = idx
            self._folded = {}
            self._add_person(idx, person, inserting=True)
            del self._folded
            names.update(self._name_slots[idx])
            fields.update(self._field_slots[idx])
        self._refresh_vocabulary(names, fields)
        self._letters = dict(self._letters)
        self._letters_of({token[0] for token in names | fields})
        return True

    def _remove_person(self, idx: int) -> None:
        bit = 1 << self._bit(idx)
        for held, postings, bitmaps in (
            (self._name_slots, self._name_postings, self._name_bits),
            (self._field_slots, self._field_postings, self._field_bits),
        ):
            for token in held.pop(idx):
                people = postings[token]
                at = bisect_left(people, idx)
                if len(people) == 1:
                    del postings[token]
                    bitmaps.pop(token, None)
                else:
                    postings[token] = [*people[:at], *people[at + 1 :]]
                    if token in bitmaps:
                        bitmaps[token] ^= bit  # held: set
        del self._slots[idx]
        del self._cards[idx]
        del self._position[self._people.pop(idx).person_id]

    def _place(self, person_id: str) -> int | None:
        """A new person's position: between their neighbours in person-id order (None: no room)."""
        ids = self._ids
        if ids is None:
            return None
        at = bisect_left(ids, person_id)
        # Ids of people removed meanwhile stay in `_ids`; they are skipped here.
        low = next((self._position[ids[i]] for i in range(at - 1, -1, -1) if ids[i] in self._position), 0)
        high = next((self._position[ids[i]] for i in range(at, len(ids)) if ids[i] in self._position), None)
        high = low + 2 * _GAP if high is None else high
        idx = (low + high) // 2
        if not low < idx < high:
            return None
        if at == len(ids) or ids[at] != person_id:
            self._ids = [*ids[:at], person_id, *ids[at:]]
        return idx

    def _refresh_vocabulary(self, names: set[str], fields: set[str]) -> None:
        """Vocabulary, sound keys and typo prefixes after the tokens `names`/`fields` gained or lost people."""
        vocabulary = set(self._vocabulary)
        sounds_changed: dict[str, list[str]] = {}
        added: list[str] = []
        for token in names | fields:
            held = token in self._name_postings or token in self._field_postings
            if held and token not in vocabulary:
                added.append(token)
            elif not held and token in vocabulary:
                self._vocabulary = [t for t in self._vocabulary if t != token]
                vocabulary.discard(token)
            key = sound_key(token) if token in names else ""
            if key:
                tokens = sounds_changed.setdefault(key, list(self._sounds.get(key, ())))
                if token in self._name_postings and token not in tokens:
                    tokens.append(token)
                elif token not in self._name_postings and token in tokens:
                    tokens.remove(token)
        if added:
            self._vocabulary = sorted([*self._vocabulary, *added])
        if sounds_changed:
            self._sounds = {**self._sounds, **sounds_changed}
        # Typo prefixes of new words; a gone word's prefixes stay (they find whatever still starts so).
        new_prefixes = {
            token[:length]
            for token in added
            if token.isalpha()
            for length in range(_MIN_TYPO_LENGTH - 1, len(token) + 1)
            if not self._is_typo_choice(token[:length])
        }
        if new_prefixes:
            choices, tails = dict(self._typo_choices), dict(self._typo_tails)
            for prefix in new_prefixes:
                bucket = (len(prefix), prefix[0])
                choices[bucket] = sorted([*choices.get(bucket, ()), prefix])
                tails[prefix[1:]] = [*tails.get(prefix[1:], ()), prefix]
            self._typo_choices, self._typo_tails = choices, tails

    # ---------------------------------------------------------------- building
    def _add_person(self, idx: int, person: Person, inserting: bool = False) -> None:
        slots: list[tuple[str, str]] = []
        name_slots: dict[str, int] = {}
        field_slots: dict[str, int] = {}
        bit = 1 << self._bit(idx) if inserting else 0

        def add(field: str, value: str, tokens: Iterable[str], is_name: bool) -> None:
            slot = len(slots)
            slots.append((field, value))
            postings, held = (self._name_postings, name_slots) if is_name else (self._field_postings, field_slots)
            for token in tokens:
                if token not in held:
                    held[token] = slot
                    if inserting:
                        # A new list: the posting lists are shared with the version this one came from.
                        people = postings.get(token, [])
                        at = bisect_left(people, idx)
                        postings[token] = [*people[:at], idx, *people[at:]]
                        bitmaps = self._name_bits if is_name else self._field_bits
                        if token in bitmaps:
                            bitmaps[token] |= bit
                    else:
                        postings.setdefault(token, []).append(idx)

        for field, value in ((FIRST_NAME, person.first_name), (LAST_NAME, person.last_name)):
            tokens = self._tokens(value)
            # "Per Olof" is also found as "perolof", "Ahlström-Berg" as "ahlstromberg".
            add(field, value, [*tokens, self._joined_of(tokens)] if len(tokens) > 1 else tokens, True)
        # A word held by several fields is reported in the first: department, keywords, then title.
        if person.department:
            add(DEPARTMENT, person.department, self._tokens(person.department), False)
        for keyword in person.keywords:
            tokens = self._tokens(keyword)
            add(KEYWORD, keyword, [*tokens, self._joined_of(tokens)] if len(tokens) > 1 else tokens, False)
        if person.title:
            add(TITLE, person.title, self._tokens(person.title), False)
        if person.email:
            # Words of the local part ("asa.sodergren"); generated ids ("p00017") would only be noise.
            local = tokenize(str(person.email).partition("@")[0])
            add(EMAIL, str(person.email), [token for token in local if token.isalpha()], False)
        for phone in person.phones:
            add(PHONE, phone.number, _phone_tokens(phone.number), False)
        self._slots[idx] = slots
        self._name_slots[idx] = name_slots
        self._field_slots[idx] = field_slots
        # What every result and referral shows of the person, computed once per version of them.
        self._cards[idx] = (person.full_name, person.transfer_numbers)

    @staticmethod
    def _first_letters(vocabulary: list[str]) -> list[str]:
        """The first characters of a sorted vocabulary's tokens, found by bisection."""
        firsts: list[str] = []
        at = 0
        while at < len(vocabulary):
            firsts.append(vocabulary[at][0])
            at = bisect_left(vocabulary, vocabulary[at][0] + _HIGH, at)
        return firsts

    def _joined_of(self, tokens: list[str]) -> str:
        joined = "".join(tokens)
        for part in tokens:
            # A new set each time: the sets are shared with the versions `with_changes` derives.
            self._joined_with[part] = self._joined_with.get(part, set()) | {joined}
        return joined

    def _tokens(self, text: str) -> list[str]:
        tokens = self._folded.get(text)
        if tokens is None:
            tokens = self._folded[text] = tokenize(text)
        return tokens

    def _build_typo_choices(self) -> None:
        """Every prefix (from 4 letters) of every alphabetic token, by length and first letter.

        As-you-type typos are looked for among prefixes. Bucketing by first letter keeps the fuzzy
        scan to one letter's prefixes; `_typo_tails` (prefix without its first letter → prefixes)
        finds the one-edit typos that change the first letter by lookup instead.
        """
        by_start: dict[tuple[int, str], set[str]] = {}
        for token in self._vocabulary:
            if token.isalpha():
                for length in range(_MIN_TYPO_LENGTH - 1, len(token) + 1):
                    by_start.setdefault((length, token[0]), set()).add(token[:length])
        self._typo_choices = {key: sorted(prefixes) for key, prefixes in by_start.items()}
        self._typo_tails = {}
        for prefixes in self._typo_choices.values():
            for prefix in prefixes:
                self._typo_tails.setdefault(prefix[1:], []).append(prefix)

    def _is_typo_choice(self, prefix: str) -> bool:
        choices = self._typo_choices.get((len(prefix), prefix[0]), ())
        position = bisect_left(choices, prefix)
        return position < len(choices) and choices[position] == prefix

    # ---------------------------------------------------------------- matching one word
    def _prefix_range(self, prefix: str) -> range:
        return range(bisect_left(self._vocabulary, prefix), bisect_left(self._vocabulary, prefix + _HIGH))

    def _word_matches(self, word: str, typo: bool) -> _WordMatches:
        """The vocabulary tokens a query word matches, each with its best rank (lower is better)."""
        names: dict[str, int] = {}
        fields: dict[str, int] = {}
        if len(word) == 1 and word.isalpha():
            # One letter ("s" starts hundreds of tokens): its tokens are listed.
            names = dict.fromkeys(self._letters.get((True, word), ((), 0))[0], _NAME_PREFIX)
            fields = dict.fromkeys(self._letters.get((False, word), ((), 0))[0], _FIELD_PREFIX)
        if word in self._name_postings:
            names[word] = _EXACT_NAME
        if word in self._field_postings:
            fields[word] = _FIELD
        if (len(word) > 1 and word.isalpha()) or len(word) >= _MIN_DIGIT_PREFIX:
            positions = self._prefix_range(word)
            if word.isdigit():
                # A company's numbers share their exchange: "08520" may start every number. Such a
                # prefix is cut to the numerically first numbers; more digits narrow it.
                positions = positions[:_MAX_DIGIT_PREFIX_TOKENS]
            for position in positions:
                token = self._vocabulary[position]
                if token in self._name_postings:
                    names.setdefault(token, _NAME_PREFIX)
                if token in self._field_postings:
                    fields.setdefault(token, _FIELD_PREFIX)
        for token in self._sounds.get(sound_key(word), ()):
            names.setdefault(token, _SOUND_ALIKE)
        if typo:
            self._add_typos(word, names, fields)
        return names, fields

    def _add_typos(self, word: str, names: dict[str, int], fields: dict[str, int]) -> None:
        for token in self._typo_tokens(word):
            if token in self._name_postings:
                names.setdefault(token, _TYPO)
            if token in self._field_postings:
                fields.setdefault(token, _TYPO)

    def _all_word_matches(self, words: list[str], typo: bool) -> list[_WordMatches]:
        """Every word's matches; a token one word names exactly is left to that word.

        So "Per P" asks for a Per with another P-word (Per Persson), not any Per again, and
        "Ann-Sofie S" for an Ann-Sofie with an S-word. A joined token ("perolof") counts as its
        parts.
        """
        return self._leave_named(words, [self._word_matches(word, typo) for word in words])

    def _leave_named(self, words: list[str], matches: list[_WordMatches]) -> list[_WordMatches]:
        """Each word's matches without the tokens another word names (in place)."""
        if len(words) > 1:
            for position, (names, fields) in enumerate(matches):
                for other in words[:position] + words[position + 1 :]:
                    for token in (other, *self._joined_with.get(other, ())):
                        names.pop(token, None)
                        fields.pop(token, None)
        return matches

    def _with_typos(self, words: list[str], matches: list[_WordMatches]) -> list[_WordMatches] | None:
        """The words' matches of `_all_word_matches(words, typo=True)`, from those without typos;
        None when the typos add no token (the ranking would not change)."""
        typos = [(dict(names), dict(fields)) for names, fields in matches]
        for word, (names, fields) in zip(words, typos, strict=True):
            self._add_typos(word, names, fields)
        typos = self._leave_named(words, typos)
        if all(len(n) == len(t[0]) and len(f) == len(t[1]) for (n, f), t in zip(matches, typos, strict=True)):
            return None
        return typos

    def _typo_tokens(self, word: str) -> Iterator[str]:
        """Tokens that start with a prefix within one or two edits of the word (bounded by length).

        Prefixes with the word's first letter are scanned (rapidfuzz OSA); a first letter typed
        wrong, left out, added or swapped with the second is found by lookup, as one edit (with a
        second edit elsewhere in a long word it is not found: that scan would cover every prefix).
        """
        if len(word) < _MIN_TYPO_LENGTH or not word.isalpha():
            return
        # Imported here: only a typo search needs rapidfuzz (~25-50 ms of a function's cold start).
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        max_edits = 2 if len(word) >= _TWO_TYPOS_LENGTH else 1
        first = word[0]
        prefixes: list[str] = []
        for length in range(len(word) - max_edits, len(word) + max_edits + 1):
            choices = self._typo_choices.get((length, first))
            if choices:
                prefixes += (
                    prefix
                    for prefix, _distance, _position in process.extract(
                        word, choices, scorer=OSA.distance, score_cutoff=max_edits, limit=None
                    )
                )
        tails = self._typo_tails
        prefixes += (p for p in (*tails.get(word[1:], ()), *tails.get(word, ())) if p[0] != first)  # substituted, added
        if word[1] != first:
            prefixes += (
                p for p in (word[1:], word[1] + first + word[2:]) if self._is_typo_choice(p)
            )  # left out, swapped
        # A prefix that starts with another found ("bjork" after "bjor") adds no token: each is read once.
        kept = ""
        for prefix in sorted(set(prefixes)):
            if not kept or not prefix.startswith(kept):
                kept = prefix
                for position in self._prefix_range(prefix):
                    yield self._vocabulary[position]

    # ---------------------------------------------------------------- search
    def search(self, query: str, now: datetime, limit: int = 10) -> list[PersonMatch]:
        """The best `limit` people for a free-text query, with their referral status at `now`.

        Raises InvalidSearchError when the query holds no letter or digit to search for.
        """
        # "070-123 45 67" is one number, not four words.
        phone = _PHONE_QUERY.fullmatch(query)
        words = [re.sub(r"\D", "", query)] if phone else list(dict.fromkeys(tokenize(query)))
        if not words:
            raise InvalidSearchError("query", "must contain a letter or a digit")
        if limit < 1:
            raise InvalidSearchError("limit", "must be at least 1")
        matches = self._all_word_matches(words, typo=False)
        found = self._rank(matches, limit)
        if len(found) < limit and any(len(w) >= _MIN_TYPO_LENGTH for w in words):
            # Typos rank last, so they are looked for only when better matches leave room.
            typos = self._with_typos(words, matches)
            if typos is not None:
                matches = typos
                found = self._rank(matches, limit)
        return [self._person_match(idx, [self._best_in_person(idx, m) for m in matches], now) for idx in found]

    def _rank(self, matches: list[_WordMatches], limit: int) -> list[int]:
        """Positions of the best `limit` people, best first."""
        if len(matches) == 1:
            return self._first_of_tiers(matches[0], limit)
        return self._first_of_bitmaps(matches, limit)

    def _first_of_bitmaps(self, matches: list[_WordMatches], limit: int) -> list[int]:
        """Several words, every one must match: level by level of the worst word's rank, as bitmaps.

        A word's people at a rank are one int (bit per person, `_bitmap_of`), built only when its
        level is reached: "karl w" stops at the names and never builds the w-keywords. The people
        whose worst rank is `level` are the words' people up to `level`, ANDed, minus the previous
        level. Within a level they are split by each word's rank (ANDs again, empty parts dropped)
        and taken by the sum of their ranks, then in directory order (the lowest bits): only the
        page is turned back into positions. AND and OR of two ints cost the directory's size in
        machine words, not the number of people they hold.
        """
        tiers_of = [self._token_tiers(word) for word in matches]
        if not all(any(names or fields for names, fields in tiers) for tiers in tiers_of):
            return []
        by_rank: list[list[int]] = [[] for _ in matches]
        reached = [0] * len(matches)
        previous = 0
        found: list[int] = []
        for level in range(len(_KINDS)):
            for word, tiers in enumerate(tiers_of):
                names, fields = tiers[level]
                people = self._bitmap_of(names, fields) if names or fields else 0
                people ^= people & reached[word]  # AND NOT: `~` on a big int costs ~7 ANDs
                by_rank[word].append(people)
                reached[word] |= people
            if not any(by_rank[word][level] for word in range(len(matches))):
                continue  # nobody new at this level for any word: the intersection is unchanged
            current = reached[0]
            for people in reached[1:]:
                current &= people
            new = current ^ previous  # the intersection only grows
            if new:
                # The new people by each word's rank: parts of `new`, keyed by the sum of the ranks.
                parts = [(new, 0)]
                for ranks in by_rank:
                    parts = [
                        (part, total + rank)
                        for people, total in parts
                        for rank, holders in enumerate(ranks)
                        if holders and (part := people & holders)
                    ]
                by_total: dict[int, int] = {}
                for part, total in parts:
                    by_total[total] = by_total.get(total, 0) | part
                for total in sorted(by_total):
                    found += self._first_people(by_total[total], limit - len(found))
                    if len(found) >= limit:
                        return found
            previous = current
        return found

    def _token_tiers(self, matches: _WordMatches) -> list[tuple[list[str], list[str]]]:
        """A word's matched (name tokens, field tokens), grouped by rank."""
        tiers: list[tuple[list[str], list[str]]] = [([], []) for _ in _KINDS]
        names, fields = matches
        for token, rank in names.items():
            tiers[rank][0].append(token)
        for token, rank in fields.items():
            tiers[rank][1].append(token)
        return tiers

    # ---------------------------------------------------------------- bitmaps
    # Bit `n` is the person built `n`-th, at position (n + 1) × _GAP: bit order is directory order.
    # People `with_changes` adds get the next bits after those ("late"; `_late_bits`), in no order.
    def _bit(self, idx: int) -> int:
        late = self._late_bits
        return late[idx] if idx in late else idx // _GAP - 1

    def _bitmaps(self, postings: dict[str, list[int]]) -> dict[str, int]:
        """Bitmaps of the tokens held by at least 1/1024 of the people (a bitmap costs an eighth of a
        byte per person; a rarer token's postings are turned into bits when a query needs them)."""
        least = max(_BITMAP_LEAST, len(self._people) >> 10)
        return {token: self._bits_of([people]) for token, people in postings.items() if len(people) >= least}

    def _bits_of(self, lists: Iterable[list[int]]) -> int:
        """One bitmap of the people in some posting lists."""
        buffer = bytearray((self._next_bit + 7) >> 3)
        late = self._late_bits
        for postings in lists:
            for idx in postings:
                bit = late[idx] if idx in late else idx // _GAP - 1
                buffer[bit >> 3] |= 1 << (bit & 7)
        return int.from_bytes(buffer, "little")

    def _bitmap_of(self, names: list[str], fields: list[str]) -> int:
        """The people holding any of the name and field tokens, as one bitmap."""
        people = 0
        rare: list[list[int]] = []
        for tokens, bitmaps, postings, is_name in (
            (names, self._name_bits, self._name_postings, True),
            (fields, self._field_bits, self._field_postings, False),
        ):
            letter = self._letter(tokens, is_name)
            if letter is not None:
                people |= letter
                continue
            for token in tokens:
                bits = bitmaps.get(token)
                if bits is None:
                    rare.append(postings[token])
                else:
                    people |= bits
        return people | self._bits_of(rare) if rare else people

    def _letter(self, tokens: list[str], is_name: bool) -> int | None:
        """The bitmap of the tokens' first letter when they are every name (or field) token that
        starts with it (a one-letter prefix), else None."""
        if not tokens:
            return None
        first = tokens[0][0]
        letter = self._letters.get((is_name, first))
        if letter is None or len(letter[0]) != len(tokens) or not all(token[0] == first for token in tokens):
            return None
        return letter[1]

    def _letters_of(self, firsts: Iterable[str]) -> None:
        """`_letters` for the letters `firsts`: the name (or field) tokens starting with each and who
        holds them (in place: call on a new or copied index)."""
        vocabulary, postings_of = self._vocabulary, (self._name_postings, self._field_postings)
        for first in firsts:
            if not first.isalpha():
                continue  # digits are prefixes from 4 on (`_MIN_DIGIT_PREFIX`)
            tokens = vocabulary[bisect_left(vocabulary, first) : bisect_left(vocabulary, first + _HIGH)]
            for is_name, postings in zip((True, False), postings_of, strict=True):
                held = [token for token in tokens if token in postings]
                self._letters.pop((is_name, first), None)
                if held:
                    bits = self._bitmap_of(held, []) if is_name else self._bitmap_of([], held)
                    self._letters[(is_name, first)] = (held, bits)

    def _first_people(self, people: int, count: int) -> list[int]:
        """The positions of a bitmap's first `count` people, in directory order."""
        built = self._bits_built
        late = people >> built
        in_order = people & ((1 << built) - 1) if late else people
        found = [(bit + 1) * _GAP for bit in islice(_set_bits(in_order), count)]  # bit b: position (b + 1) × _GAP
        if late:
            positions = self._late_positions
            found = heapq.nsmallest(count, [*found, *(positions[built + bit] for bit in _set_bits(late))])
        return found

    def _first_of_tiers(self, matches: _WordMatches, limit: int) -> list[int]:
        """One word: tier by tier, directory order within a tier.

        Postings are merged lazily, so a broad prefix costs about `limit` steps, not one per person
        holding it; a one-letter prefix ("s": hundreds of postings lists) is its letter's bitmap.
        """
        found: list[int] = []
        seen: set[int] = set()
        for names, fields in self._token_tiers(matches):
            if not names and not fields:
                continue
            people: Iterable[int]
            if self._letter(names, True) is not None or self._letter(fields, False) is not None:
                people = self._first_people(self._bitmap_of(names, fields), limit)  # |seen| + the rest
            else:
                lists = [*(self._name_postings[t] for t in names), *(self._field_postings[t] for t in fields)]
                people = lists[0] if len(lists) == 1 else heapq.merge(*lists)
            for idx in people:
                if idx in seen:
                    continue
                seen.add(idx)
                found.append(idx)
                if len(found) == limit:
                    return found
        return found

    def _best_in_person(self, idx: int, matches: _WordMatches) -> tuple[int, int]:
        """(rank, slot) of a person's best token for a word; key-view intersections run in C."""
        names, fields = matches
        best_rank, best_slot = len(_KINDS), -1
        held = self._name_slots[idx]
        for token in held.keys() & names.keys():
            if names[token] < best_rank:
                best_rank, best_slot = names[token], held[token]
        if best_rank <= _FIELD:  # other fields rank FIELD or worse: they cannot do better
            return best_rank, best_slot
        held = self._field_slots[idx]
        for token in held.keys() & fields.keys():
            if fields[token] < best_rank:
                best_rank, best_slot = fields[token], held[token]
        return best_rank, best_slot

    # ---------------------------------------------------------------- results
    def _person_match(self, idx: int, ranks: list[tuple[int, int]], now: datetime) -> PersonMatch:
        person = self._people[idx]
        slots = self._slots[idx]
        name, transfer_numbers = self._cards[idx]
        best_per_slot: dict[int, int] = {}
        for rank, slot in ranks:
            if rank < best_per_slot.get(slot, _NO_MATCH):
                best_per_slot[slot] = rank
        current, upcoming = self._referral_views(person.person_id, now)
        # Every value comes from validated models: construct without validating again (search is hot).
        return construct(
            PersonMatch,
            {
                "person": person,
                "name": name,
                "kind": _KINDS[max(ranks)[0] if ranks else _EXACT_NAME],
                "matched": [self._field_match(slots[slot], rank) for slot, rank in best_per_slot.items()],
                "referral": current,
                "upcoming_referrals": upcoming,
                "transfer_numbers": list(transfer_numbers),  # each result its own list
                "message_preference": person.message_preference,
            },
        )

    def _field_match(self, slot: tuple[str, str], rank: int) -> FieldMatch:
        """What a word matched; the same (field, value, kind) is one immutable model, shared by results."""
        key = (*slot, rank)
        found = self._field_matches.get(key)
        if found is None:
            if len(self._field_matches) >= _FIELD_MATCHES_KEPT:
                self._field_matches.clear()
            found = self._field_matches[key] = construct(
                FieldMatch, {"field": slot[0], "value": slot[1], "kind": _KINDS[rank]}
            )
        return found

    def card(self, person_id: str, now: datetime) -> PersonMatch | None:
        """One person as a search would show them, found by id (no words matched), or None.

        The operator's page asks for it when a transfer comes back unanswered: the contact names
        whom it was for, and the page offers a message or the refer-to colleague.
        """
        idx = self._position.get(person_id)
        return None if idx is None else self._person_match(idx, [], now)

    def _referral_views(self, person_id: str, now: datetime) -> tuple[ReferralView | None, list[ReferralView]]:
        """The referral valid now (the one that started last wins) and the upcoming ones, soonest first."""
        referrals = self._referrals.get(person_id)
        if not referrals:
            return None, []
        current = max((r for r in referrals if r.is_current(now)), key=lambda r: r.valid_from, default=None)
        upcoming = [self._referral_view(r, ReferralStatus.UPCOMING) for r in referrals if r.is_upcoming(now)]
        return (self._referral_view(current, ReferralStatus.CURRENT) if current else None), upcoming

    def _referral_view(self, referral: Referral, status: ReferralStatus) -> ReferralView:
        colleague = None
        if referral.refer_to_person_id is not None:
            position = self._position.get(referral.refer_to_person_id)
            colleague = self._cards[position] if position is not None else None
        return construct(
            ReferralView,
            dict(
                referral_id=referral.referral_id,
                status=status,
                text=referral.text,
                valid_from=referral.valid_from,
                valid_until=referral.valid_until,
                refer_to_person_id=referral.refer_to_person_id,
                refer_to_name=colleague[0] if colleague else None,
                refer_to_transfer_numbers=list(colleague[1]) if colleague else [],
            ),
        )
