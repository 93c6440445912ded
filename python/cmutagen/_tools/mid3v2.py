# SPDX-License-Identifier: GPL-2.0-or-later
"""mid3v2: show and edit ID3 tags from the command line, with the options
of id3lib's id3v2 (mutagen 1.48.1's tool, option for option)."""

import codecs
import mimetypes
import os
import sys
import warnings
from optparse import SUPPRESS_HELP

import cmutagen as mutagen
import cmutagen.id3
from ..id3._specs import Encoding, PictureType
from ._util import OptionParser, SignalHandler, split_escape

VERSION = (1, 3)
# set from -v/-q by main(); the functions below print progress when true
verbose = True
_sig = SignalHandler()

_EPILOG = """\
You can set the value for any ID3v2 frame by using '--' and then a frame ID.
For example:
        mid3v2 --TIT3 "Monkey!" file.mp3
would set the "Subtitle/Description" frame to "Monkey!".

Any editing operation will cause the ID3 tag to be upgraded to ID3v2.4.
"""

# The one-line descriptions --list-frames prints, as id3v2 users know them.
_FRAME_HELP = {
    'AENC': 'Audio encryption.',
    'APIC': 'Attached (or linked) Picture.',
    'ASPI': 'Audio seek point index.',
    'CHAP': 'Chapter',
    'COMM': 'User comment.',
    'COMR': 'Commercial frame.',
    'CTOC': 'Table of contents',
    'ENCR': 'Encryption method registration.',
    'EQU2': 'Equalisation (2).',
    'ETCO': 'Event timing codes.',
    'GEOB': 'General Encapsulated Object.',
    'GRID': 'Group identification registration.',
    'GRP1': 'iTunes Grouping',
    'IPLS': 'Involved People List',
    'LINK': 'Linked information.',
    'MCDI': "Binary dump of CD's TOC",
    'MLLT': 'MPEG location lookup table.',
    'MVIN': 'iTunes Movement Number/Count',
    'MVNM': 'iTunes Movement Name',
    'OWNE': 'Ownership frame.',
    'PCNT': 'Play counter.',
    'PCST': 'iTunes Podcast Flag',
    'POPM': 'Popularimeter.',
    'POSS': 'Position synchronisation frame',
    'PRIV': 'Private frame.',
    'RBUF': 'Recommended buffer size.',
    'RVA2': 'Relative volume adjustment (2).',
    'RVAD': 'Relative volume adjustment',
    'RVRB': 'Reverb.',
    'SEEK': 'Seek frame.',
    'SIGN': 'Signature frame.',
    'SYLT': 'Synchronised lyrics/text.',
    'SYTC': 'Synchronised tempo codes.',
    'TALB': 'Album',
    'TBPM': 'Beats per minute',
    'TCAT': 'iTunes Podcast Category',
    'TCMP': 'iTunes Compilation Flag',
    'TCOM': 'Composer',
    'TCON': 'Content type (Genre)',
    'TCOP': 'Copyright (c)',
    'TDAT': 'Date of recording (DDMM)',
    'TDEN': 'Encoding Time',
    'TDES': 'iTunes Podcast Description',
    'TDLY': 'Audio Delay (ms)',
    'TDOR': 'Original Release Time',
    'TDRC': 'Recording Time',
    'TDRL': 'Release Time',
    'TDTG': 'Tagging Time',
    'TENC': 'Encoder',
    'TEXT': 'Lyricist',
    'TFLT': 'File type',
    'TGID': 'iTunes Podcast Identifier',
    'TIME': 'Time of recording (HHMM)',
    'TIPL': 'Involved People List',
    'TIT1': 'Content group description',
    'TIT2': 'Title',
    'TIT3': 'Subtitle/Description refinement',
    'TKEY': 'Starting Key',
    'TKWD': 'iTunes Podcast Keywords',
    'TLAN': 'Audio Languages',
    'TLEN': 'Audio Length (ms)',
    'TMCL': 'Musicians Credits List',
    'TMED': 'Source Media Type',
    'TMOO': 'Mood',
    'TOAL': 'Original Album',
    'TOFN': 'Original Filename',
    'TOLY': 'Original Lyricist',
    'TOPE': 'Original Artist/Performer',
    'TORY': 'Original Release Year',
    'TOWN': 'Owner/Licensee',
    'TPE1': 'Lead Artist/Performer/Soloist/Group',
    'TPE2': 'Band/Orchestra/Accompaniment',
    'TPE3': 'Conductor',
    'TPE4': 'Interpreter/Remixer/Modifier',
    'TPOS': 'Part of set',
    'TPRO': 'Produced (P)',
    'TPUB': 'Publisher',
    'TRCK': 'Track Number',
    'TRDA': 'Recording Dates',
    'TRSN': 'Internet Radio Station Name',
    'TRSO': 'Internet Radio Station Owner',
    'TSIZ': 'Size of audio data (bytes)',
    'TSO2': 'iTunes Album Artist Sort',
    'TSOA': 'Album Sort Order key',
    'TSOC': 'iTunes Composer Sort',
    'TSOP': 'Performer Sort Order key',
    'TSOT': 'Title Sort Order key',
    'TSRC': 'International Standard Recording Code (ISRC)',
    'TSSE': 'Encoder settings',
    'TSST': 'Set Subtitle',
    'TXXX': 'User-defined text data.',
    'TYER': 'Year of recording',
    'UFID': 'Unique file identifier.',
    'USER': 'Terms of use.',
    'USLT': 'Unsynchronised lyrics/text transcription.',
    'WCOM': 'Commercial Information',
    'WCOP': 'Copyright Information',
    'WFED': 'iTunes Podcast Feed',
    'WOAF': 'Official File Information',
    'WOAR': 'Official Artist/Performer Information',
    'WOAS': 'Official Source Information',
    'WORS': 'Official Internet Radio Information',
    'WPAY': 'Payment Information',
    'WPUB': 'Official Publisher Information',
    'WXXX': 'User-defined URL data.',
}

