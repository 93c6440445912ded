# SPDX-License-Identifier: GPL-2.0-or-later
"""FLAC(path) builds the file's objects in one C call (_native.load_flac)
where it can, and reads the general way otherwise (a file object, a
subclass, a file the C call cannot be sure of).  Both ways must leave the
same objects behind (every block's class and __dict__, the tags, info,
pictures, seek table, cue sheet, pprint() and the bytes a save() writes),
or raise the same error, on mutagen's test files, the broken-file corpus,
the benchmark corpus and a few hundred generated files.  The real mutagen,
run in a process of its own, must show the same public values.

Run as a script (``python test_flac_fastload.py LIBRARY``, the paths on
stdin, one a line), it prints what LIBRARY's FLAC shows of each file: that
is how the oracle is asked."""

import ast
import glob
import hashlib
import os
import random
import shutil
import struct
import subprocess
import sys

import pytest


# ---- what a loaded file shows -----------------------------------------------

def typed(value):
    """value with the class name of everything in it, so 1 == True or a
    tuple == a SeekPoint do not hide a difference."""
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(v) for v in value])
    if isinstance(value, (int, float, str, bytes, type(None))):
        return (type(value).__name__, value)
    fields = vars(value) if hasattr(value, "__dict__") else {}
    return (type(value).__name__, [(k, typed(v)) for k, v in fields.items()])


def public(f, save_copy):
    """What the mutagen API shows of a loaded FLAC (public attributes only,
    sorted by name: the private ones and the order differ from mutagen's),
    and the bytes a save writes (their digest), or the error it raises."""
    blocks = []
    for block in f.metadata_blocks:
        fields = sorted((k, typed(v)) for k, v in vars(block).items() if not k.startswith("_"))
        shown = repr(block) if type(block).__repr__ is not object.__repr__ else None
        items = list(block) if isinstance(block, list) else None
        blocks.append((type(block).__name__, fields, shown, items))
    info = sorted((k, typed(v)) for k, v in vars(f.info).items() if not k.startswith("_"))
    return (f.filename, info, f.info.pprint(), f.pprint(), blocks,
            None if f.tags is None else (f.tags.vendor, list(f.tags), sorted(f.tags.keys())),
            [(p.type, p.mime, p.desc, p.width, p.height, p.depth, p.colors, p.data)
             for p in f.pictures],
            repr(f.seektable), repr(f.cuesheet), saved(f, save_copy))


def saved(f, copy):
    """The digest of the file f.save() writes to a copy of it, or its error."""
    shutil.copyfile(f.filename, copy)
    try:
        f.save(copy)
    except Exception as e:
        return ("raises", type(e).__name__, str(e))
    with open(copy, "rb") as g:
        return hashlib.sha1(g.read()).hexdigest()


def show(flac_class, path, save_copy):
    """public(flac_class(path)), or the error flac_class(path) raises."""
    try:
        f = flac_class(path)
    except Exception as e:
        return ("raises", type(e).__name__, str(e))
    return public(f, save_copy)


def main(library):
    flac = __import__(library + ".flac", fromlist=["FLAC"])
    copy = os.path.join(os.environ["FLAC_SAVE_DIR"], "copy.flac")
    for line in sys.stdin:
        print(repr(show(flac.FLAC, line.rstrip("\n"), copy)))


if __name__ == "__main__":
    main(sys.argv[1])
    sys.exit(0)


# ---- the tests --------------------------------------------------------------

from conftest import ORACLE, ROOT  # noqa: E402

from cmutagen import _native  # noqa: E402
from cmutagen import flac  # noqa: E402


