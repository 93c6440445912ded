#!/usr/bin/env bash
# check-installed-library.sh DESTDIR BUILD_DIR [EXTRA_CFLAGS...]
# Builds examples/read_flac.c against a libcmutagen installed under DESTDIR
# (meson install --destdir), through its pkg-config file, once with the shared
# and once with the static library, and runs both on committed test files.
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
destdir=$1
out=$2
shift 2
pc=$(find "$destdir" -name cmutagen.pc | head -n 1)
[ -n "$pc" ] || { echo "no cmutagen.pc under $destdir" >&2; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
export PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_SYSROOT_DIR=$destdir
cflags=$(pkg-config --cflags cmutagen)

cc -std=c11 -Wall -Wextra -Werror "$@" examples/read_flac.c $cflags \
    $(pkg-config --libs cmutagen) -o "$out/read_flac-shared"
LD_LIBRARY_PATH=$libdir "$out/read_flac-shared" tests/broken/comment-without-equals.flac \
    | grep -qx 'a=b'

# the archive itself, then what it needs (zlib), as `pkg-config --static` says
static_deps=$(pkg-config --static --libs-only-l cmutagen | sed 's/-lcmutagen\b//')
cc -std=c11 -Wall -Wextra -Werror "$@" examples/read_flac.c $cflags \
    "$libdir/libcmutagen.a" $static_deps -o "$out/read_flac-static"
"$out/read_flac-static" tests/broken/picture-ok.flac | grep -qx '3.68 s, 44100 Hz'
echo "installed library: shared and static builds of examples/read_flac.c work"
