/* hub_info.c - the hub's model-info reply, model_index.json and the choice of
 * files a pull fetches (see hub_info.h). */
#include "hub_info.h"

#include <jansson.h>
#include <string.h>

#include "wspath.h"

static int is_hex(const char *s, size_t len)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == len;
}

void ls_hub_info_free(ls_hub_info *info)
{
    if (!info)
        return;
    for (size_t i = 0; i < info->n_files; i++)
        longsd__free(info->files[i].path);
    longsd__free(info->files);
    memset(info, 0, sizeof *info);
}

longsd_status ls_hub_parse_info(const char *json, size_t n, ls_hub_info *out, lserr *err)
{
    memset(out, 0, sizeof *out);
    json_error_t je;
    json_t *root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je);
    longsd_status rc = LONGSD_OK;
    if (!root)
        return lserr_set(err, LONGSD_ERR_BACKEND, "model info: not JSON at byte %d: %s", je.position, je.text);
    const char *sha = json_string_value(json_object_get(root, "sha"));
    json_t *sib = json_object_get(root, "siblings");
    if (!json_is_object(root) || !sha || !is_hex(sha, 40)) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "model info: field \"sha\" is not a 40-digit commit hash");
        goto out;
    }
    memcpy(out->commit, sha, 41);
    if (!json_is_array(sib)) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "model info: field \"siblings\" is not a list");
        goto out;
    }
    size_t m = json_array_size(sib);
    if (m > LS_HUB_MAX_FILES) {
        rc = lserr_set(err, LONGSD_ERR_TOO_BIG, "model info: %zu files, over the cap of %d", m, LS_HUB_MAX_FILES);
        goto out;
    }
    if (m && !(out->files = longsd__calloc(m, sizeof *out->files))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < m; i++) {
        json_t *f = json_array_get(sib, i);
        const char *name = json_string_value(json_object_get(f, "rfilename"));
        lserr pe;
        if (!name || strlen(name) != json_string_length(json_object_get(f, "rfilename")) ||
            ls_wspath_check_rel(name, &pe)) {
            rc = lserr_set(err, LONGSD_ERR_BACKEND, "model info: siblings[%zu].rfilename is not a plain relative path",
                           i);
            goto out;
        }
        ls_hub_file *hf = &out->files[out->n_files];
        json_t *size = json_object_get(f, "size"), *lfs = json_object_get(f, "lfs");
        if (json_is_integer(size) && json_integer_value(size) >= 0)
            hf->size = (uint64_t)json_integer_value(size);
        if (json_is_object(lfs)) {
            const char *h = json_string_value(json_object_get(lfs, "sha256"));
            json_t *ls = json_object_get(lfs, "size");
            if (!h || !is_hex(h, 64)) {
                rc = lserr_set(err, LONGSD_ERR_BACKEND, "model info: siblings[%zu] (%s): lfs.sha256 is not 64 hex digits",
                               i, name);
                goto out;
            }
            memcpy(hf->sha256, h, 65);
            if (json_is_integer(ls) && json_integer_value(ls) >= 0)
                hf->size = (uint64_t)json_integer_value(ls);
        }
        if (!(hf->path = longsd__strdup(name))) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        out->n_files++;
    }
out:
    json_decref(root);
    if (rc)
        ls_hub_info_free(out);
    return rc;
}

void ls_hub_names_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        longsd__free(v[i]);
    longsd__free(v);
}

longsd_status ls_hub_parse_index(const char *json, size_t n, char ***out, size_t *n_out, lserr *err)
{
    *out = NULL;
    *n_out = 0;
    json_error_t je;
    json_t *root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return lserr_set(err, LONGSD_ERR_MODEL, "model_index.json: not JSON at byte %d: %s", je.position, je.text);
    longsd_status rc = LONGSD_OK;
    char **v = NULL;
    size_t k = 0;
    if (!json_is_object(root)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "model_index.json: expected an object");
        goto out;
    }
    if (!(v = longsd__calloc(json_object_size(root) + 1, sizeof *v))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        lserr pe;
        if (key[0] == '_' || !json_is_array(val) || json_array_size(val) != 2 ||
            !json_is_string(json_array_get(val, 1)))
            continue; /* _class_name, _diffusers_version, options, [null, null] */
        if (ls_wspath_check_name(key, &pe)) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "model_index.json: component \"%.64s\" is not a plain folder name", key);
            goto out;
        }
        if (!(v[k] = longsd__strdup(key))) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        k++;
    }
