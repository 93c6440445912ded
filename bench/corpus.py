#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate the benchmark corpus: real encoded files, tagged by mutagen.

    corpus.py --oracle build/oracle --out build/corpus --count 100

For every format and profile (bench/README.md) it writes COUNT files to
OUT/<format>/<profile>/<NNN>.<ext> and OUT/manifest.json.  Real encoders make
the audio (lame, flac, oggenc, opusenc, ffmpeg's AAC and ALAC); mutagen, taken
from the --oracle folder, writes the tags, as a tagger would.

Deterministic: every choice comes from random.Random seeded with the seed and
the file's place, and every tool runs with its bit-exact or fixed-serial
options, so the same seed and tool versions give the same bytes.  The count
only decides how many files each cell gets: the first three files of a
100-file corpus are the files of a 3-file one.

To stay fast, each format encodes a small pool of distinct clips (and a
dozen cover JPEGs); each file is one clip plus its own tags and cover.

Before the manifest is written, every file is read back with mutagen and
checked (class, tag version, title, cover, ID3v1), and its byte ranges are
found by a small structural parse of our own.  The corpus is built in a
temporary folder and renamed into place, so an interrupted run never leaves
a corpus that looks complete.
"""

import argparse
import base64
import json
import multiprocessing
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_tags import COVER_CHANCE, FIELDS, make_record  # noqa: E402

# Bump when the same seed, count and tools would give different output.
GENERATOR_VERSION = 2
DEFAULT_SEED = 20261121
CLIPS_PER_FORMAT = 12
ID3V1_CHANCE = 1 / 3
PROFILES = ["minimal", "library"]

# format: (extension, clip encoder, tag system, mutagen class, ID3v2 version)
FORMATS = {
    "mp3-id3v23": ("mp3", "lame", "id3", "MP3", 3),
    "mp3-id3v24": ("mp3", "lame", "id3", "MP3", 4),
    "flac": ("flac", "flac", "vorbis", "FLAC", None),
    "ogg-vorbis": ("ogg", "oggenc", "vorbis", "OggVorbis", None),
    "ogg-opus": ("opus", "opusenc", "vorbis", "OggOpus", None),
    "m4a-aac": ("m4a", "aac", "mp4", "MP4", None),
    "m4a-alac": ("m4a", "alac", "mp4", "MP4", None),
}

# How each encoder's settings vary from clip to clip.
ENCODER_SETTINGS = {
    "lame": [["-b", "128"], ["-b", "192"], ["-b", "320"], ["-b", "96"],
             ["-V", "0"], ["-V", "2"], ["-V", "5"], ["--abr", "160"]],
    "flac": [["-5"], ["-8"], ["-0"], ["-5", "--padding=4096"]],
    "oggenc": [["-q", q] for q in ("2", "3", "4", "5", "6")],
    "opusenc": [["--bitrate", b, mode] for b in ("64", "96", "128")
                for mode in ("--vbr", "--cvbr", "--hard-cbr")],
    "aac": [["-b:a", b] for b in ("96k", "128k", "192k", "256k")],
    "alac": [[]],
}

# Cover JPEGs: (ffmpeg test source, size, noise strength, JPEG quantizer).
# Noise makes them compress like photographs; the table spans about 40 KB
# to 280 KB with ffmpeg 5.1.  cellauto and life start from a random pattern
# unless given a seed.
COVERS = [
    ("testsrc2", 500, 10, 3), ("smptehdbars", 600, 12, 3), ("mandelbrot", 600, 6, 3),
    ("cellauto=seed=4", 300, 0, 2), ("life=seed=5", 400, 0, 3), ("rgbtestsrc", 800, 10, 3),
    ("testsrc2", 1000, 12, 2), ("mandelbrot", 800, 20, 3), ("smptebars", 700, 25, 2),
    ("testsrc", 600, 15, 3), ("cellauto=seed=11", 500, 5, 4), ("yuvtestsrc", 1000, 20, 4),
]

# Tool name: (command, pattern of its version in the command's output)
TOOLS = {
    "ffmpeg": (["ffmpeg", "-version"], r"ffmpeg version (\S+)"),
    "lame": (["lame", "--version"], r"LAME .*version (\S+)"),
    "flac": (["flac", "--version"], r"flac (\S+)"),
    "oggenc": (["oggenc", "--version"], r"vorbis-tools (\S+)"),
    "opusenc": (["opusenc", "--version"], r"opus-tools (\S+)"),
    "libopus": (["opusenc", "--version"], r"libopus ([^\s)]+)"),
}

# ffmpeg options that keep its version, the time and thread scheduling out
# of the bytes it writes.
FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-threads", "1"]
BITEXACT = ["-fflags", "+bitexact", "-flags", "+bitexact"]

mutagen = None  # the oracle's mutagen, imported by load_mutagen()


def load_mutagen(oracle):
    """Import mutagen from the oracle folder (also run in each worker)."""
    global mutagen
    sys.path.insert(0, os.path.abspath(oracle))
    import mutagen as module
    import mutagen.flac  # noqa: F401  (submodules used below)
    import mutagen.id3  # noqa: F401
    import mutagen.mp3  # noqa: F401
    import mutagen.mp4  # noqa: F401
    import mutagen.oggopus  # noqa: F401
    import mutagen.oggvorbis  # noqa: F401
    mutagen = module


def run(cmd):
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True)
    if done.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (
            " ".join(cmd), done.returncode, done.stderr.decode(errors="replace")[-2000:]))
    return done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")


def tool_versions():
    versions = {}
    for name, (cmd, pattern) in TOOLS.items():
        match = re.search(pattern, run(cmd))
        versions[name] = match.group(1) if match else "unknown"
    versions["mutagen"] = mutagen.version_string
    return versions


# --- audio clips and covers --------------------------------------------------

def clip_params(seed, fmt, k):
    rng = random.Random("%d/clip/%s/%d" % (seed, fmt, k))
    encoder = FORMATS[fmt][1]
    return {
        "seconds": rng.choice([2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6]),
        "rate": rng.choice([44100, 48000]),
        "channels": rng.choice([1, 2, 2]),
        "tones": [rng.randint(110, 880) for _ in range(4)],
        "noise": (rng.choice(["white", "pink", "brown"]), rng.randint(1, 10 ** 6),
                  rng.choice([0.005, 0.01, 0.02, 0.04])),
        "settings": rng.choice(ENCODER_SETTINGS[encoder]),
        # moov before or after mdat: both are common in real files
        "faststart": rng.random() < 0.7,
    }


def make_wav(p, path):
    """A chord with a slow tremolo plus seeded noise, as 16-bit PCM."""
    f1, f2, f3, f4 = p["tones"]
    channels = ["0.25*sin(2*PI*%d*t)+0.12*sin(2*PI*%d*t)*(1+0.5*sin(2*PI*0.7*t))" % (f1, f2),
                "0.25*sin(2*PI*%d*t)+0.12*sin(2*PI*%d*t)*(1+0.5*sin(2*PI*0.4*t))" % (f3, f4)]
    layout = "mono" if p["channels"] == 1 else "stereo"
    color, noise_seed, amplitude = p["noise"]
    graph = (
        "aevalsrc=exprs='%s':s=%d:d=%s[t];"
        "anoisesrc=c=%s:seed=%d:a=%s:r=%d:d=%s,aformat=channel_layouts=%s[n];"
        "[t][n]amix=inputs=2:normalize=0,aformat=sample_fmts=s16:channel_layouts=%s[out]"
        % ("|".join(channels[:p["channels"]]), p["rate"], p["seconds"],
           color, noise_seed, amplitude, p["rate"], p["seconds"], layout, layout))
    run(FFMPEG + ["-filter_complex", graph, "-map", "[out]", "-c:a", "pcm_s16le"]
        + BITEXACT + [path])


def make_clip(job):
    """Encode one clip of the pool: WAV source, then the format's encoder."""
    seed, fmt, k, path = job
    p = clip_params(seed, fmt, k)
    wav = path + ".wav"
    make_wav(p, wav)
    encoder, settings = FORMATS[fmt][1], p["settings"]
    if encoder == "lame":
        run(["lame", "--quiet", "--nohist"] + settings + [wav, path])
    elif encoder == "flac":
        run(["flac", "--silent", "--force"] + settings + ["-o", path, wav])
    elif encoder == "oggenc":
        # a fixed serial number: oggenc and opusenc pick a random one otherwise
        run(["oggenc", "--quiet", "--serial", str(1000 + k)] + settings + ["-o", path, wav])
    elif encoder == "opusenc":
        run(["opusenc", "--quiet", "--serial", str(2000 + k)] + settings + [wav, path])
    else:
        codec = ["-c:a", "aac"] if encoder == "aac" else ["-c:a", "alac"]
        layout = ["-movflags", "+faststart"] if p["faststart"] else []
        run(FFMPEG + ["-i", wav, "-map_metadata", "-1"] + codec + settings + layout
            + BITEXACT + ["-f", "ipod", path])
    os.remove(wav)
    return path


def make_cover(job):
    k, path = job
    source, size, noise, quality = COVERS[k]
    source += ":" if "=" in source else "="
    run(FFMPEG + ["-f", "lavfi", "-i", "%ss=%dx%d" % (source, size, size),
                  "-vf", "noise=alls=%d:allf=u:all_seed=%d,format=yuvj420p" % (noise, k + 1),
                  "-frames:v", "1", "-q:v", str(quality)] + BITEXACT + [path])
    return path


# --- tagging -----------------------------------------------------------------

def as_texts(value):
    """A record value as a list of strings (bpm and compilation are scalars)."""
    if isinstance(value, bool):
        return ["1"]
    if isinstance(value, int):
        return [str(value)]
    return list(value)


def number_text(number, total):
    return "%d/%d" % (number, total) if total else str(number)


def write_id3(path, rec, cover, version, v1):
    id3 = mutagen.id3
    f = mutagen.mp3.MP3(path)
    if f.tags is None:
        f.add_tags()

    def encoding(texts):
        # v2.4: UTF-8, as Picard writes it.  v2.3 has no UTF-8: Latin-1 where
        # it fits, UTF-16 otherwise.
        if version == 4:
            return id3.Encoding.UTF8
        try:
            "".join(texts).encode("latin-1")
            return id3.Encoding.LATIN1
        except UnicodeEncodeError:
            return id3.Encoding.UTF16

    for key, frame, _, _ in FIELDS:
        if key not in rec:
            continue
        texts = [number_text(*rec[key])] if key in ("track", "disc") else as_texts(rec[key])
        name, _, desc = frame.partition(":")
        enc = encoding(texts)
        if name == "TXXX":
            f.tags.add(id3.TXXX(encoding=enc, desc=desc, text=texts))
        elif name == "UFID":
            f.tags.add(id3.UFID(owner=desc, data=texts[0].encode("ascii")))
        elif name == "COMM":
            f.tags.add(id3.COMM(encoding=enc, lang="eng", desc="", text=texts))
        elif name == "USLT":
            f.tags.add(id3.USLT(encoding=enc, lang="eng", desc="", text=texts[0]))
        else:
            f.tags.add(getattr(id3, name)(encoding=enc, text=texts))
    if cover:
        f.tags.add(id3.APIC(encoding=id3.Encoding.LATIN1, mime="image/jpeg",
                            type=id3.PictureType.COVER_FRONT, desc="", data=cover["data"]))
    if version == 3:
        # update_to_v23() turns TDRC/TDOR into TYER/TDAT/TORY and drops
        # v2.4-only frames; the sort-order frames are kept, as taggers do.
        sort_frames = [frame for name in ("TSOP", "TSOA", "TSOT") for frame in f.tags.getall(name)]
        f.tags.update_to_v23()
        for frame in sort_frames:
            f.tags.add(frame)
    f.save(v2_version=version, v1=2 if v1 else 0)


def flac_picture(cover):
    picture = mutagen.flac.Picture()
    picture.type = 3  # front cover
    picture.mime = "image/jpeg"
    picture.desc = ""
    picture.width = picture.height = cover["size"]
    picture.depth = 24
    picture.data = cover["data"]
    return picture


def write_vorbis(path, fmt, rec, cover):
    module = {"flac": mutagen.flac, "ogg-vorbis": mutagen.oggvorbis,
              "ogg-opus": mutagen.oggopus}[fmt]
    f = getattr(module, FORMATS[fmt][3])(path)
    if f.tags is None:
        f.add_tags()
    f.tags.clear()  # what the encoder wrote (opusenc's ENCODER=...)
    for key, _, name, _ in FIELDS:
        if key not in rec:
            continue
        if key in ("track", "disc"):
            number, total = rec[key]
            f.tags[name[0]] = [str(number)]
            if total:
                f.tags[name[1]] = [str(total)]
        else:
            f.tags[name] = as_texts(rec[key])
    if cover and fmt == "flac":
        f.add_picture(flac_picture(cover))
    elif cover:
        # Ogg has no picture block: a base64 FLAC picture in a comment
        f.tags["METADATA_BLOCK_PICTURE"] = [
            base64.b64encode(flac_picture(cover).write()).decode("ascii")]
    f.save()


def write_mp4(path, rec, cover):
    mp4 = mutagen.mp4
    f = mp4.MP4(path)
    if f.tags is None:
        f.add_tags()
    for key, _, _, atom in FIELDS:
        if key not in rec:
            continue
        value = rec[key]
        if atom in ("trkn", "disk"):
            f.tags[atom] = [(value[0], value[1] or 0)]
        elif atom == "tmpo":
            f.tags[atom] = [value]
        elif atom == "cpil":
            f.tags[atom] = value
        elif atom.startswith("----:"):
            f.tags[atom] = [mp4.MP4FreeForm(text.encode("utf-8")) for text in value]
        else:
            f.tags[atom] = list(value)
    if cover:
        f.tags["covr"] = [mp4.MP4Cover(cover["data"], imageformat=mp4.MP4Cover.FORMAT_JPEG)]
    f.save()


# --- checks and byte ranges ----------------------------------------------------

def verify(path, fmt, rec, cover, v1):
    """Read the file back with mutagen; raise if it is not what we meant."""
    _, _, system, class_name, version = FORMATS[fmt]
    f = mutagen.File(path)

    def fail(why):
        raise RuntimeError("%s: %s" % (path, why))

    if f is None or type(f).__name__ != class_name:
        fail("mutagen reads it as %r, not %s" % (type(f).__name__, class_name))
    if not f.info.length > 1.5:
        fail("length %r" % f.info.length)
    if system == "id3":
        if f.tags.version[:2] != (2, version):
            fail("ID3 version %r" % (f.tags.version,))
        title = f.tags["TIT2"].text[0]
        pictures = [frame.data for frame in f.tags.getall("APIC")]
        with open(path, "rb") as raw:
            raw.seek(-128, os.SEEK_END)
            if (raw.read(3) == b"TAG") != bool(v1):
                fail("ID3v1 tag presence is not %r" % v1)
    elif system == "vorbis":
        title = f.tags["TITLE"][0]
        if fmt == "flac":
            pictures = [picture.data for picture in f.pictures]
        else:
            pictures = [mutagen.flac.Picture(base64.b64decode(text)).data
                        for text in f.tags.get("METADATA_BLOCK_PICTURE", [])]
    else:
        title = f.tags["\xa9nam"][0]
        pictures = [bytes(data) for data in f.tags.get("covr", [])]
        codec = "alac" if fmt == "m4a-alac" else "mp4a.40.2"
        if f.info.codec != codec:
            fail("codec %r" % f.info.codec)
    if title != rec["title"][0]:
        fail("title %r, not %r" % (title, rec["title"][0]))
    if pictures != ([cover["data"]] if cover else []):
        fail("pictures differ from the cover written")


def merge(ranges):
    """Sort [offset, length] ranges, drop empty ones and merge those that
    overlap or touch."""
    out = []
    for start, length in sorted(r for r in ranges if r[1] > 0):
        if out and start <= out[-1][0] + out[-1][1]:
            end = max(out[-1][0] + out[-1][1], start + length)
            out[-1][1] = end - out[-1][0]
        else:
            out.append([start, length])
    return out


def synchsafe(raw):
    """A 28-bit ID3v2 size: 7 bits a byte."""
    size = 0
    for byte in raw:
        size = (size << 7) | (byte & 0x7F)
    return size


def id3v2_end(data):
    """Where a leading ID3v2 tag ends, padding and footer included (0 if
    there is none)."""
    if data[:3] != b"ID3":
        return 0
    footer = 10 if data[5] & 0x10 else 0
    return 10 + synchsafe(data[6:10]) + footer


def id3v2_ranges(data):
    """What an ID3v2 reader needs: the header, the extended header and the
    frames, not the padding after the last frame (a reader stops at the
    first zero byte where a frame ID should be), and a v2.4 footer."""
    if data[:3] != b"ID3":
        return []
    version, flags = data[3], data[5]
    if flags & 0x80 and version < 4:
        # v2.2/v2.3 unsynchronise the whole tag, frame sizes included;
        # mutagen never writes that, so the corpus never holds it
        raise RuntimeError("tag-level unsynchronisation is not handled")
    if version not in (3, 4):
        raise RuntimeError("ID3v2.%d is not handled" % version)
    end = 10 + synchsafe(data[6:10])
    pos = 10
    if flags & 0x40:  # extended header: v2.3 size excludes its 4 bytes
        pos += synchsafe(data[10:14]) if version == 4 else 4 + int.from_bytes(data[10:14], "big")
    while pos + 10 <= end and data[pos] != 0:
        raw = data[pos + 4:pos + 8]
        pos += 10 + (synchsafe(raw) if version == 4 else int.from_bytes(raw, "big"))
    if pos > end:
        raise RuntimeError("ID3v2 frame runs past the tag")
    ranges = [[0, pos]]
    if flags & 0x10:
        ranges.append([end, 10])
    return ranges


# MPEG audio layer III: kbit/s by bitrate index, for MPEG-1 and MPEG-2/2.5
L3_BITRATES = {1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
               2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]}
