/* ob_conv2d.h — convolution layers: conv2d and conv_transpose2d (nn.Conv2d and
 * nn.ConvTranspose2d, square windows).
 *
 * Contract (ob_layer.h for forward/backward/parameters)
 *   conv2d            in (N, C_in, H, W) -> out (N, C_out, OH, OW),
 *                     OH = (H + 2 pad - dilation (k - 1) - 1) / stride + 1.
 *                     Parameters: "weight" (C_out, C_in/groups, k, k), "bias" (C_out)
 *                     when cfg.bias.
 *   conv_transpose2d  in (N, C_in, H, W) -> out (N, C_out, OH, OW),
 *                     OH = (H - 1) stride - 2 pad + dilation (k - 1) + output_padding + 1;
 *                     the adjoint of conv2d with the same window (its forward is
 *                     conv2d's input gradient). Parameters: "weight"
 *                     (C_in, C_out/groups, k, k) — PyTorch's layout — and "bias" (C_out).
 *                     output_padding < max(stride, dilation), as PyTorch requires.
 *   Zero config fields take defaults: stride 1, dilation 1, groups 1 (pad and
 *   output_padding 0, no bias). groups must divide C_in and C_out.
 *   backward writes grad_in[0] (when not NULL) and ADDS to the weight and bias
 *   gradients.
 *
 * Paths
 *   cpu   GEMMs on OpenBLAS. With at least as many images as threads both
 *         layers are batch-parallel (nets/conv_cpu_batch.c): OpenMP threads take
 *         cache-sized chunks of images and run single-threaded GEMMs on them,
 *         each phase in one of two forms —
 *           columns  im2col (kernels/im2col.h) of the chunk, one GEMM per group;
 *           shifted  (stride 1, >= 16 input channels per group) k² GEMMs over a
 *                    zero-padded copy of the image, no im2col (conv_shift.h);
 *         stride-1 input gradients are a convolution of dY with the flipped
 *         weight (no col2im). dW is summed per slice of the batch and the
 *         slices added in order (deterministic for a thread count).
 *         conv_transpose2d runs as conv2d with the roles swapped (its forward
 *         is that conv2d's input gradient). On fewer images than threads
 *         (inference on one photo, training with a small batch) or on large
 *         images, conv2d splits each image into bands of output rows
 *         (~1 MiB of scratch each) for the forward and, with stride 1, the
 *         backward (dW summed over bands, dX the flipped convolution's forward
 *         over bands). One 512x512 image through ESPCN's 3x3 64->32 layer
 *         measured 78 ms forward / 203 ms backward vs 331 / 630 ms whole-image,
 *         and 1 MiB of scratch a thread instead of a 604 MB column matrix.
 *         What remains (backward with stride > 1 on few images; images too
 *         large even for bands within 64 MiB): one chunk at a time, GEMMs on
 *         OpenBLAS's threads.
 *         1x1 stride-1 unpadded conv: the GEMM reads the input itself.
 *         Chunk-serial conv2d: dW += dY · colᵀ; dX = col2im(Wᵀ · dY).
 *         conv_transpose2d: forward col2im(Wᵀ · X), backward X-grad W · im2col(dY),
 *         weight grad X · im2col(dY)ᵀ.
 *   cuda  cuDNN 9 (nets/conv2d_cudnn.c): cudnnConvolutionForward /
 *         BackwardData / BackwardFilter / BackwardBias, algorithms picked once
 *         per input shape by cudnnGet*Algorithm_v7 under a 256 MiB workspace
 *         limit, one workspace shared by every layer on the thread (darknet's
 *         scheme). conv_transpose2d runs conv2d's operations swapped (forward =
 *         BackwardData). Tensors on the device.
 *
 * Errors: OB_ERR_ARG naming the layer and the shapes (wrong channel count,
 * window larger than the padded input, sizes < 1, groups not dividing).
 *
 * Example
 *   ob_layer *conv;
 *   OB_TRY(ob_conv2d_create(&conv, &(ob_conv2d_cfg){.c_in = 1, .c_out = 64, .k = 5, .pad = 2, .bias = 1}));
 */
#ifndef OB_CONV2D_H
#define OB_CONV2D_H

#include "ob_layer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int c_in, c_out;
    int k;        /* square window */
    int stride;   /* 0 -> 1 */
    int pad;      /* zero padding on every side */
    int dilation; /* 0 -> 1 */
    int groups;   /* 0 -> 1 */
    int bias;     /* 1: a "bias" parameter */
} ob_conv2d_cfg;

typedef struct {
    int c_in, c_out;
    int k;
    int stride;         /* 0 -> 1 */
    int pad;
    int output_padding; /* extra rows/columns on the bottom/right of the output */
    int dilation;       /* 0 -> 1 */
    int groups;         /* 0 -> 1 */
    int bias;
} ob_conv_transpose2d_cfg;

ob_status ob_conv2d_create(ob_layer **l, const ob_conv2d_cfg *cfg);
ob_status ob_conv_transpose2d_create(ob_layer **l, const ob_conv_transpose2d_cfg *cfg);

#ifdef __cplusplus
}
#endif
#endif
