/// @file
/// @brief Runs the deliberately buggy bug_*.cu programs as child processes and checks that each report names
///        the right file and line (the line marked `BUG:<name>` in the program's source).
///
/// Child processes, because a kernel error abandons a block (and a sanitizer report may abort the process), and
/// because the memory/races programs are built with AddressSanitizer/ThreadSanitizer.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

struct child_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

child_result run_child(const std::string& command) {
  child_result r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  std::size_t got = 0;
  while ((got = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, got);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

/// "bug_x.cu:LINE" for the line of `source` that contains "BUG:<marker>".
std::string marked_place(const std::string& source, const std::string& marker) {
  std::ifstream in(source);
  REQUIRE(in.good());
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find("BUG:" + marker) != std::string::npos) {
      return source.substr(source.find_last_of('/') + 1) + ":" + std::to_string(number);
    }
  }
  FAIL("no BUG:" << marker << " marker in " << source);
  return {};
}

/// The first line of `output` that starts with "cudacpu: error:".
std::string first_report(const std::string& output) {
  const std::size_t at = output.find("cudacpu: error:");
  if (at == std::string::npos) return {};
  return output.substr(at, output.find('\n', at) - at);
}

std::string with_env(const std::string& program, const std::string& args = "") {
  // One worker: deterministic schedule. No leak check: sanitizer runtimes' LSan needs ptrace rights.
  return "WS_CPU_THREADS=1 WS_CPU_SPIN_TIMEOUT=0.3 ASAN_OPTIONS=detect_leaks=0 '" + program + "' " + args;
}

const std::string src_dir = WS_CUDACPU_TEST_SOURCE_DIR;

}  // namespace

TEST_CASE("a divergent __syncthreads is reported at the learner's line and the process goes on",
          "[cudacpu][errors]") {
  const child_result r = run_child(with_env(WS_BUG_DIVERGENT));
  INFO(r.output);
  const std::string report = first_report(r.output);
  CHECK(report.find(marked_place(src_dir + "/bug_divergent.cu", "divergent")) != std::string::npos);
  CHECK(report.find("divergent __syncthreads()") != std::string::npos);
  CHECK(r.output.find("threads 0-15: wait at __syncthreads()") != std::string::npos);
  CHECK(r.output.find("threads 16-63: wait at __syncthreads()") != std::string::npos);
  CHECK(r.output.find("after: cudaErrorLaunchFailure") != std::string::npos);
  CHECK(r.exit_code == 0);
}

TEST_CASE("a deadlock between a warp shuffle and a barrier lists where every thread waits", "[cudacpu][errors]") {
  const child_result r = run_child(with_env(WS_BUG_DEADLOCK));
  INFO(r.output);
  const std::string report = first_report(r.output);
  CHECK(report.find(marked_place(src_dir + "/bug_deadlock.cu", "deadlock")) != std::string::npos);
  CHECK(report.find("deadlock") != std::string::npos);
  CHECK(r.output.find("threads 0-15, 32-47: wait in __shfl_sync") != std::string::npos);
  CHECK(r.output.find("threads 16-31, 48-63: wait at __syncthreads()") != std::string::npos);
  CHECK(r.output.find("after: cudaErrorLaunchFailure") != std::string::npos);
}

TEST_CASE("lanes passing different masks to one shuffle are reported as a warp mask mismatch",
          "[cudacpu][errors]") {
  const child_result r = run_child(with_env(WS_BUG_WARP_MASK));
  INFO(r.output);
  const std::string report = first_report(r.output);
  CHECK(report.find(marked_place(src_dir + "/bug_warp_mask.cu", "mask")) != std::string::npos);
  CHECK(report.find("warp mask mismatch") != std::string::npos);
  CHECK(r.output.find("after: cudaErrorLaunchFailure") != std::string::npos);
}

TEST_CASE("lanes that return early before a full-mask shuffle are reported", "[cudacpu][errors]") {
  const child_result r = run_child(with_env(WS_BUG_WARP_EXIT));
  INFO(r.output);
  const std::string report = first_report(r.output);
  CHECK(report.find(marked_place(src_dir + "/bug_warp_exit.cu", "exit")) != std::string::npos);
  CHECK(report.find("exited") != std::string::npos);
  CHECK(r.output.find("after: cudaErrorLaunchFailure") != std::string::npos);
}

TEST_CASE("a thread spinning on a flag nobody can set is reported as a livelock", "[cudacpu][errors]") {
  const child_result r = run_child(with_env(WS_BUG_LIVELOCK));
  INFO(r.output);
  const std::string report = first_report(r.output);
  CHECK(report.find(marked_place(src_dir + "/bug_livelock.cu", "livelock")) != std::string::npos);
  CHECK(report.find("livelock") != std::string::npos);
  CHECK(r.output.find("after: cudaErrorLaunchTimeout") != std::string::npos);
}

