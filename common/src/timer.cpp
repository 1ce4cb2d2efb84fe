/// @file timer.cpp
/// @brief Summary statistics of repeated timings.
#include "ws/timer.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace ws {

timing_stats summarize(std::vector<double> samples_ms) {
    timing_stats s;
    s.count = samples_ms.size();
    if (samples_ms.empty()) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        s.median_ms = s.min_ms = s.max_ms = s.mean_ms = nan;
        return s;
    }
    std::sort(samples_ms.begin(), samples_ms.end());
    const std::size_t mid = s.count / 2;
    s.median_ms = s.count % 2 == 1 ? samples_ms[mid] : 0.5 * (samples_ms[mid - 1] + samples_ms[mid]);
    s.min_ms = samples_ms.front();
    s.max_ms = samples_ms.back();
    s.mean_ms = std::accumulate(samples_ms.begin(), samples_ms.end(), 0.0) / static_cast<double>(s.count);
    return s;
}

json::value to_json(const timing_stats& stats) {
    json::value v = json::value::object();
    v.set("count", stats.count)
        .set("median_ms", stats.median_ms)
        .set("min_ms", stats.min_ms)
        .set("max_ms", stats.max_ms)
        .set("mean_ms", stats.mean_ms);
    return v;
}

}  // namespace ws
