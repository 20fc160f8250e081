/* doc_layout.c - the format-independent order of a document: sections, the
 * story's paragraphs and the ideas placed right after their anchor
 * paragraphs (story layout), or per part the ideas in story order (gallery
 * layout). See doc_layout.h. */
#include "doc_layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docx.h"
#include "story.h"
#include "wspath.h"
#include "xml.h"

#define MAX_DOC_IMAGE_BYTES ((size_t)64 << 20)

int ls_layout_kind(const char *name)
{
    if (!name || !*name || strcmp(name, LONGSD_LAYOUT_STORY) == 0)
        return 1;
    if (strcmp(name, LONGSD_LAYOUT_GALLERY) == 0)
        return 0;
    return -1;
}

void ls_layout_free(ls_layout *l)
{
    if (!l)
        return;
    longsd__free(l->items);
    longsd__free(l->sections);
    longsd__free(l->order);
    longsd__free(l->part_labels);
    memset(l, 0, sizeof *l);
}

typedef struct {
    ls_layout *l;
    size_t alloc_items, alloc_sections;
} builder;

/* A part's label as the document shows it: the default ones ("Beginning",
 * "Part 4", made by split.c in English) in the document's language, a
 * chapter title or a user's label as written. */
static const char *part_label(builder *b, const longsd_plan *plan, size_t q)
{
    const ls_plan_part *pp = &plan->parts[q];
    const char *lab = pp->label ? pp->label : pp->id;
    const ls_doc_labels *lb = b->l->lb, *en = ls_doc_labels_for("en");
    if (!b->l->part_labels || lb == en)
        return lab;
    char *out = b->l->part_labels[q];
    unsigned num = 0;
    if (!strcmp(pp->id, "beginning") && !strcmp(lab, en->beginning))
        snprintf(out, 32, "%s", lb->beginning);
    else if (!strcmp(pp->id, "middle") && !strcmp(lab, en->middle))
        snprintf(out, 32, "%s", lb->middle);
    else if (!strcmp(pp->id, "end") && !strcmp(lab, en->end))
        snprintf(out, 32, "%s", lb->end);
    else if (sscanf(pp->id, "part-%u", &num) == 1 && strncmp(lab, "Part ", 5) == 0)
        snprintf(out, 32, lb->part_fmt, (size_t)num);
    else
        return lab;
    return out;
}

static longsd_status add_item(builder *b, int kind, size_t index)
{
    ls_layout *l = b->l;
    if (l->n_items == b->alloc_items) {
        size_t na = b->alloc_items ? b->alloc_items * 2 : 256;
        ls_layout_item *ni = longsd__realloc(l->items, na * sizeof *ni);
        if (!ni)
            return LONGSD_ERR_NOMEM;
        l->items = ni;
        b->alloc_items = na;
    }
    l->items[l->n_items].kind = kind;
    l->items[l->n_items].index = index;
    l->n_items++;
    if (l->n_sections)
        l->sections[l->n_sections - 1].n_items++;
    return LONGSD_OK;
}

static longsd_status add_section(builder *b, const char *title, int chapter)
{
    ls_layout *l = b->l;
    if (l->n_sections == b->alloc_sections) {
        size_t na = b->alloc_sections ? b->alloc_sections * 2 : 16;
        ls_layout_section *ns = longsd__realloc(l->sections, na * sizeof *ns);
        if (!ns)
            return LONGSD_ERR_NOMEM;
        l->sections = ns;
        b->alloc_sections = na;
    }
    ls_layout_section *s = &l->sections[l->n_sections];
    memset(s, 0, sizeof *s);
    s->title = title;
    s->chapter = chapter;
    s->first_item = l->n_items;
    snprintf(s->id, sizeof s->id, "s%03zu", l->n_sections + 1); /* unique, whatever the titles */
    l->n_sections++;
    return title ? add_item(b, LS_ITEM_HEADING, l->n_sections - 1) : LONGSD_OK;
}

/* Ideas in story order: by anchor offset, then plan order. An insertion sort:
 * stable, reentrant, and plans hold tens of ideas, not millions. */
