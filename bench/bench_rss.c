/* bench_rss.c - peak memory and time of the real command, `longsd sd
 * --backend native=DIR`, on a full-size SD 1.5-shaped diffusers folder of
 * random F16 weights (about 2.1 GB; written to DIR once if it is not
 * there, never into the repository): the tokenizer from the CLIP
 * vocabulary in data/clip/, the configs of SD 1.5, the weights from the
 * same shape lists the other engine benchmarks use (weights.h). The
 * command runs as a child, so its peak RSS (wait4's ru_maxrss) is what the
 * user's process would hold, with everything the CLI loads.
 *
 *   build/bench/bench_rss [DIR=/tmp/longsd-sd15] [SIZE=512] [STEPS=1] [extra longsd flags...]
 *
 * LONGSD_BIN names another binary (default build/longsd), to compare a
 * build from before a change in the same minute.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "weights.h"

static const char *const unet_config =
    "{\"_class_name\": \"UNet2DConditionModel\", \"act_fn\": \"silu\", \"attention_head_dim\": 8,"
    " \"block_out_channels\": [320, 640, 1280, 1280], \"center_input_sample\": false,"
    " \"cross_attention_dim\": 768, \"down_block_types\": [\"CrossAttnDownBlock2D\", \"CrossAttnDownBlock2D\","
    " \"CrossAttnDownBlock2D\", \"DownBlock2D\"], \"downsample_padding\": 1, \"flip_sin_to_cos\": true,"
    " \"freq_shift\": 0, \"in_channels\": 4, \"layers_per_block\": 2, \"mid_block_scale_factor\": 1,"
    " \"norm_eps\": 1e-05, \"norm_num_groups\": 32, \"out_channels\": 4, \"sample_size\": 64,"
    " \"up_block_types\": [\"UpBlock2D\", \"CrossAttnUpBlock2D\", \"CrossAttnUpBlock2D\", \"CrossAttnUpBlock2D\"]}\n";
static const char *const vae_config =
    "{\"_class_name\": \"AutoencoderKL\", \"act_fn\": \"silu\", \"block_out_channels\": [128, 256, 512, 512],"
    " \"down_block_types\": [\"DownEncoderBlock2D\", \"DownEncoderBlock2D\", \"DownEncoderBlock2D\","
    " \"DownEncoderBlock2D\"], \"in_channels\": 3, \"latent_channels\": 4, \"layers_per_block\": 2,"
    " \"norm_num_groups\": 32, \"out_channels\": 3, \"sample_size\": 512, \"scaling_factor\": 0.18215,"
    " \"up_block_types\": [\"UpDecoderBlock2D\", \"UpDecoderBlock2D\", \"UpDecoderBlock2D\", \"UpDecoderBlock2D\"]}\n";
static const char *const clip_config =
    "{\"architectures\": [\"CLIPTextModel\"], \"hidden_act\": \"quick_gelu\", \"hidden_size\": 768,"
    " \"intermediate_size\": 3072, \"layer_norm_eps\": 1e-05, \"max_position_embeddings\": 77,"
    " \"model_type\": \"clip_text_model\", \"num_attention_heads\": 12, \"num_hidden_layers\": 12,"
    " \"projection_dim\": 768, \"vocab_size\": 49408}\n";

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "bench_rss: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int mkdirs(const char *dir, const char *sub)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/%s", dir, sub);
    return mkdir(p, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* The byte -> character map of CLIP's byte-level BPE, as UTF-8. */
static void byte_char(int b, char *out)
{
    int cp = b;
    if (!((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255))) {
        int n = 0;
        for (int k = 0; k < b; k++)
            if (!((k >= 33 && k <= 126) || (k >= 161 && k <= 172) || (k >= 174 && k <= 255)))
                n++;
        cp = 256 + n;
    }
    if (cp < 0x80)
        out[0] = (char)cp, out[1] = 0;
    else
        out[0] = (char)(0xc0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3f)), out[2] = 0;
}

