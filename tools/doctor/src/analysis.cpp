/// @file analysis.cpp
/// @brief Backend choice and advice selection from a machine's facts.
///
/// The advice texts are written for a learner who has just seen the error: first what it means here, then the
/// one command that fixes it. Numbers (error codes, driver minimums) are from the CUDA headers and release notes.

#include "ws/doctor/analysis.hpp"

#include <algorithm>
#include <cstdio>

#include "ws/doctor/parse.hpp"

namespace ws::doctor {
namespace {

// CUDA error codes the advice keys on. The driver API and the runtime share these numbers.
constexpr int k_error_stub_library = 34;
constexpr int k_error_insufficient_driver = 35;
constexpr int k_error_no_device = 100;
constexpr int k_error_system_driver_mismatch = 803;

std::string sm_name(int cc) { return "sm_" + std::to_string(cc); }

std::string cc_dotted(int cc) { return std::to_string(cc / 10) + "." + std::to_string(cc % 10); }

int device_cc(const device_fact& d) { return d.cc_major * 10 + d.cc_minor; }

bool has_error(const std::optional<cuda_error>& e, int code) { return e && e->code == code; }

bool driver_or_runtime_error(const facts& f, int code) {
  return has_error(f.driver.init_error, code) || has_error(f.runtime.device_count_error, code);
}

std::string quoted_error(const cuda_error& e) {
  std::string s = "\"" + e.message + "\"";
  if (!e.name.empty()) s += " (" + e.name + ", " + std::to_string(e.code) + ")";
  return s;
}

/// The oldest toolkit an architecture's GPUs lost support in: CUDA 13 builds only for sm_75 and newer,
/// CUDA 12 for sm_50 and newer.
int oldest_cc_for_toolkit(int toolkit_major) {
  if (toolkit_major >= 13) return 75;
  if (toolkit_major >= 12) return 50;
  if (toolkit_major >= 11) return 35;
  return 0;
}

bool no_driver_at_all(const facts& f) { return !f.driver.libcuda_loaded && !f.driver.kernel_module && !f.host.is_wsl; }

// ---- the advice texts -------------------------------------------------------------------------------------------

advice insufficient_driver_advice(const facts& f, bool specific) {
  advice a{"insufficient_driver",
           severity::warning,
           "CUDA driver version is insufficient for CUDA runtime version (cudaErrorInsufficientDriver, 35)",
           {}};
  const int toolkit = toolkit_version(f);
  const std::string minimum = minimum_driver_for(toolkit / 1000);
  a.paragraphs.push_back(
      "The CUDA runtime inside a program could not use the driver. That has two very different causes: "
      "(1) the NVIDIA driver is older than the toolkit the program was built with, or (2) there is no NVIDIA "
      "driver at all - the runtime reports a missing driver with this same message.");
  a.paragraphs.push_back(
      "Tell them apart with nvidia-smi. 'command not found' or 'couldn't communicate with the NVIDIA driver' "
      "means no driver. If it works, the 'CUDA Version' in its header is the newest CUDA this driver runs; "
      "when that is lower than the release nvcc --version prints, the driver is too old.");
  const std::size_t before = a.paragraphs.size();
  if (specific && toolkit > 0) {
    if (no_driver_at_all(f)) {
      std::string here = "Here it is cause (2): the toolkit is CUDA " + cuda_version_string(toolkit) +
                         ", but libcuda.so.1 cannot be loaded and /proc/driver/nvidia/version does not exist.";
      if (f.driver.nvidia_pci_devices > 0) {
        here += " Yet the PCI bus shows an NVIDIA GPU: install NVIDIA's driver";
        here += minimum.empty() ? "." : " (" + minimum + " or newer for CUDA " + std::to_string(toolkit / 1000) + ").";
      } else {
        here +=
            " No NVIDIA GPU is visible, so that is expected: the labs run on the CPU backend and GPU tests "
            "report Skipped.";
      }
      a.paragraphs.push_back(here);
    } else if (f.driver.version > 0 && f.driver.version < toolkit) {
      std::string here = "Here it is cause (1): the driver runs CUDA up to " + cuda_version_string(f.driver.version) +
                         ", the toolkit is CUDA " + cuda_version_string(toolkit) + ".";
      here += " Update the driver";
      here += minimum.empty() ? "" : " to " + minimum + " or newer";
      here += ", or install a toolkit no newer than CUDA " + cuda_version_string(f.driver.version) + ".";
      a.paragraphs.push_back(here);
    }
  }
  if (a.paragraphs.size() == before) {
    a.paragraphs.push_back(
        "Fix (1): update the driver (CUDA 12 needs 525.60.13 or newer, CUDA 13 needs 580.65.06 or newer), or "
        "use a toolkit no newer than the driver's CUDA version. Fix (2): install NVIDIA's driver if the machine "
        "has an NVIDIA GPU; otherwise nothing is wrong - the labs run on the CPU backend.");
  }
  a.paragraphs.push_back("$ nvidia-smi");
  return a;
}

advice no_device_advice(const facts& f, bool specific) {
  advice a{"no_device", severity::warning, "no CUDA-capable device is detected (cudaErrorNoDevice, 100)", {}};
  a.paragraphs.push_back(
      "A driver is installed but it shows the program no GPU. Usual reasons: CUDA_VISIBLE_DEVICES hides the "
      "GPUs (an empty value hides all of them); a container was started without the GPU passed in; the GPU "
      "is not NVIDIA's or is switched off (laptops with hybrid graphics); the driver lost the GPU (nvidia-smi "
      "says so - reboot).");
  if (specific && f.driver.cuda_visible_devices_set) {
    a.paragraphs.push_back("Here CUDA_VISIBLE_DEVICES is set to '" + f.driver.cuda_visible_devices +
                           "'. Try again without it:");
    a.paragraphs.push_back("$ unset CUDA_VISIBLE_DEVICES");
  }
  if (specific && f.host.is_container && !f.driver.dev_nodes) {
    a.paragraphs.push_back(
        "Here this is a container and there is no /dev/nvidia0: the GPU was not passed in (see the advice on "
        "containers).");
  }
  a.paragraphs.push_back("$ nvidia-smi -L");
  return a;
}

advice arch_mismatch_advice(const facts& f, const device_fact* device) {
  advice a{"arch_mismatch",
           severity::error,
           "no kernel image is available for execution on the device (cudaErrorNoKernelImageForDevice, 209)",
           {}};
  a.paragraphs.push_back(
      "The program contains GPU code, but none for this GPU's architecture: nvcc compiles for the "
      "architectures listed in CMAKE_CUDA_ARCHITECTURES and the driver refuses code for another family. "
      "Machine code (sm_XY) runs on GPUs of the same family with an equal or higher second digit; PTX "
      "(compute_XY) runs on that GPU or any newer one.");
  std::string arch = "XY";
  if (device != nullptr) {
    arch = std::to_string(device_cc(*device));
    std::string here = "Here: your GPU " + device->name + " is " + sm_name(device_cc(*device)) +
                       " (compute capability " + cc_dotted(device_cc(*device)) + ")";
    if (!f.build.targets.empty()) {
      here += "; " + f.build.dir + " makes code for " + describe_targets(f.build.targets);
      if (!f.build.cuda_architectures.empty()) here += " (CMAKE_CUDA_ARCHITECTURES=" + f.build.cuda_architectures + ")";
    }
    a.paragraphs.push_back(here + ".");
  } else if (!f.build.targets.empty()) {
    a.paragraphs.push_back("Here " + f.build.dir + " makes code for " + describe_targets(f.build.targets) + ".");
  }
  a.paragraphs.push_back("Fix: configure for the GPU in this machine, then rebuild.");
  a.paragraphs.push_back("$ cmake -S . -B build/default -DCMAKE_CUDA_ARCHITECTURES=native    # or =" + arch);
  return a;
}

advice ptx_jit_advice(const device_fact& device, const facts& f) {
  advice a{
      "arch_ptx_jit", severity::info, "Your GPU runs this build's code only through PTX just-in-time compilation", {}};
  a.paragraphs.push_back(
      "The build in " + f.build.dir + " makes " + describe_targets(f.build.targets) + ", no machine code for " +
      sm_name(device_cc(device)) + " (" + device.name +
      "). The driver compiles the PTX at the first launch: the first run is slow, timings of it are wrong, and "
      "a driver older than nvcc fails with \"the provided PTX was compiled with an unsupported toolchain\".");
  a.paragraphs.push_back("$ cmake -S . -B build/default -DCMAKE_CUDA_ARCHITECTURES=native");
  return a;
}

advice gpu_too_old_advice(const device_fact& device, int toolkit) {
  const int oldest = oldest_cc_for_toolkit(toolkit / 1000);
  advice a{"gpu_too_old_for_toolkit",
           severity::error,
           "nvcc fatal : Unsupported gpu architecture 'compute_" + std::to_string(device_cc(device)) + "'",
           {}};
  a.paragraphs.push_back("Your GPU " + device.name + " is " + sm_name(device_cc(device)) + "; CUDA " +
                         cuda_version_string(toolkit) + " compiles only for " + sm_name(oldest) +
                         " and newer. Install an older toolkit (CUDA 12.x supports sm_50 and newer), or use the "
                         "CPU backend: every lab runs on it.");
  return a;
}

advice profiler_advice(const facts& f, bool specific) {
  advice a{"profiler_permission",
           severity::warning,
           "ERR_NVGPUCTRPERM - The user does not have permission to access NVIDIA GPU Performance Counters",
           {}};
  a.paragraphs.push_back(
      "Nsight Compute (ncu) reads the GPU's performance counters, which the driver lets only root read "
      "unless told otherwise. nsys timelines do not need them; ncu and nsys --gpu-metrics do.");
  if (specific && f.driver.profiling_admin_only) {
    a.paragraphs.push_back(
        "Here /proc/driver/nvidia/params says RmProfilingAdminOnly: " + std::to_string(*f.driver.profiling_admin_only) +
        (*f.driver.profiling_admin_only != 0 ? " (counters are for root only)." : " (open to all users)."));
  }
  a.paragraphs.push_back("Quick fix: run the profiler as root, e.g.");
  a.paragraphs.push_back("$ sudo $(command -v ncu) --set full ./build/default/<program>");
  a.paragraphs.push_back("Lasting fix: allow all users, then reboot (or reload the nvidia module):");
  a.paragraphs.push_back(
      "$ echo 'options nvidia NVreg_RestrictProfilingToAdminUsers=0' | sudo tee /etc/modprobe.d/nvidia-profiling.conf");
  a.paragraphs.push_back("$ sudo update-initramfs -u && sudo reboot");
  a.paragraphs.push_back(
      "On WSL2 the Windows driver decides: NVIDIA Control Panel > Developer > Manage GPU Performance Counters > "
      "Allow access to the GPU performance counters to all users.");
  return a;
}

advice out_of_memory_advice(const facts& f) {
  advice a{"out_of_memory", severity::info, "out of memory (cudaErrorMemoryAllocation, 2)", {}};
  std::string text = "cudaMalloc asked for more memory than the GPU has free.";
  if (!f.driver.devices.empty()) {
    const auto& d = f.driver.devices.front();
    const double gib = static_cast<double>(d.memory_bytes) / (1024.0 * 1024.0 * 1024.0);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.1f", gib);
    text += " Here GPU 0 (" + d.name + ") has " + buffer + " GiB in total.";
  }
  a.paragraphs.push_back(text);
  a.paragraphs.push_back(
      "Check, in order: the size you computed (bytes, not elements? an int that overflowed?); memory not freed "
      "inside a loop; other programs on the GPU (nvidia-smi lists them with their memory). On the CPU backend "
      "the same error means host memory ran out.");
  a.paragraphs.push_back("$ nvidia-smi --query-gpu=memory.used,memory.total --format=csv");
  return a;
}

advice wsl_advice() {
  advice a{"wsl", severity::warning, "WSL2: the GPU comes from the Windows driver", {}};
  a.paragraphs.push_back(
      "Inside WSL2, CUDA talks to the NVIDIA driver installed on Windows; libcuda.so.1 appears in "
      "/usr/lib/wsl/lib. Install or update the driver on the Windows side, and do not install a Linux NVIDIA "
      "driver inside WSL (it breaks that link). Install the toolkit from NVIDIA's 'WSL-Ubuntu' packages, "
      "which contain no driver. Then restart WSL (wsl --shutdown in PowerShell).");
  a.paragraphs.push_back("$ ls /usr/lib/wsl/lib/libcuda.so*; nvidia-smi");
  return a;
}

advice container_advice() {
  advice a{"container", severity::warning, "Containers: a GPU must be passed in", {}};
  a.paragraphs.push_back(
      "This runs inside a container. If the host has an NVIDIA GPU, the container sees it only when it is "
      "started with it and the host has the NVIDIA Container Toolkit installed. Docker: docker run --gpus all …; "
      "Podman: podman run --device nvidia.com/gpu=all …. The driver "
      "stays on the host; the image needs only the toolkit. Check from inside with nvidia-smi.");
  a.paragraphs.push_back("$ docker run --rm --gpus all ubuntu nvidia-smi    # on the host");
  return a;
}

advice macos_advice() {
  advice a{"macos", severity::info, "macOS: no CUDA", {}};
  a.paragraphs.push_back(
      "Macs have no NVIDIA GPU CUDA can use (NVIDIA's last macOS toolkit was CUDA 10.2). Everything in this "
      "course still runs on the CPU backend: your kernels run correctly, just slowly. For the lessons that "
      "measure GPU speed, use a Linux machine with an NVIDIA GPU or a cloud GPU.");
  return a;
}

advice driver_mismatch_advice(const facts& f) {
  advice a{"driver_mismatch",
           severity::error,
           "system has unsupported display driver / cuda driver combination (CUDA_ERROR_SYSTEM_DRIVER_MISMATCH, 803)",
           {}};
  std::string text =
      "The driver's user-space library (libcuda) and its kernel module are different versions, usually because "
      "the driver was updated and the machine not rebooted.";
  if (!f.driver.kernel_module_version.empty())
    text += " The kernel module here is " + f.driver.kernel_module_version + ".";
  a.paragraphs.push_back(text + " Reboot.");
  return a;
}

advice stub_library_advice() {
  advice a{"stub_library", severity::error, "CUDA driver is a stub library (CUDA_ERROR_STUB_LIBRARY, 34)", {}};
  a.paragraphs.push_back(
      "The libcuda.so found first is the toolkit's stub (…/lib64/stubs), which exists only so programs can be "
      "linked on machines without a driver. Remove the stubs folder from LD_LIBRARY_PATH.");
  a.paragraphs.push_back("$ echo $LD_LIBRARY_PATH");
  return a;
}

advice nouveau_advice() {
  advice a{"nouveau", severity::warning, "Your NVIDIA GPU is driven by nouveau, which CUDA cannot use", {}};
  a.paragraphs.push_back(
      "nouveau is the open-source display driver. CUDA needs NVIDIA's driver (on Debian/Ubuntu the "
      "nvidia-driver package, or NVIDIA's own repository). Installing it blacklists nouveau; reboot afterwards.");
  return a;
}

advice gpu_without_driver_advice(const facts& f) {
  advice a{"gpu_without_driver", severity::warning, "An NVIDIA GPU is present but no NVIDIA driver is installed", {}};
  a.paragraphs.push_back(
      "The PCI bus shows " + std::to_string(f.driver.nvidia_pci_devices) +
      " NVIDIA GPU(s), but libcuda.so.1 cannot be loaded. Install NVIDIA's driver (see docs or ./course setup), "
      "reboot, and run ./course doctor again. Until then the labs run on the CPU backend.");
  return a;
}

advice no_toolkit_advice() {
  advice a{"no_toolkit", severity::warning, "Your GPU works, but the CUDA toolkit (nvcc) is not installed", {}};
  a.paragraphs.push_back(
      "Without nvcc the course builds only the CPU backend, so your GPU sits idle. Install the toolkit, then "
      "reconfigure.");
  a.paragraphs.push_back("$ ./course setup");
  return a;
}

advice nvcc_off_path_advice(const tool_fact& nvcc) {
  advice a{"nvcc_off_path", severity::warning, "nvcc is installed but not on your PATH", {}};
  a.paragraphs.push_back("nvcc is at " + nvcc.path +
                         ", which is not on PATH, so CMake does not find it and builds no CUDA backend. Add the "
                         "folder to PATH (put the line in ~/.bashrc), then reconfigure:");
  a.paragraphs.push_back("$ export PATH=/usr/local/cuda/bin:$PATH");
  a.paragraphs.push_back("$ cmake -S . -B build/default -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc");
  return a;
}

advice build_without_cuda_advice(const facts& f) {
  advice a{"build_without_cuda", severity::warning, "build/default was configured without the CUDA backend", {}};
  a.paragraphs.push_back(
      "This machine can run CUDA, but " + f.build.dir + " was configured " +
      (f.build.ws_cuda == "OFF" ? std::string("with WS_CUDA=OFF") : std::string("when nvcc could not be found")) +
      ", so the labs build only for the CPU backend. Reconfigure:");
  a.paragraphs.push_back("$ cmake -S . -B build/default -DWS_CUDA=ON");
  return a;
}

advice minor_compat_advice(const facts& f) {
  advice a{"driver_minor_older",
           severity::info,
           "Your driver is a little older than the toolkit (CUDA minor-version compatibility)",
           {}};
  a.paragraphs.push_back(
      "The driver runs CUDA up to " + cuda_version_string(f.driver.version) + ", the toolkit is CUDA " +
      cuda_version_string(toolkit_version(f)) +
      ". Programs still run (same major version), but PTX from this nvcc cannot be JIT-compiled by the older "
      "driver (\"the provided PTX was compiled with an unsupported toolchain\"), so build machine code for your "
      "GPU (CMAKE_CUDA_ARCHITECTURES=native) or update the driver.");
  return a;
}

/// The build's targets do not fit device `d`: returns the worst match across devices and the device.
const device_fact* worst_arch_device(const facts& f, arch_match& worst) {
  worst = arch_match::unknown;
  const device_fact* which = nullptr;
  for (const auto& d : f.driver.devices) {
    const auto m = match_arch(device_cc(d), f.build.targets);
    if (m == arch_match::none || (m == arch_match::ptx_jit && worst != arch_match::none) ||
        (m == arch_match::sass && worst == arch_match::unknown)) {
      worst = m;
      which = &d;
    }
  }
  return which;
}

bool build_lacks_cuda(const facts& f) {
  if (!f.build.configured) return false;
  return f.build.ws_cuda == "OFF" || f.build.cuda_compiler.empty() ||
         f.build.cuda_compiler.find("NOTFOUND") != std::string::npos;
}

}  // namespace

arch_match match_arch(int gpu_cc, const std::vector<arch_target>& targets) {
  if (targets.empty()) return arch_match::unknown;
  bool jit = false;
  for (const auto& t : targets) {
    const bool same_family = t.cc / 10 == gpu_cc / 10 && t.cc % 10 <= gpu_cc % 10;
    // 'a' code uses features only that exact GPU has; 'f' code runs across its family, like plain SASS.
    const bool exact = t.cc == gpu_cc;
    if (t.sass && (t.suffix == 'a' ? exact : same_family)) return arch_match::sass;
    if (t.ptx && (t.suffix == 'a' ? exact : t.suffix == 'f' ? same_family : t.cc <= gpu_cc)) jit = true;
  }
  return jit ? arch_match::ptx_jit : arch_match::none;
}

std::string minimum_driver_for(int cuda_major) {
  // Linux minimums for minor-version compatibility (CUDA Toolkit release notes, table 2).
  switch (cuda_major) {
    case 11:
      return "450.80.02";
    case 12:
      return "525.60.13";
    case 13:
      return "580.65.06";
    default:
      return {};
  }
}

int toolkit_version(const facts& f) {
  if (f.runtime.loaded && f.runtime.version > 0) return f.runtime.version;
  if (const auto* nvcc = find_tool(f, "nvcc"); nvcc && nvcc->found) return cuda_version_encode(nvcc->version);
  return 0;
}

const tool_fact* find_tool(const facts& f, const std::string& id) {
  for (const auto& t : f.tools) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

bool tool_ok(const tool_fact& tool) {
  return tool.found && (tool.version.empty() || version_at_least(tool.version, tool.minimum));
}

bool gpu_usable(const facts& f) {
  return f.driver.libcuda_loaded && !f.driver.init_error && f.driver.device_count > 0 && !f.runtime.device_count_error;
}

bool course_ready(const facts& f) {
  return std::all_of(f.tools.begin(), f.tools.end(), [](const tool_fact& t) { return !t.required || tool_ok(t); });
}

backend_choice choose_backend(const facts& f) {
  const std::string cpu_summary =
      "cudacpu (the CPU backend: your kernels run correctly but slowly on the CPU; see docs/cudacpu.md)";
  const auto* nvcc = find_tool(f, "nvcc");
  const bool have_nvcc = nvcc != nullptr && nvcc->found;
  if (f.host.is_macos) return {"cudacpu", cpu_summary, "macOS has no CUDA."};
  if (!gpu_usable(f)) {
    std::string why = "no usable NVIDIA GPU";
    if (!f.driver.libcuda_loaded)
      why += " (no NVIDIA driver)";
    else if (f.driver.init_error)
      why += " (the driver says " + quoted_error(*f.driver.init_error) + ")";
    else if (f.runtime.device_count_error)
      why += " (the runtime says " + quoted_error(*f.runtime.device_count_error) + ")";
    return {"cudacpu", cpu_summary, why + "."};
  }
  const std::string gpu_name = f.driver.devices.empty() ? std::string("GPU 0") : f.driver.devices.front().name;
  if (!have_nvcc) return {"cudacpu", cpu_summary, "your GPU (" + gpu_name + ") works, but nvcc is not installed."};
  if (nvcc->off_path) {
    return {"cudacpu", cpu_summary,
            "your GPU (" + gpu_name + ") works, but nvcc is not on PATH, so CMake does not find it."};
  }
  if (build_lacks_cuda(f)) {
    return {"cudacpu", cpu_summary,
            "your GPU (" + gpu_name + ") works, but build/default was configured without CUDA (reconfigure)."};
  }
  return {"cuda", "cuda (your GPU: " + gpu_name + ")", "nvcc builds the labs for your GPU; tests run on it."};
}

std::vector<advice> select_advice(const facts& f) {
  std::vector<advice> out;
  const int toolkit = toolkit_version(f);
  if (f.host.is_macos) out.push_back(macos_advice());
  if (driver_or_runtime_error(f, k_error_system_driver_mismatch)) out.push_back(driver_mismatch_advice(f));
  if (driver_or_runtime_error(f, k_error_stub_library)) out.push_back(stub_library_advice());
  if (f.driver.nouveau_loaded && !f.driver.kernel_module)
    out.push_back(nouveau_advice());
  else if (f.driver.nvidia_pci_devices > 0 && !f.driver.libcuda_loaded && !f.host.is_wsl) {
    out.push_back(gpu_without_driver_advice(f));
  }
  const bool old_driver_major =
      f.driver.libcuda_loaded && f.driver.version > 0 && toolkit > 0 && f.driver.version / 1000 < toolkit / 1000;
  if (!f.host.is_macos && toolkit > 0 &&
      (has_error(f.runtime.device_count_error, k_error_insufficient_driver) || old_driver_major ||
       no_driver_at_all(f))) {
    out.push_back(insufficient_driver_advice(f, true));
  } else if (f.driver.libcuda_loaded && f.driver.version > 0 && toolkit > f.driver.version) {
    out.push_back(minor_compat_advice(f));
  }
  if (f.driver.libcuda_loaded &&
      (driver_or_runtime_error(f, k_error_no_device) || (!f.driver.init_error && f.driver.device_count == 0))) {
    out.push_back(no_device_advice(f, true));
  }
  if (gpu_usable(f)) {
    if (toolkit > 0) {
      for (const auto& d : f.driver.devices) {
        if (device_cc(d) < oldest_cc_for_toolkit(toolkit / 1000)) {
          out.push_back(gpu_too_old_advice(d, toolkit));
          break;
        }
      }
    }
    arch_match worst = arch_match::unknown;
    const device_fact* d = worst_arch_device(f, worst);
    if (worst == arch_match::none) out.push_back(arch_mismatch_advice(f, d));
    if (worst == arch_match::ptx_jit) out.push_back(ptx_jit_advice(*d, f));
    const auto* nvcc = find_tool(f, "nvcc");
    if (nvcc == nullptr || !nvcc->found)
      out.push_back(no_toolkit_advice());
    else if (nvcc->off_path)
      out.push_back(nvcc_off_path_advice(*nvcc));
    else if (build_lacks_cuda(f))
      out.push_back(build_without_cuda_advice(f));
  }
  if (f.driver.profiling_admin_only.value_or(0) != 0 && !f.host.is_root) out.push_back(profiler_advice(f, true));
  // Only when no GPU got through at all: a visible GPU with another problem has its own advice above.
  const bool no_gpu_seen = !f.driver.libcuda_loaded || f.driver.device_count == 0;
  if (f.host.is_wsl && no_gpu_seen) out.push_back(wsl_advice());
  if (f.host.is_container && no_gpu_seen) out.push_back(container_advice());
  std::stable_sort(out.begin(), out.end(), [](const advice& a, const advice& b) {
    return static_cast<int>(a.level) > static_cast<int>(b.level);
  });
  return out;
}

std::vector<advice> common_errors(const facts& f) {
  std::vector<advice> out;
  out.push_back(insufficient_driver_advice(f, false));
  if (toolkit_version(f) > 0 &&
      (no_driver_at_all(f) || (f.driver.version > 0 && f.driver.version < toolkit_version(f)))) {
    out.back() = insufficient_driver_advice(f, true);
  }
  out.push_back(no_device_advice(f, true));
  const device_fact* device = f.driver.devices.empty() ? nullptr : &f.driver.devices.front();
  out.push_back(arch_mismatch_advice(f, device));
  out.push_back(profiler_advice(f, true));
  out.push_back(out_of_memory_advice(f));
  out.push_back(driver_mismatch_advice(f));
  out.push_back(stub_library_advice());
  out.push_back(wsl_advice());
  out.push_back(container_advice());
  out.push_back(macos_advice());
  return out;
}

}  // namespace ws::doctor
