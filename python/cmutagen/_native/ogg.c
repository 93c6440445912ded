/* SPDX-License-Identifier: GPL-2.0-or-later */
/* _native.read_ogg: one Ogg stream's stream info and comment, read by the C
 * core (src/ogg) from a path or a buffer and handed over as the values
 * cmutagen's Ogg classes store: the info as a dict ready to be an
 * instance's __dict__, the comment as (vendor, [(key, value), ...]). */
#include "ogg.h" /* Python.h first */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/doc.h"
#include "core/error.h"
#include "ogg/ogg.h"
#include "native.h"
#include "pread.h"
#include "read_path.h"

/* The info values of each codec, in mutagen's attribute order; the caller
 * names them (`keys`). */
enum { MAX_VALUES = 9 };

typedef struct ogg_codec {
    const char *name;
    cm_format format;
    Py_ssize_t count;
    /* Fills values[0..count) with new references; false on failure. */
    bool (*values)(const cm_ogg *o, PyObject **values);
} ogg_codec;

static bool vorbis_values(const cm_ogg *o, PyObject **v)
{
    v[0] = PyLong_FromLong(o->vorbis.channels);
    v[1] = PyLong_FromUnsignedLong(o->vorbis.sample_rate);
    v[2] = PyLong_FromUnsignedLong(o->serial);
    v[3] = PyLong_FromLongLong(o->bitrate);
    v[4] = PyFloat_FromDouble(o->length);
    return v[0] && v[1] && v[2] && v[3] && v[4];
}

static bool opus_values(const cm_ogg *o, PyObject **v)
{
    v[0] = PyLong_FromUnsignedLong(o->serial);
    v[1] = PyLong_FromLong(o->opus.channels);
    v[2] = PyLong_FromLong(o->opus.pre_skip);
    v[3] = PyFloat_FromDouble(o->length);
    v[4] = PyLong_FromLongLong(o->bitrate);
    return v[0] && v[1] && v[2] && v[3] && v[4];
}

static bool speex_values(const cm_ogg *o, PyObject **v)
{
    v[0] = PyLong_FromUnsignedLong(o->speex.sample_rate);
    v[1] = PyLong_FromUnsignedLong(o->speex.channels);
    v[2] = PyLong_FromLongLong(o->bitrate);
    v[3] = PyLong_FromUnsignedLong(o->serial);
    v[4] = PyFloat_FromDouble(o->length);
    return v[0] && v[1] && v[2] && v[3] && v[4];
}

static bool theora_values(const cm_ogg *o, PyObject **v)
{
    v[0] = PyFloat_FromDouble(o->theora.fps);
    v[1] = PyLong_FromLongLong(o->bitrate);
    v[2] = PyLong_FromLong(o->theora.granule_shift);
    v[3] = PyLong_FromUnsignedLong(o->serial);
    v[4] = PyFloat_FromDouble(o->length);
    return v[0] && v[1] && v[2] && v[3] && v[4];
}

static bool flac_values(const cm_ogg *o, PyObject **v)
{
    const cm_flac_streaminfo *si = &o->flac.streaminfo;
    v[0] = PyLong_FromLong(o->flac.header_packets);
    v[1] = PyLong_FromUnsignedLong(o->serial);
    v[2] = PyLong_FromUnsignedLong(si->min_blocksize);
    v[3] = PyLong_FromUnsignedLong(si->max_blocksize);
    v[4] = PyLong_FromUnsignedLong(si->sample_rate);
    v[5] = PyLong_FromUnsignedLong(si->channels);
    v[6] = PyLong_FromUnsignedLong(si->bits_per_sample);
    v[7] = PyLong_FromUnsignedLongLong(si->total_samples);
    v[8] = PyFloat_FromDouble(o->length);
    for (int i = 0; i < 9; i++)
        if (!v[i])
            return false;
    return true;
}

static const ogg_codec ogg_codecs[] = {
    {"vorbis", CM_FORMAT_OGG_VORBIS, 5, vorbis_values},
    {"opus", CM_FORMAT_OGG_OPUS, 5, opus_values},
    {"speex", CM_FORMAT_OGG_SPEEX, 5, speex_values},
    {"theora", CM_FORMAT_OGG_THEORA, 5, theora_values},
    {"flac", CM_FORMAT_OGG_FLAC, 9, flac_values},
};

