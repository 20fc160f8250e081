/* doc_docx.c - the DOCX layouts. story: title, the whole text with chapter
 * headings (a page break before each), each idea's picture (or a visible
 * placeholder) right after its anchor paragraph with the idea as caption,
 * then an appendix table of prompts, negative prompts and seeds. gallery
 * (the original project's docx): per part a heading, then each idea's
 * picture, its passage and its prompt, in story order. */
#include <string.h>

#include "ctx.h"
#include "doc_layout.h"
#include "tmpfile.h"
#include "docx.h"
#include "plan.h"
#include "story.h"
#include "wspath.h"

#define DOC_IMAGE_BYTES ((size_t)64 << 20) /* one image, as docx.c takes it */

/* Wider than the text area of both page sizes: ls_docx_image shrinks it to
 * the text width (A4's 6.27", the narrower), keeping the aspect ratio. */
#define IMAGE_WIDTH_IN 6.5

longsd_doc_params longsd_doc_default_params(void)
{
    return (longsd_doc_params){
        .workspace = ".", .layout = LONGSD_LAYOUT_STORY, .story = NULL, .language = NULL, .cover = NULL,
        .single_file = 0};
}

/* The picture of idea pi, or its placeholder. */
static longsd_status idea_picture(ls_docx *d, const longsd_doc_params *o, const ls_plan_idea *pi, lserr *err)
{
    longsd_status rc;
    if (pi->image_state == LONGSD_IMAGE_DONE && pi->image_file && *pi->image_file) {
        /* through the workspace path policy: a link out of it is refused */
        char *data = NULL;
        size_t len = 0;
        int missing = 0;
        rc = ls_wspath_read(o->workspace, pi->image_file, DOC_IMAGE_BYTES, &data, &len, &missing, err);
        if (!rc) {
            char shown[4200];
            snprintf(shown, sizeof shown, "%s/%s", o->workspace ? o->workspace : ".", pi->image_file);
            return ls_docx_image_data(d, shown, data, len, IMAGE_WIDTH_IN, pi->idea.scene, err);
        }
        if (!missing)
            return rc;
        lserr_clear(err); /* a missing image gets its placeholder */
    }
    char *line = ls_doc_placeholder_text(pi, ls_doc_labels_for(o->language));
    if (!line)
        return LONGSD_ERR_NOMEM;
    rc = ls_docx_para(d, "Placeholder", line);
    longsd__free(line);
    return rc;
}

static longsd_status gallery_idea(ls_docx *d, const longsd_doc_params *o, const ls_plan_idea *pi, lserr *err)
{
    char line[256];
    longsd_status rc = ls_docx_para(d, "Heading2", pi->idea.title ? pi->idea.title : pi->idea.id);
    if (!rc)
        rc = idea_picture(d, o, pi, err);
    if (!rc)
        rc = ls_docx_para(d, "Caption", pi->idea.quote);
    if (!rc)
        rc = ls_docx_para_labeled(d, "Prompt", ls_doc_labels_for(o->language)->prompt_colon, pi->prompt);
    if (rc)
        return rc;
    ls_doc_settings_text(pi, line, sizeof line);
    char *neg = longsd__asprintf("%s; %s", pi->negative ? pi->negative : "", line);
    if (!neg)
        return LONGSD_ERR_NOMEM;
    rc = ls_docx_para_labeled(d, "Prompt", ls_doc_labels_for(o->language)->negative_colon, neg);
    longsd__free(neg);
    return rc;
}

/* The appendix of the story layout: one row per idea, in story order. */
static longsd_status appendix(ls_docx *d, const longsd_plan *plan, const ls_layout *L)
{
    const ls_doc_labels *lb = L->lb;
    const char *const header[] = {lb->idea, lb->prompt, lb->negative, lb->seed_settings};
    static const double weights[] = {2.0, 4.0, 2.6, 1.6};
    size_t n = L->n_order;
    longsd_status rc = ls_docx_page_break(d);
    if (!rc)
        rc = ls_docx_para(d, "Heading1", lb->appendix);
    if (rc || n == 0)
        return rc;
    const char **cells = longsd__calloc(n * 4, sizeof *cells);
    char **owned = longsd__calloc(n * 2, sizeof *owned);
    if (!cells || !owned) {
        rc = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t r = 0; r < n; r++) {
        const ls_plan_idea *pi = &plan->ideas[L->order[r]];
        char line[256];
        ls_doc_settings_text(pi, line, sizeof line);
        owned[2 * r] = longsd__asprintf("%s: %s", pi->idea.id, pi->idea.title ? pi->idea.title : "");
        owned[2 * r + 1] = longsd__strdup(line);
        if (!owned[2 * r] || !owned[2 * r + 1]) {
            rc = LONGSD_ERR_NOMEM;
            goto out;
        }
        cells[4 * r] = owned[2 * r];
        cells[4 * r + 1] = pi->prompt ? pi->prompt : "";
        cells[4 * r + 2] = pi->negative ? pi->negative : "";
        cells[4 * r + 3] = owned[2 * r + 1];
    }
    rc = ls_docx_table(d, 4, weights, header, cells, n);
    if (!rc) /* Word wants a paragraph after a table before the section end */
        rc = ls_docx_para(d, "Prompt", lb->seeds_note);
out:
    if (owned)
        for (size_t i = 0; i < n * 2; i++)
            longsd__free(owned[i]);
    longsd__free(owned);
    longsd__free(cells);
    return rc;
}

