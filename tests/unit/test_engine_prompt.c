/* test_engine_prompt.c - A1111's prompt syntax in the engine against the
 * independent Python reference of tests/engine/make_prompt_fixtures.py:
 * the parsed pieces and their weights (exactly, doubles), the 77-token
 * chunks and multipliers (exactly), the weighted text-encoder output of
 * each prompt (float64 reference) and a whole Euler a run with a 3-chunk
 * weighted prompt, a padded 1-chunk negative prompt and torch CPU noise
 * (diffusers' pipeline fed those embeddings). */
#include <jansson.h>
#include <math.h>

#include "prompt_weights.h"
#include "safetensors.h"
#include "sd.h"
#include "t.h"
#include "t_engine.h"

#define MODEL "tests/engine/tiny-sd"
#define REF "tests/engine/ref_prompt.safetensors"

static float *load(const char *name, size_t *n) { return t_load_tensor(REF, name, n, 0); }

TEST(parse_matches_reference)
{
    json_error_t je;
    json_t *root = json_load_file("tests/engine/prompt_parse.json", 0, &je);
    REQUIRE(root);
    const char *prompt;
    json_t *want;
    int n_cases = 0;
    json_object_foreach(root, prompt, want)
    {
        n_cases++;
        sdpw_list l;
        lserr err = {0};
        longsd_status rc = sdpw_parse(prompt, &l, &err);
        if (json_is_object(want)) {
            if (rc != LONGSD_ERR_PARAM)
                fprintf(stderr, "  \"%s\": parsed, expected an error\n", prompt);
            CHECK(rc == LONGSD_ERR_PARAM);
            CHECK_CONTAINS(err.msg, "at byte");
            continue;
        }
        REQUIRE(rc == LONGSD_OK);
        int same = l.n == json_array_size(want);
        for (size_t i = 0; same && i < l.n; i++) {
            json_t *p = json_array_get(want, i);
            same = strcmp(l.v[i].text, json_string_value(json_array_get(p, 0))) == 0 &&
                   l.v[i].weight == json_number_value(json_array_get(p, 1));
        }
        if (!same) {
            fprintf(stderr, "  \"%s\":", prompt);
            for (size_t i = 0; i < l.n; i++)
                fprintf(stderr, " [\"%s\", %.17g]", l.v[i].text, l.v[i].weight);
            fprintf(stderr, "\n");
        }
        CHECK(same);
        sdpw_list_free(&l);
    }
    CHECK(n_cases > 40);
    json_decref(root);
}

TEST(chunks_match_reference)
{
    json_error_t je;
    json_t *root = json_load_file("tests/engine/prompt_chunks.json", 0, &je);
    REQUIRE(root);
    sdtok *tok = NULL;
    lserr err = {0};
    REQUIRE(sdtok_load_dir(MODEL "/tokenizer", &tok, &err) == LONGSD_OK);
    json_t *prompts = json_object_get(root, "prompts"), *chunks = json_object_get(root, "chunks");
    size_t i;
    json_t *jp;
    json_array_foreach(prompts, i, jp)
    {
        const char *p = json_string_value(jp);
        json_t *want = json_object_get(chunks, p);
        sdpw_chunks c;
        REQUIRE(sdpw_chunk(tok, p, &c, &err) == LONGSD_OK);
        CHECK_INT(c.n, json_array_size(want));
        for (int k = 0; k < c.n && k < (int)json_array_size(want); k++) {
            json_t *ids = json_object_get(json_array_get(want, k), "ids"),
                   *mult = json_object_get(json_array_get(want, k), "mult");
            int bad = 0;
            for (int t = 0; t < 77; t++)
                bad += c.ids[k * 77 + t] != json_integer_value(json_array_get(ids, t)) ||
                       c.mult[k * 77 + t] != (float)json_number_value(json_array_get(mult, t));
            if (bad)
                fprintf(stderr, "  prompt %zu chunk %d: %d tokens differ\n", i, k, bad);
            CHECK_INT(bad, 0);
        }
        sdpw_chunks_free(&c);
    }
    sdtok_free(tok);
    json_decref(root);
}

TEST(weighted_encoding_matches_reference)
{
    json_error_t je;
    json_t *root = json_load_file("tests/engine/prompt_chunks.json", 0, &je);
    REQUIRE(root);
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, MODEL) == LONGSD_OK);
    size_t i;
    json_t *jp;
    json_array_foreach(json_object_get(root, "prompts"), i, jp)
    {
        char name[32];
        snprintf(name, sizeof name, "hidden_%zu", i);
        size_t n;
        float *ref = load(name, &n), *h = NULL;
        int nc = 0;
        REQUIRE(longsd_sd_encode_prompt(sd, json_string_value(jp), &h, &nc) == LONGSD_OK);
        CHECK_INT((size_t)nc * 77 * 32, n);
        double e = rel_err(h, ref, n);
        if (!(e < 1e-5))
            fprintf(stderr, "  prompt %zu: rel err %.3g\n", i, e);
        CHECK(e < 1e-5);
        longsd_free(h);
        free(ref);
    }
    longsd_sd_free(sd);
    json_decref(root);
}

