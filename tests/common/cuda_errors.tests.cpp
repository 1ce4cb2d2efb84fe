/// @file cuda_errors.tests.cpp
/// @brief Error paths of the device half. These need no device (every call here fails with or without one), so this
/// binary runs everywhere and is never skipped.
#include <catch2/catch.hpp>

#include <cuda_runtime.h>

#include <cstddef>
#include <string>

#include "ws/cuda_check.hpp"
#include "ws/device_buffer.hpp"
#include "ws/device_info.hpp"

using Catch::Matchers::Contains;

namespace {

cudaError_t return_invalid_value() { return cudaErrorInvalidValue; }

}  // namespace

TEST_CASE("WS_CUDA_CHECK throws a cuda_error naming the expression, file, line and error", "[common][cuda_check]") {
    const int line = __LINE__ + 2;
    try {
        WS_CUDA_CHECK(return_invalid_value());
        FAIL("WS_CUDA_CHECK did not throw");
    } catch (const ws::cuda_error& e) {
        CHECK(e.code() == cudaErrorInvalidValue);
        const std::string what = e.what();
        CHECK_THAT(what, Contains("return_invalid_value()"));
        CHECK_THAT(what, Contains("cuda_errors.tests.cpp:" + std::to_string(line)));
        CHECK_THAT(what, Contains("cudaErrorInvalidValue"));
        CHECK_THAT(what, Contains(cudaGetErrorString(cudaErrorInvalidValue)));
    }
}

TEST_CASE("WS_CUDA_CHECK lets cudaSuccess through and evaluates its argument once", "[common][cuda_check]") {
    int calls = 0;
    auto succeed = [&] {
        ++calls;
        return cudaSuccess;
    };
    CHECK_NOTHROW(WS_CUDA_CHECK(succeed()));
    CHECK(calls == 1);
}

TEST_CASE("a cuda_error is a std::runtime_error so generic handlers catch it", "[common][cuda_check]") {
    CHECK_THROWS_AS(WS_CUDA_CHECK(cudaErrorMemoryAllocation), std::runtime_error);
}

TEST_CASE("WS_CUDA_CHECK throws for a runtime call that fails", "[common][cuda_check]") {
    // An invalid ordinal fails whether or not a device exists (no device: cudaErrorNoDevice or similar).
    CHECK_THROWS_WITH(WS_CUDA_CHECK(cudaSetDevice(-1)), Contains("cudaSetDevice(-1)"));
    static_cast<void>(cudaGetLastError());
}

TEST_CASE("WS_CUDA_CHECK_LAST reports the error left by an earlier call, then it is cleared", "[common][cuda_check]") {
    static_cast<void>(cudaGetLastError());
    static_cast<void>(cudaSetDevice(-1));
    CHECK_THROWS_WITH(WS_CUDA_CHECK_LAST(), Contains("cudaGetLastError() after a kernel launch"));
}

TEST_CASE("device_buffer throws a cuda_error naming the caller's line when allocation fails",
          "[common][device_buffer]") {
    const std::size_t absurd = std::size_t{1} << 58;  // 2^60 bytes of floats: more than any machine has
    const int line = __LINE__ + 1;
    CHECK_THROWS_WITH(ws::device_buffer<float>(absurd),
                      Contains("cuda_errors.tests.cpp:" + std::to_string(line)) && Contains("cudaMalloc"));
    CHECK_THROWS_AS(ws::device_guarded_buffer<float>(absurd), ws::cuda_error);
    static_cast<void>(cudaGetLastError());
}

TEST_CASE("query_device reports a device that does not exist as unavailable instead of throwing",
          "[common][device_info]") {
    ws::device_info info;
    CHECK_NOTHROW(info = ws::query_device(9999));
    CHECK_FALSE(info.available);
    CHECK_FALSE(info.error.empty());
    CHECK_THAT(info.summary(), Contains("no CUDA device: "));
    const auto j = ws::to_json(info);
    REQUIRE(j.find("available") != nullptr);
    CHECK(j.find("available")->dump() == "false");
    CHECK(j.find("error") != nullptr);
    CHECK(info.runtime_version > 0);  // the runtime answers even without a device
}

TEST_CASE("the FP32 lanes table covers compute capability 7.x to 12.x", "[common][device_info]") {
    CHECK(ws::fp32_lanes_per_sm(7, 0) == 64);
    CHECK(ws::fp32_lanes_per_sm(7, 5) == 64);
    CHECK(ws::fp32_lanes_per_sm(8, 0) == 64);
    CHECK(ws::fp32_lanes_per_sm(8, 6) == 128);
    CHECK(ws::fp32_lanes_per_sm(8, 9) == 128);
    CHECK(ws::fp32_lanes_per_sm(9, 0) == 128);
    CHECK(ws::fp32_lanes_per_sm(10, 0) == 128);
    CHECK(ws::fp32_lanes_per_sm(12, 0) == 128);
    CHECK(ws::fp32_lanes_per_sm(6, 1) == 0);
    CHECK(ws::fp32_lanes_per_sm(13, 0) == 0);
}
