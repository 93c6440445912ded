# SPDX-License-Identifier: GPL-2.0-or-later
"""MP4 reading against the real mutagen 1.48.1: stream info, tags, padding,
chapters and the atom tree of every upstream MP4 file and every bench
corpus m4a file, and what each library makes of hand-built ilst items and
audio sample entries, well and badly formed."""

import glob
import itertools
import os
import struct
from io import BytesIO

import pytest

from cmutagen import mp4
from cmutagen.mp4 import _as_entry, _atom

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "build", "corpus")


@pytest.fixture(scope="module")
def real(real_mutagen):
    import mutagen.mp4
    import mutagen.mp4._as_entry  # noqa: F401
    return mutagen.mp4


def outcome(func):
    """func()'s result, or its exception as (class name, message)."""
    try:
        return func()
    except Exception as e:
        return type(e).__name__, str(e)


def read_file(module, path):
    f = module.MP4(path)
    tags = None
    if f.tags is not None:
        tags = (sorted((k, repr(v)) for k, v in f.tags.items()),
                sorted((k, v) for k, v in f.tags._failed_atoms.items()))
    chapters = None
    if f.chapters is not None:
        chapters = [(c.start, c.title) for c in f.chapters]
    with open(path, "rb") as h:
        tree = repr(module.Atoms(h))
    return (sorted(vars(f.info).items()), tags, f._padding, chapters,
            f.pprint(), tree)


def test_files_read_like_mutagen(real, upstream_data):
    files = [p for p in glob.glob(os.path.join(upstream_data, "*"))
             if p.endswith((".m4a", ".m4b", ".mp4", ".3g2"))]
    corpus = glob.glob(os.path.join(CORPUS, "m4a-*", "*", "*.m4a"))
    assert len(files) >= 10 and len(corpus) >= 400
    for path in sorted(files) + sorted(corpus):
        assert read_file(mp4, path) == read_file(real, path), path


# --- hand-built ilst items ------------------------------------------------

def R(name, data):
    return struct.pack(">I4s", 8 + len(data), name) + data


def data_atom(flags, payload, version=0, name=b"data"):
    return R(name, bytes([version]) + flags.to_bytes(3, "big") + b"\x00" * 4 + payload)


PAYLOADS = [b"", b"\x01", b"\x00\x01", b"\xff\xff", b"abc", b"\xff\xff\xff",
            b"\x00\x00\x00\x02\x00\x03", b"\x00\x00\x00\x02\x00\x03\x00\x00",
            b"\x01\x02\x03\x04\x05", b"\x80\x00\x00\x00\x00\x00\x00\x00", b"\xff\xfe"]
KEYS = [b"\xa9nam", b"purl", b"foob", b"trkn", b"disk", b"tmpo", b"cpil", b"gnre",
        b"covr", b"stik", b"plID", b"\xa9mvi"]


def ilst_items():
    for key, flags, payload in itertools.product(KEYS, [0, 1, 2, 13, 14, 21, 255], PAYLOADS):
        yield R(key, data_atom(flags, payload))
    for key in KEYS:
        yield R(key, data_atom(1, b"ab") + data_atom(0, b"\x00\x01") + data_atom(21, b"\x01"))
        yield R(key, data_atom(1, b"ab")) + R(key, data_atom(1, b"cd"))
        yield R(key, R(b"name", b"\x00\x00\x00\x00foo") + data_atom(13, b"img"))
        yield R(key, R(b"data", b"\x00\x00\x00\x01\x00"))
        yield R(key, b"")
        yield R(key, data_atom(1, b"ab", version=1))
        yield R(key, data_atom(1, b"ab") + b"\x00\x00")
        yield R(key, b"\x00\x00\x00\x40data" + b"\x00" * 10)
        yield R(key, data_atom(1, b"ab", name=b"datA") + data_atom(1, b"cd"))
        yield R(key, data_atom(1, b"cd") + data_atom(1, b"ab", name=b"datA"))
    mean = R(b"mean", b"\x00" * 4 + b"com.apple.iTunes")
    name = R(b"name", b"\x00" * 4 + b"foo")
    for body in [mean + name + data_atom(1, b"bar"), mean + name + data_atom(0, b"x", 3),
                 mean + name, mean + data_atom(1, b"bar"), name + mean + data_atom(1, b"bar"),
                 R(b"mean", b"\x00" * 4 + b"\xff") + name + data_atom(1, b"bar"),
                 mean + name + R(b"xxxx", b"") + data_atom(1, b"bar"),
                 mean + name + R(b"data", b"\x00\x00\x00\x01"), b""]:
        yield R(b"----", body)


