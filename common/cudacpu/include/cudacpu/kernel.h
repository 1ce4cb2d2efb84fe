/// @file
/// @brief Kernel launch, built-in index variables, block barriers and shared memory for the cudacpu backend.
///
/// The translator turns `k<<<g, b, smem, stream>>>(args...)` into
/// `::cudacpu::launch(::cudacpu::launch_config(g, b, smem, stream), [&](auto&... a) { k(a...); })(args...)`
/// and `__shared__ T name DIMS;` into `T (&name) DIMS = ::cudacpu::shared_variable<T DIMS>([]{}, "name");`.
/// Each CUDA thread runs as a fiber; `threadIdx` & co. are thread_local variables that the scheduler sets whenever
/// another CUDA thread starts or resumes (fibers never migrate between OS threads). They are variables, not macros,
/// so host code may use the names for its own (`dim3 gridDim(4, 4);`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include "source_location.h"
#include <tuple>
#include <type_traits>
#include <utility>

#include "types.h"

// Built-in variables: namespace-scope thread_locals the scheduler keeps current (a local `dim3 gridDim` shadows
// them, as it does with nvcc). __constinit: read directly, without a TLS wrapper call.
/// This thread's index in its block.
extern thread_local __constinit uint3 threadIdx;
/// This block's index in the grid.
extern thread_local __constinit uint3 blockIdx;
/// Threads per block.
extern thread_local __constinit dim3 blockDim;
/// Blocks in the grid.
extern thread_local __constinit dim3 gridDim;

namespace cudacpu {

/// The `<<<grid, block, smem, stream>>>` part of a launch, plus where the launch was written.
struct launch_config {
  dim3 grid;                 ///< blocks in the grid
  dim3 block;                ///< threads per block
  std::size_t shared_bytes;  ///< dynamic shared memory per block
  cudaStream_t stream;       ///< stream (work runs synchronously, in issue order)
  source_location where;     ///< the launch in the learner's file
  bool cooperative = false;  ///< cudaLaunchCooperativeKernel: every block runs at once, this_grid().sync() works

