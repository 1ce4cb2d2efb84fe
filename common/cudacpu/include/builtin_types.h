/// @file
/// @brief Stand-in for CUDA's `builtin_types.h` on the cudacpu backend (CUDA built-in types): everything lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
