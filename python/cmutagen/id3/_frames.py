# SPDX-License-Identifier: GPL-2.0-or-later
"""ID3v2 frames: the Frame base class, its families and every frame class.

A frame class is mostly data: ``_framespec`` lists its fields in the order
they are stored, each a Spec from ``_specs`` that knows how to read, write
and validate one field; ``_optionalspec`` lists trailing fields that may be
absent.  A frame object keeps each field's value in its instance ``__dict__``
under the spec's name, so a native reader can build one with
``cls.__new__(cls)`` and fill ``__dict__`` directly.

Four-letter classes are the ID3v2.3/2.4 frames (``Frames``); three-letter
classes are the ID3v2.2 frames (``Frames_2_2``), each a subclass of the
frame it becomes when the tag is upgraded.
"""

import re
import zlib
from typing import Sequence

from cmutagen._constants import GENRES
from cmutagen import _native
from ._util import (ID3JunkFrameError, ID3EncryptionUnsupportedError,
                    ID3SaveConfig, error, unsynch)
from ._specs import (
    BinaryDataSpec, StringSpec, Latin1TextSpec, EncodedTextSpec, ByteSpec,
    EncodingSpec, ASPIIndexSpec, SizedIntegerSpec, IntegerSpec, Encoding,
    VolumeAdjustmentsSpec, VolumePeakSpec, VolumeAdjustmentSpec, ChannelSpec,
    MultiSpec, SynchronizedTextSpec, KeyEventSpec, TimeStampSpec,
    EncodedNumericPartTextSpec, EncodedNumericTextSpec, SpecError,
    PictureTypeSpec, ID3FramesSpec, Latin1TextListSpec, CTOCFlagsSpec,
    FrameIDSpec, RVASpec, Spec)


_V23 = (2, 3, 0)
_V24 = (2, 4, 0)


def _bytes2key(b):
    # Hash keys are str; Latin-1 maps every byte to one character, so
    # distinct binary payloads stay distinct keys.
    assert isinstance(b, bytes)
    return b.decode("latin1")


