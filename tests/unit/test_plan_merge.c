/* test_plan_merge.c - hand edits made to the plan file while a run holds the
 * plan are merged on save (plan_merge.c), three ways: an idea deleted by
 * hand stays deleted, a cast description edited by hand survives, and what
 * the run changed itself is not reverted to the file's old text. */
#include <time.h>

#include "plan.h"
#include "t.h"

typedef struct {
    longsd_ctx *ctx;
    char path[600];
    longsd_plan *run, *hand;
} fx;

static void setup(fx *f)
{
    size_t n;
    char *js = t_slurp("tests/data/plan-min.json", &n);
    REQUIRE(js);
    snprintf(f->path, sizeof f->path, "%s/fence.json", t_tmpdir());
    t_write(f->path, js, n);
    free(js);
    REQUIRE((f->ctx = longsd_ctx_new()));
    REQUIRE(longsd_plan_load(f->ctx, f->path, &f->run) == LONGSD_OK);
    REQUIRE(longsd_plan_load(f->ctx, f->path, &f->hand) == LONGSD_OK);
}

/* The user's editor writes the file (a visible mtime step on coarse clocks). */
static void hand_saves(fx *f)
{
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    REQUIRE(longsd_plan_save(f->ctx, f->hand, f->path) == LONGSD_OK);
}

static longsd_plan *reload(fx *f)
{
    longsd_plan *p = NULL;
    REQUIRE(longsd_plan_load(f->ctx, f->path, &p) == LONGSD_OK);
    return p;
}

static void teardown(fx *f)
{
    longsd_plan_free(f->run);
    longsd_plan_free(f->hand);
    longsd_ctx_free(f->ctx);
}

static void set(char **dst, const char *s)
{
    longsd__free(*dst);
    REQUIRE((*dst = longsd__strdup(s)));
}

/* Delete idea i from a plan as an editor would: the entry is gone. */
static void delete_idea(longsd_plan *p, size_t i)
{
    p->ideas[i].deleted = 1;
    ls_plan_drop_deleted(p);
}

TEST(deleted_idea_stays_deleted)
{
    fx f;
    setup(&f);
    delete_idea(f.hand, 0); /* beginning-01 */
    hand_saves(&f);
    /* the run goes on recording images, also for the deleted idea */
    f.run->rendering = 1;
    REQUIRE(longsd_plan_set_image(f.run, 0, LONGSD_IMAGE_DONE, "images/fence/a.png", NULL) == LONGSD_OK);
    REQUIRE(longsd_plan_set_image(f.run, 1, LONGSD_IMAGE_DONE, "images/fence/b.png", NULL) == LONGSD_OK);
    REQUIRE(longsd_plan_save(f.ctx, f.run, f.path) == LONGSD_OK);
    /* indices held by the render still name the same ideas */
    CHECK_INT(f.run->n_ideas, 2);
    CHECK_STR(f.run->ideas[1].idea.id, "end-01");
    CHECK(longsd_plan_set_image(f.run, 1, LONGSD_IMAGE_DONE, "images/fence/b.png", NULL) == LONGSD_OK);
    longsd_plan *now = reload(&f);
    CHECK_INT(now->n_ideas, 1);
    CHECK_STR(now->ideas[0].idea.id, "end-01");
    CHECK_INT(now->ideas[0].image_state, LONGSD_IMAGE_DONE);
    char *js = longsd_plan_to_json(now);
    CHECK_CONTAINS(js, "\"index\": 1"); /* numbered within its part as written */
    longsd__free(js);
    longsd_plan_free(now);
    /* a later save (the render's last) does not bring it back */
    REQUIRE(longsd_plan_save(f.ctx, f.run, f.path) == LONGSD_OK);
    now = reload(&f);
    CHECK_INT(now->n_ideas, 1);
    longsd_plan_free(now);
    /* once the render is over, the deleted idea leaves the handle too */
    f.run->rendering = 0;
    ls_plan_drop_deleted(f.run);
    CHECK_INT(f.run->n_ideas, 1);
    CHECK_STR(f.run->ideas[0].idea.id, "end-01");
    teardown(&f);
}

TEST(deleted_outside_a_render_leaves_at_once)
{
    fx f;
    setup(&f);
    delete_idea(f.hand, 1);
    hand_saves(&f);
    REQUIRE(longsd_plan_save(f.ctx, f.run, f.path) == LONGSD_OK);
    CHECK_INT(f.run->n_ideas, 1);
    CHECK_STR(f.run->ideas[0].idea.id, "beginning-01");
    teardown(&f);
}

