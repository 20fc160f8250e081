/* sdcpp_convert.c - the single-file checkpoints stable-diffusion.cpp reads,
 * holding the same bytes longsd's benchmarks run on, so bench/sdcpp.sh can
 * time the two programs on identical weights.
 *
 *   sdcpp_convert folder DIFFUSERS_DIR OUT.safetensors   ("sd15" is the same)
 *       a diffusers SD 1.x or 2.x folder (text_encoder/, unet/, vae/; e.g.
 *       the random SD 1.5 one bench_rss writes) -> one CompVis-named file,
 *       every tensor's bytes copied unchanged (dtype and values kept); a
 *       text encoder with exact GELU (OpenCLIP, SD 2.x) gets open_clip's
 *       names with q/k/v packed into in_proj
 *   sdcpp_convert turbo OUT.safetensors TAESD_OUT.safetensors
 *       the random SD-Turbo weights bench_turbo builds in memory (the same
 *       specs and generator of weights.h, hence the same bytes): the
 *       OpenCLIP text encoder with q/k/v packed into in_proj as SD 2.x
 *       single files store it, the SD 2.1 UNet, the SD VAE; and the TAESD
 *       decoder as the diffusers AutoencoderTiny file names it (with a
 *       random encoder: sd.cpp's loader wants one)
 *   sdcpp_convert sdxl OUT.safetensors TAESD_OUT.safetensors
 *       random F16 weights in SDXL 1.0's exact shapes (bench_sdxl.c's
 *       specs: weights.h and sdxl_default_cfg) as an original (SGM)
 *       single file: the UNet under model.diffusion_model., CLIP ViT-L
 *       under conditioner.embedders.0.transformer. with transformers'
 *       names, OpenCLIP bigG under conditioner.embedders.1.model. with
 *       q/k/v packed into in_proj and the (hidden, proj) text_projection,
 *       the SDXL VAE (SD's shapes) under first_stage_model.; and a TAESD
 *       file (TAESD-XL has TAESD's shapes) as for turbo.  About 7 GB,
 *       held in memory while it is written.
 *
 * Names come from the engine's own diffusers -> CompVis table
 * (src/engine/compvis.c), which the fixtures check against diffusers'
 * converters; what it does not cover (the VAE encoder) is mapped here the
 * same way. A single file also carries the VAE encoder, which neither
 * program runs for txt2img but stable-diffusion.cpp's loader requires:
 * when the source has none, random F16 weights of its shapes are added.
 * The output is written to OUT.tmp and renamed, so a failed run leaves
 * no half-written checkpoint. */
#include <errno.h>
#include <unistd.h>

#include "compvis.h"
#include "sdxl.h"
#include "safetensors.h"
#include "weights.h"

#define MAX_PARTS 3

/* One tensor of the output: its name, dtype, shape and the source byte
 * ranges that are concatenated into it (three for a packed in_proj). */
typedef struct {
    char name[320];
    sdst_dtype dtype;
    int ndim;
    int64_t shape[SDST_MAX_DIMS];
    const uint8_t *part[MAX_PARTS];
    size_t len[MAX_PARTS];
    int nparts;
} out_tensor;

typedef struct {
    out_tensor *t;
    size_t n, cap;
} out_list;

static out_tensor *push(out_list *l, const char *name, const sdst_tensor *src)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        out_tensor *p = realloc(l->t, l->cap * sizeof *p);
        if (!p)
            return NULL;
        l->t = p;
    }
    out_tensor *o = &l->t[l->n++];
    memset(o, 0, sizeof *o);
    snprintf(o->name, sizeof o->name, "%s", name);
    o->dtype = src->dtype;
    o->ndim = src->ndim;
    memcpy(o->shape, src->shape, sizeof o->shape);
    o->part[0] = src->data;
    o->len[0] = (size_t)(src->end - src->begin);
    o->nparts = 1;
    return o;
}

/* VAE attention q/k/v/proj_out: CompVis stores them as 1x1 convs. */
static void as_conv1x1(out_tensor *o)
{
    if (o->ndim == 2 && strstr(o->name, ".attn_1.") && strstr(o->name, ".weight")) {
        o->shape[2] = o->shape[3] = 1;
        o->ndim = 4;
    }
}

/* ---- names */

