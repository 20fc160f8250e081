/* test_prompt.c - style presets (built-in and user files), the CLIP token
 * estimate, prompt sanitizing, prompt building within 77 tokens, seeds. */
#include <ctype.h>
#include <stdint.h>

#include "prompt.h"
#include "t.h"
#include "util.h"

static int has_char_of(const char *s, const char *set)
{
    for (; *s; s++)
        if (strchr(set, *s))
            return 1;
    return 0;
}

static int is_valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 32)
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

/* ------------------------------------------------------------------------
 * Built-in presets */

TEST(builtins_well_formed)
{
    size_t n = longsd_n_builtin_styles();
    CHECK(n >= 10);
    CHECK(longsd_builtin_style(n) == NULL);
    for (size_t i = 0; i < n; i++) {
        const longsd_style *s = longsd_builtin_style(i);
        REQUIRE(s && s->name && s->description && s->suffix && s->quality && s->negative);
        CHECK(is_valid_name(s->name));
        CHECK(s->description[0] && !strchr(s->description, '\n'));
        CHECK(s->suffix[0] && s->quality[0]);
        CHECK_CONTAINS(s->negative, "text, watermark, signature, logo");
        CHECK_CONTAINS(s->negative, "blurry");
        CHECK_CONTAINS(s->negative, "lowres");
        CHECK_CONTAINS(s->negative, "deformed");
        /* built-ins are already what the sanitizer would make of them */
        const char *fields[] = {s->suffix, s->quality, s->negative, s->description};
        for (size_t f = 0; f < 4; f++) {
            char *c = ls_prompt_sanitize(fields[f]);
            CHECK_STR(c, fields[f]);
            longsd__free(c);
        }
        /* room for a scene: suffix + quality well under the budget, negative fits */
        CHECK(ls_prompt_count_tokens(s->suffix) <= 20);
        CHECK(ls_prompt_count_tokens(s->suffix) + ls_prompt_count_tokens(s->quality) <= 40);
        CHECK(ls_prompt_count_tokens(s->negative) + 2 <= LS_CLIP_MAX_TOKENS);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(longsd_builtin_style(j)->name, s->name) != 0);
    }
    const longsd_style *d = longsd_builtin_style(0);
    CHECK_STR(d->name, "artstation");
    CHECK_STR(d->suffix, "digital painting, trending on artstation, highly detailed");
    const char *wanted[] = {"artstation", "storybook", "watercolor", "oil-painting", "ink", "pencil-sketch",
                            "woodcut", "cinematic", "anime", "concept-art", "pixel-art"};
    for (size_t w = 0; w < sizeof wanted / sizeof wanted[0]; w++) {
        size_t i = 0;
        while (i < n && strcmp(longsd_builtin_style(i)->name, wanted[w]) != 0)
            i++;
        if (i == n)
            fprintf(stderr, "  missing built-in style %s\n", wanted[w]);
        CHECK(i < n);
    }
}

TEST(styles_set_find)
{
    ls_styles *st = NULL;
    lserr err = {0};
    REQUIRE(ls_styles_new(&st, &err) == LONGSD_OK);
    CHECK_INT(ls_styles_count(st), longsd_n_builtin_styles());
    const longsd_style *a = ls_styles_find(st, "artstation");
    REQUIRE(a);
    CHECK_STR(a->suffix, longsd_builtin_style(0)->suffix);
    CHECK(ls_styles_find(st, "Pixel-Art") == ls_styles_find(st, "pixel-art"));
    CHECK(ls_styles_find(st, "no-such-style") == NULL);
    CHECK(ls_styles_find(st, NULL) == NULL);
    CHECK(ls_styles_at(st, 0) == a);
    CHECK(ls_styles_at(st, ls_styles_count(st)) == NULL);
    ls_styles_free(st);
    ls_styles_free(NULL);
}

/* ------------------------------------------------------------------------
 * Token estimate. "clip" is what the real tokenizer (openai/CLIP
 * simple_tokenizer with bpe_simple_vocab_16e6) gives, without start/end. */

TEST(token_estimate_table)
{
    static const struct {
        const char *text;
        int clip, lo, hi;
    } rows[] = {
        {"", 0, 0, 0},
        {"a cat", 2, 2, 3},
        {"digital painting, trending on artstation, highly detailed", 10, 9, 11},
        {"masterpiece, best quality, sharp focus, intricate details, dramatic lighting", 13, 13, 16},
        {"children's book illustration, storybook art, soft warm colors, gentle lighting", 15, 15, 18},
        {"cinematic film still, 35mm photograph, dramatic lighting, shallow depth of field", 16, 16, 20},
        {"pen and ink drawing, cross hatching, black and white, fine linework", 16, 16, 19},
        {"1876", 4, 4, 4},
        {"he didn't know what they'd do", 8, 8, 10},
        {"the quick brown fox jumps over the lazy dog", 9, 9, 13},
        {"Aunt Polly stood surprised a moment, and then broke into a gentle laugh.", 15, 15, 19},
        {"Tom whitewashing the fence on a sunny Saturday morning, Ben Rogers eating an apple", 16, 16, 21},
        {"Schöne Grüße aus München", 11, 11, 16},
        {"東京の夜景", 8, 8, 12},
        {"a dragon 🐉 over the castle", 6, 6, 9},
        {"   \t\n  ", 0, 0, 0},
        {"!!!", 1, 1, 3},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int t = ls_prompt_count_tokens(rows[i].text);
        if (t != rows[i].clip)
            fprintf(stderr, "  \"%s\": %d tokens, CLIP says %d\n", rows[i].text, t, rows[i].clip);
        CHECK_INT(t, rows[i].clip); /* the real tokenizer: exact */
    }
    CHECK_INT(ls_prompt_count_tokens(NULL), 0);
    /* long words cost more than one token; invalid bytes still count */
    CHECK(ls_prompt_count_tokens("antidisestablishmentarianism") >= 4);
    CHECK(ls_prompt_count_tokens("\xff\xfe") == 2);
}

