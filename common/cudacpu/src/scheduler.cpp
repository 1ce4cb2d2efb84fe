/// @file
/// @brief The cudacpu execution engine: worker pool, fibers (Boost.Context fcontext), block scheduling,
///        `__syncthreads`, warp collectives, shared-memory arenas and the error reports for kernel bugs.
///
/// One OS worker runs one block at a time. Every CUDA thread of the block runs on a fiber; a thread runs until
/// it blocks (barrier, warp collective, failed CAS) or exits, then control passes directly to the next runnable
/// thread of the block ("a pass"). When a pass ends with nobody runnable, the block either releases its barrier,
/// or is stuck: a divergent barrier or a deadlock, reported with every thread's position. A thread that never
/// blocks finishes on the fiber it started on, which then takes the next thread: a kernel without barriers costs
/// about a function call per thread.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/context/detail/fcontext.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "cuda_runtime.h"
#include "internal.h"
#include "race_report.h"

#if defined(__SANITIZE_ADDRESS__)
#define WS_ASAN 1
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#else
#define WS_ASAN 0
#endif

#if defined(WS_CUDACPU_TSAN)
#define WS_TSAN 1
// This file is built without -fsanitize=thread (its own bookkeeping is not the learner's race), but the program
// links libtsan, which provides these.
extern "C" {
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
void* __tsan_get_current_fiber(void);
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);
}
#else
#define WS_TSAN 0
#endif

namespace fctx = boost::context::detail;

#if defined(__x86_64__) && defined(__linux__) && !defined(WS_CUDACPU_BOOST_JUMP)
// A drop-in for Boost's jump_fcontext (same frame layout, so contexts still come from Boost's make_fcontext) with
// two differences that halve the cost of a __syncthreads (26 -> 12 ns per thread on one worker):
//  - it leaves through `ret` instead of `jmp *%r8`. Every fiber suspends in the same call chain, so the CPU's
//    return-stack predictor stays right; Boost's jmp leaves one stale entry, mispredicting every later return;
//  - it does not save/restore the x87 control word and MXCSR (fldcw serialises): all fibers of a worker share the
//    worker's floating-point environment, as CUDA threads do.
// Define WS_CUDACPU_BOOST_JUMP to use Boost's own jump_fcontext.
extern "C" fctx::transfer_t ws_cudacpu_jump_fcontext(fctx::fcontext_t to, void* vp);
asm(R"(
    .text
    .globl ws_cudacpu_jump_fcontext
    .type ws_cudacpu_jump_fcontext,@function
    .align 16
ws_cudacpu_jump_fcontext:
    leaq  -0x38(%rsp), %rsp
    movq  %r12, 0x8(%rsp)
    movq  %r13, 0x10(%rsp)
    movq  %r14, 0x18(%rsp)
    movq  %r15, 0x20(%rsp)
    movq  %rbx, 0x28(%rsp)
    movq  %rbp, 0x30(%rsp)
    movq  %rsp, %rax
    movq  %rdi, %rsp
    movq  0x8(%rsp), %r12
    movq  0x10(%rsp), %r13
    movq  0x18(%rsp), %r14
    movq  0x20(%rsp), %r15
    movq  0x28(%rsp), %rbx
    movq  0x30(%rsp), %rbp
    leaq  0x38(%rsp), %rsp
    movq  %rsi, %rdx
    movq  %rax, %rdi
    ret
    .size ws_cudacpu_jump_fcontext,.-ws_cudacpu_jump_fcontext
    .section .note.GNU-stack,"",%progbits
    .text
)");
#define WS_JUMP_FCONTEXT ws_cudacpu_jump_fcontext
#else
#define WS_JUMP_FCONTEXT fctx::jump_fcontext
#endif

namespace cudacpu::detail {

thread_local constinit thread_ctx* tls_thread = nullptr;
thread_local constinit block_ctx* tls_block = nullptr;
}  // namespace cudacpu::detail

thread_local constinit uint3 threadIdx{};
thread_local constinit uint3 blockIdx{};
thread_local constinit dim3 blockDim{};
thread_local constinit dim3 gridDim{};

namespace cudacpu::detail {

namespace {

constexpr std::size_t k_static_smem_limit = 48 * 1024;
#if WS_ASAN
constexpr std::size_t k_redzone = 32;  // poisoned bytes after each __shared__ variable
constexpr std::size_t k_default_stack_kib = 1024;
#elif WS_TSAN
constexpr std::size_t k_redzone = 0;
constexpr std::size_t k_default_stack_kib = 512;
#else
constexpr std::size_t k_redzone = 0;
constexpr std::size_t k_default_stack_kib = 256;
#endif
// Collectives in flight in one warp: each has at least one lane waiting in it, so 32 never runs out (tiles of 2
// threads can each have one, and a tile or coalesced group may be in its own while others wait in a full-warp one).
constexpr int k_warp_slots = 32;

// TSan synchronisation anchors: host -> kernel and kernel -> host.
[[maybe_unused]] char g_launch_anchor;
[[maybe_unused]] char g_done_anchor;

inline void tsan_acquire([[maybe_unused]] void* a) {
#if WS_TSAN
  __tsan_acquire(a);
#endif
}
inline void tsan_release([[maybe_unused]] void* a) {
#if WS_TSAN
  __tsan_release(a);
#endif
}

/// Fills memory without TSan seeing the runtime's write (it happens on whichever fiber allocated it).
void poison_fill(void* p, std::size_t n) {
#if WS_TSAN
  __tsan_ignore_thread_begin();
#endif
  std::memset(p, 0xFF, n);
#if WS_TSAN
  __tsan_ignore_thread_end();
#endif
}

std::size_t stack_bytes() {
  static const std::size_t n = [] {
    std::size_t kib = k_default_stack_kib;
    if (const char* v = std::getenv("WS_CPU_STACK_KB"); v != nullptr && *v != '\0')
      kib = std::max<std::size_t>(64, std::strtoul(v, nullptr, 0));
    return kib * 1024;
  }();
  return n;
}

double spin_timeout_seconds() {
  static const double s = [] {
    const char* v = std::getenv("WS_CPU_SPIN_TIMEOUT");
    return (v != nullptr && *v != '\0') ? std::strtod(v, nullptr) : 10.0;
  }();
  return s;
}

bool same_place(const ::cudacpu::source_location& a, const ::cudacpu::source_location& b) {
  if (a.line() != b.line() || a.column() != b.column()) return false;
  return a.file_name() == b.file_name() || std::strcmp(a.file_name(), b.file_name()) == 0;
}

const char* op_name(warp_op op) {
  switch (op) {
    case warp_op::sync: return "__syncwarp";
    case warp_op::shfl: return "__shfl_sync";
    case warp_op::ballot: return "__ballot_sync";
    case warp_op::any: return "__any_sync";
    case warp_op::all: return "__all_sync";
    case warp_op::match_any: return "__match_any_sync";
    case warp_op::match_all: return "__match_all_sync";
    case warp_op::reduce_add: return "__reduce_add_sync";
    case warp_op::reduce_min:
    case warp_op::reduce_umin: return "__reduce_min_sync";
    case warp_op::reduce_max:
    case warp_op::reduce_umax: return "__reduce_max_sync";
    case warp_op::reduce_and: return "__reduce_and_sync";
    case warp_op::reduce_or: return "__reduce_or_sync";
    case warp_op::reduce_xor: return "__reduce_xor_sync";
    case warp_op::wmma_load: return "wmma::load_matrix_sync";
    case warp_op::wmma_store: return "wmma::store_matrix_sync";
    case warp_op::wmma_mma: return "wmma::mma_sync";
  }
  return "warp collective";
}

const char* barrier_name(barrier_kind k) {
  switch (k) {
    case barrier_kind::plain: return "__syncthreads()";
    case barrier_kind::count: return "__syncthreads_count()";
    case barrier_kind::all: return "__syncthreads_and()";
    case barrier_kind::any: return "__syncthreads_or()";
    case barrier_kind::grid: return "this_grid().sync()";
  }
  return "__syncthreads()";
}

/// "0-15, 17, 20-31" for a set of lane bits.
std::string lane_list(unsigned bits) {
  std::string s;
  for (int i = 0; i < 32;) {
    if (!((bits >> i) & 1u)) {
      ++i;
      continue;
    }
    int j = i;
    while (j + 1 < 32 && ((bits >> (j + 1)) & 1u)) ++j;
    if (!s.empty()) s += ", ";
    s += (i == j) ? std::to_string(i) : std::to_string(i) + "-" + std::to_string(j);
    i = j + 1;
  }
  return s;
}

enum class tstate : std::uint8_t { unstarted, ready, barrier, warp, exited };

struct fiber;

/// A CUDA thread of the running block. The fields a barrier touches come first (one cache line).
struct alignas(64) thread_rt : thread_ctx {
  tstate state = tstate::unstarted;
  bool spinning = false;  // last stopped in a spin_yield
  barrier_kind bkind = barrier_kind::plain;
  warp_op wop = warp_op::sync;
  fiber* f = nullptr;
  fctx::fcontext_t ctx = nullptr;  // where it is suspended (kept here, not in *f: one cache line per switch)
  std::uint32_t wait_gen = 0;      // barrier_gen when it reached its barrier (a later one: released)
  ::cudacpu::source_location where;  // of the barrier/collective/spin it last stopped at
  unsigned linear = 0;
  unsigned lane = 0;
  unsigned warp = 0;
  int wslot = -1;
  unsigned wmask = 0;
  std::uint64_t wvalue = 0;
  unsigned wparam = 0;
  std::uint64_t wresult = 0;
};

/// An execution context: a fiber with its own stack, or a worker's own OS stack ("home").
struct fiber {
  fctx::fcontext_t ctx = nullptr;
  char* mapping = nullptr;  // mmap'd region, lowest page is the guard
  std::size_t mapping_size = 0;
  char* stack_lo = nullptr;
  std::size_t stack_size = 0;
  std::size_t colour = 0;  // bytes left unused at the top of the stack, different for each fiber (see stack_top)
  thread_rt* thread = nullptr;
  const void* asan_bottom = nullptr;
  std::size_t asan_size = 0;
  void* tsan = nullptr;
  unsigned quiet = 0;  // open quiet_scopes on this fiber (TSan ignore depth)

