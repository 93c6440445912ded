# SPDX-License-Identifier: GPL-2.0-or-later
"""Tag tables and tag values for the benchmark corpus (bench/corpus.py).

Three parts:

- FIELDS maps one logical field to the name each tag system uses for it, as
  MusicBrainz Picard and beets write them (ID3 frames, Vorbis comments,
  iTunes MP4 atoms).
- Word pools in several scripts, so that titles, names and lyrics carry
  Japanese, Cyrillic, Greek, Chinese, Korean and accented Latin text.
- make_record(), which draws one file's values from a random.Random.  Every
  choice comes from that generator, so a seed gives the same record on every
  run and machine.

Nothing here imports mutagen: corpus.py turns a record into real tags.
"""

import uuid

# One row per logical field: (key, ID3 frame, Vorbis comment, MP4 atom).
# "TXXX:desc" / "UFID:owner" name a frame and its description or owner;
# "----:mean:name" is an iTunes freeform atom.  The track and disc numbers
# are written with their totals (TRCK "3/12", TRACKNUMBER + TRACKTOTAL,
# trkn (3, 12)): their Vorbis column names both comments.
_ITUNES = "----:com.apple.iTunes:"
FIELDS = [
    ("title", "TIT2", "TITLE", "\xa9nam"),
    ("artist", "TPE1", "ARTIST", "\xa9ART"),
    ("album", "TALB", "ALBUM", "\xa9alb"),
    ("date", "TDRC", "DATE", "\xa9day"),
    ("track", "TRCK", ("TRACKNUMBER", "TRACKTOTAL"), "trkn"),
    ("disc", "TPOS", ("DISCNUMBER", "DISCTOTAL"), "disk"),
    ("albumartist", "TPE2", "ALBUMARTIST", "aART"),
    ("artistsort", "TSOP", "ARTISTSORT", "soar"),
    ("albumartistsort", "TSO2", "ALBUMARTISTSORT", "soaa"),
    ("albumsort", "TSOA", "ALBUMSORT", "soal"),
    ("titlesort", "TSOT", "TITLESORT", "sonm"),
    ("composer", "TCOM", "COMPOSER", "\xa9wrt"),
    ("genre", "TCON", "GENRE", "\xa9gen"),
    ("grouping", "TIT1", "GROUPING", "\xa9grp"),
    ("bpm", "TBPM", "BPM", "tmpo"),
    ("compilation", "TCMP", "COMPILATION", "cpil"),
    ("originaldate", "TDOR", "ORIGINALDATE", _ITUNES + "ORIGINALDATE"),
    ("isrc", "TSRC", "ISRC", _ITUNES + "ISRC"),
    ("barcode", "TXXX:BARCODE", "BARCODE", _ITUNES + "BARCODE"),
    ("catalognumber", "TXXX:CATALOGNUMBER", "CATALOGNUMBER", _ITUNES + "CATALOGNUMBER"),
    ("label", "TPUB", "LABEL", _ITUNES + "LABEL"),
    ("media", "TMED", "MEDIA", _ITUNES + "MEDIA"),
    ("language", "TLAN", "LANGUAGE", _ITUNES + "LANGUAGE"),
    ("script", "TXXX:SCRIPT", "SCRIPT", _ITUNES + "SCRIPT"),
    ("releasecountry", "TXXX:MusicBrainz Album Release Country", "RELEASECOUNTRY",
     _ITUNES + "MusicBrainz Album Release Country"),
    ("releasestatus", "TXXX:MusicBrainz Album Status", "RELEASESTATUS",
     _ITUNES + "MusicBrainz Album Status"),
    ("releasetype", "TXXX:MusicBrainz Album Type", "RELEASETYPE",
     _ITUNES + "MusicBrainz Album Type"),
    ("mb_trackid", "UFID:http://musicbrainz.org", "MUSICBRAINZ_TRACKID",
     _ITUNES + "MusicBrainz Track Id"),
    ("mb_releasetrackid", "TXXX:MusicBrainz Release Track Id", "MUSICBRAINZ_RELEASETRACKID",
     _ITUNES + "MusicBrainz Release Track Id"),
    ("mb_albumid", "TXXX:MusicBrainz Album Id", "MUSICBRAINZ_ALBUMID",
     _ITUNES + "MusicBrainz Album Id"),
    ("mb_artistid", "TXXX:MusicBrainz Artist Id", "MUSICBRAINZ_ARTISTID",
     _ITUNES + "MusicBrainz Artist Id"),
    ("mb_albumartistid", "TXXX:MusicBrainz Album Artist Id", "MUSICBRAINZ_ALBUMARTISTID",
     _ITUNES + "MusicBrainz Album Artist Id"),
    ("mb_releasegroupid", "TXXX:MusicBrainz Release Group Id", "MUSICBRAINZ_RELEASEGROUPID",
     _ITUNES + "MusicBrainz Release Group Id"),
    # beets and foobar2000 write the MP4 ReplayGain names in lower case.
    ("rg_track_gain", "TXXX:REPLAYGAIN_TRACK_GAIN", "REPLAYGAIN_TRACK_GAIN",
     _ITUNES + "replaygain_track_gain"),
    ("rg_track_peak", "TXXX:REPLAYGAIN_TRACK_PEAK", "REPLAYGAIN_TRACK_PEAK",
     _ITUNES + "replaygain_track_peak"),
    ("rg_album_gain", "TXXX:REPLAYGAIN_ALBUM_GAIN", "REPLAYGAIN_ALBUM_GAIN",
     _ITUNES + "replaygain_album_gain"),
    ("rg_album_peak", "TXXX:REPLAYGAIN_ALBUM_PEAK", "REPLAYGAIN_ALBUM_PEAK",
     _ITUNES + "replaygain_album_peak"),
    ("comment", "COMM", "COMMENT", "\xa9cmt"),
    ("lyrics", "USLT", "LYRICS", "\xa9lyr"),
]