_FRAME_HELP_2_2 = {
    'BUF': 'Recommended buffer size',
    'CNT': 'Play counter',
    'COM': 'Comment',
    'CRA': 'Audio encryption',
    'CRM': 'Encrypted meta frame',
    'ETC': 'Event timing codes',
    'GEO': 'General Encapsulated Object',
    'GP1': 'iTunes Grouping',
    'IPL': 'Involved people list',
    'LNK': 'Linked information',
    'MCI': "Binary dump of CD's TOC",
    'MLL': 'MPEG location lookup table',
    'MVI': 'iTunes Movement Number/Count',
    'MVN': 'iTunes Movement Name',
    'PIC': 'Attached Picture.',
    'POP': 'Popularimeter',
    'REV': 'Reverb',
    'RVA': 'Relative volume adjustment',
    'SLT': 'Synchronised lyrics/text',
    'STC': 'Synced tempo codes',
    'TAL': 'Album',
    'TBP': 'Beats per minute',
    'TCM': 'Composer',
    'TCO': 'Content Type (Genre)',
    'TCP': 'iTunes Compilation Flag',
    'TCR': 'Copyright (C)',
    'TDA': 'Date of recording (DDMM)',
    'TDY': 'Audio Delay (ms)',
    'TEN': 'Encoder',
    'TFT': 'File Type',
    'TIM': 'Time of recording (HHMM)',
    'TKE': 'Starting Key',
    'TLA': 'Audio Language(s)',
    'TLE': 'Audio Length (ms)',
    'TMT': 'Source Media Type',
    'TOA': 'Original Artist/Performer',
    'TOF': 'Original Filename',
    'TOL': 'Original Lyricist',
    'TOR': 'Original Release Year',
    'TOT': 'Original Album',
    'TP1': 'Lead Artist/Performer/Soloist/Group',
    'TP2': 'Band/Orchestra/Accompaniment',
    'TP3': 'Conductor',
    'TP4': 'Interpreter/Remixer/Modifier',
    'TPA': 'Part of set',
    'TPB': 'Publisher',
    'TRC': 'International Standard Recording Code (ISRC)',
    'TRD': 'Recording Dates',
    'TRK': 'Track Number',
    'TS2': 'iTunes Album Artist Sort',
    'TSA': 'Album Sort Order key',
    'TSC': 'iTunes Composer Sort',
    'TSI': 'Audio Data size (bytes)',
    'TSP': 'Performer Sort Order key',
    'TSS': 'Encoder settings',
    'TST': 'Title Sort Order key',
    'TT1': 'Content group description',
    'TT2': 'Title',
    'TT3': 'Subtitle/Description refinement',
    'TXT': 'Lyricist',
    'TXX': 'User-defined Text',
    'TYE': 'Year of recording',
    'UFI': 'Unique File Identifier',
    'ULT': 'Unsynchronised lyrics/text transcription',
    'WAF': 'Official File Information',
    'WAR': 'Official Artist/Performer Information',
    'WAS': 'Official Source Information',
    'WCM': 'Commercial Information',
    'WCP': 'Copyright Information',
    'WPB': 'Official Publisher Information',
    'WXX': 'User-defined URL',
}

