# SPDX-License-Identifier: GPL-2.0-or-later
"""_native.read_ogg (the C core's Ogg reader) against the real mutagen: on
every upstream Ogg file and the benchmark corpus, and on crafted files
covering the rules mutagen follows (the last page search, Opus extra data,
comment packets over pages, header checks).  Where mutagen reads a file,
read_ogg returns its values exactly; where mutagen fails, read_ogg raises
ParseError (the Python classes then take their own path)."""

import glob
import importlib
import os
import random
import struct

import pytest

from cmutagen import _native

from conftest import ROOT

KEYS = {
    "vorbis": ("channels", "sample_rate", "serial", "bitrate", "length"),
    "opus": ("serial", "channels", "_OggOpusInfo__pre_skip", "length", "bitrate"),
    "speex": ("sample_rate", "channels", "bitrate", "serial", "length"),
    "theora": ("fps", "bitrate", "granule_shift", "serial", "length"),
    "flac": ("packets", "serial", "min_blocksize", "max_blocksize", "sample_rate",
             "channels", "bits_per_sample", "total_samples", "length"),
}
CLASSES = {"vorbis": ("oggvorbis", "OggVorbis"), "opus": ("oggopus", "OggOpus"),
           "speex": ("oggspeex", "OggSpeex"), "theora": ("oggtheora", "OggTheora"),
           "flac": ("oggflac", "OggFLAC")}


@pytest.fixture(scope="module")
def oracle(real_mutagen):
    """codec -> the real mutagen's class."""
    return {codec: getattr(importlib.import_module("mutagen." + module), name)
            for codec, (module, name) in CLASSES.items()}


def theirs(oracle, codec, source):
    """What the real mutagen reads: ("ok", values...) or ("error",)."""
    try:
        f = oracle[codec](source)
    except Exception:
        return ("error",)
    tags = f.tags
    return ("ok", vars(f.info), tags.vendor, list(tags), tags._size,
            getattr(tags, "_padding", None), getattr(tags, "_pad_data", None))


def ours(codec, source, **kwargs):
    try:
        result = _native.read_ogg(source, codec, KEYS, **kwargs)
    except _native.ParseError:
        return ("error",)
    name, info, vendor, items, size, padding, pad_data = result
    assert name == codec
    return ("ok", info, vendor, items, size,
            None if codec == "flac" else padding, pad_data if codec == "opus" else None)


def same_reading(oracle, codec, path_or_bytes):
    import io
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    expected = theirs(oracle, codec, source)
    got = ours(codec, path_or_bytes)
    assert got == expected, (codec, got, expected)
    # the values' types too (float lengths, int bitrates)
    if got[0] == "ok":
        assert [type(v) for v in got[1].values()] == [type(v) for v in expected[1].values()]
    return got


def ogg_files(upstream_data):
    names = [os.path.join(upstream_data, n) for n in sorted(os.listdir(upstream_data))]
    corpus = sorted(glob.glob(os.path.join(ROOT, "build", "corpus", "ogg-*", "*", "*")))
    return names + corpus


def test_every_file_reads_as_mutagen_reads_it(oracle, upstream_data):
    read = 0
    for path in ogg_files(upstream_data):
        for codec in KEYS:
            read += same_reading(oracle, codec, path)[0] == "ok"
    # all ten upstream Ogg files, in one codec each, and the corpus
    assert read >= 10


def test_buffers_and_tails_read_as_paths(upstream_data):
    for name in ("empty.ogg", "example.opus", "multipagecomment.ogg", "multiplexed.spx",
                 "sample.oggtheora", "empty.oggflac"):
        path = os.path.join(upstream_data, name)
        data = open(path, "rb").read()
        expected = _native.read_ogg(path, None, KEYS)
        assert _native.read_ogg(data, None, KEYS) == expected
        # the prefix protocol: more of the head until it is enough
        have = 64
        while True:
            result = _native.read_ogg(data[:have], None, KEYS, len(data))
            if not isinstance(result, int):
                break
            assert have < result <= len(data)
            have = result
        assert result == expected
        # the head-and-tail protocol
        head, tail, rounds = 4096, 0, 0
        while True:
            result = _native.read_ogg(data[:head], None, KEYS, len(data),
                                      data[len(data) - tail:] if tail else b"")
            if len(result) != 2:
                break
            rounds += 1
            head, tail = max(head, result[0]), max(tail, result[1])
        # one round for the tail; a comment over many pages asks for as far
        # as the lengths on its first page reach (multipagecomment.ogg's
        # second 70 KB value starts past it: then at least double)
        assert result == expected and rounds <= (3 if name == "multipagecomment.ogg" else 1), name


# ---- crafted files ---------------------------------------------------------

def crc(data, table=[]):
    if not table:
        for i in range(256):
            r = i << 24
            for _ in range(8):
                r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else r << 1
            table.append(r & 0xFFFFFFFF)
    r = 0
    for b in data:
        r = ((r << 8) & 0xFFFFFFFF) ^ table[((r >> 24) ^ b) & 0xFF]
    return r


