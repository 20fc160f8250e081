/* wordnet.h - English word knowledge from Princeton WordNet 3.0 (Debian's
 * wordnet-base data through libwordnet, wordnet-dev): lemmas and the
 * lexicographer classes of a word's commonest senses, which tell what a
 * painter can draw (noun.artifact, noun.person, verb.motion...) from what
 * they cannot (noun.cognition, verb.communication...). Internal. */
#ifndef LONGSD_WORDNET_H
#define LONGSD_WORDNET_H

#include <stddef.h>

/* WordNet lexicographer file numbers (lexnames(5WN)). */
enum {
    LSWN_N_TOPS = 3, LSWN_N_ACT = 4, LSWN_N_ANIMAL = 5, LSWN_N_ARTIFACT = 6, LSWN_N_ATTRIBUTE = 7,
    LSWN_N_BODY = 8, LSWN_N_COGNITION = 9, LSWN_N_COMMUNICATION = 10, LSWN_N_EVENT = 11, LSWN_N_FEELING = 12,
    LSWN_N_FOOD = 13, LSWN_N_GROUP = 14, LSWN_N_LOCATION = 15, LSWN_N_MOTIVE = 16, LSWN_N_OBJECT = 17,
    LSWN_N_PERSON = 18, LSWN_N_PHENOMENON = 19, LSWN_N_PLANT = 20, LSWN_N_POSSESSION = 21, LSWN_N_PROCESS = 22,
    LSWN_N_QUANTITY = 23, LSWN_N_RELATION = 24, LSWN_N_SHAPE = 25, LSWN_N_STATE = 26, LSWN_N_SUBSTANCE = 27,
    LSWN_N_TIME = 28,
    LSWN_V_BODY = 29, LSWN_V_CHANGE = 30, LSWN_V_COGNITION = 31, LSWN_V_COMMUNICATION = 32,
    LSWN_V_COMPETITION = 33, LSWN_V_CONSUMPTION = 34, LSWN_V_CONTACT = 35, LSWN_V_CREATION = 36,
    LSWN_V_EMOTION = 37, LSWN_V_MOTION = 38, LSWN_V_PERCEPTION = 39, LSWN_V_POSSESSION = 40, LSWN_V_SOCIAL = 41,
    LSWN_V_STATIVE = 42, LSWN_V_WEATHER = 43
};

#define LSWN_SENSES 3 /* senses looked at, commonest first */

typedef struct {
    int noun, verb, adj, adv;   /* the word (or its lemma) is in that index */
    int noun_lex[LSWN_SENSES];  /* lexicographer file of the commonest noun senses, 0 = none */
    int verb_lex[LSWN_SENSES];
    int noun_tagged, verb_tagged, adj_tagged; /* uses in WordNet's sense-tagged corpus (cntlist.rev):
                                               * which reading and which word is commoner */
    int plural;                 /* the noun lemma differs from the word: "boys" */
    int verb_trans;             /* a commonest verb sense takes a direct object ("Somebody ----s
                                 * something", WordNet's verb frames): "dipping a brush" */
    int verb_bare;              /* a commonest verb sense stands alone ("Somebody ----s"):
                                 * "sitting", never "sitting a coat" nor a bare "grabbing" */
    int verb_person_obj;        /* a commonest verb sense takes a person as object ("Somebody
                                 * ----s somebody", "... somebody PP"): "throwing herself", while
                                 * "designing herself" is no English */
    int adj_visual;             /* the commonest adjective sense describes what the eye sees:
                                 * its attribute (WordNet's '=' pointer, from the head of a
                                 * satellite) is size, colour, age, shape, light...; or a
                                 * participle ("broken"): "old", "red", not "fair", "dependent" */
    char noun_lemma[32];        /* "boy" */
    char verb_lemma[32];        /* "sit" for "sat" */
} lswn_info;

/* Is the WordNet database readable? (Looked up once.) */
int lswn_available(void);
/* Look up the lower-case English word w (letters, hyphens, apostrophes,
 * '_' between the words of a collocation: "evening_dress"; at most 31 bytes). Returns 0 and zeroes *out when WordNet is missing or
 * does not know it. Cached per process; thread-safe. */
int lswn_lookup(const char *w, lswn_info *out);
/* Is a noun with these classes something that can be drawn (person, animal,
 * plant, artifact, object, food, body, substance, location), its commonest
 * sense not an abstraction? */
int lswn_noun_concrete(const lswn_info *wi);
/* Is the verb something a picture can show (motion, contact, body...), its
 * commonest sense not thinking, speaking, feeling or being? */
int lswn_verb_visible(const lswn_info *wi);
/* Is the lower-case noun w, in its commonest sense, a kind of person that
 * WordNet writes with a capital ("jew", "quaker"), not someone's name? */
int lswn_capitalised_person_kind(const char *w);
int lswn_noun_is(const lswn_info *wi, int lex); /* any looked-at sense in that class */
/* An irregular past that is another verb's base form ("lay": lie's past
 * by verb.exc, and lay, put down): fill *out as lswn_lookup does, its verb
 * fields those of w itself. Returns 0 (and *out as lswn_lookup gave it)
 * when w is no such word. The caller knows which reading the sentence
 * wants: "lay the book" has an object, "lay on the bed" none. */
int lswn_verb_self(const char *w, lswn_info *out);
/* Is "verb particle" a phrasal verb WordNet lists ("take up", "sit down",
 * "draw up"), rather than a verb and a stray adverb ("entered in time",
 * "hove in sight", "climbed over")? */
int lswn_phrasal(const char *verb_lemma, const char *particle);
/* Has that phrasal verb a sense of movement, of the body or of contact
 * ("sit down", "set out", "draw up"), rather than only states and
 * dealings ("play out": be exhausted, "give out", "give up", "break
 * down")? Alone, only the first kind is a pose. */
int lswn_phrasal_moves(const char *verb_lemma, const char *particle);

/* The words that name what noun w is a kind of, in its commonest senses:
 * their hypernyms up to two levels up, lower case, spaces for WordNet's
 * underscores ("maid": domestic, domestic help, house servant, servant,
 * retainer, ...; not w's own synonyms), at most max of them. Lets a
 * dictionary's senses be compared: the sense the others are kinds of is
 * the entry's core. */
size_t lswn_noun_kinds(const char *w, char (*out)[32], size_t max);

/* Is noun w a thing worn: the kinds above it name clothing, footwear,
 * headgear or jewellery ("frock", "sabot", "bonnet", "ring")? A French
 * or German verb of carrying and wearing is one word ("porter",
 * "tragen"): what it takes tells which. */
int lswn_noun_worn(const char *w);

#endif
