#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The native level of the benchmark: libcmutagen, lofty and TagLib, and the
I/O floor, on the corpus, side by side in one run.

    python bench/native/native.py --corpus build/corpus \\
        --cmutagen-build build/release/c --rounds 7 --out build/bench/native.json [--check]

1. Builds the programs into build/bench/native/ (gcc/g++ -O2, warnings are
   errors) and lofty-bench with cargo; a peer that cannot be built gets rows
   with `median_us: null` and the reason, instead of stopping the run.
2. Writes one list file per format from the manifest (bench/README.md).
3. The gate, before any timing: every program dumps every file, from memory
   and from the path.  On the formats cmutagen reads, the tags (as a
   multiset of lines) and the pictures of every library in every mode must
   equal cmutagen's, after the normalisation table below; a difference in
   what both sides read stops the run.  A file a peer cannot read is left
   out of that peer's figures (counted, with the first reason, in its
   rows' note); a file cmutagen cannot read stops the run.  A format
   cmutagen reads that no peer could be compared on fails --check, and
   otherwise is flagged loudly in the log and in its rows' notes.  On the
   other formats lofty and TagLib are compared and their differences
   summarised, so we know they do the same work.
4. Timing, rounds on the outside: per format, each round runs every
   (program, mode) once with --rounds 1, the order rotated every round, so
   drift or a burst of other load is spread over all the libraries rather
   than landing on one.  A row per format × profile × library × call is the
   median over files of the per-file medians over rounds; allocation counts
   come from the first round's run (they do not vary between runs).  Each
   run warms up untimed for a few milliseconds first (common.h says why).
