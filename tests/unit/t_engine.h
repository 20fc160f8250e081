/* t_engine.h - what the engine tests share: how far an output is from its
 * reference tensor. Header-only, like t.h. */
#ifndef T_ENGINE_H
#define T_ENGINE_H

#include <math.h>
#include <stddef.h>

/* Largest absolute difference over the reference's largest magnitude: the
 * "relative error" the fixtures' tolerances are stated in. A NaN in a
 * counts as an error (the !(e <= d) test). */
static double rel_err(const float *a, const float *ref, size_t n)
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
