/* throttle.h - how often a run saves its plan. Saving writes the whole
 * plan, so a fixed pace makes the saving of a long run grow with the plan
 * times the images (a 2,000-idea run took 205 s when it saved after every
 * image). The pace adapts to what a save costs: the next save is due no
 * sooner than min_s after the last, nor sooner than `factor` times the last
 * save's duration, so saving takes at most about 1/factor of the run
 * whatever the plan's size. The end of a run (and an interrupted run, which
 * ends through the same path) always saves. Every image also has its
 * sidecar, so a run killed between saves loses no work: the next run finds
 * the images. */
#ifndef LONGSD_THROTTLE_H
#define LONGSD_THROTTLE_H

typedef struct {
    double min_s;    /* least seconds between saves */
    double factor;   /* seconds between saves per second a save takes */
    double last;     /* when the last save ended (monotonic s) */
    double cost;     /* how long the last save took (s) */
    int pending;     /* changes not saved yet */
} ls_throttle;

ls_throttle ls_throttle_start(double now, double min_s, double factor);
/* Something changed at now: 1 when a save is due. */
int ls_throttle_due(ls_throttle *t, double now);
/* A save started at start ended at end. */
void ls_throttle_saved(ls_throttle *t, double start, double end);
/* Seconds from the last save before the next may be made. */
double ls_throttle_interval(const ls_throttle *t);

#endif
