/* ob_log.h — messages to stderr and a progress bar that only a terminal sees.
 *
 * Contract
 *   Levels: OB_LOG_QUIET (errors only), OB_LOG_INFO (default), OB_LOG_VERBOSE.
 *   ob_log_* write one line to stderr prefixed "obscura: " when the level allows.
 *   Library code may log at info/verbose; errors are returned, not logged.
 *   The progress bar redraws one stderr line at most ~10 times a second, and only
 *   when stderr is a TTY and the level is not quiet; otherwise it prints nothing.
 *   Calls are thread-safe (a mutex guards the line).
 *
 * Example
 *   ob_progress p;
 *   ob_progress_begin(&p, "merging", n_scenes);
 *   for (...) { ...; ob_progress_step(&p, 1); }
 *   ob_progress_end(&p);
 */
#ifndef OB_LOG_H
#define OB_LOG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { OB_LOG_QUIET = 0, OB_LOG_INFO = 1, OB_LOG_VERBOSE = 2 } ob_log_level;

void ob_log_set_level(ob_log_level level);
ob_log_level ob_log_get_level(void);

void ob_log_info(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
void ob_log_verbose(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

typedef struct {
    const char *label;
    int64_t total, done;
    double start_s, last_draw_s;
    int active; /* 1 when drawing (TTY and not quiet) */
} ob_progress;

void ob_progress_begin(ob_progress *p, const char *label, int64_t total);
void ob_progress_step(ob_progress *p, int64_t n);
void ob_progress_end(ob_progress *p);

/* Monotonic seconds (for timings in summaries and benchmarks). */
double ob_now_seconds(void);
/* The process's peak resident memory so far, in MiB (getrusage's ru_maxrss). */
double ob_peak_rss_mb(void);

#ifdef __cplusplus
}
#endif
#endif
