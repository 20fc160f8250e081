/* batch.c - `longsd run a.txt b.txt ...` or `longsd run texts/`: many books
 * in one process. Every book is brought up to date first, then the pending
 * images of all of them go through one pool at once (a free backend takes
 * the next image of any book, so a short book does not leave servers idle
 * while a long one finishes), then each book's documents are written and one
 * table sums it up. Resuming is the single-book resume, per book: plans are
 * saved as images finish and every image is vouched for by its sidecar, so
 * running the same command again after a crash redraws only what is
 * missing. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render.h"

typedef struct {
    const char *arg;       /* as given, or a file found in a folder */
    cli_book b;
    int rc;                /* this book's exit status */
    int opened;            /* 1 = plan up to date (cli_book_open succeeded) */
    cli_docs_result dr;
} entry;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The texts named by the arguments: files and names as given, folders as
 * their *.txt files in name order. *list holds owned strings. */
static int expand(const cli_opts *o, char ***list, size_t *n)
{
    size_t cap = 16, k = 0;
    int rc = EXIT_USAGE; /* at "bad": a folder that cannot be used */
    char **l = malloc(cap * sizeof *l);
    if (!l)
        goto oom;
    for (int a = 0; a < o->n_args; a++) {
        const char *arg = o->args[a];
        size_t first = k;
        DIR *d = cli_is_dir(arg) ? opendir(arg) : NULL;
        if (cli_is_dir(arg) && !d) {
            cli_error("%s: cannot read this folder", arg);
            goto bad;
        }
        for (struct dirent *e; d && (e = readdir(d));) {
            size_t nl = strlen(e->d_name);
            if (e->d_name[0] == '.' || nl < 5 || strcmp(e->d_name + nl - 4, ".txt") != 0)
                continue;
            char *p = malloc(strlen(arg) + nl + 2);
            if (!p) {
                closedir(d);
                goto oom;
            }
            sprintf(p, "%s%s%s", arg, arg[strlen(arg) - 1] == '/' ? "" : "/", e->d_name);
            if (!cli_is_file(p) || cli_is_dir(p)) {
                free(p);
                continue;
            }
            if (k == cap) {
                char **g = realloc(l, (cap *= 2) * sizeof *l);
                if (!g) {
                    free(p);
                    closedir(d);
                    goto oom;
                }
                l = g;
            }
            l[k++] = p;
        }
        if (d) {
            closedir(d);
            if (k == first) {
                cli_error("%s: no .txt file in this folder", arg);
                goto bad;
            }
            qsort(l + first, k - first, sizeof *l, cmp_str);
            continue;
        }
        if (k == cap) {
            char **g = realloc(l, (cap *= 2) * sizeof *l);
            if (!g)
                goto oom;
            l = g;
        }
        if (!(l[k] = strdup(arg)))
            goto oom;
        k++;
    }
    *list = l;
    *n = k;
    return EXIT_OK;
oom:
    cli_error("out of memory");
    rc = EXIT_RUNTIME;
bad:
    for (size_t i = 0; l && i < k; i++)
        free(l[i]);
    free(l);
    return rc;
}

static const char *docs_text(const cli_docs_result *dr, char *buf, size_t n)
{
    static const char *const names[] = {"docx", "epub", "html"};
    buf[0] = '\0';
    for (unsigned i = 0; i < 3; i++)
        if (dr->chosen & (1u << i))
            snprintf(buf + strlen(buf), n - strlen(buf), "%s%s%s", buf[0] ? ", " : "", names[i],
                     dr->written & (1u << i) ? "" : " (unchanged)");
    return buf;
}

static void print_table(const cli_opts *o, const entry *e, size_t n)
{
    size_t ideas = 0, done = 0, failed = 0, books_ok = 0;
    cli_note(o, "%-28s %6s %9s %7s  %s", "book", "ideas", "images", "failed", "documents");
    for (size_t i = 0; i < n; i++) {
        if (!e[i].opened) {
            cli_note(o, "%-28s %6s %9s %7s  %s", e[i].b.w.name[0] ? e[i].b.w.name : cli_safe(e[i].arg), "-", "-", "-",
                     "not done (error above)");
            continue;
        }
        const longsd_plan *p = e[i].b.plan;
        size_t ni = longsd_plan_n_ideas(p), nd = cli_count_images(p), nf = 0;
        for (size_t k = 0; k < ni; k++) {
            longsd_idea_info ii;
            longsd_plan_idea(p, k, &ii);
            nf += ii.image_state == LONGSD_IMAGE_FAILED;
        }
        char img[32], docs[96];
        snprintf(img, sizeof img, "%zu/%zu", nd, ni);
        cli_note(o, "%-28s %6zu %9s %7zu  %s", e[i].b.w.name, ni, img, nf,
                 e[i].rc ? "not written (error above)" : docs_text(&e[i].dr, docs, sizeof docs));
        ideas += ni;
        done += nd;
        failed += nf;
        books_ok += e[i].rc == EXIT_OK;
    }
    cli_note(o, "%zu of %zu books done; images: %zu of %zu rendered%s", books_ok, n, done, ideas,
             failed ? ", some failed (reasons in the plans)" : "");
}

