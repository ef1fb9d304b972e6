/* status.c — the thread-local failure message behind ob_last_error(). */
#include "ob_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[1024];

const char *ob_last_error(void) { return last_error; }

void ob_clear_error(void) { last_error[0] = '\0'; }

const char *ob_status_name(ob_status s)
{
    switch (s) {
    case OB_OK: return "ok";
    case OB_ERR_ARG: return "invalid argument";
    case OB_ERR_IO: return "I/O error";
    case OB_ERR_FORMAT: return "bad file format";
    case OB_ERR_NOMEM: return "out of memory";
    case OB_ERR_CUDA: return "CUDA error";
    case OB_ERR_NO_DEVICE: return "no CUDA device";
    case OB_ERR_UNSUPPORTED: return "unsupported";
    case OB_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

ob_status ob_fail_at(ob_status s, const char *file, int line, const char *fmt, ...)
{
    /* The message comes first (it is what a user acts on); the source location
     * follows in brackets for bug reports. Only the file's base name is kept. */
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    char msg[sizeof last_error - 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(last_error, sizeof last_error, "%s [%s:%d]", msg, base, line);
    return s;
}
