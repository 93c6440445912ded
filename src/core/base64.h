/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Base64 decoding (RFC 4648 section 4, standard alphabet, '=' padding), as
 * written in Vorbis comments' METADATA_BLOCK_PICTURE: a cover is 50-300 KB
 * of it, so this is most of the time of reading a tagged Ogg file.
 *
 * Header-only so that the unit tests see the same code the parser runs. */
#ifndef CM_BASE64_H
#define CM_BASE64_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The 64 digits and their values. */
#define CM_BASE64_DIGITS(X) \
    X('A', 0) X('B', 1) X('C', 2) X('D', 3) X('E', 4) X('F', 5) X('G', 6) X('H', 7) \
    X('I', 8) X('J', 9) X('K', 10) X('L', 11) X('M', 12) X('N', 13) X('O', 14) X('P', 15) \
    X('Q', 16) X('R', 17) X('S', 18) X('T', 19) X('U', 20) X('V', 21) X('W', 22) X('X', 23) \
    X('Y', 24) X('Z', 25) X('a', 26) X('b', 27) X('c', 28) X('d', 29) X('e', 30) X('f', 31) \
    X('g', 32) X('h', 33) X('i', 34) X('j', 35) X('k', 36) X('l', 37) X('m', 38) X('n', 39) \
    X('o', 40) X('p', 41) X('q', 42) X('r', 43) X('s', 44) X('t', 45) X('u', 46) X('v', 47) \
    X('w', 48) X('x', 49) X('y', 50) X('z', 51) X('0', 52) X('1', 53) X('2', 54) X('3', 55) \
    X('4', 56) X('5', 57) X('6', 58) X('7', 59) X('8', 60) X('9', 61) X('+', 62) X('/', 63)

/* One table per position in a group of four digits: the digit's six bits
 * already at their place in the group's 24, plus a flag bit of its own
 * above them (bit 24 + position).  Bytes that are not digits are 0, flag
 * clear.  A group is then four loads and three ORs, and it is valid when
 * all four flags are set: one test for the whole group, none per digit. */
#define CM_BASE64_AT0(c, v) [c] = (uint32_t)(v) << 18 | UINT32_C(1) << 24,
#define CM_BASE64_AT1(c, v) [c] = (uint32_t)(v) << 12 | UINT32_C(1) << 25,
#define CM_BASE64_AT2(c, v) [c] = (uint32_t)(v) << 6 | UINT32_C(1) << 26,
#define CM_BASE64_AT3(c, v) [c] = (uint32_t)(v) | UINT32_C(1) << 27,
static const uint32_t cm_base64_at[4][256] = {
    {CM_BASE64_DIGITS(CM_BASE64_AT0)},
    {CM_BASE64_DIGITS(CM_BASE64_AT1)},
    {CM_BASE64_DIGITS(CM_BASE64_AT2)},
    {CM_BASE64_DIGITS(CM_BASE64_AT3)},
};
#undef CM_BASE64_AT0
#undef CM_BASE64_AT1
#undef CM_BASE64_AT2
#undef CM_BASE64_AT3

enum { CM_BASE64_GROUP_OK = 0xf }; /* the four flags of a valid group */

/* The 24 bits of the group at s (flags in bits 24-27). */
static inline uint32_t cm_base64_group(const uint8_t *s)
{
    return cm_base64_at[0][s[0]] | cm_base64_at[1][s[1]] | cm_base64_at[2][s[2]] |
           cm_base64_at[3][s[3]];
}

/* Writes the group's three bytes and one more: the caller overwrites the
 * fourth with the next group's first byte.  One 32-bit store where the
 * byte order is known (gcc does not merge the four byte stores itself,
 * and the decoder then runs at two thirds of the speed). */
static inline void cm_base64_put4(uint8_t *out, uint32_t group)
{
    uint32_t v = group << 8; /* the three bytes from the top, in file order */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap32(v);
    memcpy(out, &v, 4);
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    memcpy(out, &v, 4);
#else
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
#endif
}

/* Decodes the text from s + i on, i a multiple of 4, the first i bytes
 * having decoded to out[0, i / 4 * 3): the portable decoder, and what the
 * vector one leaves to it. */
