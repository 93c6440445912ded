# SPDX-License-Identifier: GPL-2.0-or-later
"""EasyID3, as mutagen.easyid3: an ID3 tag seen as a dict of lowercase
text keys ("title", "artist", "date", ...) to lists of strings, like a
Vorbis comment.

Each key maps to a getter, setter, deleter and (for keys that stand for a
family, such as "performer:*") a lister, registered in the class-level
tables Get, Set, Delete and List.  Keys may be glob patterns.  The tables
are filled at the bottom of this module from the key maps defined there.
"""

from functools import partial

from ._tags import Metadata
from ._util import DictMixin, dict_match
from .id3 import (ID3, ID3FileType, Frames, RVA2, TCON, TDOR, TDRC, TMCL,
                  TXXX, UFID, WOAR, delete)
from .id3._util import error

__all__ = ["EasyID3", "Open", "delete"]

_MUSICBRAINZ_UFID = "http://musicbrainz.org"


class EasyID3KeyError(KeyError, ValueError, error):
    """A key EasyID3 has no mapping for.  Both a KeyError and, for old
    callers, a ValueError."""


class EasyID3(DictMixin, Metadata):
    """EasyID3(filething=None)

    An ID3 tag behind a dict of case-insensitive text keys whose values are
    lists of str.  Only the keys registered with RegisterKey (or its
    RegisterTextKey / RegisterTXXXKey shortcuts) are available; the
    GetFallback, SetFallback, DeleteFallback and ListFallback hooks, set on
    the class or an instance, handle any other key.

    Values are built on each access, so changing a returned list does not
    change the tag: assign the changed list back.
    """

    Set = {}
    Get = {}
    Delete = {}
    List = {}

    # The registered keys; the same dict as Get.
    valid_keys = Get

    GetFallback = None
    SetFallback = None
    DeleteFallback = None
    ListFallback = None

    @classmethod
    def RegisterKey(cls, key, getter=None, setter=None, deleter=None, lister=None):
        """Map ``key`` (a name or a glob pattern, case-insensitive) to
        functions of the ID3 tag: ``getter(id3, key)`` returns a list of
        str, ``setter(id3, key, value)`` gets a list of str,
        ``deleter(id3, key)`` removes the key, and ``lister(id3, key)``
        returns the keys of the pattern present in the tag (keys without a
        lister are listed when their getter succeeds)."""
        key = key.lower()
        if getter is not None:
            cls.Get[key] = getter
        if setter is not None:
            cls.Set[key] = setter
        if deleter is not None:
            cls.Delete[key] = deleter
        if lister is not None:
            cls.List[key] = lister

    @classmethod
    def RegisterTextKey(cls, key, frameid):
        """Map ``key`` to the text frame ``frameid`` (e.g. "TIT2"); values
        are written as UTF-8."""

        def getter(id3, key):
            return list(id3[frameid])

        def setter(id3, key, value):
            try:
                frame = id3[frameid]
            except KeyError:
                id3.add(Frames[frameid](encoding=3, text=value))
            else:
                frame.encoding = 3
                frame.text = value

        def deleter(id3, key):
            del id3[frameid]

        cls.RegisterKey(key, getter, setter, deleter)

    @classmethod
    def RegisterTXXXKey(cls, key, desc):
        """Map ``key`` to the TXXX frame with description ``desc``; values
        are written as Latin-1 when they are ASCII, else as UTF-8."""
        frameid = "TXXX:" + desc

        def getter(id3, key):
            return list(id3[frameid])

        def setter(id3, key, value):
            encoding = 3 if any(char > "\x7f" for text in value for char in text) else 0
            try:
                frame = id3[frameid]
            except KeyError:
                id3.add(TXXX(encoding=encoding, text=value, desc=desc))
            else:
                frame.encoding = encoding
                frame.text = value

        def deleter(id3, key):
            del id3[frameid]

        cls.RegisterKey(key, getter, setter, deleter)

    def __init__(self, filename=None):
        self.__id3 = ID3()
        if filename is not None:
            self.load(filename)

    # Loading, deleting and the file name are the wrapped ID3's.
    load = property(lambda self: self.__id3.load,
                    lambda self, value: setattr(self.__id3, "load", value))
    delete = property(lambda self: self.__id3.delete,
                      lambda self, value: setattr(self.__id3, "delete", value))
    filename = property(lambda self: self.__id3.filename,
                        lambda self, value: setattr(self.__id3, "filename", value))

    @property
    def size(self):
        return self.__id3.size

    def save(self, filething=None, v1=1, v2_version=4, v23_sep="/", padding=None):
        """Save the tag; the arguments are those of ID3.save.

        For ID3v2.3 the whole tag is converted first (update_to_v23, which
        also turns TMCL/TIPL into IPLS and drops frames v2.3 lacks), then
        put back as it was, whether or not the save succeeded."""
        if v2_version != 3:
            self.__id3.save(filething, v1=v1, v2_version=v2_version,
                            v23_sep=v23_sep, padding=padding)
            return
        saved = self.__id3._copy()
        try:
            self.__id3.update_to_v23()
            self.__id3.save(filething, v1=v1, v2_version=v2_version,
                            v23_sep=v23_sep, padding=padding)
        finally:
            self.__id3._restore(saved)

    def __getitem__(self, key):
        func = dict_match(self.Get, key.lower(), self.GetFallback)
        if func is None:
            raise EasyID3KeyError("%r is not a valid key" % key)
        return func(self.__id3, key)

    def __setitem__(self, key, value):
        if isinstance(value, str):
            value = [value]
        func = dict_match(self.Set, key.lower(), self.SetFallback)
        if func is None:
            raise EasyID3KeyError("%r is not a valid key" % key)
        return func(self.__id3, key, value)

    def __delitem__(self, key):
        func = dict_match(self.Delete, key.lower(), self.DeleteFallback)
        if func is None:
            raise EasyID3KeyError("%r is not a valid key" % key)
        return func(self.__id3, key)

    def keys(self):
        keys = []
        for key in self.Get:
            if key in self.List:
                keys.extend(self.List[key](self.__id3, key))
            elif key in self:
                keys.append(key)
        if self.ListFallback is not None:
            keys.extend(self.ListFallback(self.__id3, ""))
        return keys

    def pprint(self):
        """The tag as ``key=value`` lines, one per value, sorted by key."""
        return "\n".join("%s=%s" % (key, value)
                         for key in sorted(self.keys()) for value in self[key])


