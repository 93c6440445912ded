# SPDX-License-Identifier: GPL-2.0-or-later
"""cmutagen.aac, cmutagen.ac3 and cmutagen.smf against the real mutagen
1.48.1: the same public names, scores, properties, pprint and exceptions
on mutagen's test files, on streams ffmpeg encodes (several sample rates,
channel layouts and bitrates), on seeded crafted streams that walk the
corners of each header (ADTS frame chains broken in every way, ADIF
program config elements, every branch of AC-3 and E-AC-3 bsi(), MIDI
tracks with every kind of event and tempo map), and on damaged copies.
None of these formats has tags: add_tags raises, save and delete leave
the file alone, on both sides."""

import importlib
import inspect
import io
import os
import random
import shutil
import struct
import subprocess

import pytest

MODULES = [("aac", "AAC"), ("ac3", "AC3"), ("smf", "SMF")]
UPSTREAM = [("aac", "empty.aac"), ("aac", "adif.aac"), ("ac3", "silence-44-s.ac3"),
            ("ac3", "silence-44-s.eac3"), ("smf", "sample.mid")]


@pytest.fixture(scope="module")
def libs(real_mutagen):
    ours = {name: importlib.import_module("cmutagen." + name) for name, _ in MODULES}
    theirs = {name: importlib.import_module("mutagen." + name) for name, _ in MODULES}
    return ours, theirs


def outcome(module, cls_name, data):
    """What loading ``data`` gives: the info's fields (repr, to tell 0 from
    0.0 and -0.0) and pprint, or the exception's type and message."""
    try:
        f = getattr(module, cls_name)(io.BytesIO(data))
    except Exception as e:
        kind = type(e)
        name = kind.__name__ if kind.__module__ == "builtins" else (
            kind.__module__.split(".", 1)[1] + "." + kind.__name__)
        return ("error", name, str(e))
    fields = {key: repr(value) for key, value in vars(f.info).items()}
    return ("ok", fields, f.pprint(), f.mime, f.keys(), f.tags)


def assert_same(libs, name, datas):
    ours, theirs = libs
    cls_name = dict(MODULES)[name]
    for i, data in enumerate(datas):
        expected = outcome(theirs[name], cls_name, data)
        assert outcome(ours[name], cls_name, data) == expected, (i, data[:64].hex())


# --- stream builders ---------------------------------------------------------

class Bits:
    def __init__(self):
        self.bits = []

    def put(self, value, count):
        self.bits += [(value >> i) & 1 for i in range(count - 1, -1, -1)]
        return self

    def bytes(self):
        bits = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, len(bits), 8))


def adts_frame(size, sf=4, ch=2, pa=1, nb=0, layer=0, fill=0):
    header = ((0xFFF << 44) | (1 << 43) | (layer << 41) | (pa << 40) | (1 << 38) | (sf << 34)
              | (ch << 30) | ((size & 0x1FFF) << 13) | (0x7FF << 2) | nb).to_bytes(7, "big")
    if not pa:
        header += b"\0\0"
    return header + bytes([fill]) * max(0, size - len(header))


def adif(rnd):
    w = Bits()
    for b in b"ADIF":
        w.put(b, 8)
    copyright = rnd.random() < 0.3
    w.put(copyright, 1)
    if copyright:
        w.put(rnd.getrandbits(72), 72)
    bitstream_type = rnd.randint(0, 1)
    w.put(0, 2).put(bitstream_type, 1).put(rnd.choice([0, 1, 128000, 8388607]), 23)
    count = rnd.choice([1, 1, 2, 3])
    w.put(count - 1 if rnd.random() < 0.8 else rnd.randint(0, 15), 4)
    for _ in range(count):
        if bitstream_type == 0:
            w.put(0, 20)
        groups = [rnd.randint(0, 15), rnd.randint(0, 3), rnd.randint(0, 3)]
        w.put(0, 4).put(1, 2).put(rnd.randint(0, 15), 4)
        for g in groups:
            w.put(g, 4)
        lfe, assoc, cc = rnd.randint(0, 3), rnd.randint(0, 7), rnd.randint(0, 3)
        w.put(lfe, 2).put(assoc, 3).put(cc, 4)
        for width in (4, 4, 3):
            present = rnd.randint(0, 1)
            w.put(present, 1)
            if present:
                w.put(1, width)
        w.put(rnd.getrandbits(5 * sum(groups) + 4 * (lfe + assoc) + 5 * cc), 5 * sum(groups) + 4 * (lfe + assoc) + 5 * cc)
        w.put(0, -len(w.bits) % 8)
        comment = rnd.choice([0, 0, 5, 255])
        w.put(comment, 8).put(0, 8 * comment)
    return w.bytes() + b"\0" * rnd.choice([0, 10, 1000])


