/* hub.c - `longsd pull`: download a repo from the Hugging Face hub into the
 * cache layout of hfcache.h, speaking the hub's protocol as huggingface_hub
 * does: the model-info call for the commit and the file list, then per file
 * a HEAD on /REPO/resolve/COMMIT/PATH whose ETag (X-Linked-Etag for LFS
 * files) names the blob and whose Location points at the CDN, then a GET
 * with Range from what an earlier, cut download left in blobs/ETAG.incomplete.
 *
 * Why it is careful: a blob is only moved into place after its size and hash
 * (sha256 for LFS, git blob sha1 otherwise) match what the hub reported, and
 * the snapshot's links and refs/ are written only after every file passed,
 * so a failed pull never leaves a snapshot other tools would trust. Redirects
 * are followed by hand so HF_TOKEN goes to the hub's own host and nowhere
 * else; it is never part of a message. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "hfcache.h"
#include "http.h"
#include "hub_info.h"
#include "models_int.h"

#define HUB_MAX_HOPS 5
#define HUB_MAX_TRIES 5           /* attempts per file; each resumes where the last stopped */
#define HUB_SPACE_MARGIN (64ull << 20)

typedef struct {
    long status;
    char location[4096];
    char etag[160];
    char linked_etag[160];
    long long linked_size, content_length;
    char error_code[64];
    char content_range[128];
} hub_hdrs;

typedef struct {
    longsd_ctx *ctx;
    const longsd_model_params *p;
    CURL *curl;
    char *endpoint, *cache, *repo_dir;
    char origin[512];          /* scheme://host:port of the endpoint: HF_TOKEN goes there only */
    char *token;
    char repo[LS_HF_MAX_ID + 1], rev[LS_HF_MAX_REV + 1];
    /* progress */
    const char *file;
    uint64_t file_done, file_total, done, total, fetched;
    double t0, last_report, speed;
    /* the current transfer */
    hub_hdrs h;
    lsbuf *body;
    int fd;
    uint64_t range_from;       /* the Range asked for; a 200 instead means the whole file comes */
    int restarted;             /* the part was emptied for such a 200 */
    int aborted;
} hub;

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void report(hub *H, const char *event, int force)
{
    if (!H->p->progress)
        return;
    double now = mono();
    if (!force && !event && now - H->last_report < 0.1)
        return;
    double dt = now - H->t0;
    if (dt > 0.2)
        H->speed = (double)H->fetched / dt;
    longsd_pull_progress pp = {
        .file = H->file,
        .file_done = H->file_done,
        .file_total = H->file_total,
        .done = H->done + H->file_done,
        .total = H->total,
        .bytes_per_s = H->speed,
        .eta_s = H->speed > 0 && H->total >= H->done + H->file_done
                     ? (double)(H->total - H->done - H->file_done) / H->speed
                     : -1,
        .event = event,
    };
    H->last_report = now;
    H->p->progress(H->p->progress_user, &pp);
}

static void human(uint64_t n, char *out, size_t size)
{
    if (n >= (1ull << 30))
        snprintf(out, size, "%.1f GB", (double)n / (1 << 30));
    else if (n >= (1ull << 20))
        snprintf(out, size, "%.1f MB", (double)n / (1 << 20));
    else if (n >= 1024)
        snprintf(out, size, "%.1f kB", (double)n / 1024);
    else
        snprintf(out, size, "%llu bytes", (unsigned long long)n);
}

/* ---- HTTP */

