/* cmutagen._native: the bridge from libcmutagen's documents to Python values.
 *
 * Each read function returns plain tuples, lists, str and bytes; the Python
 * modules (cmutagen.flac, ...) wrap them in mutagen's classes.  Failures are
 * raised as _native.ParseError(status, part, message, offset), which the
 * Python side maps onto the exception class mutagen raises for that case;
 * I/O failures are raised as OSError.
 *
 * Multi-phase init, module state, heap types: no global mutable state.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmutagen.h"
#include "core/error.h"
#include "core/arena.h"
#include "core/cursor.h"
#include "mpeg/mpeg.h"
#include "vorbis/vcomment.h"
#include "flac.h"
#include "id3_objects.h"
#include "native.h"
#include "ogg.h"
#include "mp4.h"
#include "pread.h"
#include "pymethods.h"
#include "read_path.h"
#include "score.h"

typedef struct native_state {
    PyObject *parse_error; /* _native.ParseError */
    cm_py_score_state score_state;
} native_state;

static native_state *get_state(PyObject *module)
{
    return (native_state *)PyModule_GetState(module);
}

cm_py_score_state *cm_py_get_score_state(PyObject *module)
{
    return &get_state(module)->score_state;
}

static const char *part_name(cm_error_part part)
{
    switch (part) {
    case CM_PART_CONTAINER: return "container";
    case CM_PART_VORBIS: return "vorbis";
    case CM_PART_ID3: return "id3";
    default: return "";
    }
}

static PyObject *raise_error(PyObject *module, const cm_error *err, PyObject *path)
{
    if (err->code == CM_ERR_NOMEM)
        return PyErr_NoMemory();
    if (err->code == CM_ERR_IO && err->sys_errno) {
        errno = err->sys_errno;
        return PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path);
    }
    PyObject *args = Py_BuildValue("(sssK)", cm_status_name(err->code), part_name(err->part),
                                   err->msg, (unsigned long long)err->offset);
    if (args) {
        PyErr_SetObject(get_state(module)->parse_error, args);
        Py_DECREF(args);
    }
    return NULL;
}

/* ---- Vorbis comments ---------------------------------------------------- */

/* How undecodable comment bytes are treated, as in mutagen's `errors`
 * argument: "strict" raises, "replace" substitutes, "ignore" drops. */
typedef enum vc_errors { VC_STRICT, VC_REPLACE, VC_IGNORE } vc_errors;

static const char *const vc_errors_names[] = {"strict", "replace", "ignore"};

static int parse_vc_errors(const char *name, vc_errors *out)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(name, vc_errors_names[i]) == 0) {
            *out = (vc_errors)i;
            return 0;
        }
    }
    PyErr_Format(PyExc_ValueError, "errors must be 'strict', 'replace' or 'ignore', not '%s'",
                 name);
    return -1;
}

static PyObject *raise_vorbis_invalid(PyObject *module, const char *fmt, PyObject *what)
{
    PyObject *msg = PyUnicode_FromFormat(fmt, what);
    if (!msg)
        return NULL;
    PyObject *args = Py_BuildValue("(ssNK)", cm_status_name(CM_ERR_INVALID), "vorbis", msg,
                                   0ULL);
    if (args) {
        PyErr_SetObject(get_state(module)->parse_error, args);
        Py_DECREF(args);
    }
    return NULL;
}

/* A Vorbis comment field name is printable ASCII 0x20..0x7D without '='. */
static bool valid_key_char(Py_UCS4 c)
{
    return c >= 0x20 && c <= 0x7d && c != '=';
}

static PyObject *decode_text(cm_str s, vc_errors errors)
{
    return PyUnicode_DecodeUTF8(s.ptr, (Py_ssize_t)s.len, vc_errors_names[errors]);
}

/* The key as the ASCII mutagen shows: a non-ASCII character raises
 * (strict), becomes '?' (replace) or is dropped (ignore).  Returns a new
 * str, Py_None for a key that is not a valid field name (such entries are
 * skipped in every mode), or NULL with an exception set. */
static PyObject *ascii_key(PyObject *module, PyObject *key, vc_errors errors)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(key);
    PyObject *ascii = PyUnicode_New(n, 127);
    if (!ascii)
        return NULL;
    Py_ssize_t len = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(key, i);
        if (c > 127) {
            if (errors == VC_STRICT) {
                Py_DECREF(ascii);
                return raise_vorbis_invalid(module, "invalid tag name %R", key);
            }
            if (errors == VC_IGNORE)
                continue;
            c = '?';
        }
        PyUnicode_WRITE(PyUnicode_1BYTE_KIND, PyUnicode_DATA(ascii), len++, c);
    }
    bool valid = len > 0;
    for (Py_ssize_t i = 0; valid && i < len; i++)
        valid = valid_key_char(PyUnicode_READ(PyUnicode_1BYTE_KIND, PyUnicode_DATA(ascii), i));
    if (!valid) {
        Py_DECREF(ascii);
        Py_RETURN_NONE;
    }
    if (len == n)
        return ascii;
    PyObject *shorter = PyUnicode_Substring(ascii, 0, len);
    Py_DECREF(ascii);
    return shorter;
}

/* One entry as a (key, value) tuple, Py_None to skip it, or NULL.  The whole
 * entry is decoded at once so a strict decoding error reports its position
 * in the entry, as mutagen's does. */
