/* lora.c - LoRA files (kohya/A1111, diffusers, PEFT) read into per-module
 * (up, down, alpha) in f32, and applied as an sdw_patch: each affected
 * weight gets W += multiplier * alpha/rank * up @ down when the engine
 * converts it (see lora.h). Modules are keyed by the diffusers module path
 * with '.' turned into '_', which is what kohya's names are, so one lookup
 * serves every format: the model's "down_blocks.0.attentions.0....to_q"
 * weight looks for "down_blocks_0_attentions_0_..._to_q". kohya's SDXL
 * files name the UNet's modules as the original (SGM) code does
 * ("input_blocks_4_1_transformer_blocks_0_attn1_to_q"), so a UNet weight
 * also looks for the key of its CompVis name (compvis.h). */
#include "lora.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compvis.h"
#include "peft.h"
#include "safetensors.h"

#define MAX_RANK 4096
#define MAX_MODULES 100000

typedef struct {
    char *key; /* canonical module key, see the file comment */
    sdlora_net net;
    char *tensor; /* the down tensor's name, for messages */
    char *mpath;  /* the module's dotted name in the file, for a PEFT config's patterns */
    int out, r, rest; /* up (out, r), down (r, rest = in * kh * kw) */
    float alpha;
    int has_alpha;
    float *up, *down;
    const sdst_tensor *tup, *tdown, *talpha; /* while loading */
} module;

struct sdlora {
    char *path;
    module *m; /* sorted by (net, key) */
    size_t n;
};

const char *sdlora_path(const sdlora *l)
{
    return l->path;
}

size_t sdlora_count(const sdlora *l, sdlora_net net)
{
    size_t c = 0;
    for (size_t i = 0; i < l->n; i++)
        c += l->m[i].net == net;
    return c;
}

const char *sdlora_tensor(const sdlora *l, sdlora_net net)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->m[i].net == net)
            return l->m[i].tensor;
    return NULL;
}

void sdlora_free(sdlora *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        longsd__free(l->m[i].key);
        longsd__free(l->m[i].tensor);
        longsd__free(l->m[i].mpath);
        longsd__free(l->m[i].up);
        longsd__free(l->m[i].down);
    }
    longsd__free(l->m);
    longsd__free(l->path);
    longsd__free(l);
}

static int ends_with(const char *s, size_t n, const char *suf, size_t *stem)
{
    size_t k = strlen(suf);
    if (n < k || memcmp(s + n - k, suf, k) != 0)
        return 0;
    *stem = n - k;
    return 1;
}

/* The canonical key of module path p[0..n): dots to underscores, without
 * a leading "text_model" (transformers 4 and 5 name the encoder apart). */
static char *canon(const char *p, size_t n, sdlora_net net)
{
    if (net != SDLORA_UNET && n > 11 && (memcmp(p, "text_model.", 11) == 0 || memcmp(p, "text_model_", 11) == 0)) {
        p += 11;
        n -= 11;
    }
    char *k = longsd__malloc(n + 1);
    if (!k)
        return NULL;
    for (size_t i = 0; i < n; i++)
        k[i] = p[i] == '.' ? '_' : p[i];
    k[n] = '\0';
    return k;
}

enum { ROLE_DOWN, ROLE_UP, ROLE_ALPHA };

/* Split a tensor name into network, module path and role; -1 if it is not
 * a LoRA tensor we know, -2 if it is one of a kind we do not apply. */
