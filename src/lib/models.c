/* models.c - finding models where people keep them (see longsd.h "Models"):
 * --models-dir folders, $LONGSD_MODELS, the Hugging Face cache, A1111's
 * models/{Stable-diffusion,VAE,Lora} and ComfyUI's models/{checkpoints,vae,
 * loras,diffusers,vae_approx} plus its extra_model_paths.yaml; and guessing
 * what each file is from its config or tensor names. */
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctx.h"
#include "hfcache.h"
#include "model_paths.h"
#include "models_int.h"
#include "safetensors.h"

#define MAX_DEPTH 3       /* folders below a models folder that are searched */
#define MAX_ENTRIES 20000 /* models listed */

struct longsd_model_list {
    longsd_model_info *v;
    size_t n, alloc;
    lsbuf searched;
    char **seen; /* folders already scanned (a root can be named twice) */
    size_t n_seen;
};

longsd_model_params longsd_model_default_params(void)
{
    return (longsd_model_params){.dirs = NULL, .n_dirs = 0, .download = 0, .no_default_dirs = 0};
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int ends(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* ---- what a file is */

static const char *family_of_pipeline(const char *dir)
{
    char *p = longsd__asprintf("%s/model_index.json", dir);
    json_t *j = p ? json_load_file(p, 0, NULL) : NULL;
    longsd__free(p);
    const char *cls = json_string_value(json_object_get(j, "_class_name"));
    const char *fam = "unknown";
    if (cls) {
        if (strstr(cls, "XL"))
            fam = "sdxl";
        else if (strstr(cls, "StableDiffusion3"))
            fam = "sd3";
        else if (strstr(cls, "Flux"))
            fam = "flux";
        else if (strstr(cls, "StableDiffusion")) {
            char *u = longsd__asprintf("%s/unet/config.json", dir);
            json_t *uc = u ? json_load_file(u, 0, NULL) : NULL;
            char *t = longsd__asprintf("%s/text_encoder/config.json", dir);
            json_t *tc = t ? json_load_file(t, 0, NULL) : NULL;
            json_int_t dim = json_integer_value(json_object_get(uc, "cross_attention_dim"));
            const char *act = json_string_value(json_object_get(tc, "hidden_act"));
            /* SD 2.x's text encoder is OpenCLIP's: 1024 wide and exact GELU,
             * where SD 1.x's CLIP ViT-L is 768 wide with quick_gelu; the
             * activation also tells a small model of either family apart */
            fam = dim == 1024 || (act && strcmp(act, "gelu") == 0) ? "sd2" : "sd1";
            json_decref(tc);
            longsd__free(t);
            json_decref(uc);
            longsd__free(u);
        }
    }
    json_decref(j);
    return fam;
}

static int has_prefix(const sdst_file *f, const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < sdst_count(f); i++)
        if (strncmp(sdst_at(f, i)->name, prefix, n) == 0)
            return 1;
    return 0;
}

static int has_part(const sdst_file *f, const char *part)
{
    for (size_t i = 0; i < sdst_count(f); i++)
        if (strstr(sdst_at(f, i)->name, part))
            return 1;
    return 0;
}

static void guess_lora_folder(const char *dir, longsd_model_kind *kind, const char **family);

void ls_model_guess(const char *path, int hint, longsd_model_kind *kind, const char **family)
{
    *kind = hint >= 0 ? (longsd_model_kind)hint : LONGSD_MODEL_OTHER;
    *family = "unknown";
    char *cfg = NULL;
    if (is_dir(path)) {
        char *mi = longsd__asprintf("%s/model_index.json", path);
        if (mi && lsfile_exists(mi)) {
            *kind = LONGSD_MODEL_PIPELINE;
            *family = family_of_pipeline(path);
        } else if ((cfg = longsd__asprintf("%s/config.json", path))) {
            json_t *j = json_load_file(cfg, 0, NULL);
            const char *cls = json_string_value(json_object_get(j, "_class_name"));
            if (cls && strcmp(cls, "AutoencoderTiny") == 0)
                *kind = LONGSD_MODEL_VAE, *family = "taesd";
            else if (cls && strcmp(cls, "AutoencoderKL") == 0)
                *kind = LONGSD_MODEL_VAE;
            json_decref(j);
            if (!cls)
                guess_lora_folder(path, kind, family);
        }
        longsd__free(mi);
        longsd__free(cfg);
        return;
    }
    if (!ends(path, ".safetensors") && !ends(path, ".gguf")) { /* sdst_open reads both */
        if (hint < 0)
            *kind = LONGSD_MODEL_CHECKPOINT; /* a pickle: never opened, only listed */
        return;
    }
    sdst_file *f = NULL;
    lserr e;
    if (sdst_open(path, &f, &e))
        return;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (has_prefix(f, "lora_") || has_part(f, ".lora_down.") || has_part(f, ".lora_A.")) {
        *kind = LONGSD_MODEL_LORA;
        /* SDXL: a second text encoder, or kohya's SGM UNet names (its SD 1.x
         * files use diffusers' down_blocks / up_blocks) */
        int xl = has_prefix(f, "lora_te1_") || has_prefix(f, "lora_te2_") || has_prefix(f, "text_encoder_2.") ||
                 has_prefix(f, "lora_unet_input_blocks_") || has_prefix(f, "lora_unet_output_blocks_") ||
                 has_prefix(f, "lora_unet_middle_block_");
        *family = xl ? "sdxl" : has_prefix(f, "lora_te_") ? "sd1" : "unknown";
    } else if (has_prefix(f, "conditioner.embedders.1.")) {
        *kind = LONGSD_MODEL_CHECKPOINT, *family = "sdxl";
    } else if (has_prefix(f, "cond_stage_model.model.")) {
        *kind = LONGSD_MODEL_CHECKPOINT, *family = "sd2";
    } else if (has_prefix(f, "cond_stage_model.transformer.")) {
        *kind = LONGSD_MODEL_CHECKPOINT, *family = "sd1";
    } else if (has_prefix(f, "model.diffusion_model.")) {
        *kind = LONGSD_MODEL_CHECKPOINT;
    } else if (strstr(base, "taesd") || has_prefix(f, "decoder.layers.")) {
        *kind = LONGSD_MODEL_VAE, *family = "taesd";
    } else if (has_prefix(f, "encoder.down.") || has_prefix(f, "decoder.up.") || has_prefix(f, "encoder.down_blocks.")) {
        *kind = LONGSD_MODEL_VAE;
    }
    sdst_close(f);
}

/* A folder with neither model_index.json nor a diffusers config (a LoRA
 * repo's snapshot): a LoRA when one of its .safetensors is. */
static void guess_lora_folder(const char *dir, longsd_model_kind *kind, const char **family)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int looked = 0;
    while (d && (de = readdir(d)) && looked < 8) {
        if (de->d_name[0] == '.' || !ends(de->d_name, ".safetensors"))
            continue;
        looked++;
        char *f = longsd__asprintf("%s/%s", dir, de->d_name);
        longsd_model_kind k;
        const char *fam;
        if (f && !is_dir(f)) {
            ls_model_guess(f, -1, &k, &fam);
            if (k == LONGSD_MODEL_LORA) {
                *kind = k;
                *family = fam;
                longsd__free(f);
                break;
            }
        }
        longsd__free(f);
    }
    if (d)
        closedir(d);
}

