/* conv_transpose2d.c — the conv_transpose2d layer (ob_conv2d.h): conv2d's
 * adjoint, weight (C_in, C_out/groups, k, k). The ops are conv2d.c's (they
 * dispatch on the state's `transposed`); its CPU path is in conv_cpu.c, its
 * cuDNN path in conv2d_cudnn.c (forward = cudnnConvolutionBackwardData). */
#include "conv_impl.h"

static const ob_layer_ops conv_transpose2d_ops = {"conv_transpose2d", ob_conv_shape, ob_conv_forward,
                                                  ob_conv_backward, ob_conv_destroy, 1};

ob_status ob_conv_transpose2d_create(ob_layer **l, const ob_conv_transpose2d_cfg *cfg)
{
    OB_REQUIRE(l && cfg, "conv_transpose2d: no layer or config");
    ob_conv_state s = {0};
    s.transposed = 1;
    s.c_in = cfg->c_in, s.c_out = cfg->c_out, s.k = cfg->k, s.stride = cfg->stride ? cfg->stride : 1, s.pad = cfg->pad;
    s.output_padding = cfg->output_padding, s.dilation = cfg->dilation ? cfg->dilation : 1, s.groups = cfg->groups ? cfg->groups : 1;
    s.bias = !!cfg->bias;
    const int64_t w[4] = {s.c_in, s.groups ? s.c_out / s.groups : 0, s.k, s.k};
    return ob_conv_make(l, &conv_transpose2d_ops, &s, w);
}
