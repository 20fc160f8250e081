/* cast_rolename.c - a role and a name that are one person. A novel names
 * some people by what they are to the hero ("die Schwester", "the widow")
 * and now and then by name ("Grete"); counted apart they are two people,
 * the name without a description. They are joined only on evidence that
 * ties that name to that role:
 *  - apposition: the role noun right before the name ("die Schwester
 *    Grete", "his sister Grete", "sa soeur Marie") or after it ("Grete,
 *    die Schwester");
 *  - a call answered: the name called in dialogue ("Grete! Grete!")
 *    and the next line of dialogue, within a few sentences, tagged with the
 *    role as its speaker ("»Mutter?« rief die Schwester").
 * The name keeps the mentions of both and takes the role (so its
 * description says what the role says of sex and age); without evidence,
 * or when two names claim one role, they stay apart. One pass over the
 * paragraphs: linear in the text. */
#include <stdlib.h>
#include <string.h>

#include "cast_int.h"
#include "util.h"

#define CALL_REACH 40 /* words after a call where its answer may be tagged */
#define TAG_REACH 3   /* words between a speech verb and the role it tags */

typedef struct {
    size_t start, end;
    uint64_t h;
    unsigned flags;
    int quoted, upper;
    char low[32];
    size_t ll;
} rword;

/* determiners of a role noun: "die Schwester", "his sister", "sa soeur" */
static int det_word(const rword *x)
{
    return (x->flags & (LSLEX_DET | LSLEX_PRONOUN)) != 0;
}

/* Is x the role noun of role-named character r (lower case, "schwester")? */
static int is_role(const ls_character *cast, size_t r, const rword *x)
{
    const char *role = cast[r].role;
    return role && strlen(role) == x->ll && !memcmp(role, x->low, x->ll);
}

/* Does the gap between two words hold nothing but blanks? */
static int tight(const char *d, const rword *a, const rword *b)
{
    for (size_t i = a->end; i < b->start; i++)
        if (d[i] != ' ' && d[i] != '\n' && d[i] != '\r' && d[i] != '\t')
            return 0;
    return 1;
}

/* Is the name at w[k..k+m) called, not spoken of: in dialogue, followed by
 * a comma, "!" or "?" ("Grete!", "Komm, Grete,")? */
static int called(const char *d, size_t len, const rword *w, size_t k, size_t m)
{
    if (!w[k].quoted)
        return 0;
    size_t i = w[k + m - 1].end;
    while (i < len && d[i] == ' ')
        i++;
    return i < len && (d[i] == ',' || d[i] == '!' || d[i] == '?');
}

/* A new line of dialogue opens at w[k]: quoted, after narration or after
 * a closing and an opening quotation mark. */
static int opens_line(const char *d, const rword *w, size_t k)
{
    if (!w[k].quoted)
        return 0;
    if (k == 0 || !w[k - 1].quoted)
        return 1;
    int marks = 0;
    for (size_t i = w[k - 1].end; i < w[k].start; i++) {
        unsigned char c = (unsigned char)d[i];
        marks += c == '"' || c == 0xAB || c == 0xBB || (c == 0xE2 && i + 2 < w[k].start && (unsigned char)d[i + 1] == 0x80 &&
                                                          (unsigned char)d[i + 2] >= 0x98 && (unsigned char)d[i + 2] <= 0x9E);
    }
    return marks >= 2;
}

/* Is c named by its role alone: "Schwester", "the widow", "le capitaine"
 * (not "Widow Douglas", whose role is already her name's)? */
static int role_named(const ls_character *c)
{
    if (!c->role || !c->name || c->narrator)
        return 0;
    const char *last = strrchr(c->name, ' ');
    last = last ? last + 1 : c->name;
    char low[64];
    size_t ll = lslex_lower(last, strlen(last), low, sizeof low, 0);
    if (ll != strlen(c->role) || memcmp(low, c->role, ll))
        return 0;
    return last == c->name || !(c->name[0] >= 'A' && c->name[0] <= 'Z') || strchr(c->name, ' ') == last - 1;
}

