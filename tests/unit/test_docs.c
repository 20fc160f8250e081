/* test_docs.c - the illustrated documents: the shared layout (each idea
 * right after its anchor paragraph, sections per chapter or part), then the
 * DOCX, EPUB 3 and HTML writers on a text full of hostile characters, checked
 * part by part after reopening the packages with libzip. With
 * LONGSD_DOCS_SAMPLE_DIR=dir the docs_sample case writes sample documents
 * there (hostile text, de-grimm-fischer, en-twain1 with 15 images) for the
 * consumer tests in tests/cli/test_documents.sh. */
#include <dirent.h>
#include <sys/stat.h>
#include <zip.h>

#include "ctx.h"
#include "doc_layout.h"
#include "plan.h"
#include "png_write.h"
#include "story.h"
#include "t.h"
#include "util.h"

/* Hostile text: markup characters, control characters (C0, DEL, C1), emoji,
 * Arabic, CJK, accents; three chapters with paintable scenes. */
static const char HOSTILE[] =
    "The Fence & the <Cat> \"Story\"\n\n"
    "CHAPTER I\n\n"
    "Tom & Huck <said> \"hi\" 'there' \x01\x02 at the old white fence by the river, caf\xc3\xa9 \xf0\x9f\x98\x80 "
    "under a red evening sky with tall green trees.\n\n"
    "The boy painted the long wooden fence with a wide brush while the cat sat on the gate \x7f and watched "
    "the yellow sun go down over the hills.\n\n"
    "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xd8\xa8\xd8\xa7\xd9\x84\xd8\xb9\xd8\xa7\xd9\x84\xd9\x85 "
    "\xd9\x87\xd8\xb0\xd8\xa7 \xd9\x86\xd8\xb5 \xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a.\n\n"
    "CHAPTER II\n\n"
    "The old woman walked along the dark forest path with a lantern, and an owl called from the tall oak "
    "tree \xc2\x85 near the stone bridge.\n\n"
    "A small boat drifted on the silver lake under the moon, \xe4\xbd\xa0\xe5\xa5\xbd, and the fisherman pulled "
    "his heavy net from the cold water.\n\n"
    "CHAPTER III\n\n"
    "The children ran across the green meadow to the red barn where the horses stood in the golden light "
    "of the morning.\n\n"
    "At the end of the day the boy climbed the hill and looked at the village, the church tower and the "
    "smoke rising from the chimneys.\n";

static char *tpath(const char *name)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", t_tmpdir(), name);
    return buf[k];
}

/* A small real PNG with a gradient (not blank). */
static void make_png(const char *path, int w, int h, int seed)
{
    uint8_t *rgb = malloc((size_t)w * (size_t)h * 3);
    REQUIRE(rgb != NULL);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = rgb + ((size_t)y * (size_t)w + (size_t)x) * 3;
            p[0] = (uint8_t)(x * 255 / (w > 1 ? w - 1 : 1));
            p[1] = (uint8_t)(y * 255 / (h > 1 ? h - 1 : 1));
            p[2] = (uint8_t)(seed * 37);
        }
    uint8_t *png = NULL;
    size_t n = 0;
    REQUIRE(ls_png_encode_rgb(rgb, w, h, &png, &n, NULL) == LONGSD_OK);
    REQUIRE(lsfile_mkdirs(path, 0, NULL) == LONGSD_OK);
    t_write(path, png, n);
    longsd__free(png);
    free(rgb);
}

typedef struct {
    longsd_ctx *ctx;
    longsd_story *story;
    longsd_plan *plan;
} fixture;

static void fixture_load(fixture *f, const char *name, const char *data, size_t n, int ideas_per_part)
{
    memset(f, 0, sizeof *f);
    f->ctx = longsd_ctx_new();
    REQUIRE(f->ctx != NULL);
    longsd_story_params sp = longsd_story_default_params();
    REQUIRE(longsd_story_load_memory(f->ctx, name, data, n, &sp, &f->story) == LONGSD_OK);
    longsd_plan_params pp = longsd_plan_default_params();
    if (ideas_per_part)
        pp.ideas_per_part = ideas_per_part;
    if (longsd_plan_update(f->ctx, &f->plan, "sample", name, f->story, &pp, NULL) != LONGSD_OK)
        fprintf(stderr, "  plan: %s\n", longsd_errmsg(f->ctx));
    REQUIRE(f->plan != NULL);
    REQUIRE(f->plan->n_ideas > 0);
}

