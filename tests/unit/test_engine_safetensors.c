/* test_engine_safetensors.c - the safetensors reader: valid files of every
 * float dtype, and each malformation rejected with its exact message. */
#include <stdint.h>

#include "safetensors.h"
#include "t.h"

/* A file image: 8-byte length, header (padded to 8 with spaces), data. */
static unsigned char *mk(const char *hdr, const void *data, size_t n, size_t *len)
{
    size_t h = strlen(hdr), hp = (h + 7) / 8 * 8;
    unsigned char *p = calloc(1, 8 + hp + n + 1);
    REQUIRE(p);
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)((uint64_t)hp >> (8 * i));
    memcpy(p + 8, hdr, h);
    memset(p + 8 + h, ' ', hp - h);
    if (n)
        memcpy(p + 8 + hp, data, n);
    *len = 8 + hp + n;
    return p;
}

/* Parse hdr+data and return the error message ("" when it parsed). */
static const char *parse_msg(const char *hdr, const void *data, size_t n)
{
    static lserr err;
    size_t len;
    unsigned char *p = mk(hdr, data, n, &len);
    sdst_file *f = NULL;
    memset(&err, 0, sizeof err);
    longsd_status rc = sdst_open_mem(p, len, "m.safetensors", &f, &err);
    sdst_close(f);
    free(p);
    if (rc == LONGSD_OK)
        return "";
    CHECK_INT(rc, LONGSD_ERR_MODEL);
    return err.msg;
}

TEST(reads_f32_f16_bf16)
{
    unsigned char data[16 + 4 + 4];
    float v[4] = {1.0f, -2.5f, 3.0f, 0.125f};
    memcpy(data, v, 16);
    const unsigned char h[4] = {0x00, 0x3c, 0x01, 0x00}; /* 1.0, smallest subnormal */
    const unsigned char b[4] = {0x80, 0x3f, 0x20, 0xc1}; /* 1.0, -10.0 */
    memcpy(data + 16, h, 4);
    memcpy(data + 20, b, 4);
    size_t len;
    unsigned char *p = mk("{\"__metadata__\":{\"format\":\"pt\"},"
                          "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                          "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[16,20]},"
                          "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[20,24]}}",
                          data, sizeof data, &len);
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdst_open_mem(p, len, "x", &f, &err) == LONGSD_OK);
    CHECK_INT(sdst_count(f), 3);
    CHECK_STR(sdst_meta(f, "format"), "pt");
    const sdst_tensor *t = NULL;
    REQUIRE(sdst_get(f, "w", 2, (const int64_t[]){2, 2}, &t, &err) == LONGSD_OK);
    float out[4];
    REQUIRE(sdst_to_f32(f, t, out, 4, &err) == LONGSD_OK);
    CHECK(memcmp(out, v, 16) == 0);
    REQUIRE(sdst_get(f, "h", 1, (const int64_t[]){2}, &t, &err) == LONGSD_OK);
    REQUIRE(sdst_to_f32(f, t, out, 2, &err) == LONGSD_OK);
    CHECK(out[0] == 1.0f);
    CHECK(out[1] == 0x1p-24f);
    REQUIRE(sdst_get(f, "b", -1, NULL, &t, &err) == LONGSD_OK);
    REQUIRE(sdst_to_f32(f, t, out, 2, &err) == LONGSD_OK);
    CHECK(out[0] == 1.0f && out[1] == -10.0f);
    CHECK(sdst_to_f32(f, t, out, 3, &err) == LONGSD_ERR_PARAM);
    sdst_close(f);
    free(p);
}

TEST(f16_special_values)
{
    CHECK(sdst_f16_to_f32(0x7bff) == 65504.0f);
    CHECK(sdst_f16_to_f32(0xc000) == -2.0f);
    CHECK(sdst_f16_to_f32(0x8000) == 0.0f);
    CHECK(sdst_f16_to_f32(0x7c00) > 1e38f);
    CHECK(sdst_f16_to_f32(0x0200) == 0x1p-15f);
    float nan = sdst_f16_to_f32(0x7e00);
    CHECK(nan != nan);
}

TEST(integer_dtypes_parse_but_do_not_convert)
{
    unsigned char data[11] = {0};
    size_t len;
    unsigned char *p = mk("{\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                          "\"u\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[8,11]}}",
                          data, sizeof data, &len);
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdst_open_mem(p, len, "ids.safetensors", &f, &err) == LONGSD_OK);
    const sdst_tensor *t = sdst_find(f, "i");
    REQUIRE(t && t->dtype == SDST_I64 && t->numel == 1);
    float x;
    CHECK_INT(sdst_to_f32(f, t, &x, 1, &err), LONGSD_ERR_UNSUPPORTED);
    CHECK_STR(err.msg, "ids.safetensors: tensor 'i': dtype I64 cannot be read as floats");
    sdst_close(f);
    free(p);
}

TEST(scalar_and_empty_tensors)
{
    CHECK_STR(parse_msg("{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                        "\"z\":{\"dtype\":\"F16\",\"shape\":[0,7],\"data_offsets\":[4,4]}}",
                        "abcd", 4),
              "");
}

