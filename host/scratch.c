/* scratch.c — ob_scratch.h. */
#include "ob_scratch.h"

#include <stdlib.h>

#include "ob_alloc_stats.h"

ob_status ob_scratch_get(ob_scratch *s, void **p, size_t bytes, const char *what)
{
    if (bytes > s->bytes || !s->data) {
        ob_scratch_free(s);
        s->data = malloc(bytes ? bytes : 1);
        if (!s->data) return OB_FAIL(OB_ERR_NOMEM, "%s: no memory for %zu bytes of scratch", what, bytes);
        s->bytes = bytes;
        ob_alloc_note();
    }
    *p = s->data;
    return OB_OK;
}

void ob_scratch_free(ob_scratch *s)
{
    free(s->data);
    s->data = NULL, s->bytes = 0;
}
