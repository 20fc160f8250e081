/* styles.c - style presets: the built-in table (public through
 * longsd_builtin_style) and sets of presets with user overrides loaded from
 * a JSON file. */
#include <jansson.h>
#include <string.h>

#include "ctx.h"
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

/* ------------------------------------------------------------------------
 * AUTOMATIC1111's styles.csv: a header "name,prompt,negative_prompt" then one
 * style a row (RFC 4180 quoting: "..." with "" for a quote, newlines
 * allowed inside quotes). A1111 puts the user's prompt where the style says
 * {prompt}, else before the style's text after ", ". Our prompts always
 * start with the scene (CLIP weighs the first tokens most), so the text
 * after {prompt} is the suffix and any text before it follows it. Names are
 * made ours: lower case, runs of other characters as '-', at most 32. */

#define CSV_MAX_FIELDS 8

typedef struct {
    const char *p, *end;
    size_t line;
} csvrd;

/* Read one row into fields (each a new string); 0 at end of input, 1 a
 * row, -1 a malformed row (*why says how), -2 out of memory. */
static int csv_row(csvrd *r, char **f, size_t *nf, const char **why)
{
    *nf = 0;
    if (r->p >= r->end)
        return 0;
    lsbuf b;
    lsbuf_init(&b, LS_STYLES_MAX_FIELD * 4);
    for (;;) {
        lsbuf_reset(&b);
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end) {
                    *why = "a quoted field is not closed";
                    lsbuf_free(&b);
                    return -1;
                }
                if (*r->p == '"') {
                    if (r->p + 1 < r->end && r->p[1] == '"') {
                        if (lsbuf_addc(&b, '"'))
                            goto oom;
                        r->p += 2;
                        continue;
                    }
                    r->p++;
                    break;
                }
                if (*r->p == '\n')
                    r->line++;
                if (lsbuf_addc(&b, *r->p++))
                    goto oom;
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                *why = "text after a closing quote";
                lsbuf_free(&b);
                return -1;
            }
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                if (lsbuf_addc(&b, *r->p++))
                    goto oom;
        }
        if (*nf == CSV_MAX_FIELDS) {
            *why = "more than 8 fields";
            lsbuf_free(&b);
            return -1;
        }
        if (!(f[(*nf)++] = lsbuf_steal(&b)))
            goto oom;
        lsbuf_init(&b, LS_STYLES_MAX_FIELD * 4);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
        r->line++;
        lsbuf_free(&b);
        return 1;
    }
oom:
    lsbuf_free(&b);
    return -2;
}

static void csv_name(const char *in, char out[33])
{
    size_t o = 0;
    int dash = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && o < 32; p++) {
        unsigned char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
            out[o++] = (char)c;
            dash = 0;
        } else if (o && !dash) {
            out[o++] = '-';
            dash = 1;
        }
    }
    while (o && out[o - 1] == '-')
        o--;
    out[o] = '\0';
}

