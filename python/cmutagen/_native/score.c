/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File()'s choice of format for a path, in one call: the file's two ends
 * read with one open, and each candidate class scored by a C copy of its
 * score() rule.
 *
 * mutagen's File() asks every format class for a score of the file's name
 * and first 128 bytes (APEv2's also looks at the last 160) and loads the
 * best.  In Python that is one call per class, most of a File() call's own
 * cost; here it is one C call.  The rules are the Python classes': the
 * Python side maps each class's score function to a rule below by name
 * (_file._NATIVE_SCORERS), so a class whose score is replaced, or a
 * caller's own class, has no rule and File() scores in Python instead.
 * tests/python/test_file_score.py holds every rule equal to its Python
 * score on real and random headers and names. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pread.h"
#include "score.h"

enum { HEAD_BYTES = 128, TAIL_BYTES = 160 };

/* What a rule sees: the name lowercased and as given (both UTF-8; most
 * rules compare lowercased extensions, DSDIFF's and AC-3's compare the
 * name as it is), the head and the tail. */
typedef struct score_input {
    const char *name;
    size_t name_len;
    const char *given_name;
    size_t given_name_len;
    const uint8_t *head;
    size_t head_len;
    const uint8_t *tail;
    size_t tail_len;
    bool tail_unreadable; /* reading the tail failed: APEv2's rule scores -1 */
} score_input;

static bool has_prefix(const uint8_t *data, size_t len, const char *prefix, size_t prefix_len)
{
    return len >= prefix_len && memcmp(data, prefix, prefix_len) == 0;
}

static bool contains(const uint8_t *data, size_t len, const char *needle, size_t needle_len)
{
    return memmem(data, len, needle, needle_len) != NULL;
}

/* String-literal forms: the length is the literal's, less its NUL. */
#define STARTS(in, lit) has_prefix((in)->head, (in)->head_len, (lit), sizeof(lit) - 1)
#define HEAD_HAS(in, lit) contains((in)->head, (in)->head_len, (lit), sizeof(lit) - 1)
#define TAIL_HAS(in, lit) contains((in)->tail, (in)->tail_len, (lit), sizeof(lit) - 1)
#define ENDS_WITH(name, len, lit) \
    ((len) >= sizeof(lit) - 1 && memcmp((name) + (len) - (sizeof(lit) - 1), (lit), sizeof(lit) - 1) == 0)
#define NAME_ENDS(in, lit) ENDS_WITH((in)->name, (in)->name_len, lit)
#define GIVEN_NAME_ENDS(in, lit) ENDS_WITH((in)->given_name, (in)->given_name_len, lit)

static long score_mp3(const score_input *in)
{
    long score = NAME_ENDS(in, ".mp3") || NAME_ENDS(in, ".mp2") || NAME_ENDS(in, ".mpg") ||
                 NAME_ENDS(in, ".mpeg");
    if (STARTS(in, "ID3"))
        score += 2;
    /* MPEG-1 and MPEG-2 layer III frame syncs, with and without CRC */
    if (STARTS(in, "\xff\xf2") || STARTS(in, "\xff\xf3") || STARTS(in, "\xff\xfa") ||
        STARTS(in, "\xff\xfb"))
        score += 2;
    return score;
}

static long score_id3(const score_input *in)
{
    return STARTS(in, "ID3");
}

static long score_flac(const score_input *in)
{
    return STARTS(in, "fLaC") + NAME_ENDS(in, ".flac") * 3;
}

static long score_apev2(const score_input *in)
{
    if (in->tail_unreadable)
        return -1;
    return TAIL_HAS(in, "APETAGEX") - STARTS(in, "ID3");
}

static long score_mp4(const score_input *in)
{
    return HEAD_HAS(in, "ftyp") + HEAD_HAS(in, "mp4");
}

static long score_ogg_vorbis(const score_input *in)
{
    return STARTS(in, "OggS") ? HEAD_HAS(in, "\x01vorbis") : 0;
}

static long score_ogg_opus(const score_input *in)
{
    return STARTS(in, "OggS") ? HEAD_HAS(in, "OpusHead") : 0;
}

static long score_ogg_speex(const score_input *in)
{
    return STARTS(in, "OggS") ? HEAD_HAS(in, "Speex   ") : 0;
}

static long score_ogg_flac(const score_input *in)
{
    return STARTS(in, "OggS") ? HEAD_HAS(in, "FLAC") + HEAD_HAS(in, "fLaC") : 0;
}

static long score_ogg_theora(const score_input *in)
{
    return STARTS(in, "OggS") ? (HEAD_HAS(in, "\x80theora") + HEAD_HAS(in, "\x81theora")) * 2 : 0;
}

static long score_aac(const score_input *in)
{
    return (NAME_ENDS(in, ".aac") || NAME_ENDS(in, ".adts") || NAME_ENDS(in, ".adif")) +
           STARTS(in, "ADIF");
}

static long score_asf(const score_input *in)
{
    /* the ASF Header Object's GUID, 75B22630-668E-11CF-A6D9-00AA0062CE6C */
    return STARTS(in, "\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c") * 2;
}

static long score_aiff(const score_input *in)
{
    return STARTS(in, "FORM") * 2 + NAME_ENDS(in, ".aif") + NAME_ENDS(in, ".aiff") +
           NAME_ENDS(in, ".aifc");
}

static long score_wave(const score_input *in)
{
    return STARTS(in, "RIFF") +
           (in->head_len >= 12 && memcmp(in->head + 8, "WAVE", 4) == 0) +
           NAME_ENDS(in, ".wav") + NAME_ENDS(in, ".wave");
}

static long score_dsdiff(const score_input *in)
{
    return STARTS(in, "FRM8") * 2 + GIVEN_NAME_ENDS(in, ".dff");
}

static long score_dsf(const score_input *in)
{
    return STARTS(in, "DSD ") * 2 + NAME_ENDS(in, ".dsf");
}

static long score_ac3(const score_input *in)
{
    /* the AC-3 sync word; the extensions are matched as given */
    return STARTS(in, "\x0b\x77") * 2 + (GIVEN_NAME_ENDS(in, ".ac3") || GIVEN_NAME_ENDS(in, ".eac3"));
}

static long score_smf(const score_input *in)
{
    return STARTS(in, "MThd") && (NAME_ENDS(in, ".mid") || NAME_ENDS(in, ".midi"));
}

static long score_wavpack(const score_input *in)
{
    return STARTS(in, "wvpk") * 2;
}

static long score_musepack(const score_input *in)
{
    return STARTS(in, "MP+") + STARTS(in, "MPCK") + NAME_ENDS(in, ".mpc");
}

static long score_monkeysaudio(const score_input *in)
{
    return STARTS(in, "MAC ") + NAME_ENDS(in, ".ape");
}

static long score_optimfrog(const score_input *in)
{
    return STARTS(in, "OFR") + NAME_ENDS(in, ".ofr") + NAME_ENDS(in, ".ofs");
}

static long score_tak(const score_input *in)
{
    return STARTS(in, "tBaK") + NAME_ENDS(in, ".tak");
}

static long score_trueaudio(const score_input *in)
{
    return (STARTS(in, "ID3") || STARTS(in, "TTA")) + NAME_ENDS(in, ".tta") * 2;
}

/* The input of a rule, from four bytes objects. */
/* tail: bytes, or None when it could not be read. */
static score_input input_of(PyObject *given_name, PyObject *name, PyObject *head, PyObject *tail)
{
    bool unreadable = tail == Py_None;
    return (score_input){
        .name = PyBytes_AS_STRING(name),
        .name_len = (size_t)PyBytes_GET_SIZE(name),
        .given_name = PyBytes_AS_STRING(given_name),
        .given_name_len = (size_t)PyBytes_GET_SIZE(given_name),
        .head = (const uint8_t *)PyBytes_AS_STRING(head),
        .head_len = (size_t)PyBytes_GET_SIZE(head),
        .tail = unreadable ? NULL : (const uint8_t *)PyBytes_AS_STRING(tail),
        .tail_len = unreadable ? 0 : (size_t)PyBytes_GET_SIZE(tail),
        .tail_unreadable = unreadable,
    };
}

/* By the "module.Class" whose score() each copies. */
static const struct {
    const char *name;
    long (*score)(const score_input *);
} RULES[] = {
    {"mp3.MP3", score_mp3},
    {"id3.ID3FileType", score_id3},
    {"flac.FLAC", score_flac},
    {"apev2.APEv2File", score_apev2},
    {"mp4.MP4", score_mp4},
    {"oggvorbis.OggVorbis", score_ogg_vorbis},
    {"oggopus.OggOpus", score_ogg_opus},
    {"oggspeex.OggSpeex", score_ogg_speex},
    {"oggflac.OggFLAC", score_ogg_flac},
    {"oggtheora.OggTheora", score_ogg_theora},
    {"aac.AAC", score_aac},
    {"asf.ASF", score_asf},
    {"aiff.AIFF", score_aiff},
    {"wave.WAVE", score_wave},
    {"dsdiff.DSDIFF", score_dsdiff},
    {"dsf.DSF", score_dsf},
    {"ac3.AC3", score_ac3},
    {"smf.SMF", score_smf},
    {"wavpack.WavPack", score_wavpack},
    {"musepack.Musepack", score_musepack},
    {"monkeysaudio.MonkeysAudio", score_monkeysaudio},
    {"optimfrog.OptimFROG", score_optimfrog},
    {"tak.TAK", score_tak},
    {"trueaudio.TrueAudio", score_trueaudio},
};
enum { RULE_COUNT = sizeof(RULES) / sizeof(RULES[0]) };

PyObject *cm_py_score_rule_names(void)
{
    PyObject *names = PyTuple_New(RULE_COUNT);
    for (Py_ssize_t i = 0; names && i < RULE_COUNT; i++) {
        PyObject *name = PyUnicode_FromString(RULES[i].name);
        if (!name) {
            Py_CLEAR(names);
            break;
        }
        PyTuple_SET_ITEM(names, i, name);
    }
    return names;
}

/* Read up to head_len bytes from the start of the file at path (an
 * fsencoded bytes object) and up to tail_len from its end, into new bytes
 * objects.  Errors are Python's: OSError with the file's name as given. */
static int read_ends(PyObject *path_arg, PyObject *path, Py_ssize_t head_len, Py_ssize_t tail_len,
                     PyObject **head_out, PyObject **tail_out)
{
    PyObject *head = NULL, *tail = NULL;
    struct stat st;
    int fd, status = -1;
    Py_BEGIN_ALLOW_THREADS
    do
        fd = open(PyBytes_AS_STRING(path), O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    Py_END_ALLOW_THREADS
    if (fd < 0 || fstat(fd, &st) != 0)
        goto os_error;
    /* A directory opens; reading it fails with EISDIR, as Python's open()
     * reports it. */
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        goto os_error;
    }
    uint64_t size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
    size_t want_head = size < (uint64_t)head_len ? (size_t)size : (size_t)head_len;
    size_t want_tail = size < (uint64_t)tail_len ? (size_t)size : (size_t)tail_len;
    head = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)want_head);
    tail = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)want_tail);
    if (!head || !tail)
        goto done;
    size_t got_head, got_tail;
    if (!cm_py_pread(fd, (uint8_t *)PyBytes_AS_STRING(head), want_head, 0, &got_head) ||
        !cm_py_pread(fd, (uint8_t *)PyBytes_AS_STRING(tail), want_tail, size - want_tail,
                     &got_tail))
        goto os_error;
    /* A file that shrank since fstat: keep what was there. */
    if ((got_head < want_head && _PyBytes_Resize(&head, (Py_ssize_t)got_head) != 0) ||
        (got_tail < want_tail && _PyBytes_Resize(&tail, (Py_ssize_t)got_tail) != 0))
        goto done;
    *head_out = head;
    *tail_out = tail;
    head = tail = NULL;
    status = 0;
    goto done;