static PyObject *build_entry(PyObject *module, const cm_vcomment_entry *e, size_t index,
                             vc_errors errors)
{
    cm_str whole = {e->key.ptr,
                    e->has_equals ? e->key.len + 1 + e->value.len : e->key.len};
    PyObject *text = decode_text(whole, errors);
    if (!text)
        return NULL;
    PyObject *key = NULL, *value = NULL, *pair = NULL;
    Py_ssize_t eq = e->has_equals ? PyUnicode_FindChar(text, '=', 0, PY_SSIZE_T_MAX, 1) : -1;
    if (eq == -2)
        goto done;
    if (eq < 0) {
        /* An entry without '=' (after decoding: "ignore" may drop bytes but
         * never '=' itself). */
        if (errors == VC_STRICT) {
            raise_vorbis_invalid(module, "comment %R has no '=' between name and value", text);
            goto done;
        }
        if (errors == VC_IGNORE) {
            pair = Py_None;
            Py_INCREF(pair);
            goto done;
        }
        key = PyUnicode_FromFormat("unknown%zu", index);
        value = text;
        Py_INCREF(value);
    } else {
        PyObject *raw_key = PyUnicode_Substring(text, 0, eq);
        if (!raw_key)
            goto done;
        key = ascii_key(module, raw_key, errors);
        Py_DECREF(raw_key);
        if (key == Py_None) {
            pair = key;
            key = NULL;
            goto done;
        }
        value = key ? PyUnicode_Substring(text, eq + 1, PY_SSIZE_T_MAX) : NULL;
    }
    if (key && value)
        pair = PyTuple_Pack(2, key, value);
done:
    Py_DECREF(text);
    Py_XDECREF(key);
    Py_XDECREF(value);
    return pair;
}

/* (vendor, [(key, value), ...]) */
static PyObject *build_vcomment(PyObject *module, const cm_vcomment *vc, vc_errors errors)
{
    PyObject *vendor = decode_text(vc->vendor, errors);
    PyObject *items = vendor ? PyList_New(0) : NULL;
    if (!items)
        goto fail;
    for (size_t i = 0; i < vc->count; i++) {
        PyObject *pair = build_entry(module, &vc->entries[i], i, errors);
        if (!pair)
            goto fail;
        int rc = pair == Py_None ? 0 : PyList_Append(items, pair);
        Py_DECREF(pair);
        if (rc < 0)
            goto fail;
    }
    PyObject *result = PyTuple_Pack(2, vendor, items);
    Py_DECREF(vendor);
    Py_DECREF(items);
    return result;
fail:
    Py_XDECREF(vendor);
    Py_XDECREF(items);
    return NULL;
}

PyDoc_STRVAR(read_vcomment_doc,
"read_vcomment(data, framing, errors)\n--\n\n"
"Parse a Vorbis comment block at the start of `data`, decoding text with\n"
"`errors` ('strict', 'replace' or 'ignore').  Returns (vendor,\n"
"[(key, value), ...], bytes_consumed, framing_bit).  As mutagen reads it,\n"
"the last comment may be cut short by the end of the data (it is kept as\n"
"far as it goes); framing_bit is None when `framing` asks for a framing\n"
"byte and the data has none left (mutagen raises IndexError there, after\n"
"decoding the comments).");

static PyObject *read_vcomment(PyObject *module, PyObject *args)
{
    Py_buffer view;
    int framing;
    const char *errors_name;
    vc_errors errors;
    if (!PyArg_ParseTuple(args, "y*ps:read_vcomment", &view, &framing, &errors_name))
        return NULL;
    if (parse_vc_errors(errors_name, &errors) < 0) {
        PyBuffer_Release(&view);
        return NULL;
    }
    cm_arena arena;
    cm_arena_init(&arena);
    cm_cursor cur = cm_cursor_make(view.buf, (size_t)view.len);
    cm_vcomment *vc = NULL;
    cm_error err;
    PyObject *result = NULL;
    /* The framing byte is looked at here rather than by the parser: a
     * missing one is reported after the comments are decoded, the order
     * in which mutagen meets the two errors. */
    if (cm_vcomment_parse_ex(&cur, CM_VC_CUT_LAST_STRING, 0, &arena, &vc, &err) != CM_OK) {
        raise_error(module, &err, NULL);
    } else {
        PyObject *parsed = build_vcomment(module, vc, errors);
        PyObject *framing_bit = Py_None;
        uint8_t bit;
        if (framing && cm_u8(&cur, &bit))
            framing_bit = bit & 1 ? Py_True : Py_False;
        if (parsed)
            result = Py_BuildValue("(OOnO)", PyTuple_GET_ITEM(parsed, 0),
                                   PyTuple_GET_ITEM(parsed, 1), (Py_ssize_t)cur.pos,
                                   framing_bit);
        Py_XDECREF(parsed);
    }
    cm_arena_release(&arena);
    PyBuffer_Release(&view);
    return result;
}

/* ---- ID3 ---------------------------------------------------------------- */

static PyObject *str_of(cm_str s)
{
    /* the parser hands out valid UTF-8 only (the views decode or reject) */
    return PyUnicode_DecodeUTF8(s.ptr, (Py_ssize_t)s.len, "surrogateescape");
}

static PyObject *bytes_of(cm_bytes b)
{
    return PyBytes_FromStringAndSize((const char *)b.ptr, (Py_ssize_t)b.len);
}

static PyObject *text_list(const cm_id3_frame *f)
{
    PyObject *list = PyList_New((Py_ssize_t)f->text_count);
    if (!list)
        return NULL;
    for (size_t i = 0; i < f->text_count; i++) {
        PyObject *v = str_of(f->text[i]);
        if (!v) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, v);
    }
    return list;
}

