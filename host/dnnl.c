/* dnnl.c — ob_dnnl.h: the process's oneDNN engine and stream, its ISA, and the
 * operand glue the oneDNN layers share. */
#include "ob_dnnl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef OB_HAVE_DNNL
int ob_dnnl_available(void) { return 0; }
const char *ob_dnnl_isa(void) { return "none"; }
const char *ob_dnnl_version(void) { return "none"; }
int ob_dnnl_fpmath_strict(void) { return 0; }
ob_status ob_dnnl_cap_isa(const char *name)
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "cannot cap the ISA to %s: no oneDNN in this build", name);
}
ob_status ob_dnnl_relayout(void *dst, int dst_layout, const void *src, int src_layout, const int64_t dims[4])
{
    return OB_FAIL(OB_ERR_UNSUPPORTED, "a blocked layout in a build without oneDNN");
}
#else

static dnnl_engine_t g_engine;
static dnnl_stream_t g_stream;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void make_engine(void)
{
    /* strict fp32 before any primitive exists: no implicit bf16/f16 (AMX) math */
    dnnl_set_default_fpmath_mode(dnnl_fpmath_mode_strict);
    if (dnnl_engine_create(&g_engine, dnnl_cpu, 0) != dnnl_success) {
        g_engine = NULL;
        return;
    }
    if (dnnl_stream_create(&g_stream, g_engine, dnnl_stream_default_flags) != dnnl_success) {
        dnnl_engine_destroy(g_engine);
        g_engine = NULL, g_stream = NULL;
    }
}

int ob_dnnl_available(void)
{
    pthread_once(&g_once, make_engine);
    return g_engine != NULL;
}

dnnl_engine_t ob_dnnl_engine(void) { return ob_dnnl_available() ? g_engine : NULL; }
dnnl_stream_t ob_dnnl_stream(void) { return ob_dnnl_available() ? g_stream : NULL; }

const char *ob_dnnl_isa(void)
{
    switch (dnnl_get_effective_cpu_isa()) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
    case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    case dnnl_cpu_isa_all: return "all";
    }
    return "unknown";
}

ob_status ob_dnnl_cap_isa(const char *name)
{
    static const struct {
        const char *name;
        dnnl_cpu_isa_t isa;
    } isas[] = {{"sse41", dnnl_cpu_isa_sse41}, {"avx", dnnl_cpu_isa_avx}, {"avx2", dnnl_cpu_isa_avx2},
                {"avx512_core", dnnl_cpu_isa_avx512_core}, {"all", dnnl_cpu_isa_all}};
    for (size_t i = 0; i < sizeof isas / sizeof isas[0]; i++)
        if (strcmp(name, isas[i].name) == 0) {
            if (dnnl_set_max_cpu_isa(isas[i].isa) != dnnl_success)
                return OB_FAIL(OB_ERR_UNSUPPORTED, "oneDNN refused to cap the ISA to %s (too late?)", name);
            return OB_OK;
        }
    return OB_FAIL(OB_ERR_ARG, "unknown ISA '%s' (sse41, avx, avx2, avx512_core, all)", name);
}

const char *ob_dnnl_version(void)
{
    static char buf[32];
    const dnnl_version_t *v = dnnl_version();
    snprintf(buf, sizeof buf, "%d.%d.%d", v->major, v->minor, v->patch);
    return buf;
}

int ob_dnnl_fpmath_strict(void)
{
    dnnl_fpmath_mode_t m;
    return dnnl_get_default_fpmath_mode(&m) == dnnl_success && m == dnnl_fpmath_mode_strict;
}

ob_status ob_dnnl_fail_at(dnnl_status_t st, const char *what, const char *file, int line)
{
    if (st == dnnl_unimplemented)
        return ob_fail_at(OB_ERR_UNSUPPORTED, file, line, "oneDNN: no implementation: %s", what);
    if (st == dnnl_out_of_memory) return ob_fail_at(OB_ERR_NOMEM, file, line, "oneDNN: out of memory: %s", what);
    return ob_fail_at(OB_ERR_INTERNAL, file, line, "oneDNN: %s failed (status %d)", what, (int)st);
}

