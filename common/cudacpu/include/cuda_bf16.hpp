/// @file
/// @brief Stand-in for CUDA's `cuda_bf16.hpp` on the cudacpu backend: everything it declares lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