/* The diffusers VAE encoder's names -> CompVis: down blocks in order; the
 * mid block, its attention and the output norm as in the decoder, so those
 * go through compvis.c's decoder table with the prefix swapped. */
static void vae_encoder_name(const sdvae_cfg *c, const char *name, char *out, size_t cap)
{
    int i, j, n = 0;
    char t[320];
    if (sscanf(name, "encoder.down_blocks.%d.resnets.%d.%n", &i, &j, &n) == 2 && n > 0) {
        const char *rest = name + n;
        if (strncmp(rest, "conv_shortcut.", 14) == 0)
            snprintf(out, cap, "encoder.down.%d.block.%d.nin_shortcut.%s", i, j, rest + 14);
        else
            snprintf(out, cap, "encoder.down.%d.block.%d.%s", i, j, rest);
        return;
    }
    n = 0;
    if (sscanf(name, "encoder.down_blocks.%d.downsamplers.0.conv.%n", &i, &n) == 1 && n > 0) {
        snprintf(out, cap, "encoder.down.%d.downsample.conv.%s", i, name + n);
        return;
    }
    snprintf(t, sizeof t, "decoder.%s", name + strlen("encoder."));
    sdcv_vae_name(c, t, out, cap);
    if (strncmp(out, "decoder.", 8) == 0)
        memcpy(out, "encoder", 7);
}

static void vae_name(const sdvae_cfg *c, const char *name, char *out, size_t cap)
{
    char t[320];
    if (strncmp(name, "encoder.", 8) == 0)
        vae_encoder_name(c, name, t, sizeof t);
    else
        sdcv_vae_name(c, name, t, sizeof t);
    snprintf(out, cap, SDCV_VAE_PREFIX "%s", t);
}

/* ---- random weights of the VAE encoder (diffusers names, diffusers'
 * AutoencoderKL defaults for SD: 128/256/512/512, 2 resnets a block) */

static void vae_encoder_spec(spec *s, const sdvae_cfg *c)
{
    char n[256];
    int C = c->ch[0];
    conv(s, "encoder.conv_in", C, c->in_ch ? c->in_ch : 3, 3);
    for (int i = 0; i < c->n_blocks; i++) {
        for (int j = 0; j < c->layers; j++) {
            snprintf(n, sizeof n, "encoder.down_blocks.%d.resnets.%d", i, j), resnet(s, n, C, c->ch[i], 0);
            C = c->ch[i];
        }
        if (i < c->n_blocks - 1)
            snprintf(n, sizeof n, "encoder.down_blocks.%d.downsamplers.0.conv", i), conv(s, n, C, C, 3);
    }
    resnet(s, "encoder.mid_block.resnets.0", C, C, 0);
    norm(s, "encoder.mid_block.attentions.0.group_norm", C);
    linear(s, "encoder.mid_block.attentions.0.to_q", C, C, 1);
    linear(s, "encoder.mid_block.attentions.0.to_k", C, C, 1);
    linear(s, "encoder.mid_block.attentions.0.to_v", C, C, 1);
    linear(s, "encoder.mid_block.attentions.0.to_out.0", C, C, 1);
    resnet(s, "encoder.mid_block.resnets.1", C, C, 0);
    norm(s, "encoder.conv_norm_out", C);
    conv(s, "encoder.conv_out", 2 * c->latent_ch, C, 3);
    conv(s, "quant_conv", 2 * c->latent_ch, 2 * c->latent_ch, 1);
}

/* TAESD's encoder (diffusers EncoderTiny: 3 -> 64, a block, then three
 * stride-2 convs without bias each followed by 3 blocks, 64 -> 4): the
 * decoder-only file longsd reads lacks it, sd.cpp's loader wants it. */
static void taesd_encoder_spec(spec *s)
{
    char n[256];
    int idx = 0;
    conv(s, "encoder.layers.0", 64, 3, 3);
    for (idx = 1; idx <= 13; idx++)
        if (idx == 2 || idx == 6 || idx == 10) {
            snprintf(n, sizeof n, "encoder.layers.%d.weight", idx), add(s, n, 4, 64, 64, 3, 3);
        } else {
            for (int k = 0; k < 3; k++)
                snprintf(n, sizeof n, "encoder.layers.%d.conv.%d", idx, 2 * k), conv(s, n, 64, 64, 3);
        }
    conv(s, "encoder.layers.14", 4, 64, 3);
}

