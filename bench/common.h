/* common.h — timing helpers for bench/bench_*.c (our side of each benchmark).
 *
 * Each bench program prints one line per case, tab-separated:
 *     CASE <tab> median_ms <tab> repeats <tab> extra (GB/s or "")
 * bench/run parses these lines and pairs them with the peers' timings.
 */
#ifndef OB_BENCH_COMMON_H
#define OB_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "ob_model.h"
#include "ob_optim.h"
#include "ob_zoo.h"

/* Runs fn(arg) `warmup` times, then `repeats` times; returns the median in ms. */
double ob_bench_median_ms(void (*fn)(void *), void *arg, int warmup, int repeats);
/* Prints a result line in the format above. */
void ob_bench_report(const char *name, double median_ms, int repeats, const char *extra);
/* The benchmarks' input generator: Knuth's 64-bit LCG, step then the top 24
 * bits as a float in [0, 1) (the PyTorch peers that need the same input
 * replay it in Python). fill: n of them into p. */
float ob_bench_lcg_uniform(uint64_t *state);
void ob_bench_fill_uniform(float *p, int64_t n, uint64_t *state);
/* The process's peak resident memory so far, in MiB (getrusage). */
double ob_bench_peak_mib(void);
/* One training step: zero_grad, forward (training mode), the loss of y (which
 * writes d loss / d y into grad: y's shape, allocated where ctx computes on
 * first use; loss NULL: the value goes to the context's running loss),
 * backward, the optimiser's step. Exits on any failure. */
typedef ob_status (*ob_bench_loss_fn)(void *arg, ob_ctx *ctx, double *loss, ob_tensor *grad, const ob_tensor *y);
void ob_bench_train_step(ob_model *m, ob_optim *opt, ob_ctx *ctx, const ob_tensor *x, ob_tensor *grad,
                         ob_bench_loss_fn loss_fn, void *arg, double *loss);
/* A zoo model (ob_zoo.h) built, its parameters allocated at loc and
 * initialised with seed 0 (PyTorch-default init); exits on any failure. */
ob_model *ob_bench_zoo_model(const char *name, const ob_zoo_opts *opts, ob_location loc);
/* Adam with torch's defaults over m's parameters; exits on failure. */
ob_optim *ob_bench_adam(ob_model *m);
/* Exits with "obscura bench: error: ..." when s is not OB_OK. */
void ob_bench_ok(int status, const char *what);

#endif
