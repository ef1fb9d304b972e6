/* ob_scratch.h — a host buffer a layer or kernel keeps between calls and grows
 * on demand (argmax indices, workspaces, column buffers, relayout copies).
 *
 * Contract
 *   ob_scratch_get(s, &p, bytes, what)  *p <- s's buffer of at least `bytes`
 *       bytes; a larger request frees the old one first (its contents are NOT
 *       kept). OB_ERR_NOMEM naming `what` and the size; s stays empty then.
 *   ob_scratch_free(s)  releases it; s is empty (a zeroed ob_scratch is too).
 */
#ifndef OB_SCRATCH_H
#define OB_SCRATCH_H

#include <stddef.h>

#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    void *data;
    size_t bytes;
} ob_scratch;

ob_status ob_scratch_get(ob_scratch *s, void **p, size_t bytes, const char *what);
void ob_scratch_free(ob_scratch *s);

#ifdef __cplusplus
}
#endif
#endif
