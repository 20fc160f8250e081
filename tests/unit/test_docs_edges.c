/* test_docs_edges.c - document layout rules on the small plan fixture
 * (tests/data/plan-min.json): ideas anchored at the same offset keep the
 * plan's order; only a done image is embedded, never the stale file of one
 * that failed since. */
#include "doc_layout.h"
#include "plan.h"
#include "png_write.h"
#include "t.h"

static longsd_plan *plan_edited(const char *from, const char *to)
{
    size_t n;
    char *js = t_slurp("tests/data/plan-min.json", &n);
    REQUIRE(js);
    char *at = strstr(js, from);
    REQUIRE(at);
    size_t nf = strlen(from), nt = strlen(to);
    char *mod = malloc(n - nf + nt + 1);
    REQUIRE(mod);
    memcpy(mod, js, (size_t)(at - js));
    memcpy(mod + (at - js), to, nt);
    strcpy(mod + (at - js) + nt, at + nf);
    lserr err = {0};
    longsd_plan *p = NULL;
    if (ls_plan_parse("plan.json", mod, strlen(mod), &p, &err))
        fprintf(stderr, "  %s\n", err.msg);
    REQUIRE(p);
    free(js);
    free(mod);
    return p;
}

TEST(same_offset_keeps_plan_order)
{
    /* both ideas anchored at offset 0 (the second in part "end" too) */
    longsd_plan *p = plan_edited("\"paragraph\": 1, \"start\": 61, \"end\": 100", "\"paragraph\": 0, \"start\": 0, \"end\": 30");
    longsd_doc_params o = longsd_doc_default_params();
    o.layout = "gallery";
    ls_layout L;
    lserr err = {0};
    REQUIRE(ls_layout_build(p, &o, &L, &err) == LONGSD_OK);
    REQUIRE(L.n_order == 2);
    CHECK_INT(L.order[0], 0);
    CHECK_INT(L.order[1], 1);
    ls_layout_free(&L);
    longsd_plan_free(p);
}

TEST(failed_image_is_not_embedded_even_if_its_file_is_there)
{
    longsd_plan *p = plan_edited("\"state\": \"failed\", \"error\"", "\"state\": \"failed\", \"file\": \"images/fence/end-01.png\", \"error\"");
    char path[400];
    snprintf(path, sizeof path, "%s/images/fence/end-01.png", t_tmpdir());
    uint8_t rgb[4 * 4 * 3] = {0};
    uint8_t *png = NULL;
    size_t n = 0;
    REQUIRE(ls_png_encode_rgb(rgb, 4, 4, &png, &n, NULL) == LONGSD_OK);
    REQUIRE(lsfile_mkdirs(path, 0, NULL) == LONGSD_OK);
    t_write(path, png, n);
    longsd__free(png);
    ls_doc_image img;
    lserr err = {0};
    CHECK_INT(ls_doc_image_load(t_tmpdir(), &p->ideas[1], &img, &err), 0);
    CHECK(img.data == NULL);
    /* the same file for a done image is embedded */
    REQUIRE(longsd_plan_set_image(p, 1, LONGSD_IMAGE_DONE, "images/fence/end-01.png", NULL) == LONGSD_OK);
    CHECK_INT(ls_doc_image_load(t_tmpdir(), &p->ideas[1], &img, &err), 1);
    CHECK_INT(img.w, 4);
    longsd__free(img.data);
    longsd_plan_free(p);
}

RUN_TESTS(same_offset_keeps_plan_order, failed_image_is_not_embedded_even_if_its_file_is_there)
