/* SPDX-License-Identifier: GPL-2.0-or-later */
/* id3_objects: ID3v2 frames read straight into cmutagen.id3 frame objects.
 *
 * id3_read_frames does what cmutagen.id3._tags.read_frames does (that Python
 * function stays the reference): it walks the frames of a tag body and turns
 * each into a frame object.  Frames of the common kinds are built here, as
 * `cls.__new__(cls)` with the instance __dict__ filled with exactly the
 * values the specs' read() would give; anything this file is not sure to
 * decode the same way (odd text encodings, frame format flags, values that
 * do not fit) goes to the Python `cls._fromData`, which also decides what
 * is junk.
 *
 * Which classes are built here, and how, comes from a table the Python side
 * derives from each class's _framespec (see _tags._native_context): one
 * opcode per spec, so nothing about the frame classes is repeated here. */
#include "id3_objects.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Opcodes: one per spec class whose read() is reproduced here.  Each is
 * stored as two bytes (opcode, argument) in an entry's program. */
enum {
    OP_ENCODING = 1,  /* EncodingSpec: byte 0..3 -> Encoding member */
    OP_LATIN1,        /* Latin1TextSpec: up to a zero byte */
    OP_STRING,        /* StringSpec(arg): arg ASCII bytes (fewer at the end) */
    OP_PICTYPE,       /* PictureTypeSpec: byte -> PictureType */
    OP_BYTE,          /* ByteSpec: byte -> int */
    OP_ETEXT,         /* EncodedTextSpec (and its numeric kinds) */
    OP_BINARY,        /* BinaryDataSpec: the rest, as bytes */
    OP_INTEGER,       /* IntegerSpec: the rest as a big-endian int */
    OP_SIZEDINT,      /* SizedIntegerSpec(arg): arg bytes big-endian */
    OP_MULTI_TEXT,    /* MultiSpec of one EncodedTextSpec: list of str */
    OP_MULTI_STAMP,   /* MultiSpec of one TimeStampSpec: list of ID3TimeStamp */
    OP_MULTI_PAIRS,   /* MultiSpec of two EncodedTextSpecs: list of [a, b] */
};

/* The context tuple built once by the Python side. */
enum {
    CTX_TABLE,       /* dict: frame class -> entry tuple (see ENTRY_*) */
    CTX_ENCODINGS,   /* tuple of the 4 Encoding members */
    CTX_PICTYPES,    /* tuple of 256 PictureType values */
    CTX_TIMESTAMP,   /* the ID3TimeStamp class */
    CTX_JUNK,        /* ID3JunkFrameError */
    CTX_FRAMES_2_2,  /* the Frames_2_2 dict */
    CTX_NO_ARGS,     /* (): the arguments of object.__new__(cls) */
    CTX_STAMP_FIELDS, /* ID3TimeStamp's six field names, or None: always
                       * construct ID3TimeStamp(text) */
    CTX_SIZE
};

enum {
    ENTRY_PROGRAM,   /* bytes: (opcode, argument) per field */
    ENTRY_NAMES,     /* tuple of str: the field names, in order */
    ENTRY_REQUIRED,  /* int: how many fields are _framespec (the rest optional) */
    ENTRY_FRAME_ID,  /* str: the class name */
    ENTRY_HASH,      /* tuple of field indices joined after the frame ID in
                      * HashKey, or None when HashKey is not such a join */
    ENTRY_SIZE
};

#define MAX_FIELDS 16

/* Frame format flags after which the body is not the plain field data. */
#define FLAG24_SPECIAL 0x000F /* compression, encryption, unsync, data length */
#define FLAG23_SPECIAL 0x00C0 /* compression, encryption */

/* Result of a field reader: the value was read, or the Python specs must
 * decide (nothing set), or an exception is set. */
typedef enum { RD_OK = 1, RD_FALLBACK = 0, RD_ERROR = -1 } read_result;

typedef struct {
    const unsigned char *p;
    Py_ssize_t len;
    Py_ssize_t pos;
} cursor;

static Py_ssize_t left(const cursor *c)
{
    return c->len - c->pos;
}

/* A failed decode asks the Python specs to decide (they try fixups, or call
 * the frame junk); any other exception is real. */
static read_result decode_failed(void)
{
    if (PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
        PyErr_Clear();
        return RD_FALLBACK;
    }
    return RD_ERROR;
}

/* Offset of the first zero code unit of two bytes at an even offset. */
static Py_ssize_t find_zero_unit(const unsigned char *p, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i + 1 < n; i += 2)
        if (p[i] == 0 && p[i + 1] == 0)
            return i;
    return -1;
}