/* The decoded view of a frame (see read_id3's doc), None or "junk". */
static PyObject *frame_view(const cm_id3_frame *f)
{
    if (f->status != CM_ID3_FRAME_OK || f->kind == CM_ID3_KIND_NONE)
        Py_RETURN_NONE;
    if (f->junk)
        return PyUnicode_FromString("junk");
    switch (f->kind) {
    case CM_ID3_KIND_TEXT:
        return Py_BuildValue("(siN)", "text", f->encoding, text_list(f));
    case CM_ID3_KIND_USER_TEXT:
        return Py_BuildValue("(siNN)", "user_text", f->encoding, str_of(f->desc), text_list(f));
    case CM_ID3_KIND_URL:
        return Py_BuildValue("(sN)", "url", str_of(f->text[0]));
    case CM_ID3_KIND_USER_URL:
        return Py_BuildValue("(siNN)", "user_url", f->encoding, str_of(f->desc),
                             str_of(f->text[0]));
    case CM_ID3_KIND_COMMENT:
        return Py_BuildValue("(siNNN)", "comment", f->encoding,
                             PyUnicode_DecodeLatin1(f->lang, 3, NULL), str_of(f->desc),
                             text_list(f));
    case CM_ID3_KIND_PICTURE:
        return Py_BuildValue("(siNiNN)", "picture", f->encoding, str_of(f->mime),
                             f->picture_type, str_of(f->desc), bytes_of(f->data));
    case CM_ID3_KIND_OWNER_DATA:
        return Py_BuildValue("(sNN)", "owner_data", str_of(f->desc), bytes_of(f->data));
    case CM_ID3_KIND_POPULARIMETER:
        if (f->has_count)
            return Py_BuildValue("(sNiK)", "popm", str_of(f->desc), f->rating,
                                 (unsigned long long)f->count);
        return Py_BuildValue("(sNiO)", "popm", str_of(f->desc), f->rating, Py_None);
    default:
        Py_RETURN_NONE;
    }
}

static PyObject *build_frame(const cm_id3_frame *f, int decode, int raw)
{
    PyObject *id = PyUnicode_FromString(f->id);
    PyObject *body = id ? bytes_of(f->body) : NULL;
    PyObject *result = NULL;
    if (body && (decode || raw)) {
        PyObject *extra = decode ? frame_view(f) : bytes_of(f->raw);
        if (extra)
            result = Py_BuildValue("(OiOiN)", id, (int)f->flags, body, (int)f->status, extra);
    } else if (body) {
        result = Py_BuildValue("(OiOi)", id, (int)f->flags, body, (int)f->status);
    }
    Py_XDECREF(id);
    Py_XDECREF(body);
    return result;
}

static PyObject *build_id3v2(const cm_id3v2 *t, uint64_t tag_end)
{
    PyObject *ext;
    if (t->has_extended_header)
        ext = bytes_of(t->extended_header);
    else
        ext = (Py_INCREF(Py_None), Py_None);
    if (!ext)
        return NULL;
    return Py_BuildValue("(iiikNOnKK)", t->version, t->revision, t->flags,
                         (unsigned long)t->size, ext,
                         t->syncsafe_frame_sizes ? Py_True : Py_False, (Py_ssize_t)t->padding,
                         (unsigned long long)t->data_offset, (unsigned long long)tag_end);
}

static PyObject *build_id3v1(const cm_id3v1 *v, uint64_t file_size)
{
    return Py_BuildValue("(LNNNNNNii)", (long long)v->offset - (long long)file_size,
                         bytes_of(v->raw), str_of(v->title), str_of(v->artist),
                         str_of(v->album), str_of(v->year), str_of(v->comment), v->track,
                         v->genre);
}

static PyObject *build_mp3(const cm_mp3 *m, int decode, int raw)
{
    PyObject *header = NULL, *frames = NULL, *v1 = NULL;
    if (m->id3v2) {
        header = build_id3v2(m->id3v2, m->audio_offset);
        frames = header ? PyList_New((Py_ssize_t)m->id3v2->frame_count) : NULL;
        for (size_t i = 0; frames && i < m->id3v2->frame_count; i++) {
            PyObject *f = build_frame(&m->id3v2->frames[i], decode, raw);
            if (!f) {
                Py_CLEAR(frames);
                break;
            }
            PyList_SET_ITEM(frames, (Py_ssize_t)i, f);
        }
    } else {
        header = (Py_INCREF(Py_None), Py_None);
        frames = PyList_New(0);
    }
    if (m->id3v1)
        v1 = build_id3v1(m->id3v1, m->file_size);
    else
        v1 = (Py_INCREF(Py_None), Py_None);
    if (!header || !frames || !v1) {
        Py_XDECREF(header);
        Py_XDECREF(frames);
        Py_XDECREF(v1);
        return NULL;
    }
    return Py_BuildValue("(NNNK)", header, frames, v1, (unsigned long long)m->file_size);
}

PyDoc_STRVAR(read_id3_doc,
"read_id3(source, *, mp3=False, decode=False, raw=False)\n--\n\n"
"Read the ID3v2 tag at the start and the ID3v1 tag at the end of a file.\n"
"`source` is a path (str, bytes or os.PathLike) or a bytes-like object holding\n"
"the whole file (or a whole tag).  Without `mp3` a file with neither tag raises\n"
"ParseError('not this format', 'id3', ...); with it, that is no error.  The\n"
"audio is not looked at (see read_mpeg_info).\n\n"
"Returns (header, frames, v1, file_size):\n"
"  header: None without an ID3v2 tag, else (major, revision, flags, size,\n"
"    extended_header_data_or_None, syncsafe_frame_sizes, padding, data_offset,\n"
"    tag_end); flags as stored (an extended-header flag with no extended\n"
"    header stays set: extended_header_data is then None).\n"
"  frames: in file order, (frame_id, flags, body, status), status one of\n"
"    FRAME_OK (body has the frame's unsynchronisation, data length indicator\n"
"    and compression undone: parse it as if its flags were 0 and the tag not\n"
"    unsynchronised), FRAME_ENCRYPTED, FRAME_BAD_COMPRESSION, FRAME_TOO_SHORT\n"
"    (body as stored).  Frames of size 0 and invalid ids are left out.  With\n"
"    `decode` a fifth item is the decoded view: None (not decoded), 'junk' or\n"
"    ('text', enc, [str]), ('user_text', enc, desc, [str]), ('url', url),\n"
"    ('user_url', enc, desc, url), ('comment', enc, lang, desc, [str]),\n"
"    ('picture', enc, mime, type, desc, data), ('owner_data', owner, data),\n"
"    ('popm', email, rating, count_or_None).  With `raw` (and no `decode`) the\n"
"    fifth item is the frame's header and body as stored in the tag.\n"
"  v1: None, or (offset_from_end, raw_bytes, title, artist, album, year,\n"
"    comment, track, genre) with the text fields decoded from Latin-1, cut at\n"
"    NUL and trimmed.");

