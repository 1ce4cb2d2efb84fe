/// @file probe.cpp
/// @brief Fills `facts` from the running system without needing the CUDA toolkit to build.
///
/// libcuda and libcudart are opened with dlopen and the few entry points used are declared here by hand, so the
/// doctor builds (and runs) on machines with no CUDA at all - exactly the machines that most need a diagnosis.

#include "ws/doctor/probe.hpp"

#include <dlfcn.h>
#include <glob.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif

#include "ws/doctor/parse.hpp"

namespace ws::doctor {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes = 1 << 20) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(max_bytes, '\0');
  in.read(data.data(), static_cast<std::streamsize>(max_bytes));
  data.resize(static_cast<std::size_t>(in.gcount()));
  return data;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && (s[start] == '\n' || s[start] == ' ')) ++start;
  return s.substr(start);
}

std::string trimmed_spaces(const std::string& s) {
  const auto start = s.find_first_not_of(" \t");
  if (start == std::string::npos) return {};
  return s.substr(start, s.find_last_not_of(" \t") - start + 1);
}

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// The executable `name` on PATH, or "".
std::string which(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return candidate;
  }
  return {};
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct command_result {
  int status = -1;
  std::string output;
};

/// Runs `program args` with stderr folded into stdout; a hung driver must not hang the doctor, hence `timeout`.
command_result run(const std::string& program, const std::string& args) {
  static const std::string timeout = which("timeout");
  std::string command = (timeout.empty() ? std::string() : shell_quote(timeout) + " 15 ") + shell_quote(program) + " " +
                        args + " 2>&1 </dev/null";
  command_result result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0 && result.output.size() < (1 << 20)) {
    result.output.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string first_glob(const std::string& pattern) {
  glob_t g{};
  std::string found;
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0 && g.gl_pathc > 0) found = g.gl_pathv[g.gl_pathc - 1];  // newest
  ::globfree(&g);
  return found;
}

const std::vector<std::string>& library_dirs() {
  static const std::vector<std::string> dirs = {"/usr/lib/x86_64-linux-gnu",
                                                "/usr/lib/aarch64-linux-gnu",
                                                "/usr/lib64",
                                                "/usr/lib",
                                                "/usr/local/lib",
                                                "/usr/local/lib64",
                                                "/opt/homebrew/lib",
                                                "/usr/local/opt/openblas/lib"};
  return dirs;
}

const std::vector<std::string>& include_dirs() {
  static const std::vector<std::string> dirs = {"/usr/include", "/usr/local/include", "/opt/homebrew/include"};
  return dirs;
}

/// The first existing file among dir/name for every dir and name.
std::string find_in(const std::vector<std::string>& dirs, const std::vector<std::string>& names) {
  for (const auto& dir : dirs) {
    for (const auto& name : names) {
      if (exists(dir + "/" + name)) return dir + "/" + name;
    }
  }
  return {};
}

/// The string value of `#define NAME "value"` or `#define NAME value` in a header.
std::string header_define(const std::string& text, const std::string& name) {
  const std::string needle = "#define " + name;
  auto pos = text.find(needle + " ");
  if (pos == std::string::npos) pos = text.find(needle + "\t");
  if (pos == std::string::npos) return {};
  pos += needle.size();
  const auto end = text.find('\n', pos);
  std::string value = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
  std::string out;
  for (char c : value) {
    if (c != '"' && c != '\r') out.push_back(c);
  }
  return trimmed_spaces(out);
}

// ---- tools --------------------------------------------------------------------------------------------------------

