/* ob_atomic_file.h — write a file so that readers see the old one or the whole
 * new one, never a part.
 *
 * Contract
 *   ob_atomic_open creates a temp file next to `path` (same folder, so the final
 *   rename stays on one file system) named ".<name>.<pid>-<n>.tmp"; it keeps the
 *   mode of an existing destination, otherwise 0666 minus the umask.
 *   Write through f->fp, then either
 *     ob_atomic_commit: flush, fsync, close and rename over `path`; or
 *     ob_atomic_abort:  close and remove the temp file.
 *   On any failure (including inside commit) the temp file is removed and an
 *   existing destination is left untouched. A destination that is a directory
 *   is refused up front. After commit/abort the struct is empty.
 *   ob_atomic_write wraps the three around one callback.
 *
 * Example
 *   ob_atomic_file f;
 *   OB_TRY(ob_atomic_open(&f, "out.pfm"));
 *   if (fwrite(buf, 1, n, f.fp) != n) { ob_atomic_abort(&f); return OB_FAIL(...); }
 *   return ob_atomic_commit(&f);
 */
#ifndef OB_ATOMIC_FILE_H
#define OB_ATOMIC_FILE_H

#include <stdio.h>

#include "ob_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    FILE *fp;
    char *path;     /* destination (owned copy) */
    char *tmp_path; /* the temp file being written (owned) */
} ob_atomic_file;

ob_status ob_atomic_open(ob_atomic_file *f, const char *path);
ob_status ob_atomic_commit(ob_atomic_file *f);
void ob_atomic_abort(ob_atomic_file *f);

/* Opens, calls write(fp, user), then commits (write returned OB_OK) or aborts. */
typedef ob_status (*ob_atomic_writer)(FILE *fp, void *user);
ob_status ob_atomic_write(const char *path, ob_atomic_writer write, void *user);

#ifdef __cplusplus
}
#endif
#endif
