/// @file
/// @brief The cudacpu runtime API: allocations and their registry, checked copies, errors, events, streams and
///        device queries.
///
/// Every allocation is registered with where it was made, and freed ones are remembered, so a copy past the end,
/// a copy in the wrong direction or a use after cudaFree can be reported with the learner's file:line and the
/// error code CUDA would return.
#include <errno.h>  // program_invocation_short_name
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cuda_runtime.h"
#include "internal.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define WS_PROTECT_MODE 2  // work watch: device memory is AddressSanitizer poison while host code runs
#elif defined(WS_CUDACPU_TSAN)
#define WS_PROTECT_MODE 0  // ThreadSanitizer and page protection do not mix: no host-access check
#else
#define WS_PROTECT_MODE 1  // work watch: device memory is PROT_NONE while host code runs
#endif

struct CUevent_st {
  std::chrono::steady_clock::time_point time;  // when it was recorded
  bool recorded = false;
};
struct CUstream_st {
  unsigned flags = 0;  // kept only for completeness
};

namespace cudacpu::detail {
namespace {

// ---- settings ----
unsigned read_unsigned_env(const char* name, unsigned fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const unsigned long n = std::strtoul(v, &end, 0);
  return (end != v) ? static_cast<unsigned>(n) : fallback;
}

std::atomic<std::size_t> g_dynamic_smem_limit{48 * 1024};
constexpr std::size_t k_smem_optin_limit = 227 * 1024;

// ---- errors ----
thread_local cudaError_t t_last_error = cudaSuccess;
std::atomic<int> g_sticky{cudaSuccess};

// ---- allocation registry ----
struct live_rec {
  std::size_t size;
  mem_kind kind;
  ::cudacpu::source_location where;
  bool owned;  // allocated by us (freed by cudaFree/cudaFreeHost)
  bool mapped = false;  // its own pages (mmap), so the work watch can protect it
};
struct freed_rec {
  std::size_t size;
  mem_kind kind;
  ::cudacpu::source_location where;
  ::cudacpu::source_location freed_at;
};
std::mutex g_mem_mutex;
std::map<std::uintptr_t, live_rec> g_live;
std::map<std::uintptr_t, freed_rec> g_freed;
std::deque<std::uintptr_t> g_freed_order;  // oldest first, to bound the history
constexpr std::size_t k_freed_history = 1u << 16;

void remember_freed(std::uintptr_t base, const live_rec& r, const ::cudacpu::source_location& at) {
  g_freed[base] = freed_rec{r.size, r.kind, r.where, at};
  g_freed_order.push_back(base);
  if (g_freed_order.size() > k_freed_history) {
    g_freed.erase(g_freed_order.front());
    g_freed_order.pop_front();
  }
}

template <class Map>
typename Map::const_iterator containing(const Map& m, std::uintptr_t p, bool allow_end) {
  auto it = m.upper_bound(p);
  if (it == m.begin()) return m.end();
  --it;
  if (p < it->first + it->second.size || (allow_end && p == it->first + it->second.size)) return it;
  return m.end();
}

/// A pointer seen by a copy: what it is, and whether `count` bytes from it fit.
struct endpoint {
  mem_lookup info;
  bool device_side() const {
    return info.state == mem_lookup::status::live &&
           (info.kind == mem_kind::device || info.kind == mem_kind::managed || info.kind == mem_kind::symbol);
  }
  bool strictly_device() const {
    return info.state == mem_lookup::status::live && (info.kind == mem_kind::device || info.kind == mem_kind::symbol);
  }
};

const char* kind_name(cudaMemcpyKind k) {
  switch (k) {
    case cudaMemcpyHostToHost: return "cudaMemcpyHostToHost";
    case cudaMemcpyHostToDevice: return "cudaMemcpyHostToDevice";
    case cudaMemcpyDeviceToHost: return "cudaMemcpyDeviceToHost";
    case cudaMemcpyDeviceToDevice: return "cudaMemcpyDeviceToDevice";
    case cudaMemcpyDefault: return "cudaMemcpyDefault";
  }
  return "?";
}

/// Reports an API misuse, records it as the last error and returns it.
cudaError_t api_error(cudaError_t e, const ::cudacpu::source_location& where, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
cudaError_t api_error(cudaError_t e, const ::cudacpu::source_location& where, const char* fmt, ...) {
  if (!quiet()) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    report_error(where, "%s (returns %s)", msg, cudaGetErrorName(e));
  }
  return set_last_error(e);
}

/// Checks one side of a copy: not freed, and `count` bytes inside its allocation. `expects_device`: only then is
/// a pointer into freed device memory an error; host allocations may legitimately reuse those addresses.
bool check_endpoint(const char* api, const char* role, const endpoint& ep, const void* p, std::size_t count,
                    bool expects_device, const ::cudacpu::source_location& where, cudaError_t* err) {
  if (ep.info.state == mem_lookup::status::freed && expects_device) {
    *err = api_error(cudaErrorInvalidValue, where,
                     "%s: the %s %p is %s that was already released by cudaFree at %s:%u (allocated at %s:%u); "
                     "use after free",
                     api, role, p, mem_kind_name(ep.info.kind), ep.info.freed_at.file_name(), ep.info.freed_at.line(),
                     ep.info.allocated.file_name(), ep.info.allocated.line());
    return false;
  }
  if (ep.info.state == mem_lookup::status::live) {
    const std::uintptr_t offset = reinterpret_cast<std::uintptr_t>(p) - ep.info.base;
    if (offset + count > ep.info.size) {
      *err = api_error(cudaErrorInvalidValue, where,
                       "%s: the %s range [%p, +%zu bytes) runs %zu bytes past the end of its %zu-byte %s "
                       "(allocated at %s:%u; the copy starts at byte offset %zu)",
                       api, role, p, count, static_cast<std::size_t>(offset + count - ep.info.size), ep.info.size,
                       mem_kind_name(ep.info.kind), ep.info.allocated.file_name(), ep.info.allocated.line(),
                       static_cast<std::size_t>(offset));
      return false;
    }
  }
  return true;
}

/// Checks direction and ranges of a (possibly 2D) copy whose extent is `dst_extent`/`src_extent` bytes.
cudaError_t check_copy(const char* api, void* dst, std::size_t dst_extent, const void* src, std::size_t src_extent,
                       cudaMemcpyKind kind, const ::cudacpu::source_location& where) {
  if (static_cast<int>(kind) < 0 || static_cast<int>(kind) > 4) {
    return api_error(cudaErrorInvalidMemcpyDirection, where, "%s: %d is not a cudaMemcpyKind", api,
                     static_cast<int>(kind));
  }
  const endpoint d{find_memory(dst)};
  const endpoint s{find_memory(src)};
  cudaError_t err = cudaSuccess;
  const bool dst_device = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  const bool src_device = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  if (!check_endpoint(api, "destination", d, dst, dst_extent, dst_device, where, &err)) return err;
  if (!check_endpoint(api, "source", s, src, src_extent, src_device, where, &err)) return err;
  const char* kn = kind_name(kind);
  switch (kind) {
    case cudaMemcpyHostToDevice:
      if (!d.device_side())
        return api_error(cudaErrorInvalidValue, where,
                         "%s(%s): the destination %p is not device memory%s", api, kn, dst,
                         s.device_side() ? " but the source is; are dst and src swapped?" : "");
      if (s.strictly_device())
        return api_error(cudaErrorInvalidValue, where,
                         "%s(%s): the source %p is device memory; did you mean cudaMemcpyDeviceToDevice, or are "
                         "dst and src swapped?", api, kn, src);
      break;
    case cudaMemcpyDeviceToHost:
      if (!s.device_side())
        return api_error(cudaErrorInvalidValue, where, "%s(%s): the source %p is not device memory%s", api, kn, src,
                         d.device_side() ? " but the destination is; are dst and src swapped?" : "");
      if (d.strictly_device())
        return api_error(cudaErrorInvalidValue, where,
                         "%s(%s): the destination %p is device memory; did you mean cudaMemcpyDeviceToDevice?", api,
                         kn, dst);
      break;
    case cudaMemcpyDeviceToDevice:
      if (!d.device_side())
        return api_error(cudaErrorInvalidValue, where, "%s(%s): the destination %p is not device memory", api, kn,
                         dst);
      if (!s.device_side())
        return api_error(cudaErrorInvalidValue, where, "%s(%s): the source %p is not device memory", api, kn, src);
      break;
    case cudaMemcpyHostToHost:
      if (d.strictly_device() || s.strictly_device())
        return api_error(cudaErrorInvalidValue, where, "%s(%s): the %s is device memory", api, kn,
                         d.strictly_device() ? "destination" : "source");
      break;
    case cudaMemcpyDefault:
      break;
  }
  return cudaSuccess;
}

std::size_t page_bytes() {
  static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

/// Bytes of whole pages an mmap'd allocation of `size` bytes occupies.
std::size_t mapped_extent(std::size_t size) {
  const std::size_t page = page_bytes();
  return ((size == 0 ? 1 : size) + page - 1) / page * page;
}

/// Whether a (validated) copy moves data from device memory to the host, whatever kind it names.
bool device_to_host(const void* dst, const void* src) {
  return endpoint{find_memory(src)}.device_side() && !endpoint{find_memory(dst)}.device_side();
}

void* allocate_registered(std::size_t size, mem_kind kind, const ::cudacpu::source_location& where) {
  void* p = nullptr;
  // Plain runtime: device memory gets pages of its own, so the work watch can mprotect it without touching the
  // host's heap. Memory mode: 256-byte alignment like cudaMalloc, and the exact size is requested so
  // AddressSanitizer puts its redzone right after the last byte (the watch poisons instead of protecting).
  const bool mapped = WS_PROTECT_MODE == 1 && kind == mem_kind::device;
  if (mapped) {
    p = mmap(nullptr, mapped_extent(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
  } else if (posix_memalign(&p, 256, size == 0 ? 1 : size) != 0) {
    return nullptr;
  }
  // Uninitialised device memory is garbage on a GPU; 0xFF bytes read as NaN (float) or -1 (int) so a kernel that
  // reads what nobody wrote fails visibly instead of seeing zeros.
  if (kind != mem_kind::pinned) std::memset(p, 0xFF, size);
  std::lock_guard<std::mutex> lock(g_mem_mutex);
  g_live[reinterpret_cast<std::uintptr_t>(p)] = live_rec{size, kind, where, true, mapped};
  return p;
}

/// Returns an allocation of ours to the system.
void release_block(std::uintptr_t p, const live_rec& r) {
  if (r.mapped) {
    munmap(reinterpret_cast<void*>(p), mapped_extent(r.size));
  } else {
    std::free(reinterpret_cast<void*>(p));
  }
}

cudaError_t free_registered(void* p, bool host_api, const ::cudacpu::source_location& where) {
  const char* api = host_api ? "cudaFreeHost" : "cudaFree";
  if (p == nullptr) return cudaSuccess;
  const auto key = reinterpret_cast<std::uintptr_t>(p);
  std::unique_lock<std::mutex> lock(g_mem_mutex);
  auto it = g_live.find(key);
  if (it == g_live.end() || !it->second.owned) {
    lock.unlock();
    const mem_lookup m = find_memory(p);
    if (m.state == mem_lookup::status::freed && m.base == key)
      return api_error(cudaErrorInvalidValue, where, "%s(%p): already freed at %s:%u (double free)", api, p,
                       m.freed_at.file_name(), m.freed_at.line());
    if (m.state == mem_lookup::status::live)
      return api_error(cudaErrorInvalidValue, where,
                       "%s(%p): not the start of an allocation (it is byte %zu of the %s allocated at %s:%u)", api, p,
                       static_cast<std::size_t>(key - m.base), mem_kind_name(m.kind), m.allocated.file_name(),
                       m.allocated.line());
    return api_error(cudaErrorInvalidValue, where, "%s(%p): this pointer was not allocated by %s", api, p,
                     host_api ? "cudaMallocHost/cudaHostAlloc" : "cudaMalloc/cudaMallocManaged");
  }
  const bool is_host = it->second.kind == mem_kind::pinned;
  if (is_host != host_api) {
    lock.unlock();
    return api_error(cudaErrorInvalidValue, where, "%s(%p): this is %s; free it with %s", api, p,
                     mem_kind_name(it->second.kind), is_host ? "cudaFreeHost" : "cudaFree");
  }
  remember_freed(key, it->second, where);
  const live_rec rec = it->second;
  g_live.erase(it);
  lock.unlock();
  release_block(key, rec);
  return cudaSuccess;
}

std::size_t physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  return (pages > 0 && page > 0) ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page)
                                 : (std::size_t{8} << 30);
}

std::size_t available_memory() {
  const long pages = sysconf(_SC_AVPHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  return (pages > 0 && page > 0) ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page)
                                 : physical_memory() / 2;
}

}  // namespace

// ---- settings ----
unsigned worker_count() {
  static const unsigned n = [] {
    unsigned hw = std::thread::hardware_concurrency();
    if (hw == 0) hw = 1;
    const unsigned v = read_unsigned_env("WS_CPU_THREADS", hw);
    return std::clamp(v, 1u, 256u);
  }();
  return n;
}

std::uint64_t block_seed() {
  static const std::uint64_t seed = [] {
    const char* v = std::getenv("WS_CPU_SEED");
    if (v == nullptr || *v == '\0') return std::uint64_t{0x5eed2024};
    return static_cast<std::uint64_t>(std::strtoull(v, nullptr, 0));
  }();
  return seed;
}

bool quiet() {
  static const bool q = read_unsigned_env("WS_CPU_QUIET", 0) != 0;
  return q;
}

std::size_t dynamic_smem_limit() { return g_dynamic_smem_limit.load(); }

// ---- errors ----
void report_error(const ::cudacpu::source_location& where, const char* fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  std::fprintf(stderr, "cudacpu: error: %s:%u: %s\n", where.file_name(), static_cast<unsigned>(where.line()), msg);
  std::fflush(stderr);
}

void report_note(const char* fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  std::fprintf(stderr, "cudacpu:   %s\n", msg);
  std::fflush(stderr);
}

cudaError_t set_last_error(cudaError_t e) {
  if (e != cudaSuccess) t_last_error = e;
  return e;
}

void set_sticky_error(cudaError_t e) {
  int expected = cudaSuccess;
  g_sticky.compare_exchange_strong(expected, e);  // the first failure wins, as on a GPU
}

cudaError_t sticky_error() { return static_cast<cudaError_t>(g_sticky.load()); }

// ---- registry ----
mem_lookup find_memory(const void* p, bool allow_end) {
  mem_lookup r;
  if (p == nullptr) return r;
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  std::lock_guard<std::mutex> lock(g_mem_mutex);
  if (auto it = containing(g_live, a, allow_end); it != g_live.end()) {
    r.state = mem_lookup::status::live;
    r.base = it->first;
    r.size = it->second.size;
    r.kind = it->second.kind;
    r.allocated = it->second.where;
    return r;
  }
  if (auto it = containing(g_freed, a, allow_end); it != g_freed.end()) {
    r.state = mem_lookup::status::freed;
    r.base = it->first;
    r.size = it->second.size;
    r.kind = it->second.kind;
    r.allocated = it->second.where;
    r.freed_at = it->second.freed_at;
  }
  return r;
}

void register_device_range(void* p, std::size_t size, const ::cudacpu::source_location& where) {
  std::lock_guard<std::mutex> lock(g_mem_mutex);
  g_live[reinterpret_cast<std::uintptr_t>(p)] = live_rec{size, mem_kind::device, where, false, false};
}

void unregister_device_range(void* p) {
  std::lock_guard<std::mutex> lock(g_mem_mutex);
  g_live.erase(reinterpret_cast<std::uintptr_t>(p));
}

bool check_device_range(const char* api, const char* role, const void* p, std::size_t bytes, const char* outcome,
                        const ::cudacpu::source_location& where) {
  if (bytes == 0) return true;
  const mem_lookup m = find_memory(p);
  if (m.state == mem_lookup::status::live) {
    const std::uintptr_t offset = reinterpret_cast<std::uintptr_t>(p) - m.base;
    if (offset + bytes <= m.size) return true;
    if (!quiet()) {
      report_error(where,
                   "%s: the %s [%p, +%zu bytes) runs %zu bytes past the end of its %zu-byte %s (allocated at "
                   "%s:%u; the range starts at byte offset %zu); %s",
                   api, role, p, bytes, static_cast<std::size_t>(offset + bytes - m.size), m.size,
                   mem_kind_name(m.kind), m.allocated.file_name(), static_cast<unsigned>(m.allocated.line()),
                   static_cast<std::size_t>(offset), outcome);
    }
    return false;
  }
  if (quiet()) return false;
  if (m.state == mem_lookup::status::freed) {
    report_error(where,
                 "%s: the %s %p points into %s that cudaFree released at %s:%u (allocated at %s:%u): a use after "
                 "free (or a host pointer that reuses the address); %s",
                 api, role, p, mem_kind_name(m.kind), m.freed_at.file_name(), static_cast<unsigned>(m.freed_at.line()),
                 m.allocated.file_name(), static_cast<unsigned>(m.allocated.line()), outcome);
  } else {
    report_error(where,
                 "%s: the %s %p is %s (not from cudaMalloc, cudaMallocManaged or cudaMallocHost); the GPU cannot "
                 "use it: copy the data with cudaMemcpy and pass the device pointer; %s",
                 api, role, p, p == nullptr ? "null" : "a host pointer", outcome);
  }
  return false;
}

void register_symbol(const void* symbol, std::size_t size) {
  std::lock_guard<std::mutex> lock(g_mem_mutex);
  g_live.try_emplace(reinterpret_cast<std::uintptr_t>(symbol),
                     live_rec{size, mem_kind::symbol, ::cudacpu::source_location::current(), false, false});
}

const char* mem_kind_name(mem_kind k) {
  switch (k) {
    case mem_kind::device: return "device memory";
    case mem_kind::managed: return "managed memory";
    case mem_kind::pinned: return "pinned host memory";
    case mem_kind::symbol: return "a __device__ variable";
  }
  return "memory";
}

cudaError_t symbol_copy(void* symbol, std::size_t symbol_size, void* buffer, std::size_t count, std::size_t offset,
                        cudaMemcpyKind kind, bool to_symbol, ::cudacpu::source_location where) {
  const char* api = to_symbol ? "cudaMemcpyToSymbol" : "cudaMemcpyFromSymbol";
  if (const cudaError_t s = sticky_error(); s != cudaSuccess) return s;
  if (offset + count > symbol_size)
    return api_error(cudaErrorInvalidValue, where, "%s: %zu bytes at offset %zu do not fit in the %zu-byte symbol",
                     api, count, offset, symbol_size);
  const bool ok_kind = to_symbol ? (kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice ||
                                    kind == cudaMemcpyDefault)
                                 : (kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice ||
                                    kind == cudaMemcpyDefault);
  if (!ok_kind) return api_error(cudaErrorInvalidMemcpyDirection, where, "%s: invalid direction %s", api, kind_name(kind));
  char* sym = static_cast<char*>(symbol) + offset;
  device_work work(work_kind::copy);
  const bool to_host = !to_symbol && !endpoint{find_memory(buffer)}.device_side();
  note_copy(to_symbol ? static_cast<void*>(sym) : buffer, count, to_host, false);
  if (to_symbol)
    std::memcpy(sym, buffer, count);
  else
    std::memcpy(buffer, sym, count);
  return cudaSuccess;
}

cudaError_t set_function_attribute(cudaFuncAttribute attr, int value) {
  if (attr == cudaFuncAttributeMaxDynamicSharedMemorySize) {
    if (value < 0 || static_cast<std::size_t>(value) > k_smem_optin_limit) return set_last_error(cudaErrorInvalidValue);
    std::size_t cur = g_dynamic_smem_limit.load();
    while (static_cast<std::size_t>(value) > cur &&
           !g_dynamic_smem_limit.compare_exchange_weak(cur, static_cast<std::size_t>(value))) {
    }
  }
  return cudaSuccess;
}

cudaError_t function_attributes(cudaFuncAttributes* attr) {
  if (attr == nullptr) return set_last_error(cudaErrorInvalidValue);
  std::memset(attr, 0, sizeof *attr);
  attr->maxThreadsPerBlock = 1024;
  attr->numRegs = 32;
  attr->ptxVersion = 90;
  attr->binaryVersion = 90;
  attr->maxDynamicSharedSizeBytes = static_cast<int>(g_dynamic_smem_limit.load());
  attr->preferredShmemCarveout = -1;
  return cudaSuccess;
}

// ---- the work watch (cudacpu::begin_work_watch) ----
//
// Which code changed the outputs: the ranges are hashed at every boundary of device work (a launch, a cuBLAS call,
// a runtime copy), so a change is attributed to the work it happened in, or to host code when it happened between.
// Host code must not touch device memory at all: while the watch is open and no device work runs, every owned
// cudaMalloc allocation is PROT_NONE (plain runtime: its own pages) or AddressSanitizer poison (memory mode).
namespace {

struct watch_state {
  std::mutex m;
  bool open = false;
  std::vector<work_range> outputs;
  std::uint64_t hash = 0;  // the outputs' hash at the last boundary
  int depth = 0;           // open device_work windows
  work_report report;
};
watch_state g_watch;
std::atomic<bool> g_watch_open{false};

// Protected ranges, for the SIGSEGV handler (which may not lock): published before the protection is set.
struct protected_range {
  std::uintptr_t base;
  std::size_t bytes;
};
constexpr std::size_t k_max_protected = 1u << 14;
[[maybe_unused]] protected_range g_protected[k_max_protected];
std::atomic<std::size_t> g_protected_count{0};
std::atomic<std::uint64_t> g_host_touches{0};
std::atomic<std::uintptr_t> g_touch_address{0};
std::atomic<std::uintptr_t> g_touch_pc{0};
[[maybe_unused]] struct sigaction g_previous_segv;
std::atomic<std::uintptr_t> g_last_fault{0};  // the handler's last address, cleared when protection is set again

std::uint64_t outputs_hash() {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const work_range& r : g_watch.outputs) {
    const auto* p = static_cast<const unsigned char*>(r.begin);
    std::size_t i = 0;
    for (; i + 8 <= r.bytes; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      h = (h ^ w) * 0x100000001b3ull;
      h ^= h >> 29;
    }
    for (; i < r.bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
    h = (h ^ r.bytes) * 0x100000001b3ull;
  }
  return h;
}

/// Protects (or unprotects) every owned cudaMalloc allocation from host code.
void set_protection(bool on) {
#if WS_PROTECT_MODE == 0
  (void)on;
#else
  std::lock_guard<std::mutex> lock(g_mem_mutex);
  std::size_t n = 0;
  if (on) g_protected_count.store(0);
  for (const auto& [base, r] : g_live) {
    if (!r.owned || r.kind != mem_kind::device) continue;
#if WS_PROTECT_MODE == 1
    if (!r.mapped) continue;
    const std::size_t bytes = mapped_extent(r.size);
    if (on) {
      if (n == k_max_protected) continue;  // the handler could not tell its fault from a crash: leave it open
      g_protected[n++] = protected_range{base, bytes};
    }
    mprotect(reinterpret_cast<void*>(base), bytes, on ? PROT_NONE : (PROT_READ | PROT_WRITE));
#else
    if (on) {
      ASAN_POISON_MEMORY_REGION(reinterpret_cast<void*>(base), r.size);
    } else {
      ASAN_UNPOISON_MEMORY_REGION(reinterpret_cast<void*>(base), r.size);
    }
#endif
  }
  if (on) {
    g_protected_count.store(n);
    g_last_fault.store(0);
  }
#endif
}

#if WS_PROTECT_MODE == 1
/// A host access to protected device memory: recorded, unprotected (that allocation) and retried. Any other fault
/// goes to the previous handler.
void on_segv(int sig, siginfo_t* info, void* context) {
  const auto a = reinterpret_cast<std::uintptr_t>(info->si_addr);
  const std::size_t n = g_protected_count.load();
  // The same address twice in a row: unprotecting did not help (the range is gone), so it is a real crash.
  const bool again = g_last_fault.exchange(a) == a;
  for (std::size_t i = 0; i < n && !again; ++i) {
    const protected_range r = g_protected[i];
    if (a < r.base || a >= r.base + r.bytes) continue;
    if (g_host_touches.fetch_add(1) == 0) {
      g_touch_address.store(a);
#if defined(__x86_64__)
      g_touch_pc.store(static_cast<std::uintptr_t>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]));
#endif
    }
    mprotect(reinterpret_cast<void*>(r.base), r.bytes, PROT_READ | PROT_WRITE);
    return;
  }
  (void)sig;
  (void)context;
  sigaction(SIGSEGV, &g_previous_segv, nullptr);  // not ours: the fault repeats and the previous handler sees it
}
#endif

}  // namespace

