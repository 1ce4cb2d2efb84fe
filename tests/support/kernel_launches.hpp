/// @file
/// @brief `ws_test::device_work_scope`: did the code it wraps compute in kernels? On the CPU backend the runtime can
/// tell; on a GPU the scope says "unknown" and the tests skip the check.
///
/// On the CPU backend device memory is host memory, so a launcher can cheat in ways a GPU would not allow: copy its
/// inputs to the host (cudaMemcpy DeviceToHost), compute there and copy the answer in; compute on the host and
/// launch an empty decoy kernel; or simply read and write the device pointers on the host. The scope opens the
/// runtime's work watch (cudacpu::begin_work_watch, docs/cudacpu.md) around the call and reports how many kernels
/// and cuBLAS calls ran, which copies went to the host or into the outputs, who changed the output bytes (kernel
/// threads, cuBLAS, a copy, or host code), and whether host code touched device memory at all (the watch protects
/// it while host code runs).
/// @code
/// ws::device_buffer<float> d_c(m * n);                    // the output: allocated (NaN-filled) before the scope
/// ws_test::device_work_scope scope({ws_test::watched(d_c.data(), d_c.size())});
/// lab03::launch_matmul(version, d_a.data(), d_b.data(), d_c.data(), m, n, k);
/// WS_CUDA_CHECK(cudaDeviceSynchronize());
/// if (const auto& r = scope.report()) CHECK(r->problems().empty());
/// @endcode
/// The output must change for the scope to see who wrote it: fill it with NaN (0xFF bytes) before the scope when
/// it may already hold the answer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <cuda_runtime.h>

namespace ws_test {

/// The number of kernel launches that have run so far in this process (cudacpu::kernels_launched()) on the CPU
/// backend; std::nullopt on the native `cuda` backend, which cannot count them.
inline std::optional<std::uint64_t> kernel_launches() {
#if WS_BACKEND_CUDACPU
  return cudacpu::kernels_launched();
#else
  return std::nullopt;
#endif
}

/// A range of memory a device_work_scope watches (an output of the code it wraps).
struct watched_range {
  const void* begin = nullptr;  ///< first byte
  std::size_t bytes = 0;        ///< length
};

/// @p count elements from @p p, as a watched range.
template <class T>
watched_range watched(const T* p, std::size_t count) {
  return watched_range{p, count * sizeof(T)};
}

/// What a device_work_scope saw (CPU backend).
struct device_work_report {
  std::uint64_t kernels = 0;                  ///< kernel launches that ran
  std::uint64_t library_calls = 0;            ///< cuBLAS calls
  std::uint64_t device_to_host_copies = 0;    ///< copies from device memory to the host
  std::uint64_t copies_into_outputs = 0;      ///< copies whose destination overlaps a watched range
  std::uint64_t memsets_into_outputs = 0;     ///< cudaMemsets whose destination overlaps a watched range
  bool outputs_changed_by_kernels = false;    ///< kernel threads changed the watched bytes
  bool outputs_changed_by_library = false;    ///< cuBLAS changed them
  bool outputs_changed_by_copies = false;     ///< a copy or memset changed them
  bool outputs_changed_by_host_code = false;  ///< host code changed them (between launches and copies)
  bool host_access_checked = false;           ///< device memory was protected from host code
  std::uint64_t host_accesses = 0;            ///< times host code touched device memory
  std::string host_access;                    ///< the first time: address, allocation, instruction