class Frame(object):
    """One ID3v2 frame: the base of every frame class.

    Construct one from keyword (or positional) field values, or from another
    frame of the same layout.  Frames compare by content where a subclass
    says how, and are never hashable (they are mutable).
    """

    FLAG23_ALTERTAG = 0x8000
    FLAG23_ALTERFILE = 0x4000
    FLAG23_READONLY = 0x2000
    FLAG23_COMPRESS = 0x0080
    FLAG23_ENCRYPT = 0x0040
    FLAG23_GROUP = 0x0020

    FLAG24_ALTERTAG = 0x4000
    FLAG24_ALTERFILE = 0x2000
    FLAG24_READONLY = 0x1000
    FLAG24_GROUPID = 0x0040
    FLAG24_COMPRESS = 0x0008
    FLAG24_ENCRYPT = 0x0004
    FLAG24_UNSYNCH = 0x0002
    FLAG24_DATALEN = 0x0001

    _framespec: Sequence[Spec] = []
    _optionalspec: Sequence[Spec] = []

    def __init__(self, *args, **kwargs):
        # Frame(other_frame): a copy, or an upgrade from the ID3v2.2 frame
        # that is a subclass of this one (APIC(PIC(...))).
        if len(args) == 1 and not kwargs and isinstance(args[0], type(self)):
            args[0]._to_other(self)
            return

        # Positional values fill the specs in order, keywords the rest;
        # a value passed explicitly (even None) goes through validation.
        # Each value is stored as __setattr__ would store it (validated by
        # its spec), without searching the specs by name again, unless a
        # subclass changed __setattr__.
        plain = type(self).__setattr__ is Frame.__setattr__
        fields = self.__dict__
        framespec = self._framespec
        for spec, value in zip(framespec, args):
            if plain:
                fields[spec.name] = spec.validate(self, value)
            else:
                setattr(self, spec.name, value)
        for spec in framespec[len(args):]:
            value = kwargs.get(spec.name, spec.default)
            if value is spec.default and isinstance(value, list):
                # never share a mutable default between frames
                value = list(value)
            if plain:
                fields[spec.name] = spec.validate(self, value)
            else:
                setattr(self, spec.name, value)
        # optional fields are stored in order: one left out ends them
        for spec in self._optionalspec:
            if spec.name not in kwargs:
                break
            if plain:
                fields[spec.name] = spec.validate(self, kwargs[spec.name])
            else:
                setattr(self, spec.name, kwargs[spec.name])

    def __setattr__(self, name, value):
        for spec in self._framespec:
            if spec.name == name:
                self.__dict__[name] = spec.validate(self, value)
                return
        for spec in self._optionalspec:
            if spec.name == name:
                self.__dict__[name] = spec.validate(self, value)
                return
        object.__setattr__(self, name, value)

    def _setattr(self, name, value):
        # Store a value that is already valid, skipping validation.
        self.__dict__[name] = value

    def _to_other(self, other):
        """Copy this frame's values into ``other``, a frame of the same
        layout (the receiving end of ``Frame(frame)``)."""

        if self._framespec != other._framespec:
            raise ValueError

        for spec in other._framespec:
            other._setattr(spec.name, getattr(self, spec.name))

        for spec in other._optionalspec:
            if hasattr(self, spec.name):
                other._setattr(spec.name, getattr(self, spec.name))

    def _merge_frame(self, other):
        """Combine with ``other``, a frame with the same HashKey that was
        read later; returns the frame to keep."""

        return other

    def _upgrade_frame(self):
        """The ID3v2.3/2.4 equivalent of this frame, or None if an ID3v2.2
        frame has no equivalent."""

        if len(self.FrameID) != 3:
            return self
        upgraded = type(self).__base__
        if upgraded is Frame:
            return None
        return upgraded(self)

    def _get_v23_frame(self, **kwargs):
        """A copy of this frame with every value made writable as ID3v2.3
        (keyword arguments such as ``sep`` go to the specs)."""

        new_kwargs = {}
        for spec in self._framespec:
            name = spec.name
            new_kwargs[name] = spec._validate23(
                self, getattr(self, name), **kwargs)

        for spec in self._optionalspec:
            name = spec.name
            if hasattr(self, name):
                new_kwargs[name] = spec._validate23(
                    self, getattr(self, name), **kwargs)

        return type(self)(**new_kwargs)

    @property
    def HashKey(self):
        """The key under which a tag stores this frame: frames with equal keys
        cannot coexist in one tag."""

        return self.FrameID

    @property
    def FrameID(self):
        """The frame's ID: four letters, three for an ID3v2.2 frame."""

        return type(self).__name__

    def __repr__(self):
        # ClassName(field=value, ...), which evaluates back to the frame

        values = []
        for spec in self._framespec:
            if hasattr(self, spec.name):
                values.append("%s=%r" % (spec.name, getattr(self, spec.name)))
        for spec in self._optionalspec:
            if hasattr(self, spec.name):
                values.append("%s=%r" % (spec.name, getattr(self, spec.name)))
        return "%s(%s)" % (type(self).__name__, ", ".join(values))

    def _readData(self, id3, data):
        """Fill the fields from ``data``; returns the bytes left over."""

        for spec in self._framespec:
            if data or spec.handle_nodata:
                try:
                    value, data = spec.read(id3, self, data)
                except (SpecError, UnicodeDecodeError) as e:
                    raise ID3JunkFrameError(e)
            else:
                raise ID3JunkFrameError("no data left")
            self.__dict__[spec.name] = value

        # optional fields stop at the first one the data does not reach
        for spec in self._optionalspec:
            if data or spec.handle_nodata:
                try:
                    value, data = spec.read(id3, self, data)
                except (SpecError, UnicodeDecodeError) as e:
                    raise ID3JunkFrameError(e)
            else:
                break
            self.__dict__[spec.name] = value

        return data

    def _writeData(self, config=None):
        """The frame's body as bytes (without the frame header)."""

        if config is None:
            config = ID3SaveConfig()

        if config.v2_version == 3:
            frame = self._get_v23_frame(sep=config.v23_separator)
        else:
            frame = self

        data = []
        try:
            for spec in self._framespec:
                data.append(
                    spec.write(config, frame, getattr(frame, spec.name)))
            for spec in self._optionalspec:
                if not hasattr(frame, spec.name):
                    break
                data.append(
                    spec.write(config, frame, getattr(frame, spec.name)))
        except SpecError as e:
            raise error(e)
        return b"".join(data)

    def pprint(self):
        """'ID=value' text for people to read."""

        return "%s=%s" % (self.FrameID, self._pprint())

    def _pprint(self):
        return "[unrepresentable data]"

    @classmethod
    def _fromData(cls, header, tflags, data):
        """Construct this frame from raw frame data (after the frame
        header), undoing the frame format flags ``tflags``.

        Raises ID3JunkFrameError when the data is not a valid frame of
        this kind, ID3EncryptionUnsupportedError when it is encrypted.
        """

        if header.version >= _V24:
            if tflags & (Frame.FLAG24_COMPRESS | Frame.FLAG24_DATALEN):
                # The data length indicator (syncsafe, 4 bytes) comes
                # first; we do not need its value.
                datalen_bytes = data[:4]
                data = data[4:]
            if tflags & Frame.FLAG24_UNSYNCH or header.f_unsynch:
                try:
                    data = unsynch.decode(data)
                except ValueError:
                    # not validly unsynchronised: read the bytes as they are
                    pass
            if tflags & Frame.FLAG24_ENCRYPT:
                raise ID3EncryptionUnsupportedError
            if tflags & Frame.FLAG24_COMPRESS:
                try:
                    data = zlib.decompress(data)
                except zlib.error:
                    # Some writers set the compression flag without a
                    # data length indicator: retry with those 4 bytes
                    # as the start of the zlib stream.
                    data = datalen_bytes + data
                    try:
                        data = zlib.decompress(data)
                    except zlib.error as err:
                        raise ID3JunkFrameError(
                            "zlib: %s: %r" % (err, data))

        elif header.version >= _V23:
            if tflags & Frame.FLAG23_COMPRESS:
                # 4 bytes of decompressed size precede the zlib stream
                if len(data) < 4:
                    raise ID3JunkFrameError("frame too small: %r" % data)
                data = data[4:]
            if tflags & Frame.FLAG23_ENCRYPT:
                raise ID3EncryptionUnsupportedError
            if tflags & Frame.FLAG23_COMPRESS:
                try:
                    data = zlib.decompress(data)
                except zlib.error as err:
                    raise ID3JunkFrameError("zlib: %s: %r" % (err, data))

        frame = cls.__new__(cls)
        frame._readData(header, data)
        return frame

    def __hash__(self):
        raise TypeError("Frame objects are unhashable")


class CHAP(Frame):
    """Chapter: a named part of the audio between two times (or byte
    offsets), with frames of its own in ``sub_frames``.
    """

    _framespec = [
        Latin1TextSpec("element_id"),
        SizedIntegerSpec("start_time", size=4, default=0),
        SizedIntegerSpec("end_time", size=4, default=0),
        SizedIntegerSpec("start_offset", size=4, default=0xffffffff),
        SizedIntegerSpec("end_offset", size=4, default=0xffffffff),
        ID3FramesSpec("sub_frames"),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.element_id)

    def __eq__(self, other):
        if not isinstance(other, CHAP):
            return False
        return _same_fields(self, other)

    __hash__ = Frame.__hash__

    def _pprint(self):
        text = "%s time=%d..%d offset=%d..%d" % (
            self.element_id, self.start_time, self.end_time,
            self.start_offset, self.end_offset)
        # every line of every sub-frame is indented, lines as str.splitlines
        # finds them (so a frame's trailing line break adds no empty line)
        for frame in self.sub_frames.values():
            text += "".join("\n    " + line for line in frame.pprint().splitlines())
        return text


class CTOC(Frame):
    """Table of contents: an ordered or unordered list of chapters (by
    element ID), with frames of its own in ``sub_frames``.
    """

    _framespec = [
        Latin1TextSpec("element_id"),
        CTOCFlagsSpec("flags", default=0),
        Latin1TextListSpec("child_element_ids"),
        ID3FramesSpec("sub_frames"),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.element_id)

    __hash__ = Frame.__hash__

    def __eq__(self, other):
        if not isinstance(other, CTOC):
            return False
        return _same_fields(self, other)

    def _pprint(self):
        text = "%s flags=%d child_element_ids=%s" % (
            self.element_id, int(self.flags),
            ",".join(self.child_element_ids))
        # here only the first line of each sub-frame is indented
        for frame in self.sub_frames.values():
            text += "\n    " + frame.pprint()
        return text