def adts_cases(rnd, count):
    cases = []
    for _ in range(count):
        parts = []
        if rnd.random() < 0.2:
            parts.append(bytes(rnd.choice([0, 0xFF, 0x12]) for _ in range(rnd.choice([1, 5, 100, 511, 512, 600]))))
        if rnd.random() < 0.75:
            kw = dict(sf=rnd.choice([3, 4, 7, 11, 12, 13, 15]), ch=rnd.choice([0, 1, 2, 6, 7]),
                      pa=rnd.choice([0, 1, 1]), nb=rnd.choice([0, 0, 1, 3]))
            for _ in range(rnd.choice([1, 2, 3, 4, 10, 100, 101, 150])):
                frame_kw = dict(kw)
                if rnd.random() < 0.05:
                    frame_kw.update(sf=rnd.randint(0, 15), layer=rnd.randint(0, 3))
                size = rnd.choice([rnd.randint(0, 40), rnd.randint(7, 400), rnd.randint(7, 8191)])
                parts.append(adts_frame(size, fill=rnd.choice([0, 0x55, 0xFF]), **frame_kw)[:max(size, 7)])
                if rnd.random() < 0.05:
                    parts.append(bytes(rnd.choice([0, 0xFF, 0xF0]) for _ in range(rnd.randint(1, 12))))
        else:
            parts.append(adif(rnd))
        data = b"".join(parts)
        if rnd.random() < 0.1:
            size = rnd.choice([0, 10, 100])
            data = b"ID3\x04\x00" + bytes([rnd.choice([0, 0x10]), 0, 0, size >> 7, size & 127]) + b"\0" * size + data
        cases.append(damage(rnd, data))
    return cases


def ac3_frame(rnd):
    p = rnd.choice([0.0, 0.05, 0.2, 0.5, 0.9])
    w = Bits().put(0x0B77, 16)
    if rnd.random() < 0.5:
        fscod = rnd.choice([0, 1, 2, 3])
        w.put(rnd.choice([0, 1, 2, 3]), 2).put(rnd.randint(0, 7), 3)
        w.put(rnd.choice([0, 2, 3, 100, 416, 2047]), 11).put(fscod, 2).put(rnd.randint(0, 3), 2)
        w.put(rnd.randint(0, 7), 3).put(rnd.randint(0, 1), 1).put(rnd.choice([10, 11, 16, 16, 17]), 5)
    else:
        w.put(0, 16).put(rnd.choice([0, 1, 2, 3]), 2).put(rnd.choice([0, 1, 20, 37, 38]), 6)
        w.put(rnd.choice([0, 6, 8, 9, 10, 11, 17]), 5).put(rnd.randint(0, 7), 3).put(rnd.randint(0, 7), 3)
    for _ in range(rnd.randint(0, 150)):
        w.put(rnd.random() < p, 1)
    return w.bytes() + bytes(rnd.choice([0, 0xFF, rnd.randrange(256)]) for _ in range(rnd.choice([0, 2, 20, 100])))


def vlq(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def midi_track(rnd):
    out = b""
    for _ in range(rnd.choice([0, 1, 3, 10, 40])):
        out += vlq(rnd.choice([0, 0, 1, 7, 96, 480, 20000]))
        k = rnd.random()
        if k < 0.45:
            status = rnd.choice([0x80, 0x90, 0xB0, 0xC0, 0xD0, 0xE0]) | rnd.randint(0, 15)
            data = bytes(rnd.randint(0, 127) for _ in range(1 if status >> 4 in (0xC, 0xD) else 2))
            out += data if rnd.random() < 0.3 else bytes([status]) + data
        elif k < 0.65:
            out += b"\xff\x51\x03" + rnd.choice([250000, 500000, 333333, 0, 16777215]).to_bytes(3, "big")
        elif k < 0.75:
            data = bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 5)))
            out += b"\xff" + bytes([rnd.choice([1, 0x2F, 0x51])]) + vlq(len(data)) + data
        elif k < 0.82:
            out += bytes([rnd.choice([0xF0, 0xF7])]) + vlq(2) + b"\x01\x02"
        elif k < 0.85:
            out += bytes([rnd.choice([0xF1, 0xF8])])
        else:
            out += bytes(rnd.randint(0, 127) for _ in range(rnd.randint(1, 3)))
    return out