  fiber() = default;  // home
  explicit fiber(std::size_t bytes) {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    mapping_size = bytes + page;
    void* m = mmap(nullptr, mapping_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
      std::fprintf(stderr, "cudacpu: fatal: cannot map a %zu-byte fiber stack\n", mapping_size);
      std::abort();
    }
    static std::atomic<unsigned> made{0};
    // Every stack would otherwise start at the same offset in its page, so the top frames of all fibers (what a
    // barrier touches on each switch) would fall into the same few cache sets and evict each other.
    colour = (made.fetch_add(1, std::memory_order_relaxed) * 576u) % 4096u;
    mapping = static_cast<char*>(m);
    mprotect(mapping, page, PROT_NONE);  // overflowing a CUDA thread's stack faults instead of corrupting
    stack_lo = mapping + page;
    stack_size = bytes;
    asan_bottom = stack_lo;
    asan_size = stack_size;
#if WS_TSAN
    tsan = __tsan_create_fiber(0);
#endif
  }
  fiber(const fiber&) = delete;
  fiber& operator=(const fiber&) = delete;
  /// Where the fiber's stack begins (it grows down from here).
  char* stack_top() const { return stack_lo + stack_size - colour; }
  ~fiber() {
#if WS_TSAN
    if (tsan != nullptr && mapping != nullptr) __tsan_destroy_fiber(tsan);
#endif
    if (mapping != nullptr) munmap(mapping, mapping_size);
  }
};

thread_local fiber* tls_fiber = nullptr;

/// While alive, TSan ignores the memory accesses of the runtime's own code on the current fiber (malloc, printf,
/// bookkeeping): they are not races in the learner's program. Synchronisation annotations still count.
struct quiet_scope {
#if WS_TSAN
  fiber* f;
  quiet_scope() : f(tls_fiber) {
    __tsan_ignore_thread_begin();
    if (f != nullptr) ++f->quiet;
  }
  ~quiet_scope() {
    __tsan_ignore_thread_end();
    if (f != nullptr) --f->quiet;
  }
#else
  quiet_scope() {}
#endif
  quiet_scope(const quiet_scope&) = delete;
  quiet_scope& operator=(const quiet_scope&) = delete;
};

void fiber_entry(fctx::transfer_t t);

#if WS_ASAN
/// Shared-memory arenas of all workers, so an AddressSanitizer report can say "this is __shared__ memory".
struct arena_range {
  std::atomic<const char*> begin{nullptr};
  std::atomic<std::size_t> size{0};
};
arena_range g_arenas[512];
std::atomic<unsigned> g_arena_count{0};

void register_arena(const char* p, std::size_t n) {
  const unsigned i = g_arena_count.fetch_add(1);
  if (i < 512) {
    g_arenas[i].size.store(n);
    g_arenas[i].begin.store(p);
  }
}
#endif

/// What a fiber leaves for the one it switches to: where to save its context, and itself (for ASan).
struct handoff {
  fctx::fcontext_t* save;
  fiber* from;
};

/// On the fiber that has just been switched to: saves the context of the one that switched.
inline void arrived(fctx::transfer_t t, [[maybe_unused]] void* asan_fake) {
  auto* h = static_cast<handoff*>(t.data);
  *h->save = t.fctx;
#if WS_ASAN
  __sanitizer_finish_switch_fiber(asan_fake, &h->from->asan_bottom, &h->from->asan_size);
#endif
}

/// Switches from `from` (whose context is saved at `save`) to `to`, resuming `to_ctx`; `to_thread` is the CUDA
/// thread it runs (null: home, or a fiber about to start a thread loop). `from_done`: `from` will not be resumed
/// (tells ASan to drop its fake stack).
inline void switch_to(fiber* from, fctx::fcontext_t* save, fiber* to, fctx::fcontext_t to_ctx, thread_rt* to_thread,
                      [[maybe_unused]] bool from_done) {
  tls_fiber = to;
  tls_thread = to_thread;
  if (to_thread != nullptr) ::threadIdx = to_thread->thread_idx;
  void* fake = nullptr;
#if WS_ASAN
  __sanitizer_start_switch_fiber(from_done ? nullptr : &fake, to->asan_bottom, to->asan_size);
#endif
#if WS_TSAN
  if (from_done) {
    for (; from->quiet > 0; --from->quiet) __tsan_ignore_thread_end();  // its scopes never close
  }
  __tsan_switch_to_fiber(to->tsan, 1 /* no_sync: switching is not synchronisation */);
#endif
  handoff h{save, from};
  arrived(WS_JUMP_FCONTEXT(to_ctx, &h), fake);
}

/// One collective in flight in a warp.
struct warp_slot {
  bool active = false;
  warp_op op = warp_op::sync;
  unsigned mask = 0;
  unsigned arrived = 0;
  unsigned parity = 0;
  ::cudacpu::source_location where;
  char anchor[2] = {};
};

struct warp_rt {
  unsigned exists = 0;
  unsigned exited = 0;
  unsigned busy = 0;  // active slots (most threads exit with none: no need to look at the slots)
  warp_slot slots[k_warp_slots];
};

/// The grid-wide barrier of a cooperative launch (one OS thread per block): blocks that finished count as arrived.
struct grid_barrier {
  std::mutex m;
  std::condition_variable cv;
  std::uint64_t live_blocks = 0;
  std::uint64_t arrived = 0;
  std::uint64_t generation = 0;
  char anchor[2] = {};  // TSan: what every thread did before a grid sync happens before what any does after it

  /// The calling block has arrived; returns once every live block has.
  void arrive_and_wait() {
    std::unique_lock<std::mutex> lock(m);
    const std::uint64_t gen = generation;
    if (++arrived >= live_blocks) {
      release();
      return;
    }
    cv.wait(lock, [&] { return generation != gen; });
  }
  /// The calling block has finished (or was abandoned): it no longer holds the others back.
  void leave() {
    std::lock_guard<std::mutex> lock(m);
    --live_blocks;
    if (arrived > 0 && arrived >= live_blocks) release();
  }

 private:
  void release() {
    arrived = 0;
    ++generation;
    cv.notify_all();
  }
};

struct launch_rt {
  const launch_config* cfg = nullptr;
  thunk_fn thunk = nullptr;
  void* payload = nullptr;
  std::uint64_t blocks = 0;
  std::uint64_t perm_a = 1;      // the order of the groups: perm_a * g + perm_c (mod groups)
  std::uint64_t perm_c = 0;
  std::uint64_t group = 1;       // consecutive blocks that run in index order (memory streams within a group)
  std::uint64_t groups = 0;      // whole groups; the blocks after them run last, in order (0: no shuffle)
  unsigned threads_per_block = 0;
  std::size_t dyn_smem = 0;
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> aborted{false};
  bool cooperative = false;
  grid_barrier grid;

