/* doc_html.c - HTML: a folder with index.html and images/ (replaced as a
 * whole: written beside it, then swapped in), or one self-contained file
 * with the images inlined as data: URLs. Responsive (a single column that
 * fits a phone), with a print stylesheet (a page per chapter, figures kept
 * whole, no navigation). */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "ctx.h"
#include "doc_layout.h"
#include "tmpfile.h"
#include "story.h"
#include "xml.h"

#define MAX_HTML_BYTES ((size_t)768 << 20)

static const char HTML_CSS_EXTRA[] =
    "nav.toc{font-family:\"Helvetica Neue\",Arial,\"Noto Sans\",sans-serif;font-size:.9em;border-top:1px solid #ddd;"
    "border-bottom:1px solid #ddd;margin:1.5em 0 2em;padding:.5em 0}\n"
    "nav.toc h2{font-size:1em;margin:.3em 0}\n"
    "a{color:#2f5496}\n"
    "@media (max-width:40em){body{font-size:1.05em;padding:.75em .9em 2em}h1{font-size:1.7em}"
    "h2{font-size:1.3em}table.prompts{font-size:.75em}"
    "table.prompts thead{display:none}table.prompts tr{display:block;border-bottom:2px solid #bbb;"
    "margin-bottom:.6em}table.prompts td{display:block;border:none;border-top:1px solid #ddd}"
    "table.prompts td[data-label]::before{content:attr(data-label) \": \";font-weight:bold;color:#555}}\n"
    "@media (prefers-color-scheme:dark){body{background:#1b1b1d;color:#ddd}h1,h2,h3{color:#9db7e8}"
    "figcaption,.prompt{color:#aaa}.placeholder{background:#2a2a2d;color:#ccc;border-color:#777}"
    "table.prompts th{background:#26304a}a{color:#9db7e8}}\n"
    "@media print{body{max-width:none;background:#fff;color:#000;font-size:11pt;padding:0}"
    "nav.toc{display:none}section.chapter,section.appendix{break-before:page;page-break-before:always}"
    "h1,h2,h3{color:#000;break-after:avoid;page-break-after:avoid}figure img{box-shadow:none;max-height:60vh}"
    "a{color:inherit;text-decoration:none}p{orphans:3;widows:3}}\n";

/* The whole page. src[i] is the src of idea i's image (NULL: placeholder). */
static longsd_status page(lsbuf *b, const longsd_plan *plan, const ls_layout *L, const longsd_doc_params *o,
                          char *const *src, const ls_doc_media *m)
{
    const char *lang = ls_doc_language(plan, o);
    const char *title = plan->title && *plan->title ? plan->title : (plan->name ? plan->name : "Untitled");
    longsd_status rc = lsbuf_adds(b, "<!DOCTYPE html>\n<html lang=\"");
    if (!rc)
        rc = ls_xml_escapes(b, lang, LS_XML_ATTR);
    if (!rc)
        rc = lsbuf_adds(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                           "<meta name=\"generator\" content=\"longsd\">\n<title>");
    if (!rc)
        rc = ls_xml_escapes(b, title, LS_XML_TEXT);
    if (!rc)
        rc = lsbuf_adds(b, "</title>\n");
    if (!rc && plan->author && *plan->author) {
        rc = lsbuf_adds(b, "<meta name=\"author\" content=\"");
        if (!rc)
            rc = ls_xml_escapes(b, plan->author, LS_XML_ATTR);
        if (!rc)
            rc = lsbuf_adds(b, "\">\n");
    }
    if (!rc)
        rc = lsbuf_printf(b, "<style>\n%s%s</style>\n</head>\n<body>\n<header>\n<h1%s>", LS_DOC_CSS, HTML_CSS_EXTRA,
                          ls_text_rtl(title) == 1 ? " dir=\"rtl\"" : "");
    if (!rc)
        rc = ls_xml_escapes(b, title, LS_XML_TEXT);
    if (!rc)
        rc = lsbuf_adds(b, "</h1>\n");
    if (!rc && plan->author && *plan->author) {
        rc = lsbuf_adds(b, "<p class=\"byline\">by ");
        if (!rc)
            rc = ls_xml_escapes(b, plan->author, LS_XML_TEXT);
        if (!rc)
            rc = lsbuf_adds(b, "</p>\n");
    }
    if (!rc)
        rc = lsbuf_adds(b, "</header>\n");
    /* A table of contents when there is more than one titled section. */
    size_t titled = 0;
    for (size_t si = 0; si < L->n_sections; si++)
        titled += L->sections[si].title != NULL;
    if (!rc && (titled > 1 || L->story)) {
        rc = lsbuf_printf(b, "<nav class=\"toc\" aria-label=\"%s\">\n<h2>%s</h2>\n<ol>\n", L->lb->contents,
                          L->lb->contents);
        for (size_t si = 0; !rc && si < L->n_sections; si++) {
            if (!L->sections[si].title || !L->sections[si].n_items)
                continue;
            rc = lsbuf_printf(b, "<li><a href=\"#%s\">", L->sections[si].id);
            if (!rc)
                rc = ls_xml_escapes(b, L->sections[si].title, LS_XML_TEXT);
            if (!rc)
                rc = lsbuf_adds(b, "</a></li>\n");
        }
        if (!rc && L->story)
            rc = lsbuf_printf(b, "<li><a href=\"#appendix\">%s</a></li>\n", L->lb->appendix);
        if (!rc)
            rc = lsbuf_adds(b, "</ol>\n</nav>\n");
    }
    if (!rc)
        rc = lsbuf_adds(b, "<main>\n");
    for (size_t si = 0; !rc && si < L->n_sections; si++)
        if (L->sections[si].n_items)
            rc = ls_doc_xhtml_section(b, plan, L, si, o->story, src, m);
    if (!rc && L->story)
        rc = ls_doc_xhtml_appendix(b, plan, L);
    if (!rc)
        rc = lsbuf_adds(b, "</main>\n</body>\n</html>\n");
    return rc;
}

