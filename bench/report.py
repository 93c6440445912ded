# SPDX-License-Identifier: GPL-2.0-or-later
"""Turns the levels' result rows (bench/README.md, "Level results") into the
report: Markdown tables, one JSON file, and PNG bar charts of the ratios.

Every table cell is a median µs/file followed by that library's ratio to
cmutagen on the same call (how many times cmutagen's time it takes: above 1
means cmutagen is faster). Tables of calls that read a path end with
cmutagen's ratio to the I/O floor of the same files: the C program that only
opens, reads the byte ranges the parse needs and closes (DESIGN.md's floor,
the cheapest way to get those bytes from any language). Python tables add
cmutagen's ratio to that floor plus the touch alone on cmutagen's loaded
objects (the "touch" rows): a mutagen-style load + touch pays both, so that
sum, not the I/O floor alone, is the least such a call can cost.
"""

import json
import os

# How a level's `call` names group into comparable tables: the format class
# (`FLAC(path)`, `MP3(path)`...) of every library lands in one "class(path)"
# table. Peers name their rows after the mutagen call they stand in for (the
# API they really call is in the row's note).
def call_kind(row):
    call = row["call"]
    if call == "mem-floor":
        return "floor"
    if row["level"] == "native" or row["level"] == "python-batch":
        return call
    if call in ("floor", "touch"):
        return call
    if call == "File(path)":
        return "File(path)"
    if "BytesIO" in call or "mem" in call:
        return "class(BytesIO)"
    return "class(path)"


KIND_TITLES = {
    ("python", "File(path)"): "Python: `File(path)` + touch",
    ("python", "class(path)"): "Python: format class on a path (`FLAC(path)`…) + touch",
    ("python", "class(BytesIO)"): "Python: format class on `BytesIO` + touch",
    ("python", "touch"): "Python: the touch alone, on a file loaded before the clock",
    ("native", "mem"): "Native: parse from memory, all tags as UTF-8, every byte touched",
    ("native", "path"): "Native: parse from a path, all tags as UTF-8, every byte touched",
}

LIBRARY_ORDER = ["cmutagen", "mutagen", "mutagen-rs", "tinytag", "pytaglib", "lofty", "taglib"]
# Only these calls pay for the I/O themselves, so only they are set against the floor.
PATH_KINDS = {"File(path)", "class(path)", "path"}


def _order(name):
    return (LIBRARY_ORDER.index(name) if name in LIBRARY_ORDER else len(LIBRARY_ORDER), name)


def _cells(rows):
    """(format, profile) in a stable order."""
    return sorted({(r["format"], r["profile"]) for r in rows})


def _fmt_us(value):
    if value is None:
        return "—"
    return "%.1f" % value if value < 1000 else "%.0f" % value


def _floor_us(all_rows, fmt, profile, call="floor"):
    """The native I/O floor serves every level: it is the cheapest way to get
    the bytes, from any language.  call="mem-floor": the memory floor, one
    read of those bytes already in memory, for the from-memory table."""
    for row in all_rows:
        if (row["level"] == "native" and row["call"] == call
                and row["format"] == fmt and row["profile"] == profile):
            return row["median_us"]
    return None


def _touch_us(all_rows, fmt, profile):
    """cmutagen's touch alone on the same files: what the benchmark's own
    reads of the loaded objects cost."""
    for row in all_rows:
        if (row["level"] == "python" and row["call"] == "touch" and row["library"] == "cmutagen"
                and row["format"] == fmt and row["profile"] == profile):
            return row["median_us"]
    return None


