/* test_docx.c - the OOXML writer, the XML escaper and image sniffing: a
 * document with hostile text, PNG and JPEG images of different aspect ratios
 * and a placeholder is written, reopened with libzip and checked part by
 * part; failed saves must leave the old file alone. With
 * LONGSD_DOCX_SAMPLE=path the docx_sample case also writes the sample
 * document there for tests/cli/test_docx_consumers.sh (python-docx, LibreOffice). */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <dirent.h>
#include <zip.h>

#include "docx.h"
#include "t.h"
#include "util.h"
#include "xml.h"

/* Tiny real JPEGs made with libjpeg: 16x8 baseline (SOF0) and 8x16
 * progressive (SOF2). */
static const unsigned char JPEG_BASE[] = {
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
    0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43,
    0x00, 0x08, 0x06, 0x06, 0x07, 0x06, 0x05, 0x08, 0x07, 0x07, 0x07, 0x09,
    0x09, 0x08, 0x0a, 0x0c, 0x14, 0x0d, 0x0c, 0x0b, 0x0b, 0x0c, 0x19, 0x12,
    0x13, 0x0f, 0x14, 0x1d, 0x1a, 0x1f, 0x1e, 0x1d, 0x1a, 0x1c, 0x1c, 0x20,
    0x24, 0x2e, 0x27, 0x20, 0x22, 0x2c, 0x23, 0x1c, 0x1c, 0x28, 0x37, 0x29,
    0x2c, 0x30, 0x31, 0x34, 0x34, 0x34, 0x1f, 0x27, 0x39, 0x3d, 0x38, 0x32,
    0x3c, 0x2e, 0x33, 0x34, 0x32, 0xff, 0xdb, 0x00, 0x43, 0x01, 0x09, 0x09,
    0x09, 0x0c, 0x0b, 0x0c, 0x18, 0x0d, 0x0d, 0x18, 0x32, 0x21, 0x1c, 0x21,
    0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32,
    0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32,
    0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32,
    0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32,
    0x32, 0x32, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x10, 0x03,
    0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xc4, 0x00,
    0x16, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x05, 0xff, 0xc4, 0x00,
    0x15, 0x10, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0xc4, 0x00, 0x14,
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0xff, 0xc4, 0x00, 0x16, 0x11, 0x01,
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0xff, 0xda, 0x00, 0x0c, 0x03, 0x01,
    0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00, 0xc3, 0x95, 0x64, 0x0c,
    0xe8, 0xf6, 0x9f, 0xff, 0xd9
};
static const unsigned char JPEG_PROG[] = {
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
    0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43,
    0x00, 0x08, 0x06, 0x06, 0x07, 0x06, 0x05, 0x08, 0x07, 0x07, 0x07, 0x09,
    0x09, 0x08, 0x0a, 0x0c, 0x14, 0x0d, 0x0c, 0x0b, 0x0b, 0x0c, 0x19, 0x12,
    0x13, 0x0f, 0x14, 0x1d, 0x1a, 0x1f, 0x1e, 0x1d, 0x1a, 0x1c, 0x1c, 0x20,
    0x24, 0x2e, 0x27, 0x20, 0x22, 0x2c, 0x23, 0x1c, 0x1c, 0x28, 0x37, 0x29,
    0x2c, 0x30, 0x31, 0x34, 0x34, 0x34, 0x1f, 0x27, 0x39, 0x3d, 0x38, 0x32,
    0x3c, 0x2e, 0x33, 0x34, 0x32, 0xff, 0xdb, 0x00, 0x43, 0x01, 0x09, 0x09,
    0x09, 0x0c, 0x0b, 0x0c, 0x18, 0x0d, 0x0d, 0x18, 0x32, 0x21, 0x1c, 0x21,
    0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32,
    0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32,
    0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32,
    0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32, 0x32,
    0x32, 0x32, 0xff, 0xc2, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x08, 0x03,
    0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xc4, 0x00,
    0x15, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xff, 0xc4, 0x00, 0x14,
    0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0xff, 0xda, 0x00, 0x0c, 0x03, 0x01,
    0x00, 0x02, 0x10, 0x03, 0x10, 0x00, 0x00, 0x01, 0x84, 0x32, 0x7f, 0xff,
    0xc4, 0x00, 0x14, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0xff, 0xda, 0x00,
    0x08, 0x01, 0x01, 0x00, 0x01, 0x05, 0x02, 0x3f, 0xff, 0xc4, 0x00, 0x14,
    0x11, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01, 0x03,
    0x01, 0x01, 0x3f, 0x01, 0x7f, 0xff, 0xc4, 0x00, 0x14, 0x11, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01, 0x02, 0x01, 0x01, 0x3f,
    0x01, 0x7f, 0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x06, 0x3f, 0x02, 0x3f, 0xff,
    0xc4, 0x00, 0x15, 0x10, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0xda,
    0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x3f, 0x21, 0x88, 0xff, 0xda, 0x00,
    0x0c, 0x03, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, 0x0b,
    0xff, 0xc4, 0x00, 0x15, 0x11, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff,
    0xda, 0x00, 0x08, 0x01, 0x03, 0x01, 0x01, 0x3f, 0x10, 0xaf, 0xff, 0xc4,
    0x00, 0x15, 0x11, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0xda, 0x00,
    0x08, 0x01, 0x02, 0x01, 0x01, 0x3f, 0x10, 0xaf, 0xff, 0xc4, 0x00, 0x14,
    0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01,
    0x00, 0x01, 0x3f, 0x10, 0x0f, 0xff, 0xd9
};

/* ---- helpers */

static void write_png(const char *path, int w, int h, unsigned char r, unsigned char g, unsigned char b)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGB;
    unsigned char *px = malloc((size_t)w * (size_t)h * 3);
    REQUIRE(px != NULL);
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
        px[3 * i] = r;
        px[3 * i + 1] = g;
        px[3 * i + 2] = b;
    }
    REQUIRE(png_image_write_to_file(&img, path, 0, px, 0, NULL));
    free(px);
    png_image_free(&img);
}