bool work_watch_open() noexcept { return g_watch_open.load(std::memory_order_relaxed); }

device_work::device_work(work_kind kind) noexcept : active_(g_watch_open.load()), kind_(kind) {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(g_watch.m);
  if (!g_watch.open) {
    active_ = false;
    return;
  }
  if (g_watch.depth++ == 0) {
    set_protection(false);
    const std::uint64_t h = outputs_hash();
    if (h != g_watch.hash) g_watch.report.outputs_changed_by_host_code = true;
    g_watch.hash = h;
  }
  if (kind == work_kind::kernel) ++g_watch.report.kernels;
  if (kind == work_kind::library) ++g_watch.report.library_calls;
}

device_work::~device_work() {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(g_watch.m);
  if (!g_watch.open || --g_watch.depth > 0) return;
  const std::uint64_t h = outputs_hash();
  if (h != g_watch.hash) {
    switch (kind_) {
      case work_kind::kernel: g_watch.report.outputs_changed_by_kernels = true; break;
      case work_kind::library: g_watch.report.outputs_changed_by_library = true; break;
      case work_kind::copy: g_watch.report.outputs_changed_by_copies = true; break;
    }
  }
  g_watch.hash = h;
  set_protection(true);
}

void note_copy(const void* dst, std::size_t dst_bytes, bool device_to_host, bool memset) noexcept {
  if (!g_watch_open.load()) return;
  std::lock_guard<std::mutex> lock(g_watch.m);
  if (!g_watch.open) return;
  if (device_to_host) ++g_watch.report.device_to_host_copies;
  const auto d = reinterpret_cast<std::uintptr_t>(dst);
  for (const work_range& r : g_watch.outputs) {
    const auto b = reinterpret_cast<std::uintptr_t>(r.begin);
    if (d < b + r.bytes && b < d + dst_bytes) {
      ++(memset ? g_watch.report.memsets_into_outputs : g_watch.report.copies_into_outputs);
      break;
    }
  }
}

}  // namespace cudacpu::detail

