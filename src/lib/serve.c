/* serve.c - `longsd serve`: an HTTP server on libmicrohttpd (one internal
 * polling thread answers requests; one worker thread renders) over the plans
 * of a workspace. Every change is read-modify-write of the plan file under
 * the workspace lock with an atomic save, never a copy held in memory, so a
 * second tab, `longsd choose` or a later `longsd run` always sees what the
 * page did and the page sees what they did. A render works on a snapshot of
 * the plan without the lock (it takes seconds to minutes) and records its
 * images by one more locked read-modify-write, kept only where the idea's
 * prompt is still the one drawn. Requests are checked in serve_req.c. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "plan.h"
#include "pool.h"
#include "serve.h"
#include "serve_req.h"
#include "wspath.h"

#define MAX_BOOKS 256
#define MAX_JOBS 64 /* kept for the progress view, oldest finished dropped first */
#define MAX_IMAGE_BYTES ((size_t)64 << 20)

enum { JOB_QUEUED = 0, JOB_RUNNING, JOB_DONE, JOB_FAILED };

typedef struct {
    char book[128];
    char idea[48];
    int state;
    size_t done, total;
    char msg[512];
    unsigned long id;
} job;

typedef struct {
    char name[128];
    longsd_story *story;    /* the text, for the page and the story layout; NULL if not found */
    char story_sha[65];
} book;

typedef struct {
    longsd_ctx *ctx;        /* the caller's: abort polling only */
    longsd_ctx *hctx;       /* the HTTP thread's */
    longsd_ctx *wctx;       /* the worker's */
    char ws[4096];
    book books[MAX_BOOKS];
    size_t n_books;
    char token[33];
    char hosts[LS_SERVE_MAX_HOSTS][96];
    ls_serve_policy policy;
    longsd_render_params rp;
    int candidates;
    const char *styles_file;
    pthread_mutex_t mu;     /* plans (read-modify-write), jobs, stories */
    pthread_cond_t cv;
    job jobs[MAX_JOBS];
    size_t n_jobs;
    unsigned long next_id;
    int stop;
} srv;

/* ---- small helpers */

static book *find_book(srv *s, const char *name)
{
    for (size_t i = 0; i < s->n_books; i++)
        if (strcmp(s->books[i].name, name) == 0)
            return &s->books[i];
    return NULL;
}

static void plan_path(const srv *s, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/image_prompts/%s.json", s->ws, name);
}

/* The text a plan was made from: as recorded, else texts/<name>.txt of the
 * workspace; only if its bytes are still the plan's (the anchors point at them). */
static void load_story(srv *s, book *b, const longsd_plan *plan)
{
    if (b->story && strcmp(b->story_sha, longsd_plan_source_sha256(plan)) == 0)
        return;
    longsd_story_free(b->story);
    b->story = NULL;
    char alt[4300];
    const char *cands[3] = {longsd_plan_source(plan), alt, NULL};
    snprintf(alt, sizeof alt, "%s/texts/%s.txt", s->ws, b->name);
    longsd_story_params sp = longsd_story_default_params();
    for (int i = 0; cands[i]; i++) {
        longsd_story *st = NULL;
        if (!cands[i][0] || access(cands[i], R_OK) != 0 || longsd_story_load(s->hctx, cands[i], &sp, &st))
            continue;
        if (strcmp(longsd_story_sha256(st), longsd_plan_source_sha256(plan)) == 0) {
            b->story = st;
            snprintf(b->story_sha, sizeof b->story_sha, "%s", longsd_story_sha256(st));
            return;
        }
        longsd_story_free(st);
    }
}

/* ---- responses */

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, const char *type, const void *data,
                                size_t n, enum MHD_ResponseMemoryMode mode)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(n, (void *)data, mode);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                            "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* j is consumed */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
    char *txt = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!txt)
        return send_buf(c, 503, "text/plain", "out of memory\n", 14, MHD_RESPMEM_PERSISTENT);
    size_t n = strlen(txt);
    char *copy = malloc(n + 1); /* MHD frees with free() */
    if (!copy) {
        free(txt);
        return send_buf(c, 503, "text/plain", "out of memory\n", 14, MHD_RESPMEM_PERSISTENT);
    }
    memcpy(copy, txt, n + 1);
    free(txt);
    return send_buf(c, status, "application/json", copy, n, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
    /* messages come from lserr_set, which redacts keys; say so once more */
    return send_json(c, status, json_pack("{s:s}", "error", msg ? msg : "error"));
}

/* ---- the book as the page sees it */