longsd_status longsd_docx_write(longsd_ctx *ctx, const longsd_plan *plan, const char *path,
                                     const longsd_doc_params *opts)
{
    longsd_doc_params o = opts ? *opts : longsd_doc_default_params();
    ls_layout L;
    ls_docx *d = NULL;
    char line[256];
    char *text = NULL;
    longsd_status rc;
    if (path)
        lstmp_sweep_beside(path); /* temp files of a run killed while writing */

    lserr_clear(&ctx->err);
    if (!plan || !path || !*path)
        return lserr_set(&ctx->err, LONGSD_ERR_PARAM, "longsd_docx_write: no plan or no path");
    /* the same rule as EPUB and HTML: one plan, one verdict on its language */
    const char *lang = ls_doc_language(plan, &o);
    if (!ls_doc_lang_ok(lang))
        return lserr_set(&ctx->err, LONGSD_ERR_PARAM,
                         "language \"%s\" is not a BCP 47 tag such as en, de or pt-BR", lang);
    rc = ls_layout_build(plan, &o, &L, &ctx->err);
    if (rc)
        return rc;
    o.language = ls_doc_language(plan, &o); /* the labels below speak it */
    d = ls_docx_new();
    if (!d) {
        rc = LONGSD_ERR_NOMEM;
        goto out;
    }
    ls_docx_set_meta(d, plan->title, plan->author, ls_doc_language(plan, &o));
    if ((rc = ls_docx_para(d, "Title", plan->title && *plan->title ? plan->title : plan->name)))
        goto out;
    if (plan->author && plan->author[0]) {
        snprintf(line, sizeof line, "by %s", plan->author);
        if ((rc = ls_docx_para(d, "Normal", line)))
            goto out;
    }
    if (!L.story) {
        snprintf(line, sizeof line, "%zu illustration%s in %zu part%s, style \"%s\", %dx%d.", plan->n_ideas,
                 plan->n_ideas == 1 ? "" : "s", plan->n_parts, plan->n_parts == 1 ? "" : "s",
                 plan->settings.style ? plan->settings.style : "", plan->settings.width, plan->settings.height);
        if ((rc = ls_docx_para(d, "Normal", line)))
            goto out;
    }
    const longsd_story *s = o.story;
    for (size_t si = 0; si < L.n_sections; si++) {
        const ls_layout_section *sec = &L.sections[si];
        if (L.story && sec->chapter && (rc = ls_docx_page_break(d)))
            goto out;
        for (size_t k = sec->first_item; k < sec->first_item + sec->n_items; k++) {
            const ls_layout_item *it = &L.items[k];
            switch (it->kind) {
            case LS_ITEM_HEADING:
                rc = ls_docx_para(d, "Heading1", sec->title);
                break;
            case LS_ITEM_SUBHEADING:
            case LS_ITEM_TEXT:
                text = ls_story_text(s, s->paras[it->index].start, s->paras[it->index].end);
                rc = text ? ls_docx_para(d, it->kind == LS_ITEM_TEXT ? "Normal" : "Heading2", text)
                          : LONGSD_ERR_NOMEM;
                longsd__free(text);
                text = NULL;
                break;
            case LS_ITEM_IDEA: {
                const ls_plan_idea *pi = &plan->ideas[it->index];
                if (L.story) {
                    rc = idea_picture(d, &o, pi, &ctx->err);
                    if (!rc)
                        rc = ls_docx_para(d, "Caption", pi->idea.scene && *pi->idea.scene ? pi->idea.scene
                                                                                          : pi->idea.title);
                } else {
                    rc = gallery_idea(d, &o, pi, &ctx->err);
                }
                break;
            }
            }
            if (rc)
                goto out;
        }
    }
    if (L.story && (rc = appendix(d, plan, &L)))
        goto out;
    rc = ls_docx_save(d, path, &ctx->err);
out:
    if (rc == LONGSD_ERR_NOMEM)
        lserr_set(&ctx->err, rc, "out of memory while writing %s", path);
    else if (rc && !ctx->err.msg[0])
        lserr_set(&ctx->err, rc, "%s: could not be written: %s", path, longsd_strerror(rc));
    ls_docx_free(d);
    ls_layout_free(&L);
    return rc;
}