enum { OGG_CODEC_COUNT = sizeof ogg_codecs / sizeof ogg_codecs[0] };

static const ogg_codec *codec_by_format(cm_format format)
{
    for (size_t i = 0; i < OGG_CODEC_COUNT; i++)
        if (ogg_codecs[i].format == format)
            return &ogg_codecs[i];
    return NULL;
}

/* keys[i] -> value i, in a new dict. */
static PyObject *build_info(const ogg_codec *c, const cm_ogg *o, PyObject *keys)
{
    PyObject *values[MAX_VALUES] = {NULL};
    PyObject *dict = NULL;
    if (PyTuple_GET_SIZE(keys) != c->count) {
        PyErr_Format(PyExc_ValueError, "read_ogg: %s streams have %zd info values, %zd keys given",
                     c->name, c->count, PyTuple_GET_SIZE(keys));
        return NULL;
    }
    if (c->values(o, values) && (dict = PyDict_New()) != NULL) {
        for (Py_ssize_t i = 0; i < c->count; i++) {
            if (PyDict_SetItem(dict, PyTuple_GET_ITEM(keys, i), values[i]) < 0) {
                Py_CLEAR(dict);
                break;
            }
        }
    }
    for (Py_ssize_t i = 0; i < c->count; i++)
        Py_XDECREF(values[i]);
    return dict;
}

/* (codec, info, vendor, items, size, padding, pad_data) */
static PyObject *build_result(PyObject *module, const cm_ogg *o, PyObject *keys)
{
    const ogg_codec *c = codec_by_format(o->codec);
    if (!c) {
        PyErr_SetString(PyExc_SystemError, "read_ogg: the document is of an unknown codec");
        return NULL;
    }
    /* Opus keeps the bytes after its comments when their first byte has
     * the low bit set (RFC 7845 5.2: data, not padding); all other bytes
     * after the comments are padding. */
    cm_bytes trailing = o->comment_trailing;
    bool opus_data = o->codec == CM_FORMAT_OGG_OPUS && trailing.len && (trailing.ptr[0] & 1);
    PyObject *info = build_info(c, o, keys);
    PyObject *comment = info ? cm_py_vcomment_replace(module, o->vcomment) : NULL;
    PyObject *pad_data = comment ? PyBytes_FromStringAndSize(
                                       opus_data ? (const char *)trailing.ptr : NULL,
                                       opus_data ? (Py_ssize_t)trailing.len : 0)
                                 : NULL;
    if (!pad_data) {
        Py_XDECREF(info);
        Py_XDECREF(comment);
        return NULL;
    }
    PyObject *result = Py_BuildValue("(sNOOnnN)", c->name, info, PyTuple_GET_ITEM(comment, 0),
                                     PyTuple_GET_ITEM(comment, 1), (Py_ssize_t)o->comment_size,
                                     (Py_ssize_t)(opus_data ? 0 : trailing.len), pad_data);
    Py_DECREF(comment);
    return result;
}

/* ---- reading a file ------------------------------------------------------ */

/* cm_py_pread of exactly len bytes; false with *err set otherwise. */
static bool read_exactly(int fd, uint8_t *buf, size_t len, uint64_t offset, cm_error *err)
{
    size_t got;
    if (!cm_py_pread(fd, buf, len, offset, &got)) {
        cm_fail(err, CM_ERR_IO, CM_PART_NONE, offset, "read failed: %s", strerror(errno));
        return false;
    }
    if (got < len) {
        cm_fail(err, CM_ERR_IO, CM_PART_NONE, offset, "the file shrank while it was read");
        return false;
    }
    return true;
}

enum {
    FIRST_READ = 4096, /* cm_read_file's first read: a lightly tagged file's headers */
    TAIL_ROOM = 8192   /* room kept for the tail the parse asks for next (the last page) */
};

