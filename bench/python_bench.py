#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Python-level benchmark: cmutagen against mutagen, mutagen-rs, tinytag and
pytaglib, on the corpus, side by side in one run.

    python bench/python_bench.py --corpus build/corpus --rounds 7 \\
        --out build/bench/python.json [--check]

Per format x profile it times `File(path)`, the format class on a path and
on a BytesIO, each followed by touching every value (bench/touch.py), plus
the Python I/O floor; then the whole corpus as a batch on two workers.  The
rules of ../../shared/DESIGN.md ("Honest benchmarks") shape it:

- a correctness gate first: cmutagen's touched result must equal mutagen's
  for every file and every call it is timed on, or the run stops; the run
  also stops if cmutagen cannot be imported, or fails to load or compare
  any format it claims (cmutagen._file._FORMATS);
- peers are sanity-checked (they read every file, and its title), and a file
  a peer fails on is reported and left out of that peer's timing; its note
  then gives cmutagen's median and the ratio on the files the peer reads;
- a round visits every file of the cell once, in order, so no file is read
  twice in a row; a peer's caches are cleared before every timed call (and
  mutagen-rs's once more inside it, so freeing its result is charged);
- per file the median over rounds, per cell the median over files.

--check runs one round with the same gates and prints a line or two: it is
CI's correctness mode and makes no timing claim.
"""

import argparse
import concurrent.futures
import contextlib
import gc
import io
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import machine  # noqa: E402
import peers  # noqa: E402
import touch  # noqa: E402

PROFILES = ("minimal", "library")
BATCH_WORKERS = 2
BATCH_REPEATS = 5


@dataclass
class Entry:
    path: str
    format: str
    profile: str
    ranges: list
    data: Optional[bytes] = None


@dataclass
class Job:
    """One library's call over one cell's files: what the timing loop runs."""
    library: str
    version: str
    call: peers.Call
    files: list          # the entries it is timed on
    rounds: int
    failures: list       # (entry, reason) the sanity pass excluded
    samples: Optional[dict] = None


def load_manifest(corpus):
    """{(format, profile): [Entry]} in the order of peers.FORMAT_CLASSES."""
    path = os.path.join(corpus, "manifest.json")
    if not os.path.exists(path):
        sys.exit("no corpus manifest at %s (make corpus builds it)" % path)
    with open(path) as stream:
        manifest = json.load(stream)
    cells = {}
    for item in manifest["files"]:
        if item["format"] not in peers.FORMAT_CLASSES:
            print("warning: no class mapping for format %r (add it to peers.FORMAT_CLASSES)"
                  % item["format"], file=sys.stderr)
            continue
        entry = Entry(os.path.normpath(os.path.join(corpus, item["path"])), item["format"],
                      item["profile"], item["ranges"])
        cells.setdefault((entry.format, entry.profile), []).append(entry)
    order = list(peers.FORMAT_CLASSES)
    return dict(sorted(cells.items(), key=lambda kv: (
        order.index(kv[0][0]), PROFILES.index(kv[0][1]) if kv[0][1] in PROFILES else 99)))


def argument(call, entry):
    """What a timed call is given; made before the clock starts."""
    if call.arg == "bytesio":
        return io.BytesIO(entry.data)
    if call.arg == "entry":
        return entry
    if call.arg == "loaded":
        return call.load(entry.path)
    return entry.path


def io_floor(entry):
    """What any Python-level API must at least pay: open, read the byte
    ranges a metadata parse needs, close."""
    fd = os.open(entry.path, os.O_RDONLY)
    try:
        for offset, length in entry.ranges:
            os.pread(fd, length, offset)
    finally:
        os.close(fd)


@contextlib.contextmanager
def quiet_stderr(quiet):
    """stderr (fd 2) to /dev/null while a chatty library runs."""
    if not quiet:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def first_difference(expected, actual):
    """The first item (in canonical order) only one side has, for each side."""
    only_mutagen = [item for item in expected if item not in actual]
    only_cmutagen = [item for item in actual if item not in expected]
    if not only_mutagen and not only_cmutagen:
        return "same items, different counts (%d in mutagen, %d in cmutagen)" % (
            len(expected), len(actual))
    return "mutagen has %s; cmutagen has %s" % (
        short(only_mutagen[0]) if only_mutagen else "nothing more",
        short(only_cmutagen[0]) if only_cmutagen else "nothing more")


def short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def gate(cell, entries, cm_calls, mg_calls, claimed):
    """cmutagen against mutagen on every file and call; exits on the first
    mismatch.  On a format cmutagen claims (lists in cmutagen._file._FORMATS)
    a NotImplementedError is a failure too; on another it switches the call
    off (run None) for the cell.  Returns mutagen's titles, for the peers,
    and how many (file, call) pairs were compared."""
    titles, compared = {}, 0
    for cm_call, mg_call in zip(cm_calls, mg_calls):
        for entry in entries:
            try:
                expected = touch.canonical(mg_call.check(argument(mg_call, entry)))
            except Exception as error:
                sys.exit("%s: mutagen cannot read %s with %s: %r (the corpus must hold "
                         "files mutagen reads)" % (cell, entry.path, mg_call.call, error))
            if mg_call.call == peers.FILE_CALL:
                titles[entry.path] = peers.title_of(expected)
            if cm_call.run is None:
                continue
            try:
                actual = touch.canonical(cm_call.check(argument(cm_call, entry)))
            except NotImplementedError as error:
                if claimed:
                    sys.exit("correctness gate: cmutagen claims %s but %s raised %r on %s"
                             % (cell[0], cm_call.call, error, entry.path))
                cm_call.run = None
                cm_call.note = "not implemented in cmutagen yet"
                continue
            except Exception as error:
                sys.exit("correctness gate: cmutagen %s raised %r on %s, mutagen reads it"
                         % (cm_call.call, error, entry.path))
            if actual != expected:
                sys.exit("correctness gate: cmutagen %s differs from mutagen on %s\n  %s"
                         % (cm_call.call, entry.path, first_difference(expected, actual)))
            # The timed path (touch.touch_timed) must run on every file too.
            cm_call.run(argument(cm_call, entry))
            mg_call.run(argument(mg_call, entry))
            compared += 1
    return titles, compared


def sanity(library, call, entries, titles):
    """Run a peer's call once on every file: the files it reads (and whose
    title it finds) are timed, the others reported."""
    good, failures = [], []
    for entry in entries:
        try:
            if call.before:
                call.before()
            with quiet_stderr(call.quiet):
                touched = call.check(argument(call, entry))
                if call.check is not call.run:  # the timed path must work too
                    if call.before:
                        call.before()
                    call.run(argument(call, entry))
            want = titles.get(entry.path)
            if want:
                got = library.title(touched)
                if not got or want.split("\0")[0] not in got:
                    raise ValueError("title %r, mutagen reads %r" % (got, want))
        except Exception as error:
            failures.append((entry, "%s: %s" % (type(error).__name__, error)))
            continue
        good.append(entry)
    return good, failures


def time_jobs(jobs):
    """Rounds outermost, then each job over all its files: libraries side by
    side, no file read twice in a row.  Fills job.samples with per-file ns."""
    for job in jobs:
        job.samples = {entry.path: [] for entry in job.files}
    clock = time.perf_counter_ns
    for round_index in range(max((job.rounds for job in jobs), default=0)):
        for job in jobs:
            if round_index >= job.rounds or not job.files:
                continue
            run, before = job.call.run, job.call.before
            gc.collect()  # this library's garbage is not collected on the next one's clock
            with quiet_stderr(job.call.quiet):
                for entry in job.files:
                    arg = argument(job.call, entry)
                    if before:
                        before()
                    start = clock()
                    run(arg)
                    elapsed = clock() - start
                    job.samples[entry.path].append(elapsed)


def median_us(job, paths=None):
    """Median over files (all of the job's, or those of `paths`) of the
    per-file median over rounds."""
    if not job.samples:
        return None
    paths = job.samples if paths is None else paths
    return round(statistics.median(statistics.median(job.samples[path]) for path in paths)
                 / 1000, 3)


def row(level, fmt, profile, library, call, value, files, note, rounds=0, version=""):
    return {"level": level, "format": fmt, "profile": profile, "library": library,
            "call": call, "median_us": value, "files": files, "note": note,
            "rounds": rounds, "version": version}


def failure_note(failures, total):
    if not failures:
        return ""
    entry, reason = failures[0]
    return "failed on %d of %d files (first: %s: %s)" % (
        len(failures), total, os.path.basename(entry.path), reason)


def same_files_note(job, cm_jobs):
    """For a peer that failed on some files: cmutagen's median over the files
    the peer reads, and the ratio on those, so the ratio uses one file set."""
    reference = cm_jobs.get(job.call.call)
    if not job.failures or not job.files or reference is None:
        return "", None
    paths = [entry.path for entry in job.files]
    cm_us, peer_us = median_us(reference, paths), median_us(job)
    return ("on the %d files it reads cmutagen takes %.1f µs, ratio %.2f"
            % (len(paths), cm_us, peer_us / cm_us)), cm_us


def bench_cell(cell, entries, libraries, args):
    """Gate, sanity, timing and rows for one format x profile."""
    fmt, profile = cell
    for entry in entries:
        with open(entry.path, "rb") as stream:
            entry.data = stream.read()
    adapters = {name: lib for name, lib, _ in libraries}
    calls = {name: lib.calls(fmt) for name, lib in adapters.items() if lib}
    claimed = adapters["cmutagen"].claims(fmt)
    titles, compared = gate(cell, entries, calls["cmutagen"], calls["mutagen"], claimed)
    if claimed and not compared:
        sys.exit("correctness gate: cmutagen claims %s but no (file, call) pair of %s/%s "
                 "was compared" % (fmt, fmt, profile))
    # slots: the rows of the cell in table order, each a finished row (no
    # figure) or a Job whose row is made once it is timed.
    slots = []
    for name, lib, error in libraries:
        if lib is None:
            slots.append(row("python", fmt, profile, name, peers.FILE_CALL, None, 0, error))
            continue
        rounds = args.mutagen_rounds if name == "mutagen" else args.rounds
        for call in calls[name]:
            if call.run is None:
                slots.append(row("python", fmt, profile, name, call.call, None, 0, call.note,
                                 version=lib.version))
            elif name in ("cmutagen", "mutagen"):  # the gate has read every file
                slots.append(Job(name, lib.version, call, entries, rounds, []))
            else:
                good, failures = sanity(lib, call, entries, titles)
                slots.append(Job(name, lib.version, call, good, rounds, failures))
    # The touch alone, on the objects of the two libraries that build
    # mutagen's: with the I/O floor, the least a mutagen-style load + touch
    # can cost (report.py sets cmutagen against that sum).
    for name in ("cmutagen", "mutagen"):
        lib = adapters.get(name)
        call = lib.touch_call(fmt) if lib else None
        if call is not None:
            rounds = args.mutagen_rounds if name == "mutagen" else args.rounds
            slots.append(Job(name, lib.version, call, entries, rounds, []))
    floor = peers.Call("floor", io_floor, arg="entry",
                       note="os.open, os.pread of the ranges, os.close")
    slots.append(Job("python-io", platform.python_version(), floor, entries, args.rounds, []))
    jobs = [slot for slot in slots if isinstance(slot, Job)]
    time_jobs(jobs)
    cm_jobs = {job.call.call: job for job in jobs if job.library == "cmutagen"}
    rows = []
    for slot in slots:
        if isinstance(slot, Job):
            same_files, cm_us = same_files_note(slot, cm_jobs)
            note = "; ".join(n for n in (slot.call.note,
                                         failure_note(slot.failures, len(entries)), same_files)
                             if n)
            value = median_us(slot) if slot.files else None
            slot = row("python", fmt, profile, slot.library, slot.call.call, value,
                       len(slot.files), note, slot.rounds if slot.files else 0, slot.version)
            if cm_us is not None:
                slot["cmutagen_us_same_files"] = cm_us
        rows.append(slot)
    for entry in entries:
        entry.data = None
    return rows, jobs, compared


# The batch: the whole gated corpus, once per library, on two workers.
# Module-level functions, so a process pool can pickle them.

def load_chunk(library, paths):
    """Load and touch every file of a chunk, as the per-file timing does;
    only a count goes back, so the pool is not charged pickling values."""
    module = sys.modules.get(library) or __import__(library)
    names_by_class = {}
    for path in paths:
        touch.touch_timed(module.File(path), names_by_class)
    return len(paths)


def _load_chunk_star(args):
    return load_chunk(*args)


def chunked(paths, workers):
    """Work in chunks: a few per worker, so the pool keeps both busy
    without paying a hand-off per file."""
    size = max(1, -(-len(paths) // (workers * 4)))
    return [paths[i:i + size] for i in range(0, len(paths), size)]


def wall_ns(work, repeats, before=None):
    """Median wall time of `work` over `repeats`, after one untimed warm-up."""
    work()
    times = []
    for _ in range(repeats):
        if before:
            before()
        gc.collect()
        start = time.perf_counter_ns()
        work()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times)


def touch_plain(value):
    """Walk a plain dict/list result (mutagen-rs batch_open) touching all."""
    if isinstance(value, dict):
        return sum(touch_plain(k) + touch_plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(touch_plain(v) for v in value)
    if isinstance(value, (bytes, str)):
        return len(value)
    return 1


def bench_batch(paths, formats, libraries, repeats):
    """Rows of level python-batch: µs per file = wall time / files."""
    by_name = {name: lib for name, lib, _ in libraries}
    note = "formats: " + ", ".join(formats)
    rows = []

    def add(library, call, ns, extra=""):
        rows.append(row("python-batch", "all", "all", library, call,
                        round(ns / len(paths) / 1000, 3), len(paths),
                        "; ".join(n for n in (note, extra) if n), repeats,
                        by_name[library].version if by_name.get(library) else ""))

    chunks = chunked(paths, BATCH_WORKERS)
    for name in ("cmutagen", "mutagen"):
        if by_name.get(name) is None:
            continue
        add(name, "File(path) x1", wall_ns(lambda: load_chunk(name, paths), repeats),
            "one thread")
    if by_name.get("cmutagen"):
        # cmutagen's C parse releases the GIL, so threads can overlap it.
        with concurrent.futures.ThreadPoolExecutor(BATCH_WORKERS) as pool:
            work = [("cmutagen", chunk) for chunk in chunks]
            add("cmutagen", "File(path) x2 threads",
                wall_ns(lambda: list(pool.map(_load_chunk_star, work)), repeats),
                "ThreadPoolExecutor(2), %d chunks" % len(chunks))
    if by_name.get("mutagen"):
        # mutagen holds the GIL throughout: processes, started (and warmed
        # up) before the clock, are its two-core batch.
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(BATCH_WORKERS, mp_context=context) as pool:
            work = [("mutagen", chunk) for chunk in chunks]
            add("mutagen", "File(path) x2 processes",
                wall_ns(lambda: list(pool.map(_load_chunk_star, work)), repeats),
                "ProcessPoolExecutor(2) started before timing, %d chunks" % len(chunks))
    if by_name.get("mutagen-rs"):
        import mutagen_rs
        add("mutagen-rs", "batch_open(paths)",
            wall_ns(lambda: touch_plain(mutagen_rs.batch_open(paths)), repeats,
                    before=mutagen_rs.clear_all_caches),
            "its own parallel batch (rayon, all cores); caches cleared before each repetition; "
            "returns fewer fields than File() (no pictures, no format details)")
    return rows


def print_table(cell, count, rows):
    fmt, profile = cell
    print("\n%s / %s (%d files)" % (fmt, profile, count))
    print("  %-11s %-20s %10s %11s" % ("library", "call", "µs/file", "x cmutagen"))
    reference = {r["call"]: r["median_us"] for r in rows if r["library"] == "cmutagen"}
    for r in rows:
        if r["median_us"] is None:
            continue  # not offered / not implemented: in the JSON note
        # The floor is set against cmutagen's File(path): what it costs
        # beyond the bytes it must read.  A peer that failed on some files
        # is set against cmutagen on the files it reads.
        ref = r.get("cmutagen_us_same_files") or reference.get(
            peers.FILE_CALL if r["call"] == "floor" else r["call"])
        ratio = "%.2f" % (r["median_us"] / ref) if ref else "-"
        print("  %-11s %-20s %10.1f %11s" % (r["library"], r["call"], r["median_us"], ratio))
    missing = {}
    for r in rows:
        if r["median_us"] is None:
            missing.setdefault(r["library"], []).append(r["call"])
    if missing:
        print("  not measured (see the notes): " + "; ".join(
            "%s %s" % (library, ", ".join(calls)) for library, calls in missing.items()))


def at_least_one(text):
    """argparse type: a count of rounds or repeats (a median needs one)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1, not %d" % value)
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="build/corpus", help="folder holding manifest.json")
    parser.add_argument("--rounds", type=at_least_one, default=7)
    parser.add_argument("--mutagen-rounds", type=at_least_one, default=None,
                        help="rounds for mutagen (default: --rounds)")
    parser.add_argument("--batch-repeats", type=at_least_one, default=BATCH_REPEATS)
    parser.add_argument("--out", default="build/bench/python.json")
    parser.add_argument("--check", action="store_true",
                        help="one round, every gate, a short report; no timing claims")
    args = parser.parse_args()
    if args.check:
        args.rounds, args.mutagen_rounds, args.batch_repeats = 1, 1, 1
    if args.mutagen_rounds is None:
        args.mutagen_rounds = args.rounds

    started = time.monotonic()
    cells = load_manifest(args.corpus)
    if not cells:
        sys.exit("no files in %s/manifest.json" % args.corpus)
    libraries = peers.load_libraries()
    by_name = {name: (lib, error) for name, lib, error in libraries}
    if by_name["mutagen"][0] is None:
        sys.exit("mutagen, the reference, cannot be imported: " + by_name["mutagen"][1])
    # Without cmutagen the gate would compare nothing and still pass.
    if by_name["cmutagen"][0] is None:
        sys.exit("cmutagen cannot be imported: " + by_name["cmutagen"][1])
    claims = by_name["cmutagen"][0].claimed
    if not args.check:
        print("machine: " + machine.summary())
        print("libraries: " + ", ".join(
            "%s %s" % (name, lib.version) if lib else "%s (unavailable: %s)" % (name, error)
            for name, lib, error in libraries))
        print("median over files of the per-file median over rounds; µs per file")

    rows, gated, failures, compared = [], [], [], 0
    for cell, entries in cells.items():
        try:
            cell_rows, jobs, cell_compared = bench_cell(cell, entries, libraries, args)
        except peers.GateError as error:
            sys.exit("correctness gate: %s" % error)
        compared += cell_compared
        rows.extend(cell_rows)
        if any(r["library"] == "cmutagen" and r["median_us"] is not None for r in cell_rows):
            gated.append((cell, entries))
        failures.extend((job.library, cell, job.call.call, job.failures) for job in jobs
                        if job.failures)
        if not args.check:
            print_table(cell, len(entries), cell_rows)

    # bench_cell stopped on any cell of a claimed format with nothing
    # compared; a corpus holding none of the claimed formats is caught here.
    if claims and not compared:
        sys.exit("correctness gate: 0 (file, call) pairs compared while cmutagen claims %s"
                 % ", ".join(sorted(cls for _, cls in claims)))

    batch_paths = [entry.path for _, entries in gated for entry in entries]
    batch_formats = sorted({cell[0] for cell, _ in gated})
    if batch_paths:
        batch_rows = bench_batch(batch_paths, batch_formats, libraries, args.batch_repeats)
        rows.extend(batch_rows)
        if not args.check:
            print("\nbatch: %d files (%s), wall time / files, median of %d" % (
                len(batch_paths), ", ".join(batch_formats), args.batch_repeats))
            for r in batch_rows:
                print("  %-11s %-24s %8.1f µs/file" % (r["library"], r["call"], r["median_us"]))

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as stream:
        json.dump(rows, stream, indent=1, ensure_ascii=False)
        stream.write("\n")

    print("%sgate: cmutagen equals mutagen on %d files, %d (file, call) pairs (%s)" % (
        "" if args.check else "\n", len(batch_paths), compared,
        ", ".join(batch_formats) or "no format implemented"))
    for library, cell, call, bad in failures:
        print("peer %s %s on %s/%s: %s" % (library, call, cell[0], cell[1],
                                           failure_note(bad, len(cells[cell]))))
    print("wrote %d rows to %s in %.0f s" % (len(rows), args.out, time.monotonic() - started))


if __name__ == "__main__":
    main()
