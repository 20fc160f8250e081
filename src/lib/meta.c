/* meta.c - what the book is: its language (stop words) and its title
 * and author (Gutenberg header, the heading block at the top, the file
 * name). Part of ingest (story.c). */
#include <string.h>

#include "story.h"
#include "story_int.h"

/* ---- language */

const char *ls_guess_language(const char *d, size_t a, size_t z)
{
    static const char *const en[] = {"the", "and", "of", "to", "was", "he", "that", "it", "his", "with",
                                     "you", "they", "is", "for", "said", "had", "but", "not", "her", "she"};
    static const char *const de[] = {"der", "die", "das", "und", "ist", "nicht", "ein", "eine", "zu", "mit",
                                     "sich", "ich", "auf", "dem", "den", "von", "sie", "es", "war", "wie",
                                     /* Low German (Grimm's Plattdeutsch tales) */
                                     "un", "dat", "nich", "wat", "ik", "wöör", "sää", "säd", "de"};
    static const char *const fr[] = {"le", "la", "les", "des", "et", "est", "une", "du", "que", "qui",
                                     "dans", "pour", "sur", "pas", "au", "sont", "par", "il", "elle", "ce"};
    size_t score[3] = {0, 0, 0}, nwords = 0;
    if (z - a > 20000) {
        z = a + 20000;
        while (z > a && ((unsigned char)d[z] & 0xC0) == 0x80)
            z--;
    }
    size_t i = a;
    while (i < z) {
        /* a word: ASCII letters and non-ASCII bytes */
        size_t w = i;
        while (w < z && ((d[w] >= 'a' && d[w] <= 'z') || (d[w] >= 'A' && d[w] <= 'Z') || (unsigned char)d[w] >= 0x80))
            w++;
        if (w == i) {
            i++;
            continue;
        }
        size_t n = w - i;
        nwords++;
        if (n <= 6) {
            char lw[8];
            for (size_t k = 0; k < n; k++)
                lw[k] = (char)ls_ascii_lower((unsigned char)d[i + k]);
            lw[n] = '\0';
            for (size_t k = 0; k < sizeof en / sizeof en[0]; k++)
                score[0] += !strcmp(lw, en[k]);
            for (size_t k = 0; k < sizeof de / sizeof de[0]; k++)
                score[1] += !strcmp(lw, de[k]);
            for (size_t k = 0; k < sizeof fr / sizeof fr[0]; k++)
                score[2] += !strcmp(lw, fr[k]);
        }
        i = w;
    }
    static const char *const codes[] = {"en", "de", "fr"};
    int best = 0;
    for (int k = 1; k < 3; k++)
        if (score[k] > score[best])
            best = k;
    size_t second = 0;
    for (int k = 0; k < 3; k++)
        if (k != best && score[k] > second)
            second = score[k];
    if (score[best] < 3 || score[best] * 20 < nwords || score[best] * 2 < second * 3)
        return "und";
    return codes[best];
}

const char *ls_language_code(const char *name)
{
    if (!lsstr_casecmp_ascii(name, "English"))
        return "en";
    if (!lsstr_casecmp_ascii(name, "German") || !lsstr_casecmp_ascii(name, "Deutsch"))
        return "de";
    if (!lsstr_casecmp_ascii(name, "French") || !strcmp(name, "Fran\xC3\xA7" "ais"))
        return "fr";
    return NULL;
}

/* ---- title and author */

longsd_status ls_find_title_author(ls_builder *bd, ls_gutenberg *g)
{
    longsd_story *s = bd->s;
    char *t = NULL;
    int title_from_top = 0;
    longsd_status rc = LONGSD_OK;

    if (g->title) {
        s->title = g->title;
        g->title = NULL;
    } else if (s->n_paras && s->paras[0].end - s->paras[0].start <= LS_HEADING_MAX_BYTES) {
        if ((rc = ls_para_clean(s, 0, &t, bd->err)))
            goto out;
        size_t n = strlen(t), ncp = ls_utf8_count(t);
        const char *use = NULL;
        if (s->paras[0].is_heading && ls_markdown_level(t)) {
            use = t;
            while (*use == '#')
                use++;
            while (*use == ' ')
                use++;
        } else if (s->paras[0].is_heading) {
            use = NULL; /* a chapter heading names the chapter, not the book */
        } else if (ncp < 80 && ls_numbered_title(t) >= 0) {
            use = strchr(t, ' ') + 1; /* a single tale: "19. Von dem Fischer un syner Fru" */
        } else if (ncp < 80 && n && !strchr(".!?,;:", t[n - 1])) {
            use = t;
        }
        if (use) {
            s->title = longsd__strdup(use);
            if (!s->title) {
                rc = lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
                goto out;
            }
            title_from_top = 1;
        }
        longsd__free(t);
        t = NULL;
    }
    if (!s->title) {
        const char *b = ls_base_name(s->name);
        const char *dot = strrchr(b, '.');
        size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
        if (!strcmp(s->name, "(memory)"))
            n = 0;
        s->title = n ? longsd__strndup(b, n) : longsd__strdup("Untitled");
        if (!s->title) {
            rc = lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
            goto out;
        }
    }

    if (g->author) {
        s->author = g->author;
        g->author = NULL;
    } else if (title_from_top) {
        /* "by Mark Twain (Samuel Langhorne Clemens)" under the title */
        for (size_t i = 1; i < s->n_paras && i < 4 && !s->author; i++) {
            if (s->paras[i].end - s->paras[i].start > 200)
                break;
            if ((rc = ls_para_clean(s, i, &t, bd->err)))
                goto out;
            const char *who = NULL;
            if (ls_has_prefix_ci(t, strlen(t), "by ")) {
                who = t + 3;
            } else if (!lsstr_casecmp_ascii(t, "by") && i + 1 < s->n_paras &&
                       s->paras[i + 1].end - s->paras[i + 1].start <= 100) {
                longsd__free(t);
                t = NULL;
                if ((rc = ls_para_clean(s, i + 1, &t, bd->err)))
                    goto out;
                who = t;
            }
            if (who) {
                while (*who == ' ')
                    who++;
                size_t n = strlen(who);
                const char *paren = strchr(who, '(');
                if (paren && paren > who)
                    n = (size_t)(paren - who);
                while (n && who[n - 1] == ' ')
                    n--;
                if (n) {
                    s->author = longsd__strndup(who, n);
                    if (!s->author) {
                        rc = lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
                        goto out;
                    }
                }
            }
            longsd__free(t);
            t = NULL;
        }
    }
    if (!s->author && !(s->author = longsd__strdup("")))
        rc = lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
out:
    longsd__free(t);
    return rc;
}

