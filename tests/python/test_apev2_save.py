# SPDX-License-Identifier: GPL-2.0-or-later
"""APEv2 saves: the same bytes as the real mutagen 1.48.1 for real tags, and
two places where cmutagen is safer than mutagen: a tag whose items do not
parse is not cut out (its size field could claim audio), and a save that
fails while rendering leaves the file as it was."""

import os
import struct

import pytest

from cmutagen import apev2

AUDIO = bytes(range(256)) * 40


def ape_block(size, count, flags):
    """A 32-byte APE header/footer."""
    return b"APETAGEX" + struct.pack("<IIII", 2000, size, count, flags) + b"\x00" * 8


# Files whose "APE tag" is audio bytes behind a stray header or footer.
BOGUS = {
    "footer": AUDIO + ape_block(5000, 0, 0),
    "footer_with_header_flag": AUDIO + ape_block(5000, 0, apev2.HAS_HEADER),
    "header_at_start": ape_block(5000, 1, apev2.HAS_HEADER | apev2.IS_HEADER) + AUDIO,
}


def ape_tag():
    """A real tag of one item (header, item, footer)."""
    item = struct.pack("<II", 2, 0) + b"ab\x00xy"
    size = len(item) + 32
    return (ape_block(size, 1, apev2.HAS_HEADER | apev2.IS_HEADER) + item
            + ape_block(size, 1, apev2.HAS_HEADER))


def write(tmp_path, data, name="f.ape"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def new_tag():
    tag = apev2.APEv2()
    tag["Title"] = "x"
    return tag


@pytest.mark.parametrize("how", ["save", "delete_method", "delete_function"])
@pytest.mark.parametrize("case", sorted(BOGUS))
def test_bogus_tag_is_not_cut_out(tmp_path, case, how):
    path = write(tmp_path, BOGUS[case])
    # delete() reads the tag first, as mutagen's does, and may fail there.
    match = None if how == "delete_function" else "not rewriting"
    with pytest.raises(apev2.APEBadItemError, match=match):
        if how == "save":
            new_tag().save(path)
        elif how == "delete_method":
            new_tag().delete(path)
        else:
            apev2.delete(path)
    with open(path, "rb") as f:
        assert f.read() == BOGUS[case]


def test_failed_render_leaves_file_unchanged(tmp_path):
    tag = new_tag()
    tag.save(write(tmp_path, AUDIO))
    path = str(tmp_path / "f.ape")
    with open(path, "rb") as f:
        before = f.read()
    tag["Artist"] = "\ud800"  # a lone surrogate cannot be UTF-8 encoded
    with pytest.raises(UnicodeEncodeError):
        tag.save(path)
    with open(path, "rb") as f:
        assert f.read() == before


def saved_bytes(module, path, change):
    """The file after loading its tag (a new one if it has none), applying
    change and saving; or the exception class name."""
    try:
        try:
            tag = module.APEv2(path)
        except module.APENoHeaderError:
            tag = module.APEv2()
        change(tag)
        tag.save(path)
    except Exception as e:
        return type(e).__name__
    with open(path, "rb") as f:
        return f.read()


CHANGES = {
    "same": lambda tag: None,
    "grow": lambda tag: tag.__setitem__("Comment", "c" * 3000),
    "shrink": lambda tag: tag.clear(),
    "binary": lambda tag: tag.__setitem__("Cover Art (Front)", b"\x00" * 100),
}


def sources(data_dir):
    names = ["145-invalid-item-count.apev2", "apev2-lyricsv2.mp3", "brokentag.apev2",
             "oldtag.apev2", "click.mpc", "silence-44-s.wv", "id3v1v2-combined.mp3"]
    made = {
        "start": ape_tag() + AUDIO,
        "end": AUDIO + ape_tag(),
        "before_id3v1": AUDIO + ape_tag() + b"TAG" + b"\x00" * 125,
        "none": AUDIO,
    }
    found = {n: os.path.join(data_dir, n) for n in names if os.path.exists(os.path.join(data_dir, n))}
    return found, made


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_saves_match_mutagen(tmp_path, real_mutagen, upstream_data, change):
    import mutagen.apev2 as real_apev2

    found, made = sources(upstream_data)
    assert len(found) >= 5
    inputs = {name: open(path, "rb").read() for name, path in found.items()}
    inputs.update(made)
    for name, data in inputs.items():
        ours = write(tmp_path, data, "c_" + name)
        theirs = write(tmp_path, data, "m_" + name)
        expected = saved_bytes(real_apev2, theirs, CHANGES[change])
        assert saved_bytes(apev2, ours, CHANGES[change]) == expected, name
