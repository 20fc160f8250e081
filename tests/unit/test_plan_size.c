/* test_plan_size.c - the image size a plan is drawn at: longsd_model_default_size
 * for each family of the tiny fixtures (and a refusal for what draws
 * nothing), and longsd_plan_params.size_given: an asked size is used, a
 * size only given as a default makes a new plan's size and leaves an
 * existing plan's alone, so its seeds and pictures stay. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "longsd.h"
#include "t.h"

static void copy_file(const char *from, const char *to)
{
    size_t n;
    char *d = t_slurp(from, &n);
    REQUIRE(d);
    FILE *f = fopen(to, "wb");
    REQUIRE(f && fwrite(d, 1, n, f) == n);
    fclose(f);
    free(d);
}

TEST(default_size_by_family)
{
    longsd_ctx *ctx = longsd_ctx_new();
    int w = 0, h = 0;
    REQUIRE(longsd_model_default_size(ctx, "tests/engine/tiny-sd", &w, &h) == LONGSD_OK);
    CHECK(w == 768 && h == 512);
    REQUIRE(longsd_model_default_size(ctx, "tests/engine/tiny-sd2", &w, &h) == LONGSD_OK);
    CHECK(w == 768 && h == 512); /* sample_size 8: not a 768-v model */
    REQUIRE(longsd_model_default_size(ctx, "tests/engine/tiny-sdxl", &w, &h) == LONGSD_OK);
    CHECK(w == 1216 && h == 832);
    REQUIRE(longsd_model_default_size(ctx, "tests/engine/gguf/tiny-sdxl-f16.gguf", &w, &h) == LONGSD_OK);
    CHECK(w == 1216 && h == 832);
    REQUIRE(longsd_model_default_size(ctx, "tests/engine/gguf/tiny-q8_0.gguf", &w, &h) == LONGSD_OK);
    CHECK(w == 768 && h == 512);
    /* a TAESD draws nothing by itself: refused, with the old default */
    w = h = 0;
    CHECK_INT(longsd_model_default_size(ctx, "tests/engine/tiny-taesd", &w, &h), LONGSD_ERR_UNSUPPORTED);
    CHECK(w == 768 && h == 512);
    CHECK(strstr(longsd_errmsg(ctx), "tiny-taesd: no Stable Diffusion model") != NULL);
    CHECK(strstr(longsd_errmsg(ctx), "--size WxH") != NULL);
    CHECK_INT(longsd_model_default_size(ctx, "tests/engine/no-such-model", &w, &h), LONGSD_ERR_NOT_FOUND);
    CHECK(strstr(longsd_errmsg(ctx), "no-such-model: no such file or folder") != NULL);
    longsd_ctx_free(ctx);
}

/* A Turbo scheduler (trailing timesteps) makes a 512^2 model of either
 * family; an SDXL config file of a folder copied into the temp dir. */
TEST(turbo_scheduler_means_512_area)
{
    longsd_ctx *ctx = longsd_ctx_new();
    char d[600], p[700];
    snprintf(d, sizeof d, "%s/turbo", t_tmpdir());
    REQUIRE(mkdir(d, 0755) == 0);
    snprintf(p, sizeof p, "%s/scheduler", d);
    REQUIRE(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/model_index.json", d);
    copy_file("tests/engine/tiny-sdxl/model_index.json", p);
    snprintf(p, sizeof p, "%s/scheduler/scheduler_config.json", d);
    FILE *f = fopen(p, "w");
    REQUIRE(f);
    fputs("{\"_class_name\": \"EulerAncestralDiscreteScheduler\", \"timestep_spacing\": \"trailing\"}", f);
    fclose(f);
    int w = 0, h = 0;
    REQUIRE(longsd_model_default_size(ctx, d, &w, &h) == LONGSD_OK);
    CHECK(w == 640 && h == 448);
    longsd_ctx_free(ctx);
}

static void first_size(const longsd_plan *plan, int *w, int *h)
{
    longsd_idea_info ii;
    REQUIRE(longsd_plan_n_ideas(plan) > 0 && longsd_plan_idea(plan, 0, &ii) == LONGSD_OK);
    *w = ii.width;
    *h = ii.height;
    for (size_t i = 1; i < longsd_plan_n_ideas(plan); i++) { /* one size for every idea */
        REQUIRE(longsd_plan_idea(plan, i, &ii) == LONGSD_OK);
        CHECK(ii.width == *w && ii.height == *h);
    }
}

TEST(a_plan_keeps_its_size_unless_one_is_asked)
{
    size_t n;
    char *text = t_slurp("tests/corpus/en-twain1-ch2-fence.txt", &n);
    REQUIRE(text);
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_story *s = NULL;
    REQUIRE(longsd_story_load_memory(ctx, "fence.txt", text, n, NULL, &s) == LONGSD_OK);
    longsd_plan *plan = NULL;
    longsd_plan_params pp = longsd_plan_default_params();
    CHECK_INT(pp.size_given, 1); /* callers from before size_given get what they ask */
    pp.size_given = 0;           /* a model's default makes a new plan's size */
    pp.width = 1216;
    pp.height = 832;
    unsigned redone = 0;
    int w, h;
    REQUIRE(longsd_plan_update(ctx, &plan, "fence", "fence.txt", s, &pp, &redone) == LONGSD_OK);
    first_size(plan, &w, &h);
    CHECK(w == 1216 && h == 832);
    longsd_idea_info ii;
    REQUIRE(longsd_plan_idea(plan, 0, &ii) == LONGSD_OK);
    uint32_t seed = ii.seed;
    /* another default (another model, or none): the plan keeps 1216x832,
     * its seeds, and redoes nothing */
    pp.width = 768;
    pp.height = 512;
    REQUIRE(longsd_plan_update(ctx, &plan, "fence", "fence.txt", s, &pp, &redone) == LONGSD_OK);
    CHECK_INT(redone, 0);
    first_size(plan, &w, &h);
    CHECK(w == 1216 && h == 832);
    REQUIRE(longsd_plan_idea(plan, 0, &ii) == LONGSD_OK);
    CHECK_INT(ii.seed, seed);
    /* the same through a save and a load: the size is the plan's own */
    char *js = longsd_plan_to_json(plan);
    REQUIRE(js);
    longsd_plan_free(plan);
    plan = NULL;
    REQUIRE(longsd_plan_load_memory(ctx, "fence.json", js, strlen(js), &plan) == LONGSD_OK);
    longsd_free(js);
    REQUIRE(longsd_plan_update(ctx, &plan, "fence", "fence.txt", s, &pp, &redone) == LONGSD_OK);
    CHECK_INT(redone, 0);
    first_size(plan, &w, &h);
    CHECK(w == 1216 && h == 832);
    /* an asked size wins: every idea at it, the prompts stage (seeds) redone */
    pp.size_given = 1;
    REQUIRE(longsd_plan_update(ctx, &plan, "fence", "fence.txt", s, &pp, &redone) == LONGSD_OK);
    CHECK(redone & LONGSD_STAGE_PROMPTS);
    first_size(plan, &w, &h);
    CHECK(w == 768 && h == 512);
    REQUIRE(longsd_plan_idea(plan, 0, &ii) == LONGSD_OK);
    CHECK(ii.seed != seed);
    longsd_plan_free(plan);
    longsd_story_free(s);
    longsd_ctx_free(ctx);
    free(text);
}

RUN_TESTS(default_size_by_family, turbo_scheduler_means_512_area, a_plan_keeps_its_size_unless_one_is_asked)
