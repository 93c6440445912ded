# SPDX-License-Identifier: GPL-2.0-or-later
"""cmutagen.ogg.OggPage against mutagen's, on seeded random input: the
pages from_packets lays out, the packets to_packets joins, what
find_last finds, and the bytes replace and renumber leave."""

import importlib
import io
import random

import pytest

from cmutagen.ogg import OggPage, error as OggError

SEEDS = range(12)


@pytest.fixture(scope="module")
def their_ogg(real_mutagen):
    return importlib.import_module("mutagen.ogg")


def describe(page):
    return (page.write(), page.offset, page.complete, page.position, page.sequence,
            page.serial, page.first, page.last, page.continued, page.packets)


def attempt(function, *args, **kwargs):
    try:
        return "ok", function(*args, **kwargs)
    except Exception as e:  # what is compared is the exception
        return type(e).__name__, str(e)


def random_packets(rng):
    sizes = rng.choice([(0, 10), (0, 600), (200, 5000), (3000, 70000)])
    return [rng.randbytes(rng.randrange(*sizes)) for _ in range(rng.randrange(0, 40))]


def build_pages(cls, spec):
    """Pages of class cls from a list of attribute dicts."""
    pages = []
    for attributes in spec:
        p = cls()
        for name, value in attributes.items():
            setattr(p, name, value)
        pages.append(p)
    return pages


def random_page_spec(rng, serials=(1,), count=None):
    spec = []
    sequences = {}
    for _ in range(count or rng.randrange(1, 12)):
        serial = rng.choice(serials)
        sequences[serial] = sequences.get(serial, -1) + 1
        spec.append({
            "serial": serial,
            "sequence": sequences[serial],
            "packets": [rng.randbytes(rng.choice([0, 3, 255, 300, 510]))
                        for _ in range(rng.randrange(0, 4))],
            "complete": rng.random() < 0.7,
            "continued": rng.random() < 0.3,
            "first": rng.random() < 0.2,
            "last": rng.random() < 0.2,
            "position": rng.choice([0, -1, rng.randrange(1 << 40)]),
        })
    return spec


@pytest.mark.parametrize("seed", SEEDS)
def test_from_packets_lays_out_like_mutagen(their_ogg, seed):
    rng = random.Random(seed)
    for _ in range(30):
        packets = random_packets(rng)
        options = rng.choice([{}, {"sequence": rng.randrange(1000)},
                              {"default_size": rng.randrange(255, 9000),
                               "wiggle_room": rng.randrange(0, 5000)}])
        ours = OggPage.from_packets(packets, **options)
        theirs = their_ogg.OggPage.from_packets(packets, **options)
        assert [describe(p) for p in ours] == [describe(p) for p in theirs]
        if packets:
            assert OggPage.to_packets(ours) == packets


@pytest.mark.parametrize("seed", SEEDS)
def test_to_packets_and_preserve_like_mutagen(their_ogg, seed):
    rng = random.Random(seed)
    for _ in range(40):
        spec = random_page_spec(rng)
        if rng.random() < 0.2:
            spec[rng.randrange(len(spec))]["sequence"] += 1
        strict = rng.random() < 0.5
        ours = attempt(OggPage.to_packets, build_pages(OggPage, spec), strict)
        theirs = attempt(their_ogg.OggPage.to_packets, build_pages(their_ogg.OggPage, spec), strict)
        if ours[0] == "ValueError":
            # The message names the page by its repr.
            ours = (ours[0], ours[1].replace("cmutagen", "mutagen"))
        assert ours == theirs

        if ours[0] == "ok":
            packets = [bytes(len(p)) if rng.random() < 0.7 else p + b"x" for p in ours[1]]
            mine = OggPage._from_packets_try_preserve(packets, build_pages(OggPage, spec))
            other = their_ogg.OggPage._from_packets_try_preserve(
                packets, build_pages(their_ogg.OggPage, spec))
            assert [describe(p) for p in mine] == [describe(p) for p in other]


