/* cli_opts.h - every option of one longsd run in one record (curl's
 * tool_cfgable.h): filled by main.c's parser, read by the commands, freed
 * once. No option lives anywhere else, so a command sees exactly what was
 * given and a test or a second caller can build its own set. */
#ifndef LONGSD_CLI_OPTS_H
#define LONGSD_CLI_OPTS_H

#include "longsd.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

#define CLI_MAX_BACKENDS 64

/* Document options (docx, epub, html, and run's document step). */
typedef struct {
    const char *layout;   /* --layout story|gallery; NULL = story */
    const char *formats;  /* --formats for run: "docx,epub,html", "all"; NULL = "docx,html" */
    int single_file;      /* --single-file: HTML as one file with the images inlined */
    const char *cover;    /* --cover IDEA: the EPUB cover (an idea id); NULL = a title page */
    const char *language; /* --language TAG: overrides the detected language */
} cli_doc_opts;

/* Rendering options (run with --backend, sd). */
typedef struct {
    longsd_backend_spec specs[CLI_MAX_BACKENDS];
    size_t n;
    char *owned[CLI_MAX_BACKENDS * 6 + 8]; /* strings the specs, vae and models point to */
    size_t n_owned;
    int per_backend;        /* --per-backend N (0 = default 1) */
    double timeout_s;       /* --timeout S (0 = default) */
    int max_failures;       /* --max-failures N (0 = default 2) */
    int blank_retries;      /* --blank-retries N, when have_blank_retries (0 is a value: one try) */
    int have_blank_retries;
    int threads;            /* --threads N of the native engine (0 = every core) */
    const char *negative;   /* sd: --negative TEXT */
    long long seed;         /* sd: --seed N; -1 = from the prompt */
    const char *init_image; /* sd: --init-image FILE (img2img) */
    double strength;        /* sd: --strength S; 0 = not given (0.75) */
    const char *vae;        /* --vae taesd=NAME (native backends); a path once resolved */
    int vae_tile;           /* --vae-tiling (512) / --vae-tile PX; 0 = the engine's choice */
    const char *lora_dir;   /* --lora-dir DIR */
    char lora_tags[2048];   /* --lora NAME[:W], as "<lora:NAME:W>" tags */
    longsd_model_params models; /* where native backends find <lora:NAME> (set by cli_models_resolve) */
    int have_models;        /* models is set */
} cli_render_opts;

/* serve's options. */
typedef struct {
    const char *listen;     /* --listen ADDR (NULL = 127.0.0.1) */
    int port;               /* --port N (0 = any free port) */
} cli_serve_opts;

typedef struct {
    const char *workspace;  /* -C */
    int verbosity;          /* -q: -1, default 0, -v: 1+ */
    int json;               /* --json */
    int force;
    const char *output;     /* -o */
    longsd_plan_params plan;
    cli_doc_opts docs;
    cli_render_opts render;
    const char *models_dirs[8]; /* --models-dir, in order */
    int n_models_dirs;
    int download;           /* --download: --model may pull from the hub */
    cli_serve_opts serve;
    const char *size_model; /* no --size: the model whose own size plan.width x height is (else NULL) */
    const char **args;      /* positional arguments after the command (into argv) */
    int n_args;
} cli_opts;

/* The defaults: workspace ".", the library's plan defaults (the size not
 * given), seed -1. */
void cli_opts_init(cli_opts *o);
/* Free what the options own (backend strings, the argument list). */
void cli_opts_free(cli_opts *o);

#endif