/* The file at `path` read the way cm_read_file reads it (its first bytes,
 * then more of the head or its tail as the parse asks), parsed by
 * cm_ogg_parse_flags: the public API has no way to skip the decoding of
 * covers, which Python hands over as the comments' text.  On CM_OK, *o
 * points into `arena` and *buf (to be freed by the caller). */
static cm_status read_path(const char *path, cm_format format, cm_arena *arena, cm_ogg **o,
                           uint8_t **buf, cm_error *err)
{
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int errnum = errno;
        cm_fail(err, CM_ERR_IO, CM_PART_NONE, 0, "cannot open file: %s", strerror(errnum));
        err->sys_errno = errnum;
        return CM_ERR_IO;
    }
    size_t cap = FIRST_READ + TAIL_ROOM, have, tail_len = 0;
    uint8_t *data = malloc(cap);
    cm_status st;
    if (!data) {
        st = cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
        goto done;
    }
    if (!cm_py_pread(fd, data, FIRST_READ, 0, &have)) {
        st = cm_fail(err, CM_ERR_IO, CM_PART_NONE, 0, "read failed: %s", strerror(errno));
        goto done;
    }
    /* a short first read is the whole file, and saves an fstat */
    uint64_t size = have;
    struct stat info;
    if (have == FIRST_READ && fstat(fd, &info) == 0 && (uint64_t)info.st_size > have)
        size = (uint64_t)info.st_size;
    for (;;) {
        cm_source src = {data, have, tail_len ? data + have : NULL, tail_len, size};
        cm_error_clear(err); /* as cm_parse_input does: a request starts from zero */
        st = cm_ogg_parse_flags(&src, format, CM_OGG_SKIP_PICTURES, arena, o, err);
        if (st != CM_NEED_MORE)
            break;
        uint64_t want = err->need_bytes, want_tail = err->need_tail_bytes;
        if ((want <= have && want_tail <= tail_len) || want > size || want_tail > size) {
            st = cm_fail(err, CM_ERR_INVALID, CM_PART_NONE, want,
                         "internal error: the parse asked for %llu + %llu bytes of %llu",
                         (unsigned long long)want, (unsigned long long)want_tail,
                         (unsigned long long)size);
            break;
        }
        size_t head = want > have ? (size_t)want : have;
        size_t tail = want_tail > tail_len ? (size_t)want_tail : tail_len;
        /* a tail close to the head's end is read as more head: one read */
        if (tail && size - tail <= (uint64_t)head + FIRST_READ) {
            head = (size_t)size;
            tail = 0;
        }
        if (head + tail > cap) {
            uint8_t *grown = realloc(data, head + tail);
            if (!grown) {
                st = cm_fail(err, CM_ERR_NOMEM, CM_PART_NONE, 0, "out of memory");
                break;
            }
            data = grown;
            cap = head + tail;
        }
        if (tail && tail == tail_len && head != have) /* the tail follows the grown head */
            memmove(data + head, data + have, tail);
        if ((head > have && !read_exactly(fd, data + have, head - have, have, err)) ||
            (tail && tail != tail_len && !read_exactly(fd, data + head, tail, size - tail, err))) {
            st = err->code;
            break;
        }
        have = head;
        tail_len = tail;
    }
done:
    close(fd);
    if (st != CM_OK) {
        free(data);
        data = NULL;
    }
    *buf = data;
    return st;
}

/* ---- load_ogg: the objects themselves ------------------------------------- */

static const ogg_codec *codec_by_name(PyObject *name);

/* VCommentDict's lookup index: lower-cased key -> [values], in file order. */
static PyObject *build_index(PyObject *items)
{
    PyObject *index = PyDict_New();
    for (Py_ssize_t i = 0; index && i < PyList_GET_SIZE(items); i++) {
        PyObject *pair = PyList_GET_ITEM(items, i);
        PyObject *key = cm_py_key_lower(PyTuple_GET_ITEM(pair, 0));
        PyObject *values = key ? PyDict_GetItemWithError(index, key) : NULL;
        int rc = -1;
        if (values) {
            rc = PyList_Append(values, PyTuple_GET_ITEM(pair, 1));
        } else if (key && !PyErr_Occurred() && (values = PyList_New(1)) != NULL) {
            PyList_SET_ITEM(values, 0, Py_NewRef(PyTuple_GET_ITEM(pair, 1)));
            rc = PyDict_SetItem(index, key, values);
            Py_DECREF(values);
        }
        Py_XDECREF(key);
        if (rc < 0)
            Py_CLEAR(index);
    }
    return index;
}

