/* docx.c - the OOXML (WordprocessingML) writer: paragraphs are serialised
 * into word/document.xml as they are added, images are kept in memory, and
 * ls_docx_save packs every part into a zip built in memory with libzip and
 * writes it with one atomic rename, so a failed save never leaves a torn
 * file where a good one was. */
#include "docx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xml.h"
#include "zipw.h"

#define MAX_IMAGE_BYTES ((size_t)64 << 20)  /* one image file */
#define MAX_MEDIA_BYTES ((size_t)512 << 20) /* all images of one document */
#define MAX_BODY_BYTES ((size_t)256 << 20)  /* the serialised paragraphs */
#define EMU_PER_INCH 914400.0
#define EMU_PER_TWIP 635.0
/* The largest picture that fits the text area of both page sizes with 1"
 * margins (A4's width, Letter's height), less half an inch for the line and
 * spacing of its paragraph. In twips. */
#define MAX_PIC_W_TWIPS 9026.0
#define MAX_PIC_H_TWIPS (12960.0 - 720.0)

typedef struct {
    char *data; /* the file's bytes, checked by ls_image_dims */
    size_t len;
    int is_png;
} docx_media;

struct ls_docx {
    lsbuf body;        /* w:body children so far, without the final sectPr */
    docx_media *media; /* media[i] is word/media/image<i+1>.png|jpeg */
    size_t n_media, alloc_media;
    size_t media_bytes; /* sum of media[i].len */
    char *title, *author, *language;
    int page; /* LS_DOCX_A4 or LS_DOCX_LETTER */
};

static const char *const STYLE_IDS[] = {"Normal", "Title", "Heading1", "Heading2", "Caption", "Prompt", "Placeholder"};

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

ls_docx *ls_docx_new(void)
{
    ls_docx *d = longsd__calloc(1, sizeof *d);
    if (!d)
        return NULL;
    lsbuf_init(&d->body, MAX_BODY_BYTES);
    d->page = LS_DOCX_A4;
    return d;
}

void ls_docx_free(ls_docx *d)
{
    if (!d)
        return;
    lsbuf_free(&d->body);
    for (size_t i = 0; i < d->n_media; i++)
        longsd__free(d->media[i].data);
    longsd__free(d->media);
    longsd__free(d->title);
    longsd__free(d->author);
    longsd__free(d->language);
    longsd__free(d);
}

/* Replace *slot with a copy of s (NULL or "" clears it). */
static void set_str(char **slot, const char *s)
{
    longsd__free(*slot);
    *slot = (s && *s) ? longsd__strdup(s) : NULL;
}

void ls_docx_set_meta(ls_docx *d, const char *title, const char *author, const char *language)
{
    if (!d)
        return;
    set_str(&d->title, title);
    set_str(&d->author, author);
    set_str(&d->language, language);
}

void ls_docx_set_page(ls_docx *d, int page)
{
    if (d)
        d->page = page == LS_DOCX_LETTER ? LS_DOCX_LETTER : LS_DOCX_A4;
}

static int style_known(const char *style)
{
    for (size_t i = 0; i < sizeof STYLE_IDS / sizeof STYLE_IDS[0]; i++)
        if (strcmp(style, STYLE_IDS[i]) == 0)
            return 1;
    return 0;
}

/* Open a paragraph: <w:p> with its style (Normal is implied) and direction. */
static longsd_status para_open(lsbuf *b, const char *style, const char *label, const char *text)
{
    int dir = label ? ls_text_rtl(label) : -1;
    if (dir < 0)
        dir = ls_text_rtl(text);
    int rtl = dir == 1;
    int normal = strcmp(style, "Normal") == 0;
    longsd_status rc = lsbuf_adds(b, "<w:p>");
    if (!rc && (!normal || rtl)) {
        rc = lsbuf_adds(b, "<w:pPr>");
        if (!rc && !normal)
            rc = lsbuf_printf(b, "<w:pStyle w:val=\"%s\"/>", style);
        if (!rc && rtl)
            rc = lsbuf_adds(b, "<w:bidi/>");
        if (!rc)
            rc = lsbuf_adds(b, "</w:pPr>");
    }
    return rc;
}