/* ---- the parts of a checkpoint */

static int add_clip_l(out_list *l, const sdst_file *f, const char *prefix)
{
    for (size_t i = 0; i < sdst_count(f); i++) {
        const sdst_tensor *t = sdst_at(f, i);
        const char *nm = strncmp(t->name, "text_model.", 11) == 0 ? t->name + 11 : t->name;
        char out[320];
        snprintf(out, sizeof out, "%s%s", prefix, nm);
        if (!push(l, out, t))
            return -1;
    }
    return 0;
}

/* OpenCLIP: q, k, v of each layer stacked along the output dimension into
 * attn.in_proj_weight / in_proj_bias; everything else renamed one to one. */
static int add_openclip(out_list *l, const sdst_file *f, const char *prefix)
{
    for (size_t i = 0; i < sdst_count(f); i++) {
        const sdst_tensor *t = sdst_at(f, i);
        const char *nm = strncmp(t->name, "text_model.", 11) == 0 ? t->name + 11 : t->name;
        char out[320], cv[256], key[256];
        int layer, n = 0;
        if (sscanf(nm, "encoder.layers.%d.self_attn.%n", &layer, &n) == 1 && n > 0 &&
            (strncmp(nm + n, "k_proj.", 7) == 0 || strncmp(nm + n, "v_proj.", 7) == 0))
            continue; /* packed with q_proj below */
        if (n > 0 && strncmp(nm + n, "q_proj.", 7) == 0) {
            const char *what = nm + n + 7; /* "weight" or "bias" */
            snprintf(key, sizeof key, "encoder.layers.%d.self_attn.qkv_proj.%s", layer, what);
            sdcv_openclip_name(key, cv, sizeof cv);
            snprintf(out, sizeof out, "%s%s", prefix, cv);
            out_tensor *o = push(l, out, t);
            if (!o)
                return -1;
            const char *kv[2] = {"k_proj", "v_proj"};
            for (int k = 0; k < 2; k++) {
                /* the name up to "self_attn.", as stored */
                snprintf(key, sizeof key, "%.*s%s.%s", (int)(nm + n - t->name), t->name, kv[k], what);
                const sdst_tensor *p = sdst_find(f, key);
                if (!p || p->dtype != t->dtype || p->ndim != t->ndim || p->shape[0] != t->shape[0]) {
                    fprintf(stderr, "sdcpp_convert: %s: no tensor '%s' of %s's shape to pack into in_proj\n",
                            sdst_label(f), key, t->name);
                    return -1;
                }
                o->part[o->nparts] = p->data;
                o->len[o->nparts++] = (size_t)(p->end - p->begin);
            }
            o->shape[0] *= 3;
            continue;
        }
        if (strcmp(nm, "text_projection.weight") == 0)
            snprintf(cv, sizeof cv, "text_projection"); /* open_clip's is a bare parameter */
        else
            sdcv_openclip_name(nm, cv, sizeof cv);
        snprintf(out, sizeof out, "%s%s", prefix, cv);
        if (!push(l, out, t))
            return -1;
    }
    return 0;
}

static int add_unet(out_list *l, const sdst_file *f, const sdunet_cfg *c)
{
    for (size_t i = 0; i < sdst_count(f); i++) {
        const sdst_tensor *t = sdst_at(f, i);
        char cv[320], out[384];
        sdcv_unet_name(c, t->name, cv, sizeof cv);
        snprintf(out, sizeof out, SDCV_UNET_PREFIX "%s", cv);
        if (!push(l, out, t))
            return -1;
    }
    return 0;
}

static int add_vae(out_list *l, const sdst_file *f, const sdvae_cfg *c)
{
    for (size_t i = 0; i < sdst_count(f); i++) {
        const sdst_tensor *t = sdst_at(f, i);
        char out[384];
        vae_name(c, t->name, out, sizeof out);
        out_tensor *o = push(l, out, t);
        if (!o)
            return -1;
        as_conv1x1(o);
    }
    return 0;
}

/* ---- writing */