  std::uint64_t block_at(std::uint64_t i) const {
    __extension__ using u128 = unsigned __int128;
    if (i >= groups * group) return i;
    const std::uint64_t g = static_cast<std::uint64_t>((static_cast<u128>(perm_a) * (i / group) + perm_c) % groups);
    return g * group + i % group;
  }
};

struct shared_decl {
  const void* key;
  std::size_t offset;
};

struct worker;

/// The block a worker is running.
struct block_rt : block_ctx {
  worker* w = nullptr;
  launch_rt* L = nullptr;
  std::vector<thread_rt> threads;
  std::vector<warp_rt> warps;
  dim3 shaped_for{0u, 0u, 0u};
  unsigned n = 0;
  unsigned live = 0;
  unsigned n_barrier = 0;
  unsigned n_warp = 0;
  int cursor = 0;
  bool reuse_fibers = true;
  bool dirty = true;       // thread states were written since setup (else they are all still `unstarted`)
  unsigned run_start = 0;  // first thread of the open clean run (block_ctx::loop_clean)

  // barrier
  ::cudacpu::source_location barrier_where;
  barrier_kind barrier_kind_ = barrier_kind::plain;
  bool barrier_mismatch = false;
  unsigned barrier_true = 0;
  int barrier_result = 0;
  std::uint64_t barrier_gen = 0;
  char barrier_anchor[2] = {};
  std::uint64_t grid_wait_gen = ~0ull;  // barrier_gen of the last grid sync this block waited for
  std::uint64_t grid_syncs = 0;         // grid syncs this block has passed (TSan anchor parity)

  // livelock detection
  std::uint64_t progress_epoch = 0;
  std::uint64_t spin_epoch = ~0ull;
  std::uint64_t spin_count = 0;
  std::chrono::steady_clock::time_point spin_start;

  // shared memory
  std::vector<shared_decl> decls;
  std::size_t arena_used = 0;    // bytes of the arena used, redzones included
  std::size_t static_bytes = 0;  // bytes of __shared__ variables (what CUDA counts)

  void setup(launch_rt& launch, std::uint64_t linear_block);
  void next(fiber* self, bool self_free);
  bool end_of_pass();
  [[noreturn]] void go_home(fiber* self);
  void release_abandoned();
  [[noreturn]] void abandon(cudaError_t code, bool sticky);
  void open_run(unsigned first);
  thread_rt* take_over();
  void account_exited(unsigned first, unsigned end);
  void finish_thread(thread_rt& t);
  void context_note() const;
  void positions_note() const;
  std::string describe(const thread_rt& t) const;
  fiber* take_fresh();
  /// Where the running fiber's context goes when it switches away: its thread's (it will resume), or its own.
  fctx::fcontext_t* save_slot(fiber* self, bool self_free) {
    return self_free ? &self->ctx : &static_cast<thread_rt*>(tls_thread)->ctx;
  }
};

struct worker {
  fiber home;
  std::vector<std::unique_ptr<fiber>> pool;
  std::size_t fresh = 0;
  block_rt block;
  char* arena = nullptr;
  std::size_t arena_cap = 0;
  char* dyn = nullptr;
  std::size_t dyn_cap = 0;
  // TSan: consecutive blocks of this worker reuse the arena and fibers, so block k must happen before block k+1;
  // but threads of one block must not be ordered by it. Threads release `exit_anchor` when they exit; home
  // acquires it between blocks and releases `start_anchor`, which the next block's threads acquire.
  [[maybe_unused]] char exit_anchor = 0;
  [[maybe_unused]] char start_anchor = 0;
  bool initialised = false;

  worker() { block.w = this; }
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;
  ~worker() {
    std::free(arena);
    std::free(dyn);
  }

  void init_on_this_thread() {
    if (initialised) return;
    initialised = true;
#if WS_TSAN
    home.tsan = __tsan_get_current_fiber();
#endif
    arena_cap = k_static_smem_limit + (WS_ASAN ? 64 * 1024 : 0);
    arena = static_cast<char*>(std::aligned_alloc(4096, arena_cap));
#if WS_ASAN
    register_arena(arena, arena_cap);
#endif
  }

  void ensure_dynamic(std::size_t bytes) {
    const std::size_t need = bytes + k_redzone + 16;
    if (need <= dyn_cap) return;
    std::free(dyn);
    dyn_cap = (need + 4095) / 4096 * 4096;
    dyn = static_cast<char*>(std::aligned_alloc(4096, dyn_cap));
#if WS_ASAN
    register_arena(dyn, dyn_cap);
#endif
  }

#if WS_TSAN
  /// Creates (from home) every fiber the block will use: a TSan fiber created by another fiber would inherit its
  /// history (as a thread inherits its parent's), which would order the block's threads and hide races.
  void prepare_fibers(unsigned count) {
    while (pool.size() < count) pool.push_back(std::make_unique<fiber>(stack_bytes()));
    for (auto& f : pool) {
      if (f->quiet > 0) {  // abandoned inside the runtime after an error: close its ignore scopes as that fiber
        __tsan_switch_to_fiber(f->tsan, 1);
        for (; f->quiet > 0; --f->quiet) __tsan_ignore_thread_end();
        __tsan_switch_to_fiber(home.tsan, 1);
      }
    }
  }
#endif

