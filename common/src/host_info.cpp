/// @file host_info.cpp
/// @brief Host description from /proc/cpuinfo, sysconf and uname (Linux first; other systems get what is portable).
#include "ws/host_info.hpp"

#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/utsname.h>
#include <unistd.h>
#endif

namespace ws {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

/// Reads the CPU model and counts physical cores. x86 lists "model name", "physical id" and "core id" per logical
/// CPU; ARM kernels often have no model name, so fall back to "Hardware" / "Model" lines.
void read_cpuinfo(host_info& info) {
    std::ifstream in("/proc/cpuinfo");
    if (!in) return;
    std::string fallback_model;
    std::set<std::pair<std::string, std::string>> cores;  // (physical id, core id)
    std::string physical_id;
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string_view key = trim(std::string_view(line).substr(0, colon));
        const std::string_view val = trim(std::string_view(line).substr(colon + 1));
        if (key == "model name" && info.cpu_model == "unknown" && !val.empty()) {
            info.cpu_model = std::string(val);
        } else if ((key == "Hardware" || key == "Model") && fallback_model.empty()) {
            fallback_model = std::string(val);
        } else if (key == "physical id") {
            physical_id = std::string(val);
        } else if (key == "core id") {
            cores.emplace(physical_id, std::string(val));
        }
    }
    if (info.cpu_model == "unknown" && !fallback_model.empty()) info.cpu_model = fallback_model;
    info.physical_cores = static_cast<unsigned>(cores.size());
}

}  // namespace

host_info query_host() {
    host_info info;
    info.logical_cores = std::thread::hardware_concurrency();
    read_cpuinfo(info);
#if defined(__unix__) || defined(__APPLE__)
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page_size = sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page_size > 0) {
        info.total_memory_bytes = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
    }
    utsname u{};
    if (uname(&u) == 0) info.os = std::string(u.sysname) + " " + u.release + " " + u.machine;
#endif
    return info;
}

json::value to_json(const host_info& info) {
    json::value v = json::value::object();
    v.set("cpu_model", info.cpu_model)
        .set("logical_cores", info.logical_cores)
        .set("physical_cores", info.physical_cores)
        .set("total_memory_bytes", info.total_memory_bytes)
        .set("os", info.os);
    return v;
}

}  // namespace ws