TEST(plain_prompt_is_the_same_encoding_under_75_tokens)
{
    /* without syntax, A1111's reading is diffusers' one: bit for bit */
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, MODEL) == LONGSD_OK);
    const char *p = "a lighthouse at dusk: waves, gulls and rain";
    float plain[77 * 32], *h = NULL;
    int nc = 0;
    REQUIRE(longsd_sd_encode_text(sd, p, plain) == LONGSD_OK);
    REQUIRE(longsd_sd_encode_prompt(sd, p, &h, &nc) == LONGSD_OK);
    CHECK_INT(nc, 1);
    CHECK(memcmp(plain, h, sizeof plain) == 0);
    longsd_free(h);
    /* and a weight changes it */
    REQUIRE(longsd_sd_encode_prompt(sd, "a lighthouse at (dusk:1.4): waves, gulls and rain", &h, &nc) == LONGSD_OK);
    CHECK(memcmp(plain, h, sizeof plain) != 0);
    longsd_free(h);
    longsd_sd_free(sd);
}

TEST(pipeline_with_weights_chunks_and_torch_noise)
{
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdst_open(REF, &f, &err) == LONGSD_OK);
    const char *pos = sdst_meta(f, "pipe_prompt"), *neg = sdst_meta(f, "pipe_negative");
    REQUIRE(pos && neg);
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, MODEL) == LONGSD_OK);
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = pos;
    p.negative_prompt = neg;
    p.width = 24;
    p.height = 16;
    p.steps = 4;
    p.cfg_scale = 7.5f;
    p.sampler = LONGSD_SAMPLER_EULER_A;
    p.seed = 1234;
    p.rng = LONGSD_RNG_CPU;
    size_t n;
    float *ref = load("pipe_latents", &n), lat[4 * 8 * 12];
    REQUIRE(n == 4 * 8 * 12);
    REQUIRE(longsd_sd_generate(sd, &p, lat, NULL) == LONGSD_OK);
    double e = rel_err(lat, ref, n);
    fprintf(stderr, "  final latents rel err %.3g\n", e);
    CHECK(e < 1e-4);
    /* the plain reading (diffusers' truncation) is another picture */
    p.plain_prompt = 1;
    REQUIRE(longsd_sd_generate(sd, &p, lat, NULL) == LONGSD_OK);
    CHECK(rel_err(lat, ref, n) > 1e-3);
    free(ref);
    longsd_sd_free(sd);
    sdst_close(f);
}

TEST(errors_and_limits)
{
    sdtok *tok = NULL;
    lserr err = {0};
    REQUIRE(sdtok_load_dir(MODEL "/tokenizer", &tok, &err) == LONGSD_OK);
    sdpw_chunks c;
    CHECK(sdpw_chunk(tok, "a (cat:1.2.3) b", &c, &err) == LONGSD_ERR_PARAM);
    CHECK_CONTAINS(err.msg, "\"1.2.3\" at byte 7");
    CHECK(sdpw_chunk(tok, "bad \xff utf-8", &c, &err) == LONGSD_ERR_ENCODING);
    /* 33 BREAKs make 34 chunks: over the cap, refused, nothing leaked */
    char many[33 * 8 + 1] = "";
    for (int i = 0; i < 33; i++)
        strcat(many, "a BREAK ");
    CHECK(sdpw_chunk(tok, many, &c, &err) == LONGSD_ERR_TOO_BIG);
    CHECK_CONTAINS(err.msg, "more than 32 chunks");
    /* one word of 3000 tokens, too */
    char *big = malloc(3001 * 2 + 1);
    for (int i = 0; i < 3000; i++)
        memcpy(big + 2 * i, "x ", 2);
    big[6000] = '\0';
    CHECK(sdpw_chunk(tok, big, &c, &err) == LONGSD_ERR_TOO_BIG);
    free(big);
    /* 100 brackets deep is a weight of 1.1^100; 1000 overflow a float */
    char deep[2 * 5000 + 2];
    memset(deep, '(', 100);
    deep[100] = 'a';
    memset(deep + 101, ')', 100);
    deep[201] = '\0';
    REQUIRE(sdpw_chunk(tok, deep, &c, &err) == LONGSD_OK);
    CHECK_INT(c.n, 1);
    CHECK(fabsf(c.mult[1] - 13780.6123f) < 0.01f);
    sdpw_chunks_free(&c);
    memset(deep, '(', 5000);
    deep[5000] = 'a';
    memset(deep + 5001, ')', 5000);
    deep[10001] = '\0';
    CHECK(sdpw_chunk(tok, deep, &c, &err) == LONGSD_ERR_PARAM);
    CHECK_CONTAINS(err.msg, "out of range");
    sdtok_free(tok);
}

RUN_TESTS(parse_matches_reference, chunks_match_reference, weighted_encoding_matches_reference,
          plain_prompt_is_the_same_encoding_under_75_tokens, pipeline_with_weights_chunks_and_torch_noise,
          errors_and_limits)