# The fields every library-profile file has, and those each file has with
# OPTIONAL_CHANCE (about 25 to 30 fields a file, as a tagged library holds).
LIBRARY_ALWAYS = [
    "albumartist", "artistsort", "albumartistsort", "composer", "genre",
    "mb_trackid", "mb_albumid", "mb_artistid", "mb_albumartistid", "mb_releasegroupid",
    "rg_track_gain", "rg_track_peak", "rg_album_gain", "rg_album_peak",
    "isrc", "barcode", "label", "media", "comment", "lyrics",
]
LIBRARY_OPTIONAL = [
    "albumsort", "titlesort", "grouping", "bpm", "compilation", "originaldate",
    "catalognumber", "language", "script", "releasecountry", "releasestatus",
    "releasetype", "mb_releasetrackid",
]
OPTIONAL_CHANCE = 0.2
COVER_CHANCE = 0.8

# Words by script: (ISO 15924 script code, ISO 639-2 language, words).  The
# romanized pool gives sort names for names written in other scripts.
SCRIPTS = {
    "ascii": ("Latn", "eng", [
        "midnight", "river", "golden", "echo", "silver", "north", "paper", "city",
        "lights", "harbor", "summer", "static", "velvet", "hollow", "signal", "garden",
        "winter", "glass", "ocean", "ember", "motion", "shadow", "radio", "canyon",
        "falling", "morning", "electric", "distant", "lantern", "thunder", "orbit",
        "wild", "quiet", "crimson", "horizon", "parade", "neon", "stone", "feather"]),
    "accented": ("Latn", "fra", [
        "café", "déjà", "über", "naïve", "señor", "façade", "Ångström", "Øresund",
        "Łódź", "Škoda", "Þórr", "Ærø", "Müller", "crème", "brûlée", "mañana",
        "Zürich", "São", "coração", "rêve", "lumière", "fenêtre", "Größe", "año",
        "niño", "élan", "Dvořák", "Bjørk", "fjörður", "Kraków", "smörgåsbord"]),
    "japanese": ("Jpan", "jpn", [
        "桜", "夜明け", "青い", "空", "夢", "風", "花火", "雨", "月", "星", "海", "光",
        "心", "涙", "街", "約束", "さよなら", "ありがとう", "東京", "まぼろし", "ひかり",
        "カメラ", "メロディー", "ラジオ", "トンネル", "季節", "記憶", "未来", "遠く"]),
    "cyrillic": ("Cyrl", "rus", [
        "ночь", "город", "река", "звезда", "песня", "ветер", "зима", "любовь", "дорога",
        "небо", "огонь", "тишина", "сердце", "утро", "память", "снег", "Москва", "берег",
        "свет", "время", "мечта", "далеко", "осень", "радио", "поезд", "окно"]),
    "greek": ("Grek", "ell", [
        "θάλασσα", "ήλιος", "νύχτα", "αγάπη", "φως", "όνειρο", "άνεμος", "πόλη", "καρδιά",
        "αστέρι", "βροχή", "δρόμος", "ουρανός", "σιωπή", "μνήμη", "καλοκαίρι", "Αθήνα",
        "φεγγάρι", "τραγούδι", "χρόνος", "μακριά", "πρωί", "φωτιά"]),
    "chinese": ("Hans", "zho", [
        "月亮", "城市", "星星", "大海", "春天", "秋风", "故乡", "梦想", "时间", "北京",
        "雨夜", "光芒", "心跳", "远方", "记忆", "花开", "河流", "山谷", "歌声", "明天"]),
    "korean": ("Kore", "kor", [
        "사랑", "바다", "하늘", "별빛", "기억", "서울", "노래", "바람", "꿈", "밤",
        "눈물", "여름", "시간", "마음", "우리", "거리", "불꽃", "아침", "겨울"]),
}
ROMANIZED = [
    "Aoki", "Sato", "Tanaka", "Ivanov", "Petrova", "Smirnov", "Papadopoulos",
    "Nikolaou", "Wang", "Li", "Zhang", "Kim", "Park", "Lee", "Haruki", "Yuki",
    "Olga", "Dmitri", "Eleni", "Giorgos", "Mei", "Jun", "Minji", "Soo",
]