static void fixture_file(fixture *f, const char *path, int ideas_per_part)
{
    size_t n = 0;
    char *d = t_slurp(path, &n);
    REQUIRE(d != NULL);
    const char *base = strrchr(path, '/');
    fixture_load(f, base ? base + 1 : path, d, n, ideas_per_part);
    free(d);
}

static void fixture_free(fixture *f)
{
    longsd_plan_free(f->plan);
    longsd_story_free(f->story);
    longsd_ctx_free(f->ctx);
}

/* Render every idea whose index i has (i % every == 0) as a PNG under ws. */
static size_t render_some(fixture *f, const char *ws, size_t every, int w, int h)
{
    size_t done = 0;
    for (size_t i = 0; i < f->plan->n_ideas; i++) {
        if (i % every)
            continue;
        char rel[128], abs[700];
        snprintf(rel, sizeof rel, "images/sample/%s.png", f->plan->ideas[i].idea.id);
        snprintf(abs, sizeof abs, "%s/%s", ws, rel);
        make_png(abs, w, h, (int)i);
        REQUIRE(longsd_plan_set_image(f->plan, i, LONGSD_IMAGE_DONE, rel, NULL) == LONGSD_OK);
        done++;
    }
    return done;
}

static longsd_doc_params opts_for(fixture *f, const char *ws, const char *layout)
{
    longsd_doc_params o = longsd_doc_default_params();
    o.workspace = ws;
    o.layout = layout;
    o.story = f->story;
    return o;
}

static char *zip_entry(const char *zpath, const char *name, size_t *len)
{
    int e = 0;
    zip_t *z = zip_open(zpath, ZIP_RDONLY, &e);
    if (!z)
        return NULL;
    zip_stat_t st;
    char *buf = NULL;
    if (zip_stat(z, name, 0, &st) == 0) {
        zip_file_t *zf = zip_fopen(z, name, 0);
        buf = malloc(st.size + 1);
        if (zf && buf && zip_fread(zf, buf, st.size) == (zip_int64_t)st.size) {
            buf[st.size] = '\0';
            if (len)
                *len = st.size;
        } else {
            free(buf);
            buf = NULL;
        }
        if (zf)
            zip_fclose(zf);
    }
    zip_close(z);
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* No control characters other than tab, LF and CR; valid UTF-8. */
static int clean_xml_bytes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return 0;
        if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9f)
            return 0;
    }
    return lsutf8_validate(s, n) == (size_t)-1;
}

/* ---- layout */

TEST(layout_story_places_each_idea_after_its_anchor)
{
    fixture f;
    fixture_load(&f, "hostile.txt", HOSTILE, sizeof HOSTILE - 1, 2);
    longsd_doc_params o = opts_for(&f, t_tmpdir(), NULL);
    ls_layout L;
    lserr err = {0};
    REQUIRE(ls_layout_build(f.plan, &o, &L, &err) == LONGSD_OK);
    CHECK_INT(L.story, 1);
    /* One section before the chapters (the title line), then the three chapters. */
    CHECK_INT(L.n_sections, 4);
    CHECK(L.sections[0].title == NULL);
    CHECK_STR(L.sections[1].title, "CHAPTER I");
    CHECK_STR(L.sections[3].title, "CHAPTER III");
    CHECK_INT(L.sections[2].chapter, 1);
    size_t seen = 0, last_para = 0;
    for (size_t k = 0; k < L.n_items; k++) {
        const ls_layout_item *it = &L.items[k];
        if (it->kind == LS_ITEM_TEXT || it->kind == LS_ITEM_SUBHEADING) {
            CHECK(it->index >= last_para);
            last_para = it->index;
        }
        if (it->kind != LS_ITEM_IDEA)
            continue;
        seen++;
        /* the nearest text before it is its anchor paragraph */
        size_t j = k;
        while (j > 0 && L.items[j - 1].kind == LS_ITEM_IDEA)
            j--;
        REQUIRE(j > 0);
        CHECK(L.items[j - 1].kind == LS_ITEM_TEXT);
        CHECK_INT(L.items[j - 1].index, f.plan->ideas[it->index].idea.para);
    }
    CHECK_INT(seen, f.plan->n_ideas);
    CHECK_INT(L.n_order, f.plan->n_ideas);
    for (size_t r = 1; r < L.n_order; r++)
        CHECK(f.plan->ideas[L.order[r - 1]].idea.start <= f.plan->ideas[L.order[r]].idea.start);
    ls_layout_free(&L);
    fixture_free(&f);
}

