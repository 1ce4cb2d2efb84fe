/// @file text.hpp
/// @brief Bounded, linear-time helpers for reading hostile text (a learner's program's output): a line reader that
/// looks at no more than k_max_line_bytes of a line, printable copies, cuts on UTF-8 boundaries.
///
/// Shared by the Catch2 XML reader (test_report.hpp), the sanitizer reader (sanitizer_report.hpp) and the grader's
/// build-log reader (tools/grader/output.hpp). Nothing here throws for what the text holds or uses std::regex.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ws_report {

/// Only the first this many bytes of each line are looked at; the rest of a longer line is skipped unread.
inline constexpr std::size_t k_max_line_bytes = 4096;

/// A one-line reason is cut to this many bytes (then "..." follows).
inline constexpr std::size_t k_max_reason_bytes = 400;

/// Walks a text line by line ('\n' ends a line, as std::getline does), each line cut to k_max_line_bytes. Finding the
/// end of a line is a memchr, so a pass over the text is linear in its size however long its lines are.
class line_reader {
public:
  explicit line_reader(std::string_view text) : text_(text) {}

  /// The next line (without its '\n') in `line`; false at the end of the text.
  bool next(std::string_view& line);

private:
  std::string_view text_;
  std::size_t at_ = 0;
};

/// True when `part` occurs in `s`.
inline bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

/// `s` without trailing '\n', '\r', ' ' and leading ' '.
std::string_view trim(std::string_view s);

/// `s` without leading and trailing whitespace of any kind (' ', '\t', '\n', '\r').
std::string_view trim_space(std::string_view s);

/// Appends `s` with control bytes made visible: '\t' becomes ' ', '\n' stays when `keep_newlines`, other C0 bytes,
/// DEL and the UTF-8 encodings of C1 controls (U+0080..U+009F, which some terminals obey) become '?'.
void append_printable(std::string& out, std::string_view s, bool keep_newlines);

/// At most `cap` bytes of `s`, never ending inside a UTF-8 sequence, and "..." when something was cut.
std::string cut(std::string s, std::size_t cap);

/// What a caller shows as a reason: trimmed, printable, one line, at most k_max_reason_bytes (plus "...").
std::string one_line(std::string_view s);

/// `s` with every `from` replaced by `to`, in one pass (`s` unchanged when `from` is empty).
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);

}  // namespace ws_report
