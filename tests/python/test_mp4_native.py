# SPDX-License-Identifier: GPL-2.0-or-later
"""_native.read_mp4 (the C read path for cmutagen.mp4) against the real
mutagen: the stream info's attributes, the tag items' keys and bytes, the
padding mutagen would reuse and the chapters, on every upstream MP4 file,
the benchmark corpus and crafted files; anything the C path declines
(None) must be something mutagen rejects or reads in an unusual way."""

import glob
import io
import os
import random
import struct

import pytest

from cmutagen import _native

from conftest import ROOT

MP4_EXTS = (".m4a", ".m4b", ".mp4", ".3g2", ".m4v", ".mov")


def upstream_files(data_dir):
    names = sorted(n for n in os.listdir(data_dir) if n.endswith(MP4_EXTS))
    assert len(names) >= 9
    return [os.path.join(data_dir, n) for n in names]


def corpus_files():
    files = []
    for kind in ("m4a-aac", "m4a-alac"):
        for profile in ("minimal", "library"):
            found = sorted(glob.glob(os.path.join(ROOT, "build", "corpus", kind, profile, "*")))
            files += found[:15]
    return files


def render_data(flags, payload):
    return struct.pack(">I4sI", 16 + len(payload), b"data", flags) + b"\0" * 4 + payload


def render_body(key, datas):
    """An item's body from (flags, payload) pairs: the bytes the C path
    promises it came from when it hands out datas."""
    body = b""
    if key.startswith("----:"):
        mean, name = key[5:].split(":", 1)
        for atom_name, text in ((b"mean", mean), (b"name", name)):
            raw = text.encode("latin-1")
            body += struct.pack(">I4s", 12 + len(raw), atom_name) + b"\0" * 4 + raw
    return body + b"".join(render_data(f, p) for f, p in datas)


def mutagen_view(m, data):
    """What the real mutagen reads: MP4Info's attributes, the ilst items
    (key, body) from its atom tree, the padding and chapters; or the error."""
    from mutagen.mp4._atom import Atoms
    fileobj = io.BytesIO(data)
    try:
        f = m.mp4.MP4(fileobj)
    except Exception as e:
        return ("raises", type(e).__name__)
    items = None
    if f.tags is not None:
        fileobj.seek(0)
        ilst = Atoms(fileobj)[b"moov.udta.meta.ilst"]
        items = []
        for atom in ilst.children:
            ok, body = atom.read(fileobj)
            items.append((atom.name, body))
        tag_keys = set(f.tags.keys()) | set(f.tags._failed_atoms.keys())
        items = (f.tags._padding, items, tag_keys)
    chapters = None
    if f.chapters is not None:
        chapters = (f.chapters._timescale, f.chapters._duration,
                    [(c.start, c.title) for c in f.chapters])
    return ("ok", list(vars(f.info).items()), items, chapters)


def native_view(result):
    info, tags, chapters = result
    items = None
    if tags is not None:
        padding, raw = tags
        items, keys = [], set()
        for key, datas, body in raw:
            if datas is not None:
                body = render_body(key, datas)
            name = b"----" if key.startswith("----") else key.encode("latin-1")
            items.append((name, body))
            keys.add(key)
        items = (padding, items, keys)
    return ("ok", list(info.items()), items, chapters)


def compare(real_mutagen, data, path="<crafted>"):
    theirs = mutagen_view(real_mutagen, data)
    ours = _native.read_mp4(data)
    if ours is None:
        return theirs, None
    mine = native_view(ours)
    if theirs[0] == "ok" and mine[2] is not None:
        # keys: the C path names every item; mutagen's tags drop the
        # values it cannot parse into _failed_atoms (the same keys) and
        # merges repeats, and a gnre item turns into \xa9gen
        their_keys = theirs[2][2]
        my_keys = mine[2][2]
        if "gnre" in my_keys:
            my_keys = (my_keys - {"gnre"}) | ({"\xa9gen"} & their_keys)
        assert my_keys >= their_keys, path
        theirs = theirs[:2] + ((theirs[2][0], theirs[2][1]),) + theirs[3:]
        mine = mine[:2] + ((mine[2][0], mine[2][1]),) + mine[3:]
    assert mine == theirs, path
    return theirs, mine


@pytest.fixture(scope="module")
def m(real_mutagen):
    import mutagen.mp4  # noqa: F401  (from the oracle, already on its path)
    return real_mutagen


def test_upstream_files(m, upstream_data):
    for path in upstream_files(upstream_data):
        with open(path, "rb") as f:
            data = f.read()
        theirs, mine = compare(m, data, path)
        if theirs[0] == "ok":
            assert mine is not None, path
        # the path read agrees with the buffer read
        assert _native.read_mp4(path) == _native.read_mp4(data), path


def test_corpus(m):
    files = corpus_files()
    if not files:
        pytest.fail("the benchmark corpus is missing: run `make corpus`")
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        theirs, mine = compare(m, data, path)
        assert theirs[0] == "ok" and mine is not None, path
        assert _native.read_mp4(path) == _native.read_mp4(data), path
