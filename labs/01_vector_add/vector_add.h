/// @file
/// @brief Lab 01 interface: vector add and SAXPY on the CPU and the GPU.
///
/// The tests, the timing program and the grader call these functions. Device functions take device pointers;
/// `saxpy_gpu` takes host pointers and does the copies itself.
#pragma once

#include <string_view>
#include <vector>

namespace lab01 {

/// @brief CPU reference: c[i] = a[i] + b[i] for i in [0, n).
/// @param a,b,c Host pointers to at least @p n floats each.
/// @param n Number of elements.
void vector_add_cpu(const float* a, const float* b, float* c, int n);

/// @brief CPU reference: out[i] = alpha * x[i] + y[i] for i in [0, n).
/// @param alpha The scale of @p x.
/// @param x,y,out Host pointers to at least @p n floats each; @p out may alias @p y.
/// @param n Number of elements.
void saxpy_cpu(float alpha, const float* x, const float* y, float* out, int n);

/// @brief Adds two device vectors with one thread per element.
/// @param a,b,c Device pointers to at least @p n floats each.
/// @param n Number of elements; 0 launches nothing.
/// @param block_size Threads per block, 1 to 1024.
/// @throws ws::cuda_error if the launch fails.
void launch_vector_add(const float* a, const float* b, float* c, int n, int block_size);

/// @brief SAXPY on device vectors, one thread per element: the grid grows with @p n.
/// @param alpha The scale of @p x.
/// @param x,y,out Device pointers to at least @p n floats each; @p out may alias @p y.
/// @param n Number of elements; 0 launches nothing.
/// @param block_size Threads per block, 1 to 1024.
void launch_saxpy_one_per_thread(float alpha, const float* x, const float* y, float* out, int n, int block_size);

/// @brief SAXPY on device vectors with a grid-stride loop: a fixed grid (a few blocks per SM) covers any @p n.
/// @copydetails launch_saxpy_one_per_thread
void launch_saxpy_grid_stride(float alpha, const float* x, const float* y, float* out, int n, int block_size);

/// @brief The SAXPY versions by name, in the order the lesson introduces them.
std::vector<std::string_view> saxpy_versions();

/// @brief Runs the SAXPY version called @p version (one of saxpy_versions()).
/// @param version The version's name.
/// @param alpha,x,y,out,n,block_size As for launch_saxpy_one_per_thread().
/// @throws std::invalid_argument for an unknown name.
void launch_saxpy(std::string_view version, float alpha, const float* x, const float* y, float* out, int n,
                  int block_size);

/// @brief SAXPY on host vectors: allocates device memory, copies in, launches, copies the result back.
/// @param alpha The scale of @p x.
/// @param x,y,out Host pointers to at least @p n floats each.
/// @param n Number of elements; 0 does nothing.
/// @param block_size Threads per block, 1 to 1024.
/// @throws ws::cuda_error if an allocation, copy or launch fails.
void saxpy_gpu(float alpha, const float* x, const float* y, float* out, int n, int block_size);

}  // namespace lab01
