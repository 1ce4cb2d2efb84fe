/// @file
/// @brief Lab 05 tests: CPU sums, GPU reductions and inclusive scans (float and int32), row-wise softmax and
/// log-sum-exp, each against a double-precision reference.
///
/// Built against labs/ and solutions/ and for each backend (cmake/WsLab.cmake). The versions come from the lab's
/// manifest (lab05_manifest.hpp, generated from lab.json). Sizes: 0, 1, 31, 32, 33, 1023 (around a warp and a
/// block) and 65537 for every version; 2^20 - 3 (more elements than a full grid has threads, on any GPU of today)
/// and 2^22 + 1 for the versions whose threads loop and for the library calls; 2^18 + 3 (three levels of partial
/// sums or tile sums) for the one-element-per-thread trees and tiled scans, in the exact int32 tests. Data is
/// random and non-uniform; int32 results must be exact, float results within a tolerance that grows with n
/// (ws/compare.hpp). Inputs are fenced by NaN (or -1 for int32), so a read past the end changes the answer; outputs
/// start as NaN inside guard bands, and the workspace too is fenced, so a write past any of them fails. The cost on
/// the CPU backend (fibers) is what bounds the big sizes: measured times are in the lab's README.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <cuda_runtime.h>

#include <ws/compare.hpp>
#include <ws/cuda_check.hpp>
#include <ws/device_buffer.hpp>
#include <ws/guard.hpp>
#include <ws/random.hpp>

#include "lab05_manifest.hpp"
#include "reductions.h"
#include "support/kernel_launches.hpp"
#include "support/nan_fenced_matrix.hpp"
#include "support/witness.hpp"

namespace {

using lab05::manifest::reduce_versions;
using lab05::manifest::scan_versions;
using lab05::manifest::softmax_versions;
using lab05::manifest::sum_cpu_versions;

constexpr std::int64_t BIG = (std::int64_t{1} << 20) - 3;

/// Four times BIG and more.
constexpr std::int64_t LARGER = (std::int64_t{1} << 22) + 1;

/// More than 512 tiles of 512 elements: three levels of tile sums in every reduce-then-scan, and of partial sums in
/// the multi-level reductions.
constexpr std::int64_t THREE_LEVELS = (std::int64_t{1} << 18) + 3;

/// The sizes every reduction and scan runs on.
const std::vector<std::int64_t> sizes = {0, 1, 31, 32, 33, 1023, 65537};

/// Whether @p version has its threads loop over many elements (a grid of a few blocks per SM, so the large sizes
/// cost little on the CPU backend), or is a library call.
bool loops(std::string_view version) {
  return version == "grid_stride" || version == "one_pass" || version == "cub_block" || version == "cub_device" ||
         version == "thrust";
}

/// sizes, plus the large ones the version can afford on the CPU backend (whose fibers cost some hundred
/// nanoseconds per thread and barrier, and ~30 times that under the memory checker): BIG and LARGER for the
/// versions that loop; for the one-element-per-thread trees (and the scans' tiles) THREE_LEVELS, in the exact int32
/// tests only (@p with_three_levels).
std::vector<std::int64_t> sizes_for(std::string_view group, std::string_view version, bool with_three_levels) {
  std::vector<std::int64_t> s = sizes;
  const bool looping = group == "reduce" ? loops(version) : version == "cub_device" || version == "thrust";
  if (looping) {
    s.push_back(BIG);
    s.push_back(LARGER);
  } else if (with_three_levels) {
    s.push_back(THREE_LEVELS);
  }
  return s;
}

/// Whether @p call throws std::invalid_argument whose message contains @p text.
template <class F>
bool rejects_naming(const F& call, const std::string& text) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return std::string(e.what()).find(text) != std::string::npos;
  } catch (...) {
    return false;
  }
  return false;
}

std::string where(std::string_view version, std::int64_t n) {
  return std::string(version) + " n=" + std::to_string(n);
}

std::vector<float> random_floats(std::int64_t n, std::uint64_t seed) {
  std::vector<float> x(static_cast<std::size_t>(n));
  ws::fill_random(x, seed);
  return x;
}

