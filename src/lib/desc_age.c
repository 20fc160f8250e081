/* desc_age.c - how old each character is, and (when the pronouns did not
 * say) which sex, from what the book calls them. No single word decides:
 * each sentence adds weak evidence for the one character it names, and a
 * character is a child only when that evidence clearly outweighs the
 * evidence that they are grown up. Evidence, strongest first:
 *  - what the narration calls them just after naming them: apposition
 *    ("Ben Rogers hove in sight -- the very boy", "Tom, a little boy"),
 *    a copula ("Nat was a tall man"), the next sentence's subject ("Tom
 *    sat down. The boy ..."), "the boys" after several are named;
 *  - a stated age ("Becky was twelve years old", "a girl of seventeen",
 *    "elle avait quinze ans"; not "depuis quinze ans", a time);
 *  - the word before the name ("little Jim", "old Nat", "young Bushrod"),
 *    and a person noun after an article ("the boy Tom", "das Mädchen
 *    Grete"), wherever they are named;
 *  - a fronted "being a poor boy ..., Tom" or "As a boy, Tom";
 *  - "Tom and the other boys"; for a first-person narrator "we boys",
 *    "us children", and being addressed as "boys" ("Run, boys!");
 *  - a sentence that names only them and calls someone "a boy" ("from a
 *    poor poverty-stricken boy, Tom was rolling in wealth");
 *  - relations: their aunt, mother, school (half weight, and only to back
 *    up a direct word: grown sons live with their parents too), against
 *    their wife, husband, children;
 *  - a diminutive name (German -chen, -lein, Low German -ken);
 *  - last, the company they keep: "Tom and Joe" share an age more often
 *    than not, "me and Tom" for the narrator.
 * An honorific, in the name ("Mrs. Harper", "M. Homais", "Herr Samsa") or
 * before a fair share of its mentions in the text ("Mr. Arronax"), says
 * the sex and makes a grown-up, never a child ("Miss", "Mlle", "Fräulein"
 * a young woman); "old" before the name an old one. French "garçon" is
 * no evidence: "ce brave garçon" is as often a grown fellow. One pass:
 * linear in the text. */
#include <pthread.h>
#include <string.h>

#include "desc.h"
#include "dict.h"
#include "lexicon.h"
#include "util.h"
#include "wordset.h"

/* Word lists per language (en, de with Low German, fr), space separated:
 * the same spelling means different things across them ("kind", "son",
 * "ma", "de", "en"), so a word is looked up only in its book's language. */
typedef const char *const wlist[3];
static wlist OLD = {"old elderly aged", "alt alte alter alten olle oll ole", "vieux vieille vieil"};
static wlist YOUNG = {"young", "jung junge junger jungen", "jeune"};
/* before "old", what makes it a word of affection, not of age: "my old
 * Jim", "good old Jim", "poor old Tom", "mein alter Hans", "mon vieux Jacques" */
static wlist ENDEAR = {"my our your good poor dear", "mein meine meinen unser unsere guter gute lieber liebe armer arme",
                       "mon ma notre pauvre cher ch\xC3\xA8re bon brave"};
static wlist LITTLE = {"little small wee", "klein kleine kleiner kleinen l\xC3\xBCtt l\xC3\xBCtte", "petit petite"};
/* what the text calls a person, by age and sex: "the boy" */
/* (French "garçon" is as often a grown "fellow", "ce brave garçon", as a boy) */
static wlist CHILD_M = {"boy lad", "junge knabe bub bube", "gamin gar\xC3\xA7onnet"};
static wlist CHILD_F = {"girl lass", "m\xC3\244dchen deern", "fillette"};
static wlist CHILD_N = {"child kid youngster", "kind", "enfant"};
static wlist ADULT_M = {"man gentleman", "mann herr", "homme monsieur"};
static wlist ADULT_F = {"woman lady", "frau dame fru", "femme dame"};
static wlist THE = {"the", "der die das de dat", "le la les l"};
static wlist A = {"a an", "ein eine einen einem en", "un une"};
static wlist COPULA = {"was is", "war ist is w\xC3\xB6\xC3\xB6r", "\xC3\xA9tait est"};
/* the same in the plural, said of the several just named: "the boys" */
static wlist CHILD_PL = {"boys girls lads children kids", "jungen knaben kinder kinner m\xC3\244dchen",
                         "gar\xC3\xA7ons enfants"};
static wlist ADULT_PL = {"men women gentlemen ladies", "m\xC3\xA4nner frauen herren", "hommes femmes messieurs"};
static wlist OBJ = {"him them", "ihn ihm", "lui"};
static wlist POSS_M = {"his", "sein seine seinen seiner seinem sien siene", ""};
static wlist POSS_F = {"her", "ihr ihre ihren ihrer ihrem", ""};
static wlist WE = {"we us", "wir uns wi", "nous"};
static wlist OTHER = {"other", "anderen andern", "autres"};
static wlist POSS = {"his her", "sein seine seinen seiner seinem ihr ihre ihren ihrer ihrem sien siene", "son sa ses"};
/* relations a child is spoken of with ... */
static wlist KIN_OF_CHILD = {"aunt mother mamma mama ma mammy mom father pap parents",
                             "tante mutter vater eltern mama moder vader", "m\xC3\xA8re maman p\xC3\xA8re tante parents"};
/* (not French "classe": a class of animals as often as of pupils) */
static wlist SCHOOL = {"school schoolhouse schoolroom lessons schoolmates sunday-school", "schule",
                       "\xC3\251cole coll\xC3\xA8ge"};
/* ... and the relations of a grown-up */
static wlist KIN_OF_ADULT = {"wife husband son sons daughter daughters grandchildren",
                             "frau mann kinder sohn s\xC3\xB6hne tochter t\xC3\266chter", "femme mari fils enfants"};
