/// @file
/// @brief `cudaLaunchKernel` and `cudaLaunchCooperativeKernel`: launches whose arguments come as an array of
///        pointers (`void** args`, one per kernel parameter), as CUDA's runtime API takes them.
///
/// The parameter types of the kernel say how to read each `args[i]`. Passed as itself (`cudaLaunchKernel(k, ...)`),
/// the kernel brings them; passed as `(void*)k`, as most code does, they come from a registry: the translator ends
/// every translated file with one `register_kernel` line per non-template `__global__` function at namespace scope.
/// A kernel it could not register (a template instance, a kernel with default arguments) reports an error.
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

/// The error for a kernel given as `void*` that no translated file registered.
cudaError_t untyped_kernel_launch(const char* api, source_location where);

/// Launches the kernel at `func` (registered with its parameter types) from an array of argument pointers.
using registered_launch = cudaError_t (*)(const void* func, const launch_config& cfg, void** args);
/// Records how to launch the kernel at `func` (the generic form of register_kernel below).
void register_kernel_launch(const void* func, registered_launch launch);
/// How to launch the kernel at `func`, or null when no translated file registered it.
registered_launch find_kernel_launch(const void* func);

/// launch_from_array for a kernel known by its address and registered with these parameter types.
template <class... P>
cudaError_t launch_registered(const void* func, const launch_config& cfg, void** args) {
  auto* typed = reinterpret_cast<void (*)(P...)>(const_cast<void*>(func));
  return launch_from_array(cfg, typed, args, std::index_sequence_for<P...>{});
}

/// What the translator's registration lines call: makes `(void*)func` launchable by cudaLaunchKernel.
template <class... P>
bool register_kernel(void (*func)(P...)) {
  register_kernel_launch(reinterpret_cast<const void*>(func), &launch_registered<P...>);
  return true;
}

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

/// The `void*` form: the kernel's parameter types come from the translator's registration of it.
inline cudaError_t cudaLaunchKernel(const void* func, dim3 grid, dim3 block, void** args, std::size_t shared_mem = 0,
                                    cudaStream_t stream = nullptr,
                                    cudacpu::source_location where = cudacpu::source_location::current()) {
  const cudacpu::detail::registered_launch launch = cudacpu::detail::find_kernel_launch(func);
  if (launch == nullptr) return cudacpu::detail::untyped_kernel_launch("cudaLaunchKernel", where);
  return launch(func, cudacpu::launch_config(grid, block, shared_mem, stream, where), args);
}

/// The `void*` form: the kernel's parameter types come from the translator's registration of it.
inline cudaError_t cudaLaunchCooperativeKernel(const void* func, dim3 grid, dim3 block, void** args,
                                               std::size_t shared_mem = 0, cudaStream_t stream = nullptr,
                                               cudacpu::source_location where = cudacpu::source_location::current()) {
  const cudacpu::detail::registered_launch launch = cudacpu::detail::find_kernel_launch(func);
  if (launch == nullptr) return cudacpu::detail::untyped_kernel_launch("cudaLaunchCooperativeKernel", where);
  cudacpu::launch_config cfg(grid, block, shared_mem, stream, where);
  cfg.cooperative = true;
  return launch(func, cfg, args);
}
