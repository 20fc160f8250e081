/* story.c - ingest: checks a text file (size, encoding, binary content),
 * strips a Project Gutenberg header/footer, finds paragraphs in the three
 * layouts real texts use (blank-line separated, one paragraph per line,
 * hard-wrapped), splits sentences, then hands over to chapters.c (headings)
 * and meta.c (title, author, language). Every step is a single forward pass (O(n)): a 10 MB
 * line must not cost more than a 10 MB file of short lines. Also the public
 * longsd_story_* functions. */
#include "story.h"
#include "story_int.h"

#include <string.h>

#include "ctx.h"

#define LS_DEFAULT_MAX_BYTES ((size_t)64 << 20)
/* Hard caps on unit counts: a 64 MiB file of "a\n" would otherwise need
 * gigabytes of paragraph and sentence records. Real novels are far below. */
#define LS_MAX_PARAS ((size_t)2 << 20)
#define LS_MAX_SENTENCES ((size_t)8 << 20)

/* ------------------------------------------------------------------------
 * Code points. The data is validated UTF-8 before any of these run, but
 * ls_story_text() accepts any span, so a misaligned start is tolerated. */

uint32_t ls_cp_at(const char *d, size_t i, size_t end, int *len)
{
    unsigned char c = (unsigned char)d[i];
    if (c < 0x80) {
        *len = 1;
        return c;
    }
    int l = lsutf8_seqlen((const unsigned char *)d + i, end - i);
    if (!l) {
        *len = 1;
        return 0xFFFD;
    }
    *len = l;
    return lsutf8_decode((const unsigned char *)d + i, l);
}

static int is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

/* Invisible characters that clean text drops (same set as lsstr_clean). */
static int is_ctrl_cp(uint32_t c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0xFEFF || c == 0x200B ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFFFD;
}

static int is_blank_cp(uint32_t c) { return is_space_cp(c) || is_ctrl_cp(c); }

/* Letters and digits: what makes a run of non-blank characters a word. */
int ls_is_wordish(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c < 0xC0 || c == 0xD7 || c == 0xF7)
        return 0;
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE30 && c <= 0xFE4F) ||
        (c >= 0xFF00 && c <= 0xFF0F) || c >= 0x1F000)
        return 0;
    return 1;
}

static int is_upper_cp(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    if (c >= 0xC0 && c <= 0xDE)
        return c != 0xD7;
    if (c >= 0x100 && c <= 0x17F)
        return (c & 1) == 0 && c != 0x138;
    if (c >= 0x391 && c <= 0x3A9)
        return 1;
    if (c >= 0x400 && c <= 0x42F)
        return 1;
    return 0;
}

int ls_is_lower_cp(uint32_t c)
{
    if (c < 0x80)
        return c >= 'a' && c <= 'z';
    if (c >= 0xDF && c <= 0xFF)
        return c != 0xF7;
    if (c >= 0x100 && c <= 0x17F)
        return (c & 1) == 1 || c == 0x138;
    if (c >= 0x3B1 && c <= 0x3C9)
        return 1;
    if (c >= 0x430 && c <= 0x45F)
        return 1;
    return 0;
}

static int is_opener_cp(uint32_t c)
{
    return c == '"' || c == '\'' || c == '(' || c == '[' || c == 0x201C || c == 0x2018 || c == 0x201E || c == 0xAB ||
           c == 0xBB || c == 0x201A || c == 0x2039 || c == 0x203A;
}

static int is_closer_cp(uint32_t c)
{
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x201D || c == 0x2019 || c == 0xBB || c == 0xAB ||
           c == 0x201C || c == 0x203A || c == 0x2039;
}

static int is_term_cp(uint32_t c) { return c == '.' || c == '!' || c == '?' || c == 0x2026; }

int ls_ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Case-insensitive ASCII prefix test on s[0..n). */
int ls_has_prefix_ci(const char *s, size_t n, const char *pre)
{
    size_t k = strlen(pre);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (ls_ascii_lower((unsigned char)s[i]) != ls_ascii_lower((unsigned char)pre[i]))
            return 0;
    return 1;
}

/* Case-insensitive ASCII substring search in s[0..n) (n is small: one line). */
static int contains_ci(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (ls_has_prefix_ci(s + i, n - i, needle))
            return 1;
    return 0;
}

/* ------------------------------------------------------------------------
 * Lines: one forward scan each; CRLF, LF and lone CR all end a line. */

typedef struct {
    size_t start, end; /* content, line end excluded */
    size_t next;       /* first byte of the next line */
    size_t t0, t1;     /* trimmed content (t0 == t1: blank line) */
    size_t ncp;        /* code points in [t0, t1) */
    size_t indent;     /* leading spaces (a tab counts 4) */
} ls_line;