  /// Runs blocks of `L` until none is left; `only` >= 0: runs just that one (a cooperative launch's thread).
  void run(launch_rt& L, std::int64_t only = -1) {
    init_on_this_thread();
    tls_block = &block;
    while (!L.aborted.load(std::memory_order_relaxed)) {
      const std::uint64_t i = only >= 0 ? static_cast<std::uint64_t>(only) : L.next.fetch_add(1, std::memory_order_relaxed);
      if (i >= L.blocks) break;
      block.setup(L, L.block_at(i));
      tsan_acquire(&exit_anchor);
      tsan_release(&start_anchor);
#if WS_TSAN
      prepare_fibers(L.threads_per_block);
#endif
      fresh = 0;
      fiber* f = block.take_fresh();
      block.open_run(0);
      f->thread = nullptr;
      f->ctx = fctx::make_fcontext(f->stack_top(), f->stack_size - f->colour, &fiber_entry);
      tls_thread = nullptr;
      switch_to(&home, &home.ctx, f, f->ctx, nullptr, false);
      if (only >= 0) break;
    }
    if (L.cooperative) L.grid.leave();
    tsan_acquire(&exit_anchor);
    tls_block = nullptr;
    tls_thread = nullptr;
    tls_fiber = nullptr;
  }
};

thread_local worker* tls_worker = nullptr;

inline block_rt& current_block() { return tls_worker->block; }
inline thread_rt* current_thread() { return static_cast<thread_rt*>(tls_thread); }

fiber* block_rt::take_fresh() {
  if (w->fresh == w->pool.size()) w->pool.push_back(std::make_unique<fiber>(stack_bytes()));
  fiber* f = w->pool[w->fresh++].get();
#if WS_ASAN
  // A block abandoned after an error leaves its frames' redzones poisoned on this stack.
  ASAN_UNPOISON_MEMORY_REGION(f->stack_lo, f->stack_size);
#endif
  return f;
}

void block_rt::setup(launch_rt& launch, std::uint64_t linear_block) {
  L = &launch;
  const launch_config& cfg = *launch.cfg;
  block_dim = cfg.block;
  grid_dim = cfg.grid;
  const std::uint64_t gx = cfg.grid.x, gy = cfg.grid.y;
  block_idx = uint3{static_cast<unsigned>(linear_block % gx), static_cast<unsigned>((linear_block / gx) % gy),
                    static_cast<unsigned>(linear_block / (gx * gy))};
  ::blockIdx = block_idx;  // every fiber of the block runs on this OS thread
  ::blockDim = block_dim;
  ::gridDim = grid_dim;
  n = launch.threads_per_block;
  if (shaped_for.x != cfg.block.x || shaped_for.y != cfg.block.y || shaped_for.z != cfg.block.z) {
    shaped_for = cfg.block;
    threads.assign(n, thread_rt{});
    for (unsigned i = 0; i < n; ++i) {
      thread_rt& t = threads[i];
      t.thread_idx = uint3{i % cfg.block.x, (i / cfg.block.x) % cfg.block.y, i / (cfg.block.x * cfg.block.y)};
      t.linear = i;
      t.lane = i % 32u;
      t.warp = i / 32u;
    }
    warps.assign((n + 31) / 32, warp_rt{});
    thread_base = threads.data();
    thread_stride = sizeof(thread_rt);
    dirty = true;
  }
  if (dirty) {  // a block whose threads all ran without blocking leaves them as they were
    for (thread_rt& t : threads) {
      t.state = tstate::unstarted;
      t.spinning = false;
      t.f = nullptr;
    }
    dirty = false;
  }
  for (unsigned wi = 0; wi < warps.size(); ++wi) {
    warp_rt& wp = warps[wi];
    const unsigned count = std::min(32u, n - wi * 32u);
    wp.exists = count == 32 ? 0xffffffffu : ((1u << count) - 1u);
    wp.exited = 0;
    if (wp.busy != 0) {
      for (warp_slot& s : wp.slots) s.active = false;
      wp.busy = 0;
    }
  }
  live = n;
  n_barrier = 0;
  n_warp = 0;
  barrier_mismatch = false;
  barrier_true = 0;
  spin_epoch = ~0ull;
  reuse_fibers = !WS_TSAN;  // TSan needs one fiber (one "thread" to it) per CUDA thread
  decls.clear();
  arena_used = 0;
  static_bytes = 0;
#if WS_ASAN
  ASAN_POISON_MEMORY_REGION(w->arena, w->arena_cap);
#endif
  if (launch.dyn_smem > 0 || WS_ASAN) {
    w->ensure_dynamic(launch.dyn_smem);
#if WS_ASAN
    ASAN_POISON_MEMORY_REGION(w->dyn, w->dyn_cap);
    ASAN_UNPOISON_MEMORY_REGION(w->dyn, launch.dyn_smem);
#endif
    // A new block's shared memory holds garbage on a GPU; 0xFF bytes (NaN, -1) make a missing write visible.
    poison_fill(w->dyn, launch.dyn_smem);
  }
}

/// Lets the thread loop start threads from `first` on (all of them unstarted) on the fiber that runs next.
void block_rt::open_run(unsigned first) {
  cursor = static_cast<int>(first);
  run_start = first;
  loop_next = first;
  loop_end = reuse_fibers ? n : first + 1;  // TSan: one fiber per CUDA thread
  loop_clean = true;
  ++progress_epoch;
}

/// At a scheduler entry from a kernel (barrier, collective, spin): if the caller is a thread of the open clean
/// run, records the run's earlier threads as exited and makes the caller an ordinary scheduled thread on its fiber.
thread_rt* block_rt::take_over() {
  thread_rt* t = current_thread();
  if (loop_clean) {
    loop_clean = false;
    dirty = true;
    const unsigned i = loop_next - 1;  // the caller
    cursor = static_cast<int>(i);
    account_exited(run_start, i);
    t->state = tstate::ready;
    t->f = tls_fiber;
    tls_fiber->thread = t;
  }
  return t;
}

/// Threads [first, end) ran to completion in the thread loop: what finish_thread does, for all of them at once.
void block_rt::account_exited(unsigned first, unsigned end) {
  if (first >= end) return;
  live -= end - first;
  ++progress_epoch;
  tsan_release(&w->exit_anchor);  // TSan: a run is one thread, on its own fiber
  tsan_release(&g_done_anchor);
  if (live == 0) return;  // the block is done: nobody looks at its threads again before setup
  dirty = true;
  for (unsigned i = first; i < end; ++i) threads[i].state = tstate::exited;
  for (unsigned wi = first / 32u; wi <= (end - 1) / 32u; ++wi) {
    warp_rt& wp = warps[wi];
    const unsigned lo = std::max(first, wi * 32u) - wi * 32u, hi = std::min(end, wi * 32u + 32u) - wi * 32u;
    const unsigned bits = (hi - lo == 32u ? 0xffffffffu : ((1u << (hi - lo)) - 1u)) << lo;
    wp.exited |= bits;
    if (wp.busy == 0) continue;
    for (const warp_slot& s : wp.slots) {
      if (s.active && (s.mask & bits & ~s.arrived)) {
        const unsigned lane = static_cast<unsigned>(__builtin_ctz(s.mask & bits & ~s.arrived));
        report_error(s.where,
                     "%s: lane %u of warp %u exited, but lanes %s wait for it here (mask 0x%08x names it); every "
                     "lane in the mask must reach the same %s",
                     op_name(s.op), lane, wi, lane_list(s.arrived).c_str(), s.mask, op_name(s.op));
        context_note();
        abandon(cudaErrorLaunchFailure, true);
      }
    }
  }
}

void block_rt::finish_thread(thread_rt& t) {
  t.state = tstate::exited;
  --live;
  ++progress_epoch;
  tsan_release(&w->exit_anchor);
  tsan_release(&g_done_anchor);
  warp_rt& wp = warps[t.warp];
  const unsigned bit = 1u << t.lane;
  wp.exited |= bit;
  if (wp.busy == 0) return;
  for (const warp_slot& s : wp.slots) {
    if (s.active && (s.mask & bit) && !(s.arrived & bit)) {
      report_error(s.where,
                   "%s: lane %u of warp %u exited, but lanes %s wait for it here (mask 0x%08x names it); every lane "
                   "in the mask must reach the same %s",
                   op_name(s.op), t.lane, t.warp, lane_list(s.arrived).c_str(), s.mask, op_name(s.op));
      context_note();
      abandon(cudaErrorLaunchFailure, true);
    }
  }
}

void block_rt::context_note() const {
  const launch_config& c = *L->cfg;
  report_note("in block (%u,%u,%u) of the kernel launched at %s:%u with grid (%u,%u,%u) and block (%u,%u,%u)",
              block_idx.x, block_idx.y, block_idx.z, c.where.file_name(), static_cast<unsigned>(c.where.line()),
              c.grid.x, c.grid.y, c.grid.z, c.block.x, c.block.y, c.block.z);
}

std::string block_rt::describe(const thread_rt& t) const {
  char buf[512];
  switch (t.state) {
    case tstate::exited: return "exited";
    case tstate::unstarted: return "not started";
    case tstate::barrier:
      if (t.wait_gen != std::uint32_t(barrier_gen)) return "runnable";
      std::snprintf(buf, sizeof buf, "wait at %s at %s:%u", barrier_name(t.bkind), t.where.file_name(),
                    static_cast<unsigned>(t.where.line()));
      return buf;
    case tstate::warp:
      std::snprintf(buf, sizeof buf, "wait in %s (mask 0x%08x) at %s:%u", op_name(t.wop), t.wmask,
                    t.where.file_name(), static_cast<unsigned>(t.where.line()));
      return buf;
    case tstate::ready:
      if (t.spinning) {
        std::snprintf(buf, sizeof buf, "spin (atomicCAS/atomicExch/__nanosleep) at %s:%u", t.where.file_name(),
                      static_cast<unsigned>(t.where.line()));
        return buf;
      }
      return "runnable";
  }
  return "?";
}

void block_rt::positions_note() const {
  std::vector<std::pair<std::string, std::vector<unsigned>>> groups;
  std::map<std::string, std::size_t> index;
  for (const thread_rt& t : threads) {
    const std::string d = describe(t);
    auto [it, added] = index.try_emplace(d, groups.size());
    if (added) groups.push_back({d, {}});
    groups[it->second].second.push_back(t.linear);
  }
  report_note("where the threads of this block are (linear index = threadIdx.x + threadIdx.y*blockDim.x + ...):");
  for (const auto& [what, ids] : groups) {
    std::string list;
    for (std::size_t i = 0; i < ids.size();) {
      std::size_t j = i;
      while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
      if (!list.empty()) list += ", ";
      list += (i == j) ? std::to_string(ids[i]) : std::to_string(ids[i]) + "-" + std::to_string(ids[j]);
      i = j + 1;
      if (list.size() > 200) {
        list += ", ...";
        break;
      }
    }
    report_note("  thread%s %s: %s", ids.size() == 1 ? "" : "s", list.c_str(), what.c_str());
  }
}

void block_rt::go_home(fiber* self) {
  switch_to(self, &self->ctx, &w->home, w->home.ctx, nullptr, true);
  __builtin_unreachable();
}

/// TSan: the threads of an abandoned block never exit, so they never publish what they did; without this the
/// host's later reuse of memory they touched (the launch's arguments on its stack) would be reported as a race.
void block_rt::release_abandoned() {
#if WS_TSAN
  fiber* cur = tls_fiber;
  for (thread_rt& t : threads) {
    if (t.state == tstate::exited || t.state == tstate::unstarted || t.f == nullptr || t.f == cur) continue;
    __tsan_switch_to_fiber(t.f->tsan, 1);  // only TSan's notion of the current thread moves, not the stack
    __tsan_release(&g_done_anchor);
    __tsan_release(&w->exit_anchor);
  }
  __tsan_switch_to_fiber(cur->tsan, 1);
  __tsan_release(&g_done_anchor);
  __tsan_release(&w->exit_anchor);
#endif
}

void block_rt::abandon(cudaError_t code, bool sticky) {
  dirty = true;
  loop_clean = false;
  release_abandoned();
  if (sticky) {
    set_sticky_error(code);
  } else {
    set_last_error(code);
  }
  L->aborted.store(true);
  go_home(tls_fiber);
}

__attribute__((always_inline)) inline void block_rt::next(fiber* self, bool self_free) {
  for (;;) {
    while (++cursor < static_cast<int>(n)) {
      const unsigned c = static_cast<unsigned>(cursor);
      if (c == loop_next) {  // the first thread not started yet (all after it are unstarted too)
        open_run(c);
        if (self_free && reuse_fibers) return;  // the caller's thread loop runs them on this fiber
        fiber* f = take_fresh();
        f->thread = nullptr;
        f->ctx = fctx::make_fcontext(f->stack_top(), f->stack_size - f->colour, &fiber_entry);
        switch_to(self, save_slot(self, self_free), f, f->ctx, nullptr, self_free);
        return;
      }
      thread_rt& t = threads[c];
      if (t.state == tstate::ready || (t.state == tstate::barrier && t.wait_gen != std::uint32_t(barrier_gen))) {
        if (t.f == self) {
          tls_thread = &t;
          ::threadIdx = t.thread_idx;
          return;
        }
        // The thread after it is usually the next to run: fetch its state and saved registers ahead (a barrier
        // releases the whole block, and each switch would otherwise wait for both).
        if (c + 1 < n) {
          const char* next_stack = static_cast<const char*>(threads[c + 1].ctx);
          __builtin_prefetch(next_stack);
          __builtin_prefetch(next_stack + 64);
        }
        if (c + 2 < n) __builtin_prefetch(&threads[c + 2]);
        switch_to(self, save_slot(self, self_free), t.f, t.ctx, &t, self_free);
        return;
      }
    }
    if (!end_of_pass()) go_home(self);
    cursor = -1;
  }
}

bool block_rt::end_of_pass() {
  if (live == 0) return false;
  if (live > n_barrier + n_warp) return true;  // someone yielded: another pass
  if (n_warp > 0) {
    const thread_rt* first = nullptr;
    for (const thread_rt& t : threads)
      if (t.state == tstate::warp) {
        first = &t;
        break;
      }
    report_error(first->where,
                 "deadlock: %s in warp %u waits for lanes that can never arrive (they wait at a barrier or in "
                 "another collective)",
                 op_name(first->wop), first->warp);
    context_note();
    positions_note();
    set_sticky_error(cudaErrorLaunchFailure);
    L->aborted.store(true);
    release_abandoned();
    return false;
  }
  if (barrier_mismatch) {
    report_error(barrier_where,
                 "divergent __syncthreads(): the threads of block (%u,%u,%u) wait at different barriers, so none of "
                 "them can complete (a barrier inside a branch or loop that not every thread takes?)",
                 block_idx.x, block_idx.y, block_idx.z);
    context_note();
    positions_note();
    set_sticky_error(cudaErrorLaunchFailure);
    L->aborted.store(true);
    release_abandoned();
    return false;
  }
  // Everyone alive is at the same barrier: release it. Exited threads count as arrived, as on Volta and later.
  switch (barrier_kind_) {
    case barrier_kind::plain: barrier_result = 0; break;
    case barrier_kind::count: barrier_result = static_cast<int>(barrier_true); break;
    case barrier_kind::all: barrier_result = barrier_true == n_barrier; break;
    case barrier_kind::any: barrier_result = barrier_true > 0; break;
    case barrier_kind::grid: barrier_result = 0; break;
  }
  // The waiting threads stay `barrier`: one whose wait_gen is older than barrier_gen is released (no pass over
  // all threads here; next() and describe() read it so).
  n_barrier = 0;
  barrier_true = 0;
  ++barrier_gen;
  return true;
}

void fiber_entry(fctx::transfer_t t) {
  arrived(t, nullptr);
  block_rt& b = current_block();
  tsan_acquire(&g_launch_anchor);
  tsan_acquire(&b.w->start_anchor);
#if WS_TSAN
  // race checker (src/race_report.cpp): reports name CUDA threads. Under TSan a fiber runs one CUDA thread.
  name_race_fiber(b.block_idx, b.threads[b.loop_next].thread_idx);
#endif
  b.L->thunk(b.L->payload);  // the launch's thread loop: never returns
  __builtin_unreachable();
}

}  // namespace

void begin_thread(unsigned linear) {
  block_rt& b = current_block();
  b.loop_next = linear + 1;
  tls_thread = &b.threads[linear];
  ::threadIdx = b.threads[linear].thread_idx;
}

void loop_yield() {
  quiet_scope q;
  block_rt& b = current_block();
  fiber* self = tls_fiber;
  if (b.loop_clean) {
    b.loop_clean = false;
    b.cursor = static_cast<int>(b.loop_next) - 1;
    b.account_exited(b.run_start, b.loop_next);
  } else if (self->thread != nullptr) {  // the thread the scheduler took over has returned
    thread_rt& th = *self->thread;
    self->thread = nullptr;
    b.finish_thread(th);
  }
  b.next(self, true);
}

namespace {

// ---- worker pool ----
class pool {
 public:
  static pool& get() {
    static pool* p = new pool;  // never destroyed: workers may still sleep on its condition variable at exit
    return *p;
  }

