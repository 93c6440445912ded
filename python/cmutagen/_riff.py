# SPDX-License-Identifier: GPL-2.0-or-later
"""Resource Interchange File Format (RIFF).

The chunk layout of the Microsoft/IBM Multimedia Programming Interface
and Data Specifications 1.0: a "RIFF" root chunk naming the form type
(WAVE, AVI, ...), little-endian 32-bit sizes, and "LIST" chunks holding
more chunks (such as the INFO list).
"""

import struct
from struct import pack

from ._iff import (IffChunk, IffContainerChunkMixin, IffFile, InvalidChunk)

_header = struct.Struct("<4sI")


class RiffChunk(IffChunk):
    """A chunk of a RIFF file: four-byte ID, little-endian 32-bit size."""

    @classmethod
    def parse_header(cls, header):
        return _header.unpack(header)

    @classmethod
    def get_class(cls, id):
        if id in ('LIST', 'RIFF'):
            return RiffListChunk
        else:
            return cls

    def write_new_header(self, id_, size):
        self._fileobj.write(_header.pack(id_, size))

    def write_size(self):
        self._fileobj.write(pack("<I", self.data_size))


class RiffListChunk(RiffChunk, IffContainerChunkMixin):
    """A "RIFF" or "LIST" chunk: a four-character name followed by more
    chunks.
    """

    def parse_next_subchunk(self):
        return RiffChunk.parse(self._fileobj, self)

    def __init__(self, fileobj, id, data_size, parent_chunk):
        RiffChunk.__init__(self, fileobj, id, data_size, parent_chunk)
        self.init_container()


class RiffFile(IffFile):
    """A RIFF file.  Its root chunk must be "RIFF" (InvalidChunk if not);
    ``file_type`` is the root's name, the form type such as "WAVE".
    """

    def __init__(self, fileobj):
        super().__init__(RiffChunk, fileobj)

        if self.root.id != 'RIFF':
            raise InvalidChunk("Root chunk must be a RIFF chunk, got %s"
                               % self.root.id)

        self.file_type = self.root.name
