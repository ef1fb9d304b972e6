/* ob_cuda_host.h — the plain-C face of the CUDA runtime that host code uses.
 *
 * Contract
 *   Device discovery, device memory and copies, streams — callable from C with
 *   no CUDA header in sight. Without CUDA compiled in, every call fails with
 *   OB_ERR_UNSUPPORTED (discovery just reports zero devices). Any error from
 *   discovery (no driver: cudaErrorInsufficientDriver, no device, ...) means
 *   "no GPU": ob_cuda_device_count returns 0 and says why in `why`.
 */
#ifndef OB_CUDA_HOST_H
#define OB_CUDA_HOST_H

#include <stddef.h>

#include "ob_status.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void *ob_stream; /* a cudaStream_t; NULL is the default stream */

/* 1 when this binary was built with the CUDA path. */
int ob_cuda_compiled(void);
/* Number of usable CUDA devices (0 on any discovery error, reason in `why`). */
int ob_cuda_device_count(char *why, size_t why_len);
/* Name and global-memory size of device 0 (for `obscura version`). */
ob_status ob_cuda_device_info(char *name, size_t name_len, size_t *total_mem);

ob_status ob_device_malloc(void **ptr, size_t bytes);
void ob_device_free(void *ptr);
ob_status ob_device_memset(void *ptr, int value, size_t bytes);
ob_status ob_device_memcpy(void *dst, ob_location dst_loc, const void *src, ob_location src_loc, size_t bytes);
ob_status ob_stream_create(ob_stream *s);
void ob_stream_destroy(ob_stream s);
ob_status ob_stream_sync(ob_stream s);

#ifdef __cplusplus
}
#endif
#endif