/* One run of text. Newlines (LF, CRLF, CR) become <w:br/>, tabs <w:tab/>;
 * every piece is escaped and keeps its spaces (xml:space="preserve"). */
static longsd_status add_run(lsbuf *b, const char *text, int bold)
{
    longsd_status rc = lsbuf_adds(b, bold ? "<w:r><w:rPr><w:b/><w:bCs/></w:rPr>" : "<w:r>");
    const char *p = text;
    while (!rc) {
        size_t seg = strcspn(p, "\r\n\t");
        if (seg > 0) {
            rc = lsbuf_adds(b, "<w:t xml:space=\"preserve\">");
            if (!rc)
                rc = ls_xml_escape(b, p, seg, LS_XML_TEXT);
            if (!rc)
                rc = lsbuf_adds(b, "</w:t>");
        }
        p += seg;
        if (rc || !*p)
            break;
        if (*p == '\t') {
            rc = lsbuf_adds(b, "<w:tab/>");
        } else {
            rc = lsbuf_adds(b, "<w:br/>");
            if (p[0] == '\r' && p[1] == '\n')
                p++;
        }
        p++;
    }
    if (!rc)
        rc = lsbuf_adds(b, "</w:r>");
    return rc;
}

/* Append to the body all or nothing: on failure cut it back to `mark`, so a
 * failed call never leaves half a paragraph in document.xml. */
static longsd_status body_done(ls_docx *d, size_t mark, longsd_status rc)
{
    if (rc) {
        d->body.len = mark;
        if (d->body.data)
            d->body.data[mark] = '\0';
    }
    return rc;
}

longsd_status ls_docx_para(ls_docx *d, const char *style, const char *text)
{
    return ls_docx_para_labeled(d, style, NULL, text);
}

longsd_status ls_docx_para_labeled(ls_docx *d, const char *style, const char *label, const char *text)
{
    if (!d)
        return LONGSD_ERR_PARAM;
    if (!style)
        style = "Normal";
    if (!style_known(style))
        return LONGSD_ERR_PARAM;
    if (!text)
        text = "";
    size_t mark = d->body.len;
    int has_label = label && *label;
    longsd_status rc = para_open(&d->body, style, has_label ? label : NULL, text);
    if (!rc && has_label) {
        rc = add_run(&d->body, label, 1);
        size_t ll = strlen(label);
        int spaced = label[ll - 1] == ' ' || label[ll - 1] == '\t' || label[ll - 1] == '\n';
        if (!rc && *text && !spaced)
            rc = lsbuf_adds(&d->body, "<w:r><w:t xml:space=\"preserve\"> </w:t></w:r>");
    }
    if (!rc && (*text || !has_label))
        rc = add_run(&d->body, text, 0);
    if (!rc)
        rc = lsbuf_adds(&d->body, "</w:p>");
    return body_done(d, mark, rc);
}

longsd_status ls_docx_page_break(ls_docx *d)
{
    if (!d)
        return LONGSD_ERR_PARAM;
    size_t mark = d->body.len;
    return body_done(d, mark, lsbuf_adds(&d->body, "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"));
}

/* One table cell holding one paragraph of text. */
static longsd_status table_cell(lsbuf *b, long width, const char *style, const char *text, int bold)
{
    if (!text)
        text = "";
    longsd_status rc = lsbuf_printf(b, "<w:tc><w:tcPr><w:tcW w:w=\"%ld\" w:type=\"dxa\"/></w:tcPr>", width);
    if (!rc)
        rc = para_open(b, style, NULL, text);
    if (!rc)
        rc = add_run(b, text, bold);
    if (!rc)
        rc = lsbuf_adds(b, "</w:p></w:tc>");
    return rc;
}