def parse_ilst(module, item):
    ilst = R(b"ilst", item)
    data = R(b"moov", R(b"udta", R(b"meta", b"\x00" * 4 + ilst)))
    fileobj = BytesIO(data)
    tags = module.MP4Tags(module.Atoms(fileobj), fileobj)
    return (sorted((k, repr(v)) for k, v in tags.items()),
            sorted(tags._failed_atoms.items()), tags._padding)


def test_ilst_items_parse_like_mutagen(real):
    count = 0
    for item in ilst_items():
        assert outcome(lambda: parse_ilst(mp4, item)) == outcome(lambda: parse_ilst(real, item)), item
        count += 1
    assert count > 900


# --- hand-built sample entries ---------------------------------------------

def entry(name, children=b"", channels=2, rate=22050):
    fields = b"\x00" * 6 + b"\x00\x01" + b"\x00" * 8 + struct.pack(">HHHHI", channels, 16, 0, 0, rate << 16)
    return R(name, fields + children)


def descriptor(tag, payload):
    return bytes([tag, len(payload)]) + payload


def esds(dsi=None, oti=0x40, stream=0x15):
    dc = bytes([oti, stream]) + b"\x00\x10\x00" + struct.pack(">II", 130000, 128000)
    if dsi is not None:
        dc += descriptor(5, dsi)
    return R(b"esds", b"\x00" * 4 + descriptor(3, b"\x00\x01\x00" + descriptor(4, dc)))


def audio_specific_config(aot, freq_index, channels, rest):
    bits = format(31, "05b") + format(aot - 32, "06b") if aot >= 32 else format(aot, "05b")
    bits += format(freq_index, "04b")
    if freq_index == 15:
        bits += format(12345, "024b")
    bits += format(channels, "04b") + rest
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


SBR = "000" + format(0x2B7, "011b") + "00101"
RESTS = ["", "0" * 24, "1" * 24, SBR + "1" + "0011" + "0" * 12,
         SBR + "1" + "0011" + format(0x548, "011b") + "1", SBR + "0" + "0" * 16]


def sample_entries():
    for aot, freq_index, channels, rest in itertools.product(
            [1, 2, 4, 5, 6, 17, 22, 23, 29, 32, 36, 39, 42, 46], [3, 4, 7, 13, 15],
            [0, 1, 2, 7, 8], RESTS):
        yield entry(b"mp4a", esds(audio_specific_config(aot, freq_index, channels, rest)))
    yield entry(b"mp4a")
    yield entry(b"mp4a", esds())
    yield entry(b"mp4a", esds(oti=0x6B))
    yield entry(b"mp4a", esds(b""))
    yield entry(b"mp4a", R(b"esds", b""))
    yield entry(b"mp4a", R(b"wave", b"xx") + esds(b"\x12\x10"))
    for fscod, bsid, acmod, lfe, rate_code in itertools.product(
            range(4), [8, 9, 10, 16], range(8), (0, 1), [0, 8, 18, 19, 31]):
        bits = (format(fscod, "02b") + format(bsid, "05b") + "000" + format(acmod, "03b")
                + str(lfe) + format(rate_code, "05b") + "00000")
        yield entry(b"ac-3", R(b"dac3", int(bits, 2).to_bytes(3, "big")))
    yield entry(b"ac-3", R(b"dac3", b"\x52"))
    cookie = struct.pack(">IBBBBBBHIII", 4096, 0, 24, 40, 10, 14, 6, 255, 0, 99999, 96000)
    yield entry(b"alac", R(b"alac", b"\x00" * 4 + cookie))
    yield entry(b"alac", R(b"alac", b"\x01" + b"\x00" * 3 + cookie))
    yield entry(b"alac", R(b"alac", b"\x00" * 4 + cookie[:10]))
    for name in [b"samr", b"Opus", b"fLaC", b"ec-3", b"\xa9abc"]:
        yield entry(name, R(b"dOps", b"\x00" * 11))
    yield R(b"mp4a", b"\x00" * 27)


def read_entry(module, data):
    fileobj = BytesIO(data)
    atom = module.Atom(fileobj)
    return sorted(vars(module.AudioSampleEntry(atom, fileobj)).items())


def test_sample_entries_read_like_mutagen(real):
    count = 0
    for data in sample_entries():
        ours = outcome(lambda: read_entry(_as_entry_module(), data))
        theirs = outcome(lambda: read_entry(_as_entry_module(real), data))
        assert ours == theirs, data
        count += 1
    assert count > 2000


def _as_entry_module(real=None):
    """A namespace with Atom and AudioSampleEntry of one library."""
    class Namespace:
        pass
    ns = Namespace()
    if real is None:
        ns.Atom, ns.AudioSampleEntry = _atom.Atom, _as_entry.AudioSampleEntry
    else:
        ns.Atom, ns.AudioSampleEntry = real._atom.Atom, real._as_entry.AudioSampleEntry
    return ns