tool_fact program_tool(std::string id, std::string name, std::string program, std::string purpose, bool required,
                       std::string minimum, const std::string& version_args, bool look_in_cuda = false,
                       const std::vector<std::string>& extra_globs = {}) {
  tool_fact t{
      std::move(id), std::move(name), std::move(purpose), required, false, {}, {}, std::move(minimum), false, {}};
  t.path = which(program);
  if (t.path.empty() && look_in_cuda) {
    // CUDA installs in /usr/local/cuda/bin and leaves PATH alone; CMake would not find it there either.
    std::vector<std::string> candidates;
    if (const char* cuda_path = std::getenv("CUDA_PATH"))
      candidates.push_back(std::string(cuda_path) + "/bin/" + program);
    candidates.push_back("/usr/local/cuda/bin/" + program);
    for (const auto& c : candidates) {
      if (::access(c.c_str(), X_OK) == 0) {
        t.path = c;
        t.off_path = c.rfind("/usr/local/cuda/", 0) == 0;
        break;
      }
    }
    for (const auto& pattern : extra_globs) {
      if (!t.path.empty()) break;
      t.path = first_glob(pattern);
      t.off_path = !t.path.empty();
    }
  }
  t.found = !t.path.empty();
  if (t.found && !version_args.empty()) {
    const auto r = run(t.path, version_args);
    t.version = extract_version(r.output);
  }
  return t;
}

tool_fact nvcc_tool() {
  auto t = program_tool("nvcc", "nvcc", "nvcc",
                        "compiles CUDA for a real GPU (without it the labs use the CPU backend)", false, "", "", true);
  if (t.found) {
    // "Cuda compilation tools, release 13.0, V13.0.88": the V number has the patch level.
    const auto out = run(t.path, "--version").output;
    const auto v = out.find(", V");
    t.version = v != std::string::npos ? extract_version(out.substr(v + 3)) : extract_version(out);
  }
  return t;
}

tool_fact catch2_tool() {
  tool_fact t{"catch2", "Catch2", "the test framework every lab's tests use (2.x API)", true, false, {}, {}, "2.13",
              false,    {}};
  t.path = find_in(include_dirs(), {"catch2/catch.hpp"});
  if (!t.path.empty()) {
    const auto text = read_file(t.path, 64 * 1024).value_or("");
    const auto major = header_define(text, "CATCH_VERSION_MAJOR");
    if (!major.empty()) {
      t.version =
          major + "." + header_define(text, "CATCH_VERSION_MINOR") + "." + header_define(text, "CATCH_VERSION_PATCH");
    }
    t.found = true;
  } else if (!find_in(include_dirs(), {"catch2/catch_all.hpp", "catch2/catch_test_macros.hpp"}).empty()) {
    t.note = "found Catch2 3, but the course uses the 2.x API (Debian/Ubuntu package catch2 2.13)";
  }
  return t;
}

tool_fact boost_context_tool() {
  tool_fact t{"boost_context",
              "Boost.Context",
              "fibers for the CPU backend's __syncthreads()",
              true,
              false,
              {},
              {},
              "",
              false,
              {}};
  const auto header = find_in(include_dirs(), {"boost/context/fiber.hpp"});
  const auto library = find_in(library_dirs(), {"libboost_context.so", "libboost_context.a", "libboost_context.dylib",
                                                "libboost_context-mt.dylib", "libboost_context-mt.a"});
  t.found = !header.empty() && !library.empty();
  t.path = library;
  if (!header.empty()) {
    const auto version_header = header.substr(0, header.rfind("/context/")) + "/version.hpp";
    auto v = header_define(read_file(version_header, 16 * 1024).value_or(""), "BOOST_LIB_VERSION");
    for (char& c : v) c = c == '_' ? '.' : c;
    t.version = v;
  }
  if (!header.empty() && library.empty()) t.note = "headers found but not the library (libboost-context-dev)";
  if (header.empty() && !library.empty()) t.note = "library found but not the headers (libboost-context-dev)";
  return t;
}

tool_fact openblas_tool() {
  tool_fact t{
      "openblas", "OpenBLAS", "a fast CPU matrix multiply to compare your kernels with", false, false, {}, {}, "",
      false,      {}};
  t.path = find_in(library_dirs(), {"libopenblas.so", "libopenblas.so.0", "libopenblas.dylib", "libopenblas.a"});
  t.found = !t.path.empty();
  const auto config =
      find_in({"/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/aarch64-linux-gnu/openblas-pthread",
               "/usr/include/openblas", "/usr/include", "/usr/local/include", "/opt/homebrew/opt/openblas/include"},
              {"openblas_config.h"});
  if (t.found && !config.empty()) {
    t.version = extract_version(header_define(read_file(config, 64 * 1024).value_or(""), "OPENBLAS_VERSION"));
  }
  return t;
}

