/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mp4: the MP4 read path of cmutagen.mp4 in one call.
 *
 * read_mp4(source[, file_size]) parses an MP4 file with libcmutagen (a path
 * is read with the GIL released; a bytes-like object is the head of a file
 * of file_size bytes) and returns what MP4.load needs as plain values:
 *
 *   (info, tags, chapters)
 *   info:     a dict to become MP4Info's __dict__: the attributes mutagen
 *             sets, in its order ({} when the file gives none)
 *   tags:     None (no moov.udta.meta.ilst) or (padding, items); each item
 *             is (key, datas, body): key as mutagen names it ("\xa9nam",
 *             "----:com.apple.iTunes:NAME"), datas a list of (flags,
 *             payload) for its data atoms (flags: version byte and 24-bit
 *             type) or None, and then body, the item atom's contents, for
 *             the general parse
 *   chapters: None or (timescale, duration, [(start, title), ...])
 *
 * It returns None when the file is not one the fast path reproduces
 * exactly (an error anywhere, titles that are not UTF-8, ...): the caller
 * then takes the general way, which raises mutagen's exceptions.  For a
 * bytes-like source it returns an int when it needs the first that many
 * bytes of the file (the _util.read_file_prefix protocol). */
#include "mp4.h"
#include "read_path.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "cmutagen.h"

const char cm_py_read_mp4_doc[] =
    "read_mp4(source, file_size=None)\n--\n\n"
    "Read an MP4 file: (info, tags, chapters), an int (bytes needed) or None.";

/* The item's key as mutagen spells it: the name's bytes as Latin-1, and
 * for freeform items "----:" mean ":" name, Latin-1 as well. */
static PyObject *item_key(const cm_mp4_item *item)
{
    if (item->well_formed && memcmp(item->name, "----", 4) == 0) {
        size_t n = 5 + item->mean.len + 1 + item->key.len;
        PyObject *s = PyUnicode_New((Py_ssize_t)n, 255);
        if (!s)
            return NULL;
        Py_UCS1 *d = PyUnicode_1BYTE_DATA(s);
        memcpy(d, "----:", 5);
        memcpy(d + 5, item->mean.ptr, item->mean.len);
        d[5 + item->mean.len] = ':';
        memcpy(d + 6 + item->mean.len, item->key.ptr, item->key.len);
        return s;
    }
    return PyUnicode_DecodeLatin1((const char *)item->name, 4, NULL);
}

static PyObject *build_item(const cm_mp4_item *item)
{
    PyObject *key = item_key(item);
    if (!key)
        return NULL;
    /* A data atom with a locale cannot be rendered back from (flags,
     * payload): those items go the general way with their body. */
    bool plain = item->well_formed;
    for (size_t i = 0; plain && i < item->data_count; i++)
        plain = item->data[i].locale == 0;
    PyObject *datas = NULL, *body = NULL, *result = NULL;
    if (plain) {
        datas = PyList_New((Py_ssize_t)item->data_count);
        if (!datas)
            goto done;
        for (size_t i = 0; i < item->data_count; i++) {
            const cm_mp4_data *d = &item->data[i];
            PyObject *t = Py_BuildValue("(ky#)", (unsigned long)((uint32_t)d->version << 24 | d->type),
                                        (const char *)d->value.ptr, (Py_ssize_t)d->value.len);
            if (!t)
                goto done;
            PyList_SET_ITEM(datas, (Py_ssize_t)i, t);
        }
        result = PyTuple_Pack(3, key, datas, Py_None);
    } else {
        body = PyBytes_FromStringAndSize((const char *)item->body.ptr, (Py_ssize_t)item->body.len);
        if (body)
            result = PyTuple_Pack(3, key, Py_None, body);
    }
done:
    Py_DECREF(key);
    Py_XDECREF(datas);
    Py_XDECREF(body);
    return result;
}

static int set_item(PyObject *dict, const char *key, PyObject *value)
{
    if (!value)
        return -1;
    int r = PyDict_SetItemString(dict, key, value);
    Py_DECREF(value);
    return r;
}

