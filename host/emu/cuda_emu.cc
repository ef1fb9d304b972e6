// placeholder until the shim lands
#include "cuda_emu_control.h"
void ob_emu_set_block_order(uint64_t seed) { (void)seed; }