// ---- driver and runtime through dlopen ----------------------------------------------------------------------------

// The driver API's C signatures (cuda.h); CUresult and CUdevice are ints, attributes an enum.
using cu_init_fn = int (*)(unsigned int);
using cu_int_out_fn = int (*)(int*);
using cu_device_get_fn = int (*)(int*, int);
using cu_device_get_name_fn = int (*)(char*, int, int);
using cu_device_get_attribute_fn = int (*)(int*, int, int);
using cu_device_total_mem_fn = int (*)(std::size_t*, int);
using cu_get_error_fn = int (*)(int, const char**);

// CUdevice_attribute values (cuda.h); stable since CUDA 4.
constexpr int k_attr_clock_rate = 13;
constexpr int k_attr_multiprocessor_count = 16;
constexpr int k_attr_integrated = 18;
constexpr int k_attr_memory_clock_rate = 36;
constexpr int k_attr_global_memory_bus_width = 37;
constexpr int k_attr_cc_major = 75;
constexpr int k_attr_cc_minor = 76;

template <class Fn>
Fn symbol(void* handle, const char* name) {
  return reinterpret_cast<Fn>(::dlsym(handle, name));
}

/// Where the library that defines `fn` was loaded from.
std::string loaded_path(void* fn) {
  Dl_info info{};
  if (fn != nullptr && ::dladdr(fn, &info) != 0 && info.dli_fname != nullptr) return info.dli_fname;
  return {};
}

cuda_error driver_error(int code, cu_get_error_fn get_name, cu_get_error_fn get_string) {
  cuda_error e;
  e.code = code;
  const char* text = nullptr;
  if (get_name != nullptr && get_name(code, &text) == 0 && text != nullptr) e.name = text;
  text = nullptr;
  if (get_string != nullptr && get_string(code, &text) == 0 && text != nullptr) e.message = text;
  if (e.message.empty()) e.message = "CUDA driver error " + std::to_string(code);
  return e;
}

void query_libcuda(driver_facts& d, bool wsl) {
  void* handle = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = ::dlerror();
    d.libcuda_error = err ? err : "unknown dlopen error";
    // WSL keeps the Windows driver's libcuda here, which is on the loader path only when WSL set it up right.
    if (wsl) handle = ::dlopen("/usr/lib/wsl/lib/libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return;
  }
  d.libcuda_loaded = true;
  d.libcuda_error.clear();
  const auto cu_init = symbol<cu_init_fn>(handle, "cuInit");
  const auto cu_driver_get_version = symbol<cu_int_out_fn>(handle, "cuDriverGetVersion");
  const auto cu_device_get_count = symbol<cu_int_out_fn>(handle, "cuDeviceGetCount");
  const auto cu_device_get = symbol<cu_device_get_fn>(handle, "cuDeviceGet");
  const auto cu_device_get_name = symbol<cu_device_get_name_fn>(handle, "cuDeviceGetName");
  const auto cu_device_get_attribute = symbol<cu_device_get_attribute_fn>(handle, "cuDeviceGetAttribute");
  const auto cu_device_total_mem = symbol<cu_device_total_mem_fn>(handle, "cuDeviceTotalMem_v2");
  const auto cu_get_error_string = symbol<cu_get_error_fn>(handle, "cuGetErrorString");
  const auto cu_get_error_name = symbol<cu_get_error_fn>(handle, "cuGetErrorName");
  d.libcuda_path = loaded_path(reinterpret_cast<void*>(cu_init));
  if (cu_init == nullptr || cu_driver_get_version == nullptr || cu_device_get_count == nullptr) {
    d.init_error = cuda_error{-1, "", "libcuda.so.1 lacks cuInit/cuDriverGetVersion/cuDeviceGetCount"};
    return;  // the handle stays open: the library may have started threads
  }
  cu_driver_get_version(&d.version);
  if (const int rc = cu_init(0); rc != 0) {
    d.init_error = driver_error(rc, cu_get_error_name, cu_get_error_string);
    return;
  }
  if (const int rc = cu_device_get_count(&d.device_count); rc != 0) {
    d.init_error = driver_error(rc, cu_get_error_name, cu_get_error_string);
    d.device_count = 0;
    return;
  }
  for (int i = 0; i < d.device_count; ++i) {
    device_fact dev;
    dev.ordinal = i;
    int device = 0;
    if (cu_device_get == nullptr || cu_device_get(&device, i) != 0) continue;
    std::array<char, 256> name{};
    if (cu_device_get_name != nullptr && cu_device_get_name(name.data(), static_cast<int>(name.size()), device) == 0) {
      dev.name = name.data();
    }
    auto attribute = [&](int attr) {
      int value = 0;
      if (cu_device_get_attribute != nullptr && cu_device_get_attribute(&value, attr, device) != 0) value = 0;
      return value;
    };
    dev.cc_major = attribute(k_attr_cc_major);
    dev.cc_minor = attribute(k_attr_cc_minor);
    dev.sm_count = attribute(k_attr_multiprocessor_count);
    dev.clock_khz = attribute(k_attr_clock_rate);
    dev.memory_clock_khz = attribute(k_attr_memory_clock_rate);
    dev.memory_bus_bits = attribute(k_attr_global_memory_bus_width);
    dev.integrated = attribute(k_attr_integrated) != 0;
    std::size_t bytes = 0;
    if (cu_device_total_mem != nullptr && cu_device_total_mem(&bytes, device) == 0) dev.memory_bytes = bytes;
    d.devices.push_back(std::move(dev));
  }
}

