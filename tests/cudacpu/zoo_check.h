/// @file
/// @brief Small helpers shared by the cudacpu zoo tests: a checked CUDA call and device buffers.
#pragma once

#include <cuda_runtime.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <vector>

/// Fails the test case when a CUDA call does not return cudaSuccess, naming the call.
#define ZOO_CHECK(call)                                                                                           \
  do {                                                                                                            \
    const cudaError_t zoo_err_ = (call);                                                                          \
    INFO(#call << " returned " << cudaGetErrorName(zoo_err_));                                                    \
    REQUIRE(zoo_err_ == cudaSuccess);                                                                             \
  } while (0)

/// A device copy of a host vector, freed on scope exit.
template <class T>
class zoo_buffer {
 public:
  /// Allocates n elements.
  explicit zoo_buffer(std::size_t n) : n_(n) { ZOO_CHECK(cudaMalloc(&p_, n * sizeof(T))); }
  /// Allocates and uploads.
  explicit zoo_buffer(const std::vector<T>& h) : zoo_buffer(h.size()) {
    ZOO_CHECK(cudaMemcpy(p_, h.data(), h.size() * sizeof(T), cudaMemcpyHostToDevice));
  }
  zoo_buffer(const zoo_buffer&) = delete;
  zoo_buffer& operator=(const zoo_buffer&) = delete;
  ~zoo_buffer() { cudaFree(p_); }
  /// The device pointer.
  T* get() const { return p_; }
  /// Downloads everything.
  std::vector<T> download() const {
    std::vector<T> h(n_);
    ZOO_CHECK(cudaMemcpy(h.data(), p_, n_ * sizeof(T), cudaMemcpyDeviceToHost));
    return h;
  }

 private:
  T* p_ = nullptr;
  std::size_t n_;
};
