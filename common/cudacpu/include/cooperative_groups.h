/// @file
/// @brief Stand-in for CUDA's `cooperative_groups.h` on the cudacpu backend (see cudacpu/cooperative_groups.h).
#pragma once

#include "cuda_runtime.h"
#include "cudacpu/cooperative_groups.h"