static char *tpath(const char *name)
{
    static char buf[8][512];
    static int k;
    char *p = buf[k++ & 7];
    snprintf(p, 512, "%s/%s", t_tmpdir(), name);
    return p;
}

/* The bytes of one zip entry, NUL-terminated (NULL if absent). */
static char *zip_slurp(zip_t *za, const char *name, size_t *len)
{
    zip_stat_t st;
    if (zip_stat(za, name, 0, &st) != 0)
        return NULL;
    zip_file_t *f = zip_fopen(za, name, 0);
    if (!f)
        return NULL;
    char *d = malloc((size_t)st.size + 1);
    REQUIRE(d != NULL);
    zip_int64_t got = zip_fread(f, d, st.size);
    zip_fclose(f);
    REQUIRE(got == (zip_int64_t)st.size);
    d[st.size] = '\0';
    if (len)
        *len = (size_t)st.size;
    return d;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, l = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)); p += l)
        n++;
    return n;
}

/* 1 if s is valid UTF-8 with nothing XML 1.0 forbids (checked here byte by
 * byte, independently of xml.c). */
static int xml_chars_ok(const char *s, size_t n)
{
    if (lsutf8_validate(s, n) != (size_t)-1)
        return 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
            return 0;
        if (i + 2 < n && p[i] == 0xEF && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF))
            return 0;
    }
    return 1;
}

static char *escape(const char *s, size_t n, int flags)
{
    lsbuf b;
    lsbuf_init(&b, 0);
    REQUIRE(ls_xml_escape(&b, s, n, flags) == LONGSD_OK);
    return lsbuf_steal(&b);
}

static int same_file(const char *path, const char *data, size_t n)
{
    size_t len = 0;
    char *d = t_slurp(path, &len);
    int same = d && len == n && memcmp(d, data, n) == 0;
    free(d);
    return same;
}

/* No "*.tmp.*" left in dir. */
static int no_temp_files(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    int ok = 1;
    while (dp && (e = readdir(dp)))
        if (strstr(e->d_name, ".tmp."))
            ok = 0;
    if (dp)
        closedir(dp);
    return ok;
}

/* The hostile paragraph and what must survive of it: the controls and the
 * invalid bytes go, everything else stays. */
#define HOSTILE "Tom & Huck <said> \"hi\" 'there' \x01\x0b|ok caf\xc3\xa9 \xf0\x9f\x98\x80 " \
                "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xe4\xbd\xa0\xe5\xa5\xbd \xff\xfe\xed\xa0\x80\xef\xbf\xbe end"
#define HOSTILE_XML "Tom &amp; Huck &lt;said&gt; &quot;hi&quot; &#39;there&#39; |ok caf\xc3\xa9 \xf0\x9f\x98\x80 " \
                    "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xe4\xbd\xa0\xe5\xa5\xbd  end"
#define ALT "A boy \"paints\" <the fence> & 'smiles'\nsecond line\x01"
#define ALT_XML "A boy &quot;paints&quot; &lt;the fence&gt; &amp; &#39;smiles&#39;&#10;second line"

/* Build the sample document into out; images are written into the case's
 * temporary folder. The file names are hostile on purpose: nothing of them
 * may reach the package. */
static void build_sample(const char *out)
{
    const char *png_wide = tpath("wide \"<&>\".png"), *png_tall = tpath("tall.png"), *jpg = tpath("small.jpg");
    write_png(png_wide, 768, 512, 0x30, 0x70, 0xC0);
    write_png(png_tall, 512, 768, 0xC0, 0x50, 0x30);
    t_write(jpg, JPEG_BASE, sizeof JPEG_BASE);

    ls_docx *d = ls_docx_new();
    REQUIRE(d != NULL);
    lserr err;
    lserr_clear(&err);
    ls_docx_set_meta(d, "The Fence & the <Cat>", "Mark Twain", "en");
    CHECK_INT(ls_docx_para(d, "Title", "The Fence & the <Cat>"), LONGSD_OK);
    CHECK_INT(ls_docx_para(d, "Heading1", "Chapter One"), LONGSD_OK);
    CHECK_INT(ls_docx_para(d, "Normal", HOSTILE), LONGSD_OK);
    CHECK_INT(ls_docx_para(d, "Heading2", "Scene 1: the fence"), LONGSD_OK);
    CHECK_INT(ls_docx_image(d, png_wide, 6.0, ALT, &err), LONGSD_OK);
    CHECK_INT(ls_docx_para(d, "Caption", "\xe2\x80\x9cWhitewashing\xe2\x80\x9d \xe2\x80\x94 a quote"), LONGSD_OK);
    CHECK_INT(ls_docx_para_labeled(d, "Prompt", "Prompt:", "a boy painting a fence, artstation"), LONGSD_OK);
    CHECK_INT(ls_docx_page_break(d), LONGSD_OK);
    CHECK_INT(ls_docx_para(d, "Heading2", "Scene 2: the cat"), LONGSD_OK);
    CHECK_INT(ls_docx_image(d, png_tall, 4.0, "a tall picture", &err), LONGSD_OK);
    CHECK_INT(ls_docx_para(d, "Placeholder", "Image not rendered yet"), LONGSD_OK);
    CHECK_INT(ls_docx_image(d, jpg, 2.0, "", &err), LONGSD_OK);
    CHECK_INT(ls_docx_para(d, NULL, "  two spaces each side  "), LONGSD_OK);
    CHECK_INT(ls_docx_para(d, "Normal", "line one\nline two\r\nline three\tand a tab"), LONGSD_OK);
    CHECK_INT(ls_docx_para(d, "Normal", "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xd8\xa8\xd8\xa7\xd9\x84\xd8\xb9\xd8\xa7\xd9\x84\xd9\x85"),
              LONGSD_OK);
    if (err.code)
        fprintf(stderr, "  %s\n", err.msg);
    CHECK_INT(ls_docx_save(d, out, &err), LONGSD_OK);
    if (err.code)
        fprintf(stderr, "  %s\n", err.msg);
    ls_docx_free(d);
}

/* ---- XML escaping */

