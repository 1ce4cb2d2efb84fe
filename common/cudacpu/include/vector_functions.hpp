/// @file
/// @brief Stand-in for CUDA's `vector_functions.hpp` on the cudacpu backend: everything it declares lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