def _same_fields(a, b):
    for spec in a._framespec:
        if getattr(a, spec.name) != getattr(b, spec.name):
            return False
    return True


class TextFrame(Frame):
    """A text information frame: ``text`` is a list of strings.

    ``encoding`` says how the strings are stored (Encoding.LATIN1, UTF16,
    UTF16BE or UTF8).  ``str(frame)`` joins the strings with NUL; indexing,
    iteration, ``append`` and ``extend`` act on ``text``.
    """

    _framespec = [
        EncodingSpec("encoding", default=Encoding.UTF16),
        MultiSpec("text", EncodedTextSpec("text"), sep=u"\u0000", default=[]),
    ]

    def __bytes__(self):
        return str(self).encode("utf-8")

    # __str__, "\0".join(self.text), is in C (set below the class).

    def __eq__(self, other):
        if isinstance(other, bytes):
            return bytes(self) == other
        elif isinstance(other, str):
            return str(self) == other
        return self.text == other

    __hash__ = Frame.__hash__

    def __getitem__(self, item):
        return self.text[item]

    def __iter__(self):
        return iter(self.text)

    def append(self, value):
        """Add one string to ``text``."""

        return self.text.append(value)

    def extend(self, value):
        """Add the strings of ``value`` to ``text``."""

        return self.text.extend(value)

    def _merge_frame(self, other):
        # A second frame with the same key adds the values the first lacks
        # (each once); if it added any, the first takes the wider of the
        # two encodings (the Encoding values are ordered so that the larger
        # one is the one to keep).
        added = False
        for value in other.text:
            if value not in self.text:
                self.text.append(value)
                added = True
        if added:
            self.encoding = max(self.encoding, other.encoding)
        return self

    def _pprint(self):
        return " / ".join(self.text)


# str(frame), the read of every text frame, in C: "\0".join(self.text).
TextFrame.__str__ = _native.c_method(TextFrame, "__str__")


class NumericTextFrame(TextFrame):
    """A text frame holding numbers; ``+frame`` is the first as an int."""

    _framespec = [
        EncodingSpec("encoding", default=Encoding.UTF16),
        MultiSpec("text", EncodedNumericTextSpec("text"), sep=u"\u0000",
                  default=[]),
    ]

    def __pos__(self):
        return int(self.text[0])


class NumericPartTextFrame(TextFrame):
    """A text frame holding "n/total" values; ``+frame`` is the first n."""

    _framespec = [
        EncodingSpec("encoding", default=Encoding.UTF16),
        MultiSpec("text", EncodedNumericPartTextSpec("text"), sep=u"\u0000",
                  default=[]),
    ]

    def __pos__(self):
        return int(self.text[0].split("/")[0])


class TimeStampTextFrame(TextFrame):
    """A text frame whose ``text`` is a list of ID3TimeStamp values."""

    _framespec = [
        EncodingSpec("encoding", default=Encoding.UTF16),
        MultiSpec("text", TimeStampSpec("stamp"), sep=u",", default=[]),
    ]

    def __bytes__(self):
        return str(self).encode("utf-8")

    def __str__(self):
        stamps = self.text
        if len(stamps) == 1:  # the common case, without building a list
            text = stamps[0].text
            if type(text) is str:
                return text
        return u",".join([stamp.text for stamp in stamps])

    def _pprint(self):
        return u" / ".join([stamp.text for stamp in self.text])


class UrlFrame(Frame):
    """A URL link frame: ``url`` is stored as Latin-1 text.

    ``bytes(frame)`` gives the URL as UTF-8, like the other frames.
    """

    _framespec: Sequence[Spec] = [
        Latin1TextSpec("url"),
    ]

    def __bytes__(self):
        return self.url.encode("utf-8")

    def __str__(self):
        return self.url

    def __eq__(self, other):
        return self.url == other

    __hash__ = Frame.__hash__

    def _pprint(self):
        return self.url


class UrlFrameU(UrlFrame):
    """A URL frame that may appear more than once, one per distinct URL."""

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.url)


class TALB(TextFrame):
    "Album title"


class TBPM(NumericTextFrame):
    "Beats per minute"


class TCOM(TextFrame):
    "Composer"


class TCON(TextFrame):
    """Content type (genre).

    Stored genres may be ID3v1 numbers, "(n)" references, "CR"/"RX" or
    free text; the ``genres`` property reads and sets them as names.
    """

    GENRES = GENRES

    def _get_genres(self):
        genres = []
        for value in self.text:
            # 'genres' reads every stored value: a plain ID3v1 genre
            # number, CR/RX, or ID3v2.3 references "(n)(CR)..." followed
            # by free text.
            if not value:
                continue
            if value.isdigit():
                try:
                    number = int(value)
                except ValueError:
                    genres.append(value)
                    continue
                if number < 256:
                    genres.append(_genre_name(self.GENRES, number))
                else:
                    genres.append(value)
            elif value == "CR":
                genres.append(u"Cover")
            elif value == "RX":
                genres.append(u"Remix")
            else:
                found = []
                refs, rest = _GENRE_REFS.match(value).groups()
                for ref in _GENRE_REF.findall(refs):
                    if ref == "CR":
                        found.append(u"Cover")
                    elif ref == "RX":
                        found.append(u"Remix")
                    else:
                        found.append(_genre_name(self.GENRES, int(ref)))
                # "((" escapes a text that starts with a parenthesis
                if rest.startswith("(("):
                    rest = rest[1:]
                # the text after references often repeats one of them
                if rest and rest not in found:
                    found.append(rest)
                genres.extend(found)
        return genres

    def _reads_as_itself(self):
        """Whether ``genres`` gives ``text`` back: every value free text
        (not empty, no number, CR/RX or "(" reference, no newline, which
        ends the text a reference regex takes)."""
        for value in self.text:
            if (not value or value[0] == "(" or "\n" in value or value.isdigit()
                    or value in ("CR", "RX")):
                return False
        return True

    def _set_genres(self, genres):
        if isinstance(genres, str):
            genres = [genres]
        self.text = [self._decode_genre(g) for g in genres]

    def _decode_genre(self, value):
        if isinstance(value, bytes):
            return value.decode(_ENCODING_CODECS[self.encoding])
        return value

    genres = property(_get_genres, _set_genres, None,
                      "The genres as a list of names; set a list of str "
                      "(or one str).")

    def _pprint(self):
        return " / ".join(self.genres)