static inline size_t cm_base64_decode_from(const uint8_t *s, size_t len, size_t i, uint8_t *out)
{
    size_t pad = s[len - 1] != '=' ? 0 : s[len - 2] != '=' ? 1 : 2;
    size_t whole = pad ? len - 4 : len, n = i / 4 * 3;
    /* Two groups per round, while another group follows them: its first
     * byte lands on the fourth byte cm_base64_put4 writes.  Every digit
     * costs a table load and the loads are the limit, so the rounds do
     * nothing else per digit (measured: 1.9x the speed of a loop that
     * tests each digit and stores byte by byte). */
    for (; i + 8 < len; i += 8, n += 6) {
        uint32_t a = cm_base64_group(s + i), b = cm_base64_group(s + i + 4);
        if ((a & b) >> 24 != CM_BASE64_GROUP_OK)
            break; /* a byte that is not a digit: the loop below says which group */
        cm_base64_put4(out + n, a);
        cm_base64_put4(out + n + 3, b);
    }
    /* The last groups one by one, writing no byte past the output. */
    for (; i < whole; i += 4, n += 3) {
        uint32_t a = cm_base64_group(s + i);
        if (a >> 24 != CM_BASE64_GROUP_OK)
            return SIZE_MAX;
        out[n] = (uint8_t)(a >> 16);
        out[n + 1] = (uint8_t)(a >> 8);
        out[n + 2] = (uint8_t)a;
    }
    if (pad) {
        /* "xx==" or "xxx=": the '=' stand for zero bits */
        uint8_t last[4] = {s[len - 4], s[len - 3], pad == 1 ? s[len - 2] : 'A', 'A'};
        uint32_t a = cm_base64_group(last);
        if (a >> 24 != CM_BASE64_GROUP_OK)
            return SIZE_MAX;
        out[n++] = (uint8_t)(a >> 16);
        if (pad == 1)
            out[n++] = (uint8_t)(a >> 8);
    }
    return n;
}

/* The portable decoder alone (what cm_base64_decode gives everywhere). */
static inline size_t cm_base64_decode_portable(const char *in, size_t len, uint8_t *out)
{
    if (len % 4)
        return SIZE_MAX;
    return len ? cm_base64_decode_from((const uint8_t *)in, len, 0, out) : 0;
}

/* On x86-64 with AVX2 (checked at run time), blocks of 32 digits are
 * decoded 32 at a time, 4x faster than the portable loop: the decoder
 * is most of the time of reading an Ogg file with a cover.  A block with
 * anything but the 64 digits in it is left to the portable decoder, which
 * then decodes it or says why it cannot: the two give the same result by
 * construction, and the unit tests compare both with a reference. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CM_BASE64_VECTOR 1
#include <immintrin.h>

/* Decodes whole blocks of 32 digits from s while 64 or more bytes are left
 * (so a block never reaches the padded last group, and the 4 bytes each
 * 16-byte store writes past its 12 land inside the output); returns the
 * bytes decoded, a multiple of 32. */
__attribute__((target("avx2"))) static inline size_t cm_base64_blocks_avx2(const uint8_t *s,
                                                                             size_t len,
                                                                             uint8_t *out)
{
    /* Each byte is checked by its two nibbles: lo_bad[low nibble] has a
     * bit for each kind of high nibble that makes the byte no digit, and
     * hi_kind[high nibble] says which kind it is (0x10: none is a digit).
     * Kinds: 0x01 '+' '/' (0x2B, 0x2F), 0x02 '0'-'9', 0x04 'A'-'O' and
     * 'a'-'o' (low nibble 1-F), 0x08 'P'-'Z' and 'p'-'z' (0-A). */
    const __m256i lo_bad = _mm256_setr_epi8(
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b,
        0x1a, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b,
        0x1b, 0x1a);
    const __m256i hi_kind = _mm256_setr_epi8(
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10);
    /* digit value - byte, by high nibble; '/' is looked up at 1 */
    const __m256i shift = _mm256_setr_epi8(
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nibble = _mm256_set1_epi8(0x0f), slash = _mm256_set1_epi8('/');
    /* the four 6-bit values of a group into its 24 bits, then the three
     * bytes of each 32-bit lane, high first, to the front of each half */
    const __m256i pairs = _mm256_set1_epi32(0x01400140), quads = _mm256_set1_epi32(0x00011000);
    const __m256i order = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
                                           2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    size_t i = 0;
    for (; len - i >= 64; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(s + i));
        __m256i hi = _mm256_and_si256(_mm256_srli_epi32(v, 4), nibble);
        __m256i lo = _mm256_and_si256(v, nibble);
        __m256i bad = _mm256_and_si256(_mm256_shuffle_epi8(lo_bad, lo),
                                       _mm256_shuffle_epi8(hi_kind, hi));
        if (!_mm256_testz_si256(bad, bad))
            break;
        __m256i at = _mm256_add_epi8(hi, _mm256_cmpeq_epi8(v, slash));
        v = _mm256_add_epi8(v, _mm256_shuffle_epi8(shift, at));
        v = _mm256_madd_epi16(_mm256_maddubs_epi16(v, pairs), quads);
        v = _mm256_shuffle_epi8(v, order);
        uint8_t *o = out + i / 4 * 3;
        _mm_storeu_si128((__m128i *)o, _mm256_castsi256_si128(v));
        _mm_storeu_si128((__m128i *)(o + 12), _mm256_extracti128_si256(v, 1));
    }
    return i;
}

