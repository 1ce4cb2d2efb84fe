/// @file
/// @brief Stand-in for CUDA's `cooperative_groups/reduce.h` on the cudacpu backend: `cg::reduce` and the function
///        objects `cg::plus/less/greater/bit_and/bit_or/bit_xor` live in the main header.
#pragma once

#include "../cooperative_groups.h"
