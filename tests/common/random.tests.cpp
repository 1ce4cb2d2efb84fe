/// @file random.tests.cpp
/// @brief Tests of the seeded fills: reproducible, varied, in range.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "ws/random.hpp"

TEST_CASE("splitmix64 produces the published reference sequence", "[common][random]") {
    // First outputs for seed 0 of Vigna's reference splitmix64.c (prng.di.unimi.it).
    ws::splitmix64 rng(0);
    CHECK(rng.next() == 0xE220A8397B1DCDAFULL);
    CHECK(rng.next() == 0x6E789E6AA1B965F4ULL);
    CHECK(rng.next() == 0x06C45D188009454FULL);
}

TEST_CASE("fill_random gives the same known values for a seed on every platform", "[common][random]") {
    std::vector<float> v(4);
    ws::fill_random(v, 0);
    // lo + (hi - lo) * (top 53 bits of splitmix64 / 2^53), computed in double, rounded to float.
    const std::vector<std::uint64_t> bits{0xE220A8397B1DCDAFULL, 0x6E789E6AA1B965F4ULL, 0x06C45D188009454FULL};
    for (std::size_t i = 0; i < bits.size(); ++i) {
        CHECK(v[i] == static_cast<float>(-1.0 + 2.0 * static_cast<double>(bits[i] >> 11) * 0x1p-53));
    }
    std::vector<float> again(4);
    ws::fill_random(again, 0);
    CHECK(v == again);
    // Golden values: if these change, every recorded test input and benchmark result changes with them.
    CHECK(v == std::vector<float>{0.76662159f, -0.136944011f, -0.947132468f, 0.941763937f});
}

TEST_CASE("fill_random is varied, within bounds, and different for different seeds", "[common][random]") {
    std::vector<float> v(10007);
    ws::fill_random(v, 123, -2.0f, 3.0f);
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    CHECK(*lo >= -2.0f);
    CHECK(*hi <= 3.0f);
    CHECK(*lo < -1.9f);  // the range is used, not a corner of it
    CHECK(*hi > 2.9f);
    CHECK(std::set<float>(v.begin(), v.end()).size() > v.size() * 99 / 100);
    std::vector<float> w(v.size());
    ws::fill_random(w, 124, -2.0f, 3.0f);
    CHECK(v != w);
}

TEST_CASE("fill_random fills doubles and inclusive integer ranges", "[common][random]") {
    std::vector<double> d(1000);
    ws::fill_random(d, 5);
    CHECK(std::set<double>(d.begin(), d.end()).size() == d.size());
    std::vector<std::int32_t> ints(1000);
    ws::fill_random(ints, 5, -3, 3);
    const std::set<std::int32_t> seen(ints.begin(), ints.end());
    CHECK(seen == std::set<std::int32_t>{-3, -2, -1, 0, 1, 2, 3});
}

TEST_CASE("fill_random_integers gives whole floats covering the range", "[common][random]") {
    std::vector<float> v(1000);
    ws::fill_random_integers(v, 9, -8, 8);
    std::set<float> seen(v.begin(), v.end());
    CHECK(seen.size() == 17);
    CHECK(*seen.begin() == -8.0f);
    CHECK(*seen.rbegin() == 8.0f);
}

TEST_CASE("fill_index_pattern makes each element its own index", "[common][random]") {
    std::vector<float> v(1000);
    ws::fill_index_pattern(v);
    for (std::size_t i = 0; i < v.size(); ++i) REQUIRE(v[i] == static_cast<float>(i));
    std::vector<double> d(5);
    ws::fill_index_pattern(d, 10.0, 0.5);
    CHECK(d == std::vector<double>{10.0, 10.5, 11.0, 11.5, 12.0});
    std::vector<std::int32_t> n(4);
    ws::fill_index_pattern(n, -1, 3);
    CHECK(n == std::vector<std::int32_t>{-1, 2, 5, 8});
    std::vector<float> empty;
    ws::fill_index_pattern(empty);  // an empty span is fine
}