/* The role-named character whose speech tag is at w[k] ("rief die
 * Schwester", "the widow said"), or -1. */
static int tagged_role(const ls_character *cast, size_t n_cast, const rword *w, size_t n, size_t k)
{
    for (size_t r = 0; r < n_cast; r++) {
        if (!role_named(&cast[r]) || !is_role(cast, r, &w[k]))
            continue;
        for (size_t j = k > TAG_REACH ? k - TAG_REACH : 0; j < n && j <= k + 2; j++)
            if (j != k && !w[j].quoted && (w[j].flags & LSLEX_SPEECH))
                return (int)r;
    }
    return -1;
}

/* The role-named gone becomes the named keep: names, mentions, role, sex. */
static longsd_status fold_role(ls_character *keep, ls_character *gone)
{
    longsd_status st = ls_character_add_alias(keep, gone->name);
    for (size_t a = 0; !st && a < gone->n_aliases; a++)
        st = ls_character_add_alias(keep, gone->aliases[a]);
    if (st)
        return st;
    keep->mentions += gone->mentions;
    if (!keep->gender)
        keep->gender = gone->gender;
    if (!keep->role) {
        keep->role = gone->role;
        gone->role = NULL;
    }
    longsd__free(gone->name);
    longsd__free(gone->full_name);
    for (size_t a = 0; a < gone->n_aliases; a++)
        longsd__free(gone->aliases[a]);
    longsd__free(gone->aliases);
    longsd__free(gone->description);
    longsd__free(gone->role);
    memset(gone, 0, sizeof *gone);
    return LONGSD_OK;
}

static int by_mentions(const void *a, const void *b)
{
    const ls_character *x = a, *y = b;
    if (x->mentions != y->mentions)
        return x->mentions > y->mentions ? -1 : 1;
    return strcmp(x->name, y->name);
}

