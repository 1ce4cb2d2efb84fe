/// @file cuda_check.cpp
/// @brief The cold path of `WS_CUDA_CHECK`: build the message, print it, throw.
#include "ws/cuda_check.hpp"

#include <cstdio>

namespace ws {

std::string cuda_error_message(cudaError_t code, const char* expr, const char* file, int line) {
    const char* name = cudaGetErrorName(code);
    const char* text = cudaGetErrorString(code);
    std::string msg = "CUDA error ";
    msg += name != nullptr ? name : "(unknown error)";
    msg += " (";
    msg += text != nullptr ? text : "no description";
    msg += ") at ";
    msg += file;
    msg += ':';
    msg += std::to_string(line);
    msg += ": ";
    msg += expr;
    return msg;
}

void throw_cuda_error(cudaError_t code, const char* expr, const char* file, int line) {
    std::string msg = cuda_error_message(code, expr, file, line);
    // Printed as well as thrown: a caller that catches and ignores the exception still leaves a trace.
    std::fprintf(stderr, "%s\n", msg.c_str());
    throw cuda_error(code, msg);
}

}  // namespace ws
