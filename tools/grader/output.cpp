/// @file output.cpp
/// @brief Reading why a build or a test run failed from its text output, with bounded, linear-time scanning only.
#include "output.hpp"

#include <algorithm>
#include <utility>

namespace ws_grade {

namespace {

/// Walks a text line by line ('\n' ends a line, as std::getline does), each line cut to k_max_line_bytes. Finding the
/// end of a line is a memchr, so a pass over the text is linear in its size however long its lines are.
class line_reader {
public:
  explicit line_reader(std::string_view text) : text_(text) {}

  bool next(std::string_view& line) {
    if (at_ >= text_.size()) return false;
    const std::size_t end = text_.find('\n', at_);
    const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
    line = text_.substr(at_, std::min(stop - at_, k_max_line_bytes));
    at_ = end == std::string_view::npos ? text_.size() : end + 1;
    return true;
  }

private:
  std::string_view text_;
  std::size_t at_ = 0;
};

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

/// Without trailing '\n', '\r', ' ' and leading ' ' (what the grader's reasons always had).
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

/// Appends `s` with control bytes made visible: '\t' becomes ' ', '\n' stays when `keep_newlines`, others are '?'.
void append_printable(std::string& out, std::string_view s, bool keep_newlines) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\t') {
      out.push_back(' ');
    } else if (c == '\n' && keep_newlines) {
      out.push_back('\n');
    } else if (u < 0x20 || u == 0x7f) {
      out.push_back('?');
    } else {
      out.push_back(c);
    }
  }
}

/// At most `cap` bytes of `s`, never ending inside a UTF-8 sequence, and "..." when something was cut.
std::string cut(std::string s, std::size_t cap) {
  if (s.size() <= cap) return s;
  std::size_t end = cap;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;  // s[end] continues a sequence
  s.resize(end);
  return s + "...";
}

/// The reason a caller gets: trimmed, printable, one line, at most k_max_reason_bytes (plus "...").
std::string one_line(std::string_view s) {
  std::string out;
  append_printable(out, trim(s).substr(0, k_max_reason_bytes + 8), false);
  return cut(std::move(out), k_max_reason_bytes);
}

/// `s` with every `from` replaced by `to`, in one pass.
std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(s);
  std::string out;
  std::size_t done = 0;
  for (std::size_t at = s.find(from); at != std::string_view::npos; at = s.find(from, done)) {
    out.append(s.substr(done, at - done));
    out.append(to);
    done = at + from.size();
  }
  out.append(s.substr(done));
  return out;
}

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

/// "heap-buffer-overflow" from "==12==ERROR: AddressSanitizer: heap-buffer-overflow on address ...". A banner of
/// another shape ("AddressSanitizer failed to allocate ...") gives its text from "AddressSanitizer" on.
std::string_view asan_kind(std::string_view line) {
  constexpr std::string_view error = "ERROR: ";
  const std::string_view rest = line.substr(line.find("ERROR: AddressSanitizer") + error.size());
  const std::string_view after = rest.substr(std::string_view("AddressSanitizer").size());
  if (after.starts_with(": ")) {
    std::size_t n = 2;
    while (n < after.size() && n < 2 + 64 && is_word(after[n])) ++n;
    if (n > 2) return after.substr(2, n - 2);
  }
  return trim(rest);
}

/// "READ of size 4" from "READ of size 4 at 0x602000000050 thread T0".
std::string_view asan_access(std::string_view line) {
  constexpr std::string_view at = " at 0x";
  for (std::size_t p = line.find(at); p != std::string_view::npos; p = line.find(at, p + 1)) {
    if (p + at.size() < line.size() && is_lower_hex(line[p + at.size()])) return line.substr(0, p);
  }
  return line;
}

