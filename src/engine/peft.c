/* peft.c - a PEFT adapter_config.json read into the scale of each LoRA
 * module (see peft.h). The file comes with a downloaded adapter, so every
 * field is checked; patterns are compiled as POSIX extended regular
 * expressions, which agree with Python's re on the module names and
 * dotted tails that people write (peft matches "(.*\.)?(PATTERN)$" from
 * the start of the name). */
#include "peft.h"

#include <jansson.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_CAP (16u << 20)
#define MAX_PATTERNS 4096
#define MAX_PATTERN_LEN 512
#define MAX_REPEATS 16
#define MAX_RANK 4096

typedef struct {
    char *text; /* the pattern as written, for messages */
    regex_t re;
    double value; /* r or lora_alpha */
} pattern;

struct sdpeft {
    char *label;
    int r;
    double alpha;
    int rslora;
    pattern *rank, *alpha_p;
    size_t n_rank, n_alpha;
};

static void free_patterns(pattern *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        regfree(&p[i].re);
        longsd__free(p[i].text);
    }
    longsd__free(p);
}

void sdpeft_free(sdpeft *c)
{
    if (!c)
        return;
    free_patterns(c->rank, c->n_rank);
    free_patterns(c->alpha_p, c->n_alpha);
    longsd__free(c->label);
    longsd__free(c);
}

/* v as a rank (an integer 1..MAX_RANK) or an alpha (a finite number). */
static int as_value(const json_t *v, int is_rank, double *out)
{
    if (is_rank) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > MAX_RANK)
            return 0;
        *out = (double)json_integer_value(v);
        return 1;
    }
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return 0;
    *out = json_number_value(v);
    return 1;
}

/* Whether a pattern stays clear of what makes regcomp / regexec take
 * memory or time out of proportion to its length (bounded repeats,
 * back-references, stacked quantifiers): patterns are module names with
 * at most a few wildcards. */
static int simple_pattern(const char *key)
{
    int repeats = 0;
    for (size_t i = 0; key[i]; i++) {
        char c = key[i];
        if (c == '{' || (c == '\\' && key[i + 1] >= '1' && key[i + 1] <= '9'))
            return 0;
        if (c == '\\' && key[i + 1]) {
            i++;
            continue;
        }
        if (c == '*' || c == '+' || c == '?') {
            char n = key[i + 1];
            if (++repeats > MAX_REPEATS || n == '*' || n == '+' || n == '?')
                return 0;
        }
    }
    return 1;
}

/* rank_pattern / alpha_pattern: {"pattern": value, ...} or null. */
static longsd_status read_patterns(const json_t *o, const char *field, const char *label, int is_rank,
                                   pattern **out, size_t *n, lserr *err)
{
    const json_t *obj = json_object_get(o, field);
    *out = NULL;
    *n = 0;
    if (!obj || json_is_null(obj))
        return LONGSD_OK;
    if (!json_is_object(obj))
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: field \"%s\" is not an object of module patterns", label,
                         field);
    size_t cnt = json_object_size(obj);
    if (cnt > MAX_PATTERNS)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: field \"%s\" has %zu patterns (at most %d)", label, field, cnt,
                         MAX_PATTERNS);
    if (cnt == 0)
        return LONGSD_OK;
    pattern *p = longsd__calloc(cnt, sizeof *p);
    if (!p)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    longsd_status rc = LONGSD_OK;
    size_t k = 0;
    const char *key;
    json_t *v;
    /* jansson keeps an object's keys in the file's order: peft's first match */
    json_object_foreach((json_t *)obj, key, v)
    {
        size_t kl = strlen(key);
        if (kl == 0 || kl > MAX_PATTERN_LEN || strchr(key, '\n')) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: field \"%s\" has an empty, multi-line or over %d byte pattern",
                           label, field, MAX_PATTERN_LEN);
            break;
        }
        if (!as_value(v, is_rank, &p[k].value)) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: field \"%s\", pattern \"%.80s\": not %s", label, field, key,
                           is_rank ? "a rank (an integer 1..4096)" : "a finite number");
            break;
        }
        if (!simple_pattern(key)) {
            rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED,
                           "%s: field \"%s\", pattern \"%.80s\": {n,m} repeats, back-references, repeated "
                           "repeats or over %d of *, +, ? are not supported (module names and simple regular "
                           "expressions are)", label, field, key, MAX_REPEATS);
            break;
        }
        char *re = longsd__asprintf("^(.*\\.)?(%s)$", key);
        if (!re || !(p[k].text = longsd__strdup(key))) {
            longsd__free(re);
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            break;
        }
        int bad = regcomp(&p[k].re, re, REG_EXTENDED | REG_NOSUB);
        longsd__free(re);
        if (bad) {
            longsd__free(p[k].text);
            rc = lserr_set(err, LONGSD_ERR_MODEL,
                           "%s: field \"%s\", pattern \"%.80s\" is not a regular expression the engine reads "
                           "(POSIX extended)", label, field, key);
            break;
        }
        k++;
    }
    if (rc != LONGSD_OK) {
        free_patterns(p, k);
        return rc;
    }
    *out = p;
    *n = k;
    return LONGSD_OK;
}