int count_nvidia_pci_display_devices() {
  int count = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/sys/bus/pci/devices", ec)) {
    const auto vendor = trimmed(read_file(entry.path().string() + "/vendor", 64).value_or(""));
    const auto cls = trimmed(read_file(entry.path().string() + "/class", 64).value_or(""));
    // 0x0300xx VGA controller, 0x0302xx 3D controller (data-center GPUs).
    if (vendor == "0x10de" && (cls.rfind("0x0300", 0) == 0 || cls.rfind("0x0302", 0) == 0)) ++count;
  }
  return count;
}

}  // namespace

host_facts probe_host() {
  host_facts h;
  utsname u{};
  if (::uname(&u) == 0) {
    h.kernel = u.release;
    h.cpu_arch = u.machine;
  }
  h.is_root = ::geteuid() == 0;
  h.logical_cpus = static_cast<int>(std::thread::hardware_concurrency());
#if defined(__APPLE__)
  h.is_macos = true;
  char brand[256] = {};
  std::size_t size = sizeof brand;
  if (::sysctlbyname("machdep.cpu.brand_string", brand, &size, nullptr, 0) == 0) h.cpu_model = brand;
  std::uint64_t memory = 0;
  size = sizeof memory;
  if (::sysctlbyname("hw.memsize", &memory, &size, nullptr, 0) == 0) h.memory_bytes = memory;
  int cores = 0;
  size = sizeof cores;
  if (::sysctlbyname("hw.physicalcpu", &cores, &size, nullptr, 0) == 0) h.physical_cores = cores;
  const auto sw = run("/usr/bin/sw_vers", "-productVersion");
  h.os_name = "macOS " + trimmed(sw.output);
#else
  const auto cpuinfo = read_file("/proc/cpuinfo", 4 << 20).value_or("");
  h.cpu_model = parse_cpuinfo_model(cpuinfo);
  h.physical_cores = parse_cpuinfo_physical_cores(cpuinfo);
  h.memory_bytes = parse_meminfo_total(read_file("/proc/meminfo").value_or(""));
  h.os_name = parse_os_release(read_file("/etc/os-release").value_or(""));
  const auto osrelease = lowercase(read_file("/proc/sys/kernel/osrelease").value_or(h.kernel));
  h.is_wsl = osrelease.find("microsoft") != std::string::npos || osrelease.find("wsl") != std::string::npos;
  const auto cgroup = read_file("/proc/1/cgroup").value_or("");
  h.is_container = exists("/.dockerenv") || exists("/run/.containerenv") || std::getenv("container") != nullptr ||
                   cgroup.find("docker") != std::string::npos || cgroup.find("kubepods") != std::string::npos ||
                   cgroup.find("containerd") != std::string::npos || cgroup.find("libpod") != std::string::npos ||
                   cgroup.find("/lxc/") != std::string::npos;
#endif
  return h;
}