def everything(f, save_copy):
    """All a loaded FLAC holds: its __dict__ in order, each block's class
    and __dict__ in order, the links between them, what its methods show."""
    blocks = f.metadata_blocks
    where = lambda obj: None if obj is None else next(
        i for i, b in enumerate(blocks) if b is obj)
    described = []
    for block in blocks:
        fields = dict(vars(block))
        # the key index is a cache the one-call path builds at once and the
        # general path on the first lookup: it must be what a lookup builds
        if "_index" in fields:
            index = fields["_index"]
            if index is not None:
                fresh = {}
                for key, value in block:
                    fresh.setdefault(key.lower(), []).append(value)
                assert index == fresh
                assert list(index) == list(fresh)
            fields["_index"] = None
        described.append((type(block), [(k, typed(v)) for k, v in fields.items()],
                          repr(block) if type(block).__repr__ is not object.__repr__ else None,
                          typed(list(block)) if isinstance(block, list) else None))
    return (list(vars(f)), f.filename, described,
            where(f.tags), where(f.info), where(f.seektable), where(f.cuesheet),
            [where(p) for p in f.pictures], f.pprint(), f.info.pprint(),
            saved(f, save_copy))


class Loads:
    """Counts the one-call loads that returned objects; `general()` turns
    the one-call path off (as a file it cannot be sure of would)."""

    def __init__(self, monkeypatch):
        self.done = 0
        self.off = False
        real = _native.load_flac

        def load_flac(*args):
            if self.off:
                return False
            result = real(*args)
            self.done += bool(result)
            return result
        monkeypatch.setattr(_native, "load_flac", load_flac)


def both_ways(loads, path, tmp):
    """everything() of FLAC(path) the one-call way and the general way
    (equal, or the same error); whether the one-call way read it."""
    copy = os.path.join(tmp, "copy.flac")
    results = []
    before = loads.done
    for off in (False, True):
        loads.off = off
        try:
            results.append(everything(flac.FLAC(path), copy))
        except Exception as e:
            results.append(("raises", type(e), str(e)))
        if not off:
            fast = loads.done > before
    loads.off = False
    assert results[0] == results[1], path
    return results[0], fast


def oracle(paths, tmp):
    """show() of every path by the real mutagen, in a process of its own."""
    env = dict(os.environ, PYTHONPATH=ORACLE, FLAC_SAVE_DIR=str(tmp))
    out = subprocess.run([sys.executable, __file__, "mutagen"], input="\n".join(paths) + "\n",
                         capture_output=True, text=True, env=env, check=True).stdout
    return [ast.literal_eval(line) for line in out.splitlines()]


def check(paths, loads, tmp):
    """Each path: both ways agree, and agree with mutagen; returns how many
    loaded and how many of those the one-call way read."""
    tmp = str(tmp)
    theirs = oracle(paths, tmp)
    assert len(theirs) == len(paths)
    copy = os.path.join(tmp, "copy.flac")
    loaded = fast = 0
    for path, expected in zip(paths, theirs):
        result, was_fast = both_ways(loads, path, tmp)
        ok = result[0] != "raises"
        loaded += ok
        fast += was_fast
        got = show(flac.FLAC, path, copy)
        if got[0] == expected[0] == "raises":
            # cmutagen's messages say more than mutagen's: the class counts
            got, expected = got[:2], expected[:2]
        assert got == expected, path
    return loaded, fast


def test_upstream_broken_and_corpus_files(upstream_data, tmp_path, monkeypatch):
    loads = Loads(monkeypatch)
    paths = sorted(glob.glob(os.path.join(upstream_data, "*.flac")))
    paths += [os.path.join(upstream_data, n) for n in ("empty.oggflac", "ooming-header.flac")
              if os.path.join(upstream_data, n) not in paths]
    paths += sorted(glob.glob(os.path.join(ROOT, "tests", "broken", "*")))
    corpus_files = sorted(glob.glob(os.path.join(ROOT, "build", "corpus", "flac", "*", "*")))
    assert corpus_files, "the benchmark corpus is missing: run `make corpus`"
    paths += corpus_files
    loaded, fast = check(paths, loads, tmp_path)
    assert loaded >= len(corpus_files) + 15
    # what the one call leaves to the general way raises (a cue sheet cut
    # short, two seek tables or two cue sheets): every file that loads was
    # read by the one call
    assert fast == loaded


# ---- generated files ---------------------------------------------------------

def block(code, body, last=False, declared=None):
    size = len(body) if declared is None else declared
    return bytes([code | (0x80 if last else 0)]) + (size & 0xFFFFFF).to_bytes(3, "big") + body


