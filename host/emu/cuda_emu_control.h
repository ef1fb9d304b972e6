/* cuda_emu_control.h — switches of the cuda-emu shim callable from C tests.
 *
 *   ob_emu_set_block_order(seed)   0: blocks run in order (x fastest, then y, z);
 *                                  otherwise a seeded random permutation of the
 *                                  grid, so order-dependent kernels show up.
 *                                  The environment variable OB_EMU_BLOCK_SEED sets
 *                                  the initial value.
 *   ob_emu_block_order()           the seed in effect.
 *   ob_emu_last_diagnostic()       why the last failed launch on this thread
 *                                  failed (kernel, block, which threads waited
 *                                  where, which exited; or the refused launch
 *                                  limit), "" after a launch that succeeded.
 *                                  Valid until the next launch on this thread.
 */
#ifndef OB_CUDA_EMU_CONTROL_H
#define OB_CUDA_EMU_CONTROL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void ob_emu_set_block_order(uint64_t seed);
uint64_t ob_emu_block_order(void);
const char *ob_emu_last_diagnostic(void);

#ifdef __cplusplus
}
#endif
#endif
