/// @file
/// @brief Lab 03 interface: matrix multiply on the GPU, one thread per element of C, then coalesced, then tiled.
///
/// Every version computes C = A · B for row-major A (m x k), B (k x n) and C (m x n), overwriting C (k = 0 gives
/// zeros). The launchers take device pointers, launch on the default stream and return without waiting; A and B
/// are not modified and must not overlap C. The tests, the benchmark (`./course bench matmul`) and the visualizer
/// call the versions by the names in matmul_gpu_versions().
#pragma once

#include <string_view>
#include <vector>

namespace lab03 {

/// @brief CPU reference, loops i-k-j: each row of C is zeroed, then row p of B, scaled by a[i][p], is added to it.
/// @param a m x k, row-major, host memory.
/// @param b k x n, row-major, host memory.
/// @param c m x n, row-major, host memory; overwritten.
/// @param m,n,k the shape; any may be 0.
void matmul_cpu_reference(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief Version "naive": one thread per element of C in 32 x 32 blocks, threadIdx.x along the rows of C.
///
/// The 32 threads of a warp then compute one column of a block of C: their reads of A and writes of C are k and n
/// floats apart, so each warp-wide access touches 32 different memory segments (uncoalesced).
/// @param a m x k, row-major, device memory.
/// @param b k x n, row-major, device memory.
/// @param c m x n, row-major, device memory; overwritten.
/// @param m,n,k the shape; any may be 0 (m or n = 0 launches nothing).
/// @throws ws::cuda_error if the launch is rejected. Errors inside the kernel surface at the next synchronizing call.
void launch_matmul_naive(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief Version "coalesced": as "naive", but threadIdx.x along the columns of C.
///
/// A warp then computes 32 neighbouring elements of one row of C: it reads 32 consecutive floats of B and writes
/// 32 consecutive floats of C (coalesced), and all its threads read the same element of A (a broadcast).
/// @param a,b,c,m,n,k as for launch_matmul_naive(): device pointers, any shape.
/// @throws ws::cuda_error if the launch is rejected.
void launch_matmul_coalesced(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief Version "tiled": as "coalesced", but each block stages 32 x 32 tiles of A and B in shared memory.
///
/// The block walks along k one tile at a time; every element loaded from global memory is then used by 32 threads,
/// so each output needs 2k/32 global loads instead of 2k. Tiles that stick out past the matrices are padded with
/// zeros, so any m, n and k work.
/// @param a,b,c,m,n,k as for launch_matmul_naive(): device pointers, any shape.
/// @throws ws::cuda_error if the launch is rejected.
void launch_matmul_tiled(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief The versions by name, in the order the lesson introduces them.
/// @return {"naive", "coalesced", "tiled"}: the names launch_matmul() accepts.
std::vector<std::string_view> matmul_gpu_versions();

/// @brief Runs the version called @p version (one of matmul_gpu_versions()).
/// @param version the version's name.
/// @param a,b,c,m,n,k as for launch_matmul_naive(): device pointers.
/// @throws std::invalid_argument for an unknown name.
void launch_matmul(std::string_view version, const float* a, const float* b, float* c, int m, int n, int k);

}  // namespace lab03