/* ------------------------------------------------------------------------
 * Sanitizing */

#define KEEP(x) {x, x} /* rows the sanitizer must leave alone */

TEST(sanitize_table)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"(masterpiece:1.5), a cat", "masterpiece, a cat"},
        {"a cat <lora:foo:1>", "a cat"},
        {"<lora:foo:0.8>, a cat", "a cat"},
        {"<LoRA:Foo_v2:0.8> a cat", "a cat"},
        {"hypernet:anime:1 a girl", "a girl"},
        {"a cat BREAK a dog", "a cat a dog"},
        {"BREAK", ""},
        {"BREAKING news, a break", "BREAKING news, a break"},
        {"a {cat|dog} on a mat", "a cat dog on a mat"},
        {"[cat:dog:0.5]", "cat:dog"},
        {"(((epic))) [[castle]]", "epic castle"},
        {"weights (cat:1.2) (dog:-0.8) (owl:.5)", "weights cat dog owl"},
        {"at 10:30, a cat; 3,000 birds", "at 10:30, a cat; 3,000 birds"},
        {"a cat AND a dog", "a cat and a dog"},
        {"__animal__ in a field", "animal in a field"},
        {"a\tcat\n\nsat\x01 here\r\n", "a cat sat here"},
        {"\x1b[31mred\x1b[0m", "31mred 0m"},
        {"Negative prompt: ugly, blurry", "ugly, blurry"},
        {"A cat. Negative prompt: blurry", "A cat. blurry"},
        {"a cat\nNegative prompt: x\nSteps: 20", "a cat x Steps: 20"},
        {"NEGATIVE PROMPT ugly", "ugly"},
        {"back\\slash and pipe | here", "back slash and pipe here"},
        {", , a cat ,, ", "a cat"},
        {"a cat ; ; a dog ,", "a cat; a dog"},
        {"  spaced    out  ", "spaced out"},
        KEEP("Tom ate an 🍎 and smiled 😀!"),
        KEEP("Schöne Grüße aus München"),
        KEEP("Ça, c'est l'été! \"Oui\" - dit-il?"),
        KEEP("東京の夜景"),
        {"bad \xff utf8 \xc3", "bad utf8"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *s = ls_prompt_sanitize(rows[i].in);
        REQUIRE(s);
        CHECK_STR(s, rows[i].out);
        /* a fixed point, trimmed, no syntax characters, valid UTF-8 */
        char *again = ls_prompt_sanitize(s);
        CHECK_STR(again, s);
        CHECK(!s[0] || (s[0] != ' ' && s[strlen(s) - 1] != ' '));
        CHECK(!has_char_of(s, "()[]{}<>|\\\n\t"));
        CHECK(lsutf8_validate(s, strlen(s)) == (size_t)-1);
        longsd__free(again);
        longsd__free(s);
    }
    char *n = ls_prompt_sanitize(NULL);
    CHECK_STR(n, "");
    longsd__free(n);
}

/* ------------------------------------------------------------------------
 * Building */

static const char *FENCE =
    "Tom appeared on the sidewalk with a bucket of whitewash and a long-handled brush. He surveyed the fence, "
    "and all gladness left him and a deep melancholy settled down upon his spirit. Thirty yards of board fence "
    "nine feet high. Life to him seemed hollow, and existence but a burden. Sighing, he dipped his brush and "
    "passed it along the topmost plank; repeated the operation; did it again; compared the insignificant "
    "whitewashed streak with the far-reaching continent of unwhitewashed fence, and sat down on a tree-box "
    "discouraged.";

static ls_idea make_idea(const char *id, const char *scene)
{
    ls_idea idea;
    memset(&idea, 0, sizeof idea);
    snprintf(idea.id, sizeof idea.id, "%s", id);
    idea.scene = (char *)scene;
    return idea;
}

/* The scene part of a built prompt must be the sanitized scene cut after a
 * whole word, without a dangling comma or small word. */
