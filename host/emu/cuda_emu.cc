/* cuda_emu.cc — the cuda-emu runtime behind cuda_emu.h: fibers, the block
 * scheduler, block and warp barriers, deadlock reports, launch checks and the
 * host-memory CUDA runtime API.
 *
 * How a launch runs: blocks one after another on the calling thread. Within a
 * block, a scheduler loop resumes fibers from a FIFO of ready threads and starts
 * new threads when it is empty. A thread runs until it exits or waits at a
 * barrier; the last thread to arrive at a barrier completes it (computes every
 * participant's result, queues the others) and goes on without a switch. When
 * nothing is ready and nothing is left to start while threads still wait, no
 * barrier can ever complete: that is the deadlock report.
 *
 * A thread takes a stack only when it starts and gives it back when it exits,
 * so a kernel without barriers runs all its threads on one hot stack. Stacks
 * are mmap'd with a guard page and kept for later launches. */
#include "cuda_emu.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdarg>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "ob_alloc_stats.h"
#include "ob_status.h"

#if defined(__SANITIZE_ADDRESS__)
#define OB_EMU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OB_EMU_ASAN 1
#endif
#endif
#ifdef OB_EMU_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* x86-64 gets a hand-written switch (callee-saved registers + rsp: tens of
 * nanoseconds); elsewhere, or with -DOB_EMU_UCONTEXT, swapcontext (which also
 * saves the signal mask with a system call per switch). */
#if defined(__x86_64__) && !defined(OB_EMU_UCONTEXT)
#define OB_EMU_ASM_SWITCH 1
#else
#include <ucontext.h>
#endif

__thread ob_emu_tls_state ob_emu_tls;

namespace {

/* ---- stacks ---------------------------------------------------------------------- */
/* ASan's redzones roughly triple frame sizes. */
#ifdef OB_EMU_ASAN
constexpr size_t kStackBytes = 512 * 1024;
#else
constexpr size_t kStackBytes = 128 * 1024;
#endif

struct Stack {
    char *lo = nullptr; /* lowest usable address; a PROT_NONE guard page lies below */
    size_t size = 0;
    size_t color = 0; /* bytes left unused at the top, see stack_new */
};

Stack stack_new()
{
    /* Stacks are a page-multiple apart, so their tops (where every fiber's hot
     * frames live) would all fall in the same L1 cache set; starting each one a
     * different number of cache lines below its top spreads them over the sets. */
    static thread_local unsigned count = 0;
    const size_t color = (size_t)(count++ * 7 % 64) * 64;
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void *m = mmap(nullptr, kStackBytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (m == MAP_FAILED) return Stack{};
    mprotect(m, page, PROT_NONE); /* an overflow faults instead of corrupting a neighbour */
    return Stack{(char *)m + page, kStackBytes, color};
}

void stack_delete(Stack s)
{
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (s.lo) munmap(s.lo - page, s.size + page);
}

/* ---- context switch ----------------------------------------------------------------- */
struct Context {
#ifdef OB_EMU_ASM_SWITCH
    void *sp = nullptr;
#else
    ucontext_t uc;
#endif
};

#ifdef OB_EMU_ASM_SWITCH
extern "C" void ob_emu_ctx_switch(void **save_sp, void *load_sp);
/* Saves the callee-saved registers and the SSE/x87 control words on the current
 * stack, stores rsp in *save_sp, loads load_sp and restores the same from there. */
__asm__(".text\n"
        ".globl ob_emu_ctx_switch\n"
        ".hidden ob_emu_ctx_switch\n"
        ".type ob_emu_ctx_switch,@function\n"
        "ob_emu_ctx_switch:\n"
        "  endbr64\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  subq $8, %rsp\n"
        "  stmxcsr (%rsp)\n"
        "  fnstcw 4(%rsp)\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  ldmxcsr (%rsp)\n"
        "  fldcw 4(%rsp)\n"
        "  addq $8, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        ".size ob_emu_ctx_switch, .-ob_emu_ctx_switch\n");

/* A fresh stack looks as if ob_emu_ctx_switch had saved it: control words, six
 * zeroed registers, `entry` as the return address, and a null return address
 * above it so `entry` starts with rsp = 8 (mod 16) like any called function. */
void ctx_init(Context *c, Stack s, void (*entry)())
{
    uint64_t *sp = (uint64_t *)(((uintptr_t)(s.lo + s.size - s.color)) & ~(uintptr_t)15);
    uint32_t mxcsr;
    uint16_t fpcw;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(fpcw));
    *--sp = 0;
    *--sp = (uint64_t)(uintptr_t)entry;
    for (int i = 0; i < 6; i++) *--sp = 0;
    *--sp = (uint64_t)mxcsr | ((uint64_t)fpcw << 32);
    c->sp = sp;
}

inline void ctx_switch(Context *from, Context *to) { ob_emu_ctx_switch(&from->sp, to->sp); }
#else
void ctx_init(Context *c, Stack s, void (*entry)())
{
    getcontext(&c->uc);
    c->uc.uc_stack.ss_sp = s.lo;
    c->uc.uc_stack.ss_size = s.size - s.color;
    c->uc.uc_link = nullptr;
    makecontext(&c->uc, entry, 0);
}

inline void ctx_switch(Context *from, Context *to) { swapcontext(&from->uc, &to->uc); }
#endif

/* ---- launch state ----------------------------------------------------------------------- */
enum class St : uint8_t { New, Ready, Running, BlockWait, WarpWait, Exited };

struct Fiber {
    Context ctx;
    Stack stack;
    uint3 tid;
    unsigned linear;
    St st;
    /* what it waits at */
    int kind;
    unsigned mask;
    uint64_t value;
    int arg, width;
    const char *file;
    int line;
    uint64_t result; /* written by whoever completes the barrier */
#ifdef OB_EMU_ASAN
    void *fake_stack;
#endif
};

constexpr size_t kCanary = 64;          /* bytes past the dynamic shared memory that must stay intact */
constexpr unsigned char kCanaryByte = 0xa5;
constexpr uint32_t kSmemPoison = 0x7fc0deadu; /* a quiet NaN with a recognisable payload */
constexpr size_t kSmemDefault = 48 * 1024, kSmemOptinH100 = 227 * 1024;
std::atomic<size_t> g_smem_optin{kSmemOptinH100}; /* ob_emu_set_smem_optin */

struct Launch {
    bool active = false;
    const char *name = "";
    void (*body)(void *) = nullptr;
    void *body_ctx = nullptr;
    dim3 grid, block;
    unsigned n = 0; /* threads per block */
    size_t smem = 0;
    char *smem_buf = nullptr;

    std::vector<Fiber> fibers;
    std::vector<unsigned> warp_waiting; /* per warp: lanes waiting at a warp collective */
    std::vector<unsigned> queue; /* ring of ready fibers; each is queued at most once */
    unsigned q_head = 0, q_count = 0;
    unsigned next_new = 0, exited = 0;
    Fiber *cur = nullptr;
    Context sched;

    /* the block barrier in progress */
    unsigned arrived = 0;
    bool sites_differ = false;
    const char *bar_file = nullptr;
    int bar_line = 0;

    bool failed = false;
    std::string diag;

    std::vector<Stack> free_stacks;
#ifdef OB_EMU_ASAN
    void *sched_fake = nullptr;
    const void *sched_bottom = nullptr;
    size_t sched_size = 0;
#endif

    ~Launch()
    {
        for (Stack s : free_stacks) stack_delete(s);
    }
};

thread_local Launch t_launch;

/* ---- errors ---------------------------------------------------------------------------- */
thread_local cudaError_t t_last_error = cudaSuccess;
thread_local cudaError_t t_diag_code = cudaSuccess;
thread_local std::string t_diag, t_diag_string;

void set_error(cudaError_t e) { t_last_error = e; }

/* A launch failure: the sticky error, plus the reason for ob_emu_last_diagnostic,
 * ob_last_error and cudaGetErrorString(e). */
const char *generic_error_string(cudaError_t e);

void fail_launch(cudaError_t e, const std::string &why)
{
    t_last_error = e;
    t_diag_code = e;
    t_diag = why;
    t_diag_string = std::string(generic_error_string(e)) + " (" + why + ")";
    ob_fail_at(OB_ERR_CUDA, __FILE__, __LINE__, "%s", why.c_str());
}

std::string strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
std::string strf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : nullptr;
    return s ? s + 1 : (path ? path : "?");
}

/* "0-15,32,40-47" */
std::string ranges(const std::vector<unsigned> &ids)
{
    std::string out;
    for (size_t i = 0; i < ids.size();) {
        size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) j++;
        if (!out.empty()) out += ",";
        out += j == i ? strf("%u", ids[i]) : strf("%u-%u", ids[i], ids[j]);
        i = j + 1;
    }
    return out;
}