/* ---- the list */

static uint64_t size_under(const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    struct stat lst;
    if (depth > 6 || lstat(path, &lst) != 0 || S_ISLNK(lst.st_mode))
        return 0; /* a folder reached through a link could loop */
    DIR *d = opendir(path);
    uint64_t sum = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char *c = longsd__asprintf("%s/%s", path, de->d_name);
        if (c)
            sum += size_under(c, depth + 1);
        longsd__free(c);
    }
    if (d)
        closedir(d);
    return sum;
}

static longsd_status add(longsd_model_list *l, const char *name, const char *path, const char *source, int hint,
                         lserr *err)
{
    if (l->n >= MAX_ENTRIES)
        return LONGSD_OK;
    if (l->n == l->alloc) {
        size_t na = l->alloc ? l->alloc * 2 : 32;
        longsd_model_info *nv = longsd__realloc(l->v, na * sizeof *nv);
        if (!nv)
            return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        l->v = nv;
        l->alloc = na;
    }
    longsd_model_info *m = &l->v[l->n];
    memset(m, 0, sizeof *m);
    char *n = longsd__strdup(name), *p = longsd__strdup(path);
    if (!n || !p) {
        longsd__free(n);
        longsd__free(p);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    m->name = n;
    m->path = p;
    m->source = source;
    ls_model_guess(path, hint, &m->kind, &m->family);
    ls_model_size(path, m->kind, m->family, &m->width, &m->height);
    m->size_bytes = size_under(path, 0);
    l->n++;
    return LONGSD_OK;
}

static int model_file(const char *name)
{
    return ends(name, ".safetensors") || ends(name, ".gguf") || ends(name, ".ckpt") || ends(name, ".pt") ||
           ends(name, ".pth");
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorted names in dir (free with ls_hub-like loop below); NULL for none. */
static char **list_dir(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **v = NULL;
    size_t alloc = 0;
    struct dirent *de;
    while ((de = readdir(d)) && *n < MAX_ENTRIES) {
        if (de->d_name[0] == '.')
            continue;
        if (*n == alloc) {
            size_t na = alloc ? alloc * 2 : 32;
            char **nv = longsd__realloc(v, na * sizeof *nv);
            if (!nv)
                break;
            v = nv;
            alloc = na;
        }
        if (!(v[*n] = longsd__strdup(de->d_name)))
            break;
        (*n)++;
    }
    closedir(d);
    if (v)
        qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        longsd__free(v[i]);
    longsd__free(v);
}

static int seen(longsd_model_list *l, const char *dir)
{
    char *real = realpath(dir, NULL);
    if (!real)
        return 1;
    for (size_t i = 0; i < l->n_seen; i++)
        if (strcmp(l->seen[i], real) == 0) {
            free(real);
            return 1;
        }
    char **nv = longsd__realloc(l->seen, (l->n_seen + 1) * sizeof *nv);
    char *copy = nv ? longsd__strdup(real) : NULL;
    free(real);
    if (nv)
        l->seen = nv;
    if (!copy)
        return 1;
    l->seen[l->n_seen++] = copy;
    return 0;
}

/* Files and model folders under dir; names relative to top ("SDXL/x.safetensors"). */
static longsd_status scan_flat(longsd_model_list *l, const char *dir, const char *rel, int hint, const char *source,
                               int depth, lserr *err)
{
    if (depth == 0) {
        if (!is_dir(dir) || seen(l, dir))
            return LONGSD_OK;
        lsbuf_printf(&l->searched, "%s\n", dir);
    }
    size_t n = 0;
    char **names = list_dir(dir, &n);
    longsd_status rc = LONGSD_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        char *path = longsd__asprintf("%s/%s", dir, names[i]);
        char *name = rel ? longsd__asprintf("%s/%s", rel, names[i]) : longsd__strdup(names[i]);
        if (!path || !name)
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        else if (is_dir(path)) {
            char *mi = longsd__asprintf("%s/model_index.json", path), *cfg = longsd__asprintf("%s/config.json", path);
            if (mi && lsfile_exists(mi))
                rc = add(l, name, path, source, LONGSD_MODEL_PIPELINE, err);
            else if (cfg && lsfile_exists(cfg) && hint == LONGSD_MODEL_VAE)
                rc = add(l, name, path, source, LONGSD_MODEL_VAE, err);
            else if (depth + 1 < MAX_DEPTH)
                rc = scan_flat(l, path, name, hint, source, depth + 1, err);
            longsd__free(mi);
            longsd__free(cfg);
        } else if (model_file(names[i])) {
            rc = add(l, name, path, source, hint, err);
        }
        longsd__free(path);
        longsd__free(name);
    }
    free_names(names, n);
    return rc;
}

static longsd_status scan_sub(longsd_model_list *l, const char *root, const char *sub, int hint, const char *source,
                              lserr *err)
{
    char *p = longsd__asprintf("%s/%s", root, sub);
    longsd_status rc = p ? scan_flat(l, p, NULL, hint, source, 0, err) : lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    longsd__free(p);
    return rc;
}

static int kind_of_key(const char *k)
{
    if (strcmp(k, "checkpoints") == 0 || strcmp(k, "unet") == 0 || strcmp(k, "diffusion_models") == 0)
        return LONGSD_MODEL_CHECKPOINT;
    if (strcmp(k, "vae") == 0 || strcmp(k, "vae_approx") == 0)
        return LONGSD_MODEL_VAE;
    if (strcmp(k, "loras") == 0 || strcmp(k, "lora") == 0)
        return LONGSD_MODEL_LORA;
    if (strcmp(k, "diffusers") == 0)
        return LONGSD_MODEL_PIPELINE;
    return -2; /* upscalers, embeddings, controlnet...: not models longsd loads */
}

static longsd_status scan_yaml(longsd_model_list *l, const char *yaml, lserr *err)
{
    ls_model_path *v = NULL;
    size_t n = 0;
    longsd_status rc = ls_model_paths_load(yaml, &v, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        int k = kind_of_key(v[i].kind);
        if (k != -2)
            rc = scan_flat(l, v[i].dir, NULL, k, "comfyui", 0, err);
    }
    ls_model_paths_free(v, n);
    return rc;
}

/* A root: an A1111 or ComfyUI install, or a plain folder of models. */
static longsd_status scan_root(longsd_model_list *l, const char *dir, const char *source, lserr *err)
{
    if (!is_dir(dir))
        return LONGSD_OK;
    char *a1111 = longsd__asprintf("%s/models/Stable-diffusion", dir);
    char *comfy = longsd__asprintf("%s/models/checkpoints", dir);
    char *yaml = longsd__asprintf("%s/extra_model_paths.yaml", dir);
    longsd_status rc = LONGSD_OK;
    if (!a1111 || !comfy || !yaml) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    } else if (is_dir(a1111)) {
        const char *src = strcmp(source, "default") == 0 ? "a1111" : source;
        if (!(rc = scan_sub(l, dir, "models/Stable-diffusion", LONGSD_MODEL_CHECKPOINT, src, err)) &&
            !(rc = scan_sub(l, dir, "models/VAE", LONGSD_MODEL_VAE, src, err)) &&
            !(rc = scan_sub(l, dir, "models/VAE-approx", LONGSD_MODEL_VAE, src, err)))
            rc = scan_sub(l, dir, "models/Lora", LONGSD_MODEL_LORA, src, err);
    } else if (is_dir(comfy) || lsfile_exists(yaml)) {
        const char *src = strcmp(source, "default") == 0 ? "comfyui" : source;
        if (!(rc = scan_sub(l, dir, "models/checkpoints", LONGSD_MODEL_CHECKPOINT, src, err)) &&
            !(rc = scan_sub(l, dir, "models/diffusers", LONGSD_MODEL_PIPELINE, src, err)) &&
            !(rc = scan_sub(l, dir, "models/vae", LONGSD_MODEL_VAE, src, err)) &&
            !(rc = scan_sub(l, dir, "models/vae_approx", LONGSD_MODEL_VAE, src, err)) &&
            !(rc = scan_sub(l, dir, "models/loras", LONGSD_MODEL_LORA, src, err)) && lsfile_exists(yaml))
            rc = scan_yaml(l, yaml, err);
    } else {
        rc = scan_flat(l, dir, NULL, -1, source, 0, err);
    }
    longsd__free(a1111);
    longsd__free(comfy);
    longsd__free(yaml);
    return rc;
}

