/// @file doctor.tests.cpp
/// @brief Tests of `ws_doctor`'s library on invented machines: parsers, advice, backend choice, JSON.
///
/// Every GPU situation here is made up in a `facts` value, so the advice for a driver older than the toolkit or
/// an sm_90 GPU with a build for sm_80 is checked on machines without any GPU.

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <string>

#include "ws/doctor/analysis.hpp"
#include "ws/doctor/parse.hpp"
#include "ws/doctor/report.hpp"

using namespace ws::doctor;

namespace {

// ---- a minimal JSON syntax checker (RFC 8259 grammar), so "well-formed" means something -------------------------

class json_checker {
 public:
  explicit json_checker(std::string_view text) : s_(text) {}

  /// True when the whole text is exactly one JSON value (surrounded by optional whitespace).
  bool valid() {
    skip_ws();
    if (!value()) return false;
    skip_ws();
    return pos_ == s_.size();
  }

 private:
  bool value() {
    if (pos_ >= s_.size() || ++depth_ > 64) return false;
    bool ok = false;
    switch (s_[pos_]) {
      case '{':
        ok = object();
        break;
      case '[':
        ok = array();
        break;
      case '"':
        ok = string();
        break;
      case 't':
        ok = literal("true");
        break;
      case 'f':
        ok = literal("false");
        break;
      case 'n':
        ok = literal("null");
        break;
      default:
        ok = number();
        break;
    }
    --depth_;
    return ok;
  }
  bool object() {
    ++pos_;
    skip_ws();
    if (peek('}')) return ++pos_, true;
    while (true) {
      skip_ws();
      if (!string()) return false;
      skip_ws();
      if (!peek(':')) return false;
      ++pos_;
      skip_ws();
      if (!value()) return false;
      skip_ws();
      if (peek('}')) return ++pos_, true;
      if (!peek(',')) return false;
      ++pos_;
    }
  }
  bool array() {
    ++pos_;
    skip_ws();
    if (peek(']')) return ++pos_, true;
    while (true) {
      skip_ws();
      if (!value()) return false;
      skip_ws();
      if (peek(']')) return ++pos_, true;
      if (!peek(',')) return false;
      ++pos_;
    }
  }
  bool string() {
    if (!peek('"')) return false;
    ++pos_;
    while (pos_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (pos_ >= s_.size()) return false;
        const char e = s_[pos_++];
        if (e == 'u') {
          for (int i = 0; i < 4; ++i) {
            if (pos_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_++]))) return false;
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return false;
        }
      }
    }
    return false;
  }
  bool number() {
    const auto start = pos_;
    if (peek('-')) ++pos_;
    if (!digits()) return false;
    if (s_[start] == '0' && pos_ - start > 1 && s_[start + 1] != '.') return false;
    if (peek('.')) {
      ++pos_;
      if (!digits()) return false;
    }
    if (peek('e') || peek('E')) {
      ++pos_;
      if (peek('+') || peek('-')) ++pos_;
      if (!digits()) return false;
    }
    return true;
  }
  bool digits() {
    const auto start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return pos_ > start;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

// ---- invented machines --------------------------------------------------------------------------------------------

tool_fact tool(std::string id, std::string version, bool required, std::string minimum = "") {
  tool_fact t;
  t.id = id;
  t.name = id;
  t.required = required;
  t.found = true;
  t.version = std::move(version);
  t.path = "/usr/bin/" + id;
  t.minimum = std::move(minimum);
  return t;
}

/// A Linux machine with every tool the course needs, the CUDA 13.0 toolkit, and no GPU driver (like CI).
facts machine_without_driver() {
  facts f;
  f.host.cpu_model = "AMD EPYC 7763 64-Core Processor";
  f.host.logical_cpus = 4;
  f.host.memory_bytes = 16ull << 30;
  f.host.os_name = "Debian GNU/Linux 12 (bookworm)";
  f.tools = {tool("gxx", "12.2.0", true, "12"),       tool("cmake", "3.25.1", true, "3.25"),
             tool("catch2", "2.13.10", true, "2.13"), tool("boost_context", "1.74", true),
             tool("nvcc", "13.0.88", false),          tool("nsys", "2024.6.1", false)};
  f.driver.libcuda_error = "libcuda.so.1: cannot open shared object file: No such file or directory";
  f.runtime.loaded = true;
  f.runtime.path = "/usr/local/cuda/lib64/libcudart.so.13";
  f.runtime.version = 13000;
  f.runtime.device_count_error =
      cuda_error{35, "cudaErrorInsufficientDriver", "CUDA driver version is insufficient for CUDA runtime version"};
  f.build.dir = "build/default";
  return f;
}

device_fact h100() {
  device_fact d;
  d.name = "NVIDIA H100 80GB HBM3";
  d.cc_major = 9;
  d.cc_minor = 0;
  d.sm_count = 132;
  d.clock_khz = 1980000;
  d.memory_bytes = 85'045'231'616ull;
  return d;
}

/// The same machine with a working driver for CUDA 13.0 and one H100, built for that H100.
facts machine_with_h100() {
  facts f = machine_without_driver();
  f.driver.libcuda_loaded = true;
  f.driver.libcuda_error.clear();
  f.driver.libcuda_path = "/usr/lib/x86_64-linux-gnu/libcuda.so.1";
  f.driver.kernel_module = true;
  f.driver.kernel_module_version = "580.65.06";
  f.driver.nvidia_pci_devices = 1;
  f.driver.version = 13000;
  f.driver.device_count = 1;
  f.driver.devices = {h100()};
  f.runtime.device_count_error.reset();
  f.runtime.device_count = 1;
  f.build.configured = true;
  f.build.generated = true;
  f.build.cuda_compiler = "/usr/local/cuda/bin/nvcc";
  f.build.targets = parse_cmake_architectures("90");
  return f;
}

const advice* find_advice(const std::vector<advice>& list, const std::string& id) {
  const auto it = std::find_if(list.begin(), list.end(), [&](const advice& a) { return a.id == id; });
  return it == list.end() ? nullptr : &*it;
}

/// All paragraphs of one advice as one string, for "mentions X" checks.
std::string text_of(const advice& a) {
  std::string all = a.title;
  for (const auto& p : a.paragraphs) all += "\n" + p;
  return all;
}

}  // namespace