TEST_CASE("memory mode reports a misaligned float4 load at the learner's line and fails the kernel",
          "[cudacpu][errors][memory]") {
  const child_result r = run_child(with_env(WS_BUG_MISALIGNED));
  INFO(r.output);
  const std::string report = first_report(r.output);
  CHECK(report.find(marked_place(src_dir + "/bug_misaligned.cu", "misaligned")) != std::string::npos);
  CHECK(report.find("misaligned address:") != std::string::npos);
  CHECK(report.find("float4") != std::string::npos);
  CHECK(r.output.find("after: cudaErrorMisalignedAddress") != std::string::npos);
  const child_result clean = run_child(with_env(WS_BUG_MISALIGNED, "fixed"));
  INFO(clean.output);
  CHECK(clean.output.find("cudacpu: error:") == std::string::npos);
  CHECK(clean.output.find("after: cudaSuccess") != std::string::npos);
  CHECK(clean.exit_code == 0);
}

TEST_CASE("memory mode reports an out-of-bounds global write at the learner's line", "[cudacpu][errors][memory]") {
  const child_result r = run_child(with_env(WS_BUG_OOB_GLOBAL));
  INFO(r.output);
  CHECK(r.output.find("AddressSanitizer: heap-buffer-overflow") != std::string::npos);
  CHECK(r.output.find(marked_place(src_dir + "/bug_oob_global.cu", "oob_global")) != std::string::npos);
  CHECK(r.exit_code != 0);
  const child_result clean = run_child(with_env(WS_BUG_OOB_GLOBAL, "fixed"));
  INFO(clean.output);
  CHECK(clean.output.find("AddressSanitizer") == std::string::npos);
  CHECK(clean.output.find("after: cudaSuccess") != std::string::npos);
  CHECK(clean.exit_code == 0);
}

TEST_CASE("memory mode reports an out-of-bounds __shared__ write at the learner's line", "[cudacpu][errors][memory]") {
  const child_result r = run_child(with_env(WS_BUG_OOB_SHARED));
  INFO(r.output);
  CHECK(r.output.find("ERROR: AddressSanitizer") != std::string::npos);
  CHECK(r.output.find(marked_place(src_dir + "/bug_oob_shared.cu", "oob_shared")) != std::string::npos);
  CHECK(r.output.find("__shared__") != std::string::npos);
  CHECK(r.exit_code != 0);
  const child_result clean = run_child(with_env(WS_BUG_OOB_SHARED, "fixed"));
  INFO(clean.output);
  CHECK(clean.output.find("AddressSanitizer") == std::string::npos);
  CHECK(clean.output.find("after: cudaSuccess") != std::string::npos);
  CHECK(clean.exit_code == 0);
}

TEST_CASE("races mode reports a missing __syncthreads as a shared-memory data race", "[cudacpu][errors][races]") {
  const child_result r = run_child(with_env(WS_BUG_RACE_SHARED));
  INFO(r.output);
  CHECK(r.output.find("ThreadSanitizer: data race") != std::string::npos);
  CHECK(r.output.find(marked_place(src_dir + "/bug_race_shared.cu", "race")) != std::string::npos);
  // The backend's line after TSan's report (src/race_report.cpp), in CUDA's terms: the variable and its element,
  // where it was declared, both accesses with their lines, the two threads by threadIdx, and why.
  const std::string file = src_dir + "/bug_race_shared.cu";
  const std::string report = first_report(r.output);
  CHECK(report.find("data race on __shared__ tile[") != std::string::npos);
  CHECK(report.find("(declared at " + marked_place(file, "tile_declared") + ")") != std::string::npos);
  CHECK(report.find(" in block (") != std::string::npos);
  CHECK(report.find("; no __syncthreads() between these lines") != std::string::npos);
  // Thread t writes tile[t] and reads tile[63 - t]: a race on tile[e] is a write by thread e and a read by 63 - e.
  const std::size_t element_at = report.find("tile[");
  REQUIRE(element_at != std::string::npos);
  const int e = std::atoi(report.c_str() + element_at + 5);
  CHECK(report.find("write by thread (" + std::to_string(e) + ",0,0) at " + marked_place(file, "tile_written")) !=
        std::string::npos);
  CHECK(report.find("read by thread (" + std::to_string(63 - e) + ",0,0) at " + marked_place(file, "race")) !=
        std::string::npos);
  const child_result clean = run_child(with_env(WS_BUG_RACE_SHARED, "fixed"));
  INFO(clean.output);
  CHECK(clean.output.find("ThreadSanitizer") == std::string::npos);
  CHECK(clean.output.find("after: cudaSuccess") != std::string::npos);
  CHECK(clean.exit_code == 0);
}

TEST_CASE("the cuBLAS stand-in reports a host pointer passed to cublasSgemm at the learner's line",
          "[cudacpu][errors][cublas]") {
  const child_result r = run_child(with_env(WS_BUG_CUBLAS_HOST));
  INFO(r.output);
  const std::string report = first_report(r.output);
  CHECK(report.find(marked_place(src_dir + "/bug_cublas_host.cu", "cublas_host")) != std::string::npos);
  CHECK(report.find("cublasSgemm: the matrix A") != std::string::npos);
  CHECK(report.find("host pointer") != std::string::npos);
  CHECK(r.output.find("status: CUBLAS_STATUS_INVALID_VALUE") != std::string::npos);
  CHECK(r.exit_code == 0);
  const child_result clean = run_child(with_env(WS_BUG_CUBLAS_HOST, "fixed"));
  INFO(clean.output);
  CHECK(clean.output.find("cudacpu: error") == std::string::npos);
  CHECK(clean.output.find("status: CUBLAS_STATUS_SUCCESS") != std::string::npos);
  CHECK(clean.exit_code == 0);
}