Open = EasyID3


# Keys with their own getter, setter and deleter.

def genre_get(id3, key):
    return id3["TCON"].genres


def genre_set(id3, key, value):
    try:
        frame = id3["TCON"]
    except KeyError:
        id3.add(TCON(encoding=3, text=value))
    else:
        frame.encoding = 3
        frame.genres = value


def genre_delete(id3, key):
    del id3["TCON"]


def date_get(id3, key):
    return [stamp.text for stamp in id3["TDRC"].text]


def date_set(id3, key, value):
    id3.add(TDRC(encoding=3, text=value))


def date_delete(id3, key):
    del id3["TDRC"]


def original_date_get(id3, key):
    return [stamp.text for stamp in id3["TDOR"].text]


def original_date_set(id3, key, value):
    id3.add(TDOR(encoding=3, text=value))


def original_date_delete(id3, key):
    del id3["TDOR"]


def _performer_role(key):
    return key.split(":", 1)[1]


def performer_get(id3, key):
    """performer:ROLE is the people of the musician credits (TMCL) playing
    ROLE (matched case-sensitively)."""
    role = _performer_role(key)
    try:
        people = id3["TMCL"].people
    except KeyError:
        raise KeyError(key)
    found = [person for (person_role, person) in people if person_role == role]
    if not found:
        raise KeyError(key)
    return found


def performer_set(id3, key, value):
    role = _performer_role(key)
    try:
        frame = id3["TMCL"]
    except KeyError:
        # Added before the value is looked at, as mutagen does: a value
        # that is not a list leaves an empty TMCL behind.
        frame = TMCL(encoding=3, people=[])
        id3.add(frame)
    frame.encoding = 3
    people = [entry for entry in frame.people if entry[0] != role]
    people.extend([role, person] for person in value)
    frame.people = people


def performer_delete(id3, key):
    role = _performer_role(key)
    try:
        frame = id3["TMCL"]
    except KeyError:
        raise KeyError(key)
    people = [entry for entry in frame.people if entry[0] != role]
    if len(people) == len(frame.people):
        raise KeyError(key)
    if people:
        frame.people = people
    else:
        del id3["TMCL"]


def performer_list(id3, key):
    try:
        people = id3["TMCL"].people
    except KeyError:
        return []
    # One key per role, in the order the roles first appear.
    return list(dict.fromkeys("performer:" + role for (role, _person) in people))


