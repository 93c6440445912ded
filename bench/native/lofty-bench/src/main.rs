// SPDX-License-Identifier: GPL-2.0-or-later
//! lofty-bench: the lofty (Rust) side of cmutagen's native benchmark.
//!
//! Contract: bench/README.md, "Native programs".
//!
//!     lofty-bench --list LISTFILE --mode mem|path --rounds N [--dump]
//!
//! What one timed parse is
//! -----------------------
//! The list's format column picks the concrete lofty type (`FlacFile`,
//! `VorbisFile`, `OpusFile`, `MpegFile`, `Mp4File`), so lofty pays no format
//! detection, like every other side. `mem` reads from a `Cursor` over bytes
//! loaded (untimed) just before the parse; `path` opens the file in the timed
//! region and reads it through `BufReader<File>`, which is what lofty's own
//! `read_from_path` does. The timed region is parse + touch + drop of the
//! result. The raw tag views are walked (no conversion to lofty's unified
//! `Tag`, which other libraries would not pay for), and every key, value,
//! picture byte and audio property is fed into an FNV-1a-64 hash, so lazy or
//! dead work cannot hide; the hashes add up into the printed `checksum`.
//!
//! Parse options: properties and cover art on, `BestAttempt` mode. lofty's
//! "implicit conversions" are on for MP3 and MP4 only, because there they do
//! what mutagen does too (ID3v2.3 TYER/TDAT/TIME -> TDRC and v2.3 -> v2.4
//! frame ids; MP4 `gnre` -> `©gen`); for Vorbis comments they would split
//! TRACKNUMBER=3/12 into two fields, which mutagen does not, so they are off.
//!
//! `--dump` mapping (compared by bench/native/native.py)
//! ------------------------------------------------------
//! KEY is upper-cased (ASCII letters only, as ../common.h does); KEY and
//! value have `\` -> `\\` and newline -> `\n`.
//! * Vorbis comments (FLAC, Ogg Vorbis, Ogg Opus): one `tag` line per raw
//!   field, in file order. The vendor string is touched, not dumped (mutagen
//!   keeps it apart from the tags). lofty moves METADATA_BLOCK_PICTURE fields
//!   (and FLAC PICTURE blocks) into pictures: they become `picture` lines.
//! * ID3v2 (MP3): one line per frame, in file order, keyed like mutagen's
//!   frame keys: `TIT2`, `TXXX:<desc>`, `WXXX:<desc>`, `COMM:<desc>:<lang>`,
//!   `USLT:<desc>:<lang>`, `POPM:<email>` (value `rating/count`),
//!   `PRIV:<owner>` and `UFID:<owner>` (binary values), `RVA2:<ident>`
//!   (value `channel/adjustment/peakbits` per channel), `OWNE`
//!   (price, date, seller as three values), `ETCO` (`type/time` per event),
//!   `CHAP:<id>` (`start/end/startoffset/endoffset`) and `CTOC:<id>` (one
//!   value per entry), whose sub-frames are keyed `CHAP:<id>:<frame key>`.
//!   Text frames give one value per NUL-separated string; timestamps print as
//!   ISO 8601 (`2004-01-02T03:04`). KEY=VALUE pair frames (TIPL, TMCL) give
//!   one `role=name` value per pair. APIC frames become `picture` lines.
//!   Frames lofty keeps undecoded (GEOB, SYLT, unknown ids) are binary.
//!   Binary values print as `bin:<length>:<fnv1a-64 hex>`.
//! * ID3v1 (MP3): only when there is no ID3v2 tag (that is when mutagen shows
//!   it), as TIT2, TPE1, TALB, TDRC, `COMM:ID3V1 COMMENT:ENG`, TRCK and TCON
//!   (the genre name); with an ID3v2 tag it is touched, not dumped. An APE
//!   tag in an MP3 is neither (mutagen does not read it; lofty's parse cost
//!   for it is still timed).
//! * MP4 `ilst`: one line per data value, keyed by the atom ident (bytes as
//!   Latin-1: `©NAM`) or `----:<mean>:<name>` for freeform atoms. Text as is,
//!   integers in decimal, booleans 1/0, `trkn`/`disk` as `n/total`, other
//!   data binary. `covr` values are `picture` lines with type 3.
//! * `picture <type> <mime> <length> <fnv>`: type is the numeric APIC/FLAC
//!   picture type (MP4 covers: 3); mime is `-` when lofty has none.
//! * `prop` lines (informative): length (seconds), bitrate_kbps (lofty's
//!   audio bitrate), overall_bitrate_kbps, sample_rate, channels,
//!   bits_per_sample where the format has it.
//! * Touching follows ../common.h: text is FNV-1a-64 hashed with its length
//!   first, numbers as 8 bytes, pictures and binary values through the same
//!   four-lane bulk sum as `bench_touch_bulk`.
//! * A file lofty cannot read: `file <path>` then `error <message>`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use lofty::config::ParseOptions;
use lofty::file::AudioFile;
use lofty::flac::FlacFile;
use lofty::id3::v1::{Id3v1Tag, GENRES};
use lofty::id3::v2::{ChannelType, Frame};
use lofty::mp4::{AtomData, AtomIdent, Ilst, Mp4File};
use lofty::mpeg::MpegFile;
use lofty::ogg::tag::VorbisComments;
use lofty::ogg::{OggPictureStorage, OpusFile, VorbisFile};
use lofty::picture::Picture;
use lofty::tag::items::Timestamp;