static void check_scene_cut(const char *positive, const char *scene_clean, size_t scene_part_len)
{
    REQUIRE(scene_part_len > 0 && scene_part_len <= strlen(scene_clean));
    CHECK(strncmp(positive, scene_clean, scene_part_len) == 0);
    char next = scene_clean[scene_part_len];
    /* what follows in the scene is a word break (maybe after punctuation we dropped) */
    CHECK(next == '\0' || next == ' ' || (ispunct((unsigned char)next) && next != '\'' && next != '-'));
    char last = positive[scene_part_len - 1];
    CHECK(last != ',' && last != ';' && last != ':' && last != ' ' && last != '-');
    size_t b = scene_part_len;
    while (b && positive[b - 1] != ' ')
        b--;
    char word[32] = {0};
    snprintf(word, sizeof word, "%.*s", (int)(scene_part_len - b), positive + b);
    const char *dangling[] = {"and", "the", "of", "a", "an", "with", "to", "his", "but"};
    for (size_t i = 0; i < sizeof dangling / sizeof dangling[0]; i++)
        CHECK(strcmp(word, dangling[i]) != 0);
}

TEST(build_short_scene_keeps_everything)
{
    ls_idea idea = make_idea("beginning-01", "Tom paints the fence.");
    ls_prompt p = {0};
    lserr err = {0};
    REQUIRE(ls_prompt_build(&idea, NULL, 0, longsd_builtin_style(0), &p, &err) == LONGSD_OK);
    CHECK_STR(p.positive, "Tom paints the fence, digital painting, trending on artstation, highly detailed, "
                          "masterpiece, best quality, sharp focus, intricate details, dramatic lighting");
    CHECK_STR(p.negative, longsd_builtin_style(0)->negative);
    /* CLIP reads 5 + 10 + 1 + 13 = 29 tokens here (the scene, the suffix and
     * the quality tags of token_estimate_table, a comma), 31 with start and
     * end; an estimate may err high, by a few */
    if (p.tokens < 31 || p.tokens > 35)
        fprintf(stderr, "  %d tokens, expected 31..35\n", p.tokens);
    CHECK(p.tokens >= 31 && p.tokens <= 35);
    ls_prompt_clear(&p);
    CHECK(p.positive == NULL && p.negative == NULL);
    /* NULL style: the default */
    REQUIRE(ls_prompt_build(&idea, NULL, 0, NULL, &p, &err) == LONGSD_OK);
    CHECK_CONTAINS(p.positive, "trending on artstation");
    ls_prompt_clear(&p);
}

TEST(build_long_scene_fits_on_whole_word)
{
    char *clean = ls_prompt_sanitize(FENCE);
    const char *suffix = ", digital painting, trending on artstation, highly detailed";
    for (size_t cut = 60; cut <= strlen(FENCE); cut += 7) {
        size_t at = cut; /* the scene ends after a whole word */
        while (at < strlen(FENCE) && FENCE[at] != ' ')
            at++;
        char *scene = longsd__strndup(FENCE, at);
        char *scene_clean = ls_prompt_sanitize(scene);
        ls_idea idea = make_idea("middle-03", scene);
        ls_prompt p = {0};
        lserr err = {0};
        REQUIRE(ls_prompt_build(&idea, NULL, 0, longsd_builtin_style(0), &p, &err) == LONGSD_OK);
        CHECK(p.tokens <= LS_CLIP_MAX_TOKENS);
        /* every word and every comma is at least one CLIP token, plus start
         * and end: a floor counted from the text, not by the estimator */
        int floor_tokens = 3;
        for (const char *q = p.positive; *q; q++)
            floor_tokens += *q == ' ' || *q == ',';
        CHECK(p.tokens >= floor_tokens);
        /* the suffix survives whole (the scene keeps well over 8 words) */
        const char *s = strstr(p.positive, suffix);
        REQUIRE(s);
        check_scene_cut(p.positive, scene_clean, (size_t)(s - p.positive));
        longsd__free(scene_clean);
        longsd__free(scene);
        ls_prompt_clear(&p);
    }
    /* the whole passage: quality tags gone, the scene cut */
    ls_idea idea = make_idea("middle-03", FENCE);
    ls_prompt p = {0};
    lserr err = {0};
    REQUIRE(ls_prompt_build(&idea, NULL, 0, longsd_builtin_style(0), &p, &err) == LONGSD_OK);
    CHECK(strstr(p.positive, "masterpiece") == NULL);
    CHECK(strlen(p.positive) < strlen(clean));
    const char *end = p.positive + strlen(p.positive) - strlen(suffix) + 2;
    CHECK_STR(end, suffix + 2);
    size_t words = 1;
    for (const char *q = p.positive; q < end; q++)
        words += *q == ' ';
    CHECK(words >= 20);
    ls_prompt_clear(&p);
    longsd__free(clean);
}

TEST(build_prefers_clause_boundary)
{
    /* a clause ends a few words before the budget would: cut there */
    const char *scene = "Tom sat on the fence with his brush and bucket, the summer sun hot on his neck and "
                        "the whole village laughing at him from the street below while Ben Rogers came "
                        "along eating a big red apple and making a noise like a steamboat on the river all "
                        "afternoon long without stopping even once for breath or anything else";
    ls_idea idea = make_idea("end-02", scene);
    ls_prompt p = {0};
    lserr err = {0};
    REQUIRE(ls_prompt_build(&idea, NULL, 0, longsd_builtin_style(0), &p, &err) == LONGSD_OK);
    CHECK(p.tokens <= LS_CLIP_MAX_TOKENS);
    const char *s = strstr(p.positive, ", digital painting");
    REQUIRE(s);
    char *clean = ls_prompt_sanitize(scene);
    check_scene_cut(p.positive, clean, (size_t)(s - p.positive));
    longsd__free(clean);
    ls_prompt_clear(&p);
}

