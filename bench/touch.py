# SPDX-License-Identifier: GPL-2.0-or-later
"""What "touch every value" means for the mutagen-style Python APIs.

The correctness gate compares `touch`'s result between mutagen and cmutagen,
so both sides are shown to have produced the same values; the timed loop of
the Python benchmark calls `touch_timed` on every loaded file, which reads
the same values without building that comparable result, so work a library
defers to first access is charged to it.

What is read: every public StreamInfo field, the tags' vendor string where
the tags have one, every tag key and value (and the bytes of a binary
value), every picture's fields and bytes, and for FLAC-like files the seek
table, the cue sheet and the list of metadata blocks.  mutagen-rs mirrors
this API closely enough to share it (its pictures are dicts, its StreamInfo
has unset slots).
"""

# Marks a StreamInfo attribute that is listed but not set (an unset
# __slots__ field reads as AttributeError): it compares unequal to any value.
UNSET = "<unset>"

PICTURE_FIELDS = ("type", "mime", "desc", "width", "height", "depth", "colors")
CUESHEET_FIELDS = ("media_catalog_number", "lead_in_samples", "compact_disc")
TRACK_FIELDS = ("track_number", "start_offset", "isrc", "type", "pre_emphasis")


def _info_fields(info):
    """Every public, non-callable attribute of a StreamInfo, by name."""
    fields = []
    for name in dir(info):
        if name.startswith("_"):
            continue
        value = getattr(info, name, UNSET)
        if not callable(value):
            fields.append((name, value))
    return fields


def info_names(info):
    """The public, non-callable attribute names of a StreamInfo class, found
    once per class so the timed loop does not pay for `dir()`."""
    return [name for name, _ in _info_fields(info)]


def _value(value):
    """A tag value as text, and its bytes too where it carries binary data
    (ID3 APIC/GEOB/PRIV frames, MP4 covers, FLAC pictures)."""
    if isinstance(value, bytes):  # MP4Cover, MP4FreeForm are bytes subclasses
        return (type(value).__name__, bytes(value))
    data = getattr(value, "data", None)
    if isinstance(data, bytes):
        return (type(value).__name__, str(value), bytes(data))
    return (type(value).__name__, str(value))


def _picture(picture):
    """A picture's fields and bytes; mutagen-rs gives pictures as dicts."""
    if isinstance(picture, dict):
        return [picture.get(name) for name in PICTURE_FIELDS] + [bytes(picture["data"])]
    return [getattr(picture, name) for name in PICTURE_FIELDS] + [bytes(picture.data)]


def _block(block):
    """A FLAC metadata block as comparable text: its repr where its class
    has one (seek table, tags, picture, padding...), else its public fields
    (StreamInfo, a block of unknown type with its bytes), since the default
    repr holds a memory address."""
    if type(block).__repr__ is object.__repr__:
        return (type(block).__name__, block.code, _info_fields(block))
    return (type(block).__name__, block.code, repr(block))


def touch(f):
    """Read every value listed in the module docstring; return them in a
    comparable form (see `canonical`)."""
    out = [("info", type(f.info).__name__, _info_fields(f.info))]
    tags = f.tags
    if tags is not None:
        if hasattr(tags, "vendor"):
            out.append(("vendor", tags.vendor))
        for key in tags.keys():
            values = tags[key]
            if isinstance(values, list):
                out.append(("tag", key, [_value(v) for v in values]))
            else:
                out.append(("tag", key, _value(values)))
    for picture in getattr(f, "pictures", None) or ():
        out.append(("picture", _picture(picture)))
    blocks = getattr(f, "metadata_blocks", None)
    if blocks is not None:  # FLAC-like
        out.append(("seektable", repr(f.seektable)))
        out.append(("cuesheet", repr(f.cuesheet)))
        out.append(("metadata_blocks", [_block(block) for block in blocks]))
    return out


def canonical(touched):
    """`touch`'s result in an order that does not depend on the hash seed
    (VCommentDict.keys() comes from a set in mutagen)."""
    return sorted(touched, key=repr)


def touch_timed(f, names_by_class):
    """The same reads as `touch`, as cheaply as Python allows, for the timed
    loop: every info field, the vendor, str() of every tag value, the bytes
    of every binary value, every picture field, and for FLAC-like files
    every block, seek point and cue sheet field.  `names_by_class` is a dict
    the caller keeps (info class -> `info_names`), holding names only, never
    file data."""
    info = f.info
    cls = type(info)
    names = names_by_class.get(cls)
    if names is None:
        names = names_by_class[cls] = info_names(info)
    for name in names:
        getattr(info, name, None)
    tags = f.tags
    if tags is not None:
        getattr(tags, "vendor", None)
        for key in tags.keys():
            values = tags[key]
            if isinstance(values, list):
                for value in values:
                    if not isinstance(value, bytes):  # MP4Cover: no repr of the image
                        str(value)
            else:
                # A binary frame (APIC, GEOB, PRIV...) is touched through its
                # bytes: its str() is a repr of those bytes, which no program
                # would ask for and which would cost more than the parse.
                data = getattr(values, "data", None)
                if not isinstance(data, bytes):
                    str(values)
    for picture in getattr(f, "pictures", None) or ():
        if isinstance(picture, dict):  # mutagen-rs
            for name in PICTURE_FIELDS:
                picture.get(name)
            picture["data"]
        else:
            for name in PICTURE_FIELDS:
                getattr(picture, name)
            picture.data
    blocks = getattr(f, "metadata_blocks", None)
    if blocks is not None:  # FLAC-like
        for block in blocks:
            block.code
        seektable = f.seektable
        if seektable is not None:
            for _ in seektable.seekpoints:  # each a tuple, built by the parse
                pass
        cuesheet = f.cuesheet
        if cuesheet is not None:
            for name in CUESHEET_FIELDS:
                getattr(cuesheet, name)
            for track in cuesheet.tracks:
                for name in TRACK_FIELDS:
                    getattr(track, name)
                for _ in track.indexes:
                    pass
