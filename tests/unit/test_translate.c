/* test_translate.c - German and French words to English (translate.c) and
 * the hunspell word sets behind it (dicset.c, dict.c, dict_fr.c): which of
 * a dictionary entry's senses is kept, which capitalised words are names,
 * which stem a verb form is read under. The dictionaries are Debian's
 * (FreeDict, hunspell), build dependencies: a missing one fails. */
#include "t.h"

#include "dict.h"
#include "dicset.h"
#include "translate.h"
#include "wordnet.h"

static const char *tr(lslex_lang_id lang, const char *w, int upper, int *pos)
{
    static char out[32];
    ls_translate_word(lang, w, strlen(w), upper, out, sizeof out, pos);
    return out;
}

static int dictionaries_present(void)
{
    if (tr(LSLEX_FR, "maison", 0, NULL)[0] && tr(LSLEX_DE, "Haus", 1, NULL)[0])
        return 1;
    printf("  dictionaries missing: install dict-freedict-deu-eng, dict-freedict-fra-eng (scripts/deps.sh)\n");
    return 0;
}

/* Every sense of a sense line is a candidate, not only the first: WordNet's
 * morphology, consulted for each sense, runs strtok itself, which once
 * ended the split after the first ("petit: diminutive, little, small" gave
 * "diminutive"). fra-eng's lines are alphabetical, so their first word is
 * no better a guess than the others. */
TEST(every_sense_of_a_line_counts)
{
    REQUIRE(dictionaries_present());
    const char *w = tr(LSLEX_FR, "petit", 0, NULL);
    CHECK(strcmp(w, "small") == 0 || strcmp(w, "little") == 0);
    w = tr(LSLEX_FR, "grand", 0, NULL); /* big, great, large */
    CHECK(strcmp(w, "big") == 0 || strcmp(w, "great") == 0 || strcmp(w, "large") == 0);
    /* "descendre: 1. get out ... 2. exit, go out 3. descend": the sense
     * numbers of fra-eng weigh little, a verb's caption rank half */
    int pos = 0;
    CHECK_STR(tr(LSLEX_FR, "descendit", 0, &pos), "descend");
    CHECK(pos == LS_POS_VERB);
    /* the German core senses stay as they were */
    CHECK_STR(tr(LSLEX_DE, "Netz", 1, NULL), "net");
    CHECK_STR(tr(LSLEX_DE, "Schloss", 1, NULL), "castle");
    CHECK_STR(tr(LSLEX_DE, "Diener", 1, NULL), "servant");
    CHECK_STR(tr(LSLEX_DE, "schwer", 0, NULL), "heavy");
}

/* A capitalised French word hunspell fr tags as a first name or proper
 * noun is a name whatever its lower-case spelling means; so is a compound
 * with a capital after its hyphen. Names are never translated. */
TEST(french_names_are_not_common_nouns)
{
    REQUIRE(dictionaries_present());
    CHECK_STR(tr(LSLEX_FR, "pierre", 0, NULL), "stone");
    CHECK_STR(tr(LSLEX_FR, "Pierre", 1, NULL), ""); /* po:prn */
    CHECK_STR(tr(LSLEX_FR, "Paris", 1, NULL), "");  /* po:npr */
    CHECK_STR(tr(LSLEX_FR, "Saint-Denis", 1, NULL), "");
    CHECK_STR(tr(LSLEX_FR, "Grand-Rue", 1, NULL), "");
    CHECK_STR(tr(LSLEX_FR, "Jean-Baptiste", 1, NULL), "");
    /* a capitalised common noun (a sentence's first word) still translates */
    CHECK_STR(tr(LSLEX_FR, "Maison", 1, NULL), "house");
}

/* An English sense written capitalised that WordNet does not know as a
 * common noun is a name ("France", "Englishman"): it is never the
 * translation, and a word whose entries are mostly names is one, never
 * split as a compound ("Engländer" once gave "countries", from Länder).
 * "God" and "Miss" are common nouns too, and stay. */
TEST(names_among_the_senses)
{
    REQUIRE(dictionaries_present());
    CHECK_STR(tr(LSLEX_FR, "France", 1, NULL), "");
    CHECK_STR(tr(LSLEX_DE, "Engländer", 1, NULL), "");
    CHECK_STR(tr(LSLEX_DE, "Gott", 1, NULL), "god"); /* not "land" [Am.] */
    CHECK_STR(tr(LSLEX_DE, "Frau", 1, NULL), "woman"); /* one entry of titles (Mrs, Ms) */
    CHECK_STR(tr(LSLEX_DE, "Schwester", 1, NULL), "sister");
    CHECK_STR(tr(LSLEX_DE, "Fräulein", 1, NULL), "miss"); /* not "waitress" */
}