static wlist YEARS = {"years year", "jahre jahr jahren", "ans"};
static wlist OF = {"of", "von", "de"};
static wlist BEING = {"being as", "als", "\xC3\xA9tant"};
static const char *const NUMBER[] = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                     "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                                     "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
                                     "sixty", "seventy", "eighty"};
static const int NUMBER_V[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 30, 40, 50,
                               60, 70, 80};
/* the same in German and French (compounds such as "dix-sept" are read in parts) */
static const char *const NUMBER_DE[] = {"zehn", "elf", "zw\xC3\xB6lf", "dreizehn", "vierzehn", "f\xC3\xBCnfzehn",
                                        "sechzehn", "siebzehn", "achtzehn", "neunzehn", "zwanzig", "drei\xC3\x9Fig",
                                        "vierzig", "f\xC3\xBCnfzig", "sechzig", "siebzig", "achtzig"};
static const int NUMBER_DE_V[] = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 30, 40, 50, 60, 70, 80};
static const char *const NUMBER_FR[] = {"dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
                                        "dix-sept", "dix-huit", "dix-neuf", "vingt", "trente", "quarante",
                                        "cinquante", "soixante", "soixante-dix", "quatre-vingts", "quatre-vingt"};
static const int NUMBER_FR_V[] = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 30, 40, 50, 60, 70, 80, 80};
/* role nouns that say the sex (en, de with Low German, fr): "the widow",
 * "de Moder", "la reine" */
static const char *const ROLE_F =
    "mother widow queen wife woman girl daughter sister aunt princess lady witch nurse maid "
    "mutter moder m\xC3\266der witwe k\xC3\xB6nigin k\xC3\xBCnigin frau fru m\xC3\244dchen m\xC3\xA4ken "
    "tochter dochter schwester s\xC3\xBCster tante prinzessin hexe magd "
    "m\xC3\xA8re veuve reine femme fille s\xC5\x93ur tante princesse dame sorci\xC3\xA8re servante";
static const char *const ROLE_M =
    "father widower king husband man boy son brother uncle prince "
    "vater vader witwer k\xC3\xB6nig k\xC3\xBCnig mann junge knabe sohn bruder broer onkel prinz "
    "p\xC3\xA8re veuf roi mari homme gar\xC3\xA7on fils fr\xC3\xA8re oncle prince";

static int in_words(const char *low, size_t n, const char *words);

/* The sex a role noun says, 0 if none: the lists, or a German feminine
 * "-in" of a person noun ("Bäurin", "Müllerin", "Königin"). */
static int role_sex(const ls_character *c, lslex_lang_id lang)
{
    /* German names its people by nouns too: "de Bäurin" */
    const char *r = c->role && c->role[0] ? c->role : lang == LSLEX_DE && c->name && !strchr(c->name, ' ') ? c->name : NULL;
    if (!r)
        return 0;
    char low[48];
    size_t n = lslex_lower(r, strlen(r), low, sizeof low, 1);
    if (in_words(low, n, ROLE_F))
        return LS_GENDER_FEMALE;
    if (in_words(low, n, ROLE_M))
        return LS_GENDER_MALE;
    if (lang == LSLEX_DE && n > 5 && !memcmp(low + n - 2, "in", 2) && (r == c->role || ls_dict_de_noun(r, strlen(r)) ||
                                                                       ls_dict_de_noun(r, strlen(r) - 2)))
        return LS_GENDER_FEMALE;
    /* French: the article of a person named by the role says it ("la
     * baronne", "le comte"); "l'" says nothing */
    if (lang == LSLEX_FR && r == c->role && c->name && !strncmp(c->name, "la ", 3))
        return LS_GENDER_FEMALE;
    if (lang == LSLEX_FR && r == c->role && c->name && !strncmp(c->name, "le ", 3))
        return LS_GENDER_MALE;
    return 0;
}

/* honorifics: a grown-up, of that sex where the title says it; Miss and
 * its kin a young woman. An honorific is said of adults only: whoever
 * bears one is never drawn as a boy or a girl. */
static const char *const HON_ADULT[] = {"judge", "doctor", "dr", "captain", "colonel", "kapit\xC3\xA4n", "doktor",
                                        "capitaine", "docteur", "ma\xC3\xAEtre", "professor", "professeur"};
static const char *const HON_MALE[] = {"mr", "mister", "sir", "lord", "uncle", "herr", "onkel", "monsieur", "oncle"};
static const char *const HON_FEMALE[] = {"mrs", "aunt", "widow", "lady", "madam", "frau", "tante", "witwe",
                                         "madame", "mme", "veuve"};
static const char *const HON_YOUNG_F[] = {"miss", "fr\xC3\xA4ulein", "mademoiselle", "mlle"};

/* each list is a category bit of the words' table */
enum {
    B_OLD = 1u << 0,
    B_YOUNG = 1u << 1,
    B_LITTLE = 1u << 2,
    B_CHILD_M = 1u << 3,
    B_CHILD_F = 1u << 4,
    B_CHILD_N = 1u << 5,
    B_ADULT_M = 1u << 6,
    B_ADULT_F = 1u << 7,
    B_THE = 1u << 8,
    B_A = 1u << 9,
    B_COPULA = 1u << 10,
    B_CHILD_PL = 1u << 11,
    B_ADULT_PL = 1u << 12,
    B_OBJ = 1u << 13,
    B_POSS_M = 1u << 14,
    B_POSS_F = 1u << 15,
    B_WE = 1u << 16,
    B_OTHER = 1u << 17,
    B_POSS = 1u << 18,
    B_KIN_OF_CHILD = 1u << 19,
    B_SCHOOL = 1u << 20,
    B_KIN_OF_ADULT = 1u << 21,
    B_YEARS = 1u << 22,
    B_OF = 1u << 23,
    B_BEING = 1u << 24,
    B_ENDEAR = 1u << 25,
};

/* The lists as one table per language, filled once: a word's categories
 * are looked up once per word, not scanned list by list. */
