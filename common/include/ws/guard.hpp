/// @file guard.hpp
/// @brief NaN-prefilled outputs surrounded by guard bands, to catch unwritten elements and out-of-bounds writes.
///
/// A kernel that forgets to write an element leaves a NaN there, which `ws::compare` reports; a kernel that writes
/// past either end changes a guard band, which `guards_intact()` reports. Guard bands hold the byte 0xA5 repeated
/// (`ws::guard_byte`), compared bit for bit, so any value written there is caught, even a NaN or the right answer.
/// The device version is `ws::device_guarded_buffer` in device_buffer.hpp; both share `ws::check_guard_bytes`.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace ws {

/// The byte that fills guard bands. 0xA5A5A5A5 is a float of about -2.9e-16 and an int of -1515870811: values a
/// kernel is unlikely to produce by accident, and distinct from the NaN prefill.
inline constexpr unsigned char guard_byte = 0xA5;

/// The byte that prefills device outputs (`cudaMemset` can only set bytes). All-ones is a NaN in every IEEE format
/// a lab uses: float, double, half and bfloat16.
inline constexpr unsigned char nan_byte = 0xFF;

/// Guard elements on each side by default: enough to catch a block-sized overrun in a small array, cheap to check.
inline constexpr std::size_t default_guard_elements = 64;

/// Sets every element of @p out to a quiet NaN, so unwritten outputs cannot pass for results.
/// @tparam T a floating-point type.
/// @param out the output to poison.
template <class T>
    requires std::numeric_limits<T>::has_quiet_NaN
void fill_nan(std::span<T> out) {
    std::fill(out.begin(), out.end(), std::numeric_limits<T>::quiet_NaN());
}

/// What a guard check found: how many bytes of each band changed, and the element nearest the data on each side.
struct guard_status {
    std::size_t elem_size = 1;          ///< sizeof(T) of the checked buffer.
    std::size_t guard_elements = 0;     ///< Elements in each band.
    std::size_t n = 0;                  ///< Elements between the bands.
    std::size_t front_clobbered = 0;    ///< Elements of the front band that changed.
    std::size_t back_clobbered = 0;     ///< Elements of the back band that changed.
    std::size_t front_nearest = 0;      ///< How far before data[0] the nearest changed front element is (1 = data[-1]).
    std::size_t back_nearest = 0;       ///< Index past data[n-1] of the changed back element nearest it (0 = data[n]).

    /// True when neither band changed.
    [[nodiscard]] bool intact() const noexcept { return front_clobbered == 0 && back_clobbered == 0; }

    /// One line, e.g. `front guard: 2 of 64 elements overwritten, nearest at data[-1]; back guard intact`.
    [[nodiscard]] std::string report() const;
};

/// Checks two guard bands of @p elem_size -byte elements against `ws::guard_byte`.
/// @param front     the band before the data (its last byte touches data[0]).
/// @param back      the band after the data (its first byte touches data[n]).
/// @param elem_size bytes per element, > 0; both bands' sizes must be multiples of it.
/// @param n         elements between the bands (only for the report's indices).
[[nodiscard]] guard_status check_guard_bytes(std::span<const unsigned char> front, std::span<const unsigned char> back,
                                             std::size_t elem_size, std::size_t n);

/// A host array of n elements with guard bands of `guard` elements on each side, prefilled with NaN.
///
/// Pass `data()` and `size()` to the code under test, then check `guards_intact()` and compare `span()`.
/// @tparam T a trivially copyable element type. Floating-point types are prefilled with a quiet NaN; other types
///           with `ws::nan_byte` bytes (all-ones, e.g. -1 for int), the same bytes the device version uses.
template <class T>
    requires std::is_trivially_copyable_v<T>
class guarded_buffer {
public:
    /// Allocates guard + n + guard elements and fills them (see `reset()`).
    /// @param n     elements the code under test may write; 0 is allowed (only guards).
    /// @param guard elements in each band.
    explicit guarded_buffer(std::size_t n, std::size_t guard = default_guard_elements)
        : storage_(n + 2 * guard), n_(n), guard_(guard) {
        reset();
    }

    /// Refills the data with NaN and the bands with `ws::guard_byte`, e.g. before running the next version.
    void reset() {
        std::memset(static_cast<void*>(storage_.data()), guard_byte, storage_.size() * sizeof(T));
        if constexpr (std::numeric_limits<T>::has_quiet_NaN) {
            fill_nan(span());
        } else {
            std::memset(static_cast<void*>(data()), nan_byte, n_ * sizeof(T));
        }
    }

    /// The first real element (not the guard band).
    [[nodiscard]] T* data() noexcept { return storage_.data() + guard_; }
    /// @copydoc data()
    [[nodiscard]] const T* data() const noexcept { return storage_.data() + guard_; }
    /// Number of real elements, n.
    [[nodiscard]] std::size_t size() const noexcept { return n_; }
    /// Elements in each guard band.
    [[nodiscard]] std::size_t guard_size() const noexcept { return guard_; }
    /// The n real elements.
    [[nodiscard]] std::span<T> span() noexcept { return {data(), n_}; }
    /// @copydoc span()
    [[nodiscard]] std::span<const T> span() const noexcept { return {data(), n_}; }
    /// Element @p i of the real data; requires i < size().
    [[nodiscard]] T& operator[](std::size_t i) noexcept { return data()[i]; }
    /// @copydoc operator[](std::size_t)
    [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data()[i]; }

    /// Checks both bands; see `guard_status`.
    [[nodiscard]] guard_status check_guards() const {
        const auto* bytes = reinterpret_cast<const unsigned char*>(storage_.data());
        const std::size_t band = guard_ * sizeof(T);
        return check_guard_bytes({bytes, band}, {bytes + band + n_ * sizeof(T), band}, sizeof(T), n_);
    }
    /// True when nothing wrote outside [data(), data() + size()).
    [[nodiscard]] bool guards_intact() const { return check_guards().intact(); }
    /// Which side was clobbered and the clobbered element nearest the data, for a failure message.
    [[nodiscard]] std::string guard_report() const { return check_guards().report(); }

private:
    std::vector<T> storage_;
    std::size_t n_;
    std::size_t guard_;
};

}  // namespace ws
