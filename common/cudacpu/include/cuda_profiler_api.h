/// @file
/// @brief Stand-in for `cuda_profiler_api.h` on the cudacpu backend: cudaProfilerStart and cudaProfilerStop.
///
/// On a GPU they mark the region a profiler (Nsight Systems with `--capture-range=cudaProfilerApi`) records.
/// The CPU backend has no such profiler, so both only succeed; programs that bracket their timed loop with them
/// build and run unchanged.
#pragma once

#include "cuda_runtime.h"

/// Starts profiler capture: nothing to start here.
/// @return cudaSuccess
inline cudaError_t cudaProfilerStart() { return cudaSuccess; }

/// Stops profiler capture: nothing to stop here.
/// @return cudaSuccess
inline cudaError_t cudaProfilerStop() { return cudaSuccess; }