static json_t *candidate_json(const srv *s, const char *bookname, const longsd_candidate_info *ci, size_t k)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:b}", "k", (json_int_t)k + 1, "seed", (json_int_t)ci->seed, "state",
                          ci->image_state == LONGSD_IMAGE_DONE ? "done" : ci->image_state == LONGSD_IMAGE_FAILED ? "failed"
                                                                                                             : "pending",
                          "chosen", ci->chosen);
    if (o && ci->image_file) {
        const char *base = strrchr(ci->image_file, '/');
        base = base ? base + 1 : ci->image_file;
        char full[8300], url[600];
        struct stat st;
        snprintf(full, sizeof full, "%s/%s", s->ws, ci->image_file);
        long long v = stat(full, &st) == 0 ? (long long)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000 : 0;
        if (v) { /* mtime in the URL: a re-render under the same name is fetched again */
            snprintf(url, sizeof url, "/img/%s/%s?t=%s&v=%lld", bookname, base, s->token, v);
            json_object_set_new(o, "url", json_string(url));
        }
    }
    if (o && ci->image_error)
        json_object_set_new(o, "error", json_string(ci->image_error));
    if (o && ci->kept) /* a picture of an earlier prompt: what it shows */
        json_object_set_new(o, "kept", json_pack("{s:s, s:s}", "style", ci->style ? ci->style : "", "prompt",
                                                 ci->prompt ? ci->prompt : ""));
    return o;
}

static json_t *book_json(srv *s, book *b, const longsd_plan *plan)
{
    json_t *ideas = json_array(), *cast = json_array(), *paras = json_array(), *parts = json_array(),
           *styles = json_array();
    for (size_t i = 0; i < longsd_plan_n_ideas(plan); i++) {
        longsd_idea_info ii;
        longsd_plan_idea(plan, i, &ii);
        json_t *chars = json_array(), *cands = json_array();
        for (size_t k = 0; k < ii.n_characters; k++)
            json_array_append_new(chars, json_string(ii.characters[k]));
        for (size_t k = 0; k < longsd_plan_n_candidates(plan, i); k++) {
            longsd_candidate_info ci;
            longsd_plan_candidate(plan, i, k, &ci);
            json_array_append_new(cands, candidate_json(s, b->name, &ci, k));
        }
        json_array_append_new(ideas, json_pack("{s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:i, s:s, s:o, s:o, "
                                               "s:I, s:i, s:i, s:i}",
                                               "id", ii.id, "part", (json_int_t)ii.part, "title", ii.title, "scene",
                                               ii.scene, "quote", ii.quote, "paragraph", (json_int_t)ii.paragraph,
                                               "prompt", ii.prompt, "negative", ii.negative, "seed",
                                               (json_int_t)ii.seed, "tokens", ii.prompt_tokens, "style", ii.style,
                                               "characters", chars, "candidates", cands, "chosen",
                                               (json_int_t)longsd_plan_chosen(plan, i) + 1, "state", ii.image_state,
                                               "width", ii.width, "height", ii.height));
    }
    for (size_t i = 0; i < longsd_plan_n_characters(plan); i++) {
        longsd_character_info ci;
        longsd_plan_character(plan, i, &ci);
        json_array_append_new(cast, json_pack("{s:s, s:s, s:I, s:s}", "name", ci.name, "full_name", ci.full_name,
                                              "mentions", (json_int_t)ci.mentions, "description", ci.description));
    }
    for (size_t i = 0; i < longsd_plan_n_parts(plan); i++) {
        longsd_part_info pi;
        longsd_plan_part(plan, i, &pi);
        json_array_append_new(parts, json_pack("{s:s, s:s, s:I}", "id", pi.id, "label", pi.label ? pi.label : pi.id,
                                               "first", (json_int_t)pi.first_paragraph));
    }
    load_story(s, b, plan);
    for (size_t i = 0; b->story && i < longsd_story_n_paragraphs(b->story); i++) {
        longsd_paragraph_info pi;
        char *t = longsd_story_paragraph_text(b->story, i);
        if (longsd_story_paragraph(b->story, i, &pi) || !t) {
            longsd_free(t);
            break;
        }
        json_array_append_new(paras, pi.is_heading ? json_pack("{s:s, s:b}", "t", t, "h", 1) : json_pack("{s:s}", "t", t));
        longsd_free(t);
    }
    for (size_t i = 0; i < longsd_n_builtin_styles(); i++)
        json_array_append_new(styles, json_string(longsd_builtin_style(i)->name));
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "name", b->name, "title",
                     longsd_plan_title(plan), "author", longsd_plan_author(plan), "parts", parts, "ideas", ideas,
                     "cast", cast, "paragraphs", paras, "styles", styles, "has_text", b->story != NULL, "can_render",
                     s->rp.n_backends > 0);
}

/* ---- the render queue */

