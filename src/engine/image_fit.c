/* image_fit.c - scale-to-cover and centre-crop of an init image (see
 * image_fit.h). Separable triangle filter: for each output column the
 * taps over the source columns are computed once, the same for rows. */
#include "image_fit.h"

#include <math.h>
#include <string.h>

#include "util.h"

typedef struct {
    int first, n; /* source index of the first tap, number of taps */
    int off;      /* into the weight array */
} taps;

/* Taps of dn outputs over sn inputs at scale s, output 0 starting at
 * source offset o (in scaled pixels). */
static float *make_taps(int sn, int dn, double s, double o, taps *t)
{
    double support = s < 1.0 ? 1.0 / s : 1.0;
    int maxn = (int)ceil(2 * support) + 2;
    float *w = longsd__malloc((size_t)dn * maxn * sizeof *w);
    if (!w)
        return NULL;
    for (int i = 0; i < dn; i++) {
        double c = (i + 0.5 + o) / s; /* the centre, in source pixel edges */
        int lo = (int)floor(c - support), hi = (int)ceil(c + support);
        lo = lo < 0 ? 0 : lo;
        hi = hi > sn ? sn : hi;
        double sum = 0;
        int n = 0;
        float *wi = w + (size_t)i * maxn;
        for (int k = lo; k < hi && n < maxn; k++) {
            double d = fabs((k + 0.5 - c) / support), v = d < 1.0 ? 1.0 - d : 0.0;
            wi[n++] = (float)v;
            sum += v;
        }
        if (sum <= 0) { /* a centre between taps that all weigh 0: nearest pixel */
            int k = (int)floor(c);
            k = k < 0 ? 0 : k >= sn ? sn - 1 : k;
            lo = k;
            n = 1;
            wi[0] = 1.0f;
            sum = 1.0;
        }
        for (int k = 0; k < n; k++)
            wi[k] = (float)(wi[k] / sum);
        t[i] = (taps){lo, n, i * maxn};
    }
    return w;
}

int sdimg_fit(const uint8_t *rgb, int sw, int sh, int dw, int dh, float *out)
{
    size_t dhw = (size_t)dw * dh;
    if (sw == dw && sh == dh) {
        for (size_t k = 0; k < dhw; k++)
            for (int c = 0; c < 3; c++)
                out[c * dhw + k] = 2.0f * ((float)rgb[3 * k + c] / 255.0f) - 1.0f;
        return 0;
    }
    double sx = (double)dw / sw, sy = (double)dh / sh, s = sx > sy ? sx : sy;
    double ox = (sw * s - dw) / 2, oy = (sh * s - dh) / 2;
    int rc = -1;
    taps *tx = longsd__malloc((size_t)dw * sizeof *tx), *ty = longsd__malloc((size_t)dh * sizeof *ty);
    float *wx = NULL, *wy = NULL, *tmp = NULL;
    if (!tx || !ty || !(wx = make_taps(sw, dw, s, ox, tx)) || !(wy = make_taps(sh, dh, s, oy, ty)) ||
        !(tmp = longsd__malloc((size_t)sh * dw * 3 * sizeof *tmp)))
        goto out;
    for (int y = 0; y < sh; y++) /* rows: (sh, dw, 3) */
        for (int x = 0; x < dw; x++) {
            float acc[3] = {0, 0, 0};
            const float *w = wx + tx[x].off;
            for (int k = 0; k < tx[x].n; k++) {
                const uint8_t *p = rgb + ((size_t)y * sw + tx[x].first + k) * 3;
                for (int c = 0; c < 3; c++)
                    acc[c] += w[k] * p[c];
            }
            memcpy(tmp + ((size_t)y * dw + x) * 3, acc, sizeof acc);
        }
    for (int y = 0; y < dh; y++) /* columns, into (3, dh, dw) */
        for (int x = 0; x < dw; x++) {
            float acc[3] = {0, 0, 0};
            const float *w = wy + ty[y].off;
            for (int k = 0; k < ty[y].n; k++) {
                const float *p = tmp + ((size_t)(ty[y].first + k) * dw + x) * 3;
                for (int c = 0; c < 3; c++)
                    acc[c] += w[k] * p[c];
            }
            for (int c = 0; c < 3; c++) {
                float v = acc[c] / 255.0f;
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                out[c * dhw + (size_t)y * dw + x] = 2.0f * v - 1.0f;
            }
        }
    rc = 0;
out:
    longsd__free(tx);
    longsd__free(ty);
    longsd__free(wx);
    longsd__free(wy);
    longsd__free(tmp);
    return rc;
}
