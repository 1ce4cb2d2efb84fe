/// @file record.cpp
/// @brief FNV-1a hashing and the `labs/.starters` text format.
#include "record.h"

#include <cstdio>

namespace ws::make_starters {

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string hash_hex(std::string_view bytes) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(bytes)));
  return buf;
}

namespace {

/// A relative '/'-separated path with no empty, "." or ".." component.
bool path_stays_inside(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  while (true) {
    const auto slash = path.find('/');
    const auto part = path.substr(0, slash);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

parsed_record parse_record(std::string_view text, std::string_view file_name) {
  parsed_record result;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) continue;

    const bool hex_ok = line.size() > 18 && line.substr(16, 2) == "  " &&
                        line.substr(0, 16).find_first_not_of("0123456789abcdef") == std::string_view::npos;
    if (!hex_ok) {
      result.errors.push_back({std::string(file_name), line_no,
                               "malformed line (expected '<16 hex digits>  <path relative to labs/>')"});
      continue;
    }
    const auto path = line.substr(18);
    if (!path_stays_inside(path)) {
      // The tool deletes files the record lists; a path leaving labs/ must never reach that code.
      result.errors.push_back({std::string(file_name), line_no, "path '" + std::string(path) + "' leaves labs/"});
      continue;
    }
    result.entries[std::string(path)] = std::string(line.substr(0, 16));
  }
  return result;
}

std::string format_record(const record& entries) {
  std::string text;
  for (const auto& [path, hash] : entries) text.append(hash).append("  ").append(path).append("\n");
  return text;
}

}  // namespace ws::make_starters