/* cls.__new__(cls) with `dict` as its __dict__ (a new reference). */
static PyObject *new_with_dict(PyObject *cls, PyObject *dict)
{
    if (!PyType_Check(cls)) {
        PyErr_SetString(PyExc_TypeError, "load_ogg: the info and tags classes must be classes");
        return NULL;
    }
    PyTypeObject *type = (PyTypeObject *)cls;
    PyObject *empty = PyTuple_New(0);
    PyObject *obj = empty ? type->tp_new(type, empty, NULL) : NULL;
    Py_XDECREF(empty);
    if (obj && PyObject_GenericSetDict(obj, dict, NULL) < 0)
        Py_CLEAR(obj);
    return obj;
}

/* The info and tags objects of a parsed stream, as OggFileType.load
 * leaves them: the info's __dict__ is its values; the tags (a
 * VCommentDict subclass, so a list) hold the comments, and _size, vendor,
 * _index (built here: the first lookup would build it) and the codec's
 * _padding / _pad_data. */
static PyObject *build_objects(PyObject *module, const cm_ogg *o, PyObject *spec)
{
    /* spec: (codec, keys, info class, tags class, keep _padding, keep _pad_data) */
    const ogg_codec *c = codec_by_format(o->codec);
    PyObject *result = c ? build_result(module, o, PyTuple_GET_ITEM(spec, 1)) : NULL;
    if (!result)
        return NULL;
    PyObject *info_dict = PyTuple_GET_ITEM(result, 1);
    PyObject *items = PyTuple_GET_ITEM(result, 3);
    PyObject *info = NULL, *tags = NULL, *tags_dict = NULL, *index = build_index(items);
    PyObject *size = PyTuple_GET_ITEM(result, 4);
    if (!index || !(tags_dict = PyDict_New()) ||
        PyDict_SetItemString(tags_dict, "_size", size) < 0 ||
        PyDict_SetItemString(tags_dict, "vendor", PyTuple_GET_ITEM(result, 2)) < 0 ||
        PyDict_SetItemString(tags_dict, "_index", index) < 0 ||
        (PyObject_IsTrue(PyTuple_GET_ITEM(spec, 5)) &&
         PyDict_SetItemString(tags_dict, "_pad_data", PyTuple_GET_ITEM(result, 6)) < 0) ||
        (PyObject_IsTrue(PyTuple_GET_ITEM(spec, 4)) &&
         PyDict_SetItemString(tags_dict, "_padding", PyTuple_GET_ITEM(result, 5)) < 0) ||
        !(info = new_with_dict(PyTuple_GET_ITEM(spec, 2), info_dict)) ||
        !(tags = new_with_dict(PyTuple_GET_ITEM(spec, 3), tags_dict)) ||
        PyList_SetSlice(tags, 0, 0, items) < 0) {
        Py_XDECREF(info);
        Py_XDECREF(tags);
        info = tags = NULL;
    }
    Py_XDECREF(index);
    Py_XDECREF(tags_dict);
    Py_DECREF(result);
    return info ? Py_BuildValue("(NN)", info, tags) : NULL;
}

const char cm_py_load_ogg_doc[] =
    "load_ogg(source, spec)\n--\n\n"
    "OggFileType.load in one call: returns (info, tags), the objects\n"
    "themselves.  `source` is a path (str), or a memoryview of the whole file\n"
    "(an io.BytesIO's contents).  `spec` is\n"
    "(codec, keys, info_class, tags_class, keep_padding, keep_pad_data), codec\n"
    "and keys as for read_ogg.  Covers are not decoded (their comments' text\n"
    "is all Python shows).  Raises ParseError when the file does not read as\n"
    "mutagen would read it, OSError when it cannot be read.";

