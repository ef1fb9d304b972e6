/* ob_ctx.h — the runtime context: which backend runs, on which stream.
 *
 * Contract
 *   ob_ctx_create resolves the requested backend once:
 *     OB_BACKEND_CPU   always the CPU path;
 *     OB_BACKEND_CUDA  the CUDA path, or OB_ERR_NO_DEVICE / OB_ERR_UNSUPPORTED
 *                      with the reason when no GPU answers or CUDA is not built;
 *     OB_BACKEND_AUTO  cuda when CUDA is compiled and a device answers; any
 *                      discovery error (e.g. cudaErrorInsufficientDriver on a
 *                      machine with no driver) means "no GPU" and the CPU path,
 *                      silently unless verbose.
 *   OB_BACKEND_AUTO picks cuda only when ob_cuda_usable says the GPU runs
 *   this build's code (architecture list, driver, a probe kernel) and its
 *   stream can be created; anything less is the CPU path, with the reason.
 *   The context owns a non-blocking CUDA stream (cuda backend: every op of
 *   the context is ordered on it, not on the legacy default stream), the
 *   workspace its launchers borrow scratch from (ob_workspace.h), and lazily
 *   created cuBLAS / cuDNN / cuSOLVER handles (ob_cuda_libs.h). One context
 *   per thread.
 *
 *   The running loss: the loss entry points (nets/ob_loss.h) called with
 *   loss == NULL add weight * value to a total the context keeps where it
 *   computes — device memory on cuda, so that a training step never waits
 *   for a transfer — and count non-finite values, keeping the first one's
 *   tag and value. ob_ctx_loss_set sets the weight and tag of the adds that
 *   follow (ob_train: the batch's rows and index), ob_ctx_loss_read waits for
 *   the stream and reads the total (one 32-byte transfer, merged with what
 *   ob_ctx_loss_add added on the host), ob_ctx_loss_reset
 *   zeroes it (queued on the stream). ob_ctx_loss_total hands the loss entry
 *   points the total's address. A new context starts at zero, weight 1, tag 0.
 *
 * Example
 *   ob_ctx *ctx;
 *   OB_TRY(ob_ctx_create(&ctx, OB_BACKEND_AUTO, 0));
 *   ... ob_ctx_backend(ctx) == OB_BACKEND_CPU on a machine without a GPU ...
 *   ob_ctx_destroy(ctx);
 */
#ifndef OB_CTX_H
#define OB_CTX_H

#include "ob_cuda_host.h"
#include "ob_launch.h"
#include "ob_loss_total.h"
#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_BACKEND_AUTO = 0, OB_BACKEND_CPU = 1, OB_BACKEND_CUDA = 2 } ob_backend;

/* Which CPU code runs the nets' layers on the cpu backend: the readable
 * reference (im2col + GEMM, plain loops: the oracle tests compare with) or
 * oneDNN's primitives. auto: dnnl when the build has oneDNN, else ref. */
typedef enum { OB_CPU_IMPL_AUTO = 0, OB_CPU_IMPL_REF = 1, OB_CPU_IMPL_DNNL = 2 } ob_cpu_impl;

/* The convolution algorithm on the CPU's dnnl path (nets/ob_conv2d.h says
 * where each runs). auto: Winograd F(4x4, 3x3) for the 3x3 layers it is
 * faster on, direct elsewhere; direct: oneDNN's direct kernels everywhere
 * (their rounding, nothing else); winograd: Winograd wherever oneDNN has it. */
typedef enum { OB_CPU_CONV_AUTO = 0, OB_CPU_CONV_DIRECT = 1, OB_CPU_CONV_WINOGRAD = 2 } ob_cpu_conv;

typedef struct ob_ctx ob_ctx;
struct ob_workspace;

ob_status ob_ctx_create(ob_ctx **ctx, ob_backend want, int verbose);
void ob_ctx_destroy(ob_ctx *ctx);