static void line_at(const char *d, size_t pos, size_t lim, ls_line *L)
{
    size_t i = pos, cps = 0, cps_at_t0 = 0, cps_at_t1 = 0;
    int seen = 0;
    L->start = pos;
    L->t0 = L->t1 = pos;
    L->indent = 0;
    while (i < lim && d[i] != '\n' && d[i] != '\r') {
        int l;
        uint32_t c = ls_cp_at(d, i, lim, &l);
        cps++;
        if (is_blank_cp(c)) {
            if (!seen)
                L->indent += c == '\t' ? 4 : 1;
        } else {
            if (!seen) {
                seen = 1;
                L->t0 = i;
                cps_at_t0 = cps - 1;
            }
            L->t1 = i + (size_t)l;
            cps_at_t1 = cps;
        }
        i += (size_t)l;
    }
    L->end = i;
    if (i < lim && d[i] == '\r')
        i += (i + 1 < lim && d[i + 1] == '\n') ? 2 : 1;
    else if (i < lim)
        i++;
    L->next = i;
    L->ncp = seen ? cps_at_t1 - cps_at_t0 : 0;
    if (!seen)
        L->t0 = L->t1 = L->end;
}

/* ------------------------------------------------------------------------
 * Clean text */

char *ls_story_text(const longsd_story *s, size_t start, size_t end)
{
    if (!s || !s->data)
        return NULL;
    if (end > s->len)
        end = s->len;
    if (start > end)
        start = end;
    const char *d = s->data;
    lsbuf b;
    lsbuf_init(&b, 0);
    int pending_space = 0;
    size_t i = start;
    while (i < end) {
        int l;
        uint32_t c = ls_cp_at(d, i, end, &l);
        if (c == '\n' || c == '\r') {
            /* A hard-wrapped "well-\nknown": keep the hyphen, join without a
             * space. A dash ("--") or a lone hyphen is not a word break. */
            int hyph = b.len >= 2 && b.data[b.len - 1] == '-' && b.data[b.len - 2] != '-' && !pending_space &&
                       ((unsigned char)b.data[b.len - 2] >= 0x80 ||
                        ls_is_wordish((unsigned char)b.data[b.len - 2]));
            if (hyph) {
                size_t j = i;
                uint32_t n = 0;
                while (j < end) {
                    int l2;
                    n = ls_cp_at(d, j, end, &l2);
                    if (!is_blank_cp(n))
                        break;
                    j += (size_t)l2;
                }
                if (j < end && ls_is_lower_cp(n)) {
                    i = j;
                    continue;
                }
            }
            pending_space = b.len > 0;
        } else if (is_space_cp(c)) {
            pending_space = b.len > 0;
        } else if (!is_ctrl_cp(c)) {
            if (pending_space && lsbuf_addc(&b, ' '))
                goto fail;
            pending_space = 0;
            if (lsbuf_add(&b, d + i, (size_t)l))
                goto fail;
        }
        i += (size_t)l;
    }
    return lsbuf_steal(&b);
fail:
    lsbuf_free(&b);
    return NULL;
}

/* ------------------------------------------------------------------------
 * Input checks */

const char *ls_base_name(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash ? slash + 1 : name;
}

