# SPDX-License-Identifier: GPL-2.0-or-later
"""MP4(path) reads a file in one C call (_native.read_mp4) where it can,
and the general way otherwise; MP4(file object) always goes the general
way.  Both must leave the same object behind, or raise the same error, and
the real mutagen must read the same, on mutagen's test files, the
broken-file corpus, the benchmark corpus and seeded damaged copies of MP4
files: random bytes, cuts inside moov, size fields set to 0, 1 or huge
values, 64-bit sizes, renamed atoms and item values of every shape."""

import glob
import io
import os
import random
import struct

import pytest

from cmutagen import mp4

from conftest import ROOT

MP4_EXTS = (".m4a", ".m4b", ".mp4", ".3g2")
CONTAINERS = {b"moov", b"udta", b"trak", b"mdia", b"meta", b"ilst", b"stbl",
              b"minf", b"moof", b"traf"}


def state(module, thing):
    """Everything module.mp4.MP4(thing) leaves behind, or the error it
    raises (type name and message)."""
    try:
        f = module.MP4(thing)
    except Exception as e:
        return ("raises", type(e).__name__, str(e))
    tags = f.tags
    if tags is not None:
        tags = (list(vars(tags)), tags._padding,
                [(key, repr(value)) for key, value in tags.items()],
                [repr(atom) for atom in tags._failed_atoms.items()], tags.pprint())
    chapters = f.chapters
    if chapters is not None:
        chapters = (chapters._timescale, chapters._duration,
                    [(c.start, c.title) for c in chapters], chapters.pprint())
    return (list(vars(f)), list(vars(f.info).items()), f.info.pprint(), tags, chapters)


@pytest.fixture(scope="module")
def oracle_mp4(real_mutagen):
    import mutagen.mp4  # (from the oracle, already on its path)
    return mutagen.mp4


def check_same(oracle_mp4, path, data=None):
    """MP4(path) == MP4(file object) == mutagen's MP4(file object)."""
    if data is None:
        with open(path, "rb") as f:
            data = f.read()
    by_path = state(mp4, path)
    # (a real file and BytesIO word some errors differently)
    with open(path, "rb") as f:
        assert by_path == state(mp4, f), path
    with open(path, "rb") as f:
        assert by_path == state(oracle_mp4, f), path
    assert state(mp4, io.BytesIO(data)) == state(oracle_mp4, io.BytesIO(data)), path
    return by_path


def corpus_files(per_folder):
    files = []
    for kind in ("m4a-aac", "m4a-alac"):
        for profile in ("minimal", "library"):
            found = sorted(glob.glob(os.path.join(ROOT, "build", "corpus", kind, profile, "*.m4a")))
            if not found:
                pytest.fail("the benchmark corpus is missing: run `make corpus`")
            files += found[:per_folder]
    return files


def test_upstream_broken_and_corpus_files(oracle_mp4, upstream_data, broken):
    folders = (upstream_data, broken("."))
    paths = [os.path.join(folder, name) for folder in folders
             for name in sorted(os.listdir(folder))]
    for path in paths + corpus_files(10):
        check_same(oracle_mp4, path)


def test_fast_path_is_taken(upstream_data, monkeypatch):
    """Normal files never reach the general path (Atoms) nor the per-item
    Python parser."""
    paths = corpus_files(25) + [os.path.join(upstream_data, name) for name in (
        "has-tags.m4a", "no-tags.m4a", "no-tags.3g2", "alac.m4a", "nero-chapters.m4b",
        "covr-with-name.m4a", "64bit.mp4", "ep7.m4b", "ep9.m4b")]
    expected = [state(mp4, path) for path in paths]

    def general_path(*args, **kwargs):
        raise AssertionError("the general path was taken")

    monkeypatch.setattr(mp4, "Atoms", general_path)
    monkeypatch.setattr(mp4.MP4Tags, "_parse_item", general_path)
    assert [state(mp4, path) for path in paths] == expected


# ---- damaged copies ---------------------------------------------------------

def read_data(upstream_data, name):
    if name.startswith("corpus:"):
        path = corpus_files(1)[int(name[7:])]
    else:
        path = os.path.join(upstream_data, name)
    with open(path, "rb") as f:
        return f.read()


# has-tags: text, pairs, covers, freeform; nero-chapters: chpl; the
# corpus: library files with covers and many items (aac, alac).
BASES = ["has-tags.m4a", "nero-chapters.m4b", "covr-with-name.m4a", "64bit.mp4",
         "alac.m4a", "corpus:1", "corpus:3"]


