/* ctx.c — backend resolution and the per-context stream. */
#include "ob_ctx.h"
#include "ob_cuda_libs.h"
#include "ob_dnnl.h"
#include "ob_log.h"
#include "ob_workspace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ob_ctx {
    ob_backend backend;
    ob_stream stream;
    char fallback_reason[256];
    ob_cpu_impl cpu_impl; /* resolved: ref or dnnl */
    ob_cpu_conv cpu_conv; /* the dnnl path's convolution algorithm policy */
    ob_cuda_libs libs; /* lazily created handles, cuda backend only */
    ob_workspace ws;   /* launchers' scratch, cuda backend only */
    int tf32;          /* cuDNN / cuBLAS may use TF32 tensor-core math */
    /* the running loss (ob_ctx.h): on the host for cpu, in the workspace's
     * kept slots for cuda (then host_total holds ob_ctx_loss_add's values,
     * merged at each read) */
    double host_total[OB_LOSS_TOTAL_SLOTS];
    double loss_weight;
    long long loss_tag;
    int total_ready; /* cuda: the slots exist and were zeroed */
    const ob_step_scalars *step; /* set while a training step is captured */
};

_Static_assert(OB_WS_SLOTS >= OB_LOSS_TOTAL_SLOTS, "the workspace keeps the running loss");

const char *ob_backend_name(ob_backend b)
{
    switch (b) {
    case OB_BACKEND_AUTO: return "auto";
    case OB_BACKEND_CPU: return "cpu";
    case OB_BACKEND_CUDA: return "cuda";
    }
    return "?";
}

ob_status ob_backend_parse(ob_backend *out, const char *name)
{
    for (int b = OB_BACKEND_AUTO; b <= OB_BACKEND_CUDA; b++)
        if (strcmp(name, ob_backend_name((ob_backend)b)) == 0) {
            *out = (ob_backend)b;
            return OB_OK;
        }
    return OB_FAIL(OB_ERR_ARG, "unknown device '%s' (expected auto, cpu or cuda)", name);
}

const char *ob_cpu_impl_name(ob_cpu_impl i)
{
    switch (i) {
    case OB_CPU_IMPL_AUTO: return "auto";
    case OB_CPU_IMPL_REF: return "ref";
    case OB_CPU_IMPL_DNNL: return "dnnl";
    }
    return "?";
}

ob_status ob_cpu_impl_parse(ob_cpu_impl *out, const char *name)
{
    for (int i = OB_CPU_IMPL_AUTO; i <= OB_CPU_IMPL_DNNL; i++)
        if (strcmp(name, ob_cpu_impl_name((ob_cpu_impl)i)) == 0) {
            *out = (ob_cpu_impl)i;
            return OB_OK;
        }
    return OB_FAIL(OB_ERR_ARG, "unknown --cpu-impl '%s' (expected auto, ref or dnnl)", name);
}

ob_status ob_ctx_set_cpu_impl(ob_ctx *ctx, ob_cpu_impl impl)
{
    if (impl == OB_CPU_IMPL_AUTO) impl = ob_dnnl_available() ? OB_CPU_IMPL_DNNL : OB_CPU_IMPL_REF;
    if (impl == OB_CPU_IMPL_DNNL && !ob_dnnl_available())
        return OB_FAIL(OB_ERR_UNSUPPORTED, "--cpu-impl dnnl: this build has no oneDNN (apt-get install libdnnl-dev and "
                                           "rebuild)");
    ctx->cpu_impl = impl;
    return OB_OK;
}

ob_cpu_impl ob_ctx_cpu_impl(const ob_ctx *ctx) { return ctx->cpu_impl; }

void ob_ctx_set_cpu_conv(ob_ctx *ctx, ob_cpu_conv algo) { ctx->cpu_conv = algo; }

ob_cpu_conv ob_ctx_cpu_conv(const ob_ctx *ctx) { return ctx->cpu_conv; }

