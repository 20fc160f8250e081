/* test_png.c - PNG decode/encode, the blank-image check, the "parameters"
 * text chunk (tEXt and iTXt, replacing one the server wrote), base64. */
#include <stdint.h>

#include "base64.h"
#include "docx.h"
#include "png_write.h"
#include "t.h"

static uint8_t *gradient(int w, int h)
{
    uint8_t *rgb = malloc((size_t)w * h * 3);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = rgb + ((size_t)y * w + x) * 3;
            p[0] = (uint8_t)(x * 255 / (w - 1));
            p[1] = (uint8_t)(y * 255 / (h - 1));
            p[2] = 77;
        }
    return rgb;
}

TEST(encode_decode_roundtrip)
{
    uint8_t *rgb = gradient(64, 40), *png = NULL, *back = NULL;
    size_t n = 0;
    int w = 0, h = 0, is_png = 0;
    REQUIRE(ls_png_encode_rgb(rgb, 64, 40, &png, &n, NULL) == LONGSD_OK);
    CHECK(ls_image_dims(png, n, &w, &h, &is_png) == 0);
    CHECK_INT(w, 64);
    CHECK_INT(h, 40);
    CHECK(is_png);
    REQUIRE(ls_png_decode_rgb(png, n, &back, &w, &h, NULL) == LONGSD_OK);
    CHECK(memcmp(back, rgb, 64 * 40 * 3) == 0);
    CHECK_INT(ls_png_is_blank(png, n, NULL), 0);
    longsd__free(png);
    longsd__free(back);
    free(rgb);
}

TEST(blank_detection)
{
    uint8_t *rgb = calloc(32 * 32 * 3, 1), *png = NULL;
    size_t n;
    REQUIRE(ls_png_encode_rgb(rgb, 32, 32, &png, &n, NULL) == LONGSD_OK);
    CHECK_INT(ls_png_is_blank(png, n, NULL), 1); /* all black */
    longsd__free(png);
    for (int i = 0; i < 32 * 32 * 3; i++) /* near-uniform grey with a little noise */
        rgb[i] = (uint8_t)(128 + (i * 7919 % 3) - 1);
    REQUIRE(ls_png_encode_rgb(rgb, 32, 32, &png, &n, NULL) == LONGSD_OK);
    CHECK_INT(ls_png_is_blank(png, n, NULL), 1);
    longsd__free(png);
    free(rgb);
    lserr err;
    CHECK_INT(ls_png_is_blank((const uint8_t *)"not a png at all", 16, &err), -1);
    CHECK_INT(err.code, LONGSD_ERR_IMAGE);
}

TEST(text_chunk_latin1_and_utf8)
{
    uint8_t *rgb = gradient(16, 16), *png = NULL, *out = NULL, *out2 = NULL;
    size_t n, on, on2;
    REQUIRE(ls_png_encode_rgb(rgb, 16, 16, &png, &n, NULL) == LONGSD_OK);
    const char *v1 = "a caf\xc3\xa9 at dusk\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, "
                     "Seed: 42, Size: 16x16";
    REQUIRE(ls_png_set_text(png, n, "parameters", v1, &out, &on, NULL) == LONGSD_OK);
    char *got = ls_png_get_text(out, on, "parameters");
    CHECK_STR(got, v1);
    CHECK(memmem(out, on, "tEXtparameters", 14) != NULL); /* Latin-1 fits: tEXt */
    longsd__free(got);
    /* replacing: the old chunk goes, the new one (needs UTF-8: iTXt) stays */
    const char *v2 = "\xe5\xaf\xba\xe9\x99\xa2 temple, Seed: 7";
    REQUIRE(ls_png_set_text(out, on, "parameters", v2, &out2, &on2, NULL) == LONGSD_OK);
    got = ls_png_get_text(out2, on2, "parameters");
    CHECK_STR(got, v2);
    CHECK(memmem(out2, on2, "tEXtparameters", 14) == NULL);
    CHECK(memmem(out2, on2, "iTXtparameters", 14) != NULL);
    longsd__free(got);
    /* still a valid PNG with the same pixels */
    uint8_t *back = NULL;
    int w, h;
    REQUIRE(ls_png_decode_rgb(out2, on2, &back, &w, &h, NULL) == LONGSD_OK);
    CHECK(memcmp(back, rgb, 16 * 16 * 3) == 0);
    int iw, ih, ip;
    CHECK(ls_image_dims(out2, on2, &iw, &ih, &ip) == 0);
    longsd__free(back);
    longsd__free(png);
    longsd__free(out);
    longsd__free(out2);
    free(rgb);
}

TEST(text_chunk_refuses_broken_png)
{
    uint8_t *rgb = gradient(8, 8), *png = NULL, *out = NULL;
    size_t n, on;
    REQUIRE(ls_png_encode_rgb(rgb, 8, 8, &png, &n, NULL) == LONGSD_OK);
    lserr err;
    CHECK_INT(ls_png_set_text(png, n - 12, "parameters", "x", &out, &on, &err), LONGSD_ERR_IMAGE); /* no IEND */
    CHECK(out == NULL);
    png[8 + 3] = 0xff; /* IHDR length out of bounds */
    CHECK_INT(ls_png_set_text(png, n, "parameters", "x", &out, &on, &err), LONGSD_ERR_IMAGE);
    CHECK(ls_png_get_text(png, n, "parameters") == NULL);
    longsd__free(png);
    free(rgb);
}

TEST(crc32_known_value)
{
    CHECK(ls_crc32(0, "IEND", 4) == 0xae426082u);
    CHECK(ls_crc32(0, "123456789", 9) == 0xcbf43926u);
}

TEST(base64_roundtrip_and_strictness)
{
    const char *s = "any carnal pleas";
    for (size_t len = 0; len <= strlen(s); len++) {
        char *e = ls_base64_encode(s, len);
        uint8_t *d = NULL;
        size_t dn = 0;
        REQUIRE(e);
        CHECK(ls_base64_decode(e, strlen(e), 0, &d, &dn, NULL) == LONGSD_OK);
        CHECK_INT(dn, len);
        CHECK(len == 0 || memcmp(d, s, len) == 0);
        longsd__free(d);
        longsd__free(e);
    }
    uint8_t *d = NULL;
    size_t dn;
    CHECK(ls_base64_decode("aGVs\nbG8=", 9, 0, &d, &dn, NULL) == LONGSD_OK);
    CHECK(dn == 5 && memcmp(d, "hello", 5) == 0);
    longsd__free(d);
    CHECK(ls_base64_decode("data:image/png;base64,aGk=", 26, 0, &d, &dn, NULL) == LONGSD_OK);
    CHECK(dn == 2 && memcmp(d, "hi", 2) == 0);
    longsd__free(d);
    lserr err;
    CHECK_INT(ls_base64_decode("!!!! not base64", 15, 0, &d, &dn, &err), LONGSD_ERR_BACKEND);
    CHECK(d == NULL);
    CHECK_INT(ls_base64_decode("aGk=aGk=", 8, 0, &d, &dn, &err), LONGSD_ERR_BACKEND); /* data after padding */
    CHECK_INT(ls_base64_decode("a", 1, 0, &d, &dn, &err), LONGSD_ERR_BACKEND);
    CHECK_INT(ls_base64_decode("aGVsbG8gd29ybGQ=", 16, 4, &d, &dn, &err), LONGSD_ERR_TOO_BIG);
}

RUN_TESTS(encode_decode_roundtrip, blank_detection, text_chunk_latin1_and_utf8, text_chunk_refuses_broken_png,
          crc32_known_value, base64_roundtrip_and_strictness)
