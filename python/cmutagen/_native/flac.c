/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flac: the FLAC readers of cmutagen._native (see flac.h). */
#include "flac.h" /* Python.h first */

#include "core/cursor.h"
#include "core/error.h"
#include "flac/flac.h"
#include "native.h"
#include "read_path.h"

#include <limits.h>
#include <string.h>

static PyObject *build_picture(const cm_flac_picture *p)
{
    return Py_BuildValue("(kNNkkkky#)", (unsigned long)p->type, cm_py_text_replace(p->mime),
                         cm_py_text_replace(p->desc), (unsigned long)p->width,
                         (unsigned long)p->height, (unsigned long)p->depth,
                         (unsigned long)p->colors, (const char *)p->data.ptr,
                         (Py_ssize_t)p->data.len);
}

static PyObject *build_block(PyObject *module, const cm_flac_block *b)
{
    PyObject *payload;
    if (b->vcomment)
        payload = cm_py_vcomment_replace(module, b->vcomment);
    else if (b->picture)
        payload = build_picture(b->picture);
    else if (b->type == CM_FLAC_PADDING)
        payload = (Py_INCREF(Py_None), Py_None);
    else
        payload = PyBytes_FromStringAndSize((const char *)b->body.ptr, (Py_ssize_t)b->body.len);
    if (!payload)
        return NULL;
    return Py_BuildValue("(IkKN)", (unsigned)b->type, (unsigned long)b->declared_length,
                         (unsigned long long)b->length, payload);
}

static PyObject *build_streaminfo(const cm_flac_streaminfo *si)
{
    return Py_BuildValue("(kkkkkkkKy#)", (unsigned long)si->min_blocksize,
                         (unsigned long)si->max_blocksize, (unsigned long)si->min_framesize,
                         (unsigned long)si->max_framesize, (unsigned long)si->sample_rate,
                         (unsigned long)si->channels, (unsigned long)si->bits_per_sample,
                         (unsigned long long)si->total_samples, (const char *)si->md5,
                         (Py_ssize_t)16);
}

static PyObject *build_flac(PyObject *module, const cm_flac *f)
{
    PyObject *blocks = PyList_New((Py_ssize_t)f->block_count);
    if (!blocks)
        return NULL;
    for (size_t i = 0; i < f->block_count; i++) {
        PyObject *block = build_block(module, &f->blocks[i]);
        if (!block) {
            Py_DECREF(blocks);
            return NULL;
        }
        PyList_SET_ITEM(blocks, (Py_ssize_t)i, block);
    }
    return Py_BuildValue("(KKKdKNN)", (unsigned long long)f->flac_offset,
                         (unsigned long long)f->audio_offset, (unsigned long long)f->file_size,
                         f->length, (unsigned long long)f->bitrate,
                         build_streaminfo(&f->streaminfo), blocks);
}

const char cm_py_read_flac_doc[] =
    "read_flac(source, file_size=None)\n--\n\n"
    "Parse a FLAC file's metadata.  `source` is a path (str, bytes or os.PathLike),\n"
    "or a bytes-like object holding the first bytes of a file of `file_size`\n"
    "bytes (default: all of it).  Returns (flac_offset, audio_offset, file_size,\n"
    "length, bitrate, streaminfo, blocks), or, for a buffer that holds too little\n"
    "of the file, the int number of leading bytes the parse needs.";

PyObject *cm_py_read_flac(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"source", "file_size", NULL};
    PyObject *source, *file_size_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:read_flac", kwlist, &source,
                                     &file_size_obj))
        return NULL;
    cm_read_opts opts = {CM_FORMAT_FLAC};
    cm_error err;
    cm_doc *doc;

    if (PyObject_CheckBuffer(source)) {
        Py_buffer view;
        if (PyObject_GetBuffer(source, &view, PyBUF_SIMPLE) < 0)
            return NULL;
        unsigned long long file_size = (unsigned long long)view.len;
        if (file_size_obj != Py_None) {
            file_size = PyLong_AsUnsignedLongLong(file_size_obj);
            if (PyErr_Occurred()) {
                PyBuffer_Release(&view);
                return NULL;
            }
        }
        /* The document points into the buffer: build the result before
         * letting the buffer go. */
        doc = cm_parse_prefix(view.buf, (size_t)view.len, file_size, &opts, &err);
        PyObject *result;
        if (doc)
            result = build_flac(module, cm_doc_flac(doc));
        else if (err.code == CM_NEED_MORE)
            result = PyLong_FromUnsignedLongLong((unsigned long long)err.need_bytes);
        else
            result = cm_py_raise_parse_error(module, &err, NULL);
        cm_doc_free(doc);
        PyBuffer_Release(&view);
        return result;
    }

    if (cm_py_read_path(source, &opts, &doc, &err) < 0)
        return NULL;
    PyObject *result = doc ? build_flac(module, cm_doc_flac(doc)) : cm_py_raise_parse_error(module, &err, source);
    cm_doc_free(doc);
    return result;
}

