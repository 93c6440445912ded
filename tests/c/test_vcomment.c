/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "check.h"
#include "vorbis/vcomment.h"

static void vc_string(bbuf *b, const char *s)
{
    bb_le32(b, (uint32_t)strlen(s));
    bb_str(b, s);
}

static int str_is(cm_str s, const char *want)
{
    return s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

static void test_entries_split_at_first_equals(void)
{
    bbuf b = {0};
    vc_string(&b, "vendor");
    bb_le32(&b, 3);
    vc_string(&b, "TITLE=a=b");
    vc_string(&b, "novalue");
    vc_string(&b, "EMPTY=");
    bb_u8(&b, 1);
    cm_arena a;
    cm_arena_init(&a);
    cm_cursor c = cm_cursor_make(b.data, b.len);
    cm_vcomment *vc = NULL;
    cm_error err;
    CHECK(cm_vcomment_parse(&c, true, 0, &a, &vc, &err) == CM_OK);
    CHECK(c.pos == b.len);
    CHECK(str_is(vc->vendor, "vendor"));
    CHECK_EQ_U(vc->count, 3);
    CHECK(str_is(vc->entries[0].key, "TITLE") && str_is(vc->entries[0].value, "a=b"));
    CHECK(!vc->entries[1].has_equals && str_is(vc->entries[1].key, "novalue"));
    CHECK(vc->entries[2].has_equals && vc->entries[2].value.len == 0);
    CHECK(vc->framing_bit);
    cm_arena_release(&a);
    bb_free(&b);
}

static void test_every_truncation_is_an_error(void)
{
    bbuf b = {0};
    vc_string(&b, "v");
    bb_le32(&b, 2);
    vc_string(&b, "A=1");
    vc_string(&b, "B=2");
    for (size_t cut = 0; cut < b.len; cut++) {
        cm_arena a;
        cm_arena_init(&a);
        cm_cursor c = cm_cursor_make(b.data, cut);
        cm_vcomment *vc = NULL;
        cm_error err;
        CHECK(cm_vcomment_parse(&c, false, 100, &a, &vc, &err) == CM_ERR_TRUNCATED);
        CHECK(err.part == CM_PART_VORBIS && err.msg[0] != '\0' && err.offset >= 100);
        cm_arena_release(&a);
    }
    bb_free(&b);
}

static void test_huge_count_fails_without_allocating(void)
{
    bbuf b = {0};
    vc_string(&b, "v");
    bb_le32(&b, 0xffffffffu);
    cm_arena a;
    cm_arena_init(&a);
    cm_cursor c = cm_cursor_make(b.data, b.len);
    cm_vcomment *vc = NULL;
    cm_error err;
    CHECK(cm_vcomment_parse(&c, false, 0, &a, &vc, &err) == CM_ERR_TRUNCATED);
    CHECK(a.total < 1024 * 1024);
    cm_arena_release(&a);
    bb_free(&b);
}

TEST_LIST(test_entries_split_at_first_equals, test_every_truncation_is_an_error,
          test_huge_count_fails_without_allocating)
