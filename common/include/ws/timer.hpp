/// @file timer.hpp
/// @brief Wall-clock timing on the host, and the median-of-N statistics every benchmark reports.
///
/// One timing is noise (clock ramp-up, caches, page faults); the median of several after a warm-up is a measurement.
/// `time_repeated` does exactly that with any timer of the `ws::timer_like` shape: `ws::cpu_timer` here, or
/// `ws::cuda_event_timer` (cuda_timer.hpp) for GPU work. Time first, then re-check correctness: a benchmark that is
/// "faster than memory" usually skipped the work.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <utility>
#include <vector>

#include "ws/json.hpp"

namespace ws {

/// Anything with `start()`, `stop()` and `elapsed_ms()` (milliseconds between the last start and stop).
template <class T>
concept timer_like = requires(T& t) {
    t.start();
    t.stop();
    { t.elapsed_ms() } -> std::convertible_to<double>;
};

/// A stopwatch on `std::chrono::steady_clock` (monotonic: it never jumps when the system clock is adjusted).
class cpu_timer {
public:
    /// Starts (or restarts) timing.
    void start() noexcept {
        start_ = clock::now();
        running_ = true;
    }
    /// Stops timing; `elapsed_ms()` then reports start→stop.
    void stop() noexcept {
        stop_ = clock::now();
        running_ = false;
    }
    /// Milliseconds from the last `start()` to the last `stop()`, or to now while running; 0 before any start.
    [[nodiscard]] double elapsed_ms() const noexcept {
        const auto end = running_ ? clock::now() : stop_;
        return std::chrono::duration<double, std::milli>(end - start_).count();
    }

private:
    using clock = std::chrono::steady_clock;
    clock::time_point start_{};
    clock::time_point stop_{};
    bool running_ = false;
};

/// Summary of repeated timings, in milliseconds. With no samples, count is 0 and the times are NaN.
struct timing_stats {
    std::size_t count = 0;  ///< Number of samples.
    double median_ms = 0;   ///< The number to report: robust against a few slow outliers.
    double min_ms = 0;      ///< Best case.
    double max_ms = 0;      ///< Worst case; far above the median means interference.
    double mean_ms = 0;     ///< Arithmetic mean.
};

/// The stats as a JSON object `{"count", "median_ms", "min_ms", "max_ms", "mean_ms"}` for a results file.
/// @param stats the summary to convert.
[[nodiscard]] json::value to_json(const timing_stats& stats);

/// Median (the mean of the middle two for an even count), min, max and mean of @p samples_ms.
/// @param samples_ms timings in milliseconds, in any order; taken by value because it is sorted.
[[nodiscard]] timing_stats summarize(std::vector<double> samples_ms);

/// Runs @p fn `warmup` times untimed, then `repeats` times, each timed with @p timer, and summarizes.
/// @param timer   a `ws::timer_like`; for GPU work a `ws::cuda_event_timer` (whose `stop()` + `elapsed_ms()`
///                waits for the GPU).
/// @param fn      the work; called with no arguments. For GPU work it must launch on the stream the timer records.
/// @param warmup  untimed calls first (first-launch overheads, clock ramp-up, cold caches).
/// @param repeats timed calls; >= 1 for meaningful stats.
template <timer_like Timer, class Fn>
timing_stats time_repeated(Timer& timer, Fn&& fn, std::size_t warmup, std::size_t repeats) {
    for (std::size_t i = 0; i < warmup; ++i) fn();
    std::vector<double> samples;
    samples.reserve(repeats);
    for (std::size_t i = 0; i < repeats; ++i) {
        timer.start();
        fn();
        timer.stop();
        samples.push_back(static_cast<double>(timer.elapsed_ms()));
    }
    return summarize(std::move(samples));
}

/// `time_repeated` with a `ws::cpu_timer`, for host code.
/// @param fn      the work; called with no arguments.
/// @param warmup  untimed calls first.
/// @param repeats timed calls.
template <class Fn>
timing_stats time_repeated(Fn&& fn, std::size_t warmup, std::size_t repeats) {
    cpu_timer timer;
    return time_repeated(timer, std::forward<Fn>(fn), warmup, repeats);
}

}  // namespace ws
