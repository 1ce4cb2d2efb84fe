/// @file
/// @brief Stand-in for CUDA's `cooperative_groups/reduce.h` on the cudacpu backend (reduce is in the main header).
#pragma once

#include "../cooperative_groups.h"
