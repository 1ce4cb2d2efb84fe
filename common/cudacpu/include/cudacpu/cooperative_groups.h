/// @file
/// @brief CUDA's cooperative groups on the cudacpu backend: `thread_block`, `thread_block_tile<N>` (N = 1 ... 1024),
///        the type-erased `thread_group` and dynamic `tiled_partition(g, n)`, `coalesced_threads()` with
///        `coalesced_group`, `labeled_partition`/`binary_partition`, `reduce`, `inclusive_scan`/`exclusive_scan`,
///        `memcpy_async`/`wait`, and `grid_group` (`this_grid().sync()` in a `cudaLaunchCooperativeKernel` launch).
///
/// How it maps onto the backend (docs/cudacpu.md, "Cooperative groups"):
/// - a tile of at most 32 threads is a run of lanes in one warp; its operations are the warp collectives of
///   warp.h with the tile's lane mask (values of any trivially copyable type travel as 8-byte words);
/// - a tile of 64 ... 1024 threads is a run of whole warps; its `sync` is a counting barrier over those warps
///   (each warp meets in `__syncwarp`, its lane 0 counts the warp in and waits with the spin-wait of atomics), so
///   only the tile's threads wait, as on a GPU; `shfl` (one source rank for all), `any`, `all`, `reduce` and the scans
///   go through per-tile slots guarded by that barrier;
/// - `coalesced_threads()` is the set of lanes of the warp that reach the same call "together": the calling lane
///   lets every other runnable thread of the block run once (the spin-wait of atomics), and the lanes that arrived
///   at the same call meanwhile form the group;
/// - the bookkeeping for the last two lives in the worker's memory (one worker runs one block at a time) and is
///   touched only with atomics, so ThreadSanitizer sees no race of its own; a 4-byte hidden `__shared__` marker tells
///   a new block from the last one (new shared memory starts filled with 0xFF bytes).
/// Every misuse is reported at the learner's line (`cudacpu: error: FILE:LINE: ...`) and fails the kernel.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <utility>

#include "kernel.h"
#include "warp.h"