TEST(xml_escapes_markup)
{
    char *s = escape("a & b < c > d \" e ' f", 21, LS_XML_TEXT);
    CHECK_STR(s, "a &amp; b &lt; c &gt; d &quot; e &#39; f");
    longsd__free(s);
    s = escape("t\tn\nr\r", 6, LS_XML_TEXT);
    CHECK_STR(s, "t\tn\nr&#13;");
    longsd__free(s);
    s = escape("t\tn\nr\r", 6, LS_XML_ATTR);
    CHECK_STR(s, "t&#9;n&#10;r&#13;");
    longsd__free(s);
    s = escape("", 0, LS_XML_TEXT);
    CHECK_STR(s, "");
    longsd__free(s);
    lsbuf b;
    lsbuf_init(&b, 0);
    CHECK_INT(ls_xml_escapes(&b, NULL, LS_XML_TEXT), LONGSD_OK);
    CHECK_INT(b.len, 0);
    lsbuf_free(&b);
}

TEST(xml_drops_forbidden_keeps_scripts)
{
    /* C0 controls, DEL, C1 (U+0085), U+FFFE, U+FFFF, an encoded surrogate,
     * an overlong '/', stray bytes and a cut-off sequence at the end go;
     * accents, CJK, Arabic and emoji stay byte for byte. */
    static const char in[] = "\x01" "a\x0b\x0c\x1f\x7f" "b\xc2\x85" "c\xef\xbf\xbe" "d\xef\xbf\xbf"
                             "e\xed\xa0\x80" "f\xc0\xaf" "g\xff\xfe\x80"
                             " caf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7"
                             " \xf0\x9f\x98\x80 \xef\xbb\xbf\xee\x80\x80\xf4\x8f\xbf\xbd\xe4\xbd";
    char *s = escape(in, sizeof in - 1, LS_XML_TEXT);
    CHECK_STR(s, "abcdefg caf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7"
                 " \xf0\x9f\x98\x80 \xef\xbb\xbf\xee\x80\x80\xf4\x8f\xbf\xbd");
    CHECK(xml_chars_ok(s, strlen(s)));
    longsd__free(s);
    /* An embedded NUL is a control like any other. */
    s = escape("x\0y", 3, LS_XML_TEXT);
    CHECK_STR(s, "xy");
    longsd__free(s);
    CHECK(ls_xml_char_ok(0x10FFFF));
    CHECK(!ls_xml_char_ok(0x110000));
    CHECK(!ls_xml_char_ok(0xD800));
    CHECK(ls_xml_char_ok(0xFFFD));
}

TEST(xml_escape_caps_and_nomem)
{
    lsbuf b;
    lsbuf_init(&b, 8);
    CHECK_INT(ls_xml_escapes(&b, "&&", LS_XML_TEXT), LONGSD_ERR_TOO_BIG);
    lsbuf_free(&b);
    lsbuf_init(&b, 0);
    longsd__alloc_fail_after = 0;
    CHECK_INT(ls_xml_escapes(&b, "hello", LS_XML_TEXT), LONGSD_ERR_NOMEM);
    longsd__alloc_fail_after = -1;
    lsbuf_free(&b);
}

/* ---- image sniffing */

static unsigned char *png_bytes(int w, int h, size_t *n)
{
    const char *p = tpath("dims.png");
    write_png(p, w, h, 1, 2, 3);
    unsigned char *d = (unsigned char *)t_slurp(p, n);
    REQUIRE(d != NULL);
    return d;
}