/* tokenizer/vocab.json and merges.txt of CLIP ViT-L/14 from open_clip's
 * merge list: 256 bytes, the same with </w>, 48894 merges, two specials. */
static int write_tokenizer(const char *dir)
{
    gzFile g = gzopen("data/clip/bpe_simple_vocab_16e6.txt.gz", "rb");
    if (!g) {
        fprintf(stderr, "bench_rss: data/clip/bpe_simple_vocab_16e6.txt.gz: run from the repository root\n");
        return -1;
    }
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s/tokenizer/merges.txt", dir);
    FILE *m = fopen(path, "w");
    snprintf(path, sizeof path, "%s/tokenizer/vocab.json", dir);
    FILE *v = fopen(path, "w");
    if (!m || !v)
        return -1;
    fprintf(m, "#version: 0.2\n");
    fputc('{', v);
    int id = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int b = 0; b < 256; b++) {
            int order = b; /* bytes_to_unicode's order: printable ranges first */
            static int bs[256], built;
            if (!built) {
                int k = 0;
                for (int x = 0; x < 256; x++)
                    if ((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || (x >= 174 && x <= 255))
                        bs[k++] = x;
                for (int x = 0; x < 256; x++)
                    if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || (x >= 174 && x <= 255)))
                        bs[k++] = x;
                built = 1;
            }
            char c[4];
            byte_char(bs[order], c);
            const char *esc = strcmp(c, "\"") == 0 ? "\\\"" : strcmp(c, "\\") == 0 ? "\\\\" : c;
            fprintf(v, "%s\"%s%s\":%d", id ? "," : "", esc, pass ? "</w>" : "", id);
            id++;
        }
    gzgets(g, line, sizeof line); /* the version line */
    for (int k = 0; k < 49152 - 256 - 2 && gzgets(g, line, sizeof line); k++) {
        line[strcspn(line, "\r\n")] = 0;
        fprintf(m, "%s\n", line);
        char *sp = strchr(line, ' ');
        if (!sp)
            continue;
        *sp = 0;
        char tok[512] = "";
        for (const char *s = line; *s; s++) /* escape for JSON */
            snprintf(tok + strlen(tok), sizeof tok - strlen(tok), "%s%c", *s == '"' || *s == '\\' ? "\\" : "", *s);
        for (const char *s = sp + 1; *s; s++)
            snprintf(tok + strlen(tok), sizeof tok - strlen(tok), "%s%c", *s == '"' || *s == '\\' ? "\\" : "", *s);
        fprintf(v, ",\"%s\":%d", tok, id++);
    }
    fprintf(v, ",\"<|startoftext|>\":%d,\"<|endoftext|>\":%d}", id, id + 1);
    gzclose(g);
    fclose(m);
    fclose(v);
    snprintf(path, sizeof path, "%s/tokenizer/tokenizer_config.json", dir);
    const char *tc = "{\"model_max_length\": 77, \"tokenizer_class\": \"CLIPTokenizer\"}\n";
    return write_file(path, tc, strlen(tc));
}

static int write_component(const char *dir, const char *sub, const char *file, const char *config, spec *s)
{
    char path[4096];
    size_t len;
    if (mkdirs(dir, sub))
        return -1;
    snprintf(path, sizeof path, "%s/%s/config.json", dir, sub);
    if (write_file(path, config, strlen(config)))
        return -1;
    unsigned char *img = build(s, &len);
    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, file);
    int rc = img ? write_file(path, img, len) : -1;
    free(img);
    printf("wrote %s (%.0f MB)\n", path, len / 1e6);
    return rc;
}

