/// @file sanitizer_report.cpp
/// @brief Reading sanitizer findings and failure reasons from a run's output, with bounded, linear-time scanning.
#include "sanitizer_report.hpp"

#include <algorithm>
#include <utility>

#include "text.hpp"

namespace ws_report {

namespace {

/// Lines after a sanitizer's banner that are read for its accesses and frames (its SUMMARY ends it sooner).
constexpr int k_report_lines = 200;
/// Lines after the banner where the one-line reason looks for the access and the learner's frame.
constexpr int k_reason_lines = 39;
constexpr std::size_t k_max_accesses = 4;
constexpr std::size_t k_max_frames = 4;
/// Lines after a report's SUMMARY where the CPU backend's line about it is looked for (it prints it right after
/// TSan's closing "==================", but other threads' output may come in between).
constexpr int k_backend_lines = 8;

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool is_asan_banner(std::string_view l) { return contains(l, "ERROR: AddressSanitizer"); }
bool is_tsan_banner(std::string_view l) { return contains(l, "WARNING: ThreadSanitizer"); }

/// "heap-buffer-overflow" from "==12==ERROR: AddressSanitizer: heap-buffer-overflow on address ..." ("data race" from
/// "WARNING: ThreadSanitizer: data race (pid=1)"). A banner of another shape ("AddressSanitizer failed to allocate
/// ...") gives its text from the sanitizer's name on.
std::string_view sanitizer_kind(std::string_view line, std::string_view banner, std::string_view tool) {
  const std::string_view rest = line.substr(line.find(banner) + banner.size() - tool.size());
  const std::string_view after = rest.substr(tool.size());
  if (after.starts_with(": ")) {
    // Words joined by '-' (AddressSanitizer) or single spaces (ThreadSanitizer's "data race"), up to 64 bytes.
    const auto continues = [&](std::size_t n) {
      return is_word(after[n]) ||
             (tool == "ThreadSanitizer" && after[n] == ' ' && n + 1 < after.size() && is_word(after[n + 1]));
    };
    std::size_t n = 2;
    while (n < after.size() && n < 2 + 64 && continues(n)) ++n;
    if (n > 2) return after.substr(2, n - 2);
  }
  return trim(rest);
}

/// The banner without "==pid==", " at pc ..." and " (pid=N)".
std::string headline_of(std::string_view line, std::string_view banner) {
  std::string_view h = line.substr(line.find(banner));
  if (const std::size_t pc = h.find(" at pc 0x"); pc != std::string_view::npos) h = h.substr(0, pc);
  if (const std::size_t pid = h.find(" (pid="); pid != std::string_view::npos) h = h.substr(0, pid);
  return one_line(h);
}

/// "READ of size 4" from "READ of size 4 at 0x602000000050 thread T0" (and "Write of size 4" from TSan's
/// "  Write of size 4 at 0x7b04 by thread T1:").
std::string_view access_of(std::string_view line) {
  line = trim(line);
  constexpr std::string_view at = " at 0x";
  for (std::size_t p = line.find(at); p != std::string_view::npos; p = line.find(at, p + 1)) {
    if (p + at.size() < line.size() && is_lower_hex(line[p + at.size()])) return line.substr(0, p);
  }
  return line;
}

bool is_access_line(std::string_view l) {
  if (l.starts_with("READ of size") || l.starts_with("WRITE of size")) return true;  // AddressSanitizer
  const std::string_view t = trim(l);                                               // ThreadSanitizer, indented
  return l.starts_with("  ") && (t.starts_with("Read of size") || t.starts_with("Write of size") ||
                                 t.starts_with("Previous read of size") || t.starts_with("Previous write of size") ||
                                 t.starts_with("Atomic read of size") || t.starts_with("Atomic write of size") ||
                                 t.starts_with("Previous atomic read of size") ||
                                 t.starts_with("Previous atomic write of size"));
}

/// Where the learner's path starts in `frame` (npos when it is not theirs).
std::size_t learner_path_at(std::string_view frame, const std::vector<std::string>& markers) {
  std::size_t mine = std::string_view::npos;
  for (const std::string& m : markers) {
    if (!m.empty()) mine = std::min(mine, frame.find(m));
  }
  return mine;
}

/// A stack frame in the learner's files: AddressSanitizer's "#1 0x55c4 in lab01::f(float const*) /…/graded/a.cu:32"
/// or ThreadSanitizer's "#1 lab01::f(float const*) /…/labs/a.cu:32:5 (binary+0x12)". Nothing for a frame elsewhere
/// or of another shape.
std::optional<learner_frame> parse_frame(std::string_view line, const std::vector<std::string>& markers) {
  const std::size_t mine = learner_path_at(line, markers);
  if (mine == std::string_view::npos) return std::nullopt;
  std::size_t function_at = std::string_view::npos;
  if (const std::size_t in_at = line.find(" in "); in_at != std::string_view::npos && in_at < mine) {
    function_at = in_at + 4;
  } else {
    const std::size_t hash = line.find_first_not_of(' ');
    if (hash == std::string_view::npos || line[hash] != '#') return std::nullopt;
    const std::size_t space = line.find(' ', hash);
    if (space == std::string_view::npos || space >= mine) return std::nullopt;
    function_at = space + 1;
  }
  const std::size_t path = line.rfind(' ', mine);
  if (path == std::string_view::npos || path + 1 < function_at) return std::nullopt;
  learner_frame f;
  if (path > function_at) {
    const std::string_view function = line.substr(function_at, path - function_at);
    // "lab01::f(float const*)" without its parameters; a lambda's "operator()<float*, bool>" keeps its "()".
    const std::size_t call = function.find("operator()");
    const std::size_t end = call != std::string_view::npos ? call + 10 : function.find('(');
    f.function = one_line(trim(function.substr(0, end)));
  }
  std::string_view location = trim(line.substr(path + 1));
  if (const std::size_t module = location.find(" ("); module != std::string_view::npos) location = location.substr(0, module);
  f.location = one_line(location);
  return f;
}

/// The CPU backend's race line in `l` from "cudacpu: error:" on, or "".
std::string_view backend_race_line(std::string_view l) {
  const std::size_t at = l.find("cudacpu: error:");
  if (at == std::string_view::npos || !contains(l.substr(at), ": data race on ")) return {};
  return l.substr(at);
}

/// "vector_add.cu:32 (lab01::vector_add_kernel)"; "" when the frame names no file.
std::string short_where(const learner_frame& f) {
  std::string where(trim(std::string_view(f.location).substr(f.location.rfind('/') + 1)));
  if (where.empty()) return "";  // no file name: claim no line
  if (!f.function.empty()) where += " (" + f.function + ")";
  return where;
}

}  // namespace

std::optional<sanitizer_finding> find_sanitizer_finding(std::string_view output,
                                                         const std::vector<std::string>& learner_markers) {
  line_reader lines(output);
  for (std::string_view l; lines.next(l);) {
    const bool asan = is_asan_banner(l);
    if (!asan && !is_tsan_banner(l)) continue;
    const std::string_view banner = asan ? "ERROR: AddressSanitizer" : "WARNING: ThreadSanitizer";
    sanitizer_finding f;
    f.checker = asan ? "memory checker" : "race checker";
    f.headline = headline_of(l, banner);
    f.kind = one_line(sanitizer_kind(l, banner, asan ? "AddressSanitizer" : "ThreadSanitizer"));
    for (int n = 0; n < k_report_lines && lines.next(l); ++n) {
      if (l.starts_with("SUMMARY: ")) {
        f.summary = one_line(l);
        if (!asan) {
          for (int m = 0; m < k_backend_lines && f.backend.empty() && lines.next(l); ++m) {
            f.backend = one_line(backend_race_line(l));
          }
        }
        break;
      }
      if (is_access_line(l)) {
        if (f.accesses.size() < k_max_accesses) f.accesses.push_back({one_line(access_of(l)), {}, false});
        continue;
      }
      if (trim(l) == "[failed to restore the stack]") {  // TSan's history no longer holds the earlier access
        if (!f.accesses.empty() && f.accesses.back().frames.empty()) f.accesses.back().stack_lost = true;
        continue;
      }
      if (const auto frame = parse_frame(l, learner_markers)) {
        if (f.where.empty() && n < k_reason_lines) f.where = short_where(*frame);
        if (!f.accesses.empty() && f.accesses.back().frames.size() < k_max_frames) {
          f.accesses.back().frames.push_back(*frame);
        }
      }
    }
    return f;
  }
  return std::nullopt;
}

std::vector<std::string> finding_lines(const sanitizer_finding& finding, std::string_view strip) {
  const auto stripped = [&](const std::string& s) { return one_line(strip.empty() ? s : replace_all(s, strip, "")); };
  std::vector<std::string> out{stripped(finding.headline)};
  if (!finding.backend.empty()) out.push_back(stripped(finding.backend));
  for (const sanitizer_access& a : finding.accesses) {
    out.push_back(stripped(a.what));
    for (std::size_t i = 0; i < a.frames.size() && i < 2; ++i) {
      const learner_frame& f = a.frames[i];
      out.push_back("  " + stripped("at " + f.location + (f.function.empty() ? "" : " (" + f.function + ")")));
    }
    if (a.stack_lost) out.emplace_back("  (ThreadSanitizer no longer had this access's stack)");
  }
  if (!finding.summary.empty()) out.push_back(stripped(finding.summary));
  return out;
}

std::vector<std::string> cudacpu_errors(std::string_view output, std::size_t max) {
  std::vector<std::string> out;
  line_reader lines(output);
  for (std::string_view l; out.size() < max && lines.next(l);) {
    const std::size_t at = l.find("cudacpu: error:");
    if (at == std::string_view::npos) continue;
    std::string e = one_line(l.substr(at));
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(std::move(e));
  }
  return out;
}

std::string sanitizer_reason(std::string_view output, std::string_view learner_prefix) {
  std::vector<std::string> markers{"/graded/"};
  if (!learner_prefix.empty()) markers.emplace_back(learner_prefix);
  if (const auto f = find_sanitizer_finding(output, markers)) {
    if (!f->backend.empty()) {
      // "cudacpu: error: /w/labs/x.cu:109: data race on ..." -> "race checker: data race on ..." (the line names
      // the file again, short, for each access).
      std::string_view rest = std::string_view(f->backend).substr(std::string_view("cudacpu: error:").size());
      if (const std::size_t race = rest.find(": data race on "); race != std::string_view::npos) {
        rest = rest.substr(race + 2);
      }
      return one_line(f->checker + ": " + std::string(trim(rest)));
    }
    std::string reason = f->checker + ": " + f->kind;
    if (!f->accesses.empty()) reason += ", " + f->accesses.front().what;
    if (!f->where.empty()) reason += " at " + f->where;
    // ThreadSanitizer: the other access of the pair too, when it was in the learner's files.
    if (f->accesses.size() > 1 && !f->accesses[1].frames.empty()) {
      const sanitizer_access& other = f->accesses[1];
      std::string what = other.what.substr(0, other.what.find(" of size"));
      for (char& c : what) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      if (const std::string at = short_where(other.frames.front()); !at.empty()) reason += ", " + what + " at " + at;
    }
    return one_line(reason);
  }
  // No full report: the first line of each other kind is kept, the best of them chosen at the end.
  std::string_view asan_summary;
  std::string_view compute_sanitizer;
  std::string_view cudacpu;
  line_reader lines(output);
  for (std::string_view l; lines.next(l);) {
    if (asan_summary.empty() && contains(l, "AddressSanitizer") && contains(l, "SUMMARY")) asan_summary = l;
    // compute-sanitizer: "========= Invalid __global__ read of size 4 bytes"
    if (compute_sanitizer.empty() && l.starts_with("========= ") &&
        (contains(l, "Invalid") || contains(l, "Error") || contains(l, "error"))) {
      compute_sanitizer = l.substr(10);
    }
    // the CPU backend: "cudacpu: error: file.cu:12: ..."
    if (cudacpu.empty() && contains(l, "cudacpu: error:")) cudacpu = l.substr(l.find("cudacpu: error:"));
  }
  for (const std::string_view found : {asan_summary, compute_sanitizer, cudacpu}) {
    if (!found.empty()) return one_line(found);
  }
  return "";
}

std::string describe_check(const failed_check& c) {
  std::string s = c.file;
  if (c.line > 0) s += ":" + std::to_string(c.line);
  s += ": failed: ";
  if (!c.expression.empty()) {
    s += (c.macro.empty() ? "CHECK" : c.macro) + "( " + c.expression + " )";
    if (!c.expanded.empty() && c.expanded != c.expression) s += " for: " + c.expanded;
    if (!c.message.empty()) s += " with: " + c.message;
  } else if (c.macro == "exception") {
    s += "unexpected exception: " + c.message;
  } else if (c.macro == "fatal error") {
    s += "fatal error: " + c.message;
  } else {
    s += c.message;
  }
  // One line: the newlines of multi-line messages become "; ".
  return one_line(replace_all(std::string_view(s).substr(0, 2 * k_max_reason_bytes), "\n", "; "));
}

std::string failure_reason(const test_report& report, std::string_view test_name, std::string_view output,
                           std::string_view learner_prefix) {
  if (std::string s = sanitizer_reason(output, learner_prefix); !s.empty()) return s;
  for (const test_case_result& c : report.cases) {
    if (!test_name.empty() && c.name != test_name) continue;
    if (!c.failures.empty()) return describe_check(c.failures.front());
  }
  return "";
}

}  // namespace ws_report