const char *warp_op_name(int kind)
{
    switch (kind) {
    case OB_EMU_SYNCWARP: return "__syncwarp";
    case OB_EMU_SHFL_IDX: return "__shfl_sync";
    case OB_EMU_SHFL_UP: return "__shfl_up_sync";
    case OB_EMU_SHFL_DOWN: return "__shfl_down_sync";
    case OB_EMU_SHFL_XOR: return "__shfl_xor_sync";
    case OB_EMU_BALLOT: return "__ballot_sync";
    case OB_EMU_ALL: return "__all_sync";
    case OB_EMU_ANY: return "__any_sync";
    case OB_EMU_MATCH_ANY: return "__match_any_sync";
    case OB_EMU_MATCH_ALL: return "__match_all_sync";
    default: return "__reduce_*_sync";
    }
}

const char *block_op_name(int kind)
{
    switch (kind) {
    case OB_EMU_SYNC_COUNT: return "__syncthreads_count";
    case OB_EMU_SYNC_AND: return "__syncthreads_and";
    case OB_EMU_SYNC_OR: return "__syncthreads_or";
    default: return "__syncthreads";
    }
}

std::string where(const Launch &L)
{
    const uint3 b = ob_emu_tls.block_idx;
    return strf("cuda-emu: kernel %s, block (%u,%u,%u) of grid (%u,%u,%u), %u threads (%u,%u,%u)", L.name, b.x, b.y,
                b.z, L.grid.x, L.grid.y, L.grid.z, L.n, L.block.x, L.block.y, L.block.z);
}

/* ---- fibers ------------------------------------------------------------------------------ */
void switch_to_scheduler(Launch &L, Fiber &f, bool final)
{
#ifdef OB_EMU_ASAN
    __sanitizer_start_switch_fiber(final ? nullptr : &f.fake_stack, L.sched_bottom, L.sched_size);
#endif
    ctx_switch(&f.ctx, &L.sched);
#ifdef OB_EMU_ASAN
    __sanitizer_finish_switch_fiber(f.fake_stack, nullptr, nullptr);
#endif
}

/* Every fiber starts here. No local has its address taken, so ASan leaves no
 * poisoned redzone behind on a stack the next thread reuses. */
void fiber_entry()
{
    Launch &L = t_launch;
#ifdef OB_EMU_ASAN
    __sanitizer_finish_switch_fiber(nullptr, &L.sched_bottom, &L.sched_size);
#endif
    L.body(L.body_ctx);
    Fiber &f = *L.cur;
    f.st = St::Exited;
    L.exited++;
    switch_to_scheduler(L, f, true);
    abort(); /* an exited fiber is never resumed */
}

