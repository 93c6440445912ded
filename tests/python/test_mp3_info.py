# SPDX-License-Identifier: GPL-2.0-or-later
"""MPEGInfo from the C scan equals MPEGInfo from the Python reference path
(cmutagen.mp3 keeps the rules in Python too, switched by _USE_NATIVE), and
both equal the real mutagen's."""

import os

from cmutagen import mp3


def mp3_files(data_dir):
    names = sorted(n for n in os.listdir(data_dir) if n.endswith(".mp3"))
    assert len(names) >= 20
    return [os.path.join(data_dir, n) for n in names]


def info_or_error(module, path):
    try:
        with open(path, "rb") as f:
            info = module.MPEGInfo(f)
    except Exception as e:
        return ("raises", type(e).__name__)
    return ("info", list(vars(info).items()), info.pprint())


def test_native_scan_equals_python_rules(upstream_data, monkeypatch):
    for path in mp3_files(upstream_data):
        monkeypatch.setattr(mp3, "_USE_NATIVE", True)
        native = info_or_error(mp3, path)
        monkeypatch.setattr(mp3, "_USE_NATIVE", False)
        python = info_or_error(mp3, path)
        assert native == python, path


def test_native_scan_equals_mutagen(upstream_data, real_mutagen):
    for path in mp3_files(upstream_data):
        ours = info_or_error(mp3, path)
        theirs = info_or_error(real_mutagen.mp3, path)
        assert ours == theirs, path