namespace cudacpu::cg_detail {

/// Reports a misuse of cooperative groups at the learner's line; fails the kernel (sticky cudaErrorLaunchFailure).
[[noreturn]] inline void misuse(source_location where, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
[[noreturn]] inline void misuse(source_location where, const char* fmt, ...) {
  char buf[640];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  ::cudacpu::detail::device_fatal(cudaErrorLaunchFailure, buf, where);
}

/// Fails when called outside a kernel (a group is a set of CUDA threads).
inline void require_kernel(const char* what, source_location where) {
  if (::cudacpu::detail::tls_thread == nullptr) misuse(where, "%s called outside a kernel", what);
}

/// Linear index of the calling thread in its block (the order of thread_rank() and of lanes).
inline unsigned block_rank() {
  return threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
}
/// Threads in the calling thread's block.
inline unsigned block_size() { return blockDim.x * blockDim.y * blockDim.z; }
/// Lanes that exist in the calling thread's warp (fewer than 32 in a block's partial last warp).
inline unsigned warp_lanes() {
  const unsigned left = block_size() - block_rank() / 32 * 32;
  return left >= 32 ? 0xffffffffu : (1u << left) - 1u;
}
/// Linear index of the calling block in the grid.
inline unsigned long long grid_block_rank() {
  return blockIdx.x + static_cast<unsigned long long>(gridDim.x) * (blockIdx.y + static_cast<unsigned long long>(gridDim.y) * blockIdx.z);
}
/// Blocks in the grid.
inline unsigned long long grid_blocks() {
  return static_cast<unsigned long long>(gridDim.x) * gridDim.y * gridDim.z;
}

inline bool is_pow2(unsigned long long n) { return n != 0 && (n & (n - 1)) == 0; }
/// Mask of the lanes below `lane`.
inline unsigned lanes_below(unsigned lane) { return lane == 0 ? 0u : (0xffffffffu >> (32 - lane)); }
/// Rank of `lane` among the set bits of `mask`.
inline unsigned rank_in(unsigned mask, unsigned lane) {
  return static_cast<unsigned>(__builtin_popcount(mask & lanes_below(lane)));
}
/// Lane of the `rank`-th set bit of `mask` (32 when there is none).
inline unsigned lane_of(unsigned mask, unsigned rank) {
  for (unsigned l = 0; l < 32; ++l)
    if ((mask >> l) & 1u) {
      if (rank == 0) return l;
      --rank;
    }
  return 32;
}
/// Bit i of the result is the bit of `bits` at the lane of rank i in `mask` (a lane ballot in group ranks).
inline unsigned pack_lanes(unsigned bits, unsigned mask) {
  unsigned out = 0, i = 0;
  for (unsigned l = 0; l < 32; ++l)
    if ((mask >> l) & 1u) {
      if ((bits >> l) & 1u) out |= 1u << i;
      ++i;
    }
  return out;
}

/// Shuffle of any trivially copyable value from lane `src` of `mask` (8-byte words through the warp collective).
template <class T>
T shuffle(unsigned mask, const T& v, unsigned src, source_location where) {
  static_assert(std::is_trivially_copyable_v<T>, "cooperative groups shuffle trivially copyable types only");
  constexpr std::size_t words = (sizeof(T) + 7) / 8;
  std::uint64_t in[words] = {};
  std::memcpy(in, &v, sizeof(T));
  std::uint64_t out[words];
  for (std::size_t i = 0; i < words; ++i)
    out[i] = ::cudacpu::detail::warp_collective(::cudacpu::detail::warp_op::shfl, mask, in[i], src, where);
  T r;
  std::memcpy(&r, out, sizeof(T));
  return r;
}

/// A group of lanes of one warp, as the reductions and scans see it.
struct lane_set {
  unsigned mask;  ///< lanes of the group
  unsigned lane;  ///< the calling lane
  unsigned rank;  ///< its rank (lanes in increasing order)
  unsigned size;  ///< lanes in the group
  bool contiguous;  ///< lanes are mask's lowest set bit + rank (tiles)
  /// Lane of rank r.
  unsigned lane_at(unsigned r) const { return contiguous ? static_cast<unsigned>(__builtin_ctz(mask)) + r : lane_of(mask, r); }
};

/// Reduction over a lane set in rank order (rank 0 op rank 1 op ...): every lane gets the same value.
template <class T, class Op>
T lanes_reduce(const lane_set& g, T v, Op& op, source_location where) {
  for (unsigned o = 1; o < g.size; o *= 2) {
    const unsigned src = g.rank + o;
    const T other = shuffle(g.mask, v, src < g.size ? g.lane_at(src) : g.lane, where);
    if ((g.rank & (2 * o - 1)) == 0 && src < g.size) v = op(v, other);
  }
  return shuffle(g.mask, v, g.lane_at(0), where);
}

/// Inclusive scan over a lane set in rank order.
template <class T, class Op>
T lanes_inclusive_scan(const lane_set& g, T v, Op& op, source_location where) {
  for (unsigned o = 1; o < g.size; o *= 2) {
    const T other = shuffle(g.mask, v, g.rank >= o ? g.lane_at(g.rank - o) : g.lane, where);
    if (g.rank >= o) v = op(other, v);
  }
  return v;
}

// ---- per-block bookkeeping for tiles over 32 threads and coalesced_threads() ----

template <class T>
T ld(const T& x) {
  return __atomic_load_n(&x, __ATOMIC_ACQUIRE);
}
template <class T, class U>
void st(T& x, U v) {
  __atomic_store_n(&x, static_cast<T>(v), __ATOMIC_RELEASE);
}

/// Lanes of one warp that wait in coalesced_threads() at one call site.
struct coalesce_window {
  const char* file;         ///< the call site
  unsigned line;            ///< its line
  unsigned column;          ///< its column (0 in C++17)
  unsigned arriving;        ///< lanes that arrived and wait for the group to close
  unsigned gen;             ///< groups closed so far in this window
  unsigned result[4];       ///< the last groups' masks, by gen % 4
};
inline constexpr int k_windows = 4;  // call sites of coalesced_threads() open at once in one warp
/// coalesced_threads() state of one warp.
struct warp_state {
  std::uint32_t epoch;  ///< block the state belongs to
  coalesce_window windows[k_windows];
};
/// Barrier and exchange slots of one tile over 32 threads.
struct big_tile_state {
  std::uint32_t epoch;     ///< block the state belongs to
  unsigned arrived;        ///< warps in the barrier
  unsigned gen;            ///< barriers completed (mod 3 * 2^30)
  unsigned votes[3];       ///< any/all counts, by gen % 3
  std::uint64_t bcast[3];  ///< shfl words, by gen % 3
};
/// What a worker keeps for the block it runs.
struct block_state {
  std::uint32_t epoch;  ///< counts the blocks this worker has run cooperative groups in
  warp_state warps[32];
  big_tile_state tiles[5][16];  // sizes 64, 128, 256, 512, 1024; 1024 / size tiles each
};
/// One per worker (OS thread): every CUDA thread of a block runs on its worker's thread.
inline thread_local block_state tls_state;

/// The running block's state, reset when a new block is seen. The marker is a hidden 4-byte __shared__ variable:
/// a new block's shared memory starts as 0xFF bytes, which never equals an epoch.
inline block_state& state(source_location where) {
  std::uint32_t& marker = ::cudacpu::shared_variable<std::uint32_t>([] {}, where);
  block_state& s = tls_state;
  const std::uint32_t e = ld(s.epoch);
  if (e == 0 || ld(marker) != e) {
    std::uint32_t next = e + 1;
    if (next == 0 || next == 0xffffffffu) next = 1;
    st(s.epoch, next);
    st(marker, next);
  }
  return s;
}

/// Barrier of the tile state `t` over `warps` whole warps (the calling warp is one of them).
inline void big_tile_barrier(big_tile_state& t, unsigned warps, source_location where) {
  __syncwarp(0xffffffffu, where);
  if (::cudacpu::detail::lane_id() == 0) {
    const unsigned g = ld(t.gen);
    if (__atomic_add_fetch(&t.arrived, 1u, __ATOMIC_ACQ_REL) == warps) {
      const unsigned next = g + 1 == 3u * 0x40000000u ? 0u : g + 1;
      st(t.arrived, 0u);
      st(t.votes[(next + 1) % 3], 0u);  // the any/all slot of two barriers on: its last readers are past
      st(t.gen, next);
    } else {
      while (ld(t.gen) == g) ::cudacpu::detail::spin_yield(where);
    }
  }
  __syncwarp(0xffffffffu, where);
}

/// The calling thread's tile of `size` (64 ... 1024) threads.
inline big_tile_state& big_tile(unsigned size, source_location where) {
  block_state& s = state(where);
  const unsigned cls = static_cast<unsigned>(__builtin_ctz(size)) - 6;
  big_tile_state& t = s.tiles[cls][block_rank() / size];
  if (ld(t.epoch) != ld(s.epoch)) {
    st(t.arrived, 0u);
    st(t.gen, 0u);
    for (unsigned& v : t.votes) st(v, 0u);
    st(t.epoch, ld(s.epoch));
  }
  return t;
}

/// tile.sync() for a tile over 32 threads.
inline void big_tile_sync(unsigned size, source_location where) { big_tile_barrier(big_tile(size, where), size / 32, where); }

/// Broadcast of `v` from tile rank `src` (the same for every thread) over a tile of `size` > 32 threads.
template <class T>
T big_tile_broadcast(unsigned size, const T& v, unsigned src, source_location where) {
  static_assert(std::is_trivially_copyable_v<T>, "cooperative groups shuffle trivially copyable types only");
  big_tile_state& t = big_tile(size, where);
  constexpr std::size_t words = (sizeof(T) + 7) / 8;
  std::uint64_t in[words] = {};
  std::memcpy(in, &v, sizeof(T));
  std::uint64_t out[words];
  const bool source = block_rank() % size == src % size;
  for (std::size_t i = 0; i < words; ++i) {
    const unsigned slot = ld(t.gen) % 3;  // the same for every thread of the tile until the barrier below
    if (source) st(t.bcast[slot], in[i]);
    big_tile_barrier(t, size / 32, where);
    out[i] = ld(t.bcast[slot]);
  }
  T r;
  std::memcpy(&r, out, sizeof(T));
  return r;
}

/// How many threads of a tile over 32 threads passed a non-zero predicate.
inline unsigned big_tile_count(unsigned size, int pred, source_location where) {
  big_tile_state& t = big_tile(size, where);
  const unsigned slot = ld(t.gen) % 3;
  if (pred) __atomic_add_fetch(&t.votes[slot], 1u, __ATOMIC_ACQ_REL);
  big_tile_barrier(t, size / 32, where);
  return ld(t.votes[slot]);
}

/// Groups lanes of the calling warp that arrive at this call site together (coalesced_threads()).
inline unsigned coalesce(source_location where) {
  block_state& s = state(where);
  const unsigned rank = block_rank();
  warp_state& w = s.warps[rank / 32];
  if (ld(w.epoch) != ld(s.epoch)) {
    for (coalesce_window& c : w.windows) {
      st(c.arriving, 0u);
      st(c.gen, 0u);
    }
    st(w.epoch, ld(s.epoch));
  }
  const unsigned bit = 1u << (rank % 32);
  auto same = [&](const coalesce_window& c) {
    const char* f = ld(c.file);
    return ld(c.line) == where.line() && ld(c.column) == where.column() &&
           (f == where.file_name() || std::strcmp(f, where.file_name()) == 0);
  };
  coalesce_window* win = nullptr;
  for (coalesce_window& c : w.windows)
    if (ld(c.arriving) != 0 && same(c)) win = &c;
  if (win == nullptr) {
    for (coalesce_window& c : w.windows)
      if (ld(c.arriving) == 0) {
        win = &c;
        st(c.file, where.file_name());
        st(c.line, where.line());
        st(c.column, where.column());
        break;
      }
  }
  if (win == nullptr)
    misuse(where, "coalesced_threads(): lanes of warp %u wait in more than %d different coalesced_threads() calls at once",
           rank / 32, k_windows);
  const unsigned g = ld(win->gen);
  unsigned seen = __atomic_or_fetch(&win->arriving, bit, __ATOMIC_ACQ_REL);
  // Until every live lane of the warp is here, let the block's other threads run, a whole pass at a time: the lanes
  // that reach this call meanwhile arrive "together". The first waiting lane to see a pass bring nobody new (the
  // others are blocked elsewhere, exited, or spinning) closes the group; the rest read it.
  while (ld(win->gen) == g) {
    if (seen != ::cudacpu::detail::live_lanes()) {
      ::cudacpu::detail::spin_yield(where);
      if (ld(win->gen) != g) break;
      const unsigned now = ld(win->arriving);
      if (now != seen) {
        seen = now;
        continue;
      }
    }
    st(win->result[g % 4], __atomic_exchange_n(&win->arriving, 0u, __ATOMIC_ACQ_REL));
    st(win->gen, g + 1);
  }
  return ld(win->result[g % 4]);
}

}  // namespace cudacpu::cg_detail

namespace cooperative_groups {

class thread_group;
class thread_block;
class coalesced_group;
class grid_group;
template <unsigned Size, class ParentT = void>
class thread_block_tile;

/// Splits `parent` (the block or a tile) into tiles of Size consecutive threads (defined below).
template <unsigned Size, class ParentT>
thread_block_tile<Size, ParentT> tiled_partition(const ParentT& parent,
                                                 cudacpu::source_location where = cudacpu::source_location::current());
/// Splits `parent` into tiles of `tile_size` consecutive ranks (defined below).
thread_group tiled_partition(const thread_group& parent, unsigned tile_size,
                             cudacpu::source_location where = cudacpu::source_location::current());

namespace cudacpu_detail {
/// What a thread_group handle holds.
enum class group_kind : unsigned char { block, lanes, big_tile, grid };
}  // namespace cudacpu_detail

/// A group of threads of any kind (block, tile, coalesced group, grid): what the others convert to.
class thread_group {
 public:
  /// Barrier over the group's threads.
  void sync(cudacpu::source_location where = cudacpu::source_location::current()) const;
  /// Rank of the calling thread in the group, in [0, num_threads()).
  unsigned long long thread_rank() const;
  /// Threads in the group.
  unsigned long long num_threads() const;
  /// Threads in the group (older name).
  unsigned long long size() const { return num_threads(); }
  /// Whether the group may be used (a grid group only in a cooperative launch).
  bool is_valid() const;

