/* llm_openai.c - any OpenAI-compatible chat server (OpenAI, Ollama,
 * llama.cpp, vLLM) as an LLM backend: cast descriptions, ideas per part,
 * prompt-English.
 *
 * Work goes in rounds of independent chat requests ("jobs"): every part (or
 * every chunk of a long part) is one job, run by --llm-parallel worker
 * threads, each with its own libcurl handle (http.c does timeouts, capped
 * bodies and retries with backoff and Retry-After). After a round the
 * replies are validated on this thread; an invalid one (wrong count, bad or
 * cut-off JSON, a field missing) gets ONE corrective job in the next round,
 * then its part fails alone. Structured output degrades json_schema ->
 * json_object -> plain text when the server rejects response_format (HTTP
 * 400/422); the step down sticks for the backend's life.
 *
 * Replies are cached (llm_cache.c) by URL, model and body, so a re-run
 * sends nothing. The API key goes only into the Authorization header; any
 * message that could echo it is scrubbed. */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "anchor.h"
#include "http.h"
#include "llm.h"
#include "llm_cache.h"
#include "llm_json.h"
#include "redact.h"

#define DEFAULT_URL "https://api.openai.com/v1"
#define DEFAULT_MODEL "gpt-4o-mini"
#define BYTES_PER_TOKEN 3      /* conservative estimate, for any language */
#define PROMPT_OVERHEAD_TOKENS 900
#define TOKENS_PER_IDEA 160
#define MAX_TITLE 200
#define MAX_SCENE 2000
#define MAX_QUOTE 1500
#define MAX_CHARS_PER_IDEA 12
#define MAX_SPAN_BYTES 2000    /* an anchor widened to whole sentences stays under this */
#define CAST_EVIDENCE_BYTES 12000
#define CAST_EVIDENCE_PER 3

enum { MODE_SCHEMA = 0, MODE_OBJECT = 1, MODE_TEXT = 2 };
static const char *const mode_name[] = {"json_schema", "json_object", "plain text"};

typedef struct {
    ls_llm base;
    char *base_url;
    char *chat_url;
    char *model;
    char *key;     /* for scrubbing only */
    char *auth;    /* "Authorization: Bearer <key>", NULL without a key */
    longsd_llm_params p;
    ls_llm_cache cache;
    int mode;
} oa;

/* ------------------------------------------------------------------------
 * secrets */

/* Redact s (in place, a buffer of at least strlen(s)+1 bytes): the key and
 * anything shaped like one (redact.c). */
static void scrub(const oa *b, char *s)
{
    (void)b; /* the key was registered with the redactor in create */
    if (s)
        longsd__redact_inplace(s, strlen(s) + 1);
}

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

static const ls_character *cast_lookup(const ls_character *cast, size_t n_cast, const char *name)
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
            const ls_character *m = cast_lookup(cast, n_cast, clean);
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
        ls_character *c = (ls_character *)cast_lookup(cast, n_cast, name);
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

/* ------------------------------------------------------------------------
 * jobs: one chat request each */

enum { JOB_IDEAS, JOB_CAST, JOB_PROMPT };

typedef struct {
    int kind;
    int want;               /* ideas asked for */
    char *system, *user;
    char *prev, *fix;       /* corrective turn: the model's last answer and what was wrong */
    int max_tokens;
    size_t text_bytes;
    /* results of the round */
    longsd_status rc;
    char err[1100];
    char *content;
    char finish[32];
    char *refusal;
    int attempts;
    int from_cache;
    int format_rejected;
    long status;
} job;

static void job_reset_out(job *j)
{
    longsd__free(j->content);
    longsd__free(j->refusal);
    j->content = j->refusal = NULL;
    j->rc = LONGSD_OK;
    j->err[0] = '\0';
    j->finish[0] = '\0';
    j->attempts = 0;
    j->from_cache = 0;
    j->format_rejected = 0;
    j->status = 0;
}

static void job_free(job *j)
{
    job_reset_out(j);
    longsd__free(j->system);
    longsd__free(j->user);
    longsd__free(j->prev);
    longsd__free(j->fix);
    memset(j, 0, sizeof *j);
}

static const char *IDEAS_SCHEMA =
    "{\"type\":\"object\",\"properties\":{\"ideas\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"properties\":{\"title\":{\"type\":\"string\"},\"scene\":{\"type\":\"string\"},\"characters\":{\"type\":"
    "\"array\",\"items\":{\"type\":\"string\"}},\"quote\":{\"type\":\"string\"}},\"required\":[\"title\",\"scene\","
    "\"characters\",\"quote\"],\"additionalProperties\":false}}},\"required\":[\"ideas\"],\"additionalProperties\":"
    "false}";
static const char *CAST_SCHEMA =
    "{\"type\":\"object\",\"properties\":{\"characters\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"properties\":{\"name\":{\"type\":\"string\"},\"description\":{\"type\":\"string\"}},\"required\":[\"name\","
    "\"description\"],\"additionalProperties\":false}}},\"required\":[\"characters\"],\"additionalProperties\":"
    "false}";
static const char *PROMPT_SCHEMA =
    "{\"type\":\"object\",\"properties\":{\"prompt\":{\"type\":\"string\"}},\"required\":[\"prompt\"],"
    "\"additionalProperties\":false}";

