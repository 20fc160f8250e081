/* plan_merge.c - hand edits made to a plan file while a run holds the plan
 * in memory are merged, not overwritten. When this handle reads or writes
 * the file it remembers the file's identity and a hash of what a user edits
 * in it: per idea its title, scene and prompt fields, per character its
 * description. Before a save, a file that changed since is read again and
 * merged three ways: what the file has as it was keeps mine (the run may
 * have changed it), what the user changed is taken, and an idea that was in
 * the file and is gone from it was deleted by the user and stays deleted.
 * The run owns the image states; an idea whose picture-deciding fields were
 * edited goes back to pending, so the next run draws the edited prompt. */
#include <string.h>
#include <sys/stat.h>

#include "plan.h"

static uint64_t hstr(uint64_t h, const char *s)
{
    s = s ? s : "";
    return lsfnv1a64(s, strlen(s) + 1, h); /* with the NUL: "ab","c" != "a","bc" */
}

static uint64_t hnum(uint64_t h, long long v) { return lsfnv1a64(&v, sizeof v, h); }

/* Never 0: 0 means "not on disk". */
static uint64_t nonzero(uint64_t h) { return h ? h : 1; }

static uint64_t idea_hash(const ls_plan_idea *pi)
{
    uint64_t h = LSFNV_SEED;
    h = hstr(h, pi->idea.title);
    h = hstr(h, pi->idea.scene);
    h = hstr(h, pi->prompt);
    h = hstr(h, pi->negative);
    h = hstr(h, pi->sampler);
    if (pi->rng && pi->rng[0]) /* only when set: hashes of plans without it stay */
        h = hstr(h, pi->rng);
    if (pi->init_image) { /* the same for img2img */
        h = hstr(h, pi->init_image);
        h = lsfnv1a64(&pi->strength, sizeof pi->strength, h);
    }
    h = hstr(h, pi->style);
    h = hnum(h, pi->seed);
    h = hnum(h, pi->width);
    h = hnum(h, pi->height);
    h = hnum(h, pi->steps);
    h = hnum(h, pi->tokens);
    h = hnum(h, (long long)pi->chosen); /* a candidate chosen in the file (candidates.c) */
    float cfg = pi->cfg_scale;
    h = lsfnv1a64(&cfg, sizeof cfg, h);
    return nonzero(h);
}

static uint64_t name_hash(const ls_character *c) { return nonzero(hstr(LSFNV_SEED, c->name)); }
static uint64_t desc_hash(const ls_character *c) { return nonzero(hstr(LSFNV_SEED, c->description)); }

void ls_plan_note_disk(longsd_plan *p, const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) {
        p->disk_ino = p->disk_size = p->disk_mtime_ns = -1;
        return;
    }
    if (!p->disk_path || strcmp(p->disk_path, path) != 0) {
        char *c = longsd__strdup(path);
        if (!c)
            return; /* no merge on the next save, the write still happens */
        longsd__free(p->disk_path);
        p->disk_path = c;
    }
    p->disk_ino = (long long)st.st_ino;
    p->disk_size = (long long)st.st_size;
    p->disk_mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    for (size_t i = 0; i < p->n_ideas; i++)
        p->ideas[i].synced = p->ideas[i].deleted ? 0 : idea_hash(&p->ideas[i]);
    ls_plan_synced_cast *cs = p->n_cast ? longsd__realloc(p->cast_synced, p->n_cast * sizeof *cs) : NULL;
    if (p->n_cast && !cs) {
        p->n_cast_synced = 0; /* descriptions edited meanwhile are then not merged */
        return;
    }
    if (!p->n_cast)
        longsd__free(p->cast_synced);
    p->cast_synced = cs;
    p->n_cast_synced = p->n_cast;
    for (size_t i = 0; i < p->n_cast; i++)
        cs[i] = (ls_plan_synced_cast){name_hash(&p->cast[i]), desc_hash(&p->cast[i])};
}

