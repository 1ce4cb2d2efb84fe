/// @file random.cpp
/// @brief Reproducible fills. Built with -ffp-contract=off (see common/CMakeLists.txt): a fused multiply-add would
/// round `lo + (hi - lo) * u` differently on machines that have one, and the same seed must give the same bits.
#include "ws/random.hpp"

#include <cstddef>

namespace ws {

namespace {

template <class T>
void fill_uniform(std::span<T> out, std::uint64_t seed, double lo, double hi) {
    splitmix64 rng(seed);
    const double width = hi - lo;
    for (T& x : out) x = static_cast<T>(lo + width * rng.next_unit());
}

/// An integer in [lo, hi]. The modulo is very slightly biased towards small values when the range does not divide
/// 2^64; for test data that is harmless, and it is the same everywhere.
std::int64_t next_integer(splitmix64& rng, std::int64_t lo, std::int64_t hi) {
    const auto range = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(rng.next() % range);
}

template <class T>
void fill_pattern(std::span<T> out, T offset, T step) {
    // Multiply rather than accumulate, so element i does not carry the rounding of the i elements before it.
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = offset + step * static_cast<T>(i);
}

}  // namespace

void fill_random(std::span<float> out, std::uint64_t seed, float lo, float hi) {
    fill_uniform(out, seed, static_cast<double>(lo), static_cast<double>(hi));
}

void fill_random(std::span<double> out, std::uint64_t seed, double lo, double hi) {
    fill_uniform(out, seed, lo, hi);
}

void fill_random_integers(std::span<float> out, std::uint64_t seed, int lo, int hi) {
    splitmix64 rng(seed);
    for (float& x : out) x = static_cast<float>(next_integer(rng, lo, hi));
}

void fill_random(std::span<std::int32_t> out, std::uint64_t seed, std::int32_t lo, std::int32_t hi) {
    splitmix64 rng(seed);
    for (std::int32_t& x : out) x = static_cast<std::int32_t>(next_integer(rng, lo, hi));
}

void fill_index_pattern(std::span<float> out, float offset, float step) { fill_pattern(out, offset, step); }

void fill_index_pattern(std::span<double> out, double offset, double step) { fill_pattern(out, offset, step); }

void fill_index_pattern(std::span<std::int32_t> out, std::int32_t offset, std::int32_t step) {
    // Unsigned arithmetic: wraps instead of overflowing (which would be undefined for int32).
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto u = static_cast<std::uint32_t>(i);
        out[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(offset) + static_cast<std::uint32_t>(step) * u);
    }
}

}  // namespace ws