static size_t on_header(char *buf, size_t size, size_t n, void *user)
{
    hub *H = user;
    size_t len = size * n;
    if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) { /* a new response: forget the last one's headers */
        memset(&H->h, 0, sizeof H->h);
        H->h.linked_size = H->h.content_length = -1;
        const char *sp = memchr(buf, ' ', len); /* the status, so the body knows where it goes */
        H->h.status = sp ? strtol(sp + 1, NULL, 10) : 0;
        return len;
    }
    const char *colon = memchr(buf, ':', len);
    if (!colon)
        return len;
    size_t kl = (size_t)(colon - buf);
    const char *v = colon + 1, *end = buf + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t vl = (size_t)(end - v);
    struct {
        const char *name;
        char *dst;
        size_t cap;
    } str[] = {
        {"location", H->h.location, sizeof H->h.location},
        {"etag", H->h.etag, sizeof H->h.etag},
        {"x-linked-etag", H->h.linked_etag, sizeof H->h.linked_etag},
        {"x-error-code", H->h.error_code, sizeof H->h.error_code},
        {"content-range", H->h.content_range, sizeof H->h.content_range},
    };
    for (size_t i = 0; i < sizeof str / sizeof str[0]; i++)
        if (strlen(str[i].name) == kl && strncasecmp(buf, str[i].name, kl) == 0) {
            if (vl >= str[i].cap)
                vl = str[i].cap - 1; /* too long to be valid: checked later */
            memcpy(str[i].dst, v, vl);
            str[i].dst[vl] = '\0';
        }
    long long *num = NULL;
    if (kl == 13 && strncasecmp(buf, "x-linked-size", kl) == 0)
        num = &H->h.linked_size;
    else if (kl == 14 && strncasecmp(buf, "content-length", kl) == 0)
        num = &H->h.content_length;
    if (num) {
        char t[32];
        if (vl < sizeof t) {
            memcpy(t, v, vl);
            t[vl] = '\0';
            char *e;
            long long x = strtoll(t, &e, 10);
            if (*t && !*e && x >= 0)
                *num = x;
        }
    }
    return len;
}

static size_t on_body(char *buf, size_t size, size_t n, void *user)
{
    hub *H = user;
    size_t len = size * n;
    if (H->h.status < 200 || H->h.status >= 300 || H->fd < 0) {
        if (H->body && lsbuf_add(H->body, buf, len))
            return 0; /* over the cap */
        return len;
    }
    if (H->h.status == 200 && H->range_from > 0 && !H->restarted) {
        /* the server ignored Range: what comes is the file from byte 0 */
        if (ftruncate(H->fd, 0) != 0)
            return 0;
        H->file_done = 0;
        H->restarted = 1;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(H->fd, buf + off, len - off);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            return 0;
        }
        off += (size_t)w;
    }
    H->file_done += len;
    H->fetched += len;
    report(H, NULL, 0);
    return len;
}

static int on_xfer(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    hub *H = user;
    if (longsd__aborted(H->ctx)) {
        H->aborted = 1;
        return 1;
    }
    return 0;
}

/* scheme://host:port of url into out; -1 when it is not an http(s) URL. */
static int origin_of(const char *url, char *out, size_t size)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL;
    int rc = -1;
    if (u && !curl_url_set(u, CURLUPART_URL, url, 0) && !curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) &&
        !curl_url_get(u, CURLUPART_HOST, &host, 0) && !curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) &&
        (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0)) {
        for (char *c = host; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        snprintf(out, size, "%s://%s:%s", scheme, host, port);
        rc = 0;
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return rc;
}

/* location relative to base, as an absolute URL (free with curl_free). */
static char *join_url(const char *base, const char *location)
{
    CURLU *u = curl_url();
    char *out = NULL;
    if (u && !curl_url_set(u, CURLUPART_URL, base, 0) && !curl_url_set(u, CURLUPART_URL, location, 0))
        curl_url_get(u, CURLUPART_URL, &out, 0);
    curl_url_cleanup(u);
    return out;
}

/* One request, no redirect followed. range_from > 0 adds a Range header. */
static CURLcode request(hub *H, int head, const char *url, uint64_t range_from, char *cerr)
{
    CURL *c = H->curl;
    curl_easy_reset(c);
    H->range_from = range_from;
    memset(&H->h, 0, sizeof H->h);
    H->h.linked_size = H->h.content_length = -1;
    struct curl_slist *hl = NULL;
    char auth[4200], range[64], o[512];
    if (H->token && origin_of(url, o, sizeof o) == 0 && strcmp(o, H->origin) == 0) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", H->token);
        hl = curl_slist_append(hl, auth);
    }
    if (range_from > 0) {
        snprintf(range, sizeof range, "Range: bytes=%llu-", (unsigned long long)range_from);
        hl = curl_slist_append(hl, range);
    }
    /* the hub answers HEAD on resolve/ with the metadata of the uncompressed file */
    hl = curl_slist_append(hl, "Accept-Encoding: identity");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    /* no total timeout for multi-gigabyte files: a stalled transfer is one
     * under 1 byte/s for 60 s */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "longsd/" LONGSD_VERSION);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_NOBODY, head ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, H);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, H);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_xfer);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, H);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    cerr[0] = '\0';
    CURLcode cc = curl_easy_perform(c);
    long st = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    H->h.status = st;
    curl_slist_free_all(hl);
    if (!cerr[0])
        snprintf(cerr, CURL_ERROR_SIZE, "%s", curl_easy_strerror(cc));
    return cc;
}

