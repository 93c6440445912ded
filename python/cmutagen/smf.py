# SPDX-License-Identifier: GPL-2.0-or-later
"""Standard MIDI Files, as mutagen.smf: the length of the song.

Follows the Standard MIDI File 1.0 format (an "MThd" header chunk, then
"MTrk" chunks of delta-timed events) and computes the length the way
mutagen does, which is not quite the song's playing time:

- each track's length is the sum, over its MIDI (channel) events, of the
  ticks since the event before (of any kind: a meta or sysex event in
  between takes its share of ticks away), each at the tempo in effect at
  the event;
- in a format 1 file, the tempo map is the tempo events of the first
  track that has any (a later track's tempo events never reach an earlier
  track); in a format 0 file, each track's own;
- the file's length is the longest track's.

Damaged files raise what mutagen raises, including its IndexError,
ValueError and ZeroDivisionError for some of them.
"""

import bisect
import struct
from typing import Tuple

from ._file import FileType, StreamInfo
from ._util import MutagenError, endswith, loadfile

__all__ = ["SMF"]


class SMFError(MutagenError):
    pass


error = SMFError

# Microseconds per quarter note until a tempo event says otherwise.
_DEFAULT_TEMPO = 500000

# Data bytes of each channel message, by its status byte's high nibble;
# a data byte with no status before it counts as a two-byte message.
_TWO_DATA_BYTES = 2
_ONE_DATA_BYTE = (0xC, 0xD)


def _var_int(data: bytearray, offset: int = 0) -> Tuple[int, int]:
    """The variable-length quantity at ``offset``, and the offset after
    it; SMFError if the data ends inside it."""
    value = 0
    length = len(data)
    while offset < length:
        byte = data[offset]
        offset += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, offset
    raise SMFError("Not enough data")


def _read_track(chunk):
    """The events of an MTrk chunk's data: ([(tick, delta)] of its MIDI
    events, [(tick, microseconds per quarter note)] of its tempo events).

    A status byte missing at the end raises IndexError (as mutagen); data
    bytes are taken as far as the chunk has them."""
    midi = []
    tempos = []
    tick = 0
    running = 0x80
    offset = 0
    while offset < len(chunk):
        delta, offset = _var_int(chunk, offset)
        tick += delta
        status = chunk[offset]
        if status == 0xFF:
            meta_type = chunk[offset + 1]
            size, offset = _var_int(chunk, offset + 2)
            data = chunk[offset:offset + size]
            offset += size
            if meta_type == 0x51:
                if len(data) != 3:
                    raise SMFError
                tempos.append((tick, int.from_bytes(data, "big")))
        elif status in (0xF0, 0xF7):
            size, offset = _var_int(chunk, offset + 1)
            offset += size
        elif status >= 0xF0:
            raise SMFError("invalid event")
        else:
            if status & 0x80:
                running = status
                offset += 1
            offset += 1 if running >> 4 in _ONE_DATA_BYTE else _TWO_DATA_BYTES
            midi.append((tick, delta))
    return midi, tempos


def _track_length(midi, tempos, division):
    """Seconds of a track's MIDI events (see the module docstring).

    The float operations are mutagen's: the ticks of the consecutive
    events under one tempo are summed, converted to quarter notes, scaled
    by that tempo and added up in microseconds."""
    if division == 0:
        # mutagen divides once per track, events or not.
        raise ZeroDivisionError("float division by zero")
    ticks = [tick for tick, _ in tempos]
    total = 0
    run_index = None
    run_ticks = 0
    for tick, delta in midi:
        index = bisect.bisect_right(ticks, tick)
        if index != run_index:
            if run_index is not None:
                total += run_ticks / division * _tempo(tempos, run_index)
            run_index, run_ticks = index, 0
        run_ticks += delta
    if run_index is not None:
        total += run_ticks / division * _tempo(tempos, run_index)
    return total / 1000000


def _tempo(tempos, index):
    """The tempo in effect after the first ``index`` tempo events."""
    return tempos[index - 1][1] if index else _DEFAULT_TEMPO


def _read_midi_length(fileobj):
    """The length in seconds of the Standard MIDI File ``fileobj``."""

    start = fileobj.tell()
    fileobj.seek(0, 2)
    end = fileobj.tell()
    fileobj.seek(start)

    def read_chunk():
        header = fileobj.read(8)
        if len(header) != 8:
            raise SMFError("truncated")
        kind, size = struct.unpack(">4sI", header)
        # A size past the end of the file is not read (nor allocated).
        if size > end - fileobj.tell():
            raise SMFError("truncated")
        data = fileobj.read(size)
        if len(data) != size:
            raise SMFError("truncated")
        return kind, bytearray(data)

    kind, header = read_chunk()
    if kind != b"MThd":
        raise SMFError("Not a MIDI file")
    if len(header) != 6:
        raise SMFError("truncated")
    smf_format, track_count, division = struct.unpack(">HHH", header)
    if smf_format > 1:
        raise SMFError("Not supported format %d" % smf_format)
    if division & 0x8000:
        raise SMFError("Not supported timing interval")

    tracks = []
    for _ in range(track_count):
        kind, chunk = read_chunk()
        if kind == b"MTrk":
            tracks.append(_read_track(chunk))

    tempos = []
    lengths = []
    for midi, track_tempos in tracks:
        # Format 0: every track has its own tempo map.
        if not tempos or smf_format == 0:
            tempos = sorted(track_tempos)
        lengths.append(_track_length(midi, tempos, division))
    return max(lengths)


class SMFInfo(StreamInfo):
    """The audio properties of a MIDI file: ``length`` in seconds."""

    def __init__(self, fileobj):
        try:
            self.length = _read_midi_length(fileobj)
        except IOError as e:
            raise SMFError(e)

    def pprint(self):
        return "SMF, %.2f seconds" % self.length


class SMF(FileType):
    """A Standard MIDI File: ``info`` (SMFInfo); ``tags`` is always None."""

    _mimes = ["audio/midi", "audio/x-midi"]

    @loadfile()
    def load(self, filething):
        self.filename = filething.filename
        self.info = SMFInfo(filething.fileobj)

    def add_tags(self):
        raise SMFError("doesn't support tags")

    @staticmethod
    def score(filename, fileobj, header):
        filename = filename.lower()
        return header.startswith(b"MThd") and (
            endswith(filename, ".mid") or endswith(filename, ".midi"))


Open = SMF
