/* main.c - longsd's entry point: global and per-command options, --help for
 * every command, dispatch. Exit 0 success, 1 runtime failure, 2 usage error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_docs.h"
#include "cmd_models.h"
#include "render.h"

typedef struct {
    const char *name;
    int (*fn)(longsd_ctx *, cli_opts *);
    int min_args, max_args;
    const char *usage;
    const char *help;
} command;

/* Each document option once, so every command lists exactly those it uses. */
#define OPT_LAYOUT_HELP                                                                                 \
    "  --layout story|gallery  story: the whole text, each image after its passage, prompts in an\n"     \
    "                        appendix (default); gallery: per part the images and their prompts\n"
#define OPT_SINGLE_HELP "  --single-file         HTML as one file with the images inlined (html/<name>.html)\n"
#define OPT_COVER_HELP                                                                                   \
    "  --cover IDEA          EPUB cover: the image of that idea (e.g. beginning-01); default, or while\n" \
    "                        that idea has no image yet, a title page\n"
#define OPT_LANGUAGE_HELP "  --language TAG        declare this language (en, de, pt-BR) instead of the detected one\n"
#define DOC_OPTS OPT_LAYOUT_HELP OPT_SINGLE_HELP OPT_COVER_HELP OPT_LANGUAGE_HELP

#define PLAN_OPTS                                                                                      \
    "  --parts N             split into N parts balanced by words (default 3: beginning, middle, end)\n" \
    "  --by-chapter          one part per chapter instead\n"                                            \
    "  --ideas-per-part K    ideas per part (default 5)\n"                                              \
    "  --style NAME          prompt style preset (default artstation; `longsd styles` lists them)\n"    \
    "  --styles FILE         JSON file of your own presets ({\"styles\": [{\"name\", \"suffix\", ...}]})\n" \
    "  --prompt-chunks N     allow prompts of N x 75 CLIP tokens joined with BREAK, for AUTOMATIC1111\n"  \
    "                        (default 1: one 77-token window, what every backend reads)\n"                  \
    "  --cast FILE           JSON file of character descriptions ({\"Tom\": \"a barefoot boy ...\"})\n" \
    "  --size WxH            image size; default: a plan's own, else the model's (--model/native: SD 1.x\n"\
    "                        768x512, SD 2 768-v 960x640, SDXL 1216x832, SD-Turbo and SDXL-Turbo\n"      \
    "                        640x448; `longsd models` shows it), else 768x512\n"                        \
    "  --steps N             sampling steps recorded for rendering (default 30)\n"                      \
    "  --cfg X               guidance scale (default 7)\n"                                              \
    "  --sampler NAME        sampler name (default \"Euler a\")\n"                                      \
    "  --lora NAME[:W]       add <lora:NAME:W> to every prompt (repeatable; NAME a file, a hub repo id, or a\n" \
    "                        LoRA in --lora-dir or the model folders, found as --model finds models)\n" \
    "  --rng native|cpu|cuda noise of a seed: the engine's own (default), torch's CPU generator, or NVIDIA GPU noise (A1111 \"NV\")\n" \
    "  --force               redo every stage even if nothing changed\n"                                 \
    "  --llm builtin|openai  who finds ideas and cast (default builtin; openai: any OpenAI-compatible server)\n" \
    "  --llm-url URL         its base URL (default $OPENAI_BASE_URL, else https://api.openai.com/v1)\n" \
    "  --llm-model NAME      model (default gpt-4o-mini); the key comes from $OPENAI_API_KEY\n"      \
    "  --llm-context N       the model's context window in tokens (default 8192)\n"                  \
    "  --llm-parallel N      requests in flight (default 4)\n"                                       \
    "  --no-cache            neither read nor write the LLM reply cache\n"                           \
    "  --prompt-writer rules|llm  who writes prompt-English (default rules)\n"