/* Whether s holds only words a cut may drop at the end of a scene. */
static int only_small_words(const char *s)
{
    static const char *const small[] = {"the", "and", "a", "onto", "upon", "his", "from", "under", "while", "in", "on"};
    char w[32];
    int n;
    while (sscanf(s, " %31s%n", w, &n) == 1) {
        size_t i = 0;
        while (i < sizeof small / sizeof small[0] && strcmp(w, small[i]) != 0)
            i++;
        if (i == sizeof small / sizeof small[0])
            return 0;
        s += n;
    }
    return 1;
}

TEST(build_quality_dropped_before_suffix)
{
    /* Grow the scene a word at a time: the last quality tag goes first,
     * while the scene and suffix are still whole. */
    const char *words[] = {
        "Tom",     "sat",      "on",        "the",     "old",       "fence",    "in",       "the",
        "warm",    "sun",      "watching",  "Ben",     "eat",       "his",      "red",      "apple",
        "while",   "the",      "river",     "shone",   "far",       "away",     "past",     "the",
        "village", "church",   "and",       "the",     "green",     "hills",    "beyond",   "them",
        "under",   "clouds",   "like",      "sails",   "over",      "a",        "blue",     "sea",
        "whitewash", "dripping", "slowly",  "from",    "the",       "brush",    "onto",     "dusty",
        "boards",  "melancholy", "settling", "upon",   "his",       "spirit",   "existence", "burdensome"};
    char scene[2048] = "";
    int seen_partial = 0;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        strcat(scene, i ? " " : "");
        strcat(scene, words[i]);
        ls_idea idea = make_idea("beginning-02", scene);
        ls_prompt p = {0};
        lserr err = {0};
        REQUIRE(ls_prompt_build(&idea, NULL, 0, longsd_builtin_style(0), &p, &err) == LONGSD_OK);
        CHECK(p.tokens <= LS_CLIP_MAX_TOKENS);
        if (!strstr(p.positive, "dramatic lighting") && strstr(p.positive, "masterpiece")) {
            seen_partial = 1;
            /* scene whole (but for trailing small words like "the", "onto")
             * and suffix whole while quality is only partly gone */
            /* (lexica modifiers, when the scene calls for them, sit between
             * the suffix and the quality tags) */
            const char *s = strstr(p.positive, ", digital painting, trending on artstation, highly detailed, ");
            REQUIRE(s);
            size_t len = (size_t)(s - p.positive);
            CHECK(strncmp(p.positive, scene, len) == 0);
            CHECK(only_small_words(scene + len));
        }
        ls_prompt_clear(&p);
    }
    CHECK(seen_partial);
}

TEST(build_lexica_from_the_scene)
{
    ls_idea idea = make_idea("end-03", "a fisherman rowing a boat on the sea, storm, night");
    ls_prompt p = {0};
    lserr err = {0};
    REQUIRE(ls_prompt_build(&idea, NULL, 0, longsd_builtin_style(0), &p, &err) == LONGSD_OK);
    /* storm before night before sea: light and weather first, at most three */
    CHECK_STR(p.lexica, "stormy sky, dramatic clouds; moonlit night, deep blue shadows; seascape, sea breeze");
    CHECK(strstr(p.positive, "highly detailed, stormy sky, dramatic clouds, moonlit night") != NULL);
    CHECK(p.tokens <= LS_CLIP_MAX_TOKENS);
    ls_prompt_clear(&p);
    /* nothing in the scene calls for one: none, and the same twice */
    idea = make_idea("end-04", "a man with a pencil");
    REQUIRE(ls_prompt_build(&idea, NULL, 0, longsd_builtin_style(0), &p, &err) == LONGSD_OK);
    CHECK_STR(p.lexica, "");
    ls_prompt_clear(&p);
}

TEST(build_with_cast)
{
    ls_character cast[3];
    memset(cast, 0, sizeof cast);
    cast[0].name = "Tom";
    cast[0].full_name = "Tom Sawyer";
    cast[0].description = "a barefoot boy of twelve in a straw hat";
    cast[1].name = "Aunt Polly";
    cast[1].full_name = "Aunt Polly";
    cast[1].description = "an old woman in spectacles (ugly:1.5)";
    cast[2].name = "Ben";
    cast[2].full_name = "Ben Rogers";
    cast[2].description = "";
    char *names[] = {"Tom", "Aunt Polly", "Tom Sawyer", "Ben"};
    ls_idea idea = make_idea("beginning-03", "Tom whitewashes the fence while Aunt Polly watches");
    idea.characters = names;
    idea.n_characters = 4;
    ls_prompt p = {0};
    lserr err = {0};
    REQUIRE(ls_prompt_build(&idea, cast, 3, longsd_builtin_style(0), &p, &err) == LONGSD_OK);
    CHECK_STR(p.positive, "Tom whitewashes the fence while Aunt Polly watches; a barefoot boy of twelve in a "
                          "straw hat; an old woman in spectacles ugly, digital painting, trending on "
                          "artstation, highly detailed, masterpiece, best quality, sharp focus, intricate details, "
                          "dramatic lighting");
    CHECK(p.tokens <= LS_CLIP_MAX_TOKENS);
    ls_prompt_clear(&p);
}