longsd_status sdpeft_parse(const char *text, size_t len, const char *label, sdpeft **out, lserr *err)
{
    *out = NULL;
    json_error_t je;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je), *v;
    sdpeft *c = NULL;
    longsd_status rc = LONGSD_OK;
    if (!o || !json_is_object(o)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: not a JSON object%s%s (byte %d)", label, o ? "" : ": ",
                       o ? "" : je.text, o ? 0 : je.position);
        goto out;
    }
    const char *s = json_string_value(json_object_get(o, "peft_type"));
    if (json_object_get(o, "peft_type") && (!s || strcmp(s, "LORA") != 0)) {
        rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED,
                       "%s: field \"peft_type\" is %.40s%s%s; the engine applies LORA adapters only", label,
                       s ? "\"" : "not a string", s ? s : "", s ? "\"" : "");
        goto out;
    }
    if ((v = json_object_get(o, "use_dora")) && json_is_true(v)) {
        rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: field \"use_dora\" is true: DoRA adapters are not supported",
                       label);
        goto out;
    }
    if (!(c = longsd__calloc(1, sizeof *c)) || !(c->label = longsd__strdup(label))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* peft's defaults when a field is absent: r 8, lora_alpha 8 */
    double r = 8, alpha = 8;
    if ((v = json_object_get(o, "r")) && !as_value(v, 1, &r)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: field \"r\" is not a rank (an integer 1..%d)", label, MAX_RANK);
        goto out;
    }
    if ((v = json_object_get(o, "lora_alpha")) && !as_value(v, 0, &alpha)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: field \"lora_alpha\" is not a finite number", label);
        goto out;
    }
    if ((v = json_object_get(o, "use_rslora")) && !json_is_boolean(v) && !json_is_null(v)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: field \"use_rslora\" is not true or false", label);
        goto out;
    }
    c->r = (int)r;
    c->alpha = alpha;
    c->rslora = v && json_is_true(v);
    rc = read_patterns(o, "rank_pattern", label, 1, &c->rank, &c->n_rank, err);
    if (rc == LONGSD_OK)
        rc = read_patterns(o, "alpha_pattern", label, 0, &c->alpha_p, &c->n_alpha, err);
out:
    json_decref(o);
    if (rc != LONGSD_OK) {
        sdpeft_free(c);
        return rc;
    }
    *out = c;
    return LONGSD_OK;
}

longsd_status sdpeft_load(const char *path, sdpeft **out, lserr *err)
{
    char *text = NULL;
    size_t n = 0;
    *out = NULL;
    longsd_status rc = lsfile_read(path, CONFIG_CAP, &text, &n, err);
    if (rc == LONGSD_OK)
        rc = sdpeft_parse(text, n, path, out, err);
    longsd__free(text);
    return rc;
}

longsd_status sdpeft_from_diffusers_meta(const char *json, const char *component, const char *label,
                                         sdpeft **out, lserr *err)
{
    *out = NULL;
    json_error_t je;
    json_t *o = json_loads(json, JSON_REJECT_DUPLICATES, &je), *sub = NULL;
    char *text = NULL, *where = NULL;
    longsd_status rc = LONGSD_OK;
    if (!o || !json_is_object(o)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: metadata \"lora_adapter_metadata\" is not a JSON object%s%s", label,
                       o ? "" : ": ", o ? "" : je.text);
        goto out;
    }
    size_t pl = strlen(component);
    const char *key;
    json_t *v;
    if (!(sub = json_object()))
        goto nomem;
    json_object_foreach(o, key, v)
    {
        if (strncmp(key, component, pl) == 0 && key[pl] == '.' && key[pl + 1] &&
            json_object_set(sub, key + pl + 1, v) != 0)
            goto nomem;
    }
    if (json_object_size(sub) == 0)
        goto out;
    if (!(text = json_dumps(sub, JSON_PRESERVE_ORDER)) ||
        !(where = longsd__asprintf("%s (lora_adapter_metadata, %s.*)", label, component)))
        goto nomem;
    rc = sdpeft_parse(text, strlen(text), where, out, err);
    goto out;
nomem:
    rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
out:
    free(text);
    longsd__free(where);
    json_decref(sub);
    json_decref(o);
    return rc;
}

static const pattern *match(const pattern *p, size_t n, const char *module)
{
    for (size_t i = 0; i < n; i++)
        if (regexec(&p[i].re, module, 0, NULL, 0) == 0)
            return &p[i];
    return NULL;
}

longsd_status sdpeft_scale(const sdpeft *c, const char *module, int rank, const char *tensor, float *scale,
                           lserr *err)
{
    const pattern *pr = match(c->rank, c->n_rank, module), *pa = match(c->alpha_p, c->n_alpha, module);
    int r = pr ? (int)pr->value : c->r;
    double alpha = pa ? pa->value : c->alpha;
    if (r != rank)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: %s%s%s gives module '%s' rank %d but its tensor '%s' has rank %d: the config is not "
                         "this adapter's", c->label, pr ? "field \"rank_pattern\", pattern \"" : "field \"r\"",
                         pr ? pr->text : "", pr ? "\"," : "", module, r, tensor, rank);
    double sc = c->rslora ? alpha / sqrt((double)r) : alpha / (double)r;
    if (!(fabs(sc) < 1e30))
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: field \"%s\" makes module '%s' a scale of %g", c->label,
                         pa ? "alpha_pattern" : "lora_alpha", module, sc);
    *scale = (float)sc;
    return LONGSD_OK;
}
