# SPDX-License-Identifier: GPL-2.0-or-later
"""What machine a benchmark ran on: the one place every level asks."""

import os
import platform
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _first_line(command):
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        return out.strip().splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "not found"


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe():
    """The machine, the toolchains and the commit measured, as a dict."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "gcc": _first_line(["gcc", "-dumpfullversion"]),
        "rustc": _first_line(["rustc", "--version"]),
        "taglib": _first_line(["pkg-config", "--modversion", "taglib"]),
        "cmutagen commit": _first_line(["git", "-C", ROOT, "describe", "--always", "--dirty"]),
    }


def summary():
    """One line for a level's console output."""
    return "%s, %d cores, %s, Python %s" % (cpu_model(), os.cpu_count() or 0,
                                           platform.platform(terse=True), platform.python_version())