/* Patch IHDR's width/height and fix its CRC, as a hostile server would. */
static void png_patch_dims(unsigned char *d, uint32_t w, uint32_t h)
{
    for (int i = 0; i < 4; i++) {
        d[16 + i] = (unsigned char)(w >> (24 - 8 * i));
        d[20 + i] = (unsigned char)(h >> (24 - 8 * i));
    }
    uint32_t c = 0xFFFFFFFFu;
    for (int i = 12; i < 29; i++) {
        c ^= d[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    c ^= 0xFFFFFFFFu;
    for (int i = 0; i < 4; i++)
        d[29 + i] = (unsigned char)(c >> (24 - 8 * i));
}

TEST(image_png_dims)
{
    size_t n = 0;
    unsigned char *d = png_bytes(768, 512, &n);
    int w = 0, h = 0, is_png = -1;
    CHECK_INT(ls_image_dims(d, n, &w, &h, &is_png), 0);
    CHECK_INT(w, 768);
    CHECK_INT(h, 512);
    CHECK_INT(is_png, 1);
    CHECK_INT(ls_image_dims(d, n, NULL, NULL, NULL), 0); /* out-parameters are optional */
    free(d);
}

TEST(image_jpeg_sof0_and_sof2)
{
    int w = 0, h = 0, is_png = -1;
    CHECK_INT(ls_image_dims(JPEG_BASE, sizeof JPEG_BASE, &w, &h, &is_png), 0);
    CHECK_INT(w, 16);
    CHECK_INT(h, 8);
    CHECK_INT(is_png, 0);
    w = h = 0;
    is_png = -1;
    CHECK_INT(ls_image_dims(JPEG_PROG, sizeof JPEG_PROG, &w, &h, &is_png), 0);
    CHECK_INT(w, 8);
    CHECK_INT(h, 16);
    CHECK_INT(is_png, 0);
    /* Frame types other than SOF0/1/2 (here SOF3, lossless) are refused. */
    unsigned char *d = malloc(sizeof JPEG_BASE);
    REQUIRE(d != NULL);
    memcpy(d, JPEG_BASE, sizeof JPEG_BASE);
    size_t sof = 0;
    for (size_t i = 2; i + 1 < sizeof JPEG_BASE; i++)
        if (d[i] == 0xFF && d[i + 1] == 0xC0) {
            sof = i;
            break;
        }
    REQUIRE(sof > 0);
    d[sof + 1] = 0xC1; /* extended sequential: fine */
    CHECK_INT(ls_image_dims(d, sizeof JPEG_BASE, &w, &h, NULL), 0);
    d[sof + 1] = 0xC3;
    CHECK_INT(ls_image_dims(d, sizeof JPEG_BASE, &w, &h, NULL), -1);
    free(d);
}

TEST(image_truncated)
{
    /* Every proper prefix of a valid file is refused. */
    size_t n = 0;
    unsigned char *png = png_bytes(40, 30, &n);
    int w, h;
    for (size_t k = 0; k < n; k++)
        if (ls_image_dims(png, k, &w, &h, NULL) != -1) {
            fprintf(stderr, "  PNG prefix of %zu/%zu bytes accepted\n", k, n);
            CHECK(0);
            break;
        }
    for (size_t k = 0; k < sizeof JPEG_BASE; k++)
        if (ls_image_dims(JPEG_BASE, k, &w, &h, NULL) != -1) {
            fprintf(stderr, "  JPEG prefix of %zu bytes accepted\n", k);
            CHECK(0);
            break;
        }
    for (size_t k = 0; k < sizeof JPEG_PROG; k++)
        if (ls_image_dims(JPEG_PROG, k, &w, &h, NULL) != -1) {
            fprintf(stderr, "  progressive JPEG prefix of %zu bytes accepted\n", k);
            CHECK(0);
            break;
        }
    free(png);
}

TEST(image_garbage)
{
    int w = 7, h = 7, is_png = 7;
    static const unsigned char gif[] = "GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    static const unsigned char text[] = "just some text, not a picture";
    static const unsigned char sig_only[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    static const unsigned char soi_only[] = {0xFF, 0xD8, 0xFF, 0xD9};
    /* SOI then a segment whose length runs past the end. */
    static const unsigned char long_seg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 0, 0};
    /* SOI then a segment length below 2. */
    static const unsigned char short_seg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF, 0xD9};
    /* SOS before any frame header. */
    static const unsigned char sos_first[] = {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x00, 0xFF, 0xD9};
    CHECK_INT(ls_image_dims(NULL, 0, &w, &h, &is_png), -1);
    CHECK_INT(ls_image_dims(text, 0, &w, &h, &is_png), -1);
    CHECK_INT(ls_image_dims(gif, sizeof gif - 1, &w, &h, &is_png), -1);
    CHECK_INT(ls_image_dims(text, sizeof text - 1, &w, &h, &is_png), -1);
    CHECK_INT(ls_image_dims(sig_only, sizeof sig_only, &w, &h, &is_png), -1);
    CHECK_INT(ls_image_dims(soi_only, sizeof soi_only, &w, &h, &is_png), -1);
    CHECK_INT(ls_image_dims(long_seg, sizeof long_seg, &w, &h, &is_png), -1);
    CHECK_INT(ls_image_dims(short_seg, sizeof short_seg, &w, &h, &is_png), -1);
    CHECK_INT(ls_image_dims(sos_first, sizeof sos_first, &w, &h, &is_png), -1);
    CHECK(w == 7 && h == 7 && is_png == 7); /* untouched on failure */

    size_t n = 0;
    unsigned char *png = png_bytes(20, 10, &n);
    png[30] ^= 0x40; /* inside IHDR: the CRC no longer matches */
    CHECK_INT(ls_image_dims(png, n, &w, &h, NULL), -1);
    png[30] ^= 0x40;
    png[24] = 3; /* bit depth 3 does not exist */
    png_patch_dims(png, 20, 10);
    CHECK_INT(ls_image_dims(png, n, &w, &h, NULL), -1);
    free(png);

    /* Random bytes, and random bytes behind each signature. */
    unsigned char buf[512];
    unsigned x = 12345;
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = (unsigned char)(x >> 16);
        }
        if (round % 3 == 1)
            memcpy(buf, sig_only, sizeof sig_only);
        if (round % 3 == 2)
            memcpy(buf, soi_only, 3);
        CHECK_INT(ls_image_dims(buf, (size_t)(x % sizeof buf), &w, &h, NULL), -1);
    }
}

TEST(image_huge_dimensions)
{
    size_t n = 0;
    unsigned char *png = png_bytes(20, 10, &n);
    int w = 0, h = 0;
    png_patch_dims(png, 65535, 1);
    CHECK_INT(ls_image_dims(png, n, &w, &h, NULL), 0);
    CHECK_INT(w, 65535);
    png_patch_dims(png, 65536, 10);
    CHECK_INT(ls_image_dims(png, n, &w, &h, NULL), -1);
    png_patch_dims(png, 20, 100000);
    CHECK_INT(ls_image_dims(png, n, &w, &h, NULL), -1);
    png_patch_dims(png, 0x80000000u, 10); /* over PNG's own 2^31-1 limit */
    CHECK_INT(ls_image_dims(png, n, &w, &h, NULL), -1);
    png_patch_dims(png, 0xFFFFFFFFu, 0xFFFFFFFFu);
    CHECK_INT(ls_image_dims(png, n, &w, &h, NULL), -1);
    png_patch_dims(png, 0, 10);
    CHECK_INT(ls_image_dims(png, n, &w, &h, NULL), -1);
    free(png);

    /* JPEG: 65535x65535 is the format's maximum and fine; 0 (height given
     * later by DNL) is refused. */
    unsigned char *d = malloc(sizeof JPEG_BASE);
    REQUIRE(d != NULL);
    memcpy(d, JPEG_BASE, sizeof JPEG_BASE);
    size_t sof = 0;
    for (size_t i = 2; i + 1 < sizeof JPEG_BASE; i++)
        if (d[i] == 0xFF && d[i + 1] == 0xC0) {
            sof = i;
            break;
        }
    REQUIRE(sof > 0);
    memset(d + sof + 5, 0xFF, 4);
    CHECK_INT(ls_image_dims(d, sizeof JPEG_BASE, &w, &h, NULL), 0);
    CHECK(w == 65535 && h == 65535);
    memset(d + sof + 5, 0, 2);
    CHECK_INT(ls_image_dims(d, sizeof JPEG_BASE, &w, &h, NULL), -1);
    free(d);
}

/* ---- the DOCX writer */

