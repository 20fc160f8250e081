/* test_base64_edges.c - the base64 decoder at its edges, as data: padding
 * one short or long, data after it, a cap met exactly and missed by one,
 * line breaks of MIME-wrapped payloads. */
#include "base64.h"
#include "t.h"

typedef struct {
    const char *in;
    size_t cap;
    longsd_status rc;
    const char *out; /* decoded bytes when rc is OK */
} b64_case;

static const b64_case cases[] = {
    {"QQ==", 0, LONGSD_OK, "A"},
    {"QUI=", 0, LONGSD_OK, "AB"},
    {"QUJD", 0, LONGSD_OK, "ABC"},
    {"QQ=", 0, LONGSD_ERR_BACKEND, NULL},   /* one pad short */
    {"QUI==", 0, LONGSD_ERR_BACKEND, NULL}, /* one pad too many */
    {"QUJD=", 0, LONGSD_ERR_BACKEND, NULL},
    {"QQ==QQ==", 0, LONGSD_ERR_BACKEND, NULL}, /* data after padding */
    {"aGVsbG8=", 5, LONGSD_OK, "hello"},      /* exactly the cap */
    {"aGVsbG8=", 4, LONGSD_ERR_TOO_BIG, NULL}, /* one over */
    {"aGVs\r\nbG8=\n", 0, LONGSD_OK, "hello"}, /* MIME line breaks */
    {"aGVs bG8=\t", 0, LONGSD_OK, "hello"},
};

TEST(decode_table)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const b64_case *c = &cases[i];
        uint8_t *d = NULL;
        size_t n = 0;
        lserr err = {0};
        longsd_status rc = ls_base64_decode(c->in, strlen(c->in), c->cap, &d, &n, &err);
        int ok = rc == c->rc && (rc != LONGSD_OK || (n == strlen(c->out) && memcmp(d, c->out, n) == 0));
        if (!ok) {
            fprintf(stderr, "  \"%s\" cap %zu: rc %d (%zu bytes), expected %d\n", c->in, c->cap, (int)rc, n,
                    (int)c->rc);
            t_failed_checks++;
        }
        longsd__free(d);
    }
}

RUN_TESTS(decode_table)