/* with s->mu held */
static void queue_render(srv *s, const char *bookname, const char *idea)
{
    for (size_t i = 0; i < s->n_jobs; i++) /* already waiting: it will draw the latest plan */
        if (s->jobs[i].state == JOB_QUEUED && !strcmp(s->jobs[i].book, bookname) && !strcmp(s->jobs[i].idea, idea))
            return;
    if (s->n_jobs == MAX_JOBS) { /* drop the oldest finished one */
        size_t k = 0;
        while (k < s->n_jobs && s->jobs[k].state < JOB_DONE)
            k++;
        if (k == s->n_jobs)
            return; /* 64 in flight: the page shows them; a later click queues again */
        memmove(&s->jobs[k], &s->jobs[k + 1], (s->n_jobs - k - 1) * sizeof *s->jobs);
        s->n_jobs--;
    }
    job *j = &s->jobs[s->n_jobs++];
    memset(j, 0, sizeof *j);
    snprintf(j->book, sizeof j->book, "%s", bookname);
    snprintf(j->idea, sizeof j->idea, "%s", idea);
    j->id = ++s->next_id;
    snprintf(j->msg, sizeof j->msg, "%s", s->rp.n_backends ? "queued" : "no image backend: give --backend to serve");
    if (!s->rp.n_backends)
        j->state = JOB_FAILED;
    pthread_cond_signal(&s->cv);
}

typedef struct {
    srv *s;
    unsigned long id;
} render_user;

static job *job_by_id(srv *s, unsigned long id)
{
    for (size_t i = 0; i < s->n_jobs; i++)
        if (s->jobs[i].id == id)
            return &s->jobs[i];
    return NULL;
}

static void on_progress(void *user, const longsd_render_progress *p)
{
    render_user *u = user;
    pthread_mutex_lock(&u->s->mu);
    job *j = job_by_id(u->s, u->id);
    if (j) {
        j->done = p->skipped + p->done + p->failed;
        j->total = p->total;
        if (p->event)
            longsd_term_text(p->event, j->msg, sizeof j->msg, 0);
    }
    pthread_mutex_unlock(&u->s->mu);
}

static int worker_abort(void *user)
{
    srv *s = user;
    return __atomic_load_n(&s->stop, __ATOMIC_RELAXED);
}

static int same_str(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

/* Take the images of idea id from the rendered snapshot into the plan on
 * disk, where that idea still asks for the same pictures. */
static size_t take_images(longsd_plan *fresh, const longsd_plan *snap, const char *id)
{
    size_t fi, si, n = 0;
    if (longsd_plan_find_idea(fresh, id, &fi) || longsd_plan_find_idea(snap, id, &si))
        return 0;
    ls_plan_idea *f = &fresh->ideas[fi];
    const ls_plan_idea *o = &snap->ideas[si];
    if (!same_str(f->prompt, o->prompt) || !same_str(f->negative, o->negative) || f->width != o->width ||
        f->height != o->height || f->steps != o->steps || f->cfg_scale != o->cfg_scale ||
        !same_str(f->sampler, o->sampler))
        return 0; /* edited while it rendered: the next render draws the edit */
    for (size_t k = 0; k < longsd_plan_n_candidates(snap, si); k++) {
        longsd_candidate_info c;
        longsd_plan_candidate(snap, si, k, &c);
        for (size_t m = 0; m < longsd_plan_n_candidates(fresh, fi); m++) {
            longsd_candidate_info d;
            longsd_plan_candidate(fresh, fi, m, &d);
            if (d.draw == c.draw && d.seed == c.seed &&
                ls_cands_set_image(f, m, c.image_state, c.image_file, c.image_error) == LONGSD_OK)
                n++;
        }
    }
    return n;
}

static void *worker_main(void *arg)
{
    srv *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        job *j = NULL;
        for (size_t i = 0; i < s->n_jobs && !j; i++)
            if (s->jobs[i].state == JOB_QUEUED)
                j = &s->jobs[i];
        if (!j) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&s->cv, &s->mu, &ts);
            continue;
        }
        j->state = JOB_RUNNING;
        snprintf(j->msg, sizeof j->msg, "rendering");
        render_user u = {s, j->id};
        char bookname[128], idea[48], path[4400];
        snprintf(bookname, sizeof bookname, "%s", j->book);
        snprintf(idea, sizeof idea, "%s", j->idea);
        plan_path(s, bookname, path, sizeof path);
        longsd_plan *snap = NULL;
        longsd_status rc = longsd_plan_load(s->wctx, path, &snap);
        pthread_mutex_unlock(&s->mu);
        char msg[512] = "";
        if (!rc) {
            longsd_render_params rp = s->rp;
            const char *only[1] = {idea};
            rp.only = only;
            rp.n_only = 1;
            rp.plan_path = NULL; /* recorded below, under the lock */
            rc = longsd_render_plan(s->wctx, snap, s->ws, &rp, on_progress, &u);
            if (rc && rc != LONGSD_ERR_BACKEND)
                snprintf(msg, sizeof msg, "%s", longsd_errmsg(s->wctx));
        } else
            snprintf(msg, sizeof msg, "%s", longsd_errmsg(s->wctx));
        pthread_mutex_lock(&s->mu);
        if (snap && rc != LONGSD_ERR_PARAM) {
            longsd_lock *lk = NULL;
            longsd_plan *fresh = NULL;
            if (longsd_plan_lock(s->wctx, path, &lk) || longsd_plan_load(s->wctx, path, &fresh) ||
                (take_images(fresh, snap, idea) && longsd_plan_save(s->wctx, fresh, path)))
                snprintf(msg, sizeof msg, "the images are drawn but not recorded: %s", longsd_errmsg(s->wctx));
            longsd_plan_free(fresh);
            longsd_plan_unlock(lk);
        }
        if (!msg[0] && rc == LONGSD_ERR_BACKEND) {
            size_t si;
            longsd_candidate_info c;
            snprintf(msg, sizeof msg, "some pictures failed");
            for (size_t k = 0; !longsd_plan_find_idea(snap, idea, &si) && k < longsd_plan_n_candidates(snap, si); k++)
                if (!longsd_plan_candidate(snap, si, k, &c) && c.image_error)
                    snprintf(msg, sizeof msg, "%s", c.image_error);
        }
        longsd_plan_free(snap);
        if ((j = job_by_id(s, u.id))) {
            j->state = msg[0] ? JOB_FAILED : JOB_DONE;
            if (msg[0])
                longsd_term_text(msg, j->msg, sizeof j->msg, 0);
            else
                snprintf(j->msg, sizeof j->msg, "done");
        }
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* ---- one change to a plan: lock, load, apply, save, unlock (with s->mu held) */

