/* ob_alloc_stats.h — a count of the allocations obscura's own allocators make,
 * so that tests can assert a hot path allocates nothing once warmed up.
 *
 * Contract
 *   Every ob_tensor_alloc (host or device), ob_device_malloc, ob_host_pinned_alloc,
 *   growth of an ob_scratch or an ob_workspace, and (under cuda-emu) every
 *   emulated cudaMalloc / cudaMallocHost adds one. ob_alloc_count() reads the
 *   process-wide total (atomic; any thread). A test takes the count after its
 *   warm-up calls, repeats the calls, and asserts the count did not move.
 *   Allocations inside oneDNN, cuDNN or the C library are not seen.
 */
#ifndef OB_ALLOC_STATS_H
#define OB_ALLOC_STATS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void ob_alloc_note(void);
uint64_t ob_alloc_count(void);

#ifdef __cplusplus
}
#endif
#endif