TEST(build_descriptions_dropped_before_suffix)
{
    ls_character cast[3];
    memset(cast, 0, sizeof cast);
    cast[0].name = "Tom";
    cast[0].description = "a barefoot boy of twelve with freckles, a torn straw hat, patched trousers and a wide grin";
    cast[1].name = "Becky";
    cast[1].description = "a girl with yellow hair in two long plaits, blue eyes and a white summer frock";
    cast[2].name = "Huck";
    cast[2].description = "a ragged boy in cast-off clothes, a huge ruin of a hat and a coat to his heels";
    char *names[] = {"Tom", "Becky", "Huck"};
    ls_idea idea = make_idea("end-04", FENCE);
    idea.characters = names;
    idea.n_characters = 3;
    ls_prompt p = {0};
    lserr err = {0};
    REQUIRE(ls_prompt_build(&idea, cast, 3, longsd_builtin_style(0), &p, &err) == LONGSD_OK);
    CHECK(p.tokens <= LS_CLIP_MAX_TOKENS);
    CHECK_CONTAINS(p.positive, "digital painting, trending on artstation, highly detailed");
    /* the scene keeps at least 8 words before the suffix is touched; here
     * at least one description had to go */
    CHECK(strstr(p.positive, "coat to his heels") == NULL);
    CHECK_CONTAINS(p.positive, "; a barefoot boy"); /* the first goes last */
    CHECK(strstr(p.positive, "Tom,") == NULL); /* never a name */
    const char *semi = strstr(p.positive, "; ");
    const char *s = strstr(p.positive, ", digital painting");
    char *clean = ls_prompt_sanitize(FENCE);
    check_scene_cut(p.positive, clean, (size_t)((semi && semi < s ? semi : s) - p.positive));
    longsd__free(clean);
    ls_prompt_clear(&p);
}

TEST(build_long_suffix_trimmed_for_scene)
{
    /* a user style whose suffix alone nearly fills the budget: the scene
     * keeps 8 words, the suffix is cut after a whole item */
    longsd_style st = {
        .name = "huge",
        .description = "",
        .suffix = "oil painting, in the manner of the old masters, dramatic chiaroscuro lighting, "
                  "rich deep colors, thick impasto brush strokes, gilded frame, museum collection, "
                  "varnished canvas, warm candlelight, baroque composition, detailed faces, flowing robes, "
                  "marble columns, velvet curtains, golden hour, atmospheric perspective, "
                  "ornate carved furniture, soft glow of oil lamps, renaissance palette, crackled glaze",
        .quality = "masterpiece",
        .negative = "text, watermark, signature, logo",
    };
    ls_idea idea = make_idea("part-01", FENCE);
    ls_prompt p = {0};
    lserr err = {0};
    REQUIRE(ls_prompt_build(&idea, NULL, 0, &st, &p, &err) == LONGSD_OK);
    CHECK(p.tokens <= LS_CLIP_MAX_TOKENS);
    const char *s = strstr(p.positive, ", oil painting");
    REQUIRE(s);
    size_t words = 1;
    for (const char *q = p.positive; q < s; q++)
        words += *q == ' ';
    CHECK(words >= 8);
    CHECK(strstr(p.positive, "crackled glaze") == NULL);
    /* the suffix part is a whole-item prefix of the style's suffix */
    const char *sfx = s + 2;
    CHECK(strncmp(sfx, st.suffix, strlen(sfx)) == 0);
    CHECK(st.suffix[strlen(sfx)] == ',');
    CHECK_STR(p.negative, "text, watermark, signature, logo");
    ls_prompt_clear(&p);
}

TEST(build_foreign_and_emoji_fit)
{
    const char *scene =
        "Dor wöör maal eens en Fischer un syne Fru, de waanden tosamen in'n Pisspott, dicht an der See, un de "
        "Fischer güng alle Dage hen un angeld: un he angeld un angeld. \xf0\x9f\x8c\x8a\xf0\x9f\x90\x9f "
        "\xe6\x9d\xb1\xe4\xba\xac\xe3\x81\xae\xe5\xa4\x9c\xe6\x99\xaf So satt he eens an de Angel un keek "
        "jümmer in das blanke Water herin";
    ls_idea idea = make_idea("beginning-01", scene);
    ls_prompt p = {0};
    lserr err = {0};
    for (size_t i = 0; i < longsd_n_builtin_styles(); i++) {
        REQUIRE(ls_prompt_build(&idea, NULL, 0, longsd_builtin_style(i), &p, &err) == LONGSD_OK);
        CHECK(p.tokens <= LS_CLIP_MAX_TOKENS);
        CHECK_CONTAINS(p.positive, longsd_builtin_style(i)->suffix);
        CHECK(lsutf8_validate(p.positive, strlen(p.positive)) == (size_t)-1);
        ls_prompt_clear(&p);
    }
}