typedef struct {
    srv *s;
    const ls_serve_action *a;
    size_t idea;
    char rerender[MAX_BOOKS][48]; /* ideas to draw after the change */
    size_t n_rerender;
} change;

static void want_render(change *ch, const char *id)
{
    if (ch->n_rerender < MAX_BOOKS)
        snprintf(ch->rerender[ch->n_rerender++], sizeof ch->rerender[0], "%s", id);
}

static longsd_status apply(change *ch, longsd_ctx *ctx, longsd_plan *plan)
{
    const ls_serve_action *a = ch->a;
    srv *s = ch->s;
    if (a->idea[0] && longsd_plan_find_idea(plan, a->idea, &ch->idea))
        return lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "no idea \"%s\" in %s", a->idea, longsd_plan_name(plan));
    size_t i = ch->idea;
    switch (a->route) {
    case LS_ROUTE_CHOOSE:
        return longsd_plan_choose(ctx, plan, i, (size_t)a->k - 1);
    case LS_ROUTE_REROLL: {
        size_t n = a->n > 0 ? (size_t)a->n : longsd_plan_n_candidates(plan, i);
        if (a->n <= 0 && n < (size_t)s->candidates)
            n = (size_t)s->candidates;
        longsd_status rc = longsd_plan_set_candidates(ctx, plan, i, n);
        if (!rc)
            rc = longsd_plan_reroll(ctx, plan, i);
        if (!rc)
            want_render(ch, a->idea);
        return rc;
    }
    case LS_ROUTE_EDIT: {
        longsd_idea_edit e = longsd_idea_edit_default();
        e.scene = a->scene;
        e.prompt = a->prompt;
        e.negative = a->negative;
        e.style = a->style && a->style[0] ? a->style : NULL;
        e.seed = a->seed;
        e.styles_file = s->styles_file;
        longsd_status rc = longsd_plan_edit_idea(ctx, plan, i, &e);
        if (!rc)
            want_render(ch, a->idea);
        return rc;
    }
    case LS_ROUTE_CAST: {
        /* only the ideas whose prompt the new description rewrote are drawn
         * again: those that show the character (an idea pending for another
         * reason waits for its own click or `longsd run`) */
        size_t n = longsd_plan_n_ideas(plan);
        char **before = longsd__calloc(n ? n : 1, sizeof *before);
        if (!before)
            return lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
        longsd_status rc = LONGSD_OK;
        for (size_t k = 0; k < n && !rc; k++) {
            longsd_idea_info ii;
            longsd_plan_idea(plan, k, &ii);
            if (!(before[k] = longsd__strdup(ii.prompt ? ii.prompt : "")))
                rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
        }
        if (!rc)
            rc = longsd_plan_set_description(ctx, plan, a->name, a->description, s->styles_file, NULL);
        for (size_t k = 0; !rc && k < n; k++) {
            longsd_idea_info ii;
            longsd_plan_idea(plan, k, &ii);
            if (!same_str(before[k], ii.prompt))
                want_render(ch, ii.id);
        }
        for (size_t k = 0; k < n; k++)
            longsd__free(before[k]);
        longsd__free(before);
        return rc;
    }
    case LS_ROUTE_RENDER:
        want_render(ch, a->idea);
        return LONGSD_OK;
    }
    return LONGSD_OK;
}

