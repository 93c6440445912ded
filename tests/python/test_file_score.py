# SPDX-License-Identifier: GPL-2.0-or-later
"""File(path) scores formats in one C call (_native.choose_by_score: the
file's two ends, each class's rule in C), where File(file object) lets each
class's score read the file.  Both must choose the same class and raise the
same errors, and every C rule must equal its Python score."""

import io
import os

import pytest

from cmutagen import File, MutagenError, _file, _native
from cmutagen.apev2 import APEv2File


class _Untouchable:
    """A file object any use of which fails the test."""

    def __getattr__(self, name):
        raise AssertionError("score() used the file object (.%s)" % name)


def _own_classes():
    return _file._format_classes(False) + _file._format_classes(True)


HEADERS = [b"", b"ID3\x04\x00", b"OggS\x00\x02" + b"\x01vorbis" * 3, b"fLaC\x00",
           b"\x00\x00\x00\x20ftypM4A mp42", b"\xff\xfb\x90\x00", b"OggSOpusHeadSpeex   fLaC",
           b"OggS\x80theora\x81theora"]


@pytest.mark.parametrize("name", ["a.mp3", "b.flac", "c.ogg", "d.m4a", "e"])
def test_header_only_scores_never_touch_the_file(name):
    """Every class File() knows but APEv2File scores by name and header
    alone (its C rule sees no file object either): its score, given an
    object that fails on use, still answers."""
    header_only = [kind for kind in _own_classes() if kind.score is not APEv2File.score]
    assert len(header_only) >= 24
    for kind in header_only:
        for header in HEADERS:
            kind.score(name, _Untouchable(), header)


def test_apev2_score_from_the_tail_equals_score_on_the_file():
    for data in [b"", b"x" * 10, b"APETAGEX" + b"\x00" * 24, b"\x00" * 400 + b"APETAGEX" + b"\x00" * 24,
                 b"ID3" + b"\x00" * 300 + b"APETAGEX" + b"\x00" * 24,
                 b"APETAGEX" + b"\x00" * 200]:
        header = data[:128]
        expected = APEv2File.score("x", io.BytesIO(data), header)
        assert APEv2File._score_ends("x", data[-160:], header) == expected


def _chosen(thing, **kwargs):
    try:
        f = File(thing, **kwargs)
    except Exception as e:
        return ("raises", type(e), str(e))
    return None if f is None else (type(f), sorted(vars(f)))


def _all_files(upstream_data, broken):
    for folder in (upstream_data, broken(".")):
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                yield path


def test_path_and_file_object_choose_the_same_class(upstream_data, broken):
    for path in _all_files(upstream_data, broken):
        for easy in (False, True):
            with open(path, "rb") as fileobj:
                by_fileobj = _chosen(fileobj, easy=easy)
            assert _chosen(path, easy=easy) == by_fileobj, path


def test_small_and_odd_files(tmp_path):
    cases = {"empty.mp3": b"", "short.flac": b"fL", "ape.bin": b"\x00" * 50 + b"APETAGEX",
             "id3ape.tag": b"ID3\x04" + b"\x00" * 20 + b"APETAGEX" + b"\x00" * 24,
             "tail.m4a": b"\x00" * 1000}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with open(path, "rb") as fileobj:
            by_fileobj = _chosen(fileobj)
        assert _chosen(str(path)) == by_fileobj, name
        assert _chosen(os.fsencode(str(path))) == by_fileobj, name


def test_errors_name_the_file(tmp_path):
    missing = str(tmp_path / "missing.mp3")
    for thing in (missing, os.fsencode(missing), str(tmp_path)):
        with pytest.raises(MutagenError) as raised:
            File(thing)
        try:
            open(thing, "rb").close()
        except OSError as e:
            assert str(raised.value) == str(e)
        else:
            pytest.fail("opened %r" % thing)


