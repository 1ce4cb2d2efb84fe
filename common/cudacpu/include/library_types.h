/// @file
/// @brief Stand-in for CUDA's `library_types.h` on the cudacpu backend: `cudaDataType` (the element types the CUDA
///        libraries take, e.g. `cublasGemmEx`'s `Atype`) and `libraryPropertyType`, with CUDA's values.
///
/// `cuda_runtime.h` includes it, as CUDA's does. The emulation enums of CUDA 13 (`cudaEmulationStrategy` ...) are
/// left out: nothing in the cudacpu backend takes them.
#pragma once

/// The element type of a library operand (CUDA 13's values; R = real, C = complex).
typedef enum cudaDataType_t {
  CUDA_R_16F = 2,        ///< `__half`
  CUDA_C_16F = 6,        ///< a pair of `__half`
  CUDA_R_16BF = 14,      ///< `__nv_bfloat16`
  CUDA_C_16BF = 15,      ///< a pair of `__nv_bfloat16`
  CUDA_R_32F = 0,        ///< `float`
  CUDA_C_32F = 4,        ///< a pair of `float`
  CUDA_R_64F = 1,        ///< `double`
  CUDA_C_64F = 5,        ///< a pair of `double`
  CUDA_R_4I = 16,        ///< signed 4-bit integer
  CUDA_C_4I = 17,        ///< a pair of signed 4-bit integers
  CUDA_R_4U = 18,        ///< unsigned 4-bit integer
  CUDA_C_4U = 19,        ///< a pair of unsigned 4-bit integers
  CUDA_R_8I = 3,         ///< `int8_t`
  CUDA_C_8I = 7,         ///< a pair of `int8_t`
  CUDA_R_8U = 8,         ///< `uint8_t`
  CUDA_C_8U = 9,         ///< a pair of `uint8_t`
  CUDA_R_16I = 20,       ///< `int16_t`
  CUDA_C_16I = 21,       ///< a pair of `int16_t`
  CUDA_R_16U = 22,       ///< `uint16_t`
  CUDA_C_16U = 23,       ///< a pair of `uint16_t`
  CUDA_R_32I = 10,       ///< `int32_t`
  CUDA_C_32I = 11,       ///< a pair of `int32_t`
  CUDA_R_32U = 12,       ///< `uint32_t`
  CUDA_C_32U = 13,       ///< a pair of `uint32_t`
  CUDA_R_64I = 24,       ///< `int64_t`
  CUDA_C_64I = 25,       ///< a pair of `int64_t`
  CUDA_R_64U = 26,       ///< `uint64_t`
  CUDA_C_64U = 27,       ///< a pair of `uint64_t`
  CUDA_R_8F_E4M3 = 28,   ///< fp8 e4m3
  CUDA_R_8F_UE4M3 = CUDA_R_8F_E4M3,  ///< unsigned fp8 e4m3
  CUDA_R_8F_E5M2 = 29,   ///< fp8 e5m2
  CUDA_R_8F_UE8M0 = 30,  ///< exponent-only fp8
  CUDA_R_6F_E2M3 = 31,   ///< fp6 e2m3
  CUDA_R_6F_E3M2 = 32,   ///< fp6 e3m2
  CUDA_R_4F_E2M1 = 33,   ///< fp4 e2m1
} cudaDataType;

/// Which part of a library's version `*GetProperty` returns.
typedef enum libraryPropertyType_t {
  MAJOR_VERSION,  ///< e.g. 13
  MINOR_VERSION,  ///< e.g. 0
  PATCH_LEVEL     ///< e.g. 0
} libraryPropertyType;