using namespace cudacpu::detail;

#define WS_STICKY_GUARD()                                                                                         \
  do {                                                                                                            \
    if (const cudaError_t s_ = sticky_error(); s_ != cudaSuccess) return s_;                                      \
  } while (0)

// ---- memory ----
cudaError_t cudaMalloc(void** dev_ptr, std::size_t size, ::cudacpu::source_location where) {
  WS_STICKY_GUARD();
  if (dev_ptr == nullptr) return api_error(cudaErrorInvalidValue, where, "cudaMalloc: devPtr is null");
  *dev_ptr = nullptr;
  if (size == 0) return cudaSuccess;
  device_work work(work_kind::copy);  // a new allocation is protected from host code like the others
  void* p = allocate_registered(size, mem_kind::device, where);
  if (p == nullptr) return api_error(cudaErrorMemoryAllocation, where, "cudaMalloc: cannot allocate %zu bytes", size);
  *dev_ptr = p;
  return cudaSuccess;
}

cudaError_t cudaMallocManaged(void** dev_ptr, std::size_t size, unsigned int flags, ::cudacpu::source_location where) {
  (void)flags;
  WS_STICKY_GUARD();
  if (dev_ptr == nullptr) return api_error(cudaErrorInvalidValue, where, "cudaMallocManaged: devPtr is null");
  *dev_ptr = nullptr;
  if (size == 0) return api_error(cudaErrorInvalidValue, where, "cudaMallocManaged: size is 0");
  void* p = allocate_registered(size, mem_kind::managed, where);
  if (p == nullptr)
    return api_error(cudaErrorMemoryAllocation, where, "cudaMallocManaged: cannot allocate %zu bytes", size);
  *dev_ptr = p;
  return cudaSuccess;
}