static int write_checkpoint(const char *path, const out_list *l)
{
    int rc = -1;
    char tmp[4096];
    FILE *fp = NULL;
    char *h = NULL;
    json_t *hdr = json_object();
    uint64_t off = 0;
    for (size_t i = 0; i < l->n; i++) {
        const out_tensor *o = &l->t[i];
        json_t *shape = json_array();
        for (int d = 0; d < o->ndim; d++)
            json_array_append_new(shape, json_integer(o->shape[d]));
        uint64_t len = 0;
        for (int p = 0; p < o->nparts; p++)
            len += o->len[p];
        if (json_object_get(hdr, o->name)) {
            fprintf(stderr, "sdcpp_convert: two source tensors map to '%s'\n", o->name);
            json_decref(shape);
            goto out;
        }
        json_object_set_new(hdr, o->name,
                            json_pack("{s:s, s:o, s:[I, I]}", "dtype", sdst_dtype_name(o->dtype), "shape", shape,
                                      "data_offsets", (json_int_t)off, (json_int_t)(off + len)));
        off += len;
    }
    json_object_set_new(hdr, "__metadata__", json_pack("{s:s}", "format", "pt"));
    h = json_dumps(hdr, JSON_COMPACT);
    if (!h)
        goto out;
    size_t hl = strlen(h), hp = (hl + 7) / 8 * 8;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    fp = fopen(tmp, "wb");
    if (!fp) {
        fprintf(stderr, "sdcpp_convert: cannot write %s: %s\n", tmp, strerror(errno));
        goto out;
    }
    unsigned char le[8];
    for (int b = 0; b < 8; b++)
        le[b] = (unsigned char)((uint64_t)hp >> (8 * b));
    int ok = fwrite(le, 1, 8, fp) == 8 && fwrite(h, 1, hl, fp) == hl;
    for (size_t k = hl; ok && k < hp; k++)
        ok = fputc(' ', fp) != EOF;
    for (size_t i = 0; ok && i < l->n; i++)
        for (int p = 0; ok && p < l->t[i].nparts; p++)
            ok = fwrite(l->t[i].part[p], 1, l->t[i].len[p], fp) == l->t[i].len[p];
    if (fclose(fp) != 0)
        ok = 0;
    fp = NULL;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "sdcpp_convert: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    printf("sdcpp_convert: %s: %zu tensors, %.1f MB\n", path, l->n, (double)off / 1e6);
    rc = 0;
out:
    if (fp)
        fclose(fp), unlink(tmp);
    free(h);
    json_decref(hdr);
    return rc;
}

static sdst_file *open_in(const char *dir, const char *rel)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    sdst_file *f = NULL;
    lserr err = {0};
    if (sdst_open(p, &f, &err) != LONGSD_OK)
        fprintf(stderr, "sdcpp_convert: %s\n", err.msg);
    return f;
}

static int has_prefix(const sdst_file *f, const char *prefix)
{
    for (size_t i = 0; i < sdst_count(f); i++)
        if (strncmp(sdst_at(f, i)->name, prefix, strlen(prefix)) == 0)
            return 1;
    return 0;
}

/* The VAE encoder when the source has none: random F16 of its shapes. */
static int add_encoder_if_missing(out_list *l, const sdst_file *vae, const sdvae_cfg *c, unsigned char **img,
                                  sdst_file **ef)
{
    if (vae && has_prefix(vae, "encoder."))
        return 0;
    spec s = {.hdr = json_object()};
    vae_encoder_spec(&s, c);
    size_t len;
    lserr err = {0};
    *img = build(&s, &len);
    if (!*img || sdst_open_mem(*img, len, "vae encoder", ef, &err) != LONGSD_OK) {
        fprintf(stderr, "sdcpp_convert: %s\n", err.msg);
        return -1;
    }
    return add_vae(l, *ef, c);
}