static bool all_zero(const unsigned char *p, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* One EncodedTextSpec value in encoding `enc`, as _util.decode_terminated
 * finds it.  UTF-16 without a byte order mark, and text that ends in half
 * a code unit, are left to the specs (they try repaired versions). */
static read_result read_etext(cursor *c, int enc, bool v24, PyObject **out)
{
    const unsigned char *p = c->p + c->pos;
    Py_ssize_t n = left(c);
    Py_ssize_t end, next;
    PyObject *text;

    if (enc == 0 || enc == 3) {
        const unsigned char *zero = memchr(p, 0, (size_t)n);
        end = zero ? zero - p : n;
        next = zero ? end + 1 : n;
        text = enc == 0 ? PyUnicode_DecodeLatin1((const char *)p, end, NULL)
                        : PyUnicode_DecodeUTF8((const char *)p, end, NULL);
    } else {
        /* UTF-16 ("utf16" reads the byte order mark) or UTF-16BE */
        Py_ssize_t start = 0;
        int byteorder = 1;
        if (enc == 1) {
            if (n < 2 || !((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
                return RD_FALLBACK;
            start = 2;
            byteorder = 0;
        }
        Py_ssize_t zero = find_zero_unit(p + start, n - start);
        if (zero >= 0) {
            end = start + zero;
            next = end + 2;
        } else {
            if (n % 2)
                return RD_FALLBACK;
            end = next = n;
        }
        text = PyUnicode_DecodeUTF16((const char *)p, end, NULL, &byteorder);
    }
    if (!text)
        return decode_failed();
    /* Before v2.4 zeros after the terminator are padding, not a value. */
    if (!v24 && all_zero(p + next, n - next))
        next = n;
    c->pos += next;
    *out = text;
    return RD_OK;
}

/* An unsigned big-endian integer of n bytes (n <= 8). */
static PyObject *be_int(const unsigned char *p, Py_ssize_t n)
{
    unsigned long long v = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return PyLong_FromUnsignedLongLong(v);
}

/* An ID3TimeStamp with its six fields set (None where not present), as
 * set_text leaves them; needs CTX_STAMP_FIELDS to be the
 * names.  NULL with an exception on failure. */
static PyObject *new_stamp(PyObject *ctx, const long long values[6], const bool present[6])
{
    PyObject *fields = PyTuple_GET_ITEM(ctx, CTX_STAMP_FIELDS);
    PyObject *stamp = PyBaseObject_Type.tp_new((PyTypeObject *)PyTuple_GET_ITEM(ctx, CTX_TIMESTAMP),
                                               PyTuple_GET_ITEM(ctx, CTX_NO_ARGS), NULL);
    int failed = !stamp;
    /* (as object.__setattr__ stores them: no field is a data descriptor,
     * see _tags._build_native_context) */
    for (int k = 0; !failed && k < 6; k++) {
        PyObject *value = present[k] ? PyLong_FromLongLong(values[k]) : Py_NewRef(Py_None);
        failed = !value || PyObject_GenericSetAttr(stamp, PyTuple_GET_ITEM(fields, k), value) < 0;
        Py_XDECREF(value);
    }
    if (failed) {
        Py_XDECREF(stamp);
        return NULL;
    }
    return stamp;
}

/* ID3TimeStamp(text) built here for the text C is sure to split as
 * ID3TimeStamp.set_text does: ASCII digits separated by one of "-T:/." or
 * a run of spaces, six parts at most read (missing ones None).  Returns a
 * new reference, or NULL without an exception to have the class do it. */
static PyObject *fast_stamp(PyObject *ctx, PyObject *text)
{
    PyObject *fields = PyTuple_GET_ITEM(ctx, CTX_STAMP_FIELDS);
    if (!PyTuple_CheckExact(fields) || PyTuple_GET_SIZE(fields) != 6 || !PyUnicode_IS_ASCII(text))
        return NULL;
    const char *s = (const char *)PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    long long values[6];
    bool present[6] = {false, false, false, false, false, false};
    Py_ssize_t i = 0;
    for (int part = 0; part < 6; part++) {
        Py_ssize_t start = i;
        long long v = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (i - start >= 18)
                return NULL; /* let int() judge long numbers */
            v = v * 10 + (s[i] - '0');
        }
        present[part] = i > start;
        values[part] = v;
        if (i >= n)
            break;
        if (s[i] == ' ') {
            while (i < n && s[i] == ' ')
                i++;
        } else if (s[i] == '-' || s[i] == 'T' || s[i] == ':' || s[i] == '/' || s[i] == '.') {
            i++;
        } else {
            return NULL;
        }
    }
    return new_stamp(ctx, values, present);
}

/* A list of values while data is left (MultiSpec.read with one or two
 * EncodedTextSpecs, or a TimeStampSpec). */
static read_result read_multi(cursor *c, int op, int enc, bool v24, PyObject *ctx,
                              PyObject **out)
{
    PyObject *list = PyList_New(0);
    if (!list)
        return RD_ERROR;
    read_result r = RD_OK;
    while (left(c) > 0) {
        PyObject *value = NULL;
        r = read_etext(c, enc, v24, &value);
        if (r != RD_OK)
            break;
        if (op == OP_MULTI_STAMP) {
            PyObject *stamp = fast_stamp(ctx, value);
            if (!stamp && !PyErr_Occurred())
                stamp = PyObject_CallOneArg(PyTuple_GET_ITEM(ctx, CTX_TIMESTAMP), value);
            Py_DECREF(value);
            if (!stamp) {
                r = RD_ERROR;
                break;
            }
            value = stamp;
        } else if (op == OP_MULTI_PAIRS) {
            /* a record whose data ends after its first field: left to
             * the specs, which read the second as empty text */
            PyObject *second = NULL;
            r = left(c) > 0 ? read_etext(c, enc, v24, &second) : RD_FALLBACK;
            if (r != RD_OK) {
                Py_DECREF(value);
                break;
            }
            PyObject *pair = PyList_New(2);
            if (!pair) {
                Py_DECREF(value);
                Py_DECREF(second);
                r = RD_ERROR;
                break;
            }
            PyList_SET_ITEM(pair, 0, value);
            PyList_SET_ITEM(pair, 1, second);
            value = pair;
        }
        int failed = PyList_Append(list, value);
        Py_DECREF(value);
        if (failed) {
            r = RD_ERROR;
            break;
        }
    }
    if (r != RD_OK) {
        Py_DECREF(list);
        return r;
    }
    *out = list;
    return RD_OK;
}

/* One field.  `enc` is the frame's encoding read so far (-1: none). */
static read_result read_field(cursor *c, int op, int arg, int enc, bool v24, PyObject *ctx,
                              PyObject **out)
{
    const unsigned char *p = c->p + c->pos;
    Py_ssize_t n = left(c);
    switch (op) {
    case OP_ENCODING:
        if (p[0] > 3)
            return RD_FALLBACK;
        *out = Py_NewRef(PyTuple_GET_ITEM(PyTuple_GET_ITEM(ctx, CTX_ENCODINGS), p[0]));
        c->pos++;
        return RD_OK;
    case OP_PICTYPE:
        *out = Py_NewRef(PyTuple_GET_ITEM(PyTuple_GET_ITEM(ctx, CTX_PICTYPES), p[0]));
        c->pos++;
        return RD_OK;
    case OP_BYTE:
        *out = PyLong_FromLong(p[0]);
        c->pos++;
        return *out ? RD_OK : RD_ERROR;
    case OP_LATIN1: {
        const unsigned char *zero = memchr(p, 0, (size_t)n);
        Py_ssize_t end = zero ? zero - p : n;
        *out = PyUnicode_DecodeLatin1((const char *)p, end, NULL);
        c->pos += zero ? end + 1 : n;
        return *out ? RD_OK : RD_ERROR;
    }
    case OP_STRING: {
        Py_ssize_t end = n < arg ? n : arg;
        for (Py_ssize_t i = 0; i < end; i++)
            if (p[i] > 0x7F)
                return RD_FALLBACK;
        *out = PyUnicode_DecodeASCII((const char *)p, end, NULL);
        c->pos += end;
        return *out ? RD_OK : RD_ERROR;
    }
    case OP_BINARY:
        *out = PyBytes_FromStringAndSize((const char *)p, n);
        c->pos = c->len;
        return *out ? RD_OK : RD_ERROR;
    case OP_INTEGER:
        if (n > 8)
            return RD_FALLBACK;
        *out = be_int(p, n);
        c->pos = c->len;
        return *out ? RD_OK : RD_ERROR;
    case OP_SIZEDINT: {
        Py_ssize_t end = n < arg ? n : arg;
        *out = be_int(p, end);
        c->pos += end;
        return *out ? RD_OK : RD_ERROR;
    }
    case OP_ETEXT:
        return enc < 0 ? RD_FALLBACK : read_etext(c, enc, v24, out);
    case OP_MULTI_TEXT:
    case OP_MULTI_STAMP:
    case OP_MULTI_PAIRS:
        return enc < 0 ? RD_FALLBACK : read_multi(c, op, enc, v24, ctx, out);
    default:
        return RD_FALLBACK;
    }
}

/* The frame object for `entry` from the field data, or RD_FALLBACK when the
 * specs must read it.  On RD_OK *key is its HashKey, or NULL if only the
 * Python property can tell. */
static read_result build_frame(PyObject *ctx, PyObject *cls, PyObject *entry,
                               const unsigned char *data, Py_ssize_t len, bool v24,
                               PyObject **frame_out, PyObject **key_out)
{
    if (!PyTuple_CheckExact(entry) || PyTuple_GET_SIZE(entry) != ENTRY_SIZE ||
        !PyBytes_CheckExact(PyTuple_GET_ITEM(entry, ENTRY_PROGRAM)) ||
        !PyTuple_CheckExact(PyTuple_GET_ITEM(entry, ENTRY_NAMES)) ||
        !PyUnicode_CheckExact(PyTuple_GET_ITEM(entry, ENTRY_FRAME_ID)) ||
        !(PyTuple_GET_ITEM(entry, ENTRY_HASH) == Py_None ||
          PyTuple_CheckExact(PyTuple_GET_ITEM(entry, ENTRY_HASH))))
        return RD_FALLBACK;
    PyObject *program = PyTuple_GET_ITEM(entry, ENTRY_PROGRAM);
    PyObject *names = PyTuple_GET_ITEM(entry, ENTRY_NAMES);
    Py_ssize_t required = PyLong_AsSsize_t(PyTuple_GET_ITEM(entry, ENTRY_REQUIRED));
    const unsigned char *ops = (const unsigned char *)PyBytes_AS_STRING(program);
    Py_ssize_t count = PyBytes_GET_SIZE(program) / 2;
    if (count > MAX_FIELDS || count != PyTuple_GET_SIZE(names) || required < 0)
        return RD_FALLBACK;

    PyObject *values[MAX_FIELDS];
    Py_ssize_t got = 0;
    cursor c = {data, len, 0};
    int enc = -1;
    read_result r = RD_OK;
    for (; got < count; got++) {
        int op = ops[2 * got];
        if (left(&c) == 0 && op != OP_BINARY) {
            if (got < required)
                r = RD_FALLBACK; /* "no data left": junk, as the specs say */
            break;              /* optional fields stop where the data does */
        }
        r = read_field(&c, op, ops[2 * got + 1], enc, v24, ctx, &values[got]);
        if (r != RD_OK)
            break;
        if (op == OP_ENCODING)
            enc = (int)PyLong_AsLong(values[got]);
    }

    PyObject *frame = NULL, *key = NULL;
    if (r == RD_OK) {
        frame = PyBaseObject_Type.tp_new((PyTypeObject *)cls, PyTuple_GET_ITEM(ctx, CTX_NO_ARGS), NULL);
        if (!frame)
            r = RD_ERROR;
    }
    /* Each value stored as object.__setattr__ stores it (no field is a
     * data descriptor: see _tags._frame_entry), in the instance's own
     * attribute storage: no dict is made for a frame until asked for. */
    for (Py_ssize_t i = 0; r == RD_OK && i < got; i++)
        if (PyObject_GenericSetAttr(frame, PyTuple_GET_ITEM(names, i), values[i]) < 0)
            r = RD_ERROR;

    PyObject *hash = PyTuple_GET_ITEM(entry, ENTRY_HASH);
    if (r == RD_OK && hash != Py_None && PyTuple_GET_SIZE(hash) == 0) {
        /* the key is the frame ID: the entry's str, its hash already known */
        key = Py_NewRef(PyTuple_GET_ITEM(entry, ENTRY_FRAME_ID));
    } else if (r == RD_OK && hash != Py_None) {
        /* "ID:field:field", bytes fields shown as Latin-1 (_bytes2key) */
        Py_ssize_t nparts = PyTuple_GET_SIZE(hash) + 1;
        PyObject *parts = PyList_New(nparts);
        if (!parts)
            r = RD_ERROR;
        else
            PyList_SET_ITEM(parts, 0, Py_NewRef(PyTuple_GET_ITEM(entry, ENTRY_FRAME_ID)));
        for (Py_ssize_t i = 1; r == RD_OK && i < nparts; i++) {
            Py_ssize_t field = PyLong_AsSsize_t(PyTuple_GET_ITEM(hash, i - 1));
            PyObject *part = NULL;
            if (field < 0 || field >= got) {
                r = RD_FALLBACK;
                break;
            }
            if (PyUnicode_CheckExact(values[field]))
                part = Py_NewRef(values[field]);
            else if (PyBytes_CheckExact(values[field]))
                part = PyUnicode_DecodeLatin1(PyBytes_AS_STRING(values[field]),
                                              PyBytes_GET_SIZE(values[field]), NULL);
            else
                r = RD_FALLBACK;
            if (r == RD_OK && !part)
                r = RD_ERROR;
            if (part)
                PyList_SET_ITEM(parts, i, part);
        }
        if (r == RD_OK) {
            PyObject *sep = PyUnicode_FromOrdinal(':');
            key = sep ? PyUnicode_Join(sep, parts) : NULL;
            Py_XDECREF(sep);
            if (!key)
                r = RD_ERROR;
        }
        Py_XDECREF(parts);
    }

    for (Py_ssize_t i = 0; i < got; i++)
        Py_DECREF(values[i]);
    if (r != RD_OK) {
        Py_XDECREF(frame);
        Py_XDECREF(key);
        return r;
    }
    *frame_out = frame;
    *key_out = key;
    return RD_OK;
}

/* is_valid_frame_id for an ASCII name: upper-case letters and digits, at
 * least one letter. */
static bool valid_ascii_id(const unsigned char *id, Py_ssize_t n)
{
    bool letter = false;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (id[i] >= 'A' && id[i] <= 'Z')
            letter = true;
        else if (id[i] < '0' || id[i] > '9')
            return false;
    }
    return letter;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* BitPaddedInt(size): seven bits from each byte. */
static uint32_t syncsafe(uint32_t v)
{
    return (v & 0x7F) | (v >> 8 & 0x7F) << 7 | (v >> 16 & 0x7F) << 14 | (v >> 24 & 0x7F) << 21;
}

/* `key in frames` for a mapping (1, 0, or -1 with an exception set). */
static int mapping_has(PyObject *frames, PyObject *key)
{
    if (PyDict_CheckExact(frames))
        return PyDict_Contains(frames, key);
    return PySequence_Contains(frames, key);
}

/* `frames[name]`: a new reference, NULL without an exception on KeyError. */
static PyObject *mapping_get(PyObject *frames, PyObject *name)
{
    if (PyDict_CheckExact(frames)) {
        PyObject *v = PyDict_GetItemWithError(frames, name);
        return Py_XNewRef(v);
    }
    PyObject *v = PyObject_GetItem(frames, name);
    if (!v && PyErr_ExceptionMatches(PyExc_KeyError))
        PyErr_Clear();
    return v;
}

/* The frame classes of the IDs a walk has met (a tag repeats IDs such as
 * TXXX, and a v2.4 tag is walked three times: twice to tell its size
 * format, once to read it): frames[id] by the ID's bytes, for an exact
 * dict `frames`, whose lookups cannot run Python code. */
enum { ID_CACHE_SIZE = 48 };

typedef struct id_cache {
    int count;
    uint64_t id[ID_CACHE_SIZE];  /* the ID's bytes, and its length above them */
    PyObject *cls[ID_CACHE_SIZE]; /* a reference, or NULL: not in frames */
} id_cache;

static void id_cache_clear(id_cache *c)
{
    for (int i = 0; i < c->count; i++)
        Py_XDECREF(c->cls[i]);
    c->count = 0;
}

/* frames[latin1(id)]: a new reference, or NULL (with an exception set, or
 * without one when the ID is not there). */
static PyObject *lookup_id(id_cache *c, PyObject *frames, const unsigned char *id, Py_ssize_t n)
{
    uint64_t key = (uint64_t)n << 32;
    for (Py_ssize_t i = 0; i < n; i++)
        key |= (uint64_t)id[i] << (8 * (n - 1 - i));
    bool cacheable = c && PyDict_CheckExact(frames);
    if (cacheable)
        for (int i = 0; i < c->count; i++)
            if (c->id[i] == key)
                return Py_XNewRef(c->cls[i]);
    PyObject *name = PyUnicode_DecodeLatin1((const char *)id, n, NULL);
    if (!name)
        return NULL;
    PyObject *cls = mapping_get(frames, name);
    Py_DECREF(name);
    if (!cls && PyErr_Occurred())
        return NULL;
    if (cacheable && c->count < ID_CACHE_SIZE) {
        c->id[c->count] = key;
        c->cls[c->count++] = Py_XNewRef(cls);
    }
    return cls;
}

/* determine_bpi's walk: known frame IDs met, and how far past the end of the
 * data the walk ended (<= 0 inside). */
static int bpi_walk(const unsigned char *d, Py_ssize_t len, PyObject *frames, id_cache *cache,
                    bool synchsafe, Py_ssize_t *found, Py_ssize_t *over)
{
    Py_ssize_t pos = 0;
    *found = 0;
    while (pos < len - 10) {
        const unsigned char *h = d + pos;
        if (all_zero(h, 10)) {
            *over = -((len - pos) % 10);
            return 0;
        }
        uint32_t size = be32(h + 4);
        pos += 10 + (Py_ssize_t)(synchsafe ? syncsafe(size) : size);
        int known;
        if (PyDict_CheckExact(frames)) {
            PyObject *cls = lookup_id(cache, frames, h, 4);
            if (!cls && PyErr_Occurred())
                return -1;
            known = cls != NULL;
            Py_XDECREF(cls);
        } else {
            PyObject *name = PyUnicode_DecodeLatin1((const char *)h, 4, NULL);
            if (!name)
                return -1;
            known = mapping_has(frames, name);
            Py_DECREF(name);
            if (known < 0)
                return -1;
        }
        *found += known;
    }
    *over = pos - len;
    return 0;
}

/* 1 if a v2.4 tag's frame sizes are synchsafe (determine_bpi), 0 if plain
 * ints, -1 on error. */
static int sizes_synchsafe(const unsigned char *d, Py_ssize_t len, PyObject *frames,
                           id_cache *cache)
{
    Py_ssize_t asbpi, bpi_over, asint, int_over;
    if (bpi_walk(d, len, frames, cache, true, &asbpi, &bpi_over) < 0 ||
        bpi_walk(d, len, frames, cache, false, &asint, &int_over) < 0)
        return -1;
    if (asint > asbpi || (asint == asbpi && bpi_over >= 1 && int_over <= 1))
        return 0;
    return 1;
}

/* The 4-letter class name a v2.2 ID found in a v2.3/2.4 tag is read as
 * (Frames_2_2[id].__bases__[0].__name__), or NULL without an exception if
 * the ID is not a v2.2 one. */
static PyObject *v22_upgrade_name(PyObject *ctx, const unsigned char *id)
{
    PyObject *short_id = PyUnicode_DecodeASCII((const char *)id, 3, NULL);
    if (!short_id)
        return NULL;
    PyObject *cls = mapping_get(PyTuple_GET_ITEM(ctx, CTX_FRAMES_2_2), short_id);
    Py_DECREF(short_id);
    if (!cls)
        return NULL;
    PyObject *bases = PyObject_GetAttrString(cls, "__bases__");
    Py_DECREF(cls);
    PyObject *base = bases ? PySequence_GetItem(bases, 0) : NULL;
    Py_XDECREF(bases);
    PyObject *name = base ? PyObject_GetAttrString(base, "__name__") : NULL;
    Py_XDECREF(base);
    return name;
}

/* is_valid_frame_id(name) for any str, through str's own methods. */
static int valid_id_str(PyObject *name)
{
    PyObject *alnum = PyObject_CallMethod(name, "isalnum", NULL);
    if (!alnum)
        return -1;
    int ok = PyObject_IsTrue(alnum);
    Py_DECREF(alnum);
    if (ok != 1)
        return ok;
    PyObject *upper = PyObject_CallMethod(name, "isupper", NULL);
    if (!upper)
        return -1;
    ok = PyObject_IsTrue(upper);
    Py_DECREF(upper);
    return ok;
}

typedef struct walk {
    PyObject *ctx, *header, *frames, *sink, *add, *unsupported;
    PyObject *add_self; /* NULL: add is a bound method; else add(add_self, ...) */
    int minor;
    bool unsync;
    id_cache ids;
} walk;

static int add_unsupported(walk *w, const unsigned char *hdr, Py_ssize_t hdr_len,
                           const unsigned char *body, Py_ssize_t body_len)
{
    PyObject *raw = PyBytes_FromStringAndSize(NULL, hdr_len + body_len);
    if (!raw)
        return -1;
    memcpy(PyBytes_AS_STRING(raw), hdr, (size_t)hdr_len);
    memcpy(PyBytes_AS_STRING(raw) + hdr_len, body, (size_t)body_len);
    int failed = PyList_Append(w->unsupported, raw);
    Py_DECREF(raw);
    return failed;
}

/* Put a frame where read_frames' caller wants it: appended to a list, or
 * into the tags' dict under its key when that key is free (else the tags'
 * _add merges it, as for any frame read from a file). */
static int deliver(walk *w, PyObject *frame, PyObject *key)
{
    if (PyList_CheckExact(w->sink))
        return PyList_Append(w->sink, frame);
    if (key) {
        /* stored if the key is free (one lookup) */
        PyObject *there = PyDict_SetDefault(w->sink, key, frame);
        if (!there)
            return -1;
        if (there == frame)
            return 0;
    }
    PyObject *r = w->add_self ? PyObject_CallFunctionObjArgs(w->add, w->add_self, frame, Py_False, NULL)
                              : PyObject_CallFunctionObjArgs(w->add, frame, Py_False, NULL);
    Py_XDECREF(r);
    return r ? 0 : -1;
}

/* One frame: built here, or by cls._fromData; junk is dropped and frames
 * the specs cannot read (NotImplementedError) are kept raw. */
static int read_one(walk *w, PyObject *cls, int flags, const unsigned char *hdr,
                    Py_ssize_t hdr_len, const unsigned char *body, Py_ssize_t body_len)
{
    PyObject *entry = PyDict_GetItemWithError(PyTuple_GET_ITEM(w->ctx, CTX_TABLE), cls);
    if (!entry && PyErr_Occurred())
        return -1;
    bool plain = w->minor == 4   ? !(flags & FLAG24_SPECIAL) && !w->unsync
                 : w->minor == 3 ? !(flags & FLAG23_SPECIAL)
                                 : true;
    if (entry && plain && body_len > 0) {
        PyObject *frame = NULL, *key = NULL;
        read_result r = build_frame(w->ctx, cls, entry, body, body_len, w->minor >= 4, &frame, &key);
        if (r == RD_ERROR)
            return -1;
        if (r == RD_OK) {
            int failed = deliver(w, frame, key);
            Py_DECREF(frame);
            Py_XDECREF(key);
            return failed;
        }
    }

    PyObject *data = PyBytes_FromStringAndSize((const char *)body, body_len);
    if (!data)
        return -1;
    PyObject *frame = PyObject_CallMethod(cls, "_fromData", "OiO", w->header, flags, data);
    Py_DECREF(data);
    if (!frame) {
        if (PyErr_ExceptionMatches(PyExc_NotImplementedError)) {
            PyErr_Clear();
            return add_unsupported(w, hdr, hdr_len, body, body_len);
        }
        if (PyErr_ExceptionMatches(PyTuple_GET_ITEM(w->ctx, CTX_JUNK))) {
            PyErr_Clear();
            return 0;
        }
        return -1;
    }
    int failed = deliver(w, frame, NULL);
    Py_DECREF(frame);
    return failed;
}

static Py_ssize_t walk_frames_cached(walk *w, const unsigned char *d, Py_ssize_t len);

/* The walk of read_frames; returns where it stopped (the rest of the data
 * is padding or junk), or -1 on error. */
static Py_ssize_t walk_frames(walk *w, const unsigned char *d, Py_ssize_t len)
{
    w->ids.count = 0;
    Py_ssize_t stop = walk_frames_cached(w, d, len);
    id_cache_clear(&w->ids);
    return stop;
}

static Py_ssize_t walk_frames_cached(walk *w, const unsigned char *d, Py_ssize_t len)
{
    bool v22 = w->minor < 3;
    Py_ssize_t hdr_len = v22 ? 6 : 10;
    Py_ssize_t id_len = v22 ? 3 : 4;
    int synchsafe = 0;
    if (w->minor >= 4) {
        synchsafe = sizes_synchsafe(d, len, w->frames, &w->ids);
        if (synchsafe < 0)
            return -1;
    }

    Py_ssize_t pos = 0;
    while (pos < len) {
        if (len - pos < hdr_len)
            break; /* not enough data left for a frame header */
        const unsigned char *h = d + pos;
        if (all_zero(h, id_len))
            break; /* padding */
        Py_ssize_t size;
        int flags = 0;
        if (v22) {
            size = (Py_ssize_t)h[3] << 16 | (Py_ssize_t)h[4] << 8 | h[5];
        } else {
            uint32_t raw = be32(h + 4);
            size = (Py_ssize_t)(synchsafe ? syncsafe(raw) : raw);
            flags = h[8] << 8 | h[9];
        }
        const unsigned char *body = h + hdr_len;
        Py_ssize_t body_len = len - pos - hdr_len < size ? len - pos - hdr_len : size;
        pos += hdr_len + size;
        if (size == 0)
            continue; /* frames have at least one byte; skip empty ones */

        bool ascii = true;
        for (Py_ssize_t i = 0; i < id_len; i++)
            ascii = ascii && h[i] < 0x80;
        if (!ascii)
            continue;

        PyObject *name = NULL, *cls;
        if (!v22 && h[3] == 0) {
            /* maybe a v2.2 frame under its 3-letter ID */
            name = v22_upgrade_name(w->ctx, h);
            if (!name && PyErr_Occurred())
                return -1;
        }
        if (name) {
            int valid = valid_id_str(name);
            if (valid <= 0) {
                Py_DECREF(name);
                if (valid < 0)
                    return -1;
                continue;
            }
            cls = mapping_get(w->frames, name);
            Py_DECREF(name);
        } else {
            if (!valid_ascii_id(h, id_len))
                continue;
            cls = lookup_id(&w->ids, w->frames, h, id_len);
        }
        int failed;
        if (!cls) {
            if (PyErr_Occurred())
                return -1;
            failed = add_unsupported(w, h, hdr_len, body, body_len);
        } else {
            failed = read_one(w, cls, flags, h, hdr_len, body, body_len);
            Py_DECREF(cls);
        }
        if (failed)
            return -1;
    }
    return pos < len ? pos : len;
}

const char cm_py_id3_read_frames_doc[] =
    "id3_read_frames(ctx, header, data, minor, unsync, frames, sink, add)\n--\n\n"
    "The frame walk of cmutagen.id3._tags.read_frames over `data` (bytes: the\n"
    "tag body, with a v2.2/2.3 tag's unsynchronisation already undone) of a tag\n"
    "of version 2.`minor`; `unsync` is the tag's unsynchronisation flag.\n"
    "`frames` maps frame IDs to classes, `ctx` comes from\n"
    "_tags._native_context().  Each frame read goes to `sink`: appended if it is\n"
    "a list; if it is a dict (the tags' own), stored under its HashKey when that\n"
    "key is free, else passed to add(frame, False).  Frames are built in C where\n"
    "ctx's table says how, else by cls._fromData(header, flags, body).\n"
    "Returns (raw unsupported frames, the bytes after the last frame).";

PyObject *cm_py_id3_read_frames(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    (void)module;
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "id3_read_frames takes 8 arguments");
        return NULL;
    }
    walk w = {.ctx = args[0], .header = args[1], .frames = args[5], .sink = args[6],
              .add = args[7]};
    PyObject *data = args[2];
    if (!PyTuple_CheckExact(w.ctx) || PyTuple_GET_SIZE(w.ctx) != CTX_SIZE ||
        !PyDict_CheckExact(PyTuple_GET_ITEM(w.ctx, CTX_TABLE)) ||
        !PyTuple_CheckExact(PyTuple_GET_ITEM(w.ctx, CTX_ENCODINGS)) ||
        PyTuple_GET_SIZE(PyTuple_GET_ITEM(w.ctx, CTX_ENCODINGS)) != 4 ||
        !PyTuple_CheckExact(PyTuple_GET_ITEM(w.ctx, CTX_PICTYPES)) ||
        PyTuple_GET_SIZE(PyTuple_GET_ITEM(w.ctx, CTX_PICTYPES)) != 256 ||
        !PyTuple_CheckExact(PyTuple_GET_ITEM(w.ctx, CTX_NO_ARGS)) ||
        PyTuple_GET_SIZE(PyTuple_GET_ITEM(w.ctx, CTX_NO_ARGS)) != 0) {
        PyErr_SetString(PyExc_TypeError, "id3_read_frames: ctx is not from _native_context()");
        return NULL;
    }
    if (!PyBytes_Check(data)) {
        PyErr_SetString(PyExc_TypeError, "id3_read_frames: data must be bytes");
        return NULL;
    }
    w.minor = PyLong_AsLong(args[3]) >= 4 ? 4 : PyLong_AsLong(args[3]) >= 3 ? 3 : 2;
    if (PyErr_Occurred())
        return NULL;
    int unsync = PyObject_IsTrue(args[4]);
    if (unsync < 0)
        return NULL;
    w.unsync = unsync;
    if (!PyList_CheckExact(w.sink) && !(PyDict_CheckExact(w.sink) && PyCallable_Check(w.add))) {
        PyErr_SetString(PyExc_TypeError, "id3_read_frames: sink must be a list, or a dict with add");
        return NULL;
    }
    w.unsupported = PyList_New(0);
    if (!w.unsupported)
        return NULL;
    const unsigned char *d = (const unsigned char *)PyBytes_AS_STRING(data);
    Py_ssize_t len = PyBytes_GET_SIZE(data);
    Py_ssize_t stop = walk_frames(&w, d, len);
    if (stop < 0) {
        Py_DECREF(w.unsupported);
        return NULL;
    }
    PyObject *rest = stop == 0 ? Py_NewRef(data)
                               : PyBytes_FromStringAndSize((const char *)d + stop, len - stop);
    if (!rest) {
        Py_DECREF(w.unsupported);
        return NULL;
    }
    return Py_BuildValue("(NN)", w.unsupported, rest);
}

/* ---- a whole tag loaded as ID3.load(path) loads it ----------------------
 *
 * cm_py_id3_load builds the ID3 object that ID3.load (with its default
 * arguments) or MP3's one-call read leaves behind: the v2 frames (walked
 * above), the ID3v1 frames merged in where the v2 tag lacks them, and the
 * upgrade to v2.4.  The upgrade is done here where it is plain (no genre
 * references, v2.2 picture formats, chapters, TORY or IPLS to convert);
 * otherwise ID3Tags.update_to_v24 itself runs, on the object as it stands
 * then, which is exactly the reference path. */

/* The load spec tuple, built once by cmutagen.id3._file._load_spec(). */
enum {
    LS_CTX,          /* _tags._native_context() */
    LS_ID3,          /* the ID3 class */
    LS_HEADER,       /* the ID3Header class */
    LS_FRAMES,       /* Frames: frame classes of v2.3/2.4 tags by ID */
    LS_FRAMES_22,    /* Frames_2_2 */
    LS_TAG_NAMES,    /* ID3's attribute names, in the order load sets them (T_*) */
    LS_HEADER_NAMES, /* ("_flags", "size", "version") */
    LS_ADD,          /* ID3Tags._add */
    LS_UPDATE,       /* ID3Tags.update_to_v24 */
    LS_CLASSES,      /* frame classes by K_* */
    LS_KEYS,         /* their frame IDs, by K_* */
    LS_FIELDS,       /* field names by F_* */
    LS_LATIN1,       /* Encoding.LATIN1 */
    LS_V1_COMMENT,   /* ("ID3v1 Comment", "eng", "COMM:ID3v1 Comment:eng") */
    LS_SIZE
};

enum { T_HEADER, T_VERSION, T_UNKNOWN, T_UNKNOWN_VERSION, T_FRAMES, T_FILENAME, T_PADDING,
       T_COUNT };

enum { K_TIT2, K_TPE1, K_TALB, K_TYER, K_TDRC, K_COMM, K_TRCK, K_TCON, K_TDAT, K_TIME,
       K_TORY, K_IPLS, K_RVAD, K_TRDA, K_TSIZ, K_APIC, K_TDOR, K_TIPL, K_COUNT };

enum { F_ENCODING, F_TEXT, F_LANG, F_DESC, F_MIME, F_SUB_FRAMES, F_PEOPLE, F_COUNT };

/* The frames that exist only in v2.3, which the upgrade drops. */
static const int v23_only[] = {K_TYER, K_TDAT, K_TIME, K_TORY, K_IPLS, K_RVAD, K_TRDA, K_TSIZ};
#define V23_ONLY_COUNT (sizeof v23_only / sizeof v23_only[0])

static bool spec_ok(PyObject *spec)
{
    static const struct {
        int index;
        Py_ssize_t size;
    } tuples[] = {{LS_TAG_NAMES, T_COUNT}, {LS_HEADER_NAMES, 3}, {LS_CLASSES, K_COUNT},
                  {LS_KEYS, K_COUNT},      {LS_FIELDS, F_COUNT},   {LS_V1_COMMENT, 3}};
    if (!PyTuple_CheckExact(spec) || PyTuple_GET_SIZE(spec) != LS_SIZE)
        return false;
    for (size_t i = 0; i < sizeof tuples / sizeof tuples[0]; i++) {
        PyObject *t = PyTuple_GET_ITEM(spec, tuples[i].index);
        if (!PyTuple_CheckExact(t) || PyTuple_GET_SIZE(t) != tuples[i].size)
            return false;
    }
    PyObject *ctx = PyTuple_GET_ITEM(spec, LS_CTX);
    return PyTuple_CheckExact(ctx) && PyTuple_GET_SIZE(ctx) == CTX_SIZE &&
           PyDict_CheckExact(PyTuple_GET_ITEM(ctx, CTX_TABLE)) &&
           PyTuple_CheckExact(PyTuple_GET_ITEM(ctx, CTX_ENCODINGS)) &&
           PyTuple_GET_SIZE(PyTuple_GET_ITEM(ctx, CTX_ENCODINGS)) == 4 &&
           PyTuple_CheckExact(PyTuple_GET_ITEM(ctx, CTX_PICTYPES)) &&
           PyTuple_GET_SIZE(PyTuple_GET_ITEM(ctx, CTX_PICTYPES)) == 256 &&
           PyTuple_CheckExact(PyTuple_GET_ITEM(ctx, CTX_NO_ARGS)) &&
           PyTuple_GET_SIZE(PyTuple_GET_ITEM(ctx, CTX_NO_ARGS)) == 0 &&
           PyType_Check(PyTuple_GET_ITEM(spec, LS_ID3)) &&
           PyType_Check(PyTuple_GET_ITEM(spec, LS_HEADER));
}

#define SPEC_CLASS(spec, k) PyTuple_GET_ITEM(PyTuple_GET_ITEM(spec, LS_CLASSES), k)
#define SPEC_KEY(spec, k) PyTuple_GET_ITEM(PyTuple_GET_ITEM(spec, LS_KEYS), k)
#define SPEC_FIELD(spec, f) PyTuple_GET_ITEM(PyTuple_GET_ITEM(spec, LS_FIELDS), f)
#define SPEC_TAG_NAME(spec, t) PyTuple_GET_ITEM(PyTuple_GET_ITEM(spec, LS_TAG_NAMES), t)

/* A new instance of cls with an empty __dict__ (cls.__new__(cls) for the
 * classes this file builds), and that dict (borrowed from the instance). */
static PyObject *new_plain(PyObject *ctx, PyObject *cls, PyObject **dict)
{
    PyObject *obj = PyBaseObject_Type.tp_new((PyTypeObject *)cls, PyTuple_GET_ITEM(ctx, CTX_NO_ARGS), NULL);
    if (!obj)
        return NULL;
    PyObject *d = PyObject_GenericGetDict(obj, NULL);
    if (!d) {
        Py_DECREF(obj);
        return NULL;
    }
    Py_DECREF(d); /* the instance keeps it */
    *dict = d;
    return obj;
}

/* dict[key] = value, stealing the reference to value (NULL: failed). */
static int set_steal(PyObject *dict, PyObject *key, PyObject *value)
{
    if (!value)
        return -1;
    int rc = PyDict_SetItem(dict, key, value);
    Py_DECREF(value);
    return rc;
}

/* ---- ID3v1: what _id3v1.ParseID3v1 reads ---- */

typedef struct v1_tag {
    const uint8_t *title, *artist, *album, *year, *comment;
    size_t year_len, comment_len;
    int track; /* ID3v1.1 track number, or -1 */
    int genre;
} v1_tag;

/* The tag in the file's last bytes, as _find_id3v1_in finds it: the first
 * "TAG" there, unless it is the one in an APEv2 "APETAGEX", and 124 to 128
 * bytes from it to the end. */
static bool find_v1(const uint8_t *tail, size_t len, v1_tag *v)
{
    size_t at = len;
    for (size_t i = 0; i + 3 <= len; i++) {
        if (tail[i] == 'T' && tail[i + 1] == 'A' && tail[i + 2] == 'G') {
            at = i;
            break;
        }
    }
    if (at == len)
        return false;
    if (at >= 3 && len - (at - 3) >= 8 && memcmp(tail + at - 3, "APETAGEX", 8) == 0)
        return false;
    const uint8_t *t = tail + at;
    size_t n = len - at;
    if (n < 124 || n > 128)
        return false;
    v->title = t + 3;
    v->artist = t + 33;
    v->album = t + 63;
    v->year = t + 93;
    v->year_len = n - 124;
    v->comment = v->year + v->year_len;
    uint8_t track = v->comment[29];
    v->genre = v->comment[30];
    /* v1.1: a NUL before the comment's last byte makes that byte the track */
    if (v->comment[28] == 0 && track != 0) {
        v->track = track;
        v->comment_len = 29;
    } else {
        v->track = -1;
        v->comment_len = 30;
    }
    return true;
}

static bool v1_space(uint8_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* A v1 text field: up to its first NUL, ASCII whitespace stripped, as
 * Latin-1 (bytes.split, bytes.strip, decode). */
static PyObject *v1_text(const uint8_t *p, size_t n)
{
    const uint8_t *nul = memchr(p, 0, n);
    size_t end = nul ? (size_t)(nul - p) : n, start = 0;
    while (start < end && v1_space(p[start]))
        start++;
    while (end > start && v1_space(p[end - 1]))
        end--;
    return PyUnicode_DecodeLatin1((const char *)p + start, (Py_ssize_t)(end - start), NULL);
}

/* getall(key) is empty (ID3Tags._has_none): no frame under key or under a
 * key that starts with key + ":". */
static int has_none(PyObject *frames, PyObject *key)
{
    int present = PyDict_Contains(frames, key);
    if (present != 0)
        return present < 0 ? -1 : 0;
    Py_ssize_t klen = PyUnicode_GET_LENGTH(key);
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(frames, &pos, &k, &v)) {
        if (!PyUnicode_Check(k) || PyUnicode_GET_LENGTH(k) <= klen)
            continue;
        if (PyUnicode_READ_CHAR(k, klen) == ':' && PyUnicode_Tailmatch(k, key, 0, klen, -1) == 1)
            return 0;
    }
    return 1;
}

/* The ID3v1 frames added where the v2 tag has none (ID3.__add_v1), each a
 * frame as _id3v1._latin1_frame makes it.  v2_version: 3 or 4, the year's
 * frame (TYER or TDRC). */
static int add_v1(PyObject *spec, PyObject *frames, const v1_tag *v, int v2_version)
{
    PyObject *ctx = PyTuple_GET_ITEM(spec, LS_CTX);
    PyObject *comment_names = PyTuple_GET_ITEM(spec, LS_V1_COMMENT);
    struct {
        int k;
        const uint8_t *p;
        size_t n;
        int number; /* >= 0: the text is this number */
    } items[] = {
        {K_TIT2, v->title, 30, -1},
        {K_TPE1, v->artist, 30, -1},
        {K_TALB, v->album, 30, -1},
        {v2_version == 3 ? K_TYER : K_TDRC, v->year, v->year_len, -1},
        {K_COMM, v->comment, v->comment_len, -1},
        {K_TRCK, NULL, 0, v->track},
        {K_TCON, NULL, 0, v->genre == 255 ? -1 : v->genre},
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        int k = items[i].k;
        PyObject *text;
        if (items[i].p)
            text = v1_text(items[i].p, items[i].n);
        else if (items[i].number >= 0)
            text = PyUnicode_FromFormat("%d", items[i].number);
        else
            continue;
        if (!text)
            return -1;
        if (PyUnicode_GET_LENGTH(text) == 0) {
            Py_DECREF(text);
            continue;
        }
        PyObject *key = k == K_COMM ? PyTuple_GET_ITEM(comment_names, 2) : SPEC_KEY(spec, k);
        int none = has_none(frames, key);
        if (none <= 0) {
            Py_DECREF(text);
            if (none < 0)
                return -1;
            continue;
        }
        if (k == K_TDRC) {
            PyObject *stamp = fast_stamp(ctx, text);
            if (!stamp && !PyErr_Occurred())
                stamp = PyObject_CallOneArg(PyTuple_GET_ITEM(ctx, CTX_TIMESTAMP), text);
            Py_DECREF(text);
            if (!stamp)
                return -1;
            text = stamp;
        }
        PyObject *list = PyList_New(1);
        if (!list) {
            Py_DECREF(text);
            return -1;
        }
        PyList_SET_ITEM(list, 0, text);
        PyObject *dict;
        PyObject *frame = new_plain(ctx, SPEC_CLASS(spec, k), &dict);
        int failed = !frame ||
                     PyDict_SetItem(dict, SPEC_FIELD(spec, F_ENCODING), PyTuple_GET_ITEM(spec, LS_LATIN1)) < 0 ||
                     (k == K_COMM &&
                      (PyDict_SetItem(dict, SPEC_FIELD(spec, F_LANG), PyTuple_GET_ITEM(comment_names, 1)) < 0 ||
                       PyDict_SetItem(dict, SPEC_FIELD(spec, F_DESC), PyTuple_GET_ITEM(comment_names, 0)) < 0)) ||
                     PyDict_SetItem(dict, SPEC_FIELD(spec, F_TEXT), list) < 0 ||
                     PyDict_SetItem(frames, key, frame) < 0;
        Py_DECREF(list);
        Py_XDECREF(frame);
        if (failed)
            return -1;
    }
    return 0;
}

/* ---- the upgrade to v2.4 (ID3Tags.update_to_v24) where it is plain ---- */

/* TCON._reads_as_itself for a TCON whose text is a list of str: every value
 * free text (not empty, no "(" first, no newline, not all digits, not CR or
 * RX).  -1: not such a frame. */
static int genre_reads_as_itself(PyObject *text)
{
    if (!PyList_CheckExact(text))
        return -1;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(text); i++) {
        PyObject *value = PyList_GET_ITEM(text, i);
        if (!PyUnicode_CheckExact(value))
            return -1;
        Py_ssize_t n = PyUnicode_GET_LENGTH(value);
        if (n == 0 || PyUnicode_READ_CHAR(value, 0) == '(')
            return 0;
        bool digits = true;
        for (Py_ssize_t j = 0; j < n; j++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(value, j);
            if (c == '\n')
                return 0;
            digits = digits && Py_UNICODE_ISDIGIT(c);
        }
        if (digits || PyUnicode_CompareWithASCIIString(value, "CR") == 0 ||
            PyUnicode_CompareWithASCIIString(value, "RX") == 0)
            return 0;
    }
    return 1;
}