static void strip_etag(const char *in, char *out, size_t size)
{
    if (strncmp(in, "W/", 2) == 0)
        in += 2;
    size_t n = strlen(in);
    if (n >= 2 && in[0] == '"' && in[n - 1] == '"')
        in++, n -= 2;
    if (n >= size)
        n = size - 1;
    memcpy(out, in, n);
    out[n] = '\0';
}

static int hex_of_len(const char *s, size_t len)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == len;
}

/* The hub's refusal of the model-info call, in words. */
static longsd_status info_error(hub *H, lserr *err)
{
    long st = H->h.status;
    const char *code = H->h.error_code;
    if (st == 401 || st == 403) {
        if (strcmp(code, "RepoNotFound") == 0)
            return lserr_set(err, LONGSD_ERR_NOT_FOUND, "%s: no such repo on %s (a private one needs HF_TOKEN)",
                             H->repo, H->endpoint);
        if (H->token)
            return lserr_set(err, LONGSD_ERR_BACKEND,
                             "%s is gated or private and the token in HF_TOKEN has no access to it: accept its "
                             "licence at %s/%s with that account (HTTP %ld)",
                             H->repo, H->endpoint, H->repo, st);
        return lserr_set(err, LONGSD_ERR_BACKEND,
                         "%s is gated or private: accept its licence at %s/%s, then set HF_TOKEN to an access "
                         "token of that account (%s/settings/tokens) (HTTP %ld)",
                         H->repo, H->endpoint, H->repo, H->endpoint, st);
    }
    if (st == 404) {
        if (strcmp(code, "RevisionNotFound") == 0)
            return lserr_set(err, LONGSD_ERR_NOT_FOUND, "%s has no revision \"%s\" on %s", H->repo, H->rev,
                             H->endpoint);
        return lserr_set(err, LONGSD_ERR_NOT_FOUND, "%s: no such repo on %s", H->repo, H->endpoint);
    }
    return lserr_set(err, LONGSD_ERR_BACKEND, "%s answered HTTP %ld to the model info of %s", H->endpoint, st,
                     H->repo);
}

static longsd_status network_error(hub *H, const char *what, const char *cerr, lserr *err)
{
    char *local = ls_models_local_names(H->p);
    lserr_set(err, LONGSD_ERR_NETWORK, "no network: %s: %s; models found locally: %s", what, cerr,
              local && *local ? local : "none");
    longsd__free(local);
    return LONGSD_ERR_NETWORK;
}

static longsd_status get_info(hub *H, ls_hub_info *info, lserr *err)
{
    char *rev = curl_easy_escape(H->curl, H->rev, 0);
    char *url = rev ? longsd__asprintf("%s/api/models/%s/revision/%s?blobs=true", H->endpoint, H->repo, rev) : NULL;
    curl_free(rev);
    if (!url)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    lsbuf body;
    lsbuf_init(&body, 32u << 20);
    H->body = &body;
    H->fd = -1;
    char cerr[CURL_ERROR_SIZE];
    longsd_status rc;
    CURLcode cc = CURLE_OK;
    char *cur = url;
    for (int hop = 0;; hop++) { /* relative redirects (a renamed repo) */
        lsbuf_reset(&body);
        cc = request(H, 0, cur, 0, cerr);
        if (cc || H->h.status < 300 || H->h.status >= 400 || !H->h.location[0] || hop >= HUB_MAX_HOPS)
            break;
        char *next = join_url(cur, H->h.location);
        if (cur != url)
            curl_free(cur);
        cur = next;
        if (!cur)
            break;
    }
    if (cur != url)
        curl_free(cur);
    H->body = NULL;
    if (H->aborted)
        rc = lserr_set(err, LONGSD_ERR_ABORTED, "interrupted");
    else if (cc == CURLE_WRITE_ERROR)
        rc = lserr_set(err, LONGSD_ERR_TOO_BIG, "%s: the model info of %s is over 32 MiB", H->endpoint, H->repo);
    else if (cc)
        rc = network_error(H, H->endpoint, cerr, err);
    else if (H->h.status < 200 || H->h.status >= 300)
        rc = info_error(H, err);
    else
        rc = ls_hub_parse_info(body.data ? body.data : "", body.len, info, err);
    lsbuf_free(&body);
    longsd__free(url);
    return rc;
}