dnnl_primitive_attr_t ob_dnnl_attr(void)
{
    dnnl_primitive_attr_t a = NULL;
    if (dnnl_primitive_attr_create(&a) != dnnl_success) return NULL;
    dnnl_primitive_attr_set_fpmath_mode(a, dnnl_fpmath_mode_strict);
    return a;
}

ob_status ob_dnnl_make(dnnl_primitive_desc_t *pd, dnnl_primitive_t *prim, const void *op_desc,
                       const_dnnl_primitive_desc_t hint, const char *what)
{
    *pd = NULL, *prim = NULL;
    OB_REQUIRE(ob_dnnl_available(), "oneDNN: no CPU engine for %s", what);
    dnnl_primitive_attr_t attr = ob_dnnl_attr();
    OB_REQUIRE(attr != NULL, "oneDNN: no attribute for %s", what);
    dnnl_status_t st = dnnl_primitive_desc_create(pd, op_desc, attr, g_engine, hint);
    dnnl_primitive_attr_destroy(attr);
    if (st != dnnl_success) {
        *pd = NULL;
        return ob_dnnl_fail_at(st, what, __FILE__, __LINE__);
    }
    st = dnnl_primitive_create(prim, *pd);
    if (st != dnnl_success) {
        dnnl_primitive_desc_destroy(*pd);
        *pd = NULL, *prim = NULL;
        return ob_dnnl_fail_at(st, what, __FILE__, __LINE__);
    }
    return OB_OK;
}

ob_status ob_dnnl_exec(dnnl_primitive_t prim, int n, const dnnl_exec_arg_t *args)
{
    OB_DNNL_CHECK(dnnl_primitive_execute(prim, g_stream, n, args));
    OB_DNNL_CHECK(dnnl_stream_wait(g_stream));
    return OB_OK;
}

ob_status ob_dnnl_run(dnnl_primitive_t prim, int n, const ob_dnnl_bind *binds)
{
    enum { MAX_ARGS = 12 };
    dnnl_exec_arg_t a[MAX_ARGS] = {{0, NULL}};
    OB_REQUIRE(n <= MAX_ARGS, "oneDNN: %d arguments, at most %d", n, MAX_ARGS);
    ob_status s = OB_OK;
    int made = 0;
    for (; made < n && s == OB_OK; made++) {
        a[made].arg = binds[made].arg;
        s = ob_dnnl_memory(&a[made].memory, binds[made].md, (void *)binds[made].ptr);
        if (s != OB_OK) break;
    }
    if (s == OB_OK) s = ob_dnnl_exec(prim, n, a);
    for (int i = 0; i < made; i++) dnnl_memory_destroy(a[i].memory);
    return s;
}

int ob_dnnl_cached_hit(ob_dnnl_cached *c, const int64_t key[OB_DNNL_KEY])
{
    if (c->prim && memcmp(c->key, key, sizeof c->key) == 0) return 1;
    ob_dnnl_cached_free(c);
    memcpy(c->key, key, sizeof c->key);
    return 0;
}

void ob_dnnl_cached_free(ob_dnnl_cached *c)
{
    if (c->prim) dnnl_primitive_destroy(c->prim);
    if (c->pd) dnnl_primitive_desc_destroy(c->pd);
    memset(c, 0, sizeof *c);
}

dnnl_memory_desc_t ob_dnnl_md(int ndims, const int64_t *dims, dnnl_format_tag_t tag)
{
    dnnl_memory_desc_t md;
    dnnl_dims_t d;
    for (int i = 0; i < ndims; i++) d[i] = dims[i];
    if (dnnl_memory_desc_init_by_tag(&md, ndims, d, dnnl_f32, tag) != dnnl_success) memset(&md, 0, sizeof md);
    return md;
}

ob_status ob_dnnl_memory(dnnl_memory_t *mem, const dnnl_memory_desc_t *md, void *ptr)
{
    OB_DNNL_CHECK(dnnl_memory_create(mem, md, g_engine, ptr ? ptr : DNNL_MEMORY_ALLOCATE));
    return OB_OK;
}