# version bits -> (MPEG version for the table, sample rates by index)
MPEG_VERSIONS = {3: (1, [44100, 48000, 32000]), 2: (2, [22050, 24000, 16000]),
                 0: (2, [11025, 12000, 8000])}


def mp3_ranges(data):
    """The ID3v2 header and frames (not its padding), the first MPEG frame
    (Xing/Info/LAME header: a valid one ends mutagen's frame search), the
    last 128 bytes (where an ID3v1 tag is looked for)."""
    start = id3v2_end(data)
    b1, b2 = data[start + 1], data[start + 2]
    if data[start] != 0xFF or (b1 & 0xE0) != 0xE0 or (b1 >> 1) & 3 != 1:
        raise RuntimeError("no layer III frame right after the ID3v2 tag")
    version, rates = MPEG_VERSIONS[(b1 >> 3) & 3]
    bitrate = L3_BITRATES[version][b2 >> 4] * 1000
    rate = rates[(b2 >> 2) & 3]
    padding = (b2 >> 1) & 1
    frame = (144 if version == 1 else 72) * bitrate // rate + padding
    return id3v2_ranges(data) + [[start, frame], [len(data) - 128, 128]]


FLAC_PADDING = 1  # metadata block type


def flac_ranges(data):
    """Any leading ID3v2 tag (its used part), the fLaC marker and every
    metadata block; a PADDING block gives only its 4-byte header, since a
    reader skips its body by the length."""
    ranges = id3v2_ranges(data)
    pos = id3v2_end(data)
    if data[pos:pos + 4] != b"fLaC":
        raise RuntimeError("no fLaC marker")
    ranges.append([pos, 4])
    pos += 4
    while True:
        header = data[pos]
        length = int.from_bytes(data[pos + 1:pos + 4], "big")
        ranges.append([pos, 4 if header & 0x7F == FLAC_PADDING else 4 + length])
        pos += 4 + length
        if header & 0x80:
            return ranges