  void run(launch_rt& L) {
    std::lock_guard<std::mutex> serial(launch_mutex_);  // one grid at a time, as on the default stream
    static thread_local std::unique_ptr<worker> mine;
    if (!mine) mine = std::make_unique<worker>();
    tls_worker = mine.get();
    const unsigned helpers =
        static_cast<unsigned>(std::min<std::uint64_t>(worker_count() - 1, L.blocks > 0 ? L.blocks - 1 : 0));
    if (helpers == 0) {
      mine->run(L);
      return;
    }
    start_threads(worker_count() - 1);
    {
      std::lock_guard<std::mutex> lock(m_);
      job_ = &L;
      job_helpers_ = helpers;
      pending_ = helpers;
      ++generation_;
    }
    cv_.notify_all();
    mine->run(L);
    std::unique_lock<std::mutex> lock(m_);
    done_cv_.wait(lock, [&] { return pending_ == 0; });
    job_ = nullptr;
  }

  /// A cooperative launch: one OS thread per block, so every block is resident and grid syncs can complete.
  void run_cooperative(launch_rt& L) {
    std::lock_guard<std::mutex> serial(launch_mutex_);
    L.grid.live_blocks = L.blocks;
    std::vector<std::thread> threads;
    threads.reserve(L.blocks);
    for (std::uint64_t i = 0; i < L.blocks; ++i) {
      threads.emplace_back([&L, i] {
        worker w;
        tls_worker = &w;
        w.run(L, static_cast<std::int64_t>(i));
        tls_worker = nullptr;
      });
    }
    for (std::thread& t : threads) t.join();
  }

 private:
  void start_threads(unsigned count) {
    while (threads_ < count) {
      const unsigned id = ++threads_;
      std::thread([this, id] { helper_main(id); }).detach();
    }
  }

  void helper_main(unsigned id) {
    worker w;
    tls_worker = &w;
    std::uint64_t seen = 0;
    for (;;) {
      launch_rt* L = nullptr;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        if (id > job_helpers_) continue;
        L = job_;
      }
      w.run(*L);
      {
        std::lock_guard<std::mutex> lock(m_);
        if (--pending_ == 0) done_cv_.notify_one();
      }
    }
  }

