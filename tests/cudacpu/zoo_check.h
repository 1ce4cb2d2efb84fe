/// @file
/// @brief Small helpers shared by the cudacpu zoo tests: a checked CUDA call, device buffers and a capture of the
///        backend's reports on stderr.
#pragma once

#include <cuda_runtime.h>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdio>
#include <string>
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

/// What the process writes to stderr while this lives (the backend's reports).
class stderr_capture {
 public:
  stderr_capture() : file_(std::tmpfile()) {
    std::fflush(stderr);
    saved_ = dup(2);
    dup2(fileno(file_), 2);
  }
  stderr_capture(const stderr_capture&) = delete;
  stderr_capture& operator=(const stderr_capture&) = delete;
  ~stderr_capture() {
    restore();
    std::fclose(file_);
  }
  /// Stops capturing and returns the text.
  std::string text() {
    restore();
    std::string s;
    std::rewind(file_);
    char buf[4096];
    std::size_t got = 0;
    while ((got = std::fread(buf, 1, sizeof buf, file_)) > 0) s.append(buf, got);
    return s;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
    saved_ = -1;
  }
  std::FILE* file_;
  int saved_ = -1;
};