longsd_status ls_docx_table(ls_docx *d, size_t n_cols, const double *weights, const char *const *header,
                            const char *const *cells, size_t n_rows)
{
    if (!d || n_cols == 0 || n_cols > 63 || !header || (n_rows && !cells))
        return LONGSD_ERR_PARAM;
    long widths[64];
    double total = 0;
    for (size_t c = 0; c < n_cols; c++) {
        double w = weights ? weights[c] : 1.0;
        if (!(w > 0.0 && w < 1e6))
            return LONGSD_ERR_PARAM;
        total += w;
    }
    for (size_t c = 0; c < n_cols; c++)
        widths[c] = (long)(MAX_PIC_W_TWIPS * (weights ? weights[c] : 1.0) / total);
    lsbuf *b = &d->body;
    size_t mark = b->len;
    longsd_status rc = lsbuf_adds(b, "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblBorders>"
                                     "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>"
                                     "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>"
                                     "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>"
                                     "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>"
                                     "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>"
                                     "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>"
                                     "</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
                                     "<w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/>"
                                     "<w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar>"
                                     "<w:tblLook w:val=\"0020\" w:firstRow=\"1\" w:lastRow=\"0\" "
                                     "w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/>"
                                     "</w:tblPr><w:tblGrid>");
    for (size_t c = 0; !rc && c < n_cols; c++)
        rc = lsbuf_printf(b, "<w:gridCol w:w=\"%ld\"/>", widths[c]);
    if (!rc)
        rc = lsbuf_adds(b, "</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
    for (size_t c = 0; !rc && c < n_cols; c++)
        rc = table_cell(b, widths[c], "Prompt", header[c], 1);
    if (!rc)
        rc = lsbuf_adds(b, "</w:tr>");
    for (size_t r = 0; !rc && r < n_rows; r++) {
        rc = lsbuf_adds(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (size_t c = 0; !rc && c < n_cols; c++)
            rc = table_cell(b, widths[c], "Prompt", cells[r * n_cols + c], 0);
        if (!rc)
            rc = lsbuf_adds(b, "</w:tr>");
    }
    if (!rc)
        rc = lsbuf_adds(b, "</w:tbl>");
    return body_done(d, mark, rc);
}

longsd_status ls_docx_image(ls_docx *d, const char *path, double width_in, const char *alt, lserr *err)
{
    char *data = NULL;
    size_t len = 0;
    if (!d || !path)
        return lserr_set(err, LONGSD_ERR_PARAM, "ls_docx_image: no document or no path");
    longsd_status rc = lsfile_read(path, MAX_IMAGE_BYTES, &data, &len, err);
    if (rc)
        return rc;
    return ls_docx_image_data(d, path, data, len, width_in, alt, err);
}

longsd_status ls_docx_image_data(ls_docx *d, const char *path, char *data, size_t len, double width_in,
                                 const char *alt, lserr *err)
{
    size_t mark;
    int w = 0, h = 0, is_png = 0;
    longsd_status rc;

    if (!d || !path) {
        rc = lserr_set(err, LONGSD_ERR_PARAM, "ls_docx_image: no document or no path");
        goto out;
    }
    if (!(width_in > 0.0 && width_in <= 100.0)) { /* also catches NaN */
        rc = lserr_set(err, LONGSD_ERR_PARAM, "%s: image width %g in is not between 0 and 100 inches", path,
                       width_in);
        goto out;
    }
    if (ls_image_dims((const unsigned char *)data, len, &w, &h, &is_png) != 0) {
        rc = lserr_set(err, LONGSD_ERR_IMAGE,
                       "%s: not a PNG or JPEG image (or a damaged one); only complete PNG and baseline or "
                       "progressive JPEG files can go into a document",
                       path);
        goto out;
    }
    if (len > MAX_MEDIA_BYTES - d->media_bytes) {
        rc = lserr_set(err, LONGSD_ERR_TOO_BIG, "%s: the document's images would exceed %zu MiB in all", path,
                       MAX_MEDIA_BYTES >> 20);
        goto out;
    }
    if (d->n_media == d->alloc_media) {
        size_t na = d->alloc_media ? d->alloc_media * 2 : 8;
        docx_media *nm = longsd__realloc(d->media, na * sizeof *nm);
        if (!nm) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory", path);
            goto out;
        }
        d->media = nm;
        d->alloc_media = na;
    }

    /* Size in EMU at the true aspect ratio, shrunk to fit the page if need be. */
    double cx = width_in * EMU_PER_INCH, cy = cx * (double)h / (double)w;
    double fit = 1.0;
    if (cx > MAX_PIC_W_TWIPS * EMU_PER_TWIP)
        fit = MAX_PIC_W_TWIPS * EMU_PER_TWIP / cx;
    if (cy * fit > MAX_PIC_H_TWIPS * EMU_PER_TWIP)
        fit = MAX_PIC_H_TWIPS * EMU_PER_TWIP / cy;
    long long ecx = llround(cx * fit), ecy = llround(cy * fit);
    if (ecx < 1)
        ecx = 1;
    if (ecy < 1)
        ecy = 1;

    size_t n = d->n_media + 1; /* image number: names, ids and rId all derive from it */
    const char *ext = is_png ? "png" : "jpeg";
    lsbuf *b = &d->body;
    mark = b->len;
    rc = lsbuf_adds(b, "<w:p><w:pPr><w:keepNext/><w:jc w:val=\"center\"/></w:pPr><w:r><w:drawing>"
                       "<wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">");
    if (!rc)
        rc = lsbuf_printf(b,
                          "<wp:extent cx=\"%lld\" cy=\"%lld\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>"
                          "<wp:docPr id=\"%zu\" name=\"Picture %zu\" descr=\"",
                          ecx, ecy, n, n);
    if (!rc)
        rc = ls_xml_escapes(b, alt, LS_XML_ATTR);
    if (!rc)
        rc = lsbuf_printf(b,
                          "\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/>"
                          "</wp:cNvGraphicFramePr><a:graphic><a:graphicData "
                          "uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic>"
                          "<pic:nvPicPr><pic:cNvPr id=\"%zu\" name=\"image%zu.%s\"/><pic:cNvPicPr/></pic:nvPicPr>"
                          "<pic:blipFill><a:blip r:embed=\"rIdImg%zu\"/><a:stretch><a:fillRect/></a:stretch>"
                          "</pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/>"
                          "<a:ext cx=\"%lld\" cy=\"%lld\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/>"
                          "</a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline>"
                          "</w:drawing></w:r></w:p>",
                          n, n, ext, n, ecx, ecy);
    if (body_done(d, mark, rc)) {
        rc = lserr_set(err, rc, "%s: %s", path,
                       rc == LONGSD_ERR_TOO_BIG ? "the document is too big" : "out of memory");
        goto out;
    }
    d->media[d->n_media].data = data;
    d->media[d->n_media].len = len;
    d->media[d->n_media].is_png = is_png;
    d->n_media++;
    d->media_bytes += len;
    data = NULL; /* the document owns it now */
out:
    longsd__free(data);
    return rc;
}

/* ---- the package parts */

/* A plausible BCP 47 tag ("en", "pt-BR"), safe to use as w:lang. */
static int lang_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n > 35)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '-'))
            return 0;
    return strcmp(s, "und") != 0;
}

