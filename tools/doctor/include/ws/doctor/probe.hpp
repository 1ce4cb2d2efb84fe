/// @file probe.hpp
/// @brief Fills `facts` from the running system: /proc, PATH, dlopen of libcuda and libcudart, build/default.
///
/// Nothing here needs the CUDA toolkit at build time: the driver and runtime are loaded with dlopen and only the
/// handful of entry points the doctor calls are declared, with their C signatures.
#pragma once

#include <string>

#include "ws/doctor/facts.hpp"

namespace ws::doctor {

struct probe_options {
  std::string root;       ///< the repository root (for build/default)
  std::string build_dir;  ///< defaults to <root>/build/default
  bool query_gpu = true;  ///< false skips libcuda/libcudart/nvidia-smi (used by tests that only want host facts)
};

host_facts probe_host();
std::vector<tool_fact> probe_tools();
driver_facts probe_driver();
runtime_facts probe_runtime(const std::vector<tool_fact>& tools);
build_facts probe_build(const std::string& build_dir);

/// All of the above.
facts probe_all(const probe_options& options);

}  // namespace ws::doctor