  std::mutex launch_mutex_;
  std::mutex m_;
  std::condition_variable cv_;
  std::condition_variable done_cv_;
  launch_rt* job_ = nullptr;
  unsigned job_helpers_ = 0;
  unsigned pending_ = 0;
  std::uint64_t generation_ = 0;
  unsigned threads_ = 0;
};

std::uint64_t splitmix64(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::atomic<std::uint64_t> g_launch_counter{0};  // only advanced by launches whose block order is shuffled
std::atomic<std::uint64_t> g_kernels_launched{0};  // every launch that runs: cudacpu::kernels_launched()

/// Everything a launch can get wrong before it runs; reports it and returns its error (cudaSuccess: none).
cudaError_t launch_error(const launch_config& c) {
  const dim3 b = c.block, g = c.grid;
  const std::uint64_t threads = std::uint64_t{b.x} * b.y * b.z;
  const char* why = nullptr;
  char buf[256];
  if (b.x == 0 || b.y == 0 || b.z == 0) {
    why = "the block has a zero dimension";
  } else if (g.x == 0 || g.y == 0 || g.z == 0) {
    why = "the grid has a zero dimension (did (n + 255) / 256 round down to 0, or is n negative?)";
  } else if (b.x > 1024 || b.y > 1024 || b.z > 64) {
    why = "a block dimension exceeds the limits (1024, 1024, 64)";
  } else if (threads > 1024) {
    std::snprintf(buf, sizeof buf, "the block has %llu threads, more than the 1024 allowed",
                  static_cast<unsigned long long>(threads));
    why = buf;
  } else if (g.x > 2147483647u || g.y > 65535u || g.z > 65535u) {
    why = "a grid dimension exceeds the limits (2^31-1, 65535, 65535)";
  }
  if (why != nullptr) {
    if (!quiet()) {
      report_error(c.where,
                   "invalid launch configuration <<<(%u,%u,%u), (%u,%u,%u)>>>: %s; the kernel does not run "
                   "(cudaGetLastError returns cudaErrorInvalidConfiguration)",
                   g.x, g.y, g.z, b.x, b.y, b.z, why);
    }
    return set_last_error(cudaErrorInvalidConfiguration);
  }
  const std::size_t limit = std::max<std::size_t>(k_static_smem_limit, dynamic_smem_limit());
  if (c.shared_bytes > limit) {
    if (!quiet()) {
      report_error(c.where,
                   "the launch asks for %zu bytes of dynamic shared memory, more than the %zu allowed (raise it "
                   "with cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes)); the "
                   "kernel does not run (cudaErrorInvalidValue)",
                   c.shared_bytes, limit);
    }
    return set_last_error(cudaErrorInvalidValue);
  }
  return cudaSuccess;
}

}  // namespace

// ---- entry points used by the headers ----

cudaError_t run_launch(const launch_config& cfg, thunk_fn thunk, void* payload, const void* const* pointer_args,
                       std::size_t arg_count) {
  if (tls_thread != nullptr) {
    device_fatal(cudaErrorNotSupported, "launching a kernel from device code (dynamic parallelism) is not supported",
                 cfg.where);
  }
  if (const cudaError_t e = sticky_error(); e != cudaSuccess) return e;  // a failed kernel poisons the context
  if (const cudaError_t e = launch_error(cfg); e != cudaSuccess) return e;
  for (std::size_t i = 0; i < arg_count; ++i) {
    const void* p = pointer_args[i];
    if (p == nullptr) continue;
    const mem_lookup m = find_memory(p, true);
    if (m.state == mem_lookup::status::live) continue;
    if (m.state == mem_lookup::status::freed) {
      report_error(cfg.where,
                   "kernel argument %zu is %p, which points into %s that cudaFree released at %s:%u (allocated at "
                   "%s:%u): use after free; the kernel does not run",
                   i + 1, p, mem_kind_name(m.kind), m.freed_at.file_name(), static_cast<unsigned>(m.freed_at.line()),
                   m.allocated.file_name(), static_cast<unsigned>(m.allocated.line()));
    } else {
      report_error(cfg.where,
                   "kernel argument %zu is the host pointer %p (not from cudaMalloc, cudaMallocManaged or "
                   "cudaMallocHost); a GPU cannot dereference it: copy the data with cudaMemcpy and pass the device "
                   "pointer. The kernel does not run",
                   i + 1, p);
    }
    report_note("a GPU would fault: the next synchronising call returns cudaErrorIllegalAddress");
    set_sticky_error(cudaErrorIllegalAddress);
    return cudaErrorIllegalAddress;
  }
  const std::uint64_t threads_per_block = std::uint64_t{cfg.block.x} * cfg.block.y * cfg.block.z;
  const std::uint64_t blocks = std::uint64_t{cfg.grid.x} * cfg.grid.y * cfg.grid.z;
  if (cfg.cooperative) {
    // What cudaOccupancyMaxActiveBlocksPerMultiprocessor x multiProcessorCount report (api.h, runtime.cpp).
    const std::uint64_t resident = (2048 / threads_per_block) * worker_count();
    if (blocks > resident) {
      report_error(cfg.where,
                   "cooperative launch of %llu blocks of %llu threads: at most %llu blocks can be resident at once "
                   "(cudaOccupancyMaxActiveBlocksPerMultiprocessor = %llu x multiProcessorCount = %u), and "
                   "this_grid().sync() needs every block resident; the kernel does not run "
                   "(cudaErrorCooperativeLaunchTooLarge)",
                   static_cast<unsigned long long>(blocks), static_cast<unsigned long long>(threads_per_block),
                   static_cast<unsigned long long>(resident),
                   static_cast<unsigned long long>(2048 / threads_per_block), worker_count());
      return set_last_error(cudaErrorCooperativeLaunchTooLarge);
    }
  }

  g_kernels_launched.fetch_add(1, std::memory_order_relaxed);
  launch_rt L;
  L.cfg = &cfg;
  L.thunk = thunk;
  L.payload = payload;
  L.blocks = blocks;
  L.threads_per_block = static_cast<unsigned>(threads_per_block);
  L.cooperative = cfg.cooperative;
  L.dyn_smem = cfg.shared_bytes;
  if (const std::uint64_t seed = block_seed(); seed != 0 && L.blocks > 1) {
    // An affine permutation: O(1) state, different for every launch, same for every run. Grids of up to 127
    // blocks are shuffled block by block; larger ones by groups of up to 16 consecutive blocks, each run in index
    // order, so a kernel that streams through memory still streams (a block-by-block shuffle of a 65536-block
    // saxpy cost 2-3x its time in cache and TLB misses), while the order of the groups is still arbitrary.
    L.group = std::clamp<std::uint64_t>(L.blocks / 64, 1, 16);
    L.groups = L.blocks / L.group;
    std::uint64_t s = seed ^ (g_launch_counter.fetch_add(1) * 0x9e3779b97f4a7c15ull);
    if (L.groups > 1) {
      std::uint64_t a = 1 + splitmix64(s) % (L.groups - 1);
      while (std::gcd(a, L.groups) != 1) a = 1 + splitmix64(s) % (L.groups - 1);
      L.perm_a = a;
      L.perm_c = splitmix64(s) % L.groups;
    }
  }
  device_work work(work_kind::kernel);  // the work watch: lift its protection, attribute output changes to kernels
  tsan_release(&g_launch_anchor);
  if (L.cooperative) {
    pool::get().run_cooperative(L);
  } else {
    pool::get().run(L);
  }
  tsan_acquire(&g_done_anchor);
  return cudaSuccess;
}

cudaError_t untyped_kernel_launch(const char* api, source_location where) {
  report_error(where,
               "%s was given a kernel as a void* pointer that no translated file registered (the translator "
               "registers the non-template __global__ functions at namespace scope without default arguments; a "
               "template instance is not one of them): pass the kernel itself, e.g. `kernel<256>` instead of "
               "`(void*)kernel<256>`, so its parameter types are known. The kernel does not run "
               "(cudaErrorInvalidDeviceFunction)",
               api);
  return set_last_error(cudaErrorInvalidDeviceFunction);
}

bool in_cooperative_launch() noexcept {
  return tls_thread != nullptr && tls_worker != nullptr && tls_worker->block.L != nullptr &&
         tls_worker->block.L->cooperative;
}

void grid_sync(source_location where) {
  thread_rt* t = current_thread();
  if (t == nullptr) {
    quiet_scope q;
    report_error(where, "this_grid().sync() called outside a kernel");
    return;
  }
  block_rt& b = current_block();
  if (!b.L->cooperative) {
    quiet_scope q;
    report_error(where,
                 "this_grid().sync() needs a cooperative launch (cudaLaunchCooperativeKernel): with <<<...>>> the "
                 "blocks are not all resident at once, so a grid-wide barrier could never complete; the block is "
                 "abandoned (cudaErrorLaunchFailure)");
    report_note("thread (%u,%u,%u)", t->thread_idx.x, t->thread_idx.y, t->thread_idx.z);
    b.context_note();
    b.abandon(cudaErrorLaunchFailure, true);
  }
  [[maybe_unused]] char* anchor = &b.L->grid.anchor[b.grid_syncs & 1u];
  tsan_release(anchor);
  block_barrier(barrier_kind::grid, 0, where);  // the whole block arrives (divergence is reported there)
  if (b.grid_wait_gen != b.barrier_gen) {
    // The first thread of the block to resume waits for the other blocks; the rest run after it.
    b.grid_wait_gen = b.barrier_gen;
    ++b.grid_syncs;
    b.L->grid.arrive_and_wait();
  }
  tsan_acquire(anchor);
}

int block_barrier(barrier_kind kind, int predicate, source_location where) {
  quiet_scope q;
  thread_rt* t = current_thread();
  if (t == nullptr) {
    report_error(where, "%s called outside a kernel", barrier_name(kind));
    return 0;
  }
  block_rt& b = current_block();
  b.take_over();
  if (b.n_barrier == 0) {
    b.barrier_where = where;
    b.barrier_kind_ = kind;
  } else if (!same_place(b.barrier_where, where)) {
    b.barrier_mismatch = true;
  }
  t->state = tstate::barrier;
  t->wait_gen = static_cast<std::uint32_t>(b.barrier_gen);
  t->bkind = kind;
  t->where = where;
  t->spinning = false;
  ++b.n_barrier;
  b.barrier_true += predicate != 0;
  ++b.progress_epoch;
  // Two anchors alternate by barrier generation: a fast thread's release for the next barrier must not be seen
  // by a slow thread still acquiring this one (that would hide races).
  [[maybe_unused]] char* anchor = &b.barrier_anchor[b.barrier_gen & 1u];
  tsan_release(anchor);
  b.next(tls_fiber, false);
  t->state = tstate::ready;
  tsan_acquire(anchor);
  return b.barrier_result;
}

void spin_yield(source_location where) {
  quiet_scope q;
  thread_rt* t = current_thread();
  if (t == nullptr) {
    std::this_thread::yield();
    return;
  }
  block_rt& b = current_block();
  b.take_over();
  if (b.spin_epoch != b.progress_epoch) {
    b.spin_epoch = b.progress_epoch;
    b.spin_count = 0;
    b.spin_start = std::chrono::steady_clock::now();
  }
  if ((++b.spin_count & 1023u) == 0) {
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - b.spin_start).count();
    if (waited > spin_timeout_seconds()) {
      t->spinning = true;
      t->where = where;
      report_error(where,
                   "livelock: threads have spun for %.0f s without any thread of the block making progress (waiting "
                   "for a lock or flag that is never released, or for another block?)",
                   waited);
      b.context_note();
      b.positions_note();
      b.abandon(cudaErrorLaunchTimeout, true);
    }
  }
  if (b.live <= 1) {
    std::this_thread::yield();  // maybe another block (on another worker) will release it
    return;
  }
  t->spinning = true;
  t->where = where;
  b.next(tls_fiber, false);
  t->spinning = false;
}