def musicbrainz_trackid_get(id3, key):
    return [id3["UFID:" + _MUSICBRAINZ_UFID].data.decode("ascii")]


def musicbrainz_trackid_set(id3, key, value):
    if len(value) != 1:
        raise ValueError("only one track ID may be set per song")
    data = value[0].encode("ascii")
    try:
        frame = id3["UFID:" + _MUSICBRAINZ_UFID]
    except KeyError:
        id3.add(UFID(owner=_MUSICBRAINZ_UFID, data=data))
    else:
        frame.data = data


def musicbrainz_trackid_delete(id3, key):
    del id3["UFID:" + _MUSICBRAINZ_UFID]


def website_get(id3, key):
    urls = [frame.url for frame in id3.getall("WOAR")]
    if not urls:
        raise EasyID3KeyError(key)
    return urls


def website_set(id3, key, value):
    id3.delall("WOAR")
    for url in value:
        id3.add(WOAR(url=url))


def website_delete(id3, key):
    id3.delall("WOAR")


# replaygain_NAME_gain / _peak live in the RVA2 frame described NAME.

def _rva2_key(key):
    # "replaygain_" + NAME + "_gain" (or "_peak"), NAME in its own case.
    return "RVA2:" + key[len("replaygain_"):-len("_gain")]


def gain_get(id3, key):
    try:
        frame = id3[_rva2_key(key)]
    except KeyError:
        raise EasyID3KeyError(key)
    return ["%+f dB" % frame.gain]


def _rva2_frame(id3, key):
    """The RVA2 frame of a replaygain key, added (flat) if missing."""
    frameid = _rva2_key(key)
    try:
        return id3[frameid]
    except KeyError:
        frame = RVA2(desc=frameid[5:], gain=0, peak=0, channel=1)
        id3.add(frame)
        return frame


def gain_set(id3, key, value):
    if len(value) != 1:
        raise ValueError("there must be exactly one gain value, not %r.", value)
    # "-3.5 dB": the number before any unit.
    gain = float(value[0].split()[0])
    _rva2_frame(id3, key).gain = gain


def gain_delete(id3, key):
    frameid = _rva2_key(key)
    try:
        frame = id3[frameid]
    except KeyError:
        return
    if frame.peak:
        frame.gain = 0.0
    else:
        del id3[frameid]


def peak_get(id3, key):
    try:
        frame = id3[_rva2_key(key)]
    except KeyError:
        raise EasyID3KeyError(key)
    return ["%f" % frame.peak]


def peak_set(id3, key, value):
    if len(value) != 1:
        raise ValueError("there must be exactly one peak value, not %r.", value)
    peak = float(value[0])
    if peak >= 2 or peak < 0:
        raise ValueError("peak must be => 0 and < 2.")
    _rva2_frame(id3, key).peak = peak


def peak_delete(id3, key):
    frameid = _rva2_key(key)
    try:
        frame = id3[frameid]
    except KeyError:
        return
    if frame.gain:
        frame.peak = 0.0
    else:
        del id3[frameid]


def peakgain_list(id3, key):
    keys = []
    for frame in id3.getall("RVA2"):
        keys.append("replaygain_%s_gain" % frame.desc)
        keys.append("replaygain_%s_peak" % frame.desc)
    return keys


# A key read from one frame, or from a second one when the first is missing.

def txxxkey_getter(id3, key, frameid):
    return list(id3[frameid])


def txxxkey_deleter(id3, key, frameid):
    del id3[frameid]


def fallback_getter_helper(id3, key, original, fallback):
    try:
        return original(id3, key)
    except KeyError as e:
        missing = e
    try:
        return fallback(id3, key)
    except KeyError:
        raise missing from None


def fallback_deleter_helper(id3, key, original, fallback):
    """Delete the key from both sources; a KeyError only if neither had it."""
    missing = None
    try:
        original(id3, key)
    except KeyError as e:
        missing = e
    try:
        fallback(id3, key)
    except KeyError:
        if missing is not None:
            raise missing from None


# The key maps, in mutagen's registration order (which is the order keys()
# lists them in).

