# SPDX-License-Identifier: GPL-2.0-or-later
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BROKEN = os.path.join(ROOT, "tests", "broken")
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