TEST(docx_package)
{
    const char *out = tpath("book.docx");
    build_sample(out);
    int zerr = 0;
    zip_t *za = zip_open(out, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    REQUIRE(za != NULL);

    static const char *const parts[] = {"[Content_Types].xml", "_rels/.rels", "word/document.xml",
                                        "word/styles.xml", "word/_rels/document.xml.rels", "docProps/core.xml",
                                        "docProps/app.xml", "word/settings.xml"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t len = 0;
        char *x = zip_slurp(za, parts[i], &len);
        if (!x) {
            fprintf(stderr, "  missing part %s\n", parts[i]);
            CHECK(0);
            continue;
        }
        CHECK(strncmp(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"", 36) == 0);
        CHECK(xml_chars_ok(x, len));
        free(x);
    }
    CHECK_STR(zip_get_name(za, 0, 0), "[Content_Types].xml"); /* first, as packagers expect */

    char *ct = zip_slurp(za, "[Content_Types].xml", NULL);
    CHECK_CONTAINS(ct, "<Default Extension=\"png\" ContentType=\"image/png\"/>");
    CHECK_CONTAINS(ct, "<Default Extension=\"jpeg\" ContentType=\"image/jpeg\"/>");
    CHECK_CONTAINS(ct, "<Default Extension=\"rels\"");
    CHECK_CONTAINS(ct, "<Default Extension=\"xml\"");
    CHECK_CONTAINS(ct, "PartName=\"/word/document.xml\"");
    CHECK_CONTAINS(ct, "PartName=\"/word/styles.xml\"");
    CHECK_CONTAINS(ct, "PartName=\"/docProps/core.xml\"");
    CHECK_CONTAINS(ct, "PartName=\"/docProps/app.xml\"");
    free(ct);

    /* Media: exactly image1.png, image2.png, image3.jpeg, byte-identical to
     * their sources, and nothing named after a file or a text. */
    size_t n_media = 0;
    zip_int64_t n_entries = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; i < n_entries; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        REQUIRE(name != NULL);
        if (strncmp(name, "word/media/", 11) == 0) {
            n_media++;
            unsigned k = 0;
            char ext[8] = "", tail = 0;
            int ok = sscanf(name + 11, "image%u.%7[a-z]%c", &k, ext, &tail) == 2 && k >= 1 && k <= 3 &&
                     (strcmp(ext, "png") == 0 || strcmp(ext, "jpeg") == 0);
            if (!ok)
                fprintf(stderr, "  bad media name %s\n", name);
            CHECK(ok);
        }
        CHECK(!strstr(name, "wide") && !strstr(name, "small") && !strstr(name, "tall"));
    }
    CHECK_INT(n_media, 3);
    size_t len = 0;
    char *m = zip_slurp(za, "word/media/image3.jpeg", &len);
    CHECK(m && len == sizeof JPEG_BASE && memcmp(m, JPEG_BASE, len) == 0);
    free(m);
    m = zip_slurp(za, "word/media/image1.png", &len);
    int w = 0, h = 0;
    CHECK(m && ls_image_dims((unsigned char *)m, len, &w, &h, NULL) == 0 && w == 768 && h == 512);
    free(m);
    m = zip_slurp(za, "word/media/image2.png", &len);
    CHECK(m && ls_image_dims((unsigned char *)m, len, &w, &h, NULL) == 0 && w == 512 && h == 768);
    free(m);

    char *rels = zip_slurp(za, "word/_rels/document.xml.rels", NULL);
    CHECK_CONTAINS(rels, "Id=\"rIdImg1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                         "relationships/image\" Target=\"media/image1.png\"");
    CHECK_CONTAINS(rels, "Target=\"media/image2.png\"");
    CHECK_CONTAINS(rels, "Id=\"rIdImg3\"");
    CHECK_CONTAINS(rels, "Target=\"media/image3.jpeg\"");
    CHECK_CONTAINS(rels, "Target=\"styles.xml\"");
    free(rels);

    /* document.xml: the text escaped, forbidden characters gone, the images
     * at their true aspect ratio. */
    char *doc = zip_slurp(za, "word/document.xml", &len);
    REQUIRE(doc != NULL);
    CHECK(xml_chars_ok(doc, len));
    CHECK(!strstr(doc, "wide") && !strstr(doc, "small.jpg"));
    CHECK_CONTAINS(doc, "<w:t xml:space=\"preserve\">" HOSTILE_XML "</w:t>");
    CHECK_CONTAINS(doc, "<w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t xml:space=\"preserve\">"
                        "The Fence &amp; the &lt;Cat&gt;</w:t>");
    CHECK_CONTAINS(doc, "<w:pStyle w:val=\"Heading1\"/>");
    CHECK_CONTAINS(doc, "<w:pStyle w:val=\"Heading2\"/>");
    CHECK_CONTAINS(doc, "<w:pStyle w:val=\"Caption\"/>");
    CHECK_CONTAINS(doc, "<w:pStyle w:val=\"Placeholder\"/></w:pPr><w:r><w:t xml:space=\"preserve\">"
                        "Image not rendered yet</w:t>");
    CHECK_CONTAINS(doc, "<w:pStyle w:val=\"Prompt\"/></w:pPr><w:r><w:rPr><w:b/><w:bCs/></w:rPr>"
                        "<w:t xml:space=\"preserve\">Prompt:</w:t></w:r><w:r><w:t xml:space=\"preserve\"> </w:t></w:r>"
                        "<w:r><w:t xml:space=\"preserve\">a boy painting a fence, artstation</w:t></w:r>");
    CHECK_CONTAINS(doc, "<w:br w:type=\"page\"/>");
    CHECK_CONTAINS(doc, "<w:t xml:space=\"preserve\">  two spaces each side  </w:t>");
    CHECK_CONTAINS(doc, ">line one</w:t><w:br/><w:t xml:space=\"preserve\">line two</w:t><w:br/>"
                        "<w:t xml:space=\"preserve\">line three</w:t><w:tab/>");
    CHECK_CONTAINS(doc, "<w:p><w:pPr><w:bidi/></w:pPr><w:r><w:t xml:space=\"preserve\">\xd9\x85");
    CHECK_CONTAINS(doc, "<wp:docPr id=\"1\" name=\"Picture 1\" descr=\"" ALT_XML "\"/>");
    CHECK_CONTAINS(doc, "<wp:docPr id=\"2\" name=\"Picture 2\" descr=\"a tall picture\"/>");
    CHECK_CONTAINS(doc, "<wp:docPr id=\"3\" name=\"Picture 3\" descr=\"\"/>");
    CHECK_CONTAINS(doc, "<a:blip r:embed=\"rIdImg1\"/>");
    CHECK_CONTAINS(doc, "<a:blip r:embed=\"rIdImg3\"/>");
    CHECK_CONTAINS(doc, "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>");
    CHECK_CONTAINS(doc, "w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\"");
    CHECK_INT(count(doc, "<w:p>"), count(doc, "</w:p>"));
    CHECK_INT(count(doc, "<w:drawing>"), 3);
    CHECK_INT(count(doc, "<w:jc w:val=\"center\"/></w:pPr><w:r><w:drawing>"), 3);

    static const double want[3][2] = {{768, 512}, {512, 768}, {16, 8}};
    static const double width_in[3] = {6.0, 4.0, 2.0};
    const char *p = doc;
    for (int i = 0; i < 3; i++) {
        long long cx = 0, cy = 0, ax = 0, ay = 0;
        p = strstr(p, "<wp:extent ");
        REQUIRE(p != NULL);
        REQUIRE(sscanf(p, "<wp:extent cx=\"%lld\" cy=\"%lld\"", &cx, &cy) == 2);
        const char *q = strstr(p, "<a:ext ");
        REQUIRE(q != NULL);
        REQUIRE(sscanf(q, "<a:ext cx=\"%lld\" cy=\"%lld\"", &ax, &ay) == 2);
        CHECK(ax == cx && ay == cy);
        double ratio = (double)cy / (double)cx, expect = want[i][1] / want[i][0];
        if (fabs(ratio / expect - 1.0) > 0.001) {
            fprintf(stderr, "  image %d: extent %lldx%lld, ratio %f, want %f\n", i + 1, cx, cy, ratio, expect);
            CHECK(0);
        }
        CHECK(llabs(cx - llround(width_in[i] * 914400.0)) <= 1);
        p = q;
    }
    free(doc);

    char *styles = zip_slurp(za, "word/styles.xml", NULL);
    CHECK_CONTAINS(styles, "w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>");
    CHECK_CONTAINS(styles, "w:styleId=\"Title\"><w:name w:val=\"Title\"/>");
    CHECK_CONTAINS(styles, "w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/>");
    CHECK_CONTAINS(styles, "w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/>");
    CHECK_CONTAINS(styles, "w:styleId=\"Caption\"><w:name w:val=\"caption\"/>");
    CHECK_CONTAINS(styles, "w:customStyle=\"1\" w:styleId=\"Prompt\"><w:name w:val=\"Prompt\"/>");
    CHECK_CONTAINS(styles, "w:customStyle=\"1\" w:styleId=\"Placeholder\"><w:name w:val=\"Placeholder\"/>");
    CHECK_CONTAINS(styles, "<w:pBdr>");
    CHECK_CONTAINS(styles, "<w:lang w:val=\"en\"/>");
    free(styles);

    char *core = zip_slurp(za, "docProps/core.xml", NULL);
    CHECK_CONTAINS(core, "<dc:title>The Fence &amp; the &lt;Cat&gt;</dc:title>");
    CHECK_CONTAINS(core, "<dc:creator>Mark Twain</dc:creator>");
    CHECK_CONTAINS(core, "<dc:language>en</dc:language>");
    CHECK_CONTAINS(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">20");
    free(core);
    char *app = zip_slurp(za, "docProps/app.xml", NULL);
    CHECK_CONTAINS(app, "<Application>longsd</Application>");
    free(app);
    zip_close(za);
}