def streaminfo(rng):
    rate = rng.choice([44100, 48000, 8000, 1, 655350, 0xFFFFF])
    channels, bits = rng.randint(1, 8), rng.randint(4, 32)
    total = rng.choice([0, 1, 162496, 2 ** 36 - 1, rng.randrange(2 ** 36)])
    packed = (rate << 44) | ((channels - 1) << 41) | ((bits - 1) << 36) | total
    return (struct.pack(">HH", rng.randrange(65536), rng.randrange(65536))
            + rng.randrange(2 ** 24).to_bytes(3, "big") + rng.randrange(2 ** 24).to_bytes(3, "big")
            + packed.to_bytes(8, "big") + rng.randbytes(16))


def text(rng, ascii_only=False):
    pool = [b"", b"a", b"Title", b"Caf\xc3\xa9", b"\xe6\xa1\x9c", b"x" * 300]
    if not ascii_only:
        pool += [b"\xff\xfe", b"ok\xc3", b"\xed\xa0\x80"]  # invalid UTF-8
    return rng.choice(pool)


def vorbis_comment(rng):
    keys = [b"TITLE", b"title", b"ArTiSt", b"a b", b"k~", b"=", b"", b"\xc3\xa4", b"x}",
            b"DATE", b"UNKNOWN0"]
    items = []
    for _ in range(rng.choice([0, 1, 3, 10, 40])):
        if rng.random() < 0.05:
            items.append(text(rng))  # no '='
        else:
            items.append(rng.choice(keys) + b"=" + text(rng))
    body = struct.pack("<I", len(vendor := text(rng))) + vendor + struct.pack("<I", len(items))
    body += b"".join(struct.pack("<I", len(i)) + i for i in items)
    return body


def picture(rng):
    mime, desc = rng.choice([b"image/png", b"image/jpeg", b"", b"\xff"]), text(rng)
    data = rng.randbytes(rng.choice([0, 1, 100, 5000, 70000]))
    return (struct.pack(">II", rng.randrange(21), len(mime)) + mime + struct.pack(">I", len(desc))
            + desc + struct.pack(">IIIII", *(rng.randrange(2 ** 32) for _ in range(4)), len(data))
            + data)


def seektable(rng):
    points = b"".join(struct.pack(">QQH", rng.choice([2 ** 64 - 1, rng.randrange(2 ** 40)]),
                                  rng.randrange(2 ** 40), rng.randrange(65536))
                      for _ in range(rng.choice([0, 1, 2, 50])))
    return points + rng.randbytes(rng.choice([0, 0, 5]))


def cuesheet(rng):
    tracks = []
    for _ in range(rng.choice([0, 1, 3])):
        indexes = [struct.pack(">QB3x", rng.randrange(2 ** 40), rng.randrange(256))
                   for _ in range(rng.choice([0, 1, 2]))]
        tracks.append(struct.pack(">QB12sB13xB", rng.randrange(2 ** 40), rng.randrange(256),
                                  rng.choice([b"", b"USRC17607839", b"ab\0cd"]),
                                  rng.choice([0, 0x80, 0x40, 0xC0, 0x3F]), len(indexes))
                      + b"".join(indexes))
    body = struct.pack(">128sQB258xB", rng.choice([b"", b"1234567890123", b"x\0y"]),
                       rng.randrange(2 ** 64), rng.choice([0, 0x80, 0x7F]), len(tracks))
    body += b"".join(tracks)
    if rng.random() < 0.1:
        body = body[:rng.randrange(len(body))]  # truncated: the load raises
    return body + rng.choice([b"", b"", b"trailing"])


KINDS = {
    "padding": lambda rng: (1, bytes(rng.choice([0, 1, 100, 4000]))),
    "application": lambda rng: (2, b"abcd" + rng.randbytes(rng.choice([0, 7]))),
    "seektable": lambda rng: (3, seektable(rng)),
    "comment": lambda rng: (4, vorbis_comment(rng)),
    "cuesheet": lambda rng: (5, cuesheet(rng)),
    "picture": lambda rng: (6, picture(rng)),
    "unknown": lambda rng: (rng.choice([7, 50, 126, 127]), rng.randbytes(rng.choice([0, 3]))),
    "streaminfo": lambda rng: (0, streaminfo(rng)),
}


