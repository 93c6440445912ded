#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes tests/broken/: small hand-made FLAC files, valid, odd and broken.

The differential harness loads each with the real mutagen and with cmutagen
and requires the same result (values, or the same exception class); the
fuzz smoke test replays them through the C parser.  Re-run this script after
adding a case; the files are committed so the tests never depend on it.
"""

import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "broken")


def block(code, body, last=False, declared=None):
    size = len(body) if declared is None else declared
    return bytes([code | (0x80 if last else 0)]) + size.to_bytes(3, "big") + body


def streaminfo_body(sample_rate=44100, channels=2, bits=16, total=162496):
    packed = (sample_rate << 44) | ((channels - 1) << 41) | ((bits - 1) << 36) | total
    return struct.pack(">HH", 4608, 4608) + (14).to_bytes(3, "big") + \
        (16).to_bytes(3, "big") + packed.to_bytes(8, "big") + bytes(range(16))


def vcomment(vendor=b"cmutagen", items=()):
    out = struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(items))
    for item in items:
        out += struct.pack("<I", len(item)) + item
    return out


def picture(mime=b"image/png", desc=b"cover", data=b"\x89PNG....", declared_data=None):
    return (struct.pack(">I", 3) + struct.pack(">I", len(mime)) + mime +
            struct.pack(">I", len(desc)) + desc + struct.pack(">IIII", 1, 1, 24, 0) +
            struct.pack(">I", len(data) if declared_data is None else declared_data) + data)


SI = streaminfo_body()
AUDIO = b"\xff\xf8" + bytes(100)
ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x05abcde"

CASES = {
    "empty": b"",
    "signature-only": b"fLaC",
    "signature-cut": b"fLa",
    "not-flac": b"OggS" + bytes(60),
    "id3-then-flac": ID3 + b"fLaC" + block(0, SI, True) + AUDIO,
    "two-id3-tags": ID3 + ID3 + b"fLaC" + block(0, SI, True) + AUDIO,
    "padding-before-streaminfo": b"fLaC" + block(1, bytes(10)) + block(0, SI, True) + AUDIO,
    "no-streaminfo": b"fLaC" + block(1, bytes(10), True) + AUDIO,
    "no-last-flag-eof": b"fLaC" + block(0, SI),
    "no-last-flag-audio": b"fLaC" + block(0, SI) + AUDIO,
    "padding-truncated": b"fLaC" + block(0, SI) + block(1, bytes(10), True, declared=1000),
    "two-vorbis-comments": b"fLaC" + block(0, SI) + block(4, vcomment(items=[b"a=1"])) +
                           block(4, vcomment(items=[b"b=2"]), True) + AUDIO,
    "comment-without-equals": b"fLaC" + block(0, SI) +
                              block(4, vcomment(items=[b"abc", b"a=b"]), True) + AUDIO,
    "comment-odd-keys": b"fLaC" + block(0, SI) + block(4, vcomment(items=[
        b"a\x01b=c", b"\xc3\xa4=x", b"A=\xff\xfe", b"=empty", b"k~=v", b"k}=v", b" =5",
        b"\xffb=2", b"TiTlE=9"]), True) + AUDIO,
    "vendor-bad-utf8": b"fLaC" + block(0, SI) +
                       block(4, vcomment(vendor=b"\xff\xfe", items=[b"a=b"]), True) + AUDIO,
    "comment-length-too-short": b"fLaC" + block(0, SI) +
                                block(4, vcomment(items=[b"a=1"]), declared=2) +
                                block(1, bytes(4), True) + AUDIO,
    "comment-trailing-junk": b"fLaC" + block(0, SI) +
                             block(4, vcomment(items=[b"a=1"]) + b"junkjunk", True) + AUDIO,
    "comment-count-huge": b"fLaC" + block(0, SI) +
                          block(4, struct.pack("<I", 1) + b"v" + struct.pack("<I", 0xffffffff),
                                True) + AUDIO,
    "comment-cut": b"fLaC" + block(0, SI) + block(4, vcomment(items=[b"a=1"])[:-2], True),
    "streaminfo-short": b"fLaC" + block(0, SI[:18], True) + AUDIO,
    "streaminfo-long": b"fLaC" + block(0, SI + b"xx", True) + AUDIO,
    "streaminfo-zero-rate": b"fLaC" + block(0, streaminfo_body(sample_rate=0), True) + AUDIO,
    "streaminfo-zero-samples": b"fLaC" + block(0, streaminfo_body(total=0), True) + AUDIO,
    "two-streaminfos": b"fLaC" + block(0, SI) +
                       block(0, streaminfo_body(sample_rate=48000), True) + AUDIO,
    "block-type-127": b"fLaC" + block(0, SI) + block(127, b"xyz", True) + AUDIO,
    "picture-ok": b"fLaC" + block(0, SI) + block(6, picture(), True) + AUDIO,
    "picture-length-wrong": b"fLaC" + block(0, SI) + block(6, picture(), declared=7) +
                            block(1, bytes(3), True) + AUDIO,
    "picture-data-length-huge": b"fLaC" + block(0, SI) +
                                block(6, picture(declared_data=0xfffffff0), True) + AUDIO,
    "picture-bad-utf8-desc": b"fLaC" + block(0, SI) +
                             block(6, picture(desc=b"\xff\xfeok"), True) + AUDIO,
    "seektable-odd-size": b"fLaC" + block(0, SI) + block(3, bytes(18 * 2 + 5), True) + AUDIO,
    "cuesheet-truncated": b"fLaC" + block(0, SI) + block(5, bytes(100), True) + AUDIO,
    "application-block": b"fLaC" + block(0, SI) + block(2, b"abcdpayload") +
                         block(1, bytes(8), True) + AUDIO,
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in sorted(CASES.items()):
        with open(os.path.join(OUT, name + ".flac"), "wb") as f:
            f.write(data)
    print("wrote %d files to %s" % (len(CASES), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
