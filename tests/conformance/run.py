#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run mutagen 1.48.1's own test suite, unmodified, against cmutagen.

    run.py [--update] [--quiet] [-k EXPR] [-- PYTEST_ARGS...]

The suite comes from the mutagen sdist on the package index, pinned by
version and sha256 and cached in build/cache/.  Only its tests/ directory is
extracted, into build/conformance/mutagen-1.48.1/, and pytest runs there in a
subprocess with plugin.py installing cmutagen as ``mutagen``.

A table of passed / total per upstream test module is printed, then a closing
line ``conformance: N of T upstream tests pass (K not yet)``.  It is
deliberately not in a test runner's "N passed, M failed" form: upstream tests
cmutagen does not pass yet are expected, and only the ratchet decides the
exit status.  The totals come from the list of
every upstream test id, collected once with the real mutagen and cached in
build/conformance/all-tests.txt, because a module that cmutagen cannot import
yet yields no test ids of its own.

ratchet.txt lists the tests known to pass.  The run exits 1 if one of them
no longer passes; --update adds the newly passing tests to it.  Exit status
2 means the harness itself could not do its work.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

VERSION = "1.48.1"
SDIST_NAME = f"mutagen-{VERSION}.tar.gz"
SDIST_SHA256 = "8f95637ab9f6f305cec6bd1294e197debe207998e3e068596563c74f86b0a173"

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CACHE_DIR = REPO / "build" / "cache"
WORK_DIR = REPO / "build" / "conformance"
# Holds tests/ only: the suite's cwd and rootdir, with no mutagen/ next to it.
SUITE_DIR = WORK_DIR / f"mutagen-{VERSION}"
# Holds the real mutagen/ package, used only to collect the reference ids.
REFERENCE_DIR = WORK_DIR / "reference"
ALL_TESTS = WORK_DIR / "all-tests.txt"
RATCHET = HERE / "ratchet.txt"

RATCHET_HEADER = f"""\
# Upstream mutagen {VERSION} tests that pass against cmutagen, one pytest node
# id per line, sorted.  `make conformance` (tests/conformance/run.py) fails if
# a test listed here no longer passes; `make conformance-update` adds the tests
# that newly pass.  Nothing is removed automatically: delete a line by hand,
# with a reason in the commit message, only if a test is meant to stop passing.
"""

# pytest exit statuses that still mean "the suite ran": all passed, some
# failed, nothing selected (a -k expression that matches no test).
PYTEST_RAN = (0, 1, 5)


