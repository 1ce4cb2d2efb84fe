/// @file cuda_timer.hpp
/// @brief GPU timing with CUDA events, shaped like `ws::cpu_timer` so `ws::time_repeated` takes either.
///
/// Host clocks around a kernel launch measure the launch, not the kernel (launches return immediately). Events are
/// recorded into the stream and timestamped by the GPU when it reaches them, so start→stop covers exactly the work
/// queued between them.
/// @code
/// ws::cuda_event_timer timer;
/// ws::timing_stats s = ws::time_repeated(timer, [&] { launch_matmul_tiled(a, b, c, n); }, 3, 20);
/// @endcode
#pragma once

#include <cuda_runtime.h>

#include "ws/timer.hpp"

namespace ws {

/// A pair of CUDA events timing work on one stream. Move-only.
class cuda_event_timer {
public:
    /// Creates the two events. Throws `ws::cuda_error` when that fails (e.g. no device).
    cuda_event_timer();
    /// Destroys the events (errors ignored: destructors must not throw).
    ~cuda_event_timer();
    /// Takes @p other's events; @p other can then only be destroyed or assigned to.
    cuda_event_timer(cuda_event_timer&& other) noexcept;
    /// Destroys this timer's events and takes @p other's.
    cuda_event_timer& operator=(cuda_event_timer&& other) noexcept;
    cuda_event_timer(const cuda_event_timer&) = delete;
    cuda_event_timer& operator=(const cuda_event_timer&) = delete;

    /// Records the start event on @p stream (default: the legacy default stream).
    /// @param stream the stream whose work is timed; `stop()` must use the same one.
    void start(cudaStream_t stream = nullptr);
    /// Records the stop event on @p stream.
    /// @param stream the stream passed to `start()`.
    void stop(cudaStream_t stream = nullptr);
    /// Waits for the stop event, then returns the GPU time between the events in milliseconds (resolution about
    /// 0.5 µs). Requires a `start()` and a `stop()` before; throws `ws::cuda_error` otherwise.
    [[nodiscard]] double elapsed_ms() const;

private:
    cudaEvent_t start_ = nullptr;
    cudaEvent_t stop_ = nullptr;
};

static_assert(timer_like<cuda_event_timer>);

}  // namespace ws