# Chance of each script for the text fields of a file, per profile.  The
# library profile leans on non-Latin text; the minimal one is mostly ASCII.
SCRIPT_WEIGHTS = {
    "minimal": {"ascii": 70, "accented": 14, "japanese": 4, "cyrillic": 4,
                "greek": 3, "chinese": 3, "korean": 2},
    "library": {"ascii": 34, "accented": 16, "japanese": 14, "cyrillic": 14,
                "greek": 8, "chinese": 7, "korean": 7},
}

# Characters outside the Basic Multilingual Plane: UTF-16 surrogate pairs.
EMOJI = ["\U0001F3B5", "\U0001F308", "\U0001F30A", "\U0001F525", "\U0001F319"]

GENRES = [
    "Rock", "Pop", "Electronic", "Jazz", "Classical", "Hip-Hop", "Folk", "Ambient",
    "Metal", "Soundtrack", "Blues", "Reggae", "Soul", "Techno", "Indie Rock",
    "J-Pop", "Synthpop", "Post-Rock", "Bossa Nova", "Drum and Bass",
]
LABELS = [
    "Northern Harbor Records", "Glass Orbit", "Velvet Static Recordings", "Ember Sound",
    "Lantern Music", "ソニー・ミュージック", "Мелодия", "Paper City Tapes", "Crimson Wave",
]
MEDIA = ["CD", "Digital Media", "12\" Vinyl", "Cassette", "Enhanced CD", "SACD"]
COUNTRIES = ["GB", "US", "JP", "DE", "RU", "GR", "FR", "KR", "CN", "XW", "XE"]
STATUSES = ["official", "promotion", "bootleg"]
RELEASE_TYPES = ["album", "single", "ep", "compilation", "album; live", "album; soundtrack"]
COMMENTS = [
    "Ripped from the original pressing", "Remastered edition", "Bonus track",
    "Live at the Harbor Hall", "Recorded in one take", "Promo copy",
]


def _words(rng, script, low, high):
    pool = SCRIPTS[script][2]
    joiner = "" if script in ("japanese", "chinese") else " "
    return joiner.join(rng.choice(pool) for _ in range(rng.randint(low, high)))


def _title_case(text, script):
    return text.title() if script in ("ascii", "accented") else text


def _name(rng, script):
    """A person's or band's name, and the sort name a tagger would write."""
    if script in ("ascii", "accented"):
        first, last = _words(rng, script, 1, 1).title(), _words(rng, script, 1, 1).title()
        if rng.random() < 0.3:
            return "The %s %s" % (first, last), "%s %s, The" % (first, last)
        return "%s %s" % (first, last), "%s, %s" % (last, first)
    name = _words(rng, script, 1, 2)
    first, last = rng.choice(ROMANIZED), rng.choice(ROMANIZED)
    return name, "%s, %s" % (last, first)


def _date(rng, low, high):
    year = rng.randint(low, high)
    if rng.random() < 0.4:
        return "%04d" % year, year
    return "%04d-%02d-%02d" % (year, rng.randint(1, 12), rng.randint(1, 28)), year


def _uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _barcode(rng):
    """An EAN-13 with a valid check digit."""
    digits = [rng.randint(0, 9) for _ in range(12)]
    check = -sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10
    return "".join(map(str, digits + [check]))


def _isrc(rng):
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "%s%s%02d%05d" % (rng.choice(["GB", "US", "JP", "DE", "FR"]),
                             "".join(rng.choice(letters) for _ in range(3)),
                             rng.randint(0, 99), rng.randint(0, 99999))


def _lyrics(rng, script):
    """1 to 3 KB (UTF-8) of verses: lines of words, a blank line between verses."""
    target = rng.randint(1024, 3072)
    lines, size = [], 0
    while size < target:
        line = _words(rng, script, 3, 8)
        line = line[0].upper() + line[1:]
        if lines and rng.random() < 0.15:
            line = "\n" + line
        lines.append(line)
        size += len(line.encode("utf-8")) + 1
    return "\n".join(lines)