const char cm_py_read_flac_streaminfo_doc[] =
    "read_flac_streaminfo(body)\n--\n\n"
    "Decode a STREAMINFO block body.  Returns (fields, length).";

PyObject *cm_py_read_flac_streaminfo(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    cm_flac_streaminfo si;
    cm_error err;
    PyObject *result;
    if (cm_flac_decode_streaminfo(view.buf, (size_t)view.len, 0, &si, &err) != CM_OK)
        result = cm_py_raise_parse_error(module, &err, NULL);
    else
        result = Py_BuildValue("(Nd)", build_streaminfo(&si), cm_flac_streaminfo_length(&si));
    PyBuffer_Release(&view);
    return result;
}

const char cm_py_read_flac_picture_doc[] =
    "read_flac_picture(body)\n--\n\n"
    "Decode a PICTURE block body.  Returns (fields, bytes_consumed).";

PyObject *cm_py_read_flac_picture(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    cm_cursor cur = cm_cursor_make(view.buf, (size_t)view.len);
    cm_flac_picture pic;
    PyObject *result;
    if (!cm_flac_decode_picture(&cur, &pic)) {
        cm_error err;
        cm_fail(&err, CM_ERR_TRUNCATED, CM_PART_CONTAINER, cur.pos,
                "PICTURE block ends inside its fields (%zu bytes given)", (size_t)view.len);
        result = cm_py_raise_parse_error(module, &err, NULL);
    } else {
        result = Py_BuildValue("(Nn)", build_picture(&pic), (Py_ssize_t)cur.pos);
    }
    PyBuffer_Release(&view);
    return result;
}

/* ---- load_flac: FLAC(path)'s objects, built here ------------------------ */

/* The attribute names the objects get, interned once. */
enum {
    N_CODE,
    N_MIN_BLOCKSIZE,
    N_MAX_BLOCKSIZE,
    N_MIN_FRAMESIZE,
    N_MAX_FRAMESIZE,
    N_SAMPLE_RATE,
    N_CHANNELS,
    N_BITS_PER_SAMPLE,
    N_TOTAL_SAMPLES,
    N_LENGTH,
    N_MD5_SIGNATURE,
    N_BITRATE,
    N_VENDOR,
    N_INDEX,
    N_SIZE,
    N_OVERFLOW_SIZE,
    N_TYPE,
    N_MIME,
    N_DESC,
    N_WIDTH,
    N_HEIGHT,
    N_DEPTH,
    N_COLORS,
    N_DATA,
    N_SEEKPOINTS,
    N_TRACKS,
    N_LEAD_IN_SAMPLES,
    N_MEDIA_CATALOG_NUMBER,
    N_COMPACT_DISC,
    N_TRACK_NUMBER,
    N_START_OFFSET,
    N_ISRC,
    N_PRE_EMPHASIS,
    N_INDEXES,
    N_METADATA_BLOCKS,
    N_TAGS,
    N_CUESHEET,
    N_SEEKTABLE,
    N_FILENAME,
    N_STREAMINFO,
    NAME_COUNT
};

static const char *const name_text[NAME_COUNT] = {
    "code", "min_blocksize", "max_blocksize", "min_framesize", "max_framesize",
    "sample_rate", "channels", "bits_per_sample", "total_samples", "length",
    "md5_signature", "bitrate", "vendor", "_index", "_size", "_invalid_overflow_size",
    "type", "mime", "desc", "width", "height", "depth", "colors", "data", "seekpoints",
    "tracks", "lead_in_samples", "media_catalog_number", "compact_disc", "track_number",
    "start_offset", "isrc", "pre_emphasis", "indexes", "metadata_blocks", "tags",
    "cuesheet", "seektable", "filename", "_streaminfo",
};