/* Of senses that are people, the one the others are kinds of (WordNet's
 * hypernyms) is the entry's core: "domestique: maid, boy, servant" is a
 * servant, not the caption-common "boy"; "Herr" a gentleman, not a lord.
 * A word above that the tagged corpus never uses gains nothing ("server"
 * over "waitress"), and things keep their own word ("net", not
 * "network"; "house", not "home"). */
TEST(the_person_the_others_are_kinds_of)
{
    REQUIRE(dictionaries_present());
    CHECK_STR(tr(LSLEX_FR, "domestique", 0, NULL), "servant");
    CHECK_STR(tr(LSLEX_DE, "Herr", 1, NULL), "gentleman");
    CHECK_STR(tr(LSLEX_DE, "Fräulein", 1, NULL), "miss");
    CHECK_STR(tr(LSLEX_DE, "Netz", 1, NULL), "net");
    CHECK_STR(tr(LSLEX_DE, "Haus", 1, NULL), "house");
    char kinds[64][32];
    size_t n = lswn_noun_kinds("maid", kinds, 64);
    int servant = 0, self = 0;
    for (size_t i = 0; i < n; i++) {
        servant |= strcmp(kinds[i], "servant") == 0;
        self |= strcmp(kinds[i], "maid") == 0;
    }
    CHECK(servant);
    CHECK(!self); /* only what it is a kind of */
    CHECK_INT(lswn_noun_kinds("zzqx", kinds, 64), 0);
}

/* A French verb form hunspell stems to a headword is that verb, even when
 * the headword has no one-word sense ("sortir: come out, go out"); the
 * narration's endings are not then read as another verb they spell
 * ("sortait" as sorter: "exit"). */
TEST(a_stemmed_verb_is_not_reread_by_its_endings)
{
    REQUIRE(dictionaries_present());
    CHECK_STR(tr(LSLEX_FR, "sortait", 0, NULL), "");
    int pos = 0;
    CHECK_STR(tr(LSLEX_FR, "traversait", 0, &pos), "cross");
    CHECK(pos == LS_POS_VERB);
    CHECK_STR(tr(LSLEX_FR, "partit", 0, NULL), "leave");
}

/* German compounds by their head; the meal words are their own entries. */
TEST(german_compounds)
{
    REQUIRE(dictionaries_present());
    CHECK_STR(tr(LSLEX_DE, "Nachtessen", 1, NULL), "supper");
    CHECK_STR(tr(LSLEX_DE, "Hosentasche", 1, NULL), "pocket");
    CHECK_STR(tr(LSLEX_DE, "Küchentür", 1, NULL), "door");
    CHECK_STR(tr(LSLEX_DE, "Fischerhütte", 1, NULL), "hut");
}

static const char *trn(lslex_lang_id lang, const char *w)
{
    static char out[32];
    ls_translate_noun(lang, w, strlen(w), 1, out, sizeof out, NULL);
    return out;
}

/* As a noun, a compound keeps its first part in English order (the word
 * look-up still gives the head alone); a part that is no thing adds
 * nothing, a plural part is singular, a closed English compound is one
 * word, a compound FreeDict lists is its own sense. */
TEST(german_compounds_keep_their_modifier)
{
    REQUIRE(dictionaries_present());
    CHECK_STR(trn(LSLEX_DE, "Küchentür"), "kitchen door");    /* Küche|n|tür, not "kitchens door" */
    CHECK_STR(trn(LSLEX_DE, "Kaffeetasse"), "coffee cup");
    CHECK_STR(trn(LSLEX_DE, "Steinmauer"), "stone wall");
    CHECK_STR(trn(LSLEX_DE, "Kirchturm"), "church tower");   /* Kirch(e)|turm */
    CHECK_STR(trn(LSLEX_DE, "Hosentasche"), "trouser pocket"); /* WordNet's lemma of "trousers" */
    CHECK_STR(trn(LSLEX_DE, "Sonnenschirm"), "sunshade");     /* closed in English */
    CHECK_STR(tr(LSLEX_DE, "Sonnenschirm", 1, NULL), "sunshade");
    CHECK_STR(trn(LSLEX_DE, "Schlafrock"), "robe");           /* sleep is no thing */
    CHECK_STR(trn(LSLEX_DE, "Nachtessen"), "supper");         /* its own entry */
    CHECK_STR(tr(LSLEX_DE, "Kaffeetasse", 1, NULL), "cup");   /* the word alone: the head */
    CHECK_STR(ls_en_head("coffee cup"), "cup");
    CHECK_STR(ls_en_head("cup"), "cup");
}