// ---- versions -----------------------------------------------------------------------------------------------------

TEST_CASE("CUDA's encoded versions decode to major.minor", "[tools][doctor]") {
  CHECK(cuda_version_string(12080) == "12.8");
  CHECK(cuda_version_string(13000) == "13.0");
  CHECK(cuda_version_string(11040) == "11.4");
  CHECK(cuda_version_string(12010) == "12.1");
  CHECK(cuda_version_string(0).empty());
  CHECK(cuda_version_encode("13.0.88") == 13000);
  CHECK(cuda_version_encode("12.8") == 12080);
  CHECK(cuda_version_encode("garbage") == 0);
}

TEST_CASE("versions compare part by part, numerically", "[tools][doctor]") {
  CHECK(version_at_least("3.25.1", "3.25"));
  CHECK(version_at_least("3.25", "3.25.0"));
  CHECK_FALSE(version_at_least("3.9.2", "3.25"));
  CHECK(version_at_least("12.2.0", "12"));
  CHECK_FALSE(version_at_least("11.4.0", "12"));
  CHECK(version_at_least("13", "12.9"));
  CHECK_FALSE(version_at_least("", "12"));
  CHECK(version_at_least("anything", ""));
  CHECK(parse_version("3.25.1-rc2") == std::vector<int>{3, 25, 1});
}