TEST(build_empty_scene_is_an_error)
{
    const char *scenes[] = {"", "   ", "(( )) <lora:x:1> BREAK [ ]", NULL};
    for (size_t i = 0; i < sizeof scenes / sizeof scenes[0]; i++) {
        ls_idea idea = make_idea("middle-05", scenes[i]);
        ls_prompt p = {0};
        lserr err = {0};
        CHECK_INT(ls_prompt_build(&idea, NULL, 0, longsd_builtin_style(0), &p, &err), LONGSD_ERR_INPUT);
        CHECK_CONTAINS(err.msg, "middle-05");
        CHECK(p.positive == NULL && p.negative == NULL);
    }
}

TEST(build_pathological_scenes)
{
    /* one endless word, only small words, only punctuation, a URL */
    char big[600];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char mixed[700];
    snprintf(mixed, sizeof mixed, "%s Tom", big);
    const char *scenes[] = {mixed, "the and of a the", "!!! ??? ... ;;; ---",
                            "http://example.com/a/very/long/path/that/goes/on/and/on/forever.html boat"};
    for (size_t i = 0; i < sizeof scenes / sizeof scenes[0]; i++) {
        ls_idea idea = make_idea("part-09", scenes[i]);
        ls_prompt p = {0};
        lserr err = {0};
        longsd_status rc = ls_prompt_build(&idea, NULL, 0, longsd_builtin_style(0), &p, &err);
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_INPUT);
        if (rc == LONGSD_OK) {
            CHECK(p.tokens <= LS_CLIP_MAX_TOKENS);
            CHECK(p.positive[0] != ' ' && p.positive[0] != ',');
        }
        ls_prompt_clear(&p);
    }
}

TEST(build_survives_allocation_failures)
{
    ls_character cast[1];
    memset(cast, 0, sizeof cast);
    cast[0].name = "Tom";
    cast[0].description = "a barefoot boy";
    char *names[] = {"Tom"};
    ls_idea idea = make_idea("end-01", FENCE);
    idea.characters = names;
    idea.n_characters = 1;
    int ok = 0;
    /* the vocabulary is a process-wide cache: load it first, so the loop
     * fails the builder's own allocations */
    REQUIRE(ls_prompt_count_tokens("a") == 1);
    for (long n = 0; n < 2000 && !ok; n++) {
        ls_prompt p = {0};
        lserr err = {0};
        longsd__alloc_fail_after = n;
        longsd_status rc = ls_prompt_build(&idea, cast, 1, longsd_builtin_style(0), &p, &err);
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM);
        if (rc == LONGSD_OK)
            ok = 1;
        else
            CHECK(p.positive == NULL && p.negative == NULL);
        ls_prompt_clear(&p);
    }
    CHECK(ok);
}

/* ------------------------------------------------------------------------
 * User presets */

TEST(styles_file_valid_and_override)
{
    const char *json = "{\"styles\": ["
                       "{\"name\": \"sepia\", \"description\": \"Old photograph\", "
                       "\"suffix\": \"(sepia:1.3) photograph, 1890s, <lora:old:1>\", "
                       "\"quality\": \"grainy, detailed\", \"negative\": \"text, watermark, signature, logo, color\"},"
                       "{\"name\": \"ink\", \"negative\": \"color, BREAK blurry\"}"
                       "]}";
    ls_styles *st = NULL;
    lserr err = {0};
    REQUIRE(ls_styles_new(&st, &err) == LONGSD_OK);
    size_t n0 = ls_styles_count(st);
    const longsd_style *ink0 = ls_styles_find(st, "ink");
    char *ink_suffix = longsd__strdup(ink0->suffix);
    CHECK_INT(ls_styles_load_memory(st, "styles.json", json, strlen(json), &err), LONGSD_OK);
    CHECK_INT(ls_styles_count(st), n0 + 1);
    const longsd_style *s = ls_styles_find(st, "sepia");
    REQUIRE(s);
    CHECK_STR(s->suffix, "sepia photograph, 1890s");
    CHECK_STR(s->quality, "grainy, detailed");
    CHECK_STR(s->description, "Old photograph");
    const longsd_style *ink = ls_styles_find(st, "ink");
    REQUIRE(ink);
    CHECK_STR(ink->negative, "color, blurry");
    CHECK_STR(ink->suffix, ink_suffix); /* fields not given keep the built-in's */
    longsd__free(ink_suffix);

    /* the same through a file; a later file overrides an earlier one */
    const char *dir = t_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/styles.json", dir);
    const char *json2 = "{\"styles\": [{\"name\": \"sepia\", \"suffix\": \"daguerreotype\"}]}";
    t_write(path, json2, strlen(json2));
    CHECK_INT(ls_styles_load_file(st, path, &err), LONGSD_OK);
    CHECK_STR(ls_styles_find(st, "sepia")->suffix, "daguerreotype");
    CHECK_STR(ls_styles_find(st, "sepia")->quality, "grainy, detailed");
    CHECK_INT(ls_styles_count(st), n0 + 1);

    /* an empty list is fine */
    CHECK_INT(ls_styles_load_memory(st, "empty.json", "{\"styles\": []}", 14, &err), LONGSD_OK);
    ls_styles_free(st);
}