def test_a_callers_own_scorer_gets_a_file_object(tmp_path):
    seen = []

    class Reads(APEv2File):
        @staticmethod
        def score(filename, fileobj, header):
            fileobj.seek(0, 2)
            seen.append(fileobj.tell())
            return 0

    path = tmp_path / "x.flac"
    path.write_bytes(b"fLaC" + b"\x00" * 60)
    kinds = [Reads] + _file._format_classes(False)
    assert _native.choose_by_score(str(path), b"x.flac", b"x.flac", kinds,
                                   _file._score_rules()) is None
    with pytest.raises(MutagenError):  # a broken FLAC, chosen by the general path
        File(str(path), options=kinds)
    assert seen == [64]


def test_read_file_ends():
    data = bytes(range(256)) * 3
    import tempfile
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        assert _native.read_file_ends(f.name, 128, 160) == (data[:128], data[-160:])
        assert _native.read_file_ends(f.name, 0, 0) == (b"", b"")
        assert _native.read_file_ends(f.name, 10000, 10000) == (data, data)
        with pytest.raises(ValueError):
            _native.read_file_ends(f.name, -1, 0)


def _loaded(thing):
    try:
        f = File(thing)
    except Exception as e:
        return ("raises", type(e), str(e).replace(repr(os.fsencode(thing)), repr(os.fsdecode(thing))))
    return None if f is None else (type(f), f.info.pprint(), f.tags and f.tags.pprint())


def test_bytes_paths_read_as_str_paths(upstream_data, broken):
    """A bytes file name reads the file, not the name, in every C reader
    (they take bytes as the file's contents)."""
    for path in _all_files(upstream_data, broken):
        assert _loaded(os.fsencode(path)) == _loaded(path), path
    f = File(os.fsencode(os.path.join(upstream_data, "silence-44-s.flac")))
    assert f.filename == os.fsencode(os.path.join(upstream_data, "silence-44-s.flac"))


# --- the C copies of the score rules (_native/score.c) ------------------------

def _rule_classes():
    """(index, class) of every C score rule, from _native.SCORE_RULES."""
    import importlib
    pairs = []
    for index, dotted in enumerate(_native.SCORE_RULES):
        module_name, class_name = dotted.split(".")
        pairs.append((index, getattr(importlib.import_module("cmutagen." + module_name), class_name)))
    return pairs


_NAMES = ["a.mp3", "A.MP3", "b.Flac", "c.ogg", "x.mpeg", "y.MPG", "z.mp2", "d.m4a", "e", "",
          "f.flac.bak", "\u00e9t\u00e9.FLAC", "g.tta", "h.TAK", "i.wv", "j.ape", "k.mpc", "l.ofr",
          "m.ofs", "n.aac", "o.ADTS", "p.ac3", "q.eac3", "r.mid", "s.dsf", "t.dff", "u.wav",
          "v.aif", "w.aiff", "x.wma", "y.asf", "z.spx", "\udcff.mp3", "A.DFF", "b.dff", "C.DSF",
          "d.Wave", "e.AIFC", "f.adif", "g.AC3", "h.eac3", "i.MIDI", "j.midi", "\u212a.mp3", "x.mp\u212a"]

_FRAGMENTS = [b"ID3", b"fLaC", b"OggS", b"\x01vorbis", b"OpusHead", b"Speex   ", b"FLAC",
              b"\x80theora", b"\x81theora", b"ftyp", b"mp4", b"APETAGEX", b"\xff\xfb", b"\xff\xf3",
              b"\xff\xf2", b"\xff\xfa", b"\xff\xf1", b"\x0b\x77", b"MThd", b"RIFF", b"WAVE",
              b"FORM", b"AIFF", b"DSD ", b"FRM8", b"wvpk", b"MAC ", b"MPCK", b"MP+", b"OFR ",
              b"tBaK", b"TTA1", b"ADIF", b"0&\xb2u\x8ef\xcf\x11",
              b"0&\xb2u\x8ef\xcf\x11\xa6\xd9\x00\xaa\x00b\xcel", b"RIFF\x00\x00\x00\x00WAVE", b"\x0b\x77",
              b"\x00", b"\xff"]