static int classify(const char *name, sdlora_net *net, const char **mp, size_t *mn, int *role)
{
    size_t n = strlen(name), stem;
    const char *p = name;
    int kohya = 0;
    if (strncmp(name, "lora_unet_", 10) == 0) {
        *net = SDLORA_UNET, p += 10, kohya = 1;
    } else if (strncmp(name, "lora_te_", 8) == 0 || strncmp(name, "lora_te1_", 9) == 0) {
        *net = SDLORA_TE, p += name[7] == '_' ? 8 : 9, kohya = 1;
    } else if (strncmp(name, "lora_te2_", 9) == 0) {
        *net = SDLORA_TE2, p += 9, kohya = 1;
    } else if (strncmp(name, "unet.", 5) == 0) {
        *net = SDLORA_UNET, p += 5;
    } else if (strncmp(name, "text_encoder.", 13) == 0) {
        *net = SDLORA_TE, p += 13;
    } else if (strncmp(name, "text_encoder_2.", 15) == 0) {
        *net = SDLORA_TE2, p += 15;
    } else if (strncmp(name, "base_model.model.", 17) == 0) {
        p += 17;
        *net = strstr(p, "self_attn") || strstr(p, "text_model") ? SDLORA_TE : SDLORA_UNET;
    } else {
        return -1;
    }
    n -= (size_t)(p - name);
    static const struct {
        const char *suf;
        int role;
    } sufs[] = {
        {".lora_down.weight", ROLE_DOWN}, {".lora_up.weight", ROLE_UP},     {".alpha", ROLE_ALPHA},
        {".lora_A.weight", ROLE_DOWN},    {".lora_B.weight", ROLE_UP},      {".lora.down.weight", ROLE_DOWN},
        {".lora.up.weight", ROLE_UP},     {".lora_linear_layer.down.weight", ROLE_DOWN},
        {".lora_linear_layer.up.weight", ROLE_UP},
    };
    for (size_t i = 0; i < sizeof sufs / sizeof *sufs; i++)
        if (ends_with(p, n, sufs[i].suf, &stem) && stem > 0) {
            *mp = p;
            *mn = stem;
            *role = sufs[i].role;
            return 0;
        }
    /* diffusers' old attention processors: "<block>.processor.to_q_lora.down.weight" */
    if (!kohya && (ends_with(p, n, "_lora.down.weight", &stem) || ends_with(p, n, "_lora.up.weight", &stem))) {
        *role = p[stem + 6] == 'd' ? ROLE_DOWN : ROLE_UP;
        *mp = p;
        *mn = stem;
        return 0;
    }
    return kohya || strstr(p, "lora") || strstr(p, "hada_") || strstr(p, "lokr_") ? -2 : -1;
}

/* "<block>.processor.to_q" -> "<block>.to_q", "...to_out" -> "...to_out.0" */
static char *old_processor_key(const char *p, size_t n, sdlora_net net)
{
    const char *pr = NULL;
    for (const char *q = p; (q = strstr(q, ".processor.")) && q < p + n; q++)
        pr = q;
    if (!pr)
        return canon(p, n, net);
    char buf[512];
    size_t head = (size_t)(pr - p), tail = n - head - 11;
    const char *t = pr + 11;
    int out = tail == 6 && memcmp(t, "to_out", 6) == 0;
    int len = snprintf(buf, sizeof buf, "%.*s.%.*s%s", (int)head, p, (int)tail, t, out ? ".0" : "");
    if (len < 0 || (size_t)len >= sizeof buf)
        return NULL;
    return canon(buf, (size_t)len, net);
}

static int cmp_module(const void *a, const void *b)
{
    const module *x = a, *y = b;
    if (x->net != y->net)
        return x->net < y->net ? -1 : 1;
    return strcmp(x->key, y->key);
}

static const module *find(const sdlora *l, sdlora_net net, const char *key)
{
    module probe = {.key = (char *)key, .net = net};
    return bsearch(&probe, l->m, l->n, sizeof *l->m, cmp_module);
}

/* One module's matrices as f32, shapes checked; cfg (may be NULL) is the
 * adapter's PEFT config, whose scale stands for a missing .alpha. */