def _genre_name(names, number):
    if number < len(names):
        return names[number]
    return u"Unknown"


# "(21)(CR)..." references at the start of a TCON value, then the text
# after them (up to a line break, as mutagen reads it)
_GENRE_REFS = re.compile(r"((?:\((?:[0-9]+|CR|RX)\))*)(.*)")
_GENRE_REF = re.compile(r"\(([0-9]+|CR|RX)\)")

# Python codecs of the ID3 text encodings (UTF-16 with a BOM)
_ENCODING_CODECS = {
    Encoding.LATIN1: "latin1",
    Encoding.UTF16: "utf-16",
    Encoding.UTF16BE: "utf-16-be",
    Encoding.UTF8: "utf-8",
}


class TCOP(TextFrame):
    "Copyright message"


class TCMP(NumericTextFrame):
    "iTunes compilation flag (1 if part of a compilation)"


class TDAT(TextFrame):
    "Recording date as DDMM (ID3v2.3)"


class TDEN(TimeStampTextFrame):
    "Encoding time"


class TDES(TextFrame):
    "iTunes podcast description"


class TKWD(TextFrame):
    "iTunes podcast keywords"


class TCAT(TextFrame):
    "iTunes podcast category"


class MVNM(TextFrame):
    "iTunes movement name"


class MVN(MVNM):
    "The ID3v2.2 form of MVNM"


class MVIN(NumericPartTextFrame):
    "iTunes movement number/count"


class MVI(MVIN):
    "The ID3v2.2 form of MVIN"


class GRP1(TextFrame):
    "iTunes grouping"


class GP1(GRP1):
    "The ID3v2.2 form of GRP1"


class TDOR(TimeStampTextFrame):
    "Original release time"


class TDLY(NumericTextFrame):
    "Playlist delay in milliseconds"


class TDRC(TimeStampTextFrame):
    "Recording time"


class TDRL(TimeStampTextFrame):
    "Release time"


class TDTG(TimeStampTextFrame):
    "Tagging time"


class TENC(TextFrame):
    "Encoded by"


class TEXT(TextFrame):
    "Lyricist / text writer"


class TFLT(TextFrame):
    "File type"


class TGID(TextFrame):
    "iTunes podcast identifier"


class TIME(TextFrame):
    "Recording time as HHMM (ID3v2.3)"


class TIT1(TextFrame):
    "Content group description"


class TIT2(TextFrame):
    "Title"


class TIT3(TextFrame):
    "Subtitle / description refinement"


class TKEY(TextFrame):
    "Initial musical key"


class TLAN(TextFrame):
    "Language(s) of the audio"


class TLEN(NumericTextFrame):
    "Length in milliseconds"


class TMED(TextFrame):
    "Media type the audio came from"


class TMOO(TextFrame):
    "Mood"


class TOAL(TextFrame):
    "Original album title"


class TOFN(TextFrame):
    "Original file name"


class TOLY(TextFrame):
    "Original lyricist"


class TOPE(TextFrame):
    "Original artist"


class TORY(NumericTextFrame):
    "Original release year (ID3v2.3)"


class TOWN(TextFrame):
    "File owner / licensee"


class TPE1(TextFrame):
    "Lead performer(s)"


class TPE2(TextFrame):
    "Band / orchestra / accompaniment (album artist)"


class TPE3(TextFrame):
    "Conductor"


class TPE4(TextFrame):
    "Remixed, interpreted or modified by"


class TPOS(NumericPartTextFrame):
    "Part of a set (disc number)"


class TPRO(TextFrame):
    "Produced notice"


class TPUB(TextFrame):
    "Publisher"


class TRCK(NumericPartTextFrame):
    "Track number"


class TRDA(TextFrame):
    "Recording dates (ID3v2.3)"


class TRSN(TextFrame):
    "Internet radio station name"


class TRSO(TextFrame):
    "Internet radio station owner"


class TSIZ(NumericTextFrame):
    "Size of the audio in bytes (ID3v2.3)"


class TSO2(TextFrame):
    "iTunes album artist sort order"


class TSOA(TextFrame):
    "Album sort order"


class TSOC(TextFrame):
    "iTunes composer sort order"


class TSOP(TextFrame):
    "Performer sort order"


class TSOT(TextFrame):
    "Title sort order"


class TSRC(TextFrame):
    "ISRC (international standard recording code)"


class TSSE(TextFrame):
    "Encoding software and settings"


class TSST(TextFrame):
    "Set subtitle"


class TYER(NumericTextFrame):
    "Recording year (ID3v2.3)"


class TXXX(TextFrame):
    """User defined text: strings under a description ``desc``.

    One frame per description; taggers use it for free-form keys.
    """

    _framespec = [
        EncodingSpec("encoding", default=Encoding.UTF16),
        EncodedTextSpec("desc"),
        MultiSpec("text", EncodedTextSpec("text"), sep=u"\u0000", default=[]),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.desc)

    def _pprint(self):
        return "%s=%s" % (self.desc, " / ".join(self.text))


class WCOM(UrlFrameU):
    "Commercial information page"


class WCOP(UrlFrame):
    "Copyright / legal information page"


class WFED(UrlFrame):
    "iTunes podcast feed"


class WOAF(UrlFrame):
    "Official page of the audio file"


class WOAR(UrlFrameU):
    "Official page of the artist"


class WOAS(UrlFrame):
    "Official page of the audio source"


class WORS(UrlFrame):
    "Official page of the internet radio station"


class WPAY(UrlFrame):
    "Payment page"


class WPUB(UrlFrame):
    "Official page of the publisher"


class WXXX(UrlFrame):
    """User defined URL: a ``url`` under a description ``desc``."""

    _framespec = [
        EncodingSpec("encoding", default=Encoding.UTF16),
        EncodedTextSpec("desc"),
        Latin1TextSpec("url"),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.desc)