static int cmd_folder(const char *dir, const char *outp)
{
    int rc = 1;
    out_list l = {0};
    sdst_file *te = open_in(dir, "text_encoder/model.safetensors");
    sdst_file *un = open_in(dir, "unet/diffusion_pytorch_model.safetensors");
    sdst_file *va = open_in(dir, "vae/diffusion_pytorch_model.safetensors"), *ef = NULL;
    unsigned char *eimg = NULL;
    sdunet_cfg uc = sdunet_sd15_cfg();
    sdvae_cfg vc = sdvae_sd15_cfg();
    sdclip_cfg cc = sdclip_sd15_cfg();
    char p[4096];
    lserr err = {0};
    if (!te || !un || !va)
        goto out;
    snprintf(p, sizeof p, "%s/text_encoder/config.json", dir);
    if (access(p, R_OK) == 0 && sdclip_cfg_load(p, &cc, &err) != LONGSD_OK) {
        fprintf(stderr, "sdcpp_convert: %s\n", err.msg);
        goto out;
    }
    snprintf(p, sizeof p, "%s/unet/config.json", dir);
    if (access(p, R_OK) == 0 && sdunet_cfg_load(p, &uc, &err) != LONGSD_OK) {
        fprintf(stderr, "sdcpp_convert: %s\n", err.msg);
        goto out;
    }
    snprintf(p, sizeof p, "%s/vae/config.json", dir);
    if (access(p, R_OK) == 0 && sdvae_cfg_load(p, &vc, &err) != LONGSD_OK) {
        fprintf(stderr, "sdcpp_convert: %s\n", err.msg);
        goto out;
    }
    /* SD 2.x's OpenCLIP runs exact GELU, SD 1.x's CLIP ViT-L quick_gelu */
    if ((cc.gelu ? add_openclip(&l, te, SDCV_OPENCLIP_PREFIX) : add_clip_l(&l, te, SDCV_CLIP_PREFIX)) ||
        add_unet(&l, un, &uc) || add_vae(&l, va, &vc) ||
        add_encoder_if_missing(&l, va, &vc, &eimg, &ef) || write_checkpoint(outp, &l))
        goto out;
    rc = 0;
out:
    sdst_close(te), sdst_close(un), sdst_close(va), sdst_close(ef);
    free(eimg);
    free(l.t);
    return rc;
}

/* The TAESD file both programs read: the decoder as the diffusers
 * AutoencoderTiny file names it, with a random encoder (sd.cpp's loader
 * wants one). TAESD-XL, for SDXL, has the same shapes. */
static int write_taesd(const char *path)
{
    int rc = -1;
    out_list l = {0};
    spec ts = {.hdr = json_object()}, es = {.hdr = json_object()};
    taesd_decoder_spec(&ts, 4);
    taesd_encoder_spec(&es);
    unsigned char *ti = NULL, *ei = NULL;
    sdst_file *tf = NULL, *ef = NULL;
    size_t len;
    lserr err = {0};
    if (!(ti = build(&ts, &len)) || sdst_open_mem(ti, len, "taesd", &tf, &err) != LONGSD_OK ||
        !(ei = build(&es, &len)) || sdst_open_mem(ei, len, "taesd encoder", &ef, &err) != LONGSD_OK) {
        fprintf(stderr, "sdcpp_convert: %s\n", err.msg[0] ? err.msg : "out of memory");
        goto out;
    }
    for (size_t i = 0; i < sdst_count(tf); i++)
        if (!push(&l, sdst_at(tf, i)->name, sdst_at(tf, i)))
            goto out;
    for (size_t i = 0; i < sdst_count(ef); i++)
        if (!push(&l, sdst_at(ef, i)->name, sdst_at(ef, i)))
            goto out;
    rc = write_checkpoint(path, &l);
out:
    sdst_close(tf), sdst_close(ef);
    free(ti), free(ei);
    free(l.t);
    return rc;
}

/* The specs bench_turbo.c builds (weights.h's turbo_cfgs). */
static int cmd_turbo(const char *outp, const char *taesd_out)
{
    int rc = 1;
    out_list l = {0};
    sdclip_cfg cc;
    sdunet_cfg uc;
    turbo_cfgs(&cc, &uc);
    sdvae_cfg vc = sdvae_sd15_cfg();
    spec cs = {.hdr = json_object()}, us = {.hdr = json_object()}, vs = {.hdr = json_object()};
    clip_spec(&cs, &cc);
    unet_spec(&us, &uc, 1);
    vae_spec(&vs, &vc);
    unsigned char *ci = NULL, *ui = NULL, *vi = NULL, *ei = NULL;
    sdst_file *cf = NULL, *uf = NULL, *vf = NULL, *ef = NULL;
    size_t len;
    lserr err = {0};
    if (!(ci = build(&cs, &len)) || sdst_open_mem(ci, len, "clip", &cf, &err) != LONGSD_OK ||
        !(ui = build(&us, &len)) || sdst_open_mem(ui, len, "unet", &uf, &err) != LONGSD_OK ||
        !(vi = build(&vs, &len)) || sdst_open_mem(vi, len, "vae", &vf, &err) != LONGSD_OK) {
        fprintf(stderr, "sdcpp_convert: %s\n", err.msg[0] ? err.msg : "out of memory");
        goto out;
    }
    if (add_openclip(&l, cf, SDCV_OPENCLIP_PREFIX) || add_unet(&l, uf, &uc) || add_vae(&l, vf, &vc) ||
        add_encoder_if_missing(&l, vf, &vc, &ei, &ef) || write_checkpoint(outp, &l) || write_taesd(taesd_out))
        goto out;
    rc = 0;
out:
    sdst_close(cf), sdst_close(uf), sdst_close(vf), sdst_close(ef);
    free(ci), free(ui), free(vi), free(ei);
    free(l.t);
    return rc;
}