std::vector<tool_fact> probe_tools() {
  std::vector<tool_fact> tools;
  tools.push_back(program_tool("gxx", "g++", "g++", "the C++20 compiler for every lab and the CPU backend", true, "12",
                               "-dumpfullversion"));
  tools.push_back(
      program_tool("cmake", "cmake", "cmake", "configures and drives the build", true, "3.25", "--version"));
  tools.push_back(program_tool("ninja", "ninja", "ninja", "fast parallel builds", false, "", "--version"));
  tools.push_back(catch2_tool());
  tools.push_back(boost_context_tool());
  tools.push_back(openblas_tool());
  tools.back().install = "Install libopenblas-dev";
  tools.push_back(program_tool("doxygen", "doxygen", "doxygen", "builds the course website from the sources", false, "",
                               "--version"));
  tools.push_back(nvcc_tool());
  tools.push_back(program_tool("compute_sanitizer", "compute-sanitizer", "compute-sanitizer",
                               "finds out-of-bounds accesses and races in GPU kernels", false, "", "--version", true));
  tools.push_back(program_tool("nsys", "nsys", "nsys", "Nsight Systems: a timeline of kernels and copies", false, "",
                               "--version", true, {"/opt/nvidia/nsight-systems/*/bin/nsys"}));
  tools.push_back(program_tool("ncu", "ncu", "ncu", "Nsight Compute: what one kernel does, metric by metric", false, "",
                               "--version", true, {"/opt/nvidia/nsight-compute/*/ncu"}));
  // ./course setup installs Debian packages only; NVIDIA's tools come with the CUDA Toolkit (Nsight ships in it).
  for (auto& t : tools) {
    if (t.id == "nvcc" || t.id == "compute_sanitizer" || t.id == "nsys" || t.id == "ncu") {
      t.install = "It comes with the CUDA Toolkit";
    }
  }
  return tools;
}

driver_facts probe_driver() {
  driver_facts d;
  const bool wsl =
      lowercase(read_file("/proc/sys/kernel/osrelease").value_or("")).find("microsoft") != std::string::npos;
  d.nvidia_pci_devices = count_nvidia_pci_display_devices();
  if (const auto version = read_file("/proc/driver/nvidia/version")) {
    d.kernel_module = true;
    d.kernel_module_version = parse_nvidia_module_version(*version);
  }
  d.nouveau_loaded = exists("/sys/module/nouveau");
  d.dev_nodes = exists("/dev/nvidia0") || exists("/dev/nvidiactl") || exists("/dev/dxg");
  d.profiling_admin_only = parse_profiling_admin_only(read_file("/proc/driver/nvidia/params").value_or(""));
  if (const char* visible = std::getenv("CUDA_VISIBLE_DEVICES")) {
    d.cuda_visible_devices_set = true;
    d.cuda_visible_devices = visible;
  }
  d.nvidia_smi = which("nvidia-smi");
  if (d.nvidia_smi.empty() && wsl && exists("/usr/lib/wsl/lib/nvidia-smi"))
    d.nvidia_smi = "/usr/lib/wsl/lib/nvidia-smi";
  if (!d.nvidia_smi.empty()) {
    const auto r = run(d.nvidia_smi, "-L");
    d.nvidia_smi_ok = r.status == 0;
    d.nvidia_smi_output = trimmed(r.output);
  }
  query_libcuda(d, wsl);
  return d;
}

