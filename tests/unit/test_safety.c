/* test_safety.c - the mechanisms behind "nothing leaks, nothing escapes,
 * nothing is lost" (issue 9): the redactor, the terminal sanitiser, the
 * workspace path policy, temp files and their sweeper, the plan lock, hand
 * edits merged on save, and a plan of 100,000 ideas loading in one pass. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "ctx.h"
#include "llm_json.h"
#include "nets.h"
#include "plan.h"
#include "redact.h"
#include "t.h"
#include "termsafe.h"
#include "tmpfile.h"
#include "wspath.h"

#define KEY "sk-test-SECRET-unit-7a41c9e2"

static char *red(const char *s)
{
    static char out[4096];
    longsd__redact_into(s, strlen(s), out, sizeof out);
    return out;
}

TEST(redact_known_secret_and_shapes)
{
    longsd__redact_add_secret("plainsecretvalue42");
    /* a registered secret, whole or cut short by an upstream "%.Ns" */
    CHECK_STR(red("the key plainsecretvalue42 leaked"), "the key [redacted] leaked");
    CHECK_STR(red("cut: plainsecretv"), "cut: [redacted]");
    /* shapes, without registration */
    const char *shaped[] = {
        "Authorization: Bearer " KEY,
        "{\"Authorization\": \"Bearer " KEY "\"}",
        "authorization=Basic dXNlcjpwYXNzd29yZA==",
        "bearer " KEY,
        "you sent " KEY " (bad)",
        "x-api-key: abcdef0123456789",
        "?api_key=abcdef0123456789&x=1",
        "{\\\"Authorization\\\": \\\"Bearer abcdef\\\"}",
        "Bearer%20" KEY,
    };
    for (size_t i = 0; i < sizeof shaped / sizeof *shaped; i++) {
        const char *r = red(shaped[i]);
        CHECK(strstr(r, "[redacted]") != NULL);
        CHECK(!strstr(r, "SECRET") && !strstr(r, "dXNlcjpw") && !strstr(r, "abcdef0123") && !strstr(r, "abcdef\\"));
        if (strstr(r, "SECRET") || !strstr(r, "[redacted]"))
            fprintf(stderr, "  not redacted: %s -> %s\n", shaped[i], r);
    }
    /* ordinary text stays as it is: slugs, words, paths */
    const char *plain[] = {"images/story/beginning-01-a-brisk-walk-in-the-dark.png",
                           "the task-force met at dawn", "sk-8 skaters", "HTTP 500: injected fault 500",
                           "Tom & Huck <said> \"hi\""};
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
        CHECK_STR(red(plain[i]), plain[i]);
    /* the environment's key is known before any backend exists */
    setenv("OPENAI_API_KEY", "envkey-0123456789", 1);
    CHECK_STR(red("got envkey-0123456789!"), "got [redacted]!");
    /* every library message passes through it */
    lserr e;
    lserr_set(&e, LONGSD_ERR_BACKEND, "server said: %s", "Authorization: Bearer " KEY);
    CHECK(!strstr(e.msg, KEY));
    CHECK_CONTAINS(e.msg, "Authorization: Bearer [redacted]");
    /* truncation keeps UTF-8 whole and the output NUL-terminated */
    char small[8];
    longsd__redact_into("ab\xc3\xa9\xc3\xa9\xc3\xa9", 8, small, sizeof small);
    CHECK(lsutf8_validate(small, strlen(small)) == (size_t)-1);
}

TEST(term_safe_escapes_controls)
{
    char out[512];
    longsd__term_safe("a\x1b]0;x\x07" "b\r\nlongsd: fake\x9b" "c\xc2\x9b" "d\xe2\x80\xae" "e\tf", out, sizeof out, 0);
    CHECK(!strchr(out, '\x1b') && !strchr(out, '\a') && !strchr(out, '\r') && !strchr(out, '\n') && !strchr(out, '\t'));
    CHECK(!strstr(out, "\xc2\x9b") && !strstr(out, "\xe2\x80\xae"));
    CHECK_CONTAINS(out, "\\x1b]0;x\\x07b\\x0d\\x0alongsd: fake\\x9bc\\u009bd\\u202ee\\x09f");
    longsd__term_safe("keep\nlines\tand tabs", out, sizeof out, 1);
    CHECK_STR(out, "keep\nlines\tand tabs");
    CHECK_STR(longsd__term_safe("Größe — ça", out, sizeof out, 0), "Größe — ça");
    /* never cuts an escape in half */
    char tiny[6];
    longsd__term_safe("ab\x1b", tiny, sizeof tiny, 0);
    CHECK_STR(tiny, "ab");
    /* the public function redacts too */
    longsd_term_text("key " KEY "\x1b[2J", out, sizeof out, 0);
    CHECK_STR(out, "key [redacted]\\x1b[2J");
}

