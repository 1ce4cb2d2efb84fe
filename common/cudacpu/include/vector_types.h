/// @file
/// @brief Stand-in for CUDA's `vector_types.h` on the cudacpu backend (CUDA vector types): everything lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