static PyObject *build_info(const cm_mp4_info *info)
{
    PyObject *d = PyDict_New();
    if (!d)
        return NULL;
    if (info->fields & CM_MP4_HAS_LENGTH) {
        PyObject *length = info->zero_timescale ? PyLong_FromLong(0) : PyFloat_FromDouble(info->length);
        if (set_item(d, "length", length) < 0)
            goto fail;
    }
    if (info->fields & CM_MP4_HAS_SAMPLE_ENTRY) {
        if (set_item(d, "channels", PyLong_FromUnsignedLong(info->channels)) < 0 ||
            set_item(d, "bits_per_sample", PyLong_FromUnsignedLong(info->bits_per_sample)) < 0 ||
            set_item(d, "sample_rate", PyLong_FromUnsignedLong(info->sample_rate)) < 0 ||
            set_item(d, "bitrate", PyLong_FromUnsignedLongLong(info->bitrate)) < 0 ||
            set_item(d, "codec", PyUnicode_FromStringAndSize(info->codec.ptr,
                                                             (Py_ssize_t)info->codec.len)) < 0 ||
            set_item(d, "codec_description",
                     PyUnicode_FromStringAndSize(info->codec_description.ptr,
                                                 (Py_ssize_t)info->codec_description.len)) < 0)
            goto fail;
    }
    return d;
fail:
    Py_DECREF(d);
    return NULL;
}

/* Py_None (with a new reference) when a title is not UTF-8: the general
 * way then raises mutagen's error. */