class PairedTextFrame(Frame):
    """A list of [role, name] pairs in ``people``, e.g.
    ``[["producer", "A. Person"], ["mix", "B. Person"]]``, with an
    ``encoding`` like text frames.
    """

    _framespec = [
        EncodingSpec("encoding", default=Encoding.UTF16),
        MultiSpec("people",
                  EncodedTextSpec("involvement"),
                  EncodedTextSpec("person"), default=[]),
    ]

    def __eq__(self, other):
        return self.people == other

    __hash__ = Frame.__hash__


class TIPL(PairedTextFrame):
    "Involved people list"


class TMCL(PairedTextFrame):
    "Musician credits list"


class IPLS(TIPL):
    "Involved people list (ID3v2.3)"


class BinaryFrame(Frame):
    """A frame whose body is opaque bytes, in ``data``."""

    _framespec = [
        BinaryDataSpec("data"),
    ]

    def __eq__(self, other):
        return self.data == other

    __hash__ = Frame.__hash__


class MCDI(BinaryFrame):
    "Music CD identifier (the CD table of contents)"


class ETCO(Frame):
    """Event timing codes: (event type, time stamp) pairs in ``events``."""

    _framespec = [
        ByteSpec("format", default=1),
        KeyEventSpec("events", default=[]),
    ]

    def __eq__(self, other):
        return self.events == other

    __hash__ = Frame.__hash__


class MLLT(Frame):
    """MPEG location lookup table: reference deviations kept as bytes."""

    _framespec = [
        SizedIntegerSpec("frames", size=2, default=0),
        SizedIntegerSpec("bytes", size=3, default=0),
        SizedIntegerSpec("milliseconds", size=3, default=0),
        ByteSpec("bits_for_bytes", default=0),
        ByteSpec("bits_for_milliseconds", default=0),
        BinaryDataSpec("data"),
    ]

    def __eq__(self, other):
        return self.data == other

    __hash__ = Frame.__hash__


class SYTC(Frame):
    """Synchronised tempo codes, kept as bytes in ``data``."""

    _framespec = [
        ByteSpec("format", default=1),
        BinaryDataSpec("data"),
    ]

    def __eq__(self, other):
        return self.data == other

    __hash__ = Frame.__hash__


class USLT(Frame):
    """Unsynchronised lyrics: one ``text`` per description and language."""

    _framespec = [
        EncodingSpec("encoding", default=Encoding.UTF16),
        StringSpec("lang", length=3, default=u"XXX"),
        EncodedTextSpec("desc"),
        EncodedTextSpec("text"),
    ]

    @property
    def HashKey(self):
        return "%s:%s:%s" % (self.FrameID, self.desc, self.lang)

    def __bytes__(self):
        return self.text.encode("utf-8")

    def __str__(self):
        return self.text

    def __eq__(self, other):
        return self.text == other

    __hash__ = Frame.__hash__

    def _pprint(self):
        return "%s=%s=%s" % (self.desc, self.lang, self.text)


class SYLT(Frame):
    """Synchronised lyrics: (text, time) pairs in ``text``; ``format``
    says whether times count MPEG frames (1) or milliseconds (2).
    """

    _framespec = [
        EncodingSpec("encoding", default=Encoding.UTF16),
        StringSpec("lang", length=3, default=u"XXX"),
        ByteSpec("format", default=1),
        ByteSpec("type", default=0),
        EncodedTextSpec("desc"),
        SynchronizedTextSpec("text"),
    ]

    @property
    def HashKey(self):
        return "%s:%s:%s" % (self.FrameID, self.desc, self.lang)

    def _pprint(self):
        return str(self)

    def __eq__(self, other):
        return str(self) == other

    __hash__ = Frame.__hash__

    def __str__(self):
        # time stamp format 1 counts MPEG frames, 2 milliseconds
        unit = "fr" if self.format == 1 else "ms"
        return u"\n".join("[%d%s]: %s" % (time, unit, text)
                          for (text, time) in self.text)

    def __bytes__(self):
        return str(self).encode("utf-8")


class COMM(TextFrame):
    """Comment: strings under a description ``desc`` and a three-letter
    language code ``lang``.
    """

    _framespec = [
        EncodingSpec("encoding", default=Encoding.UTF16),
        StringSpec("lang", length=3, default="XXX"),
        EncodedTextSpec("desc"),
        MultiSpec("text", EncodedTextSpec("text"), sep=u"\u0000", default=[]),
    ]

    @property
    def HashKey(self):
        return "%s:%s:%s" % (self.FrameID, self.desc, self.lang)

    def _pprint(self):
        return "%s=%s=%s" % (self.desc, self.lang, " / ".join(self.text))


class RVA2(Frame):
    """Relative volume adjustment, ID3v2.4 form (ReplayGain lives here).

    ``desc`` identifies the adjustment ("track", "album"), ``channel`` the
    channel (1 is the master volume), ``gain`` is in dB and ``peak`` a
    fraction of full scale.
    """

    _framespec = [
        Latin1TextSpec("desc"),
        ChannelSpec("channel", default=1),
        VolumeAdjustmentSpec("gain", default=1),
        VolumePeakSpec("peak", default=1),
    ]

    _channels = ["Other", "Master volume", "Front right", "Front left",
                 "Back right", "Back left", "Front centre", "Back centre",
                 "Subwoofer"]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.desc)

    def __eq__(self, other):
        return str(self) == other

    __hash__ = Frame.__hash__

    def __str__(self):
        return "%s: %+0.4f dB/%0.4f" % (
            self._channels[self.channel], self.gain, self.peak)


class EQU2(Frame):
    """Equalisation, ID3v2.4 form: (frequency in Hz, adjustment in dB)
    pairs in ``adjustments``; ``method`` 0 is band, 1 linear interpolation.
    """

    _framespec = [
        ByteSpec("method", default=0),
        Latin1TextSpec("desc"),
        VolumeAdjustmentsSpec("adjustments", default=[]),
    ]

    def __eq__(self, other):
        return self.adjustments == other

    __hash__ = Frame.__hash__

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.desc)