TEST(layout_gallery_by_part_and_story_needs_its_text)
{
    fixture f;
    fixture_load(&f, "hostile.txt", HOSTILE, sizeof HOSTILE - 1, 2);
    longsd_doc_params o = opts_for(&f, t_tmpdir(), "gallery");
    o.story = NULL;
    ls_layout L;
    lserr err = {0};
    REQUIRE(ls_layout_build(f.plan, &o, &L, &err) == LONGSD_OK);
    CHECK_INT(L.story, 0);
    CHECK_INT(L.n_sections, f.plan->n_parts);
    size_t ideas = 0;
    for (size_t k = 0; k < L.n_items; k++)
        ideas += L.items[k].kind == LS_ITEM_IDEA;
    CHECK_INT(ideas, f.plan->n_ideas);
    ls_layout_free(&L);

    o.layout = "story";
    CHECK_INT(ls_layout_build(f.plan, &o, &L, &err), LONGSD_ERR_PARAM);
    CHECK_CONTAINS(err.msg, "gallery");
    o.layout = "poster";
    CHECK_INT(ls_layout_build(f.plan, &o, &L, &err), LONGSD_ERR_PARAM);
    CHECK_CONTAINS(err.msg, "poster");

    /* a different text (one byte changed) is refused: the anchors would lie */
    char *other = malloc(sizeof HOSTILE);
    memcpy(other, HOSTILE, sizeof HOSTILE);
    other[5] = 'f';
    longsd_story *s2 = NULL;
    longsd_story_params sp = longsd_story_default_params();
    REQUIRE(longsd_story_load_memory(f.ctx, "changed.txt", other, sizeof HOSTILE - 1, &sp, &s2) == LONGSD_OK);
    o.layout = NULL;
    o.story = s2;
    CHECK_INT(ls_layout_build(f.plan, &o, &L, &err), LONGSD_ERR_DOC);
    CHECK_CONTAINS(err.msg, "changed");
    longsd_story_free(s2);
    free(other);
    fixture_free(&f);
}

/* ---- DOCX */

TEST(docx_story_layout)
{
    fixture f;
    const char *ws = t_tmpdir();
    fixture_load(&f, "hostile.txt", HOSTILE, sizeof HOSTILE - 1, 2);
    size_t done = render_some(&f, ws, 2, 96, 64);
    longsd_doc_params o = opts_for(&f, ws, NULL);
    char *out = tpath("story.docx");
    REQUIRE(longsd_docx_write(f.ctx, f.plan, out, &o) == LONGSD_OK);
    char *doc = zip_entry(out, "word/document.xml", NULL);
    REQUIRE(doc != NULL);
    CHECK_INT(count(doc, "<w:drawing>"), done);
    CHECK_INT(count(doc, "<w:pStyle w:val=\"Placeholder\"/>"), f.plan->n_ideas - done);
    CHECK_INT(count(doc, "<w:pStyle w:val=\"Caption\"/>"), f.plan->n_ideas);
    /* three chapters and the appendix, each after a page break */
    CHECK_INT(count(doc, "<w:pStyle w:val=\"Heading1\"/>"), 4);
    CHECK_INT(count(doc, "w:type=\"page\""), 4);
    CHECK_INT(count(doc, "<w:tbl>"), 1);
    CHECK_INT(count(doc, "<w:tr>"), f.plan->n_ideas + 1);
    CHECK_CONTAINS(doc, "Tom &amp; Huck &lt;said&gt; &quot;hi&quot; &#39;there&#39;");
    CHECK_CONTAINS(doc, "caf\xc3\xa9 \xf0\x9f\x98\x80");
    CHECK_CONTAINS(doc, "<w:bidi/>");
    CHECK(clean_xml_bytes(doc, strlen(doc)));
    /* every picture has the idea as alt text */
    CHECK_INT(count(doc, "descr=\"\""), 0);
    char *core = zip_entry(out, "docProps/core.xml", NULL);
    CHECK_CONTAINS(core, "<dc:title>");
    CHECK_CONTAINS(core, "<dc:language>en</dc:language>");
    char *app = zip_entry(out, "docProps/app.xml", NULL);
    CHECK_CONTAINS(app, "<Application>longsd</Application>");
    free(app);
    free(core);
    free(doc);
    fixture_free(&f);
}