TEST(docx_letter_meta_and_clamp)
{
    const char *png = tpath("p.png"), *out = tpath("l.docx");
    write_png(png, 300, 1000, 9, 9, 9);
    ls_docx *d = ls_docx_new();
    REQUIRE(d != NULL);
    lserr err;
    lserr_clear(&err);
    ls_docx_set_page(d, LS_DOCX_LETTER);
    ls_docx_set_meta(d, NULL, NULL, "ar");
    /* 20" wide, 66.7" tall: shrunk into the page, aspect kept. */
    CHECK_INT(ls_docx_image(d, png, 20.0, NULL, &err), LONGSD_OK);
    CHECK_INT(ls_docx_para(d, "Bogus", "x"), LONGSD_ERR_PARAM);
    CHECK_INT(ls_docx_para(d, "Normal", NULL), LONGSD_OK);
    CHECK_INT(ls_docx_image(d, png, 0.0, NULL, &err), LONGSD_ERR_PARAM);
    CHECK_INT(ls_docx_image(d, png, NAN, NULL, &err), LONGSD_ERR_PARAM);
    CHECK_INT(ls_docx_save(d, out, &err), LONGSD_OK);
    ls_docx_free(d);
    ls_docx_free(NULL);

    int zerr = 0;
    zip_t *za = zip_open(out, ZIP_RDONLY, &zerr);
    REQUIRE(za != NULL);
    char *doc = zip_slurp(za, "word/document.xml", NULL);
    REQUIRE(doc != NULL);
    CHECK_CONTAINS(doc, "<w:pgSz w:w=\"12240\" w:h=\"15840\"/>");
    long long cx = 0, cy = 0;
    const char *p = strstr(doc, "<wp:extent ");
    REQUIRE(p && sscanf(p, "<wp:extent cx=\"%lld\" cy=\"%lld\"", &cx, &cy) == 2);
    CHECK(cx <= 9026LL * 635 && cy <= 12960LL * 635);
    CHECK(fabs((double)cy / (double)cx / (1000.0 / 300.0) - 1.0) < 0.001);
    CHECK_CONTAINS(doc, "descr=\"\"");
    CHECK_INT(count(doc, "<w:p>"), count(doc, "</w:p>"));
    free(doc);
    char *core = zip_slurp(za, "docProps/core.xml", NULL);
    CHECK(core && !strstr(core, "<dc:title>") && !strstr(core, "<dc:creator>"));
    CHECK_CONTAINS(core, "<dc:language>ar</dc:language>");
    free(core);
    char *styles = zip_slurp(za, "word/styles.xml", NULL);
    CHECK_CONTAINS(styles, "<w:lang w:val=\"ar\" w:bidi=\"ar\"/>");
    free(styles);
    zip_close(za);
}