/* ---- hashing, through libcrypto */

static longsd_status hash_file(const char *path, const char *algo, uint64_t size, char *hex, lserr *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return lserr_set(err, LONGSD_ERR_IO, "%s: cannot read it back: %s", path, strerror(errno));
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    longsd_status rc = LONGSD_OK;
    unsigned char *buf = longsd__malloc(1 << 20), md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!m || !buf || !EVP_DigestInit_ex(m, strcmp(algo, "sha1") == 0 ? EVP_sha1() : EVP_sha256(), NULL)) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (strcmp(algo, "sha1") == 0) { /* git hashes "blob SIZE\0" then the content */
        char hdr[64];
        int hn = snprintf(hdr, sizeof hdr, "blob %llu", (unsigned long long)size);
        EVP_DigestUpdate(m, hdr, (size_t)hn + 1);
    }
    for (;;) {
        ssize_t r = read(fd, buf, 1 << 20);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = lserr_set(err, LONGSD_ERR_IO, "%s: %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        EVP_DigestUpdate(m, buf, (size_t)r);
    }
    EVP_DigestFinal_ex(m, md, &mdlen);
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
out:
    EVP_MD_CTX_free(m);
    longsd__free(buf);
    close(fd);
    return rc;
}

/* ---- one file */

typedef struct {
    const ls_hub_file *f;
    char etag[65];
    uint64_t size;
    char *url; /* where the bytes come from (the CDN after a redirect); curl_free */
} plan_file;

/* HEAD on resolve/: the blob's name and size, and where to GET it. */
static longsd_status head_file(hub *H, const char *commit, plan_file *pf, lserr *err)
{
    char *path = curl_easy_escape(H->curl, pf->f->path, 0);
    if (!path)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    for (char *c = path; (c = strstr(c, "%2F"));) { /* keep the folders of the path */
        *c = '/';
        memmove(c + 1, c + 3, strlen(c + 3) + 1);
    }
    char *url = longsd__asprintf("%s/%s/resolve/%s/%s", H->endpoint, H->repo, commit, path);
    curl_free(path);
    if (!url)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    char *cur = NULL;
    longsd_status rc = LONGSD_OK;
    char cerr[CURL_ERROR_SIZE], o[512];
    H->fd = -1;
    const char *at = url;
    for (int hop = 0;; hop++) {
        CURLcode cc = request(H, 1, at, 0, cerr);
        if (H->aborted) {
            rc = lserr_set(err, LONGSD_ERR_ABORTED, "interrupted");
            break;
        }
        if (cc) {
            rc = network_error(H, pf->f->path, cerr, err);
            break;
        }
        long st = H->h.status;
        if (st >= 300 && st < 400 && H->h.location[0]) {
            char *next = join_url(at, H->h.location);
            if (!next) {
                rc = lserr_set(err, LONGSD_ERR_BACKEND, "%s: the hub redirected to an unusable URL", pf->f->path);
                break;
            }
            if (origin_of(next, o, sizeof o) == 0 && strcmp(o, H->origin) == 0 && hop < HUB_MAX_HOPS) {
                curl_free(cur); /* relative redirect: ask again there */
                at = cur = next;
                continue;
            }
            pf->url = next; /* the CDN: the headers of this reply describe the file */
        } else if (st >= 200 && st < 300) {
            pf->url = join_url(at, at);
        } else if (st == 401 || st == 403) {
            rc = lserr_set(err, LONGSD_ERR_BACKEND, "%s/%s: refused (HTTP %ld): the repo is gated or private; see "
                           "HF_TOKEN in docs/models.md", H->repo, pf->f->path, st);
            break;
        } else {
            rc = lserr_set(err, LONGSD_ERR_BACKEND, "%s/%s: the hub answered HTTP %ld", H->repo, pf->f->path, st);
            break;
        }
        char tag[160];
        strip_etag(H->h.linked_etag[0] ? H->h.linked_etag : H->h.etag, tag, sizeof tag);
        if (!hex_of_len(tag, 64) && !hex_of_len(tag, 40)) {
            rc = lserr_set(err, LONGSD_ERR_BACKEND,
                           "%s/%s: the hub sent no usable ETag (expected a sha256 or git sha1), so the file cannot "
                           "be checked",
                           H->repo, pf->f->path);
            break;
        }
        if (pf->f->sha256[0] && strcmp(tag, pf->f->sha256) != 0) {
            rc = lserr_set(err, LONGSD_ERR_BACKEND, "%s/%s: the hub's ETag %s differs from the sha256 %s of its file "
                           "list", H->repo, pf->f->path, tag, pf->f->sha256);
            break;
        }
        memcpy(pf->etag, tag, strlen(tag) + 1);
        long long sz = H->h.linked_size >= 0 ? H->h.linked_size : H->h.content_length;
        pf->size = sz >= 0 ? (uint64_t)sz : pf->f->size;
        break;
    }
    if (rc && pf->url) {
        curl_free(pf->url);
        pf->url = NULL;
    }
    curl_free(cur);
    longsd__free(url);
    return rc;
}

