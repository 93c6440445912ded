# SPDX-License-Identifier: GPL-2.0-or-later
"""FLAC saves against the real mutagen 1.48.1: the same bytes for the same
save (unchanged tags, edited tags, deleted tags, every padding rule), files
written by one library read identically by the other, and a save that fails
part way leaves the file as it was."""

import errno
import io
import os
import shutil
import struct

import pytest

from cmutagen import flac

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BROKEN = os.path.join(ROOT, "tests", "broken")
CORPUS = os.path.join(ROOT, "build", "corpus", "flac")

# Each option set is applied to both libraries' save(); the padding
# functions are plain values of the PaddingInfo, so they can be shared.
SAVE_OPTIONS = [
    {},
    {"deleteid3": True},
    {"padding": lambda info: 0},
    {"padding": lambda info: 5000},
    {"padding": lambda info: -7},
    {"padding": lambda info: info.padding + 3},
    {"padding": lambda info: info.size // 10},
    {"deleteid3": True, "padding": lambda info: 1},
]


def load_or_error(module, path):
    try:
        return module.FLAC(path), None
    except Exception as e:  # the exception class is what is compared
        return None, type(e).__name__


def block_view(block):
    """What a metadata block holds, comparable across the two libraries."""
    kind = type(block).__name__
    if kind == "VCFLACDict":
        return (kind, block.code, block.vendor, list(block))
    if kind == "Picture":
        return (kind, block.code, block.type, block.mime, block.desc, block.width,
                block.height, block.depth, block.colors, block.data)
    if kind == "Padding":
        return (kind, block.code, block.length)
    if kind == "SeekTable":
        return (kind, block.code, [tuple(p) for p in block.seekpoints])
    if kind == "CueSheet":
        return (kind, block.code, block.media_catalog_number, block.lead_in_samples,
                block.compact_disc,
                [(t.track_number, t.start_offset, t.isrc, t.type, t.pre_emphasis,
                  [tuple(i) for i in t.indexes]) for t in block.tracks])
    if kind == "StreamInfo":
        return (kind, block.code) + tuple(getattr(block, name) for name in (
            "min_blocksize", "max_blocksize", "min_framesize", "max_framesize",
            "sample_rate", "channels", "bits_per_sample", "total_samples",
            "md5_signature", "length", "bitrate"))
    return (kind, block.code, block.data)


def file_view(f):
    return [block_view(block) for block in f.metadata_blocks]


def tag_heavily(module, path, padding):
    """Give a FLAC file a library-style tag through a library's API: many
    keys and values, non-ASCII text, two pictures."""
    f = module.FLAC(path)
    if f.tags is None:
        f.add_tags()
    for number in range(40):
        f["key%02d" % number] = ["välue %d" % number, "second\n%d" % number]
    f["title"] = "Tïtle ☃"
    f["artist"] = ["A", "B", "C"]
    for kind in (3, 4):
        picture = module.Picture()
        picture.type = kind
        picture.mime = "image/png"
        picture.desc = "cövër %d" % kind
        picture.width, picture.height, picture.depth, picture.colors = 300, 200, 24, 0
        picture.data = bytes(range(256)) * (20 * kind)
        f.add_picture(picture)
    f.save(padding=padding)


def with_id3(module, path):
    """Put an ID3v2 tag in front of the file and an ID3v1 tag at its end."""
    tags = module.id3.ID3()
    tags.add(module.id3.TIT2(encoding=3, text=["id3 title"]))
    tags.save(path, v1=2)


@pytest.fixture(scope="module")
def test_files(real_mutagen, upstream_data, tmp_path_factory):
    """FLAC files to save: mutagen's own test files, the committed broken
    corpus, and variants of the upstream files made by the real mutagen
    (ID3 tags around them, heavy tags with little and with too much
    padding), plus a sample of the bench corpus when it was generated."""
    folder = tmp_path_factory.mktemp("flac-sources")
    files = []
    for directory in (upstream_data, BROKEN):
        files += [os.path.join(directory, name) for name in sorted(os.listdir(directory))
                  if name.endswith(".flac")]
    loadable = [path for path in files if path.startswith(upstream_data)
                and load_or_error(real_mutagen.flac, path)[1] is None]
    assert len(loadable) >= 6
    for path in loadable:
        base = os.path.basename(path)
        variants = {
            "id3-": lambda p: with_id3(real_mutagen, p),
            "heavy-": lambda p: tag_heavily(real_mutagen.flac, p, lambda info: 0),
            "roomy-": lambda p: tag_heavily(real_mutagen.flac, p, lambda info: 40000),
            "heavy-id3-": lambda p: (tag_heavily(real_mutagen.flac, p, None),
                                     with_id3(real_mutagen, p)),
        }
        for prefix, make in variants.items():
            target = str(folder / (prefix + base))
            shutil.copy(path, target)
            make(target)
            files.append(target)
    for profile in ("minimal", "library"):
        directory = os.path.join(CORPUS, profile)
        if os.path.isdir(directory):
            names = sorted(os.listdir(directory))[::5]
            files += [os.path.join(directory, name) for name in names]
    return files


def saved_pair(module_pair, source, tmp_path, number, edit=None, **options):
    """Copy source twice, load each copy with one library, apply edit,
    save with options; returns the two paths (ours, theirs), or None when
    both libraries refuse to load the file (the same way)."""
    paths = []
    loaded = []
    for name, module in zip(("ours", "theirs"), module_pair):
        path = tmp_path / ("%s-%d-%s" % (name, number, os.path.basename(source)))
        shutil.copy(source, path)
        loaded.append(load_or_error(module, path))
        paths.append(path)
    (ours, our_error), (theirs, their_error) = loaded
    assert our_error == their_error, source
    if ours is None:
        return None
    assert file_view(ours) == file_view(theirs), source
    for f, module in ((ours, module_pair[0]), (theirs, module_pair[1])):
        if edit is not None:
            edit(module, f)
        f.save(**options)
    return paths


def test_unchanged_save_gives_mutagens_bytes(real_mutagen, test_files, tmp_path):
    compared = 0
    for source in test_files:
        for number, options in enumerate(SAVE_OPTIONS):
            paths = saved_pair((flac, real_mutagen.flac), source, tmp_path, number,
                               **options)
            if paths is None:
                break
            ours, theirs = paths
            assert ours.read_bytes() == theirs.read_bytes(), (source, options)
            os.unlink(ours)
            os.unlink(theirs)
            compared += 1
    assert compared >= 40 * len(SAVE_OPTIONS)


def test_padding_info_is_mutagens(real_mutagen, test_files, tmp_path):
    """The padding callback sees the same PaddingInfo values."""
    for source in test_files[::3]:
        seen = []

        def record(info):
            seen.append((info.padding, info.size))
            return info.get_default_padding()

        paths = saved_pair((flac, real_mutagen.flac), source, tmp_path, 0,
                           edit=lambda module, f: f.tags and f.tags.append(("x", "y" * 900)),
                           padding=record)
        if paths is None:
            continue
        assert len(seen) == 2 and seen[0] == seen[1], source
        assert paths[0].read_bytes() == paths[1].read_bytes(), source


def rename_first_picture(module, f):
    if f.pictures:
        f.pictures[0].desc = "renamed"


def add_unknown_and_paddings(module, f):
    block = module.MetadataBlock(b"application data")
    block.code = 2
    f.metadata_blocks.append(block)
    for length in (42, 0):
        padding = module.Padding()
        padding.length = length
        f.metadata_blocks.insert(1, padding)


def change_streaminfo(module, f):
    f.info.total_samples = 0
    f.info.md5_signature = 2 ** 128 - 1


def move_streaminfo_last(module, f):
    f.metadata_blocks.append(f.metadata_blocks.pop(0))


EDITS = [
    lambda module, f: f.__setitem__("title", "a new title ✓"),
    lambda module, f: f.__setitem__("many", ["v%d" % n for n in range(3000)]),
    lambda module, f: f.__setitem__("big", "x" * 70000),
    lambda module, f: f.tags is not None and f.tags.clear(),
    lambda module, f: f.clear_pictures(),
    lambda module, f: f.add_picture(module.Picture()),
    rename_first_picture,
    add_unknown_and_paddings,
    change_streaminfo,
    move_streaminfo_last,
]


def test_edited_save_gives_mutagens_bytes(real_mutagen, test_files, tmp_path):
    compared = 0
    for source in test_files[::2]:
        for number, edit in enumerate(EDITS):
            options = SAVE_OPTIONS[number % len(SAVE_OPTIONS)]
            paths = saved_pair((flac, real_mutagen.flac), source, tmp_path, number,
                               edit=edit, **options)
            if paths is None:
                break
            ours, theirs = paths
            assert ours.read_bytes() == theirs.read_bytes(), (source, number)
            os.unlink(ours)
            os.unlink(theirs)
            compared += 1
    assert compared >= 20 * len(EDITS)


@pytest.mark.parametrize("how", ["method", "module"])
def test_delete_gives_mutagens_bytes(real_mutagen, test_files, tmp_path, how):
    compared = 0
    for source in test_files:
        results = []
        for name, module in (("ours", flac), ("theirs", real_mutagen.flac)):
            path = tmp_path / (name + "-" + os.path.basename(source))
            shutil.copy(source, path)
            f, problem = load_or_error(module, path)
            if f is None:
                results.append((problem, None, None))
                continue
            first = f.tags
            if how == "method":
                f.delete()
                state = (f.tags is first, None if f.tags is None else list(f.tags),
                         file_view(f))
            else:
                module.delete(path)
                state = None
            results.append((None, path.read_bytes(), state))
        assert results[0] == results[1], source
        compared += results[0][0] is None
    assert compared >= 40


def test_save_to_another_file(real_mutagen, upstream_data, tmp_path):
    """A FLAC object saved into another FLAC file replaces that file's
    blocks, keeping its ID3v2 tag and audio."""
    source = os.path.join(upstream_data, "silence-44-s.flac")
    outputs = []
    for name, module in (("ours", flac), ("theirs", real_mutagen.flac)):
        target = tmp_path / (name + "-target.flac")
        shutil.copy(os.path.join(upstream_data, "no-tags.flac"), target)
        with_id3(real_mutagen, target)
        f = module.FLAC(source)
        f["title"] = "moved"
        f.save(target)
        outputs.append(target.read_bytes())
        # Not a FLAC file: refused, untouched.
        mp3 = tmp_path / (name + ".mp3")
        shutil.copy(os.path.join(upstream_data, "silence-44-s.mp3"), mp3)
        before = mp3.read_bytes()
        with pytest.raises(module.FLACNoHeaderError):
            f.save(mp3)
        assert mp3.read_bytes() == before
    assert outputs[0] == outputs[1]


def test_save_to_file_objects(real_mutagen, upstream_data, tmp_path):
    source = os.path.join(upstream_data, "silence-44-s.flac")
    with open(source, "rb") as h:
        original = h.read()
    outputs = []
    for module in (flac, real_mutagen.flac):
        buffer = io.BytesIO(original)
        f = module.FLAC(buffer)
        f["title"] = "in memory" * 500
        buffer.seek(0)
        f.save(buffer)
        outputs.append(buffer.getvalue())
    assert outputs[0] == outputs[1] != original


def test_save_to_file_object_of_a_replaced_file(real_mutagen, upstream_data, tmp_path):
    """A file object still open on a file whose name now belongs to another
    file: the save goes to the open file, laid out as that file is."""
    outputs = []
    for name, module in (("ours", flac), ("theirs", real_mutagen.flac)):
        path = str(tmp_path / (name + ".flac"))
        shutil.copy(os.path.join(upstream_data, "silence-44-s.flac"), path)
        with_id3(real_mutagen, path)
        f = module.FLAC(path)
        f["title"] = "to the open file"
        with open(path, "rb+") as h:
            replacement = path + ".new"
            shutil.copy(os.path.join(upstream_data, "no-tags.flac"), replacement)
            os.replace(replacement, path)
            f.save(h)
            h.seek(0)
            outputs.append((h.read(), open(path, "rb").read()))
    assert outputs[0] == outputs[1]
    assert b"to the open file" in outputs[0][0]


# --- block writers ----------------------------------------------------------

def block_pair(real_mutagen, kind, *args):
    return getattr(flac, kind)(*args), getattr(real_mutagen.flac, kind)(*args)


def written(block_or_call):
    try:
        return "bytes", bytes(block_or_call())
    except Exception as e:
        return "error", type(e).__name__


STREAMINFO = (b"\x12\x00\x12\x00\x00\x00\x0e\x005\xea\n\xc4H\xf0\x00\xca0"
              b"\x14(\x90\xf9\xe1)2\x13\x01\xd4\xa7\xa9\x11!8\xab\x91")


@pytest.mark.parametrize("field, value", [
    (None, None),
    ("min_blocksize", 2 ** 16 + 5), ("max_blocksize", -1), ("max_blocksize", 2 ** 40),
    ("min_framesize", 2 ** 24 + 1), ("max_framesize", -1),
    ("sample_rate", 2 ** 20 + 3), ("sample_rate", 96000), ("sample_rate", -1),
    ("channels", 0), ("channels", 8), ("channels", 9), ("channels", 1.5),
    ("bits_per_sample", 0), ("bits_per_sample", 32), ("bits_per_sample", 40),
    ("total_samples", 0), ("total_samples", 2 ** 36 + 5), ("total_samples", -1),
    ("total_samples", 1.5), ("md5_signature", 0), ("md5_signature", -1),
    ("md5_signature", 2 ** 130 + 7),
])
def test_streaminfo_write(real_mutagen, field, value):
    ours, theirs = block_pair(real_mutagen, "StreamInfo", STREAMINFO)
    if field is not None:
        setattr(ours, field, value)
        setattr(theirs, field, value)
    assert written(ours.write) == written(theirs.write)
    if field is None:
        assert ours.write() == STREAMINFO


@pytest.mark.parametrize("field, value", [
    (None, None), ("mime", "imagé/x"), ("desc", "dé\u2022 ☃"), ("desc", "\ud800"),
    ("type", 2 ** 32), ("width", -1), ("colors", 2 ** 32 - 1), ("data", bytearray(b"ab")),
    ("mime", b"bytes"), ("type", 1.5),
])
def test_picture_write(real_mutagen, field, value):
    ours, theirs = block_pair(real_mutagen, "Picture")
    for picture in (ours, theirs):
        picture.type, picture.mime, picture.desc = 3, "image/png", "front"
        picture.width, picture.height, picture.depth, picture.colors = 640, 480, 24, 0
        picture.data = b"\x89PNG" + bytes(300)
        if field is not None:
            setattr(picture, field, value)
    assert written(ours.write) == written(theirs.write)


@pytest.mark.parametrize("track_type, pre_emphasis, compact_disc", [
    (0, False, True), (1, True, False), (2, 0, 1), (3, 5, "yes"), (-1, "", []),
    (1.5, False, True),
])
def test_cuesheet_write(real_mutagen, upstream_data, track_type, pre_emphasis, compact_disc):
    path = os.path.join(upstream_data, "silence-44-s.flac")
    ours, theirs = flac.FLAC(path).cuesheet, real_mutagen.flac.FLAC(path).cuesheet
    assert ours.write() == theirs.write()
    for sheet in (ours, theirs):
        sheet.tracks[1].type = track_type
        sheet.tracks[1].pre_emphasis = pre_emphasis
        sheet.compact_disc = compact_disc
    assert written(ours.write) == written(theirs.write)
    assert written(flac.CueSheet(None).write) == written(real_mutagen.flac.CueSheet(None).write)


def writeblocks_case(module, bodies, available, cont_size, padding):
    blocks = []
    for code, body in bodies:
        if code == 1:
            block = module.Padding(body)
        else:
            block = module.MetadataBlock(body)
            block.code = code
        blocks.append(block)
    return written(lambda: module.MetadataBlock._writeblocks(
        blocks, available, cont_size, padding))


@pytest.mark.parametrize("available", [0, 50, 1100, 30000])
@pytest.mark.parametrize("cont_size", [0, 10 ** 7])
@pytest.mark.parametrize("padding", [None, lambda info: -5, lambda info: 2 ** 24,
                                     lambda info: info.padding, lambda info: 1.5])
def test_writeblocks(real_mutagen, available, cont_size, padding):
    bodies = [(3, b"seek"), (1, b"\x00" * 7), (255, b"x" * 300), (1, b"")]
    assert (writeblocks_case(flac, bodies, available, cont_size, padding)
            == writeblocks_case(real_mutagen.flac, bodies, available, cont_size, padding))


def test_writeblock_header_and_limits(real_mutagen):
    for module in (flac, real_mutagen.flac):
        block = module.MetadataBlock(b"abc")
        block.code = 3
        assert bytes(module.MetadataBlock._writeblock(block)) == b"\x03\x00\x00\x03abc"
        assert bytes(module.MetadataBlock._writeblock(block, True)) == b"\x83\x00\x00\x03abc"
        block.code = 255
        assert bytes(module.MetadataBlock._writeblock(block, True))[:1] == b"\xff"
    results = []
    for module in (flac, real_mutagen.flac):
        big = module.MetadataBlock(bytes(2 ** 24))
        big.code = 2
        big._invalid_overflow_size = 42  # only comment and picture blocks use it
        picture = module.Picture()
        picture.data = bytes(2 ** 24)
        picture_plain = written(lambda: module.MetadataBlock._writeblock(picture))
        picture._invalid_overflow_size = 42
        overflow = module.MetadataBlock._writeblock(picture)
        results.append((written(lambda: module.MetadataBlock._writeblock(big)),
                        picture_plain, bytes(overflow[:4]), len(overflow)))
    assert results[0] == results[1]
    assert results[0][0] == ("error", "error")


def test_overflowed_comment_block_round_trip(real_mutagen, upstream_data, tmp_path):
    """A comment block too long for its header's 24-bit length is read by
    its contents, remembers the length its header claimed and is written
    back with it."""
    with open(os.path.join(upstream_data, "no-tags.flac"), "rb") as h:
        source = h.read()
    comment = real_mutagen.flac.VCFLACDict()
    comment["big"] = "x" * 2 ** 24
    # STREAMINFO (not last), then the comment claiming 42 bytes.
    data = (source[:4] + b"\x00" + source[5:42] + b"\x04" + (42).to_bytes(3, "big")
            + comment.write() + source[42:])
    views = []
    for name, module in (("ours", flac), ("theirs", real_mutagen.flac)):
        path = tmp_path / (name + ".flac")
        path.write_bytes(data)
        f = module.FLAC(path)
        views.append((f.tags._invalid_overflow_size, f.tags._size, len(f["big"][0])))
        f.save()
        views.append(path.read_bytes()[:50])
        os.unlink(path)
    assert views[0] == views[2] == (42, 2 ** 24 + 30, 2 ** 24)
    assert views[1] == views[3]


# --- each library reads what the other wrote --------------------------------

def build_tags(module, f):
    f.clear_pictures()
    f["title"] = ["Tïtle", "Second"]
    f["artist"] = "Ärtist"
    f["tracknumber"] = "3/12"
    f["comment"] = "line 1\nline 2"
    f["MusicBrainz_AlbumId"] = "b5a9"
    f["many"] = ["%d" % n for n in range(500)]
    for kind, desc in ((3, "front"), (4, "bäck")):
        picture = module.Picture()
        picture.type, picture.mime, picture.desc = kind, "image/jpeg", desc
        picture.width, picture.height, picture.depth, picture.colors = 10, 20, 24, 0
        picture.data = b"\xff\xd8" + bytes(range(256)) * kind
        f.add_picture(picture)


def test_each_reads_what_the_other_wrote(real_mutagen, upstream_data, tmp_path):
    source = os.path.join(upstream_data, "silence-44-s.flac")
    paths = {}
    for name, module in (("ours", flac), ("theirs", real_mutagen.flac)):
        paths[name] = tmp_path / (name + ".flac")
        shutil.copy(source, paths[name])
        f = module.FLAC(paths[name])
        build_tags(module, f)
        f.save()
    assert paths["ours"].read_bytes() == paths["theirs"].read_bytes()

    read_by_them = file_view(real_mutagen.flac.FLAC(paths["ours"]))
    read_by_us = file_view(flac.FLAC(paths["theirs"]))
    assert read_by_them == read_by_us == file_view(flac.FLAC(paths["ours"]))
    kinds = [view[0] for view in read_by_us]
    # The seek table and cue sheet were kept, two pictures replaced one.
    assert kinds == ["StreamInfo", "SeekTable", "VCFLACDict", "CueSheet",
                     "Picture", "Picture", "Padding"]
    assert len(read_by_us[2][3]) == 509
    # The audio after the blocks is what it was.
    with open(source, "rb") as h:
        audio = h.read()[-46718:]
    assert paths["ours"].read_bytes().endswith(audio)


# --- failed saves leave the file as it was ----------------------------------

class FullDisk(io.FileIO):
    """A file on a disk with no room left: writes that would make the file
    longer than ``limit`` fail with ENOSPC."""

    limit = 0

    def write(self, data):
        if len(data) and self.tell() + len(data) > self.limit:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


class BrokenDisk(io.FileIO):
    """A file whose every non-empty write fails with EIO."""

    def write(self, data):
        if len(data):
            raise OSError(errno.EIO, "Input/output error")
        return super().write(data)


def grow(f):
    f["grown"] = "x" * 20000


def shrink(f):
    f.tags.clear()
    f.clear_pictures()


def keep_size(f):
    f["title"] = "Silencf"


@pytest.mark.parametrize("edit, disk", [
    (grow, FullDisk), (grow, BrokenDisk), (shrink, BrokenDisk), (keep_size, BrokenDisk),
])
def test_failed_write_leaves_file(upstream_data, tmp_path, edit, disk):
    path = tmp_path / "song.flac"
    shutil.copy(os.path.join(upstream_data, "silence-44-s.flac"), path)
    before = path.read_bytes()
    f = flac.FLAC(path)
    edit(f)
    with disk(path, "r+") as h:
        h.limit = len(before)
        with pytest.raises(flac.error) as caught:
            f.save(h, padding=lambda info: max(info.padding, 0))
    assert isinstance(caught.value.args[0], OSError)
    assert path.read_bytes() == before


@pytest.mark.parametrize("edit", [shrink, keep_size])
def test_full_disk_does_not_stop_a_save_that_does_not_grow(upstream_data, tmp_path, edit):
    source = os.path.join(upstream_data, "silence-44-s.flac")
    outputs = []
    for disk in (FullDisk, io.FileIO):
        path = tmp_path / (disk.__name__ + ".flac")
        shutil.copy(source, path)
        f = flac.FLAC(path)
        edit(f)
        with disk(path, "r+") as h:
            h.limit = os.path.getsize(source)
            f.save(h, padding=lambda info: max(info.padding, 0))
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) <= os.path.getsize(source)
    assert flac.FLAC(io.BytesIO(outputs[0])).tags == flac.FLAC(path).tags


