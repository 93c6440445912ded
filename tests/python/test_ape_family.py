# SPDX-License-Identifier: GPL-2.0-or-later
"""WavPack, Musepack, Monkey's Audio, OptimFROG, TAK and True Audio, read and
saved by cmutagen and by the real mutagen 1.48.1.

Every file is loaded by both libraries and must give the same stream info
(every public attribute, its type and value), pprint, mime and tags, or the
same exception class.  The files are mutagen's own test files, files made
by ffmpeg, hand-made header variants (the edge cases of each format's
rules), and a few hundred seeded truncated or byte-flipped copies of all of
them.  Where mutagen fails with something other than a MutagenError (an
IndexError on a WavPack custom sample rate) or never returns (a Musepack
SV8 packet of size 0), cmutagen must raise the format's error instead.
Saves and deletes must write mutagen's bytes, and each library must read
the file the other wrote."""

import importlib
import io
import os
import random
import signal
import struct
import subprocess

import pytest

from cmutagen import MutagenError

# module: (class, upstream files)
FORMATS = {
    "wavpack": ("WavPack", ["silence-44-s.wv", "no_length.wv", "dsd.wv"]),
    "musepack": ("Musepack", ["click.mpc", "sv4_header.mpc", "sv5_header.mpc",
                              "sv8_header.mpc", "almostempty.mpc"]),
    "monkeysaudio": ("MonkeysAudio", ["mac-399.ape", "mac-396.ape", "mac-390-hdr.ape"]),
    "optimfrog": ("OptimFROG", ["empty.ofr", "empty.ofs", "silence-2s-44100-16.ofr",
                                "silence-2s-44100-16.ofs"]),
    "tak": ("TAK", ["silence-44-s.tak", "has-tags.tak"]),
    "trueaudio": ("TrueAudio", ["empty.tta"]),
}

# Files of other formats each class must refuse.
FOREIGN = ["empty.ogg", "click.mpc", "empty.tta", "silence-44-s.wv", "emptyfile.mp3"]

# ffmpeg encoder, extension, sample rate, channels, sample format, seconds.
GENERATED = [
    ("wavpack", "wv", 22050, 1, "s16p", 0.3),
    ("wavpack", "wv", 48000, 2, "s32p", 0.2),
    ("wavpack", "wv", 8000, 2, "u8p", 1.1),
    ("wavpack", "wv", 96000, 1, "fltp", 0.1),
    ("tta", "tta", 48000, 2, "s16", 0.3),
    ("tta", "tta", 11025, 1, "s16", 1.0),
    ("tta", "tta", 44100, 2, "u8", 0.1),
]

ID3_SMALL = b"ID3\x04\x00\x00\x00\x00\x00\x05abcde"
# Seconds the oracle gets per load: it loops for ever on some damaged files.
ORACLE_TIMEOUT = 2


def _class(lib, module):
    return getattr(importlib.import_module("%s.%s" % (lib, module)), FORMATS[module][0])


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def snapshot(kind, data):
    """Everything a load of data (bytes) shows, or ("raises", class, module
    error?) when it raises.  Package names are left out of class names."""
    try:
        f = kind(io.BytesIO(data))
    except _Timeout:
        raise
    except Exception as exc:
        return ("raises", type(exc).__name__, isinstance(exc, MutagenError)
                or type(exc).__module__.startswith("mutagen"))
    info = {}
    for name in dir(f.info):
        if name.startswith("_"):
            continue
        value = getattr(f.info, name)
        if not callable(value):
            info[name] = (type(value).__name__, value)
    tags = None
    if f.tags is not None:
        tags = [(key, type(value).__name__, repr(value)) for key, value in f.tags.items()]
    return ("ok", info, f.info.pprint(), f.pprint(), f.mime, tags)