/* Each models--ORG--NAME with a refs/main snapshot. */
static longsd_status scan_hf(longsd_model_list *l, lserr *err)
{
    char *cache = ls_hf_cache_dir();
    if (!cache || !is_dir(cache)) {
        longsd__free(cache);
        return LONGSD_OK;
    }
    lsbuf_printf(&l->searched, "%s\n", cache);
    size_t n = 0;
    char **names = list_dir(cache, &n);
    longsd_status rc = LONGSD_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        if (strncmp(names[i], "models--", 8) != 0)
            continue;
        const char *org = names[i] + 8, *sep = strstr(org, "--");
        if (!sep || !sep[2])
            continue;
        char repo[LS_HF_MAX_ID + 1], tmp[LS_HF_MAX_ID + 1], rev[LS_HF_MAX_REV + 1];
        if ((size_t)snprintf(tmp, sizeof tmp, "%.*s/%s", (int)(sep - org), org, sep + 2) >= sizeof tmp ||
            ls_hf_parse_name(tmp, repo, rev))
            continue;
        char *snap = NULL;
        lserr e;
        if (ls_hf_find_snapshot(cache, repo, "main", &snap, NULL, &e) == LONGSD_OK) {
            rc = add(l, repo, snap, "hf-cache", -1, err);
        } else if ((snap = longsd__asprintf("%s/%s/snapshots", cache, names[i]))) {
            /* pulled at a revision only: each snapshot as org/name@commit */
            size_t ns = 0;
            char **snaps = list_dir(snap, &ns);
            for (size_t k = 0; k < ns && !rc; k++) {
                char *nm = ls_hf_is_commit(snaps[k]) ? longsd__asprintf("%s@%s", repo, snaps[k]) : NULL;
                char *sp = nm ? longsd__asprintf("%s/%s", snap, snaps[k]) : NULL;
                if (sp && is_dir(sp))
                    rc = add(l, nm, sp, "hf-cache", -1, err);
                longsd__free(nm);
                longsd__free(sp);
            }
            free_names(snaps, ns);
        }
        longsd__free(snap);
    }
    free_names(names, n);
    longsd__free(cache);
    return rc;
}

