/* taesd.c - TAESD, the tiny autoencoder (see taesd.h). Both halves are a
 * plain nn.Sequential of 3x3 convolutions, ReLUs, residual blocks
 * (conv-relu-conv-relu-conv + x, relu) and nearest 2x upsampling, so the
 * layers are laid out once as a list of ops: loading checks every tensor
 * of that list, running walks it. Indices are diffusers' (the original
 * decoder file counts its Clamp as layer 0, hence its one-higher names). */
#include "taesd.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "layers.h"

#define MAX_OPS 128
#define MAX_BLOCKS_PER_STAGE 16

enum { OP_CONV, OP_RELU, OP_BLOCK, OP_UP };

typedef struct {
    int kind, idx; /* idx: the Sequential index in diffusers' numbering */
    int cin, cout, stride, bias;
} taesd_op;

typedef struct {
    const sdst_file *f;
    const char *fmt; /* "decoder.layers.%d", "encoder.layers.%d" or "%d" */
    int shift;       /* added to idx in names (1 for the original decoder) */
    taesd_op ops[MAX_OPS];
    int n_ops;
} taesd_half;

struct sdtaesd {
    sdtaesd_cfg cfg;
    sdst_file *files[2]; /* owned: [0] decoder (or the one diffusers file), [1] encoder or NULL */
    taesd_half dec, enc;
    int has_enc;
};

static sdtaesd_cfg default_cfg(void)
{
    return (sdtaesd_cfg){
        .in_ch = 3, .out_ch = 3, .latent_ch = 4, .n_enc = 4, .n_dec = 4, .enc_ch = 64, .dec_ch = 64,
        .enc_blocks = {1, 3, 3, 3}, .dec_blocks = {3, 3, 3, 1},
    };
}

static void add(taesd_half *h, int kind, int cin, int cout, int stride, int bias)
{
    taesd_op *o = &h->ops[h->n_ops];
    *o = (taesd_op){kind, h->n_ops, cin, cout, stride, bias};
    h->n_ops++;
}

/* DecoderTiny: conv, relu, then per stage its blocks, and an upsample and
 * a bias-free conv between stages; the last conv has a bias. */
static void layout_decoder(const sdtaesd_cfg *c, taesd_half *h)
{
    h->n_ops = 0;
    add(h, OP_CONV, c->latent_ch, c->dec_ch, 1, 1);
    add(h, OP_RELU, 0, 0, 0, 0);
    for (int i = 0; i < c->n_dec; i++) {
        int last = i == c->n_dec - 1;
        for (int j = 0; j < c->dec_blocks[i]; j++)
            add(h, OP_BLOCK, c->dec_ch, c->dec_ch, 1, 1);
        if (!last)
            add(h, OP_UP, 0, 0, 0, 0);
        add(h, OP_CONV, c->dec_ch, last ? c->out_ch : c->dec_ch, 1, last);
    }
}

/* EncoderTiny: a conv (stride 2 and bias-free after the first stage)
 * and the stage's blocks, then the conv to latent channels. */
static void layout_encoder(const sdtaesd_cfg *c, taesd_half *h)
{
    h->n_ops = 0;
    for (int i = 0; i < c->n_enc; i++) {
        add(h, OP_CONV, i ? c->enc_ch : c->in_ch, c->enc_ch, i ? 2 : 1, !i);
        for (int j = 0; j < c->enc_blocks[i]; j++)
            add(h, OP_BLOCK, c->enc_ch, c->enc_ch, 1, 1);
    }
    add(h, OP_CONV, c->enc_ch, c->latent_ch, 1, 1);
}

static void op_name(const taesd_half *h, int idx, const char *rest, char *out, size_t cap)
{
    char base[64];
    snprintf(base, sizeof base, h->fmt, idx + h->shift);
    snprintf(out, cap, "%s%s%s", base, rest[0] ? "." : "", rest);
}

static longsd_status need(const taesd_half *h, int idx, const char *rest, int64_t o, int64_t i, int k, lserr *err)
{
    char name[128];
    op_name(h, idx, rest, name, sizeof name);
    int64_t shape[4] = {o, i, k, k};
    const sdst_tensor *t;
    return sdst_get(h->f, name, i ? 4 : 1, shape, &t, err);
}

