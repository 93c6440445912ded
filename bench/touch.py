# SPDX-License-Identifier: GPL-2.0-or-later
"""What "touch every value" means for the mutagen-style Python APIs.

The timed loop of the Python benchmark calls `touch` on every loaded file, so
work a library defers to first access is charged to it, and the correctness
gate compares `touch`'s result between mutagen and cmutagen, so both sides
are shown to have done the same work.
"""


def _info_fields(info):
    """Every public, non-callable attribute of a StreamInfo, by name."""
    fields = []
    for name in dir(info):
        if name.startswith("_"):
            continue
        value = getattr(info, name)
        if not callable(value):
            fields.append((name, value))
    return fields


def _value(value):
    """A tag value as text, and its bytes too where it carries binary data
    (ID3 APIC/GEOB/PRIV frames, MP4 covers, FLAC pictures)."""
    if isinstance(value, bytes):  # MP4Cover, MP4FreeForm are bytes subclasses
        return (type(value).__name__, bytes(value))
    data = getattr(value, "data", None)
    if isinstance(data, bytes):
        return (type(value).__name__, str(value), bytes(data))
    return (type(value).__name__, str(value))


def touch(f):
    """Read every public info field, every tag key and value, and the bytes
    of every picture; return them in a comparable form."""
    out = [("info", type(f.info).__name__, _info_fields(f.info))]
    tags = f.tags
    if tags is not None:
        for key in tags.keys():
            values = tags[key]
            if isinstance(values, list):
                out.append(("tag", key, [_value(v) for v in values]))
            else:
                out.append(("tag", key, _value(values)))
    for picture in getattr(f, "pictures", None) or ():
        out.append(("picture", picture.type, picture.mime, bytes(picture.data)))
    return out


def canonical(touched):
    """`touch`'s result in an order that does not depend on the hash seed
    (VCommentDict.keys() comes from a set in mutagen)."""
    return sorted(touched, key=repr)


def info_names(info):
    """The public, non-callable attribute names of a StreamInfo class, found
    once per class so the timed loop does not pay for `dir()`."""
    return [name for name, _ in _info_fields(info)]


def touch_timed(f, names_by_class):
    """The same reads as `touch`, as cheaply as Python allows, for the timed
    loop: every info field, str() of every tag value, the bytes of every
    binary value and picture. `names_by_class` is a dict the caller keeps
    (info class -> `info_names`), holding names only, never file data."""
    info = f.info
    cls = type(info)
    names = names_by_class.get(cls)
    if names is None:
        names = names_by_class[cls] = info_names(info)
    for name in names:
        getattr(info, name)
    tags = f.tags
    if tags is not None:
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
        picture.data