void device_fault(cudaError_t code) {
  quiet_scope q;
  thread_rt* t = current_thread();
  if (t == nullptr) std::abort();
  block_rt& b = current_block();
  b.take_over();
  report_note("thread (%u,%u,%u)", t->thread_idx.x, t->thread_idx.y, t->thread_idx.z);
  b.context_note();
  b.abandon(code, true);
}

void device_fatal(cudaError_t code, const char* what, source_location where) {
  quiet_scope q;
  thread_rt* t = current_thread();
  report_error(where, "%s", what);
  if (t == nullptr) std::abort();
  block_rt& b = current_block();
  b.take_over();
  report_note("thread (%u,%u,%u)", t->thread_idx.x, t->thread_idx.y, t->thread_idx.z);
  b.context_note();
  b.abandon(code, true);
}

void* shared_alloc(const void* key, std::size_t size, std::size_t align, source_location where) {
  quiet_scope q;
  if (current_thread() == nullptr) {
    report_error(where, "a __shared__ variable is used outside a kernel");
    std::abort();
  }
  block_rt& b = current_block();
  worker& w = *b.w;
  for (const shared_decl& d : b.decls)
    if (d.key == key) return w.arena + d.offset;
  const std::size_t a = std::max<std::size_t>(align, WS_ASAN ? 32 : 16);
  const std::size_t offset = (b.arena_used + a - 1) / a * a;
  const std::size_t new_static = (b.static_bytes + align - 1) / align * align + size;
  const std::size_t limit = std::max<std::size_t>(k_static_smem_limit, dynamic_smem_limit());
  if (new_static > k_static_smem_limit || new_static + b.L->dyn_smem > limit) {
    report_error(where,
                 "this __shared__ variable (%zu bytes) brings the block's shared memory to %zu bytes static + %zu "
                 "dynamic, more than the %zu allowed (static __shared__ alone may use 48 KiB); the launch fails "
                 "(cudaErrorInvalidValue)",
                 size, new_static, b.L->dyn_smem, new_static > k_static_smem_limit ? k_static_smem_limit : limit);
    b.context_note();
    b.abandon(cudaErrorInvalidValue, false);
  }
  if (offset + size + k_redzone > w.arena_cap) {
    report_error(where, "too many __shared__ variables for the memory-check arena");
    b.context_note();
    b.abandon(cudaErrorInvalidValue, false);
  }
  b.arena_used = offset + size + k_redzone;
  b.static_bytes = new_static;
  char* p = w.arena + offset;
#if WS_ASAN
  ASAN_UNPOISON_MEMORY_REGION(p, size);  // the redzone after it stays poisoned: out-of-bounds is reported
#endif
  // Shared memory starts as garbage on a GPU; poison it so a read before any write (or a missing barrier) shows.
  poison_fill(p, size);
  b.decls.push_back(shared_decl{key, offset});
  return p;
}

void* dynamic_shared_base(source_location where) {
  if (current_thread() == nullptr) {
    report_error(where, "extern __shared__ memory is used outside a kernel");
    std::abort();
  }
  block_rt& b = current_block();
  return b.w->dyn;
}

unsigned lane_id() { return current_thread()->lane; }

unsigned live_lanes() {
  thread_rt* t = current_thread();
  if (t == nullptr) return 0xffffffffu;
  current_block().take_over();  // the lanes that ran before it must count as exited
  const warp_rt& wp = current_block().warps[t->warp];
  return wp.exists & ~wp.exited;
}

namespace {

/// Computes every participating lane's result once all of them have arrived.
void complete_collective(block_rt& b, warp_rt& wp, warp_slot& s, unsigned warp_index) {
  thread_rt* base = &b.threads[warp_index * 32u];
  const unsigned m = s.mask;
  auto lanes = [m](auto fn) {
    for (unsigned l = 0; l < 32; ++l)
      if ((m >> l) & 1u) fn(l);
  };
  switch (s.op) {
    case warp_op::sync:
    case warp_op::wmma_load:
    case warp_op::wmma_store:
    case warp_op::wmma_mma:
      lanes([&](unsigned l) { base[l].wresult = 0; });
      break;
    case warp_op::shfl:
      lanes([&](unsigned l) {
        const unsigned src = base[l].wparam;
        // A source lane outside the mask is undefined on a GPU; returning the caller's own value is one outcome.
        base[l].wresult = (src < 32 && ((m >> src) & 1u)) ? base[src].wvalue : base[l].wvalue;
      });
      break;
    case warp_op::ballot:
    case warp_op::any:
    case warp_op::all: {
      unsigned bits = 0;
      lanes([&](unsigned l) {
        if (base[l].wvalue) bits |= 1u << l;
      });
      const std::uint64_t r = s.op == warp_op::ballot ? bits : s.op == warp_op::any ? (bits != 0) : (bits == m);
      lanes([&](unsigned l) { base[l].wresult = r; });
      break;
    }
    case warp_op::match_any:
      lanes([&](unsigned l) {
        unsigned same = 0;
        lanes([&](unsigned k) {
          if (base[k].wvalue == base[l].wvalue) same |= 1u << k;
        });
        base[l].wresult = same;
      });
      break;
    case warp_op::match_all: {
      bool all = true;
      const unsigned first = static_cast<unsigned>(__builtin_ctz(m));
      lanes([&](unsigned l) { all = all && base[l].wvalue == base[first].wvalue; });
      lanes([&](unsigned l) { base[l].wresult = all ? m : 0u; });
      break;
    }
    default: {
      std::uint64_t acc = 0;
      bool first = true;
      lanes([&](unsigned l) {
        const std::uint64_t v = base[l].wvalue & 0xffffffffu;
        const auto sv = static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
        const auto sa = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc));
        if (first) {
          acc = v;
          first = false;
          return;
        }
        switch (s.op) {
          case warp_op::reduce_add: acc = (acc + v) & 0xffffffffu; break;
          case warp_op::reduce_min: acc = static_cast<std::uint32_t>(std::min(sa, sv)); break;
          case warp_op::reduce_max: acc = static_cast<std::uint32_t>(std::max(sa, sv)); break;
          case warp_op::reduce_umin: acc = std::min(acc, v); break;
          case warp_op::reduce_umax: acc = std::max(acc, v); break;
          case warp_op::reduce_and: acc &= v; break;
          case warp_op::reduce_or: acc |= v; break;
          case warp_op::reduce_xor: acc ^= v; break;
          default: break;
        }
      });
      lanes([&](unsigned l) { base[l].wresult = acc; });
      break;
    }
  }
  lanes([&](unsigned l) {
    if (base[l].state == tstate::warp) {
      base[l].state = tstate::ready;
      --b.n_warp;
    }
  });
  s.active = false;
  --wp.busy;
  s.parity ^= 1u;
  (void)wp;
}

}  // namespace

