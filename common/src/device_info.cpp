/// @file device_info.cpp
/// @brief Device query through the runtime API only, so the same file builds for the cuda and cudacpu backends.
///
/// Clocks come from `cudaDeviceGetAttribute`, not `cudaDeviceProp`: CUDA 13 removed `clockRate` and
/// `memoryClockRate` from `cudaDeviceProp`, while the attributes remain.
#include "ws/device_info.hpp"

#include <cuda_runtime.h>

#include <cstdio>

namespace ws {

namespace {

std::string describe(const char* call, cudaError_t err) {
    const char* name = cudaGetErrorName(err);
    const char* text = cudaGetErrorString(err);
    return std::string(call) + " failed: " + (name != nullptr ? name : "(unknown error)") + " (" +
           (text != nullptr ? text : "no description") + ")";
}

/// An attribute, or 0 when the runtime does not report it (estimates that need it then read 0, "unknown").
int attribute(cudaDeviceAttr attr, int device) {
    int value = 0;
    if (cudaDeviceGetAttribute(&value, attr, device) != cudaSuccess) {
        static_cast<void>(cudaGetLastError());  // do not leave the error for the caller's next WS_CUDA_CHECK_LAST
        return 0;
    }
    return value;
}

}  // namespace

int fp32_lanes_per_sm(int major, int minor) noexcept {
    switch (major) {
        case 7: return 64;                     // Volta, Turing
        case 8: return minor == 0 ? 64 : 128;  // A100 has 64; GA10x, Orin and Ada doubled FP32 to 128
        case 9: return 128;                    // Hopper
        case 10:                               // Blackwell datacenter
        case 11:                               // Thor (CUDA 13 renumbered sm_101 to sm_110)
        case 12: return 128;                   // Blackwell consumer, GB10
        default: return 0;
    }
}

device_info query_device(int device) {
    device_info info;
    info.device = device;
    // Versions first: they help explain a failure ("driver 0" = no driver installed).
    if (cudaDriverGetVersion(&info.driver_version) != cudaSuccess) info.driver_version = 0;
    if (cudaRuntimeGetVersion(&info.runtime_version) != cudaSuccess) info.runtime_version = 0;

    int count = 0;
    if (const cudaError_t err = cudaGetDeviceCount(&count); err != cudaSuccess) {
        static_cast<void>(cudaGetLastError());
        info.error = describe("cudaGetDeviceCount", err);
        return info;
    }
    if (count == 0) {
        info.error = "no CUDA device found";
        return info;
    }
    if (device < 0 || device >= count) {
        info.error = "device " + std::to_string(device) + " does not exist (" + std::to_string(count) +
                     " device" + (count == 1 ? "" : "s") + " found)";
        return info;
    }
    cudaDeviceProp prop{};
    if (const cudaError_t err = cudaGetDeviceProperties(&prop, device); err != cudaSuccess) {
        static_cast<void>(cudaGetLastError());
        info.error = describe("cudaGetDeviceProperties", err);
        return info;
    }
    info.available = true;
    info.name = prop.name;
    info.cc_major = prop.major;
    info.cc_minor = prop.minor;
    info.sm_count = prop.multiProcessorCount;
    info.total_memory_bytes = prop.totalGlobalMem;
    info.clock_khz = attribute(cudaDevAttrClockRate, device);
    info.memory_clock_khz = attribute(cudaDevAttrMemoryClockRate, device);
    info.memory_bus_width_bits = attribute(cudaDevAttrGlobalMemoryBusWidth, device);
    // kHz × 1e3 = Hz; × 2 for double data rate; × bus bytes; / 1e9 for GB/s.
    info.memory_bandwidth_gbs =
        2.0 * static_cast<double>(info.memory_clock_khz) * 1e3 * (info.memory_bus_width_bits / 8.0) / 1e9;
    info.fp32_lanes_per_sm = fp32_lanes_per_sm(info.cc_major, info.cc_minor);
    info.fp32_peak_gflops = static_cast<double>(info.sm_count) * info.fp32_lanes_per_sm * 2.0 *
                            static_cast<double>(info.clock_khz) * 1e3 / 1e9;
    return info;
}

std::string device_info::summary() const {
    if (!available) return "no CUDA device: " + error;
    char buf[256];
    std::snprintf(buf, sizeof buf, " (sm_%d%d, %d SMs, %.0f MHz, %.1f GiB, %.0f GB/s, %.1f TFLOP/s FP32)", cc_major,
                  cc_minor, sm_count, clock_khz / 1e3, static_cast<double>(total_memory_bytes) / (1024.0 * 1024 * 1024),
                  memory_bandwidth_gbs, fp32_peak_gflops / 1e3);
    return name + buf;
}

json::value to_json(const device_info& info) {
    json::value v = json::value::object();
    v.set("available", info.available);
    if (!info.available) v.set("error", info.error);
    v.set("device", info.device)
        .set("name", info.name)
        .set("cc_major", info.cc_major)
        .set("cc_minor", info.cc_minor)
        .set("sm_count", info.sm_count)
        .set("clock_khz", info.clock_khz)
        .set("total_memory_bytes", info.total_memory_bytes)
        .set("memory_bus_width_bits", info.memory_bus_width_bits)
        .set("memory_clock_khz", info.memory_clock_khz)
        .set("memory_bandwidth_gbs", info.memory_bandwidth_gbs)
        .set("fp32_lanes_per_sm", info.fp32_lanes_per_sm)
        .set("fp32_peak_gflops", info.fp32_peak_gflops)
        .set("driver_version", info.driver_version)
        .set("runtime_version", info.runtime_version);
    return v;
}

}  // namespace ws