def page(serial, seq, packets, granule=0, first=False, last=False, cont=False, open_end=False):
    lacing, body = [], b""
    for i, packet in enumerate(packets):
        n = len(packet)
        lacing += [255] * (n // 255)
        if not (open_end and i == len(packets) - 1):
            lacing.append(n % 255)
        body += packet
    header = (b"OggS" + bytes([0, cont | first << 1 | last << 2])
              + struct.pack("<qIII", granule, serial, seq, 0) + bytes([len(lacing)] + lacing))
    return header[:22] + struct.pack("<I", crc(header + body)) + header[26:] + body


def comment(vendor, entries, framing=False, tail=b""):
    data = struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(entries))
    for e in entries:
        data += struct.pack("<I", len(e)) + e
    return data + (b"\x01" if framing else b"") + tail


ENTRIES = [b"TITLE=t", b"artist=\xc3\xa9", b"noeq", b"\xff=bad key", b"k=\xff\xfe", b"~=x"]
SI = struct.pack(">HH", 4608, 4608) + bytes(6) + (
    (44100 << 44 | 1 << 41 | 15 << 36 | 162496).to_bytes(8, "big")) + bytes(16)
ID = {
    "vorbis": b"\x01vorbis" + struct.pack("<IBIiii", 0, 2, 44100, 0, 112000, 0) + b"\x01",
    "opus": b"OpusHead" + struct.pack("<BBHIhB", 1, 2, 312, 48000, 0, 0),
    "speex": b"Speex   " + b"1.2".ljust(20, b"\0") + struct.pack("<12i", 1, 80, 16000, 1, 4, 2,
                                                                 24000, 320, 0, 1, 0, 0),
    "theora": b"\x80theora" + bytes([3, 2, 1]) + bytes(12) + struct.pack(">II", 25, 1)
              + bytes(7) + bytes([0, 1, 0, 0xC0, 0xC0]),
    "flac": b"\x7fFLAC\x01\x00\x00\x02fLaC\x00\x00\x00\x22" + SI,
}


def comment_packet(codec, vendor=b"vendor", entries=ENTRIES, tail=b""):
    block = comment(vendor, entries, framing=codec == "vorbis", tail=tail)
    return {"vorbis": b"\x03vorbis", "opus": b"OpusTags", "speex": b"",
            "theora": b"\x81theora", "flac": b"\x84\x00\x00\x40"}[codec] + block


def stream(codec, serial=7, tail_pages=((1000, False), (5000, True)), **kw):
    data = page(serial, 0, [ID[codec]], first=True)
    data += page(serial, 1, [comment_packet(codec, **kw)])
    for i, (granule, last) in enumerate(tail_pages):
        data += page(serial, 2 + i, [bytes([65 + i]) * 50], granule=granule, last=last)
    return data


def test_crafted_streams(oracle):
    for codec in KEYS:
        files = [
            stream(codec),
            stream(codec, tail_pages=()),
            stream(codec, tail_pages=((100, True), (200, False))),
            stream(codec, tail_pages=((100, False), (200, False))),
            stream(codec, tail_pages=((100, False), (-1, True), (200, False))),
            stream(codec, tail_pages=((100, False), (-2, True))),
            stream(codec, tail_pages=((-1, True),)),
            stream(codec, tail_pages=((2 ** 62, True),)),
            stream(codec, tail_pages=((100, True),)) + page(9, 0, [b"x"], 5, True, True),
            stream(codec, tail_pages=((100, False),)) + b"junk" * 100,
            stream(codec, tail_pages=((100, False),)) + b"junk" * 20000,
            stream(codec, entries=[b"A=1", b"B=22"])[:-100],
            page(3, 0, [b"other"], first=True) + stream(codec),
            stream(codec, tail=b"\x00" * 7),
            stream(codec, tail=b"\x01data"),
            stream(codec, vendor=b"\xff\xfebad vendor"),
        ]
        for data in files:
            same_reading(oracle, codec, data)


def test_crafted_header_variants(oracle):
    """Single changes to each codec's headers, read by both."""
    for codec in KEYS:
        base = stream(codec)
        id_at = 28  # the identification packet, after a one-segment page header
        for offset in range(id_at, id_at + len(ID[codec])):
            for value in (0, 1, 0x10, 0xFF):
                data = bytearray(base)
                data[offset] = value
                same_reading(oracle, codec, bytes(data))


def test_comment_over_pages(oracle):
    for codec in KEYS:
        packet = comment_packet(codec, entries=[b"BIG=" + b"x" * 900, b"a=b"])
        pages = [page(7, 0, [ID[codec]], first=True),
                 page(7, 1, [packet[:510]], open_end=True),
                 page(8, 0, [b"interleaved"], first=True, last=True),
                 page(7, 2, [packet[510:765]], cont=True, open_end=True),
                 page(7, 3, [packet[765:], b"n" * 510], cont=True, open_end=True),
                 page(7, 4, [b"rest of it"], cont=True),
                 page(7, 5, [b"audio"], granule=48000, last=True)]
        got = same_reading(oracle, codec, b"".join(pages))
        assert got[0] == "ok" and got[3][0] == ("BIG", "x" * 900)


def test_random_granules(oracle):
    rng = random.Random(1)
    for codec in KEYS:
        for _ in range(40):
            granule = rng.choice([rng.randrange(-2 ** 63, 2 ** 63), rng.randrange(2 ** 40)])
            data = stream(codec, tail_pages=((granule, True),))
            if codec == "flac":  # the length is STREAMINFO's unless its count is 0
                data = data.replace(SI, SI[:13] + bytes([SI[13] & 0xF0, 0, 0, 0, 0]) + SI[18:])
            same_reading(oracle, codec, data)
