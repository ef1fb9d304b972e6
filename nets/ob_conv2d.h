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
 *   cpu, dnnl (the default where oneDNN is built in; nets/conv_dnnl.c)
 *         oneDNN's convolution / deconvolution primitives: forward, backward
 *         data, backward weights + bias, made once per input shape (a small
 *         cache per layer) with every layout `any`, so oneDNN's fastest
 *         implementation for the CPU it runs on picks its blocked layouts
 *         (nChw16c on AVX-512, nChw8c on AVX2). Strict fp32 (no bf16/AMX).
 *         Layout boundary: where a neighbour needs plain NCHW. Inside a
 *         model (ob_model.h), an activation between two layers that take any
 *         layout — convolutions, transposed convolutions, batch norms and
 *         activations on this path — with one reader stays in the
 *         channel-blocked layout the producing primitive chose (ob_tensor.h:
 *         aBcd16b / aBcd8b, channels a multiple of the block), and so does its
 *         gradient; batch norm and the activation layers work in whatever
 *         layout they get. Everything else (pooling, pixel shuffle, concat,
 *         upsampling, losses, a tensor with two readers, the model's output,
 *         any caller outside a model) sees plain NCHW, reordered at this
 *         layer's edge. Why there: those consumers
 *         and the tests speak NCHW; ESPCN's training step has 4 of its 5
 *         activations blocked, 18 -> 13 ms on the development machine.
 *         Algorithm (ob_ctx_set_cpu_conv, --cpu-conv): by default
 *         Winograd F(4x4, 3x3) for the 3x3 stride-1 layers whose output has
 *         enough 4x4 tiles to pay for the transforms (2-3.6x faster there,
 *         conv_dnnl.c has the figures), direct elsewhere and on CPUs without
 *         AVX-512; one algorithm per layer and shape, forward and backward.
 *         Weights are reordered every call (they change every step); the
 *         forward's reordered copy of a plain training input serves the
 *         backward weights.
 *         Shapes oneDNN has no implementation for run the reference.
 *   cpu, ref (--cpu-impl ref, and builds without oneDNN; nets/conv_cpu.c)
 *         the readable reference and the tests' oracle: im2col + GEMM
 *         (ob_gemm.h), a chunk of images at a time under a 64 MiB scratch
 *         budget; 1x1 stride-1 unpadded convs skip im2col.
 *         conv2d: dW += dY · colᵀ; dX = col2im(Wᵀ · dY).
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
/* What ran the layer's last forward: "winograd" or "direct" (oneDNN), "ref",
 * "cudnn"; "" before the first forward or for a layer of another kind. */
const char *ob_conv_algorithm(const ob_layer *l);
/* 1 when oneDNN runs Winograd convolutions on this CPU (oneDNN 2.6: AVX-512;
 * after any ob_dnnl_cap_isa), 0 otherwise or without oneDNN. */
int ob_conv_winograd_available(void);

#ifdef __cplusplus
}
#endif
#endif