def comment_length(packet, magic, framing):
    """The used length of a Vorbis comment packet (magic, vendor, comments
    and the Vorbis framing bit); what follows is padding."""
    pos = len(magic) + 4 + int.from_bytes(packet[len(magic):len(magic) + 4], "little")
    count = int.from_bytes(packet[pos:pos + 4], "little")
    pos += 4
    for _ in range(count):
        pos += 4 + int.from_bytes(packet[pos:pos + 4], "little")
    pos += 1 if framing else 0
    if pos > len(packet):
        raise RuntimeError("comment packet shorter than its lengths")
    return pos


# format: (header packets, comment packet's magic, Vorbis framing bit)
OGG_CODECS = {"ogg-vorbis": (3, b"\x03vorbis", True), "ogg-opus": (2, b"OpusTags", False)}


def ogg_ranges(data, fmt):
    """The header pages up to the end of the page where the last header
    packet ends, less the padding mutagen leaves at the end of the comment
    packet, plus the last page (its granule position gives the length)."""
    header_packets, magic, framing = OGG_CODECS[fmt]
    # pieces: [file offset, length, packet number, offset in that packet]
    ranges, pieces, sizes = [], [], [0]
    pos, headers_end, last_page = 0, None, 0
    while pos < len(data):
        if data[pos:pos + 4] != b"OggS":
            raise RuntimeError("no Ogg page at %d" % pos)
        count = data[pos + 26]
        lacing = data[pos + 27:pos + 27 + count]
        last_page = pos
        if headers_end is None:
            ranges.append([pos, 27 + count])  # page header and lacing values
        body = pos + 27 + count
        for value in lacing:
            if headers_end is None and len(sizes) <= header_packets:
                pieces.append([body, value, len(sizes) - 1, sizes[-1]])
            body += value
            sizes[-1] += value
            if value < 255:  # a packet ends
                sizes.append(0)
        pos = body
        if headers_end is None and len(sizes) > header_packets:
            headers_end = pos
    if headers_end is None:
        raise RuntimeError("fewer than %d header packets" % header_packets)
    comment = b"".join(data[off:off + n] for off, n, packet, _ in pieces if packet == 1)
    if not comment.startswith(magic):
        raise RuntimeError("second packet is not a comment packet")
    used = comment_length(comment, magic, framing)
    for off, n, packet, at in pieces:
        if packet == 1:  # only the bytes before the padding
            n = max(0, min(n, used - at))
        ranges.append([off, n])
    ranges.append([last_page, len(data) - last_page])
    return ranges


