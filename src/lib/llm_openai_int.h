/* llm_openai_int.h - what the OpenAI-compatible LLM backend's files share
 * (internal to llm_openai*.c): the backend state, a chat job, and the
 * functions each file gives the others. The files, one concern each:
 *   llm_openai.c           the backend: ideas, cast, prompts; create/destroy
 *   llm_openai_request.c   request building: messages, schemas, chunks of a part
 *   llm_openai_transport.c the job runner: cache, worker threads, HTTP, retries
 *   llm_openai_reply.c     reply parsing: the chat envelope and its JSON validated */
#ifndef LONGSD_LLM_OPENAI_INT_H
#define LONGSD_LLM_OPENAI_INT_H

#include "llm.h"
#include "llm_cache.h"

#define DEFAULT_URL "https://api.openai.com/v1"
#define DEFAULT_MODEL "gpt-4o-mini"
#define BYTES_PER_TOKEN 3      /* conservative estimate, for any language */
#define PROMPT_OVERHEAD_TOKENS 900
#define TOKENS_PER_IDEA 160
#define MAX_TITLE 200
#define MAX_SCENE 2000
#define MAX_QUOTE 1500
#define MAX_CHARS_PER_IDEA 12
#define MAX_SPAN_BYTES 2000    /* an anchor widened to whole sentences stays under this */
#define CAST_EVIDENCE_BYTES 12000
#define CAST_EVIDENCE_PER 3


enum { MODE_SCHEMA = 0, MODE_OBJECT = 1, MODE_TEXT = 2 };
extern const char *const oa_mode_name[3]; /* by MODE_* */

typedef struct {
    ls_llm base;
    char *base_url;
    char *chat_url;
    char *model;
    char *key;     /* for scrubbing only */
    char *auth;    /* "Authorization: Bearer <key>", NULL without a key */
    longsd_llm_params p;
    ls_llm_cache cache;
    int mode;
} oa;

/* A job: one chat request. */
enum { JOB_IDEAS, JOB_CAST, JOB_PROMPT };

typedef struct {
    int kind;
    int want;               /* ideas asked for */
    char *system, *user;
    char *prev, *fix;       /* corrective turn: the model's last answer and what was wrong */
    int max_tokens;
    size_t text_bytes;
    /* results of the round */
    longsd_status rc;
    char err[1100];
    char *content;
    char finish[32];
    char *refusal;
    int attempts;
    int from_cache;
    int format_rejected;
    long status;
} job;

/* Redact s in place (the key and anything shaped like one). */
void oa_scrub(const oa *b, char *s);

/* llm_openai_request.c */
void oa_job_reset(job *j);  /* results of a round cleared */
void oa_job_free(job *j);
/* The JSON body of j's chat request in mode (MODE_*): messages, the
 * corrective turn, response_format. Free with longsd__free; NULL out of memory. */
char *oa_job_body(const oa *b, const job *j, int mode);
/* Turn j into its corrective follow-up (what was wrong, the form wanted). */
longsd_status oa_make_corrective(oa *b, job *j, const char *why, const char *format_hint);
/* Text of [a, b) of the story, paragraphs separated by blank lines. */
char *oa_span_text(const longsd_story *s, size_t a, size_t b);
/* Split a part into spans of at most budget bytes (see the file). */
longsd_status oa_chunk_part(const longsd_story *s, const ls_part *p, size_t budget, size_t **bounds,
                            size_t *n_bounds);
extern const char *const OA_IDEAS_FORMAT;
char *oa_ideas_system(void);
char *oa_ideas_user(const longsd_story *s, const ls_part *p, size_t pi, size_t n_parts, size_t ci, size_t nc,
                    int want, const ls_character *cast, size_t n_cast, const char *text);

/* llm_openai_reply.c (besides llm.h's ls_llm_parse_*): the cast member
 * named (case-insensitive, name or full name), NULL if none. */
const ls_character *oa_cast_lookup(const ls_character *cast, size_t n_cast, const char *name);

/* llm_openai_transport.c */
/* Run a round of jobs: cache first, then the network with p.parallel
 * threads; response_format rejections step the mode down. */
longsd_status oa_run_round(oa *b, job **jobs, size_t n, lserr *err);
/* What is wrong with a job's reply before its content is read. */
int oa_job_problem(const job *j, char *why, size_t why_size, int *final);

#endif
