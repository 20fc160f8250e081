/* longsd_docs_draft.h - proposed additions to include/longsd.h for the
 * illustrated documents (issue 6): the story and gallery layouts in DOCX,
 * EPUB 3 and HTML. To be folded into longsd.h by the lead; until then the
 * library and the CLI include this header next to longsd.h.
 *
 * Folding note: longsd_doc_options is a superset of longsd_doc_params. Once
 * folded, longsd_doc_params may simply gain the new fields (language, cover,
 * single_file) and longsd_docx_write_opts becomes longsd_docx_write. */
#ifndef LONGSD_DOCS_DRAFT_H
#define LONGSD_DOCS_DRAFT_H

#include "longsd.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Layouts, for every format:
 *   "story"   (the default) title, the whole text with its chapter headings,
 *             each image right after the paragraph it illustrates with the
 *             idea as caption, then an appendix table of prompts, negative
 *             prompts and seeds. Needs the text (options.story) and refuses a
 *             text whose SHA-256 differs from the plan's (the anchors would
 *             point at the wrong bytes).
 *   "gallery" the original project's layout: per part a heading, then each
 *             image with its passage and prompt, in story order. */
#define LONGSD_LAYOUT_STORY "story"
#define LONGSD_LAYOUT_GALLERY "gallery"

typedef struct {
    const char *workspace;     /* image files of the plan resolve against it; default "." */
    const char *layout;        /* "story" (default) or "gallery"; NULL = "story" */
    const longsd_story *story; /* the text; required by "story" */
    const char *language;      /* BCP 47 tag overriding the plan's detected one; NULL = detected */
    const char *cover;         /* EPUB cover: an idea id whose image is rendered
                                * ("beginning-01"); NULL = a generated title page */
    int single_file;           /* HTML: one self-contained file, images inlined
                                * as data: URLs; 0 = a folder (index.html + images/) */
} longsd_doc_options;

longsd_doc_options longsd_doc_default_options(void);

/* Each writer is atomic: on failure the previous document (file or folder)
 * is left as it was and nothing half-written is left behind. Ideas without a
 * rendered image on disk get a visible "not rendered yet" placeholder; every
 * image carries the idea as alternative text. Text from the story and the
 * plan is escaped, characters XML 1.0 forbids are dropped, everything else
 * (accents, CJK, right-to-left scripts, emoji) is kept. */

/* DOCX: Word styles (Title, Heading 1/2, Caption), core properties, page
 * breaks before chapters, images at the text width and true aspect ratio. */
longsd_status longsd_docx_write_opts(longsd_ctx *ctx, const longsd_plan *plan, const char *path,
                                     const longsd_doc_options *opts);
/* EPUB 3: one XHTML file per chapter (or part), navigation document, cover
 * or generated title page, metadata (title, author, language, identifier,
 * modified date); the mimetype entry first and stored. */
longsd_status longsd_epub_write(longsd_ctx *ctx, const longsd_plan *plan, const char *path,
                                const longsd_doc_options *opts);
/* HTML: path is a folder that receives index.html and images/ (replaced as
 * a whole), or with opts->single_file the .html file itself. Responsive,
 * with a print stylesheet. */
longsd_status longsd_html_write(longsd_ctx *ctx, const longsd_plan *plan, const char *path,
                                const longsd_doc_options *opts);

#ifdef __cplusplus
}
#endif
#endif
