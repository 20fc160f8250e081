/* fuzz_styles.c - fuzz target for user style preset files and the prompt
 * text functions. The bytes are loaded as a styles file, then used as
 * scene text: sanitized, counted and built into a prompt with one of the
 * presets. Broken invariants abort (so libFuzzer and the replayer flag them). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prompt.h"
#include "util.h"

#define MAX_INPUT (64 * 1024) /* presets files are small; scenes smaller */

static void check(int cond)
{
    if (!cond)
        abort();
}

/* The sanitizer's promises: valid UTF-8, trimmed, no syntax characters, a
 * fixed point. */
static void check_clean(const char *c)
{
    check(c != NULL);
    size_t n = strlen(c);
    check(lsutf8_validate(c, n) == (size_t)-1);
    check(n == 0 || (c[0] != ' ' && c[n - 1] != ' '));
    for (size_t i = 0; i < n; i++)
        check(!strchr("()[]{}<>|\\\t\n\r", c[i]) && (unsigned char)c[i] >= 0x20);
    char *again = ls_prompt_sanitize(c);
    check(again && strcmp(again, c) == 0);
    longsd__free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    ls_styles *st = NULL;
    lserr err = {0};
    if (ls_styles_new(&st, &err) != LONGSD_OK)
        return 0;
    size_t n0 = ls_styles_count(st);
    longsd_status rc = ls_styles_load_memory(st, "fuzz.json", (const char *)data, size, &err);
    if (rc != LONGSD_OK) {
        check(err.msg[0] != '\0' && strncmp(err.msg, "fuzz.json: ", 11) == 0);
        check(ls_styles_count(st) == n0); /* a failed load changes nothing */
    }
    for (size_t i = 0; i < ls_styles_count(st); i++) {
        const longsd_style *s = ls_styles_at(st, i);
        check(s && s->name && s->description && s->suffix && s->quality && s->negative);
        check(ls_styles_find(st, s->name) == s);
        if (i >= longsd_n_builtin_styles()) {
            check_clean(s->suffix);
            check_clean(s->quality);
            check_clean(s->negative);
        }
    }

    /* the same bytes as scene text */
    char *text = malloc(size + 1);
    if (!text) {
        ls_styles_free(st);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    char *clean = ls_prompt_sanitize(text);
    check_clean(clean);
    check(ls_prompt_count_tokens(text) >= 0);
    check(ls_prompt_count_tokens(clean) >= 0);

    ls_idea idea;
    memset(&idea, 0, sizeof idea);
    strcpy(idea.id, "fuzz-01");
    idea.scene = text;
    ls_character cast[1];
    memset(cast, 0, sizeof cast);
    cast[0].name = "Tom";
    cast[0].full_name = "Tom Sawyer";
    cast[0].description = text; /* user-editable, so just as untrusted */
    char *names[] = {"Tom", "Tom Sawyer"};
    idea.characters = names;
    idea.n_characters = 2;
    const longsd_style *style = ls_styles_at(st, size % ls_styles_count(st));
    ls_prompt p = {0};
    rc = ls_prompt_build(&idea, cast, size % 2, style, &p, &err);
    if (rc == LONGSD_OK) {
        check(p.positive && p.negative);
        check(p.tokens == ls_prompt_count_tokens(p.positive) + 2);
        check(p.tokens <= LS_CLIP_MAX_TOKENS);
        check(p.positive[0] != ' ' && p.positive[0] != ',');
        check(lsutf8_validate(p.positive, strlen(p.positive)) == (size_t)-1);
    } else {
        check(rc == LONGSD_ERR_INPUT); /* no usable word in the scene */
        check(p.positive == NULL);
    }
    ls_prompt_clear(&p);
    (void)ls_prompt_seed(clean, text);
    longsd__free(clean);
    free(text);
    ls_styles_free(st);
    return 0;
}