TEST_CASE("tool banners give their version", "[tools][doctor]") {
  CHECK(extract_version("nvcc: NVIDIA (R) Cuda compiler driver\nCopyright (c) 2005-2025 NVIDIA Corporation\n"
                        "Built on Wed_Aug_20_01:58:59_PM_PDT_2025\nCuda compilation tools, release 13.0, V13.0.88\n") ==
        "13.0");
  CHECK(
      extract_version("cmake version 3.25.1\n\nCMake suite maintained and supported by Kitware (kitware.com/cmake).") ==
      "3.25.1");
  CHECK(extract_version("NVIDIA Nsight Systems version 2024.6.1.90-246160830v0") == "2024.6.1.90");
  CHECK(extract_version("12.2.0\n") == "12.2.0");
  CHECK(extract_version("1.11.1") == "1.11.1");
  CHECK(extract_version("no digits here").empty());
}

// ---- /proc and friends --------------------------------------------------------------------------------------------

TEST_CASE("/proc/cpuinfo gives the CPU model and the physical cores", "[tools][doctor]") {
  const std::string cpuinfo =
      "processor\t: 0\nmodel name\t: Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz\nphysical id\t: 0\ncore id\t\t: 0\n\n"
      "processor\t: 1\nmodel name\t: Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz\nphysical id\t: 0\ncore id\t\t: 0\n\n"
      "processor\t: 2\nmodel name\t: Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz\nphysical id\t: 0\ncore id\t\t: 1\n\n";
  CHECK(parse_cpuinfo_model(cpuinfo) == "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz");
  CHECK(parse_cpuinfo_physical_cores(cpuinfo) == 2);
  CHECK(parse_cpuinfo_model("processor : 0\nBogoMIPS : 48.00\nHardware : BCM2835\n") == "BCM2835");
  CHECK(parse_cpuinfo_physical_cores("processor : 0\n") == 0);
}

TEST_CASE("meminfo, os-release and the NVIDIA /proc files parse", "[tools][doctor]") {
  CHECK(parse_meminfo_total("MemTotal:       16318208 kB\nMemFree:         1234 kB\n") == 16318208ull * 1024);
  CHECK(parse_meminfo_total("nothing") == 0);
  CHECK(parse_os_release("NAME=\"Ubuntu\"\nPRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\n") == "Ubuntu 24.04.1 LTS");
  CHECK(parse_os_release("NAME=Arch\n") == "Arch");
  CHECK(
      parse_nvidia_module_version("NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC "
                                  "2024\nGCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n") == "550.54.14");
  CHECK(parse_nvidia_module_version(
            "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.65.06  Release Build") == "580.65.06");
  CHECK(parse_profiling_admin_only("EnableMSI: 1\nRmProfilingAdminOnly: 1\nRegistryDwords: \"\"\n") == 1);
  CHECK(parse_profiling_admin_only("RmProfilingAdminOnly: 0\n") == 0);
  CHECK_FALSE(parse_profiling_admin_only("EnableMSI: 1\n").has_value());
}

TEST_CASE("CMakeCache.txt entries are read by key", "[tools][doctor]") {
  const std::string cache =
      "# This is the CMakeCache file.\n//Path to a program.\nCMAKE_CUDA_COMPILER:FILEPATH=/usr/local/cuda/bin/nvcc\n"
      "CMAKE_CUDA_ARCHITECTURES:STRING=80-real;90\nWS_CUDA:STRING=AUTO\n";
  CHECK(parse_cmake_cache(cache, "CMAKE_CUDA_ARCHITECTURES") == "80-real;90");
  CHECK(parse_cmake_cache(cache, "CMAKE_CUDA_COMPILER") == "/usr/local/cuda/bin/nvcc");
  CHECK(parse_cmake_cache(cache, "WS_CUDA") == "AUTO");
  CHECK_FALSE(parse_cmake_cache(cache, "CMAKE_CUDA").has_value());
}

// ---- architectures ------------------------------------------------------------------------------------------------

