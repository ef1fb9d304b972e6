/* ob_dnnl.h — oneDNN, the CPU's counterpart of cuDNN: one engine and stream per
 * process, what it dispatches to, and the glue every oneDNN layer shares.
 *
 * Contract
 *   ob_dnnl_available()   1 when this build has oneDNN (OB_HAVE_DNNL) and its CPU
 *                         engine could be made; 0 otherwise (the layers then run
 *                         the reference path).
 *   ob_dnnl_isa()         the ISA oneDNN dispatches to on this CPU, as oneDNN names
 *                         it ("avx512_core_bf16", "avx2", ...): the effective
 *                         maximum after ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA.
 *                         "none" without oneDNN.
 *   ob_dnnl_version()     "2.6.3" (or "none").
 *   ob_dnnl_fpmath_strict() 1 when oneDNN's default math mode is strict fp32.
 *   The engine is made on first use (thread-safe) with the default math mode set
 *   to dnnl_fpmath_mode_strict: fp32 everywhere, no silent bf16 / f16 / AMX
 *   down-conversion of the operands (oneDNN would use them only with
 *   fpmath_mode bf16 or any, which obscura never sets). Every primitive
 *   obscura makes also names strict in its own attributes (ob_dnnl_attr).
 *   Threads: the Debian build of oneDNN runs on OpenMP, so its primitives use
 *   omp_get_max_threads() threads — the count ob_threads_set gives — from the
 *   same pool as obscura's own loops (one pool, nothing spins against it).
 *
 * Below this line only for code built with OB_HAVE_DNNL (the layers' oneDNN
 * files): an operand of a primitive seen as a plain user buffer and the layout
 * the primitive chose.
 *   ob_dnnl_operand_init(op, user, prim, accumulate)  user: the plain (e.g.
 *       nchw) desc; prim: the primitive's (from a query; may equal user).
 *       Makes the reorders and the buffer of the primitive's layout when they
 *       differ. accumulate (outputs only): the primitive always writes its own
 *       buffer and ob_dnnl_out_done ADDS it into the user's (gradients that
 *       accumulate, ob_layer.h).
 *   ob_dnnl_in(op, ptr)    the memory to pass for an input: the user's buffer
 *                          itself, or its reorder into the primitive's layout.
 *   ob_dnnl_out(op, ptr)   the memory a primitive writes an output into; after
 *                          the primitive, ob_dnnl_out_done(op, ptr) reorders it
 *                          back into the user's buffer (nothing when equal).
 *   ob_dnnl_operand_free(op).
 * Errors: OB_ERR_INTERNAL with oneDNN's status name and the call that failed;
 * OB_ERR_UNSUPPORTED when oneDNN has no implementation for a description (the
 * caller then runs the reference path).
 */
#ifndef OB_DNNL_H
#define OB_DNNL_H

#include "ob_scratch.h"
#include "ob_status.h"
#include "ob_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

int ob_dnnl_available(void);
const char *ob_dnnl_isa(void);
const char *ob_dnnl_version(void);
int ob_dnnl_fpmath_strict(void);
/* Caps the ISA oneDNN may dispatch to ("avx2", "avx512_core", "sse41"), the
 * in-process form of ONEDNN_MAX_CPU_ISA; only before the first primitive
 * (tests use it to run the AVX2 code on an AVX-512 machine). OB_ERR_ARG for an
 * unknown name, OB_ERR_UNSUPPORTED when it is too late or there is no oneDNN. */
ob_status ob_dnnl_cap_isa(const char *name);
/* dst (N, C, H, W) in dst_layout <- src in src_layout (ob_tensor.h layouts; a
 * reorder; dst != src). OB_ERR_UNSUPPORTED without oneDNN, where no tensor is
 * ever blocked. */
ob_status ob_dnnl_relayout(void *dst, int dst_layout, const void *src, int src_layout, const int64_t dims[4]);

#ifdef OB_HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>

dnnl_engine_t ob_dnnl_engine(void);
dnnl_stream_t ob_dnnl_stream(void);
/* A strict-fp32 attribute (caller destroys it with dnnl_primitive_attr_destroy). */
dnnl_primitive_attr_t ob_dnnl_attr(void);