static longsd_status finish_module(const sdst_file *f, const sdpeft *cfg, const char *label, module *m, lserr *err)
{
    if (!m->tdown || !m->tup)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: LoRA module of tensor '%s' has no %s", label, m->tensor,
                         m->tdown ? "up (lora_up / lora_B) matrix" : "down (lora_down / lora_A) matrix");
    const sdst_tensor *d = m->tdown, *u = m->tup;
    if ((d->ndim != 2 && d->ndim != 4) || (u->ndim != 2 && u->ndim != 4) || d->shape[0] != u->shape[1] ||
        (u->ndim == 4 && (u->shape[2] != 1 || u->shape[3] != 1)) || d->shape[0] < 1 || d->shape[0] > MAX_RANK ||
        u->shape[0] < 1)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: tensor '%s' (%d dims) and its up matrix '%s' (%d dims) are not a LoRA pair "
                         "(down (rank, in[, kh, kw]), up (out, rank[, 1, 1]), rank 1..%d)",
                         label, d->name, d->ndim, u->name, u->ndim, MAX_RANK);
    if (d->numel / (uint64_t)d->shape[0] > (uint64_t)1 << 28 || u->shape[0] > 1 << 20)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s' is too large for a LoRA matrix", label, d->name);
    m->r = (int)d->shape[0];
    m->out = (int)u->shape[0];
    m->rest = (int)(d->numel / (uint64_t)m->r);
    if (m->talpha) {
        float a;
        if (m->talpha->numel != 1 || sdst_to_f32(f, m->talpha, &a, 1, err) != LONGSD_OK || !isfinite(a))
            return lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s' is not one finite number", label,
                             m->talpha->name);
        m->alpha = a;
        m->has_alpha = 1;
    } else if (cfg) {
        float scale;
        longsd_status rc = sdpeft_scale(cfg, m->mpath, m->r, m->tensor, &scale, err);
        if (rc != LONGSD_OK)
            return rc;
        m->alpha = scale * (float)m->r;
        m->has_alpha = 1;
    }
    m->down = longsd__malloc(d->numel * sizeof *m->down);
    m->up = longsd__malloc(u->numel * sizeof *m->up);
    if (!m->down || !m->up)
        return lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory reading '%s'", label, d->name);
    longsd_status rc = sdst_to_f32(f, d, m->down, d->numel, err);
    if (rc == LONGSD_OK)
        rc = sdst_to_f32(f, u, m->up, u->numel, err);
    for (size_t i = 0; rc == LONGSD_OK && i < d->numel + u->numel; i++) {
        float v = i < d->numel ? m->down[i] : m->up[i - d->numel];
        if (!isfinite(v))
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s' holds a NaN or infinity", label,
                           i < d->numel ? d->name : u->name);
    }
    return rc;
}

longsd_status sdlora_from_st(const sdst_file *f, const sdpeft *cfg, sdlora **out, lserr *err)
{
    *out = NULL;
    const char *label = sdst_label(f);
    size_t nt = sdst_count(f);
    if (nt > MAX_MODULES)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: %zu tensors is too many for a LoRA", label, nt);
    sdlora *l = longsd__calloc(1, sizeof *l);
    module *m = longsd__calloc(nt ? nt : 1, sizeof *m);
    longsd_status rc = LONGSD_OK;
    if (!l || !m || !(l->path = longsd__strdup(label))) {
        longsd__free(m);
        sdlora_free(l);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    l->m = m;
    /* diffusers keeps the LoraConfig of each component in the header (since
     * 0.34, when the trainer passes it); a folder's adapter_config.json wins */
    static const char *const component[3] = {"unet", "text_encoder", "text_encoder_2"};
    sdpeft *own[3] = {NULL, NULL, NULL};
    const sdpeft *use[3] = {cfg, cfg, cfg};
    const char *meta = cfg ? NULL : sdst_meta(f, "lora_adapter_metadata");
    for (int k = 0; meta && k < 3 && rc == LONGSD_OK; k++) {
        rc = sdpeft_from_diffusers_meta(meta, component[k], label, &own[k], err);
        use[k] = own[k];
    }
    /* one entry per tensor first, then merged by key */
    for (size_t i = 0; i < nt && rc == LONGSD_OK; i++) {
        const sdst_tensor *t = sdst_at(f, i);
        sdlora_net net;
        const char *mp;
        size_t mn;
        int role, c = classify(t->name, &net, &mp, &mn, &role);
        if (c == -1) {
            rc = lserr_set(err, LONGSD_ERR_MODEL,
                           "%s: tensor '%s' is not a LoRA tensor (expected lora_unet_* / lora_te[12]_* or unet.* "
                           "/ text_encoder[_2].* names)",
                           label, t->name);
            break;
        }
        if (c == -2) {
            rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED,
                           "%s: tensor '%s' is of a LoRA kind not supported (LoHa, LoKr, Tucker mid, DoRA)", label,
                           t->name);
            break;
        }
        char *key = old_processor_key(mp, mn, net);
        if (!key) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            break;
        }
        module probe = {.key = key, .net = net};
        module *hit = NULL;
        for (size_t k = 0; k < l->n && !hit; k++) /* files are small: linear is fine here */
            if (cmp_module(&probe, &l->m[k]) == 0)
                hit = &l->m[k];
        if (!hit) {
            hit = &l->m[l->n++];
            hit->key = key;
            hit->net = net;
            if (!(hit->mpath = longsd__strndup(mp, mn)))
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        } else {
            longsd__free(key);
        }
        const sdst_tensor **slot = role == ROLE_DOWN ? &hit->tdown : role == ROLE_UP ? &hit->tup : &hit->talpha;
        if (*slot) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s' repeats the module of '%s'", label, t->name,
                           (*slot)->name);
            break;
        }
        *slot = t;
        /* messages name the down matrix, whichever tensor of the module comes first */
        if (!hit->tensor || role == ROLE_DOWN) {
            longsd__free(hit->tensor);
            if (!(hit->tensor = longsd__strdup(t->name)))
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        }
    }
    for (size_t k = 0; k < l->n && rc == LONGSD_OK; k++)
        rc = finish_module(f, use[l->m[k].net], label, &l->m[k], err);
    for (int k = 0; k < 3; k++)
        sdpeft_free(own[k]);
    if (rc == LONGSD_OK && l->n == 0)
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: no LoRA tensors in the file", label);
    if (rc != LONGSD_OK) {
        sdlora_free(l);
        return rc;
    }
    qsort(l->m, l->n, sizeof *l->m, cmp_module);
    *out = l;
    return LONGSD_OK;
}

