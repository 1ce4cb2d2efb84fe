/// @file
/// @brief The cudacpu backend's `cuda::std` where CCCL's libcu++ is not on the include path (Debian's
///        libthrust-dev ships none): the host's standard library under libcu++'s name.
///
/// Kernels run as host code here, so `std::array`, `std::tuple`, `std::numeric_limits`… are what libcu++ would
/// give. Each `<cuda/std/X>` stand-in includes CCCL's header instead when there is one (`#include_next`), so a
/// build with a CUDA Toolkit's CCCL uses libcu++ itself.
#pragma once

namespace cuda::std {
// Every name of the host's std, by qualified lookup (`cuda::std::array`); declarations made directly in cuda::std
// (its barrier, thread_scope) take precedence.
using namespace ::std;
}  // namespace cuda::std
