# SPDX-License-Identifier: GPL-2.0-or-later
"""cmutagen's command-line tools against mutagen 1.48.1's.

Each scenario copies some files into an empty directory, runs a tool's
``main(argv)`` there (stdout and stderr captured as mutagen's own tool tests
do) and records the return value or exception, both outputs, and every
file the directory holds afterwards.  The scenarios run in two subprocesses,
one per implementation (this file is the worker), and must come out the
same: options, help texts, messages, exit statuses, the bytes of edited,
copied, converted and split files.  The inputs are mutagen's test files,
tags written by mutagen with legacy encodings, and seeded damaged copies.
The helpers the tools export are compared in-process too."""

import hashlib
import importlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "build", "conformance", "mutagen-1.48.1", "tests", "data")
ORACLE = os.environ.get("CMUTAGEN_ORACLE", os.path.join(ROOT, "build", "oracle"))

TOOLS = ["mid3v2", "mid3cp", "mid3iconv", "moggsplit", "mutagen_inspect",
         "mutagen_pony"]

# Formats cmutagen's File() knew when this test was written; inspect is
# compared on these (other formats are other modules' tests).
INSPECT_EXTENSIONS = (".mp3", ".flac", ".ogg", ".oggflac", ".spx", ".opus",
                      ".oggtheora", ".m4a", ".m4b", ".mp4", ".3g2", ".jpg")


# ---------------------------------------------------------------- worker

