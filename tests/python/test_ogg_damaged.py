# SPDX-License-Identifier: GPL-2.0-or-later
"""Damaged and unusual Ogg files, read and saved by cmutagen and by the real
mutagen 1.48.1: the same properties and tags or the same exception, and
after a save the same bytes or the same exception.

The variants are built from mutagen's own Ogg test files: pages of other
streams or without packets put in front of or between the header pages,
header pages dropped, doubled, swapped or given other flags, numbers and
streams, chained and interleaved copies of the stream, files cut short,
and page headers (lacing tables included) with one byte changed."""

import importlib
import io
import os
import random

import pytest

from cmutagen import ogg

KINDS = [
    ("oggvorbis", "OggVorbis"),
    ("oggopus", "OggOpus"),
    ("oggspeex", "OggSpeex"),
    ("oggtheora", "OggTheora"),
    ("oggflac", "OggFLAC"),
]

UPSTREAM = ["empty.ogg", "multipage-setup.ogg", "multipagecomment.ogg", "example.opus",
            "empty.spx", "multiplexed.spx", "sample.oggtheora", "sample_length.oggtheora",
            "empty.oggflac"]

# mutagen's Vorbis comment parser says this of every comment block it
# cannot read; cmutagen's says where the block ends early.  Only the
# exception class is compared then.
VCOMMENT_MESSAGE = "file is not a valid Vorbis comment"


@pytest.fixture(scope="module")
def libraries(real_mutagen):
    ours = {name: importlib.import_module("cmutagen." + name) for name, _ in KINDS}
    theirs = {name: importlib.import_module("mutagen." + name) for name, _ in KINDS}
    return ours, theirs


def read_pages(data):
    fileobj = io.BytesIO(data)
    pages = []
    while True:
        try:
            pages.append(ogg.OggPage(fileobj))
        except (EOFError, ogg.error):
            return pages


def page(serial, sequence, packets, complete=True, first=False, last=False, position=0):
    p = ogg.OggPage()
    p.serial, p.sequence, p.packets = serial, sequence, list(packets)
    p.complete, p.first, p.last, p.position = complete, first, last, position
    return p


def copy(p):
    return ogg.OggPage(io.BytesIO(p.write()))


def structural_variants(data):
    """(label, bytes) of page-level variations of a file."""
    pages = read_pages(data)
    serial = pages[0].serial
    variants = []
    for i in range(min(5, len(pages) + 1)):
        for label, extra in (
                ("other", page(77, 0, [b"junk"], first=True, last=True)),
                ("empty-other", page(77, 0, [])),
                ("empty-same", page(serial, 1, [])),
                ("empty-same-unfinished", page(serial, 1, [], complete=False)),
                ("zero-length-packet", page(serial, 1, [b""]))):
            variants.append(("%s@%d" % (label, i), pages[:i] + [extra] + pages[i:]))
    for i in range(1, min(4, len(pages))):
        variants.append(("drop%d" % i, pages[:i] + pages[i + 1:]))
        variants.append(("double%d" % i, pages[:i + 1] + [copy(pages[i])] + pages[i + 1:]))
        for attribute, value in (("last", True), ("first", True), ("position", -1),
                                 ("continued", True), ("serial", 99), ("sequence", 50)):
            changed = [copy(p) for p in pages]
            setattr(changed[i], attribute, value)
            variants.append(("%s=%r@%d" % (attribute, value, i), changed))
    if len(pages) > 3:
        variants.append(("swap12", pages[:1] + [pages[2], pages[1]] + pages[3:]))
    for attribute, value, index in (("last", False, -1), ("position", -1, -1),
                                    ("first", False, 0)):
        changed = [copy(p) for p in pages]
        setattr(changed[index], attribute, value)
        variants.append(("%s=%r@%d" % (attribute, value, index), changed))
    variants.append(("chained", pages + [copy(p) for p in pages]))
    twin = [copy(p) for p in pages]
    for p in twin:
        p.serial = 1234
    variants.append(("chained-other-stream", pages + twin))
    variants.append(("interleaved", [p for pair in zip(pages, twin) for p in pair]))
    return [(label, b"".join(p.write() for p in ps)) for label, ps in variants]


def byte_variants(data, rng):
    """(label, bytes): the file cut short, and page headers with one byte
    changed."""
    variants = [("cut%d" % cut, data[:cut])
                for cut in sorted({rng.randrange(len(data)) for _ in range(12)})]
    variants.append(("zeros after", data + bytes(100)))
    variants.append(("false page after", data + b"OggS" + bytes(40)))
    headers = []
    for p in read_pages(data)[:6]:
        headers.extend(range(p.offset, p.offset + 27 + len(p._lacing())))
    for offset in rng.sample(headers, min(40, len(headers))):
        changed = bytearray(data)
        changed[offset] = rng.randrange(256)
        variants.append(("byte%d" % offset, bytes(changed)))
    return variants


def outcome(module, class_name, data, action):
    """What loading (and then saving or deleting) the bytes gives."""
    fileobj = io.BytesIO(data)
    try:
        audio = getattr(module, class_name)(fileobj)
        seen = (sorted(vars(audio.info).items()), audio.info.pprint(), list(audio.tags),
                audio.tags.vendor, getattr(audio.tags, "_padding", None))
    except Exception as e:  # what is compared is the exception
        return "load failed", type(e).__name__, str(e)
    try:
        if action == "set":
            audio["title"] = "a title"
            audio.save(fileobj)
        elif action == "grow":
            audio["big"] = "x" * 9000
            audio.save(fileobj)
        elif action == "delete":
            audio.delete(fileobj)
    except Exception as e:  # what is compared is the exception
        return "loaded", seen, type(e).__name__, str(e), fileobj.getvalue()
    return "loaded", seen, fileobj.getvalue()


def same(ours, theirs):
    if ours == theirs:
        return True
    # Only the Vorbis comment parser's message may differ.
    return (ours[0] == theirs[0] == "load failed" and ours[1] == theirs[1]
            and theirs[2] == VCOMMENT_MESSAGE)


def compare(libraries, variants, actions):
    ours, theirs = libraries
    compared = 0
    for label, data in variants:
        for module_name, class_name in KINDS:
            for action in actions:
                mine = outcome(ours[module_name], class_name, data, action)
                other = outcome(theirs[module_name], class_name, data, action)
                assert same(mine, other), (label, class_name, action, mine[:-1], other[:-1])
                compared += mine[0] == "loaded"
    return compared


@pytest.mark.parametrize("name", UPSTREAM)
def test_page_level_variants(libraries, upstream_data, name):
    with open(os.path.join(upstream_data, name), "rb") as h:
        data = h.read()
    assert compare(libraries, structural_variants(data), ("set", "grow", "delete")) > 10


@pytest.mark.parametrize("name", UPSTREAM)
def test_cut_and_changed_bytes(libraries, upstream_data, name):
    with open(os.path.join(upstream_data, name), "rb") as h:
        data = h.read()
    rng = random.Random(name)
    assert compare(libraries, byte_variants(data, rng), ("set", "delete")) > 0