/* dir[0..dn) (which ends in '/' or is empty) + name into buf, if that
 * file exists. */
static int sibling(char *buf, size_t cap, const char *dir, size_t dn, const char *name)
{
    int n = snprintf(buf, cap, "%.*s%s", (int)dn, dir, name);
    return n > 0 && (size_t)n < cap && lsfile_exists(buf);
}

longsd_status sdlora_load(const char *path, sdlora **out, lserr *err)
{
    sdst_file *f = NULL;
    sdpeft *cfg = NULL;
    char file[4096], conf[4096], dir[4096];
    struct stat st;
    longsd_status rc = LONGSD_OK;
    int has_conf = 0;
    *out = NULL;
    /* a PEFT adapter folder (save_pretrained) or its weights file: the
     * scale is in adapter_config.json next to adapter_model.safetensors */
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        size_t n = strlen(path);
        int dl = snprintf(dir, sizeof dir, "%s%s", path, n && path[n - 1] == '/' ? "" : "/");
        if (dl < 0 || (size_t)dl >= sizeof dir)
            return lserr_set(err, LONGSD_ERR_PARAM, "LoRA path of %zu bytes is too long", n);
        if (!sibling(file, sizeof file, dir, (size_t)dl, "adapter_model.safetensors") &&
            !sibling(file, sizeof file, dir, (size_t)dl, "pytorch_lora_weights.safetensors"))
            return lserr_set(err, LONGSD_ERR_NOT_FOUND,
                             "%s: a folder without adapter_model.safetensors or pytorch_lora_weights.safetensors "
                             "(give the LoRA's .safetensors file)", path);
        has_conf = sibling(conf, sizeof conf, dir, (size_t)dl, "adapter_config.json");
    } else {
        const char *base = strrchr(path, '/');
        size_t dn = base ? (size_t)(base - path) + 1 : 0;
        if (snprintf(file, sizeof file, "%s", path) >= (int)sizeof file)
            return lserr_set(err, LONGSD_ERR_PARAM, "LoRA path of %zu bytes is too long", strlen(path));
        if (strcmp(path + dn, "adapter_model.safetensors") == 0)
            has_conf = sibling(conf, sizeof conf, path, dn, "adapter_config.json");
    }
    if (has_conf)
        rc = sdpeft_load(conf, &cfg, err);
    if (rc == LONGSD_OK)
        rc = sdst_open(file, &f, err);
    if (rc == LONGSD_OK)
        rc = sdlora_from_st(f, cfg, out, err);
    sdst_close(f);
    sdpeft_free(cfg);
    return rc;
}

/* ---- the patch */

/* The module key of a model weight name ("<module>.weight"); 0 if none. */
static int weight_key(const char *name, sdlora_net net, char *key, size_t cap)
{
    size_t n = strlen(name), stem;
    if (!ends_with(name, n, ".weight", &stem) || stem + 1 > cap)
        return 0;
    char *k = canon(name, stem, net);
    if (!k)
        return 0;
    snprintf(key, cap, "%s", k);
    longsd__free(k);
    return 1;
}

/* The module of weight name in LoRA i of the set, by its diffusers key or,
 * for a UNet, by the key of its CompVis name; NULL if none. */
