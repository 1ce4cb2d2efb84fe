/// @file starter_ignore.h
/// @brief `solutions/NN_name/.starter-ignore`: globs for solution-only files that never reach labs/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ws::make_starters {

/// Matches a '/'-separated path against a glob: `*` and `?` stay within one path component, `**` crosses them
/// (`**/` also matches no folder at all), `[abc]` / `[!abc]` match one character of a set.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view path);

/// The patterns of one `.starter-ignore`, in a gitignore-like reading that is small enough to predict:
/// - one glob per line; blank lines and lines starting with `#` are skipped;
/// - a glob without '/' matches a file or folder name at any depth (`notes.md`, `*.orig`);
/// - a glob with '/' matches the path from the lab folder (`bench/*.csv`; a leading '/' is allowed);
/// - a trailing '/' matches folders only (`private/`);
/// - a file inside an ignored folder is ignored.
class starter_ignore {
 public:
  [[nodiscard]] static starter_ignore parse(std::string_view text);

  /// @param file_path a file's path relative to the lab folder, '/'-separated
  [[nodiscard]] bool ignores(std::string_view file_path) const;

  [[nodiscard]] bool empty() const { return patterns_.empty(); }

 private:
  struct pattern {
    std::string glob;
    bool folders_only = false;
    bool anchored = false;  // contains '/': matched against the whole path, not the name
  };
  [[nodiscard]] bool matches(const pattern& p, std::string_view path, bool is_folder) const;

  std::vector<pattern> patterns_;
};

}  // namespace ws::make_starters