static enum MHD_Result do_change(srv *s, struct MHD_Connection *c, const ls_serve_action *a, book *b)
{
    char path[4400];
    plan_path(s, b->name, path, sizeof path);
    longsd_ctx *ctx = s->hctx;
    longsd_lock *lk = NULL;
    longsd_plan *plan = NULL;
    static change ch; /* big; one HTTP thread, under s->mu */
    memset(&ch, 0, sizeof ch);
    ch.s = s;
    ch.a = a;
    unsigned status = 200;
    pthread_mutex_lock(&s->mu);
    longsd_status rc = longsd_plan_lock(ctx, path, &lk);
    if (rc)
        status = 409; /* a longsd run holds it: nothing changed, say who */
    else if ((rc = longsd_plan_load(ctx, path, &plan)))
        status = 500;
    else if ((rc = apply(&ch, ctx, plan)))
        status = rc == LONGSD_ERR_NOT_FOUND ? 404 : rc == LONGSD_ERR_PARAM || rc == LONGSD_ERR_INPUT ? 400 : 500;
    else if (a->route != LS_ROUTE_RENDER && (rc = longsd_plan_save(ctx, plan, path)))
        status = 500;
    json_t *out = NULL;
    if (!rc) {
        for (size_t k = 0; k < ch.n_rerender; k++)
            queue_render(s, b->name, ch.rerender[k]);
        out = json_pack("{s:b, s:o}", "ok", 1, "book", book_json(s, b, plan));
    } else
        out = json_pack("{s:s}", "error", longsd_errmsg(ctx));
    longsd_plan_unlock(lk);
    pthread_mutex_unlock(&s->mu);
    longsd_plan_free(plan);
    return send_json(c, status, out);
}

/* ---- export: the documents of the book from the plan on disk */

static enum MHD_Result do_export(srv *s, struct MHD_Connection *c, const ls_serve_action *a, book *b)
{
    char path[4400], out[4400];
    longsd_ctx *ctx = s->hctx;
    longsd_plan *plan = NULL;
    plan_path(s, b->name, path, sizeof path);
    pthread_mutex_lock(&s->mu);
    longsd_status rc = longsd_plan_load(ctx, path, &plan);
    json_t *written = json_array();
    unsigned fm = a->formats ? a->formats : LS_FMT_DOCX | LS_FMT_EPUB | LS_FMT_HTML;
    if (!rc) {
        load_story(s, b, plan);
        longsd_doc_params d = longsd_doc_default_params();
        d.workspace = s->ws;
        d.story = b->story;
        d.layout = b->story ? LONGSD_LAYOUT_STORY : LONGSD_LAYOUT_GALLERY;
        static const struct {
            unsigned bit;
            const char *dir, *ext;
        } f[] = {{LS_FMT_DOCX, "docx", ".docx"}, {LS_FMT_EPUB, "epub", ".epub"}, {LS_FMT_HTML, "html", ""}};
        for (size_t k = 0; !rc && k < 3; k++) {
            if (!(fm & f[k].bit))
                continue;
            snprintf(out, sizeof out, "%s/%s/%s%s", s->ws, f[k].dir, b->name, f[k].ext);
            lserr e;
            if ((rc = lsfile_mkdirs(out, 0, &e))) {
                ctx->err = e;
                break;
            }
            rc = f[k].bit == LS_FMT_DOCX   ? longsd_docx_write(ctx, plan, out, &d)
                 : f[k].bit == LS_FMT_EPUB ? longsd_epub_write(ctx, plan, out, &d)
                                           : longsd_html_write(ctx, plan, out, &d);
            char rel[300];
            snprintf(rel, sizeof rel, "%s/%s%s", f[k].dir, b->name, f[k].ext);
            if (!rc)
                json_array_append_new(written, json_string(rel));
        }
    }
    json_t *resp = rc ? json_pack("{s:s}", "error", longsd_errmsg(ctx))
                      : json_pack("{s:b, s:O, s:s}", "ok", 1, "written", written, "layout",
                                  b->story ? "story" : "gallery");
    json_decref(written);
    pthread_mutex_unlock(&s->mu);
    longsd_plan_free(plan);
    return send_json(c, rc ? 500 : 200, resp);
}

/* ---- files: images of a book, exported documents (beneath the workspace) */

static enum MHD_Result send_file(srv *s, struct MHD_Connection *c, const char *rel, const char *type)
{
    char *data = NULL;
    size_t n = 0;
    int missing = 0;
    lserr e;
    if (ls_wspath_read(s->ws, rel, MAX_IMAGE_BYTES, &data, &n, &missing, &e))
        return send_error(c, missing ? 404 : 403, missing ? "no such file" : "refused: not a plain file of the workspace");
    char *copy = malloc(n ? n : 1); /* MHD frees with free() */
    if (!copy) {
        longsd__free(data);
        return send_error(c, 503, "out of memory");
    }
    memcpy(copy, data, n);
    longsd__free(data);
    return send_buf(c, 200, type, copy, n, MHD_RESPMEM_MUST_FREE);
}