/* Every tensor the ops will read, with its exact shape. */
static longsd_status check_half(const taesd_half *h, lserr *err)
{
    longsd_status rc = LONGSD_OK;
    for (int n = 0; n < h->n_ops && rc == LONGSD_OK; n++) {
        const taesd_op *o = &h->ops[n];
        if (o->kind == OP_CONV) {
            rc = need(h, o->idx, "weight", o->cout, o->cin, 3, err);
            if (rc == LONGSD_OK && o->bias)
                rc = need(h, o->idx, "bias", o->cout, 0, 0, err);
        } else if (o->kind == OP_BLOCK) {
            for (int j = 0; j < 3 && rc == LONGSD_OK; j++) {
                char w[32], b[32];
                snprintf(w, sizeof w, "conv.%d.weight", 2 * j);
                snprintf(b, sizeof b, "conv.%d.bias", 2 * j);
                rc = need(h, o->idx, w, o->cout, j ? o->cout : o->cin, 3, err);
                if (rc == LONGSD_OK)
                    rc = need(h, o->idx, b, o->cout, 0, 0, err);
            }
        }
    }
    return rc;
}

static int int_list(json_t *a, int *out, int *n, int max)
{
    if (!json_is_array(a) || json_array_size(a) < 1 || json_array_size(a) > (size_t)max)
        return -1;
    *n = (int)json_array_size(a);
    for (int i = 0; i < *n; i++) {
        json_t *v = json_array_get(a, (size_t)i);
        if (!json_is_integer(v))
            return -1;
        out[i] = (int)json_integer_value(v);
    }
    return 0;
}

/* Every stage of one half must have the same width: with different
 * widths diffusers' own AutoencoderTiny cannot run either. */
static int same_width(json_t *a, int *ch)
{
    int v[SDTAESD_MAX_STAGES], n;
    if (int_list(a, v, &n, SDTAESD_MAX_STAGES))
        return -1;
    for (int i = 1; i < n; i++)
        if (v[i] != v[0])
            return -1;
    *ch = v[0];
    return n;
}

static longsd_status load_config(const char *path, sdtaesd_cfg *cfg, lserr *err)
{
    char *text = NULL;
    size_t n = 0;
    longsd_status rc = lsfile_read(path, (size_t)1 << 20, &text, &n, err);
    if (rc == LONGSD_OK)
        rc = sdtaesd_cfg_parse(text, n, path, cfg, err);
    longsd__free(text);
    return rc;
}

longsd_status sdtaesd_cfg_parse(const char *text, size_t len, const char *path, sdtaesd_cfg *cfg, lserr *err)
{
    json_error_t je;
    json_t *o = json_loadb(text, len, 0, &je);
    longsd_status rc = LONGSD_OK;
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: not a JSON object: %s", path, o ? "" : je.text);
    }
    sdtaesd_cfg c = default_cfg();
    const char *cls = json_string_value(json_object_get(o, "_class_name"));
    if (cls && strcmp(cls, "AutoencoderTiny")) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: a %s, not an AutoencoderTiny (TAESD)", path, cls);
        goto out;
    }
    c.in_ch = sdnet_geti(o, "in_channels", 3);
    c.out_ch = sdnet_geti(o, "out_channels", 3);
    c.latent_ch = sdnet_geti(o, "latent_channels", 4);
    json_t *v;
    int ne = 4, nd = 4, ce = 64, cd = 64;
    if ((v = json_object_get(o, "encoder_block_out_channels")) && (ne = same_width(v, &ce)) < 0) {
        rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED,
                       "%s: encoder_block_out_channels must be 1..%d equal widths", path, SDTAESD_MAX_STAGES);
        goto out;
    }
    if ((v = json_object_get(o, "decoder_block_out_channels")) && (nd = same_width(v, &cd)) < 0) {
        rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED,
                       "%s: decoder_block_out_channels must be 1..%d equal widths", path, SDTAESD_MAX_STAGES);
        goto out;
    }
    int n1 = ne, n2 = nd;
    if (((v = json_object_get(o, "num_encoder_blocks")) && int_list(v, c.enc_blocks, &n1, SDTAESD_MAX_STAGES)) ||
        ((v = json_object_get(o, "num_decoder_blocks")) && int_list(v, c.dec_blocks, &n2, SDTAESD_MAX_STAGES)) ||
        n1 != ne || n2 != nd) {
        rc = lserr_set(err, LONGSD_ERR_MODEL,
                       "%s: num_encoder_blocks / num_decoder_blocks must list one count per block_out_channels entry",
                       path);
        goto out;
    }
    c.n_enc = ne;
    c.n_dec = nd;
    c.enc_ch = ce;
    c.dec_ch = cd;
    const char *act = json_string_value(json_object_get(o, "act_fn"));
    const char *up = json_string_value(json_object_get(o, "upsample_fn"));
    json_t *sf = json_object_get(o, "scaling_factor"), *sh = json_object_get(o, "shift_factor");
    if ((act && strcmp(act, "relu")) || (up && strcmp(up, "nearest")) ||
        sdnet_geti(o, "upsampling_scaling_factor", 2) != 2 ||
        (json_is_number(sf) && json_number_value(sf) != 1.0) || (json_is_number(sh) && json_number_value(sh) != 0.0)) {
        rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED,
                       "%s: only act_fn relu, nearest 2x upsampling, scaling_factor 1 and shift_factor 0 are supported",
                       path);
        goto out;
    }
    if ((rc = sdtaesd_cfg_check(path, &c, err)) != LONGSD_OK)
        goto out;