const char *ob_cpu_conv_name(ob_cpu_conv a)
{
    switch (a) {
    case OB_CPU_CONV_AUTO: return "auto";
    case OB_CPU_CONV_DIRECT: return "direct";
    case OB_CPU_CONV_WINOGRAD: return "winograd";
    }
    return "?";
}

ob_status ob_cpu_conv_parse(ob_cpu_conv *out, const char *name)
{
    for (int i = OB_CPU_CONV_AUTO; i <= OB_CPU_CONV_WINOGRAD; i++)
        if (strcmp(name, ob_cpu_conv_name((ob_cpu_conv)i)) == 0) {
            *out = (ob_cpu_conv)i;
            return OB_OK;
        }
    return OB_FAIL(OB_ERR_ARG, "unknown --cpu-conv '%s' (expected auto, direct or winograd)", name);
}

int ob_ctx_uses_dnnl(const ob_ctx *ctx) { return ctx->backend == OB_BACKEND_CPU && ctx->cpu_impl == OB_CPU_IMPL_DNNL; }

ob_status ob_ctx_create(ob_ctx **out, ob_backend want, int verbose)
{
    *out = NULL;
    ob_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return OB_FAIL(OB_ERR_NOMEM, "cannot allocate a context");
    ctx->backend = OB_BACKEND_CPU;
    ctx->loss_weight = 1.0;
    ob_ctx_set_cpu_impl(ctx, OB_CPU_IMPL_AUTO); /* cannot fail: auto resolves to what the build has */
    if (want != OB_BACKEND_CPU) {
        /* auto asks for more than a device count: the GPU must run code this
         * build carries (its architecture list) and answer a probe kernel, or
         * a machine with an old driver or an unsupported card would pick cuda
         * and fail on the first launch. */
        char why[200] = "";
        int usable = ob_cuda_usable(why, sizeof why);
        ob_status s = OB_OK;
        if (usable) {
            s = ob_stream_create(&ctx->stream);
            if (s != OB_OK) {
                usable = 0;
                snprintf(why, sizeof why, "cannot create a CUDA stream: %s", ob_last_error());
            }
        }
        if (usable) {
            ctx->backend = OB_BACKEND_CUDA;
            ob_workspace_init_device(&ctx->ws, ctx->stream);
        } else if (want == OB_BACKEND_CUDA) {
            free(ctx);
            if (s == OB_OK) s = ob_cuda_compiled() ? OB_ERR_NO_DEVICE : OB_ERR_UNSUPPORTED;
            return OB_FAIL(s, "--device cuda: no usable GPU (%s)", why);
        } else {
            memcpy(ctx->fallback_reason, why, sizeof why);
            if (verbose) ob_log_info("no usable GPU (%s): using the CPU backend", why);
        }
    }
    *out = ctx;
    return OB_OK;
}

void ob_ctx_destroy(ob_ctx *ctx)
{
    if (!ctx) return;
    ob_cuda_libs_release(&ctx->libs);
    if (ctx->backend == OB_BACKEND_CUDA) ob_workspace_release(&ctx->ws);
    ob_stream_destroy(ctx->stream);
    free(ctx);
}

ob_backend ob_ctx_backend(const ob_ctx *ctx) { return ctx->backend; }
ob_location ob_ctx_location(const ob_ctx *ctx) { return ctx->backend == OB_BACKEND_CUDA ? OB_DEVICE : OB_HOST; }
ob_stream ob_ctx_stream(const ob_ctx *ctx) { return ctx->stream; }
const char *ob_ctx_fallback_reason(const ob_ctx *ctx) { return ctx->fallback_reason; }

ob_cuda_libs *ob_ctx_cuda_libs(ob_ctx *ctx) { return &ctx->libs; }

struct ob_workspace *ob_ctx_workspace(const ob_ctx *ctx)
{
    /* The workspace is scratch, not state a caller sees: lending it from a
     * const context keeps every entry point's signature as it was. */
    return ctx->backend == OB_BACKEND_CUDA ? (struct ob_workspace *)&ctx->ws : NULL;
}