TEST(wspath_names_and_relative_paths)
{
    const char *good_names[] = {"story", "tom-sawyer", "Grimm_2", "été"};
    for (size_t i = 0; i < 4; i++)
        CHECK_INT(ls_wspath_check_name(good_names[i], NULL), LONGSD_OK);
    const char *bad_names[] = {"", "../../X", "..", ".", ".hidden", "a/b", "a\\b", "-rf", "x\ny", "\xff"};
    for (size_t i = 0; i < sizeof bad_names / sizeof *bad_names; i++)
        CHECK_INT(ls_wspath_check_name(bad_names[i], NULL), LONGSD_ERR_PARAM);
    char longname[200];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CHECK_INT(ls_wspath_check_name(longname, NULL), LONGSD_ERR_PARAM);
    CHECK_INT(ls_wspath_check_rel("images/story/a.png", NULL), LONGSD_OK);
    const char *bad_rel[] = {"", "/etc/passwd", "../x", "images/../../x", "images//x", "./x", "images/.",
                             "a\\..\\b", "x\x1b"};
    for (size_t i = 0; i < sizeof bad_rel / sizeof *bad_rel; i++)
        CHECK_INT(ls_wspath_check_rel(bad_rel[i], NULL), LONGSD_ERR_PARAM);
}

TEST(wspath_refuses_links_out_of_the_workspace)
{
    const char *tmp = t_tmpdir();
    char ws[600], p[700], q[700];
    snprintf(ws, sizeof ws, "%s/ws", tmp);
    snprintf(p, sizeof p, "%s/ws/images/story", tmp);
    REQUIRE(lsfile_mkdirs(p, 1, NULL) == LONGSD_OK);
    snprintf(p, sizeof p, "%s/outside.png", tmp);
    t_write(p, "OUTSIDE", 7);
    snprintf(q, sizeof q, "%s/ws/images/story/x.png", tmp);
    REQUIRE(symlink(p, q) == 0);
    snprintf(q, sizeof q, "%s/ws/images/up", tmp);
    REQUIRE(symlink("../..", q) == 0);
    snprintf(q, sizeof q, "%s/ws/images/story/real.png", tmp);
    t_write(q, "INSIDE", 6);
    char *data = NULL;
    size_t n = 0;
    int missing = 0;
    lserr e;
    CHECK(ls_wspath_read(ws, "images/story/x.png", 1 << 20, &data, &n, &missing, &e) != LONGSD_OK);
    CHECK(!data && !missing);
    CHECK_CONTAINS(e.msg, "symbolic link leads out of the workspace");
    CHECK(ls_wspath_read(ws, "images/up/outside.png", 1 << 20, &data, &n, &missing, &e) != LONGSD_OK);
    CHECK(ls_wspath_read(ws, "images/story/nope.png", 1 << 20, &data, &n, &missing, &e) != LONGSD_OK);
    CHECK(missing == 1);
    REQUIRE(ls_wspath_read(ws, "images/story/real.png", 1 << 20, &data, &n, &missing, &e) == LONGSD_OK);
    CHECK(n == 6 && memcmp(data, "INSIDE", 6) == 0);
    longsd__free(data);
}