os_error:
    PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path_arg);
done:
    if (fd >= 0)
        close(fd);
    Py_XDECREF(head);
    Py_XDECREF(tail);
    return status;
}

const char cm_py_read_file_ends_doc[] =
    "read_file_ends(path, head, tail)\n--\n\n"
    "The first `head` bytes of the file at path and its last `tail` bytes (each\n"
    "fewer in a shorter file), in one open and two preads.  Raises OSError as\n"
    "open() and read() would.";

PyObject *cm_py_read_file_ends(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *path_arg, *path, *head, *tail;
    Py_ssize_t head_len, tail_len;
    if (!PyArg_ParseTuple(args, "Onn:read_file_ends", &path_arg, &head_len, &tail_len))
        return NULL;
    if (head_len < 0 || tail_len < 0 || head_len > 65536 || tail_len > 65536) {
        PyErr_SetString(PyExc_ValueError, "read_file_ends reads 0 to 65536 bytes at each end");
        return NULL;
    }
    if (!PyUnicode_FSConverter(path_arg, &path))
        return NULL;
    int status = read_ends(path_arg, path, head_len, tail_len, &head, &tail);
    Py_DECREF(path);
    if (status != 0)
        return NULL;
    PyObject *result = PyTuple_Pack(2, head, tail);
    Py_DECREF(head);
    Py_DECREF(tail);
    return result;
}

