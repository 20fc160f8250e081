/* gguf.h - a strict reader for GGUF files (versions 2 and 3), the format
 * ggml and stable-diffusion.cpp write: header, metadata key/value pairs,
 * tensor infos and an aligned data area. The file is untrusted input: every
 * count, length and offset is checked against the bytes that are there
 * before it is used, and an error names the file, the field and the byte
 * offset where reading stopped. Tensors are not copied; gguf_dequant turns
 * the block formats into f32. */
#ifndef LONGSD_GGUF_H
#define LONGSD_GGUF_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define GGUF_MAX_DIMS 4            /* ggml's GGML_MAX_DIMS */
#define GGUF_DEFAULT_ALIGNMENT 32u
#define GGUF_MAX_ARRAY_DEPTH 8     /* arrays of arrays nest at most this deep */

/* Metadata value types (the spec's gguf_metadata_value_type). */
typedef enum {
    GGUF_KV_U8 = 0,
    GGUF_KV_I8 = 1,
    GGUF_KV_U16 = 2,
    GGUF_KV_I16 = 3,
    GGUF_KV_U32 = 4,
    GGUF_KV_I32 = 5,
    GGUF_KV_F32 = 6,
    GGUF_KV_BOOL = 7,
    GGUF_KV_STRING = 8,
    GGUF_KV_ARRAY = 9,
    GGUF_KV_U64 = 10,
    GGUF_KV_I64 = 11,
    GGUF_KV_F64 = 12,
    GGUF_KV_NTYPES
} gguf_kv_type;

/* The ggml tensor types this reader converts (ggml_type's numbers). */
typedef enum {
    GGUF_T_F32 = 0,
    GGUF_T_F16 = 1,
    GGUF_T_Q4_0 = 2,
    GGUF_T_Q4_1 = 3,
    GGUF_T_Q5_0 = 6,
    GGUF_T_Q5_1 = 7,
    GGUF_T_Q8_0 = 8,
    GGUF_T_BF16 = 30,
} gguf_type;

typedef struct {
    const char *key;        /* NUL-terminated copy */
    gguf_kv_type type;
    union {
        uint64_t u;         /* unsigned integers and bool */
        int64_t i;          /* signed integers */
        double f;           /* F32, F64 */
    } v;
    const char *str;        /* STRING: NUL-terminated copy (may hold NULs before its end; see str_len) */
    uint64_t str_len;
    gguf_kv_type arr_type;  /* ARRAY: element type, count and the raw bytes of the elements */
    uint64_t arr_n;
    const uint8_t *arr_data;
    uint64_t arr_size;
} gguf_kv;

typedef struct {
    const char *name;       /* NUL-terminated copy */
    gguf_type type;
    int n_dims;             /* 0..GGUF_MAX_DIMS (0: a scalar) */
    uint64_t ne[GGUF_MAX_DIMS]; /* ggml order: ne[0] varies fastest (PyTorch's last dimension) */
    uint64_t numel;
    uint64_t offset;        /* relative to the data area */
    uint64_t size;          /* bytes */
    const uint8_t *data;    /* offset's address in the buffer */
} gguf_tensor;

typedef struct gguf_file gguf_file;

/* Parse an in-memory file (borrowed: data must outlive the handle); label
 * names it in messages. Errors are LONGSD_ERR_MODEL ("LABEL: FIELD at byte
 * N: what is wrong") or LONGSD_ERR_NOMEM. */
longsd_status gguf_open_mem(const void *data, size_t size, const char *label, gguf_file **out, lserr *err);
void gguf_close(gguf_file *g); /* NULL is a no-op */

int gguf_is_gguf(const void *data, size_t size); /* starts with the magic "GGUF" */

uint32_t gguf_version(const gguf_file *g);
uint32_t gguf_alignment(const gguf_file *g);
uint64_t gguf_data_offset(const gguf_file *g); /* file offset of the data area */
size_t gguf_n_kv(const gguf_file *g);
const gguf_kv *gguf_kv_at(const gguf_file *g, size_t i);
const gguf_kv *gguf_find_kv(const gguf_file *g, const char *key); /* NULL when absent */
size_t gguf_n_tensors(const gguf_file *g);
const gguf_tensor *gguf_tensor_at(const gguf_file *g, size_t i); /* in file order */

const char *gguf_type_name(uint32_t type);   /* "Q8_0", or "?" for types this reader does not know */
size_t gguf_type_block(uint32_t type);       /* elements per block; 0 for unknown types */
size_t gguf_type_block_bytes(uint32_t type); /* bytes per block; 0 for unknown types */

/* Convert elements [first, first + n) of the flattened tensor data of the
 * given type to f32. src is the start of the tensor; first need not be on
 * a block boundary. The caller has checked the range (gguf_tensor does). */
void gguf_dequant(uint32_t type, const uint8_t *src, uint64_t first, size_t n, float *out);

#endif
