/// @file
/// @brief cudacpu zoo: Thrust with the CPP device system (sort, reduce, transform) and a raw pointer from a
///        `thrust::device_vector` passed to an ordinary kernel.
#include <thrust/device_vector.h>
#include <thrust/functional.h>
#include <thrust/host_vector.h>
#include <thrust/reduce.h>
#include <thrust/sequence.h>
#include <thrust/sort.h>
#include <thrust/transform.h>

#include <vector>

#include "zoo_check.h"

__global__ void add_index(float* data, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) data[i] += static_cast<float>(i);
}

struct square {
  __host__ __device__ float operator()(float x) const { return x * x; }
};

TEST_CASE("Thrust on the CPP device system sorts, reduces and transforms device vectors", "[cudacpu][thrust]") {
  const int n = 1001;
  thrust::host_vector<int> h(n);
  for (int i = 0; i < n; ++i) h[i] = (i * 7919) % n;
  thrust::device_vector<int> d = h;
  thrust::sort(d.begin(), d.end());
  for (int i = 0; i < n; ++i) REQUIRE(d[i] == i);
  REQUIRE(thrust::reduce(d.begin(), d.end(), 0, thrust::plus<int>()) == n * (n - 1) / 2);
  thrust::device_vector<float> f(4);
  thrust::sequence(f.begin(), f.end(), 1.0f);
  thrust::transform(f.begin(), f.end(), f.begin(), square());
  REQUIRE(f[3] == 16.0f);
  thrust::sort(f.begin(), f.end(), thrust::greater<float>());
  REQUIRE(f[0] == 16.0f);
}

TEST_CASE("a raw pointer from a thrust::device_vector is accepted as a kernel argument", "[cudacpu][thrust]") {
  const int n = 300;
  thrust::device_vector<float> v(n, 0.5f);
  add_index<<<(n + 127) / 128, 128>>>(thrust::raw_pointer_cast(v.data()), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  REQUIRE(v[299] == 299.5f);
}