static const struct {
    const char *const *list;
    unsigned bit;
} CATS[] = {
    {OLD, B_OLD},
    {YOUNG, B_YOUNG},
    {LITTLE, B_LITTLE},
    {CHILD_M, B_CHILD_M},
    {CHILD_F, B_CHILD_F},
    {CHILD_N, B_CHILD_N},
    {ADULT_M, B_ADULT_M},
    {ADULT_F, B_ADULT_F},
    {THE, B_THE},
    {A, B_A},
    {COPULA, B_COPULA},
    {CHILD_PL, B_CHILD_PL},
    {ADULT_PL, B_ADULT_PL},
    {OBJ, B_OBJ},
    {POSS_M, B_POSS_M},
    {POSS_F, B_POSS_F},
    {WE, B_WE},
    {OTHER, B_OTHER},
    {POSS, B_POSS},
    {KIN_OF_CHILD, B_KIN_OF_CHILD},
    {SCHOOL, B_SCHOOL},
    {KIN_OF_ADULT, B_KIN_OF_ADULT},
    {YEARS, B_YEARS},
    {OF, B_OF},
    {BEING, B_BEING},
    {ENDEAR, B_ENDEAR},
};
static ls_wordset g_sets[3];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void fill_sets(void)
{
    for (int li = 0; li < 3; li++)
        for (size_t i = 0; i < sizeof CATS / sizeof CATS[0]; i++)
            (void)ls_wordset_add(&g_sets[li], CATS[i].list[li], CATS[i].bit); /* constant lists fit */
}

#define N_OF(a) (sizeof a / sizeof a[0])
#define IS(x, list) (((x)->cats & B_##list) != 0)