static PyObject *names[NAME_COUNT];

static bool intern_names(void)
{
    for (size_t i = 0; i < NAME_COUNT; i++)
        if (!names[i] && !(names[i] = PyUnicode_InternFromString(name_text[i])))
            return false;
    return true;
}

/* The classes flac.py hands over (_NATIVE_SPEC), in this order. */
enum {
    C_STREAMINFO,
    C_PADDING,
    C_SEEKTABLE,
    C_VCFLACDICT,
    C_CUESHEET,
    C_PICTURE,
    C_METADATA_BLOCK,
    C_SEEKPOINT,
    C_CUESHEET_TRACK,
    C_CUESHEET_TRACK_INDEX,
    CLASS_COUNT
};

/* What the objects are built from. */
typedef struct loader {
    PyObject *module;
    PyTypeObject *cls[CLASS_COUNT];
} loader;

/* dict[names[name]] = value, taking the reference; -1 when value is NULL
 * (its error is set) or the store fails. */
static int put(PyObject *dict, int name, PyObject *value)
{
    if (!value)
        return -1;
    int rc = PyDict_SetItem(dict, names[name], value);
    Py_DECREF(value);
    return rc;
}

/* cls.__new__(cls) with `dict` as its __dict__, `code` its last entry as
 * FLAC.load sets it last; takes the dict's reference, whatever happens. */
static PyObject *block_of(PyTypeObject *cls, PyObject *dict, int code)
{
    if (!dict)
        return NULL;
    PyObject *empty = NULL, *obj = NULL;
    if (put(dict, N_CODE, PyLong_FromLong(code)) == 0 && (empty = PyTuple_New(0)) != NULL)
        obj = cls->tp_new(cls, empty, NULL);
    Py_XDECREF(empty);
    if (obj && PyObject_GenericSetDict(obj, dict, NULL) < 0)
        Py_CLEAR(obj);
    Py_DECREF(dict);
    return obj;
}

/* cls.__new__(cls) with `dict` as its __dict__ (not a block: no code). */
static PyObject *object_of(PyTypeObject *cls, PyObject *dict)
{
    PyObject *empty = PyTuple_New(0);
    PyObject *obj = empty ? cls->tp_new(cls, empty, NULL) : NULL;
    Py_XDECREF(empty);
    if (obj && PyObject_GenericSetDict(obj, dict, NULL) < 0)
        Py_CLEAR(obj);
    return obj;
}

/* A tuple subclass of `count` items, taking their references. */
static PyObject *tuple_of(PyTypeObject *cls, Py_ssize_t count, PyObject **items)
{
    PyObject *t = NULL;
    for (Py_ssize_t i = 0; i < count; i++)
        if (!items[i])
            goto done;
    t = cls->tp_alloc(cls, count);
    if (t)
        for (Py_ssize_t i = 0; i < count; i++) {
            PyTuple_SET_ITEM(t, i, items[i]);
            items[i] = NULL;
        }
done:
    for (Py_ssize_t i = 0; i < count; i++)
        Py_XDECREF(items[i]);
    return t;
}

static uint64_t be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* StreamInfo's fields as StreamInfo._set_fields sets them; the first
 * block also gets the file's bitrate (bitrate < 0: none). */
static PyObject *streaminfo_block(const loader *l, const cm_flac_streaminfo *si, double length,
                                  long long bitrate)
{
    PyObject *d = _PyDict_NewPresized(12);
    if (!d || put(d, N_MIN_BLOCKSIZE, PyLong_FromUnsignedLong(si->min_blocksize)) < 0 ||
        put(d, N_MAX_BLOCKSIZE, PyLong_FromUnsignedLong(si->max_blocksize)) < 0 ||
        put(d, N_MIN_FRAMESIZE, PyLong_FromUnsignedLong(si->min_framesize)) < 0 ||
        put(d, N_MAX_FRAMESIZE, PyLong_FromUnsignedLong(si->max_framesize)) < 0 ||
        put(d, N_SAMPLE_RATE, PyLong_FromUnsignedLong(si->sample_rate)) < 0 ||
        put(d, N_CHANNELS, PyLong_FromUnsignedLong(si->channels)) < 0 ||
        put(d, N_BITS_PER_SAMPLE, PyLong_FromUnsignedLong(si->bits_per_sample)) < 0 ||
        put(d, N_TOTAL_SAMPLES, PyLong_FromUnsignedLongLong(si->total_samples)) < 0 ||
        put(d, N_LENGTH, PyFloat_FromDouble(length)) < 0 ||
        put(d, N_MD5_SIGNATURE, _PyLong_FromByteArray(si->md5, 16, 0, 0)) < 0 ||
        (bitrate >= 0 && put(d, N_BITRATE, PyLong_FromLongLong(bitrate)) < 0))
        Py_CLEAR(d);
    return block_of(l->cls[C_STREAMINFO], d, CM_FLAC_STREAMINFO);
}