static longsd_status story_order(const longsd_plan *plan, size_t **out)
{
    size_t n = plan->n_ideas;
    size_t *o = longsd__malloc((n ? n : 1) * sizeof *o);
    if (!o)
        return LONGSD_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0) {
            const ls_plan_idea *prev = &plan->ideas[o[j - 1]];
            const ls_plan_idea *cur = &plan->ideas[i];
            if (prev->idea.start < cur->idea.start || (prev->idea.start == cur->idea.start && o[j - 1] < i))
                break;
            o[j] = o[j - 1];
            j--;
        }
        o[j] = i;
    }
    *out = o;
    return LONGSD_OK;
}

/* Every idea anchored at paragraph p, after the cursor into order[] (ideas
 * sorted by offset are sorted by paragraph too). */
static longsd_status emit_ideas_at(builder *b, const longsd_plan *plan, size_t p, size_t *cursor,
                                   unsigned char *placed)
{
    const ls_layout *l = b->l;
    while (*cursor < l->n_order && plan->ideas[l->order[*cursor]].idea.para <= p) {
        size_t k = l->order[(*cursor)++];
        if (plan->ideas[k].idea.para == p && !placed[k]) {
            placed[k] = 1;
            longsd_status rc = add_item(b, LS_ITEM_IDEA, k);
            if (rc)
                return rc;
        }
    }
    return LONGSD_OK;
}

static longsd_status build_story(builder *b, const longsd_plan *plan, const longsd_story *s, lserr *err)
{
    ls_layout *l = b->l;
    longsd_status rc = LONGSD_OK;
    size_t cursor = 0;
    unsigned char *placed = longsd__calloc(plan->n_ideas ? plan->n_ideas : 1, 1);
    if (!placed)
        return LONGSD_ERR_NOMEM;
    int cur_chapter = -2;  /* chapter of the open section */
    size_t part = (size_t)-1;
    for (size_t p = 0; p < s->n_paras && !rc; p++) {
        const ls_para *pa = &s->paras[p];
        int heading_of_chapter = pa->chapter >= 0 && (size_t)pa->chapter < s->n_chapters &&
                                 s->chapters[pa->chapter].heading_para == p;
        if (s->n_chapters) {
            if (pa->chapter != cur_chapter) {
                cur_chapter = pa->chapter;
                if (cur_chapter < 0 || (size_t)cur_chapter >= s->n_chapters)
                    rc = add_section(b, NULL, 0);
                else
                    rc = add_section(b, s->chapters[cur_chapter].title, 1);
            }
        } else {
            /* No chapters: one section per part of the plan. */
            size_t q = part;
            while (q + 1 < plan->n_parts && p >= plan->parts[q + 1].first_para)
                q++;
            if (q == (size_t)-1) {
                if (l->n_sections == 0)
                    rc = add_section(b, NULL, 0);
            } else if (q != part) {
                rc = add_section(b, part_label(b, plan, q), 0);
            }
            part = q;
        }
        if (!rc && !heading_of_chapter)
            rc = add_item(b, pa->is_heading ? LS_ITEM_SUBHEADING : LS_ITEM_TEXT, p);
        if (!rc)
            rc = emit_ideas_at(b, plan, p, &cursor, placed);
    }
    if (!rc && l->n_sections == 0)
        rc = add_section(b, NULL, 0);
    /* An anchor beyond the text (it cannot happen with a matching hash, but a
     * plan is a file a user may edit): show the idea at the end rather than
     * lose it. */
    for (size_t i = 0; !rc && i < l->n_order; i++)
        if (!placed[l->order[i]])
            rc = add_item(b, LS_ITEM_IDEA, l->order[i]);
    longsd__free(placed);
    if (rc == LONGSD_ERR_NOMEM)
        lserr_set(err, rc, "out of memory while laying out the document");
    return rc;
}

static longsd_status build_gallery(builder *b, const longsd_plan *plan)
{
    ls_layout *l = b->l;
    longsd_status rc = LONGSD_OK;
    for (size_t p = 0; p < plan->n_parts && !rc; p++) {
        rc = add_section(b, part_label(b, plan, p), 0);
        for (size_t i = 0; i < l->n_order && !rc; i++)
            if (plan->ideas[l->order[i]].idea.part == p)
                rc = add_item(b, LS_ITEM_IDEA, l->order[i]);
    }
    /* Ideas of no known part (an edited plan) still show, at the end. */
    for (size_t i = 0; i < l->n_order && !rc; i++)
        if (plan->ideas[l->order[i]].idea.part >= plan->n_parts) {
            if (l->n_sections == 0 || l->sections[l->n_sections - 1].title)
                rc = add_section(b, NULL, 0);
            if (!rc)
                rc = add_item(b, LS_ITEM_IDEA, l->order[i]);
        }
    if (!rc && l->n_sections == 0)
        rc = add_section(b, NULL, 0);
    return rc;
}

