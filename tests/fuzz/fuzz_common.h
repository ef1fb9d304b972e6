/* fuzz_common.h — what every libFuzzer harness of tests/fuzz shares: the
 * readers take paths, so each input is put in an in-memory file (memfd) and
 * handed over as /proc/self/fd/N — a regular file to fstat, read and seek,
 * with no disk traffic. Header-only (each harness is one executable). */
#ifndef OB_FUZZ_COMMON_H
#define OB_FUZZ_COMMON_H

#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ob_dataset.h"
#include "ob_log.h"

/* Slot `slot` (0..3) of memory files holding data[0..size); returns its path. */
static inline const char *ob_fuzz_file(int slot, const uint8_t *data, size_t size)
{
    static int fd[4] = {-1, -1, -1, -1};
    static char path[4][64];
    if (fd[slot] < 0) {
        fd[slot] = memfd_create("ob_fuzz", 0);
        if (fd[slot] < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path[slot], sizeof path[slot], "/proc/self/fd/%d", fd[slot]);
    }
    if (ftruncate(fd[slot], 0) != 0 || (size && pwrite(fd[slot], data, size, 0) != (ssize_t)size)) {
        perror("memfd write");
        abort();
    }
    return path[slot];
}

/* A dataset that opened: its first and last samples read, then closed. */
static inline void ob_fuzz_touch_dataset(ob_dataset *ds)
{
    ob_sample s;
    memset(&s, 0, sizeof s);
    if (ds->n > 0 && ob_dataset_get(ds, &s, 0) == OB_OK) ob_sample_free(&s);
    if (ds->n > 1 && ob_dataset_get(ds, &s, ds->n - 1) == OB_OK) ob_sample_free(&s);
    ob_dataset_close(ds);
}

/* Quiet readers: errors are expected on almost every input. */
static inline void ob_fuzz_quiet(void)
{
    static int done;
    if (!done) ob_log_set_level(OB_LOG_QUIET), done = 1;
}

#endif