/* A key that mutagen keeps as it is: 1+ bytes of 0x20..0x7D but '=' (the
 * comment's name ends before the first '=', so it has none).  Others are
 * changed ('?' for non-ASCII) or dropped: comment_items leaves them to
 * module.c's reading. */
static bool plain_key(const cm_str *k)
{
    if (k->len == 0)
        return false;
    for (size_t i = 0; i < k->len; i++) {
        unsigned char c = (unsigned char)k->ptr[i];
        if (c < 0x20 || c > 0x7D)
            return false;
    }
    return true;
}

/* The str of a plain key and, in *lower, its lower-case form (new
 * references both).  Made anew for every file: a table of the keys earlier
 * files had would be a cache keyed on their content, which the benchmark's
 * rules (DESIGN.md, "Honest benchmarks") and a library's users rule out. */
static PyObject *key_of(const cm_str *k, PyObject **lower)
{
    PyObject *key = PyUnicode_New((Py_ssize_t)k->len, 127);
    if (!key)
        return NULL;
    memcpy(PyUnicode_1BYTE_DATA(key), k->ptr, k->len);
    if (!(*lower = cm_py_key_lower(key))) {
        Py_DECREF(key);
        return NULL;
    }
    return key;
}

/* index[lower].append(value), a new list for a new key. */
static int index_add(PyObject *index, PyObject *lower, PyObject *value)
{
    PyObject *values = PyDict_GetItemWithError(index, lower);
    if (values)
        return PyList_Append(values, value);
    if (PyErr_Occurred() || !(values = PyList_New(1)))
        return -1;
    PyList_SET_ITEM(values, 0, Py_NewRef(value));
    int rc = PyDict_SetItem(index, lower, values);
    Py_DECREF(values);
    return rc;
}

/* The comment's (key, value) pairs and VCommentDict._lookup's index of
 * them (lower-cased key -> [values], in file order), as mutagen reads
 * them (errors="replace").  Returns 0, 1 when a key is not plain (the
 * caller reads the comment the general way), -1 on error. */
static int comment_items(const cm_vcomment *vc, PyObject **items_out, PyObject **index_out)
{
    for (size_t i = 0; i < vc->count; i++)
        if (!vc->entries[i].has_equals || !plain_key(&vc->entries[i].key))
            return 1;
    PyObject *items = PyList_New((Py_ssize_t)vc->count);
    PyObject *index = items ? PyDict_New() : NULL;
    if (!index)
        goto fail;
    for (size_t i = 0; i < vc->count; i++) {
        const cm_vcomment_entry *e = &vc->entries[i];
        PyObject *lower = NULL, *pair = NULL;
        PyObject *key = key_of(&e->key, &lower);
        PyObject *value =
            key ? PyUnicode_DecodeUTF8(e->value.ptr, (Py_ssize_t)e->value.len, "replace") : NULL;
        if (value && (pair = PyTuple_New(2)) != NULL) {
            PyTuple_SET_ITEM(pair, 0, Py_NewRef(key));
            PyTuple_SET_ITEM(pair, 1, Py_NewRef(value));
            PyList_SET_ITEM(items, (Py_ssize_t)i, pair);
        }
        int rc = pair ? index_add(index, lower, value) : -1;
        Py_XDECREF(key);
        Py_XDECREF(lower);
        Py_XDECREF(value);
        if (rc < 0)
            goto fail;
    }
    *items_out = items;
    *index_out = index;
    return 0;
fail:
    Py_XDECREF(items);
    Py_XDECREF(index);
    return -1;
}

/* The index of (key, value) pairs read the general way: their keys may be
 * anything module.c makes of a key (non-ASCII ones lower-cased by
 * str.lower, as _lookup does). */
