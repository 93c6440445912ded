# SPDX-License-Identifier: GPL-2.0-or-later
"""ID3v2 tags (mutagen.id3)."""