static longsd_status check_bytes(const char *name, const char *d, size_t n, size_t *skip_bom, lserr *err)
{
    const unsigned char *u = (const unsigned char *)d;
    *skip_bom = 0;
    if (n == 0)
        return lserr_set(err, LONGSD_ERR_INPUT, "%s: the file is empty (0 bytes); give a text file with a story in it",
                         name);
    if (n >= 4 && ((u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0) ||
                   (u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)))
        return lserr_set(err, LONGSD_ERR_ENCODING,
                         "%s: the file is UTF-32 (it starts with a UTF-32 byte order mark), not UTF-8; convert it "
                         "first, e.g.: iconv -f UTF-32 -t UTF-8 %s > %s.utf8.txt",
                         name, name, name);
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return lserr_set(err, LONGSD_ERR_ENCODING,
                         "%s: the file is UTF-16 (%s-endian; it starts with a UTF-16 byte order mark), not UTF-8; "
                         "convert it first, e.g.: iconv -f UTF-16 -t UTF-8 %s > %s.utf8.txt",
                         name, u[0] == 0xFF ? "little" : "big", name, name);
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        *skip_bom = 3;

    const char *nul = memchr(d, '\0', n);
    if (nul) {
        /* UTF-16 without a BOM: every other byte of ASCII text is NUL. */
        size_t lim = n < 1024 ? n : 1024, even = 0, odd = 0;
        for (size_t i = 0; i < lim; i++)
            if (!u[i])
                *(i & 1 ? &odd : &even) += 1;
        if (lim >= 8 && (even * 3 >= lim || odd * 3 >= lim) && (even == 0 || odd == 0))
            return lserr_set(err, LONGSD_ERR_ENCODING,
                             "%s: looks like UTF-16 without a byte order mark (NUL byte at offset %zu), not UTF-8; "
                             "convert it first, e.g.: iconv -f UTF-16%s -t UTF-8 %s > %s.utf8.txt",
                             name, (size_t)(nul - d), odd ? "LE" : "BE", name, name);
        return lserr_set(err, LONGSD_ERR_INPUT,
                         "%s: looks like a binary file (NUL byte at offset %zu), not a text file", name,
                         (size_t)(nul - d));
    }

    /* Many C0 control characters: binary, even without a NUL. */
    size_t ctrl = 0, first_ctrl = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = u[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1B) || c == 0x7F) {
            if (!ctrl)
                first_ctrl = i;
            ctrl++;
        }
    }
    if (ctrl && (ctrl * 10 > n || (ctrl >= 32 && ctrl * 100 > n)))
        return lserr_set(err, LONGSD_ERR_INPUT,
                         "%s: looks like a binary file (%zu control characters, the first at offset %zu), not a "
                         "text file",
                         name, ctrl, first_ctrl);

    size_t bad = lsutf8_validate(d, n);
    if (bad != (size_t)-1) {
        size_t line = 1;
        for (size_t i = 0; i < bad; i++)
            line += d[i] == '\n';
        /* Windows-1252 is a superset of ISO-8859-1 for text, so it is the
         * safe guess to suggest. */
        return lserr_set(err, LONGSD_ERR_ENCODING,
                         "%s: not valid UTF-8 at byte offset %zu (line %zu, byte 0x%02X); the file is probably in "
                         "a legacy encoding such as Windows-1252 or ISO-8859-1; convert it first, e.g.: "
                         "iconv -f WINDOWS-1252 -t UTF-8 %s > %s.utf8.txt",
                         name, bad, line, u[bad], name, name);
    }
    if (n == *skip_bom)
        return lserr_set(err, LONGSD_ERR_INPUT,
                         "%s: the file holds nothing but a UTF-8 byte order mark; give a text file with a story in it",
                         name);
    return LONGSD_OK;
}

/* ------------------------------------------------------------------------
 * Project Gutenberg header and footer */


static char *meta_value(const char *d, const ls_line *L, size_t key_len)
{
    size_t a = L->t0 + key_len, b = L->t1;
    while (a < b && (d[a] == ' ' || d[a] == '\t'))
        a++;
    return a < b ? longsd__strndup(d + a, b - a) : NULL;
}

/* The Title:, Author: and Language: lines of d[start, end) into g. */
static longsd_status read_meta(const char *d, size_t start, size_t end, ls_gutenberg *g)
{
    ls_line L;
    for (size_t pos = start; pos < end; pos = L.next) {
        line_at(d, pos, end, &L);
        size_t k = L.t1 - L.t0;
        const char *t = d + L.t0;
        char **slot = NULL;
        size_t key = 0;
        if (!g->title && ls_has_prefix_ci(t, k, "Title:"))
            slot = &g->title, key = 6;
        else if (!g->author && ls_has_prefix_ci(t, k, "Author:"))
            slot = &g->author, key = 7;
        else if (!g->language && ls_has_prefix_ci(t, k, "Language:"))
            slot = &g->language, key = 9;
        if (slot && k <= 300) {
            *slot = meta_value(d, &L, key);
            if (!*slot && L.t1 - L.t0 > key)
                return LONGSD_ERR_NOMEM;
        }
    }
    return LONGSD_OK;
}

/* Where a header was cut away but its fields kept, the text opens with
 * them: "Title: ...", "Author: ..." lines up to the first blank line. The
 * end of that block, or start when the text opens otherwise. */
static size_t meta_block_end(const char *d, size_t start, size_t len)
{
    ls_line L;
    size_t pos = start;
    while (pos < len) {
        line_at(d, pos, len, &L);
        if (L.t1 > L.t0)
            break;
        pos = L.next; /* blank lines before it */
    }
    if (pos >= len || !ls_has_prefix_ci(d + L.t0, L.t1 - L.t0, "Title:"))
        return start;
    for (; pos < len; pos = L.next) {
        line_at(d, pos, len, &L);
        if (L.t1 == L.t0)
            return L.next;
    }
    return len;
}

