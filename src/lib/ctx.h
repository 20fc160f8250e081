/* ctx.h - the library context behind longsd_ctx: last error, log and abort
 * callbacks. Internal modules take an lserr* and a log/abort hook through it. */
#ifndef LONGSD_CTX_H
#define LONGSD_CTX_H

#include "longsd.h"
#include "util.h"

struct longsd_ctx {
    lserr err;
    longsd_log_fn log;
    void *log_user;
    longsd_abort_fn abort_fn;
    void *abort_user;
};

void longsd__log(longsd_ctx *ctx, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int longsd__aborted(longsd_ctx *ctx);

#endif
