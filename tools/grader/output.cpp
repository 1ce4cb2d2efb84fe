/// @file output.cpp
/// @brief Reading why a build or a test run failed from its text output.
#include "output.hpp"

#include <regex>
#include <sstream>
#include <vector>

namespace ws_grade {

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && s[start] == ' ') ++start;
  return s.substr(start);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

}  // namespace

std::string first_compiler_error(const std::string& log, const std::string& strip, int context) {
  std::istringstream in(log);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    const bool error = l.find(": error:") != std::string::npos || l.find(": fatal error:") != std::string::npos ||
                       l.find("error: ") == 0 || l.find("undefined reference to") != std::string::npos;
    if (!error) continue;
    std::string out;
    // gcc prints "In function ..." just before; keep it when it is there.
    if (i > 0 && lines[i - 1].find("In function") != std::string::npos) out += lines[i - 1] + "\n";
    for (std::size_t j = i; j < lines.size() && j <= i + static_cast<std::size_t>(context); ++j) {
      if (j > i && (lines[j].starts_with("ninja:") || lines[j].starts_with("FAILED:") || lines[j].starts_with("["))) break;
      out += lines[j] + "\n";
    }
    return trim(replace_all(out, strip, ""));
  }
  return "";
}

std::string failure_from_output(const std::string& output) {
  std::istringstream in(output);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // A sanitizer's finding outranks the failed checks it caused.
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("ERROR: AddressSanitizer") == std::string::npos) continue;
    std::string kind = std::regex_replace(lines[i], std::regex(R"(^=+\d+=+ERROR: AddressSanitizer: ([\w-]+).*)"), "$1");
    std::string access;
    std::string where;
    for (std::size_t j = i + 1; j < lines.size() && j < i + 40; ++j) {
      if (access.empty() && (lines[j].starts_with("READ of size") || lines[j].starts_with("WRITE of size"))) {
        access = std::regex_replace(lines[j], std::regex(R"( at 0x[0-9a-f]+.*)"), "");
      }
      // "#0 0x55c4 in lab01::vector_add_kernel(float const*, int) /…/graded/01_vector_add/vector_add.cu:32": the
      // first frame in the learner's files names the line and the function.
      const std::size_t graded = lines[j].find("/graded/");
      const std::size_t in_at = lines[j].find(" in ");
      if (where.empty() && graded != std::string::npos && in_at != std::string::npos && in_at < graded) {
        const std::size_t path = lines[j].rfind(' ', graded);
        std::string function = lines[j].substr(in_at + 4, path - in_at - 4);
        function = function.substr(0, function.find('('));
        where = lines[j].substr(lines[j].rfind('/') + 1) + " (" + function + ")";
      }
    }
    std::string reason = "memory checker: " + kind;
    if (!access.empty()) reason += ", " + access;
    if (!where.empty()) reason += " at " + where;
    return reason;
  }
  for (const std::string& l : lines) {
    if (l.find("AddressSanitizer") != std::string::npos && l.find("SUMMARY") != std::string::npos) return trim(l);
  }
  for (const std::string& l : lines) {  // compute-sanitizer: "========= Invalid __global__ read of size 4 bytes"
    if (l.starts_with("========= ") && (l.find("Invalid") != std::string::npos || l.find("Error") != std::string::npos ||
                                         l.find("error") != std::string::npos)) {
      return trim(l.substr(10));
    }
  }
  for (const std::string& l : lines) {  // the CPU backend: "cudacpu: error: file.cu:12: ..."
    if (l.find("cudacpu: error:") != std::string::npos) return trim(l.substr(l.find("cudacpu: error:")));
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {  // Catch2 compact: "file:line: failed: expr for: expansion"
    const std::string& l = lines[i];
    if (l.find(": failed: ") != std::string::npos || l.find(": FAILED:") != std::string::npos) {
      std::string r = trim(l);
      if (r.size() > 400) r = r.substr(0, 400) + "...";
      return r;
    }
  }
  return "";
}

}  // namespace ws_grade