out:
    json_decref(o);
    if (rc == LONGSD_OK)
        *cfg = c;
    return rc;
}

/* Bounds before any size is derived from them. */
longsd_status sdtaesd_cfg_check(const char *what, const sdtaesd_cfg *c, lserr *err)
{
    int ok = c->in_ch >= 1 && c->in_ch <= 16 && c->out_ch >= 1 && c->out_ch <= 16 && c->latent_ch >= 1 &&
             c->latent_ch <= 64 && c->enc_ch >= 1 && c->enc_ch <= 1024 && c->dec_ch >= 1 && c->dec_ch <= 1024;
    for (int i = 0; i < c->n_enc; i++)
        ok &= c->enc_blocks[i] >= 0 && c->enc_blocks[i] <= MAX_BLOCKS_PER_STAGE;
    for (int i = 0; i < c->n_dec; i++)
        ok &= c->dec_blocks[i] >= 0 && c->dec_blocks[i] <= MAX_BLOCKS_PER_STAGE;
    if (!ok)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: TAESD sizes out of range (channels 1..16 in/out, 1..64 latent, 1..1024 wide, "
                         "0..%d blocks a stage)",
                         what, MAX_BLOCKS_PER_STAGE);
    if (c->n_enc != c->n_dec)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: %d encoder stages but %d decoder stages", what, c->n_enc,
                         c->n_dec);
    return LONGSD_OK;
}

void sdtaesd_close(sdtaesd *t)
{
    if (!t)
        return;
    sdst_close(t->files[0]);
    sdst_close(t->files[1]);
    longsd__free(t);
}

static int is_dir(const char *p)
{
    char *q = longsd__asprintf("%s/.", p);
    int r = q && lsfile_exists(q);
    longsd__free(q);
    return r;
}

/* The original decoder's sizes come from its tensors: layer 1 is the
 * first conv (width, latent channels), the rest is TAESD's fixed shape. */
static longsd_status original_cfg(const sdst_file *dec, const sdst_file *enc, sdtaesd_cfg *c, lserr *err)
{
    *c = default_cfg();
    const sdst_tensor *t = sdst_find(dec, "1.weight");
    if (!t || t->ndim != 4)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: not a TAESD decoder (no 4-d tensor '1.weight'; encoder files hold '0.weight')",
                         sdst_label(dec));
    c->dec_ch = (int)t->shape[0];
    c->latent_ch = (int)t->shape[1];
    if (enc) {
        const sdst_tensor *e = sdst_find(enc, "0.weight");
        if (!e || e->ndim != 4)
            return lserr_set(err, LONGSD_ERR_MODEL, "%s: not a TAESD encoder (no 4-d tensor '0.weight')",
                             sdst_label(enc));
        c->enc_ch = (int)e->shape[0];
        c->in_ch = (int)e->shape[1];
    }
    return LONGSD_OK;
}

