/// @file text.cpp
/// @brief Bounded, linear-time helpers for reading hostile text.
#include "text.hpp"

#include <algorithm>
#include <utility>

namespace ws_report {

bool line_reader::next(std::string_view& line) {
  if (at_ >= text_.size()) return false;
  const std::size_t end = text_.find('\n', at_);
  const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
  line = text_.substr(at_, std::min(stop - at_, k_max_line_bytes));
  at_ = end == std::string_view::npos ? text_.size() : end + 1;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

std::string_view trim_space(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  return s;
}

void append_printable(std::string& out, std::string_view s, bool keep_newlines) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    if (c == '\t') {
      out.push_back(' ');
    } else if (c == '\n' && keep_newlines) {
      out.push_back('\n');
    } else if (u < 0x20 || u == 0x7f) {
      out.push_back('?');
    } else if (u == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      out.push_back('?');  // a C1 control, e.g. U+009B (CSI)
      ++i;
    } else {
      out.push_back(c);
    }
  }
}

std::string cut(std::string s, std::size_t cap) {
  if (s.size() <= cap) return s;
  std::size_t end = cap;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;  // s[end] continues a sequence
  s.resize(end);
  return s + "...";
}

std::string one_line(std::string_view s) {
  std::string out;
  append_printable(out, trim(s).substr(0, k_max_reason_bytes + 8), false);
  return cut(std::move(out), k_max_reason_bytes);
}

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

}  // namespace ws_report