TEST(docx_gallery_layout_as_before)
{
    fixture f;
    const char *ws = t_tmpdir();
    fixture_load(&f, "hostile.txt", HOSTILE, sizeof HOSTILE - 1, 2);
    longsd_doc_params dp = longsd_doc_default_params();
    dp.workspace = ws;
    dp.layout = LONGSD_LAYOUT_GALLERY;
    char *out = tpath("gallery.docx");
    REQUIRE(longsd_docx_write(f.ctx, f.plan, out, &dp) == LONGSD_OK);
    char *doc = zip_entry(out, "word/document.xml", NULL);
    REQUIRE(doc != NULL);
    CHECK_INT(count(doc, "<w:pStyle w:val=\"Heading1\"/>"), f.plan->n_parts);
    CHECK_INT(count(doc, "not rendered yet"), f.plan->n_ideas);
    CHECK_INT(count(doc, ">Prompt: <"), f.plan->n_ideas);
    CHECK_INT(count(doc, "<w:tbl>"), 0);
    free(doc);
    fixture_free(&f);
}

/* ---- EPUB */

TEST(epub_container_and_package)
{
    fixture f;
    const char *ws = t_tmpdir();
    fixture_load(&f, "hostile.txt", HOSTILE, sizeof HOSTILE - 1, 2);
    size_t done = render_some(&f, ws, 2, 64, 96);
    longsd_doc_params o = opts_for(&f, ws, NULL);
    char *out = tpath("book.epub");
    REQUIRE(longsd_epub_write(f.ctx, f.plan, out, &o) == LONGSD_OK);

    /* OCF: the first local header is "mimetype", stored, no extra field. */
    size_t n = 0;
    char *raw = t_slurp(out, &n);
    REQUIRE(raw && n > 60);
    const unsigned char *u = (const unsigned char *)raw;
    CHECK(memcmp(raw, "PK\x03\x04", 4) == 0);
    CHECK_INT(u[8] | u[9] << 8, 0);   /* method: stored */
    CHECK_INT(u[26] | u[27] << 8, 8); /* name length */
    CHECK_INT(u[28] | u[29] << 8, 0); /* extra field length */
    CHECK(memcmp(raw + 30, "mimetypeapplication/epub+zip", 28) == 0);
    free(raw);

    char *opf = zip_entry(out, "EPUB/package.opf", NULL);
    REQUIRE(opf != NULL);
    CHECK_CONTAINS(opf, "<dc:identifier id=\"uid\">urn:uuid:");
    CHECK_CONTAINS(opf, "<dc:language>en</dc:language>");
    CHECK_CONTAINS(opf, "<meta property=\"dcterms:modified\">");
    CHECK_CONTAINS(opf, "properties=\"nav\"");
    CHECK_INT(count(opf, "media-type=\"image/png\""), done);
    CHECK_INT(count(opf, "<itemref "), 1 + 4 + 1); /* title page, front + 3 chapters, appendix */
    char *c2 = zip_entry(out, "EPUB/text/s002.xhtml", NULL);
    REQUIRE(c2 != NULL);
    CHECK_CONTAINS(c2, "<h2>CHAPTER I</h2>");
    CHECK_CONTAINS(c2, "Tom &amp; Huck &lt;said&gt;");
    CHECK_CONTAINS(c2, "dir=\"rtl\"");
    CHECK(clean_xml_bytes(c2, strlen(c2)));
    char *nav = zip_entry(out, "EPUB/nav.xhtml", NULL);
    CHECK_CONTAINS(nav, "epub:type=\"toc\"");
    CHECK_CONTAINS(nav, "text/s004.xhtml");
    char *app = zip_entry(out, "EPUB/appendix.xhtml", NULL);
    CHECK_CONTAINS(app, "href=\"text/s00");
    CHECK_INT(count(app, "<tr>"), f.plan->n_ideas + 1);
    free(app);
    free(nav);
    free(c2);
    free(opf);

    /* a cover: the chosen idea's image becomes the cover-image */
    o.cover = f.plan->ideas[0].idea.id;
    REQUIRE(longsd_epub_write(f.ctx, f.plan, out, &o) == LONGSD_OK);
    opf = zip_entry(out, "EPUB/package.opf", NULL);
    CHECK_CONTAINS(opf, "href=\"images/fig-001.png\" media-type=\"image/png\" properties=\"cover-image\"");
    free(opf);
    o.cover = f.plan->ideas[1].idea.id; /* not rendered: the book all the same, with the title page as cover */
    CHECK_INT(longsd_epub_write(f.ctx, f.plan, out, &o), LONGSD_OK);
    opf = zip_entry(out, "EPUB/package.opf", NULL);
    CHECK(opf && !strstr(opf, "properties=\"cover-image\""));
    free(opf);
    o.cover = "no-such-idea";
    CHECK_INT(longsd_epub_write(f.ctx, f.plan, out, &o), LONGSD_ERR_NOT_FOUND);
    o.cover = NULL;
    o.language = "en\" onload=\"x";
    CHECK_INT(longsd_epub_write(f.ctx, f.plan, out, &o), LONGSD_ERR_PARAM);
    o.language = "pt-BR";
    REQUIRE(longsd_epub_write(f.ctx, f.plan, out, &o) == LONGSD_OK);
    opf = zip_entry(out, "EPUB/package.opf", NULL);
    CHECK_CONTAINS(opf, "<dc:language>pt-BR</dc:language>");
    free(opf);
    fixture_free(&f);
}

