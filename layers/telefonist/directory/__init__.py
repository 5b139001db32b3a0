"""Directory search for the operator: normalisation, an index per directory version, a warm cache."""

from telefonist.directory.cache import DirectoryIndexCache, DirectorySource
from telefonist.directory.errors import InvalidSearchError
from telefonist.directory.index import (
    DirectoryIndex,
    FieldMatch,
    MatchKind,
    PersonMatch,
    ReferralStatus,
    ReferralView,
)
from telefonist.directory.normalize import fold, sound_key, tokenize
from telefonist.directory.search import MAX_LIMIT, MAX_QUERY_LENGTH, DirectoryQuery, DirectoryResult, search_directory

__all__ = [
    "MAX_LIMIT",
    "MAX_QUERY_LENGTH",
    "DirectoryIndex",
    "DirectoryIndexCache",
    "DirectoryQuery",
    "DirectoryResult",
    "DirectorySource",
    "FieldMatch",
    "InvalidSearchError",
    "MatchKind",
    "PersonMatch",
    "ReferralStatus",
    "ReferralView",
    "fold",
    "search_directory",
    "sound_key",
    "tokenize",
]
