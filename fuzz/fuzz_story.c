/* fuzz_story.c - libFuzzer target for ingest: the input is a whole text
 * file. Whatever ingests must keep every span inside the file and trimmed,
 * split into parts that tile the paragraphs, and give clean text for every
 * paragraph and sentence. Inputs whose last byte is odd also run again with
 * an allocation failure injected, to exercise the unwinding paths. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "story.h"

static int blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void check_story(const longsd_story *s)
{
    size_t n_sent = 0;
    for (size_t i = 0; i < s->n_paras; i++) {
        const ls_para *p = &s->paras[i];
        if (p->start >= p->end || p->end > s->len || blank(s->data[p->start]) || blank(s->data[p->end - 1]))
            abort();
        if (p->first_sentence != n_sent || p->n_sentences == 0)
            abort();
        for (size_t k = p->first_sentence; k < p->first_sentence + p->n_sentences; k++) {
            const ls_sentence *x = &s->sentences[k];
            if (x->para != i || x->start < p->start || x->end > p->end || x->start >= x->end)
                abort();
            char *t = ls_story_text(s, x->start, x->end);
            if (!t)
                abort();
            free(t);
        }
        n_sent += p->n_sentences;
        char *t = ls_story_text(s, p->start, p->end);
        if (!t)
            abort();
        free(t);
    }
    if (n_sent != s->n_sentences || !s->title || !s->author)
        abort();
    for (size_t c = 0; c < s->n_chapters; c++)
        if (s->chapters[c].heading_para >= s->n_paras || !s->paras[s->chapters[c].heading_para].is_heading)
            abort();
    static const int counts[] = {1, 3, 7};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++)
        for (int by = 0; by < 2; by++) {
            ls_part *parts = NULL;
            size_t n = 0, next = 0;
            int fell = 0;
            lserr err = {0};
            if (ls_split(s, counts[c], by, &parts, &n, &fell, &err) != LONGSD_OK)
                abort();
            for (size_t k = 0; k < n; k++) {
                if (parts[k].first_para != next || parts[k].n_paras == 0 || !parts[k].label)
                    abort();
                next += parts[k].n_paras;
            }
            if (next != s->n_paras)
                abort();
            ls_parts_free(parts, n);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    longsd_story_params p = longsd_story_default_params();
    p.max_bytes = 1 << 20;
    p.keep_gutenberg = size > 0 && (data[0] & 1);
    longsd_story *s = NULL;
    lserr err = {0};
    longsd_status rc = ls_story_ingest("fuzz.txt", (const char *)data, size, &p, &s, &err);
    if (rc == LONGSD_OK) {
        if (!s)
            abort();
        check_story(s);
    } else if (s || !err.msg[0]) {
        abort();
    }
    longsd_story_free(s);

    if (size > 0 && (data[size - 1] & 1)) {
        longsd__alloc_fail_after = (long)(size % 64);
        s = NULL;
        rc = ls_story_ingest("fuzz.txt", (const char *)data, size, &p, &s, &err);
        longsd__alloc_fail_after = -1;
        if ((rc == LONGSD_OK) != (s != NULL))
            abort();
        longsd_story_free(s);
    }
    return 0;
}