static char *job_body(const oa *b, const job *j, int mode)
{
    static const char *const names[] = {"ideas", "cast", "prompt"};
    const char *schema = j->kind == JOB_IDEAS ? IDEAS_SCHEMA : j->kind == JOB_CAST ? CAST_SCHEMA : PROMPT_SCHEMA;
    json_t *msgs = json_array();
    json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", "system", "content", j->system));
    json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", "user", "content", j->user));
    if (j->fix) {
        if (j->prev)
            json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", "assistant", "content", j->prev));
        json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", "user", "content", j->fix));
    }
    json_t *root = json_pack("{s:s, s:o, s:f, s:i}", "model", b->model, "messages", msgs, "temperature",
                             b->p.temperature, "max_tokens", j->max_tokens);
    if (root && mode == MODE_SCHEMA) {
        json_t *sch = json_loads(schema, 0, NULL);
        json_object_set_new(root, "response_format",
                            json_pack("{s:s, s:{s:s, s:o, s:b}}", "type", "json_schema", "json_schema", "name",
                                      names[j->kind], "schema", sch, "strict", 1));
    } else if (root && mode == MODE_OBJECT) {
        json_object_set_new(root, "response_format", json_pack("{s:s}", "type", "json_object"));
    }
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    char *out = text ? longsd__strdup(text) : NULL;
    free(text);
    return out;
}

typedef struct {
    oa *b;
    job **jobs;     /* the ones that need the network */
    char **bodies;
    size_t n;
    size_t next;
    pthread_mutex_t mu;
    size_t bytes_sent;
    int attempts;
} pool;

static void run_one(pool *pl, ls_http *h, job *j, const char *body)
{
    oa *b = pl->b;
    const char *hdrs[4] = {"Content-Type: application/json", "Accept: application/json", b->auth, NULL};
    ls_http_resp resp;
    ls_http_resp_init(&resp);
    lserr err = {0};
    longsd_status rc = ls_http_request(h, "POST", b->chat_url, hdrs, body, strlen(body), &resp, &err);
    j->attempts = resp.attempts;
    j->status = resp.status;
    /* a server that does not do structured output says so with 400 or 422
     * (OpenAI, vLLM), or with 500 and a validation message naming the field
     * (llama-cpp-python) */
    if (rc == LONGSD_ERR_BACKEND && b->mode < MODE_TEXT && resp.status >= 400) {
        int names_it = resp.body.data && (strstr(resp.body.data, "response_format") ||
                                          strstr(resp.body.data, "json_schema") ||
                                          strstr(resp.body.data, "json_object"));
        if (resp.status == 400 || resp.status == 422 || names_it)
            j->format_rejected = 1;
    }
    if (rc == LONGSD_OK) {
        rc = ls_llm_parse_chat(resp.body.data ? resp.body.data : "", resp.body.len, &j->content, &j->refusal,
                               j->finish, &err);
    } else if (rc == LONGSD_ERR_NETWORK && resp.attempts > 1) {
        size_t l = strlen(err.msg);
        snprintf(err.msg + l, sizeof err.msg - l, " (%d attempts)", resp.attempts);
    } else if (rc == LONGSD_ERR_BACKEND && resp.attempts > 1) {
        size_t l = strlen(err.msg);
        snprintf(err.msg + l, sizeof err.msg - l, " (after %d attempts)", resp.attempts);
    }
    j->rc = rc;
    snprintf(j->err, sizeof j->err, "%s", rc ? err.msg : "");
    scrub(b, j->err);
    ls_http_resp_free(&resp);
}

static void *worker(void *arg)
{
    pool *pl = arg;
    ls_http_opts o = ls_http_default_opts();
    o.connect_timeout_ms = pl->b->p.connect_timeout_ms;
    o.timeout_ms = pl->b->p.timeout_ms;
    o.max_body = pl->b->p.max_reply_bytes;
    o.max_retries = pl->b->p.max_retries;
    if (pl->b->base.ctx) {
        o.abort_fn = pl->b->base.ctx->abort_fn;
        o.abort_user = pl->b->base.ctx->abort_user;
    }
    ls_http *h = ls_http_new(&o);
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        size_t i = pl->next < pl->n ? pl->next++ : (size_t)-1;
        pthread_mutex_unlock(&pl->mu);
        if (i == (size_t)-1)
            break;
        job *j = pl->jobs[i];
        if (!h) {
            j->rc = LONGSD_ERR_NOMEM;
            snprintf(j->err, sizeof j->err, "out of memory (HTTP client)");
            continue;
        }
        run_one(pl, h, j, pl->bodies[i]);
        pthread_mutex_lock(&pl->mu);
        pl->attempts += j->attempts;
        pl->bytes_sent += strlen(pl->bodies[i]) * (size_t)(j->attempts ? j->attempts : 1);
        pthread_mutex_unlock(&pl->mu);
    }
    ls_http_free(h);
    return NULL;
}

/* Run a round: cache first, then the network with p.parallel threads;
 * response_format rejections step the mode down and run those jobs again. */