static longsd_status find_gutenberg(const char *d, size_t start, size_t len, ls_gutenberg *g)
{
    g->header_end = 0;
    g->footer_start = len;
    g->title = g->author = g->language = NULL;
    ls_line L;
    size_t small_print_end = 0, header_end = 0, footer = len;
    for (size_t pos = start; pos < len; pos = L.next) {
        line_at(d, pos, len, &L);
        size_t k = L.t1 - L.t0;
        const char *t = d + L.t0;
        if (k < 6 || k > 300 || (t[0] != '*' && t[0] != 'E' && t[0] != 'e'))
            continue;
        if (t[0] == '*' && contains_ci(t, k, "GUTENBERG")) {
            if (!header_end && contains_ci(t, k, "START OF")) {
                header_end = L.next;
                footer = len; /* an "END OF" above the header ended nothing */
                continue;
            }
            /* "*** END OF THE PROJECT GUTENBERG EBOOK ..." ends the story
             * even where the header was stripped: the licence after it is
             * no part of the book */
            if (contains_ci(t, k, "END OF") && contains_ci(t, k, "PROJECT GUTENBERG") && footer == len) {
                footer = L.start;
                continue;
            }
        }
        if (t[0] == '*' && !header_end && !small_print_end && contains_ci(t, k, "*END*THE SMALL PRINT")) {
            small_print_end = L.next;
            continue;
        }
        if ((t[0] == 'E' || t[0] == 'e') && footer == len && (header_end || small_print_end) &&
            (ls_has_prefix_ci(t, k, "End of the Project Gutenberg") || ls_has_prefix_ci(t, k, "End of Project Gutenberg")))
            footer = L.start;
    }
    if (!header_end)
        header_end = small_print_end;
    if (!header_end && footer < len) {
        /* a footer without a header: the text from the start is the book,
         * after the header's fields where they were kept */
        g->header_end = meta_block_end(d, start, footer);
        g->footer_start = footer;
        return read_meta(d, start, g->header_end, g);
    }
    if (!header_end)
        return LONGSD_OK;
    if (footer < header_end)
        footer = len;
    g->header_end = header_end;
    g->footer_start = footer;
    return read_meta(d, start, header_end, g);
}

/* ------------------------------------------------------------------------
 * Story building */


static longsd_status add_para(ls_builder *bd, size_t start, size_t end)
{
    longsd_story *s = bd->s;
    if (start >= end)
        return LONGSD_OK;
    if (s->n_paras == bd->para_alloc) {
        if (s->n_paras >= LS_MAX_PARAS)
            return lserr_set(bd->err, LONGSD_ERR_TOO_BIG,
                             "%s: more than %zu paragraphs; this does not look like prose", s->name, LS_MAX_PARAS);
        size_t na = bd->para_alloc ? bd->para_alloc * 2 : 256;
        ls_para *np = longsd__realloc(s->paras, na * sizeof *np);
        if (!np)
            return lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
        s->paras = np;
        bd->para_alloc = na;
    }
    ls_para *p = &s->paras[s->n_paras++];
    memset(p, 0, sizeof *p);
    p->start = start;
    p->end = end;
    p->chapter = -1;
    return LONGSD_OK;
}

static longsd_status add_sentence(ls_builder *bd, size_t para, size_t start, size_t end, size_t words, int in_q)
{
    longsd_story *s = bd->s;
    if (start >= end)
        return LONGSD_OK;
    if (s->n_sentences == bd->sent_alloc) {
        if (s->n_sentences >= LS_MAX_SENTENCES)
            return lserr_set(bd->err, LONGSD_ERR_TOO_BIG,
                             "%s: more than %zu sentences; this does not look like prose", s->name,
                             LS_MAX_SENTENCES);
        size_t na = bd->sent_alloc ? bd->sent_alloc * 2 : 1024;
        ls_sentence *ns = longsd__realloc(s->sentences, na * sizeof *ns);
        if (!ns)
            return lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
        s->sentences = ns;
        bd->sent_alloc = na;
    }
    ls_sentence *x = &s->sentences[s->n_sentences++];
    x->start = start;
    x->end = end;
    x->para = para;
    x->n_words = words;
    x->in_quotes = in_q;
    return LONGSD_OK;
}

/* The trimmed text of a line: is it a chapter or Markdown heading? Used to
 * force paragraph breaks around headings in hard-wrapped text. */
static int line_is_heading(const char *d, const ls_line *L)
{
    size_t k = L->t1 - L->t0;
    if (k == 0 || k > 120)
        return 0;
    char buf[128];
    memcpy(buf, d + L->t0, k);
    buf[k] = '\0';
    return ls_is_heading_line(buf);
}

/* "Le matin, la barque quitta le port.": a line that reads as a sentence
 * (a comma inside, a full stop at the end) is text, not a title. */
static int is_sentence_line(const char *d, const ls_line *L)
{
    if (L->t1 == L->t0 || !strchr(".!?", d[L->t1 - 1]))
        return 0;
    return memchr(d + L->t0, ',', L->t1 - L->t0) != NULL;
}