longsd_status ls_layout_build(const longsd_plan *plan, const longsd_doc_params *opts, ls_layout *out, lserr *err)
{
    memset(out, 0, sizeof *out);
    if (!plan)
        return lserr_set(err, LONGSD_ERR_PARAM, "no plan");
    int kind = ls_layout_kind(opts ? opts->layout : NULL);
    if (kind < 0)
        return lserr_set(err, LONGSD_ERR_PARAM, "unknown layout \"%s\" (layouts: story, gallery)", opts->layout);
    const longsd_story *s = opts ? opts->story : NULL;
    if (kind == 1) {
        if (!s)
            return lserr_set(err, LONGSD_ERR_PARAM,
                             "the story layout needs the text of %s (%s); give it, or use the gallery layout",
                             plan->name ? plan->name : "the plan", plan->source ? plan->source : "unknown source");
        if (strcmp(s->sha256, plan->sha256) != 0)
            return lserr_set(err, LONGSD_ERR_DOC,
                             "%s: the text has changed since the plan was made (SHA-256 %.12s..., the plan has "
                             "%.12s...); run `longsd run` on it again, or use the gallery layout",
                             s->name ? s->name : "the text", s->sha256, plan->sha256);
    }
    builder b = {.l = out};
    out->story = kind;
    out->lb = ls_doc_labels_for(ls_doc_language(plan, opts));
    if (plan->n_parts && !(out->part_labels = longsd__calloc(plan->n_parts, sizeof *out->part_labels)))
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory while laying out the document");
    out->n_order = plan->n_ideas;
    longsd_status rc = story_order(plan, &out->order);
    if (!rc)
        rc = kind == 1 ? build_story(&b, plan, s, err) : build_gallery(&b, plan);
    if (rc) {
        if (rc == LONGSD_ERR_NOMEM)
            lserr_set(err, rc, "out of memory while laying out the document");
        ls_layout_free(out);
    }
    return rc;
}

int ls_doc_image_load(const char *workspace, const ls_plan_idea *pi, ls_doc_image *img, lserr *err)
{
    memset(img, 0, sizeof *img);
    if (pi->image_state != LONGSD_IMAGE_DONE || !pi->image_file || !*pi->image_file)
        return 0;
    char *path = longsd__asprintf("%s/%s", workspace ? workspace : ".", pi->image_file);
    if (!path) {
        lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        return -1;
    }
    int r = 0, missing = 0;
    /* through the workspace path policy: a link out of it is refused */
    if (ls_wspath_read(workspace, pi->image_file, MAX_DOC_IMAGE_BYTES, &img->data, &img->len, &missing, err)) {
        r = missing ? 0 : -1;
        if (missing)
            lserr_clear(err); /* a missing image gets its placeholder */
        goto out;
    }
    if (ls_image_dims((const unsigned char *)img->data, img->len, &img->w, &img->h, &img->is_png) != 0) {
        lserr_set(err, LONGSD_ERR_IMAGE, "%s: not a PNG or JPEG image (or a damaged one)", path);
        longsd__free(img->data);
        memset(img, 0, sizeof *img);
        r = -1;
        goto out;
    }
    r = 1;
out:
    longsd__free(path);
    return r;
}

char *ls_doc_placeholder_text(const ls_plan_idea *pi, const ls_doc_labels *lb)
{
    if (!lb)
        lb = ls_doc_labels_for(NULL);
    if (pi->image_state == LONGSD_IMAGE_FAILED)
        return longsd__asprintf(lb->failed_fmt, pi->idea.id, pi->image_error ? pi->image_error : "");
    if (pi->image_state == LONGSD_IMAGE_DONE)
        return longsd__asprintf(lb->missing_fmt, pi->idea.id, pi->image_file ? pi->image_file : "");
    return longsd__asprintf(lb->not_rendered_fmt, pi->idea.id, pi->seed);
}