static PyObject *read_id3(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"source", "mp3", "decode", "raw", NULL};
    PyObject *source;
    int mp3 = 0, decode = 0, raw = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$ppp:read_id3", kwlist, &source, &mp3,
                                     &decode, &raw))
        return NULL;
    /* the tags only: the audio is read_mpeg_info's */
    cm_read_opts opts = {CM_FORMAT_ID3};
    cm_error err;
    cm_doc *doc;
    PyObject *result;
    Py_buffer view = {0};
    bool by_path = !PyObject_CheckBuffer(source);
    if (!by_path) {
        if (PyObject_GetBuffer(source, &view, PyBUF_SIMPLE) < 0)
            return NULL;
        /* the document points into the buffer: build the result first */
        doc = cm_read_mem(view.buf, (size_t)view.len, &opts, &err);
    } else if (cm_py_read_path(source, &opts, &doc, &err) < 0) {
        return NULL;
    }
    if (doc)
        result = build_mp3(cm_doc_mp3(doc), decode, raw);
    else if (mp3 && err.code == CM_ERR_NOT_FORMAT && err.part == CM_PART_ID3)
        /* no tag at either end: for an MP3 that is no error (the error's
         * offset is the end of the file, where no ID3v1 tag was) */
        result = Py_BuildValue("(ONOK)", Py_None, PyList_New(0), Py_None,
                               (unsigned long long)err.offset);
    else
        result = raise_error(module, &err, by_path ? source : NULL);
    cm_doc_free(doc);
    if (!by_path)
        PyBuffer_Release(&view);
    return result;
}

/* ---- MPEG audio ------------------------------------------------------- */

PyDoc_STRVAR(read_mpeg_info_doc,
"read_mpeg_info(data, base, start, file_size, keys, modes)\n--\n\n"
"Find the first MPEG audio frame at or after `start` (after any ID3v2 tags\n"
"there) in `data`, the file's bytes from offset `base`; file_size is -1\n"
"when unknown.  Returns the MPEGInfo attributes as a dict, in mutagen's\n"
"attribute order, keyed by the 17 names in `keys` (sketchy, length,\n"
"frame_offset, mode, channels, version, layer, protected, padding,\n"
"bitrate, sample_rate, bitrate_mode, encoder_settings, encoder_info,\n"
"track_gain, track_peak, album_gain; the last six only when the VBR header\n"
"set them), with bitrate_mode taken from the tuple `modes` and length None\n"
"when it needs the unknown file size.  Returns (start, end) when the bytes\n"
"[start, end) of the file are needed first: call again from that start.\n"
"Raises ParseError when there is no MPEG stream.");

enum { MPEG_KEY_COUNT = 17 };

/* Sets keys[index] to value in dict, stealing the reference to value. */
static int set_steal(PyObject *dict, PyObject *keys, Py_ssize_t index, PyObject *value)
{
    if (!value)
        return -1;
    int rc = PyDict_SetItem(dict, PyTuple_GET_ITEM(keys, index), value);
    Py_DECREF(value);
    return rc;
}

static PyObject *float_or_none(bool present, double value)
{
    return present ? PyFloat_FromDouble(value) : Py_NewRef(Py_None);
}

static PyObject *build_mpeg_info(const cm_mpeg_stream *st, PyObject *keys, PyObject *modes)
{
    PyObject *d = _PyDict_NewPresized(MPEG_KEY_COUNT);
    if (!d)
        return NULL;
    PyObject *version = st->version_x10 == 25 ? PyFloat_FromDouble(2.5)
                                              : PyLong_FromLong(st->version_x10 / 10);
    bool has_length = (st->fields & CM_MPEG_HAS_LENGTH) || st->length != -1;
    if (set_steal(d, keys, 0, PyBool_FromLong(st->sketchy)) < 0 ||
        set_steal(d, keys, 1, float_or_none(has_length, st->length)) < 0 ||
        set_steal(d, keys, 2, PyLong_FromUnsignedLongLong(st->frame_offset)) < 0 ||
        set_steal(d, keys, 3, PyLong_FromLong(st->mode)) < 0 ||
        set_steal(d, keys, 4, PyLong_FromLong(st->channels)) < 0 ||
        set_steal(d, keys, 5, version) < 0 ||
        set_steal(d, keys, 6, PyLong_FromLong(st->layer)) < 0 ||
        set_steal(d, keys, 7, PyBool_FromLong(st->protected_)) < 0 ||
        set_steal(d, keys, 8, PyBool_FromLong(st->padding)) < 0 ||
        set_steal(d, keys, 9, PyLong_FromUnsignedLongLong(st->bitrate)) < 0 ||
        set_steal(d, keys, 10, PyLong_FromUnsignedLong(st->sample_rate)) < 0)
        goto fail;
    if ((st->fields & CM_MPEG_HAS_BITRATE_MODE) &&
        set_steal(d, keys, 11, Py_NewRef(PyTuple_GET_ITEM(modes, st->bitrate_mode))) < 0)
        goto fail;
    if ((st->fields & CM_MPEG_HAS_ENCODER_SETTINGS) &&
        set_steal(d, keys, 12, PyUnicode_DecodeASCII(st->encoder_settings,
                                                     (Py_ssize_t)st->encoder_settings_len,
                                                     NULL)) < 0)
        goto fail;
    if ((st->fields & CM_MPEG_HAS_ENCODER_INFO) &&
        set_steal(d, keys, 13, PyUnicode_DecodeASCII(st->encoder_info,
                                                     (Py_ssize_t)st->encoder_info_len,
                                                     NULL)) < 0)
        goto fail;
    if ((st->fields & CM_MPEG_HAS_LAME_GAINS) &&
        (set_steal(d, keys, 14, float_or_none(st->fields & CM_MPEG_HAS_TRACK_GAIN,
                                             st->track_gain)) < 0 ||
         set_steal(d, keys, 15, float_or_none(st->fields & CM_MPEG_HAS_TRACK_PEAK,
                                             st->track_peak)) < 0 ||
         set_steal(d, keys, 16, float_or_none(st->fields & CM_MPEG_HAS_ALBUM_GAIN,
                                             st->album_gain)) < 0))
        goto fail;
    return d;
fail:
    Py_DECREF(d);
    return NULL;
}