 protected:
  friend class thread_block;
  friend class coalesced_group;
  friend class grid_group;
  template <unsigned, class>
  friend class thread_block_tile;
  friend thread_group tiled_partition(const thread_group& parent, unsigned tile_size, cudacpu::source_location where);

  thread_group(cudacpu_detail::group_kind kind, unsigned mask, unsigned size) : kind_(kind), mask_(mask), size_(size) {}

  cudacpu_detail::group_kind kind_;
  unsigned mask_;  ///< lanes (kind lanes)
  unsigned size_;  ///< threads (kinds lanes and big_tile)
  unsigned meta_rank_ = 0;
  unsigned meta_size_ = 1;
};

/// The calling thread's block.
class thread_block {
 public:
  /// Block barrier (`__syncthreads`).
  static void sync(cudacpu::source_location where = cudacpu::source_location::current()) { __syncthreads(where); }
  /// Linear index of the calling thread in the block.
  static unsigned thread_rank() { return cudacpu::cg_detail::block_rank(); }
  /// Threads in the block.
  static unsigned num_threads() { return cudacpu::cg_detail::block_size(); }
  /// Threads in the block (older name).
  static unsigned size() { return num_threads(); }
  /// blockIdx.
  static dim3 group_index() { return dim3(blockIdx.x, blockIdx.y, blockIdx.z); }
  /// threadIdx.
  static dim3 thread_index() { return dim3(threadIdx.x, threadIdx.y, threadIdx.z); }
  /// blockDim.
  static dim3 dim_threads() { return blockDim; }
  /// blockDim (older name).
  static dim3 group_dim() { return blockDim; }
  /// Always true.
  static bool is_valid() { return true; }

  /// Token of barrier_arrive().
  struct arrival_token {};
  /// Split barrier, first half: here only a marker; the whole barrier is in barrier_wait().
  arrival_token barrier_arrive() const { return {}; }
  /// Split barrier, second half: a block barrier.
  void barrier_wait(arrival_token&&, cudacpu::source_location where = cudacpu::source_location::current()) const {
    __syncthreads(where);
  }

  /// The type-erased handle.
  operator thread_group() const {  // NOLINT(google-explicit-constructor): CUDA converts implicitly
    return thread_group(cudacpu_detail::group_kind::block, 0, num_threads());
  }
};

/// The calling thread's block.
inline thread_block this_thread_block(cudacpu::source_location where = cudacpu::source_location::current()) {
  cudacpu::cg_detail::require_kernel("this_thread_block()", where);
  return thread_block();
}

/// Scratch memory CUDA needs on GPUs before compute capability 8.0 for tiles over 32 threads. The backend (compute
/// capability 9.0) keeps its own, so this is empty; it still compiles in `__shared__` as CUDA code declares it.
template <unsigned MaxBlockSize = 1024>
struct block_tile_memory {
  static_assert(MaxBlockSize > 0 && MaxBlockSize <= 1024, "block_tile_memory: MaxBlockSize is at most 1024");
  unsigned char unused_;
};

/// The calling thread's block, allowed to split into tiles over 32 threads (as this_thread_block() is here too).
template <unsigned MaxBlockSize>
thread_block this_thread_block(block_tile_memory<MaxBlockSize>& scratch,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
  (void)scratch;
  cudacpu::cg_detail::require_kernel("this_thread_block(block_tile_memory&)", where);
  if (cudacpu::cg_detail::block_size() > MaxBlockSize)
    cudacpu::cg_detail::misuse(where, "this_thread_block(block_tile_memory<%u>&): the block has %u threads, more than %u",
                               MaxBlockSize, cudacpu::cg_detail::block_size(), MaxBlockSize);
  return thread_block();
}

/// A tile of Size consecutive threads of the block (ranks in block order), its parent's type erased.
template <unsigned Size>
class thread_block_tile<Size, void> {
  static_assert(Size >= 1 && Size <= 1024 && (Size & (Size - 1)) == 0,
                "thread_block_tile: the size is a power of two, at most 1024");
  static constexpr bool k_warp = Size <= 32;

 public:
  /// Threads in the tile.
  static constexpr unsigned numThreads = Size;

