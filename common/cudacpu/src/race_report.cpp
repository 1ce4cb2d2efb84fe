/// @file
/// @brief The race checker's line after each ThreadSanitizer data-race report (ws_cudacpu_races only), in CUDA's
///        terms: both accesses at the learner's file:line, the `__shared__` variable and element (or the device
///        allocation), the two CUDA threads by blockIdx/threadIdx, and why nothing ordered them.
///
/// ThreadSanitizer sees fibers, not CUDA threads, and heap blocks, not `__shared__` variables. So the runtime names
/// each fiber after the CUDA thread it starts running (name_race_fiber), the `__shared__` declarations tell where
/// they live in the running block (note_shared, from cudacpu::shared_variable), and TSan's report hook
/// (`__tsan_on_report`, called right after TSan prints a report) reads the report through TSan's debugging API and
/// prints, e.g.:
///
///     cudacpu: error: /w/labs/03_matmul_gpu/matmul_gpu.cu:109: data race on __shared__ a_tile[0][0] (declared at
///     matmul_gpu.cu:99) in block (1,0,0): write by thread (0,0,0) at matmul_gpu.cu:109, then read by thread
///     (1,0,0) at matmul_gpu.cu:113; no __syncthreads() between these lines
///
/// (one line; the file is named in full once, as in the runtime's other reports). The hook runs inside TSan's report with its thread registry locked: it allocates nothing and calls
/// nothing that names fibers; it only formats into fixed buffers and writes to stderr.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "cudacpu/kernel.h"
#include "internal.h"
#include "race_report.h"

// This file is built without -fsanitize=thread, but every program linking it links libtsan, which provides these
// (compiler-rt's tsan_interface.h and its debugging API, tsan_debugging.cpp; GCC's libtsan.so.2 exports them).
extern "C" {
void* __tsan_get_current_fiber(void);
void __tsan_set_fiber_name(void* fiber, const char* name);
int __tsan_get_report_data(void* report, const char** description, int* count, int* stack_count, int* mop_count,
                           int* loc_count, int* mutex_count, int* thread_count, int* unique_tid_count,
                           void** sleep_trace, unsigned long trace_size);
int __tsan_get_report_mop(void* report, unsigned long idx, int* tid, void** addr, int* size, int* write,
                          int* atomic, void** trace, unsigned long trace_size);
int __tsan_get_report_thread(void* report, unsigned long idx, int* tid, std::uint64_t* os_id, int* running,
                             const char** name, int* parent_tid, void** trace, unsigned long trace_size);
void __sanitizer_symbolize_pc(void* pc, const char* fmt, char* out_buf, std::size_t out_buf_size);
}