#define RENDER_OPTS                                                                                       \
    "  --backend KIND=URL    an image server: a1111 (also forge, sdnext, sdcpp), comfyui, openai;\n"       \
    "                        or native=PATH: the built-in engine on a diffusers folder or .safetensors\n"   \
    "                        repeat for a pool; extras after a space: jobs=N model=NAME workflow=FILE\n"   \
    "                        key_env=VAR (e.g. --backend \"comfyui=http://gpu1:8188 workflow=wf.json\")\n" \
    "  --threads N           threads of each native job (default: the cores shared among its jobs)\n"      \
    "  --vae taesd=NAME      native: decode with TAESD (an AutoencoderTiny folder, taesd_decoder.safetensors,\n" \
    "                        a hub repo id such as madebyollin/taesd, or a VAE name in the model folders):\n" \
    "                        ~1/18 of the VAE decoder's work\n"                                       \
    "  --vae-tiling          native: the VAE decodes in overlapping 512 px tiles (bounded memory,\n"    \
    "                        slightly different pixels); without it, only above 1.5 x 512^2 pixels\n"  \
    "  --vae-tile PX         the same with tiles of PX pixels (a multiple of 8, 64 or more)\n"             \
    "  --backends FILE       read backends from FILE, one KIND=URL [extras] per line\n"                   \
    "  --per-backend N       concurrent jobs on each backend (default 1)\n"                              \
    "  --timeout S           seconds one request may take (default 300)\n"                              \
    "  --max-failures N      failed jobs in a row that set a backend aside for a while (default 2)\n"  \
    "  --blank-retries N     new seeds tried for a blank (safety-filtered) image, 0 to 20 (default 2)\n" \
    "  --lora-dir DIR        native: searched first for <lora:NAME:W> (NAME.safetensors, then any LoRA by name)\n"                  \
    "  --model NAME          the native engine on NAME: a path, a hub repo id (org/name[@rev]) or a\n"    \
    "                        model in a known folder (see `longsd models`); also --backend native=NAME\n"\
    "  --models-dir DIR      search DIR first (A1111 or ComfyUI folder, or a folder of models)\n"        \
    "  --download            let --model download a hub repo missing from the cache\n"