static int lang_is(const char *lang, const char *const *list)
{
    for (; *list; list++) {
        size_t l = strlen(*list);
        if (lsstr_casecmp_ascii(lang, *list) == 0 || (strncmp(lang, *list, l) == 0 && lang[l] == '-'))
            return 1;
    }
    return 0;
}

static longsd_status part_content_types(lsbuf *b)
{
    return lsbuf_adds(
        b, XML_DECL
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Default Extension=\"png\" ContentType=\"image/png\"/>"
        "<Default Extension=\"jpeg\" ContentType=\"image/jpeg\"/>"
        "<Override PartName=\"/word/document.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
        "<Override PartName=\"/word/styles.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
        "<Override PartName=\"/word/settings.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
        "<Override PartName=\"/docProps/core.xml\" "
        "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
        "<Override PartName=\"/docProps/app.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
        "</Types>");
}

static longsd_status part_package_rels(lsbuf *b)
{
    return lsbuf_adds(
        b, XML_DECL
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
        "Target=\"word/document.xml\"/>"
        "<Relationship Id=\"rId2\" "
        "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
        "Target=\"docProps/core.xml\"/>"
        "<Relationship Id=\"rId3\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" "
        "Target=\"docProps/app.xml\"/>"
        "</Relationships>");
}

static longsd_status part_document_rels(const ls_docx *d, lsbuf *b)
{
    longsd_status rc = lsbuf_adds(
        b, XML_DECL
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" NS_R "/styles\" Target=\"styles.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"" NS_R "/settings\" Target=\"settings.xml\"/>");
    for (size_t i = 0; !rc && i < d->n_media; i++)
        rc = lsbuf_printf(b, "<Relationship Id=\"rIdImg%zu\" Type=\"" NS_R "/image\" Target=\"media/image%zu.%s\"/>",
                          i + 1, i + 1, d->media[i].is_png ? "png" : "jpeg");
    if (!rc)
        rc = lsbuf_adds(b, "</Relationships>");
    return rc;
}