def _run_scenario(package, scenario, sources):
    """Run one scenario in a fresh directory; return what it left."""

    tool, files, argv = scenario
    module = importlib.import_module("%s._tools.%s" % (package, tool))
    workdir = tempfile.mkdtemp(prefix="tools-")
    try:
        for name, source in files.items():
            path = os.path.join(workdir, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if source is None:
                open(path, "wb").close()
            else:
                shutil.copyfile(os.path.join(sources, source), path)
        argv = [a.replace("SRC/", sources + "/") for a in argv]
        old_cwd = os.getcwd()
        os.chdir(workdir)
        out, err = io.StringIO(), io.StringIO()
        sys.stdout, sys.stderr = out, err
        try:
            result = ["return", module.main([tool] + argv)]
        except SystemExit as e:
            result = ["exit", e.code]
        except Exception as e:
            result = ["raise", type(e).__name__, str(e)]
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            os.chdir(old_cwd)
        left = {}
        for root, dirs, names in os.walk(workdir):
            for name in names:
                path = os.path.join(root, name)
                with open(path, "rb") as h:
                    left[os.path.relpath(path, workdir)] = \
                        hashlib.sha1(h.read()).hexdigest()

        def clean(text):
            return text.replace(workdir, "W").replace(sources, "SRC")

        return {"result": json.loads(clean(json.dumps(result))),
                "out": clean(out.getvalue()), "err": clean(err.getvalue()),
                "files": left}
    finally:
        shutil.rmtree(workdir)


def worker(package, scenario_file, sources):
    with open(scenario_file) as h:
        scenarios = json.load(h)
    sys.argv[0] = "tool"  # optparse names the program after argv[0]
    results = [_run_scenario(package, s, sources) for s in scenarios]
    json.dump(results, sys.__stdout__)


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    worker(*sys.argv[2:5])
    sys.exit(0)


# ---------------------------------------------------------------- inputs

def _damaged(data, rng, count, head):
    """`count` damaged copies of `data`: cut short, or a few bytes of its
    first `head` bytes changed."""

    copies = []
    for _ in range(count):
        damaged = bytearray(data)
        if rng.random() < 0.3:
            del damaged[rng.randrange(1, min(len(data), head)):]
        else:
            for _ in range(rng.randint(1, 4)):
                damaged[rng.randrange(min(len(data), head))] = rng.randrange(256)
        copies.append(bytes(damaged))
    return copies


def _make_sources(real_mutagen, sources):
    """Fill `sources` with the files the scenarios use; returns the names
    of the damaged ones by kind."""

    id3 = importlib.import_module("mutagen.id3")
    for name in os.listdir(DATA):
        shutil.copyfile(os.path.join(DATA, name), os.path.join(sources, name))

    def put(name, data):
        with open(os.path.join(sources, name), "wb") as h:
            h.write(data)

    put("v25.mp3", b"ID3\x05\x00\x00\x00\x00\x00\x10" + b"x" * 46)
    put("cut.mp3", b"ID3\x03\x00\x00\x00\x00\x10\x10" + b"x" * 46)
    with open(os.path.join(DATA, "silence-44-s.mp3"), "rb") as h:
        silence = h.read()
    put("v241.mp3", silence[:4] + b"\x01" + silence[5:])
    with open(os.path.join(DATA, "multipagecomment.ogg"), "rb") as h:
        first = h.read()
    with open(os.path.join(DATA, "multipage-setup.ogg"), "rb") as h:
        put("chain.ogg", first + h.read())

    # Tags as legacy taggers wrote them: UTF-8 or GBK bytes stored as Latin-1.
    legacy = "\u5bfa\u9662".encode("gbk").decode("latin-1")
    utf8 = "\xeeh\xe5".encode("utf-8").decode("latin-1")
    path = os.path.join(sources, "legacy.mp3")
    shutil.copyfile(os.path.join(DATA, "silence-44-s.mp3"), path)
    tag = id3.ID3(path)
    tag.add(id3.TALB(encoding=0, text=[utf8]))
    tag.add(id3.TIT2(encoding=0, text=["abc", utf8]))
    tag.add(id3.TIT3(encoding=0, text=["", "abc"]))
    tag.add(id3.TPE1(encoding=1, text=[utf8]))
    tag.add(id3.TPE2(encoding=3, text=[legacy]))
    tag.add(id3.TPE3(encoding=1, text=["\u20ac"]))
    tag.add(id3.TOPE(encoding=0, text=["\x81"]))
    tag.add(id3.TBPM(encoding=0, text=["12"]))
    tag.add(id3.TXXX(encoding=0, desc=utf8, text=[utf8]))
    tag.add(id3.COMM(encoding=0, desc=utf8, lang="eng", text=[legacy]))
    tag.add(id3.USLT(encoding=0, desc=utf8, lang="eng", text=utf8))
    tag.add(id3.WXXX(encoding=0, desc=utf8, url="http://x"))
    tag.add(id3.APIC(encoding=0, desc=utf8, mime="image/png", type=3, data=b"x"))
    tag.add(id3.TIPL(encoding=0, people=[[utf8, utf8]]))
    tag.add(id3.POPM(email="a@b", rating=3, count=4))
    tag.save(v2_version=4)
    shutil.copyfile(path, os.path.join(sources, "legacy23.mp3"))
    id3.ID3(os.path.join(sources, "legacy23.mp3")).save(v2_version=3)

    rng = random.Random(7)
    damaged = {"mp3": [], "ogg": []}
    for kind, base, head in [("mp3", "silence-44-s.mp3", 1200),
                             ("mp3", "id3v22-test.mp3", 400),
                             ("mp3", "legacy.mp3", 600),
                             ("ogg", "chain.ogg", 8000),
                             ("ogg", "multiplexed.spx", 2000)]:
        with open(os.path.join(sources, base), "rb") as h:
            data = h.read()
        for i, copy in enumerate(_damaged(data, rng, 30, head)):
            name = "damaged-%s-%d%s" % (base.split(".")[0], i,
                                        os.path.splitext(base)[1])
            put(name, copy)
            damaged[kind].append(name)
    return damaged


# ---------------------------------------------------------------- scenarios

def _scenarios(damaged):
    S = "silence-44-s.mp3"
    IMG = "SRC/image.jpg"
    tagged = [S, "id3v22-test.mp3", "id3v1v2-combined.mp3",
              "silence-44-s-v1.mp3", "bad-POPM-frame.mp3", "emptyfile.mp3",
              "empty.ogg", "v25.mp3", "cut.mp3", "v241.mp3", "legacy.mp3",
              "legacy23.mp3", "apev2-lyricsv2.mp3", "97-unknown-23-update.mp3"]
    scenarios = []

    def add(tool, files, *argv):
        scenarios.append((tool, files, list(argv)))

    # help, version, usage errors of every tool
    for tool in TOOLS:
        for argv in [["--help"], ["--version"], [], ["--bogus"], ["-h", "x"]]:
            add(tool, {}, *argv)
    for argv in [["-f"], ["--list-frames-v2.2"], ["-L"], ["-L", "-f"],
                 ["--TA", "x", "f"], ["-a"]]:
        add("mid3v2", {}, *argv)

    # mid3v2: listing and deleting, on every kind of tag
    for name in tagged:
        for argv in [["-l"], ["--list-raw"], [], ["-d"], ["-s"], ["-D"],
                     ["-v", "-D"], ["-C"], ["-v", "-a", "A"],
                     ["--delete-frames=TALB,COMM,TXXX:x,"],
                     ["-v", "--delete-frames=TPE1"]]:
            add("mid3v2", {"f.mp3": name}, *(argv + ["f.mp3"]))
    add("mid3v2", {"f.mp3": S}, "-l", "missing.mp3", "f.mp3")
    add("mid3v2", {"f.mp3": S}, "-a", "x", "missing.mp3", "f.mp3")
    add("mid3v2", {"f.mp3": S}, "-d", "missing.mp3")
    add("mid3v2", {"f.mp3": S}, "--delete-frames=\xe4", "f.mp3")

    # mid3v2: every way to set frames, escapes and bad values
    edits = [
        ["-a", "A1", "-a", "A2", "--TALB", "x", "-A", "y"],
        ["-t", "T", "-g", "12", "-y", "2001-02", "-T", "3/4", "--TLEN", "abc"],
        ["-y", "xx"], ["--TDRC", "2001", "--TYER", "1999"],
        ["-c", "a"], ["-c", "a:b"], ["-c", "a:b:ger"], ["--COMM", "Z:B:C:D:ger"],
        ["--COMM", "a:b:c:de"], ["--COMM", "::"], ["--COMM", "x:a", "--COMM", "x:b"],
        ["-e", "--COMM", "Y\\\\:B\\nG"], ["-e", "-c", "x\\\\\\\\:y"],
        ["--USLT", "a"], ["--USLT", "Y:foo"], ["--USLT", "Z:bar:ger"],
        ["--USLT", "a:b:c:d"], ["-e", "--USLT", "a\\\\:b:c:deu"],
        ["--TXXX", "A\\:B:C"], ["-e", "--TXXX", "A\\\\:B:C"],
        ["--TXXX", "a:1", "--TXXX", "a:2", "--TXXX", "b"], ["--TXXX", ":x"],
        ["--WCOM", "foo", "--WCOM", "bar"], ["--WOAR", "x"],
        ["--WXXX", "a:b:c", "--WXXX", "d"], ["-e", "--WXXX", "http\\://x/"],
        ["--UFID", "foo:bar"], ["--UFID", "o:\xe9"], ["--UFID", "a"],
        ["--UFID", "a:b:c"], ["--UFID", "a:b", "--UFID", "a:c"],
        ["--POPM", "a"], ["--POPM", "a:1"], ["--POPM", "a:1:2"],
        ["--POPM", "a:1:2:3"], ["--POPM", "a:x"], ["--POPM", "a:300"],
        ["--POPM", "a:-1"], ["--POPM", ":5:7"], ["--POPM", "a:"],
        ["--APIC", IMG], ["--APIC", IMG + ":d"], ["--APIC", IMG + ":d:5"],
        ["--APIC", IMG + ":d:5:image/png"], ["--APIC", IMG + ":d:5:image/png:x"],
        ["--APIC", IMG + ":d:x"], ["--APIC", IMG + ":d:300"], ["--APIC", IMG + "::"],
        ["--APIC", IMG + "::4"], ["--APIC", IMG + ":d:3:"], ["--APIC", "SRC/nope.jpg"],
        ["--APIC", "SRC/nope:d:x:y:z"], ["--APIC", "SRC/nope:d:3:m:z"],
        ["--APIC", "SRC/sample.mid"], ["--APIC", "SRC/silence-44-s.mp3:x"],
        ["--APIC", IMG, "--APIC", IMG + "::4", "--APIC", IMG + ":d:5"],
        ["--APIC", IMG + "::4", "-a", "x", "--APIC", IMG + "::5"],
        ["-p", IMG + ":fooAPIC:3:image/jpeg"],
        ["-e", "-a", "foo\\nbar"], ["-e", "-a", "\xe4\xf6\xfc"],
        ["-e", "--TALB", "\\xff\\x81"], ["-e", "--TALB", "\\xaz"],
        ["-e", "--TALB", "\\"], ["-e", "--UFID", "\\"], ["-e", "--TALB", "\\xc3\\xa4\\101"],
        ["--TALB", "\udcff\udcff"], ["-e", "--TXXX", "\\"],
        ["--delete-frames=TALB", "-a", "X"], ["--delete-frames=X", "-C"],
        ["--delete-frames=TPE1", "-l"], ["-l", "-a", "x"], ["-d", "-C"], ["-C", "-d"],
        ["-s", "-l"], ["-q", "-a", "x"], ["-v", "-q", "--TIT3", "x"],
    ]
    for argv in edits:
        add("mid3v2", {"f.mp3": S}, *(argv + ["f.mp3"]))
    for name in ["id3v22-test.mp3", "silence-44-s-v1.mp3", "emptyfile.mp3",
                 "empty.ogg", "v25.mp3", "cut.mp3", "legacy23.mp3"]:
        add("mid3v2", {"f.mp3": name}, "-a", "x", "--APIC", IMG, "--COMM", "c:d",
            "f.mp3")

    # mid3cp
    pairs = [(S, None), (S, S), (None, S), ("id3v22-test.mp3", S),
             (S, "id3v22-test.mp3"), ("bad-POPM-frame.mp3", "id3v22-test.mp3"),
             ("id3v22-test.mp3", "bad-POPM-frame.mp3"), ("v241.mp3", None),
             ("silence-44-s-v1.mp3", S), (S, "silence-44-s-v1.mp3"),
             ("v25.mp3", None), ("cut.mp3", None), (S, "v25.mp3"), (S, "cut.mp3"),
             ("legacy.mp3", "legacy23.mp3"), ("id3v1v2-combined.mp3", "empty.ogg")]
    for src, dst in pairs:
        files = {"s.mp3": src, "d.mp3": dst}
        for argv in [[], ["--merge"], ["-v"], ["-v", "--merge"], ["--write-v1"],
                     ["-x", "TLEN", "-x", " TALB", "-x", ""],
                     ["--merge", "-x", "TPE1", "--write-v1", "-v"]]:
            add("mid3cp", files, *(argv + ["s.mp3", "d.mp3"]))
    add("mid3cp", {"s.mp3": S}, "s.mp3", "s.mp3")
    add("mid3cp", {"s.mp3": S}, "-v", "s.mp3", "s.mp3")
    add("mid3cp", {"s.mp3": S}, "s.mp3")
    add("mid3cp", {"s.mp3": S}, "s.mp3", "missing.mp3")
    add("mid3cp", {"s.mp3": S}, "missing.mp3", "s.mp3")
    add("mid3cp", {"s.mp3": S}, "", "s.mp3")
    add("mid3cp", {"s.mp3": S}, "s.mp3", ".")
    add("mid3cp", {"s.mp3": S}, "a", "b", "c")

    # mid3iconv
    for name in tagged:
        for argv in [["-d"], ["-d", "-p"], ["-q"], [], ["-d", "-e", "gbk"],
                     ["-d", "-e", "latin-1"], ["-e", "bogus"], ["-d", "-e", "utf-16-le"],
                     ["--force-v1", "-d"], ["-p", "--force-v1"], ["--remove-v1"],
                     ["-p", "--remove-v1"], ["-v1", "-removev1", "-d"]]:
            add("mid3iconv", {"f.mp3": name}, *(argv + ["f.mp3"]))
    add("mid3iconv", {"f.mp3": S}, "f.mp3", "missing.mp3", "f.mp3")
    add("mid3iconv", {"f.mp3": S}, "-v2", "f.mp3")

    # moggsplit
    ogg = {"c.ogg": "chain.ogg", "m.spx": "multiplexed.spx", "e.ogg": "empty.ogg",
           "i.jpg": "image.jpg", "z.ogg": None, "x.y.ogg": "chain.ogg",
           "sub/c.ogg": "chain.ogg", "n\udcff.ogg": "chain.ogg"}
    for argv in [["c.ogg"], ["--m3u", "c.ogg"], ["--m3u", "--extension=oga", "c.ogg"],
                 ["--pattern=%(stream)x_%(base)s.%(ext)s", "c.ogg"], ["--pattern=x", "c.ogg"],
                 ["--pattern=%(foo)s", "c.ogg"], ["--pattern=%(base)s-%(stream)d", "--m3u", "c.ogg"],
                 ["--m3u", "m.spx"], ["e.ogg"], ["missing.ogg", "c.ogg"], ["--m3u", "missing.ogg"],
                 ["i.jpg"], ["--m3u", "z.ogg"], ["c.ogg", "c.ogg", "--m3u"], ["--m3u", "x.y.ogg"],
                 ["--m3u", "sub/c.ogg"], ["sub"], ["c.ogg", "--extension="],
                 ["--m3u", "n\udcff.ogg"], ["n\udcff.ogg"]]:
        add("moggsplit", ogg, *argv)
    for name in damaged["ogg"]:
        add("moggsplit", {"d.ogg": name}, "--m3u", "d.ogg")

    # mutagen-inspect
    upstream = sorted(n for n in os.listdir(DATA) if n.endswith(INSPECT_EXTENSIONS))
    add("mutagen_inspect", {}, *["SRC/" + n for n in upstream])
    add("mutagen_inspect", {}, "--no-flac", "x", "missing", ".", "SRC/v25.mp3",
        "SRC/cut.mp3", "SRC/legacy.mp3", "SRC/chain.ogg")
    add("mutagen_inspect", {}, *["SRC/" + n for n in damaged["mp3"] + damaged["ogg"]])

    # mutagen-pony: the same directories, scanned and reported
    mp3s = [n for n in os.listdir(DATA) if n.endswith(".mp3")]
    add("mutagen_pony", {"d/" + n: n for n in mp3s}, "d")
    add("mutagen_pony", {"d/" + n: n for n in mp3s if n not in ("emptyfile.mp3", "too-short.mp3")}
        | {"d/sub/x.MP3": "id3v22-test.mp3", "d/e/y.Mp3": "silence-44-s-v1.mp3",
           "d/not.mp3.bak": S, "d/u.mp3": "legacy.mp3"}, "d", "d/sub", "nowhere", "d/u.mp3")
    add("mutagen_pony", {"d/" + n: n for n in damaged["mp3"][:12]}, "d")
    add("mutagen_pony", {"d/a.mp3": "emptyfile.mp3", "d/b.mp3": "cut.mp3"}, "d")
    add("mutagen_pony", {"d/b.mp3": "too-short.mp3", "d/a.mp3": "emptyfile.mp3"}, "d")

    # damaged ID3 tags through the ID3 tools
    for name in damaged["mp3"]:
        files = {"f.mp3": name, "g.mp3": S}
        for tool, argv in [("mid3v2", ["-l", "f.mp3"]), ("mid3v2", ["--list-raw", "f.mp3"]),
                           ("mid3v2", ["-a", "x", "f.mp3"]), ("mid3v2", ["-D", "f.mp3"]),
                           ("mid3cp", ["f.mp3", "g.mp3"]), ("mid3cp", ["--merge", "g.mp3", "f.mp3"]),
                           ("mid3iconv", ["-d", "f.mp3"])]:
            add(tool, files, *argv)
    return scenarios


# The tools print library errors as str(err).  Where mutagen's message is
# empty or vague, cmutagen's library says what is wrong instead (messages are
# reported, not compared, by the differential harness too): a line of these
# forms on cmutagen's side may stand where mutagen's message stands.
LIBRARY_MESSAGES = [re.compile(p) for p in [
    r"expected \d+ bytes, the file had only \d+",
    r"cannot delete \d+ bytes at offset \d+ of a \d+ byte file",
    r"STREAMINFO block is \d+ bytes, it must be at least \d+",
    r"Vorbis comment block ends inside its comment list",
]]


def _is_library_message(text):
    return any(p.fullmatch(text) for p in LIBRARY_MESSAGES)


def _same(theirs, ours):
    """Whether two scenario results agree, up to library messages."""

    theirs, ours = _normalize(theirs), _normalize(ours)
    if theirs["files"] != ours["files"]:
        return False
    a, b = theirs["result"], ours["result"]
    if a != b and not (a[:2] == b[:2] == ["raise", a[1]] and len(a) == len(b) == 3
                       and _is_library_message(b[2])):
        return False
    for key in ("out", "err"):
        lines_a, lines_b = theirs[key].split("\n"), ours[key].split("\n")
        if len(lines_a) != len(lines_b):
            return False
        for line_a, line_b in zip(lines_a, lines_b):
            if line_a != line_b and not _is_library_message(line_b):
                return False
    return True


def _normalize(result):
    """Tracebacks in pony's report show each implementation's own source
    lines: compare only which files failed and the report around them."""

    out = result["out"]
    if "\nERRORS:\n" in out:
        head, tail = out.split("\nERRORS:\n", 1)
        reading = [line for line in tail.splitlines() if line.startswith("Reading ")]
        result = dict(result, out=head + "\nERRORS:\n" + "\n".join(reading))
    return result


def _run_worker(pythonpath, package, scenario_file, sources):
    env = dict(os.environ, PYTHONPATH=pythonpath, PYTHONHASHSEED="0")
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "worker", package,
         scenario_file, sources],
        env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_tools_match_mutagen(real_mutagen, upstream_data, tmp_path):
    sources = str(tmp_path / "sources")
    os.mkdir(sources)
    damaged = _make_sources(real_mutagen, sources)
    scenarios = _scenarios(damaged)
    scenario_file = str(tmp_path / "scenarios.json")
    with open(scenario_file, "w") as h:
        json.dump(scenarios, h)

    theirs = _run_worker(ORACLE, "mutagen", scenario_file, sources)
    # The cmutagen this test process imported (the installed one under
    # `make test`, whose extension is built; the source tree has none).
    import cmutagen
    ours = _run_worker(os.path.dirname(os.path.dirname(os.path.abspath(cmutagen.__file__))),
                       "cmutagen", scenario_file, sources)

    mismatches = []
    for scenario, a, b in zip(scenarios, theirs, ours):
        if not _same(a, b):
            mismatches.append((scenario, _normalize(a), _normalize(b)))
    assert len(ours) == len(scenarios) > 500
    assert not mismatches, "%d of %d differ; first:\n%r\nmutagen:  %r\ncmutagen: %r" % (
        (len(mismatches), len(scenarios)) + mismatches[0])


