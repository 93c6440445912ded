#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The benchmark driver behind `make bench` and `make bench-check`.

Runs both levels over the same corpus in one run (each level gates
correctness before it times anything), then merges their rows into the
report: `bench/results/latest.{md,json}` and PNG charts, or, in `--check`
mode (CI: one round, small corpus, no timing claims), `build/bench/check/`.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import machine  # noqa: E402
import report  # noqa: E402


def run_level(command):
    print("+ " + " ".join(command), flush=True)
    subprocess.run(command, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=os.path.join(ROOT, "build", "corpus"))
    parser.add_argument("--cmutagen-build", default=os.path.join(ROOT, "build", "release", "c"),
                        help="meson build folder holding libcmutagen.a")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--check", action="store_true",
                        help="quick correctness mode: one round, every gate, no report in bench/results")
    args = parser.parse_args()

    manifest = os.path.join(args.corpus, "manifest.json")
    if not os.path.exists(manifest):
        sys.exit("no corpus at %s: run `make corpus` first" % manifest)
    work = os.path.join(ROOT, "build", "bench", "check" if args.check else "full")
    os.makedirs(work, exist_ok=True)
    rounds = ["--check"] if args.check else ["--rounds", str(args.rounds)]

    native_json = os.path.join(work, "native.json")
    python_json = os.path.join(work, "python.json")
    run_level([sys.executable, os.path.join(HERE, "native", "native.py"), "--corpus", args.corpus,
               "--cmutagen-build", args.cmutagen_build, "--out", native_json] + rounds)
    run_level([sys.executable, os.path.join(HERE, "python_bench.py"), "--corpus", args.corpus,
               "--out", python_json] + rounds)

    rows = []
    for path in (native_json, python_json):
        with open(path, encoding="utf-8") as f:
            rows.extend(json.load(f))
    with open(manifest, encoding="utf-8") as f:
        files = len(json.load(f)["files"])
    info = machine.describe()
    info["corpus files"] = files
    if args.check:
        folder, title = work, "cmutagen benchmark: correctness check (one round; not a measurement)"
    else:
        folder, title = os.path.join(HERE, "results"), "cmutagen benchmark"
    markdown = report.write(rows, info, folder, title)
    print()
    print(markdown)
    print("report written to %s" % os.path.relpath(folder, ROOT))


if __name__ == "__main__":
    main()
