/* cast_forms.c - every surface form of a cast member (name, full name,
 * aliases) as word hashes, sorted for a binary search: how every later
 * pass (sex, descriptions, narrator, ideas) finds the cast in a sentence.
 * A family name is shared: "M. Bovary" and "madame Bovary" are a husband
 * and a wife, so a form whose character's sex is known does not match
 * after a title of the other sex. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ideas.h"
#include "lexicon.h"
#include "util.h"

static size_t form_words(const char *s, uint64_t tok[4])
{
    lslex_scan sc;
    lsword w;
    size_t n = 0;
    lslex_scan_init(&sc, s, strlen(s));
    while (lslex_next_word(&sc, &w)) {
        if (n == 4)
            return 0;
        tok[n++] = lslex_word_hash(s + w.start, w.end - w.start);
    }
    return n;
}

/* The sexed titles and forms of address written before a family name, in
 * the three languages (closed classes, like the determiners): their hashes
 * in lower case and capitalised, which is how a sentence's words are hashed. */
static const char *const TITLE_F[] = {"mrs", "ms", "miss", "madam", "madame", "mme", "mlle", "mademoiselle",
                                      "lady", "dame", "aunt", "widow", "frau", "fr\xC3\xA4ulein", "tante",
                                      "signora", "senora", "se\xC3\xB1ora", "veuve", "m\xC3\xA8re",
                                      "s\xC5\x93ur", "soeur"};
static const char *const TITLE_M[] = {"mr", "mister", "sir", "lord", "monsieur", "m", "herr", "uncle",
                                      "oncle", "onkel", "signor", "senor", "se\xC3\xB1or", "p\xC3\xA8re"};
#define N_TITLE_F (sizeof TITLE_F / sizeof TITLE_F[0])
#define N_TITLE_M (sizeof TITLE_M / sizeof TITLE_M[0])
static uint64_t title_h[2 * (N_TITLE_F + N_TITLE_M)];
static pthread_once_t title_once = PTHREAD_ONCE_INIT;

static void title_build(void)
{
    size_t k = 0;
    for (size_t i = 0; i < N_TITLE_F + N_TITLE_M; i++) {
        const char *w = i < N_TITLE_F ? TITLE_F[i] : TITLE_M[i - N_TITLE_F];
        char up[24];
        size_t n = strlen(w);
        memcpy(up, w, n);
        up[0] = (char)(up[0] - 'a' + 'A'); /* every entry starts with an ASCII letter */
        title_h[k++] = lslex_word_hash(w, n);
        title_h[k++] = lslex_word_hash(up, n);
    }
}

int ls_cast_title_sex(uint64_t h)
{
    pthread_once(&title_once, title_build);
    for (size_t k = 0; k < sizeof title_h / sizeof title_h[0]; k++)
        if (title_h[k] == h)
            return k < 2 * N_TITLE_F ? LS_GENDER_FEMALE : LS_GENDER_MALE;
    return 0;
}

static int form_cmp(const void *a, const void *b)
{
    const ls_cast_form *x = a, *y = b;
    if (x->tok[0] != y->tok[0])
        return x->tok[0] < y->tok[0] ? -1 : 1;
    if (x->n_tok != y->n_tok)
        return x->n_tok > y->n_tok ? -1 : 1;
    if (x->character != y->character)
        return x->character < y->character ? -1 : 1;
    return 0;
}

longsd_status ls_cast_forms(const ls_character *cast, size_t n_cast, ls_cast_form **forms, size_t *n_forms)
{
    *forms = NULL;
    *n_forms = 0;
    size_t cap = 0;
    for (size_t i = 0; i < n_cast; i++)
        cap += 2 + cast[i].n_aliases;
    ls_cast_form *f = longsd__calloc(cap ? cap : 1, sizeof *f);
    if (!f)
        return LONGSD_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < n_cast; i++) {
        size_t first = n; /* this character's forms start here: dedup among them only */
        const char *src[64];
        size_t ns = 0;
        if (cast[i].name)
            src[ns++] = cast[i].name;
        if (cast[i].full_name)
            src[ns++] = cast[i].full_name;
        for (size_t a = 0; a < cast[i].n_aliases && ns < 64; a++)
            if (cast[i].aliases[a])
                src[ns++] = cast[i].aliases[a];
        for (size_t k = 0; k < ns; k++) {
            ls_cast_form fm = {.character = i, .sex = cast[i].gender};
            fm.n_tok = form_words(src[k], fm.tok);
            if (!fm.n_tok)
                continue;
            int dup = 0;
            for (size_t j = first; j < n && !dup; j++)
                dup = f[j].character == i && f[j].n_tok == fm.n_tok &&
                      memcmp(f[j].tok, fm.tok, fm.n_tok * sizeof fm.tok[0]) == 0;
            if (!dup)
                f[n++] = fm;
        }
    }
    qsort(f, n, sizeof *f, form_cmp);
    *forms = f;
    *n_forms = n;
    return LONGSD_OK;
}

size_t ls_cast_match(const ls_cast_form *forms, size_t n_forms, const uint64_t *h, size_t n, size_t i,
                     size_t *character)
{
    if (i >= n)
        return 0;
    /* forms are sorted by first word: binary search, then longest first */
    size_t lo = 0, hi = n_forms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (forms[mid].tok[0] < h[i])
            lo = mid + 1;
        else
            hi = mid;
    }
    int before = i > 0 ? ls_cast_title_sex(h[i - 1]) : 0;
    for (size_t k = lo; k < n_forms && forms[k].tok[0] == h[i]; k++) {
        const ls_cast_form *f = &forms[k];
        if (i + f->n_tok > n)
            continue;
        if (before && f->sex && f->sex != before)
            continue; /* "madame Bovary" is not M. Bovary */
        size_t t = 1;
        while (t < f->n_tok && h[i + t] == f->tok[t])
            t++;
        if (t == f->n_tok) {
            *character = f->character;
            return f->n_tok;
        }
    }
    return 0;
}
