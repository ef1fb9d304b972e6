/* cuda_emu_control.h — switches of the cuda-emu shim callable from C tests.
 *
 *   ob_emu_set_block_order(seed)   0: blocks run in order (x fastest, then y, z);
 *                                  otherwise a seeded random permutation of the
 *                                  grid, so order-dependent kernels show up.
 *                                  The environment variable OB_EMU_BLOCK_SEED sets
 *                                  the initial value.
 *   ob_emu_block_order()           the seed in effect.
 *   ob_emu_set_smem_optin(bytes)   the device's opt-in shared memory per block
 *                                  (cudaDevAttrMaxSharedMemoryPerBlockOptin and
 *                                  cudaFuncSetAttribute's limit): 227 KiB (H100)
 *                                  by default; 163 KiB emulates an A100, so a
 *                                  kernel that assumes the H100's limit shows.
 *   ob_emu_last_diagnostic()       why the last failed launch on this thread
 *                                  failed (kernel, block, which threads waited
 *                                  where, which exited; or the refused launch
 *                                  limit), "" after a launch that succeeded.
 *                                  Valid until the next launch on this thread.
 */
#ifndef OB_CUDA_EMU_CONTROL_H
#define OB_CUDA_EMU_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void ob_emu_set_block_order(uint64_t seed);
uint64_t ob_emu_block_order(void);
void ob_emu_set_smem_optin(size_t bytes);
const char *ob_emu_last_diagnostic(void);

#ifdef __cplusplus
}
#endif
#endif
