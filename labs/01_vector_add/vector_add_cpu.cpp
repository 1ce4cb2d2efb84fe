/// @file
/// @brief Lab 01 CPU reference: the loops the GPU versions must agree with.
#include "vector_add.h"

namespace lab01 {

void vector_add_cpu(const float* a, const float* b, float* c, int n) {
  for (int i = 0; i < n; ++i) {
    c[i] = a[i] + b[i];
  }
}

void saxpy_cpu(float alpha, const float* x, const float* y, float* out, int n) {
  for (int i = 0; i < n; ++i) {
    out[i] = alpha * x[i] + y[i];
  }
}

}  // namespace lab01