5. Writes the rows (the README's "Level results", level "native") to --out
   and prints a compact table.

No third-party imports: this runs with any Python 3.11.
"""

import argparse
import collections
import json
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT_DIR = os.path.join(ROOT, "build", "bench", "native")
CARGO_TARGET = os.path.join(ROOT, "build", "bench", "cargo")
LOFTY_CRATE = os.path.join(HERE, "lofty-bench", "Cargo.toml")
sys.path.insert(0, os.path.dirname(HERE))
import machine  # noqa: E402  (bench/machine.py)

CFLAGS = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror"]
CXXFLAGS = ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror"]
RUN_TIMEOUT = 3600  # seconds; a hung program must not hang `make bench`

NOT_IMPLEMENTED = "format not implemented in cmutagen yet"
# The note of every row of a format cmutagen reads but no peer was compared on.
UNGATED = "NOT GATED: no peer could be compared with cmutagen"

# What a row's `note` says about a peer in one mode (what it does
# differently), keyed by (library, mode).  Every program is given the format
# (no detection), so that is not repeated.
NOTES = {
    ("taglib", "mem"): "ByteVectorStream on a ByteVector filled before timing",
    ("io-floor", "path"): "open, one pread per manifest range, close",
    ("io-floor", "mem"): "one pass of the bulk touch over the manifest ranges, in memory",
}

# Mapping differences between the libraries' dumps, made equal before the
# gate compares them.  Each entry: (library, formats it applies to, why,
# function from a file's record to the normalised record).  Only a
# *mapping* may be normalised here -- how a library names or spells the same
# data; a library that reads different data must fail the gate.  (Keys are
# upper-cased by every program already, as the contract says.)
def _drop_tags(*lines):
    """A record without the given tag lines."""
    def drop(record):
        return dict(record, tags=[tag for tag in record["tags"] if tag not in lines])
    return drop


def _v23_dates(record):
    """ID3v2.3 keeps a date in TYER (yyyy), TDAT (ddmm) and TIME (hhmm), and
    the original release year in TORY; mutagen's v2.4 view of the tag, lofty
    and TagLib show them as the v2.4 timestamps TDRC and TDOR (ISO 8601)."""
    parts, tags = {}, []
    for tag in record["tags"]:
        key, _, value = tag.partition("=")
        if key in ("TYER", "TDAT", "TIME"):
            parts.setdefault(key, value)
        else:
            tags.append("TDOR=" + value if key == "TORY" else tag)
    if "TYER" in parts:
        stamp = parts["TYER"]
        date, time = parts.get("TDAT", ""), parts.get("TIME", "")
        if len(date) == 4:
            stamp += "-%s-%s" % (date[2:], date[:2])
            if len(time) == 4:
                stamp += "T%s:%s" % (time[:2], time[2:])
        tags.append("TDRC=" + stamp)
    return dict(record, tags=tags)


MP3 = ("mp3-id3v23", "mp3-id3v24")

NORMALISE = [
    # TagLib 1.13 merges an ID3v2.3 TYER+TDAT into TDRC when it reads the
    # tag, as mutagen and lofty do, but keeps the TDAT frame, emptied.
    ("taglib", MP3, "empty TDAT left after the v2.3 date merge", _drop_tags("TDAT=")),
    # libcmutagen returns ID3v2.3 frames as stored (as mutagen's ID3 does
    # with translate=False); the others upgrade the date frames to v2.4.
    ("cmutagen", ("mp3-id3v23",), "v2.3 TYER/TDAT/TIME and TORY as v2.4 TDRC and TDOR",
     _v23_dates),
]


def log(*parts):
    print("native:", *parts, file=sys.stderr, flush=True)


def loud(text):
    """A warning nobody scrolling past the log should miss."""
    log("!" * 72)
    log("WARNING: " + text)
    log("!" * 72)


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------

class Program:
    """One benchmark executable, or why there is none."""

    def __init__(self, library, modes, call_of_mode):
        self.library = library
        self.modes = modes                # the --mode values it is timed in
        self.call_of_mode = call_of_mode  # mode -> the row's `call`
        self.exe = None
        self.unavailable = None           # reason, when exe is None

    def __repr__(self):
        return self.library


def run_cmd(cmd, **kwargs):
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def tail(text, lines=6):
    return " | ".join(text.strip().splitlines()[-lines:])


def compile_or_fail(cmd):
    result = run_cmd(cmd, cwd=ROOT)
    if result.returncode != 0:
        sys.exit("native: build failed: %s\n%s" % (" ".join(cmd), result.stderr))


def build(args):
    """Build every program; returns (cmutagen, lofty, taglib, floor)."""
    os.makedirs(OUT_DIR, exist_ok=True)
    cc = os.environ.get("CC", "gcc")
    cxx = os.environ.get("CXX", "g++")
    src = lambda name: os.path.join(HERE, name)
    out = lambda name: os.path.join(OUT_DIR, name)

    alloc_o = out("alloc_count.o")
    compile_or_fail([cc, *CFLAGS, "-c", src("alloc_count.c"), "-o", alloc_o])

    cm = Program("cmutagen", ("mem", "path"), {"mem": "mem", "path": "path"})
    lib = os.path.join(os.path.abspath(args.cmutagen_build), "libcmutagen.a")
    if not os.path.exists(lib):
        sys.exit("native: %s is missing (make c-lib builds it)" % lib)
    # libcmutagen inflates compressed ID3v2 frames with zlib
    compile_or_fail([cc, *CFLAGS, "-I", os.path.join(ROOT, "include"), src("cm_bench.c"),
                     alloc_o, lib, "-lz", "-o", out("cm_bench")])
    cm.exe = out("cm_bench")

    floor = Program("io-floor", ("mem", "path"), {"mem": "mem-floor", "path": "floor"})
    compile_or_fail([cc, *CFLAGS, src("io_floor.c"), alloc_o, "-o", out("io_floor")])
    floor.exe = out("io_floor")

    taglib = Program("taglib", ("mem", "path"), {"mem": "mem", "path": "path"})
    flags = run_cmd(["pkg-config", "--cflags", "--libs", "taglib"])
    if flags.returncode != 0:
        taglib.unavailable = "TagLib not found by pkg-config (libtag1-dev)"
    else:
        # -isystem: warnings in TagLib's own headers are not ours to fix
        words = ["-isystem" + w[2:] if w.startswith("-I") else w for w in flags.stdout.split()]
        compile_or_fail([cxx, *CXXFLAGS, src("taglib_bench.cpp"), alloc_o, *words,
                         "-o", out("taglib_bench")])
        taglib.exe = out("taglib_bench")

    lofty = Program("lofty", ("mem", "path"), {"mem": "mem", "path": "path"})
    cargo = shutil.which("cargo") or os.path.expanduser("~/.cargo/bin/cargo")
    if not os.path.exists(LOFTY_CRATE):
        lofty.unavailable = "lofty-bench crate missing (bench/native/lofty-bench)"
    elif not os.path.exists(cargo):
        lofty.unavailable = "cargo not found (rustup)"
    else:
        log("cargo build --release (lofty-bench)")
        result = run_cmd([cargo, "build", "--release", "--quiet", "--manifest-path", LOFTY_CRATE,
                          "--target-dir", CARGO_TARGET], cwd=ROOT)
        if result.returncode != 0:
            errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
            lofty.unavailable = "lofty-bench failed to build: " + (
                errors[0] if errors else tail(result.stderr, 3))
        else:
            lofty.exe = os.path.join(CARGO_TARGET, "release", "lofty-bench")
    for program in (taglib, lofty):
        if program.unavailable:
            log("%s: %s" % (program.library, program.unavailable))
    return cm, lofty, taglib, floor


# ---------------------------------------------------------------------------
# The corpus and the list files
# ---------------------------------------------------------------------------

def load_manifest(corpus, formats):
    path = os.path.join(corpus, "manifest.json")
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    base = os.path.dirname(os.path.abspath(path))
    by_format = collections.OrderedDict()
    for entry in manifest["files"]:
        if formats and entry["format"] not in formats:
            continue
        item = dict(entry, abspath=os.path.normpath(os.path.join(base, entry["path"])))
        by_format.setdefault(entry["format"], []).append(item)
    if not by_format:
        sys.exit("native: no files in %s" % path)
    return by_format


def write_lists(by_format):
    """One list file per format: path<TAB>format<TAB>off:len,off:len."""
    lists = {}
    os.makedirs(os.path.join(OUT_DIR, "lists"), exist_ok=True)
    for fmt, files in by_format.items():
        lists[fmt] = os.path.join(OUT_DIR, "lists", fmt + ".list")
        with open(lists[fmt], "w", encoding="utf-8") as f:
            for item in files:
                ranges = ",".join("%d:%d" % (off, length) for off, length in item["ranges"])
                f.write("%s\t%s\t%s\n" % (item["abspath"], fmt, ranges))
    return lists


# ---------------------------------------------------------------------------
# The gate
# ---------------------------------------------------------------------------

def parse_dump(text):
    """path -> {"tags": [...], "pictures": [...], "errors": [...], "props": [...]}"""
    files = collections.OrderedDict()
    record = None
    kinds = {"tag": "tags", "picture": "pictures", "error": "errors", "prop": "props"}
    for line in text.split("\n"):
        if not line:
            continue
        kind, _, rest = line.partition(" ")
        if kind == "file":
            record = files[rest] = {"tags": [], "pictures": [], "errors": [], "props": []}
        elif kind in kinds and record is not None:
            record[kinds[kind]].append(rest)
        else:
            raise ValueError("unexpected dump line: %r" % line)
    return files


def dump(program, list_file, mode):
    """The program's parsed dump, or an error string."""
    try:
        result = subprocess.run([program.exe, "--list", list_file, "--mode", mode, "--dump"],
                                capture_output=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "timed out after %d s in --dump" % RUN_TIMEOUT
    if result.returncode != 0:
        return "exit status %d in --dump: %s" % (
            result.returncode, tail(result.stderr.decode("utf-8", "replace"), 3))
    try:
        return parse_dump(result.stdout.decode("utf-8", "surrogateescape"))
    except ValueError as error:
        return str(error)


# (library, format, why) -> dump lines a normalisation changed, for the log
normalised_lines = collections.Counter()


def normalised(record, library, fmt):
    for lib, formats, why, function in NORMALISE:
        if lib == library and fmt in formats:
            before = record
            record = function(record)
            normalised_lines[(library, fmt, why)] += len(differences(before, record))
    return record


def differences(expected, actual):
    """Lines one record has and the other lacks (tags and pictures, as multisets)."""
    out = []
    for field in ("errors", "tags", "pictures"):
        want = collections.Counter(expected[field])
        got = collections.Counter(actual[field])
        prefix = field.rstrip("s")
        out += ["missing %s %s" % (prefix, line) for line in sorted((want - got).elements())]
        out += ["extra   %s %s" % (prefix, line) for line in sorted((got - want).elements())]
    return out


class GateResult:
    """What the gate leaves for the timing: who could not be compared."""

    def __init__(self):
        self.skipped = {}   # (library, format) -> why the peer's dump failed as a whole
        self.excluded = collections.defaultdict(dict)  # (library, mode, format) -> {path: reason}
        self.ungated = {}   # format cmutagen reads that no peer checked -> its rows' note


def gate(programs, lists, by_format, check):
    """Dumps and compares every file; returns a GateResult.  Exits when what
    cmutagen and a peer both read differs, when cmutagen cannot read a file
    of a format it implements, and (with `check`) when such a format could be
    compared with no peer."""
    result = GateResult()
    cm, peers = programs[0], [p for p in programs[1:] if p.exe and p.library != "io-floor"]
    for fmt, list_file in lists.items():
        dumps = {}
        for program in [cm] + peers:
            for mode in ("mem", "path"):
                got = dump(program, list_file, mode)
                if isinstance(got, str):
                    if program is cm:
                        sys.exit("native: gate: cmutagen %s %s: %s" % (fmt, mode, got))
                    result.skipped[(program.library, fmt)] = got
                    log("gate: %s %s %s: %s" % (program.library, fmt, mode, got))
                    break
                dumps[(program.library, mode)] = got
            # a peer whose path dump failed is not half-compared on mem alone
            if (program.library, fmt) in result.skipped:
                dumps.pop((program.library, "mem"), None)
        paths = [item["abspath"] for item in by_format[fmt]]
        for key, files in dumps.items():
            if list(files) != paths:
                sys.exit("native: gate: %s %s dumped other files than listed" % (key, fmt))

        reference = dumps[("cmutagen", "mem")]
        implemented = not any(NOT_IMPLEMENTED in e for r in reference.values() for e in r["errors"])
        if implemented:
            compared = gate_format(fmt, paths, dumps, reference, result)
        else:
            summarise_peers(fmt, dumps, paths)
            continue
        # a peer counts as a check only if it read (and matched) some file
        checked_by = sorted({library for library, _ in compared} - {"cmutagen"})
        if not checked_by:
            why = "; ".join("%s: %s" % (p.library, p.unavailable or result.skipped.get(
                (p.library, fmt), "read none of the files")) for p in programs[1:])
            if check:
                sys.exit("native: gate: %s: no peer to compare cmutagen with (%s)" % (fmt, why))
            result.ungated[fmt] = UNGATED
            loud("%s: %s, so its figures are unchecked (%s)" % (fmt, UNGATED, why))
            continue
        some = " (each on the files it could read)" if any(
            f == fmt for _, _, f in result.excluded) else ""
        log("gate: %s: %d files: cmutagen, %s read the same tags and pictures, from memory and "
            "path%s" % (fmt, len(paths), ", ".join(checked_by), some))
        for (library, mode, f), bad in sorted(result.excluded.items()):
            if f == fmt:
                log("gate: %s %s %s: %d of %d files excluded (first: %s: %s)" % (
                    library, mode, fmt, len(bad), len(paths), os.path.basename(next(iter(bad))),
                    printable(next(iter(bad.values())))))
    for (library, fmt, why), count in sorted(normalised_lines.items()):
        if count:
            log("normalised: %s %s: %s (%d lines)" % (library, fmt, why, count))
    return result


def gate_format(fmt, paths, dumps, reference, result):
    """Compares every dump of a format cmutagen reads with cmutagen's (mem)
    one.  A file a peer cannot read goes to result.excluded; returns the set
    of (library, mode) that had at least one file compared."""
    compared = set()
    for (library, mode), files in dumps.items():
        for path in paths:
            want = normalised(reference[path], "cmutagen", fmt)
            got = normalised(files[path], library, fmt)
            if want["errors"]:
                sys.exit("native: gate failed: %s\n  cmutagen cannot read it: %s"
                         % (path, printable(want["errors"][0], 400)))
            if got["errors"] and library != "cmutagen":
                result.excluded[(library, mode, fmt)][path] = got["errors"][0]
                continue
            diff = differences(want, got)
            if diff:
                sys.exit("native: gate failed: %s\n  %s (%s) differs from cmutagen (mem): %s"
                         % (path, library, mode, printable(diff[0], 400)))
            compared.add((library, mode))
    return compared


def printable(line, width=110):
    """A dump line for the log: control characters escaped, long ones cut."""
    line = "".join(c if c.isprintable() else "\\u%04x" % ord(c) for c in line)
    return line if len(line) <= width else line[:width - 3] + "..."


def summarise_peers(fmt, dumps, paths):
    """Print (not stop on) how lofty and TagLib differ on a format cmutagen
    does not read yet, and whether each reads the same in both modes."""
    pairs = [(("lofty", "mem"), ("taglib", "mem")),
             (("lofty", "mem"), ("lofty", "path")),
             (("taglib", "mem"), ("taglib", "path"))]
    for a, b in pairs:
        if a not in dumps or b not in dumps:
            continue
        lines = collections.Counter()
        differing = 0
        for path in paths:
            diff = differences(normalised(dumps[a][path], a[0], fmt),
                               normalised(dumps[b][path], b[0], fmt))
            differing += bool(diff)
            lines.update(printable(line) for line in diff)
        label = "%s (%s) vs %s (%s)" % (a + b)
        if not differing:
            log("peers: %s: %s: same tags and pictures on all %d files" % (fmt, label, len(paths)))
            continue
        log("peers: %s: %s: %d of %d files differ (%s is 'extra'); most common lines:"
            % (fmt, label, differing, len(paths), b[0]))
        for line, count in lines.most_common(6):
            log("    %4d× %s" % (count, line))


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------

def time_run(program, list_file, mode, rounds):
    """The program's JSON result, or an error string."""
    try:
        result = run_cmd([program.exe, "--list", list_file, "--mode", mode,
                          "--rounds", str(rounds)], timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "timed out after %d s" % RUN_TIMEOUT
    if result.returncode != 0:
        return "exit status %d: %s" % (result.returncode, tail(result.stderr, 3))
    try:
        return json.loads(result.stdout)
    except ValueError:
        return "output is not JSON: " + tail(result.stdout, 2)


def median(values):
    return statistics.median(values) if values else None


def combine_rounds(runs):
    """One result from the per-round JSON results of a (program, mode):
    per file the median of its times over the rounds, the allocation figures
    of the first round, and an error if any round failed on it."""
    first = runs[0]
    n = len(first["ns"])
    errors = [next((run["errors"][i] for run in runs if run["errors"][i] is not None), None)
              for i in range(n)]
    ok = lambda i: errors[i] is None
    return {"version": first["version"], "rounds": len(runs), "errors": errors,
            "ns": [median([run["ns"][i] for run in runs]) if ok(i) else None for i in range(n)],
            "allocs": [first["allocs"][i] if ok(i) else None for i in range(n)],
            "alloc_bytes": [first["alloc_bytes"][i] if ok(i) else None for i in range(n)]}


def rows_for(program, mode, fmt, files, result, excluded, extra_note):
    """One row per profile from the combined result of a (program, mode) over
    the format's list (or an error string).  `excluded` maps paths the gate
    left out for this program to the reason; they count as failures.  `files`
    is the number of files measured (0 when none), as at the Python level."""
    rows = []
    profiles = collections.OrderedDict()
    for index, item in enumerate(files):
        profiles.setdefault(item["profile"], []).append(index)
    for profile, indices in profiles.items():
        note = "; ".join(n for n in (NOTES.get((program.library, mode), ""), extra_note) if n)
        row = {"level": "native", "format": fmt, "profile": profile, "library": program.library,
               "call": program.call_of_mode[mode], "median_us": None, "files": 0,
               "rounds": 0, "version": None, "note": note, "allocs": None, "alloc_bytes": None}
        rows.append(row)
        if isinstance(result, str):
            row["note"] = "; ".join(n for n in (result, extra_note) if n)
            continue
        row["version"] = result["version"]
        failed = []  # (path, reason)
        for i in indices:
            path = files[i]["abspath"]
            if path in excluded:
                failed.append((path, "gate: " + excluded[path]))
            elif result["errors"][i] is not None:
                failed.append((path, result["errors"][i]))
        bad = {path for path, _ in failed}
        ok = [i for i in indices if files[i]["abspath"] not in bad]
        if failed:
            first_path, first_reason = failed[0]
            if len(failed) == len(indices) and len({why for _, why in failed}) == 1:
                what = first_reason  # e.g. the format is not implemented
            else:
                what = "not measured on %d of %d files (first: %s: %s)" % (
                    len(failed), len(indices), os.path.basename(first_path), first_reason)
            row["note"] = "; ".join(n for n in (what, note) if n)
        if ok:
            row["files"] = len(ok)
            row["rounds"] = result["rounds"]
            row["median_us"] = round(median([result["ns"][i] for i in ok]) / 1000.0, 3)
            row["allocs"] = round(median([result["allocs"][i] for i in ok]))
            row["alloc_bytes"] = round(median([result["alloc_bytes"][i] for i in ok]))
    return rows


def timing(programs, lists, by_format, rounds, gated):
    """Rounds on the outside: each round runs every (program, mode) once, in
    an order rotated every round; returns the rows."""
    rows = []
    for fmt, list_file in lists.items():
        jobs = [(program, mode) for program in programs for mode in ("mem", "path")
                if mode in program.modes]
        # job -> list of per-round JSON results, or the reason it has none
        runs = {}
        for program, mode in jobs:
            reason = program.unavailable or gated.skipped.get((program.library, fmt))
            runs[(program, mode)] = reason or []
        log("timing %s: %d round(s) of %s" % (fmt, rounds, ", ".join(
            "%s %s" % (p.library, m) for p, m in jobs if isinstance(runs[(p, m)], list))))
        for r in range(rounds):
            shift = r % len(jobs)
            for job in jobs[shift:] + jobs[:shift]:
                if not isinstance(runs[job], list):
                    continue  # unavailable, or failed in an earlier round
                program, mode = job
                result = time_run(program, list_file, mode, 1)
                if isinstance(result, str):
                    log("timing %s %s %s, round %d: %s"
                        % (fmt, program.library, mode, r + 1, result))
                    runs[job] = result
                else:
                    runs[job].append(result)
        for program in programs:
            check_checksums(program, fmt, runs)
        for program, mode in jobs:
            result = runs[(program, mode)]
            if isinstance(result, list):
                result = combine_rounds(result)
            rows += rows_for(program, mode, fmt, by_format[fmt], result,
                             gated.excluded.get((program.library, mode, fmt), {}),
                             gated.ungated.get(fmt, ""))
    return rows


def check_checksums(program, fmt, runs):
    """The same values touched from memory and from the path hash the same,
    round by round (each run hashes its warm-up pass and its one round)."""
    mem, path = runs.get((program, "mem")), runs.get((program, "path"))
    if not isinstance(mem, list) or not isinstance(path, list) or program.library == "io-floor":
        return  # (the floors do different things in the two modes)
    for r, (a, b) in enumerate(zip(mem, path)):
        if a.get("checksum") != b.get("checksum") and a["errors"] == b["errors"]:
            log("warning: %s %s: round %d: checksum differs between modes: %s, %s"
                % (program.library, fmt, r + 1, a.get("checksum"), b.get("checksum")))
            return


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def print_table(rows):
    def show(value, fmt):
        return "—" if value is None else fmt % value
    header = "%-11s %-8s %-9s %-6s %10s %8s %10s %6s" % (
        "format", "profile", "library", "call", "µs/file", "allocs", "alloc B", "files")
    print(header)
    print("-" * len(header))
    for row in rows:
        print("%-11s %-8s %-9s %-6s %10s %8s %10s %6s%s" % (
            row["format"], row["profile"], row["library"], row["call"],
            show(row["median_us"], "%.2f"), show(row["allocs"], "%d"),
            show(row["alloc_bytes"], "%d"), row["files"],
            # the standing notes of NOTES would repeat on every row; the rest matter
            "  (%s)" % row["note"] if row["note"] and row["note"] not in NOTES.values() else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, help="folder holding manifest.json")
    parser.add_argument("--cmutagen-build", required=True, help="meson build folder with libcmutagen.a")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", required=True, help="where the JSON rows go")
    parser.add_argument("--check", action="store_true", help="one round, small output; gates still run")
    parser.add_argument("--formats", help="comma-separated formats to run (default: all)")
    args = parser.parse_args()
    rounds = 1 if args.check else args.rounds

    by_format = load_manifest(args.corpus, set(args.formats.split(",")) if args.formats else None)
    programs = build(args)
    cm, lofty, taglib, floor = programs
    lists = write_lists(by_format)
    gated = gate([cm, lofty, taglib], lists, by_format, args.check)
    rows = timing([cm, lofty, taglib, floor], lists, by_format, rounds, gated)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=1, ensure_ascii=False)
        f.write("\n")
    if args.check:
        timed = sum(row["median_us"] is not None for row in rows)
        print("native: gate passed; %d rows (%d timed, 1 round) in %s" % (len(rows), timed, args.out))
        return
    print("native level: %d rounds, median over files of per-file medians; %s" % (rounds, machine.summary()))
    print_table(rows)
    for fmt in gated.ungated:
        loud("%s: %s; see the log above" % (fmt, UNGATED))


if __name__ == "__main__":
    main()