# Options that set a frame: (short option, long options, frame, metavar, help).
_NAMED_EDITS = [
    ("-a", ["--artist"], "TPE1", '"ARTIST"', "Set the artist information"),
    ("-A", ["--album"], "TALB", '"ALBUM"', "Set the album title information"),
    ("-t", ["--song"], "TIT2", '"SONG"', "Set the song title information"),
    ("-c", ["--comment"], "COMM", '"DESCRIPTION":"COMMENT":"LANGUAGE"',
     "Set the comment information"),
    ("-p", ["--picture"], "APIC",
     '"FILENAME":"DESCRIPTION":"IMAGE-TYPE":"MIME-TYPE"', "Set the picture"),
    ("-g", ["--genre"], "TCON", '"GENRE"', "Set the genre or genre number"),
    ("-y", ["--year", "--date"], "TDRC", "YYYY[-MM-DD]", "Set the year/date"),
    ("-T", ["--track"], "TRCK", '"num/num"',
     "Set the track number/(optional) total tracks"),
]

# Frames with a value syntax of their own ("desc:text", ...), offered as
# --FRAME after the plain text and URL frames.
_STRUCTURED_FRAMES = ["USLT", "COMM", "APIC", "POPM", "UFID"]


class ID3OptionParser(OptionParser):
    def __init__(self):
        mutagen_version = mutagen.version_string
        my_version = ".".join(map(str, VERSION))
        version = "mid3v2 %s\nUses Mutagen %s" % (my_version, mutagen_version)
        # the -a/--TALB/... callbacks collect (option, value) pairs here
        self.edits = []
        OptionParser.__init__(
            self, version=version,
            usage="%prog [OPTION] [FILE]...",
            description="Mutagen-based replacement for id3lib's id3v2.")

    def format_help(self, *args, **kwargs):
        text = OptionParser.format_help(self, *args, **kwargs)
        return text + _EPILOG


def _print_frames(frames, descriptions):
    for name in sorted(frames):
        text = descriptions.get(name)
        if text is None:
            text = (frames[name].__doc__ or "").split("\n")[0].strip()
        print("    --%s    %s" % (name, text))
    raise SystemExit


def list_frames(option, opt, value, parser):
    _print_frames(mutagen.id3.Frames, _FRAME_HELP)


def list_frames_2_2(option, opt, value, parser):
    _print_frames(mutagen.id3.Frames_2_2, _FRAME_HELP_2_2)


def list_genres(option, opt, value, parser):
    for i, genre in enumerate(mutagen.id3.TCON.GENRES):
        print("%3d: %s" % (i, genre))
    raise SystemExit


def delete_tags(filenames, v1, v2):
    for filename in filenames:
        with _sig.block():
            if verbose:
                print("deleting ID3 tag info in", filename, file=sys.stderr)
            mutagen.id3.delete(filename, v1, v2)


def delete_frames(deletes, filenames):
    try:
        deletes = frame_from_fsnative(deletes)
    except ValueError as err:
        # reported, then carried on with: no frame has such an ID
        print(str(err), file=sys.stderr)

    frames = deletes.split(",")

    for filename in filenames:
        with _sig.block():
            if verbose:
                print("deleting %s from" % deletes, filename, file=sys.stderr)
            try:
                id3 = mutagen.id3.ID3(filename)
            except mutagen.id3.ID3NoHeaderError:
                if verbose:
                    print("No ID3 header found; skipping.", file=sys.stderr)
            except Exception as err:
                print(str(err), file=sys.stderr)
                raise SystemExit(1)
            else:
                for frame in frames:
                    id3.delall(frame)
                id3.save()


def frame_from_fsnative(arg):
    """The command-line argument `arg` (a str) as a frame ID; raises
    ValueError unless it is ASCII."""

    assert isinstance(arg, str)
    arg.encode("ascii")
    return arg


def value_from_fsnative(arg, escape):
    """The command-line argument `arg` (a str) as a frame value, with
    backslash escapes decoded when `escape` is true; raises ValueError for
    a bad escape or for bytes that were not valid text."""

    assert isinstance(arg, str)

    if escape:
        # escapes work on the bytes the user typed, so "\xc3\xa4" is "ä"
        data = os.fsencode(arg)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = codecs.escape_decode(data)[0]
        arg = os.fsdecode(data)

    # undecodable input shows up as surrogates: refuse it
    arg.encode("utf-8")
    return arg


def error(*args):
    print(*args, file=sys.stderr)
    raise SystemExit(1)


def get_frame_encoding(frame_id, value):
    if frame_id == "APIC":
        return Encoding.UTF16 if value else Encoding.LATIN1
    else:
        return Encoding.UTF8