class RVAD(Frame):
    """Relative volume adjustment, ID3v2.3 form: raw per-channel values."""

    _framespec = [
        RVASpec("adjustments", stereo_only=False),
    ]

    __hash__ = Frame.__hash__

    def __eq__(self, other):
        if not isinstance(other, RVAD):
            return False
        return self.adjustments == other.adjustments


class RVRB(Frame):
    """Reverb."""

    _framespec = [
        SizedIntegerSpec("left", size=2, default=0),
        SizedIntegerSpec("right", size=2, default=0),
        ByteSpec("bounce_left", default=0),
        ByteSpec("bounce_right", default=0),
        ByteSpec("feedback_ltl", default=0),
        ByteSpec("feedback_ltr", default=0),
        ByteSpec("feedback_rtr", default=0),
        ByteSpec("feedback_rtl", default=0),
        ByteSpec("premix_ltr", default=0),
        ByteSpec("premix_rtl", default=0),
    ]

    def __eq__(self, other):
        return (self.left, self.right) == other

    __hash__ = Frame.__hash__


class APIC(Frame):
    """Attached picture: image bytes in ``data`` with a ``mime`` type
    ("-->" when ``data`` is a URL), a PictureType ``type`` and a ``desc``.
    """

    _framespec = [
        EncodingSpec("encoding"),
        Latin1TextSpec("mime"),
        PictureTypeSpec("type"),
        EncodedTextSpec("desc"),
        BinaryDataSpec("data"),
    ]

    # Pictures sharing a description each get one more space in their
    # key when merged, so a tag keeps all of them.
    salt = u""

    def __eq__(self, other):
        return self.data == other

    __hash__ = Frame.__hash__

    @property
    def HashKey(self):
        return "%s:%s%s" % (self.FrameID, self.desc, self.salt)

    def _merge_frame(self, other):
        other.salt += u" "
        return other

    def _pprint(self):
        type_desc = str(self.type)
        if hasattr(self.type, "_pprint"):
            type_desc = self.type._pprint()

        return "%s, %s (%s, %d bytes)" % (
            type_desc, self.desc, self.mime, len(self.data))


class PCNT(Frame):
    """Play counter: how often the file was played, in ``count``."""

    _framespec = [
        IntegerSpec("count", default=0),
    ]

    def __eq__(self, other):
        return self.count == other

    __hash__ = Frame.__hash__

    def __pos__(self):
        return self.count

    def _pprint(self):
        return str(self.count)


class PCST(Frame):
    """iTunes podcast flag, in ``value``."""

    _framespec = [
        IntegerSpec("value", default=0),
    ]

    def __eq__(self, other):
        return self.value == other

    __hash__ = Frame.__hash__

    def __pos__(self):
        return self.value

    def _pprint(self):
        return str(self.value)


class POPM(Frame):
    """Popularimeter: a ``rating`` (0-255) and, optionally, a play
    ``count`` given by the user identified by ``email``.
    """

    _framespec = [
        Latin1TextSpec("email"),
        ByteSpec("rating", default=0),
    ]

    _optionalspec = [
        IntegerSpec("count", default=0),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.email)

    def __eq__(self, other):
        return self.rating == other

    __hash__ = Frame.__hash__

    def __pos__(self):
        return self.rating

    def _pprint(self):
        return "%s=%r %r/255" % (
            self.email, getattr(self, "count", None), self.rating)


class GEOB(Frame):
    """General encapsulated object: any file in ``data``, with its
    ``mime`` type, ``filename`` and a ``desc``.
    """

    _framespec = [
        EncodingSpec("encoding"),
        Latin1TextSpec("mime"),
        EncodedTextSpec("filename"),
        EncodedTextSpec("desc"),
        BinaryDataSpec("data"),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.desc)

    def __eq__(self, other):
        return self.data == other

    __hash__ = Frame.__hash__


class RBUF(Frame):
    """Recommended buffer size in bytes; optionally ``info`` flags and
    the ``offset`` of a following tag (not followed when reading).
    """

    _framespec = [
        SizedIntegerSpec("size", size=3, default=0),
    ]

    _optionalspec = [
        ByteSpec("info", default=0),
        SizedIntegerSpec("offset", size=4, default=0),
    ]

    def __eq__(self, other):
        return self.size == other

    __hash__ = Frame.__hash__

    def __pos__(self):
        return self.size


class AENC(Frame):
    """Audio encryption: who encrypted the audio (``owner``), which part
    is an unencrypted preview, and the data needed to decrypt.
    """

    _framespec = [
        Latin1TextSpec("owner"),
        SizedIntegerSpec("preview_start", size=2, default=0),
        SizedIntegerSpec("preview_length", size=2, default=0),
        BinaryDataSpec("data"),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.owner)

    def __bytes__(self):
        return self.owner.encode("utf-8")

    def __str__(self):
        return self.owner

    def __eq__(self, other):
        return self.owner == other

    __hash__ = Frame.__hash__


class LINK(Frame):
    """Linked information: frame ``frameid`` is to be found at ``url``;
    ``data`` tells which one when several frames share the ID.
    """

    _framespec = [
        FrameIDSpec("frameid", length=4),
        Latin1TextSpec("url"),
        BinaryDataSpec("data"),
    ]

    @property
    def HashKey(self):
        return "%s:%s:%s:%s" % (
            self.FrameID, self.frameid, self.url, _bytes2key(self.data))

    def __eq__(self, other):
        return (self.frameid, self.url, self.data) == other

    __hash__ = Frame.__hash__


class POSS(Frame):
    """Position synchronisation: where in the stream this file starts,
    in MPEG frames (``format`` 1) or milliseconds (2).
    """

    _framespec = [
        ByteSpec("format", default=1),
        IntegerSpec("position", default=0),
    ]

    def __pos__(self):
        return self.position

    def __eq__(self, other):
        return self.position == other

    __hash__ = Frame.__hash__


class UFID(Frame):
    """Unique file identifier: ``data`` is an ID in the database named
    by ``owner``.
    """

    _framespec = [
        Latin1TextSpec("owner"),
        BinaryDataSpec("data"),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.owner)

    def __eq__(self, other):
        return self.data == other

    __hash__ = Frame.__hash__

    def _pprint(self):
        return "%s=%r" % (self.owner, self.data)


