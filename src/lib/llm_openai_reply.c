/* llm_openai_reply.c - reply parsing for the OpenAI-compatible backend:
 * the chat envelope (content, refusal, finish_reason) and the validation of
 * the JSON it carries (ideas anchored to the text, cast descriptions).
 * No I/O: the fuzz target and tests call these on bytes. */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "anchor.h"
#include "http.h"
#include "llm_json.h"
#include "llm_openai_int.h"
#include "redact.h"

/* ------------------------------------------------------------------------
 * the chat envelope */

longsd_status ls_llm_parse_chat(const char *body, size_t n, char **content, char **refusal, char finish[32],
                                lserr *err)
{
    *content = NULL;
    *refusal = NULL;
    finish[0] = '\0';
    json_error_t je;
    json_t *root = json_loadb(body, n, 0, &je);
    longsd_status rc = LONGSD_OK;
    if (!root)
        return lserr_set(err, LONGSD_ERR_BACKEND, "the server's reply is not JSON (line %d: %s)", je.line, je.text);
    json_t *e = json_object_get(root, "error");
    if (e && !json_is_null(e)) { /* Ollama and proxies report errors with status 200 */
        const char *m = json_is_string(e) ? json_string_value(e) : json_string_value(json_object_get(e, "message"));
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "the server reported an error: %.300s", m ? m : "(no message)");
        goto out;
    }
    json_t *ch = json_array_get(json_object_get(root, "choices"), 0);
    json_t *msg = json_object_get(ch, "message");
    if (!json_is_object(msg)) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "the server's reply has no choices[0].message");
        goto out;
    }
    json_t *fr = json_object_get(ch, "finish_reason");
    if (json_is_string(fr))
        snprintf(finish, 32, "%s", json_string_value(fr));
    json_t *rf = json_object_get(msg, "refusal");
    if (json_is_string(rf) && json_string_length(rf)) {
        if (!(*refusal = longsd__strndup(json_string_value(rf), json_string_length(rf))))
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    json_t *ct = json_object_get(msg, "content");
    if (json_is_string(ct)) {
        if (!(*content = longsd__strndup(json_string_value(ct), json_string_length(ct))))
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    } else if (json_is_array(ct)) { /* [{"type": "text", "text": "..."}] */
        lsbuf b;
        lsbuf_init(&b, (size_t)8 << 20);
        size_t i;
        json_t *part;
        json_array_foreach(ct, i, part)
        {
            json_t *t = json_object_get(part, "text");
            if (json_is_string(t) && lsbuf_add(&b, json_string_value(t), json_string_length(t))) {
                lsbuf_free(&b);
                rc = lserr_set(err, LONGSD_ERR_TOO_BIG, "the reply's text is too large");
                goto out;
            }
        }
        *content = b.len ? lsbuf_steal(&b) : longsd__strdup("");
        lsbuf_free(&b);
        if (!*content)
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    } else if (strcmp(finish, "length") != 0) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "the server's reply has no message content");
    } else if (!(*content = longsd__strdup(""))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
out:
    json_decref(root);
    return rc;
}

/* ------------------------------------------------------------------------
 * validation */

/* A string field: present, a string, non-empty after cleaning, <= max bytes. */
static longsd_status get_text(json_t *obj, const char *key, size_t max, const char *where, char **out, lserr *err)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return lserr_set(err, LONGSD_ERR_BACKEND, "%s.%s: missing or not a string", where, key);
    if (json_string_length(v) > max)
        return lserr_set(err, LONGSD_ERR_BACKEND, "%s.%s: longer than %zu bytes", where, key, max);
    char *c = lsstr_clean(json_string_value(v), json_string_length(v));
    if (!c)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    if (!*c) {
        longsd__free(c);
        return lserr_set(err, LONGSD_ERR_BACKEND, "%s.%s: empty", where, key);
    }
    *out = c;
    return LONGSD_OK;
}

static int name_eq(const char *a, const char *b) { return a && b && lsstr_casecmp_ascii(a, b) == 0; }

const ls_character *oa_cast_lookup(const ls_character *cast, size_t n_cast, const char *name)
{
    for (size_t i = 0; i < n_cast; i++) {
        if (name_eq(cast[i].name, name) || name_eq(cast[i].full_name, name))
            return &cast[i];
        for (size_t j = 0; j < cast[i].n_aliases; j++)
            if (name_eq(cast[i].aliases[j], name))
                return &cast[i];
    }
    return NULL;
}

