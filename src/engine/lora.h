/* lora.h - LoRA files and their use as a weight patch. Formats: kohya /
 * A1111 safetensors (lora_unet_* modules in diffusers' or the original
 * (CompVis / SGM) module names, lora_te_* or SDXL's lora_te1_* / lora_te2_*,
 * lora_down / lora_up, optional .alpha, LoCon convolutions) and diffusers /
 * PEFT (unet.* / text_encoder.* / text_encoder_2.* or base_model.model.*,
 * lora_A / lora_B, or the older *_lora.down / up). The base weights stay as they are on disk: the
 * deltas W += weight * alpha/rank * up @ down are added to each affected
 * layer as the engine converts it for a forward pass (sdw_patch in
 * kernels.h), so "undoing" a LoRA between jobs is using another set. */
#ifndef LONGSD_LORA_H
#define LONGSD_LORA_H

#include <stddef.h>

#include "kernels.h"
#include "nets.h"
#include "util.h"

/* SDLORA_TE is SD 1.x/2.x's text encoder and SDXL's first (CLIP-L),
 * SDLORA_TE2 SDXL's second (OpenCLIP bigG). */
typedef enum { SDLORA_UNET = 0, SDLORA_TE = 1, SDLORA_TE2 = 2 } sdlora_net;

typedef struct sdlora sdlora;

/* Load and check a LoRA file; errors name the file and the tensor. path
 * may also be a PEFT adapter folder (adapter_model.safetensors, else
 * pytorch_lora_weights.safetensors, in it); a folder's or an
 * adapter_model.safetensors file's adapter_config.json next to it gives
 * the modules' lora_alpha / r scales (peft.h), which the file does not. */
longsd_status sdlora_load(const char *path, sdlora **out /* OUT */, lserr *err);
/* The same from an open safetensors file (the fuzz target's entry); cfg
 * (NULL: none) scales the modules that have no .alpha tensor. */
typedef struct sdpeft sdpeft;
longsd_status sdlora_from_st(const sdst_file *f, const sdpeft *cfg, sdlora **out /* OUT */, lserr *err);
void sdlora_free(sdlora *l); /* NULL is a no-op */
const char *sdlora_path(const sdlora *l);
size_t sdlora_count(const sdlora *l, sdlora_net net); /* modules for a network */
const char *sdlora_tensor(const sdlora *l, sdlora_net net); /* a tensor of the first such module, or NULL */

#define SDLORA_MAX_USE 16

/* Several LoRAs with their multipliers, for one network. */
typedef struct {
    sdlora_net net;
    int n;
    const sdlora *l[SDLORA_MAX_USE];
    float w[SDLORA_MAX_USE];
    unsigned char *used[SDLORA_MAX_USE]; /* per module of l[i]: its delta was added */
    /* A UNet set with the model's config also finds modules by their
     * original (CompVis / SGM) names, as kohya writes SDXL LoRAs. */
    const sdunet_cfg *unet_cfg;
    size_t asked;   /* weights the network asked about (0: it did not run) */
    size_t applied; /* module deltas added so far (for tests and messages) */
    sdw_patch patch;  /* points back at this set */
} sdlora_set;

void sdlora_set_init(sdlora_set *s, sdlora_net net);
/* -1 when SDLORA_MAX_USE are already in the set or out of memory. */
int sdlora_set_add(sdlora_set *s, const sdlora *l, float weight);
void sdlora_set_free(sdlora_set *s); /* what sdlora_set_add allocated; s can be set up again */
/* After the network ran with the set: every module of the set's network
 * was applied or names a weight of f (under prefix) that this pipeline
 * does not read (SDXL's CLIP-L stops before its last layer). Otherwise
 * the LoRA was made for another model: LONGSD_ERR_MODEL naming the file,
 * the tensor and "what" (the network, for the message). */
longsd_status sdlora_set_check(const sdlora_set *s, const sdst_file *f, const char *prefix, const char *what,
                               lserr *err);

/* ---- <lora:name:weight> in a prompt (A1111's extra-network syntax) */
typedef struct {
    char *name;   /* owned */
    float weight; /* default 1 */
} sdlora_tag;

/* Remove every <lora:NAME[:W[:...]]> from prompt: *clean (OUT, owned) is
 * the prompt without them, tags (OUT, owned array) what they said.
 * A weight that is not a number is LONGSD_ERR_PARAM naming the byte. */
longsd_status sdlora_tags(const char *prompt, char **clean, sdlora_tag **tags, size_t *n, lserr *err);
void sdlora_tags_free(sdlora_tag *tags, size_t n);

#endif