class USER(Frame):
    """Terms of use, in ``text``, for the language ``lang``."""

    _framespec = [
        EncodingSpec("encoding"),
        StringSpec("lang", length=3, default=u"XXX"),
        EncodedTextSpec("text"),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.lang)

    def __bytes__(self):
        return self.text.encode("utf-8")

    def __str__(self):
        return self.text

    def __eq__(self, other):
        return self.text == other

    __hash__ = Frame.__hash__

    def _pprint(self):
        return "%r=%s" % (self.lang, self.text)


class OWNE(Frame):
    """Ownership: what was paid (``price``), when and to which ``seller``."""

    _framespec = [
        EncodingSpec("encoding"),
        Latin1TextSpec("price"),
        StringSpec("date", length=8, default=u"19700101"),
        EncodedTextSpec("seller"),
    ]

    def __bytes__(self):
        return self.seller.encode("utf-8")

    def __str__(self):
        return self.seller

    def __eq__(self, other):
        return self.seller == other

    __hash__ = Frame.__hash__


class COMR(Frame):
    """Commercial information: an offer to buy the audio, with an optional
    seller logo.
    """

    _framespec = [
        EncodingSpec("encoding"),
        Latin1TextSpec("price"),
        StringSpec("valid_until", length=8, default=u"19700101"),
        Latin1TextSpec("contact"),
        ByteSpec("format", default=0),
        EncodedTextSpec("seller"),
        EncodedTextSpec("desc"),
    ]

    _optionalspec = [
        Latin1TextSpec("mime"),
        BinaryDataSpec("logo"),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, _bytes2key(self._writeData()))

    def __eq__(self, other):
        return self._writeData() == other._writeData()

    __hash__ = Frame.__hash__


class ENCR(Frame):
    """Encryption method registration: the ``method`` symbol frames use
    for ``owner``'s encryption.  One frame per owner.
    """

    _framespec = [
        Latin1TextSpec("owner"),
        ByteSpec("method", default=0x80),
        BinaryDataSpec("data"),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.owner)

    def __bytes__(self):
        return self.data

    def __eq__(self, other):
        return self.data == other

    __hash__ = Frame.__hash__


class GRID(Frame):
    """Group identification registration: the ``group`` symbol frames use
    for ``owner``'s grouping.
    """

    _framespec = [
        Latin1TextSpec("owner"),
        ByteSpec("group", default=0x80),
        BinaryDataSpec("data"),
    ]

    @property
    def HashKey(self):
        return "%s:%s" % (self.FrameID, self.group)

    def __pos__(self):
        return self.group

    def __bytes__(self):
        return self.owner.encode("utf-8")

    def __str__(self):
        return self.owner

    def __eq__(self, other):
        return self.owner == other or self.group == other

    __hash__ = Frame.__hash__


class PRIV(Frame):
    """Private data of the application named by ``owner``."""

    _framespec = [
        Latin1TextSpec("owner"),
        BinaryDataSpec("data"),
    ]

    @property
    def HashKey(self):
        return "%s:%s:%s" % (
            self.FrameID, self.owner, _bytes2key(self.data))

    def __bytes__(self):
        return self.data

    def __eq__(self, other):
        return self.data == other

    def _pprint(self):
        return "%s=%r" % (self.owner, self.data)

    __hash__ = Frame.__hash__


class SIGN(Frame):
    """Signature of the frames in group ``group``."""

    _framespec = [
        ByteSpec("group", default=0x80),
        BinaryDataSpec("sig"),
    ]

    @property
    def HashKey(self):
        return "%s:%s:%s" % (self.FrameID, self.group, _bytes2key(self.sig))

    def __bytes__(self):
        return self.sig

    def __eq__(self, other):
        return self.sig == other

    __hash__ = Frame.__hash__


class SEEK(Frame):
    """Seek: the ``offset`` of the next tag (not followed when reading)."""

    _framespec = [
        IntegerSpec("offset", default=0),
    ]

    def __pos__(self):
        return self.offset

    def __eq__(self, other):
        return self.offset == other

    __hash__ = Frame.__hash__


class ASPI(Frame):
    """Audio seek point index: start ``S``, length ``L``, ``N`` points of
    ``b`` bits each, the fractions in the list ``Fi``.
    """

    _framespec = [
        SizedIntegerSpec("S", size=4, default=0),
        SizedIntegerSpec("L", size=4, default=0),
        SizedIntegerSpec("N", size=2, default=0),
        ByteSpec("b", default=0),
        ASPIIndexSpec("Fi", default=[]),
    ]

    def __eq__(self, other):
        return self.Fi == other

    __hash__ = Frame.__hash__


# ID3v2.2 frames: each is its ID3v2.3/2.4 counterpart with a three-letter
# ID; a few store some fields differently and convert on upgrade.

class UFI(UFID):
    "The ID3v2.2 form of UFID"


class TT1(TIT1):
    "The ID3v2.2 form of TIT1"


class TT2(TIT2):
    "The ID3v2.2 form of TIT2"


class TT3(TIT3):
    "The ID3v2.2 form of TIT3"


class TP1(TPE1):
    "The ID3v2.2 form of TPE1"


class TP2(TPE2):
    "The ID3v2.2 form of TPE2"


class TP3(TPE3):
    "The ID3v2.2 form of TPE3"


class TP4(TPE4):
    "The ID3v2.2 form of TPE4"


class TCM(TCOM):
    "The ID3v2.2 form of TCOM"


class TXT(TEXT):
    "The ID3v2.2 form of TEXT"


class TLA(TLAN):
    "The ID3v2.2 form of TLAN"


class TCO(TCON):
    "The ID3v2.2 form of TCON"


class TAL(TALB):
    "The ID3v2.2 form of TALB"


class TPA(TPOS):
    "The ID3v2.2 form of TPOS"


class TRK(TRCK):
    "The ID3v2.2 form of TRCK"


class TRC(TSRC):
    "The ID3v2.2 form of TSRC"


class TYE(TYER):
    "The ID3v2.2 form of TYER"


class TDA(TDAT):
    "The ID3v2.2 form of TDAT"


class TIM(TIME):
    "The ID3v2.2 form of TIME"