TEST_CASE("CMAKE_CUDA_ARCHITECTURES entries become SASS and PTX targets", "[tools][doctor]") {
  CHECK(parse_cmake_arch_entry("80-real") == arch_target{80, '\0', true, false});
  CHECK(parse_cmake_arch_entry("90") == arch_target{90, '\0', true, true});
  CHECK(parse_cmake_arch_entry("90-virtual") == arch_target{90, '\0', false, true});
  CHECK(parse_cmake_arch_entry("90a-real") == arch_target{90, 'a', true, false});
  CHECK(parse_cmake_arch_entry("100f") == arch_target{100, 'f', true, true});
  CHECK_FALSE(parse_cmake_arch_entry("native").has_value());
  CHECK_FALSE(parse_cmake_arch_entry("all-major").has_value());
  CHECK(parse_cmake_architectures("80-real;90").size() == 2);
  CHECK(describe_targets(parse_cmake_architectures("80-real;90")) == "sm_80, sm_90 + PTX");
}

TEST_CASE("nvcc flags in compile_commands.json give the build's real targets", "[tools][doctor]") {
  // As CMake 3.25 writes them for CMAKE_CUDA_ARCHITECTURES="80-real;90".
  const std::string commands =
      R"({ "command": "/usr/local/cuda/bin/nvcc -forward-unknown-to-host-compiler  )"
      R"(--generate-code=arch=compute_80,code=[sm_80] --generate-code=arch=compute_90,code=[compute_90,sm_90] )"
      R"(-x cu -c /tmp/k.cu -o k.cu.o" })";
  const auto targets = parse_nvcc_arch_flags(commands);
  REQUIRE(targets.size() == 2);
  CHECK(targets[0] == arch_target{80, '\0', true, false});
  CHECK(targets[1] == arch_target{90, '\0', true, true});
  CHECK(parse_nvcc_arch_flags("nvcc -gencode arch=compute_86,code=sm_86 -c a.cu") ==
        std::vector<arch_target>{{86, '\0', true, false}});
  CHECK(parse_nvcc_arch_flags("nvcc -arch=sm_75 a.cu") == std::vector<arch_target>{{75, '\0', true, true}});
  CHECK(parse_nvcc_arch_flags("g++ -O2 -c a.cpp").empty());
}

TEST_CASE("a GPU runs SASS of its family, PTX of older GPUs, and nothing else", "[tools][doctor]") {
  const auto sm80 = parse_cmake_architectures("80-real");
  CHECK(match_arch(90, sm80) == arch_match::none);  // Hopper cannot run Ampere machine code
  CHECK(match_arch(86, sm80) == arch_match::sass);  // same family, higher minor
  CHECK(match_arch(75, sm80) == arch_match::none);  // older GPU
  CHECK(match_arch(90, parse_cmake_architectures("80")) == arch_match::ptx_jit);
  CHECK(match_arch(89, parse_cmake_architectures("86-real")) == arch_match::sass);
  CHECK(match_arch(80, parse_cmake_architectures("86-real")) == arch_match::none);
  CHECK(match_arch(90, parse_cmake_architectures("90a")) == arch_match::sass);
  CHECK(match_arch(100, parse_cmake_architectures("90a")) == arch_match::none);  // 'a' code is for exactly sm_90
  CHECK(match_arch(103, parse_cmake_architectures("100f-real")) == arch_match::sass);
  CHECK(match_arch(120, parse_cmake_architectures("100f-real")) == arch_match::none);
  CHECK(match_arch(120, parse_cmake_architectures("80-real;90")) == arch_match::ptx_jit);
  CHECK(match_arch(90, {}) == arch_match::unknown);
}

// ---- advice -------------------------------------------------------------------------------------------------------

