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
 * message that could echo it is scrubbed.
 *
 * This file is the backend (ideas, cast, prompts, create/destroy); requests
 * are built in llm_openai_request.c, run in llm_openai_transport.c and
 * parsed in llm_openai_reply.c (llm_openai_int.h). */
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
 * secrets */

/* Redact s (in place, a buffer of at least strlen(s)+1 bytes): the key and
 * anything shaped like one (redact.c). */
void oa_scrub(const oa *b, char *s)
{
    (void)b; /* the key was registered with the redactor in create */
    if (s)
        longsd__redact_inplace(s, strlen(s) + 1);
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
    if (!(sys = oa_ideas_system()))
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    /* chunks of every part */
    for (size_t pi = 0; pi < n_parts; pi++) {
        size_t *bd = NULL, nb = 0;
        if ((rc = oa_chunk_part(s, &parts[pi], budget, &bd, &nb))) {
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
            char *text = oa_span_text(s, x->start, x->end);
            x->j.kind = JOB_IDEAS;
            x->j.want = x->want;
            x->j.system = longsd__strdup(sys);
            x->j.user = text ? oa_ideas_user(s, &parts[pi], pi, n_parts, c, nb, x->want, cast, n_cast, text) : NULL;
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
        if ((rc = oa_run_round(b, jobs, nj, err)))
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
            if (!oa_job_problem(&x->j, why, sizeof why, &final)) {
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
                oa_scrub(b, why);
            }
            if (final || round == 1) {
                x->done = -1;
                snprintf(x->why, sizeof x->why, "%s%s", why,
                         round == 1 && !final ? " (after a corrective retry)" : "");
                continue;
            }
            if (oa_make_corrective(b, &x->j, why, OA_IDEAS_FORMAT)) {
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
        oa_job_free(&ch[i].j);
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
        if ((rc = oa_run_round(b, &jp, 1, err)))
            goto done;
        int final = 0;
        char why[1100];
        lserr perr = {0};
        if (!oa_job_problem(&j, why, sizeof why, &final)) {
            size_t matched = 0;
            longsd_status prc = ls_llm_parse_cast(j.content, strlen(j.content), cast, n_cast, &matched, &perr);
            if (prc == LONGSD_OK)
                break;
            if (prc == LONGSD_ERR_NOMEM) {
                rc = lserr_set(err, prc, "out of memory");
                goto done;
            }
            snprintf(why, sizeof why, "%.900s", perr.msg);
            oa_scrub(b, why);
        }
        if (final || round == 1) { /* the cast still works, just undescribed */
            longsd__log(b->base.ctx, LONGSD_LOG_WARN, "cast descriptions from the LLM failed: %s", why);
            break;
        }
        if (oa_make_corrective(b, &j, why, CAST_FORMAT)) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
done:
    lsbuf_free(&u);
    longsd__free(have);
    oa_job_free(&j);
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
            const ls_character *m = oa_cast_lookup(cast, n_cast, ideas[i].characters[c]);
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
        if ((rc = oa_run_round(b, jp, nj, err)))
            goto out;
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            int final = 0;
            char why[1100] = "";
            if (!oa_job_problem(&js[i], why, sizeof why, &final)) {
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
                oa_scrub(b, why);
                longsd__log(b->base.ctx, LONGSD_LOG_WARN, "%s: LLM prompt failed (%s); using the rule-based writer",
                            ideas[i].id, why);
                continue;
            }
            if (oa_make_corrective(b, &js[i], why, PROMPT_FORMAT)) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
        }
    }
out:
    for (size_t i = 0; js && i < n; i++)
        oa_job_free(&js[i]);
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