def midi_file(rnd):
    body = b""
    tracks = [midi_track(rnd) for _ in range(rnd.choice([0, 1, 2, 3, 5]))]
    for track in tracks:
        body += (b"MTrk" if rnd.random() < 0.95 else b"XTRA") + struct.pack(">I", len(track)) + track
    size = 6 if rnd.random() < 0.95 else rnd.choice([0, 5, 8])
    header = struct.pack(">4sIHHH", b"MThd", size, rnd.choice([0, 1, 1, 2]),
                         len(tracks) if rnd.random() < 0.9 else rnd.randint(0, 6),
                         rnd.choice([96, 480, 100, 0, 0x9928]))
    return header + b"\0" * max(0, size - 6) + body


def damage(rnd, data):
    r = rnd.random()
    if r < 0.15:
        return data[:rnd.randint(0, len(data))]
    if r < 0.3 and data:
        b = bytearray(data)
        for _ in range(rnd.randint(1, 5)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        return bytes(b)
    return data


# --- the API -------------------------------------------------------------------

@pytest.mark.parametrize("name", [name for name, _ in MODULES])
def test_public_names(libs, name):
    ours, theirs = libs
    mine, real = ours[name], theirs[name]
    assert mine.__all__ == real.__all__
    for attr in dir(real):
        if attr.startswith("_") and attr != "_FREQS":
            continue
        assert hasattr(mine, attr), attr
        value, expected = getattr(mine, attr), getattr(real, attr)
        if inspect.isclass(expected) and expected.__module__ == real.__name__:
            assert [c.__name__ for c in value.__mro__] == [c.__name__ for c in expected.__mro__]
            for member, member_value in vars(expected).items():
                if member.startswith("__") or not callable(member_value):
                    continue
                if not member.startswith("_"):
                    assert str(inspect.signature(getattr(value, member))) == \
                        str(inspect.signature(getattr(expected, member))), (attr, member)
        elif not callable(expected) and not inspect.ismodule(expected):
            assert repr(value) == repr(expected), attr


def test_enums(libs):
    ours, theirs = libs
    for kind in ("ChannelMode", "EAC3FrameType"):
        for value in range(10):
            mine, real = getattr(ours["ac3"], kind)(value), getattr(theirs["ac3"], kind)(value)
            assert (repr(mine), str(mine), int(mine)) == (repr(real), str(real), int(real))


def test_scores(libs):
    ours, theirs = libs
    names = ["a.aac", "A.AAC", "a.adts", "a.adif", "a.ac3", "a.AC3", "a.eac3", "a.mid",
             "a.MIDI", "a.kar", "x", b"a.aac", b"a.mid", b"a.ac3"]
    headers = [b"", b"ADIF", b"\xff\xf1", b"ID3", b"\x0bw", b"MThd", b"MThd\x00\x00\x00\x06", b"RIFF"]
    for name, cls_name in MODULES:
        for filename in names:
            for header in headers:
                mine = getattr(ours[name], cls_name).score(filename, None, header)
                real = getattr(theirs[name], cls_name).score(filename, None, header)
                assert (mine, type(mine)) == (real, type(real)), (name, filename, header)


@pytest.mark.parametrize("name,filename", UPSTREAM)
def test_no_tags(libs, name, filename, upstream_data, tmp_path):
    ours, theirs = libs
    cls_name = dict(MODULES)[name]
    path = os.path.join(upstream_data, filename)
    original = open(path, "rb").read()
    results = []
    for lib in (ours, theirs):
        copy = tmp_path / ("copy-" + lib[name].__name__)
        copy.write_bytes(original)
        f = getattr(lib[name], cls_name)(str(copy))
        log = [f.tags, f.keys(), f.filename == str(copy), f.save(), f.delete()]
        for call in (f.add_tags, lambda: f.__setitem__("title", "x")):
            with pytest.raises(lib[name].error) as info:
                call()
            log.append(str(info.value))
        with pytest.raises(KeyError):
            f["title"]
        assert copy.read_bytes() == original
        results.append(log)
    assert results[0] == results[1]


# --- loads ----------------------------------------------------------------------

@pytest.mark.parametrize("name,filename", UPSTREAM)
def test_upstream_files(libs, name, filename, upstream_data):
    data = open(os.path.join(upstream_data, filename), "rb").read()
    assert_same(libs, name, [data])
    # Behind an ID3v2 tag (AAC skips it; the others do not look for one).
    tag = b"ID3\x04\x00\x00\x00\x00\x01\x0a" + b"\0" * 138
    assert_same(libs, name, [tag + data])


@pytest.mark.parametrize("name,filename", UPSTREAM)
def test_damaged_upstream_files(libs, name, filename, upstream_data):
    data = open(os.path.join(upstream_data, filename), "rb").read()
    rnd = random.Random(filename)
    cuts = sorted({rnd.randrange(len(data)) for _ in range(30)} | set(range(0, 40)))
    variants = [data[:n] for n in cuts]
    for _ in range(60):
        b = bytearray(data[:rnd.choice([200, 2000, len(data)])])
        for _ in range(rnd.randint(1, 3)):
            b[rnd.randrange(min(len(b), 64))] = rnd.randrange(256)
        variants.append(bytes(b))
    assert_same(libs, name, variants)


@pytest.fixture(scope="module")
def encoded(tmp_path_factory):
    """ADTS AAC, AC-3 and E-AC-3 streams made by ffmpeg."""
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is needed to encode the test streams (make test installs it)")
    folder = tmp_path_factory.mktemp("encoded")
    jobs = []
    for rate, channels, seconds in [(8000, 1, 0.4), (22050, 2, 1.3), (44100, 2, 3.1),
                                    (48000, 6, 0.7), (96000, 1, 0.5)]:
        jobs.append(("aac", rate, channels, seconds, ["-c:a", "aac", "-b:a", "64k", "-f", "adts"]))
    for codec in ("ac3", "eac3"):
        for rate, channels, bitrate in [(32000, 1, "96k"), (44100, 2, "192k"), (48000, 6, "384k")]:
            jobs.append((codec, rate, channels, 0.6, ["-c:a", codec, "-b:a", bitrate, "-f", codec]))
    files = []
    for codec, rate, channels, seconds, args in jobs:
        path = folder / ("%s-%d-%d.%s" % (codec, rate, channels, codec))
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        "sine=frequency=440:sample_rate=%d:duration=%s" % (rate, seconds),
                        "-ac", str(channels)] + args + [str(path)], check=True)
        files.append(("aac" if codec == "aac" else "ac3", path.read_bytes()))
    return files


