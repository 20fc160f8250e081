/* ctx.c - the library context (errors, logging, abort) and the small
 * library-wide public functions. */
#include "ctx.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

longsd_ctx *longsd_ctx_new(void) { return longsd__calloc(1, sizeof(longsd_ctx)); }

void longsd_ctx_free(longsd_ctx *ctx) { longsd__free(ctx); }

void longsd_set_log(longsd_ctx *ctx, longsd_log_fn fn, void *user_data)
{
    ctx->log = fn;
    ctx->log_user = user_data;
}

void longsd_set_abort(longsd_ctx *ctx, longsd_abort_fn fn, void *user_data)
{
    ctx->abort_fn = fn;
    ctx->abort_user = user_data;
}

const char *longsd_errmsg(const longsd_ctx *ctx) { return ctx ? ctx->err.msg : "no context"; }

longsd_status longsd_errcode(const longsd_ctx *ctx) { return ctx ? ctx->err.code : LONGSD_ERR_PARAM; }

void longsd__log(longsd_ctx *ctx, int level, const char *fmt, ...)
{
    if (!ctx || !ctx->log)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ctx->log(ctx->log_user, level, msg);
}

int longsd__aborted(longsd_ctx *ctx) { return ctx && ctx->abort_fn && ctx->abort_fn(ctx->abort_user); }

const char *longsd_version(void) { return LONGSD_VERSION; }

void longsd_free(void *p) { longsd__free(p); }

const char *longsd_strerror(longsd_status code)
{
    switch (code) {
    case LONGSD_OK: return "success";
    case LONGSD_ERR_NOMEM: return "out of memory";
    case LONGSD_ERR_IO: return "file error";
    case LONGSD_ERR_INPUT: return "unusable input text";
    case LONGSD_ERR_ENCODING: return "text is not UTF-8";
    case LONGSD_ERR_TOO_BIG: return "over a size limit";
    case LONGSD_ERR_PLAN: return "malformed plan";
    case LONGSD_ERR_PARAM: return "invalid parameter";
    case LONGSD_ERR_NOT_FOUND: return "not found";
    case LONGSD_ERR_ABORTED: return "aborted";
    case LONGSD_ERR_NO_IDEAS: return "nothing in the text to illustrate";
    case LONGSD_ERR_DOC: return "document error";
    case LONGSD_ERR_UNSUPPORTED: return "not supported";
    case LONGSD_ERR_NETWORK: return "network error";
    case LONGSD_ERR_BACKEND: return "backend error";
    case LONGSD_ERR_MODEL: return "malformed model";
    case LONGSD_ERR_IMAGE: return "malformed image";
    }
    return "unknown error";
}