static PyObject *general_index(PyObject *items)
{
    PyObject *index = PyDict_New();
    for (Py_ssize_t i = 0; index && i < PyList_GET_SIZE(items); i++) {
        PyObject *pair = PyList_GET_ITEM(items, i);
        PyObject *key = PyTuple_GET_ITEM(pair, 0);
        PyObject *lower = PyUnicode_IS_ASCII(key) ? cm_py_key_lower(key)
                                                  : PyObject_CallMethod(key, "lower", NULL);
        if (!lower || index_add(index, lower, PyTuple_GET_ITEM(pair, 1)) < 0)
            Py_CLEAR(index);
        Py_XDECREF(lower);
    }
    return index;
}

/* A block measured by its contents, its length too long for the header,
 * remembers the length the header gave. */
static int put_overflow(PyObject *d, const cm_flac_block *b)
{
    if (b->length <= 0xFFFFFF)
        return 0;
    return put(d, N_OVERFLOW_SIZE, PyLong_FromUnsignedLong(b->declared_length));
}

static PyObject *comment_block(const loader *l, const cm_flac_block *b)
{
    const cm_vcomment *vc = b->vcomment;
    PyObject *vendor = NULL, *items = NULL, *index = NULL;
    int plain = comment_items(vc, &items, &index);
    if (plain == 0) {
        vendor = PyUnicode_DecodeUTF8(vc->vendor.ptr, (Py_ssize_t)vc->vendor.len, "replace");
    } else if (plain == 1) {
        PyObject *comment = cm_py_vcomment_replace(l->module, vc);
        if (comment) {
            vendor = Py_NewRef(PyTuple_GET_ITEM(comment, 0));
            items = Py_NewRef(PyTuple_GET_ITEM(comment, 1));
            index = general_index(items);
            Py_DECREF(comment);
        }
    }
    PyObject *d = vendor && index ? _PyDict_NewPresized(5) : NULL;
    if (d && (PyDict_SetItem(d, names[N_VENDOR], vendor) < 0 ||
              PyDict_SetItem(d, names[N_INDEX], index) < 0 ||
              put(d, N_SIZE, PyLong_FromUnsignedLongLong(b->length)) < 0 ||
              put_overflow(d, b) < 0))
        Py_CLEAR(d);
    PyObject *block = block_of(l->cls[C_VCFLACDICT], d, CM_FLAC_VORBIS_COMMENT);
    if (block && PyList_SetSlice(block, 0, 0, items) < 0)
        Py_CLEAR(block);
    Py_XDECREF(vendor);
    Py_XDECREF(items);
    Py_XDECREF(index);
    return block;
}

static PyObject *picture_block(const loader *l, const cm_flac_block *b)
{
    const cm_flac_picture *p = b->picture;
    PyObject *d = _PyDict_NewPresized(10);
    if (!d || put(d, N_TYPE, PyLong_FromUnsignedLong(p->type)) < 0 ||
        put(d, N_MIME, cm_py_text_replace(p->mime)) < 0 ||
        put(d, N_DESC, cm_py_text_replace(p->desc)) < 0 ||
        put(d, N_WIDTH, PyLong_FromUnsignedLong(p->width)) < 0 ||
        put(d, N_HEIGHT, PyLong_FromUnsignedLong(p->height)) < 0 ||
        put(d, N_DEPTH, PyLong_FromUnsignedLong(p->depth)) < 0 ||
        put(d, N_COLORS, PyLong_FromUnsignedLong(p->colors)) < 0 ||
        put(d, N_DATA,
            PyBytes_FromStringAndSize((const char *)p->data.ptr, (Py_ssize_t)p->data.len)) < 0 ||
        put_overflow(d, b) < 0)
        Py_CLEAR(d);
    return block_of(l->cls[C_PICTURE], d, CM_FLAC_PICTURE);
}

/* SEEKTABLE: 18-byte points (first sample, byte offset: 64 bits; samples:
 * 16 bits); a partial point at the end is dropped. */