void ob_ctx_set_step_scalars(ob_ctx *ctx, const ob_step_scalars *scalars) { ctx->step = scalars; }
const ob_step_scalars *ob_ctx_step_scalars(const ob_ctx *ctx) { return ctx->step; }

void ob_ctx_set_tf32(ob_ctx *ctx, int on) { ctx->tf32 = on != 0; }
int ob_ctx_tf32(const ob_ctx *ctx) { return ctx->tf32; }

/* ---- the running loss ------------------------------------------------------ */

void ob_ctx_loss_set(ob_ctx *ctx, double weight, long long tag) { ctx->loss_weight = weight, ctx->loss_tag = tag; }

void ob_ctx_loss_add(ob_ctx *ctx, double value)
{
    ob_loss_total_add(ctx->host_total, value, 1.0, ctx->loss_weight, (double)ctx->loss_tag);
}

/* cuda: the kept slots zeroed on the stream. */
static ob_status zero_device_total(ob_ctx *ctx, double **dev)
{
    OB_TRY(ob_workspace_slots(&ctx->ws, dev, NULL));
    OB_TRY(ob_device_memset_on(ctx->stream, *dev, 0, OB_LOSS_TOTAL_SLOTS * sizeof(double)));
    ctx->total_ready = 1;
    return OB_OK;
}

ob_status ob_ctx_loss_total(ob_ctx *ctx, double **total, double *weight, double *tag)
{
    if (weight) *weight = ctx->loss_weight;
    if (tag) *tag = (double)ctx->loss_tag;
    if (ctx->backend != OB_BACKEND_CUDA) {
        *total = ctx->host_total;
        return OB_OK;
    }
    if (!ctx->total_ready) return zero_device_total(ctx, total);
    return ob_workspace_slots(&ctx->ws, total, NULL);
}

ob_status ob_ctx_loss_reset(ob_ctx *ctx)
{
    memset(ctx->host_total, 0, sizeof ctx->host_total);
    double *dev;
    return ctx->backend == OB_BACKEND_CUDA ? zero_device_total(ctx, &dev) : OB_OK;
}

ob_status ob_ctx_loss_read(ob_ctx *ctx, ob_running_loss *out)
{
    double t[OB_LOSS_TOTAL_SLOTS];
    memcpy(t, ctx->host_total, sizeof t);
    if (ctx->backend == OB_BACKEND_CUDA && ctx->total_ready) {
        double *dev, *pinned;
        OB_TRY(ob_workspace_slots(&ctx->ws, &dev, &pinned));
        /* a device-to-host copy on the stream: complete on return */
        OB_TRY(ob_device_memcpy_on(ctx->stream, pinned, OB_HOST, dev, OB_DEVICE,
                                   OB_LOSS_TOTAL_SLOTS * sizeof(double)));
        /* merge the host adds: the earliest tag is the first bad value */
        const double *d = pinned;
        t[OB_LOSS_TOTAL_SUM] += d[OB_LOSS_TOTAL_SUM];
        if (d[OB_LOSS_TOTAL_BAD] > 0 &&
            (t[OB_LOSS_TOTAL_BAD] == 0 || d[OB_LOSS_TOTAL_FIRST_TAG] < t[OB_LOSS_TOTAL_FIRST_TAG]))
            t[OB_LOSS_TOTAL_FIRST_TAG] = d[OB_LOSS_TOTAL_FIRST_TAG],
            t[OB_LOSS_TOTAL_FIRST_VALUE] = d[OB_LOSS_TOTAL_FIRST_VALUE];
        t[OB_LOSS_TOTAL_BAD] += d[OB_LOSS_TOTAL_BAD];
    }
    out->sum = t[OB_LOSS_TOTAL_SUM];
    out->bad = (long long)t[OB_LOSS_TOTAL_BAD];
    out->first_bad_tag = (long long)t[OB_LOSS_TOTAL_FIRST_TAG];
    out->first_bad = t[OB_LOSS_TOTAL_FIRST_VALUE];
    return OB_OK;
}