static int size_of(const char *path, uint64_t *out)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    *out = (uint64_t)st.st_size;
    return 0;
}

static longsd_status fetch_locked(hub *H, plan_file *pf, lserr *err);

/* huggingface_hub holds CACHE/.locks/models--ORG--NAME/ETAG.lock (flock)
 * while it writes a blob; taking the same lock keeps the two tools from
 * writing one .incomplete file at once. */
static longsd_status fetch_file(hub *H, plan_file *pf, lserr *err)
{
    const char *base = strrchr(H->repo_dir, '/');
    char *lock = longsd__asprintf("%s/.locks/%s/%s.lock", H->cache, base ? base + 1 : H->repo_dir, pf->etag);
    if (!lock)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    longsd_status rc = lsfile_mkdirs(lock, 0, err);
    int fd = rc ? -1 : open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (!rc && fd < 0)
        rc = lserr_set(err, LONGSD_ERR_IO, "%s: %s", lock, strerror(errno));
    if (!rc) {
        while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
            ;
        rc = fetch_locked(H, pf, err);
        flock(fd, LOCK_UN);
    }
    if (fd >= 0)
        close(fd);
    longsd__free(lock);
    return rc;
}

/* GET pf into blobs/ETAG: resume blobs/ETAG.incomplete, check, move into place. */
static longsd_status fetch_locked(hub *H, plan_file *pf, lserr *err)
{
    char *blob = longsd__asprintf("%s/blobs/%s", H->repo_dir, pf->etag);
    char *part = blob ? longsd__asprintf("%s.incomplete", blob) : NULL;
    longsd_status rc = LONGSD_OK;
    char cerr[CURL_ERROR_SIZE], msg[600], a[32];
    uint64_t have = 0;
    int fd = -1;
    if (!part) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    H->file = pf->f->path;
    H->file_total = pf->size;
    H->file_done = 0;
    if (size_of(blob, &have) == 0 && (have == pf->size || pf->size == 0)) {
        H->file_done = have; /* already in the cache (another tool, an earlier pull) */
        goto out;
    }
    if ((rc = lsfile_mkdirs(part, 0, err)))
        goto out;
    fd = open(part, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot write it: %s", part, strerror(errno));
        goto out;
    }
    for (int attempt = 1;; attempt++) {
        struct stat st;
        fstat(fd, &st);
        have = (uint64_t)st.st_size;
        if (pf->size && have > pf->size) {
            if (ftruncate(fd, 0) != 0) {
                rc = lserr_set(err, LONGSD_ERR_IO, "%s: %s", part, strerror(errno));
                goto out;
            }
            have = 0;
        }
        H->file_done = have;
        if (pf->size && have == pf->size)
            break;
        if (have) {
            human(have, a, sizeof a);
            snprintf(msg, sizeof msg, "resuming %s at %s", pf->f->path, a);
            report(H, msg, 1);
        }
        H->fd = fd;
        H->restarted = 0;
        char *cur = NULL;
        const char *at = pf->url;
        CURLcode cc = CURLE_OK;
        for (int hop = 0;; hop++) {
            cc = request(H, 0, at, have, cerr);
            if (cc || H->h.status < 300 || H->h.status >= 400 || !H->h.location[0] || hop >= HUB_MAX_HOPS)
                break;
            char *next = join_url(at, H->h.location);
            curl_free(cur);
            at = cur = next;
            if (!cur)
                break;
        }
        curl_free(cur);
        H->fd = -1;
        long status = H->h.status;
        if (H->aborted) {
            rc = lserr_set(err, LONGSD_ERR_ABORTED, "interrupted; %s is kept and resumes on the next pull", part);
            goto out;
        }
        int bad_offset = 0;
        if (!cc && status == 206) {
            unsigned long long from = 0;
            bad_offset = sscanf(H->h.content_range, "bytes %llu-", &from) != 1 || from != have;
        }
        if (!cc && (bad_offset || status == 416)) {
            /* bytes from another offset were appended, or the part is not a
             * prefix of the file: start over from byte 0 */
            if (ftruncate(fd, 0) != 0) {
                rc = lserr_set(err, LONGSD_ERR_IO, "%s: %s", part, strerror(errno));
                goto out;
            }
            snprintf(cerr, sizeof cerr, "the server resumed at the wrong offset (HTTP %ld, %s)", status,
                     H->h.content_range[0] ? H->h.content_range : "no Content-Range");
        } else if (!cc && (status == 200 || status == 206)) {
            fstat(fd, &st);
            if (!pf->size || (uint64_t)st.st_size >= pf->size)
                break;
            snprintf(cerr, sizeof cerr, "the reply ended after %llu of %llu bytes", (unsigned long long)st.st_size,
                     (unsigned long long)pf->size);
        } else if (!cc) {
            rc = lserr_set(err, LONGSD_ERR_BACKEND, "%s/%s: the download answered HTTP %ld", H->repo, pf->f->path,
                           status);
            goto out;
        } else if (cc == CURLE_WRITE_ERROR) {
            rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot write it: %s (the partial file is kept)", part,
                           strerror(errno));
            goto out;
        }
        if (attempt >= HUB_MAX_TRIES) {
            rc = lserr_set(err, LONGSD_ERR_NETWORK, "%s/%s: %s after %d attempts; %s is kept and resumes on the next "
                           "pull", H->repo, pf->f->path, cerr, attempt, part);
            goto out;
        }
        snprintf(msg, sizeof msg, "%s: %s; trying again", pf->f->path, cerr);
        report(H, msg, 1);
        usleep((useconds_t)(250000u << (attempt - 1)));
    }
    if (fsync(fd) != 0) {
        rc = lserr_set(err, LONGSD_ERR_IO, "%s: %s", part, strerror(errno));
        goto out;
    }
    close(fd);
    fd = -1;
    uint64_t got = 0;
    size_of(part, &got);
    char hex[EVP_MAX_MD_SIZE * 2 + 1] = "";
    int lfs = strlen(pf->etag) == 64;
    if (pf->size && got != pf->size) {
        unlink(part);
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "%s/%s: %llu bytes arrived, the hub said %llu; refused, nothing kept",
                       H->repo, pf->f->path, (unsigned long long)got, (unsigned long long)pf->size);
        goto out;
    }
    if ((rc = hash_file(part, lfs ? "sha256" : "sha1", got, hex, err)))
        goto out;
    if (strcmp(hex, pf->etag) != 0) {
        unlink(part);
        rc = lserr_set(err, LONGSD_ERR_BACKEND,
                       "%s/%s: the %s of what arrived is %s, the hub said %s; refused, nothing kept (run the pull "
                       "again; if it repeats, the mirror or a proxy alters the file)",
                       H->repo, pf->f->path, lfs ? "sha256" : "git sha1", hex, pf->etag);
        goto out;
    }
    if (rename(part, blob) != 0) {
        rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot move it into place: %s", blob, strerror(errno));
        goto out;
    }
    H->file_done = got;