static const command commands[] = {
    {"run", cmd_run, 1, 100000, "longsd run [options] <file|name|folder>...",
     "Take a text to a plan, prompts and documents. <name> means texts/<name>.txt in the workspace.\n"
     "Writes image_prompts/<name>.json and the documents (docx/<name>.docx, html/<name>/index.html,\n"
     "epub/<name>.epub). A re-run with the same inputs redoes nothing.\n"
     "With --backend, every idea without a valid image is rendered into images/<name>/ first and the\n"
     "documents embed the images; a re-run skips images already done, --force redraws them.\n"
     "Several texts (or a folder: its *.txt files) make a batch: every book is planned, the images of all\n"
     "of them go through one pool of backends at once, each book gets its documents, and one table sums\n"
     "it up. Run the same command again to resume an interrupted batch.\n\n"
     "Options:\n" PLAN_OPTS
     "  --formats LIST        documents to write: docx,epub,html or all (default docx,html)\n"
     "  --candidates N        N candidate pictures per idea (seeds derived, the first chosen; `longsd choose`)\n"
     DOC_OPTS RENDER_OPTS},
    {"ideas", cmd_ideas, 1, 1, "longsd ideas [options] <file|name>",
     "Split the text into parts, find the cast and the illustration ideas; update the plan; print them.\n\n"
     "Options:\n" PLAN_OPTS},
    {"prompts", cmd_prompts, 1, 1, "longsd prompts [options] <file|name>",
     "Like `ideas`, then write each idea as prompt-English (style, 77-token budget, seed); print them.\n\n"
     "Options:\n" PLAN_OPTS},
    {"docx", cmd_docs_docx, 1, 1, "longsd docx [--layout story|gallery] [-o FILE] <name|plan.json>",
     "Re-assemble the DOCX from the plan and the images on disk (the original's dump_docx.py).\n\n"
     "Options:\n"
     "  -o, --output FILE     where to write it (default docx/<name>.docx in the workspace)\n" OPT_LAYOUT_HELP
         OPT_LANGUAGE_HELP},
    {"epub", cmd_epub, 1, 1, "longsd epub [--layout story|gallery] [--cover IDEA] [-o FILE] <name|plan.json>",
     "Re-assemble the EPUB 3 book from the plan and the images on disk.\n\n"
     "Options:\n"
     "  -o, --output FILE     where to write it (default epub/<name>.epub in the workspace)\n" OPT_LAYOUT_HELP
         OPT_COVER_HELP OPT_LANGUAGE_HELP},
    {"html", cmd_html, 1, 1, "longsd html [--layout story|gallery] [--single-file] [-o PATH] <name|plan.json>",
     "Re-assemble the HTML page from the plan and the images on disk: a folder with index.html and\n"
     "images/ (replaced as a whole), or with --single-file one .html file with the images inlined.\n\n"
     "Options:\n"
     "  -o, --output PATH     the folder (or file) to write (default html/<name> or html/<name>.html)\n"
         OPT_LAYOUT_HELP OPT_SINGLE_HELP OPT_LANGUAGE_HELP},
    {"sd", cmd_sd, 1, 1, "longsd sd [options] \"prompt\" [-o out.png]",
     "Render one prompt to one image on the given backend(s), with the PNG \"parameters\" chunk and a\n"
     "JSON sidecar (out.json).\n\n"
     "Options:\n"
     "  -o, --output FILE     the image to write (default out.png)\n"
     "  --negative TEXT       negative prompt\n"
     "  --seed N              seed (default: derived from the prompt)\n"
     "  --init-image FILE     img2img: start from this PNG (scaled to cover the size, centre-cropped;\n"
     "                        native backends)\n"
     "  --strength S          img2img: share of the steps run on it, in (0, 1] (default 0.75)\n"
     "  --size WxH, --steps N, --cfg X, --sampler NAME, --rng NAME   as for run\n"
     "  --candidates N        N images: out.png, then out-c1.png ... with seeds derived from the first\n"
     RENDER_OPTS},
    {"choose", cmd_choose, 3, 3, "longsd choose <name|plan.json> <idea> <n>",
     "Make candidate n (from 1) the chosen picture of an idea (its id, e.g. middle-03, or its number\n"
     "from 1). The documents show the chosen picture: `longsd run` (or docx/epub/html) rewrites them.\n"},
    {"serve", cmd_serve, 0, 8, "longsd serve [--listen ADDR] [--port N] [options] [name...]",
     "A local web page to see every idea beside its passage, choose among candidates, re-roll, edit\n"
     "prompts and cast descriptions, re-render and export. Serves the named books (default: every plan\n"
     "in image_prompts/) of the workspace; prints the URL with its access token.\n\n"
     "Options:\n"
     "  --listen ADDR         address to listen on (default 127.0.0.1: this machine only)\n"
     "  --port N              port (default: a free one)\n"
     "  --candidates N        candidates a re-roll draws (default: as the idea has, at least 4)\n"
     RENDER_OPTS},
    {"models", cmd_models, 0, 0, "longsd models [--models-dir DIR] [--json]",
     "List the models found: --models-dir folders, $LONGSD_MODELS, the Hugging Face cache, and\n"
     "stable-diffusion-webui / ComfyUI (with its extra_model_paths.yaml) in ./ and ~/.\n"
     "Shows each model's name (what --model accepts), kind, family, size, the image size it draws without --size, source and path.\n\n"
     "Options:\n"
     "  --models-dir DIR      search DIR first (repeat for more)\n"
     "  --json                the list as JSON\n"},
    {"pull", cmd_pull, 1, 1, "longsd pull <org/name[@revision]>",
     "Download a model from the Hugging Face hub ($HF_ENDPOINT) into the Hugging Face cache\n"
     "($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub) in the layout huggingface_hub uses:\n"
     "the files a pipeline needs only, fp16 .safetensors first, resumable, each file checked against\n"
     "the hub's sha256 before it is kept. $HF_TOKEN opens gated repos (sent to the hub host only).\n"
     "Prints the snapshot folder.\n"},
    {"styles", cmd_styles, 0, 0, "longsd styles [--styles FILE]",
     "List the prompt style presets (built-in, and those of --styles FILE).\n\n"
     "Options:\n"
     "  --styles FILE         also list the presets of this JSON file ({\"styles\": [{\"name\", \"suffix\", ...}]})\n"},
};

