/* test_plan_fields.c - every field the plan reader refuses, one row each:
 * an edit of tests/data/plan-min.json (the first occurrence of `from`
 * replaced by `to`) and the field path plus reason the error must name.
 * A row per bound, on both sides where the reader has two, and the values
 * just inside each bound must still load (the "ok" rows). */
#include "plan.h"
#include "t.h"

typedef struct {
    const char *from, *to;
    const char *want; /* NULL: must load */
} edit;

static const edit rows[] = {
    /* image paths stay inside the workspace */
    {"images/fence/beginning-01-tom.png", "/etc/passwd", "ideas[0].image.file: must be a relative path inside"},
    {"images/fence/beginning-01-tom.png", "images/../../x.png", "ideas[0].image.file: must be a relative path inside"},
    {"images/fence/beginning-01-tom.png", "images/fence/b.png", NULL},
    /* spans: an end before its start */
    {"\"start\": 0, \"end\": 48", "\"start\": 10, \"end\": 9", "ideas[0].anchor.end: 9 is out of range [10,"},
    {"\"start\": 0, \"end\": 48", "\"start\": 10, \"end\": 10", NULL},
    {"\"start\": 61, \"end\": 120", "\"start\": 61, \"end\": 60", "parts[1].end: 60 is out of range [61,"},
    {"\"start\": 61, \"end\": 120", "\"start\": 61, \"end\": 61", NULL},
    {"\"anchor\": {\"paragraph\": 0,", "\"anchor\": 5, \"x\": {\"paragraph\": 0,", "ideas[0].anchor: expected an object"},
    {"\"anchor\": {\"paragraph\": 0, \"start\": 0", "\"anchor\": {\"paragraph\": -1, \"start\": 0",
     "ideas[0].anchor.paragraph: -1 is out of range"},
    /* integer bounds, above and below */
    {"\"steps\": 30, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"",
     "\"steps\": 1001, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"",
     "ideas[0].prompt.steps: 1001 is out of range [1, 1000]"},
    {"\"steps\": 30, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"",
     "\"steps\": 1000, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"", NULL},
    {"\"steps\": 30, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"",
     "\"steps\": 0, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"", "ideas[0].prompt.steps: 0 is out of range"},
    {"\"seed\": 4000000000", "\"seed\": 4294967296", "ideas[0].prompt.seed: 4294967296 is out of range"},
    {"\"seed\": 4000000000", "\"seed\": 4294967295", NULL},
    {"\"tokens\": 14", "\"tokens\": 1001", "ideas[0].prompt.tokens: 1001 is out of range"},
    {"\"width\": 768, \"height\": 512, \"steps\": 30, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"",
     "\"width\": 63, \"height\": 512, \"steps\": 30, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"",
     "ideas[0].prompt.width: 63 is out of range [64, 8192]"},
    {"\"width\": 768, \"height\": 512, \"steps\": 30, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"",
     "\"width\": 64, \"height\": 512, \"steps\": 30, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"", NULL},
    {"\"height\": 512, \"steps\": 30, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"",
     "\"height\": 8193, \"steps\": 30, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"",
     "ideas[0].prompt.height: 8193 is out of range [64, 8192]"},
    {"\"parts\": 2,", "\"parts\": 0,", "settings.parts: 0 is out of range [1, 1000]"},
    {"\"parts\": 2,", "\"parts\": 1001,", "settings.parts: 1001 is out of range [1, 1000]"},
    {"\"ideas_per_part\": 1", "\"ideas_per_part\": 0", "settings.ideas_per_part: 0 is out of range [1, 100]"},
    {"\"ideas_per_part\": 1", "\"ideas_per_part\": 101", "settings.ideas_per_part: 101 is out of range [1, 100]"},
    {"\"ideas_per_part\": 1", "\"ideas_per_part\": 100", NULL},
    {"\"height\": 512, \"steps\": 30, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\"}",
     "\"height\": 9000, \"steps\": 30, \"cfg_scale\": 7.0, \"sampler\": \"Euler a\"}",
     "settings.height: 9000 is out of range"},
    {"\"ideas_wanted\": 1}", "\"ideas_wanted\": 1001}", "parts[0].ideas_wanted: 1001 is out of range [0, 1000]"},
    {"\"version\": 1", "\"version\": 0", "version: 0 is out of range"},
    /* numbers */
    {"\"cfg_scale\": 7.0, \"sampler\": \"Euler a\"}", "\"cfg_scale\": 100.5, \"sampler\": \"Euler a\"}",
     "settings.cfg_scale: out of range"},
    {"\"cfg_scale\": 7.0, \"sampler\": \"Euler a\"}", "\"cfg_scale\": -0.5, \"sampler\": \"Euler a\"}",
     "settings.cfg_scale: out of range"},
    {"\"cfg_scale\": 7.0, \"sampler\": \"Euler a\"}", "\"cfg_scale\": 100, \"sampler\": \"Euler a\"}", NULL},
    {"\"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"style\"", "\"cfg_scale\": \"7\", \"sampler\": \"Euler a\", \"style\"",
     "ideas[0].prompt.cfg_scale: expected a number"},
    /* the noise source (issue 12): one of three names, in an idea and in the settings */
    {"\"sampler\": \"Euler a\", \"style\"", "\"sampler\": \"Euler a\", \"rng\": \"gpu\", \"style\"",
     "ideas[0].prompt.rng: expected \"native\", \"cpu\" or \"cuda\""},
    {"\"sampler\": \"Euler a\", \"style\"", "\"sampler\": \"Euler a\", \"rng\": 1, \"style\"",
     "ideas[0].prompt.rng: expected a string"},
    {"\"sampler\": \"Euler a\", \"style\"", "\"sampler\": \"Euler a\", \"rng\": \"CUDA\", \"style\"", NULL},
    {"\"cfg_scale\": 7.0, \"sampler\": \"Euler a\"}", "\"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"rng\": \"x\"}",
     "settings.rng: expected"},
    {"\"cfg_scale\": 7.0, \"sampler\": \"Euler a\"}", "\"cfg_scale\": 7.0, \"sampler\": \"Euler a\", \"rng\": \"cpu\"}",
     NULL},
    /* types */
    {"\"by_chapter\": false", "\"by_chapter\": 0", "settings.by_chapter: expected true or false"},
    {"\"by_chapter\": false", "\"by_chapter\": true", NULL},
    {"\"name\": \"fence\"", "\"name\": 7", "name: expected a string"},
    {"\"name\": \"fence\"", "\"nom\": \"fence\"", "name: missing"},
    {"\"characters\": [\"Tom\"]", "\"characters\": \"Tom\"", "ideas[0].characters: expected an array of strings"},
    {"\"source\": {\"path\"", "\"source\": 1, \"x\": {\"path\"", "source: expected an object"},
    {"\"settings\": {\"parts\"", "\"settings\": [], \"x\": {\"parts\"", "settings: expected an object"},
    {"\"prompt\": {\"positive\": \"Tom", "\"prompt\": [], \"x\": {\"positive\": \"Tom", "ideas[0].prompt: expected an object"},
    {"\"image\": {\"state\": \"done\"", "\"image\": 3, \"x\": {\"state\": \"done\"", "ideas[0].image: expected an object"},
    {"\"positive\": \"Tom", "\"negative_only\": \"Tom", "ideas[0].prompt.positive: missing"},
    /* the source hash: 64 lower-case hex digits, no fewer */
    {"0123456789abcdef\"}", "0123456789abcde\"}", "source.sha256: expected 64 lower-case hex digits"},
    {"\"sha256\": \"0123", "\"sha256\": \"A123", "source.sha256: expected 64 lower-case hex digits"},
    /* ids fit their buffer (47 bytes and the NUL) */
    {"\"id\": \"end-01\"", "\"id\": \"end-0123456789012345678901234567890123456789012\"", NULL},
    {"\"id\": \"end-01\"", "\"id\": \"end-01234567890123456789012345678901234567890123\"", "ideas[1].id: too long"},
    {"\"ideas\": [", "\"ideas\": 3, \"x\": [", "ideas: expected an array"},
};

static char *edited(const char *js, const edit *e)
{
    const char *at = strstr(js, e->from);
    if (!at)
        return NULL;
    size_t n = strlen(js), nf = strlen(e->from), nt = strlen(e->to);
    char *mod = malloc(n - nf + nt + 1);
    REQUIRE(mod);
    memcpy(mod, js, (size_t)(at - js));
    memcpy(mod + (at - js), e->to, nt);
    strcpy(mod + (at - js) + nt, at + nf);
    return mod;
}

TEST(every_refused_field)
{
    char *js = t_slurp("tests/data/plan-min.json", NULL);
    REQUIRE(js);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const edit *e = &rows[i];
        char *mod = edited(js, e);
        if (!mod) {
            fprintf(stderr, "  row %zu: \"%s\" is not in the fixture\n", i, e->from);
            t_failed_checks++;
            continue;
        }
        lserr err = {0};
        longsd_plan *p = NULL;
        longsd_status rc = ls_plan_parse("plan.json", mod, strlen(mod), &p, &err);
        if (!e->want) {
            if (rc != LONGSD_OK || !p) {
                fprintf(stderr, "  row %zu (%s): refused: %s\n", i, e->to, err.msg);
                t_failed_checks++;
            }
        } else if (rc != LONGSD_ERR_PLAN || p || !strstr(err.msg, e->want) || !strstr(err.msg, "plan.json: ")) {
            fprintf(stderr, "  row %zu (%s): rc %d, message \"%s\", expected \"%s\"\n", i, e->to, (int)rc, err.msg,
                    e->want);
            t_failed_checks++;
        }
        longsd_plan_free(p);
        free(mod);
    }
    free(js);
}

RUN_TESTS(every_refused_field)