  /// Lanes of the calling thread's tile within its warp (tiles of at most 32 threads).
  static unsigned build_mask() {
    static_assert(Size <= 32, "build_mask: tiles of at most 32 threads");
    const unsigned lane = cudacpu::detail::lane_id();
    return (Size == 32 ? 0xffffffffu : ((1u << Size) - 1u)) << (lane & ~(Size - 1u));
  }
  /// Barrier over the tile's threads only.
  void sync(cudacpu::source_location where = cudacpu::source_location::current()) const {
    if constexpr (k_warp) {
      __syncwarp(build_mask(), where);
    } else {
      cudacpu::cg_detail::big_tile_sync(Size, where);
    }
  }
  /// Rank within the tile.
  static unsigned long long thread_rank() { return cudacpu::cg_detail::block_rank() & (Size - 1u); }
  /// Threads in the tile.
  static constexpr unsigned long long num_threads() { return Size; }
  /// Threads in the tile (older name).
  static constexpr unsigned long long size() { return Size; }
  /// Index of this tile among the tiles its parent was split into.
  unsigned long long meta_group_rank() const { return meta_rank_; }
  /// Number of tiles the parent was split into.
  unsigned long long meta_group_size() const { return meta_size_; }
  /// Always true.
  static bool is_valid() { return true; }

  /// Value of `var` on tile rank `src_rank` (modulo Size). Over 32 threads every thread must pass the same rank.
  template <class T>
  T shfl(T var, unsigned src_rank, cudacpu::source_location where = cudacpu::source_location::current()) const {
    if constexpr (k_warp) {
      const unsigned lane = cudacpu::detail::lane_id();
      return cudacpu::cg_detail::shuffle(build_mask(), var, (lane & ~(Size - 1u)) + (src_rank & (Size - 1u)), where);
    } else {
      return cudacpu::cg_detail::big_tile_broadcast(Size, var, src_rank, where);
    }
  }
  /// Value of `var` `delta` ranks down (lower ranks keep their own).
  template <class T>
  T shfl_down(T var, unsigned delta, cudacpu::source_location where = cudacpu::source_location::current()) const {
    static_assert(Size <= 32, "thread_block_tile::shfl_down: tiles of at most 32 threads (as in CUDA)");
    const unsigned lane = cudacpu::detail::lane_id();
    const unsigned r = lane & (Size - 1u);
    return cudacpu::cg_detail::shuffle(build_mask(), var, r + delta < Size ? lane + delta : lane, where);
  }
  /// Value of `var` `delta` ranks up (ranks below delta keep their own).
  template <class T>
  T shfl_up(T var, unsigned delta, cudacpu::source_location where = cudacpu::source_location::current()) const {
    static_assert(Size <= 32, "thread_block_tile::shfl_up: tiles of at most 32 threads (as in CUDA)");
    const unsigned lane = cudacpu::detail::lane_id();
    const unsigned r = lane & (Size - 1u);
    return cudacpu::cg_detail::shuffle(build_mask(), var, r >= delta ? lane - delta : lane, where);
  }
  /// Value of `var` on rank `thread_rank() ^ lane_mask` (own value when that is outside the tile).
  template <class T>
  T shfl_xor(T var, unsigned lane_mask, cudacpu::source_location where = cudacpu::source_location::current()) const {
    static_assert(Size <= 32, "thread_block_tile::shfl_xor: tiles of at most 32 threads (as in CUDA)");
    const unsigned lane = cudacpu::detail::lane_id();
    const unsigned r = lane & (Size - 1u), src = r ^ lane_mask;
    return cudacpu::cg_detail::shuffle(build_mask(), var, src < Size ? (lane & ~(Size - 1u)) + src : lane, where);
  }
  /// Non-zero when any rank's predicate is.
  int any(int pred, cudacpu::source_location where = cudacpu::source_location::current()) const {
    if constexpr (k_warp) {
      return __any_sync(build_mask(), pred, where);
    } else {
      return cudacpu::cg_detail::big_tile_count(Size, pred, where) != 0;
    }
  }
  /// Non-zero when every rank's predicate is.
  int all(int pred, cudacpu::source_location where = cudacpu::source_location::current()) const {
    if constexpr (k_warp) {
      return __all_sync(build_mask(), pred, where);
    } else {
      return cudacpu::cg_detail::big_tile_count(Size, pred, where) == Size;
    }
  }
  /// Bit r set when rank r's predicate is non-zero.
  unsigned ballot(int pred, cudacpu::source_location where = cudacpu::source_location::current()) const {
    static_assert(Size <= 32, "thread_block_tile::ballot: tiles of at most 32 threads (as in CUDA)");
    const unsigned lane = cudacpu::detail::lane_id();
    return __ballot_sync(build_mask(), pred, where) >> (lane & ~(Size - 1u));
  }
  /// Bit r set when rank r passed the same value.
  template <class T>
  unsigned match_any(T val, cudacpu::source_location where = cudacpu::source_location::current()) const {
    static_assert(Size <= 32, "thread_block_tile::match_any: tiles of at most 32 threads (as in CUDA)");
    const unsigned lane = cudacpu::detail::lane_id();
    return __match_any_sync(build_mask(), val, where) >> (lane & ~(Size - 1u));
  }
  /// All ranks' bits when every rank passed the same value (pred = 1), else 0 (pred = 0).
  template <class T>
  unsigned match_all(T val, int& pred, cudacpu::source_location where = cudacpu::source_location::current()) const {
    static_assert(Size <= 32, "thread_block_tile::match_all: tiles of at most 32 threads (as in CUDA)");
    const unsigned lane = cudacpu::detail::lane_id();
    return __match_all_sync(build_mask(), val, &pred, where) >> (lane & ~(Size - 1u));
  }

  /// The type-erased handle.
  operator thread_group() const {  // NOLINT(google-explicit-constructor): CUDA converts implicitly
    if constexpr (k_warp) {
      thread_group g(cudacpu_detail::group_kind::lanes, build_mask(), Size);
      g.meta_rank_ = meta_rank_;
      g.meta_size_ = meta_size_;
      return g;
    } else {
      thread_group g(cudacpu_detail::group_kind::big_tile, 0, Size);
      g.meta_rank_ = meta_rank_;
      g.meta_size_ = meta_size_;
      return g;
    }
  }

  /// The calling thread's lanes as the reductions see them (tiles of at most 32 threads): the last tile of a block
  /// whose size is not a multiple of 32 has only the lanes that exist.
  cudacpu::cg_detail::lane_set lanes() const {
    const unsigned lane = cudacpu::detail::lane_id();
    const unsigned m = build_mask() & cudacpu::cg_detail::warp_lanes();
    return {m, lane, lane & (Size - 1u), static_cast<unsigned>(__builtin_popcount(m)), true};
  }

 protected:
  thread_block_tile(unsigned meta_rank, unsigned meta_size) : meta_rank_(meta_rank), meta_size_(meta_size) {}
  template <unsigned, class>
  friend class thread_block_tile;
  template <unsigned S, class P>
  friend thread_block_tile<S, P> tiled_partition(const P& parent, cudacpu::source_location where);
  friend thread_block_tile<1, void> this_thread();