void run_fiber(Launch &L, Fiber &f)
{
    if (f.st == St::New) {
        if (L.free_stacks.empty()) {
            Stack s = stack_new();
            if (!s.lo) {
                L.failed = true;
                L.diag = where(L) + ": out of memory for fiber stacks";
                return;
            }
            L.free_stacks.push_back(s);
        }
        f.stack = L.free_stacks.back();
        L.free_stacks.pop_back();
        ctx_init(&f.ctx, f.stack, fiber_entry);
#ifdef OB_EMU_ASAN
        f.fake_stack = nullptr;
#endif
    }
    ob_emu_tls.thread_idx = f.tid;
    L.cur = &f;
    f.st = St::Running;
#ifdef OB_EMU_ASAN
    __sanitizer_start_switch_fiber(&L.sched_fake, f.stack.lo, f.stack.size);
#endif
    ctx_switch(&L.sched, &f.ctx);
#ifdef OB_EMU_ASAN
    __sanitizer_finish_switch_fiber(L.sched_fake, nullptr, nullptr);
#endif
    L.cur = nullptr;
    if (f.st == St::Exited) {
        L.free_stacks.push_back(f.stack);
        f.stack = Stack{};
    }
}

void make_ready(Launch &L, Fiber &f, uint64_t result)
{
    f.result = result;
    f.st = St::Ready;
    unsigned slot = L.q_head + L.q_count++;
    L.queue[slot >= L.n ? slot - L.n : slot] = f.linear;
}

/* Called on a fiber, with the reason already in L.diag: the block cannot go on.
 * The fiber is abandoned with the rest and its frames never unwind, so callers
 * build the message in a full expression that ends before this call (no
 * heap-owning local or temporary may be alive here, or it leaks). */
void fail_block(Launch &L)
{
    L.failed = true;
    switch_to_scheduler(L, *L.cur, false);
    abort(); /* a failed block is never resumed */
}

/* ---- deadlock report ---------------------------------------------------------------------- */
std::string describe_deadlock(const Launch &L)
{
    std::string msg = where(L) + ": barrier can never complete:";
    /* block barrier waiters, grouped by call site */
    std::vector<bool> done(L.n, false);
    for (unsigned i = 0; i < L.n; i++) {
        const Fiber &f = L.fibers[i];
        if (done[i] || f.st != St::BlockWait) continue;
        std::vector<unsigned> ids;
        for (unsigned j = i; j < L.n; j++) {
            const Fiber &g = L.fibers[j];
            if (!done[j] && g.st == St::BlockWait && g.line == f.line && strcmp(g.file, f.file) == 0) {
                ids.push_back(j);
                done[j] = true;
            }
        }
        msg += strf(" %s at %s:%d: threads %s waiting;", block_op_name(f.kind), base_name(f.file), f.line,
                    ranges(ids).c_str());
    }
    /* warp collective waiters, grouped by warp, op, mask and site, with the lanes they miss */
    for (unsigned i = 0; i < L.n; i++) {
        const Fiber &f = L.fibers[i];
        if (done[i] || f.st != St::WarpWait) continue;
        const unsigned warp = i / 32, first = warp * 32, last = std::min(L.n, first + 32);
        std::vector<unsigned> lanes, exited, elsewhere;
        for (unsigned j = first; j < last; j++) {
            const Fiber &g = L.fibers[j];
            bool same = g.st == St::WarpWait && g.mask == f.mask && g.kind == f.kind && g.line == f.line &&
                        strcmp(g.file, f.file) == 0;
            if (same && !done[j]) {
                lanes.push_back(j - first);
                done[j] = true;
            } else if (!same && (f.mask >> (j - first) & 1)) {
                (g.st == St::Exited ? exited : elsewhere).push_back(j - first);
            }
        }
        msg += strf(" %s(mask 0x%08x) at %s:%d: warp %u lanes %s waiting", warp_op_name(f.kind), f.mask,
                    base_name(f.file), f.line, warp, ranges(lanes).c_str());
        if (!exited.empty()) msg += strf(" for exited lanes %s", ranges(exited).c_str());
        if (!elsewhere.empty())
            msg += strf("%s lanes %s that wait elsewhere", exited.empty() ? " for" : " and", ranges(elsewhere).c_str());
        msg += ";";
    }
    std::vector<unsigned> gone;
    for (unsigned i = 0; i < L.n; i++)
        if (L.fibers[i].st == St::Exited) gone.push_back(i);
    if (!gone.empty()) msg += strf(" exited: threads %s", ranges(gone).c_str());
    if (L.block.y * L.block.z > 1) msg += " (thread = x + y*blockDim.x + z*blockDim.x*blockDim.y)";
    return msg;
}

/* ---- one block ------------------------------------------------------------------------------ */
void abandon_fibers(Launch &L)
{
    for (unsigned i = 0; i < L.n; i++) {
        Fiber &f = L.fibers[i];
        if (!f.stack.lo) continue;
#ifdef OB_EMU_ASAN
        /* its frames never returned: clear their redzones before the stack is reused */
        __asan_unpoison_memory_region(f.stack.lo, f.stack.size);
#endif
        L.free_stacks.push_back(f.stack);
        f.stack = Stack{};
    }
}

void poison_smem(Launch &L)
{
    uint32_t *w = (uint32_t *)L.smem_buf;
    for (size_t i = 0; i < L.smem / 4; i++) w[i] = kSmemPoison;
    memset(L.smem_buf + L.smem / 4 * 4, 0xff, L.smem % 4);
}

bool canary_intact(const Launch &L, size_t *first_bad)
{
#ifdef OB_EMU_ASAN
    return true; /* the guard bytes are poisoned: ASan has already reported any access */
#endif
    for (size_t i = 0; i < kCanary; i++)
        if ((unsigned char)L.smem_buf[L.smem + i] != kCanaryByte) {
            *first_bad = i;
            return false;
        }
    return true;
}