cudaError_t cudaMallocHost(void** ptr, std::size_t size, ::cudacpu::source_location where) {
  return cudaHostAlloc(ptr, size, cudaHostAllocDefault, where);
}

cudaError_t cudaHostAlloc(void** ptr, std::size_t size, unsigned int flags, ::cudacpu::source_location where) {
  (void)flags;
  WS_STICKY_GUARD();
  if (ptr == nullptr) return api_error(cudaErrorInvalidValue, where, "cudaMallocHost: ptr is null");
  void* p = allocate_registered(size, mem_kind::pinned, where);
  if (p == nullptr) return api_error(cudaErrorMemoryAllocation, where, "cudaMallocHost: cannot allocate %zu bytes", size);
  *ptr = p;
  return cudaSuccess;
}

cudaError_t cudaMallocPitch(void** dev_ptr, std::size_t* pitch, std::size_t width, std::size_t height,
                            ::cudacpu::source_location where) {
  if (pitch == nullptr) return api_error(cudaErrorInvalidValue, where, "cudaMallocPitch: pitch is null");
  *pitch = (width + 511) / 512 * 512;
  return cudaMalloc(dev_ptr, *pitch * height, where);
}

cudaError_t cudaFree(void* dev_ptr, ::cudacpu::source_location where) {
  WS_STICKY_GUARD();
  device_work work(work_kind::copy);
  return free_registered(dev_ptr, false, where);
}

// ---- stream-ordered allocation ----
// Work runs in issue order when it is issued, so an allocation "at this point of the stream" is a cudaMalloc now and
// a free is a cudaFree now. The pool only keeps its attributes and the bytes it handed out.
struct CUmemPoolHandle_st {
  std::mutex mutex;
  std::uint64_t release_threshold = 0;
  int reuse[3] = {1, 1, 1};
  std::map<void*, std::size_t> live;  // what cudaMallocAsync handed out
  std::uint64_t used_high = 0;
};

namespace {
CUmemPoolHandle_st g_default_pool;

std::uint64_t pool_used(CUmemPoolHandle_st& pool) {
  std::uint64_t used = 0;
  for (const auto& [ptr, bytes] : pool.live) used += bytes;
  return used;
}
}  // namespace

cudaError_t cudaMallocFromPoolAsync(void** dev_ptr, std::size_t size, cudaMemPool_t pool, cudaStream_t stream,
                                    ::cudacpu::source_location where) {
  (void)stream;
  if (pool != &g_default_pool) {
    return api_error(cudaErrorInvalidValue, where, "cudaMallocFromPoolAsync: not a memory pool of this device");
  }
  const cudaError_t e = cudaMalloc(dev_ptr, size, where);
  if (e == cudaSuccess && *dev_ptr != nullptr) {
    const std::lock_guard<std::mutex> lock(pool->mutex);
    pool->live[*dev_ptr] = size;
    pool->used_high = std::max(pool->used_high, pool_used(*pool));
  }
  return e;
}

cudaError_t cudaMallocAsync(void** dev_ptr, std::size_t size, cudaStream_t stream, ::cudacpu::source_location where) {
  return cudaMallocFromPoolAsync(dev_ptr, size, &g_default_pool, stream, where);
}

cudaError_t cudaFreeAsync(void* dev_ptr, cudaStream_t stream, ::cudacpu::source_location where) {
  (void)stream;
  {
    const std::lock_guard<std::mutex> lock(g_default_pool.mutex);
    g_default_pool.live.erase(dev_ptr);
  }
  return cudaFree(dev_ptr, where);
}

cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t* pool, int device) {
  if (pool == nullptr) return set_last_error(cudaErrorInvalidValue);
  if (device != 0) return set_last_error(cudaErrorInvalidDevice);
  *pool = &g_default_pool;
  return cudaSuccess;
}

cudaError_t cudaDeviceGetMemPool(cudaMemPool_t* pool, int device) { return cudaDeviceGetDefaultMemPool(pool, device); }

cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr, void* value) {
  if (pool != &g_default_pool || value == nullptr) return set_last_error(cudaErrorInvalidValue);
  const std::lock_guard<std::mutex> lock(pool->mutex);
  switch (attr) {
    case cudaMemPoolReuseFollowEventDependencies:
    case cudaMemPoolReuseAllowOpportunistic:
    case cudaMemPoolReuseAllowInternalDependencies:
      pool->reuse[attr - 1] = *static_cast<int*>(value);
      return cudaSuccess;
    case cudaMemPoolAttrReleaseThreshold: pool->release_threshold = *static_cast<std::uint64_t*>(value); return cudaSuccess;
    case cudaMemPoolAttrReservedMemHigh:
    case cudaMemPoolAttrUsedMemHigh:
      if (*static_cast<std::uint64_t*>(value) != 0) return set_last_error(cudaErrorInvalidValue);  // only a reset
      pool->used_high = pool_used(*pool);
      return cudaSuccess;
    case cudaMemPoolAttrReservedMemCurrent:
    case cudaMemPoolAttrUsedMemCurrent: break;
  }
  return set_last_error(cudaErrorInvalidValue);
}

cudaError_t cudaMemPoolGetAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr, void* value) {
  if (pool != &g_default_pool || value == nullptr) return set_last_error(cudaErrorInvalidValue);
  const std::lock_guard<std::mutex> lock(pool->mutex);
  switch (attr) {
    case cudaMemPoolReuseFollowEventDependencies:
    case cudaMemPoolReuseAllowOpportunistic:
    case cudaMemPoolReuseAllowInternalDependencies: *static_cast<int*>(value) = pool->reuse[attr - 1]; return cudaSuccess;
    case cudaMemPoolAttrReleaseThreshold: *static_cast<std::uint64_t*>(value) = pool->release_threshold; return cudaSuccess;
    case cudaMemPoolAttrReservedMemCurrent:
    case cudaMemPoolAttrUsedMemCurrent: *static_cast<std::uint64_t*>(value) = pool_used(*pool); return cudaSuccess;
    case cudaMemPoolAttrReservedMemHigh:
    case cudaMemPoolAttrUsedMemHigh: *static_cast<std::uint64_t*>(value) = pool->used_high; return cudaSuccess;
  }
  return set_last_error(cudaErrorInvalidValue);
}

cudaError_t cudaMemPoolTrimTo(cudaMemPool_t pool, std::size_t min_bytes_to_keep) {
  (void)min_bytes_to_keep;
  return pool == &g_default_pool ? cudaSuccess : set_last_error(cudaErrorInvalidValue);
}

cudaError_t cudaFreeHost(void* ptr, ::cudacpu::source_location where) {
  WS_STICKY_GUARD();
  return free_registered(ptr, true, where);
}

cudaError_t cudaHostRegister(void* ptr, std::size_t size, unsigned int flags, ::cudacpu::source_location where) {
  (void)flags;
  if (ptr == nullptr || size == 0) return api_error(cudaErrorInvalidValue, where, "cudaHostRegister: empty range");
  std::lock_guard<std::mutex> lock(g_mem_mutex);
  g_live[reinterpret_cast<std::uintptr_t>(ptr)] = live_rec{size, mem_kind::pinned, where, false, false};
  return cudaSuccess;
}

cudaError_t cudaHostUnregister(void* ptr, ::cudacpu::source_location where) {
  std::lock_guard<std::mutex> lock(g_mem_mutex);
  auto it = g_live.find(reinterpret_cast<std::uintptr_t>(ptr));
  if (it == g_live.end() || it->second.owned || it->second.kind != mem_kind::pinned)
    return set_last_error(cudaErrorHostMemoryNotRegistered);
  (void)where;
  g_live.erase(it);
  return cudaSuccess;
}

cudaError_t cudaHostGetDevicePointer(void** dev_ptr, void* host_ptr, unsigned int flags, ::cudacpu::source_location where) {
  (void)flags;
  const mem_lookup m = find_memory(host_ptr);
  if (m.state != mem_lookup::status::live || m.kind != mem_kind::pinned)
    return api_error(cudaErrorInvalidValue, where, "cudaHostGetDevicePointer: %p is not pinned host memory", host_ptr);
  *dev_ptr = host_ptr;
  return cudaSuccess;
}

cudaError_t cudaMemGetInfo(std::size_t* free_bytes, std::size_t* total_bytes) {
  if (free_bytes) *free_bytes = available_memory();
  if (total_bytes) *total_bytes = physical_memory();
  return cudaSuccess;
}

// ---- copies ----
cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t count, cudaMemcpyKind kind, ::cudacpu::source_location where) {
  WS_STICKY_GUARD();
  if (count == 0) return cudaSuccess;
  if (const cudaError_t e = check_copy("cudaMemcpy", dst, count, src, count, kind, where); e != cudaSuccess) return e;
  if (dst == nullptr || src == nullptr)
    return api_error(cudaErrorInvalidValue, where, "cudaMemcpy: %s is null", dst == nullptr ? "dst" : "src");
  device_work work(work_kind::copy);
  note_copy(dst, count, device_to_host(dst, src), false);
  std::memmove(dst, src, count);
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, std::size_t count, cudaMemcpyKind kind, cudaStream_t stream,
                            ::cudacpu::source_location where) {
  (void)stream;
  return cudaMemcpy(dst, src, count, kind, where);
}