namespace cudacpu::detail {

namespace {

/// A `__shared__` variable of the block this OS thread runs, as its declaration last placed it.
struct noted_variable {
  const char* begin = nullptr;
  std::size_t size = 0;
  std::size_t element = 0;
  unsigned rank = 0;
  std::size_t extents[3] = {};
  const char* name = nullptr;
  source_location where;
};

// Per OS thread (each worker runs one block at a time, and a race on __shared__ memory is reported on the worker
// whose block made it). Only this file's code touches it, which TSan does not watch.
constexpr unsigned k_noted_max = 32;
thread_local noted_variable t_noted[k_noted_max];
thread_local unsigned t_noted_count = 0;

const noted_variable* noted_at(const char* a) {
  for (unsigned i = 0; i < t_noted_count; ++i) {
    const noted_variable& v = t_noted[i];
    if (a >= v.begin && a < v.begin + v.size) return &v;
  }
  return nullptr;
}

/// One access of the race, as the report and the runtime know it.
struct access {
  bool ok = false;
  bool write = false;
  bool atomic = false;
  int size = 0;
  const char* addr = nullptr;
  int parent = -1;           // TSan's id of the thread that created the fiber: its worker
  bool cuda = false;         // made by a CUDA thread (a fiber named by name_race_fiber)
  unsigned block[3] = {};
  unsigned thread[3] = {};
  char where[512] = "";      // file:line in the learner's code; "" when TSan no longer had the stack
};

/// True for a frame in the runtime's own sources (common/cudacpu/, found from this file's path).
bool in_runtime(const char* loc) {
  const char* self = __FILE__;
  const char* src = std::strstr(self, "/src/race_report.cpp");
  return src != nullptr && std::strncmp(loc, self, static_cast<std::size_t>(src - self) + 1) == 0;
}

bool is_learner_frame(const char* loc) {
  if (loc[0] == '\0' || std::strncmp(loc, "<null>", 6) == 0 || std::strncmp(loc, "??", 2) == 0) return false;
  return std::strncmp(loc, "/usr/", 5) != 0 && !in_runtime(loc);  // not libstdc++'s std::apply and the like
}

/// `s` into `out` (`cap` bytes), cut.
void copy_cut(char* out, std::size_t cap, const char* s) {
  const std::size_t n = strnlen(s, cap - 1);
  std::memcpy(out, s, n);
  out[n] = '\0';
}

/// The first frame of `trace` (inlined frames included) in the learner's code, as "file:line"; the top frame when
/// none is.
void learner_location(void* const* trace, int frames, char* out, std::size_t cap) {
  bool have_fallback = false;
  const void* previous = nullptr;
  for (int i = 0; i < frames && trace[i] != nullptr; ++i) {
    if (trace[i] == previous) continue;  // the frames TSan inlined into one return address
    previous = trace[i];
    char buf[2048];
    std::memset(buf, 0, sizeof buf);
    __sanitizer_symbolize_pc(trace[i], "%s:%l", buf, sizeof buf - 1);
    // One string per frame, innermost first, each ended by '\0'; an empty string ends the list.
    for (const char* s = buf; s < buf + sizeof buf - 1 && *s != '\0'; s += std::strlen(s) + 1) {
      if (!have_fallback) {
        copy_cut(out, cap, s);
        have_fallback = true;
      }
      if (is_learner_frame(s)) {
        copy_cut(out, cap, s);
        return;
      }
    }
  }
}

bool read_access(void* report, unsigned long index, int thread_count, access& a) {
  void* trace[64] = {};
  int tid = -1;
  void* addr = nullptr;
  int write = 0;
  int atomic = 0;
  if (__tsan_get_report_mop(report, index, &tid, &addr, &a.size, &write, &atomic, trace, 64) == 0) return false;
  a.addr = static_cast<const char*>(addr);
  a.write = write != 0;
  a.atomic = atomic != 0;
  learner_location(trace, 64, a.where, sizeof a.where);
  for (int i = 0; i < thread_count; ++i) {
    int t = -1;
    std::uint64_t os_id = 0;
    int running = 0;
    const char* name = nullptr;
    int parent = -1;
    void* created[1] = {};
    if (__tsan_get_report_thread(report, static_cast<unsigned long>(i), &t, &os_id, &running, &name, &parent,
                                 created, 1) == 0 ||
        t != tid) {
      continue;
    }
    a.parent = parent;
    a.cuda = name != nullptr && std::sscanf(name, "block (%u,%u,%u) thread (%u,%u,%u)", &a.block[0], &a.block[1],
                                            &a.block[2], &a.thread[0], &a.thread[1], &a.thread[2]) == 6;
  }
  a.ok = true;
  return true;
}

const char* kind_of(const access& a) {
  if (a.atomic) return a.write ? "atomic write" : "atomic read";
  return a.write ? "write" : "read";
}

/// `path` after its last '/': the lines after a report's first name their file short.
const char* base_name(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash != nullptr ? slash + 1 : path;
}

/// How an access's thread is named: by threadIdx alone (both in one block), with its block, or not at all (its fiber
/// belongs to another worker, which may have moved it to a later block since).
enum class naming { in_block, with_block, other_block };

/// "write by thread (3,1,0) at matmul_gpu.cu:98", or "... by the host ..." for an access outside any CUDA thread.
void describe(const access& a, naming how, char* out, std::size_t cap) {
  const char* at = a.where[0] != '\0' ? base_name(a.where) : "a line ThreadSanitizer no longer remembers";
  if (!a.cuda) {
    std::snprintf(out, cap, "%s by the host at %s", kind_of(a), at);
  } else if (how == naming::other_block) {
    std::snprintf(out, cap, "%s by a thread of another block at %s", kind_of(a), at);
  } else if (how == naming::with_block) {
    std::snprintf(out, cap, "%s by thread (%u,%u,%u) of block (%u,%u,%u) at %s", kind_of(a), a.thread[0],
                  a.thread[1], a.thread[2], a.block[0], a.block[1], a.block[2], at);
  } else {
    std::snprintf(out, cap, "%s by thread (%u,%u,%u) at %s", kind_of(a), a.thread[0], a.thread[1], a.thread[2], at);
  }
}

/// "a_tile[1][3]", or "a_tile" (a scalar), or "storage (byte 12)" (a class or an array of more than 3 dimensions).
void element_name(const noted_variable& v, const char* addr, char* out, std::size_t cap) {
  const std::size_t offset = static_cast<std::size_t>(addr - v.begin);
  if (v.rank == 0 || v.element == 0) {
    if (v.size <= 16) {
      std::snprintf(out, cap, "%s", v.name);
    } else {
      std::snprintf(out, cap, "%s (byte %zu)", v.name, offset);
    }
    return;
  }
  std::size_t index[3] = {};
  std::size_t linear = offset / v.element;
  for (unsigned d = v.rank; d-- > 0;) {
    const std::size_t e = v.extents[d] == 0 ? 1 : v.extents[d];
    index[d] = linear % e;
    linear /= e;
  }
  int n = std::snprintf(out, cap, "%s", v.name);
  for (unsigned d = 0; d < v.rank && n > 0 && static_cast<std::size_t>(n) < cap; ++d) {
    n += std::snprintf(out + n, cap - static_cast<std::size_t>(n), "[%zu]", index[d]);
  }
}

/// What memory the race is on: "__shared__ a_tile[1][3] (declared at matmul_gpu.cu:99)", "device memory (byte 40
/// of the 4096 bytes allocated at main.cu:20)", or "memory at 0x...".
void memory_name(const char* addr, char* out, std::size_t cap) {
  if (const noted_variable* v = noted_at(addr)) {
    char element[256];
    element_name(*v, addr, element, sizeof element);
    std::snprintf(out, cap, "__shared__ %s (declared at %s:%u)", element, base_name(v->where.file_name()),
                  static_cast<unsigned>(v->where.line()));
    return;
  }
  const mem_lookup m = find_memory(addr);
  if (m.state == mem_lookup::status::live) {
    std::snprintf(out, cap, "%s (byte %zu of the %zu bytes allocated at %s:%u)", mem_kind_name(m.kind),
                  static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(addr) - m.base), m.size,
                  base_name(m.allocated.file_name()), static_cast<unsigned>(m.allocated.line()));
    return;
  }
  std::snprintf(out, cap, "memory at %p", static_cast<const void*>(addr));
}

/// Prints the line for one data-race report: the earlier access (TSan's second) first.
void explain_race(void* report) {
  const char* description = nullptr;
  int count = 0, stacks = 0, mops = 0, locs = 0, mutexes = 0, threads = 0, unique_tids = 0;
  void* sleep[1] = {};
  if (__tsan_get_report_data(report, &description, &count, &stacks, &mops, &locs, &mutexes, &threads, &unique_tids,
                             sleep, 1) == 0 ||
      description == nullptr || std::strcmp(description, "data-race") != 0 || mops < 2) {
    return;
  }
  access now;
  access before;
  if (!read_access(report, 0, threads, now) || !read_access(report, 1, threads, before)) return;

  char memory[1024];
  memory_name(now.addr, memory, sizeof memory);
  // Fibers are created by the worker that runs their block, and the blocks a worker runs one after another are
  // ordered; so two CUDA threads of one worker that race are threads of the block it runs now.
  const bool same_block = now.cuda && before.cuda && now.parent == before.parent &&
                          std::memcmp(now.block, before.block, sizeof now.block) == 0;
  char first[768];
  char second[768];
  const bool other_worker = now.cuda && before.cuda && now.parent != before.parent;
  describe(before, same_block ? naming::in_block : other_worker ? naming::other_block : naming::with_block, first,
           sizeof first);
  describe(now, same_block ? naming::in_block : naming::with_block, second, sizeof second);
  const char* why = "";
  if (same_block) {
    why = "; no __syncthreads() between these lines";
  } else if (now.cuda && before.cuda) {
    why = "; threads of different blocks are not ordered within a launch (__syncthreads() orders one block's "
          "threads): use atomics, or split the work into two launches";
  }
  char in_block[96] = "";
  if (same_block) {
    std::snprintf(in_block, sizeof in_block, " in block (%u,%u,%u)", now.block[0], now.block[1], now.block[2]);
  }
  std::fprintf(stderr, "cudacpu: error: %s: data race on %s%s: %s, then %s%s\n",
               before.where[0] != '\0' ? before.where : now.where, memory, in_block, first, second, why);
  std::fflush(stderr);
}

}  // namespace