/* A reorder from -> to; accumulate: to += from (a sum post-op). */
static ob_status make_reorder(dnnl_primitive_t *r, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to,
                              int accumulate)
{
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_attr_t attr = ob_dnnl_attr();
    dnnl_post_ops_t po = NULL;
    if (accumulate) {
        dnnl_post_ops_create(&po);
        dnnl_post_ops_append_sum(po, 1.f);
        dnnl_primitive_attr_set_post_ops(attr, po);
    }
    dnnl_status_t st = dnnl_reorder_primitive_desc_create(&pd, from, g_engine, to, g_engine, attr);
    dnnl_primitive_attr_destroy(attr);
    if (po) dnnl_post_ops_destroy(po);
    if (st != dnnl_success) return ob_dnnl_fail_at(st, "reorder", __FILE__, __LINE__);
    st = dnnl_primitive_create(r, pd);
    dnnl_primitive_desc_destroy(pd);
    if (st != dnnl_success) return ob_dnnl_fail_at(st, "reorder", __FILE__, __LINE__);
    return OB_OK;
}

ob_status ob_dnnl_operand_init(ob_dnnl_operand *op, const dnnl_memory_desc_t *user, const dnnl_memory_desc_t *prim,
                               int accumulate)
{
    memset(op, 0, sizeof *op);
    OB_REQUIRE(ob_dnnl_available(), "oneDNN: no CPU engine");
    op->user_md = *user;
    ob_status s = ob_dnnl_memory(&op->user, user, DNNL_MEMORY_NONE);
    if (s != OB_OK) return s;
    op->direct_layout = user->ndims == 4 && !accumulate ? ob_dnnl_layout_of(prim) : 0;
    if (op->direct_layout) s = ob_dnnl_memory(&op->direct, prim, DNNL_MEMORY_NONE);
    if (s != OB_OK) {
        ob_dnnl_operand_free(op);
        return s;
    }
    if (!accumulate && dnnl_memory_desc_equal(user, prim)) {
        op->prim = op->user;
        return OB_OK;
    }
    const size_t bytes = dnnl_memory_desc_get_size(prim);
    op->buf = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!op->buf) s = OB_FAIL(OB_ERR_NOMEM, "oneDNN: no memory for a %zu-byte operand", bytes);
    if (s == OB_OK) s = ob_dnnl_memory(&op->prim, prim, op->buf);
    if (s == OB_OK && !accumulate) s = make_reorder(&op->to_prim, user, prim, 0);
    if (s == OB_OK) s = make_reorder(&op->to_user, prim, user, accumulate);
    if (s != OB_OK) ob_dnnl_operand_free(op);
    return s;
}

ob_status ob_dnnl_in(dnnl_memory_t *mem, ob_dnnl_operand *op, const void *ptr)
{
    OB_DNNL_CHECK(dnnl_memory_set_data_handle(op->user, (void *)ptr));
    if (op->to_prim) {
        const dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, op->user}, {DNNL_ARG_TO, op->prim}};
        OB_TRY(ob_dnnl_exec(op->to_prim, 2, a));
    }
    *mem = op->prim;
    return OB_OK;
}

ob_status ob_dnnl_out(dnnl_memory_t *mem, ob_dnnl_operand *op, void *ptr)
{
    OB_DNNL_CHECK(dnnl_memory_set_data_handle(op->user, ptr));
    *mem = op->prim;
    return OB_OK;
}

ob_status ob_dnnl_out_done(ob_dnnl_operand *op, void *ptr)
{
    if (!op->to_user) return OB_OK;
    OB_DNNL_CHECK(dnnl_memory_set_data_handle(op->user, ptr));
    const dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, op->prim}, {DNNL_ARG_TO, op->user}};
    return ob_dnnl_exec(op->to_user, 2, a);
}