bool run_block(Launch &L)
{
    const dim3 b = L.block;
    uint3 t{0, 0, 0};
    for (unsigned i = 0; i < L.n; i++) {
        Fiber &f = L.fibers[i];
        f.tid = t;
        f.linear = i;
        f.st = St::New;
        f.stack = Stack{};
        if (++t.x == b.x) {
            t.x = 0;
            if (++t.y == b.y) t.y = 0, t.z++;
        }
    }
    std::fill(L.warp_waiting.begin(), L.warp_waiting.end(), 0u);
    L.q_head = L.q_count = 0;
    L.next_new = L.exited = L.arrived = 0;
    L.sites_differ = false;
    poison_smem(L);

    while (!L.failed) {
        Fiber *f;
        if (L.q_count) {
            f = &L.fibers[L.queue[L.q_head]];
            L.q_head = L.q_head + 1 == L.n ? 0 : L.q_head + 1;
            L.q_count--;
        } else if (L.next_new < L.n) {
            f = &L.fibers[L.next_new++];
        } else {
            break;
        }
        run_fiber(L, *f);
    }
    if (!L.failed && L.exited != L.n) {
        L.failed = true;
        L.diag = describe_deadlock(L);
    }
    if (L.failed) abandon_fibers(L);
    size_t bad;
    if (!L.failed && !canary_intact(L, &bad)) {
        L.failed = true;
        L.diag = where(L) + strf(": wrote past the end of its %zu bytes of dynamic shared memory (at byte %zu)",
                                 L.smem, L.smem + bad);
    }
    return !L.failed;
}

/* ---- block order ------------------------------------------------------------------------------ */
std::atomic<uint64_t> g_block_seed{0};
std::once_flag g_seed_once;
std::atomic<bool> g_seed_set{false};

uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t block_seed()
{
    std::call_once(g_seed_once, [] {
        const char *env = getenv("OB_EMU_BLOCK_SEED");
        if (env && *env && !g_seed_set.load()) g_block_seed.store(strtoull(env, nullptr, 0));
    });
    return g_block_seed.load();
}

/* A seeded bijection of [0, n) without a table (grids can have 2^47 blocks): a
 * 4-round Feistel network on the next even power of two, cycle-walking back into
 * range (at most 4 steps expected, since that power is < 4n). */
uint64_t permute(uint64_t i, uint64_t n, uint64_t seed)
{
    int bits = 2;
    while (bits < 64 && (1ull << bits) < n) bits += 2;
    const int half = bits / 2;
    const uint64_t hmask = (1ull << half) - 1;
    do {
        uint64_t l = i >> half, r = i & hmask;
        for (int round = 0; round < 4; round++) {
            uint64_t t = l ^ (mix64(r ^ seed ^ ((uint64_t)round << 56)) & hmask);
            l = r;
            r = t;
        }
        i = (l << half) | r;
    } while (i >= n);
    return i;
}

/* ---- per-kernel attributes ---------------------------------------------------------------------- */
std::mutex g_attr_mu;
std::unordered_map<const void *, int> g_max_dyn_smem;

size_t dyn_smem_limit(const void *fn)
{
    std::lock_guard<std::mutex> lock(g_attr_mu);
    auto it = g_max_dyn_smem.find(fn);
    return it == g_max_dyn_smem.end() ? kSmemDefault : std::max(kSmemDefault, (size_t)it->second);
}

bool check_config(const char *name, const void *fn, dim3 grid, dim3 block, size_t smem)
{
    const unsigned long long threads = (unsigned long long)block.x * block.y * block.z;
    std::string why;
    if (!grid.x || !grid.y || !grid.z || !block.x || !block.y || !block.z)
        why = "a grid or block dimension is zero";
    else if (threads > 1024)
        why = strf("%llu threads per block exceed 1024", threads);
    else if (block.x > 1024 || block.y > 1024 || block.z > 64)
        why = "block dimensions exceed (1024, 1024, 64)";
    else if (grid.x > 0x7fffffffu || grid.y > 65535 || grid.z > 65535)
        why = "grid dimensions exceed (2^31-1, 65535, 65535)";
    if (!why.empty()) {
        fail_launch(cudaErrorInvalidConfiguration,
                    strf("cuda-emu: launch of %s with grid (%u,%u,%u) block (%u,%u,%u) refused: %s", name, grid.x,
                         grid.y, grid.z, block.x, block.y, block.z, why.c_str()));
        return false;
    }
    const size_t limit = dyn_smem_limit(fn);
    if (smem > limit) {
        fail_launch(cudaErrorInvalidValue,
                    strf("cuda-emu: launch of %s refused: %zu bytes of dynamic shared memory exceed the limit of %zu%s",
                         name, smem, limit,
                         limit == kSmemDefault ? " (opt in to more with cudaFuncSetAttribute("
                                                 "cudaFuncAttributeMaxDynamicSharedMemorySize), up to "
                                                 "cudaDevAttrMaxSharedMemoryPerBlockOptin)"
                                               : ""));
        return false;
    }
    return true;
}

} // namespace

/* ---- launch ----------------------------------------------------------------------------------------- */
void ob_emu_launch_impl(const char *name, const void *fn, dim3 grid, dim3 block, size_t smem, void (*body)(void *),
                        void *ctx)
{
    Launch &L = t_launch;
    t_diag.clear();
    t_diag_code = cudaSuccess;
    if (L.active) {
        fail_launch(cudaErrorNotSupported, strf("cuda-emu: kernel %s launched from inside kernel %s: dynamic "
                                                "parallelism is not emulated", name, L.name));
        return;
    }
    if (!check_config(name, fn, grid, block, smem)) return;

    char *buf = nullptr;
    if (posix_memalign((void **)&buf, 16, smem + kCanary) != 0) {
        fail_launch(cudaErrorMemoryAllocation, strf("cuda-emu: launch of %s: no memory for %zu bytes of dynamic "
                                                    "shared memory", name, smem));
        return;
    }
    memset(buf + smem, kCanaryByte, kCanary);
#ifdef OB_EMU_ASAN
    ASAN_POISON_MEMORY_REGION(buf + smem, kCanary); /* ASan reports the faulting access itself */
#endif

    L.active = true;
    L.name = name;
    L.body = body;
    L.body_ctx = ctx;
    L.grid = grid;
    L.block = block;
    L.n = block.x * block.y * block.z;
    L.smem = smem;
    L.smem_buf = buf;
    L.failed = false;
    L.diag.clear();
    if (L.fibers.size() < L.n) L.fibers.resize(L.n);
    if (L.queue.size() < L.n) L.queue.resize(L.n);
    L.warp_waiting.assign((L.n + 31) / 32, 0u);
    ob_emu_tls.block_dim = uint3{block.x, block.y, block.z};
    ob_emu_tls.grid_dim = uint3{grid.x, grid.y, grid.z};
    ob_emu_tls.dynamic_smem = buf;

    const uint64_t total = (uint64_t)grid.x * grid.y * grid.z, seed = block_seed();
    for (uint64_t i = 0; i < total; i++) {
        const uint64_t b = seed ? permute(i, total, seed) : i;
        ob_emu_tls.block_idx = uint3{(unsigned)(b % grid.x), (unsigned)(b / grid.x % grid.y),
                                     (unsigned)(b / ((uint64_t)grid.x * grid.y))};
        if (!run_block(L)) break;
    }

    L.active = false;
    ob_emu_tls = ob_emu_tls_state{};
#ifdef OB_EMU_ASAN
    ASAN_UNPOISON_MEMORY_REGION(buf + smem, kCanary);
#endif
    free(buf);
    L.smem_buf = nullptr;
    if (L.failed) fail_launch(cudaErrorLaunchFailure, L.diag);
}

