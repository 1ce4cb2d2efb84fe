/// @file starter_ignore.cpp
/// @brief Glob matching for `.starter-ignore`.
#include "starter_ignore.h"

namespace ws::make_starters {
namespace {

/// One `[...]` set at the start of @p pattern; returns how many pattern characters it used (0: not a valid set,
/// so '[' is taken literally, as in gitignore).
std::size_t match_set(std::string_view pattern, char c, bool& matched) {
  std::size_t i = 1;
  const bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool hit = false;
  const std::size_t first = i;
  for (; i < pattern.size(); ++i) {
    if (pattern[i] == ']' && i > first) {
      matched = (hit != negate) && c != '/';
      return i + 1;
    }
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hit = hit || (pattern[i] <= c && c <= pattern[i + 2]);
      i += 2;
    } else {
      hit = hit || pattern[i] == c;
    }
  }
  return 0;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  while (!pattern.empty()) {
    if (pattern.starts_with("**")) {
      auto rest = pattern.substr(2);
      const bool dir_prefix = rest.starts_with('/');
      if (dir_prefix) rest.remove_prefix(1);
      // "**/x" tries x at the start and after every '/'; a bare "**" may end anywhere.
      for (std::size_t at = 0; at <= path.size(); ++at) {
        if (dir_prefix && at > 0 && path[at - 1] != '/') continue;
        if (glob_match(rest, path.substr(at))) return true;
      }
      return false;
    }
    if (pattern.front() == '*') {
      const auto rest = pattern.substr(1);
      for (std::size_t at = 0; at <= path.size(); ++at) {
        if (glob_match(rest, path.substr(at))) return true;
        if (at < path.size() && path[at] == '/') break;
      }
      return false;
    }
    if (path.empty()) return false;
    if (pattern.front() == '?') {
      if (path.front() == '/') return false;
      pattern.remove_prefix(1);
    } else if (pattern.front() == '[') {
      bool matched = false;
      const auto used = match_set(pattern, path.front(), matched);
      if (used == 0) {
        if (path.front() != '[') return false;
        pattern.remove_prefix(1);
      } else {
        if (!matched) return false;
        pattern.remove_prefix(used);
      }
    } else {
      if (pattern.front() != path.front()) return false;
      pattern.remove_prefix(1);
    }
    path.remove_prefix(1);
  }
  return path.empty();
}

starter_ignore starter_ignore::parse(std::string_view text) {
  starter_ignore result;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;

    pattern p;
    if (line.ends_with('/')) {
      p.folders_only = true;
      while (line.ends_with('/')) line.remove_suffix(1);
    }
    if (line.starts_with('/')) line.remove_prefix(1);
    if (line.empty()) continue;
    p.anchored = line.find('/') != std::string_view::npos;
    p.glob = line;
    result.patterns_.push_back(std::move(p));
  }
  return result;
}

bool starter_ignore::matches(const pattern& p, std::string_view path, bool is_folder) const {
  if (p.folders_only && !is_folder) return false;
  if (p.anchored) return glob_match(p.glob, path);
  const auto slash = path.rfind('/');
  return glob_match(p.glob, slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool starter_ignore::ignores(std::string_view file_path) const {
  for (const auto& p : patterns_) {
    // Every folder on the way down, then the file itself.
    for (std::size_t slash = file_path.find('/'); slash != std::string_view::npos;
         slash = file_path.find('/', slash + 1)) {
      if (matches(p, file_path.substr(0, slash), true)) return true;
    }
    if (matches(p, file_path, false)) return true;
  }
  return false;
}

}  // namespace ws::make_starters