static longsd_status ls_models_scan_err(const longsd_model_params *p, longsd_model_list **out, lserr *err)
{
    longsd_model_list *l = longsd__calloc(1, sizeof *l);
    *out = NULL;
    if (!l)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    lsbuf_init(&l->searched, 1u << 20);
    longsd_status rc = LONGSD_OK;
    for (size_t i = 0; p && i < p->n_dirs && !rc; i++)
        rc = scan_root(l, p->dirs[i], "models-dir", err);
    const char *envl = getenv("LONGSD_MODELS");
    for (const char *s = envl; s && *s && !rc;) {
        size_t len = strcspn(s, ":");
        char *d = longsd__strndup(s, len);
        rc = d ? (len ? scan_root(l, d, "LONGSD_MODELS", err) : LONGSD_OK)
               : lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        longsd__free(d);
        s += len + (s[len] == ':');
    }
    if (!rc)
        rc = scan_hf(l, err);
    if (!rc && !(p && p->no_default_dirs)) {
        const char *home = getenv("HOME");
        const char *const here[] = {"stable-diffusion-webui", "ComfyUI", "stable-diffusion-webui-forge"};
        for (size_t i = 0; i < 3 && !rc; i++)
            rc = scan_root(l, here[i], "default", err);
        for (size_t i = 0; home && *home && i < 3 && !rc; i++) {
            char *d = longsd__asprintf("%s/%s", home, here[i]);
            rc = d ? scan_root(l, d, "default", err) : lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            longsd__free(d);
        }
    }
    if (rc) {
        longsd_model_list_free(l);
        return rc;
    }
    *out = l;
    return LONGSD_OK;
}