/* `from module import name` failing: ImportError, with Python's message. */
static void cannot_import(PyObject *namespace, PyObject *name)
{
    PyObject *module = PyDict_GetItemString(namespace, "__name__");
    PyObject *file = PyDict_GetItemString(namespace, "__file__");
    PyObject *msg = file ? PyUnicode_FromFormat("cannot import name %R from %R (%S)", name,
                                                module ? module : Py_None, file)
                         : PyUnicode_FromFormat("cannot import name %R from %R (unknown location)",
                                                name, module ? module : Py_None);
    if (msg) {
        PyErr_SetImportError(msg, module, file);
        Py_DECREF(msg);
    }
}

/* The classes of File()'s default options, as a list (a new reference),
 * from a tuple of (module namespace, class name) pairs: looked up on each
 * call, so a class replaced on its module is the one used, and a missing
 * one raises ImportError, as mutagen's File() importing it would. */
static PyObject *classes_of(PyObject *table)
{
    Py_ssize_t count = PyTuple_GET_SIZE(table);
    PyObject *classes = PyList_New(count);
    if (!classes)
        return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *pair = PyTuple_GET_ITEM(table, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 ||
            !PyDict_Check(PyTuple_GET_ITEM(pair, 0))) {
            PyErr_SetString(PyExc_TypeError, "options table entries are (namespace, name)");
            goto fail;
        }
        PyObject *name = PyTuple_GET_ITEM(pair, 1);
        PyObject *kind = PyDict_GetItemWithError(PyTuple_GET_ITEM(pair, 0), name);
        if (!kind) {
            if (!PyErr_Occurred())
                cannot_import(PyTuple_GET_ITEM(pair, 0), name);
            goto fail;
        }
        Py_INCREF(kind);
        PyList_SET_ITEM(classes, i, kind);
    }
    return classes;