def tables(rows):
    """Markdown for every (level, kind) that has rows, plus the notes."""
    out = []
    groups = {}
    for row in rows:
        if row["level"] == "python-batch":
            continue
        kind = call_kind(row)
        if kind == "floor":
            continue
        groups.setdefault((row["level"], kind), []).append(row)
    for key in sorted(groups, key=lambda k: list(KIND_TITLES).index(k) if k in KIND_TITLES else 99):
        group = groups[key]
        libraries = sorted({r["library"] for r in group}, key=_order)
        by = {(r["format"], r["profile"], r["library"]): r for r in group}
        out.append("### " + KIND_TITLES.get(key, "%s: %s" % key))
        out.append("")
        with_floor = key[1] in PATH_KINDS
        # A Python load + touch cannot cost less than the bytes' I/O plus
        # the touch itself: the second ratio is against that sum.
        with_touch = with_floor and key[0] == "python"
        with_mem_floor = key == ("native", "mem")
        header = (["format", "profile"] + libraries
                  + (["cmutagen / I/O floor"] if with_floor else [])
                  + (["cmutagen / (I/O floor + touch)"] if with_touch else [])
                  + (["cmutagen / memory floor"] if with_mem_floor else []))
        out.append("| " + " | ".join(header) + " |")
        out.append("| --- | --- |"
                   + " ---: |" * (len(libraries) + with_floor + with_touch + with_mem_floor))
        for fmt, profile in _cells(group):
            reference = by.get((fmt, profile, "cmutagen"))
            reference_us = reference["median_us"] if reference else None
            cells = [fmt, profile]
            for library in libraries:
                row = by.get((fmt, profile, library))
                if row is None or row["median_us"] is None:
                    cells.append("—")
                    continue
                text = _fmt_us(row["median_us"])
                if reference_us and library != "cmutagen":
                    text += " (%.1f×)" % (row["median_us"] / reference_us)
                cells.append(text)
            if with_floor:
                floor = _floor_us(rows, fmt, profile)
                cells.append("%.2f×" % (reference_us / floor) if reference_us and floor else "—")
            if with_mem_floor:
                floor = _floor_us(rows, fmt, profile, "mem-floor")
                cells.append("%.2f×" % (reference_us / floor) if reference_us and floor else "—")
            if with_touch:
                floor, touched = _floor_us(rows, fmt, profile), _touch_us(rows, fmt, profile)
                cells.append("%.2f×" % (reference_us / (floor + touched))
                             if reference_us and floor and touched else "—")
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        notes = sorted({"%s: %s" % (r["library"], r["note"]) for r in group if r.get("note")})
        if notes:
            out.extend("- " + note for note in notes)
            out.append("")
    out.extend(_floor_table(rows))
    out.extend(_alloc_table(rows))
    out.extend(_batch_table(rows))
    return "\n".join(out)


# The floor table's columns: (library, call) -> heading.
FLOOR_COLUMNS = {
    ("io-floor", "floor"): "I/O floor (C)",
    ("python-io", "floor"): "I/O floor (Python)",
    ("io-floor", "mem-floor"): "memory floor (C)",
}


def _floor_table(rows):
    floors = [r for r in rows if call_kind(r) == "floor"]
    if not floors:
        return []
    out = ["### Floors: open, read the byte ranges the parse needs, close; and one read of"
           " those bytes in memory", ""]
    columns = [c for c in FLOOR_COLUMNS if any((r["library"], r["call"]) == c for r in floors)]
    out.append("| format | profile | " + " | ".join(FLOOR_COLUMNS[c] for c in columns) + " |")
    out.append("| --- | --- |" + " ---: |" * len(columns))
    by = {(r["format"], r["profile"], r["library"], r["call"]): r["median_us"] for r in floors}
    for fmt, profile in _cells(floors):
        out.append("| %s | %s | %s |" % (fmt, profile, " | ".join(
            _fmt_us(by.get((fmt, profile) + column)) for column in columns)))
    return out + [""]


def _alloc_table(rows):
    native = [r for r in rows if r["level"] == "native" and r["call"] == "mem"
              and r.get("allocs") is not None]
    if not native:
        return []
    libraries = sorted({r["library"] for r in native}, key=_order)
    by = {(r["format"], r["profile"], r["library"]): r for r in native}
    out = ["### Native: allocations per parsed file (median count / bytes)", ""]
    out.append("| format | profile | " + " | ".join(libraries) + " |")
    out.append("| --- | --- |" + " ---: |" * len(libraries))
    for fmt, profile in _cells(native):
        cells = []
        for library in libraries:
            row = by.get((fmt, profile, library))
            cells.append("%d / %d" % (row["allocs"], row.get("alloc_bytes") or 0) if row else "—")
        out.append("| %s | %s | %s |" % (fmt, profile, " | ".join(cells)))
    return out + [""]