def mp4_atoms(data, pos, end):
    """(offset, size, header size, type) of each atom from pos to end."""
    while pos < end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1:  # 64-bit size follows the type
            size, header = struct.unpack(">Q", data[pos + 8:pos + 16])[0], 16
        elif size == 0:  # to the end of the file (or of the parent)
            size = end - pos
        yield pos, size, header, kind
        pos += size


# Atoms in moov that hold only atoms (meta: after 4 bytes of version and
# flags), walked to find the padding atoms among their children.
MP4_CONTAINERS = {b"trak": 0, b"mdia": 0, b"minf": 0, b"udta": 0, b"meta": 4}
MP4_PADDING = {b"free", b"skip"}


def mp4_moov_ranges(data, pos, end):
    """All of the atoms from pos to end, but only the header of a free or
    skip atom (mutagen leaves its padding as a free atom after ilst)."""
    ranges = []
    for at, size, header, kind in mp4_atoms(data, pos, end):
        if kind in MP4_CONTAINERS:
            skip = header + MP4_CONTAINERS[kind]
            ranges.append([at, skip])
            ranges += mp4_moov_ranges(data, at + skip, at + size)
        else:
            ranges.append([at, header if kind in MP4_PADDING else size])
    return ranges


def mp4_ranges(data):
    """Every top-level atom header, and the moov atom less the bodies of
    the padding atoms in it."""
    ranges = []
    for at, size, header, kind in mp4_atoms(data, 0, len(data)):
        ranges.append([at, header])
        if kind == b"moov":
            ranges += mp4_moov_ranges(data, at + header, at + size)
    return ranges