TEST(truncated)
{
    static const unsigned char p[3] = {1, 0, 0};
    sdst_file *f = NULL;
    lserr err = {0};
    CHECK_INT(sdst_open_mem(p, 3, "t.safetensors", &f, &err), LONGSD_ERR_MODEL);
    CHECK_STR(err.msg, "t.safetensors: truncated: 3 bytes, too short for the 8-byte header length");
    CHECK(f == NULL);
}

TEST(bad_header_length)
{
    unsigned char p[16] = {0xe8, 0x03, 0, 0, 0, 0, 0, 0, '{', '}'};
    sdst_file *f = NULL;
    lserr err = {0};
    CHECK_INT(sdst_open_mem(p, 10, "h.safetensors", &f, &err), LONGSD_ERR_MODEL);
    CHECK_STR(err.msg, "h.safetensors: truncated: header length 1000 runs past the end of the file (10 bytes)");
    p[3] = 0x10; /* 256 MiB + ... */
    CHECK_INT(sdst_open_mem(p, 10, "h.safetensors", &f, &err), LONGSD_ERR_MODEL);
    CHECK_STR(err.msg, "h.safetensors: header length 268436456 is over the limit of 104857600 bytes");
}

TEST(invalid_json)
{
    CHECK_CONTAINS(parse_msg("{\"a\": {", "", 0), "m.safetensors: header is not valid JSON: ");
    CHECK_STR(parse_msg("[1, 2]", "", 0), "m.safetensors: header is not a JSON object");
    CHECK_CONTAINS(parse_msg("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                             "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                             "12345678", 8),
                   "duplicate object key");
    CHECK_STR(parse_msg("{\"__metadata__\":{\"n\":1}}", "", 0),
              "m.safetensors: __metadata__ value 'n' is not a string");
}

