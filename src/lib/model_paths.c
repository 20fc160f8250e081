/* model_paths.c - ComfyUI's extra_model_paths.yaml through libyaml's document
 * loader (see model_paths.h). Aliases resolve to shared nodes, and the walk
 * is two levels deep, so a YAML "billion laughs" costs nothing here. */
#include "model_paths.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct {
    ls_model_path *v;
    size_t n, alloc;
} paths;

static longsd_status at(lserr *err, longsd_status code, const char *label, const yaml_node_t *node, const char *what)
{
    return lserr_set(err, code, "%s:%zu:%zu: %s", label, node ? node->start_mark.line + 1 : 0,
                     node ? node->start_mark.column + 1 : 0, what);
}

/* ~ at the start and $VAR / ${VAR} anywhere, like os.path.expanduser and
 * expandvars (an unset variable stays as written). */
static char *expand(const char *s, size_t n)
{
    lsbuf b;
    lsbuf_init(&b, 65536);
    size_t i = 0;
    if (n && s[0] == '~' && (n == 1 || s[1] == '/')) {
        const char *home = getenv("HOME");
        lsbuf_adds(&b, home && *home ? home : "~");
        i = 1;
    }
    for (; i < n; i++) {
        if (s[i] == '$' && i + 1 < n) {
            size_t j = i + 1, k;
            int brace = s[j] == '{';
            j += brace;
            for (k = j; k < n && (s[k] == '_' || (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= 'a' && s[k] <= 'z') ||
                                  (s[k] >= '0' && s[k] <= '9'));
                 k++)
                ;
            if (k > j && (!brace || (k < n && s[k] == '}'))) {
                char name[128];
                if (k - j < sizeof name) {
                    memcpy(name, s + j, k - j);
                    name[k - j] = '\0';
                    const char *v = getenv(name);
                    if (v) {
                        lsbuf_adds(&b, v);
                        i = k + brace - 1;
                        continue;
                    }
                }
            }
        }
        lsbuf_addc(&b, s[i]);
    }
    if (b.len == 0)
        lsbuf_addc(&b, '\0'); /* an empty result still gets a buffer */
    return lsbuf_steal(&b);
}

static longsd_status add(paths *p, const char *kind, const char *base, const char *line, size_t n, lserr *err)
{
    while (n && (*line == ' ' || *line == '\t'))
        line++, n--;
    while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
        n--;
    if (!n)
        return LONGSD_OK;
    if (p->n >= LS_MODEL_PATHS_MAX)
        return lserr_set(err, LONGSD_ERR_TOO_BIG, "more than %d model folders", LS_MODEL_PATHS_MAX);
    if (p->n == p->alloc) {
        size_t na = p->alloc ? p->alloc * 2 : 16;
        ls_model_path *nv = longsd__realloc(p->v, na * sizeof *nv);
        if (!nv)
            return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        p->v = nv;
        p->alloc = na;
    }
    char *e = expand(line, n), *dir = NULL, *k = longsd__strdup(kind);
    if (e && k)
        dir = (e[0] == '/' || !base || !*base) ? longsd__strdup(e) : longsd__asprintf("%s/%s", base, e);
    longsd__free(e);
    if (!dir || !k) {
        longsd__free(dir);
        longsd__free(k);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    p->v[p->n].kind = k;
    p->v[p->n].dir = dir;
    p->n++;
    return LONGSD_OK;
}

static int key_is(const yaml_node_t *k, const char *s)
{
    return k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(s) &&
           memcmp(k->data.scalar.value, s, k->data.scalar.length) == 0;
}

static int safe_scalar(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE && !memchr(n->data.scalar.value, '\0', n->data.scalar.length);
}

static longsd_status section(yaml_document_t *doc, yaml_node_t *sec, const char *label, const char *yaml_dir,
                             paths *p, lserr *err)
{
    if (sec->type == YAML_SCALAR_NODE && sec->data.scalar.length == 0)
        return LONGSD_OK; /* "name:" with nothing under it */
    if (sec->type != YAML_MAPPING_NODE)
        return at(err, LONGSD_ERR_INPUT, label, sec, "a section must be a mapping of KIND: folders");
    char *base = NULL;
    longsd_status rc = LONGSD_OK;
    yaml_node_pair_t *pr;
    for (pr = sec->data.mapping.pairs.start; pr < sec->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        if (k && v && key_is(k, "base_path")) {
            if (!safe_scalar(v))
                return at(err, LONGSD_ERR_INPUT, label, v, "base_path must be a folder name");
            char *e = expand((const char *)v->data.scalar.value, v->data.scalar.length);
            longsd__free(base);
            base = e && e[0] != '/' && yaml_dir && *yaml_dir ? longsd__asprintf("%s/%s", yaml_dir, e) : longsd__strdup(e ? e : "");
            longsd__free(e);
            if (!base)
                return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        }
    }
    if (!base && yaml_dir && !(base = longsd__strdup(yaml_dir)))
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    for (pr = sec->data.mapping.pairs.start; pr < sec->data.mapping.pairs.top && !rc; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        if (!k || !v)
            continue;
        if (!safe_scalar(k) || k->data.scalar.length == 0 || k->data.scalar.length > 64) {
            rc = at(err, LONGSD_ERR_INPUT, label, k, "a key must be a short name (checkpoints, vae, loras, ...)");
            break;
        }
        if (key_is(k, "base_path") || key_is(k, "is_default"))
            continue;
        char kind[65];
        memcpy(kind, k->data.scalar.value, k->data.scalar.length);
        kind[k->data.scalar.length] = '\0';
        if (safe_scalar(v)) {
            const char *s = (const char *)v->data.scalar.value, *end = s + v->data.scalar.length;
            while (s < end && !rc) { /* one folder per line, as ComfyUI splits them */
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
                rc = add(p, kind, base, s, len, err);
                s += len + 1;
            }
        } else if (v->type == YAML_SEQUENCE_NODE) {
            for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top && !rc; it++) {
                yaml_node_t *e = yaml_document_get_node(doc, *it);
                if (!e || !safe_scalar(e))
                    rc = at(err, LONGSD_ERR_INPUT, label, e ? e : v, "a list of folders holds only names");
                else
                    rc = add(p, kind, base, (const char *)e->data.scalar.value, e->data.scalar.length, err);
            }
        } else {
            rc = at(err, LONGSD_ERR_INPUT, label, v, "expected folder names (one per line) or a list of them");
        }
    }
    longsd__free(base);
    return rc;
}

