/// @file cuda_check.hpp
/// @brief `WS_CUDA_CHECK(expr)`: check a CUDA runtime call, naming the failing expression, file and line.
///
/// On failure the message goes to stderr and a `ws::cuda_error` is thrown. Throwing, not `exit()` (what
/// cuda-samples' `checkCudaErrors` and llm.c's `cudaCheck` do), so a test can report the failure and go on, and the
/// grader survives a learner's broken kernel.
/// @code
/// WS_CUDA_CHECK(cudaMemcpy(d_x, x.data(), bytes, cudaMemcpyHostToDevice));
/// scale_kernel<<<grid, block>>>(d_x, n);
/// WS_CUDA_CHECK_LAST();  // launch errors (bad grid, too much shared memory) show up here
/// @endcode
/// Works with either backend: `cuda_runtime.h` is the real one or the cudacpu stand-in.
#pragma once

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace ws {

/// A failed CUDA runtime call. `what()` reads e.g.
/// `CUDA error cudaErrorInvalidValue (invalid argument) at lab.cu:42: cudaMemcpy(d, h, n, cudaMemcpyHostToDevice)`.
class cuda_error : public std::runtime_error {
public:
    /// @param code    the error the runtime returned.
    /// @param message the full message (see `ws::cuda_error_message`).
    cuda_error(cudaError_t code, const std::string& message) : std::runtime_error(message), code_(code) {}
    /// The error the runtime returned, e.g. to tell cudaErrorNoDevice from a real failure.
    [[nodiscard]] cudaError_t code() const noexcept { return code_; }

private:
    cudaError_t code_;
};

/// The message `WS_CUDA_CHECK` prints and throws for @p code.
/// @param code the runtime's error (not cudaSuccess).
/// @param expr text of the failing expression.
/// @param file source file of the check.
/// @param line source line of the check.
[[nodiscard]] std::string cuda_error_message(cudaError_t code, const char* expr, const char* file, int line);

/// Prints `cuda_error_message(...)` to stderr and throws `ws::cuda_error`. Out of line: the failure path is cold.
/// @param code the runtime's error (not cudaSuccess).
/// @param expr text of the failing expression.
/// @param file source file of the check.
/// @param line source line of the check.
[[noreturn]] void throw_cuda_error(cudaError_t code, const char* expr, const char* file, int line);

/// What `WS_CUDA_CHECK` expands to: throws `ws::cuda_error` unless @p code is cudaSuccess.
/// @param code the result of a runtime call.
/// @param expr text of the call, for the message.
/// @param file source file of the check.
/// @param line source line of the check.
inline void cuda_check(cudaError_t code, const char* expr, const char* file, int line) {
    if (code != cudaSuccess) throw_cuda_error(code, expr, file, line);
}

}  // namespace ws

/// Evaluates @p expr (a CUDA runtime call returning cudaError_t) once; on failure prints the expression, file, line,
/// error name and description to stderr and throws `ws::cuda_error`.
#define WS_CUDA_CHECK(expr) ::ws::cuda_check((expr), #expr, __FILE__, __LINE__)

/// Checks `cudaGetLastError()` right after a kernel launch, where launch-configuration errors appear. Errors inside
/// the kernel are asynchronous: they surface at the next synchronizing call (cudaDeviceSynchronize, cudaMemcpy).
#define WS_CUDA_CHECK_LAST() \
    ::ws::cuda_check(cudaGetLastError(), "cudaGetLastError() after a kernel launch", __FILE__, __LINE__)