/* ---- HTML */

TEST(html_folder_and_single_file)
{
    fixture f;
    const char *ws = t_tmpdir();
    fixture_load(&f, "hostile.txt", HOSTILE, sizeof HOSTILE - 1, 2);
    size_t done = render_some(&f, ws, 2, 96, 64);
    longsd_doc_params o = opts_for(&f, ws, NULL);
    char *dir = tpath("html/sample");
    REQUIRE(longsd_html_write(f.ctx, f.plan, dir, &o) == LONGSD_OK);
    char p[700];
    snprintf(p, sizeof p, "%s/index.html", dir);
    size_t n = 0;
    char *html = t_slurp(p, &n);
    REQUIRE(html != NULL);
    CHECK_CONTAINS(html, "<meta name=\"viewport\"");
    CHECK_CONTAINS(html, "@media print");
    CHECK_CONTAINS(html, "Tom &amp; Huck &lt;said&gt; &quot;hi&quot;");
    CHECK_INT(count(html, "<img src=\"images/fig-"), done);
    CHECK_INT(count(html, "class=\"placeholder\""), f.plan->n_ideas - done);
    CHECK(clean_xml_bytes(html, n));
    free(html);
    snprintf(p, sizeof p, "%s/images/fig-001.png", dir);
    CHECK(lsfile_exists(p));

    /* a file longsd did not write (not in the folder's manifest) stops the
     * replacement and stays where it is */
    snprintf(p, sizeof p, "%s/images/stale.png", dir);
    t_write(p, "x", 1);
    CHECK(longsd_html_write(f.ctx, f.plan, dir, &o) == LONGSD_ERR_IO);
    CHECK_CONTAINS(longsd_errmsg(f.ctx), "images/stale.png, which longsd did not write");
    CHECK(lsfile_exists(p));
    /* re-assembly replaces the folder as a whole: a stale image of an earlier
     * run (listed in the manifest) goes */
    char man[700];
    snprintf(man, sizeof man, "%s/.longsd-html", dir);
    size_t mn = 0;
    char *mt = t_slurp(man, &mn);
    REQUIRE(mt != NULL);
    char *m2 = malloc(mn + 32);
    REQUIRE(m2 != NULL);
    memcpy(m2, mt, mn);
    memcpy(m2 + mn, "images/stale.png\n", 17);
    t_write(man, m2, mn + 17);
    free(m2);
    free(mt);
    REQUIRE(longsd_html_write(f.ctx, f.plan, dir, &o) == LONGSD_OK);
    CHECK(!lsfile_exists(p));
    /* and nothing is left beside it */
    DIR *d = opendir(tpath("html"));
    REQUIRE(d != NULL);
    struct dirent *e;
    size_t entries = 0;
    while ((e = readdir(d)))
        entries += e->d_name[0] != '.';
    closedir(d);
    CHECK_INT(entries, 1);

    /* "dir/" is the same folder, replaced beside it, not inside it */
    char slash[700];
    snprintf(slash, sizeof slash, "%s/", dir);
    REQUIRE(longsd_html_write(f.ctx, f.plan, slash, &o) == LONGSD_OK);
    snprintf(p, sizeof p, "%s/index.html", dir);
    CHECK(lsfile_exists(p));
    d = opendir(dir);
    REQUIRE(d != NULL);
    entries = 0;
    while ((e = readdir(d)))
        entries += e->d_name[0] != '.';
    closedir(d);
    CHECK_INT(entries, 2); /* index.html and images/ */

    /* a folder that is not ours is never replaced */
    char *foreign = tpath("mine");
    mkdir(foreign, 0777);
    snprintf(p, sizeof p, "%s/thesis.tex", foreign);
    t_write(p, "x", 1);
    CHECK_INT(longsd_html_write(f.ctx, f.plan, foreign, &o), LONGSD_ERR_IO);
    CHECK_CONTAINS(longsd_errmsg(f.ctx), "not replacing");
    CHECK(lsfile_exists(p));

    o.single_file = 1;
    char *one = tpath("one.html");
    REQUIRE(longsd_html_write(f.ctx, f.plan, one, &o) == LONGSD_OK);
    html = t_slurp(one, &n);
    REQUIRE(html != NULL);
    CHECK_INT(count(html, "<img src=\"data:image/png;base64,iVBOR"), done);
    free(html);
    fixture_free(&f);
}

