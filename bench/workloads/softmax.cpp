/// @file
/// @brief softmax (lab 05): numerically stable row-wise softmax and log-sum-exp, CPU and every GPU version.
///
/// Each row needs its maximum and its sum of exponentials before any output: a reduction per row. A good kernel
/// reads the input once and writes the output once, so the roof is the measured memory bandwidth. Rows:
///   CPU   lab 05's softmax_rows_cpu and logsumexp_rows_cpu (1 thread)
///   GPU   lab 05's "softmax" versions and its log-sum-exp kernel
/// Shapes rows x cols: 4096 x 1000 (a vocabulary-sized row, not a power of two) and 65536 x 128 (many short rows);
/// the CPU backend: 256 x 1000 and 1024 x 128. No library yardstick yet (cuDNN is not in the course's build).
/// Bytes: softmax 8 per element (read, write), log-sum-exp 4 per element + 4 per row. FLOPs, counted as one each:
/// softmax 4 per element (subtract, exp, add, scale), log-sum-exp 3 (subtract, exp, add).
/// Checked at 37 x 1000 and 300 x 33 against the same formulas in double; after timing, 64 sampled rows.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <cuda_runtime.h>

#include <ws/compare.hpp>
#include <ws/cuda_check.hpp>
#include <ws/device_buffer.hpp>
#include <ws/random.hpp>

#include "harness.hpp"
#include "lab05_manifest.hpp"
#include "reductions.h"