/// Values in [-1000, 1000]: 2^20 of them cannot overflow an int32 sum, and a lost or doubled element shows.
std::vector<int> random_ints(std::int64_t n, std::uint64_t seed, int lo = -1000, int hi = 1000) {
  std::vector<int> x(static_cast<std::size_t>(n));
  ws::fill_random(std::span<std::int32_t>(x), seed, lo, hi);
  return x;
}

/// What a scan test witnesses: the whole output up to 8192 elements, beyond that 4096 evenly spaced elements and
/// the last 64 (the grader's witness files stay small; forging even a sample of prefix sums means computing them).
template <class T>
std::vector<T> witness_sample(const std::vector<T>& v) {
  constexpr std::size_t whole = 8192;
  constexpr std::size_t spaced = 4096;
  constexpr std::size_t tail = 64;
  if (v.size() <= whole) return v;
  std::vector<T> s;
  s.reserve(spaced + tail);
  for (std::size_t k = 0; k < spaced; ++k) s.push_back(v[k * (v.size() - tail) / spaced]);
  s.insert(s.end(), v.end() - static_cast<std::ptrdiff_t>(tail), v.end());
  return s;
}

double sum_double(const std::vector<float>& x) {
  double s = 0.0;
  for (const float v : x) s += v;
  return s;
}

/// A reduction's workspace, exactly as large as the version asks, fenced by guard bands.
ws::device_guarded_buffer<unsigned char> reduce_workspace(std::string_view version, std::int64_t n) {
  return ws::device_guarded_buffer<unsigned char>(lab05::reduce_workspace_bytes(version, n));
}

ws::device_guarded_buffer<unsigned char> scan_workspace(std::string_view version, std::int64_t n) {
  return ws::device_guarded_buffer<unsigned char>(lab05::scan_workspace_bytes(version, n));
}

/// Softmax of one row in double, with the lab's definition (an entry equal to the maximum counts exp(0) = 1, so a
/// row of -inf is uniform).
void softmax_row_double(const float* x, double* y, int cols, double* lse) {
  double m = -INFINITY;
  for (int j = 0; j < cols; ++j) m = std::fmax(m, static_cast<double>(x[j]));
  double s = 0.0;
  for (int j = 0; j < cols; ++j) s += x[j] == m ? 1.0 : std::exp(x[j] - m);
  if (y != nullptr) {
    for (int j = 0; j < cols; ++j) y[j] = (x[j] == m ? 1.0 : std::exp(x[j] - m)) / s;
  }
  if (lse != nullptr) *lse = m + std::log(s);
}

std::vector<float> softmax_reference(const std::vector<float>& x, int rows, int cols) {
  std::vector<double> y(x.size());
  for (int r = 0; r < rows; ++r) {
    softmax_row_double(x.data() + static_cast<std::size_t>(r) * cols, y.data() + static_cast<std::size_t>(r) * cols,
                       cols, nullptr);
  }
  return {y.begin(), y.end()};
}

std::vector<float> logsumexp_reference(const std::vector<float>& x, int rows, int cols) {
  std::vector<float> out(static_cast<std::size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    double lse = 0.0;
    softmax_row_double(x.data() + static_cast<std::size_t>(r) * cols, nullptr, cols, &lse);
    out[static_cast<std::size_t>(r)] = static_cast<float>(lse);
  }
  return out;
}

/// Softmax outputs: a few ulp for exp and the division, plus the sum's rounding, which grows with cols. No absolute
/// slack beyond underflow: outputs are small, and an error as large as the output itself must fail.
ws::tolerance softmax_tolerance(int cols) {
  return {1e-30, (8.0 * std::sqrt(static_cast<double>(cols)) + 8.0) * FLT_EPSILON};
}

/// log(sum) moves by the sum's relative error; max + that, rounded.
ws::tolerance logsumexp_tolerance(int cols) {
  return {(8.0 * std::sqrt(static_cast<double>(cols)) + 8.0) * FLT_EPSILON, 4.0 * FLT_EPSILON};
}

struct shape {
  int rows;
  int cols;
  [[nodiscard]] std::string name() const { return std::to_string(rows) + "x" + std::to_string(cols); }
};

