/* doc_epub.c - EPUB 3: the OCF container (mimetype first and stored, then
 * META-INF/container.xml), a package document with title, author, language,
 * identifier and modified date, a navigation document, a cover (an idea's
 * picture) or a generated title page, one XHTML file per chapter (or part),
 * the appendix of prompts, the stylesheet and the images. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "doc_layout.h"
#include "tmpfile.h"
#include "story.h"
#include "xml.h"
#include "zipw.h"

#define MAX_XHTML_BYTES ((size_t)256 << 20)

#define XHTML_HEAD1                                                                                       \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"                                       \
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\""

/* The start of an XHTML content document, up to and including <body>. */
static longsd_status xhtml_open(lsbuf *b, const char *lang, const char *title, const char *css_href)
{
    longsd_status rc = lsbuf_adds(b, XHTML_HEAD1);
    if (!rc)
        rc = lsbuf_printf(b, "%s\" lang=\"%s\"><head><meta charset=\"UTF-8\"/><title>", lang, lang);
    if (!rc)
        rc = ls_xml_escapes(b, title, LS_XML_TEXT);
    if (!rc)
        rc = lsbuf_printf(b, "</title><link rel=\"stylesheet\" type=\"text/css\" href=\"%s\"/></head>\n<body>\n",
                          css_href);
    return rc;
}

/* A title that is not empty once escaped and filtered. */
static const char *book_title(const longsd_plan *plan)
{
    lsbuf t;
    lsbuf_init(&t, 0);
    const char *title = plan->title;
    if (!title || ls_xml_escapes(&t, title, LS_XML_TEXT) || t.len == 0 || strspn(t.data, " \t\n") == t.len)
        title = plan->name && *plan->name ? plan->name : "Untitled";
    lsbuf_free(&t);
    return title;
}

static longsd_status put_buf(ls_zipw *z, const char *name, lsbuf *b)
{
    size_t len = b->len;
    char *data = lsbuf_steal(b);
    if (!data && len)
        return LONGSD_ERR_NOMEM;
    return ls_zipw_add_take(z, name, data, len, 0);
}

