/// @file
/// @brief cudacpu zoo: the work watch (cudacpu::begin_work_watch): what ran, who changed the outputs, and host code
///        that touches device memory. tests/support/kernel_launches.hpp builds the labs' checks on it.
#include <cublas_v2.h>

#include <cmath>
#include <vector>

#include "zoo_check.h"

namespace {

__global__ void add_one(const float* in, float* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = in[i] + 1.0f;
}

__global__ void do_nothing(float* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < 0 && i < n) out[i] = 0.0f;  // never
}

/// Opens a watch on @p out, runs @p work, closes it.
template <class F>
cudacpu::work_report watch(const float* out, int n, const F& work) {
  const cudacpu::work_range r{out, static_cast<std::size_t>(n) * sizeof(float)};
  REQUIRE(cudacpu::begin_work_watch(&r, 1));
  work();
  return cudacpu::end_work_watch();
}

}  // namespace

TEST_CASE("the work watch attributes an output written by a kernel to the kernel", "[cudacpu][watch]") {
  const int n = 300;
  zoo_buffer<float> in(std::vector<float>(n, 2.0f));
  zoo_buffer<float> out(n);
  const auto r = watch(out.get(), n, [&] { add_one<<<3, 128>>>(in.get(), out.get(), n); });
  CHECK(r.kernels == 1);
  CHECK(r.library_calls == 0);
  CHECK(r.device_to_host_copies == 0);
  CHECK(r.copies_into_outputs == 0);
  CHECK(r.outputs_changed_by_kernels);
  CHECK_FALSE(r.outputs_changed_by_host_code);
  CHECK_FALSE(r.outputs_changed_by_copies);
  CHECK(r.host_accesses == 0);
  CHECK(out.download() == std::vector<float>(n, 3.0f));
}

TEST_CASE("the work watch sees a host computation copied in behind a decoy kernel", "[cudacpu][watch]") {
  const int n = 300;
  zoo_buffer<float> in(std::vector<float>(n, 2.0f));
  zoo_buffer<float> out(n);
  const auto r = watch(out.get(), n, [&] {
    std::vector<float> h(n);
    REQUIRE(cudaMemcpy(h.data(), in.get(), n * sizeof(float), cudaMemcpyDeviceToHost) == cudaSuccess);
    for (float& x : h) x += 1.0f;
    REQUIRE(cudaMemcpy(out.get(), h.data(), n * sizeof(float), cudaMemcpyHostToDevice) == cudaSuccess);
    do_nothing<<<3, 128>>>(out.get(), n);
  });
  CHECK(r.kernels == 1);
  CHECK(r.device_to_host_copies == 1);
  CHECK(r.copies_into_outputs == 1);
  CHECK(r.outputs_changed_by_copies);
  CHECK_FALSE(r.outputs_changed_by_kernels);
}

TEST_CASE("the work watch counts a memset of the output and cuBLAS calls", "[cudacpu][watch]") {
  const int n = 4;
  zoo_buffer<float> a(std::vector<float>(n * n, 1.0f));
  zoo_buffer<float> c(n * n);
  cublasHandle_t h = nullptr;
  REQUIRE(cublasCreate(&h) == CUBLAS_STATUS_SUCCESS);
  const float one = 1.0f;
  const float zero = 0.0f;
  const auto r = watch(c.get(), n * n, [&] {
    REQUIRE(cudaMemset(c.get(), 0, n * n * sizeof(float)) == cudaSuccess);
    REQUIRE(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, a.get(), n, a.get(), n, &zero, c.get(), n) ==
            CUBLAS_STATUS_SUCCESS);
  });
  cublasDestroy(h);
  CHECK(r.kernels == 0);
  CHECK(r.library_calls == 1);
  CHECK(r.memsets_into_outputs == 1);
  CHECK(r.outputs_changed_by_copies);
  CHECK(r.outputs_changed_by_library);
  CHECK_FALSE(r.outputs_changed_by_host_code);
  CHECK(c.download() == std::vector<float>(n * n, 4.0f));
}

TEST_CASE("the work watch catches host code that reads and writes device memory directly", "[cudacpu][watch]") {
#if defined(WS_CUDACPU_CHECK_MEMORY)
  // Under the memory checker the access is an AddressSanitizer report (use-after-poison), which ends the process.
  SUCCEED("memory mode: a host access is AddressSanitizer's to report");
  return;
#endif
  const int n = 300;
  zoo_buffer<float> in(std::vector<float>(n, 2.0f));
  zoo_buffer<float> out(n);
  const auto r = watch(out.get(), n, [&] {
    float* o = out.get();
    const float* i = in.get();
    for (int k = 0; k < n; ++k) o[k] = i[k] + 1.0f;  // device memory is host memory here; a GPU would not allow it
  });
  CHECK(r.outputs_changed_by_host_code);
  CHECK_FALSE(r.outputs_changed_by_kernels);
  if (r.host_access_checked) {
    CHECK(r.host_accesses >= 1);
    CHECK(r.host_access.find("host code touched device memory") != std::string::npos);
  }
  CHECK(out.download() == std::vector<float>(n, 3.0f));  // the accesses went on: the report is the verdict
}

TEST_CASE("only one work watch is open at a time, and device memory is the host's again after it", "[cudacpu][watch]") {
  zoo_buffer<float> buf(std::vector<float>(8, 5.0f));
  const cudacpu::work_range r{buf.get(), 8 * sizeof(float)};
  REQUIRE(cudacpu::begin_work_watch(&r, 1));
  CHECK_FALSE(cudacpu::begin_work_watch(&r, 1));
  const auto report = cudacpu::end_work_watch();
  CHECK(report.kernels == 0);
  CHECK_FALSE(report.outputs_changed_by_host_code);
  CHECK(buf.get()[3] == 5.0f);  // no watch open: no protection
}
