#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, when missing.
# With the argument `bench`, also those the benchmark harness needs: the
# encoders that make its corpus and TagLib for the native peer.
# Needs root for apt-get (as on the project's machines and CI).
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

# command -> Debian package
declare -A wanted=(
    [gcc]=gcc
    [clang]=clang
    [llvm-symbolizer]=llvm
    [pkg-config]=pkg-config
)
if [ "${1:-}" = bench ]; then
    wanted+=(
        [g++]=g++
        [ffmpeg]=ffmpeg
        [lame]=lame
        [flac]=flac
        [oggenc]=vorbis-tools
        [opusenc]=opus-tools
        [cargo]=cargo
    )
fi
missing=()
for cmd in "${!wanted[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${wanted[$cmd]}")
done
# Debian's own python3 needs python3-venv for `python3 -m venv`.
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
# TagLib's headers, for the native benchmark's C++ peer
if [ "${1:-}" = bench ] && ! pkg-config --exists taglib 2>/dev/null; then
    missing+=(libtag1-dev)
fi
# libFuzzer and clang's sanitizer runtimes
clang_rt_ok=1
if command -v clang >/dev/null 2>&1; then
    echo 'int main(void){return 0;}' > /tmp/cm-clang-rt-probe.c
    clang -fsanitize=address,undefined /tmp/cm-clang-rt-probe.c -o /tmp/cm-clang-rt-probe \
        >/dev/null 2>&1 || clang_rt_ok=0
    rm -f /tmp/cm-clang-rt-probe /tmp/cm-clang-rt-probe.c
else
    clang_rt_ok=0
fi
if [ "$clang_rt_ok" = 0 ]; then
    missing+=("libclang-rt-$(clang --version 2>/dev/null | sed -n 's/.*version \([0-9]*\).*/\1/p' | head -n1)-dev")
fi
# Drop an empty version suffix (clang not installed yet: its default runtime
# package comes with it in Debian 12 only as libclang-rt-14-dev).
for i in "${!missing[@]}"; do
    [ "${missing[$i]}" = "libclang-rt--dev" ] && missing[$i]=libclang-rt-14-dev
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "installing Debian packages: ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
    echo "not root: install them with apt-get and run again" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