/* ---- block barrier ------------------------------------------------------------------------------------ */
namespace {
std::string describe_divergent_sync(const Launch &L)
{
    std::string msg = where(L) + ": threads reached different __syncthreads calls (a barrier in divergent code):";
    std::vector<bool> done(L.n, false);
    for (unsigned i = 0; i < L.n; i++) {
        if (done[i]) continue;
        std::vector<unsigned> ids;
        for (unsigned j = i; j < L.n; j++)
            if (!done[j] && L.fibers[j].line == L.fibers[i].line && !strcmp(L.fibers[j].file, L.fibers[i].file)) {
                ids.push_back(j);
                done[j] = true;
            }
        msg += strf(" at %s:%d threads %s;", base_name(L.fibers[i].file), L.fibers[i].line, ranges(ids).c_str());
    }
    return msg;
}
} // namespace

int ob_emu_block_barrier(int kind, int predicate, const char *file, int line)
{
    Launch &L = t_launch;
    Fiber *f = L.cur;
    if (!f) return predicate; /* host code, not a kernel thread: nothing to wait for */
    f->kind = kind;
    f->value = predicate != 0;
    f->file = file;
    f->line = line;
    f->st = St::BlockWait;
    if (L.arrived == 0) {
        L.bar_file = file;
        L.bar_line = line;
    } else if (line != L.bar_line || (file != L.bar_file && strcmp(file, L.bar_file) != 0)) {
        L.sites_differ = true;
    }
    if (++L.arrived < L.n) {
        switch_to_scheduler(L, *f, false);
        return (int)f->result;
    }

    /* last to arrive: every thread of the block is here (none exited, or this
     * could not be reached) */
    if (L.sites_differ) {
        L.diag = describe_divergent_sync(L);
        fail_block(L);
    }
    uint64_t count = 0;
    for (unsigned i = 0; i < L.n; i++) count += L.fibers[i].value;
    uint64_t r = kind == OB_EMU_SYNC_COUNT ? count : kind == OB_EMU_SYNC_AND ? count == L.n : count != 0;
    L.arrived = 0;
    L.sites_differ = false;
    for (unsigned i = 0; i < L.n; i++)
        if (&L.fibers[i] != f) make_ready(L, L.fibers[i], r);
    f->st = St::Running;
    return (int)r;
}

/* ---- warp collectives ------------------------------------------------------------------------------------ */
namespace {

unsigned present_lanes(const Launch &L, unsigned warp)
{
    unsigned n = std::min(32u, L.n - warp * 32);
    return n == 32 ? 0xffffffffu : (1u << n) - 1;
}

/* The lane whose value `lane` reads (PTX shfl semantics: up never reads below its
 * segment, idx/down/xor never above it; out of range reads its own value). */
unsigned shfl_source(int kind, unsigned lane, int arg, int width)
{
    const unsigned base = lane & ~(unsigned)(width - 1), top = base + (unsigned)width - 1;
    long src;
    switch (kind) {
    case OB_EMU_SHFL_IDX: return base + ((unsigned)arg & (unsigned)(width - 1));
    case OB_EMU_SHFL_UP: src = (long)lane - arg; return src >= (long)base ? (unsigned)src : lane;
    case OB_EMU_SHFL_DOWN: src = (long)lane + arg; return src <= (long)top ? (unsigned)src : lane;
    default: src = lane ^ ((unsigned)arg & 31); return src <= (long)top ? (unsigned)src : lane;
    }
}

uint64_t warp_result(const Launch &L, unsigned first, unsigned members, const Fiber &f)
{
    const unsigned lane = f.linear - first;
    uint64_t r = 0;
    int all = 1, any = 0;
    int64_t smin = INT64_MAX, smax = INT64_MIN;
    uint64_t umin = UINT64_MAX, umax = 0, sum = 0, band = ~0ull, bor = 0, bxor = 0;
    switch (f.kind) {
    case OB_EMU_SYNCWARP: return 0;
    case OB_EMU_SHFL_IDX:
    case OB_EMU_SHFL_UP:
    case OB_EMU_SHFL_DOWN:
    case OB_EMU_SHFL_XOR: {
        unsigned src = shfl_source(f.kind, lane, f.arg, f.width);
        /* a lane outside the mask or past the block has no defined value: own value */
        return (members >> src & 1) ? L.fibers[first + src].value : f.value;
    }
    default: break;
    }
    for (unsigned l = 0; l < 32; l++) {
        if (!(members >> l & 1)) continue;
        const uint64_t v = L.fibers[first + l].value;
        const int64_t sv = (int32_t)(uint32_t)v;
        switch (f.kind) {
        case OB_EMU_BALLOT: r |= (uint64_t)(v != 0) << l; break;
        case OB_EMU_MATCH_ANY: r |= (uint64_t)(v == f.value) << l; break;
        case OB_EMU_MATCH_ALL: all &= v == f.value; break;
        default: break;
        }
        all &= v != 0 || f.kind == OB_EMU_MATCH_ALL;
        any |= v != 0;
        smin = std::min(smin, sv), smax = std::max(smax, sv);
        umin = std::min(umin, v), umax = std::max(umax, v);
        sum += v, band &= v, bor |= v, bxor ^= v;
    }
    switch (f.kind) {
    case OB_EMU_BALLOT:
    case OB_EMU_MATCH_ANY: return r;
    case OB_EMU_MATCH_ALL: return all ? members : 0;
    case OB_EMU_ALL: return all;
    case OB_EMU_ANY: return any;
    case OB_EMU_REDUCE_ADD: return (uint32_t)sum;
    case OB_EMU_REDUCE_MIN_S: return (uint32_t)(int32_t)smin;
    case OB_EMU_REDUCE_MAX_S: return (uint32_t)(int32_t)smax;
    case OB_EMU_REDUCE_MIN_U: return umin;
    case OB_EMU_REDUCE_MAX_U: return umax;
    case OB_EMU_REDUCE_AND: return band;
    case OB_EMU_REDUCE_OR: return bor;
    case OB_EMU_REDUCE_XOR: return bxor;
    default: return 0;
    }
}

} // namespace