  unsigned meta_rank_;
  unsigned meta_size_;
};

/// A tile whose type remembers its parent's; converts to thread_block_tile<Size> (the parent erased).
template <unsigned Size, class ParentT>
class thread_block_tile : public thread_block_tile<Size, void> {
 protected:
  thread_block_tile(unsigned meta_rank, unsigned meta_size) : thread_block_tile<Size, void>(meta_rank, meta_size) {}
  template <unsigned S, class P>
  friend thread_block_tile<S, P> tiled_partition(const P& parent, cudacpu::source_location where);
};

/// The calling thread alone, as a group of one.
inline thread_block_tile<1, void> this_thread() { return thread_block_tile<1, void>(0, 1); }

namespace cudacpu_detail {
template <class P>
struct is_tile : std::false_type {};
template <unsigned S, class X>
struct is_tile<thread_block_tile<S, X>> : std::true_type {
  static constexpr unsigned size = S;
};
}  // namespace cudacpu_detail

/// Splits `parent` (the block or a tile) into tiles of Size consecutive threads. A tile of more than 32 threads must
/// divide the parent; the last tile of at most 32 threads may be partial (the lanes of a partial last warp).
template <unsigned Size, class ParentT>
thread_block_tile<Size, ParentT> tiled_partition(const ParentT& parent, cudacpu::source_location where) {
  static_assert(Size >= 1 && Size <= 1024 && (Size & (Size - 1)) == 0,
                "tiled_partition<Size>: Size is a power of two, at most 1024");
  cudacpu::cg_detail::require_kernel("tiled_partition()", where);
  if constexpr (std::is_same_v<ParentT, thread_block>) {
    (void)parent;
    const unsigned n = cudacpu::cg_detail::block_size();
    // A tile of at most 32 threads lies in one warp: the last one of a block that is not a multiple of it has the
    // lanes that exist, as on a GPU (NVIDIA's shfl_scan splits blocks of 120 threads into tiles of 32). A larger
    // tile's barrier would wait for warps that do not exist.
    if (Size > 32 && n % Size != 0)
      cudacpu::cg_detail::misuse(where,
                                 "tiled_partition<%u>(block): the block has %u threads, which is not a multiple of %u "
                                 "(a tile of more than 32 threads must divide the parent group)",
                                 Size, n, Size);
    return thread_block_tile<Size, ParentT>(cudacpu::cg_detail::block_rank() / Size, (n + Size - 1) / Size);
  } else if constexpr (cudacpu_detail::is_tile<ParentT>::value) {
    constexpr unsigned parent_size = cudacpu_detail::is_tile<ParentT>::size;
    static_assert(Size <= parent_size, "tiled_partition<Size>(tile): a tile cannot be larger than its parent");
    (void)parent;
    return thread_block_tile<Size, ParentT>(
        static_cast<unsigned>(cudacpu::cg_detail::block_rank() % parent_size / Size), parent_size / Size);
  } else {
    static_assert(std::is_same_v<ParentT, thread_block>,
                  "tiled_partition<Size>(parent): the parent is a thread_block or a thread_block_tile (use "
                  "tiled_partition(group, size) for a thread_group)");
    return thread_block_tile<Size, ParentT>(0, 1);
  }
}

/// Lanes of one warp that reached a point together (coalesced_threads()), or a partition of such a group.
class coalesced_group {
 public:
  /// Barrier over the group's lanes.
  void sync(cudacpu::source_location where = cudacpu::source_location::current()) const { __syncwarp(mask_, where); }
  /// Rank of the calling lane among the group's lanes (in lane order).
  unsigned long long thread_rank() const { return cudacpu::cg_detail::rank_in(mask_, cudacpu::detail::lane_id()); }
  /// Lanes in the group.
  unsigned long long num_threads() const { return static_cast<unsigned>(__builtin_popcount(mask_)); }
  /// Lanes in the group (older name).
  unsigned long long size() const { return num_threads(); }
  /// Index of this group among those its parent was split into (0 for coalesced_threads()).
  unsigned long long meta_group_rank() const { return meta_rank_; }
  /// Number of groups the parent was split into (1 for coalesced_threads()).
  unsigned long long meta_group_size() const { return meta_size_; }
  /// Always true.
  static bool is_valid() { return true; }

  /// Value of `var` on group rank `src_rank` (modulo the group's size).
  template <class T>
  T shfl(T var, unsigned src_rank, cudacpu::source_location where = cudacpu::source_location::current()) const {
    const unsigned n = static_cast<unsigned>(num_threads());
    return cudacpu::cg_detail::shuffle(mask_, var, cudacpu::cg_detail::lane_of(mask_, src_rank % n), where);
  }
  /// Value of `var` `delta` ranks down (the highest ranks keep their own).
  template <class T>
  T shfl_down(T var, unsigned delta, cudacpu::source_location where = cudacpu::source_location::current()) const {
    const auto g = lanes();
    return cudacpu::cg_detail::shuffle(mask_, var, g.rank + delta < g.size ? g.lane_at(g.rank + delta) : g.lane, where);
  }
  /// Value of `var` `delta` ranks up (ranks below delta keep their own).
  template <class T>
  T shfl_up(T var, unsigned delta, cudacpu::source_location where = cudacpu::source_location::current()) const {
    const auto g = lanes();
    return cudacpu::cg_detail::shuffle(mask_, var, g.rank >= delta ? g.lane_at(g.rank - delta) : g.lane, where);
  }
  /// Non-zero when any lane's predicate is.
  int any(int pred, cudacpu::source_location where = cudacpu::source_location::current()) const {
    return __any_sync(mask_, pred, where);
  }
  /// Non-zero when every lane's predicate is.
  int all(int pred, cudacpu::source_location where = cudacpu::source_location::current()) const {
    return __all_sync(mask_, pred, where);
  }
  /// Bit r set when group rank r's predicate is non-zero.
  unsigned ballot(int pred, cudacpu::source_location where = cudacpu::source_location::current()) const {
    return cudacpu::cg_detail::pack_lanes(__ballot_sync(mask_, pred, where), mask_);
  }
  /// Bit r set when group rank r passed the same value.
  template <class T>
  unsigned match_any(T val, cudacpu::source_location where = cudacpu::source_location::current()) const {
    return cudacpu::cg_detail::pack_lanes(__match_any_sync(mask_, val, where), mask_);
  }
  /// All ranks' bits when every lane passed the same value (pred = 1), else 0 (pred = 0).
  template <class T>
  unsigned match_all(T val, int& pred, cudacpu::source_location where = cudacpu::source_location::current()) const {
    return cudacpu::cg_detail::pack_lanes(__match_all_sync(mask_, val, &pred, where), mask_);
  }

  /// The type-erased handle.
  operator thread_group() const {  // NOLINT(google-explicit-constructor): CUDA converts implicitly
    thread_group g(cudacpu_detail::group_kind::lanes, mask_, static_cast<unsigned>(num_threads()));
    g.meta_rank_ = meta_rank_;
    g.meta_size_ = meta_size_;
    return g;
  }