fail:
    Py_DECREF(classes);
    return NULL;
}

int cm_py_score_state_init(cm_py_score_state *state)
{
    state->score = PyUnicode_InternFromString("score");
    state->name = PyUnicode_InternFromString("__name__");
    state->rule_of = NULL;
    memset(state->memo, 0, sizeof state->memo);
    return state->score && state->name ? 0 : -1;
}

int cm_py_score_state_traverse(cm_py_score_state *state, visitproc visit, void *arg)
{
    Py_VISIT(state->score);
    Py_VISIT(state->name);
    Py_VISIT(state->rule_of);
    return 0;
}

void cm_py_score_state_clear(cm_py_score_state *state)
{
    Py_CLEAR(state->score);
    Py_CLEAR(state->name);
    Py_CLEAR(state->rule_of);
}

/* The rule of kind (an index into RULES) from rule_of, a dict of score
 * function -> rule index: 1, or 0 (no error set) when it has none, or -1
 * with an error set. */
static int rule_of_kind(PyObject *kind, PyObject *rule_of, PyObject *score_attr, Py_ssize_t *rule)
{
    PyObject *score = PyObject_GetAttr(kind, score_attr);
    if (!score)
        return -1;
    PyObject *index = PyDict_GetItemWithError(rule_of, score);
    Py_DECREF(score);
    if (!index)
        return PyErr_Occurred() ? -1 : 0;
    *rule = PyLong_AsSsize_t(index);
    if (*rule < 0 || *rule >= RULE_COUNT) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "score rule index out of range");
        return -1;
    }
    return 1;
}

/* The rule of each option into rules, through the memo (see score.h):
 * false when an option has no rule, with *failed set if that is an error. */
static bool rules_of(cm_py_score_state *state, PyObject *options, PyObject *rule_of,
                     Py_ssize_t *rules, bool *failed)
{
    if (state->rule_of != rule_of) {
        memset(state->memo, 0, sizeof state->memo);
        Py_XSETREF(state->rule_of, Py_NewRef(rule_of));
    }
    Py_ssize_t count = PyList_GET_SIZE(options);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *kind = PyList_GET_ITEM(options, i);
        cm_py_score_memo *memo = &state->memo[i];
        /* Only a plain class: a metaclass could answer getattr its own way. */
        bool plain = PyType_CheckExact(kind);
        if (plain && memo->kind == (PyTypeObject *)kind && memo->version != 0 &&
            memo->version == ((PyTypeObject *)kind)->tp_version_tag) {
            rules[i] = memo->rule;
            continue;
        }
        int found = rule_of_kind(kind, rule_of, state->score, &rules[i]);
        if (found <= 0) {
            *failed = found < 0;
            return false;
        }
        /* The getattr above gave the class its version tag, if it has one. */
        if (plain)
            *memo = (cm_py_score_memo){(PyTypeObject *)kind,
                                       ((PyTypeObject *)kind)->tp_version_tag, rules[i]};
    }
    return true;
}