def _random_ends(rng):
    def piece():
        parts = [rng.choice(_FRAGMENTS) for _ in range(rng.randrange(0, 5))]
        fill = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
        data = b"".join(parts) + fill
        return data if rng.random() < 0.5 else fill[:5] + data
    return piece()[:128], piece()[-160:]


def test_c_score_rules_equal_the_python_scores(upstream_data, broken):
    """Every C rule gives what its class's score() gives: on the ends of
    every upstream and broken file, and on random headers built from the
    formats' magic bytes, under many names."""
    import random
    rng = random.Random(7)
    cases = []
    for path in _all_files(upstream_data, broken):
        head, tail = _native.read_file_ends(path, 128, 160)
        cases.append((os.path.basename(path), head, tail))
    for _ in range(3000):
        head, tail = _random_ends(rng)
        cases.append((rng.choice(_NAMES), head, tail))
    rules = _rule_classes()
    assert len(rules) >= 10
    for name, head, tail in cases:
        given = name.encode("utf-8", "surrogatepass")
        lowered = name.lower().encode("utf-8", "surrogatepass")
        for index, kind in rules:
            if kind.score is APEv2File.score:
                expected = APEv2File._score_ends(name, tail, head)
            else:
                expected = kind.score(name, _Untouchable(), head)
            assert _native.score_rule(index, given, lowered, head, tail) == expected, (kind, name, head)


def test_file_scores_in_c_for_its_own_formats(upstream_data, monkeypatch):
    """File(path) with the default options takes one C call, and a class
    whose score is replaced is scored in Python (and gets its own score)."""
    path = os.path.join(upstream_data, "silence-44-s.flac")
    for easy in (False, True):
        options = _file._format_classes(easy)
        chosen = _native.choose_by_score(path, path.encode(), path.lower().encode(), options,
                                         _file._score_rules())
        assert chosen is not None and chosen[0].__name__ == "FLAC"
    from cmutagen.flac import FLAC
    monkeypatch.setattr(FLAC, "score", staticmethod(lambda filename, fileobj, header: 0))
    assert _native.choose_by_score(path, b"x", b"x", _file._format_classes(False),
                                   _file._score_rules()) is None
    assert File(path) is None
    monkeypatch.undo()
    assert type(File(path)) is FLAC


def test_c_choice_sees_every_change_to_a_class_or_the_rules(upstream_data, monkeypatch):
    """choose_by_score remembers each option's rule only while the class is
    unchanged: a score replaced on a base class, or other rules, are seen
    on the next call."""
    from cmutagen.mp3 import MP3, EasyMP3
    path = os.path.join(upstream_data, "silence-44-s.mp3")
    args = (path, path.encode(), path.lower().encode())
    easy = _file._format_classes(True)
    assert EasyMP3 in easy and MP3 not in easy
    for _ in range(2):  # the second call is answered from what the first found
        assert _native.choose_by_score(*args, easy, _file._score_rules())[0] is EasyMP3
    monkeypatch.setattr(MP3, "score", staticmethod(lambda filename, fileobj, header: 0))
    assert _native.choose_by_score(*args, easy, _file._score_rules()) is None
    monkeypatch.undo()
    assert _native.choose_by_score(*args, easy, _file._score_rules())[0] is EasyMP3
    # Other rules for the same classes: MP3's score read as FLAC's rule.
    rules = dict(_file._score_rules())
    rules[MP3.score] = rules[_file._format_classes(False)[6].score]
    assert _file._format_classes(False)[6].__name__ == "FLAC"
    assert _native.choose_by_score(*args, easy, rules)[0] is not EasyMP3
    assert _native.choose_by_score(*args, easy, _file._score_rules())[0] is EasyMP3