class TRD(TRDA):
    "The ID3v2.2 form of TRDA"


class TMT(TMED):
    "The ID3v2.2 form of TMED"


class TFT(TFLT):
    "The ID3v2.2 form of TFLT"


class TBP(TBPM):
    "The ID3v2.2 form of TBPM"


class TCP(TCMP):
    "The ID3v2.2 form of TCMP"


class TCR(TCOP):
    "The ID3v2.2 form of TCOP"


class TPB(TPUB):
    "The ID3v2.2 form of TPUB"


class TEN(TENC):
    "The ID3v2.2 form of TENC"


class TST(TSOT):
    "The ID3v2.2 form of TSOT"


class TSA(TSOA):
    "The ID3v2.2 form of TSOA"


class TS2(TSO2):
    "The ID3v2.2 form of TSO2"


class TSP(TSOP):
    "The ID3v2.2 form of TSOP"


class TSC(TSOC):
    "The ID3v2.2 form of TSOC"


class TSS(TSSE):
    "The ID3v2.2 form of TSSE"


class TOF(TOFN):
    "The ID3v2.2 form of TOFN"


class TLE(TLEN):
    "The ID3v2.2 form of TLEN"


class TSI(TSIZ):
    "The ID3v2.2 form of TSIZ"


class TDY(TDLY):
    "The ID3v2.2 form of TDLY"


class TKE(TKEY):
    "The ID3v2.2 form of TKEY"


class TOT(TOAL):
    "The ID3v2.2 form of TOAL"


class TOA(TOPE):
    "The ID3v2.2 form of TOPE"


class TOL(TOLY):
    "The ID3v2.2 form of TOLY"


class TOR(TORY):
    "The ID3v2.2 form of TORY"


class TXX(TXXX):
    "The ID3v2.2 form of TXXX"


class WAF(WOAF):
    "The ID3v2.2 form of WOAF"


class WAR(WOAR):
    "The ID3v2.2 form of WOAR"


class WAS(WOAS):
    "The ID3v2.2 form of WOAS"


class WCM(WCOM):
    "The ID3v2.2 form of WCOM"


class WCP(WCOP):
    "The ID3v2.2 form of WCOP"


class WPB(WPUB):
    "The ID3v2.2 form of WPUB"


class WXX(WXXX):
    "The ID3v2.2 form of WXXX"


class IPL(IPLS):
    "The ID3v2.2 form of IPLS"


class MCI(MCDI):
    "The ID3v2.2 form of MCDI"


class ETC(ETCO):
    "The ID3v2.2 form of ETCO"


class MLL(MLLT):
    "The ID3v2.2 form of MLLT"


class STC(SYTC):
    "The ID3v2.2 form of SYTC"


class ULT(USLT):
    "The ID3v2.2 form of USLT"


class SLT(SYLT):
    "The ID3v2.2 form of SYLT"


class COM(COMM):
    "The ID3v2.2 form of COMM"


class RVA(RVAD):
    "The ID3v2.2 form of RVAD"

    _framespec = [
        RVASpec("adjustments", stereo_only=True),
    ]

    def _to_other(self, other):
        if not isinstance(other, RVAD):
            raise TypeError

        other.adjustments = self.adjustments



class REV(RVRB):
    "The ID3v2.2 form of RVRB"


class PIC(APIC):
    """Attached picture (ID3v2.2): ``mime`` is a three-letter image
    format such as "JPG" or "PNG".
    """

    _framespec = [
        EncodingSpec("encoding"),
        StringSpec("mime", length=3, default="JPG"),
        PictureTypeSpec("type"),
        EncodedTextSpec("desc"),
        BinaryDataSpec("data"),
    ]

    def _to_other(self, other):
        if not isinstance(other, APIC):
            raise TypeError

        other.encoding = self.encoding
        other.mime = self.mime
        other.type = self.type
        other.desc = self.desc
        other.data = self.data


class GEO(GEOB):
    "The ID3v2.2 form of GEOB"


class CNT(PCNT):
    "The ID3v2.2 form of PCNT"


class POP(POPM):
    "The ID3v2.2 form of POPM"


class BUF(RBUF):
    "The ID3v2.2 form of RBUF"


class CRM(Frame):
    """Encrypted meta frame (ID3v2.2): frames encrypted by ``owner``."""

    _framespec = [
        Latin1TextSpec("owner"),
        Latin1TextSpec("desc"),
        BinaryDataSpec("data"),
    ]

    def __eq__(self, other):
        return self.data == other

    __hash__ = Frame.__hash__


class CRA(AENC):
    "The ID3v2.2 form of AENC"


class LNK(LINK):
    """Linked information (ID3v2.2): ``frameid`` is a three-letter ID."""

    _framespec = [
        FrameIDSpec("frameid", length=3),
        Latin1TextSpec("url"),
        BinaryDataSpec("data"),
    ]

    def _to_other(self, other):
        if not isinstance(other, LINK):
            raise TypeError

        if isinstance(other, LNK):
            new_frameid = self.frameid
        else:
            # the linked frame's ID becomes its ID3v2.3/2.4 one
            try:
                new_frameid = Frames_2_2[self.frameid].__bases__[0].__name__
            except KeyError:
                new_frameid = self.frameid.ljust(4)

        # not validated: an unknown ID padded to four characters is kept
        other._setattr("frameid", new_frameid)
        other._setattr("url", self.url)
        if hasattr(self, "data"):
            other._setattr("data", self.data)


def _frame_classes(id_length):
    # every frame class of this module with an ID of the given length,
    # in definition order
    return {name: value for name, value in globals().items()
            if len(name) == id_length and isinstance(value, type)
            and issubclass(value, Frame)}


# frame ID -> class, for reading ID3v2.3/2.4 tags and for ID3v2.2 ones
Frames = _frame_classes(4)
Frames_2_2 = _frame_classes(3)

# The classes are public in cmutagen.id3 (as mutagen.id3's are)
for _cls in [Frame, TextFrame, NumericTextFrame, NumericPartTextFrame,
             TimeStampTextFrame, UrlFrame, UrlFrameU, PairedTextFrame,
             BinaryFrame] + list(Frames.values()) + list(Frames_2_2.values()):
    _cls.__module__ = "cmutagen.id3"
del _cls
