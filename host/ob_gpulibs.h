/* ob_gpulibs.h — cuBLAS, cuDNN and cuSOLVER, loaded only when a GPU needs them.
 *
 * Why: linking those libraries into the binary costs every run ~260 MB of
 * resident memory and ~0.1 s before main (their relocations and static
 * initialisers), on the CPU too, where they are never called. So the code
 * that calls them (host/cuda_libs.c, kernels/response_solve_cusolver.c,
 * nets/{conv2d,pool,batchnorm}_cudnn.c, nets/linear_cublas.c) is built into a
 * plugin, libobscura_gpulibs.so, with its public functions renamed obgl_*
 * (host/ob_gpulibs_names.h), and the binary carries forwarders with the
 * original names (nets/gpulibs_forward.c, kernels/response_solve_forward.c)
 * that dlopen the plugin on the first call. The plugin resolves everything
 * else (tensors, contexts, errors, the CUDA runtime) in the binary, which
 * exports its symbols for it.
 *
 * Contract
 *   ob_gpulibs_symbol(name): the plugin's function `name` (loading the plugin
 *   the first time, thread-safe); NULL with ob_last_error() saying why (the
 *   plugin's path and dlerror) when it cannot. The plugin is looked for at the
 *   build's path (OB_GPULIBS_PATH), then beside the running binary, then in
 *   ../lib/obscura/ of it. Without CUDA there is no plugin and every lookup
 *   fails with OB_ERR_UNSUPPORTED.
 *   ob_gpulibs_loaded(): 1 once loaded (nothing to release before that).
 */
#ifndef OB_GPULIBS_H
#define OB_GPULIBS_H

#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

void *ob_gpulibs_symbol(const char *name);
int ob_gpulibs_loaded(void);
/* Loads the plugin now (`obscura version` checks it this way): OB_OK, or why not. */
ob_status ob_gpulibs_load(void);
/* The file loaded, or the first one looked for. */
const char *ob_gpulibs_path(void);

#ifdef __cplusplus
}
#endif
#endif