TEST_CASE("a driver older than the toolkit gets the insufficient-driver advice with both versions", "[tools][doctor]") {
  auto f = machine_with_h100();
  f.driver.version = 12040;
  f.runtime.device_count_error =
      cuda_error{35, "cudaErrorInsufficientDriver", "CUDA driver version is insufficient for CUDA runtime version"};
  const auto list = select_advice(f);
  const auto* a = find_advice(list, "insufficient_driver");
  REQUIRE(a != nullptr);
  const auto text = text_of(*a);
  CHECK(text.find("cause (1)") != std::string::npos);
  CHECK(text.find("12.4") != std::string::npos);
  CHECK(text.find("13.0") != std::string::npos);
  CHECK(text.find("580.65.06") != std::string::npos);
  CHECK(choose_backend(f).name == "cudacpu");
  CHECK_FALSE(gpu_usable(f));
}

TEST_CASE("no driver at all is told apart from an old one, and is fine for the course", "[tools][doctor]") {
  const auto f = machine_without_driver();
  const auto list = select_advice(f);
  const auto* a = find_advice(list, "insufficient_driver");
  REQUIRE(a != nullptr);
  CHECK(text_of(*a).find("cause (2)") != std::string::npos);
  CHECK(text_of(*a).find("nvidia-smi") != std::string::npos);
  CHECK(find_advice(list, "arch_mismatch") == nullptr);
  CHECK(find_advice(list, "gpu_without_driver") == nullptr);
  const auto backend = choose_backend(f);
  CHECK(backend.name == "cudacpu");
  CHECK(backend.summary.find("docs/cudacpu.md") != std::string::npos);
  CHECK(course_ready(f));

  auto g = machine_without_driver();  // no libcudart to ask: the toolkit is known from nvcc alone
  g.runtime = {};
  CHECK(find_advice(select_advice(g), "insufficient_driver") != nullptr);
}

TEST_CASE("an NVIDIA GPU on the PCI bus without a driver is pointed out", "[tools][doctor]") {
  auto f = machine_without_driver();
  f.driver.nvidia_pci_devices = 1;
  const auto list = select_advice(f);
  CHECK(find_advice(list, "gpu_without_driver") != nullptr);
  CHECK(text_of(*find_advice(list, "insufficient_driver")).find("install NVIDIA's driver") != std::string::npos);
}

TEST_CASE("an sm_90 GPU with a build for sm_80 gets the no-kernel-image advice", "[tools][doctor]") {
  auto f = machine_with_h100();
  f.build.cuda_architectures = "80-real";
  f.build.targets = parse_cmake_architectures("80-real");
  const auto list = select_advice(f);
  const auto* a = find_advice(list, "arch_mismatch");
  REQUIRE(a != nullptr);
  CHECK(a->level == severity::error);
  const auto text = text_of(*a);
  CHECK(text.find("no kernel image is available for execution on the device") != std::string::npos);
  CHECK(text.find("sm_90") != std::string::npos);
  CHECK(text.find("sm_80") != std::string::npos);
  CHECK(text.find("CMAKE_CUDA_ARCHITECTURES=native") != std::string::npos);
  CHECK(text.find("=90") != std::string::npos);
  CHECK(list.front().id == "arch_mismatch");  // errors come first
  CHECK(choose_backend(f).name == "cuda");
}

TEST_CASE("a build that matches the GPU gets no architecture advice; PTX only gets a note", "[tools][doctor]") {
  auto f = machine_with_h100();
  CHECK(select_advice(f).empty());
  f.build.targets = parse_cmake_architectures("80");
  const auto list = select_advice(f);
  CHECK(find_advice(list, "arch_mismatch") == nullptr);
  CHECK(find_advice(list, "arch_ptx_jit") != nullptr);
}

TEST_CASE("a driver one minor version behind is a note, not the insufficient-driver error", "[tools][doctor]") {
  auto f = machine_with_h100();
  f.driver.version = 12020;
  f.runtime.version = 12080;
  const auto list = select_advice(f);
  CHECK(find_advice(list, "insufficient_driver") == nullptr);
  CHECK(find_advice(list, "driver_minor_older") != nullptr);
}

