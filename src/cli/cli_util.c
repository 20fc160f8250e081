/* cli_util.c - messages and shared helpers of the longsd tool (cli_util.h). */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_util.h"

/* Every message line goes through the library's terminal sanitiser: it
 * quotes servers, LLMs and plans, whose text may hold keys, ESC sequences or
 * a CR/LF that forges a "longsd:" line of its own. */
static void vline(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
    char raw[8192], safe[16384];
    vsnprintf(raw, sizeof raw, fmt, ap);
    fprintf(f, "%s%s\n", prefix, longsd_term_text(raw, safe, sizeof safe, 0));
}

const char *cli_safe(const char *s)
{
    static _Thread_local char ring[8][16384];
    static _Thread_local unsigned next;
    char *b = ring[next++ % 8];
    return longsd_term_text(s ? s : "", b, sizeof ring[0], 0);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(stderr, "longsd: error: ", fmt, ap);
    va_end(ap);
}

void cli_note(const cli_opts *o, const char *fmt, ...)
{
    if (o->verbosity < 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    /* with --json, stdout is for the machine: human notes go to stderr */
    vline(o->json ? stderr : stdout, "", fmt, ap);
    va_end(ap);
}

/* The one piece of process state the tool keeps: a signal handler can only
 * reach a file-scope flag. */
static volatile sig_atomic_t interrupted;
static void on_signal(int sig) { (void)sig; interrupted = 1; }
int cli_interrupted(void *unused) { (void)unused; return interrupted; }

void cli_catch_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void cli_log(void *user, int level, const char *msg)
{
    const cli_opts *o = user;
    if (level == LONGSD_LOG_ERROR)
        fprintf(stderr, "longsd: error: %s\n", cli_safe(msg));
    else if (level == LONGSD_LOG_WARN && o->verbosity >= 0)
        fprintf(stderr, "longsd: warning: %s\n", cli_safe(msg));
    else if (level == LONGSD_LOG_INFO && o->verbosity >= 1)
        fprintf(stderr, "longsd: %s\n", cli_safe(msg));
    else if (level == LONGSD_LOG_DEBUG && o->verbosity >= 2)
        fprintf(stderr, "longsd: debug: %s\n", cli_safe(msg));
}

int cli_parse_int(const char *opt, const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) {
        cli_error("%s: expected a whole number from %d to %d, got \"%s\"", opt, lo, hi, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int cli_is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

int cli_exit_of(longsd_status st)
{
    return st == LONGSD_ERR_PARAM || st == LONGSD_ERR_NOT_FOUND ? EXIT_USAGE : EXIT_RUNTIME;
}

int cli_check_file(const char *opt, const char *path)
{
    if (!path || cli_is_file(path))
        return 0;
    cli_error("%s%s%s: no such file", opt ? opt : "", opt ? " " : "", path);
    return -1;
}

int cli_is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The workspace name of a text: its file stem reduced to a safe, bounded
 * ASCII slug, so nothing raw from a file name reaches our output paths. */
void cli_stem_name(const char *path, char *out, size_t max)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char stem[256];
    snprintf(stem, sizeof stem, "%.*s", (int)(sizeof stem - 1), base);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem && strcmp(dot, ".txt") == 0)
        *dot = '\0';
    size_t o = 0;
    int dash = 0;
    for (const unsigned char *p = (const unsigned char *)stem; *p && o + 2 < max; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_';
        if (ok) {
            if (dash && o)
                out[o++] = '-';
            dash = 0;
            out[o++] = (char)*p;
        } else { /* anything else, UTF-8 included, becomes one '-' */
            dash = 1;
        }
    }
    out[o] = '\0';
    if (!o)
        snprintf(out, max, "text");
}

void cli_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

size_t cli_count_images(const longsd_plan *plan)
{
    size_t n = 0;
    for (size_t i = 0; i < longsd_plan_n_ideas(plan); i++) {
        longsd_idea_info ii;
        longsd_plan_idea(plan, i, &ii);
        n += ii.image_state == LONGSD_IMAGE_DONE;
    }
    return n;
}