/// "vector_add.cu:32 (lab01::vector_add_kernel)" from a stack frame in the learner's files,
/// "#0 0x55c4 in lab01::vector_add_kernel(float const*, int) /…/graded/01_vector_add/vector_add.cu:32"; "" for a
/// frame elsewhere.
std::string asan_where(std::string_view frame, std::string_view learner_prefix) {
  std::size_t mine = frame.find("/graded/");
  if (!learner_prefix.empty()) mine = std::min(mine, frame.find(learner_prefix));
  const std::size_t in_at = frame.find(" in ");
  if (mine == std::string_view::npos || in_at == std::string_view::npos || in_at >= mine) return "";
  const std::size_t path = frame.rfind(' ', mine);  // >= in_at + 3, the space that ends " in "
  const std::size_t function_at = in_at + 4;
  std::string_view function = path > function_at ? frame.substr(function_at, path - function_at) : std::string_view();
  function = trim(function.substr(0, function.find('(')));
  std::string where(trim(frame.substr(frame.rfind('/') + 1)));
  if (where.empty()) return "";  // no file name: claim no line
  if (!function.empty()) where += " (" + std::string(function) + ")";
  return where;
}

}  // namespace

std::string first_compiler_error(std::string_view log, std::string_view strip, int context) {
  const std::size_t following = static_cast<std::size_t>(std::clamp(context, 0, 50));
  line_reader lines(log);
  std::string_view previous;
  for (std::string_view l; lines.next(l); previous = l) {
    const bool error = contains(l, ": error:") || contains(l, ": fatal error:") || l.starts_with("error: ") ||
                       contains(l, "undefined reference to");
    if (!error) continue;
    std::string out;
    // gcc prints "In function ..." just before; keep it when it is there.
    if (contains(previous, "In function")) (out += previous) += '\n';
    (out += l) += '\n';
    for (std::size_t n = 0; n < following && lines.next(l); ++n) {
      if (l.starts_with("ninja:") || l.starts_with("FAILED:") || l.starts_with("[")) break;
      (out += l) += '\n';
    }
    std::string printable;
    append_printable(printable, trim(replace_all(out, strip, "")), true);
    return printable;
  }
  return "";
}

std::string failure_from_output(std::string_view output, std::string_view learner_prefix) {
  // One pass: the first AddressSanitizer report wins at once; the first line of each other kind is kept, and the
  // best of them is chosen at the end.
  std::string_view asan_summary;
  std::string_view compute_sanitizer;
  std::string_view cudacpu;
  std::string_view catch2;
  line_reader lines(output);
  for (std::string_view l; lines.next(l);) {
    if (contains(l, "ERROR: AddressSanitizer")) {
      std::string reason = "memory checker: " + std::string(asan_kind(l));
      std::string_view access;
      std::string where;
      // The access and the stack follow within a few lines.
      for (int n = 0; n < 39 && lines.next(l); ++n) {
        if (access.empty() && (l.starts_with("READ of size") || l.starts_with("WRITE of size"))) {
          access = asan_access(l);
        }
        if (where.empty()) where = asan_where(l, learner_prefix);
      }
      if (!access.empty()) reason += ", " + std::string(access);
      if (!where.empty()) reason += " at " + where;
      return one_line(reason);
    }
    if (asan_summary.empty() && contains(l, "AddressSanitizer") && contains(l, "SUMMARY")) asan_summary = l;
    // compute-sanitizer: "========= Invalid __global__ read of size 4 bytes"
    if (compute_sanitizer.empty() && l.starts_with("========= ") &&
        (contains(l, "Invalid") || contains(l, "Error") || contains(l, "error"))) {
      compute_sanitizer = l.substr(10);
    }
    // the CPU backend: "cudacpu: error: file.cu:12: ..."
    if (cudacpu.empty() && contains(l, "cudacpu: error:")) cudacpu = l.substr(l.find("cudacpu: error:"));
    // Catch2 compact: "file:line: failed: expr for: expansion"
    if (catch2.empty() && (contains(l, ": failed: ") || contains(l, ": FAILED:"))) catch2 = l;
  }
  for (const std::string_view found : {asan_summary, compute_sanitizer, cudacpu, catch2}) {
    if (!found.empty()) return one_line(found);
  }
  return "";
}

}  // namespace ws_grade
