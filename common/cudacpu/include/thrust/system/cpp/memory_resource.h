/// @file
/// @brief cudacpu's replacement for CCCL's `thrust/system/cpp/memory_resource.h` (found first on the include path).
///
/// With `THRUST_DEVICE_SYSTEM_CPP`, a `thrust::device_vector` lives in host memory. A learner still passes
/// `thrust::raw_pointer_cast(v.data())` to their own kernels, and the backend's host-pointer check must accept
/// it, so Thrust's CPP "device" allocations are registered as device memory here. Otherwise this is the original
/// header: the same names, a memory resource built on `new`/`delete`, tagged with `cpp::pointer`.
#pragma once

#include <thrust/detail/config.h>

#include <cstddef>
#include <new>
#include "cudacpu/source_location.h"
#include <thrust/mr/fancy_pointer_resource.h>
#include <thrust/mr/memory_resource.h>
#include <thrust/system/cpp/pointer.h>

namespace cudacpu::detail {
/// Allocates memory for Thrust's CPP device system and registers it as device memory.
void* thrust_device_allocate(std::size_t bytes, std::size_t alignment);
/// Unregisters and frees such memory.
void thrust_device_deallocate(void* p, std::size_t bytes, std::size_t alignment);
}  // namespace cudacpu::detail

THRUST_NAMESPACE_BEGIN
namespace system::cpp {
namespace detail {

/// `new`/`delete` plus registration with the cudacpu allocation registry.
class cudacpu_device_resource final : public thrust::mr::memory_resource<> {
 public:
  /// Allocates `bytes` aligned to `alignment`.
  void* do_allocate(std::size_t bytes, std::size_t alignment = THRUST_MR_DEFAULT_ALIGNMENT) override {
    return ::cudacpu::detail::thrust_device_allocate(bytes, alignment);
  }
  /// Frees memory from do_allocate.
  void do_deallocate(void* p, std::size_t bytes, std::size_t alignment = THRUST_MR_DEFAULT_ALIGNMENT) override {
    ::cudacpu::detail::thrust_device_deallocate(p, bytes, alignment);
  }
};

/// The CPP system's native resource (registered device memory).
using native_resource = thrust::mr::fancy_pointer_resource<cudacpu_device_resource, thrust::cpp::pointer<void>>;
/// The CPP system's universal resource.
using universal_native_resource =
    thrust::mr::fancy_pointer_resource<cudacpu_device_resource, thrust::cpp::universal_pointer<void>>;

}  // namespace detail

/// The memory resource for the Standard C++ system.
using memory_resource = detail::native_resource;
/// The unified memory resource for the Standard C++ system.
using universal_memory_resource = detail::universal_native_resource;
/// An alias for cpp::universal_memory_resource.
using universal_host_pinned_memory_resource = universal_memory_resource;

}  // namespace system::cpp
THRUST_NAMESPACE_END