# ---------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def their_tools(real_mutagen):
    return {name: importlib.import_module("mutagen._tools." + name)
            for name in ["_util"] + TOOLS}


def _ours(name):
    return importlib.import_module("cmutagen._tools." + name)


def _outcome(func, *args):
    try:
        return ("value", func(*args))
    except Exception as e:
        return ("raise", type(e).__name__, str(e))


def test_public_names(their_tools):
    for name, theirs in their_tools.items():
        missing = [n for n in dir(theirs) if not n.startswith("__")
                   and not hasattr(_ours(name), n)]
        assert not missing, (name, missing)


def test_split_escape_fuzz(their_tools):
    rng = random.Random(3)
    theirs = their_tools["_util"].split_escape
    ours = _ours("_util").split_escape
    alphabet = "ab:\\x"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(9)))
        maxsplit = rng.choice([None, None, -1, 0, 1, 2, 3])
        sep = rng.choice([":", "x", "\\"])
        escape = rng.choice(["\\", ":", "x"])
        for args in [(text, sep, maxsplit, escape),
                     (text.encode(), sep.encode(), maxsplit, escape.encode()),
                     (text.encode(), sep.encode(), maxsplit, escape),
                     (text.encode(), sep, maxsplit, escape),
                     (text, sep.encode(), maxsplit, escape.encode())]:
            assert _outcome(ours, *args) == _outcome(theirs, *args), args
    for args in [(1, ":"), ("a", "::"), ("a", ":", None, ""), ("a", "")]:
        assert _outcome(ours, *args) == _outcome(theirs, *args), args


