/// @file
/// @brief Stand-in for CUDA's `cooperative_groups/scan.h` on the cudacpu backend: `cg::inclusive_scan` and
///        `cg::exclusive_scan` live in the main header.
#pragma once

#include "../cooperative_groups.h"