def _batch_table(rows):
    batch = [r for r in rows if r["level"] == "python-batch"]
    if not batch:
        return []
    out = ["### Python: whole corpus in one batch (wall time per file)", ""]
    out.append("| library | how | files | µs/file |")
    out.append("| --- | --- | ---: | ---: |")
    for row in sorted(batch, key=lambda r: (_order(r["library"]), r["call"])):
        out.append("| %s | %s | %s | %s |" % (row["library"], row["call"], row.get("files", ""),
                                              _fmt_us(row["median_us"])))
    notes = sorted({"%s: %s" % (r["library"], r["note"]) for r in batch if r.get("note")})
    return out + [""] + ["- " + n for n in notes] + ([""] if notes else [])


def charts(rows, folder):
    """One PNG per (level, kind): each peer's time as a multiple of
    cmutagen's, per format × profile, on a log scale."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    groups = {}
    for row in rows:
        kind = call_kind(row)
        if row["level"] in ("python", "native") and kind not in ("floor", "touch"):
            groups.setdefault((row["level"], kind), []).append(row)
    for (level, kind), group in sorted(groups.items()):
        by = {(r["format"], r["profile"], r["library"]): r["median_us"] for r in group}
        cells = [c for c in _cells(group) if by.get(c + ("cmutagen",))]
        peers = sorted({r["library"] for r in group if r["median_us"] is not None
                        and (r["format"], r["profile"]) in cells} - {"cmutagen"}, key=_order)
        if not cells or not peers:
            continue
        fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(cells)), 4))
        width = 0.8 / len(peers)
        for i, peer in enumerate(peers):
            ratios = [(by.get(c + (peer,)) or 0) / by[c + ("cmutagen",)] for c in cells]
            ax.bar([x + i * width for x in range(len(cells))], ratios, width, label=peer)
        ax.set_yscale("log")
        ax.axhline(1, color="black", linewidth=0.8)
        ax.set_xticks([x + 0.4 - width / 2 for x in range(len(cells))])
        ax.set_xticklabels(["%s\n%s" % c for c in cells], fontsize=8)
        ax.set_ylabel("time / cmutagen's time")
        ax.set_title(KIND_TITLES.get((level, kind), "%s %s" % (level, kind)), fontsize=9)
        ax.legend(fontsize=8)
        fig.tight_layout()
        name = "%s-%s.png" % (level, kind.replace("(", "-").replace(")", "").replace(".", ""))
        fig.savefig(os.path.join(folder, name), dpi=100)
        plt.close(fig)
        written.append(name)
    return written


def write(rows, machine, folder, title):
    """Writes latest.json, latest.md and the charts into `folder`; returns
    the Markdown."""
    os.makedirs(folder, exist_ok=True)
    versions = sorted({(r["library"], r["version"]) for r in rows if r.get("version")},
                      key=lambda lv: _order(lv[0]))
    lines = ["# " + title, "",
             "Machine: " + ", ".join("%s %s" % kv for kv in machine.items()) + ".",
             "",
             "Libraries: " + ", ".join("%s %s" % lv for lv in versions) + ".",
             ""]
    markdown = "\n".join(lines) + tables(rows)
    with open(os.path.join(folder, "latest.md"), "w", encoding="utf-8") as f:
        f.write(markdown + "\n")
    with open(os.path.join(folder, "latest.json"), "w", encoding="utf-8") as f:
        json.dump({"machine": machine, "rows": rows}, f, indent=1, ensure_ascii=False)
    try:
        charts(rows, folder)
    except ImportError as exc:  # matplotlib is in the bench venv; say so elsewhere
        markdown += "\n(no charts: %s)\n" % exc
    return markdown