static PyObject *seektable_block(const loader *l, const cm_flac_block *b)
{
    enum { POINT = 18 };
    Py_ssize_t count = (Py_ssize_t)(b->body.len / POINT);
    PyObject *points = PyList_New(count);
    for (Py_ssize_t i = 0; points && i < count; i++) {
        const uint8_t *p = b->body.ptr + i * POINT;
        PyObject *v[3] = {PyLong_FromUnsignedLongLong(be(p, 8)),
                          PyLong_FromUnsignedLongLong(be(p + 8, 8)),
                          PyLong_FromUnsignedLong((unsigned long)be(p + 16, 2))};
        PyObject *point = tuple_of(l->cls[C_SEEKPOINT], 3, v);
        if (!point)
            Py_CLEAR(points);
        else
            PyList_SET_ITEM(points, i, point);
    }
    PyObject *d = points ? PyDict_New() : NULL;
    if (d && PyDict_SetItem(d, names[N_SEEKPOINTS], points) < 0)
        Py_CLEAR(d);
    Py_XDECREF(points);
    return block_of(l->cls[C_SEEKTABLE], d, CM_FLAC_SEEKTABLE);
}

/* A cue sheet track: offset (64 bits), number, ISRC (12 bytes, NUL-padded),
 * flags, 13 reserved bytes, index count; then its 12-byte index points
 * (offset, number, 3 reserved).  NULL without an error when the body ends
 * too early (the general path raises there). */
enum { CUE_HEADER = 396, CUE_TRACK = 36, CUE_INDEX = 12 };

static PyObject *cue_track(const loader *l, const cm_flac_block *b, size_t *pos)
{
    const uint8_t *t = b->body.ptr + *pos;
    if (b->body.len - *pos < CUE_TRACK)
        return NULL;
    size_t index_count = t[35], isrc_len = 12;
    while (isrc_len && t[9 + isrc_len - 1] == 0)
        isrc_len--;
    *pos += CUE_TRACK;
    if (b->body.len - *pos < index_count * CUE_INDEX)
        return NULL;
    PyObject *indexes = PyList_New((Py_ssize_t)index_count);
    for (size_t i = 0; indexes && i < index_count; i++, *pos += CUE_INDEX) {
        const uint8_t *x = b->body.ptr + *pos;
        PyObject *v[2] = {PyLong_FromLong(x[8]), PyLong_FromUnsignedLongLong(be(x, 8))};
        PyObject *index = tuple_of(l->cls[C_CUESHEET_TRACK_INDEX], 2, v);
        if (!index)
            Py_CLEAR(indexes);
        else
            PyList_SET_ITEM(indexes, (Py_ssize_t)i, index);
    }
    PyObject *d = indexes ? _PyDict_NewPresized(6) : NULL;
    if (d && (put(d, N_TRACK_NUMBER, PyLong_FromLong(t[8])) < 0 ||
              put(d, N_START_OFFSET, PyLong_FromUnsignedLongLong(be(t, 8))) < 0 ||
              put(d, N_ISRC,
                  PyBytes_FromStringAndSize((const char *)t + 9, (Py_ssize_t)isrc_len)) < 0 ||
              put(d, N_TYPE, PyLong_FromLong(t[21] >> 7 & 1)) < 0 ||
              put(d, N_PRE_EMPHASIS, PyBool_FromLong(t[21] & 0x40)) < 0 ||
              PyDict_SetItem(d, names[N_INDEXES], indexes) < 0))
        Py_CLEAR(d);
    Py_XDECREF(indexes);
    PyObject *track = d ? object_of(l->cls[C_CUESHEET_TRACK], d) : NULL;
    Py_XDECREF(d);
    return track;
}

/* CUESHEET: catalog number (128 bytes, NUL-padded), lead-in (64 bits),
 * flags, 258 reserved bytes, track count, tracks. */
static PyObject *cuesheet_block(const loader *l, const cm_flac_block *b)
{
    const uint8_t *h = b->body.ptr;
    if (b->body.len < CUE_HEADER)
        return NULL;
    size_t track_count = h[395], catalog_len = 128, pos = CUE_HEADER;
    while (catalog_len && h[catalog_len - 1] == 0)
        catalog_len--;
    PyObject *tracks = PyList_New((Py_ssize_t)track_count);
    for (size_t i = 0; tracks && i < track_count; i++) {
        PyObject *track = cue_track(l, b, &pos);
        if (!track)
            Py_CLEAR(tracks);
        else
            PyList_SET_ITEM(tracks, (Py_ssize_t)i, track);
    }
    PyObject *d = tracks ? PyDict_New() : NULL;
    if (d && (PyDict_SetItem(d, names[N_TRACKS], tracks) < 0 ||
              put(d, N_LEAD_IN_SAMPLES, PyLong_FromUnsignedLongLong(be(h + 128, 8))) < 0 ||
              put(d, N_MEDIA_CATALOG_NUMBER,
                  PyBytes_FromStringAndSize((const char *)h, (Py_ssize_t)catalog_len)) < 0 ||
              put(d, N_COMPACT_DISC, PyBool_FromLong(h[136] & 0x80)) < 0))
        Py_CLEAR(d);
    Py_XDECREF(tracks);
    return block_of(l->cls[C_CUESHEET], d, CM_FLAC_CUESHEET);
}