PyObject *cm_py_load_ogg(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !(PyUnicode_Check(args[0]) || PyMemoryView_Check(args[0])) ||
        !PyTuple_Check(args[1]) || PyTuple_GET_SIZE(args[1]) != 6 ||
        !PyTuple_Check(PyTuple_GET_ITEM(args[1], 1))) {
        PyErr_SetString(PyExc_TypeError, "load_ogg(source: str or memoryview, spec: 6-tuple)");
        return NULL;
    }
    const ogg_codec *c = codec_by_name(PyTuple_GET_ITEM(args[1], 0));
    if (!c) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "load_ogg: the spec names no codec");
        return NULL;
    }
    cm_py_source source;
    if (cm_py_source_open(args[0], &source) < 0)
        return NULL;
    cm_arena arena;
    cm_arena_init(&arena);
    cm_ogg *o = NULL;
    uint8_t *buf = NULL;
    cm_error err;
    cm_status st;
    if (source.path) {
        Py_BEGIN_ALLOW_THREADS
        st = read_path(source.path, c->format, &arena, &o, &buf, &err);
        Py_END_ALLOW_THREADS
    } else {
        /* The whole file, parsed where it is (never joined in place: the
         * buffer is the caller's); the objects are built before it goes. */
        cm_source src = {source.view.buf, (size_t)source.view.len, NULL, 0,
                         (uint64_t)source.view.len};
        cm_error_clear(&err);
        st = cm_ogg_parse_flags(&src, c->format, CM_OGG_SKIP_PICTURES, &arena, &o, &err);
    }
    PyObject *result = st == CM_OK ? build_objects(module, o, args[1])
                                   : cm_py_raise_parse_error(module, &err,
                                                             source.path ? args[0] : NULL);
    cm_arena_release(&arena);
    free(buf);
    cm_py_source_close(&source);
    return result;
}

const char cm_py_read_ogg_doc[] =
    "read_ogg(source, codec, keys, file_size=None, tail=None)\n--\n\n"
    "Read an Ogg stream as mutagen does.  `codec` is 'vorbis', 'opus', 'speex',\n"
    "'theora' or 'flac' (the stream whose identification header comes first in\n"
    "the file), or None for any of them.  `source` is a path (str, bytes or\n"
    "os.PathLike), or a bytes-like object holding the first bytes of a file of\n"
    "`file_size` bytes (default: all of it) and then `tail`, its last bytes,\n"
    "when given.\n\n"
    "Returns (codec, info, vendor, items, size, padding, pad_data): info is a\n"
    "dict of the codec's stream info keyed by `keys`, which name in this order\n"
    "  vorbis: channels, sample_rate, serial, bitrate, length\n"
    "  opus:   serial, channels, pre_skip, length, bitrate\n"
    "  speex:  sample_rate, channels, bitrate, serial, length\n"
    "  theora: fps, bitrate, granule_shift, serial, length\n"
    "  flac:   packets, serial, min_blocksize, max_blocksize, sample_rate,\n"
    "          channels, bits_per_sample, total_samples, length\n"
    "(`keys` may be a dict mapping codec names to such tuples); vendor and\n"
    "items are the comment decoded as mutagen does (errors='replace'); size is\n"
    "the bytes the comment block spans (framing bit included); padding is the\n"
    "count of bytes after it in its packet and pad_data those bytes when Opus\n"
    "keeps them (padding is then 0).\n\n"
    "For a buffer holding too little of the file, returns the int number of\n"
    "leading bytes needed (no `tail`: a tail request asks for the whole file),\n"
    "or with `tail` the 2-tuple (head_bytes, tail_bytes) to fetch.  Raises\n"
    "ParseError when the file does not read as mutagen would read it.";

static const ogg_codec *codec_by_name(PyObject *name)
{
    if (name == Py_None)
        return NULL;
    const char *s = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
    for (size_t i = 0; s && i < OGG_CODEC_COUNT; i++)
        if (strcmp(s, ogg_codecs[i].name) == 0)
            return &ogg_codecs[i];
    if (!PyErr_Occurred())
        PyErr_Format(PyExc_ValueError, "read_ogg: unknown codec %R", name);
    return NULL;
}