TEST(docx_image_errors_name_the_file)
{
    const char *txt = tpath("notes.txt"), *cut = tpath("cut.png"), *png = tpath("ok.png");
    t_write(txt, "just some text\n", 15);
    write_png(png, 64, 32, 1, 1, 1);
    size_t n = 0;
    char *full = t_slurp(png, &n);
    REQUIRE(full != NULL);
    t_write(cut, full, n / 2);
    free(full);

    ls_docx *d = ls_docx_new();
    REQUIRE(d != NULL);
    lserr err;
    lserr_clear(&err);
    CHECK_INT(ls_docx_image(d, txt, 5.0, "alt", &err), LONGSD_ERR_IMAGE);
    CHECK_CONTAINS(err.msg, txt);
    lserr_clear(&err);
    CHECK_INT(ls_docx_image(d, cut, 5.0, "alt", &err), LONGSD_ERR_IMAGE);
    CHECK_CONTAINS(err.msg, cut);
    lserr_clear(&err);
    CHECK_INT(ls_docx_image(d, tpath("missing.png"), 5.0, "alt", &err), LONGSD_ERR_IO);
    CHECK_CONTAINS(err.msg, "missing.png");
    lserr_clear(&err);
    CHECK_INT(ls_docx_image(d, t_tmpdir(), 5.0, "alt", &err), LONGSD_ERR_IO);
    CHECK_CONTAINS(err.msg, t_tmpdir());
    /* Nothing of the failures reached the document. */
    const char *out = tpath("e.docx");
    CHECK_INT(ls_docx_save(d, out, &err), LONGSD_OK);
    ls_docx_free(d);
    zip_t *za = zip_open(out, ZIP_RDONLY, NULL);
    REQUIRE(za != NULL);
    CHECK(zip_name_locate(za, "word/media/image1.png", 0) < 0);
    char *doc = zip_slurp(za, "word/document.xml", NULL);
    CHECK(doc && !strstr(doc, "<w:drawing>"));
    free(doc);
    zip_close(za);
}

/* A small good document saved at path; its bytes returned (free them). */
static char *save_small(const char *path, const char *text, size_t *len)
{
    ls_docx *d = ls_docx_new();
    REQUIRE(d != NULL);
    lserr err;
    REQUIRE(ls_docx_para(d, "Normal", text) == LONGSD_OK);
    REQUIRE(ls_docx_save(d, path, &err) == LONGSD_OK);
    ls_docx_free(d);
    char *old = t_slurp(path, len);
    REQUIRE(old != NULL);
    return old;
}

static ls_docx *big_doc(void)
{
    const char *png = tpath("big.png");
    write_png(png, 256, 128, 200, 10, 10);
    ls_docx *d = ls_docx_new();
    REQUIRE(d != NULL);
    lserr err;
    for (int i = 0; i < 50; i++)
        REQUIRE(ls_docx_para(d, "Normal", "A paragraph that makes the new document bigger than the old one.") ==
                LONGSD_OK);
    REQUIRE(ls_docx_image(d, png, 5.0, "x", &err) == LONGSD_OK);
    return d;
}

TEST(docx_failed_save_keeps_old_file)
{
    const char *dir = t_tmpdir(), *out = tpath("keep.docx");
    size_t old_len = 0;
    char *old = save_small(out, "old and good", &old_len);
    ls_docx *d = big_doc();
    lserr err;

    /* 1. The disk fills up mid-write (a file size limit stands in for it,
     * and works for root too): the save fails, the old file is untouched,
     * no temp file is left. */
    struct rlimit saved, lim;
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    signal(SIGXFSZ, SIG_IGN);
    lim = saved;
    lim.rlim_cur = 1024;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    lserr_clear(&err);
    longsd_status rc = ls_docx_save(d, out, &err);
    REQUIRE(setrlimit(RLIMIT_FSIZE, &saved) == 0);
    CHECK_INT(rc, LONGSD_ERR_IO);
    CHECK_CONTAINS(err.msg, out);
    CHECK(same_file(out, old, old_len));
    CHECK(no_temp_files(dir));

    /* 2. A folder that is a file. */
    const char *notdir = tpath("plain");
    t_write(notdir, "x", 1);
    char bad[600];
    snprintf(bad, sizeof bad, "%s/book.docx", notdir);
    lserr_clear(&err);
    CHECK_INT(ls_docx_save(d, bad, &err), LONGSD_ERR_IO);
    CHECK_CONTAINS(err.msg, bad);

    /* 3. A read-only folder (root writes anyway, so only checked for others). */
    if (geteuid() != 0) {
        const char *ro = tpath("ro");
        REQUIRE(mkdir(ro, 0755) == 0);
        char target[600];
        snprintf(target, sizeof target, "%s/keep.docx", ro);
        size_t ro_len = 0;
        char *ro_old = save_small(target, "read-only folder", &ro_len);
        REQUIRE(chmod(ro, 0555) == 0);
        lserr_clear(&err);
        CHECK_INT(ls_docx_save(d, target, &err), LONGSD_ERR_IO);
        CHECK_CONTAINS(err.msg, target);
        CHECK(same_file(target, ro_old, ro_len));
        CHECK(no_temp_files(ro));
        chmod(ro, 0755);
        free(ro_old);
    }

    /* 4. Each allocation of the save failing in turn. */
    int succeeded = 0;
    for (long k = 0; k < 5000 && !succeeded; k++) {
        longsd__alloc_fail_after = k;
        rc = ls_docx_save(d, out, &err);
        longsd__alloc_fail_after = -1;
        if (rc == LONGSD_OK) {
            succeeded = 1;
            break;
        }
        if (!same_file(out, old, old_len) || !no_temp_files(dir)) {
            fprintf(stderr, "  allocation %ld failing damaged the old file\n", k);
            CHECK(0);
            break;
        }
    }
    CHECK(succeeded);
    CHECK(!same_file(out, old, old_len)); /* and then the new one is in place */
    ls_docx_free(d);
    free(old);
}