/// Single columns, around a warp, more columns than a block has threads, rows that do not fill a block of warps.
const std::vector<shape> softmax_shapes = {{1, 1}, {3, 1}, {5, 31}, {4, 32}, {7, 33}, {3, 1000}, {9, 1025}, {41, 129}};

/// Rows that break a softmax without the maximum subtracted, or one that subtracts -inf from -inf.
std::vector<float> special_rows(int cols) {
  constexpr float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x(static_cast<std::size_t>(6 * cols));
  ws::fill_random(x, 77, -4.0f, 4.0f);
  auto at = [&](int r, int j) -> float& { return x[static_cast<std::size_t>(r) * cols + j]; };
  for (int j = 0; j < cols; ++j) {
    at(0, j) = -inf;                                // all -inf: uniform by definition
    if (j % 2 == 0) at(1, j) = -inf;                // half -inf: those get exactly 0
    if (j % 3 == 0) at(2, j) = 1e30f;               // huge logits: exp(1e30) overflows without the shift
    at(3, j) = -1e30f + static_cast<float>(j % 5) * 1e24f;  // huge negative, not all equal
    at(4, j) = j == cols / 2 ? 1e30f : -inf;        // one finite entry among -inf
    at(5, j) = -1e30f;                              // all equal and huge negative: uniform
  }
  return x;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// CPU

TEST_CASE("every CPU sum matches the double-precision sum on every size", "[lab05][reduce][cpu]") {
  const auto version = GENERATE(from_range(sum_cpu_versions));
  const auto n = GENERATE(0, 1, 31, 32, 33, 1023, 65537, BIG, LARGER);
  const std::string context = where(version, n);
  INFO(context);
  const auto x = random_floats(n, 1);
  const std::vector<double> expected = {sum_double(x)};
  const std::vector<double> got = {lab05::sum_cpu(version, x.data(), n)};
  const auto tol = ws::tolerance::for_reduction(static_cast<std::size_t>(n));
  const auto report = ws::compare(expected, got, tol);
  INFO(report.summary("sum"));
  CHECK(report.ok());
  ws_test::witness("cpu sum " + context, got, tol);
}

TEST_CASE("the naive CPU sum loses small terms that pairwise summation keeps", "[lab05][reduce][cpu]") {
  // 2^24 followed by 65536 ones. In float, 2^24 + 1 rounds back to 2^24 (floats there are 2 apart), so the naive
  // loop adds nothing after the first element. Pairwise summation adds the ones to each other first; only the ones
  // that share its smallest block with 2^24 (a few dozen) are lost.
  std::vector<float> x(65537, 1.0f);
  x[0] = 16777216.0f;
  const double exact = 16777216.0 + 65536.0;
  const float naive = lab05::sum_cpu("naive", x.data(), static_cast<std::int64_t>(x.size()));
  const float pairwise = lab05::sum_cpu("pairwise", x.data(), static_cast<std::int64_t>(x.size()));
  INFO("naive " << naive << ", pairwise " << pairwise << ", exact " << exact);
  CHECK(naive == 16777216.0f);
  CHECK(std::fabs(pairwise - exact) <= 256.0);
  const std::vector<double> got = {naive, pairwise};
  ws_test::witness("naive and pairwise sums of 2^24 and 65536 ones", got, ws::tolerance{256.0, 0.0});
}

TEST_CASE("the CPU softmax and log-sum-exp match the double-precision reference on every shape",
          "[lab05][softmax][cpu]") {
  const auto s = GENERATE(from_range(softmax_shapes));
  INFO(s.name());
  std::vector<float> x(static_cast<std::size_t>(s.rows) * s.cols);
  ws::fill_random(x, 5, -8.0f, 8.0f);
  ws::guarded_buffer<float> y(x.size());
  lab05::softmax_rows_cpu(x.data(), y.data(), s.rows, s.cols);
  const auto report = ws::compare(softmax_reference(x, s.rows, s.cols), y.span(), softmax_tolerance(s.cols));
  INFO(report.summary("softmax", static_cast<std::size_t>(s.cols)));
  CHECK(report.ok());
  ws_test::witness("cpu softmax " + s.name(), y.span(), softmax_tolerance(s.cols));
  ws::guarded_buffer<float> lse(static_cast<std::size_t>(s.rows));
  lab05::logsumexp_rows_cpu(x.data(), lse.data(), s.rows, s.cols);
  const auto lse_report = ws::compare(logsumexp_reference(x, s.rows, s.cols), lse.span(), logsumexp_tolerance(s.cols));
  INFO(lse_report.summary("logsumexp"));
  CHECK(lse_report.ok());
  ws_test::witness("cpu logsumexp " + s.name(), lse.span(), logsumexp_tolerance(s.cols));
  const bool guards = y.guards_intact() && lse.guards_intact();
  CHECK(guards);
  ws_test::witness("cpu softmax guards " + s.name(), guards);
}

TEST_CASE("an unknown CPU sum version is rejected by name", "[lab05][reduce][cpu]") {
  const float x[1] = {1.0f};
  const bool rejected = rejects_naming([&] { (void)lab05::sum_cpu("warp_speed", x, 1); }, "warp_speed");
  CHECK(rejected);
  ws_test::witness("sum_cpu(\"warp_speed\") throws naming it", rejected);
}

// ---------------------------------------------------------------------------------------------------------------
// GPU reductions

TEST_CASE("every GPU reduction sums int32 exactly on every size", "[lab05][reduce][gpu]") {
  const auto version = GENERATE(from_range(reduce_versions));
  const auto n = GENERATE_COPY(from_range(sizes_for("reduce", version, true)));
  const std::string context = where(version, n);
  INFO(context);
  const auto x = random_ints(n, 2);
  long long expected = 0;
  for (const int v : x) expected += v;

  ws_test::nan_fenced_matrix<int> d_in(x);  // reads past either end pick up -1s
  ws::device_guarded_buffer<int> d_out(1);
  auto d_ws = reduce_workspace(version, n);
  lab05::launch_reduce_sum(version, d_in.data(), d_out.data(), n, d_ws.data(), d_ws.size());
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto got = d_out.download();
  CHECK(got[0] == expected);
  ws_test::witness("int sum " + context, got);
  INFO(d_out.guard_report() << "\nworkspace: " << d_ws.guard_report());
  const bool guards = d_out.guards_intact() && d_ws.guards_intact();
  CHECK(guards);
  ws_test::witness("int sum guards " + context, guards);
}

TEST_CASE("every GPU reduction matches the double-precision sum on every size", "[lab05][reduce][gpu]") {
  const auto version = GENERATE(from_range(reduce_versions));
  const auto n = GENERATE_COPY(from_range(sizes_for("reduce", version, false)));
  const std::string context = where(version, n);
  INFO(context);
  const auto x = random_floats(n, 3);
  const std::vector<float> expected = {static_cast<float>(sum_double(x))};

  ws_test::nan_fenced_matrix<float> d_in(x);
  ws::device_guarded_buffer<float> d_out(1);
  auto d_ws = reduce_workspace(version, n);
  lab05::launch_reduce_sum(version, d_in.data(), d_out.data(), n, d_ws.data(), d_ws.size());
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto got = d_out.download();
  const auto tol = ws::tolerance::for_reduction(static_cast<std::size_t>(n));
  const auto report = ws::compare(expected, got, tol);
  INFO(report.summary("sum"));
  CHECK(report.ok());
  ws_test::witness("float sum " + context, got, tol);
  INFO(d_out.guard_report() << "\nworkspace: " << d_ws.guard_report());
  const bool guards = d_out.guards_intact() && d_ws.guards_intact();
  CHECK(guards);
  ws_test::witness("float sum guards " + context, guards);
}

TEST_CASE("every GPU reduction gives the same float sum on every run", "[lab05][reduce][gpu]") {
  // The order of float adds decides the rounding; a version whose order depends on which block finishes first
  // (an atomicAdd of each block's sum) gives different sums on different runs of the same data.
  const auto version = GENERATE(from_range(reduce_versions));
  const std::int64_t n = 20011;
  const std::string context = where(version, n);
  INFO(context);
  const auto x = random_floats(n, 4);
  const ws::device_buffer<float> d_in{std::span<const float>(x)};
  ws::device_buffer<float> d_out(2);
  auto d_ws = reduce_workspace(version, n);
  lab05::launch_reduce_sum(version, d_in.data(), d_out.data(), n, d_ws.data(), d_ws.size());
  lab05::launch_reduce_sum(version, d_in.data(), d_out.data() + 1, n, d_ws.data(), d_ws.size());
  const auto got = d_out.to_vector();
  const bool same = std::memcmp(&got[0], &got[1], sizeof(float)) == 0;
  INFO("first run " << got[0] << ", second run " << got[1]);
  CHECK(same);
  ws_test::witness("the same sum twice " + context, same);
  const auto tol = ws::tolerance::for_reduction(static_cast<std::size_t>(n));
  const std::vector<float> expected = {static_cast<float>(sum_double(x)), static_cast<float>(sum_double(x))};
  const auto report = ws::compare(expected, got, tol);
  INFO(report.summary("sums"));
  CHECK(report.ok());
  ws_test::witness("sums " + context, got, tol);
}

// ---------------------------------------------------------------------------------------------------------------
// GPU scans

TEST_CASE("every inclusive scan of int32 is exact on every size", "[lab05][scan][gpu]") {
  const auto version = GENERATE(from_range(scan_versions));
  const auto n = GENERATE_COPY(from_range(sizes_for("scan", version, true)));
  const std::string context = where(version, n);
  INFO(context);
  const auto x = random_ints(n, 6, -50, 50);
  std::vector<int> expected(x.size());
  long long running = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    running += x[i];
    expected[i] = static_cast<int>(running);
  }

  ws_test::nan_fenced_matrix<int> d_in(x);
  ws::device_guarded_buffer<int> d_out(x.size());  // starts as -1 everywhere
  auto d_ws = scan_workspace(version, n);
  lab05::launch_inclusive_scan(version, d_in.data(), d_out.data(), n, d_ws.data(), d_ws.size());
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto got = d_out.download();
  std::size_t wrong = 0;
  std::size_t first_wrong = got.size();
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i] != expected[i]) {
      if (wrong++ == 0) first_wrong = i;
    }
  }
  INFO(wrong << " of " << got.size() << " prefix sums wrong"
             << (wrong > 0 ? ", first at [" + std::to_string(first_wrong) + "]: expected " +
                                 std::to_string(expected[first_wrong]) + ", got " + std::to_string(got[first_wrong])
                           : std::string()));
  CHECK(wrong == 0);
  ws_test::witness("int scan (sampled above 8192) " + context, witness_sample(got));
  INFO(d_out.guard_report() << "\nworkspace: " << d_ws.guard_report());
  const bool guards = d_out.guards_intact() && d_ws.guards_intact();
  CHECK(guards);
  ws_test::witness("int scan guards " + context, guards);
}