static void usage_main(FILE *f)
{
    fprintf(f, "usage: longsd [-C DIR] [-q|-v] [--json] <command> [options] [args]\n\n"
               "longsd turns a long text into illustration ideas, Stable Diffusion prompts and documents.\n\n"
               "Commands:\n"
               "  run <file|name>       text -> plan -> prompts -> documents (the whole job)\n"
               "  ideas <file|name>     parts, cast and ideas only\n"
               "  prompts <file|name>   ideas and their prompt-English\n"
               "  docx <name>           re-assemble the DOCX from the plan and images\n"
               "  epub <name>           re-assemble the EPUB 3 book\n"
               "  html <name>           re-assemble the HTML page (folder, or --single-file)\n"
               "  sd \"prompt\"           render one prompt to one image (needs --backend)\n"
               "  styles                list style presets\n"
               "  choose <name> <idea> <n>  make candidate n the chosen picture of an idea\n"
               "  serve [name...]       a local page to curate the pictures\n"
               "  models                list the models found (Hugging Face cache, A1111, ComfyUI)\n"
               "  pull org/name         download a model from the Hugging Face hub\n\n"
               "Global options:\n"
               "  -C DIR                workspace folder (default: the current one)\n"
               "  -q, --quiet           errors only\n"
               "  -v, --verbose         more detail\n"
               "  --json                machine-readable output on stdout\n"
               "  --version             print the version\n"
               "  -h, --help            help (also `longsd <command> --help`)\n\n"
               "Example: longsd -C examples run tom-sawyer-fence\n");
}

enum {
    OPT_PARTS = 256, OPT_BY_CHAPTER, OPT_IDEAS, OPT_STYLE, OPT_STYLES, OPT_CAST, OPT_SIZE, OPT_STEPS, OPT_CFG,
    OPT_SAMPLER, OPT_RNG, OPT_LORA, OPT_LORA_DIR, OPT_FORCE, OPT_JSON, OPT_VERSION, OPT_LAYOUT, OPT_FORMATS, OPT_SINGLE_FILE, OPT_COVER,
    OPT_LANGUAGE,
    OPT_LLM, OPT_LLM_URL, OPT_LLM_MODEL, OPT_LLM_CONTEXT, OPT_LLM_PARALLEL, OPT_NO_CACHE, OPT_PROMPT_WRITER,
    OPT_BACKEND, OPT_BACKENDS, OPT_PER_BACKEND, OPT_TIMEOUT, OPT_MAX_FAILURES, OPT_BLANK_RETRIES, OPT_NEGATIVE, OPT_SEED, OPT_THREADS,
    OPT_INIT_IMAGE, OPT_STRENGTH,
    OPT_VAE, OPT_VAE_TILING, OPT_VAE_TILE,
    OPT_PROMPT_CHUNKS, OPT_MODEL, OPT_MODELS_DIR, OPT_DOWNLOAD, OPT_CANDIDATES, OPT_LISTEN, OPT_PORT
};

/* Fill o from argv: -1 to go on with *cmdname (NULL if none), else the exit
 * status to stop with (--version, a usage error). */
