/// @file
/// @brief Stand-in for CUDA's `cooperative_groups.h` on the cudacpu backend (a subset: blocks and warp tiles).
#pragma once

#include "cuda_runtime.h"
#include "cudacpu/cooperative_groups.h"
