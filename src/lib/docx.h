/* docx.h - a small OOXML (WordprocessingML) writer on top of libzip: styled
 * paragraphs, page breaks, inline PNG/JPEG images at their true aspect ratio,
 * placeholders, core properties. Layouts (gallery, story) are built from these. */
#ifndef LONGSD_DOCX_H
#define LONGSD_DOCX_H

#include "longsd.h"
#include "util.h"

typedef struct ls_docx ls_docx;

ls_docx *ls_docx_new(void);
void ls_docx_free(ls_docx *d);
/* Core properties (docProps/core.xml). Any may be NULL. */
void ls_docx_set_meta(ls_docx *d, const char *title, const char *author, const char *language);
/* style: "Title", "Heading1", "Heading2", "Caption", "Normal", "Prompt",
 * "Placeholder". Text is escaped; characters not allowed in XML 1.0 dropped. */
longsd_status ls_docx_para(ls_docx *d, const char *style, const char *text);
/* A paragraph of runs: a bold label then text ("Prompt: ..."). */
longsd_status ls_docx_para_labeled(ls_docx *d, const char *style, const char *label, const char *text);
longsd_status ls_docx_page_break(ls_docx *d);
/* Embed an image file (PNG or JPEG, read and checked now) scaled to
 * width_in inches at its true aspect ratio, with alt text. Errors in err. */
longsd_status ls_docx_image(ls_docx *d, const char *path, double width_in, const char *alt, lserr *err);
/* Write the package atomically to path. */
longsd_status ls_docx_save(ls_docx *d, const char *path, lserr *err);

/* Image header sniffing shared by documents and backends: dimensions of a PNG
 * or JPEG in memory. Returns 0 and sets *w, *h, *is_png; -1 if not an image. */
int ls_image_dims(const unsigned char *p, size_t n, int *w, int *h, int *is_png);

#endif
