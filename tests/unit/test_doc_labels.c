/* test_doc_labels.c - documents speak the book's language: a German book's
 * HTML, EPUB and DOCX say "Inhalt", "Anhang: Prompts", "Bild noch nicht
 * erzeugt" and declare "de"; a language given by the caller (--language)
 * wins; unknown languages get English. */
#include <zip.h>

#include "doc_labels.h"
#include "plan.h"
#include "story.h"
#include "t.h"
#include "util.h"

#define DE_PARA                                                                                                \
    "Der alte Fischer stand am Ufer des Sees und warf das Netz in das dunkle Wasser. Die Sonne ging hinter "   \
    "den Bergen unter, und ein roter Schein lag auf den Wellen. Seine Frau kam mit einer Laterne den Weg "     \
    "herunter und rief ihn zum Essen in die kleine Hütte.\n\n"

static char *de_text(void)
{
    size_t n = strlen(DE_PARA);
    char *b = malloc(n * 30 + 64);
    REQUIRE(b != NULL);
    strcpy(b, "Der Fischer am See\n\n");
    for (int i = 0; i < 30; i++)
        strcat(b, DE_PARA);
    return b;
}

typedef struct {
    longsd_ctx *ctx;
    longsd_story *story;
    longsd_plan *plan;
} fx;

static void fx_load(fx *f)
{
    memset(f, 0, sizeof *f);
    f->ctx = longsd_ctx_new();
    char *t = de_text();
    REQUIRE(longsd_story_load_memory(f->ctx, "fischer.txt", t, strlen(t), NULL, &f->story) == LONGSD_OK);
    free(t);
    longsd_plan_params pp = longsd_plan_default_params();
    pp.ideas_per_part = 1;
    REQUIRE(longsd_plan_update(f->ctx, &f->plan, "fischer", "fischer.txt", f->story, &pp, NULL) == LONGSD_OK);
    REQUIRE(f->plan->n_ideas > 0);
}

static void fx_free(fx *f)
{
    longsd_plan_free(f->plan);
    longsd_story_free(f->story);
    longsd_ctx_free(f->ctx);
}

static char *zip_entry(const char *zpath, const char *name)
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

TEST(labels_table)
{
    CHECK_STR(ls_doc_labels_for("de")->contents, "Inhalt");
    CHECK_STR(ls_doc_labels_for("de-CH")->appendix, "Anhang: Prompts");
    CHECK_STR(ls_doc_labels_for("FR")->contents, "Table des mati\xC3\xA8res");
    CHECK_STR(ls_doc_labels_for("pt-BR")->contents, "Contents");
    CHECK_STR(ls_doc_labels_for(NULL)->contents, "Contents");
    CHECK_STR(ls_doc_labels_for("und")->beginning, "Beginning");
}

TEST(german_book_german_html)
{
    fx f;
    fx_load(&f);
    CHECK_STR(f.story->lang, "de");
    longsd_doc_params o = longsd_doc_default_params();
    o.workspace = t_tmpdir();
    o.story = f.story;
    char dir[600], p[700];
    snprintf(dir, sizeof dir, "%s/html-de", t_tmpdir());
    REQUIRE(longsd_html_write(f.ctx, f.plan, dir, &o) == LONGSD_OK);
    snprintf(p, sizeof p, "%s/index.html", dir);
    char *html = t_slurp(p, NULL);
    REQUIRE(html != NULL);
    CHECK_CONTAINS(html, "<html lang=\"de\"");
    CHECK_CONTAINS(html, "<h2>Inhalt</h2>");
    CHECK_CONTAINS(html, "Anhang: Prompts");
    CHECK_CONTAINS(html, "Bild noch nicht erzeugt");
    CHECK_CONTAINS(html, "Negativer Prompt");
    CHECK_CONTAINS(html, "<h2>Anfang</h2>"); /* the default part names too */
    CHECK(strstr(html, "Appendix: prompts") == NULL);
    CHECK(strstr(html, "Image not rendered") == NULL);
    free(html);

    /* the caller's language wins */
    o.language = "fr";
    snprintf(dir, sizeof dir, "%s/html-fr", t_tmpdir());
    REQUIRE(longsd_html_write(f.ctx, f.plan, dir, &o) == LONGSD_OK);
    snprintf(p, sizeof p, "%s/index.html", dir);
    html = t_slurp(p, NULL);
    REQUIRE(html != NULL);
    CHECK_CONTAINS(html, "<html lang=\"fr\"");
    CHECK_CONTAINS(html, "Table des mati\xC3\xA8res");
    CHECK_CONTAINS(html, "Annexe : prompts");
    free(html);
    fx_free(&f);
}

TEST(german_book_german_epub_and_docx)
{
    fx f;
    fx_load(&f);
    longsd_doc_params o = longsd_doc_default_params();
    o.workspace = t_tmpdir();
    o.story = f.story;
    char path[600];
    snprintf(path, sizeof path, "%s/b.epub", t_tmpdir());
    REQUIRE(longsd_epub_write(f.ctx, f.plan, path, &o) == LONGSD_OK);
    char *nav = zip_entry(path, "EPUB/nav.xhtml");
    REQUIRE(nav != NULL);
    CHECK_CONTAINS(nav, "<h1>Inhalt</h1>");
    CHECK_CONTAINS(nav, "Titelseite");
    CHECK_CONTAINS(nav, "Anhang: Prompts");
    free(nav);
    char *opf = zip_entry(path, "EPUB/package.opf");
    REQUIRE(opf != NULL);
    CHECK_CONTAINS(opf, "<dc:language>de</dc:language>");
    free(opf);

    snprintf(path, sizeof path, "%s/b.docx", t_tmpdir());
    REQUIRE(longsd_docx_write(f.ctx, f.plan, path, &o) == LONGSD_OK);
    char *doc = zip_entry(path, "word/document.xml");
    REQUIRE(doc != NULL);
    CHECK_CONTAINS(doc, "Anhang: Prompts");
    CHECK_CONTAINS(doc, "Bild noch nicht erzeugt");
    CHECK(strstr(doc, "Seed and settings") == NULL);
    free(doc);
    char *core = zip_entry(path, "docProps/core.xml");
    REQUIRE(core != NULL);
    CHECK_CONTAINS(core, ">de<");
    free(core);
    fx_free(&f);
}

RUN_TESTS(labels_table, german_book_german_html, german_book_german_epub_and_docx)