static PyObject *read_mpeg_info(PyObject *module, PyObject *args)
{
    Py_buffer view;
    unsigned long long base, start;
    long long file_size;
    PyObject *keys, *modes;
    if (!PyArg_ParseTuple(args, "y*KKLO!O!:read_mpeg_info", &view, &base, &start, &file_size,
                          &PyTuple_Type, &keys, &PyTuple_Type, &modes))
        return NULL;
    PyObject *result = NULL;
    if (PyTuple_GET_SIZE(keys) != MPEG_KEY_COUNT || PyTuple_GET_SIZE(modes) != 4) {
        PyErr_SetString(PyExc_ValueError, "read_mpeg_info needs 17 keys and 4 modes");
        goto done;
    }
    cm_mpeg_stream st;
    cm_error err;
    cm_status status = cm_mpeg_parse(view.buf, (size_t)view.len, base, start,
                                     file_size < 0 ? CM_MPEG_SIZE_UNKNOWN : (uint64_t)file_size,
                                     &st, &err);
    if (status == CM_OK)
        result = build_mpeg_info(&st, keys, modes);
    else if (status == CM_NEED_MORE)
        result = Py_BuildValue("(KK)", (unsigned long long)err.offset,
                               (unsigned long long)err.need_bytes);
    else
        result = raise_error(module, &err, NULL);
done:
    PyBuffer_Release(&view);
    return result;
}

/* ---- MP3 files in one call ---------------------------------------------- */

/* The bytes [base, base + len) of an open file, grown as a scan asks; or,
 * borrowed, the whole file in a caller's buffer (never grown nor freed). */
typedef struct file_window {
    int fd;
    bool borrowed;
    uint64_t file_size;
    uint8_t *buf;
    size_t len, cap;
    uint64_t base;
} file_window;

/* The first read (the tag, or all of a small one and the first frames),
 * the bytes after the tag the MPEG scan starts with, the end read for
 * ID3v1, and how many times the scan may ask for more. */
enum { MP3_HEAD_READ = 8192, MP3_SCAN_AHEAD = 4096, MP3_TAIL_READ = 131, MP3_SCAN_ROUNDS = 64 };

/* Make the window hold [start, end) (cut at the end of the file), keeping
 * what it holds when start is inside it. */
static bool window_cover(file_window *w, uint64_t start, uint64_t end)
{
    if (w->borrowed) /* it holds the whole file, from 0 */
        return start <= w->file_size;
    if (end > w->file_size)
        end = w->file_size;
    if (start < w->base || start > w->base + w->len) {
        w->base = start;
        w->len = 0;
    }
    if (end <= w->base + w->len)
        return true;
    if (end - w->base > SIZE_MAX / 2)
        return false;
    size_t want = (size_t)(end - w->base);
    if (want > w->cap) {
        uint8_t *grown = realloc(w->buf, want);
        if (!grown)
            return false;
        w->buf = grown;
        w->cap = want;
    }
    size_t got;
    if (!cm_py_pread(w->fd, w->buf + w->len, want - w->len, w->base + w->len, &got))
        return false;
    w->len += got;
    return true;
}

/* The ID3v2 header at the start of the window as ID3Header reads it, when
 * the fast path can take it: a supported version, a syncsafe size that
 * fits the file, no bits the version leaves undefined and no extended
 * header.  Anything else goes to the Python reader, which raises what
 * mutagen raises. */
static bool plain_id3v2_header(const file_window *w, uint8_t *major, uint8_t *flags,
                               uint32_t *size)
{
    const uint8_t *h = w->buf;
    if (w->len < 10 || memcmp(h, "ID3", 3) != 0)
        return false;
    if (h[3] < 2 || h[3] > 4 || ((h[6] | h[7] | h[8] | h[9]) & 0x80))
        return false;
    uint8_t undefined = h[3] == 4 ? 0x0f : h[3] == 3 ? 0x1f : 0;
    if ((h[5] & undefined) || (h[5] & 0x40))
        return false;
    *major = h[3];
    *flags = h[5];
    *size = (uint32_t)h[6] << 21 | (uint32_t)h[7] << 14 | (uint32_t)h[8] << 7 | h[9];
    return 10 + (uint64_t)*size <= w->file_size;
}

/* What MP3(path) and ID3(path) read of a file, in one open. */
typedef struct mp3_parts {
    uint64_t file_size;
    bool has_tag;
    uint8_t header[10];  /* the ID3v2 header, when has_tag */
    PyObject *body;      /* bytes: the tag after its header, when has_tag */
    bool has_stream;
    cm_mpeg_stream stream;
    uint8_t tail[MP3_TAIL_READ];
    size_t tail_len;
} mp3_parts;

/* Copies the file's bytes [offset, offset + len) to out: false when they
 * cannot all be read. */
static bool window_read(const file_window *w, uint8_t *out, size_t len, uint64_t offset)
{
    if (w->borrowed) {
        if (offset > w->file_size || len > w->file_size - offset)
            return false;
        memcpy(out, w->buf + offset, len);
        return true;
    }
    size_t got;
    return cm_py_pread(w->fd, out, len, offset, &got) && got == len;
}

