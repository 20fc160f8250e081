/* fuzz_gguf.c - libFuzzer target for the GGUF reader: the input is a whole
 * .gguf file. Whatever parses must list its metadata and dequantise every
 * tensor without reading outside the buffer, directly and through the
 * safetensors interface the model loaders use. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gguf.h"
#include "safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gguf_file *g = NULL;
    lserr err = {0};
    if (gguf_open_mem(data, size, "fuzz", &g, &err) == LONGSD_OK) {
        volatile uint64_t sink = 0;
        for (size_t i = 0; i < gguf_n_kv(g); i++) {
            const gguf_kv *kv = gguf_kv_at(g, i);
            if (gguf_find_kv(g, kv->key) != kv)
                abort(); /* keys are unique */
            if (kv->type == GGUF_KV_STRING)
                sink += strlen(kv->str);
            if (kv->type == GGUF_KV_ARRAY && kv->arr_size)
                sink += kv->arr_data[kv->arr_size - 1]; /* the whole array is inside the file */
        }
        for (size_t i = 0; i < gguf_n_tensors(g); i++) {
            const gguf_tensor *t = gguf_tensor_at(g, i);
            if (t->size && (t->data < data || t->data + t->size > data + size))
                abort();
            if (t->numel > 1 << 20)
                continue;
            float *buf = malloc(t->numel ? t->numel * sizeof *buf : 1);
            if (buf)
                gguf_dequant((uint32_t)t->type, t->data, 0, (size_t)t->numel, buf);
            free(buf);
        }
        (void)sink;
        gguf_close(g);
    }
    sdst_file *f = NULL;
    if (sdst_open_mem(data, size, "fuzz", &f, &err) != LONGSD_OK)
        return 0;
    for (size_t i = 0; i < sdst_count(f); i++) {
        const sdst_tensor *t = sdst_at(f, i);
        if (sdst_find(f, t->name) == NULL)
            abort();
        if (t->numel > 1 << 20 || t->numel < 3)
            continue;
        float *buf = malloc(t->numel * sizeof *buf);
        if (buf && sdst_to_f32(f, t, buf, t->numel, &err) == LONGSD_OK)
            sdst_slice_to_f32(f, t, 1, (size_t)t->numel - 2, buf, &err); /* a slice inside the blocks */
        free(buf);
    }
    sdst_close(f);
    return 0;
}