def byte_ranges(path, fmt):
    with open(path, "rb") as f:
        data = f.read()
    system = FORMATS[fmt][2]
    if system == "id3":
        ranges = mp3_ranges(data)
    elif fmt == "flac":
        ranges = flac_ranges(data)
    elif system == "vorbis":
        ranges = ogg_ranges(data, fmt)
    else:
        ranges = mp4_ranges(data)
    return merge(ranges)


# --- one file ----------------------------------------------------------------

def make_file(task):
    """Copy the clip, tag it, check it, find its ranges: its manifest row."""
    root, rel, fmt, profile, clip, cover_path, cover_size, v1, rec = task
    path = os.path.join(root, rel)
    shutil.copyfile(clip, path)
    cover = None
    if cover_path:
        with open(cover_path, "rb") as f:
            cover = {"data": f.read(), "size": cover_size}
    system, version = FORMATS[fmt][2], FORMATS[fmt][4]
    if system == "id3":
        write_id3(path, rec, cover, version, v1)
    elif system == "vorbis":
        write_vorbis(path, fmt, rec, cover)
    else:
        write_mp4(path, rec, cover)
    verify(path, fmt, rec, cover, v1)
    return {"path": rel, "format": fmt, "profile": profile,
            "size": os.path.getsize(path), "ranges": byte_ranges(path, fmt)}