std::uint64_t warp_collective(warp_op op, unsigned mask, std::uint64_t value, unsigned param,
                              source_location where) {
  quiet_scope q;
  thread_rt* t = current_thread();
  if (t == nullptr) {
    report_error(where, "%s called outside a kernel", op_name(op));
    return value;
  }
  block_rt& b = current_block();
  b.take_over();
  warp_rt& wp = b.warps[t->warp];
  const unsigned bit = 1u << t->lane;
  const unsigned m = mask & wp.exists;  // lanes beyond a partial last warp do not exist: ignore them
  if (!(m & bit)) {
    report_error(where, "%s: lane %u of warp %u calls it with mask 0x%08x, which does not include the lane itself",
                 op_name(op), t->lane, t->warp, mask);
    b.context_note();
    b.abandon(cudaErrorLaunchFailure, true);
  }
  if (m & wp.exited) {
    report_error(where,
                 "%s: the mask 0x%08x names lanes %s of warp %u, which have already exited (an early return before "
                 "a full-warp operation?)",
                 op_name(op), mask, lane_list(m & wp.exited).c_str(), t->warp);
    b.context_note();
    b.abandon(cudaErrorLaunchFailure, true);
  }
  int slot = -1;
  // --- cooperative groups (H2): the collective this lane joins has its mask, intrinsic and place. Another group
  // of the warp (a tile, a coalesced group) may be in a different collective whose mask overlaps this one, as
  // with independent thread scheduling: a lane waits there only after this one. Same mask elsewhere, or another
  // mask at the same place, is a bug; a cycle of waits is reported as a deadlock when the block stalls.
  for (int i = 0; i < k_warp_slots; ++i) {
    const warp_slot& s = wp.slots[i];
    if (s.active && s.mask == m && s.op == op && (op == warp_op::sync || same_place(s.where, where))) {
      slot = i;
      break;
    }
  }
  for (int i = 0; slot < 0 && i < k_warp_slots; ++i) {
    const warp_slot& s = wp.slots[i];
    if (!s.active || !(s.mask & m)) continue;
    if (s.mask != m && s.op == op && same_place(s.where, where)) {
      report_error(where,
                   "warp mask mismatch: lane %u of warp %u calls %s with mask 0x%08x, but lanes %s wait in %s at "
                   "%s:%u with mask 0x%08x",
                   t->lane, t->warp, op_name(op), mask, lane_list(s.arrived).c_str(), op_name(s.op),
                   s.where.file_name(), static_cast<unsigned>(s.where.line()), s.mask);
      b.context_note();
      b.abandon(cudaErrorLaunchFailure, true);
    }
    if (s.mask == m) {
      report_error(where, "lane %u of warp %u reaches %s here, but lanes %s of its warp wait in %s at %s:%u",
                   t->lane, t->warp, op_name(op), lane_list(s.arrived).c_str(), op_name(s.op), s.where.file_name(),
                   static_cast<unsigned>(s.where.line()));
      b.context_note();
      b.abandon(cudaErrorLaunchFailure, true);
    }
  }
  // --- end cooperative groups (H2)
  if (slot < 0) {
    for (int i = 0; i < k_warp_slots; ++i)
      if (!wp.slots[i].active) {
        slot = i;
        break;
      }
    if (slot < 0) {
      report_error(where, "%s: more than %d groups of one warp are in different collectives at once", op_name(op),
                   k_warp_slots);
      b.context_note();
      b.abandon(cudaErrorLaunchFailure, true);
    }
    warp_slot& s = wp.slots[slot];
    s.active = true;
    ++wp.busy;
    s.op = op;
    s.mask = m;
    s.arrived = 0;
    s.where = where;
  }
  warp_slot& s = wp.slots[slot];
  t->wvalue = value;
  t->wparam = param;
  t->wop = op;
  t->wmask = m;
  t->where = where;
  t->spinning = false;
  s.arrived |= bit;
  ++b.progress_epoch;
  [[maybe_unused]] char* anchor = &s.anchor[s.parity];
  tsan_release(anchor);
  if (s.arrived == s.mask) {
    complete_collective(b, wp, s, t->warp);
  } else {
    t->state = tstate::warp;
    t->wslot = slot;
    ++b.n_warp;
    b.next(tls_fiber, false);
  }
  tsan_acquire(anchor);
  return t->wresult;
}

}  // namespace cudacpu::detail

std::uint64_t cudacpu::kernels_launched() noexcept {
  return detail::g_kernels_launched.load(std::memory_order_relaxed);
}

#if defined(WS_CUDACPU_CHECK_MEMORY)
// UBSan's alignment check (memory mode builds with -fsanitize=alignment): these definitions take the place of
// libubsan's handlers, so a misaligned access is a cudacpu report at the learner's file:line, and in a kernel a
// device fault like a GPU's (cudaErrorMisalignedAddress), not a warning.
namespace {
struct ubsan_location {
  const char* file;
  std::uint32_t line;
  std::uint32_t column;
};
struct ubsan_type {
  std::uint16_t kind;
  std::uint16_t info;
  char name[1];
};
struct ubsan_type_mismatch {
  ubsan_location loc;
  const ubsan_type* type;
  unsigned char log_alignment;
  unsigned char check_kind;
};

[[noreturn]] void misaligned_access(const ubsan_type_mismatch* d, std::uintptr_t pointer) {
  // UBSan's check kinds: 0 load, 1 store; the others (a `*p` bound to a reference, a member access) read or write.
  const char* what = d->check_kind == 0 ? "load from" : d->check_kind == 1 ? "store to" : "access to";
  const std::uintptr_t align = std::uintptr_t{1} << d->log_alignment;
  const bool in_kernel = cudacpu::detail::tls_thread != nullptr;
  std::fprintf(stderr,
               "cudacpu: error: %s:%u: misaligned address: %s %p for type %s, which needs %zu-byte alignment (the "
               "address is %zu bytes past a multiple of %zu)%s\n",
               d->loc.file != nullptr ? d->loc.file : "?", static_cast<unsigned>(d->loc.line), what,
               reinterpret_cast<void*>(pointer), d->type != nullptr ? d->type->name : "?",
               static_cast<std::size_t>(align), static_cast<std::size_t>(pointer % align),
               static_cast<std::size_t>(align),
               in_kernel ? "; a GPU faults here (cudaErrorMisalignedAddress): vector loads and stores (float4, int4, "
                           "...) need addresses that are multiples of their size"
                         : "");
  std::fflush(stderr);
  if (!in_kernel) std::abort();
  cudacpu::detail::device_fault(cudaErrorMisalignedAddress);
}

void type_mismatch(const ubsan_type_mismatch* d, std::uintptr_t pointer) {
  if (pointer == 0) return;  // only the alignment check is enabled; a null pointer is the OS's (or ASan's) to report
  misaligned_access(d, pointer);
}
}  // namespace

extern "C" {
void __ubsan_handle_type_mismatch_v1(const ubsan_type_mismatch* d, std::uintptr_t pointer) {
  type_mismatch(d, pointer);
}
void __ubsan_handle_type_mismatch_v1_abort(const ubsan_type_mismatch* d, std::uintptr_t pointer) {
  type_mismatch(d, pointer);
}
}
#endif

#if WS_ASAN
/// Called by AddressSanitizer before it prints a report: explain shared-memory hits in CUDA terms.
extern "C" void __asan_on_error() {
  const auto* a = static_cast<const char*>(__asan_get_report_address());
  if (cudacpu::detail::work_watch_open() && cudacpu::detail::tls_thread == nullptr) {
    const cudacpu::detail::mem_lookup m = cudacpu::detail::find_memory(a);
    if (m.state == cudacpu::detail::mem_lookup::status::live && m.kind == cudacpu::detail::mem_kind::device) {
      std::fprintf(stderr,
                   "cudacpu: note: host code touched device memory at %p (byte %zu of the %zu-byte device memory "
                   "allocated at %s:%u) while the test watched where the work runs: a launcher must not read or "
                   "write device memory on the host (a GPU cannot), kernels do; ASan calls it use-after-poison, and "
                   "the host line is frame #0 below\n",
                   static_cast<const void*>(a), static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(a) - m.base),
                   m.size, m.allocated.file_name(), static_cast<unsigned>(m.allocated.line()));
      return;
    }
  }
  const unsigned n = std::min(cudacpu::detail::g_arena_count.load(), 512u);
  for (unsigned i = 0; i < n; ++i) {
    const char* b = cudacpu::detail::g_arenas[i].begin.load();
    if (b != nullptr && a >= b && a < b + cudacpu::detail::g_arenas[i].size.load()) {
      std::fprintf(stderr,
                   "cudacpu: note: the address below is in a block's __shared__ memory: an out-of-bounds __shared__ "
                   "access (ASan calls it use-after-poison: the poisoned bytes are redzones around each __shared__ "
                   "variable); the learner's line is frame #0 below\n");
      return;
    }
  }
}
#endif
