/// @file cuda_runtime.h
/// @brief A tiny stand-in for the CPU backend's runtime headers: just enough declarations for
/// `g++ -fsyntax-only` to check translated code (the shapes of `::cudacpu::launch`, `shared_variable` and
/// `dynamic_shared` that the translator's output relies on). Nothing here runs.
///
/// The real headers are in common/cudacpu/include; this stub keeps the translator's tests independent of them.
#pragma once

#include <cstddef>
#include <source_location>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __align__(n) alignas(n)

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
using uint3 = dim3;
using cudaStream_t = struct cuda_stream*;
enum cudaError_t { cudaSuccess = 0 };

extern const uint3 threadIdx, blockIdx;
extern const dim3 blockDim, gridDim;
void __syncthreads();
cudaError_t cudaGetLastError();
cudaError_t cudaDeviceSynchronize();

namespace cudacpu {

/// The launch configuration: what `<<<grid, block, smem, stream>>>` held, plus where the launch was written.
struct launch_config {
  launch_config(dim3 grid, dim3 block, std::size_t shared_bytes = 0, cudaStream_t stream = nullptr,
                std::source_location where = std::source_location::current());
};

/// Returns the callable that receives the kernel's arguments; the body calls the kernel with copies of them.
template <class Body>
auto launch(const launch_config&, Body body) {
  return [body](auto... args) mutable { body(args...); };
}

/// The block's instance of one `__shared__` declaration; the key's type identifies the declaration, the name is the
/// declared one (for the race checker's reports).
template <class T, class Key>
T& shared_variable(Key, const char*) {
  static T variable;
  return variable;
}

/// The block's dynamic shared memory (the launch's third configuration argument), as T*.
template <class T>
T* dynamic_shared() {
  alignas(16) static unsigned char bytes[1024];
  return reinterpret_cast<T*>(bytes);
}

namespace detail {
/// What the registrations after a translated file call, so that `cudaLaunchKernel((void*)k, ...)` knows k's
/// parameter types.
template <class... P>
bool register_kernel(void (*)(P...)) {
  return true;
}
}  // namespace detail

}  // namespace cudacpu