int ls_plan_disk_changed(const longsd_plan *p, const char *path)
{
    struct stat st;
    if (!p->disk_path || !path || strcmp(p->disk_path, path) != 0 || stat(path, &st) != 0)
        return 0;
    return p->disk_ino != (long long)st.st_ino || p->disk_size != (long long)st.st_size ||
           p->disk_mtime_ns != (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

static int str_same(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

/* Replace *dst with a copy of src when they differ; 1 if replaced, -1 on no memory. */
static int take(char **dst, const char *src)
{
    if (str_same(*dst, src))
        return 0;
    char *c = src ? longsd__strdup(src) : NULL;
    if (src && !c)
        return -1;
    longsd__free(*dst);
    *dst = c;
    return 1;
}

/* The user's edits of one idea into mine; 1 if anything changed, -1 on no memory. */
static int take_idea(ls_plan_idea *m, const ls_plan_idea *d)
{
    /* text fields: t = words only, r = what decides the picture */
    int xt = take(&m->idea.title, d->idea.title), xs = take(&m->idea.scene, d->idea.scene);
    int xp = take(&m->prompt, d->prompt), xn = take(&m->negative, d->negative);
    int xa = take(&m->sampler, d->sampler), xy = take(&m->style, d->style);
    int xg = take(&m->rng, d->rng), xi = take(&m->init_image, d->init_image);
    if (xt < 0 || xs < 0 || xp < 0 || xn < 0 || xa < 0 || xy < 0 || xg < 0 || xi < 0)
        return -1;
    int t = xt + xs + xy, r = xp + xn + xa + xg + xi;
    if (m->strength != d->strength) {
        m->strength = d->strength;
        r++;
    }
    /* another candidate chosen by hand (or by `longsd choose` between
     * two saves) among the same draws: take the choice, not its seed
     * alone, so the candidate list stays whole */
    if (d->n_cands && m->n_cands && d->chosen != m->chosen && d->chosen < m->n_cands &&
        m->cands[d->chosen].draw == d->cands[d->chosen].draw) {
        if (ls_cands_choose(m, d->chosen))
            return -1;
        t++;
    }
    if (m->seed != d->seed || m->width != d->width || m->height != d->height || m->steps != d->steps ||
        m->cfg_scale != d->cfg_scale || m->tokens != d->tokens) {
        r += m->seed != d->seed || m->width != d->width || m->height != d->height || m->steps != d->steps ||
             m->cfg_scale != d->cfg_scale;
        m->seed = d->seed;
        m->width = d->width;
        m->height = d->height;
        m->steps = d->steps;
        m->cfg_scale = d->cfg_scale;
        m->tokens = d->tokens;
    }
    if (r && m->image_state == LONGSD_IMAGE_DONE)
        m->image_state = LONGSD_IMAGE_PENDING; /* the picture on disk shows the old prompt */
    return t || r;
}

static longsd_status merge_cast(longsd_plan *mine, const longsd_plan *disk, size_t *n_taken)
{
    /* casts are a few dozen: pairwise by name */
    for (size_t i = 0; i < mine->n_cast; i++) {
        ls_character *m = &mine->cast[i];
        uint64_t nh = name_hash(m), base = 0;
        for (size_t k = 0; k < mine->n_cast_synced && !base; k++)
            if (mine->cast_synced[k].name == nh)
                base = mine->cast_synced[k].description;
        if (!base)
            continue; /* not in the file when we last wrote it: nothing to merge against */
        for (size_t k = 0; k < disk->n_cast; k++) {
            const ls_character *d = &disk->cast[k];
            if (!str_same(d->name, m->name))
                continue;
            if (desc_hash(d) != base) { /* the user changed it in the file */
                int x = take(&m->description, d->description ? d->description : "");
                if (x < 0)
                    return LONGSD_ERR_NOMEM;
                *n_taken += x;
            }
            break;
        }
    }
    return LONGSD_OK;
}

longsd_status ls_plan_merge_edits(longsd_plan *mine, const longsd_plan *disk, ls_plan_merged *merged)
{
    memset(merged, 0, sizeof *merged);
    size_t cap = 16;
    while (cap < 2 * disk->n_ideas)
        cap *= 2;
    size_t *set = longsd__calloc(cap, sizeof *set); /* disk index + 1 by id */
    if (!set)
        return LONGSD_ERR_NOMEM;
    for (size_t i = 0; i < disk->n_ideas; i++) {
        const char *id = disk->ideas[i].idea.id;
        size_t h = (size_t)lsfnv1a64(id, strlen(id), LSFNV_SEED) & (cap - 1);
        while (set[h])
            h = (h + 1) & (cap - 1);
        set[h] = i + 1;
    }
    longsd_status rc = LONGSD_OK;
    for (size_t i = 0; i < mine->n_ideas && !rc; i++) {
        ls_plan_idea *m = &mine->ideas[i];
        if (m->deleted)
            continue;
        const char *id = m->idea.id;
        size_t h = (size_t)lsfnv1a64(id, strlen(id), LSFNV_SEED) & (cap - 1);
        while (set[h] && strcmp(disk->ideas[set[h] - 1].idea.id, id) != 0)
            h = (h + 1) & (cap - 1);
        if (!set[h]) {
            /* in the file when we last wrote it and gone now: the user
             * deleted it. An idea new since then (not synced) stays. */
            if (m->synced) {
                m->deleted = 1;
                merged->deleted++;
            }
            continue;
        }
        const ls_plan_idea *d = &disk->ideas[set[h] - 1];
        if (m->synced && idea_hash(d) == m->synced)
            continue; /* untouched in the file: mine stands, whatever the run changed */
        int x = take_idea(m, d);
        if (x < 0)
            rc = LONGSD_ERR_NOMEM;
        else
            merged->ideas += (size_t)x;
    }
    longsd__free(set);
    if (!rc)
        rc = merge_cast(mine, disk, &merged->descriptions);
    return rc;
}
