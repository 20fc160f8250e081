/* test_engine_tokenizer.c - the CLIP tokenizer against transformers'
 * CLIPTokenizer: tests/engine/tokens_tiny.json (tiny vocabulary, first 1000
 * CLIP merges, committed) always; tests/engine/tokens_full.json (the real
 * 49408-token vocabulary) against the vocabulary built into the library
 * and the committed data/clip/bpe_simple_vocab_16e6.txt.gz (or the copy
 * LONGSD_CLIP_VOCAB names: the .txt[.gz] or a diffusers tokenizer/ folder). */
#include <jansson.h>
#include <sys/stat.h>

#include "t.h"
#include "tokenizer.h"

static int compare_all(const sdtok *tok, const char *fixture)
{
    json_error_t je;
    json_t *rows = json_load_file(fixture, 0, &je);
    REQUIRE(rows && json_is_array(rows));
    size_t i;
    json_t *row;
    int bad = 0;
    json_array_foreach(rows, i, row)
    {
        const char *text = json_string_value(json_object_get(row, "text"));
        json_t *ids = json_object_get(row, "ids");
        REQUIRE(text && json_array_size(ids) == SDTOK_MAX_LEN);
        int32_t got[SDTOK_MAX_LEN];
        lserr err = {0};
        int used = 0;
        REQUIRE(sdtok_encode(tok, text, got, SDTOK_MAX_LEN, &used, &err) == LONGSD_OK);
        for (int k = 0; k < SDTOK_MAX_LEN; k++) {
            if (got[k] != json_integer_value(json_array_get(ids, (size_t)k))) {
                fprintf(stderr, "  prompt %zu \"%.40s\": id %d is %d, expected %lld\n", i, text, k, got[k],
                        (long long)json_integer_value(json_array_get(ids, (size_t)k)));
                bad++;
                break;
            }
        }
    }
    json_decref(rows);
    return bad;
}

TEST(tiny_vocab_matches_transformers)
{
    sdtok *tok = NULL;
    lserr err = {0};
    REQUIRE(sdtok_load_dir("tests/engine/tiny-sd/tokenizer", &tok, &err) == LONGSD_OK);
    CHECK_INT(sdtok_vocab_size(tok), 1514);
    CHECK_INT(sdtok_bos(tok), 1512);
    CHECK_INT(sdtok_eos(tok), 1513);
    CHECK_INT(compare_all(tok, "tests/engine/tokens_tiny.json"), 0);
    sdtok_free(tok);
}

TEST(padding_and_truncation)
{
    sdtok *tok = NULL;
    lserr err = {0};
    REQUIRE(sdtok_load_dir("tests/engine/tiny-sd/tokenizer", &tok, &err) == LONGSD_OK);
    int32_t ids[SDTOK_MAX_LEN];
    int used = -1;
    REQUIRE(sdtok_encode(tok, "", ids, SDTOK_MAX_LEN, &used, &err) == LONGSD_OK);
    CHECK_INT(used, 2);
    CHECK_INT(ids[0], 1512);
    for (int k = 1; k < SDTOK_MAX_LEN; k++)
        CHECK_INT(ids[k], 1513);
    char big[2000];
    for (int k = 0; k < 999; k++)
        memcpy(big + 2 * k, "a ", 2);
    big[1998] = '\0';
    REQUIRE(sdtok_encode(tok, big, ids, SDTOK_MAX_LEN, &used, &err) == LONGSD_OK);
    CHECK_INT(used, SDTOK_MAX_LEN);
    CHECK_INT(ids[SDTOK_MAX_LEN - 1], 1513);
    CHECK(ids[SDTOK_MAX_LEN - 2] != 1513);
    CHECK_INT(sdtok_encode(tok, "bad \xff byte", ids, SDTOK_MAX_LEN, &used, &err), LONGSD_ERR_ENCODING);
    CHECK_STR(err.msg, "prompt: invalid UTF-8 at byte 4");
    CHECK_INT(sdtok_encode(tok, "x", ids, 1, &used, &err), LONGSD_ERR_PARAM);
    /* A 1 MiB word takes bounded time (cut at 4096 bytes for BPE). */
    size_t n = 1u << 20;
    char *word = malloc(n + 2);
    REQUIRE(word);
    for (size_t k = 0; k < n; k++) /* merges apply everywhere: the slow case */
        word[k] = "the"[k % 3];
    word[n] = '\0';
    REQUIRE(sdtok_encode(tok, word, ids, SDTOK_MAX_LEN, &used, &err) == LONGSD_OK);
    CHECK_INT(used, SDTOK_MAX_LEN);
    word[n] = 'q';
    word[n + 1] = '\0';
    CHECK_INT(sdtok_encode(tok, word, ids, SDTOK_MAX_LEN, &used, &err), LONGSD_ERR_TOO_BIG);
    CHECK_STR(err.msg, "prompt: 1048577 bytes is over the limit of 1048576");
    free(word);
    sdtok_free(tok);
    sdtok_free(NULL);
}