TEST(styles_file_errors)
{
    static const struct {
        const char *json;
        longsd_status code;
        const char *msg;
    } rows[] = {
        {"{\"styles\":[{\"name\":\"a\",\"suffix\":\"x\"},{\"name\":\"b\"},{\"name\":\"c\",\"suffix\":5}]}",
         LONGSD_ERR_PARAM, "styles.json: styles[2].suffix: expected a string"},
        {"{\"styles\":[{\"name\":\"a\",\"negative\":null}]}", LONGSD_ERR_PARAM,
         "styles.json: styles[0].negative: expected a string"},
        {"{\"styles\": [", LONGSD_ERR_PARAM, "styles.json: line 1, column "},
        {"", LONGSD_ERR_PARAM, "styles.json: line "},
        {"[]", LONGSD_ERR_PARAM, "styles.json: expected an object {\"styles\": [...]}"},
        {"{\"presets\": []}", LONGSD_ERR_PARAM, "styles.json: expected an object {\"styles\": [...]}"},
        {"{\"styles\": {}}", LONGSD_ERR_PARAM, "styles.json: styles: expected an array of presets"},
        {"{\"styles\": [5]}", LONGSD_ERR_PARAM, "styles.json: styles[0]: expected an object"},
        {"{\"styles\": [{\"suffix\": \"x\"}]}", LONGSD_ERR_PARAM, "styles.json: styles[0].name: missing"},
        {"{\"styles\": [{\"name\": 7}]}", LONGSD_ERR_PARAM, "styles.json: styles[0].name: expected a string"},
        {"{\"styles\": [{\"name\": \"Bad Name\"}]}", LONGSD_ERR_PARAM,
         "styles.json: styles[0].name: \"Bad Name\" is not a valid name (1 to 32 of a-z, 0-9, '-' and '_')"},
        {"{\"styles\": [{\"name\": \"\"}]}", LONGSD_ERR_PARAM, "styles.json: styles[0].name: \"\" is not a valid name"},
        {"{\"styles\": [{\"name\": \"abcdefghijabcdefghijabcdefghijabc\"}]}", LONGSD_ERR_PARAM,
         "styles[0].name: \"abcdefghijabcdefghijabcdefghijabc\" is not a valid name"},
        {"{\"styles\": [{\"name\": \"a\", \"sufix\": \"x\"}]}", LONGSD_ERR_PARAM,
         "styles.json: styles[0].sufix: unknown field (known: name, description, suffix, quality, negative)"},
        {"{\"styles\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}", LONGSD_ERR_PARAM,
         "styles.json: styles[1].name: \"a\" is already defined by styles[0]"},
        {"{\"styles\": [{\"name\": \"a\", \"name\": \"b\"}]}", LONGSD_ERR_PARAM, "styles.json: line 1"},
    };
    ls_styles *st = NULL;
    lserr err = {0};
    REQUIRE(ls_styles_new(&st, &err) == LONGSD_OK);
    size_t n0 = ls_styles_count(st);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        lserr_clear(&err);
        longsd_status rc = ls_styles_load_memory(st, "styles.json", rows[i].json, strlen(rows[i].json), &err);
        CHECK_INT(rc, rows[i].code);
        CHECK_CONTAINS(err.msg, rows[i].msg);
        if (strncmp(err.msg, "styles.json: ", 13) != 0)
            fprintf(stderr, "  message does not start with the file name: %s\n", err.msg);
        CHECK(strncmp(err.msg, "styles.json: ", 13) == 0);
        /* a failed load changes nothing */
        CHECK_INT(ls_styles_count(st), n0);
        CHECK_STR(ls_styles_find(st, "artstation")->suffix, longsd_builtin_style(0)->suffix);
    }
    /* a valid preset before a bad one is not applied either */
    const char *half = "{\"styles\": [{\"name\": \"artstation\", \"suffix\": \"x\"}, {\"name\": \"B\"}]}";
    CHECK_INT(ls_styles_load_memory(st, "styles.json", half, strlen(half), &err), LONGSD_ERR_PARAM);
    CHECK_STR(ls_styles_find(st, "artstation")->suffix, longsd_builtin_style(0)->suffix);

    /* too long a field */
    char big[LS_STYLES_MAX_FIELD + 100];
    int k = snprintf(big, sizeof big, "{\"styles\": [{\"name\": \"a\", \"negative\": \"");
    memset(big + k, 'x', LS_STYLES_MAX_FIELD + 1);
    snprintf(big + k + LS_STYLES_MAX_FIELD + 1, sizeof big - (size_t)k - LS_STYLES_MAX_FIELD - 1, "\"}]}");
    CHECK_INT(ls_styles_load_memory(st, "styles.json", big, strlen(big), &err), LONGSD_ERR_PARAM);
    CHECK_CONTAINS(err.msg, "styles.json: styles[0].negative: too long (1025 bytes, at most 1024)");

    /* a missing file names the path */
    const char *dir = t_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/nope.json", dir);
    CHECK_INT(ls_styles_load_file(st, path, &err), LONGSD_ERR_IO);
    CHECK_CONTAINS(err.msg, path);
    /* and errors from a file name the file */
    snprintf(path, sizeof path, "%s/styles.json", dir);
    t_write(path, rows[0].json, strlen(rows[0].json));
    CHECK_INT(ls_styles_load_file(st, path, &err), LONGSD_ERR_PARAM);
    char want[600];
    snprintf(want, sizeof want, "%s: styles[2].suffix: expected a string", path);
    CHECK_STR(err.msg, want);
    ls_styles_free(st);
}

