/* replay.c - runs a fuzz target over stored inputs without libFuzzer, so the
 * corpora under fuzz/corpus/<target>/ are replayed (under the sanitizers in
 * CI) by every test run. Usage: replay_<target> FILE|DIR... */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *d = malloc(n > 0 ? (size_t)n : 1);
    if (!d || (n > 0 && fread(d, 1, (size_t)n, f) != (size_t)n)) {
        fclose(f);
        free(d);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(d, (size_t)n);
    free(d);
    return 0;
}

int main(int argc, char **argv)
{
    int count = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *dir = opendir(argv[i]);
            struct dirent *e;
            while (dir && (e = readdir(dir))) {
                if (e->d_name[0] == '.')
                    continue;
                char p[4096];
                snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
                bad += run_file(p);
                count++;
            }
            if (dir)
                closedir(dir);
        } else {
            bad += run_file(argv[i]);
            count++;
        }
    }
    printf("replayed %d inputs\n", count);
    return bad ? 1 : 0;
}