def _split(value, escape, maxsplit=None):
    """`value` cut at colons; with -e a backslash protects a colon."""

    if escape:
        return split_escape(value, ":", maxsplit)
    if maxsplit is None:
        return value.split(":")
    return value.split(":", maxsplit)


def _lang_frame(frame_class, frame_id, value, escape):
    """COMM/USLT from "TEXT", "DESC:TEXT" or "DESC:TEXT...:LANG"."""

    values = _split(value, escape)
    if len(values) == 1:
        desc, text, lang = "", values[0], "eng"
    elif len(values) == 2:
        desc, text, lang = values[0], values[1], "eng"
    else:
        desc, text, lang = values[0], ":".join(values[1:-1]), values[-1]
    return frame_class(encoding=get_frame_encoding(frame_id, value),
                       text=text, lang=lang, desc=desc)


def _picture_frame(value, escape, first):
    """APIC from "FILENAME[:DESC[:TYPE[:MIME]]]"."""

    values = _split(value, escape)
    filename = values[0]
    desc = values[1] if len(values) > 1 else "cover"
    picture_type = PictureType.COVER_FRONT
    if len(values) > 2:
        try:
            picture_type = int(values[2])
        except ValueError:
            # mutagen 1.48.1 names the description here, not the type
            error("Invalid picture type: %r" % values[1])
    if len(values) > 3:
        mime = values[3]
    else:
        mime = mimetypes.guess_type(filename)[0] or "image/jpeg"
    if len(values) > 4:
        error("APIC: Invalid format")

    try:
        with open(filename, "rb") as h:
            data = h.read()
    except IOError as err:
        error(str(err))

    # mutagen 1.48.1 derives the encoding from the description for the
    # first picture of a file only; later ones are written as UTF-8
    encoding = get_frame_encoding("APIC", desc) if first else Encoding.UTF8
    return mutagen.id3.APIC(encoding=encoding, mime=mime, desc=desc,
                            type=picture_type, data=data)


def _edit_frames(frame_id, values, escape):
    """The frames the values given for `frame_id` make, in order."""

    frames = []
    if frame_id == "APIC":
        for i, value in enumerate(values):
            frames.append(_picture_frame(value, escape, i == 0))
    elif frame_id in ("COMM", "USLT"):
        frame_class = mutagen.id3.Frames[frame_id]
        for value in values:
            frames.append(_lang_frame(frame_class, frame_id, value, escape))
    elif frame_id in ("TXXX", "WXXX"):
        for value in values:
            parts = _split(value, escape, 1)
            desc, text = parts if len(parts) == 2 else ("", parts[0])
            encoding = get_frame_encoding(frame_id, value)
            if frame_id == "TXXX":
                frame = mutagen.id3.TXXX(encoding=encoding, text=text, desc=desc)
            else:
                frame = mutagen.id3.WXXX(encoding=encoding, url=text, desc=desc)
            frames.append(frame)
    elif frame_id == "UFID":
        for value in values:
            parts = _split(value, escape)
            if len(parts) != 2:
                error("Invalid value: %r" % parts)
            frames.append(mutagen.id3.UFID(owner=parts[0],
                                           data=parts[1].encode("utf-8")))
    elif frame_id == "POPM":
        for value in values:
            parts = _split(value, escape)
            if len(parts) == 1:
                email, rating, count = parts[0], 0, 0
            elif len(parts) == 2:
                email, rating, count = parts[0], parts[1], 0
            else:
                email, rating, count = parts
            frames.append(mutagen.id3.POPM(email=email, rating=int(rating),
                                           count=int(count)))
    else:
        frame_class = mutagen.id3.Frames[frame_id]
        encoding = get_frame_encoding(frame_id, values)
        if issubclass(frame_class, mutagen.id3.UrlFrame):
            # one URL per frame ID: the last one given wins
            frames.append(frame_class(encoding=encoding, url=values[-1]))
        else:
            frames.append(frame_class(encoding=encoding, text=values))
    return frames


def write_files(edits, filenames, escape):
    # every value is checked before any file is touched
    grouped = {}
    for option, value in edits:
        frame_id = option[2:]
        try:
            value = value_from_fsnative(value, escape)
        except ValueError as err:
            error("%s: %s" % (frame_id, str(err)))
        grouped.setdefault(frame_id, []).append(value)

    for filename in filenames:
        with _sig.block():
            if verbose:
                print("Writing", filename, file=sys.stderr)
            try:
                id3 = mutagen.id3.ID3(filename)
            except mutagen.id3.ID3NoHeaderError:
                if verbose:
                    print("No ID3 header found; creating a new tag",
                          file=sys.stderr)
                id3 = mutagen.id3.ID3()
            except Exception as err:
                print(str(err), file=sys.stderr)
                continue

            for frame_id, values in grouped.items():
                for frame in _edit_frames(frame_id, values, escape):
                    id3.add(frame)
            id3.save(filename)


