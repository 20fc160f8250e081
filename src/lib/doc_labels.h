/* doc_labels.h - the words a document adds around the book ("Contents",
 * "Appendix: prompts", "Image not rendered yet", ...) in the book's
 * language: English, German, French; any other language gets English. */
#ifndef LONGSD_DOC_LABELS_H
#define LONGSD_DOC_LABELS_H

typedef struct {
    const char *contents, *appendix, *front_matter, *title_page;
    const char *idea, *prompt, *negative, *seed, *seed_settings; /* table heads and field names */
    const char *prompt_colon, *negative_colon;                   /* "Prompt: " in running text */
    const char *seeds_note;
    const char *beginning, *middle, *end, *part_fmt;             /* part_fmt: "Part %zu" */
    const char *not_rendered_fmt; /* (idea id, seed) */
    const char *failed_fmt;       /* (idea id, reason) */
    const char *missing_fmt;      /* (idea id, file) */
} ls_doc_labels;

/* Labels for a BCP 47 tag ("de", "de-CH", "fr", ...). Never NULL. */
const ls_doc_labels *ls_doc_labels_for(const char *lang);

#endif