/* ---- failures keep the old documents */

TEST(failed_writes_keep_the_old_documents)
{
    fixture f;
    const char *ws = t_tmpdir();
    fixture_load(&f, "hostile.txt", HOSTILE, sizeof HOSTILE - 1, 2);
    render_some(&f, ws, 2, 32, 32);
    longsd_doc_params o = opts_for(&f, ws, NULL);
    char *docx = tpath("a.docx"), *epub = tpath("a.epub"), *dir = tpath("a-html");
    REQUIRE(longsd_docx_write(f.ctx, f.plan, docx, &o) == LONGSD_OK);
    REQUIRE(longsd_epub_write(f.ctx, f.plan, epub, &o) == LONGSD_OK);
    REQUIRE(longsd_html_write(f.ctx, f.plan, dir, &o) == LONGSD_OK);
    size_t n1 = 0, n2 = 0;
    char *d1 = t_slurp(docx, &n1), *e1 = t_slurp(epub, &n2);
    /* damage one image: every writer refuses, naming it, and leaves the old file */
    char img[700];
    snprintf(img, sizeof img, "%s/%s", ws, f.plan->ideas[0].image_file);
    t_write(img, "\x89PNG\r\n\x1a\nbroken", 14);
    CHECK_INT(longsd_docx_write(f.ctx, f.plan, docx, &o), LONGSD_ERR_IMAGE);
    CHECK_CONTAINS(longsd_errmsg(f.ctx), f.plan->ideas[0].image_file);
    CHECK_INT(longsd_epub_write(f.ctx, f.plan, epub, &o), LONGSD_ERR_IMAGE);
    CHECK_INT(longsd_html_write(f.ctx, f.plan, dir, &o), LONGSD_ERR_IMAGE);
    size_t m1 = 0, m2 = 0;
    char *d2 = t_slurp(docx, &m1), *e2 = t_slurp(epub, &m2);
    CHECK(d2 && m1 == n1 && memcmp(d1, d2, n1) == 0);
    CHECK(e2 && m2 == n2 && memcmp(e1, e2, n2) == 0);
    char p[700];
    snprintf(p, sizeof p, "%s/index.html", dir);
    CHECK(lsfile_exists(p));
    free(d1);
    free(d2);
    free(e1);
    free(e2);
    fixture_free(&f);
}

/* Every allocation failing in turn: an error, never a crash, a leak or a
 * half-written file (ASan checks the leaks). */
TEST(alloc_failures)
{
    fixture f;
    const char *ws = t_tmpdir();
    fixture_load(&f, "hostile.txt", HOSTILE, sizeof HOSTILE - 1, 1);
    render_some(&f, ws, 2, 16, 16);
    longsd_doc_params o = opts_for(&f, ws, NULL);
    for (int fmt = 0; fmt < 3; fmt++) {
        char *out = tpath(fmt == 0 ? "x.docx" : fmt == 1 ? "x.epub" : "x-html");
        int ok_at = -1;
        for (long k = 0; k < 4000 && ok_at < 0; k += (k < 200 ? 1 : 7)) {
            longsd__alloc_fail_after = k;
            longsd_status rc = fmt == 0   ? longsd_docx_write(f.ctx, f.plan, out, &o)
                               : fmt == 1 ? longsd_epub_write(f.ctx, f.plan, out, &o)
                                          : longsd_html_write(f.ctx, f.plan, out, &o);
            longsd__alloc_fail_after = -1;
            if (rc == LONGSD_OK)
                ok_at = (int)k;
            else
                CHECK(!lsfile_exists(out));
        }
        CHECK(ok_at > 0);
    }
    fixture_free(&f);
}