/* NAME with "decoder" replaced by "encoder" in its last component, or NULL. */
static char *encoder_beside(const char *dec_path)
{
    const char *slash = strrchr(dec_path, '/');
    const char *base = slash ? slash + 1 : dec_path;
    const char *d = strstr(base, "decoder");
    if (!d)
        return NULL;
    return longsd__asprintf("%.*sencoder%s", (int)(d - dec_path), dec_path, d + 7);
}

static longsd_status setup(sdtaesd *t, const char *p, int diffusers, lserr *err);

longsd_status sdtaesd_open(const char *path, sdtaesd **out, lserr *err)
{
    *out = NULL;
    longsd_status rc = LONGSD_OK;
    char *p = NULL;
    sdtaesd *t = longsd__calloc(1, sizeof *t);
    if (!t)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    int diffusers = 0;
    if (is_dir(path)) {
        p = longsd__asprintf("%s/config.json", path);
        if (!p) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (lsfile_exists(p)) { /* a diffusers AutoencoderTiny folder */
            diffusers = 1;
            if ((rc = load_config(p, &t->cfg, err)) != LONGSD_OK)
                goto out;
            longsd__free(p);
            p = longsd__asprintf("%s/diffusion_pytorch_model.safetensors", path);
            if (p && !lsfile_exists(p)) {
                longsd__free(p);
                p = longsd__asprintf("%s/diffusion_pytorch_model.fp16.safetensors", path);
            }
        } else {
            longsd__free(p);
            p = longsd__asprintf("%s/taesd_decoder.safetensors", path);
        }
        if (!p) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (!lsfile_exists(p)) {
            rc = lserr_set(err, LONGSD_ERR_MODEL,
                           "%s: no TAESD here (a diffusers AutoencoderTiny folder with config.json and "
                           "diffusion_pytorch_model.safetensors, or taesd_decoder.safetensors)",
                           path);
            goto out;
        }
    } else {
        p = longsd__strdup(path);
        if (!p) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    if ((rc = sdst_open(p, &t->files[0], err)) != LONGSD_OK)
        goto out;
    rc = setup(t, p, diffusers, err);
    if (rc == LONGSD_OK) {
        *out = t;
        t = NULL;
    }
out:
    sdtaesd_close(t);
    longsd__free(p);
    return rc;
}

longsd_status sdtaesd_open_st(sdst_file *f, sdtaesd **out, lserr *err)
{
    *out = NULL;
    sdtaesd *t = longsd__calloc(1, sizeof *t);
    if (!t) {
        sdst_close(f);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    t->files[0] = f;
    longsd_status rc = setup(t, sdst_label(f), 0, err);
    if (rc == LONGSD_OK)
        *out = t;
    else
        sdtaesd_close(t);
    return rc;
}

/* The halves' layouts and checks once files[0] is open (p names it; with
 * diffusers = 1 the config was read from a folder). */
static longsd_status setup(sdtaesd *t, const char *p, int diffusers, lserr *err)
{
    longsd_status rc = LONGSD_OK;
    char *q = NULL;
    if (!diffusers && sdst_find(t->files[0], "decoder.layers.0.weight")) {
        diffusers = 1; /* one diffusers file given by itself: SD's TAESD sizes */
        t->cfg = default_cfg();
        const sdst_tensor *w = sdst_find(t->files[0], "decoder.layers.0.weight");
        if (w->ndim == 4) {
            t->cfg.dec_ch = t->cfg.enc_ch = (int)w->shape[0];
            t->cfg.latent_ch = (int)w->shape[1];
        }
    }
    if (diffusers) {
        t->dec = (taesd_half){.f = t->files[0], .fmt = "decoder.layers.%d"};
        t->enc = (taesd_half){.f = t->files[0], .fmt = "encoder.layers.%d"};
        char e0[32];
        snprintf(e0, sizeof e0, "encoder.layers.0.weight");
        t->has_enc = sdst_find(t->files[0], e0) != NULL;
    } else {
        if (!sdst_find(t->files[0], "1.weight") && sdst_find(t->files[0], "0.weight")) {
            rc = lserr_set(err, LONGSD_ERR_PARAM, "%s: a TAESD encoder; give the decoder (taesd_decoder.safetensors)",
                           p);
            goto out;
        }
        q = encoder_beside(p);
        if (q && lsfile_exists(q) && (rc = sdst_open(q, &t->files[1], err)) != LONGSD_OK)
            goto out;
        if ((rc = original_cfg(t->files[0], t->files[1], &t->cfg, err)) != LONGSD_OK)
            goto out;
        t->dec = (taesd_half){.f = t->files[0], .fmt = "%d", .shift = 1};
        t->enc = (taesd_half){.f = t->files[1], .fmt = "%d"};
        t->has_enc = t->files[1] != NULL;
    }
    if ((rc = sdtaesd_cfg_check(p, &t->cfg, err)) != LONGSD_OK)
        goto out;
    layout_decoder(&t->cfg, &t->dec);
    layout_encoder(&t->cfg, &t->enc);
    if ((rc = check_half(&t->dec, err)) != LONGSD_OK || (t->has_enc && (rc = check_half(&t->enc, err)) != LONGSD_OK))
        goto out;
out:
    longsd__free(q);
    return rc;
}

const sdtaesd_cfg *sdtaesd_config(const sdtaesd *t)
{
    return &t->cfg;
}

int sdtaesd_has_encoder(const sdtaesd *t)
{
    return t->has_enc;
}

int sdtaesd_factor(const sdtaesd *t)
{
    return 1 << (t->cfg.n_dec - 1);
}

static void relu(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = x[i] > 0 ? x[i] : 0;
}

/* y(O, Ho, Wo) = 3x3 conv of x(C, H, W), padding 1. */
static float *conv(sdrun *r, const taesd_half *h, int idx, const char *sub, const float *x, int C, int H, int W,
                   int O, int stride, int bias)
{
    char name[128];
    op_name(h, idx, sub, name, sizeof name);
    int Ho = (H + 2 - 3) / stride + 1, Wo = (W + 2 - 3) / stride + 1;
    float *y = sdarena_alloc(r->a, (size_t)O * Ho * Wo);
    if (!y)
        return NULL;
    size_t mark = sdarena_mark(r->a);
    float *col = sdarena_alloc(r->a, sdk_conv2d_scratch(C, H, W, 3, stride, 1));
    const float *w = sdw_get(&r->w, 0, (size_t)O * C * 9, "%s.weight", name);
    const float *b = bias ? sdw_get(&r->w, 1, (size_t)O, "%s.bias", name) : NULL;
    if (!col || !w || (bias && !b))
        return NULL;
    sdk_conv2d(x, C, H, W, w, b, O, 3, stride, 1, y, col);
    sdarena_reset(r->a, mark);
    return y;
}

/* Walk a half's ops over x(C, H, W); *out is the last activation (in the
 * arena), its size in *C, *H, *W. */
static longsd_status run(const taesd_half *h, sdarena *a, float *x, int *C, int *H, int *W, float **out,
                         const sdabort *ab, lserr *err)
{
    sdrun r = {.a = a};
    sdw_init(&r.w, h->f, "", a, err);
    longsd_status rc = LONGSD_OK;
    int c = *C, hh = *H, ww = *W;
    /* Activations ping-pong between two buffers of the largest size and
     * each op's scratch is released at once: at 512x512 the decoder's
     * full-size layers are 64 MB each, and there are a dozen of them. */
    size_t maxn = (size_t)c * hh * ww;
    {
        int cc = c, y = hh, x2 = ww;
        for (int n = 0; n < h->n_ops; n++) {
            const taesd_op *o = &h->ops[n];
            if (o->kind == OP_UP) {
                y *= 2;
                x2 *= 2;
            } else if (o->kind == OP_CONV) {
                if (o->stride == 2) {
                    y = (y - 1) / 2 + 1;
                    x2 = (x2 - 1) / 2 + 1;
                }
                cc = o->cout;
            }
            size_t m = (size_t)cc * y * x2;
            maxn = m > maxn ? m : maxn;
        }
    }
    float *buf[2] = {sdarena_alloc(a, maxn), sdarena_alloc(a, maxn)};
    if (!buf[0] || !buf[1]) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "taesd: out of memory");
        goto out;
    }
    memcpy(buf[0], x, (size_t)c * hh * ww * sizeof *x);
    x = buf[0];
    int cur = 0;
    size_t base = sdarena_mark(a);
    for (int n = 0; n < h->n_ops; n++) {
        const taesd_op *o = &h->ops[n];
        if (ab && ab->fn && ab->fn(ab->user_data)) {
            rc = lserr_set(err, LONGSD_ERR_ABORTED, "taesd: aborted");
            goto out;
        }
        float *y = NULL;
        size_t np = (size_t)c * hh * ww;
        switch (o->kind) {
        case OP_RELU:
            relu(x, np);
            continue;
        case OP_UP:
            if ((y = sdarena_alloc(a, np * 4)))
                sdk_upsample2x(x, c, hh, ww, y);
            hh *= 2;
            ww *= 2;
            break;
        case OP_CONV:
            y = conv(&r, h, o->idx, "", x, c, hh, ww, o->cout, o->stride, o->bias);
            if (o->stride == 2) {
                hh = (hh - 1) / 2 + 1;
                ww = (ww - 1) / 2 + 1;
            }
            c = o->cout;
            break;
        case OP_BLOCK: {
            /* fuse(conv(x) + x): the skip is the identity (equal widths) */
            float *t1 = conv(&r, h, o->idx, "conv.0", x, c, hh, ww, c, 1, 1);
            if (t1)
                relu(t1, np);
            float *t2 = t1 ? conv(&r, h, o->idx, "conv.2", t1, c, hh, ww, c, 1, 1) : NULL;
            if (t2)
                relu(t2, np);
            y = t2 ? conv(&r, h, o->idx, "conv.4", t2, c, hh, ww, c, 1, 1) : NULL;
            if (y) {
                for (size_t i = 0; i < np; i++)
                    y[i] += x[i];
                relu(y, np);
            }
            break;
        }
        }
        if (!y) {
            rc = r.w.rc ? r.w.rc : lserr_set(err, LONGSD_ERR_NOMEM, "taesd: out of memory");
            goto out;
        }
        cur ^= 1;
        memcpy(buf[cur], y, (size_t)c * hh * ww * sizeof *y);
        x = buf[cur];
        sdarena_reset(a, base);
    }
    rc = r.w.rc;
    *out = x;
    *C = c;
    *H = hh;
    *W = ww;
out:
    sdw_free(&r.w);
    return rc;
}