/* Is low[0..n) one of the space-separated words? */
static int in_words(const char *low, size_t n, const char *words)
{
    for (const char *p = words; *p;) {
        const char *e = strchr(p, ' ');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && !memcmp(p, low, n))
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static int in_list(const char *low, size_t n, const char *const *list, size_t nl)
{
    for (size_t i = 0; i < nl; i++)
        if (strlen(list[i]) == n && !memcmp(list[i], low, n))
            return 1;
    return 0;
}

typedef struct {
    size_t start, end;
    unsigned flags;
    int quoted, upper;
    unsigned cats; /* B_* of the word in the book's language */
    char low[32];
    size_t ll;
} aword;

typedef struct {
    int old, young, child, adult, male, female;
    int old_near;  /* "the old man" said next: weaker than "old Nat" */
    int half;      /* aunt, mother, school: two make one point of childhood */
    int stated;    /* a stated age in years, 0 none */
    int hon_adult, hon_young_f, hon_male, hon_female; /* an honorific right before the name in the text */
} aev;

/* Is x a person noun? Sets the counts it stands for. */
static int noun_kind(const aword *x, int *cm, int *cf, int *cn, int *am, int *af)
{
    *cm = IS(x, CHILD_M);
    *cf = IS(x, CHILD_F);
    *cn = IS(x, CHILD_N);
    *am = IS(x, ADULT_M);
    *af = IS(x, ADULT_F);
    return *cm | *cf | *cn | *am | *af;
}

/* "the boy", "a poor poverty-stricken boy", "the old man" at w[k] (an
 * article, up to two adjectives, a person noun): adds weight to ev;
 * returns 1 if found. */
static int person_word(const aword *w, size_t n, size_t k, aev *ev, int weight)
{
    if (k >= n || w[k].quoted || !(IS(&w[k], THE) || IS(&w[k], A)))
        return 0;
    k++;
    int old = 0;
    if (k < n && IS(&w[k], OLD))
        old = 1, k++;
    int cm = 0, cf = 0, cn = 0, am = 0, af = 0;
    for (size_t skip = 0; k < n && skip < 3; skip++, k++) {
        const aword *x = &w[k];
        if (x->quoted || (x->upper && skip))
            return 0;
        if (noun_kind(x, &cm, &cf, &cn, &am, &af))
            break;
        if (x->flags & (LSLEX_PREP | LSLEX_CONJ | LSLEX_DET | LSLEX_PRONOUN | LSLEX_SPEECH))
            return 0; /* "the (very) boy" only: not "the house of the boy" */
    }
    if (!(cm | cf | cn | am | af))
        return 0;
    ev->old_near += old * weight;
    ev->child += (cm | cf | cn) * weight;
    ev->adult += ((am | af) && !old) * weight;
    ev->male += (cm | am) * weight;
    ev->female += (cf | af) * weight;
    return 1;
}

/* "The boys" at w[k], said of the several characters named just before. */
static void people_word(const aword *w, size_t n, size_t k, aev *ev, const size_t *who, size_t n_who)
{
    if (k + 1 >= n || !IS(&w[k], THE) || w[k + 1].quoted)
        return;
    int child = IS(&w[k + 1], CHILD_PL), adult = IS(&w[k + 1], ADULT_PL);
    for (size_t i = 0; i < n_who; i++) {
        ev[who[i]].child += child;
        ev[who[i]].adult += adult;
    }
}

/* "Tom's", "Tom’s" */
static int possessive(const aword *x)
{
    size_t n = x->ll;
    return (n > 2 && x->low[n - 1] == 's' && x->low[n - 2] == '\'') ||
           (n > 4 && x->low[n - 1] == 's' && !memcmp(x->low + n - 4, "\xE2\x80\x99", 3));
}

/* "avait", "âgé de", "a" (not "il y a"): French says an age with these
 * before the number. */
static int fr_age_verb(const aword *w, size_t k)
{
    static const char *const V[] = {"avait", "aura", "aurait", "avoir", "\xC3\xA2g\xC3\xA9", "\xC3\xA2g\xC3\xA9" "e"};
    if (in_list(w[k].low, w[k].ll, V, N_OF(V)))
        return 1;
    if (w[k].ll == 1 && w[k].low[0] == 'a')
        return !(k > 0 && w[k - 1].ll == 1 && w[k - 1].low[0] == 'y');
    /* "âgé de douze ans", "une fille de douze ans" */
    return w[k].ll == 2 && !memcmp(w[k].low, "de", 2) && k > 0 &&
           (in_list(w[k - 1].low, w[k - 1].ll, V, N_OF(V)) || (w[k - 1].cats & (B_CHILD_M | B_CHILD_F | B_CHILD_N | B_ADULT_M | B_ADULT_F)));
}

/* A number word or digits at w[k]: its value, 0 if none. */
static int number_at(const aword *w, size_t k)
{
    for (size_t i = 0; i < N_OF(NUMBER); i++)
        if (strlen(NUMBER[i]) == w[k].ll && !memcmp(NUMBER[i], w[k].low, w[k].ll))
            return NUMBER_V[i];
    for (size_t i = 0; i < N_OF(NUMBER_DE); i++)
        if (strlen(NUMBER_DE[i]) == w[k].ll && !memcmp(NUMBER_DE[i], w[k].low, w[k].ll))
            return NUMBER_DE_V[i];
    for (size_t i = 0; i < N_OF(NUMBER_FR); i++)
        if (strlen(NUMBER_FR[i]) == w[k].ll && !memcmp(NUMBER_FR[i], w[k].low, w[k].ll))
            return NUMBER_FR_V[i];
    int v = 0;
    for (size_t i = 0; i < w[k].ll && i < 3; i++) {
        if (w[k].low[i] < '0' || w[k].low[i] > '9')
            return 0;
        v = v * 10 + (w[k].low[i] - '0');
    }
    return w[k].ll <= 3 ? v : 0;
}

static void honorific_of(const char *name, int *adult, int *young_f, int *sex);

/* The word at w[k] as a title before a name: bits 1 adult, 2 young
 * woman, 4 male, 8 female; 0 when it is none. */
static int title_word(const longsd_story *s, const aword *x)
{
    char name[40];
    size_t n = x->end - x->start;
    if (n + 3 > sizeof name)
        return 0;
    memcpy(name, s->data + x->start, n);
    /* honorific_of() reads "M." only with its stop, and needs a name after it */
    name[n] = x->end < s->len && s->data[x->end] == '.' ? '.' : ' ';
    name[n + 1] = 'x';
    name[n + 2] = '\0';
    int adult = 0, young_f = 0, sex = 0;
    honorific_of(name, &adult, &young_f, &sex);
    return (adult ? 1 : 0) | (young_f ? 2 : 0) | (sex == LS_GENDER_MALE ? 4 : 0) | (sex == LS_GENDER_FEMALE ? 8 : 0);
}

/* The honorific a name opens with ("Mrs. Harper", "M. Homais", "Herr
 * Samsa"), looked up in its own right: *adult set for any, *young_f for
 * Miss and its kin, *sex where it says one. French "M." is a title only
 * with its full stop (a bare "M" is an initial). */
static void honorific_of(const char *name, int *adult, int *young_f, int *sex)
{
    char low[32];
    size_t n = strcspn(name, " .");
    size_t ll = lslex_lower(name, n, low, sizeof low, 1);
    if (!ll || !name[n])
        return; /* the title alone ("Herr") is no name */
    if (ll == 1 && low[0] == 'm' && name[n] == '.') {
        *adult = 1, *sex = LS_GENDER_MALE;
        return;
    }
    if (in_list(low, ll, HON_MALE, N_OF(HON_MALE)))
        *adult = 1, *sex = LS_GENDER_MALE;
    else if (in_list(low, ll, HON_FEMALE, N_OF(HON_FEMALE)))
        *adult = 1, *sex = LS_GENDER_FEMALE;
    else if (in_list(low, ll, HON_YOUNG_F, N_OF(HON_YOUNG_F)))
        *young_f = 1, *sex = LS_GENDER_FEMALE;
    else if (in_list(low, ll, HON_ADULT, N_OF(HON_ADULT)))
        *adult = 1;
}

/* Any of the character's names with an honorific: the name, the full
 * name, the aliases ("Mary Jane" is also "Miss Mary Jane"). */
static void honorific(const ls_character *c, int *adult, int *young_f, int *sex)
{
    if (c->name)
        honorific_of(c->name, adult, young_f, sex);
    if (c->full_name && !*sex)
        honorific_of(c->full_name, adult, young_f, sex);
    /* an alias is weaker: "Lady Henry" may be the wife of "Lord Henry",
     * so aliases that disagree say no sex */
    int sexes = 0, a = 0, y = 0;
    for (size_t i = 0; i < c->n_aliases; i++) {
        int x = 0;
        if (c->aliases[i])
            honorific_of(c->aliases[i], &a, &y, &x);
        sexes |= x;
    }
    if (*adult || *young_f)
        return;
    *adult = a;
    *young_f = y && !a;
    if (!*sex && (sexes == LS_GENDER_MALE || sexes == LS_GENDER_FEMALE))
        *sex = sexes;
}

/* The one sex the titles among c's aliases say ("M. Bovary"), 0 if none or both. */
static int alias_sex(const ls_character *c)
{
    int sexes = 0;
    for (size_t i = 0; i < c->n_aliases; i++) {
        int a = 0, y = 0, x = 0;
        if (c->aliases[i])
            honorific_of(c->aliases[i], &a, &y, &x);
        sexes |= x;
    }
    return sexes == LS_GENDER_MALE || sexes == LS_GENDER_FEMALE ? sexes : 0;
}

/* "Marleenken", "Gretchen", "Röslein": a German diminutive, said of
 * children (a single word of 6+ bytes, so not "Ken"). */
static int diminutive(const ls_character *c, lslex_lang_id lang)
{
    if (lang != LSLEX_DE || !c->name || strchr(c->name, ' ') || c->role)
        return 0;
    size_t n = strlen(c->name);
    static const char *const end[] = {"chen", "lein", "ken"};
    for (size_t i = 0; i < N_OF(end); i++) {
        size_t el = strlen(end[i]);
        if (n >= 6 && n > el + 2 && !memcmp(c->name + n - el, end[i], el))
            return 2;
    }
    return 0;
}

#define WITH_ME_MIN 3 /* "X and me" that make X the narrator's age, with ... */
#define GROUP_MIN 2   /* ... paragraphs counting X among "the boys" */
#define OLD_SHARE 40 /* mentions per "old" word, at most, for an old character */

/* Age and sex from the evidence and the honorific, where the cast facts
 * had none. */
static void decide(ls_character *c, const aev *ev, int dimin, lslex_lang_id lang)
{
    /* the text's titles count when they are a fair share of the mentions:
     * "Mr. Arronax" said again and again, not one mock "Mister Tom" */
    int hon = ev->hon_adult + ev->hon_young_f, fair = hon >= 2 && (size_t)hon * 8 >= c->mentions;
    /* "old" must be said of them now and then, not once in a long book:
     * one "old Jim" in 360 mentions is a way of speaking */
    int old_fair = (size_t)(ev->old + ev->old_near) * OLD_SHARE >= c->mentions;
    int adult = fair && ev->hon_adult >= ev->hon_young_f, young_f = fair && !adult, hon_sex = 0;
    honorific(c, &adult, &young_f, &hon_sex);
    if (adult)
        young_f = 0; /* "Mrs." and "Miss" both: the married name wins */
    if (!hon_sex && fair)
        hon_sex = ev->hon_male > 3 * ev->hon_female ? LS_GENDER_MALE
                  : ev->hon_female > 3 * ev->hon_male ? LS_GENDER_FEMALE : 0;
    /* but not against a title among their own names: "madame Bovary" is
     * said of the whole family, and Charles is "M. Bovary" */
    int own = alias_sex(c);
    if (hon_sex && own && own != hon_sex && c->gender == own)
        hon_sex = 0;
    if (hon_sex)
        c->gender = hon_sex; /* a title says the sex more surely than pronouns counted near a name */
    int rs = hon_sex ? 0 : role_sex(c, lang);
    if (rs)
        c->gender = rs; /* "de Moder" is a woman whatever the pronouns near her */
    if (!c->gender) {
        int m = ev->male, f = ev->female;
        c->gender = m >= 2 && m > 2 * f ? LS_GENDER_MALE : f >= 2 && f > 2 * m ? LS_GENDER_FEMALE : 0;
    }
    if (c->age == LS_AGE_CHILD && (adult || young_f))
        c->age = 0; /* a title is never a child's */
    if (c->age)
        return;
    if (adult || young_f) {
        /* grown up: old only on evidence, "Miss" young, else an adult */
        int old = ev->old + ev->old_near;
        c->age = (ev->old >= 1 || ev->old_near >= 2) && old > ev->young && old_fair ? LS_AGE_OLD
                 : ev->stated >= 60                                      ? LS_AGE_OLD
                 : young_f || (ev->stated && ev->stated < 25)             ? LS_AGE_YOUNG
                                                                          : LS_AGE_ADULT;
        return;
    }
    /* a role's noun says what they are: "the master" teaches at the
     * school, "kleine Künige" are petty kings, not children */
    /* kin and school only back up what the text calls them: grown sons
     * live with their parents too */
    int direct = ev->child + dimin;
    int old = ev->old, child = c->role ? 0 : direct + (direct ? ev->half / 2 : 0);
    if (ev->stated) {
        c->age = ev->stated < 16 ? LS_AGE_CHILD : ev->stated < 25 ? LS_AGE_YOUNG : ev->stated < 60 ? LS_AGE_ADULT : LS_AGE_OLD;
    } else if ((old >= 1 || ev->old_near >= 2) && old + ev->old_near > ev->young && old + ev->old_near > child &&
               old_fair)
        c->age = LS_AGE_OLD;
    else if (child >= 2 && child > 2 * ev->adult)
        c->age = LS_AGE_CHILD;
    else if (!c->role && ev->child + dimin >= 1 && !ev->adult && !ev->young && !old && !ev->old_near)
        c->age = LS_AGE_CHILD; /* called a child once, and nothing else said */
    else if (ev->young >= 1 && ev->young > old)
        c->age = LS_AGE_YOUNG;
    else if (ev->adult >= 2 && ev->adult > child)
        c->age = LS_AGE_ADULT;
}

/* The narration's first-person plural named as children: "we boys", "us
 * children"; or the narrator addressed as such: "Run, boys!", "Boys, it
 * won't work". Returns the weight found in the sentence. */
static int narrator_group(const longsd_story *s, const aword *w, size_t n)
{
    int got = 0;
    for (size_t k = 0; k < n; k++) {
        if (!IS(&w[k], CHILD_PL))
            continue;
        if (!w[k].quoted && k > 0 && !w[k - 1].quoted && IS(&w[k - 1], WE))
            got += 2;
        else if (w[k].quoted) {
            /* a vocative: a comma after it, or a comma / quote start before it */
            const char *d = s->data;
            int comma_after = w[k].end < s->len && (d[w[k].end] == ',' || d[w[k].end] == '!');
            int comma_before = k > 0 && w[k - 1].quoted && memchr(d + w[k - 1].end, ',', w[k].start - w[k - 1].end);
            int starts = k == 0 || !w[k - 1].quoted;
            if ((comma_after && (starts || comma_before)) || (comma_before && comma_after))
                got += 1;
            else if (comma_before && k + 1 < n && !w[k + 1].quoted)
                got += 1; /* "Run, boys" then the quote closes */
        }
    }
    return got;
}

static longsd_status grow(aword **w, uint64_t **h, size_t *cap)
{
    size_t ncap = *cap ? *cap * 2 : 64;
    aword *nw = longsd__realloc(*w, ncap * sizeof *nw);
    if (!nw)
        return LONGSD_ERR_NOMEM;
    *w = nw;
    uint64_t *nh = longsd__realloc(*h, ncap * sizeof *nh);
    if (!nh)
        return LONGSD_ERR_NOMEM;
    *h = nh;
    *cap = ncap;
    return LONGSD_OK;
}

longsd_status ls_cast_ages(const longsd_story *s, ls_character *cast, size_t n_cast)
{
    lslex_lang_id lang = lslex_lang(s->lang);
    int li = lang == LSLEX_DE ? 1 : lang == LSLEX_FR ? 2 : 0;
    ls_cast_form *forms = NULL;
    size_t n_forms = 0, cap = 0;
    aev *ev = NULL;
    aword *w = NULL;
    uint64_t *h = NULL;
    size_t last_who = (size_t)-1; /* the one character of the sentence before */
    size_t last[8], n_last = 0;   /* all of them */
    int *pairs = NULL;            /* [a * n_cast + b]: "a and b" in the narration */
    int *with_me = NULL;          /* [a]: "a and me", "me and a", "a and I" */
    int *group = NULL;            /* [a]: paragraphs whose narration names a and says "boys" */
    size_t para_who[16], n_para_who = 0, cur_para = (size_t)-1;
    int para_group = 0;
    size_t narrator = (size_t)-1;
    longsd_status st = LONGSD_OK;
    if (n_cast == 0)
        return LONGSD_OK;
    pthread_once(&g_once, fill_sets);
    for (size_t i = 0; i < n_cast; i++)
        if (cast[i].narrator)
            narrator = i;
    if ((st = ls_cast_forms(cast, n_cast, &forms, &n_forms)))
        return st;
    ev = longsd__calloc(n_cast, sizeof *ev);
    if (n_cast <= 256)
        pairs = longsd__calloc(n_cast * n_cast, sizeof *pairs);
    with_me = longsd__calloc(n_cast, sizeof *with_me);
    group = longsd__calloc(n_cast, sizeof *group);
    if (!ev || (n_cast <= 256 && !pairs) || !with_me || !group) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t si = 0; si < s->n_sentences && !st; si++) {
        const ls_sentence *sn = &s->sentences[si];
        if (sn->para < s->n_paras && s->paras[sn->para].is_heading)
            continue;
        if (sn->end <= sn->start || sn->end > s->len)
            continue;
        lslex_scan sc;
        lsword lw;
        size_t n = 0;
        lslex_scan_init(&sc, s->data + sn->start, sn->end - sn->start);
        while (lslex_next_word(&sc, &lw)) {
            if (n == cap && (st = grow(&w, &h, &cap)))
                goto out;
            aword *x = &w[n];
            x->start = sn->start + lw.start;
            x->end = sn->start + lw.end;
            x->quoted = lw.quoted || sn->in_quotes;
            x->upper = lw.upper;
            x->ll = lslex_lower(s->data + x->start, x->end - x->start, x->low, sizeof x->low, 1);
            x->cats = ls_wordset_get(&g_sets[li], x->low, x->ll);
            x->flags = lslex_lookup(lang, x->low, x->ll, NULL, NULL);
            h[n] = lslex_word_hash(s->data + x->start, x->end - x->start);
            n++;
        }
        if (narrator != (size_t)-1)
            ev[narrator].child += narrator_group(s, w, n);
        for (size_t k = 0; k < n; k++) {
            /* "Mr. Arronax", "Herr Samsa", in dialogue too: what people call them */
            size_t ch, m = ls_cast_match(forms, n_forms, h, n, k, &ch);
            if (!m)
                continue;
            int t = m > 1 ? title_word(s, &w[k]) : 0;
            if (!t && k > 0)
                t = title_word(s, &w[k - 1]);
            ev[ch].hon_adult += (t & 1) != 0;
            ev[ch].hon_young_f += (t & 2) != 0;
            ev[ch].hon_male += (t & 4) != 0;
            ev[ch].hon_female += (t & 8) != 0;
            k += m - 1;
        }
        if (sn->para != cur_para) {
            /* "Jo Harper and Ben Rogers, and two or three more of the
             * boys": a paragraph that names them and says "the boys" */
            for (size_t q = 0; para_group && q < n_para_who; q++)
                group[para_who[q]]++;
            cur_para = sn->para;
            n_para_who = 0;
            para_group = 0;
        }
        if (sn->in_quotes)
            continue; /* what characters say of others is for the narration to confirm */
        for (size_t k = 0; k < n; k++) {
            /* a plural of children in the narration, not the end of a
             * compound ("yaller-boys": gold coins) */
            if (w[k].quoted || !IS(&w[k], CHILD_PL) || (w[k].start > 0 && s->data[w[k].start - 1] == '-'))
                continue;
            para_group = 1;
            break;
        }
        /* the one character of the sentence, and where they are named */
        size_t who = (size_t)-1, at = 0, len = 0;
        size_t here[8] = {0}, n_here = 0;
        int several = 0;
        for (size_t k = 0; k < n; k++) {
            size_t ch;
            size_t m = ls_cast_match(forms, n_forms, h, n, k, &ch);
            if (!m || w[k].quoted)
                continue;
            if (who != (size_t)-1 && who != ch)
                several = 1;
            int seen = 0;
            for (size_t q = 0; q < n_here; q++)
                seen |= here[q] == ch;
            if (!seen && n_here < 8)
                here[n_here++] = ch;
            seen = 0;
            for (size_t q = 0; q < n_para_who; q++)
                seen |= para_who[q] == ch;
            if (!seen && n_para_who < sizeof para_who / sizeof para_who[0])
                para_who[n_para_who++] = ch;
            if (who == (size_t)-1)
                who = ch, at = k, len = m;
            /* "little Jim", "old Nat Parsons", "young Bushrod": the word
             * right before a name is said of that name, however many are named */
            if (k > 0 && !w[k - 1].quoted && (!w[k - 1].upper || k == 1)) {
                int fond = IS(&w[k - 1], OLD) && k > 1 && !w[k - 2].quoted && IS(&w[k - 2], ENDEAR);
                ev[ch].old += IS(&w[k - 1], OLD) && !fond;
                ev[ch].adult += fond; /* "poor old Jim": no child, though no old man either */
                ev[ch].young += IS(&w[k - 1], YOUNG);
                ev[ch].child += IS(&w[k - 1], LITTLE);
            }
            /* "the boy Tom", "das Mädchen Grete", "le jeune homme Léon": a
             * person noun right before the name, after an article */
            if (k > 1 && !w[k - 1].quoted && !w[k - 2].quoted && IS(&w[k - 2], THE) &&
                (lang == LSLEX_DE || !w[k - 1].upper)) {
                int cm, cf, cn, am, af;
                if (noun_kind(&w[k - 1], &cm, &cf, &cn, &am, &af)) {
                    ev[ch].child += 2 * (cm | cf | cn);
                    ev[ch].adult += 2 * (am | af);
                }
            }
            /* "Tom's aunt", "Becky's mother", "Muff's wife" */
            const aword *lastw = &w[k + m - 1];
            if (k + m < n && !w[k + m].quoted && possessive(lastw)) {
                ev[ch].half += IS(&w[k + m], KIN_OF_CHILD);
                ev[ch].adult += IS(&w[k + m], KIN_OF_ADULT) && !IS(&w[k + m], KIN_OF_CHILD);
            }
            /* "Tom and the other boys" */
            for (size_t j = k + m; j + 1 < n && j < k + m + 3 && !w[j].quoted; j++)
                if (IS(&w[j], OTHER) && !w[j + 1].quoted) {
                    ev[ch].child += 2 * IS(&w[j + 1], CHILD_PL);
                    ev[ch].adult += 2 * IS(&w[j + 1], ADULT_PL);
                    break;
                }
            k += m - 1;
        }
        for (size_t k = 0; pairs && k + 2 < n; k++) {
            /* "Tom and Joe", "me and Tom", "Tom and I": playmates share an age */
            if (w[k].quoted)
                continue;
            size_t a = (size_t)-1, b = (size_t)-1;
            size_t m = ls_cast_match(forms, n_forms, h, n, k, &a);
            if (!m && w[k].ll == 2 && !memcmp(w[k].low, "me", 2))
                m = 1, a = narrator;
            if (!m || a == (size_t)-1 || k + m + 1 >= n || w[k + m].ll != 3 ||
                (memcmp(w[k + m].low, "and", 3) && memcmp(w[k + m].low, "und", 3)))
                continue;
            const aword *y = &w[k + m + 1];
            if (!ls_cast_match(forms, n_forms, h, n, k + m + 1, &b) &&
                ((y->ll == 2 && !memcmp(y->low, "me", 2)) || (y->ll == 1 && y->low[0] == 'i')))
                b = narrator;
            if (b != (size_t)-1 && a != b && (a == narrator || b == narrator))
                with_me[a == narrator ? b : a]++;
            if (b != (size_t)-1 && a != b) {
                /* the narrator takes their companions' age, but "me and Jim"
                 * says nothing of Jim's: a boy tells of grown-ups he goes with */
                if (a != narrator || b == narrator)
                    pairs[b * n_cast + a]++;
                if (b != narrator || a == narrator)
                    pairs[a * n_cast + b]++;
            }
        }
        if (who == (size_t)-1 && !several && last_who != (size_t)-1 && person_word(w, n, 0, &ev[last_who], 1) &&
            n && !w[0].upper)
            person_word(w, n, 0, &ev[last_who], 1); /* "Tom sat down. The boy ..."; lower case: "Ben hove
                                                      * in sight -- the very boy", apposition, counts twice */
        if (who == (size_t)-1 && n_last > 1)
            people_word(w, n, 0, ev, last, n_last); /* "Tom and Joe hid. The boys ..." */
        /* "Tom knocked him down. The man ...": with another person in the
         * sentence (him, them, a man), its successor's "the man" may be them */
        int others = 0;
        for (size_t k = 0; k < n; k++) {
            int cm, cf, cn, am, af;
            others += !w[k].quoted && (IS(&w[k], OBJ) || noun_kind(&w[k], &cm, &cf, &cn, &am, &af));
        }
        last_who = several || others ? (size_t)-1 : who;
        n_last = n_here;
        memcpy(last, here, sizeof last);
        if (who != (size_t)-1 && several && cast[who].gender) {
            /* "Tom ... wrote a letter home to his aunt Polly": the kin of
             * the first named, when the pronoun's sex is theirs */
            unsigned poss = cast[who].gender == LS_GENDER_MALE ? B_POSS_M : B_POSS_F;
            for (size_t k = at + len; k + 1 < n; k++)
                if (!w[k].quoted && (w[k].cats & poss) &&
                    IS(&w[k + 1], KIN_OF_CHILD)) {
                    ev[who].half++;
                    break;
                }
        }
        if (who == (size_t)-1 || several)
            continue;
        aev *e = &ev[who];
        if (at + len < n) {
            /* "Tom, the boy, ...", "Tom, a little boy": apposition, twice the weight */
            const char *gap = s->data + w[at + len - 1].end;
            size_t gl = w[at + len].start - w[at + len - 1].end;
            if (memchr(gap, ',', gl))
                person_word(w, n, at + len, e, 2);
            /* "Nat was a tall man" */
            if (IS(&w[at + len], COPULA) && !w[at + len].quoted)
                person_word(w, n, at + len + 1, e, 2);
            for (size_t k = at + len + 1; k < n && k < at + len + 8; k++) {
                const char *g = s->data + w[k - 1].end;
                size_t l = w[k].start - w[k - 1].end;
                if ((memmem(g, l, "--", 2) || memmem(g, l, "\xE2\x80\x94", 3)) && person_word(w, n, k, e, 2))
                    break; /* "Ben Rogers hove in sight -- the very boy" */
            }
        }
        int kin = 0, school = 0, adult_kin = 0, indef = 0;
        for (size_t k = 0; k < n; k++) {
            if (w[k].quoted)
                continue;
            /* "a person wouldn't believe that a backwoods Missouri boy ...
             * but Tom Sawyer done it": someone called a child before the
             * name, in a sentence naming only them (after it, "a boy" is
             * more often someone Tom meets: "Tom sent a boy ...") */
            if (k < at && IS(&w[k], A) && k + 1 < n) {
                int cm, cf, cn, am, af;
                for (size_t j = k + 1; j < n && j < k + 5 && j < at && !w[j].quoted; j++) {
                    if (noun_kind(&w[j], &cm, &cf, &cn, &am, &af)) {
                        indef += (cm | cf | cn) ? 1 : (am | af) ? -1 : 0;
                        break;
                    }
                    if (w[j].flags & (LSLEX_PREP | LSLEX_CONJ | LSLEX_DET | LSLEX_PRONOUN))
                        break;
                }
            }
            /* "his aunt", "ihre Mutter" in a sentence naming only them: whose
             * kin is clear; half weight, adults have mothers too */
            school |= IS(&w[k], SCHOOL);
            if (k + 1 < n && IS(&w[k], POSS) && !w[k + 1].quoted) {
                kin |= IS(&w[k + 1], KIN_OF_CHILD);
                adult_kin |= IS(&w[k + 1], KIN_OF_ADULT) && !IS(&w[k + 1], KIN_OF_CHILD);
            }
            /* "twelve years old", "zwölf Jahre alt", "elle avait douze ans",
             * "âgé de douze ans": a number said of the one character named
             * (not "depuis douze ans", "il y a douze ans": a time) */
            int v = k + 1 < n && IS(&w[k + 1], YEARS) ? number_at(w, k) : 0;
            int said = lang == LSLEX_FR ? k > 0 && fr_age_verb(w, k - 1) : k + 2 < n && IS(&w[k + 2], OLD);
            if (v > 0 && v < 110 && said)
                e->stated = v;
        }
        e->half += kin + school;
        e->adult += adult_kin;
        if (indef > 0)
            e->child++;
        else if (indef < 0)
            e->adult++;
        /* "from being a poor poverty-stricken boy in the morning, Tom was",
         * "As a boy, Tom ...": a fronted "being/as a ..." clause, closed by
         * the comma before the name, is said of the name */
        if (at > 2 && memchr(s->data + w[at - 1].end, ',', w[at].start - w[at - 1].end))
            for (size_t k = at >= 10 ? at - 10 : 0; k + 2 < at; k++) {
                if (w[k].quoted || !IS(&w[k + 1], A) || !IS(&w[k], BEING))
                    continue;
                for (size_t j = k + 2; j < at && j < k + 6; j++) {
                    int cm, cf, cn, am, af;
                    if (noun_kind(&w[j], &cm, &cf, &cn, &am, &af)) {
                        e->child += 2 * (cm | cf | cn);
                        e->adult += 2 * (am | af);
                        break;
                    }
                    if (w[j].flags & (LSLEX_PREP | LSLEX_CONJ | LSLEX_DET | LSLEX_PRONOUN))
                        break;
                }
                break;
            }
        /* "a girl of seventeen": the noun of an apposition or copula, then "of" and a number */
        for (size_t k = at + len; k + 2 < n && k < at + len + 6; k++)
            if (!w[k].quoted && (IS(&w[k], CHILD_M) || IS(&w[k], CHILD_F) || IS(&w[k], ADULT_M) ||
                                 IS(&w[k], ADULT_F)) &&
                IS(&w[k + 1], OF)) {
                int v = number_at(w, k + 2);
                if (v > 0 && v < 110)
                    e->stated = v;
                break;
            }
    }
    for (size_t q = 0; para_group && q < n_para_who; q++)
        group[para_who[q]]++;
    for (size_t i = 0; i < n_cast; i++)
        decide(&cast[i], &ev[i], diminutive(&cast[i], lang), lang);
    /* a child narrator's companion ("Tom and me") is a child too when the
     * narration counts them among "the boys" now and then: "me and Jim"
     * alone says nothing of Jim, a grown man who goes with a boy; never
     * for one the book calls grown up, titles or names by a role */
    if (narrator != (size_t)-1 && cast[narrator].age == LS_AGE_CHILD)
        for (size_t i = 0; i < n_cast; i++) {
            int hon_a = 0, hon_y = 0, hon_s = 0;
            honorific(&cast[i], &hon_a, &hon_y, &hon_s);
            if (i == narrator || cast[i].age || cast[i].role || ev[i].adult || ev[i].old || ev[i].old_near ||
                ev[i].hon_adult || hon_a || hon_y)
                continue;
            if (with_me[i] >= WITH_ME_MIN && group[i] >= GROUP_MIN)
                cast[i].age = LS_AGE_CHILD;
        }
    for (int round = 0; round < 2 && pairs; round++)
        for (size_t i = 0; i < n_cast; i++) {
            /* no evidence of their own: the age of those they go about with */
            if (cast[i].age || ev[i].adult || ev[i].old)
                continue; /* "poor old Jim" goes about with boys, and is none */
            int child = 0, other = 0;
            for (size_t j = 0; j < n_cast; j++)
                if (cast[j].age == LS_AGE_CHILD)
                    child += pairs[i * n_cast + j];
                else if (cast[j].age)
                    other += pairs[i * n_cast + j];
            if (child >= 2 && child > 2 * other)
                cast[i].age = LS_AGE_CHILD;
        }
out:
    longsd__free(ev);
    longsd__free(pairs);
    longsd__free(with_me);
    longsd__free(group);
    longsd__free(forms);
    longsd__free(w);
    longsd__free(h);
    return st;
}