TEST(styles_survive_allocation_failures)
{
    const char *json = "{\"styles\": [{\"name\": \"sepia\", \"suffix\": \"sepia photograph\"},"
                       "{\"name\": \"ink\", \"negative\": \"color\"}]}";
    int ok = 0;
    for (long n = 0; n < 500 && !ok; n++) {
        ls_styles *st = NULL;
        lserr err = {0};
        longsd__alloc_fail_after = n;
        longsd_status rc = ls_styles_new(&st, &err);
        if (rc == LONGSD_OK)
            rc = ls_styles_load_memory(st, "s.json", json, strlen(json), &err);
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM);
        if (rc == LONGSD_OK) {
            ok = 1;
            CHECK(ls_styles_find(st, "sepia") != NULL);
        } else if (st) {
            /* a failed load leaves the set as it was */
            CHECK(ls_styles_find(st, "sepia") == NULL);
        }
        ls_styles_free(st);
    }
    CHECK(ok);
}

/* ------------------------------------------------------------------------
 * Seeds */

TEST(seed_golden_and_spread)
{
    const char *sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const char *sha2 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856";
    /* golden values: a change here changes every user's images */
    CHECK_INT(ls_prompt_seed(sha, "beginning-01"), 3666275027u);
    CHECK_INT(ls_prompt_seed(sha, "end-05"), 2787373236u);
    CHECK_INT(ls_prompt_seed("", ""), 3068954791u);
    CHECK_INT(ls_prompt_seed(NULL, NULL), 3068954791u);
    CHECK(ls_prompt_seed(sha, "beginning-01") == ls_prompt_seed(sha, "beginning-01"));
    CHECK(ls_prompt_seed(sha, "beginning-01") != ls_prompt_seed(sha, "beginning-02"));
    CHECK(ls_prompt_seed(sha, "beginning-01") != ls_prompt_seed(sha2, "beginning-01"));
    CHECK(ls_prompt_seed("ab", "c") != ls_prompt_seed("a", "bc"));
    /* 1000 ids: all in range, (nearly) all different */
    static uint32_t seen[1000];
    size_t collisions = 0;
    for (int i = 0; i < 1000; i++) {
        char id[48];
        snprintf(id, sizeof id, "part-%02d-%02d", i / 100, i % 100);
        uint32_t s = ls_prompt_seed(sha, id);
        CHECK(s <= 4294967294u);
        for (int j = 0; j < i; j++)
            collisions += seen[j] == s;
        seen[i] = s;
    }
    CHECK(collisions == 0);
}

TEST(build_descriptions_never_names_nor_twice)
{
    /* a description already in the scene (the subject) is not repeated,
     * two the same are said once, and no name goes in */
    ls_character cast[3];
    memset(cast, 0, sizeof cast);
    cast[0].name = "Tom";
    cast[0].description = "a boy in a straw hat";
    cast[1].name = "Joe";
    cast[1].description = "a man";
    cast[2].name = "Sid";
    cast[2].description = "a man";
    char *names[] = {"Tom", "Joe", "Sid"};
    ls_idea idea = make_idea("end-05", "a boy in a straw hat whitewashing a fence, summer");
    idea.characters = names;
    idea.n_characters = 3;
    ls_prompt p = {0};
    lserr err = {0};
    REQUIRE(ls_prompt_build(&idea, cast, 3, longsd_builtin_style(0), &p, &err) == LONGSD_OK);
    CHECK(strncmp(p.positive, "a boy in a straw hat whitewashing a fence, summer; a man, digital painting", 73) == 0);
    CHECK(strstr(p.positive, "Tom") == NULL && strstr(p.positive, "Joe") == NULL && strstr(p.positive, "Sid") == NULL);
    ls_prompt_clear(&p);
}

RUN_TESTS(build_lexica_from_the_scene, builtins_well_formed, styles_set_find, token_estimate_table, sanitize_table,
          build_short_scene_keeps_everything, build_long_scene_fits_on_whole_word, build_prefers_clause_boundary,
          build_quality_dropped_before_suffix, build_with_cast, build_descriptions_dropped_before_suffix,
          build_long_suffix_trimmed_for_scene, build_foreign_and_emoji_fit, build_empty_scene_is_an_error,
          build_pathological_scenes, build_survives_allocation_failures, styles_file_valid_and_override,
          styles_file_errors, styles_survive_allocation_failures, seed_golden_and_spread,
          build_descriptions_never_names_nor_twice)
