/// @file
/// @brief Lab 04 interface: fast FP32 matmul kernels, a tensor-core (WMMA) kernel, and cuBLAS as the yardstick.
///
/// Every matmul is row-major C (m x n) = A (m x k) · B (k x n) and overwrites C; any m, n and k work (k = 0 gives
/// C = 0). All pointers are device pointers. The launchers run on the default stream and return without waiting:
/// call `cudaDeviceSynchronize()` (or copy the result back) before reading C. The tests, `./course bench matmul`
/// and the visualizer call these functions.
#pragma once

#include <string_view>
#include <vector>

#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

/// Lab 04: fast FP32 matmul kernels, a tensor-core kernel and the cuBLAS wrappers.
namespace lab04 {

/// @brief 1D register blocking: each thread computes a column of 8 outputs from 64x64 shared-memory tiles.
/// @param a Device pointer to A, m x k, row-major.
/// @param b Device pointer to B, k x n, row-major.
/// @param c Device pointer to C, m x n, row-major; overwritten.
/// @param m Rows of A and C, >= 0.
/// @param n Columns of B and C, >= 0.
/// @param k Columns of A and rows of B, >= 0.
/// @throws ws::cuda_error if the launch fails.
void launch_matmul_regblock_1d(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief 2D register blocking: each thread computes an 8x8 block of outputs from 128x128 tiles.
/// @copydetails launch_matmul_regblock_1d
void launch_matmul_regblock_2d(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief 2D register blocking with float4 global loads and a transposed A tile in shared memory.
///
/// The float4 path runs when k and n are multiples of 4 and every pointer is 16-byte aligned; otherwise the same
/// kernel loads element by element.
/// @copydetails launch_matmul_regblock_1d
void launch_matmul_vectorized(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief Warp tiling: 128x128 block tiles split into 64x32 warp tiles, each thread 8x8 outputs in two 8x4 pieces.
/// @copydetails launch_matmul_regblock_1d
void launch_matmul_warptiled(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief The warp-tiled kernel with two shared-memory buffers: loads tile t+1 while computing tile t.
/// @copydetails launch_matmul_regblock_1d
void launch_matmul_double_buffered(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief The FP32 versions by name, in the order the lesson introduces them:
/// "regblock_1d", "regblock_2d", "vectorized", "warptiled", "double_buffered".
std::vector<std::string_view> matmul_fast_versions();

/// @brief Runs the FP32 version called @p version (one of matmul_fast_versions()).
/// @param version The version's name.
/// @param a,b,c,m,n,k As for launch_matmul_regblock_1d().
/// @throws std::invalid_argument for an unknown name.
void launch_matmul(std::string_view version, const float* a, const float* b, float* c, int m, int n, int k);

/// @brief The tensor-core versions by name: "wmma".
std::vector<std::string_view> tensor_core_versions();

/// @brief Tensor cores through WMMA: FP16 inputs, FP32 accumulation and output, 128x128x32 block tiles, 8 warps.
/// @param a Device pointer to A, m x k, row-major, in FP16.
/// @param b Device pointer to B, k x n, row-major, in FP16.
/// @param c Device pointer to C, m x n, row-major, in FP32; overwritten.
/// @param m Rows of A and C, >= 0.
/// @param n Columns of B and C, >= 0.
/// @param k Columns of A and rows of B, >= 0.
/// @throws ws::cuda_error if the launch fails.
void launch_matmul_wmma(const __half* a, const __half* b, float* c, int m, int n, int k);

/// @brief The WMMA kernel with BF16 inputs (FP32 accumulation and output).
/// @param a Device pointer to A, m x k, row-major, in BF16.
/// @param b Device pointer to B, k x n, row-major, in BF16.
/// @param c Device pointer to C, m x n, row-major, in FP32; overwritten.
/// @param m Rows of A and C, >= 0.
/// @param n Columns of B and C, >= 0.
/// @param k Columns of A and rows of B, >= 0.
/// @throws ws::cuda_error if the launch fails.
void launch_matmul_wmma(const __nv_bfloat16* a, const __nv_bfloat16* b, float* c, int m, int n, int k);

/// @brief cuBLAS SGEMM on row-major matrices (C^T = B^T · A^T in cuBLAS's column-major view).
/// @param handle A cuBLAS handle (cublasCreate); its stream is used.
/// @param a,b,c,m,n,k As for launch_matmul_regblock_1d().
/// @throws std::runtime_error naming the call and cuBLAS's status if cuBLAS fails.
void matmul_cublas_sgemm(cublasHandle_t handle, const float* a, const float* b, float* c, int m, int n, int k);

/// @brief cuBLAS GemmEx with FP16 inputs, FP32 output and FP32 accumulation (CUBLAS_COMPUTE_32F): tensor cores.
/// @param handle A cuBLAS handle (cublasCreate); its stream is used.
/// @param a,b,c,m,n,k As for launch_matmul_wmma(const __half*, const __half*, float*, int, int, int).
/// @throws std::runtime_error naming the call and cuBLAS's status if cuBLAS fails.
void matmul_cublas_gemmex(cublasHandle_t handle, const __half* a, const __half* b, float* c, int m, int n, int k);

/// @brief cuBLAS GemmEx with BF16 inputs, FP32 output and FP32 accumulation (CUBLAS_COMPUTE_32F): tensor cores.
/// @param handle A cuBLAS handle (cublasCreate); its stream is used.
/// @param a,b,c,m,n,k As for launch_matmul_wmma(const __nv_bfloat16*, const __nv_bfloat16*, float*, int, int, int).
/// @throws std::runtime_error naming the call and cuBLAS's status if cuBLAS fails.
void matmul_cublas_gemmex(cublasHandle_t handle, const __nv_bfloat16* a, const __nv_bfloat16* b, float* c, int m,
                          int n, int k);

}  // namespace lab04