void ls_doc_settings_text(const ls_plan_idea *pi, char *buf, size_t n)
{
    snprintf(buf, n, "seed %u, %dx%d, %d steps, CFG %.1f, %s", pi->seed, pi->width, pi->height, pi->steps,
             (double)pi->cfg_scale, pi->sampler ? pi->sampler : "");
}

const char *ls_doc_language(const longsd_plan *plan, const longsd_doc_params *opts)
{
    if (opts && opts->language && *opts->language)
        return opts->language;
    if (plan->language && *plan->language)
        return plan->language;
    return "und";
}

int ls_doc_lang_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n > 35)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              (s[i] == '-' && i > 0 && i + 1 < n && s[i - 1] != '-')))
            return 0;
    return 1;
}

void ls_doc_uuid(const longsd_plan *plan, char out[64])
{
    char *key = longsd__asprintf("longsd:%s:%s", plan->sha256, plan->name ? plan->name : "");
    char hex[65];
    if (key)
        lssha256_hex(key, strlen(key), hex);
    else
        lssha256_hex(plan->sha256, strlen(plan->sha256), hex);
    longsd__free(key);
    /* The layout of a name-based (version 5 style) UUID: version nibble 5,
     * variant bits 10. */
    hex[12] = '5';
    hex[16] = "89ab"[(hex[16] >= 'a' ? hex[16] - 'a' + 10 : hex[16] - '0') & 3];
    snprintf(out, 64, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

void ls_doc_image_name(size_t idea, int is_png, char out[32])
{
    snprintf(out, 32, "fig-%03zu.%s", idea + 1, is_png ? "png" : "jpg");
}

longsd_status ls_doc_media_load(const longsd_plan *plan, const char *workspace, ls_doc_media *m, lserr *err)
{
    m->n = plan->n_ideas;
    m->img = longsd__calloc(m->n ? m->n : 1, sizeof *m->img);
    if (!m->img)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < m->n; i++)
        if (ls_doc_image_load(workspace, &plan->ideas[i], &m->img[i], err) < 0) {
            ls_doc_media_free(m);
            return err ? err->code : LONGSD_ERR_IMAGE;
        }
    return LONGSD_OK;
}

void ls_doc_media_free(ls_doc_media *m)
{
    if (!m || !m->img)
        return;
    for (size_t i = 0; i < m->n; i++)
        longsd__free(m->img[i].data);
    longsd__free(m->img);
    m->img = NULL;
    m->n = 0;
}

const char *ls_doc_section_label(const ls_layout *L, size_t si)
{
    const char *t = L->sections[si].title;
    return t && *t ? t : L->lb ? L->lb->front_matter : "Front matter";
}

/* <tag[ dir="rtl"]>text</tag> */
static longsd_status elem(lsbuf *b, const char *tag, const char *cls, const char *text)
{
    longsd_status rc = lsbuf_printf(b, "<%s", tag);
    if (!rc && cls)
        rc = lsbuf_printf(b, " class=\"%s\"", cls);
    if (!rc && ls_text_rtl(text) == 1)
        rc = lsbuf_adds(b, " dir=\"rtl\"");
    if (!rc)
        rc = lsbuf_addc(b, '>');
    if (!rc)
        rc = ls_xml_escapes(b, text, LS_XML_TEXT);
    if (!rc)
        rc = lsbuf_printf(b, "</%s>\n", tag);
    return rc;
}

/* A figure: the picture with the idea as alt text, or a placeholder box;
 * then the caption. */
static longsd_status figure(lsbuf *b, const longsd_plan *plan, const ls_layout *L, size_t k, const char *caption,
                            char *const *src,
                            const ls_doc_media *m)
{
    const ls_plan_idea *pi = &plan->ideas[k];
    const char *alt = pi->idea.scene && *pi->idea.scene ? pi->idea.scene : pi->idea.title;
    longsd_status rc = lsbuf_printf(b, "<figure class=\"illustration\" id=\"fig-%03zu\">\n", k + 1);
    if (!rc && src && src[k] && m->img[k].data) {
        rc = lsbuf_adds(b, "<img src=\"");
        if (!rc)
            rc = ls_xml_escapes(b, src[k], LS_XML_ATTR);
        if (!rc)
            rc = lsbuf_printf(b, "\" width=\"%d\" height=\"%d\" alt=\"", m->img[k].w, m->img[k].h);
        if (!rc)
            rc = ls_xml_escapes(b, alt ? alt : "", LS_XML_ATTR);
        if (!rc)
            rc = lsbuf_adds(b, "\"/>\n");
    } else if (!rc) {
        char *line = ls_doc_placeholder_text(pi, L->lb);
        if (!line)
            return LONGSD_ERR_NOMEM;
        rc = lsbuf_adds(b, "<div class=\"placeholder\" role=\"img\" aria-label=\"");
        if (!rc)
            rc = ls_xml_escapes(b, alt ? alt : "", LS_XML_ATTR);
        if (!rc)
            rc = lsbuf_adds(b, "\"><p>");
        if (!rc)
            rc = ls_xml_escapes(b, line, LS_XML_TEXT);
        if (!rc)
            rc = lsbuf_adds(b, "</p></div>\n");
        longsd__free(line);
    }
    if (!rc && caption && *caption)
        rc = elem(b, "figcaption", NULL, caption);
    if (!rc)
        rc = lsbuf_adds(b, "</figure>\n");
    return rc;
}

static longsd_status labeled(lsbuf *b, const char *label, const char *text)
{
    longsd_status rc = lsbuf_printf(b, "<p class=\"prompt\"%s><strong>%s</strong> ",
                                    ls_text_rtl(text) == 1 ? " dir=\"rtl\"" : "", label);
    if (!rc)
        rc = ls_xml_escapes(b, text, LS_XML_TEXT);
    if (!rc)
        rc = lsbuf_adds(b, "</p>\n");
    return rc;
}

longsd_status ls_doc_xhtml_section(lsbuf *b, const longsd_plan *plan, const ls_layout *L, size_t si,
                                   const longsd_story *s, char *const *src, const ls_doc_media *m)
{
    const ls_layout_section *sec = &L->sections[si];
    longsd_status rc = lsbuf_printf(b, "<section class=\"%s\" id=\"%s\">\n", sec->chapter ? "chapter" : "part",
                                    sec->id);
    for (size_t k = sec->first_item; !rc && k < sec->first_item + sec->n_items; k++) {
        const ls_layout_item *it = &L->items[k];
        char *text = NULL;
        switch (it->kind) {
        case LS_ITEM_HEADING:
            rc = elem(b, "h2", NULL, sec->title);
            break;
        case LS_ITEM_SUBHEADING:
        case LS_ITEM_TEXT:
            text = ls_story_text(s, s->paras[it->index].start, s->paras[it->index].end);
            rc = text ? elem(b, it->kind == LS_ITEM_TEXT ? "p" : "h3", NULL, text) : LONGSD_ERR_NOMEM;
            longsd__free(text);
            break;
        case LS_ITEM_IDEA: {
            const ls_plan_idea *pi = &plan->ideas[it->index];
            if (L->story) {
                rc = figure(b, plan, L, it->index, pi->idea.scene && *pi->idea.scene ? pi->idea.scene : pi->idea.title,
                            src, m);
            } else {
                char line[256];
                rc = elem(b, "h3", NULL, pi->idea.title ? pi->idea.title : pi->idea.id);
                if (!rc)
                    rc = figure(b, plan, L, it->index, pi->idea.quote, src, m);
                if (!rc)
                    rc = labeled(b, L->lb->prompt_colon, pi->prompt ? pi->prompt : "");
                ls_doc_settings_text(pi, line, sizeof line);
                char *neg = rc ? NULL : longsd__asprintf("%s; %s", pi->negative ? pi->negative : "", line);
                if (!rc && !neg)
                    rc = LONGSD_ERR_NOMEM;
                if (!rc)
                    rc = labeled(b, L->lb->negative_colon, neg);
                longsd__free(neg);
            }
            break;
        }
        }
    }
    if (!rc)
        rc = lsbuf_adds(b, "</section>\n");
    return rc;
}

/* A cell; its column name travels along (data-label) so a phone, where the
 * table is shown row by row, can label each cell. */
static longsd_status cell(lsbuf *b, const char *label, const char *text)
{
    longsd_status rc = lsbuf_printf(b, "<td data-label=\"%s\"%s>", label, ls_text_rtl(text) == 1 ? " dir=\"rtl\"" : "");
    if (!rc)
        rc = ls_xml_escapes(b, text ? text : "", LS_XML_TEXT);
    if (!rc)
        rc = lsbuf_adds(b, "</td>");
    return rc;
}

longsd_status ls_doc_xhtml_appendix(lsbuf *b, const longsd_plan *plan, const ls_layout *L)
{
    const ls_doc_labels *lb = L->lb;
    longsd_status rc = lsbuf_printf(b,
                                    "<section class=\"appendix\" id=\"appendix\">\n<h2>%s</h2>\n"
                                    "<table class=\"prompts\">\n<thead><tr><th>%s</th><th>%s</th>"
                                    "<th>%s</th><th>%s</th></tr></thead>\n<tbody>\n",
                                    lb->appendix, lb->idea, lb->prompt, lb->negative, lb->seed_settings);
    for (size_t r = 0; !rc && r < L->n_order; r++) {
        size_t k = L->order[r];
        const ls_plan_idea *pi = &plan->ideas[k];
        char line[256];
        ls_doc_settings_text(pi, line, sizeof line);
        rc = lsbuf_printf(b, "<tr><td><a href=\"#fig-%03zu\">", k + 1);
        if (!rc)
            rc = ls_xml_escapes(b, pi->idea.id, LS_XML_TEXT);
        if (!rc)
            rc = lsbuf_adds(b, "</a>");
        if (!rc && pi->idea.title && *pi->idea.title) {
            rc = lsbuf_adds(b, ": ");
            if (!rc)
                rc = ls_xml_escapes(b, pi->idea.title, LS_XML_TEXT);
        }
        if (!rc)
            rc = lsbuf_adds(b, "</td>");
        if (!rc)
            rc = cell(b, lb->prompt, pi->prompt);
        if (!rc)
            rc = cell(b, lb->negative, pi->negative);
        if (!rc)
            rc = cell(b, lb->seed, line);
        if (!rc)
            rc = lsbuf_adds(b, "</tr>\n");
    }
    if (!rc)
        rc = lsbuf_adds(b, "</tbody>\n</table>\n</section>\n");
    return rc;
}

const char LS_DOC_CSS[] =
    "body{font-family:Georgia,\"Iowan Old Style\",\"Palatino Linotype\",\"Noto Serif\",\"DejaVu Serif\",serif;"
    "font-size:1.1em;line-height:1.6;color:#222;background:#fdfcf8;margin:0 auto;max-width:38em;"
    "padding:1em 1.25em 3em}\n"
    "h1,h2,h3{font-family:\"Helvetica Neue\",Arial,\"Noto Sans\",\"DejaVu Sans\",sans-serif;line-height:1.25;"
    "color:#1f3864}\n"
    "h1{font-size:2.1em;text-align:center;margin:1.2em 0 .3em}\n"
    "h2{font-size:1.45em;margin:2.2em 0 .8em}\n"
    "h3{font-size:1.15em;margin:1.6em 0 .5em}\n"
    "p{margin:0 0 .85em;hyphens:auto;-webkit-hyphens:auto;overflow-wrap:break-word}\n"
    ".byline{text-align:center;font-style:italic;margin-bottom:2em}\n"
    "figure{margin:1.6em 0;text-align:center;page-break-inside:avoid;break-inside:avoid}\n"
    "figure img{max-width:100%;height:auto;border-radius:3px;box-shadow:0 1px 6px rgba(0,0,0,.25)}\n"
    "figcaption{font-style:italic;font-size:.88em;color:#555;margin-top:.5em;line-height:1.4}\n"
    ".placeholder{border:2px dashed #888;background:#ededed;color:#404040;padding:2.5em 1em;font-style:italic}\n"
    ".placeholder p{margin:0}\n"
    ".prompt{font-size:.85em;color:#555;line-height:1.4}\n"
    "table.prompts{border-collapse:collapse;width:100%;font-size:.8em;line-height:1.35}\n"
    "table.prompts th,table.prompts td{border:1px solid #bbb;padding:.35em .45em;vertical-align:top;"
    "text-align:left;overflow-wrap:anywhere}\n"
    "table.prompts th{background:#eef1f7}\n"
    "nav.toc ol{padding-left:1.4em}\n"
    "nav.toc li{margin:.15em 0}\n";
