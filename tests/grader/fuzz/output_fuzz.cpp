/// @file output_fuzz.cpp
/// @brief libFuzzer target for tools/grader/output.cpp: reading a failure's reason from a run's output must never
/// crash, hang or return an unbounded or unprintable reason, whatever the learner's program printed.
///
/// Built with clang only (tests/grader/CMakeLists.txt), with AddressSanitizer and UBSan, and run by the ctest
/// `grader.fuzz.output` for a bounded time from the seeds in corpus/. By hand:
///   build/ci/tests/grader/output_fuzz -max_len=65536 /tmp/new-corpus tests/grader/fuzz/corpus
/// An input's first line (up to 200 bytes) is the learner's path prefix / the path to strip; the rest is the output.
#include "output.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

/// Stops the run (and so the fuzzer, which records the input) when `ok` is false.
void expect(bool ok) {
  if (!ok) std::abort();
}

bool printable(std::string_view s, bool newlines) {
  return std::all_of(s.begin(), s.end(), [&](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u != 0x7f) || (newlines && c == '\n');
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.substr(0, 200).find('\n');
  const std::string_view prefix = newline == std::string_view::npos ? std::string_view() : input.substr(0, newline);
  const std::string_view output = newline == std::string_view::npos ? input : input.substr(newline + 1);

  for (const std::string_view p : {std::string_view(), prefix}) {
    const std::string reason = ws_grade::failure_from_output(output, p);
    expect(reason.size() <= ws_grade::k_max_reason_bytes + 3);
    expect(printable(reason, false));
  }
  const int context = static_cast<int>(size % 64) - 8;  // negative and over-large contexts too
  for (const int c : {8, context}) {
    const std::string error = ws_grade::first_compiler_error(output, prefix, c);
    expect(error.size() <= 52 * (ws_grade::k_max_line_bytes + 1));
    expect(printable(error, true));
  }
  return 0;
}
