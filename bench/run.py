#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Interim benchmark: cmutagen against mutagen on the files cmutagen reads.

This is the small first version, until the full harness (corpus, native
peers, I/O floor in C, charts) lands.  It keeps the rules that make a result
count: a correctness gate before timing (cmutagen's snapshot must equal
mutagen's for every timed file), distinct files in each round, every value
touched, side by side in one run, medians quoted.
"""

import argparse
import os
import platform
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "differential"))


def touch(f):
    """Read every public info field and every tag key and value."""
    out = [getattr(f.info, name) for name in dir(f.info) if not name.startswith("_")]
    for key in f.keys():
        out.extend(str(value) for value in f[key])
    for picture in getattr(f, "pictures", []):
        out.append(bytes(picture.data))
    return out


def io_floor(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 64 * 1024)
    finally:
        os.close(fd)


def time_per_file(files, load, rounds):
    per_file = {path: [] for path in files}
    for _ in range(rounds):
        for path in files:
            start = time.perf_counter()
            load(path)
            per_file[path].append(time.perf_counter() - start)
    return statistics.median(statistics.median(times) for times in per_file.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oracle", default=os.path.join(ROOT, "build", "oracle"))
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("dirs", nargs="*", default=[
        os.path.join(ROOT, "build", "conformance", "mutagen-1.48.1", "tests", "data"),
        os.path.join(ROOT, "tests", "broken")])
    args = parser.parse_args()

    sys.path.insert(0, args.oracle)
    import mutagen
    import mutagen.flac
    sys.path.remove(args.oracle)
    import cmutagen.flac
    import snapshot

    files = []
    for directory in args.dirs:
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if not name.endswith(".flac"):
                continue
            try:
                expected = snapshot.snapshot(mutagen.flac.FLAC(path), "mutagen")
            except Exception:
                continue  # the benchmark times reads that succeed
            actual = snapshot.snapshot(cmutagen.flac.FLAC(path), "cmutagen")
            if expected != actual:
                sys.exit("correctness gate: %s differs from mutagen" % path)
            files.append(path)
    if not files:
        sys.exit("no FLAC files found in %s" % args.dirs)

    rows = [
        ("mutagen FLAC(path) + touch", lambda p: touch(mutagen.flac.FLAC(p))),
        ("cmutagen FLAC(path) + touch", lambda p: touch(cmutagen.flac.FLAC(p))),
        ("mutagen File(path) + touch", lambda p: touch(mutagen.File(p))),
        ("cmutagen File(path) + touch", lambda p: touch(cmutagen.File(p))),
        ("I/O floor (Python open+read 64 KiB+close)", io_floor),
    ]
    results = {name: time_per_file(files, load, args.rounds) for name, load in rows}
    print("machine: %s, %d cores, Python %s" % (
        platform.processor() or platform.machine(), os.cpu_count(), platform.python_version()))
    print("%d FLAC files, %d rounds, median per file\n" % (len(files), args.rounds))
    print("| what | µs/file | vs cmutagen |")
    print("| --- | ---: | ---: |")
    reference = results["cmutagen FLAC(path) + touch"]
    for name, seconds in results.items():
        print("| %s | %.1f | %.2f× |" % (name, seconds * 1e6, seconds / reference))


if __name__ == "__main__":
    main()
