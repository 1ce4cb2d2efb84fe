/// @file facts.hpp
/// @brief What `ws_doctor` found out about a machine: plain data, filled by probe.cpp or by a test.
///
/// Everything the advice and the reports need is in these structs, so the analysis can be tested with made-up
/// machines (a driver older than the toolkit, an sm_90 GPU and a build for sm_80, …) without a GPU.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ws::doctor {

/// The computer itself: what a learner writes down as their first measurement in lesson 00.
struct host_facts {
  std::string cpu_model;   ///< e.g. "AMD EPYC 7763 64-Core Processor"; empty when unknown
  int logical_cpus = 0;    ///< hardware threads the OS schedules on
  int physical_cores = 0;  ///< 0 when unknown
  std::uint64_t memory_bytes = 0;
  std::string os_name;        ///< e.g. "Debian GNU/Linux 12 (bookworm)"
  std::string kernel;         ///< e.g. "6.1.0-18-amd64"
  std::string cpu_arch;       ///< e.g. "x86_64", "aarch64"
  bool is_wsl = false;        ///< Windows Subsystem for Linux (GPU comes from the Windows driver)
  bool is_container = false;  ///< Docker, Podman, Kubernetes, … (GPU must be passed in)
  bool is_macos = false;      ///< no CUDA on macOS at all
  bool is_root = false;
};

/// One program or library the course uses.
struct tool_fact {
  std::string id;         ///< stable key for JSON: "gxx", "cmake", "nvcc", …
  std::string name;       ///< what the learner types or installs: "g++", "Catch2", …
  std::string purpose;    ///< one line: why the course wants it
  bool required = false;  ///< the course cannot build without it (doctor exits non-zero when missing)
  bool found = false;
  std::string version;    ///< as reported by the tool, e.g. "12.2.0"; may be empty even when found
  std::string path;       ///< where it was found
  std::string minimum;    ///< oldest version the course supports; empty = any
  bool off_path = false;  ///< found only in /usr/local/cuda/bin, which is not on PATH
  std::string note;       ///< a remark for the learner, e.g. "Catch2 3 found; the course uses the 2.x API"
  std::string install = "Run ./course setup";  ///< how to get it (a sentence), said when missing or too old
};

/// A CUDA error as both APIs report it: the number, its name and its message.
struct cuda_error {
  int code = 0;
  std::string name;     ///< e.g. "CUDA_ERROR_NO_DEVICE" or "cudaErrorInsufficientDriver"
  std::string message;  ///< e.g. "no CUDA-capable device is detected"
};

/// One GPU as the driver API describes it.
struct device_fact {
  int ordinal = 0;
  std::string name;
  int cc_major = 0;
  int cc_minor = 0;
  int sm_count = 0;
  int clock_khz = 0;  ///< SM clock; 0 when the driver does not report it
  int memory_clock_khz = 0;
  int memory_bus_bits = 0;
  std::uint64_t memory_bytes = 0;
  bool integrated = false;  ///< shares memory with the CPU (Jetson, …)
};

/// The NVIDIA driver: kernel module, libcuda and what libcuda says.
struct driver_facts {
  int nvidia_pci_devices = 0;         ///< NVIDIA display controllers on the PCI bus (0 when /sys is not readable)
  bool kernel_module = false;         ///< /proc/driver/nvidia/version exists
  std::string kernel_module_version;  ///< e.g. "550.54.14"
  bool nouveau_loaded = false;        ///< the open-source driver, which CUDA cannot use
  bool dev_nodes = false;             ///< /dev/nvidia0 or /dev/dxg (WSL) exists
  std::string nvidia_smi;             ///< path; empty when not installed
  std::string nvidia_smi_output;      ///< `nvidia-smi -L`, trimmed
  bool nvidia_smi_ok = false;
  bool libcuda_loaded = false;
  std::string libcuda_path;
  std::string libcuda_error;             ///< dlerror() when it could not be loaded
  std::optional<cuda_error> init_error;  ///< set when cuInit failed
  int version = 0;  ///< cuDriverGetVersion: the newest CUDA this driver runs, 1000*major + 10*minor
  int device_count = 0;
  std::vector<device_fact> devices;
  std::optional<int> profiling_admin_only;  ///< RmProfilingAdminOnly from /proc/driver/nvidia/params
  std::string cuda_visible_devices;         ///< the environment variable, when set
  bool cuda_visible_devices_set = false;
};

/// The CUDA runtime (libcudart) of the installed toolkit: the side that says "driver version is insufficient".
struct runtime_facts {
  bool loaded = false;
  std::string path;
  std::string load_error;
  int version = 0;                               ///< cudaRuntimeGetVersion, 1000*major + 10*minor
  std::optional<cuda_error> device_count_error;  ///< what cudaGetDeviceCount said, when it failed
  int device_count = 0;
};

/// One code target of a CUDA build: sm_80 (machine code) or compute_90 (PTX, JIT-compiled by the driver).
struct arch_target {
  int cc = 0;          ///< 10*major + minor, e.g. 86
  char suffix = '\0';  ///< 'a' (arch-specific, e.g. sm_90a) or 'f' (family, e.g. sm_100f) or '\0'
  bool sass = false;   ///< machine code for exactly this family
  bool ptx = false;    ///< PTX, which the driver can compile for this or any newer GPU
  bool operator==(const arch_target&) const = default;
};

/// What build/default was configured with.
struct build_facts {
  std::string dir;
  bool configured = false;           ///< CMakeCache.txt exists
  bool generated = false;            ///< build.ninja or Makefile exists: the last configure got to the end
  std::string cuda_compiler;         ///< CMAKE_CUDA_COMPILER from the cache
  std::string ws_cuda;               ///< WS_CUDA from the cache (AUTO, ON, OFF)
  std::string cuda_architectures;    ///< CMAKE_CUDA_ARCHITECTURES from the cache, when the user set it
  std::vector<arch_target> targets;  ///< what nvcc is really asked to make (from compile_commands.json)
};

/// Everything, in one place.
struct facts {
  host_facts host;
  std::vector<tool_fact> tools;
  driver_facts driver;
  runtime_facts runtime;
  build_facts build;
};

}  // namespace ws::doctor
