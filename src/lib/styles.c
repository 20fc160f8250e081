/* styles.c - style presets: the built-in table (public through
 * longsd_builtin_style) and sets of presets with user overrides loaded from
 * a JSON file. */
#include <jansson.h>
#include <string.h>

#include "prompt.h"
#include "util.h"

/* Every negative prompt starts with these: the original asked GPT-3 for
 * "logo-free, sign-free images", and SD 1.x draws lettering, watermarks and
 * mangled anatomy unless told not to. */
#define NEG_BASE                                                                                            \
    "text, watermark, signature, logo, blurry, lowres, low quality, worst quality, jpeg artifacts, deformed, " \
    "disfigured, bad anatomy, extra limbs, cropped, out of frame"

/* The first entry is the default. Suffixes carry the medium (what SD 1.x
 * keys on most), quality tags the generic boosters that go first when the
 * budget is tight, negatives NEG_BASE plus what pulls away from the medium. */
static const longsd_style builtins[] = {
    {
        .name = "artstation",
        .description = "The original project's look: a detailed digital painting",
        .suffix = "digital painting, trending on artstation, highly detailed",
        .quality = "masterpiece, best quality, sharp focus, intricate details, dramatic lighting",
        .negative = NEG_BASE ", photo, amateur",
    },
    {
        .name = "storybook",
        .description = "Children's book illustration, warm and gentle",
        .suffix = "children's book illustration, storybook art, soft warm colors, gentle lighting",
        .quality = "masterpiece, best quality, charming, detailed, clean composition",
        .negative = NEG_BASE ", scary, gore, photo, photorealistic",
    },
    {
        .name = "watercolor",
        .description = "Watercolor painting with soft washes on textured paper",
        .suffix = "watercolor painting, soft washes, wet on wet, visible paper texture",
        .quality = "masterpiece, best quality, delicate, fine details, luminous colors",
        .negative = NEG_BASE ", photo, 3d render, harsh outlines, oversaturated",
    },
    {
        .name = "oil-painting",
        .description = "Classical oil painting on canvas with visible brush strokes",
        .suffix = "oil painting on canvas, visible brush strokes, classical composition, rich colors",
        .quality = "masterpiece, best quality, fine art, museum quality, chiaroscuro",
        .negative = NEG_BASE ", photo, 3d render, cartoon, flat colors",
    },
    {
        .name = "ink",
        .description = "Black and white pen and ink drawing with cross hatching",
        .suffix = "pen and ink drawing, cross hatching, black and white, fine linework",
        .quality = "masterpiece, best quality, highly detailed, clean lines, high contrast",
        .negative = NEG_BASE ", color, colorful, photo, smudged, grey wash",
    },
    {
        .name = "pencil-sketch",
        .description = "Graphite pencil sketch on paper",
        .suffix = "pencil sketch, graphite drawing, hand drawn shading, on paper",
        .quality = "masterpiece, best quality, detailed, expressive lines, fine hatching",
        .negative = NEG_BASE ", color, colorful, photo, ink, heavy outlines",
    },
    {
        .name = "woodcut",
        .description = "Woodcut print with bold black lines, like an old book's plates",
        .suffix = "woodcut print, relief engraving, bold black lines, high contrast",
        .quality = "masterpiece, best quality, detailed, traditional printmaking, carved texture",
        .negative = NEG_BASE ", color gradient, photo, 3d render, soft shading",
    },
    {
        .name = "cinematic",
        .description = "Photographic film still with dramatic lighting",
        .suffix = "cinematic film still, 35mm photograph, dramatic lighting, shallow depth of field",
        .quality = "masterpiece, best quality, film grain, highly detailed, sharp focus, color graded",
        .negative = NEG_BASE ", cartoon, drawing, painting, illustration, anime, 3d render, overexposed, plastic skin",
    },
    {
        .name = "anime",
        .description = "Anime key visual with cel shading",
        .suffix = "anime style, key visual, cel shading, vibrant colors",
        .quality = "masterpiece, best quality, highly detailed, clean lineart, beautiful eyes",
        .negative = NEG_BASE ", photo, realistic, 3d render, bad hands, extra fingers, fused fingers",
    },
    {
        .name = "concept-art",
        .description = "Epic concept art, matte painting with atmosphere",
        .suffix = "concept art, matte painting, epic composition, atmospheric lighting",
        .quality = "masterpiece, best quality, highly detailed, sharp focus, volumetric light",
        .negative = NEG_BASE ", photo, amateur, flat lighting, cartoon",
    },
    {
        .name = "pixel-art",
        .description = "Retro 16-bit pixel art with a limited palette",
        .suffix = "pixel art, 16-bit, retro video game style, limited palette",
        .quality = "masterpiece, best quality, crisp pixels, clean sprites",
        .negative = NEG_BASE ", smooth shading, gradient, photo, 3d render, anti-aliasing, noisy",
    },
};