/* The sentence-aligned span around [a, b) inside [lo, hi), and its paragraph. */
static void widen(const longsd_story *s, size_t lo, size_t hi, size_t *a, size_t *b, size_t *para)
{
    size_t first = (size_t)-1, last = (size_t)-1;
    size_t l = 0, r = s->n_sentences;
    while (l < r) { /* first sentence ending after a */
        size_t m = (l + r) / 2;
        if (s->sentences[m].end <= *a)
            l = m + 1;
        else
            r = m;
    }
    for (size_t i = l; i < s->n_sentences && s->sentences[i].start < *b; i++) {
        if (s->sentences[i].start < lo || s->sentences[i].end > hi)
            continue;
        if (first == (size_t)-1)
            first = i;
        last = i;
    }
    if (first != (size_t)-1) {
        size_t na = s->sentences[first].start, nb = s->sentences[last].end;
        *para = s->sentences[first].para;
        if (na <= *a && nb >= *b && nb - na <= MAX_SPAN_BYTES) {
            *a = na;
            *b = nb;
        }
        return;
    }
    *para = 0;
    for (size_t i = 0; i < s->n_paras; i++)
        if (s->paras[i].end > *a) {
            *para = i;
            break;
        }
}

longsd_status ls_llm_parse_ideas(const longsd_story *s, size_t part_index, size_t start, size_t end,
                                 const char *text, size_t text_len, size_t want, const ls_character *cast,
                                 size_t n_cast, ls_idea **ideas_out, int **anchor_out, size_t *n_out, lserr *err)
{
    char why[160];
    longsd_status rc = LONGSD_OK;
    ls_idea *ideas = NULL;
    int *anchor = NULL;
    size_t n = 0, count = 0;
    *ideas_out = NULL;
    *anchor_out = NULL;
    *n_out = 0;
    json_t *root = ls_llm_json_extract(text, text_len, NULL, why, sizeof why);
    if (!root)
        return lserr_set(err, LONGSD_ERR_BACKEND, "%s", why);
    json_t *arr = json_is_array(root) ? root : json_object_get(root, "ideas");
    if (!json_is_array(arr)) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "\"ideas\" is missing or not an array");
        goto out;
    }
    count = json_array_size(arr);
    if ((want && count != want) || count == 0 || count > 100) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "the reply has %zu idea%s, exactly %zu %s asked for", count,
                       count == 1 ? "" : "s", want ? want : 1, want == 1 ? "was" : "were");
        if (!want)
            lserr_set(err, LONGSD_ERR_BACKEND, "the reply has %zu ideas (1 to 100 expected)", count);
        goto out;
    }
    ideas = longsd__calloc(count, sizeof *ideas);
    anchor = longsd__calloc(count, sizeof *anchor);
    if (!ideas || !anchor) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        json_t *o = json_array_get(arr, i);
        char where[32];
        snprintf(where, sizeof where, "ideas[%zu]", i);
        if (!json_is_object(o)) {
            rc = lserr_set(err, LONGSD_ERR_BACKEND, "%s: not an object", where);
            goto out;
        }
        ls_idea *d = &ideas[i];
        n = i + 1;
        d->part = part_index;
        char *quote = NULL;
        if ((rc = get_text(o, "title", MAX_TITLE, where, &d->title, err)) ||
            (rc = get_text(o, "scene", MAX_SCENE, where, &d->scene, err)) ||
            (rc = get_text(o, "quote", MAX_QUOTE, where, &quote, err)))
            goto out;
        /* small models copy the example's placeholders back */
        if (strcmp(d->title, "a few words") == 0 || strcmp(d->scene, "what the picture shows") == 0 ||
            strcmp(quote, "words copied exactly from the text") == 0) {
            longsd__free(quote);
            rc = lserr_set(err, LONGSD_ERR_BACKEND, "%s repeats the example's placeholder text instead of the story's",
                           where);
            goto out;
        }
        json_t *chs = json_object_get(o, "characters");
        if (chs && !json_is_array(chs) && !json_is_null(chs)) {
            longsd__free(quote);
            rc = lserr_set(err, LONGSD_ERR_BACKEND, "%s.characters: not an array of names", where);
            goto out;
        }
        size_t nc = json_array_size(chs);
        d->characters = longsd__calloc(nc ? nc : 1, sizeof *d->characters);
        if (!d->characters) {
            longsd__free(quote);
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (size_t j = 0; j < nc && d->n_characters < MAX_CHARS_PER_IDEA; j++) {
            json_t *c = json_array_get(chs, j);
            if (!json_is_string(c) || json_string_length(c) == 0 || json_string_length(c) > 100)
                continue;
            char *clean = lsstr_clean(json_string_value(c), json_string_length(c));
            if (!clean) {
                longsd__free(quote);
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
            const ls_character *m = oa_cast_lookup(cast, n_cast, clean);
            if (m) { /* the cast's own name, so descriptions are found later */
                longsd__free(clean);
                clean = longsd__strdup(m->name);
                for (size_t k = 0; clean && k < d->n_characters; k++)
                    if (strcmp(d->characters[k], clean) == 0) {
                        longsd__free(clean);
                        clean = NULL;
                        goto next_char;
                    }
                if (!clean) {
                    longsd__free(quote);
                    rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                    goto out;
                }
            }
            if (*clean)
                d->characters[d->n_characters++] = clean;
            else
                longsd__free(clean);
        next_char:;
        }
        size_t a = start, b = end;
        anchor[i] = ls_anchor_find(s->data, start, end, quote, &a, &b);
        if (anchor[i] < 0) {
            longsd__free(quote);
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (anchor[i] == LS_ANCHOR_NONE) {
            /* keep the model's words, flagged; the span is the whole chunk */
            d->quote = quote;
            d->start = start;
            d->end = end;
            size_t dummy_a = start, dummy_b = start;
            widen(s, start, end, &dummy_a, &dummy_b, &d->para);
        } else {
            longsd__free(quote);
            widen(s, start, end, &a, &b, &d->para);
            d->start = a;
            d->end = b;
            if (!(d->quote = ls_story_text(s, a, b))) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
        }
        d->score = anchor[i] == LS_ANCHOR_NONE ? 0.0 : 1.0;
        for (size_t j = 0; j < i && anchor[i] != LS_ANCHOR_NONE; j++)
            if (anchor[j] != LS_ANCHOR_NONE && ideas[j].start == d->start && ideas[j].end == d->end) {
                rc = lserr_set(err, LONGSD_ERR_BACKEND, "ideas[%zu] illustrates the same passage as ideas[%zu]", i,
                               j);
                goto out;
            }
    }
out:
    json_decref(root);
    if (rc) {
        ls_ideas_free(ideas, n);
        longsd__free(anchor);
        return rc;
    }
    *ideas_out = ideas;
    *anchor_out = anchor;
    *n_out = count;
    return LONGSD_OK;
}

longsd_status ls_llm_parse_cast(const char *text, size_t text_len, ls_character *cast, size_t n_cast,
                                size_t *matched, lserr *err)
{
    char why[160];
    *matched = 0;
    json_t *root = ls_llm_json_extract(text, text_len, NULL, why, sizeof why);
    if (!root)
        return lserr_set(err, LONGSD_ERR_BACKEND, "%s", why);
    longsd_status rc = LONGSD_OK;
    json_t *arr = json_is_array(root) ? root : json_object_get(root, "characters");
    if (!json_is_array(arr)) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "\"characters\" is missing or not an array");
        goto out;
    }
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        char where[40];
        snprintf(where, sizeof where, "characters[%zu]", i);
        char *name = NULL, *desc = NULL;
        if (!json_is_object(o)) {
            rc = lserr_set(err, LONGSD_ERR_BACKEND, "%s: not an object", where);
            goto out;
        }
        if ((rc = get_text(o, "name", 200, where, &name, err)))
            goto out;
        if ((rc = get_text(o, "description", 1000, where, &desc, err))) {
            longsd__free(name);
            goto out;
        }
        ls_character *c = (ls_character *)oa_cast_lookup(cast, n_cast, name);
        longsd__free(name);
        if (!c) {
            longsd__free(desc);
            continue;
        }
        char *clean = ls_prompt_sanitize(desc);
        longsd__free(desc);
        if (!clean) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (!c->description || !c->description[0])
            (*matched)++;
        longsd__free(c->description);
        c->description = clean;
    }
    if (*matched == 0)
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "the reply describes none of the characters asked about");
out:
    json_decref(root);
    return rc;
}

void ls_llm_spread(const ls_idea *cand, size_t n, size_t k, size_t start, size_t end, size_t *sel)
{
    /* cand is in text order; pick for target i the closest candidate that
     * still leaves enough after it for the targets to come */
    size_t next = 0;
    double len = end > start ? (double)(end - start) : 1.0;
    for (size_t i = 0; i < k; i++) {
        double t = (double)start + ((double)i + 0.5) * len / (double)k;
        size_t best = next;
        double bd = -1;
        for (size_t j = next; j + (k - i) <= n; j++) {
            double mid = 0.5 * ((double)cand[j].start + (double)cand[j].end);
            double d = mid > t ? mid - t : t - mid;
            if (bd < 0 || d < bd) {
                bd = d;
                best = j;
            }
        }
        sel[i] = best;
        next = best + 1;
    }
}