cudaError_t cudaMemcpy2D(void* dst, std::size_t dpitch, const void* src, std::size_t spitch, std::size_t width,
                         std::size_t height, cudaMemcpyKind kind, ::cudacpu::source_location where) {
  WS_STICKY_GUARD();
  if (width == 0 || height == 0) return cudaSuccess;
  if (width > dpitch || width > spitch)
    return api_error(cudaErrorInvalidPitchValue, where,
                     "cudaMemcpy2D: width %zu bytes is larger than dpitch %zu or spitch %zu", width, dpitch, spitch);
  const std::size_t dext = dpitch * (height - 1) + width;
  const std::size_t sext = spitch * (height - 1) + width;
  if (const cudaError_t e = check_copy("cudaMemcpy2D", dst, dext, src, sext, kind, where); e != cudaSuccess) return e;
  device_work work(work_kind::copy);
  note_copy(dst, dext, device_to_host(dst, src), false);
  for (std::size_t r = 0; r < height; ++r)
    std::memmove(static_cast<char*>(dst) + r * dpitch, static_cast<const char*>(src) + r * spitch, width);
  return cudaSuccess;
}

cudaError_t cudaMemcpy2DAsync(void* dst, std::size_t dpitch, const void* src, std::size_t spitch, std::size_t width,
                              std::size_t height, cudaMemcpyKind kind, cudaStream_t stream,
                              ::cudacpu::source_location where) {
  (void)stream;
  return cudaMemcpy2D(dst, dpitch, src, spitch, width, height, kind, where);
}

cudaError_t cudaMemset(void* dev_ptr, int value, std::size_t count, ::cudacpu::source_location where) {
  WS_STICKY_GUARD();
  if (count == 0) return cudaSuccess;
  const endpoint d{find_memory(dev_ptr)};
  cudaError_t err = cudaSuccess;
  if (!check_endpoint("cudaMemset", "destination", d, dev_ptr, count, true, where, &err)) return err;
  if (!d.device_side())
    return api_error(cudaErrorInvalidValue, where, "cudaMemset: %p is not device memory", dev_ptr);
  device_work work(work_kind::copy);
  note_copy(dev_ptr, count, false, true);
  std::memset(dev_ptr, value, count);
  return cudaSuccess;
}

cudaError_t cudaMemsetAsync(void* dev_ptr, int value, std::size_t count, cudaStream_t stream,
                            ::cudacpu::source_location where) {
  (void)stream;
  return cudaMemset(dev_ptr, value, count, where);
}

cudaError_t cudaMemset2D(void* dev_ptr, std::size_t pitch, int value, std::size_t width, std::size_t height,
                         ::cudacpu::source_location where) {
  WS_STICKY_GUARD();
  if (width == 0 || height == 0) return cudaSuccess;
  if (width > pitch) return api_error(cudaErrorInvalidPitchValue, where, "cudaMemset2D: width > pitch");
  const endpoint d{find_memory(dev_ptr)};
  cudaError_t err = cudaSuccess;
  if (!check_endpoint("cudaMemset2D", "destination", d, dev_ptr, pitch * (height - 1) + width, true, where, &err))
    return err;
  if (!d.device_side()) return api_error(cudaErrorInvalidValue, where, "cudaMemset2D: %p is not device memory", dev_ptr);
  device_work work(work_kind::copy);
  note_copy(dev_ptr, pitch * (height - 1) + width, false, true);
  for (std::size_t r = 0; r < height; ++r) std::memset(static_cast<char*>(dev_ptr) + r * pitch, value, width);
  return cudaSuccess;
}

// ---- errors and synchronisation ----
cudaError_t cudaDeviceSynchronize(::cudacpu::source_location where) {
  (void)where;
  return set_last_error(sticky_error());
}