def generated(rng):
    """A FLAC file of random blocks, now and then with a wrong length, an ID3
    tag in front, no last-block flag or a short tail; and what is in it."""
    blocks = [("streaminfo", 0, streaminfo(rng))]
    if rng.random() < 0.05:
        blocks.insert(0, ("padding", 1, bytes(10)))
    for _ in range(rng.choice([0, 1, 2, 3, 5, 8])):
        kind = rng.choice(list(KINDS) + ["picture", "comment", "padding"])
        if kind == "streaminfo" and rng.random() < 0.7:
            continue
        code, body = KINDS[kind](rng)
        blocks.append((kind, code, body))
    out = bytearray()
    if rng.random() < 0.1:
        out += b"ID3\x04\x00\x00\x00\x00\x00\x05abcde"
    out += b"fLaC"
    for i, (kind, code, body) in enumerate(blocks):
        declared = None
        if code in (4, 6) and rng.random() < 0.15:
            declared = rng.choice([0, 2, len(body) + 9, 2 ** 24 - 1])  # measured by contents
        elif rng.random() < 0.01:
            declared = len(body) + rng.choice([-1, 1])  # the next header is read wrongly
        last = i == len(blocks) - 1 and rng.random() < 0.97
        out += block(code, body, last, declared)
    out += b"\xff\xf8" + rng.randbytes(rng.choice([0, 100, 3000]))
    return bytes(out), {kind for kind, _, _ in blocks}


def test_generated_files(tmp_path, monkeypatch):
    loads = Loads(monkeypatch)
    rng = random.Random(1)
    folder = tmp_path / "files"
    folder.mkdir()
    paths = []
    kinds = set()
    for n in range(300):
        data, in_it = generated(rng)
        kinds |= in_it
        path = str(folder / ("%03d.flac" % n))
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    assert kinds == set(KINDS)
    loaded, fast = check(paths, loads, tmp_path)
    assert loaded > 200
    # the files the one call leaves to the general way: a cue sheet cut
    # short, two seek tables or two cue sheets (all raise), nothing else
    assert fast == loaded


# ---- the tags' reads in C ----------------------------------------------------

def outcome(call):
    try:
        return ("ok", call())
    except Exception as e:
        return ("raises", type(e), str(e))


def test_tag_reads_match_vcommentdict(tmp_path):
    """VCFLACDict's __getitem__ and keys() (C) give what VCommentDict's
    (Python) give, errors included, loaded or built by hand, before and
    after the list is changed, keys() in the same order."""
    from cmutagen._vorbis import VCommentDict

    class Key(str):
        pass

    rng = random.Random(3)
    names = ["TITLE", "title", "Artist", "a b", "x}", "DATE", "unknown0", "Z", "zz", "k" * 60]
    asked = names + ["missing", "", "a=b", "k~", "\xe4", "TITLE\x01", 1, None, b"title",
                     slice(1, 3), slice(None), Key("title"), Key("nope")]
    for n in range(200):
        pairs = [(rng.choice(names), rng.choice(["v", "", "\u6885", str(n)]))
                 for _ in range(rng.choice([0, 1, 5, 40]))]
        tags = flac.VCFLACDict()
        tags.extend(pairs)
        if n % 2:
            path = str(tmp_path / "tags.flac")
            with open(path, "wb") as f:
                f.write(b"fLaC" + block(0, streaminfo(random.Random(0)))
                        + block(4, tags.write(), last=True))
            tags = flac.FLAC(path).tags
            assert list(tags) == pairs
        for step in range(3):
            assert tags.keys() == VCommentDict.keys(tags)
            for key in asked:
                assert outcome(lambda: tags[key]) == outcome(
                    lambda: VCommentDict.__getitem__(tags, key)), (pairs, key)
            # the values come back as a new list each time
            for key in tags.keys():
                tags[key].append("changed")
                assert "changed" not in tags[key]
            if step == 0:
                tags.append(("NEW", "x"))
            else:
                tags["title"] = ["t1", "t2"]
