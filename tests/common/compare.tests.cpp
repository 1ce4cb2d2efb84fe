/// @file compare.tests.cpp
/// @brief Tests of ws::compare and ws::tolerance: each failure mode is provoked and must be reported.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "ws/compare.hpp"
#include "ws/random.hpp"

using Catch::Matchers::Contains;

namespace {

constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();
constexpr float inf_f = std::numeric_limits<float>::infinity();

std::vector<float> random_vector(std::size_t n, std::uint64_t seed) {
    std::vector<float> v(n);
    ws::fill_random(v, seed);
    return v;
}

/// Rounds @p x to @p bits significand bits (11 = fp16, 8 = bf16), ignoring the narrow types' exponent range.
float round_to_bits(float x, int bits) {
    if (x == 0.0f) return x;
    int e = 0;
    const double m = std::frexp(static_cast<double>(x), &e);
    return static_cast<float>(std::ldexp(std::nearbyint(std::ldexp(m, bits)), e - bits));
}

}  // namespace

TEST_CASE("compare accepts identical arrays and says so in the summary", "[common][compare]") {
    const auto a = random_vector(257, 1);
    const auto r = ws::compare(a, a, ws::tolerance::exact());
    CHECK(r.ok());
    CHECK(r.count == 257);
    CHECK(r.mismatches == 0);
    CHECK(r.max_abs_error == 0.0);
    CHECK(r.first_mismatches.empty());
    CHECK_THAT(r.summary("n=257"), Contains("n=257: all 257 compared elements match"));
}

TEST_CASE("compare reports a single wrong element at its index with both values", "[common][compare]") {
    const auto expected = random_vector(257, 2);
    auto got = expected;
    got[200] = 1.5f;
    const auto r = ws::compare(expected, got, ws::tolerance::for_reduction(1));
    INFO(r.summary("n=257"));
    CHECK_FALSE(r.ok());
    CHECK(r.mismatches == 1);
    REQUIRE(r.first_mismatches.size() == 1);
    CHECK(r.first_mismatches[0].index == 200);
    CHECK(r.first_mismatches[0].expected == static_cast<double>(expected[200]));
    CHECK(r.first_mismatches[0].got == 1.5);
    CHECK_THAT(r.max_abs_error, Catch::Matchers::WithinRel(std::fabs(1.5 - static_cast<double>(expected[200]))));
    CHECK_THAT(r.summary("n=257"), Contains("1 of 257 elements differ") && Contains("first at [200]") &&
                                       Contains("got 1.5"));
}

TEST_CASE("compare counts a NaN where a number was expected as a mismatch", "[common][compare]") {
    std::vector<float> expected(257, 1.5f);
    auto got = expected;
    got[256] = nan_f;
    const auto r = ws::compare(expected, got, ws::tolerance::for_reduction(1024));
    CHECK_FALSE(r.ok());
    CHECK(r.mismatches == 1);
    CHECK(r.nan_count == 1);
    CHECK(r.max_abs_error == 0.0);  // NaN does not poison the error statistics
    CHECK_THAT(r.summary("n=257"),
               Contains("n=257: 1 of 257 elements differ") && Contains("first at [256]: expected 1.5, got nan") &&
                   Contains("1 NaN"));
}

TEST_CASE("compare matches NaN with NaN and an infinity only with the same infinity", "[common][compare]") {
    const std::vector<float> expected{nan_f, inf_f, -inf_f, 2.0f};
    CHECK(ws::compare(expected, expected, ws::tolerance::exact()).ok());
    const std::vector<float> got{nan_f, -inf_f, -inf_f, inf_f};
    const auto r = ws::compare(expected, got, ws::tolerance::for_reduction(1 << 20));
    CHECK(r.mismatches == 2);
    CHECK(r.inf_count == 3);
    CHECK(r.nan_count == 1);
    CHECK(r.first_mismatches[0].index == 1);
    CHECK(r.first_mismatches[1].index == 3);
}

TEST_CASE("compare reports arrays of different sizes as a failure", "[common][compare]") {
    const std::vector<float> expected(10, 1.0f);
    const std::vector<float> got(9, 1.0f);
    const auto r = ws::compare(expected, got, ws::tolerance::exact());
    CHECK_FALSE(r.ok());
    CHECK(r.count == 9);
    CHECK_THAT(r.summary("sizes"), Contains("size mismatch: expected 10 elements, got 9"));
}

TEST_CASE("compare lists the first few mismatches in order and counts all of them", "[common][compare]") {
    std::vector<float> expected(100);
    ws::fill_index_pattern(expected);
    std::vector<float> got(100, -1.0f);
    const auto r = ws::compare(expected, got, ws::tolerance::exact());
    CHECK(r.mismatches == 100);
    REQUIRE(r.first_mismatches.size() == ws::compare_report::max_listed);
    for (std::size_t i = 0; i < r.first_mismatches.size(); ++i) CHECK(r.first_mismatches[i].index == i);
    CHECK_THAT(r.summary("all wrong"), Contains("100 of 100") && Contains("[1]: expected 1, got -1") &&
                                           Contains("..."));
}

TEST_CASE("compare's summary prints row and column when given the matrix width", "[common][compare]") {
    std::vector<float> expected(6 * 7, 0.25f);
    auto got = expected;
    got[3 * 7 + 5] = 0.0f;
    const auto r = ws::compare(expected, got, ws::tolerance::exact());
    CHECK_THAT(r.summary("6x7", 7), Contains("first at [3, 5]: expected 0.25, got 0"));
    CHECK(ws::format_index(26, 7) == "[3, 5]");
    CHECK(ws::format_index(26) == "[26]");
}

