/* cuda_emu_control.h — switches of the cuda-emu shim callable from C tests.
 *
 *   ob_emu_set_block_order(seed)   0: blocks run in order (x fastest, then y, z);
 *                                  otherwise a seeded random permutation of the
 *                                  grid, so order-dependent kernels show up.
 *                                  The environment variable OB_EMU_BLOCK_SEED sets
 *                                  the initial value.
 */
#ifndef OB_CUDA_EMU_CONTROL_H
#define OB_CUDA_EMU_CONTROL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void ob_emu_set_block_order(uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
