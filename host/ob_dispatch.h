/* ob_dispatch.h — what every op's tensor-level entry point checks before it
 * picks the CPU or CUDA path (kernels/NAME.c).
 *
 *   ob_check_f32(t, what, ctx, ndim)  float32, contiguous, rank `ndim` (0 = any
 *                                     1..4), and living where the context's
 *                                     backend computes (host for cpu, device for
 *                                     cuda); otherwise OB_ERR_ARG naming `what`
 *   OB_CUDA_PATH(call)                the CUDA launcher call when CUDA is compiled,
 *                                     else OB_ERR_UNSUPPORTED (a context can only
 *                                     be cuda when it is, so this is a guard)
 */
#ifndef OB_DISPATCH_H
#define OB_DISPATCH_H

#include "ob_ctx.h"
#include "ob_launch.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

ob_status ob_check_f32(const ob_tensor *t, const char *what, const ob_ctx *ctx, int ndim);

/* Default blocks on the context's stream with its workspace (and, while a
 * training step is being captured, its device-resident step scalars): what
 * tensor-level entry points launch with. */
static inline ob_launch_cfg ob_ctx_launch_cfg(const ob_ctx *ctx)
{
    ob_launch_cfg cfg = {0, 0, ob_ctx_stream(ctx), ob_ctx_workspace(ctx), ob_ctx_step_scalars(ctx)};
    return cfg;
}


#ifdef OB_HAVE_CUDA
#define OB_CUDA_PATH(call) (call)
#else
#define OB_CUDA_PATH(call) OB_FAIL(OB_ERR_UNSUPPORTED, "this obscura was built without CUDA")
#endif

#ifdef __cplusplus
}
#endif
#endif
