/* response_solve_forward.c — ob_response_solve_cusolver as the binary sees it:
 * a forwarder to the GPU-libraries plugin (host/ob_gpulibs.h). */
#ifdef OB_HAVE_CUDA
#include "ob_gpulibs.h"
#include "response_solve.h"

ob_status ob_response_solve_cusolver(ob_ctx *ctx, double *g, const ob_response_problem *pb)
{
    typedef ob_status (*solve_t)(ob_ctx *, double *, const ob_response_problem *);
    solve_t fn = (solve_t)ob_gpulibs_symbol("obgl_response_solve_cusolver");
    if (!fn) return OB_ERR_CUDA; /* the loader's message is in ob_last_error() */
    return fn(ctx, g, pb);
}
#else
typedef int ob_response_solve_forward_unused; /* without CUDA response_solve_cusolver.c's stub is built in */
#endif
