/* story.h - ingest: a text file turned into paragraphs, sentences and
 * chapters, each with its byte span [start, end) in the ORIGINAL file bytes
 * (BOM, CRLF and all: nothing is rewritten in place, so spans always point
 * at what the user has on disk). Clean text is produced on demand. */
#ifndef LONGSD_STORY_H
#define LONGSD_STORY_H

#include <stddef.h>

#include "longsd.h"
#include "util.h"

typedef struct {
    size_t start, end;      /* span in the original bytes */
    size_t para;            /* paragraph index */
    size_t n_words;
    int in_quotes;          /* 1 if the sentence is mostly inside quotation marks */
} ls_sentence;

typedef struct {
    size_t start, end;      /* span in the original bytes (trimmed, no surrounding blank lines) */
    int chapter;            /* chapter index, -1 before the first chapter */
    int is_heading;         /* chapter heading or Markdown '#' line */
    size_t n_words;
    size_t first_sentence;  /* index into story->sentences */
    size_t n_sentences;
} ls_para;

typedef struct {
    char *title;            /* clean heading text, e.g. "CHAPTER I" or "19. Von dem Fischer un syner Fru" */
    size_t heading_para;    /* paragraph index of the heading */
    size_t first_para;      /* first paragraph after the heading */
    size_t n_paras;         /* paragraphs in the chapter, heading excluded */
} ls_chapter;

struct longsd_story {
    char *name;             /* for messages: the file name as given */
    char *data;             /* the original bytes, NUL-terminated (owned) */
    size_t len;
    size_t body_start, body_end; /* after BOM / Gutenberg header & footer removal */
    char sha256[65];
    char *title;            /* Gutenberg "Title:", first heading line, or the name's stem */
    char *author;           /* Gutenberg "Author:" or "" */
    char lang[8];           /* "en", "de", "fr", ... "und": guessed from stop words */
    ls_para *paras;
    size_t n_paras;
    ls_sentence *sentences;
    size_t n_sentences;
    ls_chapter *chapters;
    size_t n_chapters;
    size_t n_words;
    int is_play;            /* a play: speaker headings, no narrator (drama.c) */
};

/* ---- drama.c: plays */
typedef struct {
    char *name;             /* "Mercury", "Du Croisy" */
    size_t speeches;        /* speeches headed by the name or its abbreviation */
    size_t headed;          /* of which under the name as the text writes it ("- Du Croisy -") */
} ls_speaker;

/* Set s->is_play from its speaker headings. LONGSD_ERR_NOMEM only. */
longsd_status ls_drama_detect(longsd_story *s);
/* The speakers of a play with two speeches or more, most first; none when
 * s is no play. Free with ls_speakers_free. */
longsd_status ls_drama_speakers(const longsd_story *s, ls_speaker **out, size_t *n);
void ls_speakers_free(ls_speaker *v, size_t n);
/* Bytes the speaker heading takes at the start of paragraph pi of a play
 * ("MERC. " before the speech; the whole paragraph for "- Du Croisy -"),
 * 0 when it has none or s is no play. */
size_t ls_drama_heading_len(const longsd_story *s, size_t pi);

/* Ingest data (copied) into a new story. On error returns NULL status code in
 * err with a message naming `name` and the byte offset when relevant. */
longsd_status ls_story_ingest(const char *name, const char *data, size_t n, const longsd_story_params *p,
                              longsd_story **out, lserr *err);

/* Clean text of span [start, end): line breaks inside paragraphs joined with
 * a space (a hyphen at a line end followed by a lower-case letter is kept
 * as is), whitespace collapsed, control characters dropped. Free with
 * longsd__free. */
char *ls_story_text(const longsd_story *s, size_t start, size_t end);

/* ---- parts (split.c) */
typedef struct {
    char id[32];            /* "beginning" / "middle" / "end" / "part-04" / "chapter-07" */
    char *label;            /* "Beginning", "Part 4", the chapter title */
    size_t first_para, n_paras;
    size_t start, end;      /* byte span */
    size_t n_words;
} ls_part;

/* Split the story into parts balanced by words and aligned to paragraphs
 * (n_parts >= 1), or one per chapter when by_chapter (falls back to n_parts
 * with a warning in err->msg-less form: *fell_back = 1 when there are no
 * chapters). Heading paragraphs never start a part alone at its end. */
longsd_status ls_split(const longsd_story *s, int n_parts, int by_chapter, ls_part **parts, size_t *n_parts_out,
                       int *fell_back, lserr *err);
void ls_parts_free(ls_part *parts, size_t n);

#endif