longsd_status ls_cast_role_names(const longsd_story *s, lslex_lang_id lang, ls_character *cast, size_t *n_cast)
{
    size_t nc = *n_cast, n = 0, cap = 0;
    ls_cast_form *forms = NULL;
    size_t n_forms = 0;
    rword *w = NULL;
    uint64_t *h = NULL;
    int *ev = NULL; /* [named * nc + role]: evidence they are one */
    longsd_status st = LONGSD_OK;
    int any_role = 0, any_name = 0;
    for (size_t i = 0; i < nc; i++) {
        any_role |= role_named(&cast[i]);
        any_name |= !role_named(&cast[i]) && !cast[i].narrator;
    }
    if (!any_role || !any_name || nc > 256)
        return LONGSD_OK;
    if ((st = ls_cast_forms(cast, nc, &forms, &n_forms)))
        return st;
    if (!(ev = longsd__calloc(nc * nc, sizeof *ev))) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t pi = 0; pi < s->n_paras; pi++) {
        const ls_para *p = &s->paras[pi];
        if (p->is_heading || p->end <= p->start || p->end > s->len)
            continue;
        /* a call may be answered in the next paragraph: keep the words
         * of the one before, drop the older ones */
        size_t prev_start = pi > 0 ? s->paras[pi - 1].start : 0, cut = 0;
        while (cut < n && w[cut].start < prev_start)
            cut++;
        if (cut) {
            memmove(w, w + cut, (n - cut) * sizeof *w);
            memmove(h, h + cut, (n - cut) * sizeof *h);
            n -= cut;
        }
        size_t para_first = n;
        lslex_scan sc;
        lsword lw;
        lslex_scan_init(&sc, s->data + p->start, p->end - p->start);
        while (lslex_next_word(&sc, &lw)) {
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 256;
                rword *nw = longsd__realloc(w, ncap * sizeof *nw);
                if (!nw) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                w = nw;
                uint64_t *nh = longsd__realloc(h, ncap * sizeof *nh);
                if (!nh) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                h = nh;
                cap = ncap;
            }
            rword *x = &w[n];
            x->start = p->start + lw.start;
            x->end = p->start + lw.end;
            x->quoted = lw.quoted;
            x->upper = lw.upper;
            x->ll = lslex_lower(s->data + x->start, x->end - x->start, x->low, sizeof x->low, 1);
            x->flags = lslex_lookup(lang, x->low, x->ll, NULL, NULL);
            h[n] = lslex_word_hash(s->data + x->start, x->end - x->start);
            n++;
        }
        const char *d = s->data;
        for (size_t k = para_first; k < n; k++) {
            size_t ch;
            size_t m = ls_cast_match(forms, n_forms, h, n, k, &ch);
            if (!m)
                continue;
            if (role_named(&cast[ch]) || cast[ch].narrator) {
                k += m - 1;
                continue;
            }
            /* "die Schwester Grete", "his sister Grete" */
            if (k >= 2 && w[k - 1].quoted == w[k].quoted && tight(d, &w[k - 1], &w[k]) && det_word(&w[k - 2]))
                for (size_t r = 0; r < nc; r++)
                    if (r != ch && role_named(&cast[r]) && is_role(cast, r, &w[k - 1]))
                        ev[ch * nc + r] += 2;
            /* "Grete, die Schwester" */
            if (k + m + 1 < n && w[k + m].quoted == w[k].quoted && det_word(&w[k + m]) &&
                memchr(d + w[k + m - 1].end, ',', w[k + m].start - w[k + m - 1].end) &&
                tight(d, &w[k + m], &w[k + m + 1]))
                for (size_t r = 0; r < nc; r++)
                    if (r != ch && role_named(&cast[r]) && is_role(cast, r, &w[k + m + 1]))
                        ev[ch * nc + r] += 2;
            /* "Grete! Grete!" ... "»Mutter?« rief die Schwester" */
            if (called(d, s->len, w, k, m)) {
                int opened = 0;
                for (size_t j = k + m; j < n && j < k + m + CALL_REACH; j++) {
                    if (!opened) {
                        opened = opens_line(d, w, j);
                        continue;
                    }
                    if (w[j].quoted)
                        continue;
                    int r = tagged_role(cast, nc, w, n, j);
                    size_t other;
                    if (r < 0 && ls_cast_match(forms, n_forms, h, n, j, &other) && other != ch)
                        break; /* someone else's line */
                    if (r >= 0) {
                        if ((size_t)r != ch)
                            ev[ch * nc + (size_t)r] += 1;
                        break;
                    }
                }
            }
            k += m - 1;
        }
    }
    /* each role to the one name with the most evidence, when no other
     * name has as much, and the sexes do not disagree */
    for (size_t r = 0; r < nc; r++) {
        if (!role_named(&cast[r]))
            continue;
        size_t best = (size_t)-1;
        int top = 0, tie = 0;
        for (size_t i = 0; i < nc; i++) {
            int e = ev[i * nc + r];
            if (!cast[i].name || role_named(&cast[i]) || e <= 0)
                continue;
            if (e > top)
                top = e, best = i, tie = 0;
            else if (e == top)
                tie = 1;
        }
        if (best == (size_t)-1 || tie)
            continue;
        int rsex = cast[r].gender;
        if (!rsex) {
            /* "the father" is a man whatever the pronouns near him said */
            unsigned f = ls_cast_word_flags(lang, cast[r].role, strlen(cast[r].role));
            rsex = (f & LSLEX_MALE) && !(f & LSLEX_FEMALE)   ? LS_GENDER_MALE
                   : (f & LSLEX_FEMALE) && !(f & LSLEX_MALE) ? LS_GENDER_FEMALE
                                                             : 0;
        }
        if (cast[best].gender && rsex && cast[best].gender != rsex)
            continue;
        if ((st = fold_role(&cast[best], &cast[r])))
            goto out;
    }
    size_t k = 0;
    for (size_t i = 0; i < nc; i++)
        if (cast[i].name)
            cast[k++] = cast[i];
    *n_cast = k;
    if (k < nc)
        qsort(cast, k, sizeof *cast, by_mentions); /* Grete, with the sister's mentions, moves up */
out:
    longsd__free(forms);
    longsd__free(w);
    longsd__free(h);
    longsd__free(ev);
    return st;
}