def oracle_snapshot(kind, data):
    """snapshot() of the real mutagen, or None when it does not return."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(ORACLE_TIMEOUT)
    try:
        return snapshot(kind, data)
    except _Timeout:
        return None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def check_same(module, data, label):
    theirs_kind = _class("mutagen", module)
    ours_kind = _class("cmutagen", module)
    ours = snapshot(ours_kind, data)
    theirs = oracle_snapshot(theirs_kind, data)
    if theirs is None or (theirs[0] == "raises" and not theirs[2]):
        # mutagen hangs or raises an unrelated exception: ours names the
        # problem with the format's error.
        assert ours[0] == "raises" and ours[2], (label, theirs, ours)
        return
    assert ours == theirs, label


@pytest.fixture(scope="module")
def libs(real_mutagen):
    for module in FORMATS:
        importlib.import_module("mutagen." + module)
    return real_mutagen


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """{module: [bytes of each file ffmpeg made]}"""
    folder = tmp_path_factory.mktemp("apefam")
    files = {}
    for i, (codec, ext, rate, channels, fmt, seconds) in enumerate(GENERATED):
        path = str(folder / ("gen%d.%s" % (i, ext)))
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
             "sine=frequency=440:duration=%s:sample_rate=%d" % (seconds, rate),
             "-ac", str(channels), "-sample_fmt", fmt, "-c:a", codec, "-y", path],
            check=True)
        module = "wavpack" if codec == "wavpack" else "trueaudio"
        with open(path, "rb") as h:
            files.setdefault(module, []).append(h.read())
    return files


def upstream_bytes(upstream_data, name):
    with open(os.path.join(upstream_data, name), "rb") as h:
        return h.read()


# --- hand-made variants: the edge cases of each format's rules -------------

def _wv_header(flags, total=0xFFFFFFFF, samples=1000, size=24, version=0x410):
    return (b"wvpk" + struct.pack("<IHBBIIIII", size, version, 0, 0, total, 0,
                                  samples, flags, 0))


def wavpack_variants(upstream_data):
    rate = 9 << 23
    yield "mono", _wv_header(rate | 4, total=44100)
    yield "32-bit", _wv_header(rate | 3, total=44100)
    yield "dsd", _wv_header(rate | 1 << 31, total=44100)
    yield "dsd-mono", _wv_header(1 << 31 | 4, total=44100)
    yield "custom-rate", _wv_header(15 << 23)
    yield "two-blocks", _wv_header(rate) + _wv_header(rate)
    yield "junk-between", _wv_header(rate) + b"junk" + _wv_header(rate)
    yield "block-size-0", _wv_header(rate, size=0) + _wv_header(rate)
    yield "block-size-huge", _wv_header(rate, size=0xFFFFFFFF) + _wv_header(rate)
    yield "short", _wv_header(rate)[:31]
    yield "id3-first", ID3_SMALL + _wv_header(rate, total=100)


def _sv8(*packets):
    return b"MPCK" + b"".join(packets)


def _sh(samples=b"\x84\x83\x5e", silence=b"\x00", fields=b"\x05\x19", size=None):
    payload = b"\xef\x2a\x29\x81\x08" + samples + silence + fields
    return b"SH" + bytes([size if size is not None else len(payload) + 3]) + payload


def _rg(title_gain=0x457D, title_peak=0x5ACC, album_gain=0x457D, album_peak=0x5ACC, size=12):
    return b"RG" + bytes([size]) + struct.pack(">Bhhhh", 1, title_gain, title_peak,
                                               album_gain, album_peak)


def musepack_variants(upstream_data):
    sv7 = upstream_bytes(upstream_data, "click.mpc")
    sv5 = upstream_bytes(upstream_data, "sv5_header.mpc")
    ei = b"EI\x03"
    yield "sv8", _sv8(_sh(), _rg(), ei)
    yield "sv8-rg-first", _sv8(_rg(), _sh(), ei)
    yield "sv8-no-gain", _sv8(_sh(), _rg(0, 0, 0, 0), ei)
    yield "sv8-album-only", _sv8(_sh(), _rg(0, 0), ei)
    yield "sv8-negative-peaks", _sv8(_sh(), _rg(-100, -1, -32768, 1), ei)
    yield "sv8-silence", _sv8(_sh(silence=b"\x64"), _rg(), ei)
    yield "sv8-silence-too-long", _sv8(_sh(samples=b"\x10", silence=b"\x64"), _rg(), ei)
    yield "sv8-no-samples", _sv8(_sh(samples=b"\x00"), _rg(), ei)
    for index in range(8):
        yield "sv8-rate-%d" % index, _sv8(_sh(fields=bytes([index << 5 | 5, 0xF9])), _rg(), ei)
    yield "sv8-sh-padded", _sv8(_sh(size=20) + b"\x00" * 5, _rg(), ei)
    yield "sv8-sh-short", _sv8(_sh(size=12), _rg(), ei)
    yield "sv8-sh-size-0", _sv8(_sh(size=0), _rg(), ei)
    yield "sv8-rg-short", _sv8(_sh(), _rg(size=11), ei)
    yield "sv8-two-sh", _sv8(_sh(), _sh(), _rg(), ei)
    yield "sv8-two-rg", _sv8(_rg(), _rg(), _sh(), ei)
    yield "sv8-no-next-key", _sv8(_sh(), _rg())
    yield "sv8-bad-next-key", _sv8(_sh(), _rg(), b"ei\x03")
    yield "sv8-audio-first", _sv8(b"AP\x03", _sh(), _rg(), ei)
    yield "sv8-unknown", _sv8(b"X1\x03", _sh(), _rg(), ei)
    yield "sv8-unknown-size-0", _sv8(b"XX\x00", _sh(), _rg(), ei)
    yield "sv8-unknown-size-1", _sv8(b"XX\x01", _sh(), _rg(), ei)
    yield "sv8-unknown-huge", _sv8(b"XX\x8f\xff\xff\x7f", _sh(), _rg(), ei)
    yield "sv8-bad-size", _sv8(b"XX\x80")
    yield "sv8-varint-too-long", _sv8(_sh(samples=b"\x80" * 9 + b"\x01"), _rg(), ei)
    yield "sv8-after-id3", ID3_SMALL + _sv8(_sh(), _rg(), ei)
    yield "sv7-after-id3", ID3_SMALL + sv7
    yield "sv7-id3-too-big", b"ID3\x04\x00\x00\x00\x00\x7f\x7f" + sv7
    for version in (0x06, 0x08, 0x17, 0x1F):
        yield "sv7-version-%x" % version, sv7[:3] + bytes([version]) + sv7[4:]
    for flags_byte in (1, 2, 3):
        yield "sv7-rate-%d" % flags_byte, sv7[:10] + bytes([sv7[10] | flags_byte]) + sv7[11:]
    yield "sv7-no-frames", sv7[:4] + b"\x00" * 4 + sv7[8:]
    yield "sv7-32-bytes", sv7[:32]
    word0 = struct.unpack("<I", sv5[:4])[0]
    for version in (3, 4, 6, 7):
        word = word0 & ~(0x3FF << 11) | version << 11
        yield "sv-%d" % version, struct.pack("<I", word) + sv5[4:]
    yield "sv5-bitrate", struct.pack("<I", word0 | 128 << 23) + sv5[4:]
    yield "sv5-no-frames", sv5[:4] + b"\x00" * 4 + sv5[8:]


def _mac_old(version, flags=0x16, frames=10, final=1000, rate=44100, wav=True):
    header = b"MAC " + struct.pack("<HHHHIIIII", version, 2000, flags, 2, rate, 0x2C, 0,
                                   frames, final)
    header += b"\x00" * 8
    if wav:
        header += b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00" \
                  b"\x44\xac\x00\x00\x10\xb1\x02\x00\x04\x00\x18\x00"
    return header.ljust(96, b"\x00")


def monkeysaudio_variants(upstream_data):
    new = upstream_bytes(upstream_data, "mac-399.ape")
    for version in (3790, 3800, 3899, 3900, 3950, 3979, 3980):
        yield "old-%d" % version, _mac_old(version)
    yield "old-no-wav-header", _mac_old(3960, wav=False)
    yield "old-no-frames", _mac_old(3960, frames=0)
    yield "old-rate-0", _mac_old(3960, rate=0)
    yield "old-75-bytes", _mac_old(3960)[:75]
    yield "new-descriptor-size-ignored", new[:8] + b"\xff" * 4 + new[12:]
    yield "new-no-frames", new[:64] + b"\x00" * 4 + new[68:]
    yield "new-rate-0", new[:72] + b"\x00" * 4 + new[76:]
    yield "new-75-bytes", new[:75]
    yield "after-id3", ID3_SMALL + new


def _ofr(size=15, samples=324992, high=0, sample_type=3, channels=1, rate=44100,
         encoder=0x140, length=76):
    header = b"OFR " + struct.pack("<IIHBBIHB", size, samples, high, sample_type,
                                   channels, rate, encoder, 10)
    return header.ljust(length, b"\x00")


def optimfrog_variants(upstream_data):
    for size in (0, 11, 12, 13, 14, 17, 0xFFFFFFFF):
        yield "size-%d" % size, _ofr(size=size)
    for sample_type in (0, 4, 6, 7, 8):
        yield "type-%d" % sample_type, _ofr(sample_type=sample_type)
    yield "mono", _ofr(channels=0)
    yield "rate-0", _ofr(rate=0)
    yield "high-samples", _ofr(high=1)
    for encoder in (0, 0x10, 505 << 4, 0xFFFF):
        yield "encoder-%x" % encoder, _ofr(encoder=encoder)
    yield "75-bytes", _ofr(length=75)


def _tak_object(kind, data, size=None):
    size = len(data) if size is None else size
    return bytes([kind]) + size.to_bytes(3, "little") + data


def tak_variants(upstream_data):
    data = upstream_bytes(upstream_data, "silence-44-s.tak")
    stream_info, encoder_info = data[8:21], data[0x28:0x2F]
    end = _tak_object(0, b"")
    yield "stream-info-only", b"tBaK" + _tak_object(1, stream_info) + end
    yield "no-end", b"tBaK" + _tak_object(1, stream_info)
    yield "encoder-first", (b"tBaK" + _tak_object(4, encoder_info)
                            + _tak_object(1, stream_info) + end)
    yield "no-stream-info", b"tBaK" + _tak_object(4, encoder_info) + end
    yield "flagged-type", b"tBaK" + bytes([0x81]) + _tak_object(1, stream_info)[1:] + end
    for size in (9, 10, 11, 12, 23, 24):
        yield "stream-info-size-%d" % size, (
            b"tBaK" + _tak_object(1, stream_info.ljust(size, b"\x00")[:size]) + end)
    yield "stream-info-cut", b"tBaK" + _tak_object(1, stream_info[:8], size=13)
    yield "encoder-info-short", (b"tBaK" + _tak_object(1, stream_info)
                                 + _tak_object(4, encoder_info[:2]) + end)
    yield "unknown-object", (b"tBaK" + _tak_object(9, b"abc") + _tak_object(1, stream_info)
                             + end)
    yield "object-past-end", b"tBaK" + _tak_object(2, b"abc", size=1000)
    yield "only-end", b"tBaK" + end
    yield "magic-only", b"tBaK"


def trueaudio_variants(upstream_data):
    data = upstream_bytes(upstream_data, "empty.tta")[:200]
    yield "rate-0", data[:10] + b"\x00" * 4 + data[14:]
    yield "no-samples", data[:14] + b"\x00" * 4 + data[18:]
    yield "version-2", b"TTA2" + data[4:]
    yield "18-bytes", data[:18]
    yield "17-bytes", data[:17]
    yield "after-id3", ID3_SMALL + data
    yield "id3-too-big", b"ID3\x04\x00\x00\x00\x00\x7f\x7f" + data
    yield "zero-rate-header", b"TTA  \x00AD\xa0\x00\x00\x00\x00\x00\x00\x00\xfe3"


VARIANTS = {
    "wavpack": wavpack_variants,
    "musepack": musepack_variants,
    "monkeysaudio": monkeysaudio_variants,
    "optimfrog": optimfrog_variants,
    "tak": tak_variants,
    "trueaudio": trueaudio_variants,
}


def all_files(module, upstream_data, generated):
    """(label, bytes) of every undamaged file this test has for module."""
    files = [(name, upstream_bytes(upstream_data, name)) for name in FORMATS[module][1]]
    files += [("ffmpeg-%d" % i, data) for i, data in enumerate(generated.get(module, []))]
    files += list(VARIANTS[module](upstream_data))
    return files


# --- reading -----------------------------------------------------------------

@pytest.mark.parametrize("module", sorted(FORMATS))
def test_files_read_as_mutagen_reads_them(libs, upstream_data, generated, module):
    for label, data in all_files(module, upstream_data, generated):
        check_same(module, data, label)
    for name in FOREIGN:
        check_same(module, upstream_bytes(upstream_data, name), "foreign " + name)


def damaged(data, rng, count):
    """count damaged copies of data: cut short, or a few bytes changed
    (mostly in the first 128, where every header here lives)."""
    for _ in range(count):
        how = rng.randrange(3)
        if how == 0:
            yield data[:rng.randrange(len(data) + 1)]
        else:
            copy = bytearray(data)
            for _ in range(rng.randrange(1, 4)):
                reach = min(len(copy), 128) if how == 1 else len(copy)
                if reach:
                    copy[rng.randrange(reach)] = rng.randrange(256)
            yield bytes(copy)


@pytest.mark.parametrize("module", sorted(FORMATS))
def test_damaged_files_read_as_mutagen_reads_them(libs, upstream_data, generated, module):
    rng = random.Random("apefam-" + module)
    files = all_files(module, upstream_data, generated)
    # About 400 damaged files a format, spread over its files.
    per_file = max(4, 400 // len(files))
    for label, data in files:
        for i, copy in enumerate(damaged(data, rng, per_file)):
            check_same(module, copy, "%s damaged #%d" % (label, i))


def test_scores_are_mutagens(libs):
    headers = [b"", b"wvpk", b"MP+", b"MPCK", b"MAC ", b"MAC", b"OFR", b"tBaK", b"TTA",
               b"TTA1", b"ID3", b"ID3\x04TTA", b"\xc1\x27\x20\x00", b"xyz"]
    names = ["a.x", "a.wv", "a.mpc", "A.MPC", "a.mp+", "a.ape", "a.APE", "a.ofr", "a.ofs",
             "a.OFS", "a.tak", "a.TAK", "a.tta", "a.TTA", b"a.mpc", b"a.ape", b"a.ofr",
             b"a.tak", b"a.tta", b"a.x"]
    kinds = [(_class("cmutagen", m), _class("mutagen", m)) for m in sorted(FORMATS)]
    easy = importlib.import_module("cmutagen.trueaudio").EasyTrueAudio
    kinds.append((easy, importlib.import_module("mutagen.trueaudio").EasyTrueAudio))
    for ours, theirs in kinds:
        for header in headers:
            for name in names:
                expected = theirs.score(name, io.BytesIO(header), header)
                got = ours.score(name, io.BytesIO(header), header)
                assert (type(got), got) == (type(expected), expected), (ours, header, name)


def test_public_names_are_mutagens(libs):
    for module in sorted(FORMATS):
        ours = importlib.import_module("cmutagen." + module)
        theirs = importlib.import_module("mutagen." + module)
        public = {name for name in dir(theirs) if not name.startswith("_")}
        assert public <= set(dir(ours)), module
        assert ours.__all__ == theirs.__all__
        for name in public:
            value = getattr(theirs, name)
            if isinstance(value, (int, float, str, list, dict)):
                assert getattr(ours, name) == value, (module, name)


# --- saving ------------------------------------------------------------------

def _edit_ape(f):
    if f.tags is None:
        f.add_tags()
    f["Title"] = "a title"
    f["Artist"] = ["one", "two"]
    f["Cover Art (Front)"] = _ape_binary(f)
    if "Album" in f:
        del f["Album"]


def _ape_binary(f):
    module = importlib.import_module(type(f).__module__.split(".")[0] + ".apev2")
    return module.APEValue(b"cover\x00data", module.BINARY)


def _edit_id3(f):
    module = importlib.import_module(type(f).__module__.split(".")[0] + ".id3")
    if f.tags is None:
        f.add_tags()
    f.tags.add(module.TIT2(encoding=3, text=["a title"]))
    f.tags.add(module.TPE1(encoding=1, text=["one", "two"]))


def _saved(kind, path, how):
    """Apply an edit (or a delete) to the file at path and return its bytes."""
    f = kind(path)
    if how == "edit":
        (_edit_id3 if "trueaudio" in kind.__module__ else _edit_ape)(f)
        f.save()
    elif how == "delete":
        f.delete()
    else:
        importlib.import_module(kind.__module__).delete(path)
    with open(path, "rb") as h:
        return h.read()


@pytest.mark.parametrize("module", sorted(FORMATS))
def test_saves_write_mutagens_bytes(libs, upstream_data, generated, tmp_path, module):
    sources = [(name, upstream_bytes(upstream_data, name)) for name in FORMATS[module][1]
               if name != "almostempty.mpc"]
    sources += [("ffmpeg-%d" % i, d) for i, d in enumerate(generated.get(module, [])[:2])]
    ours_kind, theirs_kind = _class("cmutagen", module), _class("mutagen", module)
    for label, data in sources:
        for how in ("edit", "delete", "module-delete"):
            ours_path, theirs_path = tmp_path / "ours", tmp_path / "theirs"
            ours_path.write_bytes(data)
            theirs_path.write_bytes(data)
            ours = _saved(ours_kind, str(ours_path), how)
            theirs = _saved(theirs_kind, str(theirs_path), how)
            assert ours == theirs, (label, how)
            # Each reads what the other wrote (the bytes are the same, so
            # this is the read comparison on a saved file).
            check_same(module, ours, "%s after %s" % (label, how))
            # An edit after an edit (tags found and rewritten in place).
            if how == "edit":
                assert _saved(ours_kind, str(ours_path), how) == \
                    _saved(theirs_kind, str(theirs_path), how), (label, "edit again")