/* A Low German noun the dictionary lacks is read as its High German
 * cognate by undoing the sound shifts Low German never took part in; a
 * High German noun is never re-read, and a reading that reaches too far
 * (two vowel changes, a plural's ending) is none. */
TEST(low_german_nouns_read_as_high_german)
{
    REQUIRE(dictionaries_present());
    CHECK_STR(trn(LSLEX_DE, "Water"), "water");  /* t -> ss: Wasser */
    CHECK_STR(trn(LSLEX_DE, "Huus"), "house");   /* uu -> au: Haus */
    CHECK_STR(trn(LSLEX_DE, "Hütt"), "hut");     /* the final e: Hütte */
    CHECK_STR(trn(LSLEX_DE, "Slott"), "castle"); /* sl -> schl, tt -> ss: Schloss */
    CHECK_STR(trn(LSLEX_DE, "Swien"), "pig");    /* sw -> schw, ie -> ei: Schwein */
    CHECK_STR(trn(LSLEX_DE, "Butt"), "");        /* no "Busse", no "Boss" */
    CHECK_STR(trn(LSLEX_DE, "Haus"), "house");
    /* the word look-up (titles: words the dictionary knows) never re-reads */
    CHECK_STR(tr(LSLEX_DE, "Huus", 1, NULL), "");
    CHECK_STR(tr(LSLEX_DE, "Water", 1, NULL), "");
    CHECK_STR(trn(LSLEX_DE, "Huus"), "house"); /* and the two do not share a cache slot */
}

/* A German noun's gender from every entry of the dictionary: one gender
 * named throughout is the answer; two (a lake and the sea) are none, so
 * the text's articles decide. */
TEST(german_gender_from_every_entry)
{
    REQUIRE(dictionaries_present());
    CHECK_INT(ls_translate_de_gender("Wand", 4), 1);
    CHECK_INT(ls_translate_de_gender("Vater", 5), 0);
    CHECK_INT(ls_translate_de_gender("Haus", 4), 2);
    CHECK_INT(ls_translate_de_gender("See", 3), -1); /* der See, die See */
    CHECK_INT(ls_translate_de_gender("Xqzv", 4), -1);
}

/* A single letter is never translated as a noun: "'n" is a clipped
 * article in dialect ("'n schönen Prinz"), not the symbol of nitrogen. */
TEST(one_letter_is_no_noun)
{
    REQUIRE(dictionaries_present());
    char out[64] = "x";
    ls_translate_noun(LSLEX_DE, "n", 1, 0, out, sizeof out, NULL);
    CHECK_STR(out, "");
    ls_translate_noun(LSLEX_DE, "N", 1, 1, out, sizeof out, NULL);
    CHECK_STR(out, "");
    ls_translate_noun(LSLEX_DE, "Prinz", 5, 1, out, sizeof out, NULL);
    CHECK_STR(out, "prince");
}

static const char *plural_of(const char *en)
{
    static char out[40];
    ls_en_plural(en, out, sizeof out);
    return out;
}

/* English number for a translated noun: plurals WordNet reads back; mass,
 * substance and plural-only nouns have none; plural-only ones take no "a". */