longsd_status sdtaesd_decode(const sdtaesd *t, sdarena *a, const float *z, int H, int W, float *img,
                             const sdabort *ab, lserr *err)
{
    const sdtaesd_cfg *c = &t->cfg;
    size_t mark = sdarena_mark(a);
    size_t n = (size_t)c->latent_ch * H * W;
    float *x = sdarena_alloc(a, n), *y = NULL;
    longsd_status rc;
    if (!x) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "taesd: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        x[i] = tanhf(z[i] / 3.0f) * 3.0f; /* DecoderTiny's clamp */
    int C = c->latent_ch;
    if ((rc = run(&t->dec, a, x, &C, &H, &W, &y, ab, err)) != LONGSD_OK)
        goto out;
    n = (size_t)C * H * W;
    for (size_t i = 0; i < n; i++)
        img[i] = y[i] * 2.0f - 1.0f; /* [0, 1] -> diffusers' [-1, 1] */
out:
    sdarena_reset(a, mark);
    return rc;
}

longsd_status sdtaesd_encode(const sdtaesd *t, sdarena *a, const float *img, int H, int W, float *z,
                             const sdabort *ab, lserr *err)
{
    const sdtaesd_cfg *c = &t->cfg;
    int f = sdtaesd_factor(t);
    if (!t->has_enc)
        return lserr_set(err, LONGSD_ERR_PARAM, "taesd: no encoder loaded (taesd_encoder.safetensors beside the decoder)");
    if (H <= 0 || W <= 0 || H % f || W % f)
        return lserr_set(err, LONGSD_ERR_PARAM, "taesd: image %dx%d is not a multiple of %d", W, H, f);
    size_t mark = sdarena_mark(a);
    size_t n = (size_t)c->in_ch * H * W;
    float *x = sdarena_alloc(a, n), *y = NULL;
    longsd_status rc;
    if (!x) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "taesd: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        x[i] = (img[i] + 1.0f) / 2.0f; /* EncoderTiny works on [0, 1] */
    int C = c->in_ch;
    if ((rc = run(&t->enc, a, x, &C, &H, &W, &y, ab, err)) != LONGSD_OK)
        goto out;
    memcpy(z, y, (size_t)C * H * W * sizeof *z);
out:
    sdarena_reset(a, mark);
    return rc;
}