/* frame.<field> from the instance dict, for a frame of exactly class cls
 * (borrowed; NULL: not such a frame). */
static PyObject *field_of(PyObject *frame, PyObject *cls, PyObject *name)
{
    if (!frame || (PyObject *)Py_TYPE(frame) != cls)
        return NULL;
    PyObject **dictp = _PyObject_GetDictPtr(frame);
    if (!dictp || !*dictp)
        return NULL;
    return PyDict_GetItem(*dictp, name);
}

/* Whether getattr(frame, "sub_frames", None) is None, known without a
 * Python call: no class attribute of that name and none in the instance
 * dict.  -1: only getattr can tell. */
static int no_sub_frames(PyObject *frame, PyObject *name)
{
    if (_PyType_Lookup(Py_TYPE(frame), name))
        return -1;
    PyObject **dictp = _PyObject_GetDictPtr(frame);
    if (!dictp || !*dictp)
        return -1;
    PyObject *v = PyDict_GetItem(*dictp, name);
    return !v || v == Py_None ? 1 : -1;
}

static bool is_digits(PyObject *s, Py_ssize_t from, Py_ssize_t to)
{
    for (Py_ssize_t i = from; i < to; i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(s, i);
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

static long digits_value(PyObject *s, Py_ssize_t from, Py_ssize_t to)
{
    long v = 0;
    for (Py_ssize_t i = from; i < to; i++)
        v = v * 10 + (long)(PyUnicode_READ_CHAR(s, i) - '0');
    return v;
}

/* "[0-9]{4}" matches all of s */
static bool four_digits(PyObject *s)
{
    return PyUnicode_GET_LENGTH(s) == 4 && is_digits(s, 0, 4);
}

/* The i-th str of a list, or NULL past its end (or for no list). */
static PyObject *nth(PyObject *list, Py_ssize_t i)
{
    return list && i < PyList_GET_SIZE(list) ? PyList_GET_ITEM(list, i) : NULL;
}

/* _tags._v24_stamps: the v2.4 stamps of v2.3's TYER, TDAT and TIME texts
 * (lists of str; NULL for a missing frame), side by side.  Appended to
 * `stamps`. */
static int v24_stamps(PyObject *ctx, PyObject *years, PyObject *dates, PyObject *times,
                      PyObject *stamps)
{
    /* past the years' end the year is empty, which matches nothing */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(years); i++) {
        PyObject *year = PyList_GET_ITEM(years, i);
        PyObject *date = nth(dates, i);
        PyObject *time = nth(times, i);
        /* YYYY, or YYYY-MM-DD */
        Py_ssize_t ylen = PyUnicode_GET_LENGTH(year);
        bool full = ylen == 10 && is_digits(year, 0, 4) && PyUnicode_READ_CHAR(year, 4) == '-' &&
                    is_digits(year, 5, 7) && PyUnicode_READ_CHAR(year, 7) == '-' &&
                    is_digits(year, 8, 10);
        if (!full && !four_digits(year))
            continue;
        long long values[6] = {digits_value(year, 0, 4), 0, 0, 0, 0, 0};
        bool present[6] = {true, false, false, false, false, false};
        if (date && four_digits(date)) { /* DDMM */
            values[2] = digits_value(date, 0, 2);
            values[1] = digits_value(date, 2, 4);
            present[1] = present[2] = true;
        } else if (full) {
            values[1] = digits_value(year, 5, 7);
            values[2] = digits_value(year, 8, 10);
            present[1] = present[2] = true;
        }
        if (present[1] && time && four_digits(time)) { /* HHMM */
            values[3] = digits_value(time, 0, 2);
            values[4] = digits_value(time, 2, 4);
            values[5] = 0;
            present[3] = present[4] = present[5] = true;
        }
        PyObject *stamp = new_stamp(ctx, values, present);
        if (!stamp)
            return -1;
        int failed = PyList_Append(stamps, stamp);
        Py_DECREF(stamp);
        if (failed)
            return -1;
    }
    return 0;
}

/* A list of exact str, or NULL. */
static PyObject *str_list(PyObject *v)
{
    if (!v || !PyList_CheckExact(v))
        return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(v); i++)
        if (!PyUnicode_CheckExact(PyList_GET_ITEM(v, i)))
            return NULL;
    return v;
}

