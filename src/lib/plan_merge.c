/* plan_merge.c - hand edits made to a plan file while a run holds the plan
 * in memory are merged, not overwritten: before each save, a plan file that
 * changed on disk since this handle last read or wrote it is read again and
 * the fields a user edits (an idea's title, scene and everything of its
 * prompt) are taken from it. The run owns the image states; an idea whose
 * picture-deciding fields were edited goes back to pending, so the next run
 * draws the edited prompt. */
#include <string.h>
#include <sys/stat.h>

#include "plan.h"

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

longsd_status ls_plan_merge_edits(longsd_plan *mine, const longsd_plan *disk, size_t *n_merged)
{
    *n_merged = 0;
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
        const char *id = m->idea.id;
        size_t h = (size_t)lsfnv1a64(id, strlen(id), LSFNV_SEED) & (cap - 1);
        while (set[h] && strcmp(disk->ideas[set[h] - 1].idea.id, id) != 0)
            h = (h + 1) & (cap - 1);
        if (!set[h])
            continue; /* an idea the user deleted stays: the run is drawing it */
        const ls_plan_idea *d = &disk->ideas[set[h] - 1];
        /* text fields: t = words only, r = what decides the picture */
        int xt = take(&m->idea.title, d->idea.title), xs = take(&m->idea.scene, d->idea.scene);
        int xp = take(&m->prompt, d->prompt), xn = take(&m->negative, d->negative);
        int xa = take(&m->sampler, d->sampler), xy = take(&m->style, d->style);
        if (xt < 0 || xs < 0 || xp < 0 || xn < 0 || xa < 0 || xy < 0) {
            rc = LONGSD_ERR_NOMEM;
            break;
        }
        int t = xt + xs + xy, r = xp + xn + xa;
        /* another candidate chosen by hand (or by `longsd choose` between
         * two saves) among the same draws: take the choice, not its seed
         * alone, so the candidate list stays whole */
        if (d->n_cands && m->n_cands && d->chosen != m->chosen && d->chosen < m->n_cands &&
            m->cands[d->chosen].draw == d->cands[d->chosen].draw) {
            if (ls_cands_choose(m, d->chosen)) {
                rc = LONGSD_ERR_NOMEM;
                break;
            }
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
        *n_merged += (t || r);
    }
    longsd__free(set);
    return rc;
}