cudaError_t cudaDeviceReset(::cudacpu::source_location where) {
  std::map<std::uintptr_t, live_rec> doomed;
  {
    std::lock_guard<std::mutex> lock(g_mem_mutex);
    for (auto it = g_live.begin(); it != g_live.end();) {
      if (it->second.owned) {
        remember_freed(it->first, it->second, where);  // "freed at" then names the cudaDeviceReset call
        doomed.insert(*it);
        it = g_live.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& [p, rec] : doomed) release_block(p, rec);
  g_sticky.store(cudaSuccess);
  t_last_error = cudaSuccess;
  g_dynamic_smem_limit.store(48 * 1024);
  return cudaSuccess;
}

cudaError_t cudaGetLastError() {
  if (const cudaError_t s = sticky_error(); s != cudaSuccess) return s;
  const cudaError_t e = t_last_error;
  t_last_error = cudaSuccess;
  return e;
}

cudaError_t cudaPeekAtLastError() {
  if (const cudaError_t s = sticky_error(); s != cudaSuccess) return s;
  return t_last_error;
}

const char* cudaGetErrorName(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInitializationError: return "cudaErrorInitializationError";
    case cudaErrorCudartUnloading: return "cudaErrorCudartUnloading";
    case cudaErrorProfilerDisabled: return "cudaErrorProfilerDisabled";
    case cudaErrorProfilerNotInitialized: return "cudaErrorProfilerNotInitialized";
    case cudaErrorProfilerAlreadyStarted: return "cudaErrorProfilerAlreadyStarted";
    case cudaErrorProfilerAlreadyStopped: return "cudaErrorProfilerAlreadyStopped";
    case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
    case cudaErrorInvalidPitchValue: return "cudaErrorInvalidPitchValue";
    case cudaErrorInvalidSymbol: return "cudaErrorInvalidSymbol";
    case cudaErrorInvalidHostPointer: return "cudaErrorInvalidHostPointer";
    case cudaErrorInvalidDevicePointer: return "cudaErrorInvalidDevicePointer";
    case cudaErrorInvalidTexture: return "cudaErrorInvalidTexture";
    case cudaErrorInvalidTextureBinding: return "cudaErrorInvalidTextureBinding";
    case cudaErrorInvalidChannelDescriptor: return "cudaErrorInvalidChannelDescriptor";
    case cudaErrorInvalidMemcpyDirection: return "cudaErrorInvalidMemcpyDirection";
    case cudaErrorAddressOfConstant: return "cudaErrorAddressOfConstant";
    case cudaErrorTextureFetchFailed: return "cudaErrorTextureFetchFailed";
    case cudaErrorTextureNotBound: return "cudaErrorTextureNotBound";
    case cudaErrorSynchronizationError: return "cudaErrorSynchronizationError";
    case cudaErrorInvalidFilterSetting: return "cudaErrorInvalidFilterSetting";
    case cudaErrorInvalidNormSetting: return "cudaErrorInvalidNormSetting";
    case cudaErrorMixedDeviceExecution: return "cudaErrorMixedDeviceExecution";
    case cudaErrorNotYetImplemented: return "cudaErrorNotYetImplemented";
    case cudaErrorMemoryValueTooLarge: return "cudaErrorMemoryValueTooLarge";
    case cudaErrorStubLibrary: return "cudaErrorStubLibrary";
    case cudaErrorInsufficientDriver: return "cudaErrorInsufficientDriver";
    case cudaErrorCallRequiresNewerDriver: return "cudaErrorCallRequiresNewerDriver";
    case cudaErrorInvalidSurface: return "cudaErrorInvalidSurface";
    case cudaErrorDuplicateVariableName: return "cudaErrorDuplicateVariableName";
    case cudaErrorDuplicateTextureName: return "cudaErrorDuplicateTextureName";
    case cudaErrorDuplicateSurfaceName: return "cudaErrorDuplicateSurfaceName";
    case cudaErrorDevicesUnavailable: return "cudaErrorDevicesUnavailable";
    case cudaErrorIncompatibleDriverContext: return "cudaErrorIncompatibleDriverContext";
    case cudaErrorMissingConfiguration: return "cudaErrorMissingConfiguration";
    case cudaErrorPriorLaunchFailure: return "cudaErrorPriorLaunchFailure";
    case cudaErrorLaunchMaxDepthExceeded: return "cudaErrorLaunchMaxDepthExceeded";
    case cudaErrorLaunchFileScopedTex: return "cudaErrorLaunchFileScopedTex";
    case cudaErrorLaunchFileScopedSurf: return "cudaErrorLaunchFileScopedSurf";
    case cudaErrorSyncDepthExceeded: return "cudaErrorSyncDepthExceeded";
    case cudaErrorLaunchPendingCountExceeded: return "cudaErrorLaunchPendingCountExceeded";
    case cudaErrorInvalidDeviceFunction: return "cudaErrorInvalidDeviceFunction";
    case cudaErrorNoDevice: return "cudaErrorNoDevice";
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    case cudaErrorDeviceNotLicensed: return "cudaErrorDeviceNotLicensed";
    case cudaErrorSoftwareValidityNotEstablished: return "cudaErrorSoftwareValidityNotEstablished";
    case cudaErrorStartupFailure: return "cudaErrorStartupFailure";
    case cudaErrorInvalidKernelImage: return "cudaErrorInvalidKernelImage";
    case cudaErrorDeviceUninitialized: return "cudaErrorDeviceUninitialized";
    case cudaErrorMapBufferObjectFailed: return "cudaErrorMapBufferObjectFailed";
    case cudaErrorUnmapBufferObjectFailed: return "cudaErrorUnmapBufferObjectFailed";
    case cudaErrorArrayIsMapped: return "cudaErrorArrayIsMapped";
    case cudaErrorAlreadyMapped: return "cudaErrorAlreadyMapped";
    case cudaErrorNoKernelImageForDevice: return "cudaErrorNoKernelImageForDevice";
    case cudaErrorAlreadyAcquired: return "cudaErrorAlreadyAcquired";
    case cudaErrorNotMapped: return "cudaErrorNotMapped";
    case cudaErrorNotMappedAsArray: return "cudaErrorNotMappedAsArray";
    case cudaErrorNotMappedAsPointer: return "cudaErrorNotMappedAsPointer";
    case cudaErrorECCUncorrectable: return "cudaErrorECCUncorrectable";
    case cudaErrorUnsupportedLimit: return "cudaErrorUnsupportedLimit";
    case cudaErrorDeviceAlreadyInUse: return "cudaErrorDeviceAlreadyInUse";
    case cudaErrorPeerAccessUnsupported: return "cudaErrorPeerAccessUnsupported";
    case cudaErrorInvalidPtx: return "cudaErrorInvalidPtx";
    case cudaErrorInvalidGraphicsContext: return "cudaErrorInvalidGraphicsContext";
    case cudaErrorNvlinkUncorrectable: return "cudaErrorNvlinkUncorrectable";
    case cudaErrorJitCompilerNotFound: return "cudaErrorJitCompilerNotFound";
    case cudaErrorUnsupportedPtxVersion: return "cudaErrorUnsupportedPtxVersion";
    case cudaErrorJitCompilationDisabled: return "cudaErrorJitCompilationDisabled";
    case cudaErrorUnsupportedExecAffinity: return "cudaErrorUnsupportedExecAffinity";
    case cudaErrorUnsupportedDevSideSync: return "cudaErrorUnsupportedDevSideSync";
    case cudaErrorContained: return "cudaErrorContained";
    case cudaErrorInvalidSource: return "cudaErrorInvalidSource";
    case cudaErrorFileNotFound: return "cudaErrorFileNotFound";
    case cudaErrorSharedObjectSymbolNotFound: return "cudaErrorSharedObjectSymbolNotFound";
    case cudaErrorSharedObjectInitFailed: return "cudaErrorSharedObjectInitFailed";
    case cudaErrorOperatingSystem: return "cudaErrorOperatingSystem";
    case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
    case cudaErrorIllegalState: return "cudaErrorIllegalState";
    case cudaErrorLossyQuery: return "cudaErrorLossyQuery";
    case cudaErrorSymbolNotFound: return "cudaErrorSymbolNotFound";
    case cudaErrorNotReady: return "cudaErrorNotReady";
    case cudaErrorIllegalAddress: return "cudaErrorIllegalAddress";
    case cudaErrorLaunchOutOfResources: return "cudaErrorLaunchOutOfResources";
    case cudaErrorLaunchTimeout: return "cudaErrorLaunchTimeout";
    case cudaErrorLaunchIncompatibleTexturing: return "cudaErrorLaunchIncompatibleTexturing";
    case cudaErrorPeerAccessAlreadyEnabled: return "cudaErrorPeerAccessAlreadyEnabled";
    case cudaErrorPeerAccessNotEnabled: return "cudaErrorPeerAccessNotEnabled";
    case cudaErrorSetOnActiveProcess: return "cudaErrorSetOnActiveProcess";
    case cudaErrorContextIsDestroyed: return "cudaErrorContextIsDestroyed";
    case cudaErrorAssert: return "cudaErrorAssert";
    case cudaErrorTooManyPeers: return "cudaErrorTooManyPeers";
    case cudaErrorHostMemoryAlreadyRegistered: return "cudaErrorHostMemoryAlreadyRegistered";
    case cudaErrorHostMemoryNotRegistered: return "cudaErrorHostMemoryNotRegistered";
    case cudaErrorHardwareStackError: return "cudaErrorHardwareStackError";
    case cudaErrorIllegalInstruction: return "cudaErrorIllegalInstruction";
    case cudaErrorMisalignedAddress: return "cudaErrorMisalignedAddress";
    case cudaErrorInvalidAddressSpace: return "cudaErrorInvalidAddressSpace";
    case cudaErrorInvalidPc: return "cudaErrorInvalidPc";
    case cudaErrorLaunchFailure: return "cudaErrorLaunchFailure";
    case cudaErrorCooperativeLaunchTooLarge: return "cudaErrorCooperativeLaunchTooLarge";
    case cudaErrorTensorMemoryLeak: return "cudaErrorTensorMemoryLeak";
    case cudaErrorNotPermitted: return "cudaErrorNotPermitted";
    case cudaErrorNotSupported: return "cudaErrorNotSupported";
    case cudaErrorSystemNotReady: return "cudaErrorSystemNotReady";
    case cudaErrorSystemDriverMismatch: return "cudaErrorSystemDriverMismatch";
    case cudaErrorCompatNotSupportedOnDevice: return "cudaErrorCompatNotSupportedOnDevice";
    case cudaErrorMpsConnectionFailed: return "cudaErrorMpsConnectionFailed";
    case cudaErrorMpsRpcFailure: return "cudaErrorMpsRpcFailure";
    case cudaErrorMpsServerNotReady: return "cudaErrorMpsServerNotReady";
    case cudaErrorMpsMaxClientsReached: return "cudaErrorMpsMaxClientsReached";
    case cudaErrorMpsMaxConnectionsReached: return "cudaErrorMpsMaxConnectionsReached";
    case cudaErrorMpsClientTerminated: return "cudaErrorMpsClientTerminated";
    case cudaErrorCdpNotSupported: return "cudaErrorCdpNotSupported";
    case cudaErrorCdpVersionMismatch: return "cudaErrorCdpVersionMismatch";
    case cudaErrorStreamCaptureUnsupported: return "cudaErrorStreamCaptureUnsupported";
    case cudaErrorStreamCaptureInvalidated: return "cudaErrorStreamCaptureInvalidated";
    case cudaErrorStreamCaptureMerge: return "cudaErrorStreamCaptureMerge";
    case cudaErrorStreamCaptureUnmatched: return "cudaErrorStreamCaptureUnmatched";
    case cudaErrorStreamCaptureUnjoined: return "cudaErrorStreamCaptureUnjoined";
    case cudaErrorStreamCaptureIsolation: return "cudaErrorStreamCaptureIsolation";
    case cudaErrorStreamCaptureImplicit: return "cudaErrorStreamCaptureImplicit";
    case cudaErrorCapturedEvent: return "cudaErrorCapturedEvent";
    case cudaErrorStreamCaptureWrongThread: return "cudaErrorStreamCaptureWrongThread";
    case cudaErrorTimeout: return "cudaErrorTimeout";
    case cudaErrorGraphExecUpdateFailure: return "cudaErrorGraphExecUpdateFailure";
    case cudaErrorExternalDevice: return "cudaErrorExternalDevice";
    case cudaErrorInvalidClusterSize: return "cudaErrorInvalidClusterSize";
    case cudaErrorFunctionNotLoaded: return "cudaErrorFunctionNotLoaded";
    case cudaErrorInvalidResourceType: return "cudaErrorInvalidResourceType";
    case cudaErrorInvalidResourceConfiguration: return "cudaErrorInvalidResourceConfiguration";
    case cudaErrorUnknown: return "cudaErrorUnknown";  }
  return "cudaErrorUnknown";
}

const char* cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInitializationError: return "initialization error";
    case cudaErrorCudartUnloading: return "driver shutting down";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorInvalidPitchValue: return "invalid pitch argument";
    case cudaErrorInvalidSymbol: return "invalid device symbol";
    case cudaErrorInvalidHostPointer: return "invalid host pointer";
    case cudaErrorInvalidDevicePointer: return "invalid device pointer";
    case cudaErrorInvalidMemcpyDirection: return "invalid copy direction for memcpy";
    case cudaErrorMissingConfiguration: return "__global__ function call is not configured";
    case cudaErrorInvalidDeviceFunction: return "invalid device function";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
    case cudaErrorInvalidDevice: return "invalid device ordinal";
    case cudaErrorInvalidResourceHandle: return "invalid resource handle";
    case cudaErrorNotReady: return "device not ready";
    case cudaErrorIllegalAddress: return "an illegal memory access was encountered";
    case cudaErrorLaunchOutOfResources: return "too many resources requested for launch";
    case cudaErrorLaunchTimeout: return "the launch timed out and was terminated";
    case cudaErrorAssert: return "device-side assert triggered";
    case cudaErrorHostMemoryNotRegistered: return "host memory not registered";
    case cudaErrorIllegalInstruction: return "an illegal instruction was encountered";
    case cudaErrorMisalignedAddress: return "misaligned address";
    case cudaErrorLaunchFailure: return "unspecified launch failure";
    case cudaErrorCooperativeLaunchTooLarge: return "too many blocks in cooperative launch";
    case cudaErrorNotPermitted: return "operation not permitted";
    case cudaErrorNotSupported: return "operation not supported";
    case cudaErrorUnknown: return "unknown error";
    default: return cudaGetErrorName(error);
  }
}

// ---- events and streams ----
cudaError_t cudaEventCreate(cudaEvent_t* event) {
  if (event == nullptr) return set_last_error(cudaErrorInvalidValue);
  *event = new CUevent_st;
  return cudaSuccess;
}

cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int flags) {
  (void)flags;
  return cudaEventCreate(event);
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  (void)stream;
  if (event == nullptr) return set_last_error(cudaErrorInvalidResourceHandle);
  WS_STICKY_GUARD();
  event->time = std::chrono::steady_clock::now();
  event->recorded = true;
  return cudaSuccess;
}

cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  if (event == nullptr) return set_last_error(cudaErrorInvalidResourceHandle);
  return set_last_error(sticky_error());
}

cudaError_t cudaEventQuery(cudaEvent_t event) {
  if (event == nullptr) return set_last_error(cudaErrorInvalidResourceHandle);
  return cudaSuccess;
}

cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  if (ms == nullptr) return set_last_error(cudaErrorInvalidValue);
  if (start == nullptr || end == nullptr || !start->recorded || !end->recorded)
    return set_last_error(cudaErrorInvalidResourceHandle);
  *ms = std::chrono::duration<float, std::milli>(end->time - start->time).count();
  return cudaSuccess;
}

