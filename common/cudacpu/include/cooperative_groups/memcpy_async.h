/// @file
/// @brief Stand-in for CUDA's `cooperative_groups/memcpy_async.h` on the cudacpu backend: `cg::memcpy_async`,
///        `cg::wait` and `cg::wait_prior` live in the main header (the copy is done at once, by the group's threads).
#pragma once

#include "../cooperative_groups.h"