def unencodable_key(f):
    f.tags.append(("bad=key", "value"))


def bytes_value(f):
    f["title"] = b"bytes"


def surrogate_description(f):
    picture = flac.Picture()
    picture.desc = "\ud800"
    f.add_picture(picture)


def oversized_picture(f):
    picture = flac.Picture()
    picture.data = bytes(2 ** 24)
    f.add_picture(picture)


def bad_cuesheet(f):
    f.cuesheet.media_catalog_number = "not bytes"


@pytest.mark.parametrize("edit, padding, expected", [
    (unencodable_key, None, ValueError),
    (bytes_value, None, ValueError),
    (surrogate_description, None, UnicodeEncodeError),
    (oversized_picture, None, flac.error),
    (bad_cuesheet, None, struct.error),
    (lambda f: None, lambda info: 1.5, TypeError),
    (grow, lambda info: 1 / 0, ZeroDivisionError),
])
def test_failed_render_leaves_file(real_mutagen, upstream_data, tmp_path, edit, padding,
                                  expected):
    path = tmp_path / "song.flac"
    shutil.copy(os.path.join(upstream_data, "silence-44-s.flac"), path)
    with_id3(real_mutagen, path)
    before = path.read_bytes()
    f = flac.FLAC(path)
    edit(f)
    for options in ({}, {"deleteid3": True}):
        with pytest.raises(expected):
            f.save(padding=padding, **options)
        assert path.read_bytes() == before


def test_failed_delete_leaves_object(upstream_data, tmp_path):
    """A delete that cannot write keeps the tags and blocks as they were."""
    path = tmp_path / "song.flac"
    shutil.copy(os.path.join(upstream_data, "silence-44-s.flac"), path)
    before = path.read_bytes()
    f = flac.FLAC(path)
    tags, blocks = list(f.tags), list(f.metadata_blocks)
    with BrokenDisk(path, "r+") as h:
        with pytest.raises(flac.error):
            f.delete(h)
    assert path.read_bytes() == before
    assert list(f.tags) == tags and f.metadata_blocks == blocks