def make_record(rng, profile, used_titles):
    """Draw one file's tags.  Values are lists of text, except track and disc
    ((number, total or None)), bpm (int) and compilation (bool)."""
    weights = SCRIPT_WEIGHTS[profile]

    def pick():
        return rng.choices(list(weights), list(weights.values()))[0]

    title_script = pick()
    while True:
        title = _title_case(_words(rng, title_script, 1, 5), title_script)
        if rng.random() < 0.05:
            title += " " + rng.choice(EMOJI)
        if title not in used_titles:
            used_titles.add(title)
            break
    artist_script = pick()
    artist, artist_sort = _name(rng, artist_script)
    album_script = pick()
    album = _title_case(_words(rng, album_script, 1, 4), album_script)
    date, year = _date(rng, 1960, 2025)
    track_total = rng.randint(8, 20)
    track = rng.randint(1, track_total)

    rec = {"title": [title], "artist": [artist], "album": [album], "date": [date]}
    if profile == "minimal":
        rec["track"] = (track, None)
        return rec

    rec["track"] = (track, track_total)
    disc_total = rng.choice([1, 1, 1, 2, 2, 3])
    rec["disc"] = (rng.randint(1, disc_total), disc_total)
    wanted = LIBRARY_ALWAYS + [k for k in LIBRARY_OPTIONAL if rng.random() < OPTIONAL_CHANCE]
    # a "Various Artists" album: a compilation, with MusicBrainz's id for VA
    various = rng.random() < 0.15
    if various:
        wanted.append("compilation")
    album_artist, album_artist_sort = (
        ("Various Artists", "Various Artists") if various else (artist, artist_sort))
    lyric_script = pick()
    values = {
        "albumartist": lambda: [album_artist],
        "artistsort": lambda: [artist_sort],
        "albumartistsort": lambda: [album_artist_sort],
        "albumsort": lambda: [album],
        "titlesort": lambda: [title],
        "composer": lambda: [_name(rng, pick())[0]],
        # one genre or two: two Vorbis comments, two MP4 values, two
        # strings in one ID3v2.4 frame, "A/B" in ID3v2.3
        "genre": lambda: rng.sample(GENRES, rng.choice([1, 1, 1, 2])),
        "grouping": lambda: [_title_case(_words(rng, "ascii", 1, 2), "ascii")],
        "bpm": lambda: rng.randint(60, 180),
        "compilation": lambda: True,
        "originaldate": lambda: [_date(rng, 1950, year)[0]],
        "isrc": lambda: [_isrc(rng)],
        "barcode": lambda: [_barcode(rng)],
        "catalognumber": lambda: ["%s-%d" % ("".join(rng.choice("ABCDEFGHKMNPRSTVX")
                                                     for _ in range(3)), rng.randint(100, 99999))],
        "label": lambda: [rng.choice(LABELS)],
        "media": lambda: [rng.choice(MEDIA)],
        "language": lambda: [SCRIPTS[lyric_script][1]],
        "script": lambda: [SCRIPTS[title_script][0]],
        "releasecountry": lambda: [rng.choice(COUNTRIES)],
        "releasestatus": lambda: [rng.choice(STATUSES)],
        "releasetype": lambda: [rng.choice(RELEASE_TYPES)],
        "mb_trackid": lambda: [_uuid(rng)],
        "mb_releasetrackid": lambda: [_uuid(rng)],
        "mb_albumid": lambda: [_uuid(rng)],
        # a featured artist gives two artist ids, as Picard writes them
        "mb_artistid": lambda: [_uuid(rng) for _ in range(rng.choice([1, 1, 1, 2]))],
        "mb_albumartistid": lambda: ["89ad4ac3-39f7-470e-963a-56509c546377"] if various
        else [_uuid(rng)],
        "mb_releasegroupid": lambda: [_uuid(rng)],
        "rg_track_gain": lambda: ["%.2f dB" % rng.uniform(-14.0, 2.0)],
        "rg_track_peak": lambda: ["%.6f" % rng.uniform(0.4, 1.2)],
        "rg_album_gain": lambda: ["%.2f dB" % rng.uniform(-12.0, 1.0)],
        "rg_album_peak": lambda: ["%.6f" % rng.uniform(0.6, 1.2)],
        "comment": lambda: [rng.choice(COMMENTS)],
        "lyrics": lambda: [_lyrics(rng, lyric_script)],
    }
    # Draw in table order so the record does not depend on set ordering.
    for key, *_ in FIELDS:
        if key in wanted:
            rec[key] = values[key]()
    return rec
