/// @file random.hpp
/// @brief Seeded, reproducible test data: random fills and index patterns that expose indexing bugs.
///
/// Uniform data (all ones, all zeros) hides index bugs: a kernel that reads element 0 everywhere still "passes".
/// These fills make every element different. The generator is SplitMix64 and the mapping to floats is written out
/// here, not `std::uniform_real_distribution` (whose output differs between standard libraries), so one seed gives
/// bit-identical data with every compiler, on every platform.
#pragma once

#include <cstdint>
#include <span>

namespace ws {

/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): a 64-bit state,
/// one add and a mixing function per number. Statistically fine for test data, not for cryptography.
class splitmix64 {
public:
    /// @param seed any value; equal seeds give equal sequences.
    explicit constexpr splitmix64(std::uint64_t seed) noexcept : state_(seed) {}

    /// The next 64 random bits.
    constexpr std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    /// A double in [0, 1) with 53 random bits (exact: no rounding happens in the conversion).
    constexpr double next_unit() noexcept { return static_cast<double>(next() >> 11) * 0x1p-53; }

private:
    std::uint64_t state_;
};

/// Fills @p out with values in [@p lo, @p hi) drawn from `splitmix64(seed)`.
/// @param out  destination; may be empty.
/// @param seed the same seed gives the same data everywhere.
/// @param lo   smallest value; requires lo <= hi (lo == hi gives a constant fill, which defeats the purpose).
/// @param hi   values stay below hi, except that rounding to float may reach it.
void fill_random(std::span<float> out, std::uint64_t seed, float lo = -1.0f, float hi = 1.0f);

/// Fills @p out with doubles in [@p lo, @p hi), as the float overload (53 random bits each).
/// @param out  destination; may be empty.
/// @param seed the same seed gives the same data everywhere.
/// @param lo   smallest value; requires lo <= hi.
/// @param hi   values stay below hi.
void fill_random(std::span<double> out, std::uint64_t seed, double lo = -1.0, double hi = 1.0);

/// Fills @p out with random whole numbers in [@p lo, @p hi] stored as float.
///
/// Sums and products of small integers are exact in float (up to 2^24), so a reduction or matmul over such data can
/// be compared with `tolerance::exact()`: any difference is a bug, never rounding.
/// @param out  destination.
/// @param seed the same seed gives the same data everywhere.
/// @param lo   smallest value (inclusive); requires lo <= hi and |lo|, |hi| <= 2^24.
/// @param hi   largest value (inclusive).
void fill_random_integers(std::span<float> out, std::uint64_t seed, int lo = -8, int hi = 8);

/// Fills @p out with random integers in [@p lo, @p hi] (inclusive).
/// @param out  destination.
/// @param seed the same seed gives the same data everywhere.
/// @param lo   smallest value; requires lo <= hi.
/// @param hi   largest value.
void fill_random(std::span<std::int32_t> out, std::uint64_t seed, std::int32_t lo, std::int32_t hi);

/// Fills @p out with `offset + step * i`: each element says where it came from, so a wrong index shows up in the
/// value itself (`expected 37, got 36` is an off-by-one).
/// @param out    destination.
/// @param offset value of element 0.
/// @param step   difference between neighbours; must be non-zero. Elements stay distinct while
///               |offset| + |step|·size < 2^24 (float's exact-integer range when offset and step are integers).
void fill_index_pattern(std::span<float> out, float offset = 0.0f, float step = 1.0f);

/// Fills @p out with `offset + step * i`, as the float overload; distinct while |offset| + |step|·size < 2^53.
/// @param out    destination.
/// @param offset value of element 0.
/// @param step   difference between neighbours; must be non-zero.
void fill_index_pattern(std::span<double> out, double offset = 0.0, double step = 1.0);

/// Fills @p out with `offset + step * i` (wrapping as unsigned arithmetic does if it overflows).
/// @param out    destination.
/// @param offset value of element 0.
/// @param step   difference between neighbours.
void fill_index_pattern(std::span<std::int32_t> out, std::int32_t offset = 0, std::int32_t step = 1);

}  // namespace ws