TEST(temp_files_never_follow_a_planted_link)
{
    const char *tmp = t_tmpdir();
    char target[600], path[600], tmpname[700];
    snprintf(target, sizeof target, "%s/victim", tmp);
    t_write(target, "precious", 8);
    snprintf(path, sizeof path, "%s/out.json", tmp);
    snprintf(tmpname, sizeof tmpname, "%s.tmp.%ld", path, (long)getpid());
    REQUIRE(symlink(target, tmpname) == 0);
    lserr e;
    CHECK_INT(lsfile_write_atomic(path, "new", 3, &e), LONGSD_OK);
    size_t n = 0;
    char *v = t_slurp(target, &n);
    CHECK(v && n == 8 && memcmp(v, "precious", 8) == 0);
    free(v);
    v = t_slurp(path, &n);
    CHECK(v && n == 3);
    free(v);
    struct stat st;
    CHECK(lstat(tmpname, &st) != 0);
}

TEST(sweep_removes_only_orphans_of_dead_runs)
{
    const char *tmp = t_tmpdir();
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    char p[700];
    const char *gone[] = {"a.docx.tmp.%ld", "b.json.tmp.%ld"};
    for (int i = 0; i < 2; i++) {
        char name[64];
        snprintf(name, sizeof name, gone[i], (long)dead);
        snprintf(p, sizeof p, "%s/%s", tmp, name);
        t_write(p, "x", 1);
    }
    snprintf(p, sizeof p, "%s/story.tmp-%ld-Ab12Cd", tmp, (long)dead);
    REQUIRE(mkdir(p, 0777) == 0);
    snprintf(p, sizeof p, "%s/story.tmp-%ld-Ab12Cd/index.html", tmp, (long)dead);
    t_write(p, "x", 1);
    char live[64];
    snprintf(live, sizeof live, "c.json.tmp.%ld", (long)getpid());
    const char *keep[] = {live, "notes.tmp", "x.tmp.abc", "report.tmp.12x"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, keep[i]);
        t_write(p, "x", 1);
    }
    lstmp_sweep(tmp);
    for (int i = 0; i < 2; i++) {
        char name[64];
        snprintf(name, sizeof name, gone[i], (long)dead);
        snprintf(p, sizeof p, "%s/%s", tmp, name);
        CHECK(!lsfile_exists(p));
    }
    snprintf(p, sizeof p, "%s/story.tmp-%ld-Ab12Cd", tmp, (long)dead);
    CHECK(!lsfile_exists(p));
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, keep[i]);
        CHECK(lsfile_exists(p));
    }
}

/* A plan of n ideas in one part, as JSON (malloc'ed). dup: give the last idea
 * the first one's id. */
static char *big_plan(size_t n, int dup)
{
    size_t cap = 400 + n * 260;
    char *s = malloc(cap);
    REQUIRE(s != NULL);
    size_t o = (size_t)snprintf(
        s, cap,
        "{\"schema\": \"longsd.plan\", \"version\": 1, \"name\": \"big\", \"source\": {\"path\": \"big.txt\", "
        "\"sha256\": \"%064d\"}, \"settings\": {\"parts\": 1, \"ideas_per_part\": 100, \"style\": \"x\", "
        "\"width\": 512, \"height\": 512}, \"parts\": [{\"id\": \"p\", \"start\": 0, \"end\": 1000000000}], "
        "\"ideas\": [",
        0);
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(s + o, cap - o,
                              "%s{\"id\": \"p-%zu\", \"part\": \"p\", \"title\": \"t\", \"scene\": \"s\", \"anchor\": "
                              "{\"paragraph\": %zu, \"start\": %zu, \"end\": %zu}, \"prompt\": {\"positive\": \"a "
                              "picture\", \"seed\": %zu, \"width\": 512, \"height\": 512}, \"image\": {\"state\": "
                              "\"pending\"}}",
                              i ? ", " : "", dup && i == n - 1 ? (size_t)0 : i, i, i * 10, i * 10 + 5, i);
    o += (size_t)snprintf(s + o, cap - o, "]}");
    return s;
}

