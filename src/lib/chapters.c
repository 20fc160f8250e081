/* chapters.c - chapter headings: which short paragraphs are headings
 * ("CHAPTER XII", "# Title", "19. Von dem Fischer un syner Fru") and the
 * chapters they open. Part of ingest (story.c). */
#include <string.h>

#include "story.h"
#include "story_int.h"

/* ------------------------------------------------------------------------
 * Headings */

enum { HEAD_NONE = 0, HEAD_CHAPTER = 1, HEAD_MARKDOWN = 2, HEAD_NUMBERED = 3 };

size_t ls_utf8_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int is_number_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "one",     "two",     "three",     "four",     "five",    "six",     "seven",   "eight",
        "nine",    "ten",     "eleven",    "twelve",   "thirteen", "fourteen", "fifteen", "sixteen",
        "seventeen", "eighteen", "nineteen", "twenty", "thirty",  "forty",   "fifty",   "sixty",
        "seventy", "eighty",  "ninety",    "hundred",  "first",   "last",
    };
    size_t a = 0;
    while (a < n) {
        size_t b = a;
        while (b < n && w[b] != '-')
            b++;
        int ok = 0;
        for (size_t k = 0; k < sizeof words / sizeof words[0] && !ok; k++)
            ok = strlen(words[k]) == b - a && ls_has_prefix_ci(w + a, b - a, words[k]);
        if (!ok)
            return 0;
        a = b + 1;
    }
    return n > 0 && w[n - 1] != '-';
}

/* "CHAPTER XXXV", "Chapter i.", "Chapter 3: Title", "CHAPTER II. THE BALLOON"
 * (multi_line: the title was on its own line under the heading). */
