"""The search index of one directory version, built once and searched many times.

Every field of a person is folded into tokens once (`normalize.tokenize`). Postings map a token
to the people that hold it, in directory order, so a merge of postings yields people already in
the stable tie order; a sorted vocabulary answers prefixes by bisection; sound keys and typo
candidates (prefixes of every length, for as-you-type typos) are precomputed. The typo search
(rapidfuzz) runs only as a fallback, when better kinds of match leave the page short.

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
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import pairwise

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
# Measured costs, in postings put into a set or dict in C: a candidate of the rarest word looked up
# in the other words' maps (the choice between candidates and set intersections for several words),
# and a candidate checked against a word's tokens one by one (19-24 postings intersected in C,
# measured at 10,000 people: the choice between looking a word's tier up and checking per candidate).
_CANDIDATE_COST = 8
_CHECK_COST = 20
# Checks one by one after which a scan judges, from its hit rate, whether looking the words up is cheaper.
_PROBE = 24
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


@dataclass(frozen=True)
class _Lookup:
    """Another word of a query among the rarest word's people: whom its best tiers hold, at what rank.

    `complete`: every tier was looked up (someone not in `ranks` does not hold the word). `floor`:
    the best rank any of the people can have for it; `at_floor`: who has it (None: not known).
    """

    matches: _WordMatches
    ranks: dict[int, int]
    complete: bool
    floor: int
    at_floor: set[int] | None


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
            idx = idx if idx is not None else self._place(person_id)
            if idx is None:
                return False
            self._people[idx] = person
            self._position[person_id] = idx
            self._folded = {}
            self._add_person(idx, person, inserting=True)
            del self._folded
            names.update(self._name_slots[idx])
            fields.update(self._field_slots[idx])
        self._refresh_vocabulary(names, fields)
        return True

    def _remove_person(self, idx: int) -> None:
        for held, postings in ((self._name_slots, self._name_postings), (self._field_slots, self._field_postings)):
            for token in held.pop(idx):
                people = postings[token]
                at = bisect_left(people, idx)
                if len(people) == 1:
                    del postings[token]
                else:
                    postings[token] = [*people[:at], *people[at + 1 :]]
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
        if word in self._name_postings:
            names[word] = _EXACT_NAME
        if word in self._field_postings:
            fields[word] = _FIELD
        if word.isalpha() or len(word) >= _MIN_DIGIT_PREFIX:
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
        for prefix in prefixes:
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
        sizes = [self._postings_size(word) for word in matches]
        # Two broad words ("a s") are cheaper as C-level set intersections level by level than as a
        # per-candidate check in Python, when the levels that can hold the first people ("göran ös":
        # exact names and name prefixes) hold fewer postings than the rarest word; otherwise (a first
        # name and a typo, found only at the typo level) the rarest word's people are the candidates.
        if min(sizes) * _CANDIDATE_COST > sum(sizes):
            level = max(min((*names.values(), *fields.values())) for names, fields in matches)
            if sum(self._postings_size(word, level) for word in matches) < min(sizes):
                return self._first_of_levels(matches, limit)
        return self._first_of_rarest(matches, sizes, limit)

    def _postings_size(self, matches: _WordMatches, up_to: int = _NO_MATCH) -> int:
        """How many postings a word's matched tokens (of rank `up_to` or better) hold together
        (people counted once per token)."""
        names, fields = matches
        name_postings, field_postings = self._name_postings, self._field_postings
        return sum(len(name_postings[token]) for token, rank in names.items() if rank <= up_to) + sum(
            len(field_postings[token]) for token, rank in fields.items() if rank <= up_to
        )

    def _first_of_rarest(self, matches: list[_WordMatches], sizes: list[int], limit: int) -> list[int]:
        """Several words, every one must match: candidates from the rarest word, the others checked.

        The rarest word's people are the candidates. Each other word is looked up by set
        intersections in C, its best tiers first, as far as the postings stay within what checking
        every candidate one by one would cost (`_CHECK_COST`): a word looked up whole leaves only
        the candidates that hold it; a broad word ("s", "ct") is looked up in its best tiers (the
        Axels among "AX-109") and checked per candidate against the person's own tokens beyond them.
        Candidates are taken tier by tier of their rank for the rarest word, in directory order
        within a tier. A candidate ranks by its worst word, then the sum of its ranks, then
        directory order: the order `_first_of_levels` gives. A tier ends the search when `limit`
        people reach the best rank its candidates could: at once when the lookups name enough of
        them, else during the scan (as you type "karin l", the first ten Karins with an L-surname).
        """
        rarest = min(range(len(matches)), key=sizes.__getitem__)
        tiers = self._tiers(matches[rarest])
        others = [
            matches[position] for position in sorted(range(len(matches)), key=sizes.__getitem__) if position != rarest
        ]
        words: list[_Lookup] = []
        for names, fields in others:
            if not names and not fields:
                return []
            words.append(_Lookup((names, fields), {}, False, min((*names.values(), *fields.values())), None))
        # The candidates as sets, only when a word is worth looking up (a scan that stops early needs none).
        candidates: set[int] | None = None
        first: set[int] = set()  # the first tier's people, the first to be scanned
        survivors = candidates
        if any(self._first_tier_worth(self._tiers(word), sizes[rarest], limit) for word in others):
            candidates, first = self._people_of(tiers)
            survivors = candidates
            for position, word in enumerate(words):
                words[position] = lookup = self._lookup(word.matches, survivors, first, limit)
                if lookup.floor == _NO_MATCH:
                    return []
                if lookup.complete:
                    survivors = survivors.intersection(lookup.ranks)
        floors = [word.floor for word in words]
        # Who is at each word's floor, when every word knows it (then a tier can end at once).
        at_floors = sorted((word.at_floor for word in words if word.at_floor is not None), key=len)
        all_at_floors_known = len(at_floors) == len(words)
        scored: list[tuple[int, int, int]] = []
        seen: set[int] = set()
        for first_rank, lists in enumerate(tiers):
            if not lists:
                continue
            # The best (worst rank, sum) this tier's candidates can reach, and how many already beat it.
            floor = (max(first_rank, *floors), first_rank + sum(floors))
            kept = [entry for entry in scored if (entry[0], entry[1]) <= floor]
            reached = sum(1 for worst, total, _idx in kept if (worst, total) < floor)
            if reached >= limit:
                break
            candidates_in_tier: Iterable[int]
            if survivors is None or (survivors is candidates and not all_at_floors_known):
                candidates_in_tier = lists[0] if len(lists) == 1 else heapq.merge(*lists)
            else:
                tier: set[int] = set()
                for postings in lists:
                    tier.update(survivors.intersection(postings))
                tier -= seen
                if all_at_floors_known:
                    ended = self._first_at_floor(scored, floor, tier, at_floors, limit)
                    if ended is not None:
                        return ended
                candidates_in_tier = sorted(tier)
            checks = scanned = 0
            probed = False
            reached_before = reached
            for idx in candidates_in_tier:
                if idx in seen:
                    continue
                seen.add(idx)
                scanned += 1
                worst = total = first_rank
                for word in words:
                    rank = word.ranks.get(idx, _NO_MATCH)
                    if rank == _NO_MATCH:
                        if word.complete:
                            break
                        checks += 1
                        rank = self._best_in_person(idx, word.matches)[0]
                        if rank == _NO_MATCH:
                            break
                    total += rank
                    if rank > worst:
                        worst = rank
                else:
                    scored.append((worst, total, idx))
                    if (worst, total) == floor:
                        reached += 1
                        if reached >= limit:
                            # Later candidates of this tier come later in directory order; later tiers rank lower.
                            return [idx for _worst, _total, idx in heapq.nsmallest(limit, scored)]
                if checks >= _PROBE and not probed:
                    probed = True
                    # The scan so far tells how far it will go: look the words up where that costs less,
                    # and end the tier at once if the lookups name enough people at its floor.
                    rate = (reached - reached_before + 1) / (scanned + 2)  # none yet is not "never"
                    expected = int(min(sum(map(len, lists)) - scanned, (limit - reached) / rate))
                    if survivors is None:
                        candidates, first = self._people_of(tiers)
                        survivors = candidates
                    words = [
                        word if word.complete else self._lookup(word.matches, survivors, first, limit, expected)
                        for word in words
                    ]
                    known = [word.at_floor for word in words if word.at_floor is not None]
                    if len(known) == len(words) and [word.floor for word in words] == floors:
                        tier = set()
                        for postings in lists:
                            tier.update(survivors.intersection(postings))
                        ended = self._first_at_floor(scored, floor, tier - seen, known, limit)
                        if ended is not None:
                            return ended
        return [idx for _worst, _total, idx in heapq.nsmallest(limit, scored)]

    @staticmethod
    def _first_at_floor(
        scored: list[tuple[int, int, int]],
        floor: tuple[int, int],
        tier: set[int],
        at_floors: list[set[int]],
        limit: int,
    ) -> list[int] | None:
        """The first `limit` people when the tier's people at every word's floor (they reach the
        tier's `floor`; the tier's others and later tiers rank lower) are enough; else None."""
        best = tier.intersection(*at_floors)
        kept = [entry for entry in scored if (entry[0], entry[1]) <= floor]
        if len(kept) + len(best) < limit:
            return None
        kept += ((*floor, idx) for idx in heapq.nsmallest(limit, best))
        return [idx for _worst, _total, idx in heapq.nsmallest(limit, kept)]

    @staticmethod
    def _people_of(tiers: list[list[list[int]]]) -> tuple[set[int], set[int]]:
        """A word's people, and those of its first tier (built in C)."""
        people: set[int] = set()
        first: set[int] = set()
        for lists in tiers:
            for postings in lists:
                people.update(postings)
            if not first:
                first = set(people)
        return people, first

    def _first_tier_worth(
        self, tiers: list[list[list[int]]], unknown: int, limit: int, expected: int | None = None
    ) -> bool:
        """Whether a word's best tier costs less to look up than the checks of a scan of `unknown`
        people, which stops at about `limit` hits (`expected` checks, when a scan has told)."""
        postings_count = next((sum(map(len, lists)) for lists in tiers if lists), 0)
        if not postings_count:
            return False
        checks = min(unknown, limit * len(self._people) // postings_count if expected is None else expected)
        return postings_count <= checks * _CHECK_COST

    def _lookup(
        self, matches: _WordMatches, people: set[int], first: set[int], limit: int, expected: int | None = None
    ) -> _Lookup:
        """Those of `people` who hold a word → their best rank, by set intersections in C, best tier
        first, while a tier costs less than checking the people not found yet one by one (for the
        best tier, the `expected` checks of a scan stopping early), or until `limit` of the `first`
        people to scan are at the best rank found; the tiers beyond are left to a check per person."""
        ranks: dict[int, int] = {}
        at_floor: set[int] | None = None
        floor = _NO_MATCH
        tiers = self._tiers(matches)
        for rank, lists in enumerate(tiers):
            if not lists:
                continue
            # A tier costs its postings; leaving it costs a check of each person not found yet, or
            # for the best tier about `limit` hits' worth of them (a scan stops at `limit` people
            # reaching the best rank: "karin l" stops at the tenth Karin with an L-surname).
            unknown = len(people) - len(ranks)
            if not (
                self._first_tier_worth(tiers[rank:], unknown, limit, expected)
                if at_floor is None
                else sum(map(len, lists)) <= unknown * _CHECK_COST
            ):
                return _Lookup(matches, ranks, False, min(floor, rank), at_floor)
            found: set[int] = set()
            for postings in lists:
                found.update(people.intersection(postings))
            found.difference_update(ranks)
            if found:
                ranks.update(dict.fromkeys(found, rank))
                if at_floor is None:
                    floor, at_floor = rank, found
                    if len(found.intersection(first)) >= limit and any(tiers[rank + 1 :]):
                        # Enough to end the first tier at once ("AX-109": its Axels); the rest is
                        # checked per candidate if not.
                        return _Lookup(matches, ranks, False, floor, at_floor)
        return _Lookup(matches, ranks, True, floor, at_floor)

    def _tiers(self, matches: _WordMatches) -> list[list[list[int]]]:
        """Postings of a word's matched tokens, grouped by rank."""
        tiers: list[list[list[int]]] = [[] for _ in _KINDS]
        names, fields = matches
        for token, rank in names.items():
            tiers[rank].append(self._name_postings[token])
        for token, rank in fields.items():
            tiers[rank].append(self._field_postings[token])
        return tiers

    def _first_of_tiers(self, matches: _WordMatches, limit: int) -> list[int]:
        """One word: tier by tier, directory order within a tier.

        Postings are merged lazily, so a broad prefix ("s") costs about `limit` steps, not one per
        person holding it.
        """
        found: list[int] = []
        seen: set[int] = set()
        for lists in self._tiers(matches):
            if not lists:
                continue
            for idx in lists[0] if len(lists) == 1 else heapq.merge(*lists):
                if idx in seen:
                    continue
                seen.add(idx)
                found.append(idx)
                if len(found) == limit:
                    return found
        return found

    def _first_of_levels(self, matches: list[_WordMatches], limit: int) -> list[int]:
        """Several words, every one must match: level by level of the worst word's rank.

        The people of each word at each rank are sets built in C (set.update of postings), a rank's
        set only when its level is reached: "karl w" stops at the names and never builds the sets
        of every w-keyword. The people whose worst rank is `level` are an intersection minus the
        previous level. Within a level they are ordered by the sum of their ranks, then directory order.
        """
        tiers_of = [self._tiers(word) for word in matches]
        by_rank: list[list[set[int]]] = [[] for _ in matches]
        reached = [set[int]() for _ in matches]
        previous: set[int] = set()
        found: list[int] = []
        for level in range(len(_KINDS)):
            for word, tiers in enumerate(tiers_of):
                people: set[int] = set()
                for postings in tiers[level]:
                    people.update(postings)
                by_rank[word].append(people)
                reached[word] |= people
            current = set.intersection(*sorted(reached, key=len))
            new = current - previous
            if new:
                found.extend(self._by_rank_sum(new, by_rank, limit - len(found)))
                if len(found) >= limit:
                    return found
            previous = current
        return found

    @staticmethod
    def _by_rank_sum(people: set[int], by_rank: list[list[set[int]]], limit: int) -> list[int]:
        """The first `limit` of `people` by the sum of their best ranks over the words, then directory
        order. A word's best rank is found by set operations in C, rank by rank; Python only adds."""
        if len(people) == 1:
            return list(people)
        totals = dict.fromkeys(people, 0)
        for sets in by_rank:
            left = people
            for rank, holders in enumerate(sets):
                if not left:
                    break
                hit = left & holders
                if hit:
                    left = left - hit
                    if rank:
                        for idx in hit:
                            totals[idx] += rank
        return [idx for _total, idx in heapq.nsmallest(limit, ((t, idx) for idx, t in totals.items()))]

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
