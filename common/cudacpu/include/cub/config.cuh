/// @file
/// @brief CUB's configuration header for cudacpu's CUB stand-in: the version macros and the operator functors
///        every CUB header brings (`cuda::std::plus<>`, `cuda::maximum<>`, `cuda::minimum<>`).
#pragma once

#include "detail/cudacpu_backend.cuh"
#include "version.cuh"