_TEXT_KEYS = [
    ("album", "TALB"),
    ("bpm", "TBPM"),
    ("compilation", "TCMP"),  # iTunes extension
    ("composer", "TCOM"),
    ("copyright", "TCOP"),
    ("encodedby", "TENC"),
    ("lyricist", "TEXT"),
    ("length", "TLEN"),
    ("media", "TMED"),
    ("mood", "TMOO"),
    ("grouping", "TIT1"),
    ("title", "TIT2"),
    ("version", "TIT3"),
    ("artist", "TPE1"),
    ("albumartist", "TPE2"),
    ("conductor", "TPE3"),
    ("arranger", "TPE4"),
    ("discnumber", "TPOS"),
    ("organization", "TPUB"),
    ("tracknumber", "TRCK"),
    ("author", "TOLY"),
    ("albumartistsort", "TSO2"),  # iTunes extension
    ("albumsort", "TSOA"),
    ("composersort", "TSOC"),  # iTunes extension
    ("artistsort", "TSOP"),
    ("titlesort", "TSOT"),
    ("isrc", "TSRC"),
    ("discsubtitle", "TSST"),
    ("language", "TLAN"),
]

# Keys that other taggers (Picard among them) also store in a TXXX frame:
# read from there when the text frame is missing, and deleted from both.
_TEXT_KEY_TXXX_SOURCES = {
    "albumartistsort": "TXXX:ALBUMARTISTSORT",
}

_SPECIAL_KEYS = [
    # key, getter, setter, deleter, lister
    ("genre", genre_get, genre_set, genre_delete, None),
    ("date", date_get, date_set, date_delete, None),
    ("originaldate", original_date_get, original_date_set, original_date_delete, None),
    ("performer:*", performer_get, performer_set, performer_delete, performer_list),
    ("musicbrainz_trackid", musicbrainz_trackid_get, musicbrainz_trackid_set,
     musicbrainz_trackid_delete, None),
    ("website", website_get, website_set, website_delete, None),
    ("replaygain_*_gain", gain_get, gain_set, gain_delete, peakgain_list),
    # The gain lister lists the peak keys too.
    ("replaygain_*_peak", peak_get, peak_set, peak_delete, None),
]

# The descriptions are those MusicBrainz Picard writes.
_TXXX_KEYS = [
    ("musicbrainz_artistid", "MusicBrainz Artist Id"),
    ("musicbrainz_albumid", "MusicBrainz Album Id"),
    ("musicbrainz_albumartistid", "MusicBrainz Album Artist Id"),
    ("musicbrainz_trmid", "MusicBrainz TRM Id"),
    ("musicip_puid", "MusicIP PUID"),
    ("musicip_fingerprint", "MusicMagic Fingerprint"),
    ("musicbrainz_albumstatus", "MusicBrainz Album Status"),
    ("musicbrainz_albumtype", "MusicBrainz Album Type"),
    ("releasecountry", "MusicBrainz Album Release Country"),
    ("musicbrainz_discid", "MusicBrainz Disc Id"),
    ("asin", "ASIN"),
    ("performer", "PERFORMER"),
    ("barcode", "BARCODE"),
    ("catalognumber", "CATALOGNUMBER"),
    ("musicbrainz_releasetrackid", "MusicBrainz Release Track Id"),
    ("musicbrainz_releasegroupid", "MusicBrainz Release Group Id"),
    ("musicbrainz_workid", "MusicBrainz Work Id"),
    ("acoustid_fingerprint", "Acoustid Fingerprint"),
    ("acoustid_id", "Acoustid Id"),
]


def _register_keys():
    for key, frameid in _TEXT_KEYS:
        EasyID3.RegisterTextKey(key, frameid)
        extra_source = _TEXT_KEY_TXXX_SOURCES.get(key)
        if extra_source is not None:
            EasyID3.RegisterKey(
                key,
                getter=partial(fallback_getter_helper, original=EasyID3.Get[key],
                               fallback=partial(txxxkey_getter, frameid=extra_source)),
                deleter=partial(fallback_deleter_helper, original=EasyID3.Delete[key],
                                fallback=partial(txxxkey_deleter, frameid=extra_source)))
    for key, getter, setter, deleter, lister in _SPECIAL_KEYS:
        EasyID3.RegisterKey(key, getter, setter, deleter, lister)
    for key, desc in _TXXX_KEYS:
        EasyID3.RegisterTXXXKey(key, desc)


_register_keys()


class EasyID3FileType(ID3FileType):
    """EasyID3FileType(filething=None)

    An ID3FileType whose tags are an EasyID3.
    """

    ID3 = EasyID3