TEST(plan_of_100000_ideas_loads_in_one_pass)
{
    /* the pairwise duplicate check took minutes here; a hash set makes it
     * linear, and the arena reader (jdoc.c) fast */
    char *js = big_plan(100000, 0);
    lserr e;
    longsd_plan *p = NULL;
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    REQUIRE(ls_plan_parse("big.json", js, strlen(js), &p, &e) == LONGSD_OK);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    /* under a second (issue 9), in CPU time so that a busy machine does
     * not decide; the sanitizers slow everything several times */
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9;
#if defined(__SANITIZE_ADDRESS__)
    const double limit = 5.0;
#else
    const double limit = 1.0;
#endif
    fprintf(stderr, "  100000 ideas loaded in %.3f s cpu (limit %.1f)\n", cpu, limit);
    CHECK(cpu < limit);
    CHECK_INT(p->n_ideas, 100000);
    char *out = longsd_plan_to_json(p);
    REQUIRE(out != NULL);
    CHECK_CONTAINS(out, "\"index\": 100000");
    longsd__free(out);
    longsd_plan_free(p);
    free(js);
    js = big_plan(100000, 1);
    CHECK_INT(ls_plan_parse("big.json", js, strlen(js), &p, &e), LONGSD_ERR_PLAN);
    CHECK_CONTAINS(e.msg, "ideas[99999].id: duplicate id (ideas[0] has the same id \"p-0\")");
    free(js);
}

TEST(plan_name_outside_the_workspace_is_refused)
{
    const char *names[] = {"../../X", "/abs", "a/b", ".x"};
    for (int i = 0; i < 4; i++) {
        char *js = big_plan(1, 0);
        char *at = strstr(js, "\"name\": \"big\"");
        REQUIRE(at != NULL);
        size_t need = strlen(js) + 32;
        char *mod = malloc(need);
        REQUIRE(mod != NULL);
        snprintf(mod, need, "%.*s\"name\": \"%s\"%s", (int)(at - js), js, names[i], at + strlen("\"name\": \"big\""));
        lserr e;
        longsd_plan *p = NULL;
        CHECK_INT(ls_plan_parse("p.json", mod, strlen(mod), &p, &e), LONGSD_ERR_PLAN);
        CHECK_CONTAINS(e.msg, "p.json: name: ");
        free(mod);
        free(js);
    }
}

TEST(hand_edits_during_a_run_are_merged)
{
    const char *tmp = t_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/plan.json", tmp);
    char *js = big_plan(3, 0);
    t_write(path, js, strlen(js));
    free(js);
    longsd_ctx *ctx = longsd_ctx_new();
    REQUIRE(ctx != NULL);
    longsd_plan *run = NULL, *hand = NULL;
    REQUIRE(longsd_plan_load(ctx, path, &run) == LONGSD_OK);
    REQUIRE(longsd_plan_load(ctx, path, &hand) == LONGSD_OK);
    /* the user edits idea 1's prompt and idea 2's title by hand... */
    longsd__free(hand->ideas[1].prompt);
    hand->ideas[1].prompt = longsd__strdup("a hand-written prompt");
    longsd__free(hand->ideas[2].idea.title);
    hand->ideas[2].idea.title = longsd__strdup("My title");
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL); /* a visible mtime step on coarse clocks */
    REQUIRE(longsd_plan_save(ctx, hand, path) == LONGSD_OK);
    /* ...while the run records images, done for ideas 0 and 1 */
    REQUIRE(longsd_plan_set_image(run, 0, LONGSD_IMAGE_DONE, "images/big/a.png", NULL) == LONGSD_OK);
    REQUIRE(longsd_plan_set_image(run, 1, LONGSD_IMAGE_DONE, "images/big/b.png", NULL) == LONGSD_OK);
    REQUIRE(longsd_plan_save(ctx, run, path) == LONGSD_OK);
    longsd_plan *now = NULL;
    REQUIRE(longsd_plan_load(ctx, path, &now) == LONGSD_OK);
    CHECK_STR(now->ideas[1].prompt, "a hand-written prompt");
    CHECK_STR(now->ideas[2].idea.title, "My title");
    CHECK_INT(now->ideas[0].image_state, LONGSD_IMAGE_DONE);
    /* the edited prompt is not what the image shows: drawn again next run */
    CHECK_INT(now->ideas[1].image_state, LONGSD_IMAGE_PENDING);
    longsd_plan_free(now);
    longsd_plan_free(hand);
    longsd_plan_free(run);
    longsd_ctx_free(ctx);
}

