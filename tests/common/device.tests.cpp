/// @file device.tests.cpp
/// @brief Device half on a working device: buffers round-trip, device guard bands catch clobbering on each side,
/// the event timer measures, query_device describes the device. Skipped (exit 77) on the cuda backend without a GPU.
#include <catch2/catch.hpp>

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "ws/cuda_check.hpp"
#include "ws/cuda_timer.hpp"
#include "ws/device_buffer.hpp"
#include "ws/device_info.hpp"
#include "ws/random.hpp"

using Catch::Matchers::Contains;

TEST_CASE("device_buffer copies host data to the device and back unchanged", "[common][device_buffer]") {
    const std::size_t n = GENERATE(1, 257, 100003);
    std::vector<float> host(n);
    ws::fill_random(host, n);
    ws::device_buffer<float> d(host);
    CHECK(d.size() == n);
    CHECK(d.size_bytes() == n * sizeof(float));
    CHECK(d.to_vector() == host);
    ws::device_buffer<float> copy(n);
    WS_CUDA_CHECK(cudaMemcpy(copy.data(), d.data(), d.size_bytes(), cudaMemcpyDeviceToDevice));
    std::vector<float> back(n);
    copy.copy_to_host(back);
    CHECK(back == host);
}

TEST_CASE("device_buffer refuses host spans of the wrong size", "[common][device_buffer]") {
    ws::device_buffer<int> d(8);
    std::vector<int> small(7);
    CHECK_THROWS_AS(d.copy_from_host(small), std::length_error);
    CHECK_THROWS_WITH(d.copy_to_host(small), Contains("7 elements, the device buffer 8"));
}

TEST_CASE("device_buffer moves ownership and an empty buffer allocates nothing", "[common][device_buffer]") {
    ws::device_buffer<double> a(16);
    const double* p = a.data();
    ws::device_buffer<double> b(std::move(a));
    CHECK(b.data() == p);
    CHECK(a.data() == nullptr);  // NOLINT(bugprone-use-after-move): checking the moved-from state is the point
    CHECK(a.empty());
    ws::device_buffer<double> c;
    c = std::move(b);
    CHECK(c.data() == p);
    ws::device_buffer<double> empty(0);
    CHECK(empty.data() == nullptr);
    CHECK(empty.to_vector().empty());
}

TEST_CASE("device_buffer fill_bytes with nan_byte poisons floats", "[common][device_buffer]") {
    ws::device_buffer<float> d(5);
    d.fill_bytes(ws::nan_byte);
    for (float x : d.to_vector()) CHECK(std::isnan(x));
}

TEST_CASE("pinned_buffer gives zeroed host memory usable for copies", "[common][device_buffer]") {
    ws::pinned_buffer<float> p(64);
    CHECK(p.size() == 64);
    for (float x : p.span()) REQUIRE(x == 0.0f);
    ws::fill_index_pattern(p.span());
    ws::device_buffer<float> d(p.span());
    CHECK(d.to_vector()[63] == 63.0f);
}

TEST_CASE("a device guarded buffer starts as NaN with intact guards", "[common][device_guard]") {
    ws::device_guarded_buffer<float> out(1000, 32);
    CHECK(out.size() == 1000);
    for (float x : out.download()) REQUIRE(std::isnan(x));
    CHECK(out.guards_intact());
}

TEST_CASE("a device write one element before the data is caught on the front guard", "[common][device_guard]") {
    ws::device_guarded_buffer<float> out(100, 8);
    const float zero = 0.0f;
    WS_CUDA_CHECK(cudaMemcpy(out.data() - 1, &zero, sizeof zero, cudaMemcpyHostToDevice));
    CHECK_FALSE(out.guards_intact());
    CHECK_THAT(out.guard_report(), Contains("front guard clobbered: 1 of 8") && Contains("data[-1]") &&
                                       Contains("back guard intact"));
}

TEST_CASE("a device write one element past the end is caught on the back guard", "[common][device_guard]") {
    ws::device_guarded_buffer<double> out(100, 8);
    const double one = 1.0;
    WS_CUDA_CHECK(cudaMemcpy(out.data() + 100, &one, sizeof one, cudaMemcpyHostToDevice));
    CHECK_FALSE(out.guards_intact());
    CHECK_THAT(out.guard_report(), Contains("back guard clobbered: 1 of 8") && Contains("data[100]"));
}

TEST_CASE("device guarded buffer upload and reset round-trip", "[common][device_guard]") {
    ws::device_guarded_buffer<std::int32_t> buf(10, 4);
    std::vector<std::int32_t> host(10);
    ws::fill_index_pattern(host);
    buf.upload(host);
    CHECK(buf.download() == host);
    CHECK(buf.guards_intact());
    buf.reset();
    CHECK(buf.download() == std::vector<std::int32_t>(10, -1));
    CHECK_THROWS_AS(buf.upload(std::vector<std::int32_t>(3)), std::length_error);
}

TEST_CASE("cuda_event_timer times device work and works with time_repeated", "[common][cuda_timer]") {
    ws::device_buffer<float> a(1 << 20), b(1 << 20);
    ws::cuda_event_timer timer;
    timer.start();
    WS_CUDA_CHECK(cudaMemcpy(b.data(), a.data(), a.size_bytes(), cudaMemcpyDeviceToDevice));
    timer.stop();
    CHECK(timer.elapsed_ms() >= 0.0);
    const auto stats = ws::time_repeated(
        timer, [&] { WS_CUDA_CHECK(cudaMemcpy(b.data(), a.data(), a.size_bytes(), cudaMemcpyDeviceToDevice)); }, 1,
        5);
    CHECK(stats.count == 5);
    CHECK(stats.min_ms >= 0.0);
    CHECK(stats.max_ms >= stats.median_ms);
}

TEST_CASE("query_device describes device 0", "[common][device_info]") {
    const ws::device_info info = ws::query_device(0);
    INFO(info.summary());
    REQUIRE(info.available);
    CHECK(info.error.empty());
    CHECK_FALSE(info.name.empty());
    CHECK(info.sm_count > 0);
    CHECK(info.total_memory_bytes > 0);
    CHECK(info.cc_major >= 1);
    CHECK(info.runtime_version > 0);
    CHECK(info.memory_bandwidth_gbs >= 0.0);
    CHECK(info.fp32_peak_gflops >= 0.0);
    CHECK_THAT(info.summary(), Contains(info.name));
}
