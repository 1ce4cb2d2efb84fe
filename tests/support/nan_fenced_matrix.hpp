/// @file
/// @brief A device input matrix fenced by NaN, shared by the GPU matmul labs' tests (03, 04).
#pragma once

#include <cstddef>
#include <vector>

#include <cuda_runtime.h>

#include <ws/cuda_check.hpp>
#include <ws/device_buffer.hpp>
#include <ws/guard.hpp>

namespace ws_test {

/// An input matrix on the device with a band of NaN before and after it. A read just outside A or B (say past the
/// end of the last row while loading an edge tile) is often multiplied by a zero from the padding of the other
/// tile and changes nothing in C; a NaN times zero is NaN, so here it shows. (Without the bands, such a read goes
/// past the allocation, which `--check memory` reports.)
/// @tparam T the element type (float, __half, __nv_bfloat16): all-ones bytes are a NaN in each.
template <class T>
class nan_fenced_matrix {
public:
  /// Copies @p host to the device between the NaN bands, @p offset elements after the front band (an offset of 1
  /// makes a float matrix that is not 16-byte aligned).
  explicit nan_fenced_matrix(const std::vector<T>& host, std::size_t offset = 0)
      : storage_(host.size() + 2 * fence + offset), offset_(offset) {
    storage_.fill_bytes(ws::nan_byte);
    if (!host.empty()) {
      WS_CUDA_CHECK(cudaMemcpy(data(), host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
    }
  }
  /// The first element; 16-byte aligned unless an offset was asked for.
  [[nodiscard]] const T* data() const { return storage_.data() + fence + offset_; }
  /// @copydoc data() const
  [[nodiscard]] T* data() { return storage_.data() + fence + offset_; }

private:
  static constexpr std::size_t fence = ws::default_guard_elements;
  ws::device_buffer<T> storage_;
  std::size_t offset_;
};

}  // namespace ws_test
