"""The search index of one directory version, built once and searched many times.

Every field of a person is folded into tokens once (`normalize.tokenize`). Postings map a token
to the people that hold it, in directory order, so a merge of postings yields people already in
the stable tie order; a sorted vocabulary answers prefixes by bisection; sound keys and typo
candidates (prefixes of every length, for as-you-type typos) are precomputed. The typo search
(rapidfuzz) runs only as a fallback, when better kinds of match leave the page short.

Ranking: exact name > name prefix > keyword, department or another field (exact, then prefix)
> sound-alike name > typo. With several words every word must match; a person ranks by their
worst word, then by the sum over words, then by directory order (ties stable).
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from datetime import datetime
from enum import StrEnum
from itertools import accumulate

from pydantic import Field
from rapidfuzz import process
from rapidfuzz.distance import OSA

from telefonist.directory.errors import InvalidSearchError
from telefonist.directory.normalize import sound_key, tokenize
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
_HIGH = "\U0010ffff"
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


# A posting: (person position in the directory, slot of the field within the person).
Posting = tuple[int, int]
# What one query word matched: vocabulary token → rank, for name tokens and for other fields.
_WordMatches = tuple[dict[str, int], dict[str, int]]


def _phone_tokens(number: str) -> list[str]:
    digits = number.lstrip("+")
    tokens = [digits]
    if number.startswith("+46"):
        tokens.append("0" + number[3:])  # Swedish national form, as operators type it
    return tokens


class DirectoryIndex:
    """Search structures of one directory version; immutable once built, safe to keep warm."""

    def __init__(self, directory: Directory) -> None:
        self.tenant_id = directory.tenant_id
        self.version = directory.version
        self._people: list[Person] = list(directory.people)
        self._position = {person.person_id: idx for idx, person in enumerate(self._people)}
        self._slots: list[list[tuple[str, str]]] = []
        self._person_tokens: list[list[tuple[str, bool, int]]] = []
        self._name_postings: dict[str, list[Posting]] = {}
        self._field_postings: dict[str, list[Posting]] = {}
        for idx, person in enumerate(self._people):
            self._add_person(idx, person)
        self._vocabulary = sorted(self._name_postings.keys() | self._field_postings.keys())
        self._cumulative = list(
            accumulate(
                (len(self._name_postings.get(t, ())) + len(self._field_postings.get(t, ())) for t in self._vocabulary),
                initial=0,
            )
        )
        self._sounds: dict[str, list[str]] = {}
        for token in self._name_postings:
            key = sound_key(token)
            if key:
                self._sounds.setdefault(key, []).append(token)
        self._typo_choices = self._build_typo_choices()
        self._referrals: dict[str, list[Referral]] = {}
        for referral in sorted(directory.referrals, key=lambda r: r.valid_from):
            self._referrals.setdefault(referral.person_id, []).append(referral)

    def __len__(self) -> int:
        return len(self._people)

    # ---------------------------------------------------------------- building
    def _add_person(self, idx: int, person: Person) -> None:
        slots: list[tuple[str, str]] = []
        entries: list[tuple[str, bool, int]] = []
        seen: set[tuple[str, bool]] = set()

        def add(field: str, value: str, tokens: Iterable[str], is_name: bool) -> None:
            slot = len(slots)
            slots.append((field, value))
            postings = self._name_postings if is_name else self._field_postings
            for token in tokens:
                if (token, is_name) in seen:
                    continue
                seen.add((token, is_name))
                entries.append((token, is_name, slot))
                postings.setdefault(token, []).append((idx, slot))

        for field, value in ((FIRST_NAME, person.first_name), (LAST_NAME, person.last_name)):
            tokens = tokenize(value)
            # "Per Olof" is also found as "perolof", "Ahlström-Berg" as "ahlstromberg".
            add(field, value, [*tokens, "".join(tokens)] if len(tokens) > 1 else tokens, True)
        # A word held by several fields is reported in the first: department, keywords, then title.
        if person.department:
            add(DEPARTMENT, person.department, tokenize(person.department), False)
        for keyword in person.keywords:
            tokens = tokenize(keyword)
            add(KEYWORD, keyword, [*tokens, "".join(tokens)] if len(tokens) > 1 else tokens, False)
        if person.title:
            add(TITLE, person.title, tokenize(person.title), False)
        if person.email:
            add(EMAIL, str(person.email), tokenize(str(person.email).partition("@")[0]), False)
        for phone in person.phones:
            add(PHONE, phone.number, _phone_tokens(phone.number), False)
        self._slots.append(slots)
        self._person_tokens.append(entries)

    def _build_typo_choices(self) -> dict[int, list[str]]:
        """Every prefix (from 4 letters) of every alphabetic token, by length: typos while typing."""
        by_length: dict[int, set[str]] = {}
        for token in self._vocabulary:
            if not token.isalpha():
                continue
            for length in range(_MIN_TYPO_LENGTH - 1, len(token) + 1):
                by_length.setdefault(length, set()).add(token[:length])
        return {length: sorted(prefixes) for length, prefixes in by_length.items()}

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
            for position in self._prefix_range(word):
                token = self._vocabulary[position]
                if token in self._name_postings:
                    names.setdefault(token, _NAME_PREFIX)
                if token in self._field_postings:
                    fields.setdefault(token, _FIELD_PREFIX)
        for token in self._sounds.get(sound_key(word), ()):
            names.setdefault(token, _SOUND_ALIKE)
        if typo:
            for token in self._typo_tokens(word):
                if token in self._name_postings:
                    names.setdefault(token, _TYPO)
                if token in self._field_postings:
                    fields.setdefault(token, _TYPO)
        return names, fields

    def _typo_tokens(self, word: str) -> Iterator[str]:
        """Tokens that start with a prefix within one or two edits of the word (bounded by length)."""
        if len(word) < _MIN_TYPO_LENGTH or not word.isalpha():
            return
        max_edits = 2 if len(word) >= _TWO_TYPOS_LENGTH else 1
        for length in range(len(word) - max_edits, len(word) + max_edits + 1):
            choices = self._typo_choices.get(length)
            if not choices:
                continue
            for prefix, _distance, _position in process.extract(
                word, choices, scorer=OSA.distance, score_cutoff=max_edits, limit=None
            ):
                for position in self._prefix_range(prefix):
                    yield self._vocabulary[position]

    def _estimate(self, matches: _WordMatches) -> int:
        names, fields = matches
        return sum(len(self._name_postings[t]) for t in names) + sum(len(self._field_postings[t]) for t in fields)

    # ---------------------------------------------------------------- search
    def search(self, query: str, now: datetime, limit: int = 10) -> list[PersonMatch]:
        """The best `limit` people for a free-text query, with their referral status at `now`.

        Raises InvalidSearchError when the query holds no letter or digit to search for.
        """
        if _PHONE_QUERY.fullmatch(query):
            # "070-123 45 67" is one number, not four words.
            words = [re.sub(r"\D", "", query)]
        else:
            words = list(dict.fromkeys(tokenize(query)))
        if not words:
            raise InvalidSearchError("query", "must contain a letter or a digit")
        if limit < 1:
            raise InvalidSearchError("limit", "must be at least 1")
        found = self._rank(words, limit, typo=False)
        if len(found) < limit and any(len(w) >= _MIN_TYPO_LENGTH for w in words):
            # Typos rank last, so they are looked for only when better matches leave room.
            found = self._rank(words, limit, typo=True)
        return [self._person_match(idx, ranks, now) for idx, ranks in found]

    def _rank(self, words: list[str], limit: int, typo: bool) -> list[tuple[int, list[tuple[int, int]]]]:
        """(person position, [(rank, slot) per word]) of the best people, best first."""
        matches = [self._word_matches(word, typo) for word in words]
        if len(words) == 1:
            return [(idx, [(rank, slot)]) for idx, rank, slot in self._first_of_tiers(matches[0], limit)]
        estimates = [self._estimate(m) for m in matches]
        order = sorted(range(len(words)), key=estimates.__getitem__)
        candidates: dict[int, list[tuple[int, int]]] = {}
        for idx, rank, slot in self._all_of(matches[order[0]]):
            best = candidates.get(idx)
            if best is None or rank < best[0][0]:
                candidates[idx] = [(rank, slot)]
        for word_position in order[1:]:
            names, fields = matches[word_position]
            kept: dict[int, list[tuple[int, int]]] = {}
            for idx, ranks in candidates.items():
                best_rank, best_slot = len(_KINDS), -1
                for token, is_name, slot in self._person_tokens[idx]:
                    rank = (names if is_name else fields).get(token)
                    if rank is not None and rank < best_rank:
                        best_rank, best_slot = rank, slot
                if best_slot >= 0:
                    kept[idx] = [*ranks, (best_rank, best_slot)]
            candidates = kept
        best = heapq.nsmallest(
            limit,
            candidates.items(),
            key=lambda item: (max(r for r, _ in item[1]), sum(r for r, _ in item[1]), item[0]),
        )
        # Back from the evaluation order to the order of the query's words.
        place = {word_position: n for n, word_position in enumerate(order)}
        return [(idx, [ranks[place[w]] for w in range(len(words))]) for idx, ranks in best]

    def _tiers(self, matches: _WordMatches) -> list[list[list[Posting]]]:
        """Postings lists of a word's matches grouped by rank."""
        tiers: list[list[list[Posting]]] = [[] for _ in _KINDS]
        names, fields = matches
        for token, rank in names.items():
            tiers[rank].append(self._name_postings[token])
        for token, rank in fields.items():
            tiers[rank].append(self._field_postings[token])
        return tiers

    def _first_of_tiers(self, matches: _WordMatches, limit: int) -> list[tuple[int, int, int]]:
        """The first `limit` people of a single word: tier by tier, directory order within a tier.

        Postings are merged lazily, so a broad prefix ("s") costs about `limit` steps, not one per
        person holding it.
        """
        found: list[tuple[int, int, int]] = []
        seen: set[int] = set()
        for rank, lists in enumerate(self._tiers(matches)):
            if not lists:
                continue
            for idx, slot in lists[0] if len(lists) == 1 else heapq.merge(*lists):
                if idx in seen:
                    continue
                seen.add(idx)
                found.append((idx, rank, slot))
                if len(found) == limit:
                    return found
        return found

    def _all_of(self, matches: _WordMatches) -> Iterator[tuple[int, int, int]]:
        for rank, lists in enumerate(self._tiers(matches)):
            for postings in lists:
                for idx, slot in postings:
                    yield idx, rank, slot

    # ---------------------------------------------------------------- results
    def _person_match(self, idx: int, ranks: list[tuple[int, int]], now: datetime) -> PersonMatch:
        person = self._people[idx]
        slots = self._slots[idx]
        best_per_slot: dict[int, int] = {}
        for rank, slot in ranks:
            best_per_slot[slot] = min(rank, best_per_slot.get(slot, rank))
        current, upcoming = self._referral_views(person.person_id, now)
        return PersonMatch(
            person=person,
            name=person.full_name,
            kind=_KINDS[max(rank for rank, _ in ranks)],
            matched=[
                FieldMatch(field=slots[slot][0], value=slots[slot][1], kind=_KINDS[rank])
                for slot, rank in best_per_slot.items()
            ],
            referral=current,
            upcoming_referrals=upcoming,
            transfer_numbers=person.transfer_numbers,
            message_preference=person.message_preference,
        )

    def _referral_views(self, person_id: str, now: datetime) -> tuple[ReferralView | None, list[ReferralView]]:
        """The referral valid now (the one that started last wins) and the upcoming ones, soonest first."""
        referrals = self._referrals.get(person_id, ())
        current = max((r for r in referrals if r.is_current(now)), key=lambda r: r.valid_from, default=None)
        upcoming = [self._referral_view(r, ReferralStatus.UPCOMING) for r in referrals if r.is_upcoming(now)]
        return (self._referral_view(current, ReferralStatus.CURRENT) if current else None), upcoming

    def _referral_view(self, referral: Referral, status: ReferralStatus) -> ReferralView:
        colleague = None
        if referral.refer_to_person_id is not None:
            position = self._position.get(referral.refer_to_person_id)
            colleague = self._people[position] if position is not None else None
        return ReferralView(
            referral_id=referral.referral_id,
            status=status,
            text=referral.text,
            valid_from=referral.valid_from,
            valid_until=referral.valid_until,
            refer_to_person_id=referral.refer_to_person_id,
            refer_to_name=colleague.full_name if colleague else None,
            refer_to_transfer_numbers=colleague.transfer_numbers if colleague else [],
        )