static PyObject *padding_block(const loader *l, const cm_flac_block *b)
{
    PyObject *d = PyDict_New();
    if (d && put(d, N_LENGTH, PyLong_FromUnsignedLongLong(b->length)) < 0)
        Py_CLEAR(d);
    return block_of(l->cls[C_PADDING], d, CM_FLAC_PADDING);
}

/* APPLICATION and the block types FLAC.METADATA_BLOCKS does not name. */
static PyObject *other_block(const loader *l, const cm_flac_block *b)
{
    PyObject *d = PyDict_New();
    if (d && put(d, N_DATA, PyBytes_FromStringAndSize((const char *)b->body.ptr,
                                                      (Py_ssize_t)b->body.len)) < 0)
        Py_CLEAR(d);
    return block_of(l->cls[C_METADATA_BLOCK], d, b->type);
}

/* A STREAMINFO block after the first: decoded on its own, no bitrate. */
static PyObject *extra_streaminfo_block(const loader *l, const cm_flac_block *b)
{
    cm_flac_streaminfo si;
    cm_error err;
    if (cm_flac_decode_streaminfo(b->body.ptr, b->body.len, 0, &si, &err) != CM_OK)
        return NULL; /* the parse has checked it; were it not so, Python decides */
    return streaminfo_block(l, &si, cm_flac_streaminfo_length(&si), -1);
}

/* FLAC.load's result as the instance's __dict__, or NULL: with an error
 * set when building failed, without one when Python must decide (it raises
 * there: a second seek table or cue sheet, a cue sheet cut short). */
static PyObject *flac_dict(const loader *l, const cm_flac *f, PyObject *path)
{
    PyObject *blocks = PyList_New((Py_ssize_t)f->block_count);
    PyObject *tags = Py_None, *cuesheet = Py_None, *seektable = Py_None, *streaminfo = NULL;
    long long bitrate = f->bitrate > LLONG_MAX ? LLONG_MAX : (long long)f->bitrate;
    for (size_t i = 0; blocks && i < f->block_count; i++) {
        const cm_flac_block *b = &f->blocks[i];
        PyObject *block;
        switch (b->type) {
        case CM_FLAC_STREAMINFO:
            if (streaminfo) {
                block = extra_streaminfo_block(l, b);
            } else {
                block = streaminfo = streaminfo_block(l, &f->streaminfo, f->length, bitrate);
            }
            break;
        case CM_FLAC_PADDING:
            block = padding_block(l, b);
            break;
        case CM_FLAC_SEEKTABLE:
            block = seektable == Py_None ? seektable_block(l, b) : NULL;
            if (block)
                seektable = block;
            break;
        case CM_FLAC_VORBIS_COMMENT:
            block = comment_block(l, b);
            if (block && tags == Py_None)
                tags = block;
            break;
        case CM_FLAC_CUESHEET:
            block = cuesheet == Py_None ? cuesheet_block(l, b) : NULL;
            if (block)
                cuesheet = block;
            break;
        case CM_FLAC_PICTURE:
            block = picture_block(l, b);
            break;
        default:
            block = other_block(l, b);
        }
        if (!block) {
            Py_CLEAR(blocks);
            break;
        }
        PyList_SET_ITEM(blocks, (Py_ssize_t)i, block);
    }
    if (!blocks || !streaminfo) {
        Py_XDECREF(blocks);
        return NULL;
    }
    PyObject *d = _PyDict_NewPresized(6);
    if (d && (PyDict_SetItem(d, names[N_METADATA_BLOCKS], blocks) < 0 ||
              PyDict_SetItem(d, names[N_TAGS], tags) < 0 ||
              PyDict_SetItem(d, names[N_CUESHEET], cuesheet) < 0 ||
              PyDict_SetItem(d, names[N_SEEKTABLE], seektable) < 0 ||
              PyDict_SetItem(d, names[N_FILENAME], path) < 0 ||
              PyDict_SetItem(d, names[N_STREAMINFO], streaminfo) < 0))
        Py_CLEAR(d);
    Py_DECREF(blocks);
    return d;
}

