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
/* Core properties (docProps/core.xml). Any may be NULL. The language (a
 * BCP 47 tag such as "en" or "de") also becomes the text's proofing language. */
void ls_docx_set_meta(ls_docx *d, const char *title, const char *author, const char *language);
/* Page size: A4 (the default) or US Letter, 1" margins either way. */
enum { LS_DOCX_A4 = 0, LS_DOCX_LETTER = 1 };
void ls_docx_set_page(ls_docx *d, int page);
/* style: "Title", "Heading1", "Heading2", "Caption", "Normal", "Prompt",
 * "Placeholder" (NULL = "Normal"; any other is LONGSD_ERR_PARAM). Text is
 * escaped; characters not allowed in XML 1.0 dropped; newlines become line
 * breaks, tabs tabs. A paragraph whose first letter is Arabic, Hebrew, ... is
 * laid out right to left. A failed call leaves the document as it was. */
longsd_status ls_docx_para(ls_docx *d, const char *style, const char *text);
/* A paragraph of runs: a bold label then text ("Prompt: ..."); a space is
 * put between them unless the label already ends with one. */
longsd_status ls_docx_para_labeled(ls_docx *d, const char *style, const char *label, const char *text);
longsd_status ls_docx_page_break(ls_docx *d);
/* A table across the text width with borders and a header row that repeats
 * on every page: n_cols columns sized by weights (NULL = equal), header[n_cols]
 * in bold, then n_rows rows of cells[row * n_cols + col] in the "Prompt"
 * style (small print). Text is escaped as in ls_docx_para. All or nothing. */
longsd_status ls_docx_table(ls_docx *d, size_t n_cols, const double *weights, const char *const *header,
                            const char *const *cells, size_t n_rows);
/* Embed an image file (PNG or JPEG, read and checked now) scaled to
 * width_in inches at its true aspect ratio, with alt text, in a centred
 * paragraph of its own. If it would not fit the text area of the page it is
 * shrunk (aspect kept) until it does. Errors in err. */
longsd_status ls_docx_image(ls_docx *d, const char *path, double width_in, const char *alt, lserr *err);
/* The same with the file's bytes already read (data is consumed, freed here
 * on every path; path is for messages). */
longsd_status ls_docx_image_data(ls_docx *d, const char *path, char *data, size_t len, double width_in,
                                 const char *alt, lserr *err);
/* Write the package atomically to path. */
longsd_status ls_docx_save(ls_docx *d, const char *path, lserr *err);

/* Image header sniffing shared by documents and backends: dimensions of a PNG
 * or JPEG in memory. Returns 0 and sets *w, *h, *is_png; -1 if not an image.
 * Also -1 for a file cut short (no IEND / EOI), a JPEG that is not SOF0/1/2,
 * and a side of 0 or over LS_IMAGE_MAX_SIDE pixels. */
#define LS_IMAGE_MAX_SIDE 65535
int ls_image_dims(const unsigned char *p, size_t n, int *w, int *h, int *is_png);

#endif
