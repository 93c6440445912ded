#!/usr/bin/env bash
# run-fuzzers.sh MODE SECONDS
#   fuzz-smoke: replay each target's committed corpus and the broken-file
#               corpus once (a regression test; seconds are not used).
#   fuzz:       fuzz each target for SECONDS, growing build/fuzz/corpus-<name>
#               from the committed seeds; new crashes land in build/fuzz/.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
mode=$1
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

for target in "$root"/build/fuzz/fuzz_*; do
    [ -f "$target" ] && [ -x "$target" ] || continue
    name=${target##*/fuzz_}
    seeds="$root/fuzz/corpus/$name"
    if [ "$mode" = fuzz-smoke ]; then
        # -runs=0 executes every input once and stops.
        "$target" -runs=0 "$seeds" "$root/tests/broken" 2>&1 | tail -n 2
    else
        work="$root/build/fuzz/corpus-$name"
        mkdir -p "$work"
        echo "fuzzing $name for $seconds s"
        (cd "$root/build/fuzz" && "$target" -max_total_time="$seconds" -print_final_stats=1 \
            "$work" "$seeds" 2>&1 | tail -n 12)
    fi
done