/* Reads the parts of the file source_arg names (str, bytes or PathLike),
 * or holds (a memoryview of the whole file; see cm_py_source_open); the
 * MPEG scan only if want_stream.  Returns 1 with *p filled (p->body a new
 * reference, nothing pointing into the buffer), 0 when the file is not the
 * plain case (see read_mp3_file), -1 with an exception set. */
static int read_mp3_parts(PyObject *source_arg, bool want_stream, mp3_parts *p)
{
    file_window w = {.fd = -1};
    int result = 0;
    struct stat st;
    p->body = NULL;
    p->has_tag = p->has_stream = false;
    cm_py_source source;
    if (cm_py_source_open(source_arg, &source) < 0)
        return -1;
    if (!source.path) {
        w.borrowed = true;
        w.buf = source.view.buf;
        w.len = w.cap = (size_t)source.view.len;
        w.file_size = p->file_size = (uint64_t)source.view.len;
    } else {
        do
            w.fd = open(source.path, O_RDONLY | O_CLOEXEC);
        while (w.fd < 0 && errno == EINTR);
        if (w.fd < 0 || fstat(w.fd, &st) != 0 || !S_ISREG(st.st_mode))
            goto done;
        w.file_size = p->file_size = (uint64_t)st.st_size;
    }
    if (!window_cover(&w, 0, MP3_HEAD_READ))
        goto done;

    uint8_t major, flags;
    uint32_t size;
    uint64_t audio_start = 0;
    if (plain_id3v2_header(&w, &major, &flags, &size)) {
        p->body = PyBytes_FromStringAndSize(NULL, size);
        if (!p->body) {
            result = -1;
            goto done;
        }
        size_t have = w.len - 10 < size ? w.len - 10 : size;
        memcpy(PyBytes_AS_STRING(p->body), w.buf + 10, have);
        if (have < size && !window_read(&w, (uint8_t *)PyBytes_AS_STRING(p->body) + have,
                                        size - have, 10 + have))
            goto done;
        memcpy(p->header, w.buf, 10);
        p->has_tag = true;
        audio_start = 10 + (uint64_t)size;
    } else if (w.len >= 3 && memcmp(w.buf, "ID3", 3) == 0) {
        goto done;
    }

    if (want_stream) {
        /* The MPEG scan, given the bytes it asks for (as _scan_native does). */
        uint64_t start = audio_start;
        cm_error err;
        /* The head read often holds the first frames too (a small tag):
         * then the scan starts on it, and asks for more if it must. */
        uint64_t have = w.base + w.len;
        bool enough = start >= w.base && start <= have &&
                      (have - start >= MP3_SCAN_AHEAD || have == w.file_size);
        if (!enough && !window_cover(&w, start, start + MP3_HEAD_READ))
            goto done;
        for (int round = 0;; round++) {
            cm_status status = cm_mpeg_parse(w.buf, w.len, w.base, start, w.file_size,
                                             &p->stream, &err);
            if (status == CM_OK)
                break;
            /* The scan asks for the next bytes it will look at; reading
             * twice what the window holds (as _Window.need does) keeps the
             * rounds few when it has far to go. */
            uint64_t end = err.need_bytes;
            if (err.offset >= w.base && err.offset <= w.base + w.len && end < w.base + 2 * w.len)
                end = w.base + 2 * w.len;
            if (status != CM_NEED_MORE || round == MP3_SCAN_ROUNDS ||
                !window_cover(&w, err.offset, end))
                goto done;
            start = err.offset;
        }
        p->has_stream = true;
    }

    p->tail_len = w.file_size < MP3_TAIL_READ ? (size_t)w.file_size : MP3_TAIL_READ;
    if (!window_read(&w, p->tail, p->tail_len, w.file_size - p->tail_len))
        goto done;
    result = 1;
done:
    if (w.fd >= 0)
        close(w.fd);
    if (!w.borrowed)
        free(w.buf);
    cm_py_source_close(&source);
    if (result != 1)
        Py_CLEAR(p->body);
    return result;
}

static bool mp3_args_ok(PyObject *keys, PyObject *modes, const char *who)
{
    if (!PyTuple_CheckExact(keys) || PyTuple_GET_SIZE(keys) != MPEG_KEY_COUNT ||
        !PyTuple_CheckExact(modes) || PyTuple_GET_SIZE(modes) != 4) {
        PyErr_Format(PyExc_ValueError, "%s needs 17 keys and 4 modes", who);
        return false;
    }
    return true;
}

/* read_mp3_file's tuple, from the parts. */
static PyObject *mp3_parts_tuple(const mp3_parts *p, PyObject *keys, PyObject *modes)
{
    PyObject *info = build_mpeg_info(&p->stream, keys, modes);
    PyObject *tail = PyBytes_FromStringAndSize((const char *)p->tail, (Py_ssize_t)p->tail_len);
    PyObject *header = p->has_tag ? Py_BuildValue("(iii)", p->header[3], p->header[4], p->header[5])
                                  : Py_NewRef(Py_None);
    PyObject *result = NULL;
    if (info && tail && header)
        result = Py_BuildValue("(KOOOO)", (unsigned long long)p->file_size, header,
                               p->body ? p->body : Py_None, tail, info);
    Py_XDECREF(info);
    Py_XDECREF(tail);
    Py_XDECREF(header);
    return result;
}

