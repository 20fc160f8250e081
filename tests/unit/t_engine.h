/* t_engine.h - what the engine tests share: reading a reference tensor,
 * and how far an output is from it. Header-only, like t.h. */
#ifndef T_ENGINE_H
#define T_ENGINE_H

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "safetensors.h"
#include "t.h"

/* Tensor name of file (safetensors, or a GGUF) as f32, malloc'ed (free
 * it); its element count in *n (n may be NULL). A missing tensor is NULL
 * when optional (a fixture written before it existed), else the test
 * stops there and names it; a file that does not open always stops it. */
static inline float *t_load_tensor(const char *file, const char *name, size_t *n, int optional)
{
    sdst_file *f = NULL;
    lserr err = {0};
    if (n)
        *n = 0;
    if (sdst_open(file, &f, &err) != LONGSD_OK) {
        fprintf(stderr, "  %s\n", err.msg);
        REQUIRE(!"the reference file opens");
    }
    const sdst_tensor *t = sdst_find(f, name);
    if (!t) {
        sdst_close(f);
        if (!optional)
            fprintf(stderr, "  %s has no tensor '%s'\n", file, name);
        REQUIRE(optional);
        return NULL;
    }
    float *p = malloc(t->numel * sizeof *p);
    REQUIRE(p && sdst_to_f32(f, t, p, t->numel, &err) == LONGSD_OK);
    if (n)
        *n = t->numel;
    sdst_close(f);
    return p;
}

/* Largest absolute difference over the reference's largest magnitude: the
 * "relative error" the fixtures' tolerances are stated in. A NaN in a
 * counts as an error (the !(e <= d) test). */
static inline double rel_err(const float *a, const float *ref, size_t n)
{
    double d = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)a[i] - ref[i]);
        if (!(e <= d))
            d = e;
        if (fabs(ref[i]) > m)
            m = fabs(ref[i]);
    }
    return m > 0 ? d / m : d;
}

#endif
