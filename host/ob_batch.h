/* ob_batch.h — run many independent items (scenes, samples) through three
 * stages that overlap: load (decode) | compute | save (encode).
 *
 * Contract
 *   ob_batch_run drives n items through the caller's stages:
 *     load     on a loader thread, in item order, at most `depth` items ahead of
 *              compute (bounded memory);
 *     compute  on the calling thread (so one CUDA context/stream serves every
 *              item; on the GPU, transfers of item i+1 overlap compute of i
 *              because decoding happens off this thread);
 *     save     on a saver thread, in item order.
 *   A stage that fails for an item records ob_last_error() in that item's
 *   result; the item skips its remaining stages (`discard` frees its data) and
 *   the batch goes on: one bad scene never stops the rest. Progress (TTY only)
 *   counts finished items. Stage times are accumulated per item.
 *   Returns OB_OK when the machinery worked (items may still have failed: look
 *   at results[i].status), or an error when threads could not be started.
 */
#ifndef OB_BATCH_H
#define OB_BATCH_H

#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    ob_status (*load)(void *user, int item, void **data);
    ob_status (*compute)(void *user, int item, void *data);
    ob_status (*save)(void *user, int item, void *data);
    void (*discard)(void *user, int item, void *data); /* frees data; called exactly once per loaded item */
    void *user;
    int depth;         /* items in flight between stages; <= 0 means 2 */
    const char *label; /* progress label, NULL for none */
} ob_batch_stages;

typedef struct {
    ob_status status;   /* OB_OK or the failing stage's status */
    char stage[8];      /* "load", "compute", "save" or "" */
    char message[512];  /* ob_last_error() of the failure */
    double load_s, compute_s, save_s;
} ob_batch_result;

ob_status ob_batch_run(const ob_batch_stages *stages, int n, ob_batch_result *results);

#ifdef __cplusplus
}
#endif
#endif