/* ---- the request handler */

typedef struct {
    char *body;
    size_t n;
    int too_big;
} conn_state;

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    srv *s = cls;
    (void)version;
    conn_state *cs = *con_cls;
    if (!cs) { /* first call: headers only */
        if (!(cs = calloc(1, sizeof *cs)))
            return MHD_NO;
        *con_cls = cs;
        return MHD_YES;
    }
    size_t cap = s->policy.max_body ? s->policy.max_body : LS_SERVE_MAX_BODY;
    if (*upload_size) { /* a piece of the body: keep it up to the cap, count the rest */
        if (!cs->too_big && cs->n + *upload_size <= cap) {
            char *nb = realloc(cs->body, cs->n + *upload_size + 1);
            if (!nb)
                return MHD_NO;
            memcpy(nb + cs->n, upload, *upload_size);
            cs->body = nb;
            cs->n += *upload_size;
        } else
            cs->too_big = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    const char *tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Longsd-Token");
    if (!tok)
        tok = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "t");
    ls_serve_req r = {
        .method = method,
        .path = url,
        .host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST),
        .origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin"),
        .token = tok,
        .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .body = cs->body,
        .body_len = cs->n,
        .body_too_big = cs->too_big,
    };
    ls_serve_action a;
    ls_serve_route(&s->policy, &r, &a);
    enum MHD_Result ret;
    book *b = a.book[0] ? find_book(s, a.book) : NULL;
    if (a.status)
        ret = send_error(c, (unsigned)a.status, a.why);
    else if (a.book[0] && !b)
        ret = send_error(c, 404, "no such book on this server");
    else if (a.route == LS_ROUTE_ASSET || a.route == LS_ROUTE_PAGE) {
        const char *data, *type;
        size_t n;
        if (ls_serve_asset(a.route == LS_ROUTE_PAGE ? "index.html" : a.file, &data, &n, &type))
            ret = send_error(c, 404, "no such asset");
        else
            ret = send_buf(c, 200, type, data, n, MHD_RESPMEM_PERSISTENT);
    } else if (a.route == LS_ROUTE_BOOKS) {
        json_t *list = json_array();
        pthread_mutex_lock(&s->mu);
        for (size_t i = 0; i < s->n_books; i++) {
            char path[4400];
            longsd_plan *p = NULL;
            plan_path(s, s->books[i].name, path, sizeof path);
            if (longsd_plan_load(s->hctx, path, &p) == LONGSD_OK) {
                size_t done = 0;
                for (size_t k = 0; k < longsd_plan_n_ideas(p); k++) {
                    longsd_idea_info ii;
                    longsd_plan_idea(p, k, &ii);
                    done += ii.image_state == LONGSD_IMAGE_DONE;
                }
                json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I, s:I}", "name", s->books[i].name, "title",
                                                      longsd_plan_title(p), "author", longsd_plan_author(p), "ideas",
                                                      (json_int_t)longsd_plan_n_ideas(p), "done", (json_int_t)done));
            }
            longsd_plan_free(p);
        }
        pthread_mutex_unlock(&s->mu);
        ret = send_json(c, 200, json_pack("{s:o}", "books", list));
    } else if (a.route == LS_ROUTE_BOOK) {
        char path[4400];
        longsd_plan *p = NULL;
        plan_path(s, b->name, path, sizeof path);
        pthread_mutex_lock(&s->mu);
        if (longsd_plan_load(s->hctx, path, &p))
            ret = send_error(c, 500, longsd_errmsg(s->hctx));
        else
            ret = send_json(c, 200, book_json(s, b, p));
        pthread_mutex_unlock(&s->mu);
        longsd_plan_free(p);
    } else if (a.route == LS_ROUTE_PROGRESS) {
        json_t *jobs = json_array();
        int busy = 0;
        pthread_mutex_lock(&s->mu);
        for (size_t i = 0; i < s->n_jobs; i++) {
            const job *j = &s->jobs[i];
            if (strcmp(j->book, b->name) != 0)
                continue;
            static const char *names[] = {"queued", "running", "done", "failed"};
            busy |= j->state < JOB_DONE;
            json_array_append_new(jobs, json_pack("{s:I, s:s, s:s, s:I, s:I, s:s}", "id", (json_int_t)j->id, "idea",
                                                  j->idea, "state", names[j->state], "done", (json_int_t)j->done,
                                                  "total", (json_int_t)j->total, "msg", j->msg));
        }
        pthread_mutex_unlock(&s->mu);
        ret = send_json(c, 200, json_pack("{s:b, s:o}", "busy", busy, "jobs", jobs));
    } else if (a.route == LS_ROUTE_IMAGE) {
        char dname[80], rel[400];
        ls_pool_dir_name(b->name, dname, sizeof dname);
        snprintf(rel, sizeof rel, "images/%s/%s", dname, a.file);
        size_t fl = strlen(a.file);
        ret = send_file(s, c, rel, fl > 4 && !strcmp(a.file + fl - 4, ".png") ? "image/png" : "image/jpeg");
    } else if (a.route == LS_ROUTE_DOWNLOAD) {
        char rel[400];
        snprintf(rel, sizeof rel, "%s/%s.%s", a.file, b->name, a.file);
        ret = send_file(s, c, rel,
                        !strcmp(a.file, "docx") ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                                                : "application/epub+zip");
    } else if (a.route == LS_ROUTE_EXPORT)
        ret = do_export(s, c, &a, b);
    else
        ret = do_change(s, c, &a, b);
    ls_serve_action_clear(&a);
    return ret;
}

