/* bench_engine_check.c - compares the engine with diffusers on SD 1.5's full
 * shapes using the scratch model and references written by
 * tests/engine/make_sd15_check.py (random fp16 weights, ~2 GB, not
 * committed). Prints the max relative error per stage; exits 1 above 1e-3.
 *
 *   build-engine/bench/bench_engine_check [DIR=/tmp/longsd-sd15-check] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safetensors.h"
#include "sd.h"
#include "tokenizer.h"

static double rel_err(const float *a, const float *ref, size_t n)
{
    double d = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)a[i] - ref[i]);
        if (!(e <= d))
            d = e;
        if (fabs(ref[i]) > m)
            m = fabs(ref[i]);
    }
    return m > 0 ? d / m : d;
}

static float *get(sdst_file *f, const char *name, size_t n)
{
    const sdst_tensor *t = sdst_find(f, name);
    lserr err = {0};
    float *p = t && t->numel == n ? malloc(n * sizeof *p) : NULL;
    if (!p || sdst_to_f32(f, t, p, n, &err) != LONGSD_OK) {
        fprintf(stderr, "check: no usable '%s' in the references\n", name);
        exit(1);
    }
    return p;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp/longsd-sd15-check";
    char path[1024];
    lserr err = {0};
    sdst_file *ref = NULL;
    snprintf(path, sizeof path, "%s/ref.safetensors", dir);
    if (sdst_open(path, &ref, &err) != LONGSD_OK) {
        fprintf(stderr, "check: %s (run tests/engine/make_sd15_check.py first)\n", err.msg);
        return 1;
    }
    snprintf(path, sizeof path, "%s/model", dir);
    longsd_sd *sd = longsd_sd_new();
    if (!sd || longsd_sd_load(sd, path) != LONGSD_OK) {
        fprintf(stderr, "check: %s\n", sd ? longsd_sd_errmsg(sd) : "out of memory");
        return 1;
    }
    int bad = 0;
    const char *prompt = "a lighthouse on a cliff at dusk, digital painting";
    /* token ids */
    snprintf(path, sizeof path, "%s/model/tokenizer", dir);
    sdtok *tok = NULL;
    int32_t ids[77];
    if (sdtok_load_dir(path, &tok, &err) != LONGSD_OK || sdtok_encode(tok, prompt, ids, 77, NULL, &err) != LONGSD_OK)
        return fprintf(stderr, "check: %s\n", err.msg), 1;
    const sdst_tensor *rid = sdst_find(ref, "ids");
    int same = rid && rid->numel == 77;
    for (int i = 0; same && i < 77; i++) {
        int64_t v;
        memcpy(&v, rid->data + 8 * i, 8);
        same = v == ids[i];
    }
    printf("token ids: %s\n", same ? "identical" : "DIFFERENT");
    bad |= !same;
    sdtok_free(tok);
    /* text encoder */
    float *hid = malloc(77 * 768 * sizeof *hid), *rh = get(ref, "hidden", 77 * 768);
    if (longsd_sd_encode_text(sd, prompt, hid) != LONGSD_OK)
        return fprintf(stderr, "check: %s\n", longsd_sd_errmsg(sd)), 1;
    double e = rel_err(hid, rh, 77 * 768);
    printf("text encoder (ViT-L/14 shapes): max rel err %.2e\n", e);
    bad |= !(e < 1e-3);
    /* pipeline */
    float *xT = get(ref, "x_T", 4 * 8 * 8);
    const struct {
        const char *name;
        longsd_sampler s;
    } runs[2] = {{"euler", LONGSD_SAMPLER_EULER}, {"dpmpp_2m", LONGSD_SAMPLER_DPMPP_2M}};
    for (int r = 0; r < 2; r++) {
        longsd_sd_params p = longsd_sd_default_params();
        p.prompt = prompt;
        p.negative_prompt = "blurry";
        p.width = p.height = 64;
        p.steps = 2;
        p.cfg_scale = 7.5f;
        p.sampler = runs[r].s;
        p.init_noise = xT;
        float lat[4 * 8 * 8];
        uint8_t rgb[64 * 64 * 3];
        if (longsd_sd_generate(sd, &p, lat, rgb) != LONGSD_OK)
            return fprintf(stderr, "check: %s\n", longsd_sd_errmsg(sd)), 1;
        char name[64];
        snprintf(name, sizeof name, "%s.latents", runs[r].name);
        float *rl = get(ref, name, 4 * 8 * 8);
        e = rel_err(lat, rl, 4 * 8 * 8);
        snprintf(name, sizeof name, "%s.image", runs[r].name);
        float *ri = get(ref, name, 3 * 64 * 64);
        int worst = 0;
        for (int k = 0; k < 64 * 64; k++)
            for (int c = 0; c < 3; c++) {
                float v = ri[c * 64 * 64 + k] / 2 + 0.5f;
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                int d = abs((int)lrintf(v * 255) - rgb[3 * k + c]);
                worst = d > worst ? d : worst;
            }
        printf("pipeline %-8s 2 steps, CFG 7.5, 64x64: latents max rel err %.2e, image worst pixel %d/255\n",
               runs[r].name, e, worst);
        bad |= !(e < 1e-3) || worst > 2;
        free(rl);
        free(ri);
    }
    /* The single-file checkpoint with SD 1.5's built-in shapes. */
    char ck[1024], tk[1024];
    snprintf(ck, sizeof ck, "%s/sd15-compvis.safetensors", dir);
    snprintf(tk, sizeof tk, "%s/model/tokenizer", dir);
    longsd_sd *one = longsd_sd_new();
    if (!one || longsd_sd_load_file(one, ck, tk, NULL) != LONGSD_OK) {
        fprintf(stderr, "check: %s\n", one ? longsd_sd_errmsg(one) : "out of memory");
        return 1;
    }
    {
        longsd_sd_params p = longsd_sd_default_params();
        p.prompt = prompt;
        p.negative_prompt = "blurry";
        p.width = p.height = 64;
        p.steps = 2;
        p.sampler = LONGSD_SAMPLER_EULER;
        p.init_noise = xT;
        float lat[4 * 8 * 8];
        uint8_t rgb[64 * 64 * 3];
        if (longsd_sd_generate(one, &p, lat, rgb) != LONGSD_OK)
            return fprintf(stderr, "check: %s\n", longsd_sd_errmsg(one)), 1;
        float *rl = get(ref, "euler.latents", 4 * 8 * 8);
        e = rel_err(lat, rl, 4 * 8 * 8);
        printf("single-file CompVis checkpoint, SD 1.5 defaults, euler: latents max rel err %.2e\n", e);
        bad |= !(e < 1e-3);
        free(rl);
    }
    longsd_sd_free(one);
    free(xT);
    free(hid);
    free(rh);
    longsd_sd_free(sd);
    sdst_close(ref);
    return bad;
}