void ls_model_paths_free(ls_model_path *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        longsd__free(v[i].kind);
        longsd__free(v[i].dir);
    }
    longsd__free(v);
}

longsd_status ls_model_paths_parse(const char *yaml, size_t n, const char *label, const char *base_dir,
                                   ls_model_path **out, size_t *n_out, lserr *err)
{
    *out = NULL;
    *n_out = 0;
    if (n > LS_MODEL_PATHS_MAX_FILE)
        return lserr_set(err, LONGSD_ERR_TOO_BIG, "%s: %zu bytes, over the %u-byte cap", label, n,
                         LS_MODEL_PATHS_MAX_FILE);
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, n);
    paths p = {0};
    longsd_status rc = LONGSD_OK;
    if (!yaml_parser_load(&parser, &doc)) {
        rc = lserr_set(err, LONGSD_ERR_INPUT, "%s:%zu:%zu: not YAML: %s", label, parser.problem_mark.line + 1,
                       parser.problem_mark.column + 1, parser.problem ? parser.problem : "parse error");
        yaml_parser_delete(&parser);
        return rc;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top && !rc; pr++) {
            yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
            if (v)
                rc = section(&doc, v, label, base_dir, &p, err);
        }
    } else if (root && !(root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)) {
        rc = at(err, LONGSD_ERR_INPUT, label, root, "expected sections such as \"comfyui:\" or \"a111:\"");
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc) {
        ls_model_paths_free(p.v, p.n);
        return rc;
    }
    *out = p.v;
    *n_out = p.n;
    return LONGSD_OK;
}

longsd_status ls_model_paths_load(const char *path, ls_model_path **out, size_t *n_out, lserr *err)
{
    *out = NULL;
    *n_out = 0;
    char *data = NULL;
    size_t n = 0;
    longsd_status rc = lsfile_read(path, LS_MODEL_PATHS_MAX_FILE, &data, &n, err);
    if (rc)
        return rc;
    const char *slash = strrchr(path, '/');
    char *dir = slash ? longsd__strndup(path, (size_t)(slash - path)) : longsd__strdup(".");
    rc = dir ? ls_model_paths_parse(data, n, path, dir, out, n_out, err)
             : lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    longsd__free(dir);
    longsd__free(data);
    return rc;
}