/* SDXL 1.0's shapes, as bench_sdxl.c builds them, in SGM's names. */
static int cmd_sdxl(const char *outp, const char *taesd_out)
{
    int rc = 1;
    out_list l = {0};
    sdxl_te te;
    sdunet_cfg uc;
    sdvae_cfg vc;
    sdxl_default_cfg(&te, &uc, &vc);
    spec s1 = {.hdr = json_object()}, s2 = {.hdr = json_object()}, us = {.hdr = json_object()},
         vs = {.hdr = json_object()};
    clip_spec(&s1, &te.c1);
    clip_spec(&s2, &te.c2);
    /* open_clip's text_projection is (hidden, proj), used as x @ P */
    add(&s2, "text_projection.weight", 2, te.c2.hidden, te.c2.proj, 0, 0);
    unet_spec(&us, &uc, 1);
    vae_spec(&vs, &vc);
    unsigned char *i1 = NULL, *i2 = NULL, *ui = NULL, *vi = NULL, *ei = NULL;
    sdst_file *f1 = NULL, *f2 = NULL, *uf = NULL, *vf = NULL, *ef = NULL;
    size_t len;
    lserr err = {0};
    printf("sdcpp_convert: SDXL, %.0f M + %.0f M text, %.0f M UNet, %.0f M VAE parameters (random F16)\n",
           s1.off / 2e6, s2.off / 2e6, us.off / 2e6, vs.off / 2e6);
    if (!(i1 = build(&s1, &len)) || sdst_open_mem(i1, len, "clip-l", &f1, &err) != LONGSD_OK ||
        !(i2 = build(&s2, &len)) || sdst_open_mem(i2, len, "bigg", &f2, &err) != LONGSD_OK ||
        !(ui = build(&us, &len)) || sdst_open_mem(ui, len, "unet", &uf, &err) != LONGSD_OK ||
        !(vi = build(&vs, &len)) || sdst_open_mem(vi, len, "vae", &vf, &err) != LONGSD_OK) {
        fprintf(stderr, "sdcpp_convert: %s\n", err.msg[0] ? err.msg : "out of memory");
        goto out;
    }
    if (add_clip_l(&l, f1, SDCV_XL_CLIP_PREFIX) || add_openclip(&l, f2, SDCV_XL_OPENCLIP_PREFIX) ||
        add_unet(&l, uf, &uc) || add_vae(&l, vf, &vc) || add_encoder_if_missing(&l, vf, &vc, &ei, &ef) ||
        write_checkpoint(outp, &l) || write_taesd(taesd_out))
        goto out;
    rc = 0;
out:
    sdst_close(f1), sdst_close(f2), sdst_close(uf), sdst_close(vf), sdst_close(ef);
    free(i1), free(i2), free(ui), free(vi), free(ei);
    free(l.t);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 4 && (strcmp(argv[1], "folder") == 0 || strcmp(argv[1], "sd15") == 0))
        return cmd_folder(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "turbo") == 0)
        return cmd_turbo(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "sdxl") == 0)
        return cmd_sdxl(argv[2], argv[3]);
    fprintf(stderr, "usage: sdcpp_convert folder DIFFUSERS_DIR OUT.safetensors\n"
                    "       sdcpp_convert turbo OUT.safetensors TAESD_OUT.safetensors\n"
                    "       sdcpp_convert sdxl OUT.safetensors TAESD_OUT.safetensors\n");
    return 2;
}