TEST(plan_lock_is_exclusive)
{
    const char *tmp = t_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/image_prompts/story.json", tmp);
    longsd_ctx *ctx = longsd_ctx_new();
    REQUIRE(ctx != NULL);
    longsd_lock *l = NULL;
    REQUIRE(longsd_plan_lock(ctx, path, &l) == LONGSD_OK);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    if (child == 0) { /* another process: refused, with our pid named */
        longsd_lock *l2 = NULL;
        longsd_status rc = longsd_plan_lock(ctx, path, &l2);
        char buf[1100];
        snprintf(buf, sizeof buf, "%d %s", (int)rc, longsd_errmsg(ctx));
        if (write(fds[1], buf, strlen(buf) + 1) < 0)
            _exit(2);
        _exit(0);
    }
    char got[1100] = {0};
    close(fds[1]);
    REQUIRE(read(fds[0], got, sizeof got - 1) > 0);
    waitpid(child, NULL, 0);
    char want[64];
    snprintf(want, sizeof want, "another longsd run (pid %ld)", (long)getpid());
    CHECK(atoi(got) == LONGSD_ERR_IO);
    CHECK_CONTAINS(got, want);
    longsd_plan_unlock(l);
    /* released: a new holder gets it */
    REQUIRE(longsd_plan_lock(ctx, path, &l) == LONGSD_OK);
    longsd_plan_unlock(l);
    longsd_plan_unlock(NULL);
    longsd_ctx_free(ctx);
}

TEST(model_config_sizes_are_bounded)
{
    /* a VAE config asking for 2^31 output channels: refused by name, before
     * any buffer is sized from it (it tried to allocate 4 TB) */
    size_t n = 0;
    char *cfg = t_slurp("tests/engine/tiny-sd/vae/config.json", &n);
    REQUIRE(cfg != NULL);
    char *at = strstr(cfg, "\"out_channels\": 3");
    REQUIRE(at != NULL);
    char *mod = malloc(n + 32);
    REQUIRE(mod != NULL);
    snprintf(mod, n + 32, "%.*s\"out_channels\": 2147483647%s", (int)(at - cfg), cfg, at + strlen("\"out_channels\": 3"));
    char path[600];
    snprintf(path, sizeof path, "%s/config.json", t_tmpdir());
    t_write(path, mod, strlen(mod));
    sdvae_cfg c;
    lserr e;
    CHECK_INT(sdvae_cfg_load(path, &c, &e), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(e.msg, "out_channels 2147483647 must be 1..64, 1..16 and 1..16"); /* the encoder reads in_channels too */
    free(mod);
    free(cfg);
}

TEST(llm_json_ignores_openings_inside_strings)
{
    /* a reply cut off inside a string that holds "{}": the reason is the
     * cut, not an empty object taken from the model's prose */
    const char *cut = "{\"ideas\": [{\"title\": \"The map\", \"scene\": \"a map marked {} and a cross where";
    char why[200] = "";
    int how = -1;
    json_t *v = ls_llm_json_extract(cut, strlen(cut), &how, why, sizeof why);
    CHECK(v == NULL);
    CHECK_CONTAINS(why, "cut off");
    json_decref(v);
    /* prose around a whole answer still works, openings in prose included */
    const char *ok = "Here you go {not json} and then: {\"ideas\": [{\"title\": \"a {b} c\"}]} hope it helps";
    v = ls_llm_json_extract(ok, strlen(ok), &how, why, sizeof why);
    REQUIRE(v != NULL);
    CHECK(json_array_size(json_object_get(v, "ideas")) == 1);
    json_decref(v);
}

RUN_TESTS(redact_known_secret_and_shapes, term_safe_escapes_controls, wspath_names_and_relative_paths,
          wspath_refuses_links_out_of_the_workspace, temp_files_never_follow_a_planted_link,
          sweep_removes_only_orphans_of_dead_runs, plan_of_100000_ideas_loads_in_one_pass,
          plan_name_outside_the_workspace_is_refused, hand_edits_during_a_run_are_merged, plan_lock_is_exclusive,
          model_config_sizes_are_bounded, llm_json_ignores_openings_inside_strings)