static longsd_status run_round(oa *b, job **jobs, size_t n, lserr *err)
{
    longsd_status rc = LONGSD_OK;
    job **net = longsd__calloc(n ? n : 1, sizeof *net);
    char **bodies = longsd__calloc(n ? n : 1, sizeof *bodies);
    char (*keys)[65] = longsd__calloc(n ? n : 1, 65);
    if (!net || !bodies || !keys) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        job_reset_out(jobs[i]);
    size_t pending = n;
    job **todo = jobs;
    while (pending) {
        size_t nn = 0;
        int mode = b->mode;
        for (size_t i = 0; i < pending; i++) {
            job *j = todo[i];
            char *body = job_body(b, j, mode);
            if (!body) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out_bodies;
            }
            char key[65];
            ls_llm_cache_key(b->chat_url, b->model, body, strlen(body), key);
            if (ls_llm_cache_get(&b->cache, key, &j->content, j->finish)) {
                j->from_cache = 1;
                b->base.stats.cache_hits++;
                longsd__free(body);
                continue;
            }
            net[nn] = j;
            bodies[nn] = body;
            memcpy(keys[nn], key, 65);
            nn++;
        }
        if (nn) {
            if (b->base.ctx && longsd__aborted(b->base.ctx)) {
                rc = lserr_set(err, LONGSD_ERR_ABORTED, "aborted");
                goto out_bodies;
            }
            pool pl = {.b = b, .jobs = net, .bodies = bodies, .n = nn};
            pthread_mutex_init(&pl.mu, NULL);
            int nt = b->p.parallel < 1 ? 1 : b->p.parallel > 32 ? 32 : b->p.parallel;
            if ((size_t)nt > nn)
                nt = (int)nn;
            pthread_t th[32];
            int started = 0;
            for (int t = 1; t < nt; t++) {
                if (pthread_create(&th[started], NULL, worker, &pl) != 0)
                    break;
                started++;
            }
            worker(&pl); /* this thread works too */
            for (int t = 0; t < started; t++)
                pthread_join(th[t], NULL);
            pthread_mutex_destroy(&pl.mu);
            b->base.stats.requests += (int)nn;
            b->base.stats.attempts += pl.attempts;
            b->base.stats.bytes_sent += pl.bytes_sent;
        }
        /* keep good replies; gather the format rejections */
        size_t again = 0;
        for (size_t i = 0; i < nn; i++) {
            job *j = net[i];
            if (j->format_rejected) { /* asked again below, one step down; todo reuses the caller's array */
                todo[again++] = j;
                continue;
            }
            if (j->rc == LONGSD_OK && j->content && !j->refusal && strcmp(j->finish, "length") != 0)
                ls_llm_cache_put(&b->cache, keys[i], j->content, j->finish);
            if (j->attempts > 1)
                longsd__log(b->base.ctx, LONGSD_LOG_INFO, "LLM request needed %d attempts", j->attempts);
        }
        for (size_t i = 0; i < nn; i++)
            longsd__free(bodies[i]);
        if (again) {
            if (b->mode >= MODE_TEXT) {
                pending = 0;
                break;
            }
            b->mode++;
            b->base.stats.fallbacks++;
            longsd__log(b->base.ctx, LONGSD_LOG_WARN,
                        "%s rejected response_format %s; falling back to %s output", b->base_url,
                        mode_name[mode],
                        mode_name[b->mode]);
            for (size_t i = 0; i < again; i++)
                job_reset_out(todo[i]);
        }
        pending = again;
        continue;
    out_bodies:
        for (size_t i = 0; i < nn; i++)
            longsd__free(bodies[i]);
        goto out;
    }
out:
    longsd__free(net);
    longsd__free(bodies);
    longsd__free(keys);
    return rc;
}

/* What is wrong with a job's reply before its content is read: a transport
 * error (final), a refusal (final), a cut-off reply (correctable). */
static int job_problem(const job *j, char *why, size_t why_size, int *final)
{
    *final = 0;
    if (j->rc) {
        snprintf(why, why_size, "%s", j->err);
        *final = 1;
        return 1;
    }
    if (j->refusal) {
        /* the refusal is the server's text: redact all of it before the cut */
        char *r = longsd__redact_dup(j->refusal);
        snprintf(why, why_size, "the model refused: %.300s", r ? r : "(out of memory)");
        longsd__free(r);
        *final = 1;
        return 1;
    }
    if (strcmp(j->finish, "length") == 0) {
        snprintf(why, why_size, "the reply was cut off at the token limit (finish_reason: length)");
        return 1;
    }
    return 0;
}

/* Turn j into its corrective follow-up. */
static longsd_status make_corrective(oa *b, job *j, const char *why, const char *format_hint)
{
    longsd__free(j->prev);
    longsd__free(j->fix);
    j->prev = NULL;
    int cut = strcmp(j->finish, "length") == 0;
    if (j->content && !cut) /* a cut-off answer would only invite more of the same */
        j->prev = longsd__strndup(j->content, strlen(j->content) < 8000 ? strlen(j->content) : 8000);
    j->fix = longsd__asprintf("Your answer could not be used: %s. Answer again with JSON only, exactly in this "
                              "form: %s%s",
                              why, format_hint, cut ? " Keep every field short." : "");
    if (cut)
        j->max_tokens *= 2;
    b->base.stats.corrective++;
    return j->fix ? LONGSD_OK : LONGSD_ERR_NOMEM;
}

/* ------------------------------------------------------------------------
 * ideas */

typedef struct {
    size_t start, end;  /* byte span of the chunk */
    size_t part;
    int want;
    job j;
    ls_idea *ideas;
    int *anchor;
    size_t n;
    int done;           /* 1 = parsed, -1 = failed */
    char why[1100];
} chunk;

/* Text of [a, b) of the story, paragraphs separated by blank lines. */
static char *span_text(const longsd_story *s, size_t a, size_t b)
{
    lsbuf t;
    lsbuf_init(&t, 0);
    for (size_t i = 0; i < s->n_paras; i++) {
        const ls_para *p = &s->paras[i];
        if (p->end <= a || p->start >= b)
            continue;
        size_t x = p->start > a ? p->start : a, y = p->end < b ? p->end : b;
        char *c = ls_story_text(s, x, y);
        if (!c || (t.len && lsbuf_adds(&t, "\n\n")) || lsbuf_adds(&t, c)) {
            longsd__free(c);
            lsbuf_free(&t);
            return NULL;
        }
        longsd__free(c);
    }
    char *out = t.len ? lsbuf_steal(&t) : longsd__strdup("");
    lsbuf_free(&t);
    return out;
}