@pytest.mark.parametrize("seed", SEEDS)
def test_find_last_like_mutagen(their_ogg, seed):
    rng = random.Random(seed)
    for _ in range(40):
        spec = random_page_spec(rng, serials=(1, 2, 3))
        for attributes in spec:
            attributes["complete"] = True
            attributes["continued"] = False
            if rng.random() < 0.3:
                attributes["packets"] = [rng.randbytes(rng.randrange(20000))]
        data = b"".join(p.write() for p in build_pages(OggPage, spec))
        tail = rng.choice([b"", b"", b"garbage", b"OggS" + bytes(30), b"x" * 70000, bytes(5)])
        cut = rng.choice([0, 0, 0, rng.randrange(1, 40)])
        data = data[:len(data) - cut] + tail
        serial = rng.choice((1, 2, 3, 4))
        finishing = rng.random() < 0.5
        ours = attempt(OggPage.find_last, io.BytesIO(data), serial, finishing)
        theirs = attempt(their_ogg.OggPage.find_last, io.BytesIO(data), serial, finishing)
        if ours[0] == "ok" and ours[1] is not None:
            ours, theirs = ("ok", describe(ours[1])), ("ok", describe(theirs[1]))
        assert ours == theirs


@pytest.mark.parametrize("seed", SEEDS)
def test_replace_and_renumber_like_mutagen(their_ogg, seed):
    rng = random.Random(seed)
    for _ in range(25):
        spec = random_page_spec(rng, serials=(1, 1, 1, 2), count=rng.randrange(2, 14))
        spec[0]["serial"] = 1
        sequences = {}
        for attributes in spec:
            attributes["packets"] = attributes["packets"] or [b"p"]
            serial = attributes["serial"]
            sequences[serial] = attributes["sequence"] = sequences.get(serial, -1) + 1
        data = b"".join(p.write() for p in build_pages(OggPage, spec))
        data += rng.choice([b"", b"", b"left over", bytes(3)])
        results = []
        choices = rng.random()
        for cls in (OggPage, their_ogg.OggPage):
            # Both libraries get the same edit.
            r = random.Random(choices)
            fileobj = io.BytesIO(data)
            read = []
            while True:
                try:
                    read.append(cls(fileobj))
                except (EOFError, OggError, their_ogg.error):
                    break
            stream = [p for p in read if p.serial == 1]
            start = r.randrange(len(stream))
            old_pages = stream[start:start + r.randrange(1, 4)]
            packets = [r.randbytes(r.randrange(0, 9000)) for _ in range(r.randrange(1, 4))]
            if r.random() < 0.5:
                new_pages = cls.from_packets(packets, old_pages[0].sequence)
            else:
                new_pages = cls._from_packets_try_preserve(packets, old_pages)
            if r.random() < 0.3:
                # The same sizes: the pages keep their layout.
                old_packets = cls.to_packets(old_pages)
                new_pages = cls._from_packets_try_preserve(
                    [bytes(len(p)) for p in old_packets], old_pages)
            replaced = attempt(cls.replace, fileobj, old_pages, new_pages)
            fileobj.seek(0)
            renumbered = attempt(cls.renumber, fileobj, 1, r.randrange(100))
            results.append((replaced[0], renumbered[0], fileobj.getvalue()))
        assert results[0] == results[1]


def test_from_packets_boundaries_like_mutagen(their_ogg):
    """Packet sizes around the page size, the piece size and the wiggle
    room, where off-by-one slips would show."""
    for default_size, wiggle_room in ((4096, 2048), (510, 0), (1000, 100), (765, 255)):
        chunk = default_size // 255 * 255
        edges = {chunk, chunk + wiggle_room, 2 * chunk + wiggle_room,
                 default_size - 45, default_size - 28, wiggle_room}
        sizes = sorted({max(0, edge + delta) for edge in edges for delta in (-2, -1, 0, 1, 2)})
        for first in sizes:
            for second in sizes[::3]:
                packets = [b"a" * first, b"b" * second, b"c" * 7]
                ours = OggPage.from_packets(packets, 0, default_size, wiggle_room)
                theirs = their_ogg.OggPage.from_packets(packets, 0, default_size, wiggle_room)
                assert [describe(p) for p in ours] == [describe(p) for p in theirs], \
                    (default_size, wiggle_room, first, second)
