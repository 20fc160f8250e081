/* fuzz_llm_reply.c - what an LLM server sends is untrusted: the chat
 * envelope, the model's text (tolerant JSON extraction), the ideas and cast
 * validators with their quote anchoring. The first byte picks the layer:
 *   0 envelope -> ideas, 1 ideas text, 2 cast text, 3 anchor (quote NUL text),
 * anything else: bare JSON extraction. Invariant: every idea's span lies in
 * the span it was validated against. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anchor.h"
#include "llm.h"
#include "llm_json.h"

static const char STORY[] =
    "CHAPTER I\n\n\"TOM!\"\n\nNo answer.\n\nThe old lady pulled her spectacles down and looked over\n"
    "them about the room; then she put them up and looked out under them.\n\n"
    "\xe2\x80\x9cWell, I lay if I get hold of you I\xe2\x80\x99ll\xe2\x80\x94\xe2\x80\x9d Aunt Polly said.\n\n"
    "Tom appeared on the sidewalk with a bucket of whitewash and a long-handled brush.\n";

static longsd_story *story(void)
{
    static longsd_story *s;
    if (!s) {
        longsd_story_params p = longsd_story_default_params();
        lserr err;
        if (ls_story_ingest("fuzz.txt", STORY, sizeof STORY - 1, &p, &s, &err) != LONGSD_OK)
            abort();
    }
    return s;
}

static void ideas(const char *text, size_t n, size_t want)
{
    longsd_story *s = story();
    size_t start = 11, end = s->len;
    ls_idea *iv = NULL;
    int *an = NULL;
    size_t k = 0;
    lserr err;
    ls_character cast[1];
    memset(cast, 0, sizeof cast);
    cast[0].name = "Tom";
    cast[0].full_name = "Tom Sawyer";
    if (ls_llm_parse_ideas(s, 0, start, end, text, n, want, cast, 1, &iv, &an, &k, &err) == LONGSD_OK) {
        for (size_t i = 0; i < k; i++)
            if (iv[i].start < start || iv[i].end > end || iv[i].start > iv[i].end || !iv[i].quote)
                abort();
        ls_ideas_free(iv, k);
        longsd__free(an);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > ((size_t)1 << 20))
        return 0;
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    lserr err;
    switch (data[0] % 5) {
    case 0: {
        char *content = NULL, *refusal = NULL, finish[32];
        if (ls_llm_parse_chat(text, n, &content, &refusal, finish, &err) == LONGSD_OK && content)
            ideas(content, strlen(content), 0);
        longsd__free(content);
        longsd__free(refusal);
        break;
    }
    case 1:
        ideas(text, n, n % 3);
        break;
    case 2: {
        ls_character *cast = longsd__calloc(2, sizeof *cast);
        if (!cast)
            return 0;
        cast[0].name = longsd__strdup("Tom");
        cast[0].full_name = longsd__strdup("Tom Sawyer");
        cast[0].description = longsd__strdup("");
        cast[1].name = longsd__strdup("Aunt Polly");
        cast[1].full_name = longsd__strdup("Aunt Polly");
        cast[1].description = longsd__strdup("");
        size_t matched = 0;
        ls_llm_parse_cast(text, n, cast, 2, &matched, &err);
        if (matched > 2)
            abort();
        ls_cast_free(cast, 2);
        break;
    }
    case 3: {
        const char *nul = memchr(text, 0, n);
        if (!nul)
            break;
        char *quote = longsd__strndup(text, (size_t)(nul - text));
        size_t tl = n - (size_t)(nul - text) - 1;
        size_t a = 0, b = 0;
        if (quote && ls_anchor_find(nul + 1, 0, tl, quote, &a, &b) > LS_ANCHOR_NONE && (a > b || b > tl))
            abort();
        longsd__free(quote);
        break;
    }
    default: {
        char why[160];
        json_t *v = ls_llm_json_extract(text, n, NULL, why, sizeof why);
        json_decref(v);
        break;
    }
    }
    return 0;
}
