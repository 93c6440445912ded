# SPDX-License-Identifier: GPL-2.0-or-later
"""Base classes for tag containers, and the padding policy of saves."""


class PaddingInfo:
    """Passed to a ``padding`` callback on save: ``padding`` is the padding
    the file would have if nothing were resized (negative when the new tags
    do not fit), ``size`` the size of the data after the tags."""

    def __init__(self, padding, size):
        self.padding = padding
        self.size = size

    def get_default_padding(self):
        """Keep the current padding unless it is too large or negative; then
        use a little room that grows with the file."""
        high = 1024 * 10 + self.size // 100
        low = 1024 + self.size // 1000
        if self.padding >= 0:
            if self.padding > high:
                return low
            return self.padding
        return low

    def _get_padding(self, user_func):
        if user_func is None:
            return self.get_default_padding()
        padding = user_func(self)
        if not isinstance(padding, int):
            raise TypeError("padding not an int")
        return padding

    def __repr__(self):
        return "<%s size=%d padding=%d>" % (type(self).__name__, self.size, self.padding)


class Tags:
    """A set of tags of one file."""

    __module__ = "cmutagen"

    def pprint(self):
        """The tags as text, one ``key=value`` line each."""
        raise NotImplementedError


class Metadata(Tags):
    """Tags that can be loaded and saved on their own (ID3, APEv2...)."""

    __module__ = "cmutagen"

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            self.load(*args, **kwargs)

    def load(self, filething, **kwargs):
        raise NotImplementedError

    def save(self, filething=None, **kwargs):
        raise NotImplementedError

    def delete(self, filething=None):
        raise NotImplementedError
