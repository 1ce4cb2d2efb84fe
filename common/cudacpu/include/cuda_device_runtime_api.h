/// @file
/// @brief Stand-in for CUDA's `cuda_device_runtime_api.h` on the cudacpu backend (the device-side runtime API): everything lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