static void request_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    conn_state *cs = *con_cls;
    if (cs) {
        free(cs->body);
        free(cs);
    }
    *con_cls = NULL;
}

/* ---- start, run, stop */

longsd_serve_params longsd_serve_default_params(void)
{
    return (longsd_serve_params){
        .workspace = ".",
        .listen = "127.0.0.1",
        .port = 0,
        .books = NULL,
        .n_books = 0,
        .render = longsd_render_default_params(),
        .candidates = 4,
        .styles_file = NULL,
        .ready = NULL,
        .user_data = NULL,
    };
}

static int add_book(srv *s, longsd_ctx *ctx, const char *name)
{
    if (ls_wspath_check_name(name, &ctx->err))
        return -1;
    if (find_book(s, name))
        return 0;
    char path[4400];
    plan_path(s, name, path, sizeof path);
    if (access(path, R_OK) != 0) {
        lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "%s: no such plan (run `longsd run %s` first)", path, name);
        return -1;
    }
    if (s->n_books == MAX_BOOKS) {
        lserr_set(&ctx->err, LONGSD_ERR_PARAM, "at most %d books at once", MAX_BOOKS);
        return -1;
    }
    snprintf(s->books[s->n_books++].name, sizeof s->books[0].name, "%s", name);
    return 0;
}

static int find_books(srv *s, longsd_ctx *ctx)
{
    char dir[4400];
    snprintf(dir, sizeof dir, "%s/image_prompts", s->ws);
    DIR *d = opendir(dir);
    if (!d) {
        lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "%s: no plans here (run `longsd run <text>` first)", dir);
        return -1;
    }
    struct dirent *e;
    char names[MAX_BOOKS][128];
    size_t n = 0;
    while ((e = readdir(d)) && n < MAX_BOOKS) {
        size_t l = strlen(e->d_name);
        if (l > 5 && l < 128 && e->d_name[0] != '.' && !strcmp(e->d_name + l - 5, ".json")) {
            snprintf(names[n], sizeof names[n], "%.*s", (int)(l - 5), e->d_name);
            if (!ls_wspath_check_name(names[n], NULL))
                n++;
        }
    }
    closedir(d);
    qsort(names, n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    for (size_t i = 0; i < n; i++)
        if (add_book(s, ctx, names[i]))
            return -1;
    if (!n) {
        lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "%s: no plans here (run `longsd run <text>` first)", dir);
        return -1;
    }
    return 0;
}

/* One allowed Host value, "name:port" ("[v6]:port"), kept once. */
static void add_host(srv *s, size_t *nh, const char *name, int port)
{
    char h[96];
    snprintf(h, sizeof h, strchr(name, ':') ? "[%s]:%d" : "%s:%d", name, port);
    for (size_t i = 0; i < *nh; i++)
        if (!strcasecmp(s->hosts[i], h))
            return;
    if (*nh < LS_SERVE_MAX_HOSTS)
        memcpy(s->hosts[(*nh)++], h, sizeof h);
}