out:
    json_decref(root);
    if (rc) {
        ls_hub_names_free(v, k);
        return rc;
    }
    *out = v;
    *n_out = k;
    return LONGSD_OK;
}

static int ends(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/* 0 fp16 .safetensors, 1 .safetensors, 2 fp16 .bin, 3 .bin, -1 not weights;
 * a shard index (".index.json") takes its set's class. */
static int weight_class(const char *base)
{
    char b[512];
    size_t n = strlen(base);
    if (n >= sizeof b)
        return -1;
    memcpy(b, base, n + 1);
    if (ends(b, ".index.json"))
        b[n - 11] = '\0';
    int fp16 = strstr(b, ".fp16.") != NULL || strstr(b, ".fp16-") != NULL;
    if (ends(b, ".safetensors"))
        return fp16 ? 0 : 1;
    if (ends(b, ".bin"))
        return fp16 ? 2 : 3;
    return -1;
}

size_t ls_hub_select(ls_hub_info *info, char *const *comps, size_t n_comps)
{
    size_t marked = 0;
    for (size_t i = 0; i < info->n_files; i++)
        info->files[i].want = 0;
    if (!comps) {
        /* one diffusers model at the root (an AutoencoderTiny such as a TAESD
         * repo, a VAE, a UNet): its config.json and one set of its weights,
         * not the other formats such repos also carry (.pth, .bin, ONNX) */
        int has_config = 0, best = 4;
        for (size_t i = 0; i < info->n_files; i++) {
            const char *p = info->files[i].path;
            int wc = weight_class(p);
            has_config |= strcmp(p, "config.json") == 0;
            if (wc >= 0 && wc < best && strncmp(p, "diffusion_pytorch_model", 23) == 0 && !strchr(p, '/'))
                best = wc;
        }
        if (has_config && best < 4) {
            for (size_t i = 0; i < info->n_files; i++) {
                const char *p = info->files[i].path;
                if (strcmp(p, "config.json") == 0 ||
                    (strncmp(p, "diffusion_pytorch_model", 23) == 0 && !strchr(p, '/') && weight_class(p) == best))
                    info->files[i].want = 1, marked++;
            }
            return marked;
        }
        for (size_t i = 0; i < info->n_files; i++) {
            const char *p = info->files[i].path;
            if (ends(p, ".safetensors") || ends(p, ".json") || ends(p, ".txt") || ends(p, ".yaml"))
                info->files[i].want = 1, marked++;
        }
        return marked;
    }
    for (size_t i = 0; i < info->n_files; i++)
        if (strcmp(info->files[i].path, "model_index.json") == 0)
            info->files[i].want = 1, marked++;
    for (size_t c = 0; c < n_comps; c++) {
        size_t cl = strlen(comps[c]);
        int best = 4;
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < info->n_files; i++) {
                const char *p = info->files[i].path;
                if (strncmp(p, comps[c], cl) != 0 || p[cl] != '/' || strchr(p + cl + 1, '/'))
                    continue; /* only files directly in the component's folder */
                const char *base = p + cl + 1;
                int wc = weight_class(base);
                if (pass == 0) {
                    if (wc >= 0 && wc < best)
                        best = wc;
                } else if (wc >= 0 ? wc == best
                                   : (ends(base, ".json") || ends(base, ".txt") || ends(base, ".model"))) {
                    info->files[i].want = 1;
                    marked++;
                }
            }
    }
    return marked;
}
