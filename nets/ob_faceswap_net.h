/* ob_faceswap_net.h — the face-swap autoencoder of the fifth seed (the
 * original "deepfakes" autoencoder): one encoder shared by two identities and
 * one decoder per identity, so that a face of A encoded and decoded by B's
 * decoder comes out as B with A's pose and expression.
 *
 * Contract
 *   Three ob_models (nets/ob_model.h), input (N, 3, S, S) in [0, 1], with
 *   S = cfg.size a multiple of 16 in 32..256 and channel width w = cfg.width
 *   (the original's w = 128; 16 trains in minutes on 2 CPU cores at 64 x 64),
 *   w even in 2..256. Module paths as the PyTorch port would register them:
 *     encoder = nn.Sequential(                                        # "encoder.N"
 *         Conv2d(3, w, 5, 2, 2), LeakyReLU(0.1),                      # 0 1
 *         Conv2d(w, 2w, 5, 2, 2), LeakyReLU(0.1),                     # 2 3
 *         Conv2d(2w, 4w, 5, 2, 2), LeakyReLU(0.1),                    # 4 5
 *         Conv2d(4w, 8w, 5, 2, 2), LeakyReLU(0.1),                    # 6 7   -> (8w, S/16, S/16)
 *         Conv2d(8w, 8w, S/16),                                       # 8     the linear bottleneck
 *         Conv2d(8w, 8w (S/16)^2, 1), PixelShuffle(S/16),             # 9 10  linear back up + reshape
 *         Conv2d(8w, 16w, 3, 1, 1), PixelShuffle(2), LeakyReLU(0.1))  # 11 12 13 -> (4w, S/8, S/8)
 *     decoder_a, decoder_b = nn.Sequential(                           # "decoder_a.N", "decoder_b.N"
 *         Conv2d(4w, 8w, 3, 1, 1), PixelShuffle(2), LeakyReLU(0.1),   # 0 1 2  -> (2w, S/4)
 *         Conv2d(2w, 4w, 3, 1, 1), PixelShuffle(2), LeakyReLU(0.1),   # 3 4 5  -> (w, S/2)
 *         Conv2d(w, 2w, 3, 1, 1), PixelShuffle(2), LeakyReLU(0.1),    # 6 7 8  -> (w/2, S)
 *         Conv2d(w/2, 3, 5, 1, 2), Sigmoid())                         # 9 10   -> (3, S, S)
 *   The two dense layers of the original (Dense(1024) and Dense(4*4*1024) +
 *   Reshape) are the same maps written as convolutions: a window the size of
 *   the whole (S/16)^2 map is nn.Linear on the flattened map, and a 1x1
 *   convolution of the (8w, 1, 1) code followed by PixelShuffle(S/16) is
 *   nn.Linear followed by the reshape to (8w, S/16, S/16) (pixel shuffle of a
 *   1x1 map is exactly that reshape). So no reshape layer is needed and the
 *   models stay 4-d from end to end.
 *
 *   ob_faceswap_net_create builds the three models, allocates their
 *   parameters where `loc` says and gives them PyTorch's default
 *   initialisation from `seed` (encoder, decoder_a, decoder_b from distinct
 *   derived seeds). ob_faceswap_net_tensors lists every parameter under its
 *   full name ("encoder.0.weight", "decoder_b.9.bias"), the order of the
 *   single checkpoint file; ob_faceswap_net_save writes it with metadata
 *   {"task": "faceswap", "size": "S", "width": "w"} plus `extra` (a JSON
 *   fragment of string pairs, may be NULL), atomically.
 *   ob_faceswap_net_load reads that metadata, rebuilds the net and fills it;
 *   a file of another task is OB_ERR_FORMAT naming the file and its task.
 *   ob_faceswap_net_forward runs encoder then decoder `side` (0 = A, 1 = B);
 *   *y points into the decoder (valid until its next forward).
 *
 * Errors: OB_ERR_ARG (size, width, side), OB_ERR_FORMAT (not a faceswap
 * checkpoint, mismatched tensors), OB_ERR_IO, OB_ERR_NOMEM; nothing is left
 * allocated on failure.
 *
 * Example
 *   ob_faceswap_net net;
 *   OB_TRY(ob_faceswap_net_create(&net, &(ob_faceswap_net_cfg){.size = 64, .width = 16}, OB_HOST, seed));
 *   const ob_tensor *y;
 *   OB_TRY(ob_faceswap_net_forward(&net, ctx, &y, &faces_of_a, 1, 0));   // A -> B
 *   ob_faceswap_net_destroy(&net);
 */
#ifndef OB_FACESWAP_NET_H
#define OB_FACESWAP_NET_H

#include <stdint.h>

#include "ob_checkpoint.h"
#include "ob_model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OB_FACESWAP_MAX_TENSORS 64

typedef struct {
    int size;  /* S: input and output side */
    int width; /* w: the first encoder conv's channels */
} ob_faceswap_net_cfg;

typedef struct {
    ob_faceswap_net_cfg cfg;
    ob_model *encoder;
    ob_model *decoder[2]; /* 0: identity A, 1: identity B */
} ob_faceswap_net;

ob_status ob_faceswap_net_check(const ob_faceswap_net_cfg *cfg);
ob_status ob_faceswap_net_create(ob_faceswap_net *net, const ob_faceswap_net_cfg *cfg, ob_location loc, uint64_t seed);
void ob_faceswap_net_destroy(ob_faceswap_net *net);
ob_status ob_faceswap_net_tensors(ob_named_tensor *out, int cap, int *n, const ob_faceswap_net *net);
ob_status ob_faceswap_net_save(const ob_faceswap_net *net, const char *path, const char *extra);
ob_status ob_faceswap_net_load(ob_faceswap_net *net, const char *path, ob_location loc);
/* y (N, 3, S, S) <- decoder[side](encoder(x)), x (N, 3, S, S) where ctx computes. */
ob_status ob_faceswap_net_forward(ob_faceswap_net *net, ob_ctx *ctx, const ob_tensor **y, const ob_tensor *x, int side,
                                  int training);

#ifdef __cplusplus
}
#endif
#endif