def plan(seed, count):
    """Every file's clip, cover, ID3v1 choice and tags, in manifest order."""
    files = []
    for fmt in FORMATS:
        for profile in PROFILES:
            used_titles = set()  # titles differ within a format and profile
            for i in range(count):
                rng = random.Random("%d/%s/%s/%d" % (seed, fmt, profile, i))
                clip = rng.randrange(CLIPS_PER_FORMAT)
                cover = None
                if profile == "library" and rng.random() < COVER_CHANCE:
                    cover = rng.randrange(len(COVERS))
                v1 = fmt == "mp3-id3v24" and rng.random() < ID3V1_CHANCE
                rec = make_record(rng, profile, used_titles)
                rel = "%s/%s/%03d.%s" % (fmt, profile, i, FORMATS[fmt][0])
                files.append((rel, fmt, profile, clip, cover, v1, rec))
    return files


def up_to_date(out, wanted):
    """The manifest matches and every file it lists is there, with its size."""
    try:
        with open(os.path.join(out, "manifest.json")) as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        return False
    if any(manifest.get(key) != value for key, value in wanted.items()):
        return False
    for entry in manifest["files"]:
        try:
            if os.path.getsize(os.path.join(out, entry["path"])) != entry["size"]:
                return False
        except OSError:
            return False
    return True