static int write_model(const char *dir)
{
    spec su = {.hdr = json_object()}, sv = {.hdr = json_object()}, sc = {.hdr = json_object()};
    sdunet_cfg uc = sdunet_sd15_cfg();
    sdvae_cfg vc = sdvae_sd15_cfg();
    sdclip_cfg cc = sdclip_sd15_cfg();
    unet_spec(&su, &uc, 0);
    vae_spec(&sv, &vc);
    clip_spec(&sc, &cc);
    if (mkdirs(dir, "tokenizer") || write_tokenizer(dir) ||
        write_component(dir, "text_encoder", "model.safetensors", clip_config, &sc) ||
        write_component(dir, "vae", "diffusion_pytorch_model.safetensors", vae_config, &sv) ||
        write_component(dir, "unet", "diffusion_pytorch_model.safetensors", unet_config, &su))
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp/longsd-sd15";
    const char *size = argc > 2 ? argv[2] : "512";
    const char *steps = argc > 3 ? argv[3] : "1";
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/unet/diffusion_pytorch_model.safetensors", dir);
    if (access(probe, R_OK) != 0 && write_model(dir) != 0)
        return 1;
    char model[4200], sz[64];
    snprintf(model, sizeof model, "native=%s", dir);
    snprintf(sz, sizeof sz, "%sx%s", size, size);
    const char *bin = getenv("LONGSD_BIN") && *getenv("LONGSD_BIN") ? getenv("LONGSD_BIN") : "build/longsd";
    const char *args[64] = {bin, "sd",     "--backend", model, "--size", sz, "--steps", steps,
                            "--cfg",        "7",      "--seed",    "1",   "-o",     "/tmp/bench_rss.png"};
    int na = 14;
    for (int i = 4; i < argc && na < 60; i++)
        args[na++] = argv[i];
    args[na++] = "a lighthouse at dusk, digital painting";
    args[na] = NULL;
    FILE *p = popen("lscpu | sed -n 's/^Model name: *//p' | head -n 1", "r");
    char cpu[256] = "?";
    if (p && fgets(cpu, sizeof cpu, p))
        cpu[strcspn(cpu, "\n")] = 0;
    if (p)
        pclose(p);
    printf("cpu   %s, %ld cores online\n", cpu, sysconf(_SC_NPROCESSORS_ONLN));
    printf("run  ");
    for (int i = 0; i < na; i++)
        printf(" %s", args[i]);
    printf("\n");
    fflush(stdout);
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        execv(args[0], (char *const *)args);
        _exit(127);
    }
    int st = 0;
    struct rusage ru;
    /* VmRSS sampled every 50 ms: which stage holds the peak (the text
     * encoder comes first, the VAE decode last) */
    enum { NS = 1 << 16 };
    static double ts[NS];
    static long rss[NS];
    int ns = 0;
    pid_t got = 0;
    char status[64];
    snprintf(status, sizeof status, "/proc/%d/status", (int)pid);
    while (pid > 0 && (got = wait4(pid, &st, WNOHANG, &ru)) == 0) {
        FILE *sf = fopen(status, "r");
        char ln[256];
        long kb = -1;
        while (sf && fgets(ln, sizeof ln, sf))
            if (sscanf(ln, "VmRSS: %ld", &kb) == 1)
                break;
        if (sf)
            fclose(sf);
        if (kb >= 0 && ns < NS) {
            ts[ns] = now() - t0;
            rss[ns++] = kb;
        }
        usleep(50000);
    }
    if (pid < 0 || got < 0) {
        fprintf(stderr, "bench_rss: cannot run %s\n", args[0]);
        return 1;
    }
    if (ns > 0) {
        printf("RSS over time (MB, max of each twentieth of the run):");
        double end = ts[ns - 1];
        for (int k = 0; k < 20; k++) {
            long m = 0;
            for (int i = 0; i < ns; i++)
                if (ts[i] >= end * k / 20 && ts[i] <= end * (k + 1) / 20 && rss[i] > m)
                    m = rss[i];
            printf(" %ld", m / 1024);
        }
        printf("\n");
    }
    double wall = now() - t0, cpu_s = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
                                      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
    printf("exit %d; %.1f s wall, %.1f s cpu; peak RSS %.0f MB\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1, wall, cpu_s,
           ru.ru_maxrss / 1024.0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