class HarnessError(Exception):
    """The harness could not produce a trustworthy result."""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        usage="%(prog)s [--update] [--quiet] [-k EXPR] [-- PYTEST_ARGS...]",
        description="Run the upstream mutagen test suite against cmutagen.",
        epilog="Arguments after -- go to pytest unchanged, e.g. "
               "-- --tb=short -rfE tests/test_flac.py")
    parser.add_argument("--update", action="store_true",
                        help="add newly passing tests to ratchet.txt")
    parser.add_argument("--fetch-only", action="store_true",
                        help="only download and extract the upstream tests "
                             "and data (other suites use tests/data)")
    parser.add_argument("--quiet", action="store_true",
                        help="send pytest's output to build/conformance/"
                             "pytest.log instead of the terminal")
    parser.add_argument("-k", metavar="EXPR", dest="keyword",
                        help="run only the tests matching EXPR (pytest -k)")
    parser.add_argument("pytest_args", nargs="*", metavar="PYTEST_ARGS",
                        help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_sha256(path):
    actual = sha256_of(path)
    if actual != SDIST_SHA256:
        raise HarnessError(
            f"sha256 mismatch for {path}:\n  expected {SDIST_SHA256}\n"
            f"  got      {actual}\nDelete the file to download it again.")


def fetch_sdist():
    """The pinned sdist from build/cache/, downloaded first if missing."""
    sdist = CACHE_DIR / SDIST_NAME
    if not sdist.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        print(f"conformance: downloading {SDIST_NAME}", flush=True)
        with tempfile.TemporaryDirectory(dir=CACHE_DIR) as download_dir:
            command = [sys.executable, "-m", "pip", "download", "--no-deps",
                       "--no-binary", ":all:", f"mutagen=={VERSION}",
                       "-d", download_dir]
            result = subprocess.run(command, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            downloaded = Path(download_dir) / SDIST_NAME
            if result.returncode != 0 or not downloaded.exists():
                raise HarnessError(
                    f"pip download of mutagen=={VERSION} failed:\n"
                    f"{result.stdout}")
            # Checked before it enters the cache, so the cache only ever
            # holds the pinned file.
            check_sha256(downloaded)
            os.replace(downloaded, sdist)
    check_sha256(sdist)
    return sdist


def extract_subtree(sdist, subtree, destination):
    """Extract the sdist's top-level directory `subtree` to destination/subtree.

    The copy is unpacked beside its destination and renamed into place, so an
    existing destination is always complete and is left as it is."""
    target = destination / subtree
    if target.is_dir():
        return
    destination.mkdir(parents=True, exist_ok=True)
    prefix = f"mutagen-{VERSION}/{subtree}/"
    # The "data" filter (where this Python has it) refuses links and paths
    # that leave the destination; the sha256 pin already vouches for the file.
    safety = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    with tempfile.TemporaryDirectory(dir=WORK_DIR) as unpack_dir:
        with tarfile.open(sdist) as archive:
            members = [member for member in archive.getmembers()
                       if member.name.startswith(prefix)]
            if not members:
                raise HarnessError(f"{sdist} has no {prefix}")
            archive.extractall(unpack_dir, members, **safety)
        os.replace(Path(unpack_dir) / prefix, target)


def pytest_command(report_path, args):
    return [
        sys.executable, "-m", "pytest",
        "-p", "plugin",
        # Plugin autoloading is off (see pytest_env), so that no plugin
        # installed by chance changes the run; hypothesis's is wanted.
        "-p", "_hypothesis_pytestplugin",
        "-p", "no:cacheprovider",
        # Keep configuration and conftest.py files of this repository, which
        # encloses build/, out of the upstream suite's run.
        "-c", os.devnull, "--rootdir", str(SUITE_DIR),
        "--confcutdir", str(SUITE_DIR),
        f"--conformance-report={report_path}",
        *args,
    ]


def pytest_env(python_path):
    env = dict(os.environ)
    # Extra pytest options come through run.py's -- passthrough, where run.py
    # knows the run is partial.
    env.pop("PYTEST_ADDOPTS", None)
    env.update({
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",  # the suite refuses to run without a unicode locale
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PYTHONPATH": os.pathsep.join(str(entry) for entry in python_path),
    })
    return env


def run_pytest(report_path, args, python_path, log_path=None):
    """Run pytest in the suite's directory and return the plugin's report.

    pytest's output goes to log_path if one is given, else to the terminal."""
    report_path.unlink(missing_ok=True)
    command = pytest_command(report_path, args)
    env = pytest_env(python_path)
    if log_path is None:
        status = subprocess.run(command, cwd=SUITE_DIR, env=env).returncode
        output = "above"
    else:
        with open(log_path, "w") as log:
            status = subprocess.run(command, cwd=SUITE_DIR, env=env, stdout=log,
                                    stderr=subprocess.STDOUT).returncode
        output = f"in {log_path}"
    if status not in PYTEST_RAN or not report_path.exists():
        raise HarnessError(f"pytest could not run the suite (exit status "
                           f"{status}); see its output {output}")
    with open(report_path, encoding="utf-8") as stream:
        return json.load(stream)


def reference_ids(sdist):
    """Every upstream test id, collected once with the real mutagen."""
    if not ALL_TESTS.exists():
        extract_subtree(sdist, "mutagen", REFERENCE_DIR)
        print("conformance: collecting the upstream test ids with the real "
              "mutagen", flush=True)
        args = [f"--conformance-reference={REFERENCE_DIR}", "--collect-only", "-q"]
        log_path = WORK_DIR / "reference-collect.log"
        report = run_pytest(WORK_DIR / "reference-report.json", args,
                            [HERE, REFERENCE_DIR], log_path)
        if report["collection_errors"] or not report["collected"]:
            raise HarnessError(f"reference collection went wrong; see {log_path}")
        unfinished = ALL_TESTS.with_suffix(".partial")
        unfinished.write_text("".join(f"{test}\n" for test in report["collected"]))
        os.replace(unfinished, ALL_TESTS)
    return ALL_TESTS.read_text().splitlines()


def inherited_python_path():
    # Made absolute because pytest runs in another directory.
    value = os.environ.get("PYTHONPATH", "")
    return [os.path.abspath(entry) for entry in value.split(os.pathsep) if entry]


def module_of(test_id):
    return test_id.split("::", 1)[0]


def judge(reference, report, partial):
    """Map upstream test ids to "passed", "failed" or "skipped".

    In a full run every upstream test is judged, and one that did not run
    has failed: its module failed to collect, or cmutagen changed its id.  A
    partial run judges only the tests that ran, since it cannot tell which
    tests of a module that failed to collect it would have selected."""
    outcomes = report["outcomes"]
    verdicts = {}
    for test_id in reference:
        if test_id in outcomes:
            verdicts[test_id] = outcomes[test_id]
        elif not partial:
            verdicts[test_id] = "failed"
    return verdicts


def print_table(verdicts, collection_errors):
    per_module = defaultdict(lambda: [0, 0])  # module -> [passed, total]
    for test_id, verdict in verdicts.items():
        counts = per_module[module_of(test_id)]
        counts[0] += verdict == "passed"
        counts[1] += 1
    notes = {module_of(node_id): f"collection error: {message}"
             for node_id, message in collection_errors.items()}
    # A module that failed to collect gets a row even in a partial run.
    modules = sorted(set(per_module) | set(notes))

    width = max(len(Path(module).name) for module in modules + ["total"])
    print(f"\n{'module':<{width}}  passed / total")
    for module in modules:
        passed, total = per_module[module]
        row = f"{Path(module).name:<{width}}  {passed:>6} / {total:<6} "
        print((row + notes.get(module, "")).rstrip())
    passed = sum(counts[0] for counts in per_module.values())
    print(f"{'total':<{width}}  {passed:>6} / {len(verdicts)}")


def read_ratchet():
    if not RATCHET.exists():
        return set()
    lines = (line.strip() for line in RATCHET.read_text().splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def write_ratchet(test_ids):
    RATCHET.write_text(RATCHET_HEADER + "".join(f"{t}\n" for t in sorted(test_ids)))


def check_ratchet(reference, verdicts, update):
    """Report ratchet regressions and newly passing tests; True if none regressed."""
    ratchet = read_ratchet()
    unknown = ratchet.difference(reference)
    if unknown:
        raise HarnessError(
            f"{RATCHET.name} lists ids that are not upstream tests:\n  "
            + "\n  ".join(sorted(unknown)))
    passing = {test for test, verdict in verdicts.items() if verdict == "passed"}
    regressed = sorted(test for test in ratchet
                       if test in verdicts and test not in passing)
    newly_passing = passing - ratchet

    if regressed:
        print(f"\n{len(regressed)} test(s) listed in {RATCHET.name} no longer pass:")
        for test in regressed:
            print(f"  {test}: {verdicts[test]}")
    if newly_passing:
        if update:
            write_ratchet(ratchet | newly_passing)
            print(f"{RATCHET.name}: added {len(newly_passing)} newly passing "
                  f"test(s), {len(ratchet | newly_passing)} listed")
        else:
            print(f"{len(newly_passing)} newly passing; run make conformance-update")
    elif update and not RATCHET.exists():
        write_ratchet(ratchet)
    return not regressed


def run(args):
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    sdist = fetch_sdist()
    extract_subtree(sdist, "tests", SUITE_DIR)
    if args.fetch_only:
        return 0
    reference = reference_ids(sdist)

    # Without paths pytest collects its cwd, which holds only tests/: the
    # full suite, and a path given after -- narrows it.
    selection = ["-k", args.keyword] if args.keyword else []
    partial = bool(selection or args.pytest_args)
    pytest_args = [
        # A module cmutagen cannot import yet must not stop the others.
        "--continue-on-collection-errors",
        # The summary below replaces pytest's failure listings.
        "-q", "--tb=no", "-rN",
        *selection, *args.pytest_args]
    report = run_pytest(WORK_DIR / "report.json", pytest_args,
                        [HERE, *inherited_python_path()],
                        WORK_DIR / "pytest.log" if args.quiet else None)

    verdicts = judge(reference, report, partial)
    print(f"\nmutagen under test: {report['mutagen']}")
    print_table(verdicts, report["collection_errors"])
    unlisted = set(report["outcomes"]).difference(reference)
    if unlisted:
        print(f"({len(unlisted)} test id(s) ran that upstream does not have; "
              "not counted)")
    if partial:
        print(f"(partial run: the {len(reference) - len(verdicts)} upstream "
              "test(s) that did not run are not counted)")
    ratchet_held = check_ratchet(reference, verdicts, args.update)

    passed = sum(verdict == "passed" for verdict in verdicts.values())
    skipped = sum(verdict == "skipped" for verdict in verdicts.values())
    failed = len(verdicts) - passed - skipped
    summary = (f"conformance: {passed} of {len(verdicts)} upstream tests pass "
               f"({failed} not yet")
    print(summary + (f", {skipped} skipped)" if skipped else ")"))
    return 0 if ratchet_held else 1


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except HarnessError as error:
        print(f"conformance: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