static const module *lookup(const sdlora_set *s, int i, const char *name)
{
    char key[512], cv[512];
    if (!weight_key(name, s->net, key, sizeof key))
        return NULL;
    const module *m = find(s->l[i], s->net, key);
    if (!m && s->net == SDLORA_UNET && s->unet_cfg && sdcv_unet_name(s->unet_cfg, name, cv, sizeof cv) &&
        weight_key(cv, s->net, key, sizeof key))
        m = find(s->l[i], s->net, key);
    return m;
}

/* SD 2.x single files keep each OpenCLIP layer's q, k and v in one packed
 * in_proj, which clip.c reads as "<layer>.self_attn.qkv_proj.weight" (q, k,
 * v stacked along the output dimension); a LoRA names q_proj, k_proj and
 * v_proj apart. For such a name, part j (0..2) is the name of the j-th
 * projection, whose update goes into the j-th third of the rows. */
#define QKV_SUFFIX "qkv_proj.weight"
static int packed_part(const char *name, int j, char *out, size_t cap)
{
    static const char *const part[3] = {"q_proj", "k_proj", "v_proj"};
    size_t n = strlen(name), stem;
    if (!ends_with(name, n, "self_attn." QKV_SUFFIX, &stem))
        return 0;
    stem += strlen("self_attn.");
    return snprintf(out, cap, "%.*s%s.weight", (int)stem, name, part[j]) < (int)cap;
}

static int set_has(void *ctx, const char *name)
{
    sdlora_set *s = ctx;
    char part[512];
    s->asked++;
    if (packed_part(name, 0, part, sizeof part)) {
        for (int j = 0; j < 3; j++)
            if (packed_part(name, j, part, sizeof part) && set_has(ctx, part))
                return 1;
        return 0;
    }
    for (int i = 0; i < s->n; i++)
        if (lookup(s, i, name))
            return 1;
    return 0;
}

static longsd_status set_add(void *ctx, const char *name, float *w, size_t numel, lserr *err)
{
    sdlora_set *s = ctx;
    char part[512];
    if (packed_part(name, 0, part, sizeof part)) {
        if (numel % 3)
            return lserr_set(err, LONGSD_ERR_MODEL, "the model's packed '%s' has %zu weights, not 3 equal parts",
                             name, numel);
        for (int j = 0; j < 3; j++) {
            longsd_status rc = LONGSD_OK;
            if (packed_part(name, j, part, sizeof part))
                rc = set_add(ctx, part, w + (size_t)j * (numel / 3), numel / 3, err);
            if (rc != LONGSD_OK)
                return rc;
        }
        return LONGSD_OK;
    }
    for (int i = 0; i < s->n; i++) {
        const module *m = lookup(s, i, name);
        if (!m)
            continue;
        if ((size_t)m->out * (size_t)m->rest != numel)
            return lserr_set(err, LONGSD_ERR_UNSUPPORTED, /* a LoRA for another model: this image's, not the model's fault */
                             "%s: tensor '%s' makes a %dx%d update but the model's '%s' has %zu weights",
                             sdlora_path(s->l[i]), m->tensor, m->out, m->rest, name, numel);
        float scale = s->w[i] * (m->has_alpha ? m->alpha / (float)m->r : 1.0f);
        sdk_sgemm(0, 0, m->out, m->rest, m->r, scale, m->up, m->r, m->down, m->rest, 1.0f, w, m->rest);
        s->used[i][m - s->l[i]->m] = 1;
        s->applied++;
    }
    return LONGSD_OK;
}

void sdlora_set_init(sdlora_set *s, sdlora_net net)
{
    memset(s, 0, sizeof *s);
    s->net = net;
    s->patch.has = set_has;
    s->patch.add = set_add;
    s->patch.ctx = s;
}

int sdlora_set_add(sdlora_set *s, const sdlora *l, float weight)
{
    if (s->n == SDLORA_MAX_USE || !(s->used[s->n] = longsd__calloc(l->n ? l->n : 1, 1)))
        return -1;
    s->l[s->n] = l;
    s->w[s->n] = weight;
    s->n++;
    return 0;
}

void sdlora_set_free(sdlora_set *s)
{
    for (int i = 0; i < s->n; i++)
        longsd__free(s->used[i]);
    sdlora_set_init(s, s->net);
}

/* Whether f has a weight under prefix whose module key is key (for a UNet
 * also by its CompVis name): a layer the pipeline did not run. */
