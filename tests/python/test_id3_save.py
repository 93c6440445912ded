# SPDX-License-Identifier: GPL-2.0-or-later
"""ID3 saves against the real mutagen 1.48.1: the same bytes for the same
save, files written by one library read identically by the other, and a
save that fails part way leaves the file as it was."""

import io
import os
import shutil

import pytest

from cmutagen import id3, mp3
from cmutagen.easyid3 import EasyID3

SAVE_OPTIONS = [
    {},
    {"v2_version": 3},
    {"v2_version": 3, "v23_sep": None},
    {"v1": 0},
    {"v1": 2},
    {"padding": lambda info: 0},
    {"padding": lambda info: 5000},
]


def tagged_files(data_dir):
    names = sorted(n for n in os.listdir(data_dir) if n.endswith((".mp3", ".id3")))
    assert len(names) >= 20
    return [os.path.join(data_dir, n) for n in names]


def load_or_error(module, path):
    try:
        return module.ID3(path), None
    except Exception as e:  # the exception class is what is compared
        return None, type(e).__name__


def frames_text(tags):
    """Every frame's repr in tag order, with the package name normalised."""
    return [repr(frame).replace("cmutagen.", "mutagen.") for frame in tags.values()]


def test_unchanged_save_gives_mutagens_bytes(real_mutagen, upstream_data, tmp_path):
    compared = 0
    for path in tagged_files(upstream_data):
        for number, options in enumerate(SAVE_OPTIONS):
            ours_path = tmp_path / ("ours-%d-%s" % (number, os.path.basename(path)))
            theirs_path = tmp_path / ("theirs-%d-%s" % (number, os.path.basename(path)))
            shutil.copy(path, ours_path)
            shutil.copy(path, theirs_path)
            theirs, their_error = load_or_error(real_mutagen.id3, theirs_path)
            ours, our_error = load_or_error(id3, ours_path)
            assert our_error == their_error, path
            if theirs is None:
                continue
            theirs.save(theirs_path, **options)
            ours.save(ours_path, **options)
            assert ours_path.read_bytes() == theirs_path.read_bytes(), (path, options)
            compared += 1
    assert compared > 90


def build_tags(module):
    """The same set of frames, one of each common kind, built through a
    library's public API."""
    tags = module.ID3()
    tags.add(module.TIT2(encoding=3, text=["Tïtle", "Second"]))
    tags.add(module.TPE1(encoding=1, text=["Ärtist"]))
    tags.add(module.TRCK(encoding=0, text=["3/12"]))
    tags.add(module.TDRC(encoding=3, text=["2021-03-04"]))
    tags.add(module.TXXX(encoding=3, desc="MusicBrainz Album Id", text=["b5a9"]))
    tags.add(module.COMM(encoding=1, lang="eng", desc="", text=["A comment"]))
    tags.add(module.USLT(encoding=3, lang="deu", desc="lyrics", text="line 1\nline 2"))
    tags.add(module.APIC(encoding=3, mime="image/png", type=3, desc="cover",
                         data=b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4))
    tags.add(module.POPM(email="a@b.c", rating=128, count=3))
    tags.add(module.UFID(owner="http://musicbrainz.org", data=b"1234-5678"))
    tags.add(module.WXXX(encoding=0, desc="site", url="http://example.com/"))
    tags.add(module.RVA2(desc="track", channel=1, gain=-3.5, peak=0.9))
    tags.add(module.CHAP(element_id="ch0", start_time=0, end_time=1000,
                         sub_frames=[module.TIT2(encoding=3, text=["Chapter"])]))
    return tags


