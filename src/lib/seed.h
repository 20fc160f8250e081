/* seed.h - the seed of an idea's picture, derived from what the picture
 * depends on: the passage it illustrates and the render settings. Not from
 * the whole text's hash, so an edit elsewhere in the book keeps every other
 * idea's seed (and with it its finished image: same prompt, same seed, same
 * key, nothing redrawn or overwritten). */
#ifndef LONGSD_SEED_H
#define LONGSD_SEED_H

#include <stddef.h>
#include <stdint.h>

/* Seed in 0..2^32-2 from passage[0..n) and the settings; any change to
 * either gives another seed, nothing else does. */
uint32_t ls_idea_seed(const char *passage, size_t n, int width, int height, int steps, float cfg_scale,
                      const char *sampler, const char *style);

/* The seed of candidate picture number draw of an idea whose own seed (draw
 * 0) is base: draw 0 gives base, every other draw an unrelated seed in
 * 0..2^32-2, the same on every machine, so a plan's candidates can always
 * be drawn again. */
uint32_t ls_candidate_seed(uint32_t base, unsigned draw);

#endif