TEST(english_number)
{
    REQUIRE(lswn_available());
    CHECK_STR(plural_of("box"), "boxes");
    CHECK_STR(plural_of("knife"), "knives");
    CHECK_STR(plural_of("city"), "cities");
    CHECK_STR(plural_of("man"), "men");
    CHECK_STR(plural_of("fisherman"), "fishermen");
    CHECK_STR(plural_of("shoe"), "shoes");
    /* irregular plurals are WordNet's exceptions, never "tooths" */
    CHECK_STR(plural_of("tooth"), "teeth");
    CHECK_STR(plural_of("foot"), "feet");
    CHECK_STR(plural_of("mouse"), "mice");
    CHECK_STR(plural_of("child"), "children");
    CHECK_STR(plural_of("boot"), "boots"); /* "beet" is a noun of its own */
    CHECK_STR(plural_of("water"), "");    /* a substance */
    CHECK_STR(plural_of("scissors"), ""); /* already plural */
    CHECK_STR(plural_of("boys"), "");
    CHECK_STR(plural_of("qzxv"), "");
    char small[4];
    CHECK_INT(ls_en_plural("box", small, sizeof small), 0); /* does not fit */
    CHECK(ls_en_plural_only("scissors"));
    CHECK(ls_en_plural_only("clothes"));
    CHECK(!ls_en_plural_only("boys"));
    CHECK(!ls_en_plural_only("glass"));
    CHECK(!ls_en_plural_only("bus"));
    CHECK(!ls_en_plural_only("table"));
}

/* Prepositional idioms are read as units: a place with "the", or
 * nothing to draw; any other pair is no idiom. */
TEST(prepositional_idioms)
{
    char p[16], n[32];
    int the = -1;
    CHECK(ls_translate_idiom(LSLEX_FR, "à", strlen("à"), "table", 5, p, sizeof p, n, sizeof n, &the));
    CHECK_STR(p, "at");
    CHECK_STR(n, "table");
    CHECK_INT(the, 1);
    CHECK(ls_translate_idiom(LSLEX_FR, "Au", 2, "dedans", 6, p, sizeof p, n, sizeof n, &the)); /* case */
    CHECK_STR(n, "");
    CHECK_INT(the, 0);
    CHECK(ls_translate_idiom(LSLEX_FR, "en", 2, "train", 5, p, sizeof p, n, sizeof n, &the));
    CHECK_STR(n, "");
    CHECK(ls_translate_idiom(LSLEX_DE, "zu", 2, "Hause", 5, p, sizeof p, n, sizeof n, &the));
    CHECK(!ls_translate_idiom(LSLEX_FR, "sur", 3, "table", 5, p, sizeof p, n, sizeof n, &the));
    CHECK(!ls_translate_idiom(LSLEX_DE, "à", strlen("à"), "table", 5, p, sizeof p, n, sizeof n, &the));
    CHECK(!ls_translate_idiom(LSLEX_FR, "à", strlen("à"), "tables", 6, p, sizeof p, n, sizeof n, &the));
}

static const char *pair(const char *head, const char *link, const char *mod)
{
    static char out[64];
    ls_translate_pair(LSLEX_FR, head, strlen(head), link, strlen(link), mod, strlen(mod), out, sizeof out);
    return out;
}

/* French noun phrases in English order: a phrase the dictionary lists is
 * its sense; "de" a material without article is a noun adjunct; an
 * adjective after its noun comes before it; anything else is left to the
 * caller (""). */
TEST(french_pairs_in_english_order)
{
    REQUIRE(dictionaries_present());
    CHECK_STR(pair("chemin", "de", "fer"), "railway");
    CHECK_STR(pair("pomme", "de", "terre"), "potato");
    CHECK_STR(pair("lit", "d'", "acajou"), "mahogany bed");
    CHECK_STR(pair("lit", "d\xE2\x80\x99", "acajou"), "mahogany bed"); /* typographic apostrophe */
    CHECK_STR(pair("bonnet", "de", "laine"), "wool cap");
    CHECK_STR(pair("tablier", "", "blanc"), "white apron");
    CHECK_STR(pair("salle", "de", "billard"), ""); /* a game is no material: the caller's */
    /* a thing "de" a place or a made thing is a kind of it, the modifier
     * first; a plural after "de" counts things, an act is no adjunct */
    CHECK_STR(pair("table", "de", "cuisine"), "kitchen table");
    CHECK_STR(pair("porte", "de", "jardin"), "garden door");
    CHECK_STR(pair("feu", "de", "bois"), "wood fire"); /* the material, not "woods" */
    CHECK_STR(pair("tas", "de", "pierres"), "");
    CHECK_STR(pair("landau", "de", "louage"), "");
    CHECK_STR(pair("fils", "de", "roi"), "");
    /* English writes some as one word WordNet knows, from any sense of
     * either noun: pain (bread, loaf) de sucre */
    CHECK_STR(pair("pain", "de", "sucre"), "sugarloaf");
    CHECK_STR(pair("chemise", "de", "nuit"), "nightshirt");
    CHECK_STR(pair("maison", "de", "Pierre"), ""); /* a name */
    char out[8];
    CHECK_INT(ls_translate_pair(LSLEX_FR, "lit", 3, "d'", 2, "acajou", 6, out, sizeof out), 0); /* too long */
    CHECK_STR(out, "");
    CHECK_INT(ls_translate_pair(LSLEX_DE, "Haus", 4, "", 0, "alt", 3, out, sizeof out), 0);
}

