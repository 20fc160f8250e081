/* test_models.c - models by name: the Hugging Face cache layout (names,
 * folders, refs, links), ComfyUI's extra_model_paths.yaml, the hub's
 * model-info reply and the choice of files, what a model file is, the folder
 * search and name resolution, and longsd_pull on the fake hub (progress,
 * abort, the token rule). */
#include <sys/stat.h>

#include "t.h"
#include "t_srv.h"

#include "ctx.h"
#include "hfcache.h"
#include "hub_info.h"
#include "model_paths.h"
#include "models_int.h"

static void mkdirs(const char *path)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    REQUIRE(system(cmd) == 0);
}

/* A minimal valid .safetensors with F32 scalars of these names. */
static void write_st(const char *path, const char *const *names)
{
    char hdr[4096] = "{";
    size_t n = 0;
    for (; names[n]; n++)
        snprintf(hdr + strlen(hdr), sizeof hdr - strlen(hdr), "%s\"%s\":{\"dtype\":\"F32\",\"shape\":[1],"
                 "\"data_offsets\":[%zu,%zu]}", n ? "," : "", names[n], n * 4, n * 4 + 4);
    strcat(hdr, "}");
    size_t hl = strlen(hdr);
    unsigned char buf[8192] = {0};
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)((uint64_t)hl >> (8 * i));
    memcpy(buf + 8, hdr, hl);
    t_write(path, buf, 8 + hl + n * 4);
}

