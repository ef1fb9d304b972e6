/* ob_status.h — how every obscura function reports failure.
 *
 * Contract
 *   Library functions return ob_status: OB_OK (0) or a negative code. On failure
 *   they record a message with the file and line where the failure was detected;
 *   ob_last_error() returns it (thread-local, valid until the next failure on the
 *   same thread). Library code never exits or aborts on bad input; only the CLI,
 *   tests and benchmarks exit.
 *
 * Example
 *   if (ob_image_read(&img, NULL, path) != OB_OK)
 *       fprintf(stderr, "obscura: error: %s\n", ob_last_error());
 */
#ifndef OB_STATUS_H
#define OB_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    OB_OK = 0,
    OB_ERR_ARG = -1,      /* a caller passed an invalid value (size, option, shape) */
    OB_ERR_IO = -2,       /* a file could not be opened, read or written */
    OB_ERR_FORMAT = -3,   /* a file's content is corrupt, truncated or unsupported */
    OB_ERR_NOMEM = -4,    /* an allocation failed or a size overflowed */
    OB_ERR_CUDA = -5,     /* a CUDA runtime / cuDNN / cuBLAS / cuSOLVER call failed */
    OB_ERR_NO_DEVICE = -6,/* the cuda backend was asked for and no GPU answers */
    OB_ERR_UNSUPPORTED = -7, /* not available in this build (e.g. CUDA not compiled) */
    OB_ERR_INTERNAL = -8  /* an invariant broke: a bug in obscura */
} ob_status;

/* The message of the most recent failure on this thread ("" if none). */
const char *ob_last_error(void);

/* A short name for a status code ("invalid argument", "I/O error", ...). */
const char *ob_status_name(ob_status s);

/* Records a failure and returns `s`; use through OB_FAIL so file:line is filled in. */
ob_status ob_fail_at(ob_status s, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Clears the recorded message (tests use it to check a call sets one). */
void ob_clear_error(void);

#define OB_FAIL(status, ...) ob_fail_at((status), __FILE__, __LINE__, __VA_ARGS__)

/* Propagate a failure from a callee without rewriting its message. */
#define OB_TRY(expr)                         \
    do {                                     \
        ob_status ob_try_s_ = (expr);        \
        if (ob_try_s_ != OB_OK) return ob_try_s_; \
    } while (0)

/* Check an argument; on failure record "what" with file:line and return OB_ERR_ARG. */
#define OB_REQUIRE(cond, ...)                              \
    do {                                                   \
        if (!(cond)) return OB_FAIL(OB_ERR_ARG, __VA_ARGS__); \
    } while (0)

#ifdef __cplusplus
}
#endif
#endif
