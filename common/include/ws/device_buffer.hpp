/// @file device_buffer.hpp
/// @brief RAII device and pinned host memory, and a device output with NaN prefill and guard bands.
///
/// A `ws::device_buffer` frees its memory however the test ends (a failed REQUIRE, a thrown `ws::cuda_error`), so a
/// failing lab does not leak GPU memory into the next test. Copies check their sizes: a host span of the wrong
/// length throws instead of reading or writing past either buffer.
/// @code
/// ws::device_buffer<float> d_x(host_x);                 // cudaMalloc + copy
/// ws::device_guarded_buffer<float> d_y(n);              // NaN inside, guard bands outside
/// launch_scale(d_x.data(), d_y.data(), n);
/// CHECK(d_y.guards_intact());
/// auto report = ws::compare(expected, d_y.download(), ws::tolerance::for_reduction(1));
/// @endcode
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <new>
#include <source_location>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ws/cuda_check.hpp"
#include "ws/guard.hpp"

namespace ws {

namespace detail {

/// `WS_CUDA_CHECK` for library code: the message names the caller's file and line (@p where), which is where the
/// learner can act, and the library's call (@p expr).
inline void check_at(cudaError_t code, const char* expr, const std::source_location& where) {
    if (code != cudaSuccess) throw_cuda_error(code, expr, where.file_name(), static_cast<int>(where.line()));
}

/// `check_at` with the runtime call's text, so messages show what failed.
#define WS_DETAIL_CHECK_AT(expr, where) ::ws::detail::check_at((expr), #expr, where)

inline void require_same_size(std::size_t expected, std::size_t got, const char* what) {
    if (expected != got) {
        throw std::length_error(std::string(what) + ": host span has " + std::to_string(got) +
                                " elements, the device buffer " + std::to_string(expected));
    }
}

}  // namespace detail

/// An array of n `T` in device memory (cudaMalloc), freed on destruction. Move-only.
/// @tparam T a trivially copyable element type (bytes are copied as they are).
template <class T>
    requires std::is_trivially_copyable_v<T>
class device_buffer {
public:
    /// No memory; `data()` is nullptr.
    device_buffer() noexcept = default;

    /// Allocates @p n elements, uninitialized. n == 0 allocates nothing. Throws `ws::cuda_error` on failure.
    /// @param n number of elements.
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    explicit device_buffer(std::size_t n, std::source_location where = std::source_location::current())
        : size_(n) {
        if (n != 0) {
            void* p = nullptr;
            WS_DETAIL_CHECK_AT(cudaMalloc(&p, n * sizeof(T)), where);
            data_ = static_cast<T*>(p);
        }
    }

    /// Allocates `host.size()` elements and copies @p host in.
    /// @param host the initial contents.
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    explicit device_buffer(std::span<const T> host, std::source_location where = std::source_location::current())
        : device_buffer(host.size(), where) {
        copy_from_host(host, where);
    }

    /// Frees the memory. Errors are ignored: a destructor must not throw, and a failed free after a crashed kernel
    /// should not hide the error that crashed it.
    ~device_buffer() {
        if (data_ != nullptr) static_cast<void>(cudaFree(data_));
    }

