/* Prints a FLAC file's length, sample rate and Vorbis comments: the README's
 * C example, built by `make test` against the installed library through
 * pkg-config.  SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include <cmutagen.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.flac\n", argv[0]);
        return 2;
    }
    cm_error err;
    cm_doc *doc = cm_read_file(argv[1], NULL, &err);
    if (!doc) {
        fprintf(stderr, "%s: %s\n", argv[1], err.msg);
        return 1;
    }
    const cm_flac *flac = cm_doc_flac(doc);
    printf("%.2f s, %u Hz\n", flac->length, flac->streaminfo.sample_rate);
    for (size_t i = 0; flac->vcomment && i < flac->vcomment->count; i++) {
        const cm_vcomment_entry *e = &flac->vcomment->entries[i];
        printf("%.*s=%.*s\n", (int)e->key.len, e->key.ptr, (int)e->value.len, e->value.ptr);
    }
    cm_doc_free(doc);
    return 0;
}