def test_c_choice_breaks_ties_by_class_name(tmp_path):
    """Equal scores go to the class whose name sorts last, as in Python."""
    path = tmp_path / "x.bin"
    path.write_bytes(b"OggS" + b"\x01vorbis" + b"OpusHead" + b"Speex   " + b"fLaC" + b"\x00" * 100)
    options = _file._format_classes(False)
    chosen = _native.choose_by_score(str(path), b"x.bin", b"x.bin", options, _file._score_rules())
    with open(path, "rb") as fileobj:
        expected = _file._best_kind(options, "x.bin", fileobj)
    assert chosen == expected


def test_default_table_finds_classes_on_their_modules(upstream_data, monkeypatch):
    """File(path) hands the default options to C as (module namespace,
    class name) pairs: the same choice as the class list, and a class
    replaced on its module (or removed from it) is seen at once."""
    import cmutagen.flac
    path = os.path.join(upstream_data, "silence-44-s.flac")
    for easy in (False, True):
        table = _file._format_table(easy)
        assert [namespace[name] for namespace, name in table] == _file._format_classes(easy)
        args = (path, path.encode(), path.lower().encode())
        assert (_native.choose_by_score(*args, table, _file._score_rules())
                == _native.choose_by_score(*args, _file._format_classes(easy),
                                           _file._score_rules()))

    class OwnFLAC(cmutagen.flac.FLAC):
        pass

    monkeypatch.setattr(cmutagen.flac, "FLAC", OwnFLAC)
    assert type(File(path)) is OwnFLAC
    # A replaced score sends File() to the Python scorer, given the classes.
    monkeypatch.setattr(OwnFLAC, "score", staticmethod(lambda filename, fileobj, header: 99))
    assert type(File(path)) is OwnFLAC
    # A class missing from its module: mutagen's File() fails to import it.
    monkeypatch.delattr(cmutagen.flac, "FLAC")
    message = "cannot import name 'FLAC' from 'cmutagen.flac' (%s)" % cmutagen.flac.__file__
    for call in (lambda: File(path), lambda: File(path, easy=True),
                 lambda: File(open(path, "rb"))):
        with pytest.raises(ImportError) as excinfo:
            call()
        assert str(excinfo.value) == message
    monkeypatch.undo()
    assert type(File(path)) is cmutagen.flac.FLAC
    with pytest.raises(TypeError):
        _native.choose_by_score(path, b"x", b"x", ((None, "FLAC"),), _file._score_rules())


class _Unseekable(io.BytesIO):
    """A file object whose seeks fail, as a pipe's do: APEv2's tail is
    unreadable and it scores -1."""

    def seek(self, *args):
        raise OSError("not seekable")


def _python_choice(options, name, fileobj):
    """File()'s choice made by calling every class's score in Python."""
    header = fileobj.read(128)
    ranked = [((kind.score(name, fileobj, header), kind.__name__), kind) for kind in options]
    (score, _), kind = max(ranked, key=lambda entry: entry[0])
    return kind, score


def test_file_object_choice_in_c_equals_python_scores():
    """File(fileobj) scores the default options with the C rules, after the
    reads the Python scores make: the same choice on random files, names
    and unseekable file objects, and the file object left where the Python
    scoring leaves it."""
    import random
    rng = random.Random(5)
    for easy in (False, True):
        options = _file._format_classes(easy)
        for _ in range(500):
            head, tail = _random_ends(rng)
            data = head + bytes(rng.randrange(300)) + tail
            name = rng.choice(_NAMES)
            kind = rng.choice((io.BytesIO, _Unseekable))
            ours, theirs = kind(data), kind(data)
            assert _file._best_kind(options, name, ours) == _python_choice(options, name, theirs)
            assert ours.tell() == theirs.tell()
    apev2 = _native.SCORE_RULES.index("apev2.APEv2File")
    assert _native.score_rule(apev2, b"x", b"x", b"", None) == -1
    assert APEv2File.score("x", _Unseekable(b"APETAGEX"), b"") == -1