def write_manifest(path, head, files):
    """JSON with one file a line, so that diffs and greps stay readable."""
    lines = ["{"]
    for key, value in head.items():
        lines.append(" %s: %s," % (json.dumps(key), json.dumps(value, ensure_ascii=False)))
    lines.append(' "files": [')
    lines.append(",\n".join("  " + json.dumps(entry, ensure_ascii=False) for entry in files))
    lines.append(" ]")
    lines.append("}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def summary(files, seconds):
    cells = {}
    for entry in files:
        cell = cells.setdefault((entry["format"], entry["profile"]), [0, 0])
        cell[0] += 1
        cell[1] += entry["size"]
    print("%-12s %-8s %6s %10s" % ("format", "profile", "files", "KiB"))
    for (fmt, profile), (n, size) in cells.items():
        print("%-12s %-8s %6d %10.0f" % (fmt, profile, n, size / 1024))
    total = sum(entry["size"] for entry in files)
    print("%d files, %.1f MiB, %.1f s" % (len(files), total / 2 ** 20, seconds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oracle", required=True, help="folder holding mutagen 1.48.1")
    parser.add_argument("--out", required=True, help="the corpus folder")
    parser.add_argument("--count", type=int, default=100, help="files per format and profile")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    started = time.monotonic()

    load_mutagen(args.oracle)
    out = os.path.abspath(args.out)
    wanted = {"seed": args.seed, "count": args.count, "generator": GENERATOR_VERSION,
              "tools": tool_versions()}
    if up_to_date(out, wanted):
        print("corpus up to date: %s" % args.out)
        return 0

    tmp, old = out + ".tmp", out + ".old"
    for leftover in (tmp, old):  # from an interrupted run
        shutil.rmtree(leftover, ignore_errors=True)
    pool_dir = os.path.join(tmp, "_pool")
    os.makedirs(pool_dir)
    for fmt in FORMATS:
        for profile in PROFILES:
            os.makedirs(os.path.join(tmp, fmt, profile))

    files = plan(args.seed, args.count)

    def clip_path(fmt, k):
        return os.path.join(pool_dir, "%s-%02d.%s" % (fmt, k, FORMATS[fmt][0]))

    def cover_path(k):
        return os.path.join(pool_dir, "cover-%02d.jpg" % k)

    clips = sorted({(fmt, clip) for _, fmt, _, clip, _, _, _ in files})
    covers = sorted({cover for *_, cover, _, _ in files if cover is not None})

    with multiprocessing.Pool(args.jobs, initializer=load_mutagen,
                              initargs=(args.oracle,)) as workers:
        workers.map(make_clip, [(args.seed, fmt, k, clip_path(fmt, k)) for fmt, k in clips])
        workers.map(make_cover, [(k, cover_path(k)) for k in covers])
        tasks = [(tmp, rel, fmt, profile, clip_path(fmt, clip),
                  cover_path(cover) if cover is not None else None,
                  COVERS[cover][1] if cover is not None else None, v1, rec)
                 for rel, fmt, profile, clip, cover, v1, rec in files]
        entries = workers.map(make_file, tasks, chunksize=8)

    shutil.rmtree(pool_dir)
    write_manifest(os.path.join(tmp, "manifest.json"), wanted, entries)
    if os.path.exists(out):
        os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
    summary(entries, time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
