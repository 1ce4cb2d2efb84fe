/// @file
/// @brief Lab 05's performance cases for the autograder: the best hand-written reduction and scan at 2^26 floats,
/// the online softmax on 4096 rows of 1000 logits.
///
/// With --small: 2^12 elements and 64 x 100 logits. The driver and its options: tests/support/ws_perf.hpp. Each case
/// allocates its workspace once, with the size the version asks for, as a caller of the lab's API must.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <ws/device_buffer.hpp>

#include "reductions.h"
#include "support/ws_perf.hpp"

namespace {

/// The sum of 2^26 random floats (2^12 with --small) by the reduction @p version.
std::function<ws_perf::timed_work()> reduce_case(std::string version) {
  return [version]() -> ws_perf::timed_work {
    const std::int64_t n = ws_perf::size(1 << 26, 1 << 12);
    auto in = ws_perf::random_device_buffer<float>(static_cast<std::size_t>(n), 1);
    auto out = ws_perf::device_output<float>(1);
    auto workspace = std::make_shared<ws::device_buffer<unsigned char>>(lab05::reduce_workspace_bytes(version, n));
    return {[=] {
              lab05::launch_reduce_sum(version, in->data(), out->data(), n, workspace->data(), workspace->size());
            },
            out};
  };
}

/// The inclusive scan of 2^26 random floats (2^12 with --small) by the scan @p version.
std::function<ws_perf::timed_work()> scan_case(std::string version) {
  return [version]() -> ws_perf::timed_work {
    const std::int64_t n = ws_perf::size(1 << 26, 1 << 12);
    auto in = ws_perf::random_device_buffer<float>(static_cast<std::size_t>(n), 2);
    auto out = ws_perf::device_output<float>(static_cast<std::size_t>(n));
    auto workspace = std::make_shared<ws::device_buffer<unsigned char>>(lab05::scan_workspace_bytes(version, n));
    return {[=] {
              lab05::launch_inclusive_scan(version, in->data(), out->data(), n, workspace->data(), workspace->size());
            },
            out};
  };
}

/// Row-wise softmax of 4096 x 1000 random logits (64 x 100 with --small) by the softmax @p version.
std::function<ws_perf::timed_work()> softmax_case(std::string version) {
  return [version]() -> ws_perf::timed_work {
    const int rows = ws_perf::size(4096, 64);
    const int cols = ws_perf::size(1000, 100);
    const auto count = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
    auto x = ws_perf::random_device_buffer<float>(count, 3);
    auto y = ws_perf::device_output<float>(count);
    return {[=] { lab05::launch_softmax_rows(version, x->data(), y->data(), rows, cols); }, y};
  };
}

}  // namespace

std::vector<ws_perf::perf_case> ws_perf::lab_perf_cases() {
  return {
      {"reduce warp_shuffle 2^26", reduce_case("warp_shuffle")},
      {"reduce one_pass 2^26", reduce_case("one_pass")},
      {"scan blelloch 2^26", scan_case("blelloch")},
      {"softmax online 4096x1000", softmax_case("online")},
  };
}