cudaError_t cudaEventDestroy(cudaEvent_t event) {
  delete event;
  return cudaSuccess;
}

cudaError_t cudaStreamCreate(cudaStream_t* stream) {
  if (stream == nullptr) return set_last_error(cudaErrorInvalidValue);
  *stream = new CUstream_st;
  return cudaSuccess;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned int flags) {
  const cudaError_t e = cudaStreamCreate(stream);
  if (e == cudaSuccess) (*stream)->flags = flags;
  return e;
}

cudaError_t cudaStreamCreateWithPriority(cudaStream_t* stream, unsigned int flags, int priority) {
  (void)priority;
  return cudaStreamCreateWithFlags(stream, flags);
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  if (stream == nullptr || stream == cudaStreamLegacy || stream == cudaStreamPerThread) {
    return set_last_error(cudaErrorInvalidResourceHandle);  // the default streams are not destroyed
  }
  delete stream;
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream, ::cudacpu::source_location where) {
  (void)stream;
  (void)where;
  return set_last_error(sticky_error());
}

cudaError_t cudaStreamQuery(cudaStream_t stream) {
  (void)stream;
  return cudaSuccess;
}

cudaError_t cudaStreamAttachMemAsync(cudaStream_t stream, void* dev_ptr, std::size_t length, unsigned int flags) {
  (void)stream, (void)dev_ptr, (void)length;
  if (flags != cudaMemAttachGlobal && flags != cudaMemAttachHost && flags != cudaMemAttachSingle) {
    return set_last_error(cudaErrorInvalidValue);
  }
  return cudaSuccess;
}

cudaError_t cudaLaunchHostFunc(cudaStream_t stream, cudaHostFn_t fn, void* user_data) {
  (void)stream;
  if (fn == nullptr) return set_last_error(cudaErrorInvalidValue);
  fn(user_data);  // every earlier piece of work in any stream has finished: stream order holds
  return cudaSuccess;
}

cudaError_t cudaStreamAddCallback(cudaStream_t stream, cudaStreamCallback_t callback, void* user_data,
                                  unsigned int flags) {
  if (callback == nullptr || flags != 0) return set_last_error(cudaErrorInvalidValue);
  callback(stream, sticky_error(), user_data);
  return cudaSuccess;
}

namespace {
/// Attributes stored per stream (the default streams share one entry).
std::mutex g_stream_attr_mutex;
std::map<std::pair<cudaStream_t, int>, cudaLaunchAttributeValue> g_stream_attrs;
}  // namespace

cudaError_t cudaStreamSetAttribute(cudaStream_t stream, cudaLaunchAttributeID attr, const cudaLaunchAttributeValue* value) {
  if (value == nullptr) return set_last_error(cudaErrorInvalidValue);
  const std::lock_guard<std::mutex> lock(g_stream_attr_mutex);
  g_stream_attrs[{stream, static_cast<int>(attr)}] = *value;
  return cudaSuccess;
}

cudaError_t cudaStreamGetAttribute(cudaStream_t stream, cudaLaunchAttributeID attr, cudaLaunchAttributeValue* value) {
  if (value == nullptr) return set_last_error(cudaErrorInvalidValue);
  const std::lock_guard<std::mutex> lock(g_stream_attr_mutex);
  const auto it = g_stream_attrs.find({stream, static_cast<int>(attr)});
  if (it != g_stream_attrs.end()) {
    *value = it->second;
  } else {
    std::memset(value, 0, sizeof(*value));
  }
  return cudaSuccess;
}

cudaError_t cudaStreamGetFlags(cudaStream_t stream, unsigned int* flags) {
  if (flags == nullptr) return set_last_error(cudaErrorInvalidValue);
  const bool named = stream != nullptr && stream != cudaStreamLegacy && stream != cudaStreamPerThread;
  *flags = named ? stream->flags : 0u;
  return cudaSuccess;
}

cudaError_t cudaStreamGetPriority(cudaStream_t stream, int* priority) {
  (void)stream;
  if (priority == nullptr) return set_last_error(cudaErrorInvalidValue);
  *priority = 0;
  return cudaSuccess;
}

cudaError_t cudaCtxResetPersistingL2Cache() { return cudaSuccess; }

cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned int flags) {
  (void)stream;
  (void)event;
  (void)flags;
  return cudaSuccess;
}

// ---- kernels launched as void* (cudaLaunchKernel((void*)k, ...)) ----
namespace cudacpu::detail {
namespace {
std::mutex g_kernel_registry_mutex;
std::map<const void*, registered_launch>& kernel_registry() {
  static std::map<const void*, registered_launch> registry;  // filled by static initialisers: constructed on use
  return registry;
}
}  // namespace

void register_kernel_launch(const void* func, registered_launch launch) {
  const std::lock_guard<std::mutex> lock(g_kernel_registry_mutex);
  kernel_registry()[func] = launch;
}

registered_launch find_kernel_launch(const void* func) {
  const std::lock_guard<std::mutex> lock(g_kernel_registry_mutex);
  const auto it = kernel_registry().find(func);
  return it == kernel_registry().end() ? nullptr : it->second;
}
}  // namespace cudacpu::detail

// ---- assert() ----
// A failed `assert` in device code stops its block on a GPU: the next synchronising call returns cudaErrorAssert and
// the host goes on (cuda-samples' simpleAssert checks exactly that). glibc's assert() calls __assert_fail; the
// runtime defines it, so the program's own definition wins over libc's: in a kernel it is a device assert, in host
// code it prints glibc's message and aborts, as before.
extern "C" [[noreturn]] void __assert_fail(const char* assertion, const char* file, unsigned int line,
                                           const char* function) noexcept {
  if (::cudacpu::detail::tls_thread != nullptr) {
    const std::string what = std::string("assertion `") + assertion + "' failed in " + function +
                             " (a device assert: the kernel stops, cudaDeviceSynchronize returns cudaErrorAssert)";
    ::cudacpu::detail::device_fatal(cudaErrorAssert, what.c_str(),
                                    ::cudacpu::source_location(file, line, function));
  }
  std::fprintf(stderr, "%s: %s:%u: %s: Assertion `%s' failed.\n", program_invocation_short_name, file, line, function,
               assertion);
  std::fflush(stderr);
  std::abort();
}

// ---- device ----
cudaError_t cudaGetDeviceCount(int* count) {
  if (count == nullptr) return set_last_error(cudaErrorInvalidValue);
  *count = 1;
  return cudaSuccess;
}

cudaError_t cudaSetDevice(int device) {
  return device == 0 ? cudaSuccess : set_last_error(cudaErrorInvalidDevice);
}

cudaError_t cudaGetDevice(int* device) {
  if (device == nullptr) return set_last_error(cudaErrorInvalidValue);
  *device = 0;
  return cudaSuccess;
}

