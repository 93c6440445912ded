# SPDX-License-Identifier: GPL-2.0-or-later
"""pytest plugin for the upstream conformance run; run.py loads it with ``-p plugin``.

It works in one of two modes, both writing a JSON report to
``--conformance-report``:

* default: cmutagen is installed as ``mutagen`` before any test module is
  collected, and every copy of the real mutagen on the machine is made
  unloadable, so a passing test can only mean cmutagen passed it.  The
  report holds each test's outcome and each collection error.
* ``--conformance-reference=DIR``: the real mutagen is imported from
  DIR/mutagen, and the report lists every test id the suite collects.
  run.py uses it (with ``--collect-only``) to learn the full list of upstream
  tests, which a run against cmutagen cannot tell on its own: a test module
  that fails to import yields no ids at all.
"""

import importlib
import importlib.machinery
import json
import os
import sys

import pytest

_REPORT_OPTION = "--conformance-report"
_REFERENCE_OPTION = "--conformance-reference"
_PACKAGE_DIRS = ("site-packages", "dist-packages")


def pytest_addoption(parser):
    group = parser.getgroup("conformance")
    group.addoption(_REPORT_OPTION, metavar="PATH",
                    help="write the JSON report of this run to PATH")
    group.addoption(_REFERENCE_OPTION, metavar="DIR",
                    help="use the real mutagen from DIR/mutagen, not cmutagen")


def pytest_configure(config):
    report_path = config.getoption(_REPORT_OPTION)
    if report_path is None:
        raise pytest.UsageError(
            f"the conformance plugin needs {_REPORT_OPTION}; "
            "run tests/conformance/run.py instead of pytest")
    reference_dir = config.getoption(_REFERENCE_OPTION)
    if reference_dir is None:
        origin = _install_cmutagen()
    else:
        origin = _check_reference_mutagen(reference_dir)
    config.pluginmanager.register(
        _Recorder(report_path, origin), "conformance-recorder")
    _untimed_hypothesis()


def _untimed_hypothesis():
    """The suite's property tests (test___init__'s failing file objects) judge
    behaviour, not speed: a loaded 2-core CI machine must not fail them by
    hypothesis's per-example deadline or its too-slow health check."""
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:
        return
    settings.register_profile("conformance", deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("conformance")


class _RealMutagenBlocked(ImportError):
    pass


def _is_real_mutagen_file(path):
    """True for a file inside a package directory named ``mutagen`` that sits
    in a site-packages directory or in a sys.path entry."""
    import_roots = {os.path.abspath(entry or os.curdir) for entry in sys.path}
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        parent = os.path.dirname(directory)
        if parent == directory:
            return False
        if os.path.basename(directory) == "mutagen" and (
                os.path.basename(parent) in _PACKAGE_DIRS
                or parent in import_roots):
            return True
        directory = parent


def _refuse_real_mutagen(event, args):
    # Every way of loading a module's code (the import system, runpy,
    # spec_from_file_location, a plain open) ends in an "open" audit event,
    # so refusing it here blocks the real mutagen on all of those paths.
    if event != "open" or not isinstance(args[0], (str, bytes)):
        return
    path = os.fsdecode(args[0])
    if "mutagen" in path and _is_real_mutagen_file(path):
        raise _RealMutagenBlocked(
            f"conformance run: the real mutagen must not be loaded ({path})")


def _install_cmutagen():
    sys.addaudithook(_refuse_real_mutagen)
    try:
        import cmutagen
        cmutagen.install_as_mutagen()
    except Exception as error:
        raise pytest.UsageError(
            f"cannot install cmutagen as mutagen: {error!r}") from error

    mutagen = importlib.import_module("mutagen")
    if mutagen.__name__ != "cmutagen" or mutagen is not cmutagen:
        raise pytest.UsageError(
            f"'import mutagen' gave {mutagen!r}, not cmutagen")
    _check_real_mutagen_blocked()
    return cmutagen.__file__ or list(cmutagen.__path__)[0]


def _check_real_mutagen_blocked():
    """Prove the guard holds for a real mutagen that sys.path can reach: its
    __init__.py, found by the plain path finder, must refuse to open."""
    spec = importlib.machinery.PathFinder.find_spec("mutagen")
    if spec is None or not spec.origin:
        return
    try:
        with open(spec.origin, "rb"):
            pass
    except _RealMutagenBlocked:
        return
    raise pytest.UsageError(
        f"the real mutagen at {spec.origin} is not blocked in this run")


def _check_reference_mutagen(reference_dir):
    import mutagen
    expected = os.path.realpath(os.path.join(reference_dir, "mutagen"))
    loaded_from = os.path.realpath(os.path.dirname(mutagen.__file__))
    if loaded_from != expected:
        raise pytest.UsageError(
            f"reference collection imported mutagen from {loaded_from}, "
            f"not {expected}")
    return mutagen.__file__


class _Recorder:
    """Collects what run.py needs and writes it as JSON when the session ends."""

    def __init__(self, report_path, mutagen_origin):
        self._report_path = report_path
        self._mutagen_origin = mutagen_origin
        self._collected = []
        self._collection_errors = {}
        self._outcomes = {}

    def pytest_report_header(self):
        return f"conformance: mutagen is {self._mutagen_origin}"

    def pytest_collectreport(self, report):
        if report.failed:
            self._collection_errors[report.nodeid] = _error_summary(report)

    def pytest_collection_finish(self, session):
        self._collected = [item.nodeid for item in session.items]

    def pytest_runtest_logreport(self, report):
        # A test is settled by its call phase, or earlier by a failing or
        # skipping setup; a failing teardown still turns a pass into a failure.
        if report.when == "call" or not report.passed:
            if self._outcomes.get(report.nodeid) != "failed":
                self._outcomes[report.nodeid] = report.outcome

    def pytest_sessionfinish(self, session):
        report = {
            "mutagen": self._mutagen_origin,
            "collected": self._collected,
            "collection_errors": self._collection_errors,
            "outcomes": self._outcomes,
        }
        with open(self._report_path, "w", encoding="utf-8") as stream:
            json.dump(report, stream, indent=1, sort_keys=True)


def _error_summary(report):
    """The exception line of a collection error, e.g. "ModuleNotFoundError:
    No module named 'cmutagen.aac'"."""
    lines = [line.strip() for line in report.longreprtext.splitlines()]
    exception_lines = [line[1:].strip() for line in lines
                       if line.startswith("E ")]
    if exception_lines:
        return exception_lines[-1]
    return next((line for line in reversed(lines) if line), "error")