runtime_facts probe_runtime(const std::vector<tool_fact>& tools) {
  runtime_facts r;
  // Prefer the runtime of the toolkit that builds the labs (next to nvcc), then whatever the loader finds.
  std::vector<std::string> candidates;
  for (const auto& t : tools) {
    if (t.id != "nvcc" || !t.found) continue;
    const auto root = fs::path(t.path).parent_path().parent_path().string();
    for (const char* sub : {"/lib64/libcudart.so", "/lib/libcudart.so", "/targets/x86_64-linux/lib/libcudart.so",
                            "/targets/sbsa-linux/lib/libcudart.so"}) {
      candidates.push_back(root + sub);
    }
  }
  for (const char* name : {"libcudart.so", "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0"}) {
    candidates.push_back(name);
  }
  void* handle = nullptr;
  for (const auto& c : candidates) {
    if (c.front() == '/' && !exists(c)) continue;
    handle = ::dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle != nullptr) break;
    const char* err = ::dlerror();
    if (r.load_error.empty() && err != nullptr) r.load_error = err;
  }
  if (handle == nullptr) {
    if (r.load_error.empty()) r.load_error = "libcudart.so not found";
    return r;
  }
  using get_error_text_fn = const char* (*)(int);
  const auto runtime_get_version = symbol<cu_int_out_fn>(handle, "cudaRuntimeGetVersion");
  const auto get_device_count = symbol<cu_int_out_fn>(handle, "cudaGetDeviceCount");
  const auto get_error_string = symbol<get_error_text_fn>(handle, "cudaGetErrorString");
  const auto get_error_name = symbol<get_error_text_fn>(handle, "cudaGetErrorName");
  if (runtime_get_version == nullptr || get_device_count == nullptr) {
    r.load_error = "libcudart lacks cudaRuntimeGetVersion/cudaGetDeviceCount";
    return r;
  }
  r.loaded = true;
  r.load_error.clear();
  r.path = loaded_path(reinterpret_cast<void*>(runtime_get_version));
  runtime_get_version(&r.version);
  // The same call every lab test makes first: its error is the message the learner would see.
  if (const int rc = get_device_count(&r.device_count); rc != 0) {
    cuda_error e;
    e.code = rc;
    if (get_error_name != nullptr) e.name = get_error_name(rc);
    if (get_error_string != nullptr) e.message = get_error_string(rc);
    r.device_count_error = e;
    r.device_count = 0;
  }
  return r;
}

build_facts probe_build(const std::string& build_dir) {
  build_facts b;
  b.dir = build_dir;
  const auto cache = read_file(build_dir + "/CMakeCache.txt", 8 << 20);
  if (!cache) return b;
  b.configured = true;
  b.generated = exists(build_dir + "/build.ninja") || exists(build_dir + "/Makefile");
  b.cuda_compiler = parse_cmake_cache(*cache, "CMAKE_CUDA_COMPILER").value_or("");
  b.ws_cuda = parse_cmake_cache(*cache, "WS_CUDA").value_or("");
  b.cuda_architectures = parse_cmake_cache(*cache, "CMAKE_CUDA_ARCHITECTURES").value_or("");
  // What nvcc is really told: CMAKE_CUDA_ARCHITECTURES may be a normal variable (not cached) or "native".
  b.targets = parse_nvcc_arch_flags(read_file(build_dir + "/compile_commands.json", 64 << 20).value_or(""));
  const auto cached = parse_cmake_architectures(b.cuda_architectures);
  if (b.targets.empty()) {
    b.targets = cached;
  } else if (!cached.empty() && cached != b.targets) {
    // A cached default that the project overrode with a normal variable: showing it would only mislead.
    b.cuda_architectures.clear();
  }
  return b;
}

facts probe_all(const probe_options& options) {
  facts f;
  f.host = probe_host();
  f.tools = probe_tools();
  if (options.query_gpu) {
    f.driver = probe_driver();
    f.runtime = probe_runtime(f.tools);
  }
  const std::string dir = options.build_dir.empty() ? options.root + "/build/default" : options.build_dir;
  f.build = probe_build(dir);
  return f;
}

}  // namespace ws::doctor
