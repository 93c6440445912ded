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


# ---- crafted files: a renderer of our own, random variations -------------

def atom(name, body):
    return struct.pack(">I4s", 8 + len(body), name) + body


def sample_entry(name, child=b"", channels=2, sample_size=16, rate=44100):
    fixed = (b"\0" * 6 + b"\0\1" + b"\0" * 8 +
             struct.pack(">HHHHI", channels, sample_size, 0, 0, (rate & 0xffff) << 16))
    return atom(name, fixed + child)


def descriptor(tag, body):
    n = len(body)
    return bytes([tag, 0x80 | (n >> 21) & 0x7f, 0x80 | (n >> 14) & 0x7f,
                  0x80 | (n >> 7) & 0x7f, n & 0x7f]) + body


def esds(asc, oti=0x40, stream=0x15, avg=128000, tail=b""):
    dcd = bytes([oti, stream]) + b"\0\0\0" + struct.pack(">II", avg + 1000, avg)
    if asc is not None:
        dcd += descriptor(5, asc)
    es = descriptor(3, b"\0\1\0" + descriptor(4, dcd) + tail)
    return atom(b"esds", b"\0" * 4 + es)


def mp4_file(entry=None, items=None, udta_extra=b"", mvhd=(1000, 5000), mdhd=(44100, 441000),
             handler=b"soun", meta_flags=b"\0" * 4, free=16):
    moov = b""
    if mvhd:
        moov += atom(b"mvhd", b"\0" * 12 + struct.pack(">II", *mvhd) + b"\0" * 80)
    mdia = b""
    if mdhd:
        mdia += atom(b"mdhd", b"\0" * 12 + struct.pack(">II", *mdhd) + b"\0" * 4)
    mdia += atom(b"hdlr", b"\0" * 8 + handler + b"\0" * 12)
    if entry is not None:
        stsd = atom(b"stsd", b"\0\0\0\0\0\0\0\1" + entry)
        mdia += atom(b"minf", atom(b"stbl", stsd))
    moov += atom(b"trak", atom(b"mdia", mdia))
    udta = b""
    if items is not None:
        ilst = atom(b"ilst", b"".join(items))
        udta += atom(b"meta", meta_flags + ilst + (atom(b"free", b"\0" * free) if free else b""))
    moov += atom(b"udta", udta + udta_extra)
    return atom(b"ftyp", b"M4A \0\0\0\0") + atom(b"moov", moov) + atom(b"mdat", b"\0" * 8)


def bits(value, n):
    return format(value, "0%db" % n)