/* Of the options scoring best, the one whose __name__ sorts last (the
 * first of equals), as File()'s Python form picks: its index, or -1 with an
 * error set.  Names are looked up only when scores tie. */
static Py_ssize_t pick_best(PyObject *options, const long *scores, PyObject *name_attr)
{
    Py_ssize_t count = PyList_GET_SIZE(options), best = 0;
    for (Py_ssize_t i = 1; i < count; i++)
        if (scores[i] > scores[best])
            best = i;
    PyObject *best_name = NULL;
    for (Py_ssize_t i = best + 1; i < count; i++) {
        if (scores[i] != scores[best])
            continue;
        if (!best_name && !(best_name = PyObject_GetAttr(PyList_GET_ITEM(options, best), name_attr)))
            return -1;
        PyObject *name = PyObject_GetAttr(PyList_GET_ITEM(options, i), name_attr);
        int later = name ? PyObject_RichCompareBool(name, best_name, Py_GT) : -1;
        if (later > 0) {
            Py_SETREF(best_name, name);
            best = i;
        } else {
            Py_XDECREF(name);
        }
        if (later < 0) {
            Py_DECREF(best_name);
            return -1;
        }
    }
    Py_XDECREF(best_name);
    return best;
}

const char cm_py_choose_by_score_doc[] =
    "choose_by_score(path, name, lowered_name, options, rule_of)\n--\n\n"
    "(class, score) of the best of the classes in options for the file at path,\n"
    "as File() chooses: name and lowered_name are the file's name as given and\n"
    "lowercased, UTF-8 encoded; rule_of maps each class's score function to the\n"
    "index of its rule (see SCORE_RULES).  options is a list of classes, or a\n"
    "tuple of (module namespace, class name) pairs whose classes are looked up\n"
    "now.  None, reading nothing, when an option has no rule.  Raises OSError as\n"
    "open() and read() would.";

/* (class, score) of the best of options, each scored by its rule. */
static PyObject *pick(cm_py_score_state *state, PyObject *options, const Py_ssize_t *rules,
                      const score_input *in)
{
    long scores[CM_PY_SCORE_MAX_OPTIONS];
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(options); i++)
        scores[i] = RULES[rules[i]].score(in);
    Py_ssize_t best = pick_best(options, scores, state->name);
    return best < 0 ? NULL : Py_BuildValue("(Ol)", PyList_GET_ITEM(options, best), scores[best]);
}

static PyObject *choose(cm_py_score_state *state, PyObject *path_arg, PyObject *given_name,
                        PyObject *name, PyObject *options, PyObject *rule_of)
{
    Py_ssize_t count = PyList_GET_SIZE(options);
    if (count == 0 || count > CM_PY_SCORE_MAX_OPTIONS)
        Py_RETURN_NONE;
    Py_ssize_t rules[CM_PY_SCORE_MAX_OPTIONS];
    bool failed = false;
    if (!rules_of(state, options, rule_of, rules, &failed)) {
        if (failed)
            return NULL;
        Py_RETURN_NONE; /* an option without a rule: File() scores in Python */
    }

    PyObject *path, *head, *tail;
    if (!PyUnicode_FSConverter(path_arg, &path))
        return NULL;
    int status = read_ends(path_arg, path, HEAD_BYTES, TAIL_BYTES, &head, &tail);
    Py_DECREF(path);
    if (status != 0)
        return NULL;
    score_input in = input_of(given_name, name, head, tail);
    PyObject *result = pick(state, options, rules, &in);
    Py_DECREF(head);
    Py_DECREF(tail);
    return result;
}

PyObject *cm_py_choose_by_score(PyObject *module, PyObject *args)
{
    cm_py_score_state *state = cm_py_get_score_state(module);
    PyObject *path_arg, *given_name, *name, *options_arg, *rule_of;
    if (!PyArg_ParseTuple(args, "OSSOO!:choose_by_score", &path_arg, &given_name, &name,
                          &options_arg, &PyDict_Type, &rule_of))
        return NULL;
    PyObject *options;
    if (PyTuple_Check(options_arg)) {
        options = classes_of(options_arg);
        if (!options)
            return NULL;
    } else if (PyList_Check(options_arg)) {
        options = Py_NewRef(options_arg);
    } else {
        PyErr_SetString(PyExc_TypeError, "options must be a list or a tuple");
        return NULL;
    }
    PyObject *result = choose(state, path_arg, given_name, name, options, rule_of);
    Py_DECREF(options);
    return result;
}