TEST_CASE("every inclusive scan of floats matches the double-precision prefix sums on every size",
          "[lab05][scan][gpu]") {
  const auto version = GENERATE(from_range(scan_versions));
  const auto n = GENERATE_COPY(from_range(sizes_for("scan", version, false)));
  const std::string context = where(version, n);
  INFO(context);
  const auto x = random_floats(n, 7);
  std::vector<float> expected(x.size());
  double running = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    running += x[i];
    expected[i] = static_cast<float>(running);
  }

  ws_test::nan_fenced_matrix<float> d_in(x);
  ws::device_guarded_buffer<float> d_out(x.size());  // starts as NaN everywhere
  auto d_ws = scan_workspace(version, n);
  lab05::launch_inclusive_scan(version, d_in.data(), d_out.data(), n, d_ws.data(), d_ws.size());
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto got = d_out.download();
  const auto tol = ws::tolerance::for_reduction(static_cast<std::size_t>(n));
  const auto report = ws::compare(expected, got, tol);
  INFO(report.summary("prefix sums"));
  CHECK(report.ok());
  ws_test::witness("float scan (sampled above 8192) " + context, witness_sample(got), tol);
  INFO(d_out.guard_report() << "\nworkspace: " << d_ws.guard_report());
  const bool guards = d_out.guards_intact() && d_ws.guards_intact();
  CHECK(guards);
  ws_test::witness("float scan guards " + context, guards);
}