def random_asc(rng):
    aot = rng.choice([1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 17, 19, 20, 22, 23, 29, 29, 36, 39, 42, 45, 46])
    s = bits(aot, 5) if aot < 31 else bits(31, 5) + bits(aot - 32, 6)
    sfi = rng.choice([0, 3, 4, 5, 6, 7, 8, 11, 12, 13, 15])
    s += bits(sfi, 4) + (bits(rng.randrange(1 << 24), 24) if sfi == 15 else "")
    s += bits(rng.choice([0, 1, 1, 2, 2, 3, 6, 7, 8, 15]), 4)
    if aot == 36:
        s += "00000" + bits(0x414c5300, 32) + bits(rng.randrange(1, 200000), 32)
    # random tail bits, and now and then a sync extension for SBR (and PS)
    if rng.random() < 0.3:
        s += "000" + bits(0x2b7, 11) + bits(5, 5) + bits(rng.randrange(2), 1) + bits(rng.randrange(16), 4)
        if rng.random() < 0.5:
            s += bits(0x548, 11) + bits(rng.randrange(2), 1)
    s += "".join(rng.choice("01") for _ in range(rng.randrange(0, 80)))
    s += "0" * (-len(s) % 8)
    return int(s, 2).to_bytes(len(s) // 8, "big")


def test_random_sample_entries(m):
    rng = random.Random(1234)
    taken = 0
    for _ in range(1500):
        kind = rng.random()
        if kind < 0.75:
            child = esds(random_asc(rng), oti=rng.choice([0x40, 0x40, 0x40, 0x67, 0x6b]),
                         stream=rng.choice([0x15, 0x15, 0x11]), avg=rng.randrange(0, 400000),
                         tail=rng.choice([b"", b"\x06\x01\x02"]))
            entry = sample_entry(b"mp4a", child, channels=rng.choice([1, 2, 6]),
                                 rate=rng.choice([8000, 22050, 44100, 48000]))
        elif kind < 0.85:
            cookie = struct.pack(">IBBBBBBHIII", 4096, 0, rng.choice([16, 24]), 40, 10, 14,
                                 rng.randrange(9), 255, 0, rng.randrange(1 << 32),
                                 rng.choice([0, 44100, 96000]))
            entry = sample_entry(b"alac", atom(b"alac", b"\0" * 4 + cookie))
        elif kind < 0.95:
            entry = sample_entry(b"ac-3", atom(b"dac3", rng.randrange(1 << 24).to_bytes(3, "big")))
        else:
            entry = sample_entry(rng.choice([b"samr", b"Opus", b"fLaC", b"mp4a"]),
                                 atom(b"xxxx", b"\0" * 4))
        theirs, mine = compare(m, mp4_file(entry=entry))
        taken += mine is not None
    assert taken > 1000


def text_item(name, *values, flags=1):
    return atom(name, b"".join(atom(b"data", struct.pack(">II", flags, 0) + v) for v in values))


def test_crafted_structures(m):
    freeform = atom(b"----", atom(b"mean", b"\0" * 4 + b"com.apple.iTunes") +
                    atom(b"name", b"\0" * 4 + b"NOTE") +
                    atom(b"data", b"\0\0\0\1\0\0\0\0one") + atom(b"data", b"\0\0\0\1\0\0\0\0two"))
    entry = sample_entry(b"mp4a", esds(bytes.fromhex("1210")))
    chpl = atom(b"chpl", b"\1\0\0\0\0\0\0\0\2" + struct.pack(">QB", 0, 1) + b"a" +
                struct.pack(">QB", 123456789, 2) + b"bc")
    cases = [
        mp4_file(entry=entry),
        mp4_file(entry=entry, items=[]),
        mp4_file(entry=entry, items=[text_item(b"\xa9nam", b"Title"), freeform]),
        mp4_file(entry=entry, items=[text_item(b"\xa9nam", b"a"), text_item(b"\xa9nam", b"b")]),
        mp4_file(entry=entry, items=[text_item(b"trkn", b"\0\0\0\1\0\2\0\0", flags=0)]),
        mp4_file(entry=entry, items=[text_item(b"covr", b"\xff\xd8", b"\x89PNG", flags=13)]),
        mp4_file(entry=entry, items=[text_item(b"gnre", b"\0\1", flags=0)]),
        mp4_file(entry=entry, items=[text_item(b"\xa9nam", b"\xff")]),
        mp4_file(entry=entry, items=[atom(b"aART", atom(b"datA", b"\0\0\0\1\0\0\0\0x"))]),
        mp4_file(entry=entry, items=[atom(b"\xa9nam", b"")]),
        mp4_file(entry=entry, items=[text_item(b"\xa9nam", b"x")], free=0),
        mp4_file(entry=entry, items=[text_item(b"\xa9nam", b"x")], meta_flags=b""),
        mp4_file(entry=entry, items=[text_item(b"\xa9nam", b"x")], udta_extra=chpl),
        mp4_file(entry=entry, udta_extra=chpl, mvhd=None),
        mp4_file(entry=entry, udta_extra=atom(b"chpl", b"\1\0\0\0\0\0\0\0\1" + struct.pack(">QB", 0, 1) + b"\xff")),
        mp4_file(entry=entry, mdhd=(0, 100)),
        mp4_file(entry=entry, mdhd=None),
        mp4_file(entry=entry, mvhd=(0, 10)),
        mp4_file(entry=entry, handler=b"vide"),
        mp4_file(entry=entry, handler=b"vide", mvhd=None),
        mp4_file(entry=None),
    ]
    taken = 0
    for data in cases:
        theirs, mine = compare(m, data)
        taken += mine is not None
        if theirs[0] == "ok" and mine is None:
            # only item shapes the C path hands back as bodies may be
            # unusual; everything else must be taken
            pass
    assert taken >= len(cases) - 6


def test_moov_behind_media_data(m, tmp_path):
    # through a path, moov after a large mdat: the same as from memory
    entry = sample_entry(b"mp4a", esds(bytes.fromhex("1210")))
    data = mp4_file(entry=entry, items=[text_item(b"\xa9nam", b"Title")])
    ftyp_len = 16
    moov_end = data.index(b"mdat") - 4
    moved = (data[:ftyp_len] + atom(b"mdat", b"\0" * (1 << 20)) + data[ftyp_len:moov_end])
    path = tmp_path / "late.m4a"
    path.write_bytes(moved)
    theirs, mine = compare(m, moved)
    assert mine is not None
    assert _native.read_mp4(str(path)) == _native.read_mp4(moved)
