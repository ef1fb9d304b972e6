/* ob_launch.h — how callers pick a GPU launch configuration (pure C).
 *
 * Every GPU launcher (`ob_NAME_cuda`, and `ob_NAME_emu` under the shim) takes a
 * `const ob_launch_cfg *cfg` last. NULL means the kernel's tuned defaults on the
 * default stream; tests pass other block sizes to check a kernel does not depend
 * on one. A context's configuration (ob_ctx_launch_cfg) also lends its
 * workspace, so that launchers needing scratch allocate nothing per call. A launcher rejects a block size its kernel cannot use with OB_ERR_ARG.
 */
#ifndef OB_LAUNCH_H
#define OB_LAUNCH_H

#include "ob_cuda_host.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Per-step scalars read from device memory instead of kernel arguments, so
 * that one captured CUDA graph of a training step replays for every step
 * (nets/ob_step_graph.h). Each pointer is device memory holding the value the
 * launcher would otherwise pass, or NULL: the launcher's own argument. */
typedef struct {
    const void *optim;                   /* an ob_sgd_step or ob_adam_step (kernels/optim.h) */
    const unsigned long long *dropout_step;
    const double *loss_tag;
} ob_step_scalars;

typedef struct {
    int block_x, block_y;  /* threads per block along x (and y for 2-D kernels); 0 = default */
    ob_stream stream;      /* NULL = default stream */
    struct ob_workspace *ws; /* scratch kept between calls (ob_workspace.h); NULL: allocate per call */
    const ob_step_scalars *step; /* NULL: every scalar from the arguments */
} ob_launch_cfg;

static inline int ob_cfg_block_x(const ob_launch_cfg *cfg, int dflt) { return cfg && cfg->block_x > 0 ? cfg->block_x : dflt; }
static inline int ob_cfg_block_y(const ob_launch_cfg *cfg, int dflt) { return cfg && cfg->block_y > 0 ? cfg->block_y : dflt; }
static inline struct ob_workspace *ob_cfg_ws(const ob_launch_cfg *cfg) { return cfg ? cfg->ws : NULL; }
static inline ob_stream ob_cfg_stream(const ob_launch_cfg *cfg) { return cfg ? cfg->stream : (ob_stream)0; }
static inline const ob_step_scalars *ob_cfg_step(const ob_launch_cfg *cfg) { return cfg ? cfg->step : NULL; }
static inline unsigned ob_ceil_div(long long a, long long b) { return (unsigned)((a + b - 1) / b); }

#ifdef __cplusplus
}
#endif
#endif
