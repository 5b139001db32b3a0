"""Mina sidor's people search: the directory's folding, each query word a prefix of a person's word.

A customer's list of 10,000 people must find someone without paging. The operators' ranked,
typo-tolerant search (telefonist.directory) answers "who should take this call"; an
administrator looking for a row to edit wants every person whose name, title, department,
e-mail, keywords or numbers hold what was typed, in list order. Both fold text the same way
(`telefonist.directory.normalize`): "asa sod" finds Åsa Södergren, "070 123" a mobile
070-123 45 67, whatever the case, accents or width.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telefonist.directory.normalize import tokenize
from telefonist.edge.errors import InvalidInputError
from telefonist.models.directory import Person

MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 8
QUERY_FIELD = "query.q"


def query_words(q: str) -> list[str]:
    """The folded words of a search; a 400 naming `query.q` when there is none or too many."""
    words: list[str] = []
    for token in tokenize(q):
        if token.isdigit() and words and words[-1].isdigit():
            words[-1] += token  # "070-123 45" is one number typed in groups
        else:
            words.append(token)
    if not words:
        raise InvalidInputError.of(QUERY_FIELD, "type a letter or a digit to search for")
    if len(words) > MAX_QUERY_WORDS:
        raise InvalidInputError.of(QUERY_FIELD, f"at most {MAX_QUERY_WORDS} words")
    return list(dict.fromkeys(words))


def _number_words(number: str) -> list[str]:
    """A number as it is typed: +46701234567, 46701234567 and 0701234567 (Swedish national form)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    words = [digits]
    if number.startswith("+46"):
        words.append("0" + digits[2:])
    return words


def person_words(person: Person) -> tuple[str, ...]:
    """Every searchable word of a person, folded as the directory folds them."""
    texts = [person.first_name, person.last_name, person.title, person.department, str(person.email or "")]
    words: list[str] = []
    for text in (*texts, *person.keywords):
        words += tokenize(text)
    for phone in person.phones:
        words += _number_words(phone.number)
    return tuple(dict.fromkeys(words))


@dataclass(frozen=True)
class SearchablePerson:
    person: Person
    words: tuple[str, ...]

    def matches(self, query: Sequence[str]) -> bool:
        """Every query word begins some word of the person's; digits may be anywhere in a number."""
        return all(any((q in word) if q.isdigit() else word.startswith(q) for word in self.words) for q in query)


def searchable(people: Iterable[Person]) -> list[SearchablePerson]:
    """People in person_id order (the list's order) with their words."""
    return [SearchablePerson(p, person_words(p)) for p in sorted(people, key=lambda p: p.person_id)]


def search_page(
    people: Sequence[SearchablePerson], query: Sequence[str], after_person_id: str | None, limit: int
) -> tuple[list[Person], bool]:
    """Up to `limit` matching people after `after_person_id` in person_id order, and whether more follow."""
    found: list[Person] = []
    for entry in people:
        if after_person_id is not None and entry.person.person_id <= after_person_id:
            continue
        if entry.matches(query):
            if len(found) == limit:
                return found, True
            found.append(entry.person)
    return found, False
