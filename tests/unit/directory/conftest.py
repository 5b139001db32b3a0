from __future__ import annotations

import pytest
from telefonist.directory import DirectoryIndex

from tests.unit.directory.fixtures import swedish_directory


@pytest.fixture(scope="module")
def index() -> DirectoryIndex:
    return DirectoryIndex(swedish_directory())