uint64_t ob_emu_warp_collective(int kind, unsigned mask, uint64_t value, int value_bytes, int arg, int width,
                                const char *file, int line)
{
    (void)value_bytes;
    Launch &L = t_launch;
    Fiber *f = L.cur;
    if (!f) return kind == OB_EMU_BALLOT ? (value != 0) : value; /* host code: a warp of one */
    const unsigned warp = f->linear / 32, first = warp * 32, lane = f->linear - first;
    if (width < 1 || width > 32 || (width & (width - 1))) {
        L.diag = where(L) + strf(": thread %u calls %s at %s:%d with width %d (must be a power of two <= 32)",
                                 f->linear, warp_op_name(kind), base_name(file), line, width);
        fail_block(L);
    }
    if (!(mask >> lane & 1)) {
        L.diag = where(L) + strf(": thread %u (warp %u lane %u) calls %s at %s:%d with mask 0x%08x, which does not "
                                 "name its own lane",
                                 f->linear, warp, lane, warp_op_name(kind), base_name(file), line, mask);
        fail_block(L);
    }
    f->kind = kind;
    f->mask = mask;
    f->value = value;
    f->arg = arg;
    f->width = width;
    f->file = file;
    f->line = line;
    f->st = St::WarpWait;

    /* The lanes in the mask that exist in this block; complete when all of them
     * wait with the same mask. Each lane's result goes to its own slot, so a lane
     * racing ahead to its next collective cannot overwrite what others read. */
    const unsigned members = mask & present_lanes(L, warp);
    unsigned &waiting = L.warp_waiting[warp];
    waiting |= 1u << lane;
    bool complete = (waiting & members) == members; /* the cheap test first: O(1) per arrival */
    for (unsigned l = 0; complete && l < 32; l++)
        if ((members >> l & 1) && L.fibers[first + l].mask != mask) complete = false;
    if (!complete) {
        switch_to_scheduler(L, *f, false);
        return f->result;
    }
    waiting &= ~members;
    for (unsigned l = 0; l < 32; l++) {
        const Fiber &g = L.fibers[first + l];
        if ((members >> l & 1) && (g.kind != kind || (kind <= OB_EMU_SHFL_XOR && g.width != width))) {
            L.diag = where(L) + strf(": warp %u lanes in mask 0x%08x meet at different collectives: lane %u at "
                                     "%s(width %d) %s:%d, lane %u at %s(width %d) %s:%d",
                                     warp, mask, l, warp_op_name(g.kind), g.width, base_name(g.file), g.line, lane,
                                     warp_op_name(kind), width, base_name(file), line);
            fail_block(L);
        }
    }
    uint64_t mine = 0;
    uint64_t results[32] = {0};
    for (unsigned l = 0; l < 32; l++)
        if (members >> l & 1) results[l] = warp_result(L, first, members, L.fibers[first + l]);
    for (unsigned l = 0; l < 32; l++) {
        if (!(members >> l & 1)) continue;
        if (l == lane) mine = results[l];
        else make_ready(L, L.fibers[first + l], results[l]);
    }
    f->st = St::Running;
    return mine;
}

unsigned ob_emu_activemask(void)
{
    Launch &L = t_launch;
    Fiber *f = L.cur;
    if (!f) return 1;
    const unsigned warp = f->linear / 32, first = warp * 32;
    unsigned m = 0;
    for (unsigned l = 0; l < 32 && first + l < L.n; l++)
        if (L.fibers[first + l].st != St::Exited) m |= 1u << l;
    return m;
}

/* ---- control --------------------------------------------------------------------------------------------- */
extern "C" void ob_emu_set_smem_optin(size_t bytes) { g_smem_optin.store(bytes); }

extern "C" void ob_emu_set_block_order(uint64_t seed)
{
    g_seed_set.store(true);
    g_block_seed.store(seed);
}

extern "C" uint64_t ob_emu_block_order(void) { return block_seed(); }

extern "C" const char *ob_emu_last_diagnostic(void) { return t_diag.c_str(); }

/* ---- runtime API ------------------------------------------------------------------------------------------- */
cudaError_t cudaGetLastError(void)
{
    cudaError_t e = t_last_error;
    t_last_error = cudaSuccess;
    return e;
}

cudaError_t cudaPeekAtLastError(void) { return t_last_error; }

