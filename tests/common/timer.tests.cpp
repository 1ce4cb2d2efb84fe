/// @file timer.tests.cpp
/// @brief Tests of cpu_timer, summarize and time_repeated.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include "ws/timer.hpp"

namespace {

/// A timer whose "measurements" are scripted, to test time_repeated's bookkeeping exactly.
struct scripted_timer {
    std::vector<double> values;
    std::size_t starts = 0;
    std::size_t stops = 0;
    void start() { ++starts; }
    void stop() { ++stops; }
    double elapsed_ms() const { return values[stops - 1]; }
};

}  // namespace

TEST_CASE("summarize reports median, min, max and mean", "[common][timer]") {
    const auto odd = ws::summarize({5.0, 1.0, 3.0, 100.0, 2.0});
    CHECK(odd.count == 5);
    CHECK(odd.median_ms == 3.0);
    CHECK(odd.min_ms == 1.0);
    CHECK(odd.max_ms == 100.0);
    CHECK(odd.mean_ms == 22.2);
    const auto even = ws::summarize({4.0, 1.0, 3.0, 2.0});
    CHECK(even.median_ms == 2.5);
}

TEST_CASE("summarize of no samples gives NaN, not a made-up zero", "[common][timer]") {
    const auto s = ws::summarize({});
    CHECK(s.count == 0);
    CHECK(std::isnan(s.median_ms));
    CHECK(std::isnan(s.mean_ms));
}

TEST_CASE("cpu_timer measures a sleep of about the right length", "[common][timer]") {
    ws::cpu_timer t;
    CHECK(t.elapsed_ms() == 0.0);
    t.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    t.stop();
    CHECK(t.elapsed_ms() >= 19.0);
    CHECK(t.elapsed_ms() < 2000.0);
    const double frozen = t.elapsed_ms();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    CHECK(t.elapsed_ms() == frozen);  // stopped timers do not keep counting
}

TEST_CASE("time_repeated runs the warm-up untimed and summarizes the timed runs", "[common][timer]") {
    scripted_timer timer{{3.0, 1.0, 2.0}};
    int calls = 0;
    const auto s = ws::time_repeated(timer, [&] { ++calls; }, 2, 3);
    CHECK(calls == 5);
    CHECK(timer.starts == 3);
    CHECK(s.count == 3);
    CHECK(s.median_ms == 2.0);
    CHECK(s.min_ms == 1.0);
}

TEST_CASE("time_repeated with the default cpu timer measures host work", "[common][timer]") {
    int calls = 0;
    const auto s = ws::time_repeated(
        [&] {
            ++calls;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        },
        1, 4);
    CHECK(calls == 5);
    CHECK(s.count == 4);
    CHECK(s.min_ms >= 0.9);
}

TEST_CASE("timing stats convert to a JSON object", "[common][timer]") {
    const auto j = ws::to_json(ws::summarize({1.0, 2.0, 3.0}));
    CHECK(j.dump(-1) == R"({"count":3,"median_ms":2,"min_ms":1,"max_ms":3,"mean_ms":2})");
}