static inline int cm_base64_have_avx2(void)
{
    return __builtin_cpu_supports("avx2");
}

/* With AVX-512 VBMI (checked at run time; the check includes the OS's
 * support for the registers), 64 digits per step: one two-table byte
 * permutation maps all 128 ASCII bytes to their digit values at once
 * (0x80 for the bytes that are no digit), so a block costs about a third
 * of the AVX2 one's instructions.  Same contract as
 * cm_base64_blocks_avx2: whole blocks while 64 or more bytes are left,
 * stopping before a block with anything but digits in it; returns the
 * bytes decoded, a multiple of 64.  The stores are masked to the 48
 * bytes a block decodes to. */
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) static inline size_t
cm_base64_blocks_avx512(const uint8_t *s, size_t len, uint8_t *out)
{
#define CM_BASE64_VALUE(c, v) [c] = (uint8_t)(v),
    static const uint8_t value_of[128] = {CM_BASE64_DIGITS(CM_BASE64_VALUE)};
#undef CM_BASE64_VALUE
    /* the table with 0x80 where value_of has no digit ('A' is 0 too) */
    uint8_t table[128];
    for (int c = 0; c < 128; c++)
        table[c] = value_of[c] || c == 'A' ? value_of[c] : 0x80;
    const __m512i lo = _mm512_loadu_si512(table), hi = _mm512_loadu_si512(table + 64);
    const __m512i pairs = _mm512_set1_epi32(0x01400140), quads = _mm512_set1_epi32(0x00011000);
    /* the three bytes of each 32-bit lane, high first, packed into 48 */
    uint8_t order_bytes[64];
    for (int k = 0; k < 64; k++)
        order_bytes[k] = (uint8_t)(k < 48 ? k / 3 * 4 + 2 - k % 3 : 0);
    const __m512i order = _mm512_loadu_si512(order_bytes);
    const __mmask64 first48 = (UINT64_C(1) << 48) - 1;
    size_t i = 0;
    for (; len - i >= 64; i += 64) {
        __m512i v = _mm512_loadu_si512(s + i);
        /* the index uses the low 7 bits: bytes from 0x80 up are caught by
         * their own high bit */
        __m512i d = _mm512_permutex2var_epi8(lo, v, hi);
        if (_mm512_movepi8_mask(_mm512_or_si512(d, v)))
            break;
        d = _mm512_madd_epi16(_mm512_maddubs_epi16(d, pairs), quads);
        d = _mm512_permutexvar_epi8(order, d);
        _mm512_mask_storeu_epi8(out + i / 4 * 3, first48, d);
    }
    return i;
}

static inline int cm_base64_have_avx512(void)
{
    return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi");
}
#endif

/* Decodes len bytes of base64 into out, which has room for len / 4 * 3
 * bytes.  Returns the decoded length, or SIZE_MAX when the text is not
 * base64: a length that is not a multiple of 4, a byte outside the
 * alphabet, '=' anywhere but as the last one or two bytes.  The bits a
 * padded group leaves over are ignored, as most decoders do.  out's
 * contents are unspecified after a failure. */
static inline size_t cm_base64_decode(const char *in, size_t len, uint8_t *out)
{
    const uint8_t *s = (const uint8_t *)in;
    if (len % 4)
        return SIZE_MAX;
    if (len == 0)
        return 0;
    size_t i = 0;
#ifdef CM_BASE64_VECTOR
    if (len >= 64 && cm_base64_have_avx512())
        i = cm_base64_blocks_avx512(s, len, out);
    else if (len >= 64 && cm_base64_have_avx2())
        i = cm_base64_blocks_avx2(s, len, out);
#endif
    return cm_base64_decode_from(s, len, i, out);
}

#endif
