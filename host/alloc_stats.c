/* alloc_stats.c — ob_alloc_stats.h. */
#include "ob_alloc_stats.h"

#include <stdatomic.h>

static _Atomic uint64_t allocations;

void ob_alloc_note(void) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); }
uint64_t ob_alloc_count(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }
