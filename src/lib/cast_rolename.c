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
 *    role as its speaker ("»Mutter?« rief die Schwester");
 *  - the family name: a parent or spouse named by kin ("der Vater", "the
 *    mother") and a title with the hero's surname ("Herr Samsa" beside
 *    the hero "Gregor Samsa", "Mrs. Brown" beside "Tom Brown") whose title
 *    says the same sex, when the narration itself uses that titled name
 *    (the hero, called by his first name there, is not the one meant) and
 *    no other kin role or titled name of that sex competes.
 * A name and a name can be one person the same way: a name only ever
 * said in dialogue ("Harry", what friends call a man the narration
 * names by his title) whose calls are answered, again and again, by
 * one narration-named character ("“..., Harry.” / “...,” said Lord
 * Henry") is what that character is called: an alias.
 * The name keeps the mentions of both and takes the role (so its
 * description says what the role says of sex and age); without evidence,
 * or when two names claim one role, they stay apart. One pass over the
 * paragraphs: linear in the text (plus a search for the hero's full name
 * where a kin role and a titled name could be one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cast_int.h"
#include "translate.h"
#include "util.h"
#include "wordnet.h"

#define CALL_REACH 40 /* words after a call where its answer may be tagged */
#define TAG_REACH 3   /* words between a speech verb and the role it tags */

typedef lslex_tword rword; /* a paragraph's words */

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
 * a comma, "!" or "?" ("Grete!", "Komm, Grete,"), or closing a sentence
 * behind a comma ("You are late, Harry.")? */
static int called(const char *d, size_t len, const rword *w, size_t k, size_t m)
{
    if (!w[k].quoted)
        return 0;
    size_t i = w[k + m - 1].end;
    while (i < len && d[i] == ' ')
        i++;
    if (i < len && (d[i] == ',' || d[i] == '!' || d[i] == '?'))
        return 1;
    if (i >= len || d[i] != '.')
        return 0;
    size_t b = w[k].start;
    while (b > 0 && (d[b - 1] == ' ' || d[b - 1] == '\n'))
        b--;
    return b > 0 && d[b - 1] == ',';
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

/* Is the role (in the book's language) a parent or a spouse, kin who
 * bear the family's surname? Its sex in *sex. */
static int family_kin(lslex_lang_id lang, const char *role, int *sex)
{
    static const char *const male[] = {"father", "papa", "pa", "dad", "daddy", "husband"};
    static const char *const female[] = {"mother", "mama", "mamma", "mum", "mom", "mummy", "wife"};
    char e[32];
    if (lang == LSLEX_EN)
        snprintf(e, sizeof e, "%s", role);
    else
        ls_translate_word(lang, role, strlen(role), lang == LSLEX_DE, e, sizeof e, NULL);
    *sex = 0;
    for (size_t i = 0; i < sizeof male / sizeof male[0] && !*sex; i++)
        if (!strcmp(e, male[i]))
            *sex = LS_GENDER_MALE;
    for (size_t i = 0; i < sizeof female / sizeof female[0] && !*sex; i++)
        if (!strcmp(e, female[i]))
            *sex = LS_GENDER_FEMALE;
    return *sex != 0;
}

/* The sex the title of a two-word name says ("Herr Samsa", "Mrs.
 * Brown"), 0 for none; *surname points at the second word. */
static int titled_sex(lslex_lang_id lang, const char *name, const char **surname)
{
    const char *sp = strchr(name, ' ');
    if (!sp || strchr(sp + 1, ' ') || !sp[1])
        return 0;
    size_t tl = (size_t)(sp - name);
    if (tl && name[tl - 1] == '.')
        tl--;
    unsigned f = ls_cast_word_flags(lang, name, tl);
    if (!(f & LSLEX_TITLE))
        return 0;
    *surname = sp + 1;
    return (f & LSLEX_MALE) && !(f & LSLEX_FEMALE)   ? LS_GENDER_MALE
           : (f & LSLEX_FEMALE) && !(f & LSLEX_MALE) ? LS_GENDER_FEMALE
                                                     : 0;
}

static int word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Is sur the family name of hero: his full name ends in it, or the text
 * writes his name with it ("Gregor Samsa", even once)? */
static int hero_surname(const longsd_story *s, const ls_character *hero, const char *sur)
{
    size_t fl = strlen(hero->full_name), sl = strlen(sur);
    if (fl > sl + 1 && hero->full_name[fl - sl - 1] == ' ' && !strcmp(hero->full_name + fl - sl, sur))
        return 1;
    char both[128];
    int bl = snprintf(both, sizeof both, "%s %s", hero->name, sur);
    if (bl <= 0 || (size_t)bl >= sizeof both)
        return 0;
    for (const char *p = s->data, *end = s->data + s->len; p && p < end;) {
        p = memmem(p, (size_t)(end - p), both, (size_t)bl);
        if (!p)
            break;
        size_t at = (size_t)(p - s->data);
        int left = at == 0 || !word_byte((unsigned char)s->data[at - 1]);
        int right = at + (size_t)bl >= s->len || !word_byte((unsigned char)s->data[at + (size_t)bl]);
        if (left && right)
            return 1;
        p++;
    }
    return 0;
}

#define FAMILY_NARRATED 2 /* narrated uses of the titled name */
/* Evidence that a kin role and a titled name with the hero's surname are
 * one person; narr[i] is how often cast[i] is named outside quotes. */
static void family_evidence(const longsd_story *s, lslex_lang_id lang, const ls_character *cast, size_t nc,
                            const size_t *narr, int *ev)
{
    const ls_character *hero = NULL;
    for (size_t i = 0; i < nc && !hero; i++)
        if (cast[i].name && !role_named(&cast[i]) && !strchr(cast[i].name, ' '))
            hero = &cast[i]; /* the most mentioned named by a name of his own */
    if (!hero)
        return;
    for (int sex = LS_GENDER_MALE; sex <= LS_GENDER_FEMALE; sex++) {
        size_t titled = (size_t)-1, kin = (size_t)-1;
        int n_titled = 0, n_kin = 0, ks;
        for (size_t i = 0; i < nc; i++)
            if (cast[i].name && role_named(&cast[i]) && family_kin(lang, cast[i].role, &ks) && ks == sex)
                kin = i, n_kin++;
        if (n_kin != 1)
            continue; /* the text is searched for the hero's surname only when it can matter */
        for (size_t i = 0; i < nc; i++) {
            const char *sur = NULL;
            if (cast[i].name && &cast[i] != hero && !role_named(&cast[i]) &&
                titled_sex(lang, cast[i].name, &sur) == sex && hero_surname(s, hero, sur))
                titled = i, n_titled++;
        }
        if (n_kin == 1 && n_titled == 1 && narr[titled] >= FAMILY_NARRATED &&
            (!cast[kin].gender || cast[kin].gender == sex) &&
            (!cast[titled].gender || cast[titled].gender == sex))
            ev[titled * nc + kin] += 3;
    }
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

/* The speaker a paragraph's narration tags: the first named character
 * outside quotes with a speech verb next to it ("said Lord Henry",
 * "Basil answered"), CALL_I for "I said" / "sagte ich" / "dis-je", -1 for
 * none. */
#define CALL_I (-2)
static int para_speaker(const ls_cast_form *forms, size_t n_forms, const rword *w, const uint64_t *h, size_t from,
                        size_t n)
{
    for (size_t k = from; k < n; k++) {
        if (w[k].quoted)
            continue;
        size_t ch, m = ls_cast_match(forms, n_forms, h, n, k, &ch);
        int first_person = !m && w[k].ll <= 3 && (w[k].flags & LSLEX_PRONOUN) &&
                           (!strcmp(w[k].low, "i") || !strcmp(w[k].low, "ich") || !strcmp(w[k].low, "je"));
        if (!m && !first_person)
            continue;
        size_t last = k + (m ? m : 1) - 1;
        for (size_t j = k > TAG_REACH ? k - TAG_REACH : 0; j < n && j <= last + 2; j++)
            if ((j < k || j > last) && !w[j].quoted && (w[j].flags & LSLEX_SPEECH))
                return first_person ? CALL_I : (int)ch;
        k = last;
    }
    return -1;
}

/* Is the one-word name a form of address anyone may be called by
 * ("Sire", "Madam", "Boss", "Monsieur"): a title, or a word whose
 * commonest sense is a person noun? Such a word is no one's alias. */
static int address_word(lslex_lang_id lang, const char *name)
{
    size_t n = strlen(name);
    if (ls_cast_word_flags(lang, name, n) & LSLEX_TITLE)
        return 1;
    char e[48];
    if (lang == LSLEX_EN)
        lslex_lower(name, n, e, sizeof e, 0);
    else
        ls_translate_word(lang, name, n, 1, e, sizeof e, NULL);
    lswn_info wi;
    return e[0] && lswn_lookup(e, &wi) && wi.noun && wi.noun_lex[0] == LSWN_N_PERSON;
}

#define CALL_MIN 3 /* answers that make a called name an alias */
/* Called names answered by one narration-named character become theirs:
 * ans[a * nc + b] is how often a call of a was answered by a line tagged
 * with b, tagged[a] how many of its calls had a tagged answer at all. */
static longsd_status fold_called_names(lslex_lang_id lang, ls_character *cast, size_t nc, const size_t *narr,
                                       const int *ans, const int *tagged)
{
    longsd_status st = LONGSD_OK;
    for (size_t a = 0; a < nc && !st; a++) {
        if (!cast[a].name || role_named(&cast[a]) || cast[a].narrator || tagged[a] < CALL_MIN)
            continue;
        if (strchr(cast[a].name, ' ') || address_word(lang, cast[a].name))
            continue; /* "Mr. Gray" is a name of his own; "Sire" anyone's */
        if (narr[a] * 5 > cast[a].mentions)
            continue; /* the narration names them too: a person of their own */
        size_t best = (size_t)-1;
        for (size_t b = 0; b < nc; b++)
            if (b != a && cast[b].name && ans[a * nc + b] > 0 &&
                (best == (size_t)-1 || ans[a * nc + b] > ans[a * nc + best]))
                best = b;
        if (best == (size_t)-1 || ans[a * nc + best] < CALL_MIN || ans[a * nc + best] * 2 <= tagged[a] ||
            ans[a * nc + best] <= 2 * ans[a * nc + a])
            continue;
        ls_character *b = &cast[best];
        if (role_named(b) || b->narrator || narr[best] <= narr[a])
            continue;
        if (cast[a].gender && b->gender && cast[a].gender != b->gender)
            continue;
        st = fold_role(b, &cast[a]);
    }
    return st;
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
    size_t *narr = NULL; /* times each is named outside quotes */
    int *ans = NULL, *tagged = NULL; /* calls answered: [caller * nc + answerer], [caller] */
    size_t prev_calls[8], n_prev = 0, cur_calls[8], n_cur = 0;
    longsd_status st = LONGSD_OK;
    int any_name = 0; /* a name to join a role or another name to */
    for (size_t i = 0; i < nc; i++)
        any_name |= !role_named(&cast[i]) && !cast[i].narrator;
    if (!any_name || nc > 256)
        return LONGSD_OK;
    if ((st = ls_cast_forms(cast, nc, &forms, &n_forms)))
        return st;
    if (!(ev = longsd__calloc(nc * nc, sizeof *ev)) || !(narr = longsd__calloc(nc, sizeof *narr)) ||
        !(ans = longsd__calloc(nc * nc, sizeof *ans)) || !(tagged = longsd__calloc(nc, sizeof *tagged))) {
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
        if (!lslex_words_append(s->data, p->start, p->end, lang, &w, &h, &n, &cap, 256)) {
            st = LONGSD_ERR_NOMEM;
            goto out;
        }
        const char *d = s->data;
        for (size_t k = para_first; k < n; k++) {
            size_t ch;
            size_t m = ls_cast_match(forms, n_forms, h, n, k, &ch);
            if (!m)
                continue;
            narr[ch] += !w[k].quoted;
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
                int seen = 0;
                for (size_t c2 = 0; c2 < n_cur; c2++)
                    seen |= cur_calls[c2] == ch;
                if (!seen && n_cur < sizeof cur_calls / sizeof cur_calls[0])
                    cur_calls[n_cur++] = ch;
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
        /* the calls of the paragraph before, answered by this one's
         * speaker when it speaks */
        int quoted = 0;
        for (size_t k = para_first; k < n && !quoted; k++)
            quoted = w[k].quoted;
        if (quoted && n_prev) {
            int spk = para_speaker(forms, n_forms, w, h, para_first, n);
            for (size_t c2 = 0; c2 < n_prev && spk != -1; c2++) {
                tagged[prev_calls[c2]]++;
                if (spk >= 0)
                    ans[prev_calls[c2] * nc + (size_t)spk]++;
            }
        }
        memcpy(prev_calls, cur_calls, n_cur * sizeof *cur_calls);
        n_prev = n_cur;
        n_cur = 0;
    }
    family_evidence(s, lang, cast, nc, narr, ev);
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
        /* a first name names the person better than the role; a title
         * and surname the book says less often than the role does not */
        const char *sur;
        int role_keeps = titled_sex(lang, cast[best].name, &sur) && cast[r].mentions > cast[best].mentions;
        if (role_keeps) {
            char *fn = longsd__strdup(cast[best].name);
            if (!fn) {
                st = LONGSD_ERR_NOMEM;
                goto out;
            }
            longsd__free(cast[r].full_name);
            cast[r].full_name = fn;
        }
        if ((st = role_keeps ? fold_role(&cast[r], &cast[best]) : fold_role(&cast[best], &cast[r])))
            goto out;
    }
    if ((st = fold_called_names(lang, cast, nc, narr, ans, tagged)))
        goto out;
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
    longsd__free(narr);
    longsd__free(ans);
    longsd__free(tagged);
    return st;
}