dnnl_memory_desc_t ob_dnnl_md_layout(const int64_t dims[4], int layout)
{
    const dnnl_format_tag_t tag = layout == OB_LAYOUT_C16 ? dnnl_aBcd16b : layout == OB_LAYOUT_C8 ? dnnl_aBcd8b : dnnl_nchw;
    return ob_dnnl_md(4, dims, tag);
}

int ob_dnnl_layout_of(const dnnl_memory_desc_t *md)
{
    if (md->ndims != 4 || md->data_type != dnnl_f32) return 0;
    const int64_t dims[4] = {md->dims[0], md->dims[1], md->dims[2], md->dims[3]};
    const int blocks[2] = {OB_LAYOUT_C16, OB_LAYOUT_C8};
    for (int i = 0; i < 2; i++) {
        if (dims[1] % blocks[i]) continue; /* padded channels: not the same bytes as plain */
        const dnnl_memory_desc_t b = ob_dnnl_md_layout(dims, blocks[i]);
        if (dnnl_memory_desc_equal(md, &b)) return blocks[i];
    }
    return 0;
}

ob_status ob_dnnl_relayout(void *dst, int dst_layout, const void *src, int src_layout, const int64_t dims[4])
{
    const dnnl_memory_desc_t from = ob_dnnl_md_layout(dims, src_layout), to = ob_dnnl_md_layout(dims, dst_layout);
    dnnl_primitive_t r = NULL;
    OB_TRY(make_reorder(&r, &from, &to, 0));
    const ob_dnnl_bind b[2] = {{DNNL_ARG_FROM, &from, src}, {DNNL_ARG_TO, &to, dst}};
    ob_status s = ob_dnnl_run(r, 2, b);
    dnnl_primitive_destroy(r);
    return s;
}

ob_status ob_dnnl_in_layout(dnnl_memory_t *mem, ob_dnnl_operand *op, const void *ptr, int layout)
{
    if (layout == OB_LAYOUT_PLAIN) return ob_dnnl_in(mem, op, ptr);
    if (layout == op->direct_layout) { /* the primitive reads it where it is */
        OB_DNNL_CHECK(dnnl_memory_set_data_handle(op->direct, (void *)ptr));
        *mem = op->direct;
        return OB_OK;
    }
    const int64_t dims[4] = {op->user_md.dims[0], op->user_md.dims[1], op->user_md.dims[2], op->user_md.dims[3]};
    void *plain;
    OB_TRY(ob_scratch_get(&op->plain_tmp, &plain, sizeof(float) * (size_t)(dims[0] * dims[1] * dims[2] * dims[3]),
                          "oneDNN: a plain copy"));
    OB_TRY(ob_dnnl_relayout(plain, OB_LAYOUT_PLAIN, ptr, layout, dims));
    return ob_dnnl_in(mem, op, plain);
}

ob_status ob_dnnl_out_layout(dnnl_memory_t *mem, ob_dnnl_operand *op, void *ptr, int allow, int *layout)
{
    *layout = OB_LAYOUT_PLAIN;
    if (allow && op->direct_layout) {
        OB_DNNL_CHECK(dnnl_memory_set_data_handle(op->direct, ptr));
        *mem = op->direct;
        *layout = op->direct_layout;
        return OB_OK;
    }
    return ob_dnnl_out(mem, op, ptr);
}

ob_status ob_dnnl_out_done_layout(ob_dnnl_operand *op, void *ptr, int layout)
{
    return layout == OB_LAYOUT_PLAIN ? ob_dnnl_out_done(op, ptr) : OB_OK;
}

void ob_dnnl_operand_free(ob_dnnl_operand *op)
{
    if (op->direct) dnnl_memory_destroy(op->direct);
    ob_scratch_free(&op->plain_tmp);
    if (op->prim && op->prim != op->user) dnnl_memory_destroy(op->prim);
    if (op->user) dnnl_memory_destroy(op->user);
    if (op->to_prim) dnnl_primitive_destroy(op->to_prim);
    if (op->to_user) dnnl_primitive_destroy(op->to_user);
    free(op->buf);
    memset(op, 0, sizeof *op);
}
#endif