out:
    if (fd >= 0)
        close(fd);
    H->done += H->file_done;
    H->file_done = 0;
    longsd__free(blob);
    longsd__free(part);
    return rc;
}

/* ---- the pull */

static int truthy(const char *v)
{
    return v && (strcmp(v, "1") == 0 || lsstr_casecmp_ascii(v, "on") == 0 || lsstr_casecmp_ascii(v, "yes") == 0 ||
                 lsstr_casecmp_ascii(v, "true") == 0);
}

int ls_hub_offline(void) { return truthy(getenv("HF_HUB_OFFLINE")); }

/* HF_TOKEN, else the token file huggingface-cli login writes. */
static char *find_token(void)
{
    const char *v = getenv("HF_TOKEN");
    if (v && *v)
        return longsd__strdup(v);
    const char *tp = getenv("HF_TOKEN_PATH"), *home = getenv("HF_HOME"), *h = getenv("HOME");
    char *path = tp && *tp ? longsd__strdup(tp)
                 : home && *home ? longsd__asprintf("%s/token", home)
                 : h && *h       ? longsd__asprintf("%s/.cache/huggingface/token", h)
                                 : NULL;
    char *tok = NULL;
    size_t n = 0;
    lserr e;
    if (path && lsfile_read(path, 4096, &tok, &n, &e) == LONGSD_OK) {
        while (n && (tok[n - 1] == '\n' || tok[n - 1] == '\r' || tok[n - 1] == ' '))
            tok[--n] = '\0';
        if (!n || strpbrk(tok, "\r\n")) {
            longsd__free(tok);
            tok = NULL;
        }
    }
    longsd__free(path);
    return tok;
}