  /// Why the wrapped call did not do its work in kernels, one sentence each; empty when it did. A launcher that
  /// receives device pointers must launch a kernel, copy nothing to the host and nothing into its output, and its
  /// output must be changed by kernel threads and by no host code; host code must not touch device memory; cuBLAS
  /// counts as host work unless @p library_allowed. A cudaMemset of the output is allowed (zeroing C before
  /// kernels accumulate into it is a GPU pattern); it computes nothing, so kernels must still change the output.
  /// @param who the call's name, for the sentences
  [[nodiscard]] std::vector<std::string> problems(const std::string& who, bool library_allowed = false) const {
    std::vector<std::string> out;  // the most telling first: a grader shows the first line
    if (library_calls > 0 && !library_allowed) {
      out.push_back(who + " called cuBLAS " + std::to_string(library_calls) +
                    " time(s): here the work must run in your own kernel");
    }
    if (device_to_host_copies > 0) {
      out.push_back(who + " copied device memory to the host " + std::to_string(device_to_host_copies) +
                    " time(s) (cudaMemcpy DeviceToHost): a launcher leaves its data on the GPU");
    }
    if (copies_into_outputs > 0) out.push_back(who + " wrote its output with cudaMemcpy instead of a kernel");
    if (host_accesses > 0) out.push_back(who + ": " + host_access + "; a GPU's memory is not the host's");
    if (kernels == 0) out.push_back(who + " launched no kernel");
    if (outputs_changed_by_host_code) out.push_back("host code in " + who + " changed the output between launches");
    if (!outputs_changed_by_kernels && !(library_allowed && outputs_changed_by_library)) {
      out.push_back("no kernel thread of " + who +
                    " changed the output: its kernels write nothing, or only what host code had already put there");
    }
    return out;
  }

  /// Like problems(), for a host wrapper that copies its inputs in, runs kernels and copies the answer back into a
  /// watched **host** output: the output must be changed by copies only (not by host code), and kernels must run.
  [[nodiscard]] std::vector<std::string> wrapper_problems(const std::string& who) const {
    std::vector<std::string> out;
    if (kernels == 0) out.push_back(who + " launched no kernel");
    if (library_calls > 0) out.push_back(who + " called cuBLAS instead of its kernel");
    if (host_accesses > 0) out.push_back(who + ": " + host_access + "; a GPU's memory is not the host's");
    if (outputs_changed_by_host_code) out.push_back("host code in " + who + " wrote the output itself");
    if (!outputs_changed_by_copies) out.push_back(who + " never copied a result back into the output");
    return out;
  }
};

/// One sentence per line, for INFO().
inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += (s.empty() ? "" : "\n") + l;
  return s;
}

/// Watches the calls made while it is alive (see the file comment). One at a time per process.
class device_work_scope {
 public:
  /// Opens the watch on @p outputs (CPU backend; does nothing on a GPU).
  /// @throws std::logic_error when another scope is open
  explicit device_work_scope(std::initializer_list<watched_range> outputs) {
#if WS_BACKEND_CUDACPU
    std::vector<cudacpu::work_range> ranges;
    for (const auto& r : outputs) ranges.push_back(cudacpu::work_range{r.begin, r.bytes});
    if (!cudacpu::begin_work_watch(ranges.data(), ranges.size())) {
      throw std::logic_error("ws_test::device_work_scope: another scope is open");
    }
    open_ = true;
#else
    (void)outputs;
#endif
  }
  ~device_work_scope() { (void)report(); }
  device_work_scope(const device_work_scope&) = delete;
  device_work_scope& operator=(const device_work_scope&) = delete;

  /// Closes the watch (at the first call) and returns what it saw; std::nullopt ("unknown") on the native CUDA
  /// backend, where the GPU's own rules already keep host code out of device memory.
  const std::optional<device_work_report>& report() {
#if WS_BACKEND_CUDACPU
    if (open_) {
      open_ = false;
      const cudacpu::work_report w = cudacpu::end_work_watch();
      device_work_report r;
      r.kernels = w.kernels;
      r.library_calls = w.library_calls;
      r.device_to_host_copies = w.device_to_host_copies;
      r.copies_into_outputs = w.copies_into_outputs;
      r.memsets_into_outputs = w.memsets_into_outputs;
      r.outputs_changed_by_kernels = w.outputs_changed_by_kernels;
      r.outputs_changed_by_library = w.outputs_changed_by_library;
      r.outputs_changed_by_copies = w.outputs_changed_by_copies;
      r.outputs_changed_by_host_code = w.outputs_changed_by_host_code;
      r.host_access_checked = w.host_access_checked;
      r.host_accesses = w.host_accesses;
      r.host_access = w.host_access;
      report_ = r;
    }
#endif
    return report_;
  }

 private:
  bool open_ = false;
  std::optional<device_work_report> report_;
};

}  // namespace ws_test