int ls_is_chapter_heading(const char *t, int multi_line)
{
    static const char *const kw[] = {"chapter", "chapitre", "kapitel", "capitulo", "capítulo"};
    size_t n = strlen(t), k = 0;
    size_t i;
    for (i = 0; i < sizeof kw / sizeof kw[0]; i++) {
        k = strlen(kw[i]);
        if (ls_has_prefix_ci(t, n, kw[i]) && n > k && t[k] == ' ')
            break;
    }
    if (i == sizeof kw / sizeof kw[0])
        return 0;
    size_t a = k + 1, b = a;
    while (b < n && t[b] != ' ' && t[b] != '.' && t[b] != ':' && t[b] != ')')
        b++;
    if (b == a || b - a > 24)
        return 0;
    int digits = 1, roman = 1;
    for (size_t j = a; j < b; j++) {
        int c = ls_ascii_lower((unsigned char)t[j]);
        digits &= c >= '0' && c <= '9';
        roman &= strchr("ivxlcdm", c) != NULL && c != 0;
    }
    if (digits && b - a > 4)
        return 0;
    if (!digits && !roman && !is_number_word(t + a, b - a))
        return 0;
    const char *rest = t + b;
    if (!*rest)
        return 1;
    if (strchr(".:)", *rest) || (rest[0] == ' ' && (rest[1] == '-' || !strncmp(rest + 1, "\xE2\x80\x94", 3) ||
                                                    !strncmp(rest + 1, "\xE2\x80\x93", 3))))
        return 1;
    if (multi_line)
        return 1;
    /* "CHAPTER XII THE END": an all-capitals title on the same line. */
    for (const char *p = rest; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            return 0;
    return 1;
}

/* "# Title" .. "###### Title": returns the level, 0 if none. */
int ls_markdown_level(const char *t)
{
    int lv = 0;
    while (t[lv] == '#' && lv < 7)
        lv++;
    if (lv == 0 || lv > 6 || t[lv] != ' ' || !t[lv + 1])
        return 0;
    return lv;
}

/* "19. Von dem Fischer un syner Fru": returns the number, -1 if none. */
long ls_numbered_title(const char *t)
{
    size_t i = 0;
    long num = 0;
    while (t[i] >= '0' && t[i] <= '9' && i < 5)
        num = num * 10 + (t[i++] - '0');
    if (i == 0 || i > 4 || t[i] != '.' || t[i + 1] != ' ')
        return -1;
    const char *title = t + i + 2;
    int l;
    size_t tl = strlen(title);
    if (!tl)
        return -1;
    uint32_t c = ls_cp_at(title, 0, tl, &l);
    if (!ls_is_wordish(c) || ls_is_lower_cp(c) || (c >= '0' && c <= '9'))
        return -1;
    char last = title[tl - 1];
    if (last == ',' || last == ';')
        return -1;
    size_t words = 1;
    for (const char *p = title; *p; p++)
        words += *p == ' ';
    return words <= 12 ? num : -1;
}

/* ---- chapters */

longsd_status ls_para_clean(const longsd_story *s, size_t i, char **out, lserr *err)
{
    *out = ls_story_text(s, s->paras[i].start, s->paras[i].end);
    if (!*out)
        return lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
    return LONGSD_OK;
}

static int para_multi_line(const longsd_story *s, size_t i)
{
    const char *d = s->data;
    for (size_t k = s->paras[i].start; k < s->paras[i].end; k++)
        if (d[k] == '\n' || d[k] == '\r')
            return 1;
    return 0;
}

static longsd_status add_chapter(ls_builder *bd, size_t *alloc, size_t para, char *title)
{
    longsd_story *s = bd->s;
    if (s->n_chapters == *alloc) {
        size_t na = *alloc ? *alloc * 2 : 16;
        ls_chapter *nc = longsd__realloc(s->chapters, na * sizeof *nc);
        if (!nc) {
            longsd__free(title);
            return lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
        }
        s->chapters = nc;
        *alloc = na;
    }
    ls_chapter *c = &s->chapters[s->n_chapters++];
    c->title = title;
    c->heading_para = para;
    c->first_para = para + 1;
    c->n_paras = 0;
    return LONGSD_OK;
}

longsd_status ls_find_chapters(ls_builder *bd)
{
    longsd_story *s = bd->s;
    size_t np = s->n_paras, ch_alloc = 0;
    unsigned char *kind = NULL;
    long *num = NULL;
    char *t = NULL;
    longsd_status rc = LONGSD_OK;
    int md_min = 7, md_count_min = 0, md_total = 0, n_chapter = 0, n_numbered = 0;

    kind = longsd__calloc(np, 1);
    num = longsd__calloc(np, sizeof *num);
    if (!kind || !num) {
        rc = lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
        goto out;
    }
    for (size_t i = 0; i < np; i++) {
        if (s->paras[i].end - s->paras[i].start > LS_HEADING_MAX_BYTES)
            continue;
        if ((rc = ls_para_clean(s, i, &t, bd->err)))
            goto out;
        size_t ncp = ls_utf8_count(t);
        int multi = para_multi_line(s, i);
        int lv = multi ? 0 : ls_markdown_level(t);
        if (lv && ncp < 120) {
            kind[i] = HEAD_MARKDOWN;
            num[i] = lv;
            md_total++;
            if (lv < md_min) {
                md_min = lv;
                md_count_min = 0;
            }
            md_count_min += lv == md_min;
        } else if (ncp < 100 && ls_is_chapter_heading(t, multi)) {
            kind[i] = HEAD_CHAPTER;
            n_chapter++;
        } else if (!multi && ncp < 80 && (num[i] = ls_numbered_title(t)) >= 0) {
            kind[i] = HEAD_NUMBERED;
            n_numbered++;
        }
        longsd__free(t);
        t = NULL;
    }
    /* A lone top-level "# Title" above deeper headings is the document title. */
    size_t md_title = (size_t)-1;
    if (md_total > 1 && md_count_min == 1) {
        for (size_t i = 0; i < np; i++)
            if (kind[i] == HEAD_MARKDOWN) {
                if (num[i] == md_min)
                    md_title = i;
                break;
            }
    }
    if (n_chapter || md_total) {
        for (size_t i = 0; i < np; i++)
            if (kind[i] == HEAD_NUMBERED)
                kind[i] = HEAD_NONE;
    } else if (n_numbered) {
        /* Numbered titles: not a list (two in a row), increasing, >= 2. */
        for (size_t i = 0; i < np; i++)
            if (kind[i] == HEAD_NUMBERED && i + 1 < np && kind[i + 1] == HEAD_NUMBERED) {
                size_t j = i;
                while (j < np && kind[j] == HEAD_NUMBERED)
                    kind[j++] = HEAD_NONE;
                i = j;
            }
        long last = -1;
        int kept = 0;
        for (size_t i = 0; i < np; i++)
            if (kind[i] == HEAD_NUMBERED) {
                if (num[i] > last) {
                    last = num[i];
                    kept++;
                } else {
                    kind[i] = HEAD_NONE;
                }
            }
        if (kept < 2)
            for (size_t i = 0; i < np; i++)
                if (kind[i] == HEAD_NUMBERED)
                    kind[i] = HEAD_NONE;
    }
    for (size_t i = 0; i < np; i++) {
        if (!kind[i])
            continue;
        s->paras[i].is_heading = 1;
        if (i == md_title)
            continue;
        if ((rc = ls_para_clean(s, i, &t, bd->err)))
            goto out;
        if (kind[i] == HEAD_MARKDOWN) {
            size_t k = 0;
            while (t[k] == '#')
                k++;
            while (t[k] == ' ')
                k++;
            memmove(t, t + k, strlen(t + k) + 1);
        }
        rc = add_chapter(bd, &ch_alloc, i, t);
        t = NULL;
        if (rc)
            goto out;
    }
    for (size_t c = 0; c < s->n_chapters; c++) {
        size_t endp = c + 1 < s->n_chapters ? s->chapters[c + 1].heading_para : np;
        ls_chapter *ch = &s->chapters[c];
        ch->n_paras = endp - ch->first_para;
        for (size_t i = ch->heading_para; i < endp; i++)
            s->paras[i].chapter = (int)c;
    }
out:
    longsd__free(t);
    longsd__free(kind);
    longsd__free(num);
    return rc;
}

/* A heading is one sentence ("CHAPTER II. THE BALLOON ASCENSION"), however
 * it is punctuated. Compacts the sentence array in place. */
void ls_merge_heading_sentences(longsd_story *s)
{
    size_t w = 0;
    for (size_t i = 0; i < s->n_paras; i++) {
        ls_para *p = &s->paras[i];
        size_t r = p->first_sentence, n = p->n_sentences;
        p->first_sentence = w;
        if (p->is_heading && n > 1) {
            ls_sentence m = s->sentences[r];
            m.end = s->sentences[r + n - 1].end;
            m.n_words = p->n_words;
            m.in_quotes = 0;
            s->sentences[w++] = m;
            p->n_sentences = 1;
        } else {
            if (w != r)
                memmove(&s->sentences[w], &s->sentences[r], n * sizeof *s->sentences);
            w += n;
        }
    }
    s->n_sentences = w;
}