longsd_status longsd_epub_write(longsd_ctx *ctx, const longsd_plan *plan, const char *path,
                                const longsd_doc_params *opts)
{
    longsd_doc_params o = opts ? *opts : longsd_doc_default_params();
    ls_layout L;
    ls_doc_media m = {0};
    ls_zipw *z = NULL;
    char **src = NULL;
    lsbuf b;
    longsd_status rc;
    size_t cover = (size_t)-1;
    char uuid[64], when[32], name[64];
    if (path)
        lstmp_sweep_beside(path); /* temp files of a run killed while writing */

    lsbuf_init(&b, MAX_XHTML_BYTES);
    lserr_clear(&ctx->err);
    if (!plan || !path || !*path)
        return lserr_set(&ctx->err, LONGSD_ERR_PARAM, "longsd_epub_write: no plan or no path");
    const char *lang = ls_doc_language(plan, &o);
    if (!ls_doc_lang_ok(lang))
        return lserr_set(&ctx->err, LONGSD_ERR_PARAM,
                         "language \"%s\" is not a BCP 47 tag such as en, de or pt-BR", lang);
    rc = ls_layout_build(plan, &o, &L, &ctx->err);
    if (rc)
        return rc;
    if ((rc = ls_doc_media_load(plan, o.workspace, &m, &ctx->err)))
        goto out;
    if (o.cover && *o.cover) {
        for (size_t i = 0; i < plan->n_ideas; i++)
            if (strcmp(plan->ideas[i].idea.id, o.cover) == 0)
                cover = i;
        if (cover == (size_t)-1) {
            rc = lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "cover: the plan has no idea \"%s\"", o.cover);
            goto out;
        }
        if (!m.img[cover].data) {
            /* asked before the pictures exist (a first run with --cover):
             * the book is still worth writing, with the title page as cover */
            longsd__log(ctx, LONGSD_LOG_WARN,
                        "cover: idea \"%s\" has no rendered image yet; the title page is the cover until it has one",
                        o.cover);
            cover = (size_t)-1;
        }
    }
    src = longsd__calloc(plan->n_ideas ? plan->n_ideas : 1, sizeof *src);
    z = ls_zipw_new();
    if (!src || !z) {
        rc = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < plan->n_ideas; i++)
        if (m.img[i].data) {
            ls_doc_image_name(i, m.img[i].is_png, name);
            if (!(src[i] = longsd__asprintf("../images/%s", name))) {
                rc = LONGSD_ERR_NOMEM;
                goto out;
            }
        }
    const char *title = book_title(plan);
    time_t now = ls_doc_time();
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ls_doc_uuid(plan, uuid);

    /* OCF: mimetype first, stored, no extra field. */
    static const char MIMETYPE[] = "application/epub+zip";
    if ((rc = ls_zipw_add(z, "mimetype", MIMETYPE, sizeof MIMETYPE - 1, 1)))
        goto out;
    static const char CONTAINER[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">"
        "<rootfiles><rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>"
        "</rootfiles></container>\n";
    if ((rc = ls_zipw_add(z, "META-INF/container.xml", CONTAINER, sizeof CONTAINER - 1, 0)))
        goto out;
    if ((rc = ls_zipw_add(z, "EPUB/style.css", LS_DOC_CSS, strlen(LS_DOC_CSS), 0)))
        goto out;

    /* Title page (with the cover picture when one was chosen). */
    rc = xhtml_open(&b, lang, title, "style.css");
    if (!rc)
        rc = lsbuf_adds(&b, "<section class=\"titlepage\" epub:type=\"titlepage\">\n");
    if (!rc && cover != (size_t)-1) {
        ls_doc_image_name(cover, m.img[cover].is_png, name);
        const ls_plan_idea *pi = &plan->ideas[cover];
        rc = lsbuf_printf(&b, "<figure class=\"cover\"><img src=\"images/%s\" width=\"%d\" height=\"%d\" alt=\"", name,
                          m.img[cover].w, m.img[cover].h);
        if (!rc)
            rc = ls_xml_escapes(&b, pi->idea.scene, LS_XML_ATTR);
        if (!rc)
            rc = lsbuf_adds(&b, "\"/></figure>\n");
    }
    if (!rc)
        rc = lsbuf_adds(&b, "<h1>");
    if (!rc)
        rc = ls_xml_escapes(&b, title, LS_XML_TEXT);
    if (!rc)
        rc = lsbuf_adds(&b, "</h1>\n");
    if (!rc && plan->author && *plan->author) {
        rc = lsbuf_adds(&b, "<p class=\"byline\">by ");
        if (!rc)
            rc = ls_xml_escapes(&b, plan->author, LS_XML_TEXT);
        if (!rc)
            rc = lsbuf_adds(&b, "</p>\n");
    }
    size_t pictures = 0;
    for (size_t i = 0; i < plan->n_ideas; i++)
        pictures += m.img[i].data != NULL;
    if (!rc)
        rc = lsbuf_printf(&b, "<p class=\"byline\">%zu illustration%s (%zu rendered), assembled by longsd</p>\n"
                              "</section>\n</body>\n</html>\n",
                          plan->n_ideas, plan->n_ideas == 1 ? "" : "s", pictures);
    if (!rc)
        rc = put_buf(z, "EPUB/title.xhtml", &b);

    /* One content document per section that shows anything. */
    for (size_t si = 0; !rc && si < L.n_sections; si++) {
        if (L.sections[si].n_items == 0)
            continue;
        rc = xhtml_open(&b, lang, ls_doc_section_label(&L, si), "../style.css");
        if (!rc)
            rc = ls_doc_xhtml_section(&b, plan, &L, si, o.story, src, &m);
        if (!rc)
            rc = lsbuf_adds(&b, "</body>\n</html>\n");
        if (!rc) {
            char fn[64];
            snprintf(fn, sizeof fn, "EPUB/text/%s.xhtml", L.sections[si].id);
            rc = put_buf(z, fn, &b);
        }
    }
    if (!rc && L.story) {
        rc = xhtml_open(&b, lang, L.lb->appendix, "style.css");
        if (!rc)
            rc = ls_doc_xhtml_appendix(&b, plan, &L);
        if (!rc)
            rc = lsbuf_adds(&b, "</body>\n</html>\n");
        /* The appendix links back to the figures in the chapter files. */
        if (!rc) {
            lsbuf fixed;
            lsbuf_init(&fixed, MAX_XHTML_BYTES);
            const char *p = b.data, *q;
            while (!rc && (q = strstr(p, "href=\"#fig-"))) {
                size_t k = (size_t)strtoul(q + 11, NULL, 10) - 1;
                const char *file = "";
                for (size_t si = 0; si < L.n_sections; si++)
                    for (size_t j = L.sections[si].first_item; j < L.sections[si].first_item + L.sections[si].n_items;
                         j++)
                        if (L.items[j].kind == LS_ITEM_IDEA && L.items[j].index == k)
                            file = L.sections[si].id;
                rc = lsbuf_add(&fixed, p, (size_t)(q - p));
                if (!rc)
                    rc = lsbuf_printf(&fixed, "href=\"text/%s.xhtml#", file);
                p = q + 7;
            }
            if (!rc)
                rc = lsbuf_adds(&fixed, p);
            lsbuf_reset(&b);
            if (!rc)
                rc = put_buf(z, "EPUB/appendix.xhtml", &fixed);
            lsbuf_free(&fixed);
        }
    }

    /* Navigation document. */
    if (!rc)
        rc = xhtml_open(&b, lang, title, "style.css");
    if (!rc)
        rc = lsbuf_printf(&b, "<nav epub:type=\"toc\" id=\"toc\" class=\"toc\"><h1>%s</h1>\n<ol>\n"
                              "<li><a href=\"title.xhtml\">%s</a></li>\n",
                          L.lb->contents, L.lb->title_page);
    for (size_t si = 0; !rc && si < L.n_sections; si++) {
        if (L.sections[si].n_items == 0)
            continue;
        rc = lsbuf_printf(&b, "<li><a href=\"text/%s.xhtml\">", L.sections[si].id);
        if (!rc)
            rc = ls_xml_escapes(&b, ls_doc_section_label(&L, si), LS_XML_TEXT);
        if (!rc)
            rc = lsbuf_adds(&b, "</a></li>\n");
    }
    if (!rc && L.story)
        rc = lsbuf_printf(&b, "<li><a href=\"appendix.xhtml\">%s</a></li>\n", L.lb->appendix);
    if (!rc)
        rc = lsbuf_adds(&b, "</ol>\n</nav>\n</body>\n</html>\n");
    if (!rc)
        rc = put_buf(z, "EPUB/nav.xhtml", &b);

    /* Package document. */
    if (!rc)
        rc = lsbuf_printf(&b,
                          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" "
                          "unique-identifier=\"uid\" xml:lang=\"%s\">\n"
                          "<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                          "<dc:identifier id=\"uid\">%s</dc:identifier>\n<dc:title>",
                          lang, uuid);
    if (!rc)
        rc = ls_xml_escapes(&b, title, LS_XML_TEXT);
    if (!rc)
        rc = lsbuf_printf(&b, "</dc:title>\n<dc:language>%s</dc:language>\n", lang);
    if (!rc && plan->author && *plan->author) {
        rc = lsbuf_adds(&b, "<dc:creator>");
        if (!rc)
            rc = ls_xml_escapes(&b, plan->author, LS_XML_TEXT);
        if (!rc)
            rc = lsbuf_adds(&b, "</dc:creator>\n");
    }
    if (!rc)
        rc = lsbuf_printf(&b,
                          "<dc:contributor>longsd</dc:contributor>\n"
                          "<meta property=\"dcterms:modified\">%s</meta>\n</metadata>\n<manifest>\n"
                          "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" "
                          "properties=\"nav\"/>\n"
                          "<item id=\"css\" href=\"style.css\" media-type=\"text/css\"/>\n"
                          "<item id=\"titlepage\" href=\"title.xhtml\" media-type=\"application/xhtml+xml\"/>\n",
                          when);
    for (size_t si = 0; !rc && si < L.n_sections; si++)
        if (L.sections[si].n_items)
            rc = lsbuf_printf(&b, "<item id=\"%s\" href=\"text/%s.xhtml\" media-type=\"application/xhtml+xml\"/>\n",
                              L.sections[si].id, L.sections[si].id);
    if (!rc && L.story)
        rc = lsbuf_adds(&b, "<item id=\"appendix\" href=\"appendix.xhtml\" media-type=\"application/xhtml+xml\"/>\n");
    for (size_t i = 0; !rc && i < plan->n_ideas; i++) {
        if (!m.img[i].data)
            continue;
        ls_doc_image_name(i, m.img[i].is_png, name);
        rc = lsbuf_printf(&b, "<item id=\"img-%03zu\" href=\"images/%s\" media-type=\"%s\"%s/>\n", i + 1, name,
                          m.img[i].is_png ? "image/png" : "image/jpeg",
                          i == cover ? " properties=\"cover-image\"" : "");
    }
    if (!rc)
        rc = lsbuf_adds(&b, "</manifest>\n<spine>\n<itemref idref=\"titlepage\"/>\n");
    for (size_t si = 0; !rc && si < L.n_sections; si++)
        if (L.sections[si].n_items)
            rc = lsbuf_printf(&b, "<itemref idref=\"%s\"/>\n", L.sections[si].id);
    if (!rc && L.story)
        rc = lsbuf_adds(&b, "<itemref idref=\"appendix\"/>\n");
    if (!rc)
        rc = lsbuf_adds(&b, "</spine>\n</package>\n");
    if (!rc)
        rc = put_buf(z, "EPUB/package.opf", &b);

    /* Images last: PNG and JPEG are compressed already, so stored. */
    for (size_t i = 0; !rc && i < plan->n_ideas; i++) {
        if (!m.img[i].data)
            continue;
        char zname[96];
        ls_doc_image_name(i, m.img[i].is_png, name);
        snprintf(zname, sizeof zname, "EPUB/images/%s", name);
        rc = ls_zipw_add_take(z, zname, m.img[i].data, m.img[i].len, 1);
        m.img[i].data = NULL;
    }
    if (!rc)
        rc = ls_zipw_save(z, path, now, &ctx->err);
out:
    if (rc == LONGSD_ERR_NOMEM)
        lserr_set(&ctx->err, rc, "out of memory while writing %s", path);
    else if (rc == LONGSD_ERR_TOO_BIG && !ctx->err.msg[0])
        lserr_set(&ctx->err, rc, "%s: the document is too big", path);
    else if (rc && !ctx->err.msg[0])
        lserr_set(&ctx->err, rc, "%s: could not be written: %s", path, longsd_strerror(rc));
    if (src)
        for (size_t i = 0; i < plan->n_ideas; i++)
            longsd__free(src[i]);
    longsd__free(src);
    ls_zipw_free(z);
    ls_doc_media_free(&m);
    ls_layout_free(&L);
    lsbuf_free(&b);
    return rc;
}