static int parse_args(int argc, char **argv, cli_opts *o, const char **cmdname_out, int *want_help_out)
{
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},          {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},       {"output", required_argument, 0, 'o'},
        {"json", no_argument, 0, OPT_JSON},     {"version", no_argument, 0, OPT_VERSION},
        {"parts", required_argument, 0, OPT_PARTS}, {"by-chapter", no_argument, 0, OPT_BY_CHAPTER},
        {"ideas-per-part", required_argument, 0, OPT_IDEAS}, {"style", required_argument, 0, OPT_STYLE},
        {"styles", required_argument, 0, OPT_STYLES}, {"cast", required_argument, 0, OPT_CAST},
        {"size", required_argument, 0, OPT_SIZE}, {"steps", required_argument, 0, OPT_STEPS},
        {"cfg", required_argument, 0, OPT_CFG},   {"sampler", required_argument, 0, OPT_SAMPLER},
        {"rng", required_argument, 0, OPT_RNG}, {"lora", required_argument, 0, OPT_LORA},
        {"lora-dir", required_argument, 0, OPT_LORA_DIR},
        {"force", no_argument, 0, OPT_FORCE},     {"layout", required_argument, 0, OPT_LAYOUT},
        {"formats", required_argument, 0, OPT_FORMATS}, {"single-file", no_argument, 0, OPT_SINGLE_FILE},
        {"cover", required_argument, 0, OPT_COVER}, {"language", required_argument, 0, OPT_LANGUAGE},
        {"llm", required_argument, 0, OPT_LLM}, {"llm-url", required_argument, 0, OPT_LLM_URL},
        {"llm-model", required_argument, 0, OPT_LLM_MODEL}, {"llm-context", required_argument, 0, OPT_LLM_CONTEXT},
        {"llm-parallel", required_argument, 0, OPT_LLM_PARALLEL}, {"no-cache", no_argument, 0, OPT_NO_CACHE},
        {"prompt-writer", required_argument, 0, OPT_PROMPT_WRITER},
        {"prompt-chunks", required_argument, 0, OPT_PROMPT_CHUNKS},
        {"backend", required_argument, 0, OPT_BACKEND}, {"backends", required_argument, 0, OPT_BACKENDS},
        {"threads", required_argument, 0, OPT_THREADS}, {"vae", required_argument, 0, OPT_VAE},
        {"vae-tiling", no_argument, 0, OPT_VAE_TILING}, {"vae-tile", required_argument, 0, OPT_VAE_TILE},
        {"per-backend", required_argument, 0, OPT_PER_BACKEND}, {"timeout", required_argument, 0, OPT_TIMEOUT},
        {"max-failures", required_argument, 0, OPT_MAX_FAILURES},
        {"blank-retries", required_argument, 0, OPT_BLANK_RETRIES},
        {"negative", required_argument, 0, OPT_NEGATIVE}, {"seed", required_argument, 0, OPT_SEED},
        {"init-image", required_argument, 0, OPT_INIT_IMAGE}, {"strength", required_argument, 0, OPT_STRENGTH},
        {"model", required_argument, 0, OPT_MODEL}, {"models-dir", required_argument, 0, OPT_MODELS_DIR},
        {"download", no_argument, 0, OPT_DOWNLOAD},
        {"candidates", required_argument, 0, OPT_CANDIDATES}, {"listen", required_argument, 0, OPT_LISTEN},
        {"port", required_argument, 0, OPT_PORT},
        {0, 0, 0, 0},
    };
    int want_help = 0, c;
    const char *cmdname = NULL;
    opterr = 0;
    /* "-" hands positionals back in order (code 1), so options may stand before
     * or after the command: `longsd -C ws run --force x` */
    {
        while ((c = getopt_long(argc, argv, "-hqvC:o:", longopts, NULL)) != -1) {
            switch (c) {
            case 1: /* the command, then its arguments */
                if (!cmdname)
                    cmdname = optarg;
                else
                    o->args[o->n_args++] = optarg; /* room for argc */
                break;
            case 'h': want_help = 1; break;
            case 'q': o->verbosity = -1; break;
            case 'v': if (o->verbosity >= 0) o->verbosity++; break;
            case 'C': o->workspace = optarg; break;
            case 'o': o->output = optarg; break;
            case OPT_JSON: o->json = 1; break;
            case OPT_VERSION:
                printf("longsd %s\n", longsd_version());
                return EXIT_OK;
            case OPT_PARTS:
                if (cli_parse_int("--parts", optarg, 1, 100, &o->plan.n_parts)) return EXIT_USAGE;
                break;
            case OPT_BY_CHAPTER: o->plan.by_chapter = 1; break;
            case OPT_IDEAS:
                if (cli_parse_int("--ideas-per-part", optarg, 1, 50, &o->plan.ideas_per_part)) return EXIT_USAGE;
                break;
            case OPT_STYLE: o->plan.style = optarg; break;
            case OPT_STYLES: o->plan.styles_file = optarg; break;
            case OPT_CAST: o->plan.cast_file = optarg; break;
            case OPT_PROMPT_CHUNKS:
                if (cli_parse_int("--prompt-chunks", optarg, 1, 8, &o->plan.prompt_chunks)) return EXIT_USAGE;
                break;
            case OPT_SIZE: {
                int w, h, n = 0;
                if (sscanf(optarg, "%dx%d%n", &w, &h, &n) != 2 || optarg[n] || w < 64 || h < 64 || w > 4096 ||
                    h > 4096 || w % 8 || h % 8) {
                    cli_error("--size: expected WxH with multiples of 8 from 64 to 4096 (e.g. 768x512), got \"%s\"",
                              optarg);
                    return EXIT_USAGE;
                }
                o->plan.width = w;
                o->plan.height = h;
                o->plan.size_given = 1; /* the user's choice: neither the model's nor the plan's */
                break;
            }
            case OPT_STEPS:
                if (cli_parse_int("--steps", optarg, 1, 1000, &o->plan.steps)) return EXIT_USAGE;
                break;
            case OPT_CFG: {
                char *end;
                double v = strtod(optarg, &end);
                if (!*optarg || *end || !(v >= 0 && v <= 100)) {
                    cli_error("--cfg: expected a number from 0 to 100, got \"%s\"", optarg);
                    return EXIT_USAGE;
                }
                o->plan.cfg_scale = (float)v;
                break;
            }
            case OPT_SAMPLER: o->plan.sampler = optarg; break;
            case OPT_LORA: {
                /* NAME[:W]: the tag A1111 reads, so every backend gets the same prompt */
                char *tags = o->render.lora_tags, *colon = strrchr(optarg, ':');
                char *end = NULL;
                if (colon)
                    strtod(colon + 1, &end);
                if (!optarg[0] || optarg[0] == ':' || strchr(optarg, '>') || (colon && (end == colon + 1 || *end))) {
                    cli_error("--lora: \"%s\" is not NAME or NAME:WEIGHT", optarg);
                    return EXIT_USAGE;
                }
                size_t used = strlen(tags);
                int n = snprintf(tags + used, sizeof o->render.lora_tags - used, "%s<lora:%s>", used ? " " : "",
                                 optarg);
                if (n < 0 || (size_t)n >= sizeof o->render.lora_tags - used) {
                    cli_error("--lora: too many LoRAs");
                    return EXIT_USAGE;
                }
                o->plan.lora_tags = tags;
                break;
            }
            case OPT_LORA_DIR: o->render.lora_dir = optarg; break;
            case OPT_RNG: {
                longsd_rng r;
                if (longsd_rng_from_name(optarg, &r) != 0) {
                    cli_error("--rng: \"%s\" is not native, cpu or cuda", optarg);
                    return EXIT_USAGE;
                }
                o->plan.rng = longsd_rng_name(r);
                break;
            }
            case OPT_FORCE: o->force = o->plan.force = 1; break;
            case OPT_THREADS:
                if (cli_parse_int("--threads", optarg, 1, 256, &o->render.threads)) return EXIT_USAGE;
                break;
            case OPT_VAE_TILING:
                if (!o->render.vae_tile) /* --vae-tile PX, before or after, says the size */
                    o->render.vae_tile = 512;
                break;
            case OPT_VAE_TILE:
                if (cli_parse_int("--vae-tile", optarg, 64, 8192, &o->render.vae_tile)) return EXIT_USAGE;
                if (o->render.vae_tile % 8) {
                    cli_error("--vae-tile: %d is not a multiple of 8 (the VAE's scale): e.g. %d", o->render.vae_tile,
                              o->render.vae_tile / 8 * 8 < 64 ? 64 : o->render.vae_tile / 8 * 8);
                    return EXIT_USAGE;
                }
                break;
            case OPT_VAE:
                if (strncmp(optarg, "taesd=", 6) != 0 || !optarg[6]) {
                    cli_error("--vae: expected taesd=NAME (a TAESD folder, taesd_decoder.safetensors or a hub repo id), got \"%s\"",
                              optarg);
                    return EXIT_USAGE;
                }
                o->render.vae = optarg;
                break;
            case OPT_BACKEND:
                if (cli_render_add_backend(&o->render, optarg)) return EXIT_USAGE;
                break;
            case OPT_BACKENDS:
                if (cli_render_load_backends(&o->render, optarg)) return EXIT_USAGE;
                break;
            case OPT_PER_BACKEND:
                if (cli_parse_int("--per-backend", optarg, 1, 64, &o->render.per_backend)) return EXIT_USAGE;
                break;
            case OPT_MAX_FAILURES:
                if (cli_parse_int("--max-failures", optarg, 1, 100, &o->render.max_failures)) return EXIT_USAGE;
                break;
            case OPT_BLANK_RETRIES:
                if (cli_parse_int("--blank-retries", optarg, 0, 20, &o->render.blank_retries)) return EXIT_USAGE;
                o->render.have_blank_retries = 1;
                break;
            case OPT_TIMEOUT: {
                char *end;
                double v = strtod(optarg, &end);
                if (!*optarg || *end || !(v > 0 && v <= 86400)) {
                    cli_error("--timeout: expected seconds from 0 to 86400, got \"%s\"", optarg);
                    return EXIT_USAGE;
                }
                o->render.timeout_s = v;
                break;
            }
            case OPT_NEGATIVE: o->render.negative = optarg; break;
            case OPT_INIT_IMAGE: o->render.init_image = optarg; break;
            case OPT_STRENGTH: {
                char *end;
                double v = strtod(optarg, &end);
                if (!*optarg || *end || !(v > 0 && v <= 1)) {
                    cli_error("--strength: expected a number in (0, 1] (the share of the steps run on the init "
                              "image: 0.3 keeps it close, 1 redraws it), got \"%s\"",
                              optarg);
                    return EXIT_USAGE;
                }
                o->render.strength = v;
                break;
            }
            case OPT_MODEL:
                if (cli_render_add_model(&o->render, optarg)) return EXIT_USAGE;
                break;
            case OPT_MODELS_DIR:
                if (o->n_models_dirs >= (int)(sizeof o->models_dirs / sizeof o->models_dirs[0])) {
                    cli_error("--models-dir: at most %zu folders", sizeof o->models_dirs / sizeof o->models_dirs[0]);
                    return EXIT_USAGE;
                }
                o->models_dirs[o->n_models_dirs++] = optarg;
                break;
            case OPT_DOWNLOAD: o->download = 1; break;
            case OPT_SEED: {
                char *end;
                long long v = strtoll(optarg, &end, 10);
                if (!*optarg || *end || v < 0 || v > 4294967295LL) {
                    cli_error("--seed: expected a whole number from 0 to 4294967295, got \"%s\"", optarg);
                    return EXIT_USAGE;
                }
                o->render.seed = v;
                break;
            }
            case OPT_CANDIDATES:
                if (cli_parse_int("--candidates", optarg, 1, 16, &o->plan.candidates)) return EXIT_USAGE;
                break;
            case OPT_LISTEN: o->serve.listen = optarg; break;
            case OPT_PORT:
                if (cli_parse_int("--port", optarg, 1, 65535, &o->serve.port)) return EXIT_USAGE;
                break;
            case OPT_LLM: o->plan.llm.kind = optarg; break;
            case OPT_LLM_URL: o->plan.llm.url = optarg; break;
            case OPT_LLM_MODEL: o->plan.llm.model = optarg; break;
            case OPT_LLM_CONTEXT:
                if (cli_parse_int("--llm-context", optarg, 1024, 10000000, &o->plan.llm.context)) return EXIT_USAGE;
                break;
            case OPT_LLM_PARALLEL:
                if (cli_parse_int("--llm-parallel", optarg, 1, 32, &o->plan.llm.parallel)) return EXIT_USAGE;
                break;
            case OPT_NO_CACHE: o->plan.llm.no_cache = 1; break;
            case OPT_PROMPT_WRITER:
                if (strcmp(optarg, "rules") != 0 && strcmp(optarg, "llm") != 0) {
                    cli_error("--prompt-writer: expected rules or llm, got \"%s\"", optarg);
                    return EXIT_USAGE;
                }
                o->plan.llm.prompt_writer = strcmp(optarg, "llm") == 0 ? LONGSD_PROMPT_WRITER_LLM
                                                                     : LONGSD_PROMPT_WRITER_RULES;
                break;
            case OPT_LAYOUT: o->docs.layout = optarg; break;
            case OPT_FORMATS: o->docs.formats = optarg; break;
            case OPT_SINGLE_FILE: o->docs.single_file = 1; break;
            case OPT_COVER: o->docs.cover = optarg; break;
            case OPT_LANGUAGE: o->docs.language = optarg; break;
            case '?':
            default:
                if (optopt)
                    cli_error("option -%c: unknown, or missing its value (see longsd --help)", optopt);
                else
                    cli_error("unknown option \"%s\" (see longsd --help)", argv[optind - 1]);
                return EXIT_USAGE;
            }
        }
    }
    for (int i = optind; i < argc; i++) { /* after "--" */
        if (!cmdname)
            cmdname = argv[i];
        else
            o->args[o->n_args++] = argv[i];
    }
    *cmdname_out = cmdname;
    *want_help_out = want_help;
    return -1;
}