cudaError_t cudaSetDeviceFlags(unsigned int flags) {
  (void)flags;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  if (prop == nullptr) return set_last_error(cudaErrorInvalidValue);
  if (device != 0) return set_last_error(cudaErrorInvalidDevice);
  std::memset(prop, 0, sizeof *prop);
  const unsigned workers = worker_count();
  std::snprintf(prop->name, sizeof prop->name, "WarpSpeed cudacpu (CPU backend, %u worker%s)", workers,
                workers == 1 ? "" : "s");
  prop->totalGlobalMem = physical_memory();
  prop->sharedMemPerBlock = 48 * 1024;
  prop->regsPerBlock = 65536;
  prop->warpSize = 32;
  prop->memPitch = std::size_t{1} << 31;
  prop->maxThreadsPerBlock = 1024;
  prop->maxThreadsDim[0] = 1024;
  prop->maxThreadsDim[1] = 1024;
  prop->maxThreadsDim[2] = 64;
  prop->maxGridSize[0] = 2147483647;
  prop->maxGridSize[1] = 65535;
  prop->maxGridSize[2] = 65535;
  prop->totalConstMem = 64 * 1024;
  prop->major = 9;
  prop->minor = 0;
  prop->textureAlignment = 512;
  prop->texturePitchAlignment = 32;
  prop->multiProcessorCount = static_cast<int>(workers);
  prop->integrated = 1;
  prop->canMapHostMemory = 1;
  prop->unifiedAddressing = 1;
  prop->memoryBusWidth = 64;
  prop->l2CacheSize = 4 * 1024 * 1024;
  prop->maxThreadsPerMultiProcessor = 2048;
  prop->globalL1CacheSupported = 1;
  prop->localL1CacheSupported = 1;
  prop->sharedMemPerMultiprocessor = 228 * 1024;
  prop->regsPerMultiprocessor = 65536;
  prop->managedMemory = 1;
  prop->hostNativeAtomicSupported = 1;
  // 0, like a GPU without HMM: a kernel given a malloc'd pointer is reported (the learner's most common slip), so
  // code that checks this field takes its cudaMallocManaged path instead of passing host memory.
  prop->pageableMemoryAccess = 0;
  prop->concurrentManagedAccess = 1;
  prop->canUseHostPointerForRegisteredMem = 1;
  prop->sharedMemPerBlockOptin = k_smem_optin_limit;
  prop->pageableMemoryAccessUsesHostPageTables = 0;
  // L2 persistence is a hint (cudaStreamSetAttribute's access policy window), accepted and stored; the sizes of a
  // device that has it let code that checks for it run.
  prop->persistingL2CacheMaxSize = 3 * 1024 * 1024;
  prop->accessPolicyMaxWindowSize = 128 * 1024 * 1024;
  prop->directManagedMemAccessFromHost = 1;
  prop->maxBlocksPerMultiProcessor = 32;
  prop->hostRegisterSupported = 1;
  prop->memoryPoolsSupported = 1;  // cudaMallocAsync / cudaFreeAsync
  prop->cooperativeLaunch = 1;     // cudaLaunchCooperativeKernel runs every block at once
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device) {
  if (value == nullptr) return set_last_error(cudaErrorInvalidValue);
  if (device != 0) return set_last_error(cudaErrorInvalidDevice);
  cudaDeviceProp p;
  cudaGetDeviceProperties(&p, 0);
  switch (attr) {
    case cudaDevAttrMaxThreadsPerBlock: *value = p.maxThreadsPerBlock; break;
    case cudaDevAttrMaxBlockDimX: *value = p.maxThreadsDim[0]; break;
    case cudaDevAttrMaxBlockDimY: *value = p.maxThreadsDim[1]; break;
    case cudaDevAttrMaxBlockDimZ: *value = p.maxThreadsDim[2]; break;
    case cudaDevAttrMaxGridDimX: *value = p.maxGridSize[0]; break;
    case cudaDevAttrMaxGridDimY: *value = p.maxGridSize[1]; break;
    case cudaDevAttrMaxGridDimZ: *value = p.maxGridSize[2]; break;
    case cudaDevAttrMaxSharedMemoryPerBlock: *value = static_cast<int>(p.sharedMemPerBlock); break;
    case cudaDevAttrTotalConstantMemory: *value = static_cast<int>(p.totalConstMem); break;
    case cudaDevAttrWarpSize: *value = p.warpSize; break;
    case cudaDevAttrMaxRegistersPerBlock: *value = p.regsPerBlock; break;
    // clock() in device code is the C library's (microseconds of CPU time) and clock64() counts microseconds too,
    // so 1 MHz: code that turns a number of clock ticks into time with this rate (cuda-samples' simpleHyperQ spins
    // "kernel_time * clockRate" ticks) gets the time it asked for.
    case cudaDevAttrClockRate: *value = 1000; break;
    case cudaDevAttrMultiProcessorCount: *value = p.multiProcessorCount; break;
    case cudaDevAttrIntegrated: *value = 1; break;
    case cudaDevAttrCanMapHostMemory: *value = 1; break;
    case cudaDevAttrMemoryClockRate: *value = 1000000; break;
    case cudaDevAttrGlobalMemoryBusWidth: *value = p.memoryBusWidth; break;
    case cudaDevAttrL2CacheSize: *value = p.l2CacheSize; break;
    case cudaDevAttrMaxThreadsPerMultiProcessor: *value = p.maxThreadsPerMultiProcessor; break;
    case cudaDevAttrUnifiedAddressing: *value = 1; break;
    case cudaDevAttrComputeCapabilityMajor: *value = p.major; break;
    case cudaDevAttrComputeCapabilityMinor: *value = p.minor; break;
    case cudaDevAttrMaxSharedMemoryPerMultiprocessor: *value = static_cast<int>(p.sharedMemPerMultiprocessor); break;
    case cudaDevAttrMaxRegistersPerMultiprocessor: *value = p.regsPerMultiprocessor; break;
    case cudaDevAttrManagedMemory: *value = 1; break;
    case cudaDevAttrMemoryPoolsSupported: *value = 1; break;
    case cudaDevAttrCooperativeLaunch: *value = 1; break;
    case cudaDevAttrConcurrentManagedAccess: *value = 1; break;
    case cudaDevAttrMaxSharedMemoryPerBlockOptin: *value = static_cast<int>(p.sharedMemPerBlockOptin); break;
    case cudaDevAttrMaxBlocksPerMultiprocessor: *value = p.maxBlocksPerMultiProcessor; break;
    default: *value = 0; break;
  }
  return cudaSuccess;
}

cudaError_t cudaDeviceSetCacheConfig(cudaFuncCache config) {
  (void)config;
  return cudaSuccess;
}

namespace {
std::atomic<std::size_t> g_persisting_l2{0};  // cudaLimitPersistingL2CacheSize, as set
}  // namespace

cudaError_t cudaDeviceSetLimit(cudaLimit limit, std::size_t value) {
  if (limit == cudaLimitPersistingL2CacheSize) {
    if (value > 3u * 1024 * 1024) return set_last_error(cudaErrorInvalidValue);  // persistingL2CacheMaxSize
    g_persisting_l2.store(value);
  }
  return cudaSuccess;
}

cudaError_t cudaDeviceGetLimit(std::size_t* value, cudaLimit limit) {
  if (value == nullptr) return set_last_error(cudaErrorInvalidValue);
  switch (limit) {
    case cudaLimitStackSize: *value = 256 * 1024; break;
    case cudaLimitPrintfFifoSize: *value = 1 << 20; break;
    case cudaLimitMallocHeapSize: *value = 8 << 20; break;
    case cudaLimitDevRuntimeSyncDepth: *value = 2; break;
    case cudaLimitDevRuntimePendingLaunchCount: *value = 2048; break;
    case cudaLimitMaxL2FetchGranularity: *value = 64; break;
    case cudaLimitPersistingL2CacheSize: *value = g_persisting_l2.load(); break;  // what was set (a hint)
  }
  return cudaSuccess;
}

cudaError_t cudaDriverGetVersion(int* version) {
  if (version == nullptr) return set_last_error(cudaErrorInvalidValue);
  *version = CUDART_VERSION;
  return cudaSuccess;
}

cudaError_t cudaRuntimeGetVersion(int* version) { return cudaDriverGetVersion(version); }

cudaError_t cudaPointerGetAttributes(cudaPointerAttributes* attributes, const void* ptr) {
  if (attributes == nullptr) return set_last_error(cudaErrorInvalidValue);
  const mem_lookup m = find_memory(ptr);
  attributes->device = 0;
  attributes->devicePointer = nullptr;
  attributes->hostPointer = nullptr;
  attributes->type = cudaMemoryTypeUnregistered;
  if (m.state == mem_lookup::status::live) {
    switch (m.kind) {
      case mem_kind::device:
      case mem_kind::symbol: attributes->type = cudaMemoryTypeDevice; break;
      case mem_kind::managed: attributes->type = cudaMemoryTypeManaged; break;
      case mem_kind::pinned: attributes->type = cudaMemoryTypeHost; break;
    }
    attributes->devicePointer = const_cast<void*>(ptr);
    if (m.kind != mem_kind::device) attributes->hostPointer = const_cast<void*>(ptr);
  } else {
    attributes->hostPointer = const_cast<void*>(ptr);
  }
  return cudaSuccess;
}

// ---- Thrust (CPP device system) allocations ----
namespace cudacpu::detail {

void* thrust_device_allocate(std::size_t bytes, std::size_t alignment) {
  void* p = ::operator new(bytes == 0 ? 1 : bytes, std::align_val_t(alignment));
  register_device_range(p, bytes, ::cudacpu::source_location::current());
  return p;
}

void thrust_device_deallocate(void* p, std::size_t bytes, std::size_t alignment) {
  (void)bytes;
  unregister_device_range(p);
  ::operator delete(p, std::align_val_t(alignment));
}

}  // namespace cudacpu::detail

// ---- the work watch: open and close ----
bool cudacpu::begin_work_watch(const work_range* outputs, std::size_t count) {
  std::lock_guard<std::mutex> lock(g_watch.m);
  if (g_watch.open) return false;
  g_watch.outputs.assign(outputs, outputs + count);
  g_watch.report = work_report{};
  g_watch.report.host_access_checked = WS_PROTECT_MODE != 0;
  g_watch.depth = 0;
  g_watch.hash = outputs_hash();
  g_host_touches.store(0);
  g_touch_address.store(0);
  g_touch_pc.store(0);
#if WS_PROTECT_MODE == 1
  struct sigaction sa {};
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &g_previous_segv);
#endif
  g_watch.open = true;
  g_watch_open.store(true);
  set_protection(true);
  return true;
}

cudacpu::work_report cudacpu::end_work_watch() {
  std::lock_guard<std::mutex> lock(g_watch.m);
  if (!g_watch.open) return work_report{};
  set_protection(false);
  g_protected_count.store(0);
#if WS_PROTECT_MODE == 1
  sigaction(SIGSEGV, &g_previous_segv, nullptr);
#endif
  if (outputs_hash() != g_watch.hash) g_watch.report.outputs_changed_by_host_code = true;
  g_watch.open = false;
  g_watch_open.store(false);
  work_report r = std::move(g_watch.report);
  r.host_accesses = g_host_touches.load();
  if (r.host_accesses > 0) {
    const std::uintptr_t a = g_touch_address.load();
    const mem_lookup m = find_memory(reinterpret_cast<const void*>(a));
    char buf[512];
    if (m.state == mem_lookup::status::live) {
      std::snprintf(buf, sizeof buf,
                    "host code touched device memory at %p (byte %zu of the %zu-byte %s allocated at %s:%u), "
                    "instruction at %p",
                    reinterpret_cast<void*>(a), static_cast<std::size_t>(a - m.base), m.size, mem_kind_name(m.kind),
                    m.allocated.file_name(), static_cast<unsigned>(m.allocated.line()),
                    reinterpret_cast<void*>(g_touch_pc.load()));
    } else {
      std::snprintf(buf, sizeof buf, "host code touched device memory at %p, instruction at %p",
                    reinterpret_cast<void*>(a), reinterpret_cast<void*>(g_touch_pc.load()));
    }
    r.host_access = buf;
  }
  return r;
}