/* frames[key of k] = a new frame of class k with {encoding, field: value}
 * (the frame the class's constructor makes of these valid values). */
static int add_text_frame(PyObject *spec, PyObject *frames, int k, PyObject *encoding, int field,
                          PyObject *value)
{
    PyObject *dict;
    PyObject *frame = new_plain(PyTuple_GET_ITEM(spec, LS_CTX), SPEC_CLASS(spec, k), &dict);
    int failed = !frame || PyDict_SetItem(dict, SPEC_FIELD(spec, F_ENCODING), encoding) < 0 ||
                 PyDict_SetItem(dict, SPEC_FIELD(spec, field), value) < 0 ||
                 PyDict_SetItem(frames, SPEC_KEY(spec, k), frame) < 0;
    Py_XDECREF(frame);
    return failed ? -1 : 0;
}

/* update_to_v24 on the frames dict of a plain ID3: 1 done, 0 when the
 * Python method must do it (nothing changed yet), -1 on error. */
static int upgrade_plain(PyObject *spec, PyObject *frames)
{
    PyObject *ctx = PyTuple_GET_ITEM(spec, LS_CTX);
    if (!PyTuple_CheckExact(PyTuple_GET_ITEM(ctx, CTX_STAMP_FIELDS)))
        return 0;
    PyObject *text_name = SPEC_FIELD(spec, F_TEXT);

    /* genres that are references or numbers: TCON.genres must resolve them */
    PyObject *tcon = PyDict_GetItemWithError(frames, SPEC_KEY(spec, K_TCON));
    if (!tcon && PyErr_Occurred())
        return -1;
    if (tcon) {
        PyObject *text = field_of(tcon, SPEC_CLASS(spec, K_TCON), text_name);
        if (!text || genre_reads_as_itself(text) != 1)
            return 0;
    }

    /* v2.2 picture formats, and chapters, whose frames are upgraded too */
    Py_ssize_t pos = 0;
    PyObject *key, *frame;
    PyObject *apic_cls = SPEC_CLASS(spec, K_APIC);
    while (PyDict_Next(frames, &pos, &key, &frame)) {
        if (no_sub_frames(frame, SPEC_FIELD(spec, F_SUB_FRAMES)) != 1)
            return 0;
        if (PyUnicode_Check(key) && PyUnicode_Tailmatch(key, SPEC_KEY(spec, K_APIC), 0, 4, -1) == 1 &&
            (PyUnicode_GET_LENGTH(key) == 4 || PyUnicode_READ_CHAR(key, 4) == ':')) {
            PyObject *mime = field_of(frame, apic_cls, SPEC_FIELD(spec, F_MIME));
            if (!mime || !PyUnicode_CheckExact(mime) ||
                PyUnicode_CompareWithASCIIString(mime, "PNG") == 0 ||
                PyUnicode_CompareWithASCIIString(mime, "JPG") == 0)
                return 0;
        }
    }

    PyObject *present[K_COUNT] = {NULL};
    bool any = false;
    for (size_t i = 0; i < V23_ONLY_COUNT; i++) {
        int k = v23_only[i];
        present[k] = PyDict_GetItemWithError(frames, SPEC_KEY(spec, k));
        if (!present[k] && PyErr_Occurred())
            return -1;
        any = any || present[k];
    }
    if (!any)
        return 1;

    /* What each conversion starts from, all checked before anything
     * changes: a frame of another layout is the Python method's. */
    int has[3];
    static const int targets[3] = {K_TDRC, K_TDOR, K_TIPL};
    for (int i = 0; i < 3; i++) {
        has[i] = PyDict_Contains(frames, SPEC_KEY(spec, targets[i]));
        if (has[i] < 0)
            return -1;
    }
    PyObject *years = NULL, *dates = NULL, *times = NULL, *ory = NULL, *people = NULL;
    PyObject *ipls_encoding = NULL;
    if (present[K_TYER] && !has[0]) {
        years = str_list(field_of(present[K_TYER], SPEC_CLASS(spec, K_TYER), text_name));
        if (present[K_TDAT])
            dates = str_list(field_of(present[K_TDAT], SPEC_CLASS(spec, K_TDAT), text_name));
        if (present[K_TIME])
            times = str_list(field_of(present[K_TIME], SPEC_CLASS(spec, K_TIME), text_name));
        if (!years || (present[K_TDAT] && !dates) || (present[K_TIME] && !times))
            return 0;
    }
    if (present[K_TORY] && !has[1]) {
        ory = str_list(field_of(present[K_TORY], SPEC_CLASS(spec, K_TORY), text_name));
        if (!ory)
            return 0;
    }
    if (present[K_IPLS] && !has[2]) {
        PyObject *ipls_cls = SPEC_CLASS(spec, K_IPLS);
        ipls_encoding = field_of(present[K_IPLS], ipls_cls, SPEC_FIELD(spec, F_ENCODING));
        people = field_of(present[K_IPLS], ipls_cls, SPEC_FIELD(spec, F_PEOPLE));
        bool known = false;
        for (int e = 0; e < 4; e++)
            known = known || ipls_encoding == PyTuple_GET_ITEM(PyTuple_GET_ITEM(ctx, CTX_ENCODINGS), e);
        if (!known || !people || !PyList_CheckExact(people))
            return 0;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(people); i++) {
            PyObject *pair = str_list(PyList_GET_ITEM(people, i));
            if (!pair || PyList_GET_SIZE(pair) != 2)
                return 0;
        }
    }

    /* TYER, TDAT and TIME to TDRC (when there is a year) */
    if (years) {
        PyObject *stamps = PyList_New(0);
        int failed = !stamps || v24_stamps(ctx, years, dates, times, stamps) < 0 ||
                     (PyList_GET_SIZE(stamps) > 0 &&
                      add_text_frame(spec, frames, K_TDRC, PyTuple_GET_ITEM(spec, LS_LATIN1),
                                     F_TEXT, stamps) < 0);
        Py_XDECREF(stamps);
        if (failed)
            return -1;
    }
    /* TORY to TDOR: TDOR(encoding=0, text=str(tory)), whose text splits at
     * "," into time stamps */
    if (ory) {
        PyObject *sep = PyUnicode_FromOrdinal(0);
        PyObject *joined = sep ? PyUnicode_Join(sep, ory) : NULL;
        Py_XDECREF(sep);
        PyObject *comma = joined ? PyUnicode_FromOrdinal(',') : NULL;
        PyObject *parts = comma ? PyUnicode_Split(joined, comma, -1) : NULL;
        Py_XDECREF(comma);
        Py_XDECREF(joined);
        int failed = !parts;
        for (Py_ssize_t i = 0; !failed && i < PyList_GET_SIZE(parts); i++) {
            PyObject *part = PyList_GET_ITEM(parts, i);
            PyObject *stamp = fast_stamp(ctx, part);
            if (!stamp && !PyErr_Occurred())
                stamp = PyObject_CallOneArg(PyTuple_GET_ITEM(ctx, CTX_TIMESTAMP), part);
            if (!stamp)
                failed = 1;
            else
                PyList_SetItem(parts, i, stamp);
        }
        failed = failed || add_text_frame(spec, frames, K_TDOR, PyTuple_GET_ITEM(spec, LS_LATIN1),
                                          F_TEXT, parts) < 0;
        Py_XDECREF(parts);
        if (failed)
            return -1;
    }
    /* IPLS to TIPL(encoding=ipls.encoding, people=ipls.people): the
     * pairs are copied, as validating them does */
    if (people) {
        PyObject *copy = PyList_New(PyList_GET_SIZE(people));
        int failed = !copy;
        for (Py_ssize_t i = 0; !failed && i < PyList_GET_SIZE(people); i++) {
            PyObject *pair = PyList_GetSlice(PyList_GET_ITEM(people, i), 0, 2);
            if (!pair)
                failed = 1;
            else
                PyList_SET_ITEM(copy, i, pair);
        }
        failed = failed || add_text_frame(spec, frames, K_TIPL, ipls_encoding, F_PEOPLE, copy) < 0;
        Py_XDECREF(copy);
        if (failed)
            return -1;
    }
    for (size_t i = 0; i < V23_ONLY_COUNT; i++)
        if (present[v23_only[i]] && PyDict_DelItem(frames, SPEC_KEY(spec, v23_only[i])) < 0)
            return -1;
    return 1;
}