const char *cudaGetErrorName(cudaError_t e)
{
    switch (e) {
#define OB_EMU_NAME(x) \
    case x: return #x;
        OB_EMU_NAME(cudaSuccess)
        OB_EMU_NAME(cudaErrorInvalidValue)
        OB_EMU_NAME(cudaErrorMemoryAllocation)
        OB_EMU_NAME(cudaErrorInitializationError)
        OB_EMU_NAME(cudaErrorInvalidConfiguration)
        OB_EMU_NAME(cudaErrorInvalidSymbol)
        OB_EMU_NAME(cudaErrorInvalidDevicePointer)
        OB_EMU_NAME(cudaErrorInvalidMemcpyDirection)
        OB_EMU_NAME(cudaErrorInvalidDeviceFunction)
        OB_EMU_NAME(cudaErrorNoDevice)
        OB_EMU_NAME(cudaErrorInvalidDevice)
        OB_EMU_NAME(cudaErrorInvalidResourceHandle)
        OB_EMU_NAME(cudaErrorNotReady)
        OB_EMU_NAME(cudaErrorIllegalAddress)
        OB_EMU_NAME(cudaErrorLaunchOutOfResources)
        OB_EMU_NAME(cudaErrorLaunchTimeout)
        OB_EMU_NAME(cudaErrorLaunchFailure)
        OB_EMU_NAME(cudaErrorNotSupported)
        OB_EMU_NAME(cudaErrorUnknown)
#undef OB_EMU_NAME
    }
    return "cudaErrorUnknown";
}

namespace {
const char *generic_error_string(cudaError_t e)
{
    switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInitializationError: return "initialization error";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidSymbol: return "invalid device symbol";
    case cudaErrorInvalidDevicePointer: return "invalid device pointer";
    case cudaErrorInvalidMemcpyDirection: return "invalid copy direction for memcpy";
    case cudaErrorInvalidDeviceFunction: return "invalid device function";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
    case cudaErrorInvalidDevice: return "invalid device ordinal";
    case cudaErrorInvalidResourceHandle: return "invalid resource handle";
    case cudaErrorNotReady: return "device not ready";
    case cudaErrorIllegalAddress: return "an illegal memory access was encountered";
    case cudaErrorLaunchOutOfResources: return "too many resources requested for launch";
    case cudaErrorLaunchTimeout: return "the launch timed out and was terminated";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
    case cudaErrorNotSupported: return "operation not supported";
    case cudaErrorUnknown: return "unknown error";
    }
    return "unknown error";
}
} // namespace

/* The generic text, with the shim's reason appended while it describes this code,
 * so OB_CUDA_CHECK_LAUNCH's message says what went wrong. */
const char *cudaGetErrorString(cudaError_t e)
{
    if (e != cudaSuccess && e == t_diag_code && !t_diag.empty()) return t_diag_string.c_str();
    return generic_error_string(e);
}

namespace {

/* Fresh device memory reads as NaN (as floats), so a kernel reading what nobody
 * wrote fails its parity test instead of passing on zeros. */
void fill_poison(void *p, size_t bytes)
{
    uint32_t *w = (uint32_t *)p;
    for (size_t i = 0; i < bytes / 4; i++) w[i] = kSmemPoison;
    memset((char *)p + bytes / 4 * 4, 0xff, bytes % 4);
}

cudaError_t api_result(cudaError_t e)
{
    if (e != cudaSuccess) set_error(e);
    return e;
}

cudaError_t alloc(void **p, size_t bytes, bool poison)
{
    if (!p) return api_result(cudaErrorInvalidValue);
    *p = nullptr;
    if (bytes == 0) return cudaSuccess;
    if (posix_memalign(p, 256, bytes) != 0) { /* cudaMalloc's alignment */
        *p = nullptr;
        return api_result(cudaErrorMemoryAllocation);
    }
    if (poison) fill_poison(*p, bytes);
    ob_alloc_note(); /* a kernel's per-call allocation shows in the tests' count */
    return cudaSuccess;
}

} // namespace

cudaError_t cudaMalloc(void **p, size_t bytes) { return alloc(p, bytes, true); }
cudaError_t cudaMallocHost(void **p, size_t bytes) { return alloc(p, bytes, false); }
cudaError_t cudaMallocManaged(void **p, size_t bytes, unsigned flags) { return alloc(p, bytes, true); }
cudaError_t cudaFree(void *p)
{
    free(p);
    return cudaSuccess;
}
cudaError_t cudaFreeHost(void *p)
{
    free(p);
    return cudaSuccess;
}

cudaError_t cudaMemcpy(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind)
{
    if ((unsigned)kind > cudaMemcpyDefault) return api_result(cudaErrorInvalidMemcpyDirection);
    if (bytes == 0) return cudaSuccess;
    if (!dst || !src) return api_result(cudaErrorInvalidValue);
    memcpy(dst, src, bytes); /* memcpy, not memmove: ASan reports overlapping copies */
    return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind, cudaStream_t)
{
    return cudaMemcpy(dst, src, bytes, kind);
}

cudaError_t cudaMemcpy2D(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height,
                         cudaMemcpyKind kind)
{
    if ((unsigned)kind > cudaMemcpyDefault) return api_result(cudaErrorInvalidMemcpyDirection);
    if (width > dpitch || width > spitch) return api_result(cudaErrorInvalidValue);
    if (width == 0 || height == 0) return cudaSuccess;
    if (!dst || !src) return api_result(cudaErrorInvalidValue);
    for (size_t r = 0; r < height; r++) memcpy((char *)dst + r * dpitch, (const char *)src + r * spitch, width);
    return cudaSuccess;
}

cudaError_t cudaMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height,
                              cudaMemcpyKind kind, cudaStream_t)
{
    return cudaMemcpy2D(dst, dpitch, src, spitch, width, height, kind);
}

cudaError_t cudaMemset(void *p, int value, size_t bytes)
{
    if (bytes == 0) return cudaSuccess;
    if (!p) return api_result(cudaErrorInvalidValue);
    memset(p, value, bytes);
    return cudaSuccess;
}

cudaError_t cudaMemsetAsync(void *p, int value, size_t bytes, cudaStream_t) { return cudaMemset(p, value, bytes); }

