/// @file
/// @brief `cudaLaunchKernel` and `cudaLaunchCooperativeKernel`: launches whose arguments come as an array of
///        pointers (`void** args`, one per kernel parameter), as CUDA's runtime API takes them.
///
/// The kernel must be passed as itself (`cudaLaunchCooperativeKernel(my_kernel, ...)`): its parameter types say how
/// to read each `args[i]`. A cast to `void*` loses them; that form compiles but reports an error.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "kernel.h"
#include "source_location.h"
#include "types.h"

namespace cudacpu::detail {

/// Calls `launch(cfg, ...)` with `*args[i]` read as the i-th parameter's type.
template <class... P, std::size_t... I>
cudaError_t launch_from_array(const launch_config& cfg, void (*func)(P...), void** args,
                              std::index_sequence<I...>) {
  auto body = [func](auto&... a) { func(a...); };
  return ::cudacpu::launch(cfg, body)(*static_cast<std::remove_cv_t<std::remove_reference_t<P>>*>(args[I])...);
}

/// The error for a kernel given as `void*`.
cudaError_t untyped_kernel_launch(const char* api, source_location where);

}  // namespace cudacpu::detail

/// Launches `func` on `grid` x `block`; `args[i]` points to the value of the kernel's i-th parameter.
template <class... P>
cudaError_t cudaLaunchKernel(void (*func)(P...), dim3 grid, dim3 block, void** args, std::size_t shared_mem = 0,
                             cudaStream_t stream = nullptr,
                             cudacpu::source_location where = cudacpu::source_location::current()) {
  cudacpu::launch_config cfg(grid, block, shared_mem, stream, where);
  return cudacpu::detail::launch_from_array(cfg, func, args, std::index_sequence_for<P...>{});
}

/// Cooperative launch: every block runs at the same time, so the kernel may call this_grid().sync(). Fails with
/// cudaErrorCooperativeLaunchTooLarge when the grid has more blocks than can be resident at once
/// (cudaOccupancyMaxActiveBlocksPerMultiprocessor x multiProcessorCount).
template <class... P>
cudaError_t cudaLaunchCooperativeKernel(void (*func)(P...), dim3 grid, dim3 block, void** args,
                                        std::size_t shared_mem = 0, cudaStream_t stream = nullptr,
                                        cudacpu::source_location where = cudacpu::source_location::current()) {
  cudacpu::launch_config cfg(grid, block, shared_mem, stream, where);
  cfg.cooperative = true;
  return cudacpu::detail::launch_from_array(cfg, func, args, std::index_sequence_for<P...>{});
}

/// The `void*` form: the CPU backend cannot know the kernel's parameters from it; reports an error.
inline cudaError_t cudaLaunchKernel(const void* func, dim3 grid, dim3 block, void** args, std::size_t shared_mem = 0,
                                    cudaStream_t stream = nullptr,
                                    cudacpu::source_location where = cudacpu::source_location::current()) {
  (void)func, (void)grid, (void)block, (void)args, (void)shared_mem, (void)stream;
  return cudacpu::detail::untyped_kernel_launch("cudaLaunchKernel", where);
}

/// The `void*` form: the CPU backend cannot know the kernel's parameters from it; reports an error.
inline cudaError_t cudaLaunchCooperativeKernel(const void* func, dim3 grid, dim3 block, void** args,
                                               std::size_t shared_mem = 0, cudaStream_t stream = nullptr,
                                               cudacpu::source_location where = cudacpu::source_location::current()) {
  (void)func, (void)grid, (void)block, (void)args, (void)shared_mem, (void)stream;
  return cudacpu::detail::untyped_kernel_launch("cudaLaunchCooperativeKernel", where);
}
