/* doc_layout.h - what a document shows, in order, independent of the format:
 * sections (chapters, or parts), the story's paragraphs with each idea placed
 * right after its anchor paragraph, and the ideas in story order for the
 * appendix. The DOCX, EPUB and HTML writers walk the same list, so the three
 * formats always agree on where each picture goes. */
#ifndef LONGSD_DOC_LAYOUT_H
#define LONGSD_DOC_LAYOUT_H

#include "doc_labels.h"
#include "plan.h"

enum {
    LS_ITEM_HEADING = 1, /* the section's heading (index = section) */
    LS_ITEM_SUBHEADING,  /* a heading inside a section, e.g. a Markdown '#' line (index = paragraph) */
    LS_ITEM_TEXT,        /* a paragraph of the story (index = paragraph) */
    LS_ITEM_IDEA         /* an idea's picture (index = idea) */
};

typedef struct {
    int kind;     /* LS_ITEM_* */
    size_t index; /* section, paragraph or idea, by kind */
} ls_layout_item;

typedef struct {
    const char *title;       /* borrowed from the story or plan; NULL = untitled front matter */
    char id[16];             /* "s001", "s002", ...: unique, safe in file names and XML ids */
    int chapter;             /* 1 if it is a chapter of the text (page break before it in DOCX) */
    size_t first_item, n_items;
} ls_layout_section;

typedef struct {
    int story;                  /* 1 = story layout, 0 = gallery */
    ls_layout_item *items;
    size_t n_items;
    ls_layout_section *sections;
    size_t n_sections;
    size_t *order;              /* idea indices in story order (anchor offset) */
    size_t n_order;             /* == plan->n_ideas */
    const ls_doc_labels *lb;    /* the document's words, in its language */
    char (*part_labels)[32];    /* per plan part: its label in that language when it is a default one */
} ls_layout;

/* Parse a layout name: 1 story, 0 gallery, -1 unknown. NULL = story. */
int ls_layout_kind(const char *name);
/* Build the layout named by opts (story needs opts->story, with the SHA-256
 * the plan records). Errors in err. */
longsd_status ls_layout_build(const longsd_plan *plan, const longsd_doc_params *opts, ls_layout *out, lserr *err);
void ls_layout_free(ls_layout *l);

/* An idea's rendered image, read and checked. */
typedef struct {
    char *data; /* the file's bytes (owned) */
    size_t len;
    int w, h, is_png;
} ls_doc_image;

/* Read the image of idea pi. Returns 1 with *img filled (free img->data),
 * 0 when there is none to show (not rendered, failed, file missing) and -1
 * when the file is there but unreadable or not a PNG/JPEG (err says why). */
int ls_doc_image_load(const char *workspace, const ls_plan_idea *pi, ls_doc_image *img, lserr *err);

/* The placeholder line for an idea without an image ("Image not rendered
 * yet (beginning-01, seed 42)" or "Image failed (...): reason"). Free with
 * longsd__free. */
char *ls_doc_placeholder_text(const ls_plan_idea *pi, const ls_doc_labels *lb);
/* "seed 42, 768x512, 30 steps, CFG 7.0, Euler a" into buf. */
void ls_doc_settings_text(const ls_plan_idea *pi, char *buf, size_t n);
/* The language to declare: opts->language if set, else the plan's, else
 * "und". Borrowed. */
const char *ls_doc_language(const longsd_plan *plan, const longsd_doc_params *opts);

/* 1 if s is a plausible BCP 47 tag ("en", "pt-BR", "und"): letters,
 * digits and '-', 2 to 35 characters. */
int ls_doc_lang_ok(const char *s);
/* A stable "urn:uuid:..." for the plan (from its text's hash and name). */
void ls_doc_uuid(const longsd_plan *plan, char out[64]);

/* ---- the XHTML shared by EPUB and HTML (valid as XHTML 5 and HTML 5) */

/* File name of idea i's image inside a document: "fig-007.png". */
void ls_doc_image_name(size_t idea, int is_png, char out[32]);

/* The images of every idea, loaded and checked: img[i].data NULL when idea
 * i shows a placeholder. n == plan->n_ideas. */
typedef struct {
    ls_doc_image *img;
    size_t n;
} ls_doc_media;
longsd_status ls_doc_media_load(const longsd_plan *plan, const char *workspace, ls_doc_media *m, lserr *err);
void ls_doc_media_free(ls_doc_media *m);

/* Append section si as <section>...</section>: its heading (h2), paragraphs,
 * and figures. src[i] is the src attribute of idea i's image (escaped here),
 * NULL for a placeholder. */
longsd_status ls_doc_xhtml_section(lsbuf *b, const longsd_plan *plan, const ls_layout *L, size_t si,
                                   const longsd_story *s, char *const *src, const ls_doc_media *m);
/* The appendix table of prompts, negative prompts and seeds (story order). */
longsd_status ls_doc_xhtml_appendix(lsbuf *b, const longsd_plan *plan, const ls_layout *L);
/* A navigation label for section si (its title, or "Front matter"). */
const char *ls_doc_section_label(const ls_layout *L, size_t si);
/* The stylesheet both formats use: readable typography, figures at most the
 * column's width, placeholders, the prompts table. */
extern const char LS_DOC_CSS[];

#endif