/* ---- the whole tag ---- */

/* A tuple of n (2 or 3) small ints: a version. */
static PyObject *int_tuple(int n, long a, long b, long c)
{
    PyObject *items[3] = {PyLong_FromLong(a), PyLong_FromLong(b), PyLong_FromLong(c)};
    PyObject *t = items[0] && items[1] && items[2] ? PyTuple_New(n) : NULL;
    for (int i = 0; i < 3; i++) {
        if (t && i < n)
            PyTuple_SET_ITEM(t, i, items[i]);
        else
            Py_XDECREF(items[i]);
    }
    return t;
}

int cm_py_id3_load(PyObject *spec, PyObject *target, PyObject *filename, const uint8_t *header,
                   PyObject *body, const uint8_t *tail, size_t tail_len, PyObject **out)
{
    *out = NULL;
    if (!spec_ok(spec)) {
        PyErr_SetString(PyExc_TypeError, "ID3 load spec is not from _load_spec()");
        return -1;
    }
    PyObject *ctx = PyTuple_GET_ITEM(spec, LS_CTX);
    PyObject *id3_cls = PyTuple_GET_ITEM(spec, LS_ID3);
    int major = header ? header[3] : 0, flags = header ? header[5] : 0;
    /* Before v2.4 unsynchronisation covers the whole body: _read_frames_into
     * undoes it in Python. */
    if (header && major < 4 && (flags & 0x80))
        return 0;
    if (header && (!body || !PyBytes_CheckExact(body)))
        return 0;
    v1_tag v1 = {0};
    bool has_v1 = find_v1(tail, tail_len, &v1);
    if (!header && !has_v1) {
        if (target)
            return 0; /* load raises ID3NoHeaderError */
        *out = Py_NewRef(Py_None);
        return 1;
    }

    /* The instance, with the attributes ID3() and load set, in their order. */
    PyObject *tags, *dict, *frames;
    if (target) {
        if ((PyObject *)Py_TYPE(target) != id3_cls)
            return 0;
        PyObject **dictp = _PyObject_GetDictPtr(target);
        if (!dictp || !*dictp)
            return 0;
        dict = *dictp;
        frames = PyDict_GetItem(dict, SPEC_TAG_NAME(spec, T_FRAMES));
        if (!frames || !PyDict_CheckExact(frames) || PyDict_GET_SIZE(frames) != 0)
            return 0; /* load keeps the frames already there */
        tags = Py_NewRef(target);
        Py_INCREF(frames);
    } else {
        /* a new instance's __dict__, made at its final size */
        tags = PyBaseObject_Type.tp_new((PyTypeObject *)id3_cls, PyTuple_GET_ITEM(ctx, CTX_NO_ARGS), NULL);
        dict = tags ? _PyDict_NewPresized(T_COUNT) : NULL;
        int failed = !dict || PyObject_GenericSetDict(tags, dict, NULL) < 0;
        Py_XDECREF(dict); /* the instance holds it */
        frames = failed ? NULL : PyDict_New();
        if (!frames) {
            Py_XDECREF(tags);
            return -1;
        }
    }
    PyObject *header_obj = NULL, *unknown = NULL;
    int result = -1;
    PyObject *version = header ? int_tuple(3, 2, 4, 0) : int_tuple(2, 1, 1, 0);
    if (!version)
        goto done;
    if (PyDict_SetItem(dict, SPEC_TAG_NAME(spec, T_HEADER), Py_None) < 0 ||
        ((!target || !header) && PyDict_SetItem(dict, SPEC_TAG_NAME(spec, T_VERSION), version) < 0))
        goto done;
    unknown = PyList_New(0);
    if (!unknown || PyDict_SetItem(dict, SPEC_TAG_NAME(spec, T_UNKNOWN), unknown) < 0 ||
        /* (ID3() starts it at 4; load itself sets it only from a v2 tag) */
        (!target && set_steal(dict, SPEC_TAG_NAME(spec, T_UNKNOWN_VERSION), PyLong_FromLong(4)) < 0) ||
        PyDict_SetItem(dict, SPEC_TAG_NAME(spec, T_FRAMES), frames) < 0 ||
        PyDict_SetItem(dict, SPEC_TAG_NAME(spec, T_FILENAME), filename) < 0 ||
        set_steal(dict, SPEC_TAG_NAME(spec, T_PADDING), PyLong_FromLong(0)) < 0)
        goto done;

    if (header) {
        /* ID3Header._plain: _flags, size (header included), version */
        uint32_t size = (uint32_t)header[6] << 21 | (uint32_t)header[7] << 14 |
                        (uint32_t)header[8] << 7 | header[9];
        PyObject *hdict;
        PyObject *names = PyTuple_GET_ITEM(spec, LS_HEADER_NAMES);
        header_obj = new_plain(ctx, PyTuple_GET_ITEM(spec, LS_HEADER), &hdict);
        if (!header_obj ||
            set_steal(hdict, PyTuple_GET_ITEM(names, 0), PyLong_FromLong(flags)) < 0 ||
            set_steal(hdict, PyTuple_GET_ITEM(names, 1), PyLong_FromUnsignedLong(size + 10)) < 0 ||
            set_steal(hdict, PyTuple_GET_ITEM(names, 2), int_tuple(3, 2, major, header[4])) < 0 ||
            PyDict_SetItem(dict, SPEC_TAG_NAME(spec, T_HEADER), header_obj) < 0)
            goto done;

        walk w = {.ctx = ctx, .header = header_obj,
                  .frames = PyTuple_GET_ITEM(spec, major >= 3 ? LS_FRAMES : LS_FRAMES_22),
                  .sink = frames, .add = PyTuple_GET_ITEM(spec, LS_ADD), .add_self = tags,
                  .minor = major >= 4 ? 4 : major, .unsync = major >= 4 && (flags & 0x80)};
        w.unsupported = PyList_New(0);
        if (!w.unsupported)
            goto done;
        Py_ssize_t len = PyBytes_GET_SIZE(body);
        Py_ssize_t stop = walk_frames(&w, (const unsigned char *)PyBytes_AS_STRING(body), len);
        if (stop < 0 || PyDict_SetItem(dict, SPEC_TAG_NAME(spec, T_UNKNOWN), w.unsupported) < 0) {
            Py_DECREF(w.unsupported);
            goto done;
        }
        Py_DECREF(w.unsupported);
        if (set_steal(dict, SPEC_TAG_NAME(spec, T_UNKNOWN_VERSION), PyLong_FromLong(major)) < 0 ||
            set_steal(dict, SPEC_TAG_NAME(spec, T_PADDING), PyLong_FromSsize_t(len - stop)) < 0)
            goto done;
    }
    if (has_v1 && add_v1(spec, frames, &v1, header && major == 4 ? 4 : header ? 3 : 4) < 0)
        goto done;

    int plain = upgrade_plain(spec, frames);
    if (plain < 0)
        goto done;
    if (plain == 0) {
        PyObject *r = PyObject_CallOneArg(PyTuple_GET_ITEM(spec, LS_UPDATE), tags);
        if (!r)
            goto done;
        Py_DECREF(r);
    }
    *out = Py_NewRef(tags);
    result = 1;
done:
    Py_XDECREF(version);
    Py_XDECREF(unknown);
    Py_XDECREF(header_obj);
    Py_DECREF(frames);
    Py_DECREF(tags);
    return result;
}
