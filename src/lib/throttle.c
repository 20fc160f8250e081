/* throttle.c - the adaptive pace of plan saves (throttle.h). */
#include "throttle.h"

ls_throttle ls_throttle_start(double now, double min_s, double factor)
{
    return (ls_throttle){.min_s = min_s, .factor = factor, .last = now, .cost = 0, .pending = 0};
}

double ls_throttle_interval(const ls_throttle *t)
{
    double adaptive = t->factor * t->cost;
    return adaptive > t->min_s ? adaptive : t->min_s;
}

int ls_throttle_due(ls_throttle *t, double now)
{
    t->pending = 1;
    return now - t->last >= ls_throttle_interval(t);
}

void ls_throttle_saved(ls_throttle *t, double start, double end)
{
    t->cost = end > start ? end - start : 0;
    t->last = end;
    t->pending = 0;
}