// ---------------------------------------------------------------------------------------------------------------
// Softmax and log-sum-exp

TEST_CASE("every softmax version matches the double-precision reference on every shape", "[lab05][softmax][gpu]") {
  const auto version = GENERATE(from_range(softmax_versions));
  const auto s = GENERATE(from_range(softmax_shapes));
  const std::string context = std::string(version) + " " + s.name();
  INFO(context);
  std::vector<float> x(static_cast<std::size_t>(s.rows) * s.cols);
  ws::fill_random(x, 8, -8.0f, 8.0f);

  ws_test::nan_fenced_matrix<float> d_x(x);
  ws::device_guarded_buffer<float> d_y(x.size());
  lab05::launch_softmax_rows(version, d_x.data(), d_y.data(), s.rows, s.cols);
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto got = d_y.download();
  const auto report = ws::compare(softmax_reference(x, s.rows, s.cols), got, softmax_tolerance(s.cols));
  INFO(report.summary("softmax", static_cast<std::size_t>(s.cols)));
  CHECK(report.ok());
  ws_test::witness("softmax " + context, got, softmax_tolerance(s.cols));
  INFO(d_y.guard_report());
  CHECK(d_y.guards_intact());
  ws_test::witness("softmax guards " + context, d_y.guards_intact());
}

