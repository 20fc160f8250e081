/* fuzz_plan.c - plan files are user-editable: parse arbitrary bytes as a plan,
 * and when they parse, serialise and parse again (must round-trip). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lserr err;
    longsd_plan *p = NULL;
    if (ls_plan_parse("fuzz.json", (const char *)data, size, &p, &err) != LONGSD_OK)
        return 0;
    char *js = longsd_plan_to_json(p);
    if (js) {
        longsd_plan *q = NULL;
        if (ls_plan_parse("again.json", js, strlen(js), &q, &err) != LONGSD_OK)
            abort(); /* what we write, we must read */
        char *js2 = longsd_plan_to_json(q);
        if (js2 && strcmp(js, js2) != 0)
            abort();
        longsd__free(js2);
        longsd_plan_free(q);
    }
    longsd__free(js);
    longsd_plan_free(p);
    return 0;
}