cudaError_t cudaMemGetInfo(size_t *free_bytes, size_t *total_bytes)
{
    const size_t pages = (size_t)sysconf(_SC_PHYS_PAGES), avail = (size_t)sysconf(_SC_AVPHYS_PAGES),
                 page = (size_t)sysconf(_SC_PAGESIZE);
    if (free_bytes) *free_bytes = avail * page;
    if (total_bytes) *total_bytes = pages * page;
    return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize(void) { return cudaSuccess; }
cudaError_t cudaDeviceReset(void) { return cudaSuccess; }
cudaError_t cudaGetDevice(int *device)
{
    if (device) *device = 0;
    return cudaSuccess;
}
cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : api_result(cudaErrorInvalidDevice); }
cudaError_t cudaGetDeviceCount(int *count)
{
    if (count) *count = 1;
    return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp *p, int device)
{
    if (!p) return api_result(cudaErrorInvalidValue);
    if (device != 0) return api_result(cudaErrorInvalidDevice);
    *p = cudaDeviceProp{};
    snprintf(p->name, sizeof p->name, "cuda-emu (host fibers)");
    size_t free_b = 0, total_b = 0;
    cudaMemGetInfo(&free_b, &total_b);
    p->totalGlobalMem = total_b;
    p->sharedMemPerBlock = kSmemDefault;
    p->sharedMemPerBlockOptin = g_smem_optin.load();
    p->sharedMemPerMultiprocessor = 228 * 1024;
    p->totalConstMem = 64 * 1024;
    p->regsPerBlock = 65536;
    p->warpSize = 32;
    p->maxThreadsPerBlock = 1024;
    p->maxThreadsDim[0] = 1024, p->maxThreadsDim[1] = 1024, p->maxThreadsDim[2] = 64;
    p->maxGridSize[0] = 0x7fffffff, p->maxGridSize[1] = 65535, p->maxGridSize[2] = 65535;
    p->multiProcessorCount = 108;
    p->maxThreadsPerMultiProcessor = 2048;
    p->major = 8, p->minor = 0;
    p->l2CacheSize = 40 * 1024 * 1024;
    p->memoryBusWidth = 5120;
    p->clockRate = 1410000;
    return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int *value, cudaDeviceAttr attr, int device)
{
    cudaDeviceProp p;
    if (!value) return api_result(cudaErrorInvalidValue);
    cudaError_t e = cudaGetDeviceProperties(&p, device);
    if (e != cudaSuccess) return e;
    switch (attr) {
    case cudaDevAttrMaxThreadsPerBlock: *value = p.maxThreadsPerBlock; break;
    case cudaDevAttrMaxBlockDimX: *value = p.maxThreadsDim[0]; break;
    case cudaDevAttrMaxBlockDimY: *value = p.maxThreadsDim[1]; break;
    case cudaDevAttrMaxBlockDimZ: *value = p.maxThreadsDim[2]; break;
    case cudaDevAttrMaxGridDimX: *value = p.maxGridSize[0]; break;
    case cudaDevAttrMaxGridDimY: *value = p.maxGridSize[1]; break;
    case cudaDevAttrMaxGridDimZ: *value = p.maxGridSize[2]; break;
    case cudaDevAttrMaxSharedMemoryPerBlock: *value = (int)p.sharedMemPerBlock; break;
    case cudaDevAttrWarpSize: *value = p.warpSize; break;
    case cudaDevAttrMultiProcessorCount: *value = p.multiProcessorCount; break;
    case cudaDevAttrComputeCapabilityMajor: *value = p.major; break;
    case cudaDevAttrComputeCapabilityMinor: *value = p.minor; break;
    case cudaDevAttrMaxSharedMemoryPerMultiprocessor: *value = (int)p.sharedMemPerMultiprocessor; break;
    case cudaDevAttrMaxSharedMemoryPerBlockOptin: *value = (int)p.sharedMemPerBlockOptin; break;
    default: return api_result(cudaErrorInvalidValue);
    }
    return cudaSuccess;
}

/* Streams and events: everything already happened when the call returns. */
struct CUstream_st {
    int unused;
};
struct CUevent_st {
    std::chrono::steady_clock::time_point t;
};

cudaError_t cudaStreamCreate(cudaStream_t *s) { return cudaStreamCreateWithFlags(s, cudaStreamDefault); }
cudaError_t cudaStreamCreateWithFlags(cudaStream_t *s, unsigned flags)
{
    if (!s) return api_result(cudaErrorInvalidValue);
    *s = new CUstream_st{0};
    return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t s)
{
    delete s;
    return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
cudaError_t cudaStreamWaitEvent(cudaStream_t, cudaEvent_t, unsigned) { return cudaSuccess; }

cudaError_t cudaEventCreate(cudaEvent_t *e) { return cudaEventCreateWithFlags(e, cudaEventDefault); }
cudaError_t cudaEventCreateWithFlags(cudaEvent_t *e, unsigned flags)
{
    if (!e) return api_result(cudaErrorInvalidValue);
    *e = new CUevent_st{std::chrono::steady_clock::now()};
    return cudaSuccess;
}
cudaError_t cudaEventDestroy(cudaEvent_t e)
{
    delete e;
    return cudaSuccess;
}
cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t)
{
    if (!e) return api_result(cudaErrorInvalidResourceHandle);
    e->t = std::chrono::steady_clock::now();
    return cudaSuccess;
}
cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
cudaError_t cudaEventQuery(cudaEvent_t) { return cudaSuccess; }
cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end)
{
    if (!ms || !start || !end) return api_result(cudaErrorInvalidValue);
    *ms = std::chrono::duration<float, std::milli>(end->t - start->t).count();
    return cudaSuccess;
}

cudaError_t cudaFuncSetAttribute(const void *fn, cudaFuncAttribute attr, int value)
{
    if (!fn) return api_result(cudaErrorInvalidDeviceFunction);
    if (attr == cudaFuncAttributeMaxDynamicSharedMemorySize) {
        if (value < 0 || (size_t)value > g_smem_optin.load()) return api_result(cudaErrorInvalidValue);
        std::lock_guard<std::mutex> lock(g_attr_mu);
        g_max_dyn_smem[fn] = value;
    }
    return cudaSuccess;
}