static int file_has(const sdlora_set *s, const sdst_file *f, const char *prefix, const char *key)
{
    size_t np = strlen(prefix);
    char k[512], cv[512];
    for (size_t i = 0; i < sdst_count(f); i++) {
        const char *name = sdst_at(f, i)->name;
        if (strncmp(name, prefix, np) != 0 || !weight_key(name + np, s->net, k, sizeof k))
            continue;
        if (strcmp(k, key) == 0)
            return 1;
        if (s->unet_cfg && sdcv_unet_name(s->unet_cfg, name + np, cv, sizeof cv) &&
            weight_key(cv, s->net, k, sizeof k) && strcmp(k, key) == 0)
            return 1;
    }
    return 0;
}

longsd_status sdlora_set_check(const sdlora_set *s, const sdst_file *f, const char *prefix, const char *what,
                               lserr *err)
{
    if (!s->asked) /* the network did not run (an empty prompt's zero conditioning) */
        return LONGSD_OK;
    for (int i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->l[i]->n; k++) {
            const module *m = &s->l[i]->m[k];
            if (m->net != s->net || s->used[i][k] || (f && file_has(s, f, prefix ? prefix : "", m->key)))
                continue;
            return lserr_set(err, LONGSD_ERR_UNSUPPORTED,
                             "%s: tensor '%s' names no layer of the model's %s: a LoRA made for another model "
                             "(family)? Use one trained for this model, or drop that module's tensors",
                             sdlora_path(s->l[i]), m->tensor, what);
        }
    return LONGSD_OK;
}

/* ---- <lora:...> tags */

void sdlora_tags_free(sdlora_tag *tags, size_t n)
{
    for (size_t i = 0; tags && i < n; i++)
        longsd__free(tags[i].name);
    longsd__free(tags);
}

longsd_status sdlora_tags(const char *prompt, char **clean, sdlora_tag **tags, size_t *n, lserr *err)
{
    *clean = NULL;
    *tags = NULL;
    *n = 0;
    size_t len = strlen(prompt), cap = 0;
    char *out = longsd__malloc(len + 1);
    if (!out)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    size_t o = 0;
    longsd_status rc = LONGSD_OK;
    for (size_t i = 0; i < len;) {
        const char *close = prompt[i] == '<' && strncmp(prompt + i + 1, "lora:", 5) == 0
                                ? memchr(prompt + i + 6, '>', len - i - 6)
                                : NULL;
        if (!close) {
            out[o++] = prompt[i++];
            continue;
        }
        /* NAME[:W[:UNET_W]] up to '>'; as A1111, the name has no ':' */
        const char *a = prompt + i + 6, *e = close;
        const char *c1 = memchr(a, ':', (size_t)(e - a));
        const char *name_end = c1 ? c1 : e;
        double w = 1.0;
        if (c1) {
            const char *c2 = memchr(c1 + 1, ':', (size_t)(e - c1 - 1));
            const char *we = c2 ? c2 : e;
            char num[48];
            size_t wl = (size_t)(we - c1 - 1);
            char *endp = NULL;
            if (wl > 0 && wl < sizeof num) {
                memcpy(num, c1 + 1, wl);
                num[wl] = '\0';
                w = strtod(num, &endp);
            }
            if (!endp || *endp || !isfinite(w)) {
                rc = lserr_set(err, LONGSD_ERR_PARAM, "prompt: LoRA weight \"%.*s\" at byte %zu is not a number",
                               (int)(wl < 40 ? wl : 40), c1 + 1, (size_t)(c1 + 1 - prompt));
                break;
            }
        }
        if (name_end == a) {
            rc = lserr_set(err, LONGSD_ERR_PARAM, "prompt: <lora:> at byte %zu has no name", i);
            break;
        }
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 4;
            sdlora_tag *nt = longsd__realloc(*tags, nc * sizeof *nt);
            if (!nt) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                break;
            }
            *tags = nt;
            cap = nc;
        }
        sdlora_tag *t = &(*tags)[*n];
        if (!(t->name = longsd__strndup(a, (size_t)(name_end - a)))) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            break;
        }
        t->weight = (float)w;
        (*n)++;
        i = (size_t)(close - prompt) + 1;
    }
    if (rc != LONGSD_OK) {
        longsd__free(out);
        sdlora_tags_free(*tags, *n);
        *tags = NULL;
        *n = 0;
        return rc;
    }
    out[o] = '\0';
    *clean = out;
    return LONGSD_OK;
}
