/// @file analysis.hpp
/// @brief From facts to conclusions: is the GPU usable, which backend the labs run on, and which advice applies.
///
/// Pure functions of a `facts` value, so every branch is tested with invented machines (tests/doctor/).
#pragma once

#include <string>
#include <vector>

#include "ws/doctor/facts.hpp"

namespace ws::doctor {

/// How a GPU of a given compute capability can run what a build made.
enum class arch_match {
  sass,     ///< machine code for its family is there: runs at full speed from the first launch
  ptx_jit,  ///< only PTX fits: the driver compiles it at the first launch (slow start; needs a new enough driver)
  none,     ///< nothing fits: every launch fails with "no kernel image is available for execution on the device"
  unknown,  ///< the build's targets are not known
};

/// Which of `targets` a GPU with compute capability `gpu_cc` (10 * major + minor) can run.
/// SASS runs on the same major version with an equal or higher minor (sm_80 code runs on sm_86), except the
/// arch-specific 'a' variants, which run only on exactly that GPU; PTX runs on that GPU or any newer one.
arch_match match_arch(int gpu_cc, const std::vector<arch_target>& targets);

/// The oldest Linux driver that runs a toolkit of this major version (CUDA's minor-version compatibility),
/// e.g. 13 → "580.65.06"; empty when unknown.
std::string minimum_driver_for(int cuda_major);

/// The CUDA version of the installed toolkit, encoded like cudaRuntimeGetVersion (13000 for 13.0):
/// the runtime library's own answer when it could be loaded, else nvcc's banner; 0 when there is no toolkit.
int toolkit_version(const facts& f);

/// The tool with this id, or nullptr.
const tool_fact* find_tool(const facts& f, const std::string& id);

/// Found and at least the minimum version.
bool tool_ok(const tool_fact& tool);

/// True when the driver found at least one device and neither API reported an error.
bool gpu_usable(const facts& f);

/// Every required tool is present and new enough (the doctor's exit status).
bool course_ready(const facts& f);

/// Where the labs' CUDA code will run.
struct backend_choice {
  std::string name;     ///< "cuda" or "cudacpu"
  std::string summary;  ///< the one line the learner sees, e.g. "cuda (your GPU: NVIDIA H100 80GB HBM3)"
  std::string reason;   ///< why, in plain words
};
backend_choice choose_backend(const facts& f);

enum class severity { info, warning, error };

/// One piece of advice: the error text a learner would search for, and what to do about it.
struct advice {
  std::string id;  ///< stable key: "insufficient_driver", "arch_mismatch", …
  severity level = severity::info;
  std::string title;                    ///< the message as CUDA prints it, or a short plain title
  std::vector<std::string> paragraphs;  ///< plain text; a paragraph starting with "$ " is a command to type
};

/// The advice that applies to this machine right now, most important first.
std::vector<advice> select_advice(const facts& f);

/// The full "Common errors" help: every classic failure with its general explanation, plus this machine's
/// specifics where they are known (the GPU's sm_XY, the driver's CUDA version, …).
std::vector<advice> common_errors(const facts& f);

}  // namespace ws::doctor