TEST(malformed_vocabularies)
{
    const char *dir = t_tmpdir();
    char v[512], m[512];
    snprintf(v, sizeof v, "%s/vocab.json", dir);
    snprintf(m, sizeof m, "%s/merges.txt", dir);
    sdtok *tok = NULL;
    lserr err = {0};
    t_write(v, "{\"a\": 0}", 8);
    t_write(m, "#version: 0.2\n", 14);
    CHECK_INT(sdtok_load(v, m, &tok, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "vocab.json: 1 tokens; a CLIP vocabulary has 514 to 2^24");
    t_write(v, "[1]", 3);
    CHECK_INT(sdtok_load(v, m, &tok, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "vocab.json: not a JSON object of token ids");
    CHECK_INT(sdtok_load_dir("/nonexistent", &tok, &err), LONGSD_ERR_IO);
    CHECK(tok == NULL);
    /* A merge line without a space, after the real vocabulary. */
    char *vj = t_slurp("tests/engine/tiny-sd/tokenizer/vocab.json", NULL);
    REQUIRE(vj);
    t_write(v, vj, strlen(vj));
    free(vj);
    t_write(m, "#version: 0.2\nt h\nbroken\n", 25);
    CHECK_INT(sdtok_load(v, m, &tok, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "merges.txt:3: a merge line must be two tokens separated by one space");
}

/* The real vocabulary, committed at data/clip/ and built into the library:
 * every id of transformers' CLIPTokenizer on the fixture prompts. */
TEST(full_vocab_builtin)
{
    lserr err = {0};
    const sdtok *tok = sdtok_builtin(&err);
    REQUIRE(tok);
    CHECK(sdtok_builtin(&err) == tok); /* loaded once */
    CHECK_INT(sdtok_vocab_size(tok), 49408);
    CHECK_INT(sdtok_bos(tok), 49406);
    CHECK_INT(sdtok_eos(tok), 49407);
    CHECK_INT(compare_all(tok, "tests/engine/tokens_full.json"), 0);
}

/* The same file read from disk, gzip as shipped (and any other copy named
 * by LONGSD_CLIP_VOCAB: a diffusers tokenizer/ folder or a .txt[.gz]). */
TEST(full_vocab_from_file)
{
    const char *path = getenv("LONGSD_CLIP_VOCAB");
    if (!path || !*path)
        path = "data/clip/bpe_simple_vocab_16e6.txt.gz";
    sdtok *tok = NULL;
    lserr err = {0};
    struct stat st;
    REQUIRE(stat(path, &st) == 0);
    if (S_ISDIR(st.st_mode))
        REQUIRE(sdtok_load_dir(path, &tok, &err) == LONGSD_OK);
    else
        REQUIRE(sdtok_load_bpe(path, 0, &tok, &err) == LONGSD_OK);
    CHECK_INT(sdtok_vocab_size(tok), 49408);
    CHECK_INT(compare_all(tok, "tests/engine/tokens_full.json"), 0);
    sdtok_free(tok);
}

/* A damaged gzip image is an error naming it, never a crash. */
TEST(bad_gzip_is_an_error)
{
    static const unsigned char junk[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0x00};
    sdtok *tok = NULL;
    lserr err = {0};
    CHECK(sdtok_load_bpe_gz(junk, sizeof junk, "junk.gz", &tok, &err) != LONGSD_OK);
    CHECK(tok == NULL);
    CHECK(strstr(err.msg, "junk.gz") != NULL);
}

RUN_TESTS(tiny_vocab_matches_transformers, padding_and_truncation, malformed_vocabularies, full_vocab_builtin,
          full_vocab_from_file, bad_gzip_is_an_error)