TEST_CASE("compare computes max abs and max rel error and prints floats briefly", "[common][compare]") {
    const std::vector<float> expected{1.0f, 0.0f, -4.0f, 0.1f};
    const std::vector<float> got{1.5f, 0.25f, -4.0f, 0.1f};
    const auto r = ws::compare(expected, got, ws::tolerance::exact());
    CHECK(r.max_abs_error == 0.5);
    CHECK(r.max_rel_error == 0.5);  // element 1 has expected == 0: no relative error, judged by abs alone
    CHECK(r.mismatches == 2);
    const std::vector<float> tenth{0.1f};
    const std::vector<float> other{0.2f};
    CHECK_THAT(ws::compare(tenth, other, ws::tolerance::exact()).summary("x"),
               Contains("expected 0.1, got 0.2"));  // not 0.100000001490116
}

TEST_CASE("compare works on double arrays", "[common][compare]") {
    const std::vector<double> expected{1.0, 2.0, 3.0};
    std::vector<double> got{1.0, 2.0, std::nextafter(3.0, 4.0)};
    CHECK(ws::compare(expected, got, ws::tolerance::for_reduction(1, DBL_EPSILON)).ok());
    got[2] = 3.0 + 1e-9;
    const auto r = ws::compare(expected, got, ws::tolerance::for_reduction(1, DBL_EPSILON));
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.single_precision);
    CHECK_THAT(r.summary("d"), Contains("got 3.000000001"));
}

TEST_CASE("the exact tolerance rejects a one-ulp difference", "[common][compare]") {
    const float x = 1.0f;
    const float next = std::nextafter(x, 2.0f);
    CHECK(ws::tolerance::exact().accepts(x, x));
    CHECK_FALSE(ws::tolerance::exact().accepts(x, next));
    CHECK(ws::tolerance::for_reduction(1).accepts(x, next));
}

TEST_CASE("the reduction tolerance grows with the reduction length", "[common][compare]") {
    const auto t1 = ws::tolerance::for_reduction(1);
    const auto t1k = ws::tolerance::for_reduction(1024);
    const auto t4k = ws::tolerance::for_reduction(4096);
    CHECK(t1.rel > 0.0);
    CHECK(t1.rel < t1k.rel);
    CHECK(t1k.abs < t4k.abs);
    CHECK_THAT(t4k.rel, Catch::Matchers::WithinRel(2.0 * t1k.rel));  // sqrt(k)
    CHECK_THAT(t4k.abs, Catch::Matchers::WithinRel(4.0 * t1k.abs));  // k
    CHECK(ws::tolerance::for_reduction(0).rel == t1.rel);
    CHECK(ws::tolerance::for_reduction(1024, DBL_EPSILON).rel < t1k.rel);
}

TEST_CASE("the reduction tolerance accepts float sums of random data and rejects a dropped term", "[common][compare]") {
    const std::size_t k = GENERATE(16, 1000, 4096, 65536);
    const std::size_t rows = k >= 65536 ? 16 : 64;
    std::vector<float> data(k * rows);
    ws::fill_random(data, 42 + k);
    std::vector<float> exact(rows), sequential(rows), dropped(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        double d = 0.0;
        float f = 0.0f;
        for (std::size_t i = 0; i < k; ++i) {
            d += static_cast<double>(data[r * k + i]);
            f += data[r * k + i];
        }
        exact[r] = static_cast<float>(d);
        sequential[r] = f;
        dropped[r] = static_cast<float>(d - static_cast<double>(data[r * k + k / 2]));  // an off-by-one, in effect
    }
    const auto tol = ws::tolerance::for_reduction(k);
    const auto ok = ws::compare(exact, sequential, tol);
    INFO("k=" << k << ": " << ok.summary("float vs double sums"));
    CHECK(ok.ok());
    const auto bad = ws::compare(exact, dropped, tol);
    INFO(bad.summary("a term dropped"));
    // A dropped term of magnitude below the bound cannot be seen; with data in [-1, 1] nearly all are above it.
    CHECK(bad.mismatches >= rows * 3 / 4);
}

TEST_CASE("the precision tolerance accepts dot products of fp16- and bf16-rounded inputs", "[common][compare]") {
    const int bits = GENERATE(11, 8);
    const float eps = bits == 11 ? ws::eps_fp16 : ws::eps_bf16;
    const std::size_t k = GENERATE(1, 64, 4096);
    const std::size_t rows = 64;
    std::vector<float> a(k * rows), b(k * rows);
    ws::fill_random(a, 7);
    ws::fill_random(b, 8);
    std::vector<float> reference(rows), narrow(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        double d = 0.0;
        float f = 0.0f;
        for (std::size_t i = 0; i < k; ++i) {
            const std::size_t j = r * k + i;
            d += static_cast<double>(a[j]) * static_cast<double>(b[j]);
            f += round_to_bits(a[j], bits) * round_to_bits(b[j], bits);
        }
        reference[r] = static_cast<float>(d);
        narrow[r] = round_to_bits(f, bits);  // the output is stored in the narrow type too
    }
    const auto tol = ws::tolerance::for_precision(eps, k);
    const auto r = ws::compare(reference, narrow, tol);
    INFO("bits=" << bits << " k=" << k << ": " << r.summary("narrow dot products"));
    CHECK(r.ok());
    CHECK_FALSE(ws::compare(reference, narrow, ws::tolerance::for_reduction(k)).ok());  // float's bound is too tight
    CHECK(tol.rel > ws::tolerance::for_reduction(k).rel);
}