static int ends_sentence_line(const char *d, const ls_line *L)
{
    if (L->t1 == L->t0)
        return 0;
    unsigned char c = (unsigned char)d[L->t1 - 1];
    if (strchr(".!?\":", c))
        return 1;
    /* ” ’ « » … end in 0x9D 0x99 0xAB 0xBB 0xA6 */
    return c >= 0x80 && L->t1 - L->t0 >= 2 && (c == 0x9D || c == 0x99 || c == 0xAB || c == 0xBB || c == 0xA6);
}

enum { MODE_LINE = 0, MODE_BLOCK = 1 };

static longsd_status find_paragraphs(ls_builder *bd)
{
    longsd_story *s = bd->s;
    const char *d = s->data;
    size_t a = s->body_start, z = s->body_end;
    ls_line L;

    /* Pass 1: line-length statistics decide the layout. */
    size_t n_ne = 0, n_blank = 0, over100 = 0, over120 = 0, hist[257] = {0};
    for (size_t pos = a; pos < z; pos = L.next) {
        line_at(d, pos, z, &L);
        if (L.t0 == L.t1) {
            n_blank++;
            continue;
        }
        n_ne++;
        over100 += L.ncp > 100;
        over120 += L.ncp > 120;
        hist[L.ncp > 256 ? 256 : L.ncp]++;
    }
    size_t p90 = 0, acc = 0;
    for (size_t k = 0; k <= 256; k++) {
        acc += hist[k];
        if (acc * 10 >= n_ne * 9) {
            p90 = k;
            break;
        }
    }
    int most_long = over100 * 2 > n_ne;
    int rare_blank = n_blank * 20 < n_ne;
    int wrapped = !most_long && over120 * 33 <= n_ne && p90 <= 85;
    int mode = most_long || (rare_blank && !wrapped) ? MODE_LINE : MODE_BLOCK;
    /* Without blank lines, a short line that ends a sentence ends a wrapped
     * paragraph (the last line of a paragraph rarely fills the width). */
    int short_end_breaks = mode == MODE_BLOCK && rare_blank;

    /* Pass 2: paragraphs. */
    size_t p0 = 0, p1 = 0, prev_indent = 0;
    int open = 0;
    longsd_status rc = LONGSD_OK;
    for (size_t pos = a; pos < z; pos = L.next) {
        line_at(d, pos, z, &L);
        if (L.t0 == L.t1) {
            if (open && (rc = add_para(bd, p0, p1)))
                return rc;
            open = 0;
            continue;
        }
        if (mode == MODE_LINE) {
            /* A line ending in a comma or semicolon does not end a paragraph:
             * '»Nu,« säd de Mann,' goes on with the speech on the next line. */
            if (!open)
                p0 = L.t0;
            p1 = L.t1;
            open = 1;
            char last = d[L.t1 - 1];
            int joins = (last == ',' || last == ';') && !line_is_heading(d, &L);
            if (joins && L.next < z) {
                ls_line N;
                line_at(d, L.next, z, &N);
                joins = N.t0 < N.t1 && !line_is_heading(d, &N);
            }
            if (!joins) {
                if ((rc = add_para(bd, p0, p1)))
                    return rc;
                open = 0;
            }
            continue;
        }
        int heading = line_is_heading(d, &L);
        int brk = heading || (L.indent > 0 && (prev_indent == 0 || L.indent > prev_indent));
        if (open && brk) {
            if ((rc = add_para(bd, p0, p1)))
                return rc;
            open = 0;
        }
        if (!open) {
            p0 = L.t0;
            open = 1;
        }
        p1 = L.t1;
        prev_indent = L.indent;
        if (heading) {
            /* A short title line right under "CHAPTER II." belongs to it. */
            ls_line N, NN;
            if (L.next < z) {
                line_at(d, L.next, z, &N);
                if (N.t0 < N.t1 && N.ncp <= 60 && !line_is_heading(d, &N) && !is_sentence_line(d, &N)) {
                    int alone = N.next >= z;
                    if (!alone) {
                        line_at(d, N.next, z, &NN);
                        alone = NN.t0 == NN.t1;
                    }
                    if (alone) {
                        p1 = N.t1;
                        L = N;
                    }
                }
            }
            if ((rc = add_para(bd, p0, p1)))
                return rc;
            open = 0;
            prev_indent = 0;
            continue;
        }
        if (short_end_breaks && p90 >= 20 && L.ncp * 4 < p90 * 3 && ends_sentence_line(d, &L)) {
            if ((rc = add_para(bd, p0, p1)))
                return rc;
            open = 0;
            prev_indent = 0;
        }
    }
    if (open && (rc = add_para(bd, p0, p1)))
        return rc;
    return LONGSD_OK;
}

/* ---- sentences */