#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

size_t longsd_n_builtin_styles(void) { return N_BUILTINS; }

const longsd_style *longsd_builtin_style(size_t i) { return i < N_BUILTINS ? &builtins[i] : NULL; }

/* A set owns every string of every preset (built-ins are copied), so an
 * override frees like any other entry. */
struct ls_styles {
    longsd_style *v;
    size_t n;
};

static void style_free_strings(longsd_style *s)
{
    longsd__free((char *)s->name);
    longsd__free((char *)s->description);
    longsd__free((char *)s->suffix);
    longsd__free((char *)s->quality);
    longsd__free((char *)s->negative);
    memset(s, 0, sizeof *s);
}

static int style_copy(longsd_style *dst, const longsd_style *src)
{
    dst->name = longsd__strdup(src->name ? src->name : "");
    dst->description = longsd__strdup(src->description ? src->description : "");
    dst->suffix = longsd__strdup(src->suffix ? src->suffix : "");
    dst->quality = longsd__strdup(src->quality ? src->quality : "");
    dst->negative = longsd__strdup(src->negative ? src->negative : "");
    if (!dst->name || !dst->description || !dst->suffix || !dst->quality || !dst->negative) {
        style_free_strings(dst);
        return -1;
    }
    return 0;
}

longsd_status ls_styles_new(ls_styles **out, lserr *err)
{
    *out = NULL;
    ls_styles *st = longsd__calloc(1, sizeof *st);
    if (!st || !(st->v = longsd__calloc(N_BUILTINS, sizeof *st->v))) {
        longsd__free(st);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    for (; st->n < N_BUILTINS; st->n++) {
        if (style_copy(&st->v[st->n], &builtins[st->n])) {
            ls_styles_free(st);
            return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        }
    }
    *out = st;
    return LONGSD_OK;
}

void ls_styles_free(ls_styles *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        style_free_strings(&st->v[i]);
    longsd__free(st->v);
    longsd__free(st);
}

const longsd_style *ls_styles_find(const ls_styles *st, const char *name)
{
    for (size_t i = 0; st && name && i < st->n; i++)
        if (lsstr_casecmp_ascii(st->v[i].name, name) == 0)
            return &st->v[i];
    return NULL;
}

size_t ls_styles_count(const ls_styles *st) { return st ? st->n : 0; }

const longsd_style *ls_styles_at(const ls_styles *st, size_t i) { return st && i < st->n ? &st->v[i] : NULL; }

/* ---- user presets */

static int valid_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return n >= 1 && n <= 32;
}

/* A user string made safe to quote in a message: at most 40 bytes,
 * non-printable ASCII and quotes shown as '?'. */