const char cm_py_option_rules_doc[] =
    "option_rules(options, rule_of)\n--\n\n"
    "The index of each class's score rule (see choose_by_score), as a tuple;\n"
    "None when an option has none.  File() of a file object asks this before\n"
    "reading, then scores with choose_by_rules.";

PyObject *cm_py_option_rules(PyObject *module, PyObject *args)
{
    cm_py_score_state *state = cm_py_get_score_state(module);
    PyObject *options, *rule_of;
    if (!PyArg_ParseTuple(args, "O!O!:option_rules", &PyList_Type, &options, &PyDict_Type,
                          &rule_of))
        return NULL;
    Py_ssize_t count = PyList_GET_SIZE(options), rules[CM_PY_SCORE_MAX_OPTIONS];
    bool failed = false;
    if (count == 0 || count > CM_PY_SCORE_MAX_OPTIONS)
        Py_RETURN_NONE;
    if (!rules_of(state, options, rule_of, rules, &failed)) {
        if (failed)
            return NULL;
        Py_RETURN_NONE;
    }
    PyObject *result = PyTuple_New(count);
    for (Py_ssize_t i = 0; result && i < count; i++) {
        PyObject *index = PyLong_FromSsize_t(rules[i]);
        if (!index)
            Py_CLEAR(result);
        else
            PyTuple_SET_ITEM(result, i, index);
    }
    return result;
}

const char cm_py_choose_by_rules_doc[] =
    "choose_by_rules(options, rules, name, lowered_name, head, tail)\n--\n\n"
    "(class, score) of the best of options, as choose_by_score chooses, from\n"
    "the rules option_rules gave and the file's head and tail (bytes; tail\n"
    "None when it could not be read, which APEv2's rule scores -1).";

PyObject *cm_py_choose_by_rules(PyObject *module, PyObject *args)
{
    cm_py_score_state *state = cm_py_get_score_state(module);
    PyObject *options, *rule_tuple, *given_name, *name, *head, *tail;
    if (!PyArg_ParseTuple(args, "O!O!SSSO:choose_by_rules", &PyList_Type, &options,
                          &PyTuple_Type, &rule_tuple, &given_name, &name, &head, &tail))
        return NULL;
    Py_ssize_t count = PyList_GET_SIZE(options), rules[CM_PY_SCORE_MAX_OPTIONS];
    if (count == 0 || count > CM_PY_SCORE_MAX_OPTIONS || PyTuple_GET_SIZE(rule_tuple) != count) {
        PyErr_SetString(PyExc_ValueError, "choose_by_rules: one rule per option, 1 to 256");
        return NULL;
    }
    if (tail != Py_None && !PyBytes_Check(tail)) {
        PyErr_SetString(PyExc_TypeError, "choose_by_rules: tail must be bytes or None");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        rules[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(rule_tuple, i));
        if (rules[i] < 0 || rules[i] >= RULE_COUNT) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "score rule index out of range");
            return NULL;
        }
    }
    score_input in = input_of(given_name, name, head, tail);
    return pick(state, options, rules, &in);
}

const char cm_py_score_rule_doc[] =
    "score_rule(index, name, lowered_name, head, tail)\n--\n\n"
    "The score rule SCORE_RULES[index] gives (for tests); tail None: unreadable.";

PyObject *cm_py_score_rule(PyObject *module, PyObject *args)
{
    (void)module;
    Py_ssize_t rule;
    PyObject *given_name, *name, *head, *tail;
    if (!PyArg_ParseTuple(args, "nSSSO:score_rule", &rule, &given_name, &name, &head, &tail))
        return NULL;
    if (tail != Py_None && !PyBytes_Check(tail)) {
        PyErr_SetString(PyExc_TypeError, "score_rule: tail must be bytes or None");
        return NULL;
    }
    if (rule < 0 || rule >= RULE_COUNT) {
        PyErr_SetString(PyExc_ValueError, "no such score rule");
        return NULL;
    }
    score_input in = input_of(given_name, name, head, tail);
    return PyLong_FromLong(RULES[rule].score(&in));
}