static int is_abbrev_always(const char *w, size_t n)
{
    static const char *const ab[] = {"Mr",  "Mrs",  "Ms",   "Dr",  "St",  "Mt",   "Jr",  "Sr",   "vs",
                                     "Prof", "Rev", "Gen", "Col", "Capt", "Lt", "Sgt", "Messrs", "Mme",
                                     "Mlle", "Hon", "Gov", "Ft",  "e.g", "i.e", "cf", "viz"};
    for (size_t k = 0; k < sizeof ab / sizeof ab[0]; k++)
        if (strlen(ab[k]) == n && !memcmp(ab[k], w, n))
            return 1;
    return 0;
}

static int all_digits_dots(const char *w, size_t n)
{
    if (!n || w[0] < '0' || w[0] > '9')
        return 0;
    for (size_t k = 0; k < n; k++)
        if ((w[k] < '0' || w[k] > '9') && w[k] != '.')
            return 0;
    return 1;
}

typedef struct {
    int q;           /* inside quotation marks */
    uint32_t opener; /* the mark that opened them */
} ls_quote;

static void quote_update(ls_quote *qs, uint32_t c, uint32_t next)
{
    switch (c) {
    case '"':
        qs->q = !qs->q;
        qs->opener = '"';
        break;
    case 0x201C: /* “ opens in English, closes a German „ */
        if (qs->q && qs->opener == 0x201E)
            qs->q = 0;
        else {
            qs->q = 1;
            qs->opener = 0x201C;
        }
        break;
    case 0x201D:
        qs->q = 0;
        break;
    case 0x201E:
        qs->q = 1;
        qs->opener = 0x201E;
        break;
    case 0x2018:
        if (!qs->q) {
            qs->q = 1;
            qs->opener = 0x2018;
        }
        break;
    case 0x2019: /* ’ between letters is an apostrophe */
        if (qs->q && qs->opener == 0x2018 && !ls_is_wordish(next))
            qs->q = 0;
        break;
    case 0xAB:
    case 0xBB: /* « » and » « both pair up */
        if (!qs->q) {
            qs->q = 1;
            qs->opener = c;
        } else if (qs->opener == 0xAB || qs->opener == 0xBB) {
            qs->q = 0;
        }
        break;
    default:
        break;
    }
}

static longsd_status split_sentences(ls_builder *bd, size_t pi)
{
    longsd_story *s = bd->s;
    ls_para *P = &s->paras[pi];
    const char *d = s->data;
    size_t a = P->start, b = P->end, i = a;
    size_t sent_start = a, words = 0, letters = 0, quoted = 0;
    int in_word = 0, word_ok = 0;
    /* Terminator run state: 1 while inside ".", "!?", "...", closing marks. */
    int term = 0, term_bang = 0, term_ellipsis = 0, term_closer = 0;
    size_t term_dots = 0, tok_start = a, term_pos = a;
    ls_quote qs = {0, 0};
    longsd_status rc;

    P->first_sentence = s->n_sentences;
    P->n_words = 0;
    while (i <= b) {
        int l = 1;
        uint32_t c = i < b ? ls_cp_at(d, i, b, &l) : ' ';
        if (is_blank_cp(c)) {
            if (in_word && word_ok)
                words++;
            in_word = word_ok = 0;
            if (term && i < b) {
                /* Decide: is this the end of a sentence? Look at the next
                 * visible letter past any opening quotes or brackets. */
                size_t j = i;
                uint32_t nx = 0;
                int l2 = 1;
                while (j < b) {
                    nx = ls_cp_at(d, j, b, &l2);
                    if (!is_blank_cp(nx) && !is_opener_cp(nx))
                        break;
                    j += (size_t)l2;
                }
                int upper = j < b && is_upper_cp(nx);
                int lower = j < b && ls_is_lower_cp(nx);
                int split;
                /* the word before the terminator, without opening marks */
                size_t w0 = tok_start;
                while (w0 < term_pos) {
                    uint32_t oc = ls_cp_at(d, w0, term_pos, &l2);
                    if (!is_opener_cp(oc))
                        break;
                    w0 += (size_t)l2;
                }
                size_t wn = term_pos - w0;
                if (j >= b)
                    split = 0; /* the paragraph ends anyway */
                else if (is_term_cp(nx))
                    split = 0; /* "Sh! ... There!": a spaced ellipsis stays behind */
                else if (term_bang)
                    split = !lower;
                else if (term_ellipsis)
                    split = upper;
                else if (!term_closer && is_abbrev_always(d + w0, wn))
                    split = 0;
                else if (!term_closer && wn == 1 && d[w0] != 'I' && is_upper_cp((unsigned char)d[w0]) && upper)
                    split = 0; /* an initial: "J. R. Smith" (but "So did I. Then") */
                else if (!term_closer && tok_start == sent_start && all_digits_dots(d + w0, wn))
                    split = 0; /* "19. Von dem Fischer", "2.1. Title" */
                else
                    split = !lower;
                if (split) {
                    if ((rc = add_sentence(bd, pi, sent_start, i, words, quoted * 2 > letters)))
                        return rc;
                    P->n_words += words;
                    words = letters = quoted = 0;
                    sent_start = i; /* the next visible mark, openers included */
                    while (sent_start < b) {
                        uint32_t sc = ls_cp_at(d, sent_start, b, &l2);
                        if (!is_blank_cp(sc))
                            break;
                        sent_start += (size_t)l2;
                    }
                }
            }
            term = 0;
            if (i >= b)
                break;
            i += (size_t)l;
            continue;
        }
        if (!in_word) {
            in_word = 1;
            tok_start = i;
        }
        uint32_t next = 0;
        if (i + (size_t)l < b) {
            int l3;
            next = ls_cp_at(d, i + (size_t)l, b, &l3);
        }
        quote_update(&qs, c, next);
        if (ls_is_wordish(c)) {
            word_ok = 1;
            letters++;
            quoted += qs.q;
        }
        if (is_term_cp(c)) {
            if (!term || term_closer) {
                if (!term)
                    term_pos = i;
                term = 1;
                term_bang = term_ellipsis = term_closer = 0;
                term_dots = 0;
            }
            if (c == '!' || c == '?')
                term_bang = 1;
            if (c == 0x2026)
                term_ellipsis = 1;
            if (c == '.' && ++term_dots >= 2)
                term_ellipsis = 1;
        } else if (term && is_closer_cp(c)) {
            term_closer = 1;
        } else {
            term = 0;
        }
        i += (size_t)l;
    }
    if ((rc = add_sentence(bd, pi, sent_start, b, words, quoted * 2 > letters)))
        return rc;
    P->n_words += words;
    P->n_sentences = s->n_sentences - P->first_sentence;
    s->n_words += P->n_words;
    return LONGSD_OK;
}