static PyObject *build_chapters(const cm_mp4 *m, bool *fallback)
{
    if (!m->has_chapters)
        return Py_NewRef(Py_None);
    PyObject *list = PyList_New((Py_ssize_t)m->chapter_count);
    if (!list)
        return NULL;
    for (size_t i = 0; i < m->chapter_count; i++) {
        const cm_mp4_chapter *c = &m->chapters[i];
        if (!cm_utf8_valid(c->title)) {
            *fallback = true;
            Py_DECREF(list);
            return Py_NewRef(Py_None);
        }
        PyObject *t = Py_BuildValue("(ds#)", c->start, c->title.ptr, (Py_ssize_t)c->title.len);
        if (!t) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    PyObject *r = Py_BuildValue("(kKN)", (unsigned long)m->timescale,
                                (unsigned long long)m->duration, list);
    return r;
}

/* ---- tag values, built as cmutagen.mp4.MP4Tags parses the items -------- */

/* What became of an item: its values are in the dict; it goes to
 * _failed_atoms (the parser raised MP4MetadataError); the parser would
 * raise something else, which fails the whole load, so every item goes
 * to the Python parser, which raises it; or a Python error is set. */
typedef enum { ITEM_OK, ITEM_FAILED, ITEM_PENDING, ITEM_ERROR } item_status;

/* The classes and the genre list the values are made with. */
typedef struct value_kinds {
    PyObject *cover;     /* MP4Cover */
    PyObject *freeform;  /* MP4FreeForm */
    PyObject *genres;    /* the ID3v1 genre names, a list */
} value_kinds;

typedef enum { KIND_TEXT, KIND_TEXT_TYPED, KIND_FREEFORM, KIND_PAIR, KIND_GENRE,
               KIND_INTEGER, KIND_BOOL, KIND_COVER } item_kind;

/* The item parser of each name (MP4Tags' table); any other name is read
 * as text that must be typed UTF-8 (KIND_TEXT_TYPED). */
static const struct {
    char name[5];
    item_kind kind;
} item_kinds[] = {
    {"----", KIND_FREEFORM}, {"trkn", KIND_PAIR}, {"disk", KIND_PAIR}, {"gnre", KIND_GENRE},
    {"plID", KIND_INTEGER}, {"cnID", KIND_INTEGER}, {"geID", KIND_INTEGER},
    {"atID", KIND_INTEGER}, {"sfID", KIND_INTEGER}, {"cmID", KIND_INTEGER},
    {"akID", KIND_INTEGER}, {"tvsn", KIND_INTEGER}, {"tves", KIND_INTEGER},
    {"tmpo", KIND_INTEGER}, {"\xa9mvi", KIND_INTEGER}, {"\xa9mvc", KIND_INTEGER},
    {"shwm", KIND_INTEGER}, {"stik", KIND_INTEGER}, {"hdvd", KIND_INTEGER},
    {"rtng", KIND_INTEGER}, {"cpil", KIND_BOOL}, {"pgap", KIND_BOOL}, {"pcst", KIND_BOOL},
    {"covr", KIND_COVER}, {"purl", KIND_TEXT}, {"egid", KIND_TEXT},
    {"\xa9nam", KIND_TEXT}, {"\xa9" "alb", KIND_TEXT}, {"\xa9" "ART", KIND_TEXT},
    {"aART", KIND_TEXT}, {"\xa9wrt", KIND_TEXT}, {"\xa9" "day", KIND_TEXT},
    {"\xa9" "cmt", KIND_TEXT}, {"desc", KIND_TEXT}, {"purd", KIND_TEXT},
    {"\xa9grp", KIND_TEXT}, {"\xa9gen", KIND_TEXT}, {"\xa9lyr", KIND_TEXT},
    {"catg", KIND_TEXT}, {"keyw", KIND_TEXT}, {"\xa9too", KIND_TEXT}, {"cprt", KIND_TEXT},
    {"soal", KIND_TEXT}, {"soaa", KIND_TEXT}, {"soar", KIND_TEXT}, {"sonm", KIND_TEXT},
    {"soco", KIND_TEXT}, {"sosn", KIND_TEXT}, {"tvsh", KIND_TEXT},
};

static item_kind kind_of(const uint8_t name[4])
{
    for (size_t i = 0; i < sizeof item_kinds / sizeof item_kinds[0]; i++)
        if (memcmp(item_kinds[i].name, name, 4) == 0)
            return item_kinds[i].kind;
    return KIND_TEXT_TYPED;
}

static uint32_t be_n(const uint8_t *p, size_t n)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* b[lo:hi] as Python slices bytes (lo and hi are never negative here). */
static cm_bytes slice(cm_bytes b, uint64_t lo, uint64_t hi)
{
    lo = lo < b.len ? lo : b.len;
    hi = hi < b.len ? hi : b.len;
    hi = hi > lo ? hi : lo;
    return (cm_bytes){b.ptr + lo, (size_t)(hi - lo)};
}

/* The data atoms of an item body one by one, as the parsers walk them:
 * 1 and the next atom's version, type and value; 0 at the end; -1 when
 * the next is not a complete "data" atom of at least 16 bytes. */
typedef struct data_walk {
    cm_bytes body;
    size_t pos;
} data_walk;

static int next_data(data_walk *w, uint8_t *version, uint32_t *type, cm_bytes *value)
{
    size_t left = w->body.len - w->pos;
    if (left == 0)
        return 0;
    const uint8_t *h = w->body.ptr + w->pos;
    if (left < 12 || memcmp(h + 4, "data", 4) != 0)
        return -1;
    uint32_t size = be_n(h, 4);
    if (size < 16 || size > left)
        return -1;
    *version = h[8];
    *type = be_n(h + 9, 3);
    *value = (cm_bytes){h + 16, size - 16};
    w->pos += size;
    return 1;
}

/* tags.setdefault(key, []).extend(list) */
static item_status extend(PyObject *values, PyObject *key, PyObject *list)
{
    PyObject *old = PyDict_GetItemWithError(values, key);
    if (old)
        return PyList_SetSlice(old, PY_SSIZE_T_MAX, PY_SSIZE_T_MAX, list) < 0 ? ITEM_ERROR : ITEM_OK;
    if (PyErr_Occurred())
        return ITEM_ERROR;
    return PyDict_SetItem(values, key, list) < 0 ? ITEM_ERROR : ITEM_OK;
}

/* Appends a new reference; false (and the reference dropped) on error. */
static bool append_new(PyObject *list, PyObject *value)
{
    if (!value)
        return false;
    int r = PyList_Append(list, value);
    Py_DECREF(value);
    return r == 0;
}

/* Memory for an instance of the bytes subclass tp holding len bytes, laid
 * out and sized as tp_alloc (PyType_GenericAlloc) lays it out, without
 * zeroing the bytes about to be copied in: tp_alloc zeroes the whole
 * object, as long as the cover, and that memset cost as much as the copy.
 * Everything but the bytes is set here: the header by _PyObject_GC_NewVar,
 * and all after the bytes (the NUL's byte, padding, the __dict__ slot at
 * the negative tp_dictoffset) zeroed.  Only for the layout that allows it:
 * a plain heap subclass of bytes with a __dict__ slot and no managed dict
 * or weakref slot (MP4Cover, MP4FreeForm); NULL without an error for any
 * other, and tp_alloc is used. */
static PyObject *alloc_bytes_unzeroed(PyTypeObject *tp, size_t len)
{
    if (tp->tp_base != &PyBytes_Type || tp->tp_itemsize != 1 || tp->tp_alloc != PyType_GenericAlloc ||
        !PyType_IS_GC(tp) || PyType_HasFeature(tp, Py_TPFLAGS_MANAGED_DICT) ||
        tp->tp_weaklistoffset != 0 || tp->tp_dictoffset >= 0 ||
        len > (size_t)PY_SSIZE_T_MAX - (size_t)tp->tp_basicsize - 8)
        return NULL;
    /* tp_alloc's size: one item more than asked for. */
    Py_ssize_t items = (Py_ssize_t)len + 1;
    PyVarObject *obj = _PyObject_GC_NewVar(tp, items);
    if (!obj)
        return NULL;
    Py_SET_SIZE(obj, (Py_ssize_t)len);
    size_t total = _PyObject_VAR_SIZE(tp, items);
    size_t filled = offsetof(PyBytesObject, ob_sval) + len;
    memset((char *)obj + filled, 0, total - filled);
    return (PyObject *)obj;
}

/* An instance of a bytes subclass holding data, copied once (bytes.__new__
 * would copy it into a bytes object first).  The object is filled as
 * CPython's bytes constructors fill theirs: the bytes, a NUL after them,
 * and the hash marked as not computed yet (a field deprecated for direct
 * use since 3.11, hence the pragma). */
static PyObject *new_bytes_of(PyObject *cls, cm_bytes data)
{
    PyTypeObject *tp = (PyTypeObject *)cls;
    PyObject *obj = alloc_bytes_unzeroed(tp, data.len);
    bool track = obj != NULL;
    if (!obj && !PyErr_Occurred())
        obj = tp->tp_alloc(tp, (Py_ssize_t)data.len);
    if (!obj)
        return NULL;
    if (data.len)
        memcpy(PyBytes_AS_STRING(obj), data.ptr, data.len);
    PyBytes_AS_STRING(obj)[data.len] = '\0';
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
    ((PyBytesObject *)obj)->ob_shash = -1;
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif
    /* Filled: now the collector may see it, as tp_alloc's objects are seen. */
    if (track)
        PyObject_GC_Track(obj);
    return obj;
}

/* A bytes subclass instance (MP4Cover, MP4FreeForm) as bytes.__new__
 * makes it, with its attributes set as its __init__ sets them. */
static PyObject *bytes_value(PyObject *cls, cm_bytes data, PyObject *attr1, PyObject *value1,
                             PyObject *attr2, PyObject *value2)
{
    PyObject *obj = !value1 || (attr2 && !value2) ? NULL : new_bytes_of(cls, data);
    if (obj && (PyObject_SetAttr(obj, attr1, value1) < 0 ||
                (attr2 && PyObject_SetAttr(obj, attr2, value2) < 0)))
        Py_CLEAR(obj);
    Py_XDECREF(value1);
    Py_XDECREF(value2);
    return obj;
}

static PyObject *s_imageformat, *s_dataformat, *s_version;

/* One data atom's value as a Python object (*out, a new reference; NULL
 * with a Python error set is an ITEM_ERROR), or why the item cannot be
 * read. */
typedef item_status (*value_maker)(uint8_t version, uint32_t type, cm_bytes v, const void *ctx,
                                   PyObject **out);

/* The shape of text, pair, integer and genre items: every data atom's
 * value made by `make`, all of them added to values[key] once each one
 * was; a data atom that is not one fails the item. */
static item_status collect_values(PyObject *values, PyObject *key, cm_bytes body,
                                  value_maker make, const void *ctx)
{
    PyObject *list = PyList_New(0);
    if (!list)
        return ITEM_ERROR;
    data_walk w = {body, 0};
    uint8_t version;
    uint32_t type;
    cm_bytes v;
    int r;
    item_status st = ITEM_OK;
    while ((r = next_data(&w, &version, &type, &v)) == 1) {
        PyObject *value = NULL;
        st = make(version, type, v, ctx, &value);
        if (st == ITEM_OK && !append_new(list, value))
            st = ITEM_ERROR;
        if (st != ITEM_OK)
            break;
    }
    if (st == ITEM_OK)
        st = r < 0 ? ITEM_FAILED : extend(values, key, list);
    Py_DECREF(list);
    return st;
}

/* Text: typed UTF-8 (or 0, implicit, where the name allows it; ctx points
 * to that bool) and valid UTF-8. */
static item_status make_text(uint8_t version, uint32_t type, cm_bytes v, const void *ctx,
                             PyObject **out)
{
    (void)version;
    bool implicit = *(const bool *)ctx;
    if (type != CM_MP4_DATA_UTF8 && !(implicit && type == CM_MP4_DATA_IMPLICIT))
        return ITEM_FAILED;
    *out = PyUnicode_DecodeUTF8((const char *)v.ptr, (Py_ssize_t)v.len, NULL);
    if (!*out && PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
        PyErr_Clear();
        return ITEM_FAILED;
    }
    return ITEM_OK;
}

/* trkn, disk: (number, total) from bytes 2..6 of the value. */
static item_status make_pair(uint8_t version, uint32_t type, cm_bytes v, const void *ctx,
                             PyObject **out)
{
    (void)version, (void)type, (void)ctx;
    if (v.len < 6)
        return ITEM_PENDING; /* a struct.error in the Python parser */
    *out = Py_BuildValue("(kk)", (unsigned long)be_n(v.ptr + 2, 2),
                         (unsigned long)be_n(v.ptr + 4, 2));
    return ITEM_OK;
}

/* gnre: an ID3v1 genre number plus one (signed, indexed as Python indexes
 * the list ctx points to). */
static item_status make_genre(uint8_t version, uint32_t type, cm_bytes v, const void *ctx,
                              PyObject **out)
{
    (void)version, (void)type;
    PyObject *genres = (PyObject *)ctx;
    Py_ssize_t count = PyList_GET_SIZE(genres);
    if (v.len != 2)
        return ITEM_FAILED;
    Py_ssize_t index = (Py_ssize_t)(int16_t)be_n(v.ptr, 2) - 1;
    if (index < 0)
        index += count;
    if (index < 0 || index >= count)
        return ITEM_FAILED;
    *out = Py_NewRef(PyList_GET_ITEM(genres, index));
    return ITEM_OK;
}

/* Signed big-endian integers of 1, 2, 3, 4 or 8 bytes, version 0, typed
 * implicit or integer. */
static item_status make_integer(uint8_t version, uint32_t type, cm_bytes v, const void *ctx,
                                PyObject **out)
{
    (void)ctx;
    if (version != 0 || (type != CM_MP4_DATA_IMPLICIT && type != CM_MP4_DATA_INTEGER) ||
        !(v.len == 1 || v.len == 2 || v.len == 3 || v.len == 4 || v.len == 8))
        return ITEM_FAILED;
    uint64_t raw = v.len == 8 ? (uint64_t)be_n(v.ptr, 4) << 32 | be_n(v.ptr + 4, 4)
                              : be_n(v.ptr, v.len);
    unsigned bits = (unsigned)v.len * 8;
    long long n = bits == 64 || raw < 1ull << (bits - 1) ? (long long)raw
                                                           : (long long)raw - (1ll << bits);
    *out = PyLong_FromLongLong(n);
    return ITEM_OK;
}

/* gnre values go to \xa9gen. */
static item_status parse_genre(PyObject *values, const value_kinds *kinds, cm_bytes body)
{
    PyObject *key = PyUnicode_DecodeLatin1("\xa9gen", 4, NULL);
    if (!key)
        return ITEM_ERROR;
    item_status st = collect_values(values, key, body, make_genre, kinds->genres);
    Py_DECREF(key);
    return st;
}

/* cpil, pgap, pcst: each one-byte value replaces the last, as it is read. */
static item_status parse_bool(PyObject *values, PyObject *key, cm_bytes body)
{
    data_walk w = {body, 0};
    uint8_t version;
    uint32_t type;
    cm_bytes v;
    int r;
    while ((r = next_data(&w, &version, &type, &v)) == 1) {
        if (v.len != 1)
            return ITEM_FAILED;
        if (PyDict_SetItem(values, key, v.ptr[0] ? Py_True : Py_False) < 0)
            return ITEM_ERROR;
    }
    return r < 0 ? ITEM_FAILED : ITEM_OK;
}

/* covr: "data" atoms (image format JPEG unless PNG), "name" atoms
 * stepped over. */
static item_status parse_cover(PyObject *values, PyObject *key, const value_kinds *kinds,
                               cm_bytes body)
{
    PyObject *list = PyList_New(0);
    if (!list)
        return ITEM_ERROR;
    item_status st = ITEM_OK;
    uint64_t pos = 0;
    while (pos < body.len) {
        cm_bytes h = slice(body, pos, pos + 12);
        if (h.len < 12) {
            st = ITEM_PENDING; /* a struct.error in the Python parser */
            break;
        }
        uint32_t size = be_n(h.ptr, 4);
        if (memcmp(h.ptr + 4, "data", 4) != 0) {
            /* a "name" atom of size 0 would be stepped over forever */
            st = memcmp(h.ptr + 4, "name", 4) != 0 ? ITEM_FAILED : size == 0 ? ITEM_PENDING : ITEM_OK;
            if (st != ITEM_OK)
                break;
            pos += size;
            continue;
        }
        if (size < 8) {
            st = ITEM_FAILED;
            break;
        }
        uint32_t format = be_n(h.ptr + 8, 4);
        if (format != CM_MP4_DATA_JPEG && format != CM_MP4_DATA_PNG)
            format = CM_MP4_DATA_JPEG;
        PyObject *cover = bytes_value(kinds->cover, slice(body, pos + 16, pos + size),
                                      s_imageformat, PyLong_FromUnsignedLong(format), NULL, NULL);
        if (!append_new(list, cover)) {
            st = ITEM_ERROR;
            break;
        }
        pos += size;
    }
    if (st == ITEM_OK)
        st = extend(values, key, list);
    Py_DECREF(list);
    return st;
}

/* "----": the bodies of the first two children (after 4 flag bytes),
 * whatever their names, are the key's mean and name; then "data" atoms
 * of any type, kept as MP4FreeForm with their type and version. */
static item_status parse_freeform(PyObject *values, const value_kinds *kinds, cm_bytes body)
{
    cm_bytes h = slice(body, 0, 4);
    if (h.len < 4)
        return ITEM_PENDING;
    uint64_t size = be_n(h.ptr, 4);
    cm_bytes mean = slice(body, 12, size);
    uint64_t pos = size;
    h = slice(body, pos, pos + 4);
    if (h.len < 4)
        return ITEM_PENDING;
    size = be_n(h.ptr, 4);
    cm_bytes name = slice(body, pos + 12, pos + size);
    pos += size;

    PyObject *list = PyList_New(0);
    if (!list)
        return ITEM_ERROR;
    item_status st = ITEM_OK;
    while (pos < body.len) {
        h = slice(body, pos, pos + 12);
        if (h.len < 8) {
            st = ITEM_PENDING; /* a struct.error in the Python parser */
            break;
        }
        size = be_n(h.ptr, 4);
        if (memcmp(h.ptr + 4, "data", 4) != 0 || size < 8) {
            st = ITEM_FAILED;
            break;
        }
        if (h.len < 9) {
            st = ITEM_PENDING; /* no version byte: an IndexError */
            break;
        }
        PyObject *value = bytes_value(kinds->freeform, slice(body, pos + 16, pos + size),
                                      s_dataformat, PyLong_FromUnsignedLong(be_n(h.ptr + 9, h.len - 9)),
                                      s_version, PyLong_FromUnsignedLong(h.ptr[8]));
        if (!append_new(list, value)) {
            st = ITEM_ERROR;
            break;
        }
        pos += size;
    }
    if (st == ITEM_OK) {
        /* "----:" mean ":" name, Latin-1 */
        PyObject *key = PyUnicode_New((Py_ssize_t)(6 + mean.len + name.len), 255);
        if (key) {
            Py_UCS1 *d = PyUnicode_1BYTE_DATA(key);
            memcpy(d, "----:", 5);
            memcpy(d + 5, mean.ptr, mean.len);
            d[5 + mean.len] = ':';
            memcpy(d + 6 + mean.len, name.ptr, name.len);
            st = extend(values, key, list);
            Py_DECREF(key);
        } else {
            st = ITEM_ERROR;
        }
    }
    Py_DECREF(list);
    return st;
}

static item_status parse_item(PyObject *values, const value_kinds *kinds, const cm_mp4_item *item,
                              PyObject *key)
{
    /* The parsers walk an item's body up to its atom length less 8, which
     * is past the body when the item has a 64-bit size: rare, left to the
     * Python parser. */
    if (item->length != item->body.len + 8)
        return ITEM_PENDING;
    static const bool implicit_ok = true, implicit_refused = false;
    switch (kind_of(item->name)) {
    case KIND_TEXT:
        return collect_values(values, key, item->body, make_text, &implicit_ok);
    case KIND_TEXT_TYPED:
        return collect_values(values, key, item->body, make_text, &implicit_refused);
    case KIND_FREEFORM:
        return parse_freeform(values, kinds, item->body);
    case KIND_PAIR:
        return collect_values(values, key, item->body, make_pair, NULL);
    case KIND_GENRE:
        return parse_genre(values, kinds, item->body);
    case KIND_INTEGER:
        return collect_values(values, key, item->body, make_integer, NULL);
    case KIND_BOOL:
        return parse_bool(values, key, item->body);
    case KIND_COVER:
        return parse_cover(values, key, kinds, item->body);
    }
    return ITEM_PENDING;
}

/* _failed_atoms.setdefault(key, []).append(body) */
static bool add_failed(PyObject *failed, PyObject *key, cm_bytes body)
{
    PyObject *list = PyDict_GetItemWithError(failed, key);
    if (!list) {
        if (PyErr_Occurred())
            return false;
        list = PyList_New(0);
        if (!list || PyDict_SetItem(failed, key, list) < 0) {
            Py_XDECREF(list);
            return false;
        }
        Py_DECREF(list);
    }
    return append_new(list, PyBytes_FromStringAndSize((const char *)body.ptr, (Py_ssize_t)body.len));
}

/* Every item as (name, body, atom length), for MP4Tags._parse_item. */
static PyObject *pending_items(const cm_mp4 *m)
{
    PyObject *list = PyList_New((Py_ssize_t)m->item_count);
    for (size_t i = 0; list && i < m->item_count; i++) {
        const cm_mp4_item *item = &m->items[i];
        PyObject *t = Py_BuildValue("(y#y#K)", (const char *)item->name, (Py_ssize_t)4,
                                    (const char *)item->body.ptr, (Py_ssize_t)item->body.len,
                                    (unsigned long long)item->length);
        if (!t)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    return list;
}

/* (padding, values, failed): the dict of MP4Tags and its _failed_atoms;
 * or (padding, None, [(name, body, length), ...]) when an item needs the
 * Python parser. */
static PyObject *build_tag_values(const cm_mp4 *m, const value_kinds *kinds)
{
    if (!m->has_tags)
        return Py_NewRef(Py_None);
    PyObject *values = PyDict_New();
    PyObject *failed = values ? PyDict_New() : NULL;
    item_status st = failed ? ITEM_OK : ITEM_ERROR;
    for (size_t i = 0; st != ITEM_ERROR && st != ITEM_PENDING && i < m->item_count; i++) {
        const cm_mp4_item *item = &m->items[i];
        PyObject *key = PyUnicode_DecodeLatin1((const char *)item->name, 4, NULL);
        if (!key) {
            st = ITEM_ERROR;
            break;
        }
        st = parse_item(values, kinds, item, key);
        if (st == ITEM_FAILED && !add_failed(failed, key, item->body))
            st = ITEM_ERROR;
        Py_DECREF(key);
    }
    PyObject *result = NULL;
    if (st == ITEM_PENDING) {
        PyObject *items = pending_items(m);
        if (items)
            result = Py_BuildValue("(KON)", (unsigned long long)m->padding, Py_None, items);
    } else if (st != ITEM_ERROR) {
        result = Py_BuildValue("(KOO)", (unsigned long long)m->padding, values, failed);
    }
    Py_XDECREF(values);
    Py_XDECREF(failed);
    return result;
}

static PyObject *build_tags(const cm_mp4 *m)
{
    if (!m->has_tags)
        return Py_NewRef(Py_None);
    PyObject *items = PyList_New((Py_ssize_t)m->item_count);
    if (!items)
        return NULL;
    for (size_t i = 0; i < m->item_count; i++) {
        PyObject *item = build_item(&m->items[i]);
        if (!item) {
            Py_DECREF(items);
            return NULL;
        }
        PyList_SET_ITEM(items, (Py_ssize_t)i, item);
    }
    return Py_BuildValue("(KN)", (unsigned long long)m->padding, items);
}

static PyObject *build_result(const cm_mp4 *m, const value_kinds *kinds)
{
    bool fallback = false;
    PyObject *info = build_info(&m->info);
    PyObject *tags = !info ? NULL : kinds ? build_tag_values(m, kinds) : build_tags(m);
    PyObject *chapters = tags ? build_chapters(m, &fallback) : NULL;
    PyObject *result = NULL;
    if (chapters)
        result = fallback ? Py_NewRef(Py_None) : PyTuple_Pack(3, info, tags, chapters);
    Py_XDECREF(info);
    Py_XDECREF(tags);
    Py_XDECREF(chapters);
    return result;
}

PyObject *cm_py_read_mp4(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs < 1 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError,
                        "read_mp4() takes a source, an optional file size and optional kinds");
        return NULL;
    }
    PyObject *source = args[0];
    value_kinds kinds, *kinds_p = NULL;
    if (nargs == 3 && args[2] != Py_None) {
        if (!PyArg_ParseTuple(args[2], "OOO!:read_mp4 kinds", &kinds.cover, &kinds.freeform,
                              &PyList_Type, &kinds.genres))
            return NULL;
        if (!PyType_Check(kinds.cover) || !PyType_IsSubtype((PyTypeObject *)kinds.cover, &PyBytes_Type) ||
            !PyType_Check(kinds.freeform) ||
            !PyType_IsSubtype((PyTypeObject *)kinds.freeform, &PyBytes_Type)) {
            PyErr_SetString(PyExc_TypeError, "read_mp4(): the cover and freeform kinds must be bytes subclasses");
            return NULL;
        }
        if (!s_version && (!(s_imageformat = PyUnicode_InternFromString("imageformat")) ||
                           !(s_dataformat = PyUnicode_InternFromString("dataformat")) ||
                           !(s_version = PyUnicode_InternFromString("version"))))
            return NULL;
        kinds_p = &kinds;
    }
    cm_read_opts opts = {CM_FORMAT_MP4};
    cm_error err;
    cm_doc *doc;
    PyObject *result;

    if (PyObject_CheckBuffer(source)) {
        Py_buffer view;
        if (PyObject_GetBuffer(source, &view, PyBUF_SIMPLE) < 0)
            return NULL;
        unsigned long long file_size = (unsigned long long)view.len;
        if (nargs >= 2 && args[1] != Py_None) {
            file_size = PyLong_AsUnsignedLongLong(args[1]);
            if (PyErr_Occurred()) {
                PyBuffer_Release(&view);
                return NULL;
            }
        }
        /* The document points into the buffer: build before releasing it. */
        doc = cm_parse_prefix(view.buf, (size_t)view.len, file_size, &opts, &err);
        if (doc)
            result = build_result(cm_doc_mp4(doc), kinds_p);
        else if (err.code == CM_NEED_MORE)
            result = PyLong_FromUnsignedLongLong((unsigned long long)err.need_bytes);
        else if (err.code == CM_ERR_NOMEM)
            result = PyErr_NoMemory();
        else
            result = Py_NewRef(Py_None);
        cm_doc_free(doc);
        PyBuffer_Release(&view);
        return result;
    }

    if (cm_py_read_path(source, &opts, &doc, &err) < 0)
        return NULL;
    if (doc)
        result = build_result(cm_doc_mp4(doc), kinds_p);
    else if (err.code == CM_ERR_NOMEM)
        result = PyErr_NoMemory();
    else
        result = Py_NewRef(Py_None);
    cm_doc_free(doc);
    return result;
}