    /// Takes @p other's memory; @p other becomes empty.
    device_buffer(device_buffer&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    /// Frees this buffer's memory and takes @p other's.
    device_buffer& operator=(device_buffer&& other) noexcept {
        if (this != &other) {
            if (data_ != nullptr) static_cast<void>(cudaFree(data_));
            data_ = std::exchange(other.data_, nullptr);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }
    device_buffer(const device_buffer&) = delete;
    device_buffer& operator=(const device_buffer&) = delete;

    /// The device pointer, for kernel arguments; never dereference it on the host.
    [[nodiscard]] T* data() noexcept { return data_; }
    /// @copydoc data()
    [[nodiscard]] const T* data() const noexcept { return data_; }
    /// Number of elements.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    /// Number of bytes.
    [[nodiscard]] std::size_t size_bytes() const noexcept { return size_ * sizeof(T); }
    /// True when there are no elements.
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

    /// Copies @p host to the device (synchronous cudaMemcpy).
    /// @param host source; must have exactly `size()` elements (else std::length_error).
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    void copy_from_host(std::span<const T> host, std::source_location where = std::source_location::current()) {
        detail::require_same_size(size_, host.size(), "device_buffer::copy_from_host");
        if (size_ != 0) {
            WS_DETAIL_CHECK_AT(cudaMemcpy(data_, host.data(), size_bytes(), cudaMemcpyHostToDevice), where);
        }
    }

    /// Copies the device contents to @p host (synchronous: waits for kernels on the default stream).
    /// @param host destination; must have exactly `size()` elements (else std::length_error).
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    void copy_to_host(std::span<T> host, std::source_location where = std::source_location::current()) const {
        detail::require_same_size(size_, host.size(), "device_buffer::copy_to_host");
        if (size_ != 0) {
            WS_DETAIL_CHECK_AT(cudaMemcpy(host.data(), data_, size_bytes(), cudaMemcpyDeviceToHost), where);
        }
    }

    /// The device contents as a new host vector.
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    [[nodiscard]] std::vector<T> to_vector(std::source_location where = std::source_location::current()) const {
        std::vector<T> host(size_);
        copy_to_host(host, where);
        return host;
    }

    /// Sets every byte to @p byte (cudaMemset), e.g. `ws::nan_byte` to poison an output.
    /// @param byte the byte value.
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    void fill_bytes(unsigned char byte, std::source_location where = std::source_location::current()) {
        if (size_ != 0) WS_DETAIL_CHECK_AT(cudaMemset(data_, byte, size_bytes()), where);
    }

private:
    T* data_ = nullptr;
    std::size_t size_ = 0;
};

/// An array of n `T` in page-locked host memory (cudaMallocHost): copies from it can run asynchronously and at full
/// PCIe/NVLink speed, which pageable `std::vector` memory cannot. Move-only.
/// @tparam T a trivially copyable element type.
template <class T>
    requires std::is_trivially_copyable_v<T>
class pinned_buffer {
public:
    /// No memory.
    pinned_buffer() noexcept = default;
    /// Allocates @p n elements, zero-filled. Throws `ws::cuda_error` on failure.
    /// @param n number of elements; 0 allocates nothing.
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    explicit pinned_buffer(std::size_t n, std::source_location where = std::source_location::current())
        : size_(n) {
        if (n != 0) {
            void* p = nullptr;
            WS_DETAIL_CHECK_AT(cudaMallocHost(&p, n * sizeof(T)), where);
            data_ = static_cast<T*>(p);
            for (std::size_t i = 0; i < n; ++i) ::new (static_cast<void*>(data_ + i)) T{};
        }
    }
    /// Frees the memory (errors ignored, as in `device_buffer`).
    ~pinned_buffer() {
        if (data_ != nullptr) static_cast<void>(cudaFreeHost(data_));
    }
    /// Takes @p other's memory; @p other becomes empty.
    pinned_buffer(pinned_buffer&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    /// Frees this buffer's memory and takes @p other's.
    pinned_buffer& operator=(pinned_buffer&& other) noexcept {
        if (this != &other) {
            if (data_ != nullptr) static_cast<void>(cudaFreeHost(data_));
            data_ = std::exchange(other.data_, nullptr);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }
    pinned_buffer(const pinned_buffer&) = delete;
    pinned_buffer& operator=(const pinned_buffer&) = delete;

    /// The host pointer (usable on the host and in cudaMemcpy/cudaMemcpyAsync).
    [[nodiscard]] T* data() noexcept { return data_; }
    /// @copydoc data()
    [[nodiscard]] const T* data() const noexcept { return data_; }
    /// Number of elements.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    /// The elements as a span.
    [[nodiscard]] std::span<T> span() noexcept { return {data_, size_}; }
    /// @copydoc span()
    [[nodiscard]] std::span<const T> span() const noexcept { return {data_, size_}; }
    /// Element @p i; requires i < size().
    [[nodiscard]] T& operator[](std::size_t i) noexcept { return data_[i]; }
    /// @copydoc operator[](std::size_t)
    [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    T* data_ = nullptr;
    std::size_t size_ = 0;
};

/// A device output of n `T` between two guard bands, the device counterpart of `ws::guarded_buffer`.
///
/// The n real elements are prefilled with `ws::nan_byte` (all-ones bytes: NaN in float, double, half and bfloat16),
/// the bands with `ws::guard_byte`. Pass `data()` and `size()` to the kernel; afterwards `download()` the result and
/// check `guards_intact()`.
/// @tparam T a trivially copyable element type.
template <class T>
    requires std::is_trivially_copyable_v<T>
class device_guarded_buffer {
public:
    /// Allocates guard + n + guard elements on the device and fills them (see `reset()`).
    /// @param n     elements the kernel may write; 0 is allowed.
    /// @param guard elements in each band.
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    explicit device_guarded_buffer(std::size_t n, std::size_t guard = default_guard_elements,
                                   std::source_location where = std::source_location::current())
        : storage_(n + 2 * guard, where), n_(n), guard_(guard) {
        reset(where);
    }

    /// Refills: NaN bytes inside, guard bytes in the bands (three cudaMemset calls).
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    void reset(std::source_location where = std::source_location::current()) {
        if (storage_.empty()) return;
        unsigned char* base = bytes();
        const std::size_t band = guard_ * sizeof(T);
        WS_DETAIL_CHECK_AT(cudaMemset(base, guard_byte, band), where);
        WS_DETAIL_CHECK_AT(cudaMemset(base + band, nan_byte, n_ * sizeof(T)), where);
        WS_DETAIL_CHECK_AT(cudaMemset(base + band + n_ * sizeof(T), guard_byte, band), where);
    }

    /// Device pointer to the first real element (past the front band), for the kernel.
    [[nodiscard]] T* data() noexcept { return storage_.data() + guard_; }
    /// @copydoc data()
    [[nodiscard]] const T* data() const noexcept { return storage_.data() + guard_; }
    /// Number of real elements, n.
    [[nodiscard]] std::size_t size() const noexcept { return n_; }
    /// Elements in each guard band.
    [[nodiscard]] std::size_t guard_size() const noexcept { return guard_; }

    /// Copies @p host into the real elements (for in-place kernels); the bands are untouched.
    /// @param host must have exactly `size()` elements (else std::length_error).
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    void upload(std::span<const T> host, std::source_location where = std::source_location::current()) {
        detail::require_same_size(n_, host.size(), "device_guarded_buffer::upload");
        if (n_ != 0) {
            WS_DETAIL_CHECK_AT(cudaMemcpy(data(), host.data(), n_ * sizeof(T), cudaMemcpyHostToDevice), where);
        }
    }

    /// The n real elements, copied to the host.
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    [[nodiscard]] std::vector<T> download(std::source_location where = std::source_location::current()) const {
        std::vector<T> host(n_);
        if (n_ != 0) {
            WS_DETAIL_CHECK_AT(cudaMemcpy(host.data(), data(), n_ * sizeof(T), cudaMemcpyDeviceToHost), where);
        }
        return host;
    }

    /// Downloads both bands and checks them; see `ws::guard_status`.
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    [[nodiscard]] guard_status check_guards(std::source_location where = std::source_location::current()) const {
        const std::size_t band = guard_ * sizeof(T);
        std::vector<unsigned char> front(band), back(band);
        if (band != 0) {
            const unsigned char* base = bytes();
            WS_DETAIL_CHECK_AT(cudaMemcpy(front.data(), base, band, cudaMemcpyDeviceToHost), where);
            WS_DETAIL_CHECK_AT(cudaMemcpy(back.data(), base + band + n_ * sizeof(T), band, cudaMemcpyDeviceToHost),
                               where);
        }
        return check_guard_bytes(front, back, sizeof(T), n_);
    }
    /// True when the kernel wrote nothing outside [data(), data() + size()).
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    [[nodiscard]] bool guards_intact(std::source_location where = std::source_location::current()) const {
        return check_guards(where).intact();
    }
    /// Which side was clobbered and the clobbered element nearest the data, for a failure message.
    /// @param where the caller's file and line, named in error messages; leave it defaulted.
    [[nodiscard]] std::string guard_report(std::source_location where = std::source_location::current()) const {
        return check_guards(where).report();
    }

private:
    [[nodiscard]] unsigned char* bytes() noexcept { return reinterpret_cast<unsigned char*>(storage_.data()); }
    [[nodiscard]] const unsigned char* bytes() const noexcept {
        return reinterpret_cast<const unsigned char*>(storage_.data());
    }

    device_buffer<T> storage_;
    std::size_t n_;
    std::size_t guard_;
};

}  // namespace ws

#undef WS_DETAIL_CHECK_AT
