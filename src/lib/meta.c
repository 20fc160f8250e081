/* meta.c - what the book is: its language (stop words) and its title
 * and author (Gutenberg header, the heading block at the top, the file
 * name). Part of ingest (story.c). */
#include <string.h>

#include "story.h"
#include "lexicon.h"
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

#define FRONT_MAX_PARAS 12   /* the title page is the first few short paragraphs */
#define FRONT_MAX_BYTES 200

static longsd_status oom(ls_builder *bd) { return lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", bd->s->name); }

/* Whole text (case-insensitive, a final period allowed) is one of words. */
static int is_one_of(const char *t, const char *const *words, size_t n)
{
    size_t tl = strlen(t);
    while (tl && t[tl - 1] == '.')
        tl--;
    for (size_t i = 0; i < n; i++)
        if (strlen(words[i]) == tl && ls_has_prefix_ci(t, tl, words[i]))
            return 1;
    return 0;
}

/* Lines of a title page that are neither title nor author: the genre,
 * the volume, a preface or contents heading, an editor's note. */
static int is_front_noise(const char *t)
{
    static const char *const words[] = {
        "roman", "novel", "a novel", "ein roman", "erz\xC3\xA4hlung", "eine erz\xC3\xA4hlung", "novelle",
        "m\xC3\xA4rchen", "conte", "contes", "nouvelle", "a romance", "a tale", "a story", "tales", "stories",
        "preface", "vorwort", "pr\303\251face", "avant-propos", "contents", "inhalt", "table des mati\xC3\xA8res",
        "introduction", "einleitung", "illustrated", "illustrations", "oder", "or", "ou"};
    if (is_one_of(t, words, sizeof words / sizeof words[0]))
        return 1;
    if (ls_is_book_heading(t)) /* "Band 1", "Volume I", "Tome premier" */
        return 1;
    if (strchr(t, '@') || strstr(t, "http") || strstr(t, "www.") || strstr(t, "Edition") || strstr(t, "Copyright"))
        return 1;
    int digits = 0, letters = 0;
    for (const char *p = t; *p; p++) {
        digits += *p >= '0' && *p <= '9';
        letters += (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (unsigned char)*p >= 0x80;
    }
    return letters < 2 || digits > letters; /* "1876", "* * *" */
}

/* "by Mark Twain", "von Theodor Storm", "par Jules Verne": the name, or NULL. */
static const char *by_line(const char *t)
{
    static const char *const pre[] = {"by ", "von ", "par "};
    for (size_t i = 0; i < 3; i++)
        if (ls_has_prefix_ci(t, strlen(t), pre[i]))
            return t + strlen(pre[i]);
    return NULL;
}

/* 2 to 4 capitalised words, only name particles in lower case ("Honoré de
 * Balzac"), no punctuation but initials: what an author line looks like. */
static int name_shaped(const char *t, lslex_lang_id lang)
{
    size_t words = 0;
    const char *p = t;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t n = (size_t)(p - w);
        words++;
        int l;
        uint32_t c = ls_cp_at(w, 0, n, &l);
        if (ls_is_lower_cp(c)) {
            static const char *const part[] = {"de", "von", "van", "du", "d'", "der", "la", "le", "zu"};
            int ok = 0;
            for (size_t k = 0; k < sizeof part / sizeof part[0] && !ok; k++)
                ok = strlen(part[k]) == n && !memcmp(w, part[k], n);
            if (!ok)
                return 0;
            continue;
        }
        if (!ls_is_wordish(c))
            return 0;
        char low[32];
        size_t ll = lslex_lower(w, n, low, sizeof low, 0);
        if (lslex_lookup(lang, low, ll, NULL, NULL) & (LSLEX_STOP | LSLEX_DET | LSLEX_PREP | LSLEX_HEADING))
            return 0; /* "The Title", "Vingt mille lieues sous les mers" */
        for (size_t k = 0; k < n; k++)
            if (strchr(",;:!?()\"", w[k]) || (w[k] == '.' && !(k == n - 1 && n <= 3)))
                return 0;
    }
    return words >= 2 && words <= 4;
}

/* How often the last word of t occurs in the body (capped): a title's
 * hero is named throughout the book, its author hardly ever. */
static size_t body_count(const longsd_story *s, const char *t, size_t from, size_t cap)
{
    const char *last = strrchr(t, ' ');
    last = last ? last + 1 : t;
    size_t n = strlen(last), count = 0;
    if (n < 2)
        return cap;
    const char *d = s->data + from, *end = s->data + s->body_end;
    while (d < end && count < cap) {
        const char *hit = memmem(d, (size_t)(end - d), last, n);
        if (!hit)
            break;
        count++;
        d = hit + n;
    }
    return count;
}

static longsd_status set_author(ls_builder *bd, const char *who)
{
    while (*who == ' ')
        who++;
    size_t n = strlen(who);
    const char *paren = strchr(who, '(');
    if (paren && paren > who)
        n = (size_t)(paren - who);
    while (n && (who[n - 1] == ' ' || who[n - 1] == '.' || who[n - 1] == ','))
        n--;
    if (!n)
        return LONGSD_OK;
    if (!(bd->s->author = longsd__strndup(who, n)))
        return oom(bd);
    return LONGSD_OK;
}

/* The title page: the short paragraphs before the first chapter (or the
 * first prose paragraph). "by/von/par X" names the author; genre, volume
 * and editor lines are skipped; two remaining lines where the first is
 * name-shaped and its surname is not in the book read "Author / Title"
 * (the German and French habit); else the first line is the title. */
static longsd_status front_matter(ls_builder *bd, int want_title)
{
    longsd_story *s = bd->s;
    char *t = NULL, *cand[2] = {NULL, NULL};
    size_t n_cand = 0, first_body = s->n_paras ? s->paras[0].start : 0;
    longsd_status rc = LONGSD_OK;
    size_t lim = s->n_paras < FRONT_MAX_PARAS ? s->n_paras : FRONT_MAX_PARAS;
    for (size_t i = 0; i < lim; i++) {
        const ls_para *p = &s->paras[i];
        if (p->end - p->start > FRONT_MAX_BYTES)
            break;
        if (p->chapter >= 0)
            break; /* a chapter heading names the chapter, not the book */
        if ((rc = ls_para_clean(s, i, &t, bd->err)))
            goto out;
        first_body = p->end;
        size_t n = strlen(t), ncp = ls_utf8_count(t);
        const char *who = by_line(t);
        if (!who && (!lsstr_casecmp_ascii(t, "by") || !lsstr_casecmp_ascii(t, "von") || !lsstr_casecmp_ascii(t, "par")) &&
            i + 1 < lim) { /* "VON" alone, the name on the next line */
            longsd__free(t);
            t = NULL;
            if ((rc = ls_para_clean(s, ++i, &t, bd->err)))
                goto out;
            who = t;
        }
        if (who) {
            if (!s->author[0]) {
                longsd__free(s->author);
                s->author = NULL;
                if ((rc = set_author(bd, who)))
                    goto out;
                if (!s->author && !(s->author = longsd__strdup("")))
                    rc = oom(bd);
                if (rc)
                    goto out;
            }
        } else if (is_front_noise(t) || (s->author[0] && !strcmp(t, s->author))) {
            /* skipped */
        } else if (n_cand < 2) {
            const char *use = t;
            if (ls_markdown_level(t)) {
                while (*use == '#')
                    use++;
                while (*use == ' ')
                    use++;
            } else if (ncp < 80 && ls_numbered_title(t) >= 0) {
                use = strchr(t, ' ') + 1; /* a single tale: "19. Von dem Fischer un syner Fru" */
            } else if (ncp >= 100 || !n || strchr(",;:", t[n - 1])) {
                use = NULL;
            } else if (strchr(".!?", t[n - 1])) {
                size_t words = 1;
                for (const char *q = t; *q; q++)
                    words += *q == ' ';
                if (words >= 4)
                    break; /* prose: the title page is over */
                use = NULL; /* a sentence is no title */
            }
            if (use && !(cand[n_cand] = longsd__strdup(use))) {
                rc = oom(bd);
                goto out;
            }
            n_cand += use != NULL;
        }
        longsd__free(t);
        t = NULL;
    }
    if (!want_title || !n_cand)
        goto out;
    size_t ti = 0;
    if (n_cand == 2 && !s->author[0] && name_shaped(cand[0], lslex_lang(s->lang)) && body_count(s, cand[0], first_body, 3) < 3) {
        longsd__free(s->author);
        s->author = cand[0];
        cand[0] = NULL;
        ti = 1;
    }
    s->title = cand[ti];
    cand[ti] = NULL;
out:
    longsd__free(t);
    longsd__free(cand[0]);
    longsd__free(cand[1]);
    return rc;
}

longsd_status ls_find_title_author(ls_builder *bd, ls_gutenberg *g)
{
    longsd_story *s = bd->s;
    longsd_status rc = LONGSD_OK;

    if (g->author) {
        s->author = g->author;
        g->author = NULL;
    } else if (!(s->author = longsd__strdup(""))) {
        return oom(bd);
    }
    if (g->title) {
        s->title = g->title;
        g->title = NULL;
    }
    if ((rc = front_matter(bd, s->title == NULL)))
        return rc;
    if (!s->title) {
        const char *b = ls_base_name(s->name);
        const char *dot = strrchr(b, '.');
        size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
        if (!strcmp(s->name, "(memory)"))
            n = 0;
        s->title = n ? longsd__strndup(b, n) : longsd__strdup("Untitled");
        if (!s->title)
            return oom(bd);
    }
    return LONGSD_OK;
}