static int keep_all(const char *line, size_t n, size_t *word_len, unsigned *bits)
{
    const char *slash = memchr(line, '/', n);
    *word_len = slash ? (size_t)(slash - line) : n;
    *bits = slash ? (unsigned)(line + n - slash - 1) : 0; /* how many flag bytes */
    return line[0] != '#';
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    REQUIRE(f);
    fputs(text, f);
    fclose(f);
}

/* The shared reader: the reader function decides what a line keeps, lines
 * may end in CRLF and trailing blanks, bits of repeated words are or-ed,
 * a missing file leaves the set empty (every lookup 0). */
TEST(dicset_reads_a_dic_file)
{
    const char *dir = t_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/xx.dic", dir);
    write_file(path, "4\nHaus/SE\r\n#comment/XYZ\nBaum/P  \nHaus/N\nlast");
    setenv("LONGSD_HUNSPELL_DIR", dir, 1);
    ls_dicset s = {0};
    ls_dicset_read(&s, "xx.dic", keep_all);
    unsigned bits = 0;
    CHECK(ls_dicset_find(&s, "Haus", 4, &bits));
    CHECK_INT(bits, 2 | 1); /* "SE" (2 bytes) or "N" (1 byte) */
    CHECK(ls_dicset_find(&s, "Baum", 4, &bits));
    CHECK_INT(bits, 1); /* trailing blanks trimmed */
    CHECK(ls_dicset_find(&s, "last", 4, NULL)); /* no final newline */
    CHECK(!ls_dicset_find(&s, "#comment", 8, NULL));
    CHECK(!ls_dicset_find(&s, "Hau", 3, NULL));
    CHECK(!ls_dicset_find(&s, "", 0, NULL));
    ls_dicset none = {0};
    ls_dicset_read(&none, "absent.dic", keep_all);
    CHECK(none.slot == NULL);
    CHECK(!ls_dicset_find(&none, "Haus", 4, NULL));
    ls_dicset_free(&s);
    CHECK(!ls_dicset_find(&s, "Haus", 4, NULL));
}

/* dict.c and dict_fr.c over hand-made dictionaries: the German noun set
 * keeps capitalised stems with the "m" flag and knows their suffixes; the
 * French tags come from the morphology after the flags. */
TEST(dict_readers_over_hand_made_files)
{
    const char *dir = t_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/de_DE.dic", dir);
    write_file(path, "3\nKopf/mSE\nHans/S\nlaufen/m\n");
    snprintf(path, sizeof path, "%s/fr.dic", dir);
    write_file(path, "3\nPierre/L'D'Q' po:prn is:mas\nLyon po:npr\nconseil/S.() po:nom is:mas\n");
    setenv("LONGSD_HUNSPELL_DIR", dir, 1);
    CHECK_INT(ls_dict_de_noun("Kopf", 4), 1);
    CHECK_INT(ls_dict_de_noun("Kopfe", 5), 2); /* E flag */
    CHECK_INT(ls_dict_de_noun("Kopfen", 6), 0); /* no P flag */
    CHECK_INT(ls_dict_de_noun("Hans", 4), 0);   /* no "m": a first name */
    CHECK_INT(ls_dict_de_noun("laufen", 6), 0); /* not capitalised */
    CHECK_INT(ls_dict_fr("Pierre", 6), LS_FR_FIRST_NAME | LS_FR_MASC);
    CHECK_INT(ls_dict_fr("Lyon", 4), LS_FR_PROPER);
    CHECK_INT(ls_dict_fr("conseil", 7), LS_FR_NOUN | LS_FR_NOUN_MASC); /* a noun's gender is grammar, no sex */
    CHECK_INT(ls_dict_fr("pierre", 6), 0);
}

/* A French headword that is itself an English noun, a kind of the same
 * thing as the dictionary's sense, is the exact word (fra-eng gives one
 * rank, "major", for commandant); one that is a false friend keeps the
 * dictionary's sense (pain is bread, coin a corner, chair flesh). */