static longsd_status check_space(hub *H, plan_file *pf, size_t n, lserr *err)
{
    uint64_t need = 0;
    for (size_t i = 0; i < n; i++) {
        char *blob = longsd__asprintf("%s/blobs/%s", H->repo_dir, pf[i].etag), *part = NULL;
        uint64_t have = 0;
        if (!blob)
            return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        if (size_of(blob, &have) != 0) {
            have = 0;
            if ((part = longsd__asprintf("%s.incomplete", blob)) && size_of(part, &have) != 0)
                have = 0;
            need += pf[i].size > have ? pf[i].size - have : 0;
        }
        H->total += pf[i].size;
        longsd__free(blob);
        longsd__free(part);
    }
    struct statvfs vfs;
    if (statvfs(H->repo_dir, &vfs) == 0) {
        uint64_t avail = (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
        if (need + HUB_SPACE_MARGIN > avail) {
            char a[32], b[32];
            human(need, a, sizeof a);
            human(avail, b, sizeof b);
            return lserr_set(err, LONGSD_ERR_IO, "not enough disk space in %s: %s needs %s, %s free (set HF_HUB_CACHE "
                             "to a larger disk)", H->cache, H->repo, a, b);
        }
    }
    return LONGSD_OK;
}

longsd_status ls_hub_pull(longsd_ctx *ctx, const char *name, const longsd_model_params *p, char **snapshot)
{
    lserr *err = &ctx->err;
    hub H = {.ctx = ctx, .p = p, .fd = -1};
    ls_hub_info info = {0};
    plan_file *pf = NULL;
    size_t npf = 0;
    char **comps = NULL;
    size_t ncomps = 0;
    char *index = NULL;
    longsd_status rc = LONGSD_OK;
    if (snapshot)
        *snapshot = NULL;
    if (ls_hf_parse_name(name, H.repo, H.rev))
        return lserr_set(err, LONGSD_ERR_PARAM, "\"%s\": expected a hub repo id such as stabilityai/sd-turbo or "
                         "org/name@revision", name);
    if (!(H.cache = ls_hf_cache_dir()))
        return lserr_set(err, LONGSD_ERR_PARAM, "no cache folder: set HF_HUB_CACHE or HOME");
    if (ls_hub_offline()) {
        char *snap = NULL;
        if (ls_hf_find_snapshot(H.cache, H.repo, H.rev, &snap, NULL, err) == LONGSD_OK) {
            longsd__log(ctx, LONGSD_LOG_INFO, "HF_HUB_OFFLINE: using %s from the cache", name);
            if (snapshot)
                *snapshot = snap;
            else
                longsd__free(snap);
            longsd__free(H.cache);
            return LONGSD_OK;
        }
        char *local = ls_models_local_names(p);
        rc = lserr_set(err, LONGSD_ERR_NETWORK, "HF_HUB_OFFLINE is set and %s is not in the cache %s; models found "
                       "locally: %s", name, H.cache, local && *local ? local : "none");
        longsd__free(local);
        longsd__free(H.cache);
        return rc;
    }
    const char *ep = getenv("HF_ENDPOINT");
    H.endpoint = longsd__strdup(ep && *ep ? ep : "https://huggingface.co");
    H.repo_dir = ls_hf_repo_dir(H.cache, H.repo);
    H.curl = curl_easy_init();
    H.token = find_token();
    H.t0 = mono();
    if (!H.endpoint || !H.repo_dir || !H.curl) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t n = strlen(H.endpoint); n > 0 && H.endpoint[n - 1] == '/'; n--)
        H.endpoint[n - 1] = '\0';
    if (origin_of(H.endpoint, H.origin, sizeof H.origin)) {
        rc = lserr_set(err, LONGSD_ERR_PARAM, "HF_ENDPOINT: \"%s\" is not an http(s) URL", H.endpoint);
        goto out;
    }
    if ((rc = lsfile_mkdirs(H.repo_dir, 1, err)) || (rc = get_info(&H, &info, err)))
        goto out;
    {
        /* the tag backup tools skip caches by (bford.info/cachedir), as huggingface_hub writes it */
        char *tag = longsd__asprintf("%s/CACHEDIR.TAG", H.cache);
        static const char text[] = "Signature: 8a477f597d28d172789f06886806bc55\n"
                                   "# This file is a cache directory tag created by huggingface_hub.\n"
                                   "# For information about cache directory tags, see:\n"
                                   "#\thttps://bford.info/cachedir/\n";
        lserr e;
        if (tag && !lsfile_exists(tag))
            lsfile_write_atomic(tag, text, sizeof text - 1, &e);
        longsd__free(tag);
    }
    /* a diffusers repo: fetch model_index.json first, it names the components */
    for (size_t i = 0; i < info.n_files; i++)
        if (strcmp(info.files[i].path, "model_index.json") == 0) {
            plan_file one = {.f = &info.files[i]};
            if ((rc = head_file(&H, info.commit, &one, err)) || (rc = fetch_file(&H, &one, err))) {
                curl_free(one.url);
                goto out;
            }
            curl_free(one.url);
            char *blob = longsd__asprintf("%s/blobs/%s", H.repo_dir, one.etag);
            size_t n = 0;
            rc = blob ? lsfile_read(blob, 1 << 20, &index, &n, err) : lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            longsd__free(blob);
            if (rc || (rc = ls_hub_parse_index(index, n, &comps, &ncomps, err)))
                goto out;
            break;
        }
    size_t want = ls_hub_select(&info, comps, index ? ncomps : 0);
    if (!index)
        want = ls_hub_select(&info, NULL, 0);
    if (!want) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s@%s has no model files longsd can use (.safetensors, .json)", H.repo,
                       H.rev);
        goto out;
    }
    if (!(pf = longsd__calloc(want, sizeof *pf))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < info.n_files; i++)
        if (info.files[i].want) {
            pf[npf].f = &info.files[i];
            if ((rc = head_file(&H, info.commit, &pf[npf], err)))
                goto out;
            npf++;
        }
    H.done = 0;
    if ((rc = check_space(&H, pf, npf, err)))
        goto out;
    {
        char a[32];
        human(H.total, a, sizeof a);
        longsd__log(ctx, LONGSD_LOG_INFO, "pulling %s@%s (commit %.12s): %zu files, %s", H.repo, H.rev, info.commit,
                    npf, a);
    }
    for (size_t i = 0; i < npf; i++)
        if ((rc = fetch_file(&H, &pf[i], err)))
            goto out;
    /* every file passed: now the snapshot other tools will trust */
    for (size_t i = 0; i < npf; i++)
        if ((rc = ls_hf_link(H.cache, H.repo, info.commit, pf[i].f->path, pf[i].etag, err)))
            goto out;
    if ((rc = ls_hf_write_ref(H.cache, H.repo, H.rev, info.commit, err)))
        goto out;
    H.file = NULL;
    report(&H, NULL, 1);
    {
        char a[32];
        human(H.fetched, a, sizeof a);
        longsd__log(ctx, LONGSD_LOG_INFO, "%s: %s downloaded, %zu files in %s/snapshots/%s", H.repo, a, npf,
                    H.repo_dir, info.commit);
    }
    if (snapshot && !(*snapshot = longsd__asprintf("%s/snapshots/%s", H.repo_dir, info.commit)))
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
out:
    for (size_t i = 0; i < npf; i++)
        curl_free(pf[i].url);
    longsd__free(pf);
    ls_hub_names_free(comps, ncomps);
    longsd__free(index);
    ls_hub_info_free(&info);
    if (H.curl)
        curl_easy_cleanup(H.curl);
    if (H.token) {
        memset(H.token, 0, strlen(H.token));
        longsd__free(H.token);
    }
    longsd__free(H.endpoint);
    longsd__free(H.cache);
    longsd__free(H.repo_dir);
    return rc;
}