static longsd_status part_document(const ls_docx *d, lsbuf *b)
{
    longsd_status rc = lsbuf_adds(
        b, XML_DECL
        "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\" "
        "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" "
        "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
        "xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><w:body>");
    if (!rc && d->body.len)
        rc = lsbuf_add(b, d->body.data, d->body.len);
    if (!rc)
        rc = lsbuf_printf(b,
                          "<w:sectPr><w:pgSz w:w=\"%d\" w:h=\"%d\"/>"
                          "<w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" "
                          "w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>",
                          d->page == LS_DOCX_LETTER ? 12240 : 11906, d->page == LS_DOCX_LETTER ? 15840 : 16838);
    return rc;
}

static longsd_status part_styles(const ls_docx *d, lsbuf *b)
{
    static const char *const rtl_langs[] = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", NULL};
    static const char *const cjk_langs[] = {"zh", "ja", "ko", NULL};
    longsd_status rc = lsbuf_adds(b, XML_DECL "<w:styles xmlns:w=\"" NS_W "\">"
                                              "<w:docDefaults><w:rPrDefault><w:rPr>"
                                              "<w:rFonts w:ascii=\"Calibri\" w:hAnsi=\"Calibri\" w:cs=\"Arial\"/>"
                                              "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/>");
    if (!rc && lang_ok(d->language)) {
        const char *l = d->language;
        rc = lsbuf_printf(b, "<w:lang w:val=\"%s\"", l);
        if (!rc && lang_is(l, cjk_langs))
            rc = lsbuf_printf(b, " w:eastAsia=\"%s\"", l);
        if (!rc && lang_is(l, rtl_langs))
            rc = lsbuf_printf(b, " w:bidi=\"%s\"", l);
        if (!rc)
            rc = lsbuf_adds(b, "/>");
    }
    if (rc)
        return rc;
    /* Names are Word's built-in ones ("heading 1", "caption"): Word shows
     * them as "Heading 1" / "Caption" and LibreOffice and python-docx map
     * them onto their own Heading 1 / Caption. Prompt and Placeholder are
     * ours, hence customStyle. */
    return lsbuf_adds(
        b,
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        "<w:spacing w:after=\"160\" w:line=\"259\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"

        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
        "<w:qFormat/></w:style>"

        "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/>"
        "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"10\"/><w:qFormat/>"
        "<w:pPr><w:keepNext/><w:spacing w:before=\"480\" w:after=\"360\" w:line=\"240\" w:lineRule=\"auto\"/>"
        "<w:jc w:val=\"center\"/></w:pPr>"
        "<w:rPr><w:color w:val=\"1F3864\"/><w:kern w:val=\"28\"/><w:sz w:val=\"56\"/><w:szCs w:val=\"56\"/></w:rPr>"
        "</w:style>"

        "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>"
        "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>"
        "<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"360\" w:after=\"120\"/>"
        "<w:outlineLvl w:val=\"0\"/></w:pPr>"
        "<w:rPr><w:b/><w:bCs/><w:color w:val=\"2F5496\"/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr>"
        "</w:style>"

        "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/>"
        "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>"
        "<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"80\"/>"
        "<w:outlineLvl w:val=\"1\"/></w:pPr>"
        "<w:rPr><w:b/><w:bCs/><w:color w:val=\"2F5496\"/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr>"
        "</w:style>"

        "<w:style w:type=\"paragraph\" w:styleId=\"Caption\"><w:name w:val=\"caption\"/>"
        "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"35\"/><w:qFormat/>"
        "<w:pPr><w:spacing w:after=\"240\"/><w:jc w:val=\"center\"/></w:pPr>"
        "<w:rPr><w:i/><w:iCs/><w:color w:val=\"44546A\"/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/></w:rPr>"
        "</w:style>"

        "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Prompt\"><w:name w:val=\"Prompt\"/>"
        "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>"
        "<w:pPr><w:spacing w:after=\"120\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>"
        "<w:rPr><w:color w:val=\"6E6E6E\"/><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/></w:rPr>"
        "</w:style>"

        "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Placeholder\">"
        "<w:name w:val=\"Placeholder\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>"
        "<w:pPr><w:keepNext/><w:pBdr>"
        "<w:top w:val=\"dashed\" w:sz=\"12\" w:space=\"12\" w:color=\"7F7F7F\"/>"
        "<w:left w:val=\"dashed\" w:sz=\"12\" w:space=\"12\" w:color=\"7F7F7F\"/>"
        "<w:bottom w:val=\"dashed\" w:sz=\"12\" w:space=\"12\" w:color=\"7F7F7F\"/>"
        "<w:right w:val=\"dashed\" w:sz=\"12\" w:space=\"12\" w:color=\"7F7F7F\"/>"
        "</w:pBdr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"EDEDED\"/>"
        "<w:spacing w:before=\"360\" w:after=\"360\"/><w:ind w:left=\"720\" w:right=\"720\"/>"
        "<w:jc w:val=\"center\"/></w:pPr>"
        "<w:rPr><w:i/><w:iCs/><w:color w:val=\"404040\"/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr>"
        "</w:style>"

        "</w:styles>");
}

