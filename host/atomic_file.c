/* atomic_file.c — temp file in the destination's folder, then rename (POSIX
 * rename replaces the destination atomically). */
#include "ob_atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_uint tmp_counter;

static void clear(ob_atomic_file *f)
{
    free(f->path);
    free(f->tmp_path);
    memset(f, 0, sizeof *f);
}

/* ".<name>.<pid>-<n>.tmp" beside path; the name part is cut so the whole stays
 * well under NAME_MAX. */
static char *temp_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dir_len;
    size_t base_len = strlen(base);
    if (base_len > 120) base_len = 120;
    size_t n = dir_len + base_len + 64;
    char *t = malloc(n);
    if (!t) return NULL;
    snprintf(t, n, "%.*s.%.*s.%ld-%u.tmp", (int)dir_len, path, (int)base_len, base, (long)getpid(),
             atomic_fetch_add(&tmp_counter, 1u));
    return t;
}

ob_status ob_atomic_open(ob_atomic_file *f, const char *path)
{
    memset(f, 0, sizeof *f);
    OB_REQUIRE(path && *path, "empty output path");
    size_t len = strlen(path);
    if (path[len - 1] == '/') return OB_FAIL(OB_ERR_IO, "%s: output path names a directory", path);
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) return OB_FAIL(OB_ERR_IO, "%s: output path is a directory", path);
    mode_t mode = exists ? (st.st_mode & 07777) : 0666;

    f->path = malloc(len + 1);
    if (!f->path) return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", path);
    memcpy(f->path, path, len + 1);
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        free(f->tmp_path);
        f->tmp_path = temp_name(path);
        if (!f->tmp_path) {
            clear(f);
            return OB_FAIL(OB_ERR_NOMEM, "%s: out of memory", path);
        }
        fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        int e = errno;
        clear(f);
        return OB_FAIL(OB_ERR_IO, "%s: cannot create a file in its folder: %s", path, strerror(e));
    }
    /* keep an existing destination's permissions; a new file gets the umask's */
    if (exists) (void)fchmod(fd, mode);
    f->fp = fdopen(fd, "wb");
    if (!f->fp) {
        int e = errno;
        close(fd);
        unlink(f->tmp_path);
        clear(f);
        return OB_FAIL(OB_ERR_IO, "%s: cannot open temp file: %s", path, strerror(e));
    }
    return OB_OK;
}

void ob_atomic_abort(ob_atomic_file *f)
{
    if (!f) return;
    if (f->fp) fclose(f->fp);
    if (f->tmp_path) unlink(f->tmp_path);
    clear(f);
}

ob_status ob_atomic_commit(ob_atomic_file *f)
{
    OB_REQUIRE(f && f->fp && f->path && f->tmp_path, "commit of an atomic file that is not open");
    const char *what = NULL;
    int e = 0;
    if (fflush(f->fp) != 0 || ferror(f->fp)) what = "cannot write", e = errno;
    else if (fsync(fileno(f->fp)) != 0 && errno != EINVAL) what = "cannot sync", e = errno;
    int close_rc = fclose(f->fp);
    f->fp = NULL;
    if (!what && close_rc != 0) what = "cannot close", e = errno;
    if (!what && rename(f->tmp_path, f->path) != 0) what = "cannot rename the temp file over it", e = errno;
    if (what) {
        ob_status s = OB_FAIL(OB_ERR_IO, "%s: %s: %s", f->path, what, e ? strerror(e) : "stream error");
        ob_atomic_abort(f);
        return s;
    }
    clear(f);
    return OB_OK;
}

ob_status ob_atomic_write(const char *path, ob_atomic_writer write, void *user)
{
    ob_atomic_file f;
    OB_TRY(ob_atomic_open(&f, path));
    ob_status s = write(f.fp, user);
    if (s != OB_OK) {
        ob_atomic_abort(&f);
        return s;
    }
    return ob_atomic_commit(&f);
}
