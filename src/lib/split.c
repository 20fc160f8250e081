/* split.c - parts of a story: n parts balanced by words and aligned to
 * paragraphs, or one part per chapter. A part never starts inside a
 * paragraph, is never empty, and never ends on a heading paragraph (the
 * heading belongs with the text it introduces). All O(paragraphs). */
#include <stdio.h>
#include <string.h>

#include "story.h"

void ls_parts_free(ls_part *parts, size_t n)
{
    if (!parts)
        return;
    for (size_t i = 0; i < n; i++)
        longsd__free(parts[i].label);
    longsd__free(parts);
}

/* Fill part k from paragraphs [first, first + n). */
static void part_span(const longsd_story *s, ls_part *pt, size_t first, size_t n)
{
    pt->first_para = first;
    pt->n_paras = n;
    pt->start = s->paras[first].start;
    pt->end = s->paras[first + n - 1].end;
    pt->n_words = 0;
    for (size_t i = first; i < first + n; i++)
        pt->n_words += s->paras[i].n_words;
}

static longsd_status split_balanced(const longsd_story *s, int want, ls_part **parts, size_t *n_out, lserr *err)
{
    size_t np = s->n_paras;
    size_t *cum = NULL, *cuts = NULL, *chosen = NULL;
    ls_part *pt = NULL;
    size_t n = 0;
    longsd_status rc = LONGSD_OK;

    /* cum[i]: weight of paragraphs [0, i). Words, or paragraphs when the
     * text has no words at all (only punctuation). */
    cum = longsd__malloc((np + 1) * sizeof *cum);
    cuts = longsd__malloc((np + 1) * sizeof *cuts);
    if (!cum || !cuts) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    cum[0] = 0;
    for (size_t i = 0; i < np; i++)
        cum[i + 1] = cum[i] + s->paras[i].n_words;
    if (cum[np] == 0)
        for (size_t i = 0; i <= np; i++)
            cum[i] = i;
    /* Allowed cut points: a part may start at paragraph i (i > 0) unless
     * paragraph i - 1 is a heading (it would end the previous part). */
    size_t n_cuts = 0;
    for (size_t i = 1; i < np; i++)
        if (!s->paras[i - 1].is_heading)
            cuts[n_cuts++] = i;
    n = (size_t)want;
    if (n > n_cuts + 1)
        n = n_cuts + 1;
    chosen = longsd__malloc((n + 1) * sizeof *chosen);
    pt = longsd__calloc(n, sizeof *pt);
    if (!chosen || !pt) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* For cut k (1..n-1) take the allowed cut whose cumulative weight is
     * closest to k/n of the total, leaving enough cuts for the rest. The
     * targets increase, so one forward walk over the cuts suffices. */
    size_t total = cum[np], a = 0;
    chosen[0] = 0;
    for (size_t k = 1; k < n; k++) {
        double target = (double)total * (double)k / (double)n;
        size_t max_a = n_cuts - (n - k); /* last index usable for cut k */
        while (a < max_a && (double)cum[cuts[a + 1]] <= target)
            a++;
        if (a < max_a) {
            double d0 = target - (double)cum[cuts[a]], d1 = (double)cum[cuts[a + 1]] - target;
            if (d0 < 0)
                d0 = -d0;
            if (d1 < d0)
                a++;
        }
        chosen[k] = cuts[a];
        a++;
    }
    chosen[n] = np;
    for (size_t k = 0; k < n; k++) {
        ls_part *p = &pt[k];
        part_span(s, p, chosen[k], chosen[k + 1] - chosen[k]);
        if (n == 3) {
            static const char *const ids[] = {"beginning", "middle", "end"};
            static const char *const labels[] = {"Beginning", "Middle", "End"};
            snprintf(p->id, sizeof p->id, "%s", ids[k]);
            p->label = longsd__strdup(labels[k]);
        } else {
            snprintf(p->id, sizeof p->id, "part-%02zu", k + 1);
            p->label = longsd__asprintf("Part %zu", k + 1);
        }
        if (!p->label) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
out:
    longsd__free(cum);
    longsd__free(cuts);
    longsd__free(chosen);
    if (rc) {
        ls_parts_free(pt, n);
        pt = NULL;
        n = 0;
    }
    *parts = pt;
    *n_out = n;
    return rc;
}

static longsd_status split_chapters(const longsd_story *s, ls_part **parts, size_t *n_out, lserr *err)
{
    size_t nc = s->n_chapters, n = 0;
    ls_part *pt = longsd__calloc(nc, sizeof *pt);
    longsd_status rc = LONGSD_OK;
    if (!pt)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < nc; c++) {
        /* The preface (text before the first heading) joins chapter 1. */
        size_t first = c == 0 ? 0 : s->chapters[c].heading_para;
        /* A chapter whose every paragraph is a heading ("BOOK ONE" right
         * above "CHAPTER I") would end on a heading: merge it forward. */
        size_t c_end = c;
        for (;;) {
            const ls_chapter *ch = &s->chapters[c_end];
            int has_text = 0;
            for (size_t i = ch->first_para; i < ch->first_para + ch->n_paras && !has_text; i++)
                has_text = !s->paras[i].is_heading;
            if (has_text || c_end + 1 == nc)
                break;
            c_end++;
        }
        const ls_chapter *last = &s->chapters[c_end];
        size_t end = last->first_para + last->n_paras;
        if (end <= first)
            end = first + 1;
        int all_heading = 1;
        for (size_t i = first; i < end && all_heading; i++)
            all_heading = s->paras[i].is_heading;
        if (all_heading && n > 0) {
            /* Trailing headings with no text after them: keep them with the
             * part before rather than as a part of their own. */
            part_span(s, &pt[n - 1], pt[n - 1].first_para, end - pt[n - 1].first_para);
            c = c_end;
            continue;
        }
        ls_part *p = &pt[n++];
        part_span(s, p, first, end - first);
        snprintf(p->id, sizeof p->id, "chapter-%02zu", c + 1);
        /* Merged empty chapters keep their titles: "BOOK ONE: CHAPTER I". */
        lsbuf lb;
        lsbuf_init(&lb, 4096);
        for (size_t k = c; k <= c_end; k++)
            if (lsbuf_adds(&lb, k > c ? ": " : "") || lsbuf_adds(&lb, s->chapters[k].title ? s->chapters[k].title : ""))
                break;
        p->label = lsbuf_steal(&lb);
        if (!p->label) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            break;
        }
        c = c_end;
    }
    if (rc) {
        ls_parts_free(pt, n);
        pt = NULL;
        n = 0;
    }
    *parts = pt;
    *n_out = n;
    return rc;
}

longsd_status ls_split(const longsd_story *s, int n_parts, int by_chapter, ls_part **parts, size_t *n_parts_out,
                       int *fell_back, lserr *err)
{
    if (parts)
        *parts = NULL;
    if (n_parts_out)
        *n_parts_out = 0;
    if (fell_back)
        *fell_back = 0;
    if (!s || !parts || !n_parts_out)
        return lserr_set(err, LONGSD_ERR_PARAM, "ls_split: missing argument");
    if (s->n_paras == 0)
        return lserr_set(err, LONGSD_ERR_INPUT, "%s: the story has no paragraphs to split", s->name ? s->name : "");
    if (by_chapter) {
        if (s->n_chapters > 0)
            return split_chapters(s, parts, n_parts_out, err);
        if (fell_back)
            *fell_back = 1;
    }
    if (n_parts < 1)
        return lserr_set(err, LONGSD_ERR_PARAM, "the number of parts must be at least 1 (got %d)", n_parts);
    return split_balanced(s, n_parts, parts, n_parts_out, err);
}