def test_value_helpers(their_tools):
    theirs, ours = their_tools["mid3v2"], _ours("mid3v2")
    values = ["abc", "a\\nb", "\\xff", "\\x", "\\", "\udcff", "\\u20ac", "\\t\\\\",
              "\\xe4", "\\xc3\\xa4", "\xe4", "\\0", "\\101", "\\q", "\ud800", "a\udcffb",
              "", ":", "\\:", b"abc"]
    for value in values:
        for escape in (True, False):
            assert _outcome(ours.value_from_fsnative, value, escape) == \
                _outcome(theirs.value_from_fsnative, value, escape), value
        assert _outcome(ours.frame_from_fsnative, value) == \
            _outcome(theirs.frame_from_fsnative, value), value
        for frame_id in ("APIC", "TALB", "COMM", ""):
            assert _outcome(ours.get_frame_encoding, frame_id, value) == \
                _outcome(theirs.get_frame_encoding, frame_id, value)

    theirs, ours = their_tools["mid3iconv"], _ours("mid3iconv")
    for value in ["", "abc", "\xe4", "\x7f", b"abc", b"", None, 1, [], ["a"]]:
        assert _outcome(ours.isascii, value) == _outcome(theirs.isascii, value)
    for name in ["silence-44-s.mp3", "emptyfile.mp3", "image.jpg", "nope", ".",
                 "silence-44-s-v1.mp3"]:
        path = os.path.join(DATA, name)
        assert _outcome(ours.has_id3v1, path) == _outcome(theirs.has_id3v1, path)
    assert ours.getpreferredencoding() == theirs.getpreferredencoding()