def moov_span(data):
    """(start, end) of the first top-level moov atom."""
    pos = 0
    while pos + 8 <= len(data):
        size, name = struct.unpack_from(">I4s", data, pos)
        if size == 1:
            size = struct.unpack_from(">Q", data, pos + 8)[0]
        elif size == 0:
            size = len(data) - pos
        if name == b"moov":
            return pos, pos + size
        if size < 8:
            break
        pos += size
    raise AssertionError("no moov")


def damage_bytes(rng, data):
    start, end = moov_span(data)
    sample = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        sample[rng.randrange(start, end)] = rng.randrange(256)
    return bytes(sample)


def cut_in_moov(rng, data):
    start, end = moov_span(data)
    return data[:rng.randrange(start, end)]


SIZE_TARGETS = [b"ilst", b"data", b"mean", b"name", b"chpl", b"mvhd", b"mdhd", b"stsd",
                b"esds", b"hdlr", b"meta", b"udta", b"trak", b"free", b"covr", b"----",
                b"trkn", b"\xa9nam", b"alac", b"mp4a"]


def set_size(rng, data):
    """One atom's 32-bit size field set to 0, 1, a small, off-by-some or
    huge value (also in the 64-bit field after a 1)."""
    start, end = moov_span(data)
    name = rng.choice(SIZE_TARGETS)
    spots = []
    at = data.find(name, start)
    while 0 <= at < end:
        spots.append(at - 4)
        at = data.find(name, at + 1)
    if not spots:
        return None
    at = rng.choice(spots)
    old = struct.unpack_from(">I", data, at)[0]
    new = rng.choice([0, 1, 2, 7, 8, 9, 12, 15, 16, 17, old - 1, old + 1, old + 8, old - 8,
                      old * 2, len(data), 0x7FFFFFFF, 0xFFFFFFFF, rng.randrange(1 << 32)])
    sample = bytearray(data)
    struct.pack_into(">I", sample, at, new % (1 << 32))
    if new == 1 and rng.random() < 0.5:
        struct.pack_into(">Q", sample, at + 8, rng.choice(
            [0, 8, 15, 16, old, old + 8, 1 << 40, (1 << 64) - 1]))
    return bytes(sample)


# A small atom tree with sizes recomputed on rendering: [name, wide, body]
# where body is bytes or a list of children (containers, and the children
# of ilst items where they parse).

def parse_atoms(data, inside_item=False):
    """The atoms of data as nodes, or None when they do not parse cleanly."""
    nodes, pos = [], 0
    while pos < len(data):
        if pos + 8 > len(data):
            return None
        size, name = struct.unpack_from(">I4s", data, pos)
        header, wide = 8, False
        if size == 1:
            if pos + 16 > len(data):
                return None
            size, header, wide = struct.unpack_from(">Q", data, pos + 8)[0], 16, True
        if size < header or pos + size > len(data):
            return None
        body = data[pos + header:pos + size]
        if name in CONTAINERS and not inside_item:
            prefix = body[:4] if name == b"meta" else b""
            children = parse_atoms(body[len(prefix):])
            if children is None:
                return None
            body = (prefix, children)
        nodes.append([name, wide, body])
        pos += size
    return nodes


def parse_file(data):
    """The file's atom tree, or None if it does not parse cleanly."""
    nodes = parse_atoms(data)
    if nodes is None:
        return None
    for ilst in find(nodes, b"ilst"):
        for item in ilst[2][1]:
            children = parse_atoms(item[2], inside_item=True)
            if children is not None:
                item[2] = (b"", children)
    return nodes


def find(nodes, name):
    """Every node of that name, depth first."""
    for node in nodes:
        if node[0] == name:
            yield node
        if isinstance(node[2], tuple):
            yield from find(node[2][1], name)


def every(nodes):
    for node in nodes:
        yield node
        if isinstance(node[2], tuple):
            yield from every(node[2][1])


def render(nodes):
    out = []
    for name, wide, body in nodes:
        if isinstance(body, tuple):
            body = body[0] + render(body[1])
        if wide:
            out.append(struct.pack(">I4sQ", 1, name, 16 + len(body)) + body)
        else:
            out.append(struct.pack(">I4s", 8 + len(body), name) + body)
    return b"".join(out)


def wide_sizes(rng, data):
    """Some atoms rewritten with 64-bit sizes (a valid file), now and then
    with one 64-bit size then damaged."""
    nodes = parse_file(data)
    if nodes is None:
        return None
    chosen = [node for node in every(nodes) if rng.random() < 0.3]
    for node in chosen:
        node[1] = True
    sample = bytearray(render(nodes))
    if chosen and rng.random() < 0.3:
        at = rng.choice([i for i in range(len(sample) - 16)
                         if sample[i:i + 4] == b"\0\0\0\1" and sample[i + 4:i + 8] == chosen[0][0]]
                        or [None])
        if at is not None:
            struct.pack_into(">Q", sample, at + 8, rng.choice(
                [0, 8, 15, 16, 17, len(sample), (1 << 64) - 1, 1 << 33]))
    return bytes(sample)


