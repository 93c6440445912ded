# SPDX-License-Identifier: GPL-2.0-or-later
"""MP4 saves against the real mutagen 1.48.1: the same bytes for the same
edits on mutagen's own MP4 files and on a sample of the bench corpus (both
layouts: moov before and after mdat), tags each library writes read the
same in the other, a save that moves the audio keeps it decodable, and a
save that fails leaves the file as it was."""

import glob
import os
import shutil
import subprocess

import pytest

from cmutagen import mp4

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "build", "corpus")

UPSTREAM = ["64bit.mp4", "alac.m4a", "covr-with-name.m4a", "ep7.m4b", "ep9.m4b",
            "has-tags.m4a", "nero-chapters.m4b", "no-tags.3g2", "no-tags.m4a",
            "truncated-64bit.mp4"]


def corpus_sample():
    """Every 5th file of each m4a corpus folder: 40 files."""
    files = []
    for folder in ("m4a-aac/minimal", "m4a-aac/library", "m4a-alac/minimal", "m4a-alac/library"):
        files += sorted(glob.glob(os.path.join(CORPUS, folder, "*.m4a")))[::10]
    return files


def edit(module, tags):
    """Set one item of every kind MP4Tags knows."""
    tags["\xa9nam"] = ["title", "second"]
    tags["\xa9ART"] = "artist"
    tags["trkn"] = [(3, 12)]
    tags["disk"] = [(1, 2)]
    tags["tmpo"] = [120]
    tags["cpil"] = True
    tags["pgap"] = False
    tags["stik"] = [1]
    tags["plID"] = [2 ** 40]
    tags["covr"] = [module.MP4Cover(b"\x89PNG" + b"p" * 50, module.MP4Cover.FORMAT_PNG),
                    module.MP4Cover(b"\xff\xd8" + b"j" * 70)]
    tags["----:com.apple.iTunes:MusicBrainz Track Id"] = [b"abc-def"]
    tags["----:org.example:raw"] = [module.MP4FreeForm(b"\x00\x01", module.AtomDataType.IMPLICIT, 1)]
    tags["abcd"] = ["unknown text"]


# name -> (change applied to the loaded file object, save keyword arguments)
CHANGES = {
    "same": (lambda module, f: None, {}),
    "grow": (lambda module, f: f.__setitem__("\xa9nam", "n" * 5000), {}),
    "shrink": (lambda module, f: f.tags.clear() if f.tags is not None else None, {}),
    "edit": (lambda module, f: edit(module, f.tags), {}),
    "padding0": (lambda module, f: None, {"padding": lambda info: 0}),
    "padding5000": (lambda module, f: f.__setitem__("\xa9alb", "a"), {"padding": lambda info: 5000}),
    "delete": (None, {}),
}


def apply(module, path, change):
    """The file's bytes after the change and a save (or the module's
    delete), or the exception's class name."""
    func, kwargs = CHANGES[change]
    try:
        if func is None:
            module.delete(path)
        else:
            f = module.MP4(path)
            if f.tags is None:
                f.add_tags()
            func(module, f)
            f.save(**kwargs)
    except Exception as e:
        return type(e).__name__
    with open(path, "rb") as h:
        return h.read()


def readable(module, path):
    """What a library reads from a file: its tags (as reprs, sorted),
    padding and stream info."""
    f = module.MP4(path)
    tags = None if f.tags is None else sorted((k, repr(v)) for k, v in f.tags.items())
    return tags, f._padding, sorted(vars(f.info).items())


def all_files(upstream_data):
    return [os.path.join(upstream_data, n) for n in UPSTREAM] + corpus_sample()


