# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn what a mutagen-like library loaded into a comparable snapshot.

The same code walks the objects of both libraries, so two snapshots differ
only where the libraries do.  A snapshot is plain data (None, bool, int,
float, str and dicts of those) and survives a JSON round trip unchanged.

A snapshot node for anything that is not a plain scalar is a dict whose keys
are *accessors*: either a suffix that continues a Python expression (".info",
"[0]", "['title']", ".pprint()") or the name of a function applied to it
("type", "len", "repr", "str", "hex", "sha256").  first_difference() joins
them back into a readable path such as ``f.info.bitrate`` or
``repr(f.tags)``.  A node {"raises": name} stands for an expression that
raised.

Module paths are normalised: the library's own package name (``cmutagen``,
say) is replaced by ``mutagen`` in type names, reprs and pprint() output, and
object addresses (``at 0x7f...``) are dropped.
"""

import hashlib
import re
from collections import namedtuple

CANONICAL_ROOT = "mutagen"

# Exactly these types are kept as JSON scalars; a subclass (an enum built on
# int, say) is described as an object so its type is compared too.
_SCALAR_TYPES = (type(None), bool, int, float, str)

# Bytes up to this length are shown in full; longer ones by length and hash.
_SHORT_BYTES = 64

# Attributes that describe an embedded picture (FLAC's Picture and friends).
_PICTURE_FIELDS = (
    "type", "mime", "desc", "width", "height", "depth", "colors", "data")

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")

Outcome = namedtuple("Outcome", "snapshot message")
Outcome.__doc__ = """What one load produced.

snapshot: the snapshot of the loaded object (None when the loader returned
None), or {"raises": exception type name} when it raised.
message: str(exception) when it raised, else None.  Kept out of the snapshot
because messages are reported, not compared.
"""

Difference = namedtuple("Difference", "path expected actual")
Difference.__doc__ = """The first place two snapshots disagree.