/* ---- replacing a folder as a whole */

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(p) : unlink(p)) == 0 ? 0 : -1;
}

static void rm_tree(const char *dir)
{
    if (dir && *dir)
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The manifest longsd writes into every HTML folder: the first line says
 * what it is, then one line per file we wrote. Only a folder whose every
 * entry is in its manifest may be replaced, so `html -o ~/site` never
 * deletes files longsd did not make (a name-based guess matched any site,
 * and a folder named index.html passed). */
#define MANIFEST ".longsd-html"
#define MANIFEST_HEAD "longsd html folder; files written by longsd:\n"

/* Check dir against its manifest: LONGSD_OK if it may be replaced, else an
 * error naming the first entry that is not ours. */
static longsd_status check_our_folder(const char *dir, lserr *err)
{
    char p[4096], *man = NULL;
    size_t mlen = 0;
    longsd_status rc = LONGSD_OK;
    DIR *d = opendir(dir);
    if (!d)
        return lserr_set(err, LONGSD_ERR_IO, "%s: cannot read the folder: %s", dir, strerror(errno));
    int empty = 1;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    closedir(d);
    if (empty)
        return LONGSD_OK;
    snprintf(p, sizeof p, "%s/" MANIFEST, dir);
    struct stat st;
    lserr ign;
    if (lstat(p, &st) != 0 || !S_ISREG(st.st_mode) || lsfile_read(p, (size_t)4 << 20, &man, &mlen, &ign) ||
        mlen < sizeof MANIFEST_HEAD - 1 || memcmp(man, MANIFEST_HEAD, sizeof MANIFEST_HEAD - 1) != 0) {
        longsd__free(man);
        return lserr_set(err, LONGSD_ERR_IO,
                         "%s: exists and was not written by longsd html (no " MANIFEST " listing its files); not "
                         "replacing it: choose another path, or remove the folder yourself",
                         dir);
    }
    /* every entry: the manifest, the folder images/, or a plain file it lists */
    const char *sub[] = {"", "images/"};
    for (int k = 0; k < 2 && !rc; k++) {
        snprintf(p, sizeof p, "%s/%s", dir, sub[k]);
        if (k == 1 && (lstat(p, &st) != 0 || !S_ISDIR(st.st_mode)))
            break; /* no images/ (or not a folder: caught at level 0) */
        if (!(d = opendir(p))) {
            rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot read the folder: %s", p, strerror(errno));
            break;
        }
        while (!rc && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char rel[600], line[610];
            snprintf(rel, sizeof rel, "%s%s", sub[k], e->d_name);
            if (k == 0 && !strcmp(e->d_name, MANIFEST))
                continue;
            snprintf(p, sizeof p, "%s/%s", dir, rel);
            if (lstat(p, &st) != 0)
                continue;
            if (k == 0 && !strcmp(e->d_name, "images") && S_ISDIR(st.st_mode))
                continue;
            snprintf(line, sizeof line, "\n%s\n", rel);
            /* the manifest starts with a line of its own, so "\nname\n" finds whole lines */
            if (!S_ISREG(st.st_mode) || !memmem(man + sizeof MANIFEST_HEAD - 2, mlen - (sizeof MANIFEST_HEAD - 2),
                                                line, strlen(line)))
                rc = lserr_set(err, LONGSD_ERR_IO,
                               "%s: holds %s, which longsd did not write; not replacing the folder: move that "
                               "away or choose another path",
                               dir, rel);
        }
        closedir(d);
    }
    longsd__free(man);
    return rc;
}

static longsd_status write_folder(const char *dir, const char *html, size_t n, const longsd_plan *plan,
                                  const ls_doc_media *m, lserr *err)
{
    struct stat st;
    char *tmp = NULL, *p = NULL;
    longsd_status rc = LONGSD_OK;
    lsbuf man;
    lsbuf_init(&man, (size_t)4 << 20);
    int exists = lstat(dir, &st) == 0;
    if (exists && !S_ISDIR(st.st_mode))
        return lserr_set(err, LONGSD_ERR_IO, "%s: exists and is not a folder; not replacing it, choose another path",
                         dir);
    if (exists && (rc = check_our_folder(dir, err)))
        return rc;
    if ((rc = lsfile_mkdirs(dir, 0, err)))
        return rc;
    lstmp_sweep_beside(dir); /* folders left by a killed run */
    if (!(tmp = lstmp_mkdir(dir, err)))
        return err ? err->code : LONGSD_ERR_IO;
    rc = lsbuf_adds(&man, MANIFEST_HEAD "index.html\n");
    p = longsd__asprintf("%s/images", tmp);
    if (!p || mkdir(p, 0777) != 0) {
        rc = p ? lserr_set(err, LONGSD_ERR_IO, "%s: %s", p, strerror(errno)) : LONGSD_ERR_NOMEM;
        goto out;
    }
    /* mkdtemp made the folder 0700, which no web server can serve: give it
     * the mode a plain mkdir gets under this umask (as images/ just did),
     * without calling umask(), which is process-wide */
    struct stat ist;
    if (stat(p, &ist) != 0 || chmod(tmp, ist.st_mode & 07777) != 0) {
        rc = lserr_set(err, LONGSD_ERR_IO, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    for (size_t i = 0; !rc && i < m->n; i++) {
        if (!m->img[i].data)
            continue;
        char name[32];
        ls_doc_image_name(i, m->img[i].is_png, name);
        longsd__free(p);
        p = longsd__asprintf("%s/images/%s", tmp, name);
        rc = p ? lsfile_write_atomic(p, m->img[i].data, m->img[i].len, err) : LONGSD_ERR_NOMEM;
        if (!rc)
            rc = lsbuf_printf(&man, "images/%s\n", name);
    }
    if (!rc) {
        longsd__free(p);
        p = longsd__asprintf("%s/" MANIFEST, tmp);
        rc = p ? lsfile_write_atomic(p, man.data, man.len, err) : LONGSD_ERR_NOMEM;
    }
    longsd__free(p);
    p = longsd__asprintf("%s/index.html", tmp);
    if (!rc)
        rc = p ? lsfile_write_atomic(p, html, n, err) : LONGSD_ERR_NOMEM;
    if (rc)
        goto out;
    /* Swap the new folder in. RENAME_EXCHANGE makes it one atomic step; where
     * the file system lacks it, move the old one aside first. */
    if (!exists) {
        if (rename(tmp, dir) != 0)
            rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot move into place: %s", dir, strerror(errno));
    } else if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) != 0) {
        char *old = longsd__asprintf("%s.old-XXXXXX", dir);
        if (!old) {
            rc = LONGSD_ERR_NOMEM;
        } else if (!mkdtemp(old) || rmdir(old) != 0 || rename(dir, old) != 0) {
            rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot move the old folder aside: %s", dir, strerror(errno));
        } else if (rename(tmp, dir) != 0) {
            rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot move into place: %s", dir, strerror(errno));
            rename(old, dir);
        } else {
            rm_tree(old);
        }
        longsd__free(old);
    }
out:
    if (rc || exists)
        rm_tree(tmp); /* the failed new folder, or the old one after the exchange */
    longsd__free(p);
    longsd__free(tmp);
    lsbuf_free(&man);
    return rc;
}

longsd_status longsd_html_write(longsd_ctx *ctx, const longsd_plan *plan, const char *path,
                                const longsd_doc_params *opts)
{
    longsd_doc_params o = opts ? *opts : longsd_doc_default_params();
    ls_layout L;
    ls_doc_media m = {0};
    char **src = NULL;
    lsbuf b;
    longsd_status rc;
    if (path)
        lstmp_sweep_beside(path); /* temp files of a run killed while writing */

    lsbuf_init(&b, MAX_HTML_BYTES);
    lserr_clear(&ctx->err);
    if (!plan || !path || !*path)
        return lserr_set(&ctx->err, LONGSD_ERR_PARAM, "longsd_html_write: no plan or no path");
    const char *lang = ls_doc_language(plan, &o);
    if (!ls_doc_lang_ok(lang))
        return lserr_set(&ctx->err, LONGSD_ERR_PARAM,
                         "language \"%s\" is not a BCP 47 tag such as en, de or pt-BR", lang);
    rc = ls_layout_build(plan, &o, &L, &ctx->err);
    if (rc)
        return rc;
    if ((rc = ls_doc_media_load(plan, o.workspace, &m, &ctx->err)))
        goto out;
    src = longsd__calloc(plan->n_ideas ? plan->n_ideas : 1, sizeof *src);
    if (!src) {
        rc = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < plan->n_ideas; i++) {
        if (!m.img[i].data)
            continue;
        if (o.single_file) {
            char *b64 = ls_base64_encode(m.img[i].data, m.img[i].len);
            src[i] = b64 ? longsd__asprintf("data:%s;base64,%s", m.img[i].is_png ? "image/png" : "image/jpeg", b64)
                         : NULL;
            longsd__free(b64);
        } else {
            char name[32];
            ls_doc_image_name(i, m.img[i].is_png, name);
            src[i] = longsd__asprintf("images/%s", name);
        }
        if (!src[i]) {
            rc = LONGSD_ERR_NOMEM;
            goto out;
        }
    }
    if ((rc = page(&b, plan, &L, &o, src, &m)))
        goto out;
    if (o.single_file) {
        rc = lsfile_write_atomic(path, b.data, b.len, &ctx->err);
    } else {
        /* "html/x/" is the folder "html/x": the temporary folder must be its
         * sibling, never its child. */
        char *dir = longsd__strdup(path);
        if (!dir) {
            rc = LONGSD_ERR_NOMEM;
            goto out;
        }
        for (size_t l = strlen(dir); l > 1 && dir[l - 1] == '/'; l--)
            dir[l - 1] = '\0';
        rc = write_folder(dir, b.data, b.len, plan, &m, &ctx->err);
        longsd__free(dir);
    }
out:
    if (rc == LONGSD_ERR_NOMEM)
        lserr_set(&ctx->err, rc, "out of memory while writing %s", path);
    else if (rc == LONGSD_ERR_TOO_BIG && !ctx->err.msg[0])
        lserr_set(&ctx->err, rc, "%s: the document is too big", path);
    else if (rc && !ctx->err.msg[0])
        lserr_set(&ctx->err, rc, "%s: could not be written: %s", path, longsd_strerror(rc));
    if (src)
        for (size_t i = 0; i < plan->n_ideas; i++)
            longsd__free(src[i]);
    longsd__free(src);
    ls_doc_media_free(&m);
    ls_layout_free(&L);
    lsbuf_free(&b);
    return rc;
}