TEST(offsets_past_end)
{
    CHECK_STR(parse_msg("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "12345678", 8),
              "m.safetensors: tensor 'w': data_offsets [0, 16] run past the end of the data (8 bytes)");
    CHECK_STR(parse_msg("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", "12345678", 8),
              "m.safetensors: tensor 'w': data_offsets [8, 4] end before they begin");
    CHECK_STR(parse_msg("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "1234", 4),
              "m.safetensors: tensor 'w': data_offsets must be two non-negative integers [begin, end]");
}

TEST(wrong_shape_or_size)
{
    CHECK_STR(parse_msg("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "12345678", 8),
              "m.safetensors: tensor 'w': shape [3] of F32 needs 12 bytes but data_offsets span 8");
    CHECK_STR(parse_msg("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,16],\"data_offsets\":[0,8]}}",
                        "12345678", 8),
              "m.safetensors: tensor 'w': shape [4294967296, 4294967296, 16] is larger than the whole file");
    CHECK_STR(parse_msg("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "12345678", 8),
              "m.safetensors: tensor 'w': shape entry 0 is not a non-negative integer");
    CHECK_STR(parse_msg("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", "12345678", 8),
              "m.safetensors: tensor 'w': missing or non-array shape");
    CHECK_STR(parse_msg("{\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,2],\"data_offsets\":[0,8]}}",
                        "12345678", 8),
              "m.safetensors: tensor 'w': 9 dimensions, at most 8 supported");
}

TEST(overlap_and_gaps)
{
    CHECK_STR(parse_msg("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                        "123456789012", 12),
              "m.safetensors: tensors 'a' and 'b' overlap (bytes 4..8)");
    CHECK_STR(parse_msg("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                        "123456789012", 12),
              "m.safetensors: tensor 'b': bytes 4..8 before it belong to no tensor");
    CHECK_STR(parse_msg("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "12345678", 8),
              "m.safetensors: 4 bytes after the last tensor belong to no tensor");
}

TEST(unknown_dtype)
{
    CHECK_STR(parse_msg("{\"q\":{\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,2]}}", "12", 2),
              "m.safetensors: tensor 'q': unknown dtype 'Q4_K'");
    CHECK_STR(parse_msg("{\"q\":{\"shape\":[2],\"data_offsets\":[0,2]}}", "12", 2),
              "m.safetensors: tensor 'q': missing or non-string dtype");
    CHECK_STR(parse_msg("{\"q\":[1]}", "", 0), "m.safetensors: tensor 'q': header entry is not an object");
}

TEST(missing_tensor_and_wrong_shape_lookup)
{
    size_t len;
    unsigned char *p = mk("{\"w\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}}", "12345678", 8, &len);
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdst_open_mem(p, len, "model.safetensors", &f, &err) == LONGSD_OK);
    const sdst_tensor *t = (const sdst_tensor *)1;
    CHECK_INT(sdst_get(f, "conv_in.weight", -1, NULL, &t, &err), LONGSD_ERR_MODEL);
    CHECK_STR(err.msg, "model.safetensors: no tensor 'conv_in.weight'");
    CHECK(t == NULL);
    CHECK_INT(sdst_get(f, "w", 2, (const int64_t[]){2, 1}, &t, &err), LONGSD_ERR_MODEL);
    CHECK_STR(err.msg, "model.safetensors: tensor 'w' has shape [1, 2], expected [2, 1]");
    sdst_close(f);
    free(p);
}

TEST(open_file_mmap)
{
    const char *dir = t_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/a.safetensors", dir);
    size_t len;
    float v[2] = {0.5f, 7.0f};
    unsigned char *p = mk("{\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", v, 8, &len);
    t_write(path, p, len);
    free(p);
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdst_open(path, &f, &err) == LONGSD_OK);
    const sdst_tensor *t = sdst_find(f, "v");
    REQUIRE(t);
    const float *view = sdst_f32_view(t);
    REQUIRE(view);
    CHECK(view[0] == 0.5f && view[1] == 7.0f);
    sdst_close(f);
    snprintf(path, sizeof path, "%s/empty.safetensors", dir);
    t_write(path, "", 0);
    CHECK_INT(sdst_open(path, &f, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "empty.safetensors: truncated: 0 bytes");
    snprintf(path, sizeof path, "%s/nope.safetensors", dir);
    CHECK_INT(sdst_open(path, &f, &err), LONGSD_ERR_NOT_FOUND);
    CHECK_CONTAINS(err.msg, "nope.safetensors: cannot open: ");
    sdst_close(NULL);
}

TEST(alloc_failures_do_not_leak)
{
    size_t len;
    unsigned char *p = mk("{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                          "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                          "12345678", 8, &len);
    for (long k = 0; k < 20; k++) {
        sdst_file *f = NULL;
        lserr err = {0};
        longsd__alloc_fail_after = k;
        longsd_status rc = sdst_open_mem(p, len, "x", &f, &err);
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM);
        sdst_close(f);
    }
    free(p);
}

/* Rss in kB of the mapping that holds p (/proc/self/smaps), -1 if none. */
static long mapping_rss_kb(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char ln[512];
    int in = 0;
    long kb = -1;
    while (f && fgets(ln, sizeof ln, f)) {
        unsigned long lo, hi;
        if (sscanf(ln, "%lx-%lx ", &lo, &hi) == 2 && strchr(ln, '-') < strchr(ln, ' '))
            in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
        else if (in && sscanf(ln, "Rss: %ld", &kb) == 1)
            break;
    }
    if (f)
        fclose(f);
    return kb;
}

/* sdst_release drops the pages from the process, and reading the tensors
 * again gives the same bytes (they fault back in from the file). */
TEST(release_drops_pages_and_data_stays)
{
    const char *path = "tests/engine/tiny-sd/unet/diffusion_pytorch_model.safetensors";
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdst_open(path, &f, &err) == LONGSD_OK);
    size_t total = 0, n = sdst_count(f);
    uint64_t sum0 = 0, sum1 = 0;
    for (size_t i = 0; i < n; i++) {
        const sdst_tensor *t = sdst_at(f, i);
        for (uint64_t k = 0; k < t->end - t->begin; k++)
            sum0 = sum0 * 31 + t->data[k];
        total += t->end - t->begin;
    }
    const void *any = sdst_at(f, n / 2)->data;
    long before = mapping_rss_kb(any);
    CHECK(before > 256); /* the file is 419 kB, all read */
    CHECK(sdst_release(f, "no.such.prefix.") == 0);
    CHECK(sdst_release(f, NULL) == total);
    long after = mapping_rss_kb(any);
    printf("  mapping RSS %ld kB, after release %ld kB\n", before, after);
    /* what stays is the header (about 20 kB of JSON) and the pages at its edge */
    CHECK(after >= 0 && after <= before - (long)(total / 1024) + 8);
    for (size_t i = 0; i < n; i++) {
        const sdst_tensor *t = sdst_at(f, i);
        for (uint64_t k = 0; k < t->end - t->begin; k++)
            sum1 = sum1 * 31 + t->data[k];
    }
    CHECK(sum0 == sum1);
    sdst_close(f);
    /* a borrowed buffer is the caller's: left alone */
    static unsigned char mem[128];
    const char hdr[] = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    uint64_t hl = sizeof hdr - 1;
    for (int b = 0; b < 8; b++)
        mem[b] = (unsigned char)(hl >> (8 * b));
    memcpy(mem + 8, hdr, hl);
    memset(mem + 8 + hl, 7, 8);
    REQUIRE(sdst_open_mem(mem, 8 + hl + 8, "mem", &f, &err) == LONGSD_OK);
    CHECK(sdst_release(f, NULL) == 0);
    CHECK(mem[8 + hl] == 7);
    sdst_close(f);
}

RUN_TESTS(reads_f32_f16_bf16, f16_special_values, integer_dtypes_parse_but_do_not_convert, scalar_and_empty_tensors,
          truncated, bad_header_length, invalid_json, offsets_past_end, wrong_shape_or_size, overlap_and_gaps,
          unknown_dtype, missing_tensor_and_wrong_shape_lookup, open_file_mmap, alloc_failures_do_not_leak,
          release_drops_pages_and_data_stays)