// ---------------------------------------------------------------------------
// Allocation counting

/// Counts allocation calls and requested bytes while `COUNTING` is set. The
/// flag keeps the timed rounds free of the atomic read-modify-writes: they
/// only pay one relaxed load per allocation.
struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static ALLOC_BYTES: AtomicU64 = AtomicU64::new(0);

fn count(bytes: usize) {
    if COUNTING.load(Relaxed) {
        ALLOCS.fetch_add(1, Relaxed);
        ALLOC_BYTES.fetch_add(bytes as u64, Relaxed);
    }
}

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

// ---------------------------------------------------------------------------
// FNV-1a-64

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }
    h
}

fn hash_u64(h: u64, v: u64) -> u64 {
    fnv1a(h, &v.to_le_bytes())
}

/// Touch of bulk data (pictures, binary values), the same function as
/// `bench_touch_bulk` in ../common.h that the C and C++ programs use:
/// byte-wise FNV would cost a dependent multiply per byte and drown the
/// parse time of a file with a large cover, so every byte is read into four
/// independent 64-bit sums that are then folded into the FNV state.
fn touch_bulk(mut h: u64, data: &[u8]) -> u64 {
    let mut lanes = [0u64; 4];
    let mut chunks = data.chunks_exact(32);
    for chunk in &mut chunks {
        for (lane, word) in lanes.iter_mut().zip(chunk.chunks_exact(8)) {
            *lane = lane.wrapping_add(u64::from_le_bytes(word.try_into().unwrap()));
        }
    }
    h = fnv1a(h, chunks.remainder());
    for lane in lanes {
        h = hash_u64(h, lane);
    }
    hash_u64(h, data.len() as u64)
}

// ---------------------------------------------------------------------------
// What a parse yields, and the two consumers of it (hash, dump)

