/* common.h — timing helpers for bench/bench_*.c (our side of each benchmark).
 *
 * Each bench program prints one line per case, tab-separated:
 *     CASE <tab> median_ms <tab> repeats <tab> extra (GB/s or "")
 * bench/run parses these lines and pairs them with the peers' timings.
 */
#ifndef OB_BENCH_COMMON_H
#define OB_BENCH_COMMON_H

#include <stddef.h>

/* Runs fn(arg) `warmup` times, then `repeats` times; returns the median in ms. */
double ob_bench_median_ms(void (*fn)(void *), void *arg, int warmup, int repeats);
/* Prints a result line in the format above. */
void ob_bench_report(const char *name, double median_ms, int repeats, const char *extra);
/* The process's peak resident memory so far, in MiB (getrusage). */
double ob_bench_peak_mib(void);
/* Exits with "obscura bench: error: ..." when s is not OB_OK. */
void ob_bench_ok(int status, const char *what);

#endif