/* Run the command named cmdname (or print help) with the parsed options. */
static int dispatch(cli_opts *o, const char *cmdname, int want_help)
{
    if (!cmdname) {
        usage_main(want_help ? stdout : stderr);
        return want_help ? EXIT_OK : EXIT_USAGE;
    }
    if (strcmp(cmdname, "help") == 0) {
        if (o->n_args == 0) {
            usage_main(stdout);
            return EXIT_OK;
        }
        cmdname = o->args[0];
        o->n_args = 0;
        want_help = 1;
    }
    const command *cmd = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, cmdname) == 0)
            cmd = &commands[i];
    if (!cmd) {
        cli_error("unknown command \"%s\" (commands: run, ideas, prompts, docx, epub, html, sd, styles, choose, serve, models, pull)", cmdname);
        return EXIT_USAGE;
    }
    if (want_help) {
        printf("usage: %s\n\n%s", cmd->usage, cmd->help);
        return EXIT_OK;
    }
    if ((o->render.init_image || o->render.strength > 0) && cmd->fn != cmd_sd) {
        cli_error("--init-image and --strength are for `longsd sd`; in a plan, set an idea's prompt.init_image and "
                  "prompt.strength (docs/plan.md)");
        return EXIT_USAGE;
    }
    if (cli_docs_check(&o->docs, NULL) || cli_check_file("--cast", o->plan.cast_file) ||
        cli_check_file("--styles", o->plan.styles_file) || cli_check_file("--init-image", o->render.init_image))
        return EXIT_USAGE;
    if (o->n_args < cmd->min_args || o->n_args > cmd->max_args) {
        cli_error("%s", o->n_args < cmd->min_args ? "missing argument" : "too many arguments");
        fprintf(stderr, "usage: %s\n", cmd->usage);
        return EXIT_USAGE;
    }
    longsd_ctx *ctx = longsd_ctx_new();
    if (!ctx) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    cli_catch_signals();
    longsd_set_log(ctx, cli_log, o);
    longsd_set_abort(ctx, cli_interrupted, NULL);
    int rc = EXIT_OK;
    if (cmd->fn == cmd_run || cmd->fn == cmd_sd || cmd->fn == cmd_serve) /* model names become paths (maybe a download) */
        rc = cli_models_resolve(ctx, o);
    if (rc == EXIT_OK && (cmd->fn == cmd_run || cmd->fn == cmd_sd))
        cli_models_default_size(ctx, o);
    if (rc == EXIT_OK)
        rc = cmd->fn(ctx, o);
    longsd_ctx_free(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    cli_opts o;
    cli_opts_init(&o);
    /* every positional may be an argument: room for all of them */
    if (!(o.args = calloc((size_t)argc + 1, sizeof *o.args))) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    const char *cmdname = NULL;
    int want_help = 0;
    int rc = parse_args(argc, argv, &o, &cmdname, &want_help);
    if (rc < 0)
        rc = dispatch(&o, cmdname, want_help);
    cli_opts_free(&o);
    return rc;
}
