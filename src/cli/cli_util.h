/* cli_util.h - the leaf of the longsd tool (curl's tool_msgs.h): messages
 * and the small helpers every command shares. It depends on nothing of the
 * tool but the options record, so any command can use it without pulling
 * in another. The tool uses only the public API in include/longsd.h. */
#ifndef LONGSD_CLI_UTIL_H
#define LONGSD_CLI_UTIL_H

#include <stdio.h>

#include "cli_opts.h"

/* ---- messages: errors always, notes unless -q, details with -v. Every
 * line goes through the library's terminal sanitiser (keys redacted,
 * control characters as escapes). */
/* s made safe for a terminal line; borrowed from a ring of 8 per-thread
 * buffers of 16 KiB. */
const char *cli_safe(const char *s);
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_note(const cli_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The library's log lines (user is the cli_opts), one line each. */
void cli_log(void *user, int level, const char *msg);

/* ---- interruption: SIGINT/SIGTERM set a flag the library polls. */
void cli_catch_signals(void);
int cli_interrupted(void *unused);

/* ---- exit status: one rule for every command. A thing the command line
 * names that is not there (a text, a model, a --cast file, an idea) or a
 * bad value is a usage error (2); anything that fails while working is 1. */
int cli_exit_of(longsd_status st);
/* 0 if path (given with option opt, NULL for a positional) is a file;
 * else -1 after "opt path: no such file". NULL path: 0. */
int cli_check_file(const char *opt, const char *path);

/* ---- helpers */
/* "--opt" value as a whole number in lo..hi: 0, or -1 after a usage message. */
int cli_parse_int(const char *opt, const char *s, int lo, int hi, int *out);
int cli_is_file(const char *path);
int cli_is_dir(const char *path);
/* The workspace name of a text: its file stem as a safe, bounded ASCII slug. */
void cli_stem_name(const char *path, char *out, size_t max);
/* s as a JSON string literal on f. */
void cli_json_str(FILE *f, const char *s);
/* Ideas of plan whose image is done. */
size_t cli_count_images(const longsd_plan *plan);

#endif
