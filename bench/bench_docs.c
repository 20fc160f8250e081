/* bench_docs.c - document assembly time for the whole of Tom Sawyer with 15
 * rendered 768x512 images: the story-layout DOCX, EPUB, HTML folder and
 * single-file HTML, each timed alone (best of 5), after the text and plan
 * are ready. The goal: the assembly itself under a second.
 *   make bench && build/bench/bench_docs [path/to/en-twain1.txt] */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "longsd.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A 768x512 picture that compresses like a painting, not like a flat fill:
 * gradients plus some noise (about half a megabyte as PNG). */
static int write_png(const char *path, int seed)
{
    const int w = 768, h = 512;
    unsigned char *px = malloc((size_t)w * h * 3);
    if (!px)
        return -1;
    unsigned s = (unsigned)seed * 2654435761u + 1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            s = s * 1103515245u + 12345u;
            int n = (int)((s >> 16) & 31) - 16;
            unsigned char *p = px + ((size_t)y * w + x) * 3;
            p[0] = (unsigned char)((x * 255 / w + n) & 255);
            p[1] = (unsigned char)((y * 255 / h + n + seed * 20) & 255);
            p[2] = (unsigned char)(((x + y) * 255 / (w + h) + n) & 255);
        }
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = w;
    img.height = h;
    img.format = PNG_FORMAT_RGB;
    int ok = png_image_write_to_file(&img, path, 0, px, 0, NULL);
    free(px);
    return ok ? 0 : -1;
}

typedef longsd_status (*writer)(longsd_ctx *, const longsd_plan *, const char *, const longsd_doc_params *);

static double best_of(longsd_ctx *ctx, writer w, const longsd_plan *plan, const char *path,
                      const longsd_doc_params *o, int reps)
{
    double best = 1e9;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        if (w(ctx, plan, path, o)) {
            fprintf(stderr, "bench_docs: %s\n", longsd_errmsg(ctx));
            exit(1);
        }
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    return best;
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

int main(int argc, char **argv)
{
    const char *text = argc > 1 ? argv[1] : "tests/corpus/en-twain1.txt";
    char ws[] = "/tmp/longsd-bench-docs-XXXXXX";
    if (!mkdtemp(ws)) {
        perror("mkdtemp");
        return 1;
    }
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_story *story = NULL;
    longsd_plan *plan = NULL;
    longsd_story_params sp = longsd_story_default_params();
    longsd_plan_params pp = longsd_plan_default_params();
    if (longsd_story_load(ctx, text, &sp, &story) ||
        longsd_plan_update(ctx, &plan, "bench", text, story, &pp, NULL)) {
        fprintf(stderr, "bench_docs: %s\n", longsd_errmsg(ctx));
        return 1;
    }
    char path[512], rel[128];
    snprintf(path, sizeof path, "%s/images", ws);
    mkdir(path, 0777);
    size_t n = longsd_plan_n_ideas(plan);
    long img_bytes = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(rel, sizeof rel, "images/%03zu.png", i + 1);
        snprintf(path, sizeof path, "%s/%s", ws, rel);
        if (write_png(path, (int)i) || longsd_plan_set_image(plan, i, LONGSD_IMAGE_DONE, rel, NULL)) {
            fprintf(stderr, "bench_docs: cannot write %s\n", path);
            return 1;
        }
        img_bytes += file_size(path);
    }
    longsd_doc_params o = longsd_doc_default_params();
    o.workspace = ws;
    o.story = story;
    printf("%s: %zu words, %zu paragraphs, %zu images (%.1f MB of PNG)\n", text, longsd_story_n_words(story),
           longsd_story_n_paragraphs(story), n, img_bytes / 1e6);

    char docx[512], epub[512], html[512], one[512];
    snprintf(docx, sizeof docx, "%s/bench.docx", ws);
    snprintf(epub, sizeof epub, "%s/bench.epub", ws);
    snprintf(html, sizeof html, "%s/html", ws);
    snprintf(one, sizeof one, "%s/bench.html", ws);
    double t_docx = best_of(ctx, longsd_docx_write, plan, docx, &o, 5);
    double t_epub = best_of(ctx, longsd_epub_write, plan, epub, &o, 5);
    double t_html = best_of(ctx, longsd_html_write, plan, html, &o, 5);
    o.single_file = 1;
    double t_one = best_of(ctx, longsd_html_write, plan, one, &o, 5);
    printf("docx (story)        %7.1f ms  %8.1f KB\n", t_docx * 1e3, file_size(docx) / 1e3);
    printf("epub (story)        %7.1f ms  %8.1f KB\n", t_epub * 1e3, file_size(epub) / 1e3);
    printf("html folder (story) %7.1f ms\n", t_html * 1e3);
    printf("html single file    %7.1f ms  %8.1f KB\n", t_one * 1e3, file_size(one) / 1e3);
    printf("all four            %7.1f ms (goal: under 1000 ms)\n", (t_docx + t_epub + t_html + t_one) * 1e3);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", ws);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_docs: could not remove %s\n", ws);
    longsd_plan_free(plan);
    longsd_story_free(story);
    longsd_ctx_free(ctx);
    return 0;
}