@pytest.fixture(scope="module")
def real_mp4(real_mutagen):
    import mutagen.mp4
    return mutagen.mp4


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_saves_match_mutagen(tmp_path, real_mp4, upstream_data, change):
    files = all_files(upstream_data)
    assert len(files) == len(UPSTREAM) + 40
    mismatches = []
    for source in files:
        ours = str(tmp_path / "ours.m4a")
        theirs = str(tmp_path / "theirs.m4a")
        shutil.copy(source, ours)
        shutil.copy(source, theirs)
        got = apply(mp4, ours, change)
        want = apply(real_mp4, theirs, change)
        if got != want:
            mismatches.append(os.path.basename(source))
            continue
        if isinstance(got, bytes):
            # Each library reads the other's file as its own.
            assert readable(mp4, theirs) == readable(real_mp4, ours), source
    assert mismatches == []


def test_new_tags_match_mutagen(tmp_path, real_mp4, upstream_data):
    """Tags added to files without any: a new meta atom, with or without a
    udta to put it in."""
    for source in all_files(upstream_data):
        results = []
        for module in (mp4, real_mp4):
            path = str(tmp_path / "f.m4a")
            shutil.copy(source, path)
            with open(path, "r+b") as h:
                atoms = module.Atoms(h)
                # Hide the tags (and, every other file, the udta holding
                # them) by renaming the atom, so that the save creates them.
                hide = b"moov.udta" if source.endswith(("0.m4a", ".mp4")) else b"moov.udta.meta"
                if hide in atoms:
                    h.seek(atoms[hide].offset + 4)
                    h.write(b"xxxx")
            f = module.MP4(path)
            assert f.tags is None
            f.add_tags()
            edit(module, f.tags)
            f.save()
            with open(path, "rb") as h:
                results.append(h.read())
        assert results[0] == results[1], source


def packets(path):
    """Audio packets ffmpeg decodes from the file, and what it complained
    about."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-count_packets",
         "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", path],
        capture_output=True, text=True, check=True)
    decode = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "null", "-"],
                            capture_output=True, text=True)
    return out.stdout.strip(), decode.returncode, decode.stderr


def test_moved_audio_still_decodes(tmp_path):
    """Growing the tags past the padding moves the audio when it follows
    moov: every chunk offset must follow it."""
    checked = 0
    for source in corpus_sample()[::4]:
        path = str(tmp_path / "f.m4a")
        shutil.copy(source, path)
        before = packets(path)
        assert before[0] and before[1] == 0 and before[2] == "", source
        f = mp4.MP4(path)
        f["\xa9cmt"] = "c" * (f._padding + 10000)
        f.save()
        assert packets(path) == before, source
        checked += 1
    assert checked >= 4


def test_failed_save_leaves_file_unchanged(tmp_path, upstream_data):
    for name in ("has-tags.m4a", "no-tags.m4a", "64bit.mp4"):
        path = str(tmp_path / name)
        shutil.copy(os.path.join(upstream_data, name), path)
        with open(path, "rb") as h:
            before = h.read()
        f = mp4.MP4(path)
        if f.tags is None:
            f.add_tags()
        f.tags["\xa9nam"] = ["fine"]
        # A value that cannot be rendered, put past __setitem__'s check.
        f.tags._DictProxy__dict["\xa9ART"] = ["\ud800"]
        with pytest.raises(mp4.MP4MetadataValueError):
            f.save()

        def bad_padding(info):
            raise ZeroDivisionError("padding callback failed")
        del f.tags["\xa9ART"]
        with pytest.raises(ZeroDivisionError):
            f.save(padding=bad_padding)
        with open(path, "rb") as h:
            assert h.read() == before, name


def test_broken_offset_table_fails_before_writing(tmp_path, upstream_data):
    """A chunk offset table whose count does not match its size is found
    while planning the save, before the file is changed."""
    path = str(tmp_path / "f.m4a")
    shutil.copy(os.path.join(upstream_data, "has-tags.m4a"), path)
    with open(path, "r+b") as h:
        stco = next(mp4.Atoms(h)[b"moov"].findall(b"stco", True))
        h.seek(stco.offset + 12)
        h.write(b"\x00\x00\x10\x00")
    with open(path, "rb") as h:
        before = h.read()
    f = mp4.MP4(path)
    f["\xa9nam"] = "x" * 5000
    with pytest.raises(Exception):
        f.save()
    with open(path, "rb") as h:
        assert h.read() == before