  /// Captures a launch configuration; `where` defaults to the caller's position (the `<<<...>>>` line).
  launch_config(dim3 g, dim3 b, std::size_t smem = 0, cudaStream_t s = nullptr,
                source_location w = source_location::current())
      : grid(g), block(b), shared_bytes(smem), stream(s), where(w) {}
};

namespace detail {

/// The running CUDA thread (the runtime extends this struct); `tls_thread` points to it.
struct thread_ctx {
  uint3 thread_idx;  ///< threadIdx
};

/// The running block as the launch's thread loop sees it (the runtime extends this struct).
///
/// A fiber runs the block's not-yet-started threads one after another in a loop compiled with the kernel
/// (launcher::thread_loop), so a thread that never blocks costs about an inlined call. When a thread blocks
/// (barrier, warp collective, spin), the scheduler takes it over (`loop_clean` becomes false) and the loop stops.
struct block_ctx {
  uint3 block_idx;  ///< blockIdx
  dim3 block_dim;   ///< blockDim
  dim3 grid_dim;    ///< gridDim
  unsigned loop_next = 0;             ///< first thread (linear index) not started yet
  unsigned loop_end = 0;              ///< the loop may start threads below this one without asking the scheduler
  bool loop_clean = false;            ///< the thread the loop is running has not blocked
  thread_ctx* thread_base = nullptr;  ///< the block's threads, `thread_stride` bytes apart
  std::size_t thread_stride = 0;      ///< bytes from one thread's context to the next
};

/// The CUDA thread running on this OS thread (null outside kernels). __constinit (C++20 constinit, in C++17 too): no TLS wrapper call per access.
extern thread_local __constinit thread_ctx* tls_thread;
/// The block running on this OS thread (null outside kernels).
extern thread_local __constinit block_ctx* tls_block;

/// Type-erased body of a launch: the thread loop of one fiber (it never returns; it ends in the scheduler).
using thunk_fn = void (*)(void* payload);

/// Called by a thread loop that cannot go on by itself (its thread blocked and has now returned, or it reached
/// `loop_end`): records the finished threads and runs whatever comes next. Returns when the calling fiber is to
/// start threads again from `loop_next`.
void loop_yield();
/// What the thread loop does when it starts thread `linear` (for ThreadSanitizer builds, where the runtime's own
/// writes must not be instrumented).
void begin_thread(unsigned linear);

/// Validates `cfg` and the pointer arguments, then runs every block (returns when the grid is done).
/// @param pointer_args the kernel's arguments that are pointers (null for the others), for the host-pointer check
/// @return the launch's error (also the last error), cudaSuccess when the grid ran
cudaError_t run_launch(const launch_config& cfg, thunk_fn thunk, void* payload, const void* const* pointer_args,
                std::size_t arg_count);

/// Address of the `__shared__` declaration identified by `key` in the running block (allocated on first use).
void* shared_alloc(const void* key, std::size_t size, std::size_t align, source_location where);
/// Start of the running block's dynamic shared memory.
void* dynamic_shared_base(source_location where);
// ---- race checker (src/race_report.cpp, races mode only) ----
/// Tells the race checker that the running block's `__shared__` variable `name` (declared at `where`) is at `p`:
/// `size` bytes, an array of `rank` dimensions (`extents`, at most 3; 0 for a scalar or a class) of `element`-byte
/// elements. A data race on it is then reported as "data race on __shared__ name[i][j]".
void note_shared(const void* p, std::size_t size, std::size_t element, unsigned rank, const std::size_t* extents,
                 const char* name, source_location where);
// ---- end race checker ----

/// Kinds of block-wide barrier (they share one implementation). `grid`: the block's part of this_grid().sync().
enum class barrier_kind : std::uint8_t { plain, count, all, any, grid };
/// Block barrier: suspends the calling CUDA thread until all live threads of its block arrive.
int block_barrier(barrier_kind kind, int predicate, source_location where);
/// Grid-wide barrier (cooperative_groups' this_grid().sync()): every thread of every block waits until all threads
/// of the grid arrive; threads that exited count as arrived. Outside a cooperative launch it reports an error and
/// abandons the block.
void grid_sync(source_location where = source_location::current());
/// True inside a kernel started by cudaLaunchCooperativeKernel (every block resident at once).
bool in_cooperative_launch() noexcept;
/// Lets the other threads of the block run (failed atomicCAS, __nanosleep): keeps spin loops from hanging.
void spin_yield(source_location where);
/// Reports a fatal device-side error (e.g. `__trap()`), abandons the block and sets the sticky error.
[[noreturn]] void device_fatal(cudaError_t code, const char* what, source_location where);
/// After a report already printed (a misaligned access): notes the thread and block, abandons the block and sets
/// the sticky error `code`. Outside a kernel it aborts.
[[noreturn]] void device_fault(cudaError_t code);

/// The pointer value of a kernel argument if it is an object pointer, else null.
template <class T>
const void* pointer_argument(const T& value) {
  if constexpr (std::is_pointer_v<T> && !std::is_function_v<std::remove_pointer_t<T>>) {
    return static_cast<const void*>(value);
  } else {
    return nullptr;
  }
}

/// One distinct address per `__shared__` declaration (its lambda type).
template <class Key>
inline constexpr char shared_key = 0;

}  // namespace detail

/// A launch whose arguments have not been given yet (the `(args...)` after `<<<...>>>`).
template <class F>
class launcher {
 public:
  /// Keeps the configuration and the per-thread body.
  launcher(const launch_config& cfg, F body) : cfg_(cfg), body_(std::move(body)) {}

  /// Stores the arguments once (CUDA's parameter buffer), checks them and runs the whole grid.
  template <class... Args>
  cudaError_t operator()(Args&&... args) {
    using tuple_type = std::tuple<std::decay_t<Args>...>;
    tuple_type stored(std::forward<Args>(args)...);
    const void* pointers[sizeof...(Args) + 1] = {};
    std::apply(
        [&pointers](const auto&... a) {
          std::size_t i = 0;
          ((pointers[i++] = detail::pointer_argument(a)), ...);
        },
        stored);
    struct payload_type {
      F* body;
      tuple_type* args;
    } payload{&body_, &stored};
    return detail::run_launch(
        cfg_,
        [](void* p) {
          auto* pl = static_cast<payload_type*>(p);
          thread_loop(*pl->body, *pl->args);
        },
        &payload, pointers, sizeof...(Args));
  }

 private:
  /// Runs the block's threads from `loop_next` on, one after another, while none of them blocks.
  template <class Tuple>
  [[noreturn]] static void thread_loop(F& body, Tuple& args) {
    detail::block_ctx& b = *detail::tls_block;
    for (;;) {
      unsigned i = b.loop_next;
      if (i < b.loop_end) {
        const unsigned bx = b.block_dim.x, by = b.block_dim.y;
        unsigned x = i % bx, y = (i / bx) % by, z = i / (bx * by);
        char* const base = reinterpret_cast<char*>(b.thread_base);
        const std::size_t stride = b.thread_stride;
        do {
#if defined(__SANITIZE_THREAD__)
          (void)base, (void)stride;
          detail::begin_thread(i);  // the same, out of ThreadSanitizer's sight: its writes are no learner's race
#else
          b.loop_next = i + 1;
          detail::tls_thread = reinterpret_cast<detail::thread_ctx*>(base + i * stride);
          ::threadIdx = uint3{x, y, z};
#endif
          std::apply(body, args);
          if (!b.loop_clean) break;  // the thread blocked on the way: the scheduler owns it now
          ++i;
          if (++x == bx) {
            x = 0;
            if (++y == by) {
              y = 0;
              ++z;
            }
          }
        } while (i < b.loop_end);
      }
      detail::loop_yield();
    }
  }