/* ---- samples for the consumer tests */

static void write_all(fixture *f, const char *dir, const char *stem, const char *ws)
{
    char p[900];
    longsd_doc_params o = opts_for(f, ws, NULL);
    snprintf(p, sizeof p, "%s/%s.docx", dir, stem);
    if (longsd_docx_write(f->ctx, f->plan, p, &o))
        fprintf(stderr, "  %s\n", longsd_errmsg(f->ctx));
    snprintf(p, sizeof p, "%s/%s-gallery.docx", dir, stem);
    o.layout = "gallery";
    REQUIRE(longsd_docx_write(f->ctx, f->plan, p, &o) == LONGSD_OK);
    /* the gallery EPUB, with the first idea's picture as its cover */
    snprintf(p, sizeof p, "%s/%s-gallery.epub", dir, stem);
    o.cover = f->plan->ideas[0].image_state == LONGSD_IMAGE_DONE ? f->plan->ideas[0].idea.id : NULL;
    REQUIRE(longsd_epub_write(f->ctx, f->plan, p, &o) == LONGSD_OK);
    o.cover = NULL;
    o.layout = NULL;
    snprintf(p, sizeof p, "%s/%s.epub", dir, stem);
    if (longsd_epub_write(f->ctx, f->plan, p, &o))
        fprintf(stderr, "  %s\n", longsd_errmsg(f->ctx));
    snprintf(p, sizeof p, "%s/%s-html", dir, stem);
    REQUIRE(longsd_html_write(f->ctx, f->plan, p, &o) == LONGSD_OK);
    o.single_file = 1;
    snprintf(p, sizeof p, "%s/%s.html", dir, stem);
    REQUIRE(longsd_html_write(f->ctx, f->plan, p, &o) == LONGSD_OK);
    snprintf(p, sizeof p, "%s/%s.plan.json", dir, stem);
    REQUIRE(longsd_plan_save(f->ctx, f->plan, p) == LONGSD_OK);
}

/* Run by name from tests/cli/test_documents.sh (a generator: t.h leaves it
 * out of the default run). */
TEST(docs_sample)
{
    const char *dir = getenv("LONGSD_DOCS_SAMPLE_DIR");
    REQUIRE(dir && *dir);
    char ws[700], corpus[700];
    const char *cdir = getenv("LONGSD_CORPUS");
    snprintf(corpus, sizeof corpus, "%s", cdir && *cdir ? cdir : "tests/corpus");
    fixture f;

    /* hostile: half the ideas rendered */
    snprintf(ws, sizeof ws, "%s/ws-hostile", dir);
    fixture_load(&f, "hostile.txt", HOSTILE, sizeof HOSTILE - 1, 2);
    render_some(&f, ws, 2, 192, 128);
    write_all(&f, dir, "hostile", ws);
    fixture_free(&f);

    /* Low German fairy tale: every other idea rendered, portrait */
    char p[900];
    snprintf(p, sizeof p, "%s/de-grimm-fischer.txt", corpus);
    snprintf(ws, sizeof ws, "%s/ws-grimm", dir);
    fixture_file(&f, p, 0);
    render_some(&f, ws, 2, 128, 192);
    write_all(&f, dir, "grimm", ws);
    fixture_free(&f);

    /* Tom Sawyer: the whole novel, 15 images at the plan's 3:2 */
    snprintf(p, sizeof p, "%s/en-twain1.txt", corpus);
    snprintf(ws, sizeof ws, "%s/ws-twain", dir);
    fixture_file(&f, p, 0);
    CHECK_INT(f.plan->n_ideas, 15);
    CHECK_INT(render_some(&f, ws, 1, 240, 160), 15);
    write_all(&f, dir, "twain", ws);
    fixture_free(&f);
}

RUN_TESTS(layout_story_places_each_idea_after_its_anchor, layout_gallery_by_part_and_story_needs_its_text,
          docx_story_layout, docx_gallery_layout_as_before, epub_container_and_package, html_folder_and_single_file,
          failed_writes_keep_the_old_documents, alloc_failures, docs_sample)