ob_status ob_dnnl_fail_at(dnnl_status_t st, const char *what, const char *file, int line);
#define OB_DNNL_CHECK(call)                                                      \
    do {                                                                         \
        dnnl_status_t ob_dnnl_st_ = (call);                                      \
        if (ob_dnnl_st_ != dnnl_success) return ob_dnnl_fail_at(ob_dnnl_st_, #call, __FILE__, __LINE__); \
    } while (0)

/* A primitive from an op descriptor with the strict attribute; *pd may be kept
 * (hint for backward) — the caller destroys both. */
ob_status ob_dnnl_make(dnnl_primitive_desc_t *pd, dnnl_primitive_t *prim, const void *op_desc,
                       const_dnnl_primitive_desc_t hint, const char *what);
/* Runs prim with n (arg, memory) pairs on the stream and waits. */
ob_status ob_dnnl_exec(dnnl_primitive_t prim, int n, const dnnl_exec_arg_t *args);
/* A plain row-major desc of ndims dims with the given tag (dnnl_nchw, dnnl_nc, ...). */
dnnl_memory_desc_t ob_dnnl_md(int ndims, const int64_t *dims, dnnl_format_tag_t tag);

typedef struct {
    dnnl_memory_desc_t user_md;
    dnnl_memory_t direct;     /* prim_md over the caller's buffer, when prim_md is a named layout */
    int direct_layout;        /* that layout (OB_LAYOUT_C8 / C16; 0: none) */
    ob_scratch plain_tmp;     /* a plain copy of a blocked input in another block than the primitive's */
    dnnl_memory_t user;       /* handle set per call */
    dnnl_memory_t prim;       /* == user when the layouts are equal */
    dnnl_primitive_t to_prim; /* reorder user -> prim (NULL when equal) */
    dnnl_primitive_t to_user; /* reorder prim -> user (NULL when equal) */
    void *buf;                /* prim's storage when it differs */
} ob_dnnl_operand;

ob_status ob_dnnl_operand_init(ob_dnnl_operand *op, const dnnl_memory_desc_t *user, const dnnl_memory_desc_t *prim,
                               int accumulate);
ob_status ob_dnnl_in(dnnl_memory_t *mem, ob_dnnl_operand *op, const void *ptr);
ob_status ob_dnnl_out(dnnl_memory_t *mem, ob_dnnl_operand *op, void *ptr);
ob_status ob_dnnl_out_done(ob_dnnl_operand *op, void *ptr);
/* The same for a 4-d operand whose caller's tensor may be in a blocked layout
 * (ob_tensor.h): an input in `layout` is read in place when the primitive
 * wants that layout, else made plain first; an output may be written in the
 * primitive's own layout in place when `allow` and that layout is one
 * ob_tensor.h names (*layout <- the layout written, 0: plain). */
ob_status ob_dnnl_in_layout(dnnl_memory_t *mem, ob_dnnl_operand *op, const void *ptr, int layout);
ob_status ob_dnnl_out_layout(dnnl_memory_t *mem, ob_dnnl_operand *op, void *ptr, int allow, int *layout);
ob_status ob_dnnl_out_done_layout(ob_dnnl_operand *op, void *ptr, int layout);
/* The desc of (N, C, H, W) float32 in an ob_tensor layout; the layout a desc
 * is (0 when it is none of them). */
dnnl_memory_desc_t ob_dnnl_md_layout(const int64_t dims[4], int layout);
int ob_dnnl_layout_of(const dnnl_memory_desc_t *md);
void ob_dnnl_operand_free(ob_dnnl_operand *op);
/* Memory over a buffer of desc md (NULL: allocated, owned by the memory). */
ob_status ob_dnnl_memory(dnnl_memory_t *mem, const dnnl_memory_desc_t *md, void *ptr);
/* Runs prim over plain buffers: binds[i] gives an argument (DNNL_ARG_SRC, ...),
 * its desc and the buffer (memory objects are made for the call only). */
typedef struct {
    int arg;
    const dnnl_memory_desc_t *md;
    const void *ptr;
} ob_dnnl_bind;
ob_status ob_dnnl_run(dnnl_primitive_t prim, int n, const ob_dnnl_bind *binds);

/* A primitive kept for one shape (the key): ob_dnnl_cached_hit says whether c
 * holds the primitive for key, and when it does not, empties c and records
 * key (the caller then makes pd and prim). */
#define OB_DNNL_KEY 8
typedef struct {
    int64_t key[OB_DNNL_KEY];
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t prim;
} ob_dnnl_cached;
int ob_dnnl_cached_hit(ob_dnnl_cached *c, const int64_t key[OB_DNNL_KEY]);
void ob_dnnl_cached_free(ob_dnnl_cached *c);

/* The desc a primitive descriptor gives for `what` (dnnl_query_src_md, ...). */
static inline dnnl_memory_desc_t ob_dnnl_query(const_dnnl_primitive_desc_t pd, dnnl_query_t what)
{
    return *dnnl_primitive_desc_query_md(pd, what, 0);
}
#endif

#ifdef __cplusplus
}
#endif
#endif