TEST(cognate_of_the_same_kind_is_kept)
{
    REQUIRE(dictionaries_present());
    int pos = 0;
    CHECK_STR(tr(LSLEX_FR, "commandant", 0, &pos), "commandant");
    CHECK(pos == LS_POS_NOUN);
    CHECK_STR(tr(LSLEX_FR, "pain", 0, NULL), "bread");
    CHECK_STR(tr(LSLEX_FR, "coin", 0, NULL), "corner");
    CHECK_STR(tr(LSLEX_FR, "chair", 0, NULL), "flesh");
    CHECK_STR(tr(LSLEX_FR, "main", 0, NULL), "hand");
    CHECK_STR(tr(LSLEX_FR, "maison", 0, NULL), "house");
    /* only people: a thing's cognate is often another shape */
    CHECK_STR(tr(LSLEX_FR, "bonnet", 0, NULL), "cap");
    /* nor over a common word: WordNet's archaic "fille" is no girl */
    CHECK_STR(tr(LSLEX_FR, "fille", 0, NULL), "girl");
    /* a thing worn spelt as in English over an animal's part: people
     * wear sabots (fra-eng: "hoof"); "chair" (flesh) is no garment */
    CHECK_STR(tr(LSLEX_FR, "sabots", 0, NULL), "sabot");
    CHECK_STR(tr(LSLEX_FR, "plume", 0, NULL), "feather");
}

/* A French plural as written: the -s or -x hunspell's stem drops. */
TEST(french_plural_as_written)
{
    REQUIRE(dictionaries_present());
    CHECK(ls_translate_fr_plural("pierres", 7));
    CHECK(ls_translate_fr_plural("chevaux", 7) == 0); /* not the stem plus -x: left to the article */
    CHECK(ls_translate_fr_plural("gants", 5));
    CHECK(!ls_translate_fr_plural("bois", 4));
    CHECK(!ls_translate_fr_plural("pierre", 6));
    CHECK(!ls_translate_fr_plural("s", 1));
}

/* "en courant" is running: the verb of a present participle, from
 * hunspell's stem or the infinitive its ending spells, never the
 * participle's noun ("courant": stream). */
TEST(french_gerund_is_its_verb)
{
    REQUIRE(dictionaries_present());
    char out[32];
    CHECK(ls_translate_fr_gerund("courant", 7, out, sizeof out) == 1);
    CHECK_STR(out, "run");
    CHECK(ls_translate_fr_gerund("chantant", 8, out, sizeof out) == 1);
    CHECK_STR(out, "sing");
    CHECK(ls_translate_fr_gerund("maison", 6, out, sizeof out) == 0); /* no participle */
    CHECK_STR(out, "");
}

/* A German verb and its separable prefix from the clause's end are one
 * verb: "kehrte ... zurück" returns (zurückkehren), "kam ... an" arrives;
 * a prefix the verb takes in no compound FreeDict holds gives nothing. */
TEST(german_separable_verbs)
{
    REQUIRE(dictionaries_present());
    char out[32];
    CHECK(ls_translate_de_separable("kehrte", 6, "zurück", strlen("zurück"), out, sizeof out) == 1);
    CHECK_STR(out, "return");
    CHECK(ls_translate_de_separable("kam", 3, "an", 2, out, sizeof out) == 1);
    CHECK_STR(out, "arrive");
    CHECK(ls_translate_de_separable("Kehrten", 7, "zurück", strlen("zurück"), out, sizeof out) == 1);
    CHECK_STR(out, "return");
    CHECK(ls_translate_de_separable("kehrte", 6, "mit", 3, out, sizeof out) == 0);
    CHECK_STR(out, "");
}

RUN_TESTS(french_gerund_is_its_verb, french_plural_as_written, german_separable_verbs, every_sense_of_a_line_counts, german_gender_from_every_entry, one_letter_is_no_noun, german_compounds_keep_their_modifier, low_german_nouns_read_as_high_german, english_number, prepositional_idioms, french_names_are_not_common_nouns, names_among_the_senses,
          the_person_the_others_are_kinds_of, a_stemmed_verb_is_not_reread_by_its_endings, german_compounds,
          french_pairs_in_english_order, dicset_reads_a_dic_file, dict_readers_over_hand_made_files,
          cognate_of_the_same_kind_is_kept)