ITEM_NAMES = [b"\xa9nam", b"\xa9ART", b"trkn", b"disk", b"gnre", b"cpil", b"pgap", b"tmpo",
              b"plID", b"akID", b"stik", b"covr", b"----", b"purl", b"abcd", b"\xa9day",
              b"\xa9gen", b"rtng"]
PAYLOADS = [b"", b"\0", b"\1", b"\xff", b"\0\5", b"\xff\xfe", b"\x00\x94", b"\0\0\x7f",
            b"\x80\0\0\0", b"\0\0\0\1\0\2", b"\0\0\0\1\0\2\0\0", b"\1\2\3\4\5\6\7\x08",
            b"abc", b"caf\xc3\xa9", b"\xc3", b"\xed\xa0\x80", b"\xff\xd8\xff\xe0", b"123456789"]
TYPES = [0, 1, 2, 13, 14, 21, 255, 0x1000001, 0x1000000, 0x10000015, 0xd]


def change_items(rng, data):
    """Items renamed, emptied, duplicated, their data atoms retyped,
    given new payloads, renamed or removed; the sizes stay right."""
    nodes = parse_file(data)
    if nodes is None:
        return None
    ilsts = list(find(nodes, b"ilst"))
    if not ilsts or not ilsts[0][2][1]:
        return None
    items = ilsts[0][2][1]
    for _ in range(rng.randint(1, 3)):
        item = rng.choice(items)
        kind = rng.randrange(7)
        if kind == 0:
            item[0] = rng.choice(ITEM_NAMES)
        elif kind == 1:
            items.append([item[0], item[1], item[2]])
        elif kind == 2:
            item[2] = b"" if rng.random() < 0.5 else rng.choice(PAYLOADS)
        elif isinstance(item[2], tuple) and item[2][1]:
            child = rng.choice(item[2][1])
            if kind == 3 and len(child[2]) >= 4:
                child[2] = struct.pack(">I", rng.choice(TYPES)) + child[2][4:]
            elif kind == 4 and len(child[2]) >= 8:
                child[2] = child[2][:8] + rng.choice(PAYLOADS)
            elif kind == 5:
                # never "name" inside covr: a "name" atom of size 0 there
                # loops forever, in mutagen too
                child[0] = rng.choice([b"data", b"datA", b"mean", b"free"])
            else:
                item[2][1].remove(child)
    return render(nodes)


RENAMES = [b"trak", b"mdia", b"hdlr", b"minf", b"stbl", b"stsd", b"udta", b"meta", b"ilst",
           b"free", b"chpl", b"mvhd", b"mdhd", b"moov", b"xxxx"]


def rename_atom(rng, data):
    nodes = parse_file(data)
    if nodes is None:
        return None
    node = rng.choice(list(every(nodes)))
    node[0] = rng.choice(RENAMES)
    return render(nodes)


DAMAGES = [damage_bytes, cut_in_moov, set_size, wide_sizes, change_items, rename_atom]


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda d: d.__name__)
def test_damaged_copies(oracle_mp4, upstream_data, tmp_path, damage):
    rng = random.Random(damage.__name__)
    datas = [read_data(upstream_data, name) for name in BASES]
    path = str(tmp_path / "damaged.m4a")
    done = 0
    while done < 350:
        sample = damage(rng, rng.choice(datas))
        if sample is None:
            continue
        with open(path, "wb") as f:
            f.write(sample)
        check_same(oracle_mp4, path, sample)
        done += 1


def test_every_item_retyped(oracle_mp4, tmp_path):
    """Each item of a library file with its first data atom's type set to
    implicit (0), UTF-8 (1) and integer (21) in turn: the C item table must
    give each name the parser mutagen gives it (a "\\xa9alb" spelled as one
    hex escape once read as another name)."""
    source = corpus_files(1)[1]  # an AAC library file: every kind of item
    with open(source, "rb") as f:
        data = f.read()
    ilst = data.find(b"ilst")
    assert ilst > 0
    path = str(tmp_path / "retyped.m4a")
    retyped = 0
    at = data.find(b"data", ilst)
    while at > 0:
        for code in (0, 1, 21):
            sample = bytearray(data)
            sample[at + 5:at + 8] = code.to_bytes(3, "big")
            with open(path, "wb") as f:
                f.write(sample)
            check_same(oracle_mp4, path, bytes(sample))
            retyped += 1
        at = data.find(b"data", at + 8)
    assert retyped >= 3 * 15