  /// The calling lane's view, as the reductions see it.
  cudacpu::cg_detail::lane_set lanes() const {
    const unsigned lane = cudacpu::detail::lane_id();
    return {mask_, lane, cudacpu::cg_detail::rank_in(mask_, lane), static_cast<unsigned>(__builtin_popcount(mask_)),
            false};
  }
  /// Lanes of the group (bit l: lane l of the warp).
  unsigned cudacpu_mask() const { return mask_; }

  /// A group of the lanes in `mask` (the calling lane among them).
  explicit coalesced_group(unsigned mask, unsigned meta_rank = 0, unsigned meta_size = 1)
      : mask_(mask), meta_rank_(meta_rank), meta_size_(meta_size) {}

 private:
  unsigned mask_;
  unsigned meta_rank_;
  unsigned meta_size_;
};

/// The lanes of the calling warp that reach this call together (the active lanes on a GPU).
inline coalesced_group coalesced_threads(cudacpu::source_location where = cudacpu::source_location::current()) {
  cudacpu::cg_detail::require_kernel("coalesced_threads()", where);
  return coalesced_group(cudacpu::cg_detail::coalesce(where));
}

/// Splits a coalesced group into groups of threads with equal labels (a collective of the group).
template <class Label>
coalesced_group labeled_partition(const coalesced_group& g, Label label,
                                  cudacpu::source_location where = cudacpu::source_location::current()) {
  static_assert(std::is_integral_v<Label>, "labeled_partition: the label is of an integral type");
  return coalesced_group(__match_any_sync(g.cudacpu_mask(), label, where));
}
/// Splits a tile of at most 32 threads into groups of threads with equal labels (a collective of the tile).
template <unsigned Size, class P, class Label>
coalesced_group labeled_partition(const thread_block_tile<Size, P>& g, Label label,
                                  cudacpu::source_location where = cudacpu::source_location::current()) {
  static_assert(Size <= 32, "labeled_partition: tiles of at most 32 threads (as in CUDA)");
  static_assert(std::is_integral_v<Label>, "labeled_partition: the label is of an integral type");
  return coalesced_group(__match_any_sync(g.build_mask(), label, where));
}
/// Splits a coalesced group by a predicate (labeled_partition with labels 0 and 1).
inline coalesced_group binary_partition(const coalesced_group& g, bool pred,
                                        cudacpu::source_location where = cudacpu::source_location::current()) {
  const unsigned set = __ballot_sync(g.cudacpu_mask(), pred, where);
  return coalesced_group(pred ? set : g.cudacpu_mask() & ~set);
}
/// Splits a tile of at most 32 threads by a predicate.
template <unsigned Size, class P>
coalesced_group binary_partition(const thread_block_tile<Size, P>& g, bool pred,
                                 cudacpu::source_location where = cudacpu::source_location::current()) {
  static_assert(Size <= 32, "binary_partition: tiles of at most 32 threads (as in CUDA)");
  const unsigned m = g.build_mask(), set = __ballot_sync(m, pred, where);
  return coalesced_group(pred ? set : m & ~set);
}

/// Splits a coalesced group into groups of `tile_size` consecutive ranks (a power of two, at most 32).
inline coalesced_group tiled_partition(const coalesced_group& parent, unsigned tile_size,
                                       cudacpu::source_location where = cudacpu::source_location::current()) {
  if (!cudacpu::cg_detail::is_pow2(tile_size) || tile_size > 32)
    cudacpu::cg_detail::misuse(where, "tiled_partition(coalesced_group, %u): the size is a power of two, at most 32",
                               tile_size);
  const auto g = parent.lanes();
  const unsigned first = g.rank / tile_size * tile_size;
  unsigned m = 0;
  for (unsigned r = first; r < first + tile_size && r < g.size; ++r) m |= 1u << g.lane_at(r);
  return coalesced_group(m, g.rank / tile_size, (g.size + tile_size - 1) / tile_size);
}

/// Splits `parent` into tiles of `tile_size` consecutive ranks (a power of two, at most 32; a last, partial tile has
/// the threads that are left).
inline thread_group tiled_partition(const thread_group& parent, unsigned tile_size, cudacpu::source_location where) {
  using cudacpu_detail::group_kind;
  cudacpu::cg_detail::require_kernel("tiled_partition()", where);
  if (!cudacpu::cg_detail::is_pow2(tile_size) || tile_size > 32)
    cudacpu::cg_detail::misuse(where,
                               "tiled_partition(group, %u): the size is a power of two, at most 32 (CUDA's dynamic "
                               "tiles; tiled_partition<N> makes larger ones)",
                               tile_size);
  if (parent.kind_ == group_kind::grid)
    cudacpu::cg_detail::misuse(where, "tiled_partition(group, %u): a grid group cannot be split into tiles", tile_size);
  const unsigned n = static_cast<unsigned>(parent.num_threads());
  const unsigned lane = cudacpu::detail::lane_id();
  const unsigned rank = static_cast<unsigned>(parent.thread_rank());
  if (parent.kind_ == group_kind::lanes) {  // a tile or a coalesced group: consecutive ranks
    coalesced_group c(parent.mask_);
    const auto g = c.lanes();
    const unsigned first = g.rank / tile_size * tile_size;
    unsigned m = 0;
    for (unsigned r = first; r < first + tile_size && r < g.size; ++r) m |= 1u << g.lane_at(r);
    thread_group t(group_kind::lanes, m, static_cast<unsigned>(__builtin_popcount(m)));
    t.meta_rank_ = rank / tile_size;
    t.meta_size_ = (n + tile_size - 1) / tile_size;
    return t;
  }
  // The block or a tile over 32 threads: ranks follow lanes; the last tile of a partial warp has the lanes that exist.
  const unsigned m = ((tile_size == 32 ? 0xffffffffu : ((1u << tile_size) - 1u)) << (lane & ~(tile_size - 1u))) &
                     cudacpu::cg_detail::warp_lanes();
  thread_group t(group_kind::lanes, m, static_cast<unsigned>(__builtin_popcount(m)));
  t.meta_rank_ = rank / tile_size;
  t.meta_size_ = (n + tile_size - 1) / tile_size;
  return t;
}
/// Splits the block into tiles of `tile_size` threads (see tiled_partition(const thread_group&, unsigned)).
inline thread_group tiled_partition(const thread_block& parent, unsigned tile_size,
                                    cudacpu::source_location where = cudacpu::source_location::current()) {
  return tiled_partition(static_cast<thread_group>(parent), tile_size, where);
}

/// All threads of the grid. Its sync() needs a cooperative launch (cudaLaunchCooperativeKernel).
class grid_group {
 public:
  /// Whether the grid can synchronise (launched by cudaLaunchCooperativeKernel).
  static bool is_valid() { return cudacpu::detail::in_cooperative_launch(); }
  /// Barrier over every thread of the grid.
  static void sync(cudacpu::source_location where = cudacpu::source_location::current()) {
    cudacpu::detail::grid_sync(where);
  }
  /// Rank of the calling thread in the grid (block rank * threads per block + rank in the block).
  static unsigned long long thread_rank() {
    return cudacpu::cg_detail::grid_block_rank() * cudacpu::cg_detail::block_size() + cudacpu::cg_detail::block_rank();
  }
  /// Rank of the calling block in the grid.
  static unsigned long long block_rank() { return cudacpu::cg_detail::grid_block_rank(); }
  /// Threads in the grid.
  static unsigned long long num_threads() { return cudacpu::cg_detail::grid_blocks() * cudacpu::cg_detail::block_size(); }
  /// Threads in the grid (older name).
  static unsigned long long size() { return num_threads(); }
  /// Blocks in the grid.
  static unsigned long long num_blocks() { return cudacpu::cg_detail::grid_blocks(); }
  /// gridDim.
  static dim3 dim_blocks() { return gridDim; }
  /// gridDim (older name).
  static dim3 group_dim() { return gridDim; }
  /// blockIdx.
  static dim3 block_index() { return dim3(blockIdx.x, blockIdx.y, blockIdx.z); }

