/// @file regions.cpp
/// @brief The region transformation: solution text in, starter text (or file:line errors) out.
#include "regions.h"

#include <cctype>

namespace ws::make_starters {
namespace {

constexpr std::string_view k_begin = "BEGIN SOLUTION";
constexpr std::string_view k_end = "END SOLUTION";
constexpr std::string_view k_starter = "STARTER";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

/// One line split from its ending, so LF and CRLF files both come back with the endings they had.
struct line {
  std::string_view content;
  std::string_view eol;  // "\n", "\r\n" or "" (last line without a newline)
};

std::vector<line> split_lines(std::string_view text) {
  std::vector<line> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos) {
      lines.push_back({text, {}});
      break;
    }
    const bool crlf = nl > 0 && text[nl - 1] == '\r';
    lines.push_back({text.substr(0, crlf ? nl - 1 : nl), text.substr(crlf ? nl - 1 : nl, crlf ? 2 : 1)});
    text.remove_prefix(nl + 1);
  }
  return lines;
}

enum class marker_kind { none, begin, end, starter, starter_without_colon };

struct marker {
  marker_kind kind = marker_kind::none;
  std::string_view indent;  // the line's leading blanks
  std::string_view leader;  // "//" or "#"
  std::string_view rest;    // what follows the keyword
};

/// A keyword counts only when it ends there: "BEGIN SOLUTIONS" is prose, not a marker.
bool keyword_at(std::string_view s, std::string_view keyword) {
  if (!s.starts_with(keyword)) return false;
  return s.size() == keyword.size() || s[keyword.size()] == ':' || is_blank(s[keyword.size()]);
}

marker classify(std::string_view content) {
  marker m;
  const auto body = trim_left(content);
  m.indent = content.substr(0, content.size() - body.size());
  if (body.starts_with("//")) {
    m.leader = body.substr(0, 2);
  } else if (body.starts_with("#")) {
    m.leader = body.substr(0, 1);
  } else {
    return m;
  }
  const auto text = trim_left(body.substr(m.leader.size()));
  if (keyword_at(text, k_begin)) {
    m.kind = marker_kind::begin;
    m.rest = text.substr(k_begin.size());
  } else if (keyword_at(text, k_end)) {
    m.kind = marker_kind::end;
    m.rest = text.substr(k_end.size());
  } else if (keyword_at(text, k_starter)) {
    const auto after = trim_left(text.substr(k_starter.size()));
    if (after.starts_with(':')) {
      m.kind = marker_kind::starter;
      m.rest = after.substr(1);
    } else {
      m.kind = marker_kind::starter_without_colon;
    }
  }
  return m;
}

}  // namespace

std::string parse_error::to_string() const { return file + ":" + std::to_string(line) + ": " + message; }

std::string lab_tag_for(std::string_view lab_folder) {
  std::size_t digits = 0;
  while (digits < lab_folder.size() && std::isdigit(static_cast<unsigned char>(lab_folder[digits]))) ++digits;
  if (digits == 0 || digits + 1 >= lab_folder.size() || lab_folder[digits] != '_') return {};
  return "lab" + std::string(lab_folder.substr(0, digits));
}

bool looks_binary(std::string_view bytes) { return bytes.find('\0') != std::string_view::npos; }

starter_text make_starter_text(std::string_view solution, std::string_view lab_tag, std::string_view file_name) {
  starter_text result;
  if (looks_binary(solution)) {
    result.text = solution;
    return result;
  }
  auto fail = [&](int line_no, std::string message) {
    result.errors.push_back({std::string(file_name), line_no, std::move(message)});
  };

  const auto lines = split_lines(solution);
  int open_region = 0;  // line number of the BEGIN that is open; 0: none (an int: GCC 12 -O3 misreads optional)
  std::string out;
  out.reserve(solution.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    const auto& [content, eol] = lines[i];
    const auto m = classify(content);
    switch (m.kind) {
      case marker_kind::begin: {
        if (open_region != 0) {
          fail(line_no, "BEGIN SOLUTION inside the region opened at line " + std::to_string(open_region) +
                            " (regions cannot nest; close it with END SOLUTION first)");
          break;
        }
        open_region = line_no;
        ++result.regions;
        auto hint = trim_left(m.rest);
        if (hint.empty()) {
          hint = "your code here";
        } else if (hint.front() == ':') {
          hint = trim_right(trim_left(hint.substr(1)));
          if (hint.empty()) hint = "your code here";
        } else {
          fail(line_no, "expected ':' between BEGIN SOLUTION and its hint");
        }
        out.append(m.indent).append(m.leader).append(" TODO(").append(lab_tag).append("): ").append(hint);
        out.append(eol);
        break;
      }
      case marker_kind::end:
        if (open_region == 0) {
          fail(line_no, "END SOLUTION without a BEGIN SOLUTION before it");
        } else if (!trim_right(m.rest).empty()) {
          fail(line_no, "unexpected text after END SOLUTION");
        }
        open_region = 0;
        break;
      case marker_kind::starter:
        if (open_region == 0) {
          fail(line_no, "STARTER line outside a BEGIN SOLUTION ... END SOLUTION region");
          break;
        }
        {
          auto code = m.rest;
          if (code.starts_with(' ')) code.remove_prefix(1);  // the space after "STARTER:" is punctuation
          if (!trim_right(code).empty()) out.append(m.indent).append(code);
          out.append(eol);
        }
        break;
      case marker_kind::starter_without_colon:
        if (open_region != 0) fail(line_no, "STARTER needs a colon: '" + std::string(m.leader) + " STARTER: code'");
        else out.append(content).append(eol);
        break;
      case marker_kind::none:
        if (open_region == 0) out.append(content).append(eol);
        break;
    }
  }
  if (open_region != 0) fail(open_region, "BEGIN SOLUTION is never closed by END SOLUTION");

  // A region closed on the last line of a file without a final newline leaves one behind; keep the file's shape.
  if (!solution.empty() && solution.back() != '\n') {
    if (out.ends_with("\r\n")) out.resize(out.size() - 2);
    else if (out.ends_with('\n')) out.pop_back();
  }
  result.text = result.regions == 0 ? std::string(solution) : std::move(out);
  return result;
}

}  // namespace ws::make_starters