TEST_CASE("every softmax version is uniform on rows of -inf and finite on huge logits", "[lab05][softmax][gpu]") {
  const auto version = GENERATE(from_range(softmax_versions));
  const int cols = GENERATE(1, 37, 300);
  const int rows = 6;
  const std::string context = std::string(version) + " 6x" + std::to_string(cols) + " special rows";
  INFO(context);
  const auto x = special_rows(cols);

  ws_test::nan_fenced_matrix<float> d_x(x);
  ws::device_guarded_buffer<float> d_y(x.size());
  lab05::launch_softmax_rows(version, d_x.data(), d_y.data(), rows, cols);
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto got = d_y.download();
  const auto report = ws::compare(softmax_reference(x, rows, cols), got, softmax_tolerance(cols));
  INFO("rows: all -inf, half -inf, 1e30 logits, near -1e30, one 1e30 among -inf, all -1e30\n"
       << report.summary("softmax", static_cast<std::size_t>(cols)));
  CHECK(report.ok());
  CHECK(report.nan_count == 0);
  ws_test::witness("softmax " + context, got, softmax_tolerance(cols));
  INFO(d_y.guard_report());
  CHECK(d_y.guards_intact());
  ws_test::witness("softmax guards " + context, d_y.guards_intact());
}

TEST_CASE("log-sum-exp matches the double-precision reference with rows of -inf and huge logits",
          "[lab05][softmax][gpu]") {
  const bool special = GENERATE(false, true);
  const auto s = GENERATE(from_range(softmax_shapes));
  const int rows = special ? 6 : s.rows;
  const int cols = s.cols;
  const std::string context = std::to_string(rows) + "x" + std::to_string(cols) + (special ? " special rows" : "");
  INFO(context);
  std::vector<float> x;
  if (special) {
    x = special_rows(cols);
  } else {
    x.resize(static_cast<std::size_t>(rows) * cols);
    ws::fill_random(x, 9, -8.0f, 8.0f);
  }

  ws_test::nan_fenced_matrix<float> d_x(x);
  ws::device_guarded_buffer<float> d_out(static_cast<std::size_t>(rows));
  lab05::launch_logsumexp_rows(d_x.data(), d_out.data(), rows, cols);
  WS_CUDA_CHECK(cudaDeviceSynchronize());

  const auto got = d_out.download();
  const auto report = ws::compare(logsumexp_reference(x, rows, cols), got, logsumexp_tolerance(cols));
  INFO(report.summary("logsumexp"));
  CHECK(report.ok());
  ws_test::witness("logsumexp " + context, got, logsumexp_tolerance(cols));
  INFO(d_out.guard_report());
  CHECK(d_out.guards_intact());
  ws_test::witness("logsumexp guards " + context, d_out.guards_intact());
}