TEST(idea_new_since_the_last_save_is_kept)
{
    /* the file never had it (the run made it after its last save): its
     * absence from the file is no deletion */
    fx f;
    setup(&f);
    delete_idea(f.hand, 1);
    hand_saves(&f);
    f.run->ideas[1].synced = 0;
    REQUIRE(longsd_plan_save(f.ctx, f.run, f.path) == LONGSD_OK);
    longsd_plan *now = reload(&f);
    CHECK_INT(now->n_ideas, 2);
    longsd_plan_free(now);
    teardown(&f);
}

TEST(cast_description_edited_by_hand_survives)
{
    fx f;
    setup(&f);
    set(&f.hand->cast[0].description, "a freckled boy in a straw hat");
    hand_saves(&f);
    REQUIRE(longsd_plan_set_image(f.run, 0, LONGSD_IMAGE_DONE, "images/fence/a.png", NULL) == LONGSD_OK);
    REQUIRE(longsd_plan_save(f.ctx, f.run, f.path) == LONGSD_OK);
    longsd_plan *now = reload(&f);
    CHECK_STR(now->cast[0].description, "a freckled boy in a straw hat");
    CHECK_INT(now->ideas[0].image_state, LONGSD_IMAGE_DONE);
    longsd_plan_free(now);
    CHECK_STR(f.run->cast[0].description, "a freckled boy in a straw hat");
    teardown(&f);
}

TEST(what_the_run_changed_is_not_reverted)
{
    /* the run rewrites idea 0's prompt and Tom's description; the user
     * edits only idea 1's title: each side keeps its own change */
    fx f;
    setup(&f);
    set(&f.hand->ideas[1].idea.title, "The water by hand");
    hand_saves(&f);
    set(&f.run->ideas[0].prompt, "the run's new prompt");
    set(&f.run->cast[0].description, "the run's new description");
    REQUIRE(longsd_plan_save(f.ctx, f.run, f.path) == LONGSD_OK);
    longsd_plan *now = reload(&f);
    CHECK_STR(now->ideas[0].prompt, "the run's new prompt");
    CHECK_STR(now->ideas[1].idea.title, "The water by hand");
    CHECK_STR(now->cast[0].description, "the run's new description");
    longsd_plan_free(now);
    teardown(&f);
}

TEST(both_sides_edited_the_hand_wins)
{
    fx f;
    setup(&f);
    set(&f.hand->ideas[0].prompt, "the user's prompt");
    set(&f.hand->cast[0].description, "the user's description");
    hand_saves(&f);
    set(&f.run->ideas[0].prompt, "the run's prompt");
    set(&f.run->cast[0].description, "the run's description");
    REQUIRE(longsd_plan_save(f.ctx, f.run, f.path) == LONGSD_OK);
    longsd_plan *now = reload(&f);
    CHECK_STR(now->ideas[0].prompt, "the user's prompt");
    CHECK_STR(now->cast[0].description, "the user's description");
    CHECK_INT(now->ideas[0].image_state, LONGSD_IMAGE_PENDING); /* the image shows another prompt */
    longsd_plan_free(now);
    teardown(&f);
}

TEST(merge_counts)
{
    fx f;
    setup(&f);
    delete_idea(f.hand, 0);
    set(&f.hand->ideas[0].idea.scene, "a new scene");
    set(&f.hand->cast[0].description, "tall");
    hand_saves(&f);
    longsd_plan *disk = reload(&f);
    ls_plan_merged m;
    f.run->rendering = 1;
    REQUIRE(ls_plan_merge_edits(f.run, disk, &m) == LONGSD_OK);
    CHECK_INT(m.ideas, 1);
    CHECK_INT(m.deleted, 1);
    CHECK_INT(m.descriptions, 1);
    /* a second merge of the same file changes nothing more */
    REQUIRE(ls_plan_merge_edits(f.run, disk, &m) == LONGSD_OK);
    CHECK_INT(m.deleted, 0);
    CHECK_INT(m.descriptions, 0);
    longsd_plan_free(disk);
    teardown(&f);
}

RUN_TESTS(deleted_idea_stays_deleted, deleted_outside_a_render_leaves_at_once, idea_new_since_the_last_save_is_kept,
          cast_description_edited_by_hand_survives, what_the_run_changed_is_not_reverted,
          both_sides_edited_the_hand_wins, merge_counts)