@pytest.mark.parametrize("version", [3, 4])
def test_each_reads_what_the_other_wrote(real_mutagen, upstream_data, tmp_path, version):
    source = os.path.join(upstream_data, "silence-44-s.mp3")
    ours_path = tmp_path / "ours.mp3"
    theirs_path = tmp_path / "theirs.mp3"
    shutil.copy(source, ours_path)
    shutil.copy(source, theirs_path)
    build_tags(id3).save(ours_path, v2_version=version)
    build_tags(real_mutagen.id3).save(theirs_path, v2_version=version)
    assert ours_path.read_bytes() == theirs_path.read_bytes()

    read_by_them = frames_text(real_mutagen.id3.ID3(ours_path))
    read_by_us = frames_text(id3.ID3(theirs_path))
    assert read_by_them == read_by_us == frames_text(id3.ID3(ours_path))
    assert len(read_by_us) == 13
    # The audio after the tag is what it was.
    assert (mp3.MP3(ours_path).info.length
            == real_mutagen.mp3.MP3(source).info.length)


def test_easyid3_save_matches(real_mutagen, upstream_data, tmp_path):
    source = os.path.join(upstream_data, "silence-44-s.mp3")
    paths = {}
    for name, module in (("ours", EasyID3), ("theirs", real_mutagen.easyid3.EasyID3)):
        paths[name] = tmp_path / (name + ".mp3")
        shutil.copy(source, paths[name])
        tags = module(paths[name])
        tags["title"] = ["A", "B"]
        tags["date"] = "2004-05-06"
        tags["musicbrainz_trackid"] = "0b2c"
        tags["replaygain_track_gain"] = "-2.5 dB"
        tags["performer:guitar"] = "Someone"
        tags.save(v2_version=3)
    assert paths["ours"].read_bytes() == paths["theirs"].read_bytes()


class FailingWrites(io.BytesIO):
    """A file object whose writes fail once `budget` bytes were written."""

    def __init__(self, data, budget):
        super().__init__(data)
        self.budget = budget

    def write(self, data):
        if len(data) > self.budget:
            raise OSError(28, "No space left on device")
        self.budget -= len(data)
        return super().write(data)


@pytest.mark.parametrize("padding", [0, 100000])
def test_failed_save_keeps_the_file(upstream_data, padding):
    """Shrinking and growing saves that fail on their first write raise
    the library's error and change nothing."""
    with open(os.path.join(upstream_data, "silence-44-s.mp3"), "rb") as f:
        original = f.read()
    tags = id3.ID3(io.BytesIO(original))
    tags.add(id3.TXXX(encoding=3, desc="new", text=["x" * 3000]))
    fileobj = FailingWrites(original, budget=0)
    with pytest.raises(id3.error):
        tags.save(fileobj, padding=lambda info: padding)
    assert fileobj.getvalue() == original


def test_save_that_cannot_render_writes_nothing(upstream_data, tmp_path):
    """A tag that cannot be encoded is refused before the file is touched."""
    path = tmp_path / "song.mp3"
    shutil.copy(os.path.join(upstream_data, "silence-44-s.mp3"), path)
    before = path.read_bytes()
    tags = id3.ID3(path)
    tags.add(id3.TIT2(encoding=0, text=["not latin-1: \u4e2d"]))
    with pytest.raises(Exception):
        tags.save(path, v1=2)
    assert path.read_bytes() == before


def test_save_that_cannot_render_v1_writes_nothing(upstream_data, tmp_path):
    """The v1 tag is rendered before anything is written: a year it cannot
    encode fails the save with the file as it was."""
    path = tmp_path / "song.mp3"
    shutil.copy(os.path.join(upstream_data, "silence-44-s.mp3"), path)
    before = path.read_bytes()
    tags = id3.ID3(path)
    tags.delall("TDRC")
    tags.add(id3.TYER(encoding=3, text="1999\u5e74"))
    tags.add(id3.TIT2(encoding=3, text="x" * 5000))  # the v2 tag must grow
    with pytest.raises(UnicodeEncodeError):
        tags.save(path, v1=2, v2_version=3)
    assert path.read_bytes() == before


def test_delete_with_oversized_v2_header_changes_nothing():
    """Both tags are found before either goes: a v2 header claiming more
    bytes than the file has fails before the v1 tag is cut."""
    data = b"ID3\x04\x00\x00\x00\x00\x7f\x7f" + b"\x00" * 1000 + b"TAG" + b"a" * 125
    fileobj = io.BytesIO(data)
    with pytest.raises(ValueError):
        id3.delete(fileobj)
    assert fileobj.getvalue() == data