longsd_status longsd_models_scan(longsd_ctx *ctx, const longsd_model_params *p, longsd_model_list **out)
{
    lserr_clear(&ctx->err);
    return ls_models_scan_err(p, out, &ctx->err);
}

size_t longsd_model_list_count(const longsd_model_list *l) { return l ? l->n : 0; }

const longsd_model_info *longsd_model_list_at(const longsd_model_list *l, size_t i)
{
    return l && i < l->n ? &l->v[i] : NULL;
}

const char *longsd_model_list_searched(const longsd_model_list *l)
{
    return l && l->searched.data ? l->searched.data : "";
}

void longsd_model_list_free(longsd_model_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        longsd__free((char *)l->v[i].name);
        longsd__free((char *)l->v[i].path);
    }
    longsd__free(l->v);
    free_names(l->seen, l->n_seen);
    lsbuf_free(&l->searched);
    longsd__free(l);
}

char *ls_models_local_names(const longsd_model_params *p)
{
    longsd_model_list *l = NULL;
    lserr e;
    lsbuf b;
    lsbuf_init(&b, 8192);
    if (ls_models_scan_err(p, &l, &e) == LONGSD_OK) {
        for (size_t i = 0; i < l->n; i++) {
            if (i == 12) {
                lsbuf_adds(&b, ", ...");
                break;
            }
            lsbuf_printf(&b, "%s%s", i ? ", " : "", l->v[i].name);
        }
    }
    longsd_model_list_free(l);
    if (!b.len)
        lsbuf_addc(&b, '\0');
    return lsbuf_steal(&b);
}