namespace {

/// Logits, scaled to [-8, 8] so the exponentials spread over several orders of magnitude.
struct data {
  int rows, cols;
  std::vector<float> x;
  data(int r, int c) : rows(r), cols(c), x(static_cast<std::size_t>(r) * c) {
    ws::fill_random(x, 9, -8.0f, 8.0f);
  }
};

/// Row r's maximum and log of the sum of exp(x - max), in double.
std::pair<double, double> row_stats(const data& d, int r) {
  const float* row = d.x.data() + static_cast<std::size_t>(r) * d.cols;
  double m = -std::numeric_limits<double>::infinity();
  for (int j = 0; j < d.cols; ++j) m = std::max(m, static_cast<double>(row[j]));
  double sum = 0;
  for (int j = 0; j < d.cols; ++j) sum += std::exp(row[j] - m);
  return {m, std::log(sum)};
}

/// Every @p row_stride-th row of a softmax output against the double formula.
bool softmax_right(const data& d, const std::vector<float>& y, int row_stride) {
  if (y.size() != d.x.size()) return false;
  // Relative: the outputs span orders of magnitude (exp of [-16, 0]), and a wrong index moves one by far more.
  // 1e-4 leaves room for fast exponentials (__expf: 2 ulp + a term in |x|) and the sum's rounding.
  const ws::tolerance tol{.abs = 1e-9, .rel = 1e-4};
  for (int r = 0; r < d.rows; r += row_stride) {
    const auto [m, log_sum] = row_stats(d, r);
    for (int j = 0; j < d.cols; ++j) {
      const std::size_t i = static_cast<std::size_t>(r) * d.cols + j;
      if (!tol.accepts(std::exp(d.x[i] - m - log_sum), y[i])) return false;
    }
  }
  return true;
}

bool logsumexp_right(const data& d, const std::vector<float>& out, int row_stride) {
  if (out.size() != static_cast<std::size_t>(d.rows)) return false;
  const ws::tolerance tol = ws::tolerance::for_reduction(static_cast<std::size_t>(d.cols));
  for (int r = 0; r < d.rows; r += row_stride) {
    const auto [m, log_sum] = row_stats(d, r);
    if (!tol.accepts(m + log_sum, out[static_cast<std::size_t>(r)])) return false;
  }
  return true;
}

bench::shape matrix_shape(int rows, int cols, double flops_per_element, double bytes) {
  bench::shape s;
  s.label = std::to_string(rows) + "x" + std::to_string(cols);
  s.dims.set("rows", rows).set("cols", cols);
  s.m = rows;
  s.n = cols;
  s.flops = flops_per_element * rows * static_cast<double>(cols);
  s.bytes = bytes;
  s.size = static_cast<std::int64_t>(rows) * cols;
  return s;
}

bench::shape softmax_shape(int rows, int cols) {
  return matrix_shape(rows, cols, 4, 8.0 * rows * static_cast<double>(cols));
}
bench::shape logsumexp_shape(int rows, int cols) {
  return matrix_shape(rows, cols, 3, 4.0 * rows * static_cast<double>(cols) + 4.0 * rows);
}

/// The check shapes: a long row that is no power of two, and short rows that are not a multiple of a warp.
const std::vector<std::pair<int, int>> check_shapes = {{37, 1000}, {300, 33}};

/// A computation from x (rows x cols) to an output of out_size(rows, cols) floats, on host or device pointers.
using compute_fn = std::function<void(const float*, float*, int, int)>;

void measure(bench::session& s, const bench::version& v, const std::vector<bench::shape>& shapes, bool softmax,
             const compute_fn& fn) {
  const bool device = v.backend != "cpu";
  const auto out_size = [softmax](int rows, int cols) {
    return softmax ? static_cast<std::size_t>(rows) * cols : static_cast<std::size_t>(rows);
  };
  const auto right = [softmax](const data& d, const std::vector<float>& out, int stride) {
    return softmax ? softmax_right(d, out, stride) : logsumexp_right(d, out, stride);
  };
  // Runs fn once on d and returns the output on the host.
  const auto once = [=](const data& d) {
    std::vector<float> out(out_size(d.rows, d.cols), NAN);
    if (!device) {
      fn(d.x.data(), out.data(), d.rows, d.cols);
      return out;
    }
    ws::device_buffer<float> dx(d.x), dout(out.size());
    WS_CUDA_CHECK(cudaMemset(dout.data(), 0xFF, dout.size_bytes()));  // NaN: a version that skips work shows
    fn(dx.data(), dout.data(), d.rows, d.cols);
    WS_CUDA_CHECK(cudaDeviceSynchronize());
    dout.copy_to_host(out);
    return out;
  };
  s.measure(v,
            [=] {
              return std::all_of(check_shapes.begin(), check_shapes.end(), [&](const auto& rc) {
                const data d(rc.first, rc.second);
                return right(d, once(d), 1);
              });
            },
            shapes, [=](const bench::shape& sh) {
              auto d = std::make_shared<data>(static_cast<int>(sh.m), static_cast<int>(sh.n));
              const int stride = std::max(1, d->rows / 64);
              if (!device) {
                auto out = std::make_shared<std::vector<float>>(out_size(d->rows, d->cols), NAN);
                return bench::trial{[=] { fn(d->x.data(), out->data(), d->rows, d->cols); },
                                    [=] { return right(*d, *out, stride); }};
              }
              auto dx = std::make_shared<ws::device_buffer<float>>(d->x);
              auto dout = std::make_shared<ws::device_buffer<float>>(out_size(d->rows, d->cols));
              return bench::trial{[=] { fn(dx->data(), dout->data(), d->rows, d->cols); },
                                  [=] {
                                    std::vector<float> out(dout->size());
                                    dout->copy_to_host(out);
                                    return right(*d, out, stride);
                                  }};
            });
}

void run(bench::session& s) {
  const bool quick = s.opts().quick;
  const bool real = bench::gpu_backend == "cuda";
  using dims = std::vector<std::pair<int, int>>;
  const dims big = quick ? dims{{64, 1000}, {512, 128}} : dims{{4096, 1000}, {65536, 128}};
  const dims small = quick ? dims{{64, 1000}, {512, 128}} : dims{{256, 1000}, {1024, 128}};
  const auto shapes = [](const dims& list, bool softmax) {
    std::vector<bench::shape> out;
    for (const auto& [r, c] : list) out.push_back(softmax ? softmax_shape(r, c) : logsumexp_shape(r, c));
    return out;
  };

  s.heading("CPU (% roof = share of the measured read bandwidth on 1 thread)");
  measure(s, {.name = "softmax_rows_cpu", .lab = "05"}, shapes(big, true), true, lab05::softmax_rows_cpu);
  measure(s, {.name = "logsumexp_rows_cpu", .lab = "05"}, shapes(big, false), false, lab05::logsumexp_rows_cpu);
  if (!s.gpu()) return;

  const std::string backend(bench::gpu_backend);
  const dims& gpu_dims = real ? big : small;
  s.heading(real ? "GPU (% roof = share of the measured device read bandwidth)"
                 : "GPU versions on the CPU backend (small shapes only: every CUDA thread is a fiber here)");
  for (const std::string_view name : lab05::manifest::softmax_versions) {
    const std::string version(name);
    measure(s, {.name = version, .lab = "05", .backend = backend}, shapes(gpu_dims, true), true,
            [version](const float* x, float* y, int rows, int cols) {
              lab05::launch_softmax_rows(version, x, y, rows, cols);
            });
  }
  measure(s, {.name = "logsumexp", .lab = "05", .backend = backend}, shapes(gpu_dims, false), false,
          lab05::launch_logsumexp_rows);
}

}  // namespace

WS_BENCH_WORKLOAD({.name = "softmax",
                   .brief = "lab 05: row-wise softmax and log-sum-exp, CPU and GPU versions (bandwidth-bound)",
                   .limit = bench::roof::bandwidth,
                   .run = run});