void name_race_fiber(const uint3& block, const uint3& thread) {
  char name[64];
  std::snprintf(name, sizeof name, "block (%u,%u,%u) thread (%u,%u,%u)", block.x, block.y, block.z, thread.x,
                thread.y, thread.z);
  __tsan_set_fiber_name(__tsan_get_current_fiber(), name);
}

void note_shared(const void* p, std::size_t size, std::size_t element, unsigned rank, const std::size_t* extents,
                 const char* name, source_location where) {
  const char* begin = static_cast<const char*>(p);
  for (unsigned i = 0; i < t_noted_count; ++i) {
    if (t_noted[i].begin == begin && t_noted[i].name == name) return;  // every thread of the block after the first
  }
  // A variable placed over one noted before belongs to a new block (or kernel): forget the old one.
  unsigned kept = 0;
  for (unsigned i = 0; i < t_noted_count; ++i) {
    const noted_variable& v = t_noted[i];
    if (v.begin < begin + size && begin < v.begin + v.size) continue;
    t_noted[kept++] = v;
  }
  if (kept == k_noted_max) {  // full: drop the oldest
    for (unsigned i = 1; i < kept; ++i) t_noted[i - 1] = t_noted[i];
    --kept;
  }
  noted_variable& v = t_noted[kept];
  v.begin = begin;
  v.size = size;
  v.element = element;
  v.rank = rank <= 3 ? rank : 0;
  for (unsigned d = 0; d < 3; ++d) v.extents[d] = d < v.rank ? extents[d] : 0;
  v.name = name;
  v.where = where;
  t_noted_count = kept + 1;
}

}  // namespace cudacpu::detail

/// ThreadSanitizer calls this after printing each report (a weak default in libtsan; this definition replaces it).
extern "C" void __tsan_on_report(void* report) { cudacpu::detail::explain_race(report); }