/* ---- resolving a name */

static longsd_status ls_model_find(longsd_ctx *ctx, const char *name, int kind, const longsd_model_params *p,
                                   char **path, lserr *err);

static int name_matches(const longsd_model_info *m, const char *name)
{
    if (strcmp(m->name, name) == 0)
        return 1;
    const char *base = strrchr(m->name, '/');
    base = base ? base + 1 : m->name;
    if (strcmp(base, name) == 0)
        return 1;
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base && m->kind != LONGSD_MODEL_PIPELINE ? (size_t)(dot - base) : strlen(base);
    return strlen(name) == stem && strncmp(base, name, stem) == 0;
}

/* A file whose tensors say nothing (kind "other") may still be what a
 * LoRA or VAE lookup wants: the loader then says what it is not. */
static int kind_fits(longsd_model_kind have, int want)
{
    return want < 0 || (int)have == want || have == LONGSD_MODEL_OTHER ||
           (want == LONGSD_MODEL_CHECKPOINT && have == LONGSD_MODEL_PIPELINE);
}

static const char *kind_word(int kind)
{
    return kind == LONGSD_MODEL_LORA ? "LoRA" : kind == LONGSD_MODEL_VAE ? "VAE" : "model";
}

/* A LoRA named by a folder (a hub snapshot such as a diffusers LoRA repo):
 * its weights file, pytorch_lora_weights.safetensors first, else the only
 * .safetensors in it. A file stays as it is. */
static longsd_status lora_file(char **path, lserr *err)
{
    if (!is_dir(*path))
        return LONGSD_OK;
    char *std = longsd__asprintf("%s/pytorch_lora_weights.safetensors", *path);
    if (!std)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    if (lsfile_exists(std)) {
        longsd__free(*path);
        *path = std;
        return LONGSD_OK;
    }
    longsd__free(std);
    size_t n = 0, found = 0, pick = 0;
    char **names = list_dir(*path, &n);
    for (size_t i = 0; i < n; i++)
        if (ends(names[i], ".safetensors"))
            found++, pick = i;
    longsd_status rc = LONGSD_OK;
    if (found != 1) {
        rc = lserr_set(err, LONGSD_ERR_NOT_FOUND, "LoRA folder %s holds %s .safetensors file%s: name the file itself",
                       *path, found ? "more than one" : "no", found ? "s" : "");
    } else {
        char *f = longsd__asprintf("%s/%s", *path, names[pick]);
        if (!f) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        } else {
            longsd__free(*path);
            *path = f;
        }
    }
    free_names(names, n);
    return rc;
}

longsd_status ls_model_resolve(longsd_ctx *ctx, const char *name, int kind, const longsd_model_params *p, char **path,
                               lserr *err)
{
    longsd_status rc = ls_model_find(ctx, name, kind, p, path, err);
    if (!rc && kind == LONGSD_MODEL_LORA && (rc = lora_file(path, err))) {
        longsd__free(*path);
        *path = NULL;
    }
    return rc;
}

longsd_status longsd_model_resolve(longsd_ctx *ctx, const char *name, int kind, const longsd_model_params *p,
                                   char **path)
{
    lserr_clear(&ctx->err);
    return ls_model_resolve(ctx, name, kind, p, path, &ctx->err);
}