static longsd_status part_settings(lsbuf *b)
{
    /* compatibilityMode 15: Word opens the file as a current document, not
     * in "Compatibility Mode". */
    return lsbuf_adds(b, XML_DECL "<w:settings xmlns:w=\"" NS_W "\"><w:defaultTabStop w:val=\"720\"/>"
                                  "<w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat>"
                                  "<w:compatSetting w:name=\"compatibilityMode\" "
                                  "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/>"
                                  "</w:compat></w:settings>");
}

static longsd_status part_core(const ls_docx *d, lsbuf *b, time_t now)
{
    char when[32];
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    longsd_status rc = lsbuf_adds(b, XML_DECL
                                  "<cp:coreProperties "
                                  "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
                                  "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
                                  "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
                                  "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" "
                                  "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
    if (!rc && d->title) {
        rc = lsbuf_adds(b, "<dc:title>");
        if (!rc)
            rc = ls_xml_escapes(b, d->title, LS_XML_TEXT);
        if (!rc)
            rc = lsbuf_adds(b, "</dc:title>");
    }
    if (!rc && d->author) {
        rc = lsbuf_adds(b, "<dc:creator>");
        if (!rc)
            rc = ls_xml_escapes(b, d->author, LS_XML_TEXT);
        if (!rc)
            rc = lsbuf_adds(b, "</dc:creator>");
    }
    if (!rc) {
        rc = lsbuf_adds(b, "<dc:language>");
        if (!rc)
            rc = ls_xml_escapes(b, d->language ? d->language : "und", LS_XML_TEXT);
        if (!rc)
            rc = lsbuf_adds(b, "</dc:language>");
    }
    if (!rc)
        rc = lsbuf_printf(b,
                          "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%s</dcterms:created>"
                          "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">%s</dcterms:modified>"
                          "</cp:coreProperties>",
                          when, when);
    return rc;
}

static longsd_status part_app(lsbuf *b)
{
    return lsbuf_adds(b, XML_DECL
                      "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" "
                      "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
                      "<Application>longsd</Application></Properties>");
}

enum { P_TYPES, P_RELS, P_DOC, P_STYLES, P_SETTINGS, P_DOC_RELS, P_CORE, P_APP, N_PARTS };
static const char *const PART_NAMES[N_PARTS] = {
    "[Content_Types].xml", "_rels/.rels",          "word/document.xml", "word/styles.xml",
    "word/settings.xml",   "word/_rels/document.xml.rels", "docProps/core.xml", "docProps/app.xml",
};

longsd_status ls_docx_save(ls_docx *d, const char *path, lserr *err)
{
    lsbuf parts[N_PARTS];
    ls_zipw *z = NULL;
    longsd_status rc = LONGSD_OK;
    time_t now = ls_doc_time();

    for (int i = 0; i < N_PARTS; i++)
        lsbuf_init(&parts[i], 0);
    if (!d || !path || !*path) {
        rc = lserr_set(err, LONGSD_ERR_PARAM, "ls_docx_save: no document or no path");
        goto out;
    }

    rc = part_content_types(&parts[P_TYPES]);
    if (!rc)
        rc = part_package_rels(&parts[P_RELS]);
    if (!rc)
        rc = part_document(d, &parts[P_DOC]);
    if (!rc)
        rc = part_styles(d, &parts[P_STYLES]);
    if (!rc)
        rc = part_settings(&parts[P_SETTINGS]);
    if (!rc)
        rc = part_document_rels(d, &parts[P_DOC_RELS]);
    if (!rc)
        rc = part_core(d, &parts[P_CORE], now);
    if (!rc)
        rc = part_app(&parts[P_APP]);
    /* The zip is built in memory, then written with one atomic rename. */
    if (!rc && !(z = ls_zipw_new()))
        rc = LONGSD_ERR_NOMEM;
    for (int i = 0; i < N_PARTS && !rc; i++) {
        size_t len = parts[i].len;
        char *data = lsbuf_steal(&parts[i]);
        rc = data ? ls_zipw_add_take(z, PART_NAMES[i], data, len, 0) : LONGSD_ERR_NOMEM;
    }
    for (size_t i = 0; i < d->n_media && !rc; i++) {
        char name[64];
        snprintf(name, sizeof name, "word/media/image%zu.%s", i + 1, d->media[i].is_png ? "png" : "jpeg");
        /* PNG and JPEG are compressed already: store them. */
        rc = ls_zipw_add(z, name, d->media[i].data, d->media[i].len, 1);
    }
    if (rc) {
        lserr_set(err, rc, "%s: %s", path, rc == LONGSD_ERR_TOO_BIG ? "the document is too big" : "out of memory");
        goto out;
    }
    rc = ls_zipw_save(z, path, now, err);
out:
    ls_zipw_free(z);
    for (int i = 0; i < N_PARTS; i++)
        lsbuf_free(&parts[i]);
    return rc;
}
