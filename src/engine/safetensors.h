/* safetensors.h - a strict reader for .safetensors files (and, behind the
 * same interface, GGUF files: sdst_open knows them by their magic "GGUF",
 * gguf.c parses them, and their tensors appear with PyTorch-order shapes and
 * the block types below): the file is mmap'ed,
 * the JSON header validated entry by entry (dtype, shape, offsets, sizes, no
 * overlaps or gaps), and tensors converted to f32 on demand, one at a time,
 * so fp16/bf16 checkpoints never exist in memory as a full f32 copy.
 * Every error message names the file and, where there is one, the tensor. */
#ifndef LONGSD_SAFETENSORS_H
#define LONGSD_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define SDST_MAX_HEADER (100u * 1024u * 1024u) /* the reference reader's cap */
#define SDST_MAX_DIMS 8

typedef enum {
    SDST_BOOL,
    SDST_U8,
    SDST_I8,
    SDST_I16,
    SDST_U16,
    SDST_F16,
    SDST_BF16,
    SDST_I32,
    SDST_U32,
    SDST_F32,
    SDST_F64,
    SDST_I64,
    SDST_U64,
    SDST_F8_E4M3,
    SDST_F8_E5M2,
    /* GGUF's block types (ggml's layouts, 32 values a block): only a .gguf
     * file has them, never a safetensors header */
    SDST_Q8_0,
    SDST_Q4_0,
    SDST_Q4_1,
    SDST_Q5_0,
    SDST_Q5_1,
    SDST_NDTYPES
} sdst_dtype;

typedef struct {
    char *name;                    /* NUL-terminated, owned by the file */
    sdst_dtype dtype;
    int ndim;                      /* 0..SDST_MAX_DIMS */
    int64_t shape[SDST_MAX_DIMS];
    uint64_t numel;                /* product of shape (1 for a scalar) */
    uint64_t begin, end;           /* byte offsets relative to the data area */
    uint32_t gguf_type;            /* the ggml type of a GGUF tensor (0 for safetensors) */
    const uint8_t *data;           /* begin's address in the mapping (may be unaligned) */
} sdst_tensor;

typedef struct sdst_file sdst_file;

/* Map and validate path. On success *out is set (free with sdst_close). */
longsd_status sdst_open(const char *path, sdst_file **out, lserr *err);
/* Validate an in-memory file (borrowed: data must outlive the handle);
 * label names it in messages. Used by the fuzz target and the tests. */
longsd_status sdst_open_mem(const void *data, size_t size, const char *label, sdst_file **out, lserr *err);
void sdst_close(sdst_file *f); /* NULL is a no-op */

const char *sdst_label(const sdst_file *f);
size_t sdst_count(const sdst_file *f);
const sdst_tensor *sdst_at(const sdst_file *f, size_t i); /* in header order */
/* NULL when absent (binary search over the sorted names). */
const sdst_tensor *sdst_find(const sdst_file *f, const char *name);
/* A __metadata__ value (a GGUF file: a string-valued metadata key), or NULL. */
const char *sdst_meta(const sdst_file *f, const char *key);

const char *sdst_dtype_name(sdst_dtype d);
size_t sdst_dtype_size(sdst_dtype d);

/* Look name up and check its shape: shape[0..ndim) must match exactly
 * (ndim < 0 skips the check). Errors: LONGSD_ERR_MODEL, "FILE: no tensor
 * 'NAME'" or "FILE: tensor 'NAME' has shape [..], expected [..]". */
longsd_status sdst_get(const sdst_file *f, const char *name, int ndim, const int64_t *shape,
                       const sdst_tensor **out, lserr *err);
/* Drop the mapped pages of the tensors whose names start with prefix
 * (NULL or "": all) from the process's memory, with madvise(MADV_DONTNEED):
 * a pipeline stage that is done (the text encoder after encoding, the UNet
 * before the VAE decode) stops counting. The mapping is read-only and
 * private and never written, so the pages stay valid: a later read faults
 * them back in from the file (from the page cache when it still holds
 * them), and a released stage used again reads the same bytes. Returns the
 * bytes of the tensors released; 0 for an in-memory file (sdst_open_mem:
 * the caller's buffer is left alone). */
size_t sdst_release(const sdst_file *f, const char *prefix);
/* 1 when f was a GGUF file. */
int sdst_is_gguf(const sdst_file *f);
/* 1 for the dtypes sdst_slice_to_f32 converts (floats and GGUF blocks). */
int sdst_dtype_is_float(sdst_dtype d);

/* Convert t to f32 into out[0..n); n must equal t->numel. Only F32, F16,
 * BF16, F64 and the GGUF block types convert; other dtypes are
 * LONGSD_ERR_UNSUPPORTED. */
longsd_status sdst_to_f32(const sdst_file *f, const sdst_tensor *t, float *out, size_t n, lserr *err);
/* Convert elements [first, first + n) of t (flattened) to f32; the same
 * dtypes as sdst_to_f32. Used to gather embedding rows. */
longsd_status sdst_slice_to_f32(const sdst_file *f, const sdst_tensor *t, uint64_t first, size_t n, float *out,
                                lserr *err);
/* The data as floats without a copy when t is F32 and 4-byte aligned, else NULL. */
const float *sdst_f32_view(const sdst_tensor *t);

/* Half-precision helpers (shared with the kernels). */
float sdst_f16_to_f32(uint16_t h);
float sdst_bf16_to_f32(uint16_t h);

#endif