/* The keys for the document's codec: a tuple, or a dict of tuples by
 * codec name. */
static PyObject *keys_for(PyObject *keys, const cm_ogg *o)
{
    if (PyTuple_Check(keys))
        return keys;
    const ogg_codec *c = codec_by_format(o->codec);
    PyObject *k = c && PyDict_Check(keys) ? PyDict_GetItemString(keys, c->name) : NULL;
    if (!k || !PyTuple_Check(k)) {
        PyErr_SetString(PyExc_TypeError, "read_ogg: keys must be a tuple, or a dict of tuples");
        return NULL;
    }
    return k;
}

static PyObject *result_or_error(PyObject *module, cm_doc *doc, const cm_error *err,
                                 PyObject *keys, PyObject *path)
{
    if (!doc)
        return cm_py_raise_parse_error(module, err, path);
    const cm_ogg *o = cm_doc_ogg(doc);
    PyObject *k = keys_for(keys, o);
    return k ? build_result(module, o, k) : NULL;
}

PyObject *cm_py_read_ogg(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"source", "codec", "keys", "file_size", "tail", NULL};
    PyObject *source, *codec_name, *keys, *file_size_obj = Py_None, *tail_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|OO:read_ogg", kwlist, &source,
                                     &codec_name, &keys, &file_size_obj, &tail_obj))
        return NULL;
    const ogg_codec *c = codec_by_name(codec_name);
    if (!c && PyErr_Occurred())
        return NULL;
    cm_read_opts opts = {c ? c->format : CM_FORMAT_OGG};
    cm_error err;
    cm_doc *doc;

    if (PyObject_CheckBuffer(source)) {
        Py_buffer view, tail = {0};
        if (PyObject_GetBuffer(source, &view, PyBUF_SIMPLE) < 0)
            return NULL;
        if (tail_obj != Py_None && PyObject_GetBuffer(tail_obj, &tail, PyBUF_SIMPLE) < 0) {
            PyBuffer_Release(&view);
            return NULL;
        }
        unsigned long long file_size = (unsigned long long)view.len;
        if (file_size_obj != Py_None)
            file_size = PyLong_AsUnsignedLongLong(file_size_obj);
        PyObject *result = NULL;
        if (!PyErr_Occurred()) {
            cm_input in = {view.buf, (size_t)view.len, tail.buf, (size_t)tail.len, file_size};
            /* the document points into the buffers: build the result first */
            doc = tail_obj == Py_None
                      ? cm_parse_prefix(view.buf, (size_t)view.len, file_size, &opts, &err)
                      : cm_parse_input(&in, &opts, &err);
            if (!doc && err.code == CM_NEED_MORE && tail_obj == Py_None)
                result = PyLong_FromUnsignedLongLong(err.need_bytes);
            else if (!doc && err.code == CM_NEED_MORE)
                result = Py_BuildValue("(KK)", (unsigned long long)err.need_bytes,
                                       (unsigned long long)err.need_tail_bytes);
            else
                result = result_or_error(module, doc, &err, keys, NULL);
            cm_doc_free(doc);
        }
        if (tail_obj != Py_None)
            PyBuffer_Release(&tail);
        PyBuffer_Release(&view);
        return result;
    }

    PyObject *path = NULL;
    if (!PyUnicode_FSConverter(source, &path))
        return NULL;
    const char *cpath = PyBytes_AS_STRING(path);
    cm_arena arena;
    cm_arena_init(&arena);
    cm_ogg *o = NULL;
    uint8_t *buf = NULL;
    cm_status st;
    Py_BEGIN_ALLOW_THREADS
    st = read_path(cpath, opts.format, &arena, &o, &buf, &err);
    Py_END_ALLOW_THREADS
    PyObject *result = NULL;
    if (st != CM_OK) {
        cm_py_raise_parse_error(module, &err, source);
    } else {
        PyObject *k = keys_for(keys, o);
        result = k ? build_result(module, o, k) : NULL;
    }
    cm_arena_release(&arena);
    free(buf);
    Py_DECREF(path);
    return result;
}
