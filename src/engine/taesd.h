/* taesd.h - the tiny autoencoder TAESD (diffusers AutoencoderTiny): a
 * decoder of about 1.2 M weights that turns SD latents into an image in a
 * fraction of the full VAE's time, and its encoder. Read from a diffusers
 * folder (config.json + diffusion_pytorch_model.safetensors, tensors
 * "decoder.layers.N..." / "encoder.layers.N...") or from the original
 * taesd_decoder.safetensors / taesd_encoder.safetensors (tensors "N...",
 * the decoder's indices one higher because its Clamp is layer 0). Both
 * work in the UNet's latent space (scaling factor 1). */
#ifndef LONGSD_TAESD_H
#define LONGSD_TAESD_H

#include "kernels.h"
#include "nets.h"

#define SDTAESD_MAX_STAGES 6

typedef struct {
    int in_ch, out_ch, latent_ch;
    int n_enc, n_dec;                       /* stages; the image is 2^(n-1) times the latents */
    int enc_ch, dec_ch;                     /* channels of every stage (block_out_channels) */
    int enc_blocks[SDTAESD_MAX_STAGES];     /* num_encoder_blocks */
    int dec_blocks[SDTAESD_MAX_STAGES];     /* num_decoder_blocks */
} sdtaesd_cfg;

typedef struct sdtaesd sdtaesd;

/* path: a diffusers AutoencoderTiny folder, a folder holding
 * taesd_decoder.safetensors (and optionally taesd_encoder.safetensors), or
 * one of those files (a decoder file finds its encoder beside it by
 * name). Every tensor is checked against the configuration here, so a
 * malformed file fails at load with its name and the tensor's. */
longsd_status sdtaesd_open(const char *path, sdtaesd **out /* OUT, free with sdtaesd_close */, lserr *err);
void sdtaesd_close(sdtaesd *t); /* NULL is a no-op */
/* The same from one open file (consumed, also on error): diffusers names
 * with TAESD's default sizes, or an original decoder. */
longsd_status sdtaesd_open_st(sdst_file *f, sdtaesd **out /* OUT */, lserr *err);
/* An AutoencoderTiny config.json's text (label names it in errors). */
longsd_status sdtaesd_cfg_parse(const char *text, size_t len, const char *label, sdtaesd_cfg *cfg, lserr *err);
/* The bounds every size is checked against before it is used. */
longsd_status sdtaesd_cfg_check(const char *what, const sdtaesd_cfg *c, lserr *err);
const sdtaesd_cfg *sdtaesd_config(const sdtaesd *t);
int sdtaesd_has_encoder(const sdtaesd *t);
int sdtaesd_factor(const sdtaesd *t); /* image pixels per latent (8) */

/* img(out_ch, H*f, W*f) in about [-1, 1] from latents z(latent_ch, H, W). */
longsd_status sdtaesd_decode(const sdtaesd *t, sdarena *a, const float *z, int H, int W, float *img,
                             const sdabort *ab, lserr *err);
/* z(latent_ch, H/f, W/f) from img(in_ch, H, W) in [-1, 1]; H and W
 * multiples of f. LONGSD_ERR_PARAM without an encoder. */
longsd_status sdtaesd_encode(const sdtaesd *t, sdarena *a, const float *img, int H, int W, float *z,
                             const sdabort *ab, lserr *err);

#endif