/* The resolved backend: OB_BACKEND_CPU or OB_BACKEND_CUDA, never AUTO. */
ob_backend ob_ctx_backend(const ob_ctx *ctx);
/* Where tensors for this context live: OB_DEVICE for cuda, OB_HOST for cpu. */
ob_location ob_ctx_location(const ob_ctx *ctx);
ob_stream ob_ctx_stream(const ob_ctx *ctx);
/* The launchers' scratch (cuda backend); NULL on the cpu backend. */
struct ob_workspace *ob_ctx_workspace(const ob_ctx *ctx);
/* TF32 tensor-core math for cuDNN convolutions and cuBLAS GEMMs (default
 * off: full FP32, what the CPU reference is compared with). */
void ob_ctx_set_tf32(ob_ctx *ctx, int on);
int ob_ctx_tf32(const ob_ctx *ctx);
typedef struct {
    double sum;            /* finite values only */
    long long bad;         /* non-finite values added */
    long long first_bad_tag;
    double first_bad;      /* NaN, +inf or -inf */
} ob_running_loss;

void ob_ctx_loss_set(ob_ctx *ctx, double weight, long long tag);
/* Adds weight * value of a value computed on the host (kept on the host and
 * merged at the next read: no transfer either). */
void ob_ctx_loss_add(ob_ctx *ctx, double value);
ob_status ob_ctx_loss_read(ob_ctx *ctx, ob_running_loss *out);
ob_status ob_ctx_loss_reset(ob_ctx *ctx);
/* *total <- the OB_LOSS_TOTAL_SLOTS doubles where ctx computes; *weight,
 * *tag <- what ob_ctx_loss_set set. */
ob_status ob_ctx_loss_total(ob_ctx *ctx, double **total, double *weight, double *tag);

/* The device-resident step scalars the launchers read while set (a training
 * step being captured as a CUDA graph, nets/ob_step_graph.h); NULL clears.
 * The struct must outlive its use; the context does not copy it. */
void ob_ctx_set_step_scalars(ob_ctx *ctx, const ob_step_scalars *scalars);
const ob_step_scalars *ob_ctx_step_scalars(const ob_ctx *ctx);

/* Why AUTO fell back to the CPU ("" when it did not). */
const char *ob_ctx_fallback_reason(const ob_ctx *ctx);

/* Picks the CPU implementation (default auto); OB_ERR_UNSUPPORTED for dnnl
 * in a build without oneDNN. ob_ctx_cpu_impl gives the resolved one (never
 * auto); ob_ctx_uses_dnnl: the cpu backend with the dnnl implementation. */
ob_status ob_ctx_set_cpu_impl(ob_ctx *ctx, ob_cpu_impl impl);
ob_cpu_impl ob_ctx_cpu_impl(const ob_ctx *ctx);
int ob_ctx_uses_dnnl(const ob_ctx *ctx);
const char *ob_cpu_impl_name(ob_cpu_impl i);
/* "auto" | "ref" | "dnnl" -> implementation; OB_ERR_ARG otherwise. */
ob_status ob_cpu_impl_parse(ob_cpu_impl *out, const char *name);
/* The convolution algorithm policy (default auto); a layer's primitives are
 * made per shape and policy, so it may change between calls. */
void ob_ctx_set_cpu_conv(ob_ctx *ctx, ob_cpu_conv algo);
ob_cpu_conv ob_ctx_cpu_conv(const ob_ctx *ctx);
const char *ob_cpu_conv_name(ob_cpu_conv a);
/* "auto" | "direct" | "winograd" -> policy; OB_ERR_ARG otherwise. */
ob_status ob_cpu_conv_parse(ob_cpu_conv *out, const char *name);

const char *ob_backend_name(ob_backend b);
/* "auto" | "cpu" | "cuda" -> backend; OB_ERR_ARG otherwise. */
ob_status ob_backend_parse(ob_backend *out, const char *name);

#ifdef __cplusplus
}
#endif
#endif