// ---------------------------------------------------------------------------------------------------------------
// Where the work runs, errors, names

TEST_CASE("every hand-written GPU version computes in a kernel, not on the host", "[lab05][gpu]") {
  // On the CPU backend device memory is host memory, so a launcher could add up the input on the host and write
  // the answer. The device_work_scope sees that (tests/support/kernel_launches.hpp); on a GPU it says "unknown"
  // and only the result is checked. The library calls (cub_device, thrust) are not ours to check.
  struct job {
    std::string_view group;
    std::string_view version;
  };
  const auto j = GENERATE(job{"reduce", "interleaved"}, job{"reduce", "sequential"}, job{"reduce", "first_add"},
                          job{"reduce", "warp_shuffle"}, job{"reduce", "grid_stride"}, job{"reduce", "one_pass"},
                          job{"reduce", "cub_block"}, job{"scan", "hillis_steele"}, job{"scan", "blelloch"},
                          job{"scan", "cub_block"}, job{"softmax", "block_per_row"}, job{"softmax", "warp_per_row"},
                          job{"softmax", "online"}, job{"logsumexp", ""});
  const std::string context = std::string(j.group) + " " + std::string(j.version);
  INFO(context);
  const std::int64_t n = 5000;
  const int rows = 10;
  const int cols = 500;  // rows * cols = n
  const auto x = random_floats(n, 10);
  const ws::device_buffer<float> d_in{std::span<const float>(x)};
  const std::size_t out_count = j.group == "reduce" ? 1 : j.group == "logsumexp" ? rows : static_cast<std::size_t>(n);
  ws::device_buffer<float> d_out(out_count);
  d_out.fill_bytes(ws::nan_byte);  // whoever computes the output changes every byte
  ws::device_buffer<unsigned char> d_ws(j.group == "reduce"  ? lab05::reduce_workspace_bytes(j.version, n)
                                        : j.group == "scan" ? lab05::scan_workspace_bytes(j.version, n)
                                                            : 0);
  {
    ws_test::device_work_scope scope({ws_test::watched(d_out.data(), d_out.size())});
    if (j.group == "reduce") {
      lab05::launch_reduce_sum(j.version, d_in.data(), d_out.data(), n, d_ws.data(), d_ws.size());
    } else if (j.group == "scan") {
      lab05::launch_inclusive_scan(j.version, d_in.data(), d_out.data(), n, d_ws.data(), d_ws.size());
    } else if (j.group == "softmax") {
      lab05::launch_softmax_rows(j.version, d_in.data(), d_out.data(), rows, cols);
    } else {
      lab05::launch_logsumexp_rows(d_in.data(), d_out.data(), rows, cols);
    }
    WS_CUDA_CHECK(cudaDeviceSynchronize());
    if (const auto& r = scope.report()) {
      const auto problems = r->problems(context);
      INFO(ws_test::join_lines(problems) << "\nthe work must run in a kernel on the GPU");
      CHECK(problems.empty());
      ws_test::witness("computes in a kernel " + context, problems.empty());
    }
  }
  const auto got = d_out.to_vector();
  std::vector<float> expected;
  ws::tolerance tol;
  if (j.group == "reduce") {
    expected = {static_cast<float>(sum_double(x))};
    tol = ws::tolerance::for_reduction(static_cast<std::size_t>(n));
  } else if (j.group == "scan") {
    double running = 0.0;
    for (const float v : x) expected.push_back(static_cast<float>(running += v));
    tol = ws::tolerance::for_reduction(static_cast<std::size_t>(n));
  } else if (j.group == "softmax") {
    expected = softmax_reference(x, rows, cols);
    tol = softmax_tolerance(cols);
  } else {
    expected = logsumexp_reference(x, rows, cols);
    tol = logsumexp_tolerance(cols);
  }
  const auto report = ws::compare(expected, got, tol);
  INFO(report.summary("output"));
  CHECK(report.ok());
  ws_test::witness("output " + context, got, tol);
}