const char cm_py_load_flac_doc[] =
    "load_flac(flac, source, spec, filename=source)\n--\n\n"
    "FLAC.load in one call: fills the FLAC instance `flac`'s __dict__ with its\n"
    "metadata blocks' objects, built as flac.py builds them from the classes in\n"
    "`spec` (StreamInfo, Padding, SeekTable, VCFLACDict, CueSheet, Picture,\n"
    "MetadataBlock, SeekPoint, CueSheetTrack, CueSheetTrackIndex), and its\n"
    "filename with `filename`.  `source` is a path (str), or a memoryview of\n"
    "the whole file (an io.BytesIO's contents).\n"
    "Returns True, or False where the general path must decide (it raises\n"
    "there).  Raises ParseError when the file does not read as a FLAC file,\n"
    "OSError when it cannot be read.";

PyObject *cm_py_load_flac(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 3 || nargs > 4 || !(PyUnicode_Check(args[1]) || PyMemoryView_Check(args[1])) ||
        !PyTuple_Check(args[2]) || PyTuple_GET_SIZE(args[2]) != CLASS_COUNT) {
        PyErr_SetString(PyExc_TypeError,
                        "load_flac(flac, source: str or memoryview, spec: tuple of classes, "
                        "filename=source)");
        return NULL;
    }
    PyObject *filename = nargs == 4 ? args[3] : args[1];
    loader l = {module, {NULL}};
    for (int i = 0; i < CLASS_COUNT; i++) {
        PyObject *cls = PyTuple_GET_ITEM(args[2], i);
        if (!PyType_Check(cls)) {
            PyErr_SetString(PyExc_TypeError, "load_flac: the spec holds classes only");
            return NULL;
        }
        l.cls[i] = (PyTypeObject *)cls;
    }
    if (!intern_names())
        return NULL;
    cm_py_source source;
    if (cm_py_source_open(args[1], &source) < 0)
        return NULL;
    cm_read_opts opts = {CM_FORMAT_FLAC};
    cm_error err;
    cm_doc *doc = cm_py_source_read(&source, &opts, &err);
    PyObject *dict = NULL;
    if (!doc)
        cm_py_raise_parse_error(module, &err, source.path ? args[1] : NULL);
    else
        /* (built before the source is closed: the document may point into it) */
        dict = flac_dict(&l, cm_doc_flac(doc), filename);
    cm_doc_free(doc);
    cm_py_source_close(&source);
    if (!dict)
        return PyErr_Occurred() ? NULL : Py_NewRef(Py_False);
    int rc = PyObject_GenericSetDict(args[0], dict, NULL);
    Py_DECREF(dict);
    return rc < 0 ? NULL : Py_NewRef(Py_True);
}

/* ---- FLAC.pictures ---------------------------------------------------------- */

const char cm_py_flac_pictures_doc[] =
    "flac_pictures(flac)\n--\n\n"
    "The blocks of flac.metadata_blocks whose code == 6 (PICTURE), as a new list.";

PyObject *cm_py_flac_pictures(PyObject *module, PyObject *flac)
{
    (void)module;
    if (!intern_names())
        return NULL;
    PyObject *blocks = PyObject_GetAttr(flac, names[N_METADATA_BLOCKS]);
    PyObject *it = blocks ? PyObject_GetIter(blocks) : NULL;
    PyObject *six = it ? PyLong_FromLong(CM_FLAC_PICTURE) : NULL;
    PyObject *pictures = six ? PyList_New(0) : NULL, *block;
    while (pictures && (block = PyIter_Next(it)) != NULL) {
        PyObject *code = PyObject_GetAttr(block, names[N_CODE]);
        PyObject *same = code ? PyObject_RichCompare(code, six, Py_EQ) : NULL;
        int truth = same ? PyObject_IsTrue(same) : -1;
        if (truth < 0 || (truth && PyList_Append(pictures, block) < 0))
            Py_CLEAR(pictures);
        Py_XDECREF(same);
        Py_XDECREF(code);
        Py_DECREF(block);
    }
    if (PyErr_Occurred())
        Py_CLEAR(pictures);
    Py_XDECREF(six);
    Py_XDECREF(it);
    Py_XDECREF(blocks);
    return pictures;
}