static const char *shown(const char *s, char out[48])
{
    size_t o = 0;
    for (; *s && o < 40; s++) {
        unsigned char c = (unsigned char)*s;
        out[o++] = (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '?' : (char)c;
    }
    /* do not end inside a UTF-8 sequence */
    while (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
        o--;
    if (o > 0 && (unsigned char)out[o - 1] >= 0xC0)
        o--;
    out[o] = '\0';
    if (*s)
        strcpy(out + o, "...");
    return out;
}

static const char *const fields[] = {"name", "description", "suffix", "quality", "negative"};

static const char **field_slot(longsd_style *s, size_t f)
{
    switch (f) {
    case 0: return &s->name;
    case 1: return &s->description;
    case 2: return &s->suffix;
    case 3: return &s->quality;
    default: return &s->negative;
    }
}

/* Parse styles[i] into *dst (strings owned; missing fields from `base` when
 * the name is already known, else ""). */
static longsd_status parse_preset(const ls_styles *st, const char *file, size_t i, json_t *o, longsd_style *dst,
                                  lserr *err)
{
    char show[48];
    const char *key;
    json_t *val;
    if (!json_is_object(o))
        return lserr_set(err, LONGSD_ERR_PARAM, "%s: styles[%zu]: expected an object {\"name\": ..., \"suffix\": ...}",
                         file, i);
    json_object_foreach(o, key, val)
    {
        size_t f = 0;
        while (f < 5 && strcmp(key, fields[f]) != 0)
            f++;
        if (f == 5)
            return lserr_set(err, LONGSD_ERR_PARAM,
                             "%s: styles[%zu].%s: unknown field (known: name, description, suffix, quality, negative)",
                             file, i, shown(key, show));
        if (!json_is_string(val))
            return lserr_set(err, LONGSD_ERR_PARAM, "%s: styles[%zu].%s: expected a string", file, i, key);
        if (json_string_length(val) > LS_STYLES_MAX_FIELD)
            return lserr_set(err, LONGSD_ERR_PARAM, "%s: styles[%zu].%s: too long (%zu bytes, at most %d)", file, i,
                             key, json_string_length(val), LS_STYLES_MAX_FIELD);
    }
    json_t *jname = json_object_get(o, "name");
    if (!jname)
        return lserr_set(err, LONGSD_ERR_PARAM, "%s: styles[%zu].name: missing (every preset needs a name)", file, i);
    const char *name = json_string_value(jname);
    if (!valid_name(name))
        return lserr_set(err, LONGSD_ERR_PARAM,
                         "%s: styles[%zu].name: \"%s\" is not a valid name (1 to 32 of a-z, 0-9, '-' and '_')", file,
                         i, shown(name, show));

    longsd_style base = {0};
    const longsd_style *known = ls_styles_find(st, name);
    if (known)
        base = *known; /* an override changes only the fields it gives */
    base.name = name;
    for (size_t f = 1; f < 5; f++) {
        json_t *v = json_object_get(o, fields[f]);
        if (v)
            *field_slot(&base, f) = json_string_value(v);
    }
    if (style_copy(dst, &base))
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    /* user text goes into prompts: the same rules as scene text */
    for (size_t f = 1; f < 5; f++) {
        const char **slot = field_slot(dst, f);
        char *clean = ls_prompt_sanitize(*slot);
        if (!clean) {
            style_free_strings(dst);
            return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        }
        longsd__free((char *)*slot);
        *slot = clean;
    }
    return LONGSD_OK;
}

longsd_status ls_styles_load_memory(ls_styles *st, const char *name, const char *data, size_t n, lserr *err)
{
    json_t *root = NULL;
    longsd_style *add = NULL;
    size_t n_add = 0;
    longsd_status rc = LONGSD_OK;
    json_error_t je;
    if (!st || (!data && n))
        return lserr_set(err, LONGSD_ERR_PARAM, "ls_styles_load_memory: no styles or no data");
    if (!name)
        name = "(styles)";
    if (n > LS_STYLES_MAX_BYTES)
        return lserr_set(err, LONGSD_ERR_TOO_BIG, "%s: %zu bytes is over the limit of %zu bytes for a styles file",
                         name, n, LS_STYLES_MAX_BYTES);
    root = json_loadb(data ? data : "", n, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        rc = lserr_set(err, LONGSD_ERR_PARAM, "%s: line %d, column %d: %s", name, je.line, je.column, je.text);
        goto out;
    }
    json_t *arr = json_is_object(root) ? json_object_get(root, "styles") : NULL;
    if (!json_is_object(root) || !arr) {
        rc = lserr_set(err, LONGSD_ERR_PARAM, "%s: expected an object {\"styles\": [...]}", name);
        goto out;
    }
    if (!json_is_array(arr)) {
        rc = lserr_set(err, LONGSD_ERR_PARAM, "%s: styles: expected an array of presets", name);
        goto out;
    }
    size_t count = json_array_size(arr);
    if (count > LS_STYLES_MAX_PRESETS) {
        rc = lserr_set(err, LONGSD_ERR_TOO_BIG, "%s: styles: %zu presets, at most %d", name, count,
                       LS_STYLES_MAX_PRESETS);
        goto out;
    }
    if (count && !(add = longsd__calloc(count, sizeof *add))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        if ((rc = parse_preset(st, name, i, json_array_get(arr, i), &add[i], err)))
            goto out;
        n_add++;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(add[j].name, add[i].name) == 0) {
                rc = lserr_set(err, LONGSD_ERR_PARAM, "%s: styles[%zu].name: \"%s\" is already defined by styles[%zu]",
                               name, i, add[i].name, j);
                goto out;
            }
        }
    }
    /* All parsed: apply (nothing below can fail half-way). */
    size_t n_new = 0;
    for (size_t i = 0; i < n_add; i++)
        n_new += ls_styles_find(st, add[i].name) == NULL;
    if (n_new) {
        longsd_style *v = longsd__realloc(st->v, (st->n + n_new) * sizeof *v);
        if (!v) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        st->v = v;
    }
    for (size_t i = 0; i < n_add; i++) {
        longsd_style *old = (longsd_style *)ls_styles_find(st, add[i].name);
        if (old) {
            style_free_strings(old);
            *old = add[i];
        } else {
            st->v[st->n++] = add[i];
        }
        memset(&add[i], 0, sizeof add[i]);
    }
out:
    for (size_t i = 0; i < n_add; i++)
        style_free_strings(&add[i]);
    longsd__free(add);
    json_decref(root);
    return rc;
}

longsd_status ls_styles_load_file(ls_styles *st, const char *path, lserr *err)
{
    char *data = NULL;
    size_t n = 0;
    if (!st || !path)
        return lserr_set(err, LONGSD_ERR_PARAM, "ls_styles_load_file: no styles or no path");
    longsd_status rc = lsfile_read(path, LS_STYLES_MAX_BYTES, &data, &n, err);
    if (rc)
        return rc;
    rc = ls_styles_load_memory(st, path, data, n, err);
    longsd__free(data);
    return rc;
}
