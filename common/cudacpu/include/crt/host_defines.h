/// @file
/// @brief Stand-in for CUDA's `crt/host_defines.h` on the cudacpu backend: the qualifiers live in cudacpu/defs.h.
#pragma once

#include "../cuda_runtime.h"
