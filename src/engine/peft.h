/* peft.h - a PEFT adapter_config.json: what peft scales a LoRA module's
 * delta by. peft keeps the scale out of the weights file: each module's
 * up @ down is multiplied by lora_alpha / r (lora_alpha / sqrt(r) with
 * use_rslora), where rank_pattern and alpha_pattern may give a module its
 * own r and lora_alpha. A pattern is a regular expression that matches a
 * module's dotted name or a tail of it after a '.' (peft's
 * get_pattern_key); the first pattern in the file's order wins. */
#ifndef LONGSD_PEFT_H
#define LONGSD_PEFT_H

#include <stddef.h>

#include "util.h"

typedef struct sdpeft sdpeft;

/* Parse the config text; label (the file) names it in messages. A field
 * of the wrong type or out of range is LONGSD_ERR_MODEL naming the file
 * and the field; a kind of adapter the engine does not apply (peft_type
 * other than LORA, use_dora) is LONGSD_ERR_UNSUPPORTED. */
longsd_status sdpeft_parse(const char *text, size_t len, const char *label, sdpeft **out /* OUT */, lserr *err);
longsd_status sdpeft_load(const char *path, sdpeft **out /* OUT */, lserr *err);
/* The config of one component ("unet", "text_encoder", "text_encoder_2")
 * from diffusers' "lora_adapter_metadata" (a safetensors metadata value:
 * one JSON object of "<component>.<LoraConfig field>" keys, which
 * diffusers' load_lora_weights turns into each component's LoraConfig).
 * *out NULL when the component has no keys there. */
longsd_status sdpeft_from_diffusers_meta(const char *json, const char *component, const char *label,
                                         sdpeft **out /* OUT */, lserr *err);
void sdpeft_free(sdpeft *c); /* NULL is a no-op */

/* The scale of module (dotted name, as under base_model.model.) whose
 * tensors have the given rank; LONGSD_ERR_MODEL when the config gives the
 * module another rank (the config is not this file's). tensor names the
 * module in that message. */
longsd_status sdpeft_scale(const sdpeft *c, const char *module, int rank, const char *tensor, float *scale /* OUT */,
                           lserr *err);

#endif