/* Split a part into spans of at most budget bytes at paragraph ends, or at
 * sentence ends inside a paragraph too long for one chunk. */
static longsd_status chunk_part(const longsd_story *s, const ls_part *p, size_t budget, size_t **bounds,
                                size_t *n_bounds)
{
    /* units: paragraphs, or sentences of the long ones */
    size_t cap = 16, n = 0;
    size_t *u = longsd__malloc(cap * 2 * sizeof *u);
    if (!u)
        return LONGSD_ERR_NOMEM;
    for (size_t i = p->first_para; i < p->first_para + p->n_paras && i < s->n_paras; i++) {
        const ls_para *pa = &s->paras[i];
        size_t k0 = 0, k1 = 1;
        int by_sentence = pa->end - pa->start > budget && pa->n_sentences > 1;
        if (by_sentence) {
            k0 = pa->first_sentence;
            k1 = pa->first_sentence + pa->n_sentences;
        }
        for (size_t k = k0; k < k1; k++) {
            if (n == cap) {
                size_t *nu = longsd__realloc(u, cap * 4 * sizeof *u);
                if (!nu) {
                    longsd__free(u);
                    return LONGSD_ERR_NOMEM;
                }
                u = nu;
                cap *= 2;
            }
            u[2 * n] = by_sentence ? s->sentences[k].start : pa->start;
            u[2 * n + 1] = by_sentence ? s->sentences[k].end : pa->end;
            n++;
        }
    }
    size_t total = p->end - p->start;
    size_t pieces = (total + budget - 1) / budget;
    if (!pieces)
        pieces = 1;
    size_t target = total / pieces + 1;
    size_t *out = longsd__malloc((n + 1) * 2 * sizeof *out);
    if (!out) {
        longsd__free(u);
        return LONGSD_ERR_NOMEM;
    }
    size_t m = 0, cs = n ? u[0] : p->start, ce = cs;
    for (size_t i = 0; i < n; i++) {
        if (ce > cs && (u[2 * i + 1] - cs > budget || ce - cs >= target)) {
            out[2 * m] = cs;
            out[2 * m + 1] = ce;
            m++;
            cs = u[2 * i];
        }
        ce = u[2 * i + 1];
    }
    if (ce > cs || m == 0) {
        out[2 * m] = cs;
        out[2 * m + 1] = ce > cs ? ce : p->end;
        m++;
    }
    longsd__free(u);
    *bounds = out;
    *n_bounds = m;
    return LONGSD_OK;
}

static const char *IDEAS_FORMAT =
    "{\"ideas\": [{\"title\": \"a few words\", \"scene\": \"what the picture shows\", \"characters\": [\"names\"], "
    "\"quote\": \"words copied exactly from the text\"}]}";

static char *ideas_system(void)
{
    return longsd__asprintf(
        "You choose moments of a story to illustrate with paintings. Answer with JSON only, in this form: %s\n"
        "Rules: give exactly the number of ideas asked for, each a different moment, spread from the start to "
        "the end of the text you are given. \"title\": 2 to 6 words, in the language of the text. \"scene\": "
        "in English whatever the language of the text (Stable Diffusion reads only English), one or two "
        "sentences saying what a painter would show: who, doing what, where, light and mood; the picture is logo-free and sign-free: "
        "no text, letters, signs, captions or logos in it. \"characters\": the names of the characters in the "
        "picture (may be empty). \"quote\": 8 to 30 words copied exactly, character for character, from the "
        "text: the passage the idea illustrates.",
        IDEAS_FORMAT);
}

static char *ideas_user(const longsd_story *s, const ls_part *p, size_t pi, size_t n_parts, size_t ci, size_t nc,
                        int want, const ls_character *cast, size_t n_cast, const char *text)
{
    lsbuf u;
    lsbuf_init(&u, 0);
    lsbuf_printf(&u, "Story: %s\nPart %zu of %zu: %s", s->title, pi + 1, n_parts, p->label);
    if (nc > 1)
        lsbuf_printf(&u, ", section %zu of %zu", ci + 1, nc);
    if (n_cast) {
        lsbuf_adds(&u, "\nRecurring characters:");
        for (size_t i = 0; i < n_cast && i < 24; i++)
            lsbuf_printf(&u, "%s %s", i ? "," : "", cast[i].name);
    }
    lsbuf_printf(&u, "\nGive exactly %d idea%s for this text.\n\nTEXT:\n%s", want, want == 1 ? "" : "s", text);
    return u.data ? lsbuf_steal(&u) : NULL;
}

static void part_fail(ls_llm_part_result *r, const ls_part *p, longsd_status rc, const char *why)
{
    r->rc = rc ? rc : LONGSD_ERR_BACKEND;
    r->error = longsd__asprintf("%s: %s", p->label, why);
}

static longsd_status add_note(ls_llm_part_result *r, const char *fmt, const char *a, const char *b2)
{
    char **nn = longsd__realloc(r->notes, (r->n_notes + 1) * sizeof *nn);
    if (!nn)
        return LONGSD_ERR_NOMEM;
    r->notes = nn;
    char *m = longsd__asprintf(fmt, a, b2);
    if (!m)
        return LONGSD_ERR_NOMEM;
    r->notes[r->n_notes++] = m;
    return LONGSD_OK;
}