/* The CSV as the JSON form, so one loader checks and applies both. */
static longsd_status csv_to_json(const char *name, const char *data, size_t n, json_t **out, lserr *err)
{
    csvrd r = {.p = data, .end = data + n, .line = 1};
    char *f[CSV_MAX_FIELDS];
    size_t nf = 0;
    const char *why = NULL;
    longsd_status rc = LONGSD_OK;
    json_t *arr = json_array();
    *out = NULL;
    if (!arr)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    int col_name = -1, col_prompt = -1, col_neg = -1;
    int k = csv_row(&r, f, &nf, &why);
    if (k < 0) {
        for (size_t i = 0; i < nf; i++)
            longsd__free(f[i]);
        nf = 0;
    }
    if (k == 1) {
        for (size_t i = 0; i < nf; i++) {
            if (strcmp(f[i], "name") == 0)
                col_name = (int)i;
            else if (strcmp(f[i], "prompt") == 0)
                col_prompt = (int)i;
            else if (strcmp(f[i], "negative_prompt") == 0)
                col_neg = (int)i;
        }
    }
    for (size_t i = 0; i < nf; i++)
        longsd__free(f[i]);
    if (k == -2)
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    else if (k != 1 || col_name < 0 || col_prompt < 0)
        rc = lserr_set(err, LONGSD_ERR_PARAM,
                       "%s: line 1: expected the header of an AUTOMATIC1111 styles.csv: name,prompt,negative_prompt",
                       name);
    while (!rc) {
        size_t line = r.line;
        k = csv_row(&r, f, &nf, &why);
        if (k < 0) {
            for (size_t i = 0; i < nf; i++)
                longsd__free(f[i]);
        }
        if (k == 0)
            break;
        if (k == -2) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            break;
        }
        if (k == -1) {
            rc = lserr_set(err, LONGSD_ERR_PARAM, "%s: line %zu: %s", name, line, why);
            break;
        }
        int blank = nf == 1 && f[0][0] == '\0';
        if (!blank && (size_t)col_name < nf && f[col_name][0]) {
            char nm[33];
            csv_name(f[col_name], nm);
            const char *prompt = (size_t)col_prompt < nf ? f[col_prompt] : "";
            const char *neg = col_neg >= 0 && (size_t)col_neg < nf ? f[col_neg] : "";
            const char *ph = strstr(prompt, "{prompt}");
            char *suffix = ph ? longsd__asprintf("%s, %.*s", ph + 8, (int)(ph - prompt), prompt)
                              : longsd__strdup(prompt);
            char *desc = longsd__asprintf("%.60s, from %.200s", f[col_name], name);
            json_t *o = suffix && desc ? json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", nm[0] ? nm : "?", "suffix",
                                                   suffix, "negative", neg, "quality", "", "description", desc)
                                       : NULL;
            longsd__free(suffix);
            longsd__free(desc);
            if (!o || json_array_append_new(arr, o))
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        }
        for (size_t i = 0; i < nf; i++)
            longsd__free(f[i]);
    }
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = json_pack("{s:o}", "styles", arr);
    return *out ? LONGSD_OK : lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
}

static int looks_csv(const char *d, size_t n)
{
    if (n >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB && (unsigned char)d[2] == 0xBF)
        d += 3, n -= 3;
    return n >= 5 && (memcmp(d, "name,", 5) == 0 || memcmp(d, "\"name\",", 7 <= n ? 7 : n) == 0);
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
    if (data && looks_csv(data, n)) {
        size_t bom = (unsigned char)data[0] == 0xEF ? 3 : 0;
        if ((rc = csv_to_json(name, data + bom, n - bom, &root, err)))
            goto out;
    } else {
        root = json_loadb(data ? data : "", n, JSON_REJECT_DUPLICATES, &je);
    }
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

/* ------------------------------------------------------------------------
 * Public listing (longsd styles --styles FILE) */

longsd_status longsd_styles_list(longsd_ctx *ctx, const char *styles_file, longsd_style **out, size_t *n)
{
    lserr tmp = {0};
    lserr *err = ctx ? &ctx->err : &tmp;
    ls_styles *st = NULL;
    longsd_style *v = NULL;
    size_t k = 0;
    if (!out || !n)
        return lserr_set(err, LONGSD_ERR_PARAM, "longsd_styles_list: no output");
    *out = NULL;
    *n = 0;
    longsd_status rc = ls_styles_new(&st, err);
    if (!rc && styles_file)
        rc = ls_styles_load_file(st, styles_file, err);
    if (!rc && !(v = longsd__calloc(ls_styles_count(st) ? ls_styles_count(st) : 1, sizeof *v)))
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    for (; !rc && k < ls_styles_count(st); k++)
        if (style_copy(&v[k], ls_styles_at(st, k)))
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    ls_styles_free(st);
    if (rc) {
        longsd_styles_list_free(v, k);
        return rc;
    }
    *out = v;
    *n = k;
    return LONGSD_OK;
}

void longsd_styles_list_free(longsd_style *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        style_free_strings(&v[i]);
    longsd__free(v);
}
