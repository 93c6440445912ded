# SPDX-License-Identifier: GPL-2.0-or-later
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BROKEN = os.path.join(ROOT, "tests", "broken")
DATA = os.path.join(ROOT, "build", "conformance", "mutagen-1.48.1", "tests", "data")
ORACLE = os.environ.get("CMUTAGEN_ORACLE", os.path.join(ROOT, "build", "oracle"))


@pytest.fixture
def broken():
    """Path of a file in the committed broken-file corpus."""
    return lambda name: os.path.join(BROKEN, name)


@pytest.fixture
def oracle_dir():
    """Directory holding the real mutagen 1.48.1 (installed by the Makefile)."""
    if not os.path.isdir(os.path.join(ORACLE, "mutagen")):
        pytest.fail("the real mutagen is not installed at %s: run `make test`" % ORACLE)
    return ORACLE


sys.path.insert(0, os.path.join(ROOT, "tools"))


@pytest.fixture(scope="session")
def real_mutagen():
    """The real mutagen 1.48.1 (the behaviour oracle), imported from the
    oracle directory.  Only for comparisons: install_as_mutagen() is never
    called in the pytest process itself."""
    if not os.path.isdir(os.path.join(ORACLE, "mutagen")):
        pytest.fail("the real mutagen is not installed at %s: run `make test`" % ORACLE)
    sys.path.insert(0, ORACLE)
    try:
        import mutagen
        import mutagen._vorbis  # noqa: F401  (the submodules the tests use)
        import mutagen.flac  # noqa: F401
        import mutagen.id3  # noqa: F401
        import mutagen.mp3  # noqa: F401
        import mutagen.easyid3  # noqa: F401
    finally:
        sys.path.remove(ORACLE)
    assert mutagen.__file__.startswith(ORACLE) and mutagen.version == (1, 48, 1)
    return mutagen


@pytest.fixture(scope="session")
def upstream_data():
    """Folder of mutagen's own test files (fetched by `make upstream-data`)."""
    if not os.path.isdir(DATA):
        pytest.fail("mutagen's test data is missing at %s: run `make upstream-data`" % DATA)
    return DATA