/* ---- ingest */

/* Takes ownership of data (n bytes plus a NUL at data[n]). */
static longsd_status ingest_owned(const char *name, char *data, size_t n, const longsd_story_params *p,
                                  longsd_story **out, lserr *err)
{
    longsd_story *s = NULL;
    ls_gutenberg g = {0, 0, NULL, NULL, NULL};
    longsd_status rc = LONGSD_OK;
    size_t bom = 0;
    ls_builder bd = {NULL, 0, 0, err};

    if (!name)
        name = "(memory)";
    s = longsd__calloc(1, sizeof *s);
    if (!s) {
        longsd__free(data);
        return lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory", name);
    }
    bd.s = s;
    s->data = data;
    s->len = n;
    if (!(s->name = longsd__strdup(name))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory", name);
        goto out;
    }
    lssha256_hex(data, n, s->sha256);
    if ((rc = check_bytes(name, data, n, &bom, err)))
        goto out;
    if (find_gutenberg(data, bom, n, &g)) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory", name);
        goto out;
    }
    s->body_start = bom;
    s->body_end = n;
    if (!p->keep_gutenberg && (g.header_end || g.footer_start < n)) {
        s->body_start = g.header_end;
        s->body_end = g.footer_start;
    }
    if ((rc = find_paragraphs(&bd)))
        goto out;
    if (s->n_paras == 0) {
        if (g.header_end && !p->keep_gutenberg)
            rc = lserr_set(err, LONGSD_ERR_INPUT,
                           "%s: no text between the Project Gutenberg header and footer (bytes %zu..%zu)", name,
                           s->body_start, s->body_end);
        else
            rc = lserr_set(err, LONGSD_ERR_INPUT, "%s: the file holds only whitespace (%zu bytes, no text)", name,
                           n);
        goto out;
    }
    for (size_t i = 0; i < s->n_paras; i++)
        if ((rc = split_sentences(&bd, i)))
            goto out;
    if ((rc = ls_find_chapters(&bd)))
        goto out;
    ls_merge_heading_sentences(s);
    if (ls_drama_detect(s)) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory", name);
        goto out;
    }
    /* the language first: the title page is read with its word lists */
    const char *lang = g.language ? ls_language_code(g.language) : NULL;
    if (!lang)
        lang = ls_guess_language(data, s->body_start, s->body_end);
    snprintf(s->lang, sizeof s->lang, "%s", lang);
    if ((rc = ls_find_title_author(&bd, &g)))
        goto out;