longsd_status longsd_serve(longsd_ctx *ctx, const longsd_serve_params *prm)
{
    lserr_clear(&ctx->err);
    longsd_serve_params p = prm ? *prm : longsd_serve_default_params();
    srv *s = longsd__calloc(1, sizeof *s);
    if (!s)
        return lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
    longsd_status rc = LONGSD_OK;
    struct MHD_Daemon *d = NULL;
    pthread_t worker;
    int have_worker = 0, have_sync = 0;
    s->ctx = ctx;
    snprintf(s->ws, sizeof s->ws, "%s", p.workspace && p.workspace[0] ? p.workspace : ".");
    s->rp = p.render;
    s->candidates = p.candidates >= 1 && p.candidates <= LS_MAX_CANDIDATES ? p.candidates : 4;
    s->styles_file = p.styles_file;
    if (!(s->hctx = longsd_ctx_new()) || !(s->wctx = longsd_ctx_new())) {
        rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    longsd_set_abort(s->wctx, worker_abort, s);
    for (size_t i = 0; i < p.n_books; i++)
        if (add_book(s, ctx, p.books[i])) {
            rc = longsd_errcode(ctx);
            goto out;
        }
    if (!p.n_books && find_books(s, ctx)) {
        rc = longsd_errcode(ctx);
        goto out;
    }
    /* the token: 128 random bits, in every URL the page uses */
    unsigned char rnd[16];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
        rc = lserr_set(&ctx->err, LONGSD_ERR_IO, "cannot draw a random token: %s", strerror(errno));
        goto out;
    }
    for (int i = 0; i < 16; i++)
        snprintf(s->token + 2 * i, 3, "%02x", rnd[i]);
    const char *addr = p.listen && p.listen[0] ? p.listen : "127.0.0.1";
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    int v6 = strchr(addr, ':') != NULL;
    if (v6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)p.port);
        if (inet_pton(AF_INET6, addr, &a6->sin6_addr) != 1)
            rc = 1;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)p.port);
        if (inet_pton(AF_INET, addr, &a4->sin_addr) != 1)
            rc = 1;
    }
    if (rc) {
        rc = lserr_set(&ctx->err, LONGSD_ERR_PARAM, "--listen: \"%s\" is not an IPv4 or IPv6 address", addr);
        goto out;
    }
    if (pthread_mutex_init(&s->mu, NULL) || pthread_cond_init(&s->cv, NULL)) {
        rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "cannot create a mutex");
        goto out;
    }
    have_sync = 1;
    s->policy.token = s->token;
    s->policy.max_body = LS_SERVE_MAX_BODY;
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | (v6 ? MHD_USE_IPv6 : 0), 0, NULL,
                         NULL, handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED,
                         request_done, s, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_CONNECTION_TIMEOUT,
                         (unsigned)60, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)256 << 10, MHD_OPTION_END);
    if (!d) {
        rc = lserr_set(&ctx->err, LONGSD_ERR_NETWORK, "cannot listen on %s port %d (in use, or not an address of this "
                       "machine?)", addr, p.port);
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    int port = info ? (int)info->port : p.port;
    /* the names a browser may reach us by (the Host header must be one):
     * the address itself; on loopback the loopback names; on a wildcard
     * address (--listen 0.0.0.0 or ::) every address of this machine and
     * its host name */
    size_t nh = 0;
    int wildcard = !strcmp(addr, "0.0.0.0") || !strcmp(addr, "::");
    if (!wildcard)
        add_host(s, &nh, addr, port);
    if (wildcard || !strcmp(addr, "127.0.0.1") || !strcmp(addr, "::1")) {
        add_host(s, &nh, "127.0.0.1", port);
        add_host(s, &nh, "localhost", port);
    }
    if (wildcard) {
        char hn[256];
        if (gethostname(hn, sizeof hn) == 0) {
            hn[sizeof hn - 1] = '\0';
            add_host(s, &nh, hn, port);
        }
        struct ifaddrs *ifs = NULL;
        if (getifaddrs(&ifs) == 0) {
            for (struct ifaddrs *f = ifs; f; f = f->ifa_next) {
                char ip[INET6_ADDRSTRLEN];
                if (!f->ifa_addr || (f->ifa_addr->sa_family == AF_INET6 && !v6))
                    continue;
                if (f->ifa_addr->sa_family == AF_INET &&
                    inet_ntop(AF_INET, &((struct sockaddr_in *)f->ifa_addr)->sin_addr, ip, sizeof ip))
                    add_host(s, &nh, ip, port);
                else if (f->ifa_addr->sa_family == AF_INET6 &&
                         inet_ntop(AF_INET6, &((struct sockaddr_in6 *)f->ifa_addr)->sin6_addr, ip, sizeof ip))
                    add_host(s, &nh, ip, port);
            }
            freeifaddrs(ifs);
        }
    }
    for (size_t i = 0; i < nh; i++)
        s->policy.hosts[i] = s->hosts[i];
    s->policy.n_hosts = nh;
    if (pthread_create(&worker, NULL, worker_main, s)) {
        rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "cannot start the render thread");
        goto out;
    }
    have_worker = 1;
    char url[256];
    snprintf(url, sizeof url, "http://%s/?t=%s", s->hosts[0], s->token);
    longsd__log(ctx, LONGSD_LOG_INFO, "serving %zu book%s of %s", s->n_books, s->n_books == 1 ? "" : "s", s->ws);
    if (p.ready)
        p.ready(p.user_data, url);
    while (!longsd__aborted(ctx))
        usleep(100 * 1000);
out:
    if (d)
        MHD_stop_daemon(d); /* no request runs after this */
    if (have_worker) {
        pthread_mutex_lock(&s->mu);
        __atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(worker, NULL);
    }
    if (have_sync) {
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
    }
    for (size_t i = 0; i < s->n_books; i++)
        longsd_story_free(s->books[i].story);
    longsd_ctx_free(s->hctx);
    longsd_ctx_free(s->wctx);
    longsd__free(s);
    return rc;
}