/* The resolver proper; ctx NULL: no download, no log line. */
static longsd_status ls_model_find(longsd_ctx *ctx, const char *name, int kind, const longsd_model_params *p,
                                   char **path, lserr *err)
{
    *path = NULL;
    if (!name || !*name)
        return lserr_set(err, LONGSD_ERR_PARAM, "no %s name given", kind_word(kind));
    struct stat st;
    if (stat(name, &st) == 0) {
        *path = longsd__strdup(name);
        return *path ? LONGSD_OK : lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    char repo[LS_HF_MAX_ID + 1], rev[LS_HF_MAX_REV + 1];
    int is_repo = ls_hf_parse_name(name, repo, rev) == 0;
    if (is_repo) {
        char *cache = ls_hf_cache_dir(), *snap = NULL;
        lserr e;
        longsd_status rc = cache ? ls_hf_find_snapshot(cache, repo, rev, &snap, NULL, &e) : LONGSD_ERR_NOT_FOUND;
        if (rc == LONGSD_OK) {
            longsd__free(cache);
            *path = snap;
            return LONGSD_OK;
        }
        if (ctx && p && p->download && !ls_hub_offline()) {
            longsd__free(cache);
            return ls_hub_pull(ctx, name, p, path);
        }
        if (ls_hub_offline()) {
            char *local = ls_models_local_names(p);
            rc = lserr_set(err, LONGSD_ERR_NETWORK, "HF_HUB_OFFLINE is set and %s is not in the cache %s; models "
                           "found locally: %s", name, cache ? cache : "(none)", local && *local ? local : "none");
            longsd__free(local);
            longsd__free(cache);
            return rc;
        }
        rc = lserr_set(err, LONGSD_ERR_NOT_FOUND, "%s: no such file, and the hub repo %s@%s is not in the Hugging "
                       "Face cache %s: download it once with `longsd pull %s` (or add --download)",
                       name, repo, rev, cache ? cache : "(none)", name);
        longsd__free(cache);
        return rc;
    }
    longsd_model_list *l = NULL;
    longsd_status rc = ls_models_scan_err(p, &l, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < l->n; i++)
        if (kind_fits(l->v[i].kind, kind) && name_matches(&l->v[i], name)) {
            *path = longsd__strdup(l->v[i].path);
            rc = *path ? LONGSD_OK : lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            longsd__log(ctx, LONGSD_LOG_INFO, "%s %s: %s (%s)", kind_word(kind), name, l->v[i].path, l->v[i].source);
            longsd_model_list_free(l);
            return rc;
        }
    lsbuf s;
    lsbuf_init(&s, 16384);
    const char *searched = longsd_model_list_searched(l);
    for (const char *c = searched; *c;) {
        size_t len = strcspn(c, "\n");
        lsbuf_printf(&s, "%s%.*s", s.len ? ", " : "", (int)len, c);
        c += len + (c[len] == '\n');
    }
    if (kind == LONGSD_MODEL_LORA || kind == LONGSD_MODEL_VAE)
        rc = lserr_set(err, LONGSD_ERR_NOT_FOUND, "%s \"%s\" not found: not a file, a hub repo id (org/name) in the "
                       "Hugging Face cache, or a %s in %s (see `longsd models`; put it in one of those folders, name its folder "
                       "with --models-dir DIR%s, or `longsd pull org/name` a hub repo)", kind_word(kind), name,
                       kind_word(kind), s.len ? s.data : "any known folder (none exists)",
                       kind == LONGSD_MODEL_LORA ? " or --lora-dir DIR" : "");
    else
        rc = lserr_set(err, LONGSD_ERR_NOT_FOUND, "model \"%s\": not a file, a hub repo id (org/name) or a model in %s "
                       "(see `longsd models`)", name, s.len ? s.data : "any known folder (none exists)");
    lsbuf_free(&s);
    longsd_model_list_free(l);
    return rc;
}

int longsd_model_is_repo_id(const char *name)
{
    char repo[LS_HF_MAX_ID + 1], rev[LS_HF_MAX_REV + 1];
    return name && ls_hf_parse_name(name, repo, rev) == 0;
}

longsd_status longsd_pull(longsd_ctx *ctx, const char *name, const longsd_model_params *params, char **snapshot)
{
    lserr_clear(&ctx->err);
    longsd_model_params d = longsd_model_default_params();
    return ls_hub_pull(ctx, name, params ? params : &d, snapshot);
}