TEST_CASE("cuInit's 'no device' and CUDA_VISIBLE_DEVICES are explained", "[tools][doctor]") {
  auto f = machine_with_h100();
  f.driver.init_error = cuda_error{100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"};
  f.driver.device_count = 0;
  f.driver.devices.clear();
  f.driver.cuda_visible_devices_set = true;
  f.driver.cuda_visible_devices = "";
  const auto list = select_advice(f);
  const auto* a = find_advice(list, "no_device");
  REQUIRE(a != nullptr);
  CHECK(text_of(*a).find("unset CUDA_VISIBLE_DEVICES") != std::string::npos);
  CHECK(choose_backend(f).name == "cudacpu");
}

TEST_CASE("profiler counters restricted to root get the ERR_NVGPUCTRPERM advice unless running as root",
          "[tools][doctor]") {
  auto f = machine_with_h100();
  f.driver.profiling_admin_only = 1;
  const auto list = select_advice(f);  // find_advice points into it
  const auto* a = find_advice(list, "profiler_permission");
  REQUIRE(a != nullptr);
  CHECK(text_of(*a).find("NVreg_RestrictProfilingToAdminUsers=0") != std::string::npos);
  f.host.is_root = true;
  CHECK(find_advice(select_advice(f), "profiler_permission") == nullptr);
  f.host.is_root = false;
  f.driver.profiling_admin_only = 0;
  CHECK(find_advice(select_advice(f), "profiler_permission") == nullptr);
}

TEST_CASE("WSL2, containers and Macs without a GPU get their own advice", "[tools][doctor]") {
  auto f = machine_without_driver();
  CHECK(find_advice(select_advice(f), "wsl") == nullptr);
  f.host.is_wsl = true;
  CHECK(find_advice(select_advice(f), "wsl") != nullptr);
  f.host.is_wsl = false;
  f.host.is_container = true;
  CHECK(text_of(*find_advice(select_advice(f), "container")).find("--gpus all") != std::string::npos);
  f.host.is_container = false;
  f.host.is_macos = true;
  CHECK(find_advice(select_advice(f), "macos") != nullptr);
  CHECK(find_advice(select_advice(f), "insufficient_driver") == nullptr);  // macOS has no CUDA to be old
  auto g = machine_with_h100();
  g.host.is_container = true;
  CHECK(find_advice(select_advice(g), "container") == nullptr);  // the GPU was passed in
}

TEST_CASE("a GPU without nvcc, or with nvcc off PATH, runs the labs on the CPU backend with advice",
          "[tools][doctor]") {
  auto f = machine_with_h100();
  f.tools.erase(std::remove_if(f.tools.begin(), f.tools.end(), [](const tool_fact& t) { return t.id == "nvcc"; }),
                f.tools.end());
  f.runtime = {};
  CHECK(choose_backend(f).name == "cudacpu");
  CHECK(find_advice(select_advice(f), "no_toolkit") != nullptr);
  auto g = machine_with_h100();
  for (auto& t : g.tools) {
    if (t.id == "nvcc") t.off_path = true, t.path = "/usr/local/cuda/bin/nvcc";
  }
  CHECK(choose_backend(g).name == "cudacpu");
  CHECK(find_advice(select_advice(g), "nvcc_off_path") != nullptr);
}

TEST_CASE("the backend names the GPU when the labs run on it", "[tools][doctor]") {
  const auto backend = choose_backend(machine_with_h100());
  CHECK(backend.name == "cuda");
  CHECK(backend.summary == "cuda (your GPU: NVIDIA H100 80GB HBM3)");
}

TEST_CASE("the doctor fails only when a tool the course needs is missing or too old", "[tools][doctor]") {
  auto f = machine_without_driver();
  CHECK(course_ready(f));
  for (auto& t : f.tools) {
    if (t.id == "nsys") t.found = false;  // optional
  }
  CHECK(course_ready(f));
  for (auto& t : f.tools) {
    if (t.id == "cmake") t.version = "3.22.1";
  }
  CHECK_FALSE(course_ready(f));
  f = machine_without_driver();
  for (auto& t : f.tools) {
    if (t.id == "catch2") t.found = false;
  }
  CHECK_FALSE(course_ready(f));
}

TEST_CASE("the common-errors help lists every classic failure", "[tools][doctor]") {
  const auto list = common_errors(machine_with_h100());
  for (const char* id : {"insufficient_driver", "no_device", "arch_mismatch", "profiler_permission", "out_of_memory",
                         "wsl", "container", "macos"}) {
    CAPTURE(id);
    CHECK(find_advice(list, id) != nullptr);
  }
  CHECK(text_of(*find_advice(list, "arch_mismatch")).find("sm_90") != std::string::npos);
  CHECK(text_of(*find_advice(list, "out_of_memory")).find("79.2 GiB") != std::string::npos);
}

// ---- reports ------------------------------------------------------------------------------------------------------

TEST_CASE("the JSON report is well-formed whatever the machine reports", "[tools][doctor]") {
  auto f = GENERATE(machine_without_driver(), machine_with_h100());
  f.driver.devices.push_back(h100());
  f.driver.devices.back().name = "Weird \"GPU\"\t\x01\xff name";
  f.driver.init_error = cuda_error{999, "CUDA_ERROR_UNKNOWN", "unknown error \\ with \"quotes\""};
  f.driver.profiling_admin_only = 1;
  const auto json = render_json(f);
  CAPTURE(json);
  CHECK(json_checker(json).valid());
  CHECK(json.find("\"schema\": \"ws-doctor/1\"") != std::string::npos);
  CHECK(json.find("\"backend\"") != std::string::npos);
  CHECK(json.find("\"course_ready\": true") != std::string::npos);
  CHECK_FALSE(json_checker("{\"a\": 1,}").valid());  // the checker itself rejects bad JSON
  CHECK_FALSE(json_checker("{\"a\": \"x\ny\"}").valid());
}

TEST_CASE("the JSON report carries the driver, device and toolkit facts", "[tools][doctor]") {
  const auto json = render_json(machine_with_h100());
  CHECK(json.find("\"cuda_version_string\": \"13.0\"") != std::string::npos);
  CHECK(json.find("\"sm\": \"sm_90\"") != std::string::npos);
  CHECK(json.find("\"sm_count\": 132") != std::string::npos);
  CHECK(json.find("\"name\": \"cuda\"") != std::string::npos);
}

TEST_CASE("the text report has its sections, and the ASCII one has no UTF-8", "[tools][doctor]") {
  auto f = machine_without_driver();
  f.host.is_container = true;  // its advice has "…" in it
  const auto utf8 = render_text(f, render_options{true, false, 100});
  for (const char* section : {"This machine", "Tools", "GPU", "Build", "Labs run on", "Advice"}) {
    CAPTURE(section);
    CHECK(utf8.find(std::string("\n") + section) != std::string::npos);
  }
  CHECK(utf8.find("✓") != std::string::npos);
  CHECK(utf8.find("AMD EPYC 7763") != std::string::npos);
  const auto ascii = render_text(f, render_options{false, false, 100});
  CHECK(std::none_of(ascii.begin(), ascii.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
  CHECK(ascii.find("[ok]") != std::string::npos);
  CHECK(ascii.find("[!!]") != std::string::npos);
}

TEST_CASE("byte counts read like people write them", "[tools][doctor]") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(512ull << 20) == "512 MiB");
  CHECK(format_bytes(16ull << 30) == "16 GiB");
  CHECK(format_bytes(85'045'231'616ull) == "79 GiB");
}