static void print_json(const entry *e, size_t n)
{
    size_t ideas = 0, done = 0;
    printf("{\"books\": [");
    for (size_t i = 0; i < n; i++) {
        printf("%s", i ? ", " : "");
        if (!e[i].opened || e[i].rc) {
            printf("{\"name\": ");
            cli_json_str(stdout, e[i].b.w.name);
            printf(", \"source\": ");
            cli_json_str(stdout, e[i].arg);
            printf(", \"exit\": %d}", e[i].rc);
            if (!e[i].opened)
                continue;
        } else {
            cli_print_summary_json(&e[i].b.w, e[i].b.plan, e[i].b.redone, (e[i].dr.written & CLI_FMT_DOCX) != 0,
                                   (e[i].dr.chosen & CLI_FMT_DOCX) ? e[i].dr.docx : NULL, &e[i].dr, 1);
        }
        ideas += longsd_plan_n_ideas(e[i].b.plan);
        done += cli_count_images(e[i].b.plan);
    }
    printf("], \"images\": {\"done\": %zu, \"total\": %zu}}\n", done, ideas);
}

int cli_run_batch(longsd_ctx *ctx, cli_opts *o)
{
    char **list = NULL;
    size_t n = 0;
    int rc = expand(o, &list, &n);
    if (rc)
        return rc;
    entry *e = calloc(n ? n : 1, sizeof *e);
    longsd_plan **plans = calloc(n ? n : 1, sizeof *plans);
    const char **paths = calloc(n ? n : 1, sizeof *paths);
    if (!e || !plans || !paths) {
        cli_error("out of memory");
        rc = EXIT_RUNTIME;
        goto out;
    }
    /* every name resolves, and no two books share one: before any work */
    for (size_t i = 0; i < n; i++) {
        e[i].arg = list[i];
        if (cli_book_resolve(o, list[i], &e[i].b.w)) {
            rc = EXIT_USAGE;
            goto out;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(e[k].b.w.name, e[i].b.w.name) == 0) {
                cli_error("%s and %s would both be the book \"%s\" (one plan, one images/ folder): rename one",
                          e[k].b.w.text, e[i].b.w.text, e[i].b.w.name);
                rc = EXIT_USAGE;
                goto out;
            }
    }
    size_t np = 0;
    for (size_t i = 0; i < n && !cli_interrupted(NULL); i++) {
        e[i].rc = cli_book_open(ctx, o, list[i], &e[i].b);
        if (e[i].rc) /* reported; the others go on */
            continue;
        e[i].opened = 1;
        plans[np] = e[i].b.plan;
        paths[np++] = e[i].b.w.plan;
    }
    if (cli_interrupted(NULL)) {
        cli_error("interrupted before rendering; run the same command again to finish");
        rc = EXIT_RUNTIME;
        goto out;
    }
    int render_rc = EXIT_OK;
    if (o->render.n > 0 && np > 0) {
        render_rc = cli_render_plans(ctx, o, plans, paths, np);
        if (render_rc == EXIT_USAGE || cli_interrupted(NULL)) {
            rc = render_rc ? render_rc : EXIT_RUNTIME;
            goto out;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!e[i].opened)
            continue;
        e[i].rc = cli_docs_write(ctx, o, e[i].b.w.name, e[i].b.w.plan, e[i].b.plan, e[i].b.story,
                                 o->force || e[i].b.saved, &e[i].dr);
        if (e[i].rc == EXIT_USAGE) { /* the same options for every book: stop at the first */
            rc = EXIT_USAGE;
            goto out;
        }
    }
    if (o->json)
        print_json(e, n);
    else
        print_table(o, e, n);
    rc = render_rc;
    size_t ideas = 0, done = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].rc > rc)
            rc = e[i].rc;
        if (e[i].opened) {
            ideas += longsd_plan_n_ideas(e[i].b.plan);
            done += cli_count_images(e[i].b.plan);
        }
    }
    if (o->render.n == 0 && done < ideas)
        cli_note(o, "no image backend configured: add --backend a1111=http://127.0.0.1:7860 (or comfyui=URL, "
                    "openai=URL, native=MODEL_DIR), or paste the prompts from the plans in image_prompts/ into any "
                    "Stable Diffusion UI");
out:
    for (size_t i = 0; e && i < n; i++)
        cli_book_close(&e[i].b);
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
    free(e);
    free(plans);
    free((void *)paths);
    return rc;
}