TEST_CASE("the GPU versions leave no CUDA error behind", "[lab05][gpu]") {
  const std::int64_t n = 3000;
  const auto x = random_floats(n, 11);
  const ws::device_buffer<float> d_in{std::span<const float>(x)};
  ws::device_buffer<float> d_out(static_cast<std::size_t>(n));
  auto check_clean = [](const std::string& who) {
    const bool synchronized = cudaDeviceSynchronize() == cudaSuccess;
    CHECK(synchronized);
    ws_test::witness("cudaDeviceSynchronize returns cudaSuccess " + who, synchronized);
    const bool no_error = cudaGetLastError() == cudaSuccess;
    CHECK(no_error);
    ws_test::witness("cudaGetLastError returns cudaSuccess " + who, no_error);
  };
  for (const auto version : reduce_versions) {
    INFO("reduce " << version);
    ws::device_buffer<unsigned char> d_ws(lab05::reduce_workspace_bytes(version, n));
    lab05::launch_reduce_sum(version, d_in.data(), d_out.data(), n, d_ws.data(), d_ws.size());
    check_clean("reduce " + std::string(version));
  }
  for (const auto version : scan_versions) {
    INFO("scan " << version);
    ws::device_buffer<unsigned char> d_ws(lab05::scan_workspace_bytes(version, n));
    lab05::launch_inclusive_scan(version, d_in.data(), d_out.data(), n, d_ws.data(), d_ws.size());
    check_clean("scan " + std::string(version));
  }
  for (const auto version : softmax_versions) {
    INFO("softmax " << version);
    lab05::launch_softmax_rows(version, d_in.data(), d_out.data(), 30, 100);
    check_clean("softmax " + std::string(version));
  }
  lab05::launch_logsumexp_rows(d_in.data(), d_out.data(), 30, 100);
  check_clean("logsumexp");
}

TEST_CASE("unknown GPU versions and short workspaces are rejected by name", "[lab05][gpu]") {
  const std::string bad = "warp_speed";
  const bool reduce_bytes = rejects_naming([&] { (void)lab05::reduce_workspace_bytes(bad, 10); }, bad);
  const bool reduce_float = rejects_naming(
      [&] { lab05::launch_reduce_sum(bad, static_cast<const float*>(nullptr), nullptr, 0, nullptr, 0); }, bad);
  const bool reduce_int = rejects_naming(
      [&] { lab05::launch_reduce_sum(bad, static_cast<const int*>(nullptr), nullptr, 0, nullptr, 0); }, bad);
  const bool scan_bytes = rejects_naming([&] { (void)lab05::scan_workspace_bytes(bad, 10); }, bad);
  const bool scan_float = rejects_naming(
      [&] { lab05::launch_inclusive_scan(bad, static_cast<const float*>(nullptr), nullptr, 0, nullptr, 0); }, bad);
  const bool softmax = rejects_naming([&] { lab05::launch_softmax_rows(bad, nullptr, nullptr, 0, 0); }, bad);
  CHECK(reduce_bytes);
  CHECK(reduce_float);
  CHECK(reduce_int);
  CHECK(scan_bytes);
  CHECK(scan_float);
  CHECK(softmax);
  ws_test::witness("unknown versions are rejected naming them",
                   reduce_bytes && reduce_float && reduce_int && scan_bytes && scan_float && softmax);

  // A workspace one byte short of what the version asked for is refused before anything runs.
  const std::int64_t n = 100000;
  const std::size_t need = lab05::reduce_workspace_bytes("sequential", n);
  REQUIRE(need > 0);
  const bool short_reduce = rejects_naming(
      [&] {
        lab05::launch_reduce_sum("sequential", static_cast<const float*>(nullptr), nullptr, n, nullptr, need - 1);
      },
      "workspace");
  const std::size_t scan_need = lab05::scan_workspace_bytes("blelloch", n);
  REQUIRE(scan_need > 0);
  const bool short_scan = rejects_naming(
      [&] {
        lab05::launch_inclusive_scan("blelloch", static_cast<const int*>(nullptr), nullptr, n, nullptr,
                                     scan_need - 1);
      },
      "workspace");
  CHECK(short_reduce);
  CHECK(short_scan);
  ws_test::witness("short workspaces are rejected", short_reduce && short_scan);
}