static longsd_status oa_ideas(ls_llm *base, const longsd_story *s, const ls_part *parts, size_t n_parts, int k,
                              const ls_character *cast, size_t n_cast, ls_llm_part_result *res, lserr *err)
{
    oa *b = (oa *)base;
    longsd_status rc = LONGSD_OK;
    chunk *ch = NULL;
    size_t nch = 0, cap = 0;
    job **jobs = NULL;
    char *sys = NULL;
    if (k < 1 || k > 50)
        return lserr_set(err, LONGSD_ERR_PARAM, "ideas per part must be between 1 and 50 (got %d)", k);
    long reply_tokens = (long)TOKENS_PER_IDEA * (k + 1) + 200;
    long text_tokens = (long)b->p.context - PROMPT_OVERHEAD_TOKENS - reply_tokens;
    if (text_tokens < 256)
        return lserr_set(err, LONGSD_ERR_PARAM,
                         "--llm-context %d is too small for %d ideas per part (the instructions and the reply "
                         "alone need about %ld tokens)",
                         b->p.context, k, PROMPT_OVERHEAD_TOKENS + reply_tokens + 256);
    size_t budget = (size_t)text_tokens * BYTES_PER_TOKEN;
    if (!(sys = ideas_system()))
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    /* chunks of every part */
    for (size_t pi = 0; pi < n_parts; pi++) {
        size_t *bd = NULL, nb = 0;
        if ((rc = chunk_part(s, &parts[pi], budget, &bd, &nb))) {
            rc = lserr_set(err, rc, "out of memory");
            goto out;
        }
        res[pi].chunks = (int)nb;
        for (size_t c = 0; c < nb; c++) {
            if (nch == cap) {
                size_t nc2 = cap ? cap * 2 : 16;
                chunk *n2 = longsd__realloc(ch, nc2 * sizeof *n2);
                if (!n2) {
                    longsd__free(bd);
                    rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                    goto out;
                }
                ch = n2;
                cap = nc2;
            }
            chunk *x = &ch[nch++];
            memset(x, 0, sizeof *x);
            x->start = bd[2 * c];
            x->end = bd[2 * c + 1];
            x->part = pi;
            size_t plen = parts[pi].end - parts[pi].start;
            if (nb == 1)
                x->want = k;
            else {
                size_t share = ((size_t)k * (x->end - x->start) + plen - 1) / (plen ? plen : 1);
                x->want = (int)(share + 1 < (size_t)k ? share + 1 : (size_t)k);
            }
            char *text = span_text(s, x->start, x->end);
            x->j.kind = JOB_IDEAS;
            x->j.want = x->want;
            x->j.system = longsd__strdup(sys);
            x->j.user = text ? ideas_user(s, &parts[pi], pi, n_parts, c, nb, x->want, cast, n_cast, text) : NULL;
            x->j.max_tokens = TOKENS_PER_IDEA * (x->want + 1) + 200;
            x->j.text_bytes = text ? strlen(text) : 0;
            longsd__free(text);
            if (!x->j.system || !x->j.user) {
                longsd__free(bd);
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
            b->base.stats.text_bytes_sent += x->j.text_bytes;
        }
        longsd__free(bd);
    }
    jobs = longsd__calloc(nch ? nch : 1, sizeof *jobs);
    if (!jobs) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* two rounds: everything, then one corrective try for what was unusable */
    for (int round = 0; round < 2; round++) {
        size_t nj = 0;
        for (size_t i = 0; i < nch; i++)
            if (!ch[i].done)
                jobs[nj++] = &ch[i].j;
        if (!nj)
            break;
        if ((rc = run_round(b, jobs, nj, err)))
            goto out;
        for (size_t i = 0; i < nch; i++) {
            chunk *x = &ch[i];
            if (x->done)
                continue;
            if (!x->j.from_cache)
                res[x->part].requests++;
            int final = 0;
            char why[1000];
            lserr perr = {0};
            if (!job_problem(&x->j, why, sizeof why, &final)) {
                size_t want = res[x->part].chunks == 1 ? (size_t)x->want : 0;
                longsd_status prc = ls_llm_parse_ideas(s, x->part, x->start, x->end, x->j.content,
                                                       strlen(x->j.content), want, cast, n_cast, &x->ideas,
                                                       &x->anchor, &x->n, &perr);
                if (prc == LONGSD_OK) {
                    x->done = 1;
                    continue;
                }
                if (prc == LONGSD_ERR_NOMEM) {
                    rc = lserr_set(err, prc, "out of memory");
                    goto out;
                }
                snprintf(why, sizeof why, "%.900s", perr.msg);
                scrub(b, why);
            }
            if (final || round == 1) {
                x->done = -1;
                snprintf(x->why, sizeof x->why, "%s%s", why,
                         round == 1 && !final ? " (after a corrective retry)" : "");
                continue;
            }
            if (make_corrective(b, &x->j, why, IDEAS_FORMAT)) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
        }
    }
    /* assemble each part: its chunks' candidates, exactly k spread across it */
    for (size_t pi = 0; pi < n_parts; pi++) {
        ls_llm_part_result *r = &res[pi];
        size_t total = 0, failed = 0;
        const char *first_why = NULL;
        for (size_t i = 0; i < nch; i++)
            if (ch[i].part == pi) {
                if (ch[i].done == 1)
                    total += ch[i].n;
                else {
                    failed++;
                    if (!first_why)
                        first_why = ch[i].why;
                }
            }
        if (!total) {
            part_fail(r, &parts[pi], LONGSD_ERR_BACKEND, first_why ? first_why : "no ideas");
            if (!r->error) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
            continue;
        }
        ls_idea *cand = longsd__calloc(total, sizeof *cand);
        int *canch = longsd__calloc(total, sizeof *canch);
        size_t *sel = longsd__calloc((size_t)k, sizeof *sel);
        if (!cand || !canch || !sel) {
            longsd__free(cand);
            longsd__free(canch);
            longsd__free(sel);
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        size_t m = 0;
        for (size_t i = 0; i < nch; i++) /* chunks are in text order, so candidates are too */
            if (ch[i].part == pi && ch[i].done == 1) {
                for (size_t t = 0; t < ch[i].n; t++) {
                    cand[m] = ch[i].ideas[t];
                    canch[m] = ch[i].anchor[t];
                    m++;
                }
                longsd__free(ch[i].ideas);
                longsd__free(ch[i].anchor);
                ch[i].ideas = NULL;
                ch[i].anchor = NULL;
                ch[i].n = 0;
            }
        /* stable order by anchor position inside each part */
        for (size_t i = 1; i < m; i++)
            for (size_t j = i; j > 0 && cand[j - 1].start > cand[j].start; j--) {
                ls_idea t = cand[j];
                cand[j] = cand[j - 1];
                cand[j - 1] = t;
                int a = canch[j];
                canch[j] = canch[j - 1];
                canch[j - 1] = a;
            }
        size_t keep = m < (size_t)k ? m : (size_t)k;
        if (m > keep)
            ls_llm_spread(cand, m, keep, parts[pi].start, parts[pi].end, sel);
        else
            for (size_t i = 0; i < keep; i++)
                sel[i] = i;
        r->ideas = longsd__calloc(keep, sizeof *r->ideas);
        r->anchor = longsd__calloc(keep, sizeof *r->anchor);
        if (!r->ideas || !r->anchor) {
            ls_ideas_free(cand, m);
            longsd__free(canch);
            longsd__free(sel);
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < keep; i++) {
            r->ideas[i] = cand[sel[i]];
            memset(&cand[sel[i]], 0, sizeof cand[0]);
            r->anchor[i] = canch[sel[i]];
            snprintf(r->ideas[i].id, sizeof r->ideas[i].id, "%s-%02zu", parts[pi].id, i + 1);
            r->ideas[i].part = pi;
        }
        r->n_ideas = keep;
        ls_ideas_free(cand, m);
        longsd__free(canch);
        longsd__free(sel);
        for (size_t i = 0; i < keep; i++)
            if (r->anchor[i] == LS_ANCHOR_NONE &&
                add_note(r, "%s: the model's quote was not found in the text; the idea is anchored to its section "
                            "(%s)",
                         r->ideas[i].id, parts[pi].label)) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
        if (failed && add_note(r, "%s: a section got no ideas: %s", parts[pi].label, first_why)) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
out:
    for (size_t i = 0; i < nch; i++) {
        ls_ideas_free(ch[i].ideas, ch[i].n);
        longsd__free(ch[i].anchor);
        job_free(&ch[i].j);
    }
    longsd__free(ch);
    longsd__free(jobs);
    longsd__free(sys);
    return rc;
}

/* ------------------------------------------------------------------------
 * cast */

static const char *CAST_FORMAT = "{\"characters\": [{\"name\": \"as listed\", \"description\": \"...\"}]}";

/* whole-word occurrence of name in text */
static int mentions(const char *text, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
        unsigned char before = p > text ? (unsigned char)p[-1] : ' ';
        unsigned char after = (unsigned char)p[nl];
        int wb = !((before | 32) >= 'a' && (before | 32) <= 'z');
        int wa = !((after | 32) >= 'a' && (after | 32) <= 'z');
        if (wb && wa)
            return 1;
    }
    return 0;
}

static longsd_status oa_cast(ls_llm *base, const longsd_story *s, size_t max_cast, ls_character **cast_out,
                             size_t *n_out, lserr *err)
{
    oa *b = (oa *)base;
    ls_character *cast = NULL;
    size_t n_cast = 0;
    longsd_status rc = ls_cast_find(s, max_cast, &cast, &n_cast, err);
    if (rc)
        return rc;
    job j = {0};
    int *have = NULL;
    lsbuf u;
    lsbuf_init(&u, 0);
    if (!n_cast)
        goto done;
    /* a few passages per character: bounded, so one request does for a whole book */
    have = longsd__calloc(n_cast, sizeof *have);
    char **ev = longsd__calloc(n_cast, sizeof *ev);
    lsbuf *eb = longsd__calloc(n_cast, sizeof *eb);
    if (!have || !ev || !eb) {
        longsd__free(ev);
        longsd__free(eb);
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < n_cast; c++)
        lsbuf_init(&eb[c], 4096);
    size_t used = 0, complete = 0;
    for (size_t i = 0; i < s->n_sentences && complete < n_cast && used < CAST_EVIDENCE_BYTES; i++) {
        const ls_sentence *se = &s->sentences[i];
        if (se->end - se->start > 400 || se->end - se->start < 20)
            continue;
        char *t = ls_story_text(s, se->start, se->end);
        if (!t)
            break;
        for (size_t c = 0; c < n_cast; c++) {
            if (have[c] >= CAST_EVIDENCE_PER)
                continue;
            if (mentions(t, cast[c].name) || (cast[c].full_name && mentions(t, cast[c].full_name))) {
                lsbuf_printf(&eb[c], " \"%s\"", t);
                used += strlen(t) + 3;
                if (++have[c] == CAST_EVIDENCE_PER)
                    complete++;
                break;
            }
        }
        longsd__free(t);
    }
    lsbuf_printf(&u, "Story: %s\nDescribe each of these characters:\n", s->title);
    for (size_t c = 0; c < n_cast; c++) {
        lsbuf_printf(&u, "- %s", cast[c].name);
        if (cast[c].full_name && strcmp(cast[c].full_name, cast[c].name) != 0)
            lsbuf_printf(&u, " (%s)", cast[c].full_name);
        if (eb[c].len)
            lsbuf_printf(&u, ": %s", eb[c].data);
        lsbuf_adds(&u, "\n");
        lsbuf_free(&eb[c]);
    }
    longsd__free(eb);
    longsd__free(ev);
    j.kind = JOB_CAST;
    j.system = longsd__asprintf(
        "You are the character designer for the illustrations of a story. For every character listed, write one "
        "fixed visual description that every picture of them will reuse: apparent age, build, face, hair, "
        "typical clothing, in 10 to 25 words of English whatever the story's language, consistent with the "
        "passages given and the story's time and place. No names, no text or letters. Answer with JSON only, in this form: %s",
        CAST_FORMAT);
    j.user = u.data ? lsbuf_steal(&u) : NULL;
    j.max_tokens = 60 * (int)n_cast + 200;
    if (!j.system || !j.user) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto done;
    }
    b->base.stats.text_bytes_sent += strlen(j.user);
    for (int round = 0; round < 2; round++) {
        job *jp = &j;
        if ((rc = run_round(b, &jp, 1, err)))
            goto done;
        int final = 0;
        char why[1100];
        lserr perr = {0};
        if (!job_problem(&j, why, sizeof why, &final)) {
            size_t matched = 0;
            longsd_status prc = ls_llm_parse_cast(j.content, strlen(j.content), cast, n_cast, &matched, &perr);
            if (prc == LONGSD_OK)
                break;
            if (prc == LONGSD_ERR_NOMEM) {
                rc = lserr_set(err, prc, "out of memory");
                goto done;
            }
            snprintf(why, sizeof why, "%.900s", perr.msg);
            scrub(b, why);
        }
        if (final || round == 1) { /* the cast still works, just undescribed */
            longsd__log(b->base.ctx, LONGSD_LOG_WARN, "cast descriptions from the LLM failed: %s", why);
            break;
        }
        if (make_corrective(b, &j, why, CAST_FORMAT)) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
done:
    lsbuf_free(&u);
    longsd__free(have);
    job_free(&j);
    if (rc) {
        ls_cast_free(cast, n_cast);
        return rc;
    }
    *cast_out = cast;
    *n_out = n_cast;
    return LONGSD_OK;
}

/* ------------------------------------------------------------------------
 * prompt-English */

static const char *PROMPT_FORMAT = "{\"prompt\": \"...\"}";

static longsd_status oa_write_prompts(ls_llm *base, const ls_idea *ideas, size_t n, const ls_character *cast,
                                      size_t n_cast, const longsd_style *style, ls_prompt *out, longsd_status *rcs,
                                      lserr *err)
{
    oa *b = (oa *)base;
    longsd_status rc = LONGSD_OK;
    job *js = longsd__calloc(n ? n : 1, sizeof *js);
    job **jp = longsd__calloc(n ? n : 1, sizeof *jp);
    int *done = longsd__calloc(n ? n : 1, sizeof *done);
    char *sys = longsd__asprintf(
        "You write prompts for Stable Diffusion 1.5. Rewrite the scene as prompt-English: comma-separated "
        "phrases naming what is visible (people by their appearance, never by name; action; place; light; "
        "mood), concrete nouns first, in English whatever the language of the scene, at most 40 words (with "
        "the style, the prompt must fit 75 CLIP tokens; the most important phrases first, as the end may be "
        "dropped). No pronouns, no quotation marks, no text, letters, signs or logos; no artist or style "
        "words (they are added after yours). Answer with JSON only: %s",
        PROMPT_FORMAT);
    if (!js || !jp || !done || !sys) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        rcs[i] = LONGSD_ERR_BACKEND;
        lsbuf u;
        lsbuf_init(&u, 0);
        lsbuf_printf(&u, "Scene: %s\n", ideas[i].scene);
        for (size_t c = 0; c < ideas[i].n_characters; c++) {
            const ls_character *m = cast_lookup(cast, n_cast, ideas[i].characters[c]);
            if (m && m->description && m->description[0])
                lsbuf_printf(&u, "%s looks like this: %s\n", m->name, m->description);
        }
        lsbuf_printf(&u, "Style that will be added: %s (%s)\n", style->name, style->suffix ? style->suffix : "");
        js[i].kind = JOB_PROMPT;
        js[i].system = longsd__strdup(sys);
        js[i].user = u.data ? lsbuf_steal(&u) : NULL;
        js[i].max_tokens = 200;
        lsbuf_free(&u);
        if (!js[i].system || !js[i].user) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    for (int round = 0; round < 2; round++) {
        size_t nj = 0;
        for (size_t i = 0; i < n; i++)
            if (!done[i])
                jp[nj++] = &js[i];
        if (!nj)
            break;
        if ((rc = run_round(b, jp, nj, err)))
            goto out;
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            int final = 0;
            char why[1100] = "";
            if (!job_problem(&js[i], why, sizeof why, &final)) {
                char w2[160];
                json_t *root = ls_llm_json_extract(js[i].content, strlen(js[i].content), NULL, w2, sizeof w2);
                json_t *pv = json_object_get(root, "prompt");
                if (!root)
                    snprintf(why, sizeof why, "%s", w2);
                else if (!json_is_string(pv) || json_string_length(pv) == 0 || json_string_length(pv) > 2000)
                    snprintf(why, sizeof why, "\"prompt\" is missing, empty or too long");
                else {
                    ls_idea tmp = ideas[i];
                    tmp.characters = NULL; /* the writer already described them */
                    tmp.n_characters = 0;
                    tmp.scene = ls_prompt_sanitize(json_string_value(pv));
                    lserr perr = {0};
                    longsd_status prc = tmp.scene ? ls_prompt_build(&tmp, cast, n_cast, style, &out[i], &perr)
                                                  : LONGSD_ERR_NOMEM;
                    longsd__free(tmp.scene);
                    json_decref(root);
                    if (prc == LONGSD_OK) {
                        done[i] = 1;
                        rcs[i] = LONGSD_OK;
                        continue;
                    }
                    if (prc == LONGSD_ERR_NOMEM) {
                        rc = lserr_set(err, prc, "out of memory");
                        goto out;
                    }
                    snprintf(why, sizeof why, "%.900s", perr.msg);
                    root = NULL;
                }
                json_decref(root);
            }
            if (final || round == 1) {
                done[i] = -1;
                scrub(b, why);
                longsd__log(b->base.ctx, LONGSD_LOG_WARN, "%s: LLM prompt failed (%s); using the rule-based writer",
                            ideas[i].id, why);
                continue;
            }
            if (make_corrective(b, &js[i], why, PROMPT_FORMAT)) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
        }
    }
out:
    for (size_t i = 0; js && i < n; i++)
        job_free(&js[i]);
    longsd__free(js);
    longsd__free(jp);
    longsd__free(done);
    longsd__free(sys);
    return rc;
}

/* ------------------------------------------------------------------------
 * create / destroy */

static void oa_destroy(ls_llm *base)
{
    oa *b = (oa *)base;
    if (!b)
        return;
    longsd__free(b->base_url);
    longsd__free(b->chat_url);
    longsd__free(b->model);
    if (b->key) {
        memset(b->key, 0, strlen(b->key));
        longsd__free(b->key);
    }
    if (b->auth) {
        memset(b->auth, 0, strlen(b->auth));
        longsd__free(b->auth);
    }
    ls_llm_cache_close(&b->cache);
    longsd__free(b);
}

static longsd_status oa_create(longsd_ctx *ctx, const longsd_llm_params *p, ls_llm **out, lserr *err)
{
    const char *url = p->url && *p->url ? p->url : getenv("OPENAI_BASE_URL");
    if (!url || !*url)
        url = DEFAULT_URL;
    const char *key = p->api_key && *p->api_key ? p->api_key : getenv("OPENAI_API_KEY");
    if (!key || !*key)
        key = getenv("OPENAI_TOKEN"); /* the original project's name */
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return lserr_set(err, LONGSD_ERR_PARAM, "--llm-url \"%.200s\": expected an http:// or https:// URL", url);
    if (p->context < 1024 || p->context > 10000000)
        return lserr_set(err, LONGSD_ERR_PARAM, "--llm-context must be between 1024 and 10000000 tokens (got %d)",
                         p->context);
    if (p->parallel < 1 || p->parallel > 32)
        return lserr_set(err, LONGSD_ERR_PARAM, "--llm-parallel must be between 1 and 32 (got %d)", p->parallel);
    if (key && (strchr(key, '\n') || strchr(key, '\r')))
        return lserr_set(err, LONGSD_ERR_PARAM, "the API key contains a line break");
    /* the public API refuses every request without a key: say so before
     * the first one, not after a round of failed requests per part */
    if ((!key || !*key) && strcmp(url, DEFAULT_URL) == 0)
        return lserr_set(err, LONGSD_ERR_PARAM, "no API key: set OPENAI_API_KEY, or --llm-url for a local server");
    oa *b = longsd__calloc(1, sizeof *b);
    if (!b)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    b->base.ops = &ls_llm_openai_ops;
    b->base.ctx = ctx;
    b->p = *p;
    if (!b->p.max_reply_bytes)
        b->p.max_reply_bytes = (size_t)8 << 20;
    size_t ul = strlen(url);
    while (ul > 8 && url[ul - 1] == '/')
        ul--;
    b->base_url = longsd__strndup(url, ul);
    b->chat_url = longsd__asprintf("%.*s/chat/completions", (int)ul, url);
    b->model = longsd__strdup(p->model && *p->model ? p->model : DEFAULT_MODEL);
    if (key && *key) {
        longsd__redact_add_secret(key); /* before any request can echo it */
        b->key = longsd__strdup(key);
        b->auth = longsd__asprintf("Authorization: Bearer %s", key);
    }
    if (!b->base_url || !b->chat_url || !b->model || (key && *key && (!b->key || !b->auth)) ||
        ls_llm_cache_open(&b->cache, p->cache_dir, p->no_cache)) {
        oa_destroy(&b->base);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    char shown[512];
    ls_http_redact_url(b->base_url, shown, sizeof shown);
    snprintf(b->base.key, sizeof b->base.key, "openai|%016llx|%d",
             (unsigned long long)lsfnv1a64(b->model, strlen(b->model), lsfnv1a64(shown, strlen(shown), LSFNV_SEED)),
             p->context);
    *out = &b->base;
    return LONGSD_OK;
}

const ls_llm_ops ls_llm_openai_ops = {
    .name = "openai",
    .create = oa_create,
    .cast = oa_cast,
    .ideas = oa_ideas,
    .write_prompts = oa_write_prompts,
    .destroy = oa_destroy,
};
