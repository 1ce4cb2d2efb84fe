/// @file
/// @brief Stand-in for CUDA's `surface_types.h` on the cudacpu backend (texture and surface objects): everything lives in
///        cuda_runtime.h (cudacpu/texture.h).
#pragma once

#include "cuda_runtime.h"