/// One piece of a tag key; keys are built from pieces so the hashing side
/// never allocates to join them.
#[derive(Clone, Copy)]
enum KeyPart<'a> {
    Str(&'a str),
    /// Bytes that are Latin-1 text: MP4 fourccs, ID3 language codes.
    Latin1(&'a [u8]),
}

enum Value<'a> {
    Text(&'a str),
    /// Printed joined by `/` (`trkn` n/total, POPM rating/count...).
    Ints(&'a [i64]),
    /// Printed `a=b` (ID3v2 TIPL/TMCL role=name).
    Pair(&'a str, &'a str),
    Bytes(&'a [u8]),
    Stamp(&'a Timestamp),
}

trait Sink {
    fn tag(&mut self, key: &[KeyPart<'_>], value: Value<'_>);
    fn picture(&mut self, kind: u8, mime: Option<&str>, data: &[u8]);
    fn prop(&mut self, name: &str, value: u64);
    fn length(&mut self, duration: Duration);
    /// Values that are read and touched but not part of the compared dump.
    fn touch(&mut self, bytes: &[u8]);
    /// Keys of the following tags start with `key` (ID3v2 CHAP/CTOC children).
    fn enter(&mut self, key: &[KeyPart<'_>]);
    fn leave(&mut self);
}

/// The timed consumer: every byte goes through FNV-1a.
struct Hasher(u64);

impl Hasher {
    fn bytes(&mut self, b: &[u8]) {
        self.0 = fnv1a(self.0, b);
    }
    /// Text is hashed with its length first, as ../common.h's programs do.
    fn text(&mut self, s: &str) {
        self.0 = fnv1a(hash_u64(self.0, s.len() as u64), s.as_bytes());
    }
    fn bulk(&mut self, b: &[u8]) {
        self.0 = touch_bulk(self.0, b);
    }
    fn key(&mut self, key: &[KeyPart<'_>]) {
        for part in key {
            match part {
                KeyPart::Str(s) => self.text(s),
                KeyPart::Latin1(b) => self.bytes(b),
            }
        }
    }
}

impl Sink for Hasher {
    fn tag(&mut self, key: &[KeyPart<'_>], value: Value<'_>) {
        self.key(key);
        match value {
            Value::Text(s) => self.text(s),
            Value::Ints(ints) => ints.iter().for_each(|&i| self.0 = hash_u64(self.0, i as u64)),
            Value::Pair(a, b) => {
                self.text(a);
                self.text(b);
            }
            Value::Bytes(b) => self.bulk(b),
            Value::Stamp(t) => {
                let opt = |v: Option<u8>| v.unwrap_or(0xff);
                self.bytes(&t.year.to_le_bytes());
                self.bytes(&[opt(t.month), opt(t.day), opt(t.hour), opt(t.minute), opt(t.second)]);
            }
        }
    }
    fn picture(&mut self, kind: u8, mime: Option<&str>, data: &[u8]) {
        self.0 = hash_u64(self.0, kind.into());
        self.text(mime.unwrap_or(""));
        self.bulk(data);
    }
    fn prop(&mut self, _name: &str, value: u64) {
        self.0 = hash_u64(self.0, value);
    }
    fn length(&mut self, duration: Duration) {
        self.bytes(&duration.as_nanos().to_le_bytes());
    }
    fn touch(&mut self, bytes: &[u8]) {
        self.bytes(bytes);
    }
    fn enter(&mut self, key: &[KeyPart<'_>]) {
        self.key(key);
    }
    fn leave(&mut self) {}
}

/// The `--dump` consumer: the canonical text form of bench/README.md.
#[derive(Default)]
struct Dumper {
    out: String,
    /// Key prefixes entered (ID3v2 chapters), each ending in `:`.
    prefix: Vec<String>,
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn key_text(key: &[KeyPart<'_>]) -> String {
    let mut raw = String::new();
    for (i, part) in key.iter().enumerate() {
        if i > 0 {
            raw.push(':');
        }
        match part {
            KeyPart::Str(s) => raw.push_str(s),
            KeyPart::Latin1(b) => raw.extend(b.iter().map(|&c| char::from(c))),
        }
    }
    // ASCII only, like ../common.h (a TXXX description in another script
    // stays as written on every side).
    raw.make_ascii_uppercase();
    raw
}

impl Sink for Dumper {
    fn tag(&mut self, key: &[KeyPart<'_>], value: Value<'_>) {
        let mut key_full: String = self.prefix.concat();
        key_full.push_str(&key_text(key));
        let value = match value {
            Value::Text(s) => s.to_string(),
            Value::Ints(ints) => ints.iter().map(i64::to_string).collect::<Vec<_>>().join("/"),
            Value::Pair(a, b) => format!("{a}={b}"),
            Value::Bytes(b) => format!("bin:{}:{:016x}", b.len(), fnv1a(FNV_OFFSET, b)),
            Value::Stamp(t) => t.to_string(),
        };
        self.out.push_str("tag ");
        escape_into(&mut self.out, &key_full);
        self.out.push('=');
        escape_into(&mut self.out, &value);
        self.out.push('\n');
    }
    fn picture(&mut self, kind: u8, mime: Option<&str>, data: &[u8]) {
        let mime = mime.filter(|m| !m.is_empty()).unwrap_or("-");
        let hash = fnv1a(FNV_OFFSET, data);
        let _ = writeln!(self.out, "picture {kind} {mime} {} {hash:016x}", data.len());
    }
    fn prop(&mut self, name: &str, value: u64) {
        let _ = writeln!(self.out, "prop {name}={value}");
    }
    fn length(&mut self, duration: Duration) {
        let _ = writeln!(self.out, "prop length={:.6}", duration.as_secs_f64());
    }
    fn touch(&mut self, _bytes: &[u8]) {}
    fn enter(&mut self, key: &[KeyPart<'_>]) {
        self.prefix.push(key_text(key) + ":");
    }
    fn leave(&mut self) {
        self.prefix.pop();
    }
}

// ---------------------------------------------------------------------------
// Walking lofty's raw tag views

fn visit_picture<S: Sink>(s: &mut S, kind: u8, picture: &Picture) {
    s.picture(kind, picture.mime_type().map(|m| m.as_str()), picture.data());
    s.touch(picture.description().unwrap_or("").as_bytes());
}

fn visit_vorbis<S: Sink>(s: &mut S, vc: &VorbisComments) {
    s.touch(vc.vendor().as_bytes());
    for (key, value) in vc.items() {
        s.tag(&[KeyPart::Str(key)], Value::Text(value));
    }
    for (picture, _) in vc.pictures() {
        visit_picture(s, picture.pic_type().as_u8(), picture);
    }
}

/// ID3v2 text frames hold several values separated by NULs.
fn text_values<S: Sink>(s: &mut S, key: &[KeyPart<'_>], text: &str) {
    for value in text.trim_end_matches('\0').split('\0') {
        s.tag(key, Value::Text(value));
    }
}

fn visit_frames<'f, 'g: 'f, S: Sink>(s: &mut S, frames: impl IntoIterator<Item = &'f Frame<'g>>) {
    use KeyPart::{Latin1, Str};
    for frame in frames {
        match frame {
            Frame::Text(f) => text_values(s, &[Str(f.id().as_str())], &f.value),
            Frame::UserText(f) => text_values(s, &[Str("TXXX"), Str(&f.description)], &f.content),
            Frame::Comment(f) => s.tag(
                &[Str("COMM"), Str(&f.description), Latin1(&f.language)],
                Value::Text(&f.content),
            ),
            Frame::UnsynchronizedText(f) => s.tag(
                &[Str("USLT"), Str(&f.description), Latin1(&f.language)],
                Value::Text(&f.content),
            ),
            Frame::Url(f) => s.tag(&[Str(f.id().as_str())], Value::Text(f.url())),
            Frame::UserUrl(f) => s.tag(&[Str("WXXX"), Str(&f.description)], Value::Text(&f.content)),
            Frame::Picture(f) => visit_picture(s, f.picture.pic_type().as_u8(), &f.picture),
            Frame::Popularimeter(f) => s.tag(
                &[Str("POPM"), Str(&f.email)],
                Value::Ints(&[i64::from(f.rating), f.counter as i64]),
            ),
            Frame::KeyValue(f) => {
                for (k, v) in f.key_value_pairs.iter() {
                    s.tag(&[Str(f.id().as_str())], Value::Pair(k, v));
                }
            }
            Frame::RelativeVolumeAdjustment(f) => {
                // A HashMap: walk it in channel order so the dump is stable.
                for channel in (0..=8u8).filter_map(|c| ChannelType::try_from(c).ok()) {
                    if let Some(info) = f.channels.get(&channel) {
                        let ints = [
                            channel as i64,
                            i64::from(info.volume_adjustment),
                            i64::from(info.bits_representing_peak),
                        ];
                        s.tag(&[Str("RVA2"), Str(&f.identification)], Value::Ints(&ints));
                        s.touch(info.peak_volume.as_deref().unwrap_or(&[]));
                    }
                }
            }
            Frame::UniqueFileIdentifier(f) => {
                s.tag(&[Str("UFID"), Str(&f.owner)], Value::Bytes(&f.identifier))
            }
            Frame::Ownership(f) => {
                for value in [&f.price_paid, &f.date_of_purchase, &f.seller] {
                    s.tag(&[Str("OWNE")], Value::Text(value));
                }
            }
            Frame::EventTimingCodes(f) => {
                s.touch(&[f.timestamp_format as u8]);
                for event in f.events.iter() {
                    let ints = [event.event_type as i64, i64::from(event.timestamp)];
                    s.tag(&[Str("ETCO")], Value::Ints(&ints));
                }
            }
            Frame::Private(f) => s.tag(&[Str("PRIV"), Str(&f.owner)], Value::Bytes(&f.private_data)),
            Frame::Timestamp(f) => s.tag(&[Str(f.id().as_str())], Value::Stamp(&f.timestamp)),
            Frame::Chapter(f) => {
                let key = [Str("CHAP"), Str(&f.id)];
                let ints = [f.times.start, f.times.end, f.offsets.start, f.offsets.end].map(i64::from);
                s.tag(&key, Value::Ints(&ints));
                s.enter(&key);
                visit_frames(s, f.children.iter());
                s.leave();
            }
            Frame::TableOfContents(f) => {
                let key = [Str("CTOC"), Str(&f.id)];
                s.touch(&[u8::from(f.flags.top_level), u8::from(f.flags.ordered)]);
                for entry in f.entries.iter() {
                    s.tag(&key, Value::Text(entry));
                }
                s.enter(&key);
                visit_frames(s, f.children.iter());
                s.leave();
            }
            Frame::Binary(f) => s.tag(&[Str(f.id().as_str())], Value::Bytes(&f.data)),
            // Frame is #[non_exhaustive]: a kind added by a later lofty still
            // gets its id touched; the dump shows it so the gate notices.
            other => s.tag(&[Str(other.id().as_str())], Value::Text("?")),
        }
    }
}

fn visit_id3v1<S: Sink>(s: &mut S, v1: &Id3v1Tag) {
    use KeyPart::Str;
    let texts = [
        ("TIT2", &v1.title),
        ("TPE1", &v1.artist),
        ("TALB", &v1.album),
    ];
    for (id, text) in texts {
        if let Some(text) = text {
            s.tag(&[Str(id)], Value::Text(text));
        }
    }
    if let Some(year) = v1.year {
        s.tag(&[Str("TDRC")], Value::Ints(&[i64::from(year)]));
    }
    if let Some(comment) = &v1.comment {
        s.tag(&[Str("COMM"), Str("ID3v1 Comment"), Str("eng")], Value::Text(comment));
    }
    if let Some(track) = v1.track_number {
        s.tag(&[Str("TRCK")], Value::Ints(&[i64::from(track)]));
    }
    if let Some(genre) = v1.genre {
        match GENRES.get(usize::from(genre)) {
            Some(name) => s.tag(&[Str("TCON")], Value::Text(name)),
            None => s.tag(&[Str("TCON")], Value::Ints(&[i64::from(genre)])),
        }
    }
}

/// Touches an ID3v1 tag without dumping it (it is hidden behind an ID3v2 tag).
fn touch_id3v1<S: Sink>(s: &mut S, v1: &Id3v1Tag) {
    for text in [&v1.title, &v1.artist, &v1.album, &v1.comment].into_iter().flatten() {
        s.touch(text.as_bytes());
    }
    s.touch(&v1.year.unwrap_or(0).to_le_bytes());
    s.touch(&[v1.track_number.unwrap_or(0), v1.genre.unwrap_or(0)]);
}

fn visit_ilst<S: Sink>(s: &mut S, ilst: &Ilst) {
    use KeyPart::{Latin1, Str};
    for atom in ilst {
        let fourcc;
        let key_parts;
        let key: &[KeyPart<'_>] = match atom.ident() {
            AtomIdent::Fourcc(code) => {
                fourcc = *code;
                key_parts = [Latin1(&fourcc), Str(""), Str("")];
                &key_parts[..1]
            }
            AtomIdent::Freeform { mean, name } => {
                key_parts = [Str("----"), Str(mean), Str(name)];
                &key_parts[..]
            }
        };
        // trkn/disk are implicit-type data: 2 pad bytes, n, total (big endian).
        let is_pair = matches!(key, [Latin1(b"trkn")] | [Latin1(b"disk")]);
        for data in atom.data() {
            match data {
                AtomData::UTF8(text) | AtomData::UTF16(text) => s.tag(key, Value::Text(text)),
                AtomData::Picture(picture) => visit_picture(s, 3, picture),
                AtomData::SignedInteger(i) => s.tag(key, Value::Ints(&[i64::from(*i)])),
                AtomData::UnsignedInteger(u) => s.tag(key, Value::Ints(&[i64::from(*u)])),
                AtomData::Bool(b) => s.tag(key, Value::Ints(&[i64::from(*b)])),
                AtomData::Unknown { code, data } => {
                    s.touch(&u32::from(*code).to_le_bytes());
                    if is_pair && data.len() >= 6 {
                        let be16 = |i: usize| i64::from(u16::from_be_bytes([data[i], data[i + 1]]));
                        s.tag(key, Value::Ints(&[be16(2), be16(4)]));
                    } else {
                        s.tag(key, Value::Bytes(data));
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Formats

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Mp3,
    Flac,
    OggVorbis,
    OggOpus,
    Mp4,
}

/// The manifest's format names (bench/README.md) and the lofty type each maps to.
const FORMATS: &[(&str, Format)] = &[
    ("mp3-id3v23", Format::Mp3),
    ("mp3-id3v24", Format::Mp3),
    ("flac", Format::Flac),
    ("ogg-vorbis", Format::OggVorbis),
    ("ogg-opus", Format::OggOpus),
    ("m4a-aac", Format::Mp4),
    ("m4a-alac", Format::Mp4),
];

fn parse_options(format: Format) -> ParseOptions {
    // See the top comment for why implicit conversions differ by format.
    let implicit = matches!(format, Format::Mp3 | Format::Mp4);
    ParseOptions::new()
        .read_properties(true)
        .read_tags(true)
        .read_cover_art(true)
        .implicit_conversions(implicit)
}

/// lofty's top-level message is only "failed to parse X file"; the reason
/// is in the source chain.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let _ = write!(text, ": {s}");
        source = s.source();
    }
    text
}

/// The properties every non-MP4 format has, under the same names (each
/// format's properties are their own type, with no shared trait).
macro_rules! common_props {
    ($s:expr, $p:expr, $sample_rate:expr) => {{
        $s.length($p.duration());
        $s.prop("bitrate_kbps", $p.audio_bitrate().into());
        $s.prop("overall_bitrate_kbps", $p.overall_bitrate().into());
        $s.prop("sample_rate", $sample_rate.into());
        $s.prop("channels", $p.channels().into());
    }};
}

/// Parses one file of `format` from `reader` and feeds the result to `s`.
fn read_into<R: Read + Seek, S: Sink>(format: Format, reader: &mut R, s: &mut S) -> Result<(), String> {
    let options = parse_options(format);
    let err = |e: lofty::error::FileParseError| error_chain(&e);
    match format {
        Format::Flac => {
            let file = FlacFile::read_from(reader, options).map_err(err)?;
            if let Some(vc) = file.vorbis_comments() {
                visit_vorbis(s, vc);
            }
            for (picture, _) in file.pictures() {
                visit_picture(s, picture.pic_type().as_u8(), picture);
            }
            if let Some(id3) = file.id3v2() {
                visit_frames(s, id3);
            }
            let p = file.properties();
            common_props!(s, p, p.sample_rate());
            s.prop("bits_per_sample", p.bit_depth().into());
            s.touch(&p.signature().to_le_bytes());
        }
        Format::OggVorbis => {
            let file = VorbisFile::read_from(reader, options).map_err(err)?;
            visit_vorbis(s, file.vorbis_comments());
            let p = file.properties();
            common_props!(s, p, p.sample_rate());
            s.touch(&p.bitrate_nominal().to_le_bytes());
        }
        Format::OggOpus => {
            let file = OpusFile::read_from(reader, options).map_err(err)?;
            visit_vorbis(s, file.vorbis_comments());
            let p = file.properties();
            common_props!(s, p, p.input_sample_rate());
        }
        Format::Mp3 => {
            let file = MpegFile::read_from(reader, options).map_err(err)?;
            match (file.id3v2(), file.id3v1()) {
                (Some(v2), v1) => {
                    visit_frames(s, v2);
                    if let Some(v1) = v1 {
                        touch_id3v1(s, v1);
                    }
                }
                (None, Some(v1)) => visit_id3v1(s, v1),
                (None, None) => {}
            }
            let p = file.properties();
            common_props!(s, p, p.sample_rate());
        }
        Format::Mp4 => {
            let file = Mp4File::read_from(reader, options).map_err(err)?;
            if let Some(ilst) = file.ilst() {
                visit_ilst(s, ilst);
            }
            let p = file.properties();
            s.length(p.duration());
            let props = [
                ("bitrate_kbps", p.audio_bitrate().map(u64::from)),
                ("overall_bitrate_kbps", p.overall_bitrate().map(u64::from)),
                ("sample_rate", p.sample_rate().map(u64::from)),
                ("channels", p.channels().map(u64::from)),
                ("bits_per_sample", p.bit_depth().map(u64::from)),
            ];
            for (name, value) in props {
                if let Some(value) = value {
                    s.prop(name, value);
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// One measured parse

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Mem,
    Path,
}

struct Entry {
    path: String,
    format: Format,
}

/// Parse + touch of one file; returns its hash. In `mem` mode `data` holds
/// the file's bytes (loaded by the caller, untimed); in `path` mode the file
/// is opened and read here.
fn parse_once(entry: &Entry, mode: Mode, data: &[u8]) -> Result<u64, String> {
    let mut h = Hasher(FNV_OFFSET);
    match mode {
        Mode::Mem => read_into(entry.format, &mut Cursor::new(data), &mut h)?,
        Mode::Path => {
            let file = File::open(&entry.path).map_err(|e| e.to_string())?;
            read_into(entry.format, &mut BufReader::new(file), &mut h)?
        }
    }
    Ok(h.0)
}

fn load(entry: &Entry, mode: Mode) -> Result<Vec<u8>, String> {
    match mode {
        Mode::Mem => std::fs::read(&entry.path).map_err(|e| format!("{}: {e}", entry.path)),
        Mode::Path => Ok(Vec::new()),
    }
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

// ---------------------------------------------------------------------------
// Command line, list file, output

struct Args {
    list: String,
    mode: Mode,
    rounds: usize,
    dump: bool,
}

const USAGE: &str = "usage: lofty-bench --list LISTFILE --mode mem|path --rounds N [--dump]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args { list: String::new(), mode: Mode::Mem, rounds: 1, dump: false };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--list" => args.list = value()?,
            "--mode" => {
                args.mode = match value()?.as_str() {
                    "mem" => Mode::Mem,
                    "path" => Mode::Path,
                    other => return Err(format!("unknown mode {other:?}")),
                }
            }
            "--rounds" => {
                args.rounds = value()?.parse().map_err(|_| "--rounds needs a number".to_string())?;
                if args.rounds == 0 {
                    return Err("--rounds must be at least 1".into());
                }
            }
            "--dump" => args.dump = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if args.list.is_empty() {
        return Err("--list is required".into());
    }
    Ok(args)
}

fn read_list(path: &str) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
        let mut cols = line.split('\t');
        let (Some(file), Some(format)) = (cols.next(), cols.next()) else {
            return Err(format!("{path}:{}: expected path<TAB>format<TAB>ranges", n + 1));
        };
        let Some(&(_, format)) = FORMATS.iter().find(|(name, _)| *name == format) else {
            return Err(format!("{path}:{}: unknown format {format:?}", n + 1));
        };
        entries.push(Entry { path: file.to_string(), format });
    }
    Ok(entries)
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_numbers(out: &mut String, name: &str, values: &[Option<u64>]) {
    let _ = write!(out, ", \"{name}\": [");
    for (i, v) in values.iter().enumerate() {
        out.push_str(if i > 0 { ", " } else { "" });
        match v {
            Some(v) => {
                let _ = write!(out, "{v}");
            }
            None => out.push_str("null"),
        }
    }
    out.push(']');
}

fn dump(entries: &[Entry]) {
    let mut out = String::new();
    for entry in entries {
        let mut d = Dumper::default();
        let result = load(entry, Mode::Mem)
            .and_then(|data| read_into(entry.format, &mut Cursor::new(&data[..]), &mut d));
        out.push_str("file ");
        out.push_str(&entry.path);
        out.push('\n');
        match result {
            Ok(()) => out.push_str(&d.out),
            Err(e) => {
                out.push_str("error ");
                escape_into(&mut out, &e);
                out.push('\n');
            }
        }
    }
    print!("{out}");
}

/// How long the untimed passes last at least, as `BENCH_WARMUP_MS` in
/// ../common.h: the syscalls of the first milliseconds of a fresh process
/// run slower, and native.py times one round per process.
const WARMUP: Duration = Duration::from_millis(10);

/// One pass over the files that have not failed, each parse timed; with
/// `times` the times are kept (a round), without it not (a warm-up pass).
/// A file failing now, after the first pass read it, changed or vanished:
/// it gets the error. Returns the sum of the pass's hashes.
fn pass(
    entries: &[Entry],
    mode: Mode,
    errors: &mut [Option<String>],
    mut times: Option<&mut [Vec<u64>]>,
) -> u64 {
    let mut sum: u64 = 0;
    for (i, entry) in entries.iter().enumerate() {
        if errors[i].is_some() {
            continue;
        }
        let data = match load(entry, mode) {
            Ok(data) => data,
            Err(e) => {
                errors[i] = Some(e);
                continue;
            }
        };
        let start = Instant::now();
        let result = parse_once(entry, mode, std::hint::black_box(&data));
        let ns = start.elapsed().as_nanos() as u64;
        match result {
            Ok(h) => {
                sum = sum.wrapping_add(std::hint::black_box(h));
                if let Some(times) = times.as_deref_mut() {
                    times[i].push(ns);
                }
            }
            Err(e) => errors[i] = Some(e),
        }
    }
    sum
}

fn bench(entries: &[Entry], mode: Mode, rounds: usize) {
    let n = entries.len();
    let mut errors: Vec<Option<String>> = vec![None; n];
    let mut allocs = vec![None; n];
    let mut alloc_bytes = vec![None; n];
    let mut checksum: u64 = 0;

    // Untimed pass: allocations of one parse, and which files lofty rejects.
    let warmup_start = Instant::now();
    for (i, entry) in entries.iter().enumerate() {
        let data = match load(entry, mode) {
            Ok(data) => data,
            Err(e) => {
                errors[i] = Some(e);
                continue;
            }
        };
        ALLOCS.store(0, Relaxed);
        ALLOC_BYTES.store(0, Relaxed);
        COUNTING.store(true, Relaxed);
        let result = parse_once(entry, mode, &data);
        COUNTING.store(false, Relaxed);
        match result {
            Ok(h) => {
                checksum = checksum.wrapping_add(h);
                allocs[i] = Some(ALLOCS.load(Relaxed));
                alloc_bytes[i] = Some(ALLOC_BYTES.load(Relaxed));
            }
            Err(e) => errors[i] = Some(e),
        }
    }

    // More untimed passes until warm. Their number depends on the clock, so
    // their hashes are kept out of the checksum native.py compares.
    while warmup_start.elapsed() < WARMUP {
        std::hint::black_box(pass(entries, mode, &mut errors, None));
    }

    // Timed rounds: each round walks the whole list in order.
    let mut times: Vec<Vec<u64>> = vec![Vec::with_capacity(rounds); n];
    for _ in 0..rounds {
        checksum = checksum.wrapping_add(pass(entries, mode, &mut errors, Some(&mut times)));
    }
    let ns: Vec<Option<u64>> = times
        .into_iter()
        .zip(&errors)
        .map(|(t, e)| if e.is_none() && !t.is_empty() { Some(median(t)) } else { None })
        .collect();
    let failed = |v: Vec<Option<u64>>| -> Vec<Option<u64>> {
        v.into_iter().zip(&errors).map(|(v, e)| if e.is_none() { v } else { None }).collect()
    };

    let mut out = String::from("{\"library\": \"lofty\", \"version\": ");
    json_string(&mut out, env!("LOFTY_VERSION"));
    out.push_str(", \"mode\": ");
    json_string(&mut out, if mode == Mode::Mem { "mem" } else { "path" });
    let _ = write!(out, ", \"rounds\": {rounds}");
    json_numbers(&mut out, "ns", &ns);
    json_numbers(&mut out, "allocs", &failed(allocs));
    json_numbers(&mut out, "alloc_bytes", &failed(alloc_bytes));
    out.push_str(", \"errors\": [");
    for (i, e) in errors.iter().enumerate() {
        out.push_str(if i > 0 { ", " } else { "" });
        match e {
            Some(e) => json_string(&mut out, e),
            None => out.push_str("null"),
        }
    }
    let _ = write!(out, "], \"checksum\": \"{checksum:016x}\"}}");
    println!("{out}");
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("lofty-bench: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let entries = match read_list(&args.list) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("lofty-bench: {e}");
            std::process::exit(2);
        }
    };
    if args.dump {
        dump(&entries);
    } else {
        bench(&entries, args.mode, args.rounds);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values from ../common.h's bench_fnv1a and bench_touch_bulk,
    /// so the lofty program touches bytes exactly as the C/C++ ones do.
    #[test]
    fn hashes_match_common_h() {
        assert_eq!(fnv1a(FNV_OFFSET, b"abc"), 0xe71f_a219_0541_574b);
        let data: Vec<u8> = (0..100u32).map(|i| (i * 7 + 3) as u8).collect();
        assert_eq!(touch_bulk(FNV_OFFSET, &data), 0x10e5_f106_49cd_f65e);
    }

    #[test]
    fn dump_escapes_and_upper_cases_ascii_only() {
        let mut d = Dumper::default();
        d.tag(&[KeyPart::Str("TXXX"), KeyPart::Str("caf\u{e9}")], Value::Text("a\\b\nc"));
        assert_eq!(d.out, "tag TXXX:CAF\u{e9}=a\\\\b\\nc\n");
    }
}
