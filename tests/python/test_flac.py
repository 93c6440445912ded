# SPDX-License-Identifier: GPL-2.0-or-later
"""cmutagen.flac and File() on hand-made files.  Values are those the real
mutagen 1.48.1 gives for the same bytes (the differential harness checks the
whole corpus against it; these tests pin the cases one by one)."""

import importlib.util
import io
import os
import shutil

import pytest

import cmutagen
from cmutagen import MutagenError
from cmutagen.flac import FLAC, FLACNoHeaderError, Padding, Picture, StreamInfo, error

_spec = importlib.util.spec_from_file_location(
    "make_broken_corpus",
    os.path.join(os.path.dirname(__file__), "..", "..", "tools", "make-broken-corpus.py"))
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)


def flac_bytes(*blocks):
    return b"fLaC" + b"".join(blocks) + corpus.AUDIO


def test_streaminfo_and_bitrate(broken):
    f = FLAC(broken("picture-ok.flac"))
    info = f.info
    assert (info.sample_rate, info.channels, info.bits_per_sample) == (44100, 2, 16)
    assert info.total_samples == 162496
    assert info.length == 162496 / 44100
    assert (info.min_blocksize, info.max_blocksize) == (4608, 4608)
    assert (info.min_framesize, info.max_framesize) == (14, 16)
    assert info.md5_signature == int.from_bytes(bytes(range(16)), "big")
    # bits of everything after the metadata (the audio frames) per second
    assert info.bitrate == int(len(corpus.AUDIO) * 8 / info.length)
    assert info.pprint() == "FLAC, 3.68 seconds, 44100 Hz"
    assert isinstance(info, StreamInfo) and isinstance(info, cmutagen.StreamInfo)


def test_tags_keep_file_order_and_case(broken):
    f = FLAC(broken("comment-odd-keys.flac"))
    assert list(f.tags) == [("?", "x"), ("A", "\ufffd\ufffd"), ("k}", "v"), (" ", "5"),
                            ("?b", "2"), ("TiTlE", "9")]
    assert f["title"] == ["9"] and f.tags["TITLE"] == ["9"]
    assert sorted(f.keys()) == sorted({" ", "?", "?b", "a", "k}", "title"})
    assert f.pprint().splitlines()[1:] == ["?=x", "A=\ufffd\ufffd", "k}=v", " =5", "?b=2",
                                           "TiTlE=9"]


def test_entry_without_equals_gets_a_made_up_key(broken):
    assert list(FLAC(broken("comment-without-equals.flac")).tags) == [
        ("unknown0", "abc"), ("a", "b")]


def test_wrong_block_lengths_are_measured(broken):
    f = FLAC(broken("comment-length-too-short.flac"))
    assert [b.code for b in f.metadata_blocks] == [0, 4, 1]
    assert f.tags._size == len(corpus.vcomment(items=[b"a=1"]))
    pic = FLAC(broken("picture-length-wrong.flac"))
    assert [type(b) for b in pic.metadata_blocks] == [StreamInfo, Picture, Padding]
    assert pic.pictures[0].desc == "cover" and pic.pictures[0].data == b"\x89PNG...."


def test_first_of_two_comment_blocks_is_the_tags(broken):
    f = FLAC(broken("two-vorbis-comments.flac"))
    assert list(f.tags) == [("a", "1")]
    assert [b.code for b in f.metadata_blocks] == [0, 4, 4]


def test_id3v2_in_front_is_stepped_over(broken):
    assert FLAC(broken("id3-then-flac.flac")).info.sample_rate == 44100
    with pytest.raises(FLACNoHeaderError):
        FLAC(broken("two-id3-tags.flac"))