PyDoc_STRVAR(read_mp3_file_doc,
"read_mp3_file(path, keys, modes)\n--\n\n"
"What MP3(path) reads, in one open and a few preads: returns (file_size,\n"
"header, body, tail, info) where header is None or (major, revision, flags)\n"
"of an ID3v2 tag at the start, body that tag's bytes after its 10-byte\n"
"header (None without a tag), tail the file's last bytes (up to 131, for\n"
"ID3v1), and info the MPEGInfo attributes of the stream after the tag as\n"
"read_mpeg_info gives them (with keys and modes as there).\n"
"Returns None when the file is not the plain case this path handles (an\n"
"ID3v2 header the Python reader must judge, no MPEG stream, an I/O error):\n"
"the caller then reads the file the general way, which raises what mutagen\n"
"raises.");

static PyObject *read_mp3_file(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *path_arg, *keys, *modes;
    if (!PyArg_ParseTuple(args, "OOO:read_mp3_file", &path_arg, &keys, &modes) ||
        !mp3_args_ok(keys, modes, "read_mp3_file"))
        return NULL;
    mp3_parts p;
    int got = read_mp3_parts(path_arg, true, &p);
    if (got <= 0)
        return got < 0 ? NULL : Py_NewRef(Py_None);
    PyObject *result = mp3_parts_tuple(&p, keys, modes);
    Py_XDECREF(p.body);
    return result;
}

/* MPEGInfo.__new__(cls) with the scan's attributes, length worked out from
 * the file size where no VBR header gave it (MPEGInfo._take).  NULL without
 * an exception when Python must (a bitrate of 0: it raises). */
static PyObject *new_mpeg_info(PyObject *cls, const mp3_parts *p, PyObject *keys, PyObject *modes)
{
    PyObject *fields = build_mpeg_info(&p->stream, keys, modes);
    if (!fields)
        return NULL;
    PyObject *length_key = PyTuple_GET_ITEM(keys, 1);
    PyObject *info = NULL;
    if (PyDict_GetItem(fields, length_key) == Py_None) {
        uint64_t bytes = p->file_size - p->stream.frame_offset;
        if (p->stream.bitrate == 0 || p->stream.frame_offset > p->file_size ||
            bytes > ((uint64_t)1 << 50)) {
            Py_DECREF(fields);
            return NULL;
        }
        /* int / int in Python is correctly rounded, as is a double
         * division of two exactly represented values */
        if (set_steal(fields, keys, 1,
                      PyFloat_FromDouble((double)(bytes * 8) / (double)p->stream.bitrate)) < 0)
            goto done;
    }
    PyObject *no_args = PyTuple_New(0);
    if (!no_args)
        goto done;
    info = ((PyTypeObject *)cls)->tp_new((PyTypeObject *)cls, no_args, NULL);
    Py_DECREF(no_args);
    if (!info)
        goto done;
    /* the fields become its __dict__ (a new instance's is empty) */
    if (PyObject_GenericSetDict(info, fields, NULL) < 0)
        Py_CLEAR(info);
done:
    Py_DECREF(fields);
    return info;
}

PyDoc_STRVAR(load_mp3_doc,
"load_mp3(source, id3_spec, info_class, keys, modes)\n--\n\n"
"MP3(path) in one call (`source` a path, or a memoryview of the whole file,\n"
"as for MP3(io.BytesIO)): returns (tags, info), tags the ID3 (None: the file\n"
"has no tag) as MP3's load leaves it, info an `info_class` (MPEGInfo) with\n"
"the scan's attributes (keys and modes as for read_mpeg_info); or\n"
"read_mp3_file's tuple when the tag is one the Python reader must read\n"
"from those parts; or None when the file must be read the general way.\n"
"id3_spec comes from cmutagen.id3._file._load_spec().");

static PyObject *load_mp3(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "load_mp3 takes 5 arguments");
        return NULL;
    }
    PyObject *spec = args[1], *info_cls = args[2], *keys = args[3], *modes = args[4];
    if (!mp3_args_ok(keys, modes, "load_mp3"))
        return NULL;
    if (!PyType_Check(info_cls)) {
        PyErr_SetString(PyExc_TypeError, "load_mp3: info_class must be a class");
        return NULL;
    }
    mp3_parts p;
    int got = read_mp3_parts(args[0], true, &p);
    if (got <= 0)
        return got < 0 ? NULL : Py_NewRef(Py_None);
    PyObject *tags = NULL, *info = NULL, *result = NULL;
    /* (the tags of a file loaded as a whole have no filename: mutagen
     * reads them from the file object it opened) */
    int built = cm_py_id3_load(spec, NULL, Py_None, p.has_tag ? p.header : NULL, p.body,
                               p.tail, p.tail_len, &tags);
    if (built < 0)
        goto done;
    if (!built) {
        result = mp3_parts_tuple(&p, keys, modes);
        goto done;
    }
    info = new_mpeg_info(info_cls, &p, keys, modes);
    if (!info) {
        if (!PyErr_Occurred())
            result = Py_NewRef(Py_None);
        goto done;
    }
    result = PyTuple_Pack(2, tags, info);
done:
    Py_XDECREF(p.body);
    Py_XDECREF(tags);
    Py_XDECREF(info);
    return result;
}

PyDoc_STRVAR(load_id3_doc,
"load_id3(source, id3_spec, target, filename)\n--\n\n"
"ID3.load(path) with its default arguments, in one call (`source` a path, or\n"
"a memoryview of the whole file), into `target`, an\n"
"ID3 holding no frames: returns target, filled as load fills it (with\n"
"`filename`), or None when the file must be read the general way (which\n"
"raises what mutagen raises).  id3_spec comes from\n"
"cmutagen.id3._file._load_spec().");

static PyObject *load_id3(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "load_id3 takes 4 arguments");
        return NULL;
    }
    mp3_parts p;
    int got = read_mp3_parts(args[0], false, &p);
    if (got <= 0)
        return got < 0 ? NULL : Py_NewRef(Py_None);
    PyObject *tags = NULL;
    int built = cm_py_id3_load(args[1], args[2], args[3], p.has_tag ? p.header : NULL, p.body,
                               p.tail, p.tail_len, &tags);
    Py_XDECREF(p.body);
    if (built < 0)
        return NULL;
    if (!built)
        return Py_NewRef(Py_None);
    return tags;
}