out:
    longsd__free(g.title);
    longsd__free(g.author);
    longsd__free(g.language);
    if (rc) {
        longsd_story_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

longsd_status ls_story_ingest(const char *name, const char *data, size_t n, const longsd_story_params *p,
                              longsd_story **out, lserr *err)
{
    longsd_story_params def = longsd_story_default_params();
    *out = NULL;
    if (!p)
        p = &def;
    if (!data && n)
        return lserr_set(err, LONGSD_ERR_PARAM, "%s: no data", name ? name : "(memory)");
    size_t cap = p->max_bytes ? p->max_bytes : LS_DEFAULT_MAX_BYTES;
    if (n > cap)
        return lserr_set(err, LONGSD_ERR_TOO_BIG,
                         "%s: %zu bytes is over the limit of %zu bytes (raise max_bytes to read it)",
                         name ? name : "(memory)", n, cap);
    char *copy = longsd__malloc(n + 1);
    if (!copy)
        return lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory", name ? name : "(memory)");
    if (n)
        memcpy(copy, data, n);
    copy[n] = '\0';
    return ingest_owned(name, copy, n, p, out, err);
}

/* ------------------------------------------------------------------------
 * Public API */

longsd_story_params longsd_story_default_params(void)
{
    longsd_story_params p = {
        .max_bytes = LS_DEFAULT_MAX_BYTES,
        .keep_gutenberg = 0,
    };
    return p;
}

longsd_status longsd_story_load(longsd_ctx *ctx, const char *path, const longsd_story_params *params,
                                longsd_story **out)
{
    lserr *err = ctx ? &ctx->err : NULL;
    longsd_story_params def = longsd_story_default_params();
    char *data = NULL;
    size_t n = 0;
    lserr_clear(err);
    if (!out)
        return lserr_set(err, LONGSD_ERR_PARAM, "longsd_story_load: out is NULL");
    *out = NULL;
    if (!path || !*path)
        return lserr_set(err, LONGSD_ERR_PARAM, "longsd_story_load: no path given");
    if (!params)
        params = &def;
    size_t cap = params->max_bytes ? params->max_bytes : LS_DEFAULT_MAX_BYTES;
    longsd_status rc = lsfile_read(path, cap, &data, &n, err);
    if (rc)
        return rc;
    rc = ingest_owned(path, data, n, params, out, err);
    if (!rc)
        longsd__log(ctx, LONGSD_LOG_DEBUG, "%s: %zu paragraphs, %zu sentences, %zu chapters, %zu words, language %s",
                    path, (*out)->n_paras, (*out)->n_sentences, (*out)->n_chapters, (*out)->n_words, (*out)->lang);
    return rc;
}

longsd_status longsd_story_load_memory(longsd_ctx *ctx, const char *name, const void *data, size_t n,
                                       const longsd_story_params *params, longsd_story **out)
{
    lserr *err = ctx ? &ctx->err : NULL;
    lserr_clear(err);
    if (!out)
        return lserr_set(err, LONGSD_ERR_PARAM, "longsd_story_load_memory: out is NULL");
    return ls_story_ingest(name, data, n, params, out, err);
}

void longsd_story_free(longsd_story *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_chapters; i++)
        longsd__free(s->chapters[i].title);
    longsd__free(s->chapters);
    longsd__free(s->sentences);
    longsd__free(s->paras);
    longsd__free(s->title);
    longsd__free(s->author);
    longsd__free(s->data);
    longsd__free(s->name);
    longsd__free(s);
}

const char *longsd_story_title(const longsd_story *s) { return s && s->title ? s->title : ""; }
const char *longsd_story_author(const longsd_story *s) { return s && s->author ? s->author : ""; }
const char *longsd_story_language(const longsd_story *s) { return s && s->lang[0] ? s->lang : "und"; }
const char *longsd_story_sha256(const longsd_story *s) { return s ? s->sha256 : ""; }
size_t longsd_story_size(const longsd_story *s) { return s ? s->len : 0; }
size_t longsd_story_n_words(const longsd_story *s) { return s ? s->n_words : 0; }
size_t longsd_story_n_paragraphs(const longsd_story *s) { return s ? s->n_paras : 0; }
size_t longsd_story_n_chapters(const longsd_story *s) { return s ? s->n_chapters : 0; }

longsd_status longsd_story_paragraph(const longsd_story *s, size_t i, longsd_paragraph_info *info)
{
    if (!s || !info || i >= s->n_paras)
        return LONGSD_ERR_PARAM;
    const ls_para *p = &s->paras[i];
    info->start = p->start;
    info->end = p->end;
    info->chapter = p->chapter;
    info->is_heading = p->is_heading;
    info->n_words = p->n_words;
    return LONGSD_OK;
}

char *longsd_story_paragraph_text(const longsd_story *s, size_t i)
{
    if (!s || i >= s->n_paras)
        return NULL;
    return ls_story_text(s, s->paras[i].start, s->paras[i].end);
}

const char *longsd_story_chapter_title(const longsd_story *s, size_t i)
{
    if (!s || i >= s->n_chapters)
        return NULL;
    return s->chapters[i].title;
}