  /// Token of barrier_arrive().
  struct arrival_token {};
  /// Split barrier, first half: here only a marker; the whole barrier is in barrier_wait().
  arrival_token barrier_arrive() const { return {}; }
  /// Split barrier, second half: a grid barrier.
  void barrier_wait(arrival_token&&, cudacpu::source_location where = cudacpu::source_location::current()) const {
    cudacpu::detail::grid_sync(where);
  }

  /// The type-erased handle.
  operator thread_group() const {  // NOLINT(google-explicit-constructor)
    return thread_group(cudacpu_detail::group_kind::grid, 0, 0);
  }
};

/// The calling thread's grid.
inline grid_group this_grid(cudacpu::source_location where = cudacpu::source_location::current()) {
  cudacpu::cg_detail::require_kernel("this_grid()", where);
  return grid_group();
}

inline void thread_group::sync(cudacpu::source_location where) const {
  switch (kind_) {
    case cudacpu_detail::group_kind::block: __syncthreads(where); break;
    case cudacpu_detail::group_kind::lanes: __syncwarp(mask_, where); break;
    case cudacpu_detail::group_kind::big_tile: cudacpu::cg_detail::big_tile_sync(size_, where); break;
    case cudacpu_detail::group_kind::grid: cudacpu::detail::grid_sync(where); break;
  }
}
inline unsigned long long thread_group::thread_rank() const {
  switch (kind_) {
    case cudacpu_detail::group_kind::block: return cudacpu::cg_detail::block_rank();
    case cudacpu_detail::group_kind::lanes: return cudacpu::cg_detail::rank_in(mask_, cudacpu::detail::lane_id());
    case cudacpu_detail::group_kind::big_tile: return cudacpu::cg_detail::block_rank() % size_;
    case cudacpu_detail::group_kind::grid: return grid_group::thread_rank();
  }
  return 0;
}
inline unsigned long long thread_group::num_threads() const {
  switch (kind_) {
    case cudacpu_detail::group_kind::block: return cudacpu::cg_detail::block_size();
    case cudacpu_detail::group_kind::lanes:
    case cudacpu_detail::group_kind::big_tile: return size_;
    case cudacpu_detail::group_kind::grid: return grid_group::num_threads();
  }
  return 0;
}
inline bool thread_group::is_valid() const {
  return kind_ != cudacpu_detail::group_kind::grid || grid_group::is_valid();
}

/// Barrier over any group: `cg::sync(g)` is `g.sync()`.
template <class Group>
void sync(const Group& g, cudacpu::source_location where = cudacpu::source_location::current()) {
  g.sync(where);
}
/// Rank of the calling thread in `g`.
template <class Group>
unsigned long long thread_rank(const Group& g) {
  return g.thread_rank();
}
/// Threads in `g`.
template <class Group>
unsigned long long group_size(const Group& g) {
  return g.num_threads();
}
/// Threads in `g`.
template <class Group>
unsigned long long num_threads(const Group& g) {
  return g.num_threads();
}

// ---- reduce and scan: the function objects of cooperative_groups/reduce.h ----

/// a + b.
template <class T>
struct plus {
  /// a + b.
  T operator()(const T& a, const T& b) const { return a + b; }
};
/// The smaller of two values (not a comparison: as CUDA's cg::less).
template <class T>
struct less {
  /// min(a, b).
  T operator()(const T& a, const T& b) const { return b < a ? b : a; }
};
/// The greater of two values (not a comparison: as CUDA's cg::greater).
template <class T>
struct greater {
  /// max(a, b).
  T operator()(const T& a, const T& b) const { return a < b ? b : a; }
};
/// a & b.
template <class T>
struct bit_and {
  /// a & b.
  T operator()(const T& a, const T& b) const { return a & b; }
};
/// a | b.
template <class T>
struct bit_or {
  /// a | b.
  T operator()(const T& a, const T& b) const { return a | b; }
};
/// a ^ b.
template <class T>
struct bit_xor {
  /// a ^ b.
  T operator()(const T& a, const T& b) const { return a ^ b; }
};

namespace cudacpu_detail {
/// Reduction over a tile over 32 threads: per warp, then the warps' results in rank order through the tile's slots.
template <unsigned Size, class T, class Op>
T big_tile_reduce(T v, Op& op, cudacpu::source_location where) {
  const unsigned lane = cudacpu::detail::lane_id();
  const cudacpu::cg_detail::lane_set warp{0xffffffffu, lane, lane, 32, true};
  const T mine = cudacpu::cg_detail::lanes_reduce(warp, v, op, where);
  T acc = cudacpu::cg_detail::big_tile_broadcast(Size, mine, 0, where);
  for (unsigned w = 1; w < Size / 32; ++w) acc = op(acc, cudacpu::cg_detail::big_tile_broadcast(Size, mine, w * 32, where));
  return acc;
}
/// Inclusive scan over a tile over 32 threads: per warp, then the totals of the warps before.
template <unsigned Size, class T, class Op>
T big_tile_inclusive_scan(T v, Op& op, cudacpu::source_location where) {
  const unsigned lane = cudacpu::detail::lane_id();
  const cudacpu::cg_detail::lane_set warp{0xffffffffu, lane, lane, 32, true};
  T mine = cudacpu::cg_detail::lanes_inclusive_scan(warp, v, op, where);
  const unsigned my_warp = cudacpu::cg_detail::block_rank() % Size / 32;
  T prefix{};
  for (unsigned w = 0; w + 1 < Size / 32; ++w) {
    const T total = cudacpu::cg_detail::big_tile_broadcast(Size, mine, w * 32 + 31, where);
    if (w < my_warp) prefix = w == 0 ? total : op(prefix, total);
  }
  return my_warp == 0 ? mine : op(prefix, mine);
}
template <class G>
struct is_lane_group : std::false_type {};
template <>
struct is_lane_group<coalesced_group> : std::true_type {};
template <unsigned S, class P>
struct is_lane_group<thread_block_tile<S, P>> : std::bool_constant<(S <= 32)> {};
template <class G>
struct is_big_tile : std::false_type {};
template <unsigned S, class P>
struct is_big_tile<thread_block_tile<S, P>> : std::bool_constant<(S > 32)> {
  static constexpr unsigned size = S;
};
}  // namespace cudacpu_detail

/// Reduces `val` over the group with `op` (cg::plus<T>(), cg::less<T>(), ..., or any callable); every thread of the
/// group gets the result. The group is a thread_block_tile or a coalesced_group.
template <class Group, class TyArg, class Op>
auto reduce(const Group& group, TyArg&& val, Op&& op,
            cudacpu::source_location where = cudacpu::source_location::current()) -> std::decay_t<decltype(op(val, val))> {
  using T = std::decay_t<decltype(op(val, val))>;
  static_assert(cudacpu_detail::is_lane_group<Group>::value || cudacpu_detail::is_big_tile<Group>::value,
                "cg::reduce: the group is a thread_block_tile or a coalesced_group (as in CUDA)");
  static_assert(std::is_trivially_copyable_v<T>, "cg::reduce: the value is trivially copyable");
  auto& fn = op;
  if constexpr (cudacpu_detail::is_big_tile<Group>::value) {
    return cudacpu_detail::big_tile_reduce<cudacpu_detail::is_big_tile<Group>::size>(T(val), fn, where);
  } else {
    return cudacpu::cg_detail::lanes_reduce(group.lanes(), T(val), fn, where);
  }
}

/// Inclusive scan of `val` over the group's ranks with `op` (default cg::plus).
template <class Group, class TyVal, class Op>
auto inclusive_scan(const Group& group, TyVal&& val, Op&& op,
                    cudacpu::source_location where = cudacpu::source_location::current())
    -> std::decay_t<decltype(op(val, val))> {
  using T = std::decay_t<decltype(op(val, val))>;
  static_assert(cudacpu_detail::is_lane_group<Group>::value || cudacpu_detail::is_big_tile<Group>::value,
                "cg::inclusive_scan: the group is a thread_block_tile or a coalesced_group (as in CUDA)");
  auto& fn = op;
  if constexpr (cudacpu_detail::is_big_tile<Group>::value) {
    return cudacpu_detail::big_tile_inclusive_scan<cudacpu_detail::is_big_tile<Group>::size>(T(val), fn, where);
  } else {
    return cudacpu::cg_detail::lanes_inclusive_scan(group.lanes(), T(val), fn, where);
  }
}
/// Inclusive scan with cg::plus.
template <class Group, class TyVal>
std::decay_t<TyVal> inclusive_scan(const Group& group, TyVal&& val,
                                   cudacpu::source_location where = cudacpu::source_location::current()) {
  return inclusive_scan(group, std::forward<TyVal>(val), plus<std::decay_t<TyVal>>(), where);
}
/// Exclusive scan: rank r gets op over ranks 0 ... r-1; rank 0 gets a value-initialised T (0 for arithmetic types).
template <class Group, class TyVal, class Op>
auto exclusive_scan(const Group& group, TyVal&& val, Op&& op,
                    cudacpu::source_location where = cudacpu::source_location::current())
    -> std::decay_t<decltype(op(val, val))> {
  using T = std::decay_t<decltype(op(val, val))>;
  const T inc = inclusive_scan(group, std::forward<TyVal>(val), op, where);
  if constexpr (cudacpu_detail::is_big_tile<Group>::value) {
    // Tiles over 32 threads have no shfl_up: shift through the lanes, fixing each warp's lane 0 from the warp below.
    constexpr unsigned size = cudacpu_detail::is_big_tile<Group>::size;
    const unsigned lane = cudacpu::detail::lane_id();
    const T up = cudacpu::cg_detail::shuffle(0xffffffffu, inc, lane == 0 ? 0u : lane - 1, where);
    const unsigned my_warp = cudacpu::cg_detail::block_rank() % size / 32;
    T below{};
    for (unsigned w = 0; w + 1 < size / 32; ++w) {
      const T last = cudacpu::cg_detail::big_tile_broadcast(size, inc, w * 32 + 31, where);
      if (w + 1 == my_warp) below = last;
    }
    if (lane != 0) return up;
    return my_warp == 0 ? T{} : below;
  } else {
    const auto g = group.lanes();
    const T up = cudacpu::cg_detail::shuffle(g.mask, inc, g.rank == 0 ? g.lane : g.lane_at(g.rank - 1), where);
    return g.rank == 0 ? T{} : up;
  }
}
/// Exclusive scan with cg::plus.
template <class Group, class TyVal>
std::decay_t<TyVal> exclusive_scan(const Group& group, TyVal&& val,
                                   cudacpu::source_location where = cudacpu::source_location::current()) {
  return exclusive_scan(group, std::forward<TyVal>(val), plus<std::decay_t<TyVal>>(), where);
}

// ---- memcpy_async (cooperative_groups/memcpy_async.h): a collective copy, done at once ----

/// Copies `bytes` bytes from `src` to `dst` as a collective of `group`: each thread copies its share now; the data
/// may be read once every thread of the group has passed cg::wait(group) (a barrier of the group here).
template <class Group, class TyElem, class TyShape>
void memcpy_async(const Group& group, TyElem* dst, const TyElem* src, const TyShape& shape) {
  const auto bytes = static_cast<std::size_t>(shape);
  const auto n = static_cast<std::size_t>(group.num_threads()), r = static_cast<std::size_t>(group.thread_rank());
  const std::size_t begin = bytes * r / n, end = bytes * (r + 1) / n;
  if (end > begin) std::memcpy(reinterpret_cast<char*>(dst) + begin, reinterpret_cast<const char*>(src) + begin, end - begin);
}
/// Copies min(dst_count, src_count) elements (layouts counted in elements).
template <class Group, class TyElem, class TyDstLayout, class TySrcLayout>
void memcpy_async(const Group& group, TyElem* dst, const TyDstLayout& dst_layout, const TyElem* src,
                  const TySrcLayout& src_layout) {
  const auto a = static_cast<std::size_t>(dst_layout), b = static_cast<std::size_t>(src_layout);
  memcpy_async(group, dst, src, (a < b ? a : b) * sizeof(TyElem));
}
/// Waits for the group's memcpy_async copies: a barrier of the group.
template <class Group>
void wait(const Group& group, cudacpu::source_location where = cudacpu::source_location::current()) {
  group.sync(where);
}
/// Waits for all but the last NumStages copies: a barrier of the group (every copy is already done).
template <unsigned NumStages, class Group>
void wait_prior(const Group& group, cudacpu::source_location where = cudacpu::source_location::current()) {
  group.sync(where);
}

/// CUDA 11's spelling of the tiles over 32 threads.
namespace experimental {
/// CUDA 11's scratch memory for tiles over 32 threads (empty here).
template <unsigned TileCommunicationSize = 8, unsigned MaxBlockSize = 1024>
struct block_tile_memory {
  unsigned char unused_;
};
/// The calling thread's block.
template <unsigned C, unsigned M>
thread_block this_thread_block(block_tile_memory<C, M>& scratch,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
  (void)scratch;
  return ::cooperative_groups::this_thread_block(where);
}
using ::cooperative_groups::tiled_partition;
}  // namespace experimental

}  // namespace cooperative_groups
