/// @file guard.tests.cpp
/// @brief Tests of NaN prefill and host guard bands: clobbering on either side must be caught and located.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ws/guard.hpp"

using Catch::Matchers::Contains;

TEST_CASE("a guarded buffer starts with NaN inside and intact guards", "[common][guard]") {
    ws::guarded_buffer<float> buf(37, 8);
    CHECK(buf.size() == 37);
    CHECK(buf.guard_size() == 8);
    for (float x : buf.span()) REQUIRE(std::isnan(x));
    CHECK(buf.guards_intact());
    CHECK(buf.guard_report() == "front guard intact; back guard intact");
}

TEST_CASE("writing every real element leaves the guards intact", "[common][guard]") {
    ws::guarded_buffer<double> buf(100);
    for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<double>(i);
    CHECK(buf.guards_intact());
}

TEST_CASE("a write just before the data is reported on the front guard at data[-1]", "[common][guard]") {
    ws::guarded_buffer<float> buf(16, 4);
    buf.data()[-1] = 0.0f;
    CHECK_FALSE(buf.guards_intact());
    const auto s = buf.check_guards();
    CHECK(s.front_clobbered == 1);
    CHECK(s.front_nearest == 1);
    CHECK(s.back_clobbered == 0);
    CHECK_THAT(buf.guard_report(),
               Contains("front guard clobbered: 1 of 4 elements overwritten, nearest at data[-1]") &&
                   Contains("back guard intact"));
}

TEST_CASE("a write just past the end is reported on the back guard at data[n]", "[common][guard]") {
    ws::guarded_buffer<float> buf(16, 4);
    buf.data()[16] = 1.0f;
    buf.data()[18] = 1.0f;
    CHECK_FALSE(buf.guards_intact());
    const auto s = buf.check_guards();
    CHECK(s.back_clobbered == 2);
    CHECK(s.back_nearest == 0);
    CHECK_THAT(buf.guard_report(),
               Contains("front guard intact") &&
                   Contains("back guard clobbered: 2 of 4 elements overwritten, nearest at data[16]"));
}

TEST_CASE("a NaN written into a guard band is caught too", "[common][guard]") {
    ws::guarded_buffer<float> buf(3, 2);
    buf.data()[-2] = std::numeric_limits<float>::quiet_NaN();
    const auto s = buf.check_guards();
    CHECK(s.front_clobbered == 1);
    CHECK(s.front_nearest == 2);
}

TEST_CASE("reset restores the NaN prefill and the guards", "[common][guard]") {
    ws::guarded_buffer<float> buf(5, 2);
    buf[0] = 1.0f;
    buf.data()[5] = 2.0f;
    buf.reset();
    CHECK(std::isnan(buf[0]));
    CHECK(buf.guards_intact());
}

TEST_CASE("an empty guarded buffer has only guards and they can still be clobbered", "[common][guard]") {
    ws::guarded_buffer<float> buf(0, 4);
    CHECK(buf.span().empty());
    CHECK(buf.guards_intact());
    buf.data()[0] = 0.0f;  // data[n] with n = 0 is the first back guard element
    CHECK(buf.check_guards().back_clobbered == 1);
}

TEST_CASE("integer guarded buffers are prefilled with all-ones bytes", "[common][guard]") {
    ws::guarded_buffer<std::int32_t> buf(3, 1);
    CHECK(buf[0] == -1);
    CHECK(buf.guards_intact());
    buf.data()[-1] = 7;
    CHECK_FALSE(buf.guards_intact());
}

TEST_CASE("fill_nan sets every element to NaN", "[common][guard]") {
    std::vector<double> v(10, 1.0);
    ws::fill_nan<double>(v);
    for (double x : v) CHECK(std::isnan(x));
}
