/// @file
/// @brief CUB's version macros for cudacpu's CUB stand-in: the CCCL release of CUDA 13.0 (CUB 3.0.1), the version
///        whose interface the stand-in follows (see docs/cudacpu.md, CUB).
#pragma once

/// CUB's version: major * 100000 + minor * 100 + subminor.
#define CUB_VERSION 300001
/// Major version.
#define CUB_MAJOR_VERSION (CUB_VERSION / 100000)
/// Minor version.
#define CUB_MINOR_VERSION (CUB_VERSION / 100 % 1000)
/// Subminor version.
#define CUB_SUBMINOR_VERSION (CUB_VERSION % 100)
/// Patch number.
#define CUB_PATCH_NUMBER 0