path: the expression that differs, e.g. "f.info.bitrate".
expected, actual: short human-readable descriptions of each side.
"""


def capture(load, root):
    """Run load() and snapshot its result, or record the exception it raised.

    root is the package name of the library that load() uses ("mutagen" or
    "cmutagen"); it is what gets normalised to "mutagen".
    """
    walker = _Walker(root)
    try:
        loaded = load()
    except Exception as exc:
        return Outcome({"raises": walker.type_name(type(exc))}, str(exc))
    return Outcome(walker.file(loaded), None)


def snapshot(loaded, root):
    """Snapshot of a loaded file object (or tags object, or None)."""
    return _Walker(root).file(loaded)


def compare_outcomes(expected, actual):
    """First Difference between two Outcomes, or None if they agree.

    Exception messages need not match, but the actual side must say
    something: an empty message is reported as a difference.
    """
    difference = first_difference(expected.snapshot, actual.snapshot)
    if difference is not None:
        return difference
    if actual.message is not None and not actual.message.strip():
        raised = "raises " + actual.snapshot["raises"]
        return Difference("f", "%s(%r)" % (raised, expected.message),
                          raised + " with an empty message")
    return None


def first_difference(expected, actual, path="f"):
    """First Difference between two snapshots (in snapshot order), or None."""
    expected_is_node = isinstance(expected, dict)
    if expected_is_node != isinstance(actual, dict):
        return Difference(path, describe(expected), describe(actual))
    if not expected_is_node:
        if type(expected) is type(actual) and repr(expected) == repr(actual):
            return None
        return _scalar_difference(path, expected, actual)

    # Whether (and what) an expression raised decides everything below it.
    if "raises" in expected or "raises" in actual:
        if expected.get("raises") == actual.get("raises"):
            return None
        return Difference(path, describe(expected), describe(actual))

    for key, value in expected.items():
        if key not in actual:
            return Difference(_join(path, key), describe(value), "(absent)")
        difference = first_difference(value, actual[key], _join(path, key))
        if difference is not None:
            return difference
    for key, value in actual.items():
        if key not in expected:
            return Difference(_join(path, key), "(absent)", describe(value))
    if list(expected) != list(actual):
        return Difference(path, "key order " + describe(list(expected)),
                          "key order " + describe(list(actual)))
    return None


def describe(node, limit=160):
    """Short description of a snapshot node for reports."""
    if not isinstance(node, dict):
        return _clip(repr(node), limit)
    if "raises" in node:
        return "raises " + node["raises"]
    kind = node.get("type", "object")
    if "repr" in node:
        return _clip("%s (%s)" % (node["repr"], kind), limit)
    if "len" in node:
        return "%s of length %d" % (kind, node["len"])
    return kind + " object"


def _join(path, key):
    if key.startswith((".", "[")):
        return path + key
    return "%s(%s)" % (key, path)


def _clip(text, limit):
    if len(text) <= limit:
        return text
    return text[:limit] + "... (%d chars)" % len(text)


def _scalar_difference(path, expected, actual):
    if isinstance(expected, str) and isinstance(actual, str):
        return _text_difference(path, expected, actual)
    left, right = repr(expected), repr(actual)
    if type(expected) is not type(actual):
        left += " (%s)" % type(expected).__name__
        right += " (%s)" % type(actual).__name__
    return Difference(path, left, right)


def _text_difference(path, expected, actual, context=40):
    """Show long strings (pprint output, reprs) around where they part."""
    if max(len(expected), len(actual)) <= 2 * context:
        return Difference(path, repr(expected), repr(actual))
    index = next((i for i, (a, b) in enumerate(zip(expected, actual))
                  if a != b), min(len(expected), len(actual)))
    start = max(0, index - context)

    def excerpt(text):
        return "%s%r%s" % ("..." if start else "",
                           text[start:index + context],
                           "..." if index + context < len(text) else "")

    return Difference("%s at char %d" % (path, index),
                      excerpt(expected), excerpt(actual))


class _Raised:
    """Stands in for an attribute whose lookup raised."""

    def __init__(self, exception):
        self.exception = exception


def _is_under(module, package):
    return module == package or module.startswith(package + ".")


class _Walker:
    """Builds snapshot nodes for objects of the library rooted at `root`."""

    def __init__(self, root):
        self.root = root
        self._root_prefix = (
            None if root == CANONICAL_ROOT
            else re.compile(r"\b%s\." % re.escape(root)))

    def type_name(self, cls):
        module = cls.__module__
        if _is_under(module, self.root):
            module = CANONICAL_ROOT + module[len(self.root):]
        elif _is_under(module, CANONICAL_ROOT):
            # The library under test handed out an object of the real
            # mutagen: never equal to the oracle's own name for it.
            module = "foreign:" + module
        return "%s.%s" % (module, cls.__qualname__)

    def text(self, text):
        text = _ADDRESS.sub("", text)
        if self._root_prefix is not None:
            text = self._root_prefix.sub(CANONICAL_ROOT + ".", text)
        return text

    def guarded(self, compute, encode):
        """encode(compute()), or a "raises" node if compute() raised."""
        try:
            result = compute()
        except Exception as exc:
            return {"raises": self.type_name(type(exc))}
        return encode(result)

    def value(self, value):
        if type(value) in _SCALAR_TYPES:
            return value
        node = {"type": self.type_name(type(value))}
        if isinstance(value, (bytes, bytearray)):
            node.update(self._bytes_fields(bytes(value)))
            if type(value) in (bytes, bytearray):
                return node
        elif isinstance(value, (list, tuple)):
            node["len"] = len(value)
            for index, item in enumerate(value):
                node["[%d]" % index] = self.value(item)
            return node
        elif isinstance(value, dict):
            node["len"] = len(value)
            for key, item in value.items():
                node["[%s]" % self.text(repr(key))] = self.value(item)
            return node
        node["repr"] = self.guarded(lambda: repr(value), self.text)
        node["str"] = self.guarded(lambda: str(value), self.text)
        return node

    def _bytes_fields(self, data):
        if len(data) <= _SHORT_BYTES:
            return {"len": len(data), "hex": data.hex()}
        return {"len": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    def public_attributes(self, obj):
        """{name: value} of obj's public, non-callable attributes.

        An attribute whose lookup raised maps to a _Raised.
        """
        attributes = {}
        for name in dir(obj):
            if name.startswith("_"):
                continue
            try:
                value = getattr(obj, name)
            except Exception as exc:
                attributes[name] = _Raised(exc)
                continue
            if not callable(value):
                attributes[name] = value
        return attributes

    def attribute(self, value, encode):
        if isinstance(value, _Raised):
            return {"raises": self.type_name(type(value.exception))}
        return encode(value)

    def info(self, info):
        if info is None:
            return None
        node = {"type": self.type_name(type(info))}
        for name, value in self.public_attributes(info).items():
            node["." + name] = self.attribute(value, self.value)
        return node

    def picture(self, picture):
        node = {"type": self.type_name(type(picture))}
        for name in _PICTURE_FIELDS:
            if hasattr(picture, name):
                node["." + name] = self.guarded(
                    lambda: getattr(picture, name), self.value)
        return node

    def pictures(self, pictures):
        node = {"type": self.type_name(type(pictures)), "len": len(pictures)}
        for index, picture in enumerate(pictures):
            node["[%d]" % index] = self.picture(picture)
        return node

    def tags(self, tags):
        if tags is None:
            return None
        return {"type": self.type_name(type(tags)),
                "repr": self.guarded(lambda: repr(tags), self.text)}

    def file(self, loaded):
        """Snapshot of a loaded object, most telling parts first."""
        if loaded is None:
            return None
        node = {"type": self.type_name(type(loaded))}
        attributes = self.public_attributes(loaded)

        if "info" in attributes:
            node[".info"] = self.attribute(attributes.pop("info"), self.info)
        if callable(getattr(loaded, "pprint", None)):
            node[".pprint()"] = self.guarded(loaded.pprint, self.text)
        if callable(getattr(loaded, "keys", None)):
            self._add_items(node, loaded)
        if "tags" in attributes:
            node[".tags"] = self.attribute(attributes.pop("tags"), self.tags)
        if "pictures" in attributes:
            node[".pictures"] = self.attribute(
                attributes.pop("pictures"), self.pictures)
        for name, value in attributes.items():
            node["." + name] = self.attribute(value, self.value)
        return node

    def _add_items(self, node, loaded):
        """.keys() in order, then each value as f[key]."""
        try:
            keys = list(loaded.keys())
        except Exception as exc:
            node[".keys()"] = {"raises": self.type_name(type(exc))}
            return
        node[".keys()"] = self.value(keys)
        for key in keys:
            node["[%s]" % self.text(repr(key))] = self.guarded(
                lambda: loaded[key], self.value)
