/// @file parse.hpp
/// @brief Pure parsers for the text the doctor reads: /proc files, tool banners, CMake caches, nvcc flags.
///
/// Kept apart from the code that opens files and runs programs so each can be tested on a pasted sample.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ws/doctor/facts.hpp"

namespace ws::doctor {

/// "12.2.0" → {12, 2, 0}; stops at the first character that is neither a digit nor a dot ("3.25.1-rc2" → 3.25.1).
std::vector<int> parse_version(std::string_view text);

/// True when `have` is at least `need`, comparing numerically part by part ("3.9" < "3.25"); an empty `need` is met.
bool version_at_least(std::string_view have, std::string_view need);

/// The first dotted version number in a tool's banner, preferring one right after "version" or "release"
/// ("Cuda compilation tools, release 13.0, V13.0.88" → "13.0"); empty when there is none.
std::string extract_version(std::string_view banner);

/// CUDA's encoded versions (1000 * major + 10 * minor): 12080 → "12.8", 13000 → "13.0"; 0 or less → "".
std::string cuda_version_string(int encoded);

/// "13.0.88" → 13000: the inverse of cuda_version_string for a toolkit version; 0 when unparsable.
int cuda_version_encode(std::string_view text);

/// The CPU model from /proc/cpuinfo ("model name" on x86, else "Hardware"/"Model"); empty when absent.
std::string parse_cpuinfo_model(std::string_view cpuinfo);

/// Distinct (physical id, core id) pairs in /proc/cpuinfo; 0 when the file does not say.
int parse_cpuinfo_physical_cores(std::string_view cpuinfo);

/// MemTotal from /proc/meminfo in bytes; 0 when absent.
std::uint64_t parse_meminfo_total(std::string_view meminfo);

/// PRETTY_NAME (else NAME) from /etc/os-release, without quotes.
std::string parse_os_release(std::string_view os_release);

/// The version in /proc/driver/nvidia/version: "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  …"
/// → "550.54.14"; empty when absent.
std::string parse_nvidia_module_version(std::string_view proc_version);

/// RmProfilingAdminOnly from /proc/driver/nvidia/params ("RmProfilingAdminOnly: 1"); nullopt when absent.
std::optional<int> parse_profiling_admin_only(std::string_view params);

/// The value of `key` in a CMakeCache.txt ("KEY:TYPE=value"); nullopt when the key is not there.
std::optional<std::string> parse_cmake_cache(std::string_view cache, std::string_view key);

/// One entry of CMAKE_CUDA_ARCHITECTURES: "80" (SASS + PTX), "80-real", "90-virtual", "90a", "100f-real".
/// nullopt for "native", "all", "all-major" and anything malformed.
std::optional<arch_target> parse_cmake_arch_entry(std::string_view entry);

/// A whole CMAKE_CUDA_ARCHITECTURES value ("80-real;90"); special values and bad entries are skipped.
std::vector<arch_target> parse_cmake_architectures(std::string_view value);

/// Every target that nvcc command lines in `text` (e.g. all of compile_commands.json) ask for:
/// "--generate-code=arch=compute_90,code=[compute_90,sm_90]", "-gencode arch=…,code=sm_86", "-arch=sm_75".
/// Targets for the same arch are merged (sm_90 + compute_90 → one target with sass and ptx); sorted by cc.
std::vector<arch_target> parse_nvcc_arch_flags(std::string_view text);

/// "sm_80" / "compute_90" / "sm_90a+PTX": the names a learner sees in nvcc's flags.
std::string describe_target(const arch_target& target);

/// The targets joined with ", "; "nothing" when empty.
std::string describe_targets(const std::vector<arch_target>& targets);

}  // namespace ws::doctor