TEST(repo_names)
{
    char repo[LS_HF_MAX_ID + 1], rev[LS_HF_MAX_REV + 1];
    CHECK(ls_hf_parse_name("stabilityai/sd-turbo", repo, rev) == 0);
    CHECK_STR(repo, "stabilityai/sd-turbo");
    CHECK_STR(rev, "main");
    CHECK(ls_hf_parse_name("org/name@refs/pr/1", repo, rev) == 0);
    CHECK_STR(rev, "refs/pr/1");
    CHECK(ls_hf_parse_name("a.b_c/x-1.0@0123456789abcdef0123456789abcdef01234567", repo, rev) == 0);
    const char *bad[] = {"noslash", "a/b/c", "/abs", "a/", "-a/b", "a/b-", "a--b/c", "a/b..c", "a/b@", "a/b@../x",
                         "a/b@x y", "a/b@/x", "a b/c", "a/b\\c", "a/b@x@y", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (ls_hf_parse_name(bad[i], repo, rev) == 0) {
            fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
            t_failed_checks++;
        }
    CHECK(longsd_model_is_repo_id("org/name@v1"));
    CHECK(!longsd_model_is_repo_id("models/x.safetensors/y"));
}

TEST(cache_dir_order)
{
    setenv("HOME", "/h", 1);
    unsetenv("HF_HUB_CACHE");
    unsetenv("HF_HOME");
    unsetenv("XDG_CACHE_HOME");
    char *d = ls_hf_cache_dir();
    CHECK_STR(d, "/h/.cache/huggingface/hub");
    longsd__free(d);
    setenv("XDG_CACHE_HOME", "/x", 1);
    d = ls_hf_cache_dir();
    CHECK_STR(d, "/x/huggingface/hub");
    longsd__free(d);
    setenv("HF_HOME", "/hf", 1);
    d = ls_hf_cache_dir();
    CHECK_STR(d, "/hf/hub");
    longsd__free(d);
    setenv("HF_HUB_CACHE", "/c", 1);
    d = ls_hf_cache_dir();
    CHECK_STR(d, "/c");
    longsd__free(d);
    d = ls_hf_repo_dir("/c", "org/na.me");
    CHECK_STR(d, "/c/models--org--na.me");
    longsd__free(d);
}

TEST(snapshot_refs_and_links)
{
    char cache[400], p[600];
    snprintf(cache, sizeof cache, "%s/hub", t_tmpdir());
    const char *commit = "0123456789abcdef0123456789abcdef01234567";
    lserr e;
    char *snap = NULL, got[41];
    CHECK(ls_hf_find_snapshot(cache, "o/n", "main", &snap, got, &e) == LONGSD_ERR_NOT_FOUND);
    CHECK_CONTAINS(e.msg, "o/n@main is not in the Hugging Face cache");
    REQUIRE(ls_hf_write_ref(cache, "o/n", "main", commit, &e) == LONGSD_OK);
    REQUIRE(ls_hf_write_ref(cache, "o/n", "refs/pr/3", commit, &e) == LONGSD_OK);
    snprintf(p, sizeof p, "%s/models--o--n/refs/main", cache);
    char *ref = t_slurp(p, NULL);
    CHECK_STR(ref, commit); /* no newline, as huggingface_hub writes it */
    free(ref);
    CHECK(ls_hf_find_snapshot(cache, "o/n", "main", &snap, got, &e) == LONGSD_ERR_NOT_FOUND); /* no folder yet */
    snprintf(p, sizeof p, "%s/models--o--n/blobs/abc", cache);
    mkdirs(cache);
    snprintf(p, sizeof p, "%s/models--o--n/blobs", cache);
    mkdirs(p);
    snprintf(p, sizeof p, "%s/models--o--n/blobs/abc", cache);
    t_write(p, "hi", 2);
    REQUIRE(ls_hf_link(cache, "o/n", commit, "unet/deep/x.json", "abc", &e) == LONGSD_OK);
    REQUIRE(ls_hf_link(cache, "o/n", commit, "top.json", "abc", &e) == LONGSD_OK);
    REQUIRE(ls_hf_link(cache, "o/n", commit, "top.json", "abc", &e) == LONGSD_OK); /* replaced, not EEXIST */
    char target[300];
    snprintf(p, sizeof p, "%s/models--o--n/snapshots/%s/unet/deep/x.json", cache, commit);
    ssize_t n = readlink(p, target, sizeof target - 1);
    REQUIRE(n > 0);
    target[n] = '\0';
    CHECK_STR(target, "../../../../blobs/abc");
    char *data = t_slurp(p, NULL);
    CHECK_STR(data, "hi");
    free(data);
    snprintf(p, sizeof p, "%s/models--o--n/snapshots/%s/top.json", cache, commit);
    n = readlink(p, target, sizeof target - 1);
    REQUIRE(n > 0);
    target[n] = '\0';
    CHECK_STR(target, "../../blobs/abc");
    REQUIRE(ls_hf_find_snapshot(cache, "o/n", "main", &snap, got, &e) == LONGSD_OK);
    CHECK_STR(got, commit);
    CHECK(strstr(snap, "/snapshots/0123456789abcdef") != NULL);
    longsd__free(snap);
    REQUIRE(ls_hf_find_snapshot(cache, "o/n", commit, &snap, NULL, &e) == LONGSD_OK); /* a commit names itself */
    longsd__free(snap);
    CHECK(ls_hf_find_snapshot(cache, "o/n", "refs/pr/3", &snap, NULL, &e) == LONGSD_OK);
    longsd__free(snap);
    snprintf(p, sizeof p, "%s/models--o--n/refs/main", cache);
    t_write(p, "not a hash", 10);
    CHECK(ls_hf_find_snapshot(cache, "o/n", "main", &snap, NULL, &e) == LONGSD_ERR_MODEL);
    CHECK_CONTAINS(e.msg, "refs/main: expected a 40-digit commit hash");
}

static const char yaml_example[] =
    "#config for a1111 ui\n"
    "a111:\n"
    "    base_path: path/to/stable-diffusion-webui/\n"
    "    checkpoints: models/Stable-diffusion\n"
    "    vae: models/VAE\n"
    "    loras: |\n"
    "         models/Lora\n"
    "         models/LyCORIS\n"
    "comfyui:\n"
    "     base_path: /abs/comfy\n"
    "     is_default: true\n"
    "     checkpoints: [ckpt_a, /elsewhere/ckpt_b]\n"
    "     unet: ~/unets\n"
    "     vae_approx: $LSTEST_VAR/taesd\n"
    "empty_section:\n";

TEST(yaml_paths)
{
    setenv("HOME", "/home/u", 1);
    setenv("LSTEST_VAR", "/var/x", 1);
    ls_model_path *v = NULL;
    size_t n = 0;
    lserr e;
    REQUIRE(ls_model_paths_parse(yaml_example, sizeof yaml_example - 1, "extra_model_paths.yaml", "/cfg", &v, &n, &e) ==
            LONGSD_OK);
    REQUIRE(n == 8);
    const char *want[][2] = {
        {"checkpoints", "/cfg/path/to/stable-diffusion-webui//models/Stable-diffusion"},
        {"vae", "/cfg/path/to/stable-diffusion-webui//models/VAE"},
        {"loras", "/cfg/path/to/stable-diffusion-webui//models/Lora"},
        {"loras", "/cfg/path/to/stable-diffusion-webui//models/LyCORIS"},
        {"checkpoints", "/abs/comfy/ckpt_a"},
        {"checkpoints", "/elsewhere/ckpt_b"},
        {"unet", "/home/u/unets"},
        {"vae_approx", "/var/x/taesd"},
    };
    for (size_t i = 0; i < n; i++) {
        CHECK_STR(v[i].kind, want[i][0]);
        CHECK_STR(v[i].dir, want[i][1]);
    }
    ls_model_paths_free(v, n);
    REQUIRE(ls_model_paths_parse("", 0, "e.yaml", "/cfg", &v, &n, &e) == LONGSD_OK);
    CHECK(n == 0);
    ls_model_paths_free(v, n);
}

TEST(yaml_errors)
{
    ls_model_path *v = NULL;
    size_t n = 0;
    lserr e;
    static const struct {
        const char *yaml, *msg;
    } cases[] = {
        {"a:\n  b: [unclosed\n", "x.yaml:3:1: not YAML"},
        {"- a\n- b\n", "x.yaml:1:1: expected sections"},
        {"s: just text\n", "x.yaml:1:4: a section must be a mapping"},
        {"s:\n  checkpoints: {a: b}\n", "x.yaml:2:16: expected folder names"},
        {"s:\n  checkpoints: [a, [b]]\n", "x.yaml:2:20: a list of folders holds only names"},
        {"s:\n  base_path: [a]\n", "x.yaml:2:14: base_path must be a folder name"},
        {"s:\n  [k]: a\n", "x.yaml:2:3: a key must be a short name"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(ls_model_paths_parse(cases[i].yaml, strlen(cases[i].yaml), "x.yaml", "/d", &v, &n, &e) != LONGSD_OK);
        CHECK(v == NULL && n == 0);
        CHECK_CONTAINS(e.msg, cases[i].msg);
    }
    /* an alias bomb costs nothing: aliases are shared nodes, the walk is two deep */
    const char *bomb = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\ns:\n  loras: *b\n";
    CHECK(ls_model_paths_parse(bomb, strlen(bomb), "x.yaml", "/d", &v, &n, &e) != LONGSD_OK);
    char *big = calloc(LS_MODEL_PATHS_MAX_FILE + 2, 1);
    REQUIRE(big);
    memset(big, '#', LS_MODEL_PATHS_MAX_FILE + 1);
    CHECK(ls_model_paths_parse(big, LS_MODEL_PATHS_MAX_FILE + 1, "x.yaml", "/d", &v, &n, &e) == LONGSD_ERR_TOO_BIG);
    free(big);
}

static const char info_json[] =
    "{\"id\":\"o/n\",\"sha\":\"0123456789abcdef0123456789abcdef01234567\",\"siblings\":["
    "{\"rfilename\":\"model_index.json\",\"size\":300},"
    "{\"rfilename\":\"README.md\"},"
    "{\"rfilename\":\"unet/config.json\",\"size\":10},"
    "{\"rfilename\":\"unet/diffusion_pytorch_model.bin\",\"size\":9},"
    "{\"rfilename\":\"unet/diffusion_pytorch_model.safetensors\",\"lfs\":{\"sha256\":"
    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"size\":100}},"
    "{\"rfilename\":\"unet/diffusion_pytorch_model.fp16.safetensors\",\"size\":50},"
    "{\"rfilename\":\"unet/diffusion_flax_model.msgpack\"},"
    "{\"rfilename\":\"text_encoder/model-00001-of-00002.safetensors\"},"
    "{\"rfilename\":\"text_encoder/model-00002-of-00002.safetensors\"},"
    "{\"rfilename\":\"text_encoder/model.safetensors.index.json\"},"
    "{\"rfilename\":\"text_encoder/pytorch_model.bin\"},"
    "{\"rfilename\":\"text_encoder/config.json\"},"
    "{\"rfilename\":\"tokenizer/vocab.json\"},{\"rfilename\":\"tokenizer/merges.txt\"},"
    "{\"rfilename\":\"tokenizer/spiece.model\"},"
    "{\"rfilename\":\"vae/onnx/model.onnx\"},{\"rfilename\":\"safety_checker/model.safetensors\"},"
    "{\"rfilename\":\"v1-5-pruned.safetensors\"}]}";

TEST(hub_info_and_selection)
{
    ls_hub_info info;
    lserr e;
    REQUIRE(ls_hub_parse_info(info_json, sizeof info_json - 1, &info, &e) == LONGSD_OK);
    CHECK_STR(info.commit, "0123456789abcdef0123456789abcdef01234567");
    REQUIRE(info.n_files == 18);
    CHECK_INT(info.files[4].size, 100);
    CHECK_STR(info.files[4].sha256, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    CHECK_STR(info.files[0].sha256, "");
    const char *idx = "{\"_class_name\":\"StableDiffusionPipeline\",\"_diffusers_version\":\"0.6\","
                      "\"unet\":[\"diffusers\",\"UNet2DConditionModel\"],\"text_encoder\":[\"transformers\",\"X\"],"
                      "\"tokenizer\":[\"transformers\",\"T\"],\"safety_checker\":[null,null],"
                      "\"requires_safety_checker\":false}";
    char **comps = NULL;
    size_t nc = 0;
    REQUIRE(ls_hub_parse_index(idx, strlen(idx), &comps, &nc, &e) == LONGSD_OK);
    REQUIRE(nc == 3);
    CHECK_STR(comps[0], "unet");
    size_t n = ls_hub_select(&info, comps, nc);
    const char *want[] = {"model_index.json", "unet/config.json", "unet/diffusion_pytorch_model.fp16.safetensors",
                          "text_encoder/model-00001-of-00002.safetensors",
                          "text_encoder/model-00002-of-00002.safetensors", "text_encoder/model.safetensors.index.json",
                          "text_encoder/config.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
                          "tokenizer/spiece.model"};
    CHECK_INT(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < info.n_files; i++) {
        int wanted = 0;
        for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
            wanted |= strcmp(info.files[i].path, want[k]) == 0;
        if (info.files[i].want != wanted) {
            fprintf(stderr, "  %s: want=%d, expected %d\n", info.files[i].path, info.files[i].want, wanted);
            t_failed_checks++;
        }
    }
    /* no model_index.json: the repo's usable files */
    n = ls_hub_select(&info, NULL, 0);
    CHECK_INT(n, 12);
    CHECK(!info.files[1].want && !info.files[3].want && info.files[17].want);
    ls_hub_names_free(comps, nc);
    ls_hub_info_free(&info);
}

/* A repo with one diffusers model at its root (a TAESD): config.json and one
 * set of its weights, not the other formats beside them. */
TEST(hub_select_root_component)
{
    static const char j[] =
        "{\"sha\":\"0123456789abcdef0123456789abcdef01234567\",\"siblings\":["
        "{\"rfilename\":\"README.md\"},{\"rfilename\":\"config.json\"},"
        "{\"rfilename\":\"diffusion_pytorch_model.bin\"},{\"rfilename\":\"diffusion_pytorch_model.safetensors\"},"
        "{\"rfilename\":\"taesd_decoder.pth\"},{\"rfilename\":\"taesd_decoder.safetensors\"},"
        "{\"rfilename\":\"images/x.json\"}]}";
    ls_hub_info info;
    lserr e;
    REQUIRE(ls_hub_parse_info(j, sizeof j - 1, &info, &e) == LONGSD_OK);
    CHECK_INT(ls_hub_select(&info, NULL, 0), 2);
    for (size_t i = 0; i < info.n_files; i++)
        CHECK(info.files[i].want == (i == 1 || i == 3));
    ls_hub_info_free(&info);
    /* no config.json: every usable file, as before */
    static const char k[] = "{\"sha\":\"0123456789abcdef0123456789abcdef01234567\",\"siblings\":["
                            "{\"rfilename\":\"diffusion_pytorch_model.safetensors\"},{\"rfilename\":\"a.safetensors\"}]}";
    REQUIRE(ls_hub_parse_info(k, sizeof k - 1, &info, &e) == LONGSD_OK);
    CHECK_INT(ls_hub_select(&info, NULL, 0), 2);
    ls_hub_info_free(&info);
}

TEST(hub_info_refusals)
{
    static const struct {
        const char *json, *msg;
    } cases[] = {
        {"[", "model info: not JSON at byte"},
        {"{\"sha\":\"abc\",\"siblings\":[]}", "\"sha\" is not a 40-digit commit hash"},
        {"{\"sha\":\"0123456789abcdef0123456789abcdef01234567\"}", "\"siblings\" is not a list"},
        {"{\"sha\":\"0123456789abcdef0123456789abcdef01234567\",\"siblings\":[{\"rfilename\":\"../../etc/x\"}]}",
         "siblings[0].rfilename is not a plain relative path"},
        {"{\"sha\":\"0123456789abcdef0123456789abcdef01234567\",\"siblings\":[{\"rfilename\":\"/abs\"}]}",
         "siblings[0].rfilename"},
        {"{\"sha\":\"0123456789abcdef0123456789abcdef01234567\",\"siblings\":[{\"rfilename\":\"a\\u0000b\"}]}",
         "model info: not JSON"},
        {"{\"sha\":\"0123456789abcdef0123456789abcdef01234567\",\"siblings\":[{\"rfilename\":\"a\",\"lfs\":"
         "{\"sha256\":\"../x\"}}]}",
         "lfs.sha256 is not 64 hex digits"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ls_hub_info info;
        lserr e;
        CHECK(ls_hub_parse_info(cases[i].json, strlen(cases[i].json), &info, &e) != LONGSD_OK);
        CHECK(info.n_files == 0 && info.files == NULL);
        CHECK_CONTAINS(e.msg, cases[i].msg);
    }
    char **c = NULL;
    size_t n = 0;
    lserr e;
    const char *idx = "{\"../x\":[\"diffusers\",\"Y\"]}";
    CHECK(ls_hub_parse_index(idx, strlen(idx), &c, &n, &e) == LONGSD_ERR_MODEL);
    CHECK_CONTAINS(e.msg, "is not a plain folder name");
}

TEST(guess_kinds)
{
    const char *d = t_tmpdir();
    char p[600];
    longsd_model_kind k;
    const char *fam;
    static const struct {
        const char *file, *names[3];
        int hint;
        longsd_model_kind kind;
        const char *family;
    } cases[] = {
        {"a.safetensors", {"cond_stage_model.transformer.text_model.x", "model.diffusion_model.y", NULL}, -1,
         LONGSD_MODEL_CHECKPOINT, "sd1"},
        {"b.safetensors", {"cond_stage_model.model.transformer.x", NULL}, -1, LONGSD_MODEL_CHECKPOINT, "sd2"},
        {"c.safetensors", {"conditioner.embedders.1.model.x", NULL}, -1, LONGSD_MODEL_CHECKPOINT, "sdxl"},
        {"d.safetensors", {"lora_unet_x.lora_down.weight", "lora_te_y.alpha", NULL}, -1, LONGSD_MODEL_LORA, "sd1"},
        {"e.safetensors", {"lora_te2_y.lora_up.weight", NULL}, -1, LONGSD_MODEL_LORA, "sdxl"},
        {"f.safetensors", {"encoder.down.0.block.0.conv1.weight", NULL}, -1, LONGSD_MODEL_VAE, "unknown"},
        {"taesd_decoder.safetensors", {"1.weight", NULL}, -1, LONGSD_MODEL_VAE, "taesd"},
        {"g.safetensors", {"something.else", NULL}, LONGSD_MODEL_LORA, LONGSD_MODEL_LORA, "unknown"},
        {"h.safetensors", {"something.else", NULL}, -1, LONGSD_MODEL_OTHER, "unknown"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", d, cases[i].file);
        write_st(p, cases[i].names);
        ls_model_guess(p, cases[i].hint, &k, &fam);
        if ((int)k != (int)cases[i].kind || strcmp(fam, cases[i].family) != 0) {
            fprintf(stderr, "  %s: kind %d family %s, expected %d %s\n", cases[i].file, k, fam, cases[i].kind,
                    cases[i].family);
            t_failed_checks++;
        }
    }
    snprintf(p, sizeof p, "%s/broken.safetensors", d);
    t_write(p, "garbage!", 8);
    ls_model_guess(p, -1, &k, &fam); /* unreadable: listed, never fatal */
    CHECK(k == LONGSD_MODEL_OTHER && strcmp(fam, "unknown") == 0);
    ls_model_guess("tests/engine/tiny-sd", -1, &k, &fam);
    CHECK(k == LONGSD_MODEL_PIPELINE && strcmp(fam, "sd1") == 0);
}

TEST(scan_and_resolve)
{
    const char *d = t_tmpdir();
    char p[800], a1111[600], comfy[600];
    snprintf(a1111, sizeof a1111, "%s/webui", d);
    snprintf(comfy, sizeof comfy, "%s/ComfyUI", d);
    snprintf(p, sizeof p, "%s/models/Stable-diffusion/sub", a1111);
    mkdirs(p);
    snprintf(p, sizeof p, "%s/models/Lora", a1111);
    mkdirs(p);
    snprintf(p, sizeof p, "%s/models/checkpoints", comfy);
    mkdirs(p);
    snprintf(p, sizeof p, "%s/elsewhere", d);
    mkdirs(p);
    const char *ck[] = {"cond_stage_model.transformer.text_model.x", NULL}, *lo[] = {"lora_unet_x.lora_down.w", NULL};
    snprintf(p, sizeof p, "%s/models/Stable-diffusion/sub/dream.safetensors", a1111);
    write_st(p, ck);
    snprintf(p, sizeof p, "%s/models/Lora/dream.safetensors", a1111); /* same name, another kind */
    write_st(p, lo);
    snprintf(p, sizeof p, "%s/elsewhere/other.safetensors", d);
    write_st(p, ck);
    snprintf(p, sizeof p, "%s/extra_model_paths.yaml", comfy);
    const char *yaml = "x:\n  base_path: ..\n  checkpoints: elsewhere\n";
    t_write(p, yaml, strlen(yaml));
    setenv("HF_HUB_CACHE", "/nonexistent-cache", 1);
    unsetenv("LONGSD_MODELS");
    longsd_ctx *ctx = longsd_ctx_new();
    const char *dirs[] = {a1111, comfy, a1111}; /* a folder named twice is listed once */
    longsd_model_params mp = longsd_model_default_params();
    mp.dirs = dirs;
    mp.n_dirs = 3;
    mp.no_default_dirs = 1;
    longsd_model_list *l = NULL;
    REQUIRE(longsd_models_scan(ctx, &mp, &l) == LONGSD_OK);
    REQUIRE(longsd_model_list_count(l) == 3);
    const longsd_model_info *m = longsd_model_list_at(l, 0);
    CHECK_STR(m->name, "sub/dream.safetensors");
    CHECK(m->kind == LONGSD_MODEL_CHECKPOINT && strcmp(m->family, "sd1") == 0 && m->size_bytes > 0);
    CHECK(longsd_model_list_at(l, 1)->kind == LONGSD_MODEL_LORA);
    CHECK_STR(longsd_model_list_at(l, 2)->name, "other.safetensors");
    CHECK_STR(longsd_model_list_at(l, 2)->source, "comfyui");
    CHECK(longsd_model_list_at(l, 3) == NULL);
    CHECK_CONTAINS(longsd_model_list_searched(l), "webui/models/Stable-diffusion\n");
    longsd_model_list_free(l);
    char *path = NULL;
    REQUIRE(longsd_model_resolve(ctx, "dream", LONGSD_MODEL_LORA, &mp, &path) == LONGSD_OK);
    CHECK_CONTAINS(path, "models/Lora/dream.safetensors");
    longsd_free(path);
    REQUIRE(longsd_model_resolve(ctx, "dream.safetensors", LONGSD_MODEL_CHECKPOINT, &mp, &path) == LONGSD_OK);
    CHECK_CONTAINS(path, "Stable-diffusion/sub/dream.safetensors");
    longsd_free(path);
    REQUIRE(longsd_model_resolve(ctx, "other", -1, &mp, &path) == LONGSD_OK);
    longsd_free(path);
    REQUIRE(longsd_model_resolve(ctx, "tests/engine/tiny-sd", -1, &mp, &path) == LONGSD_OK); /* a path is a path */
    CHECK_STR(path, "tests/engine/tiny-sd");
    longsd_free(path);
    CHECK(longsd_model_resolve(ctx, "nope", -1, &mp, &path) == LONGSD_ERR_NOT_FOUND && path == NULL);
    CHECK_CONTAINS(longsd_errmsg(ctx), "model \"nope\": not a file, a hub repo id (org/name) or a model in ");
    CHECK_CONTAINS(longsd_errmsg(ctx), "/elsewhere");
    CHECK(longsd_model_resolve(ctx, "org/absent", -1, &mp, &path) == LONGSD_ERR_NOT_FOUND);
    CHECK_CONTAINS(longsd_errmsg(ctx), "`longsd pull org/absent`");
    setenv("HF_HUB_OFFLINE", "1", 1);
    mp.download = 1;
    CHECK(longsd_model_resolve(ctx, "org/absent", -1, &mp, &path) == LONGSD_ERR_NETWORK);
    CHECK_CONTAINS(longsd_errmsg(ctx), "HF_HUB_OFFLINE is set and org/absent is not in the cache");
    CHECK_CONTAINS(longsd_errmsg(ctx), "models found locally: sub/dream.safetensors, dream.safetensors");
    unsetenv("HF_HUB_OFFLINE");
    /* $LONGSD_MODELS is searched after --models-dir */
    snprintf(p, sizeof p, "%s/elsewhere", d);
    setenv("LONGSD_MODELS", p, 1);
    mp.n_dirs = 0;
    REQUIRE(longsd_models_scan(ctx, &mp, &l) == LONGSD_OK);
    REQUIRE(longsd_model_list_count(l) == 1);
    CHECK_STR(longsd_model_list_at(l, 0)->source, "LONGSD_MODELS");
    longsd_model_list_free(l);
    longsd_ctx_free(ctx);
}

typedef struct {
    int calls, events, aborted_at;
    uint64_t last_done, last_total;
} prog;

static void on_prog(void *user, const longsd_pull_progress *p)
{
    prog *g = user;
    g->calls++;
    g->events += p->event != NULL;
    CHECK(p->done <= p->total || p->total == 0);
    g->last_done = p->done;
    g->last_total = p->total;
}

static int abort_soon(void *user)
{
    int *n = user;
    return ++*n > 3;
}

TEST(pull_library)
{
    char cache[400], repo[300];
    snprintf(cache, sizeof cache, "%s/hub", t_tmpdir());
    snprintf(repo, sizeof repo, "t/tiny=%s/tests/engine/tiny-sd", getenv("PWD") ? getenv("PWD") : ".");
    t_srv s = t_srv_start("tests/servers/fake_hub.py", "hub.log", (const char *[]){"--repo", repo, NULL});
    setenv("HF_ENDPOINT", s.url, 1);
    setenv("HF_HUB_CACHE", cache, 1);
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    unsetenv("HF_TOKEN");
    unsetenv("HF_HUB_OFFLINE");
    longsd_ctx *ctx = longsd_ctx_new();
    int n = 0;
    longsd_set_abort(ctx, abort_soon, &n);
    longsd_model_params mp = longsd_model_default_params();
    mp.no_default_dirs = 1;
    char *snap = NULL;
    CHECK(longsd_pull(ctx, "t/tiny", &mp, &snap) == LONGSD_ERR_ABORTED && snap == NULL);
    longsd_set_abort(ctx, NULL, NULL);
    prog g = {0};
    mp.progress = on_prog;
    mp.progress_user = &g;
    REQUIRE(longsd_pull(ctx, "t/tiny", &mp, &snap) == LONGSD_OK);
    CHECK(g.calls > 0);
    CHECK(g.last_total > 1000000 && g.last_done == g.last_total);
    char p[800];
    snprintf(p, sizeof p, "%s/unet/config.json", snap);
    CHECK(lsfile_exists(p));
    longsd_free(snap);
    /* the resolver finds it now without the network */
    setenv("HF_ENDPOINT", "http://127.0.0.1:9", 1);
    char *path = NULL;
    REQUIRE(longsd_model_resolve(ctx, "t/tiny", LONGSD_MODEL_CHECKPOINT, &mp, &path) == LONGSD_OK);
    CHECK_CONTAINS(path, "/models--t--tiny/snapshots/");
    longsd_free(path);
    setenv("HF_ENDPOINT", "ftp://x", 1);
    CHECK(longsd_pull(ctx, "t/tiny", &mp, NULL) == LONGSD_ERR_PARAM);
    CHECK_CONTAINS(longsd_errmsg(ctx), "HF_ENDPOINT: \"ftp://x\" is not an http(s) URL");
    /* a repo pulled at a commit only is listed as org/name@commit */
    setenv("HF_ENDPOINT", s.url, 1);
    char cache2[500];
    snprintf(cache2, sizeof cache2, "%s/hub2", t_tmpdir());
    setenv("HF_HUB_CACHE", cache2, 1);
    char name[200];
    REQUIRE(longsd_pull(ctx, "t/tiny", &mp, &snap) == LONGSD_OK);
    const char *commit = strrchr(snap, '/') + 1;
    snprintf(name, sizeof name, "t/tiny@%s", commit);
    longsd_free(snap);
    snprintf(p, sizeof p, "%s/models--t--tiny/refs/main", cache2);
    REQUIRE(unlink(p) == 0);
    longsd_model_list *l = NULL;
    REQUIRE(longsd_models_scan(ctx, &mp, &l) == LONGSD_OK);
    REQUIRE(longsd_model_list_count(l) == 1);
    CHECK_STR(longsd_model_list_at(l, 0)->name, name);
    CHECK(longsd_model_list_at(l, 0)->kind == LONGSD_MODEL_PIPELINE);
    longsd_model_list_free(l);
    REQUIRE(longsd_model_resolve(ctx, name, -1, &mp, &path) == LONGSD_OK); /* a commit needs no ref */
    longsd_free(path);
    longsd_ctx_free(ctx);
    t_srv_stop(&s);
}

RUN_TESTS(repo_names, cache_dir_order, snapshot_refs_and_links, yaml_paths, yaml_errors, hub_info_and_selection,
          hub_select_root_component, hub_info_refusals, guess_kinds, scan_and_resolve, pull_library)
