/* lora_hash.c - A1111's short LoRA hash and its "Lora hashes" field (see
 * lora_hash.h). The file is validated by the engine's safetensors reader
 * first (the same checks every LoRA gets, fuzzed in fuzz_safetensors), so
 * the header length read here is one it accepted; then the tensor data
 * is hashed in 1 MiB reads, once per file (the caller keeps the result). */
#include "lora_hash.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "safetensors.h"

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
            return 0;
    return 1;
}

longsd_status ls_lora_shorthash(const char *path, char out[LS_LORA_SHORTHASH + 1], lserr *err)
{
    out[0] = '\0';
    size_t n = strlen(path);
    struct stat st;
    if (n < 12 || strcmp(path + n - 12, ".safetensors") != 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: not a .safetensors file: no A1111 hash", path);
    sdst_file *f = NULL;
    longsd_status rc = sdst_open(path, &f, err);
    if (rc)
        return rc;
    /* a hash the trainer stored (kohya's sd-scripts), as A1111 prefers it */
    const char *sshs = sdst_meta(f, "sshs_model_hash");
    if (sshs && strlen(sshs) >= LS_LORA_SHORTHASH && is_hex(sshs, LS_LORA_SHORTHASH)) {
        for (int i = 0; i < LS_LORA_SHORTHASH; i++)
            out[i] = (char)(sshs[i] >= 'A' && sshs[i] <= 'F' ? sshs[i] - 'A' + 'a' : sshs[i]);
        out[LS_LORA_SHORTHASH] = '\0';
        sdst_close(f);
        return LONGSD_OK;
    }
    sdst_close(f);
    FILE *fp = fopen(path, "rb");
    unsigned char head[8], buf[1 << 16];
    if (!fp)
        return lserr_set(err, LONGSD_ERR_IO, "%s: cannot open to hash it", path);
    if (fread(head, 1, 8, fp) != 8) {
        fclose(fp);
        return lserr_set(err, LONGSD_ERR_IO, "%s: cannot read its header length", path);
    }
    uint64_t hl = 0;
    for (int i = 7; i >= 0; i--)
        hl = hl << 8 | head[i];
    if (hl > (uint64_t)st.st_size - 8 || fseeko(fp, (off_t)(8 + hl), SEEK_SET) != 0) {
        fclose(fp);
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: header length %llu is past the end of the file", path,
                         (unsigned long long)hl);
    }
    lssha256 h;
    lssha256_init(&h);
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0)
        lssha256_update(&h, buf, got);
    int bad = ferror(fp);
    fclose(fp);
    if (bad)
        return lserr_set(err, LONGSD_ERR_IO, "%s: read error while hashing", path);
    uint8_t d[32];
    lssha256_final(&h, d);
    for (int i = 0; i < LS_LORA_SHORTHASH / 2; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    return LONGSD_OK;
}

/* s as a JSON string body (A1111 quotes the value with json.dumps). */
static int json_body(lsbuf *b, const char *s)
{
    int rc = 0;
    for (; *s && !rc; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            rc = lsbuf_addc(b, '\\') || lsbuf_addc(b, (char)c);
        else if (c < 0x20)
            rc = lsbuf_printf(b, "\\u%04x", c) != LONGSD_OK;
        else
            rc = lsbuf_addc(b, (char)c) != LONGSD_OK;
    }
    return rc;
}

char *ls_lora_hashes_field(const char *const *names, const char *const *hashes, size_t n)
{
    lsbuf val, out;
    lsbuf_init(&val, 1 << 16);
    lsbuf_init(&out, 1 << 17);
    size_t said = 0;
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        if (!hashes[i] || !hashes[i][0])
            continue;
        int seen = 0; /* A1111 keys a dict by the name: once, the first */
        for (size_t k = 0; k < i && !seen; k++)
            seen = hashes[k] && hashes[k][0] && strcmp(names[k], names[i]) == 0;
        if (seen)
            continue;
        if (said++)
            bad |= lsbuf_adds(&val, ", ") != LONGSD_OK;
        for (const char *c = names[i]; *c && !bad; c++)
            if (*c != ':' && *c != ',')
                bad |= lsbuf_addc(&val, *c) != LONGSD_OK;
        bad |= lsbuf_printf(&val, ": %s", hashes[i]) != LONGSD_OK;
    }
    char *r = NULL;
    if (said && !bad && val.len) {
        bad = lsbuf_adds(&out, "Lora hashes: \"") || json_body(&out, val.data) || lsbuf_addc(&out, '"');
        if (!bad)
            r = lsbuf_steal(&out);
    }
    lsbuf_free(&val);
    lsbuf_free(&out);
    return r;
}