/* ---- for the extension's other files (declared in native.h) ---------------- */

PyObject *cm_py_raise_parse_error(PyObject *module, const cm_error *err, PyObject *path)
{
    return raise_error(module, err, path);
}

PyObject *cm_py_vcomment_replace(PyObject *module, const cm_vcomment *vc)
{
    return build_vcomment(module, vc, VC_REPLACE);
}

PyObject *cm_py_key_lower(PyObject *key)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(key);
    if (PyUnicode_KIND(key) != PyUnicode_1BYTE_KIND || PyUnicode_MAX_CHAR_VALUE(key) > 127)
        return PyObject_CallMethod(key, "lower", NULL);
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(key);
    Py_ssize_t i = 0;
    while (i < n && !(s[i] >= 'A' && s[i] <= 'Z'))
        i++;
    if (i == n)
        return Py_NewRef(key);
    PyObject *lower = PyUnicode_New(n, 127);
    if (!lower)
        return NULL;
    Py_UCS1 *d = PyUnicode_1BYTE_DATA(lower);
    for (i = 0; i < n; i++)
        d[i] = s[i] >= 'A' && s[i] <= 'Z' ? (Py_UCS1)(s[i] + 32) : s[i];
    return lower;
}

PyObject *cm_py_text_replace(cm_str s)
{
    return decode_text(s, VC_REPLACE);
}

/* ---- module ------------------------------------------------------------- */

static PyMethodDef native_methods[] = {
    {"read_vcomment", read_vcomment, METH_VARARGS, read_vcomment_doc},
    CM_PY_FLAC_METHODS
    CM_PY_C_METHODS
    {"read_id3", (PyCFunction)(void (*)(void))read_id3, METH_VARARGS | METH_KEYWORDS,
     read_id3_doc},
    {"read_mpeg_info", read_mpeg_info, METH_VARARGS, read_mpeg_info_doc},
    {"read_mp3_file", read_mp3_file, METH_VARARGS, read_mp3_file_doc},
    {"load_mp3", (PyCFunction)(void (*)(void))load_mp3, METH_FASTCALL, load_mp3_doc},
    {"load_id3", (PyCFunction)(void (*)(void))load_id3, METH_FASTCALL, load_id3_doc},
    CM_PY_SCORE_METHODS
    {"id3_read_frames", (PyCFunction)(void (*)(void))cm_py_id3_read_frames, METH_FASTCALL,
     cm_py_id3_read_frames_doc},
    {"read_ogg", (PyCFunction)(void (*)(void))cm_py_read_ogg, METH_VARARGS | METH_KEYWORDS,
     cm_py_read_ogg_doc},
    {"load_ogg", (PyCFunction)(void (*)(void))cm_py_load_ogg, METH_FASTCALL, cm_py_load_ogg_doc},
    {"read_mp4", (PyCFunction)(void (*)(void))cm_py_read_mp4, METH_FASTCALL, cm_py_read_mp4_doc},
    {NULL, NULL, 0, NULL},
};

static int native_exec(PyObject *module)
{
    native_state *state = get_state(module);
    state->parse_error = PyErr_NewExceptionWithDoc(
        "cmutagen._native.ParseError",
        "A file could not be parsed: args are (status, part, message, offset).",
        PyExc_ValueError, NULL);
    if (!state->parse_error)
        return -1;
    Py_INCREF(state->parse_error);
    if (PyModule_AddObject(module, "ParseError", state->parse_error) < 0) {
        Py_DECREF(state->parse_error);
        return -1;
    }
    static const struct {
        const char *name;
        long value;
    } constants[] = {
        {"FRAME_OK", CM_ID3_FRAME_OK},
        {"FRAME_ENCRYPTED", CM_ID3_FRAME_ENCRYPTED},
        {"FRAME_BAD_COMPRESSION", CM_ID3_FRAME_BAD_COMPRESSION},
        {"FRAME_TOO_SHORT", CM_ID3_FRAME_TOO_SHORT},
    };
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
        if (PyModule_AddIntConstant(module, constants[i].name, constants[i].value) < 0)
            return -1;
    if (cm_py_score_state_init(&state->score_state) < 0)
        return -1;
    PyObject *rules = cm_py_score_rule_names();
    if (!rules || PyModule_AddObject(module, "SCORE_RULES", rules) < 0) {
        Py_XDECREF(rules);
        return -1;
    }
    return PyModule_AddStringConstant(module, "LIBRARY_VERSION", CM_VERSION_STRING);
}

static int native_traverse(PyObject *module, visitproc visit, void *arg)
{
    Py_VISIT(get_state(module)->parse_error);
    return cm_py_score_state_traverse(&get_state(module)->score_state, visit, arg);
}

static int native_clear(PyObject *module)
{
    Py_CLEAR(get_state(module)->parse_error);
    cm_py_score_state_clear(&get_state(module)->score_state);
    return 0;
}

static void native_free(void *module)
{
    native_clear((PyObject *)module);
}

static PyModuleDef_Slot native_slots[] = {
    /* The slot's value is a function pointer in a void *, as CPython's API
     * wants it; through uintptr_t, a conversion ISO C allows. */
    {Py_mod_exec, (void *)(uintptr_t)native_exec},
    {0, NULL},
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "cmutagen._native",
    .m_doc = "libcmutagen's parsers, returning plain Python values.",
    .m_size = sizeof(native_state),
    .m_methods = native_methods,
    .m_slots = native_slots,
    .m_traverse = native_traverse,
    .m_clear = native_clear,
    .m_free = native_free,
};

PyMODINIT_FUNC PyInit__native(void);

PyMODINIT_FUNC PyInit__native(void)
{
    return PyModuleDef_Init(&native_module);
}