def _load_for_listing(filename):
    """The file's tag as stored (no v2.4 translation), or None."""

    try:
        return mutagen.id3.ID3(filename, translate=False)
    except mutagen.id3.ID3NoHeaderError:
        print("No ID3 header found; skipping.")
        return None
    except Exception as err:
        error(str(err))


def list_tags(filenames):
    for filename in filenames:
        print("IDv2 tag info for", filename)
        id3 = _load_for_listing(filename)
        if id3 is not None:
            print(id3.pprint())


def list_tags_raw(filenames):
    for filename in filenames:
        print("Raw IDv2 tag info for", filename)
        id3 = _load_for_listing(filename)
        if id3 is not None:
            for frame in id3.values():
                print(repr(frame))


def _add_edit(option, opt, value, parser, frame_id):
    parser.edits.append(("--" + frame_id, value))


def main(argv):
    parser = ID3OptionParser()
    parser.add_option(
        "-v", "--verbose", action="store_true", dest="verbose", default=False,
        help="be verbose")
    parser.add_option(
        "-q", "--quiet", action="store_false", dest="verbose",
        help="be quiet (the default)")
    parser.add_option(
        "-e", "--escape", action="store_true", default=False,
        help="enable interpretation of backslash escapes")
    parser.add_option(
        "-f", "--list-frames", action="callback", callback=list_frames,
        help="Display all possible frames for ID3v2.3 / ID3v2.4")
    parser.add_option(
        "--list-frames-v2.2", action="callback", callback=list_frames_2_2,
        help="Display all possible frames for ID3v2.2")
    parser.add_option(
        "-L", "--list-genres", action="callback", callback=list_genres,
        help="Lists all ID3v1 genres")
    parser.add_option(
        "-l", "--list", action="store_const", dest="action", const="list",
        help="Lists the tag(s) on the open(s)")
    parser.add_option(
        "--list-raw", action="store_const", dest="action", const="list-raw",
        help="Lists the tag(s) on the open(s) in Python format")
    parser.add_option(
        "-d", "--delete-v2", action="store_const", const="delete-v2",
        dest="action", help="Deletes ID3v2 tags")
    parser.add_option(
        "-s", "--delete-v1", action="store_const", const="delete-v1",
        dest="action", help="Deletes ID3v1 tags")
    parser.add_option(
        "-D", "--delete-all", action="store_const", const="delete-v1-v2",
        dest="action", help="Deletes ID3v1 and ID3v2 tags")
    parser.add_option(
        "--delete-frames", metavar="FID1,FID2,...", action="store",
        dest="deletes", default="", help="Delete the given frames")
    parser.add_option(
        "-C", "--convert", action="store_const", dest="action",
        const="convert",
        help="Convert tags to ID3v2.4 (any editing will do this)")

    for short, longs, frame_id, metavar, help_text in _NAMED_EDITS:
        parser.add_option(
            short, *longs, metavar=metavar, action="callback", type="string",
            callback=_add_edit, callback_args=(frame_id,), help=help_text)

    frame_ids = [name for name, cls in mutagen.id3.Frames.items()
                 if issubclass(cls, (mutagen.id3.TextFrame, mutagen.id3.UrlFrame))
                 and name not in _STRUCTURED_FRAMES]
    for frame_id in frame_ids + _STRUCTURED_FRAMES:
        parser.add_option(
            "--" + frame_id, metavar="value", action="callback",
            type="string", callback=_add_edit, callback_args=(frame_id,),
            help=SUPPRESS_HELP)

    (options, args) = parser.parse_args(argv[1:])
    global verbose
    verbose = options.verbose

    if not args:
        parser.print_help()
        return

    if parser.edits or options.deletes:
        # frame edits and deletions take the place of any other action
        if options.deletes:
            delete_frames(options.deletes, args)
        if parser.edits:
            write_files(parser.edits, args, options.escape)
    elif options.action in (None, "list"):
        list_tags(args)
    elif options.action == "list-raw":
        list_tags_raw(args)
    elif options.action == "convert":
        write_files([], args, options.escape)
    else:
        delete_tags(args, "v1" in options.action, "v2" in options.action)


def entry_point():
    _sig.init()
    return main(sys.argv)
