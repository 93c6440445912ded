# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers shared by the MP4 modules."""

from .._util import cdata


def parse_full_atom(data):
    """Split the body of a "full" atom (ISO/IEC 14496-12 FullBox) into
    ``(version, flags, payload)``: one version byte and 24 flag bits come
    first.  Raises ValueError if the body is shorter than those 4 bytes."""
    if len(data) < 4:
        raise ValueError("not enough data")
    return data[0], cdata.uint_be(b"\x00" + data[1:4]), data[4:]
