/* llm_openai_request.c - request building for the OpenAI-compatible
 * backend: a job's chat body (messages, the corrective turn, structured
 * output schemas), the corrective follow-up, a part's text cut into chunks
 * that fit the model's context, and the ideas messages. */
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

void oa_job_reset(job *j)
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

void oa_job_free(job *j)
{
    oa_job_reset(j);
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

char *oa_job_body(const oa *b, const job *j, int mode)
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

/* Turn j into its corrective follow-up. */
longsd_status oa_make_corrective(oa *b, job *j, const char *why, const char *format_hint)
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

/* Text of [a, b) of the story, paragraphs separated by blank lines. */
char *oa_span_text(const longsd_story *s, size_t a, size_t b)
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
longsd_status oa_chunk_part(const longsd_story *s, const ls_part *p, size_t budget, size_t **bounds,
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

const char *const OA_IDEAS_FORMAT =
    "{\"ideas\": [{\"title\": \"a few words\", \"scene\": \"what the picture shows\", \"characters\": [\"names\"], "
    "\"quote\": \"words copied exactly from the text\"}]}";

char *oa_ideas_system(void)
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
        OA_IDEAS_FORMAT);
}

char *oa_ideas_user(const longsd_story *s, const ls_part *p, size_t pi, size_t n_parts, size_t ci, size_t nc,
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