def test_encoded_streams(libs, encoded):
    rnd = random.Random(5)
    for name, data in encoded:
        assert_same(libs, name, [data, data[:len(data) // 3], b"\0" * 300 + data,
                                 data + b"\xff" * 100, damage(rnd, data), damage(rnd, data)])


def test_crafted_aac(libs):
    assert_same(libs, "aac", adts_cases(random.Random(1), 400))


def test_crafted_ac3(libs):
    rnd = random.Random(2)
    frames = [ac3_frame(rnd) for _ in range(300)]
    # Every cut of some of them: the end of the file inside each field.
    cuts = [frame[:n] for frame in frames[:25] for n in range(min(len(frame), 60))]
    assert_same(libs, "ac3", [damage(rnd, f) for f in frames] + cuts)


def test_crafted_smf(libs, upstream_data):
    rnd = random.Random(3)
    sample = open(os.path.join(upstream_data, "sample.mid"), "rb").read()
    files = [midi_file(rnd) for _ in range(300)] + [sample] * 20
    assert_same(libs, "smf", [damage(rnd, f) for f in files])


def test_length_estimates_are_exact(libs):
    """Long ADTS streams past the 100 frames read, junk before the first
    frame, and tempo maps across tracks: the floats are mutagen's to the
    last bit (outcome compares their reprs)."""
    rnd = random.Random(4)
    streams = []
    for size in (23, 200, 371, 1500):
        frames = b"".join(adts_frame(rnd.randint(size, size + 40)) for _ in range(160))
        streams += [frames, b"\0" * rnd.randint(1, 511) + frames, frames + b"\0" * 12345]
    assert_same(libs, "aac", streams)