def test_signal_handler(their_tools):
    def trace(cls):
        steps = []
        handler = cls()
        steps.append(dict(vars(handler)))
        for body in ["pass", "signal", "raise", "signal+raise", "nested"]:
            handler = cls()
            try:
                with handler.block():
                    if "signal" in body:
                        handler._handler(2, None)
                    if body == "nested":
                        with handler.block():
                            pass
                    if "raise" in body:
                        raise ValueError(body)
            except BaseException as e:
                steps.append((body, type(e).__name__, str(e)))
            steps.append(dict(vars(handler)))
        handler = cls()
        try:
            handler._handler(15, None)
        except SystemExit as e:
            steps.append(("exit", e.code))
        steps.append(dict(vars(handler)))
        return steps

    assert trace(_ours("_util").SignalHandler) == \
        trace(their_tools["_util"].SignalHandler)


def test_pony_report(their_tools):
    def report(module):
        rep = module.Report("x")
        texts = [str(rep)]
        rep.missing("a")
        texts.append(str(rep))
        rep.versions[(1, 1)] = 2
        rep.versions[(2, 4, 0)] = 1
        rep.unsync = 3
        try:
            raise KeyError("k")
        except KeyError:
            rep.error("b")
        texts.append(str(rep).split("Reading")[0])
        try:
            raise ValueError("v")
        except ValueError:
            rep.error("c")
        texts.append(_outcome(str, rep))
        return texts, sorted(vars(rep))

    assert report(_ours("mutagen_pony")) == report(their_tools["mutagen_pony"])