TEST(docx_alloc_failures_leave_document_whole)
{
    /* Let allocation k fail inside a sequence of calls, then carry on: the
     * call that failed must leave nothing behind (no half paragraph, no
     * orphan picture), so the saved body holds exactly one paragraph per
     * successful call and balanced markup. */
    const char *png = tpath("a.png"), *out = tpath("a.docx");
    write_png(png, 30, 20, 5, 5, 5);
    static const char long_text[] = "Tom & Huck <said> \"hi\" and whitewashed the fence, board after board, "
                                    "while Ben ate the apple & watched; the afternoon went on and on\nand on.";
    int saw_failure = 0;
    for (long k = 0; k < 120; k++) {
        ls_docx *d = ls_docx_new();
        REQUIRE(d != NULL);
        lserr err;
        size_t n_ok = 0, n_img = 0;
        longsd__alloc_fail_after = k;
        for (int i = 0; i < 24; i++) {
            longsd_status rc;
            switch (i % 4) {
            case 0: rc = ls_docx_para(d, "Heading1", long_text); break;
            case 1: rc = ls_docx_para_labeled(d, "Prompt", "Label:", long_text); break;
            case 2: rc = ls_docx_image(d, png, 3.0, long_text, &err); break;
            default: rc = ls_docx_para(d, "Normal", "end"); break;
            }
            if (rc == LONGSD_OK) {
                n_ok++;
                n_img += i % 4 == 2;
            } else {
                saw_failure = 1;
                longsd__alloc_fail_after = -1; /* the hook fails every later call: stop it */
            }
        }
        longsd__alloc_fail_after = -1;
        REQUIRE(ls_docx_save(d, out, &err) == LONGSD_OK);
        ls_docx_free(d);
        zip_t *za = zip_open(out, ZIP_RDONLY, NULL);
        REQUIRE(za != NULL);
        char *doc = zip_slurp(za, "word/document.xml", NULL);
        REQUIRE(doc != NULL);
        CHECK_INT(count(doc, "<w:p>"), n_ok);
        CHECK_INT(count(doc, "</w:p>"), n_ok);
        CHECK_INT(count(doc, "<w:r>"), count(doc, "</w:r>"));
        CHECK_INT(count(doc, "<w:t "), count(doc, "</w:t>"));
        CHECK_INT(count(doc, "<w:drawing>"), n_img);
        char name[64];
        snprintf(name, sizeof name, "word/media/image%zu.png", n_img);
        CHECK(n_img == 0 || zip_name_locate(za, name, 0) >= 0);
        snprintf(name, sizeof name, "word/media/image%zu.png", n_img + 1);
        CHECK(zip_name_locate(za, name, 0) < 0);
        free(doc);
        zip_close(za);
        if (t_failed_checks) {
            fprintf(stderr, "  with allocation %ld failing\n", k);
            break;
        }
    }
    CHECK(saw_failure);
}

TEST(docx_save_twice_and_empty)
{
    ls_docx *d = ls_docx_new();
    REQUIRE(d != NULL);
    lserr err;
    const char *a = tpath("a.docx"), *b = tpath("sub/dir/b.docx");
    CHECK_INT(ls_docx_save(d, a, &err), LONGSD_OK); /* an empty document is still a document */
    CHECK_INT(ls_docx_para(d, "Normal", "x"), LONGSD_OK);
    CHECK_INT(ls_docx_save(d, b, &err), LONGSD_OK); /* missing folders are made */
    CHECK_INT(ls_docx_save(d, NULL, &err), LONGSD_ERR_PARAM);
    CHECK_INT(ls_docx_save(NULL, a, &err), LONGSD_ERR_PARAM);
    CHECK_INT(ls_docx_para(NULL, "Normal", "x"), LONGSD_ERR_PARAM);
    ls_docx_free(d);
    zip_t *za = zip_open(b, ZIP_RDONLY | ZIP_CHECKCONS, NULL);
    REQUIRE(za != NULL);
    zip_close(za);
}

TEST(docx_reproducible)
{
    /* With SOURCE_DATE_EPOCH the same document gives the same bytes. */
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    const char *a = tpath("r1.docx"), *b = tpath("r2.docx");
    size_t la = 0, lb = 0;
    char *x = save_small(a, "same", &la);
    char *y = save_small(b, "same", &lb);
    CHECK(la == lb && memcmp(x, y, la) == 0);
    zip_t *za = zip_open(a, ZIP_RDONLY, NULL);
    REQUIRE(za != NULL);
    char *core = zip_slurp(za, "docProps/core.xml", NULL);
    CHECK_CONTAINS(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2023-11-14T22:13:20Z</dcterms:created>");
    free(core);
    zip_close(za);
    free(x);
    free(y);
}

/* Writes the sample for tests/cli/test_docx_consumers.sh, which runs it by
 * name (a generator: t.h leaves it out of the default run). */
TEST(docx_sample)
{
    const char *out = getenv("LONGSD_DOCX_SAMPLE");
    REQUIRE(out && *out);
    build_sample(out);
    CHECK(lsfile_exists(out));
}

RUN_TESTS(xml_escapes_markup, xml_drops_forbidden_keeps_scripts, xml_escape_caps_and_nomem, image_png_dims,
          image_jpeg_sof0_and_sof2, image_truncated, image_garbage, image_huge_dimensions, docx_package,
          docx_letter_meta_and_clamp, docx_image_errors_name_the_file, docx_failed_save_keeps_old_file,
          docx_alloc_failures_leave_document_whole, docx_save_twice_and_empty, docx_reproducible, docx_sample)