@pytest.mark.parametrize("name, exc, words", [
    ("not-flac.flac", FLACNoHeaderError, "not a valid FLAC file"),
    ("no-streaminfo.flac", FLACNoHeaderError, "STREAMINFO"),
    ("empty.flac", error, "signature"),
    ("streaminfo-short.flac", error, "STREAMINFO block is 18 bytes"),
    ("streaminfo-zero-rate.flac", error, "sample rate of 0"),
    ("padding-truncated.flac", error, "PADDING"),
    ("comment-count-huge.flac", error, "Vorbis comment"),
    ("picture-data-length-huge.flac", error, "PICTURE"),
    ("no-last-flag-audio.flac", error, "ends inside"),
])
def test_bad_files_raise_mutagens_class_with_a_reason(broken, name, exc, words):
    with pytest.raises(exc) as caught:
        FLAC(broken(name))
    assert words in str(caught.value)
    assert isinstance(caught.value, MutagenError)


def test_missing_file_is_a_mutagen_error_wrapping_oserror(tmp_path):
    with pytest.raises(MutagenError) as caught:
        FLAC(str(tmp_path / "nothing.flac"))
    assert isinstance(caught.value.args[0], FileNotFoundError)
    with pytest.raises(MutagenError):
        cmutagen.File(str(tmp_path / "nothing.flac"))


def test_file_objects_read_from_their_position(broken):
    data = open(broken("picture-ok.flac"), "rb").read()
    buf = io.BytesIO(b"junk" + data)
    buf.seek(4)
    f = FLAC(buf)
    assert f.filename is None and f.pictures[0].mime == "image/png"
    with pytest.raises(FLACNoHeaderError):
        FLAC(io.BytesIO(b"junk" + data))


def test_file_objects_are_read_incrementally():
    # A picture far larger than the first read forces the prefix protocol.
    big = corpus.picture(data=bytes(range(256)) * 1024)
    data = flac_bytes(corpus.block(0, corpus.SI), corpus.block(6, big, True))
    f = FLAC(io.BytesIO(data))
    assert f.pictures[0].data == bytes(range(256)) * 1024


def test_rejects_text_mode_and_non_files():
    with pytest.raises(ValueError):
        FLAC(io.StringIO("fLaC"))
    with pytest.raises(ValueError):
        FLAC(123)


def test_file_picks_flac_by_extension_or_signature(broken, tmp_path):
    assert type(cmutagen.File(broken("picture-ok.flac"))) is FLAC
    renamed = tmp_path / "song.bin"
    shutil.copy(broken("picture-ok.flac"), renamed)
    assert type(cmutagen.File(str(renamed))) is FLAC
    assert cmutagen.File(str(renamed), options=[]) is None
    assert type(cmutagen.File(str(renamed), easy=True)) is FLAC
    assert cmutagen.File(io.BytesIO(b"nothing we know")) is None
    with open(renamed, "rb") as fileobj:
        loaded = cmutagen.File(fileobj)
        assert loaded.filename is None and loaded.info.channels == 2
        # As in mutagen, the header File() scores is read from where the
        # file object is (the chosen class then reads from the start).
        fileobj.seek(10)
        assert cmutagen.File(fileobj) is None
    assert cmutagen.File(renamed).filename == str(renamed)


def test_repr_and_mime(broken):
    f = FLAC(broken("comment-without-equals.flac"))
    # A dict's repr; its key order is that of a set, as in mutagen.
    assert eval(repr(f)) == {"unknown0": ["abc"], "a": ["b"]}
    assert f.mime == ["audio/flac", "audio/x-flac", "application/x-flac",
                      "application/octet-stream"]
    assert repr(FLAC(broken("picture-ok.flac")).pictures[0]) == "<Picture 'image/png' (8 bytes)>"


def test_standalone_blocks_decode_their_bytes():
    info = StreamInfo(corpus.SI)
    assert info.sample_rate == 44100 and info.length == 162496 / 44100
    with pytest.raises(error):
        StreamInfo(corpus.SI[:20])
    pic = Picture(corpus.picture(mime=b"image/jpeg", data=b"\xff\xd8"))
    assert (pic.mime, pic.desc, pic.data, pic.type) == ("image/jpeg", "cover", b"\xff\xd8", 3)
    assert Padding(bytes(7)).length == 7
