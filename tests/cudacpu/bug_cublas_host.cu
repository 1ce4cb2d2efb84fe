/// @file
/// @brief Deliberately buggy: cublasSgemm gets the host copy of A instead of the device one. The stand-in reports
///        the call's line and returns CUBLAS_STATUS_INVALID_VALUE (a GPU would fault). With the argument "fixed"
///        it gets the device pointer and the program must run clean.
#include <cublas_v2.h>

#include <cstdio>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
  const bool fixed = argc > 1 && std::strcmp(argv[1], "fixed") == 0;
  const int n = 8;
  std::vector<float> h_a(n * n, 1.0f);
  float* d_a = nullptr;
  float* d_c = nullptr;
  cudaMalloc(&d_a, n * n * sizeof(float));
  cudaMalloc(&d_c, n * n * sizeof(float));
  cudaMemcpy(d_a, h_a.data(), n * n * sizeof(float), cudaMemcpyHostToDevice);
  cublasHandle_t handle = nullptr;
  cublasCreate(&handle);
  const float alpha = 1.0f, beta = 0.0f;
  const float* a = fixed ? d_a : h_a.data();
  const cublasStatus_t status =
      cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &alpha, a, n, d_a, n, &beta, d_c, n);  // BUG:cublas_host
  std::printf("status: %s\n", cublasGetStatusName(status));
  cublasDestroy(handle);
  cudaFree(d_a);
  cudaFree(d_c);
  return 0;
}