  launch_config cfg_;
  F body_;
};

/// Starts a launch: `launch(cfg, body)(args...)` runs `body(args...)` once per CUDA thread of the grid.
template <class F>
launcher<F> launch(const launch_config& cfg, F body) {
  return launcher<F>(cfg, std::move(body));
}

/// The running block's instance of one `__shared__` declaration (same object for every thread of the block).
/// @tparam T the declared type, arrays included (`float[16][17]`)
/// @param key a lambda whose unique type identifies the declaration
template <class T, class Key>
T& shared_variable(Key key, source_location where = source_location::current()) {
  (void)key;
  void* p = detail::shared_alloc(&detail::shared_key<Key>, sizeof(T), alignof(T), where);
  return *std::launder(reinterpret_cast<T*>(p));
}

/// The same, with the declared name (what the translator writes: `shared_variable<float[16][16]>([]{}, "tile")`),
/// which the race checker's reports use.
template <class T, class Key>
T& shared_variable(Key key, const char* name, source_location where = source_location::current()) {
  T& v = shared_variable<T>(key, where);
#if defined(WS_CUDACPU_CHECK_RACES)
  const std::size_t extents[3] = {std::extent<T, 0>::value, std::extent<T, 1>::value, std::extent<T, 2>::value};
  detail::note_shared(const_cast<const void*>(static_cast<const volatile void*>(__builtin_addressof(v))), sizeof(T),
                      sizeof(std::remove_all_extents_t<T>), static_cast<unsigned>(std::rank<T>::value), extents, name,
                      where);
#else
  (void)name;
#endif
  return v;
}

/// The running block's dynamic shared memory (`extern __shared__ T name[];`), sized by the launch's smem.
template <class T>
T* dynamic_shared(source_location where = source_location::current()) {
  return static_cast<T*>(detail::dynamic_shared_base(where));
}

}  // namespace cudacpu


/// Threads per warp. A variable, not a macro, so `prop.warpSize` still compiles.
inline constexpr int warpSize = 32;

/// Block barrier. Reports divergent barriers and deadlocks with this call's file:line.
inline void __syncthreads(cudacpu::source_location where = cudacpu::source_location::current()) {
  cudacpu::detail::block_barrier(cudacpu::detail::barrier_kind::plain, 0, where);
}
/// Barrier that returns how many threads passed a non-zero predicate.
inline int __syncthreads_count(int predicate, cudacpu::source_location where = cudacpu::source_location::current()) {
  return cudacpu::detail::block_barrier(cudacpu::detail::barrier_kind::count, predicate, where);
}
/// Barrier that returns non-zero when every thread's predicate is non-zero.
inline int __syncthreads_and(int predicate, cudacpu::source_location where = cudacpu::source_location::current()) {
  return cudacpu::detail::block_barrier(cudacpu::detail::barrier_kind::all, predicate, where);
}
/// Barrier that returns non-zero when any thread's predicate is non-zero.
inline int __syncthreads_or(int predicate, cudacpu::source_location where = cudacpu::source_location::current()) {
  return cudacpu::detail::block_barrier(cudacpu::detail::barrier_kind::any, predicate, where);
}

#if defined(__SANITIZE_THREAD__)
// ThreadSanitizer does not model fences; the backend's atomics are sequentially consistent already.
#define WS_CUDACPU_FENCE() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#else
#define WS_CUDACPU_FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
/// Memory fences: every CUDA thread of a block runs on one OS thread, but blocks run in parallel.
inline void __threadfence() { WS_CUDACPU_FENCE(); }
/// Block-scope fence.
inline void __threadfence_block() { WS_CUDACPU_FENCE(); }
/// System-scope fence.
inline void __threadfence_system() { WS_CUDACPU_FENCE(); }

/// Sleeps "a while": yields to the block's other threads, since it is used inside spin-wait loops.
inline void __nanosleep(unsigned int ns, cudacpu::source_location where = cudacpu::source_location::current()) {
  (void)ns;
  cudacpu::detail::spin_yield(where);
}

/// Aborts the kernel like a device trap: report, sticky cudaErrorLaunchFailure.
[[noreturn]] inline void __trap(cudacpu::source_location where = cudacpu::source_location::current()) {
  cudacpu::detail::device_fatal(cudaErrorLaunchFailure, "__trap() called", where);
}
/// Stops in a debugger; here the same as __trap().
[[noreturn]] inline void __brkpt(cudacpu::source_location where = cudacpu::source_location::current()) {
  cudacpu::detail::device_fatal(cudaErrorLaunchFailure, "__brkpt() called", where);
}
