/// @file cuda_timer.cpp
/// @brief CUDA event timer.
#include "ws/cuda_timer.hpp"

#include <utility>

#include "ws/cuda_check.hpp"

namespace ws {

cuda_event_timer::cuda_event_timer() {
    WS_CUDA_CHECK(cudaEventCreate(&start_));
    const cudaError_t err = cudaEventCreate(&stop_);
    if (err != cudaSuccess) {
        static_cast<void>(cudaEventDestroy(start_));  // the destructor will not run for a half-built object
        start_ = nullptr;
        stop_ = nullptr;
        WS_CUDA_CHECK(err);
    }
}

cuda_event_timer::~cuda_event_timer() {
    if (start_ != nullptr) static_cast<void>(cudaEventDestroy(start_));
    if (stop_ != nullptr) static_cast<void>(cudaEventDestroy(stop_));
}

cuda_event_timer::cuda_event_timer(cuda_event_timer&& other) noexcept
    : start_(std::exchange(other.start_, nullptr)), stop_(std::exchange(other.stop_, nullptr)) {}

cuda_event_timer& cuda_event_timer::operator=(cuda_event_timer&& other) noexcept {
    if (this != &other) {
        if (start_ != nullptr) static_cast<void>(cudaEventDestroy(start_));
        if (stop_ != nullptr) static_cast<void>(cudaEventDestroy(stop_));
        start_ = std::exchange(other.start_, nullptr);
        stop_ = std::exchange(other.stop_, nullptr);
    }
    return *this;
}

void cuda_event_timer::start(cudaStream_t stream) { WS_CUDA_CHECK(cudaEventRecord(start_, stream)); }

void cuda_event_timer::stop(cudaStream_t stream) { WS_CUDA_CHECK(cudaEventRecord(stop_, stream)); }

double cuda_event_timer::elapsed_ms() const {
    WS_CUDA_CHECK(cudaEventSynchronize(stop_));
    float ms = 0.0f;
    WS_CUDA_CHECK(cudaEventElapsedTime(&ms, start_, stop_));
    return static_cast<double>(ms);
}

}  // namespace ws
