/// @file make_starters.h
/// @brief make_starters: writes labs/ from solutions/ without ever losing a learner's work, or checks it is current.
///
/// The command-line tool is a thin main() around run_cli(); everything is here so tests can drive it in-process.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>

namespace ws::make_starters {

/// Exit codes of the tool.
enum exit_code : int {
  exit_ok = 0,
  exit_failed = 1,  ///< --check found labs/ out of date, or a learner's file was kept instead of replaced
  exit_error = 2,   ///< bad usage, a malformed region or record, or a file that could not be read or written
};

struct options {
  std::filesystem::path root = ".";  ///< the course root: holds solutions/ and labs/
  bool check = false;                ///< compare only; write nothing
  bool force = false;                ///< replace (or delete) files the learner changed, after backing them up
  bool dry_run = false;              ///< say what would happen; write nothing
  std::optional<std::string> lab;    ///< only this lab: "01", "1", "lab01" or "01_vector_add"
  std::string backup_stamp;          ///< "YYYYmmdd-HHMMSS" for backup names; empty: the local time now (tests pin it)
};

/// Generates (or checks) labs/ under @p opts.root. Progress goes to @p out, problems to @p err.
/// @return an exit_code
[[nodiscard]] int run(const options& opts, std::ostream& out, std::ostream& err);

/// Parses command-line arguments (without argv[0]) and calls run().
/// @return an exit_code; usage errors give exit_error
[[nodiscard]] int run_cli(std::span<const std::string> args, std::ostream& out, std::ostream& err);

/// The usage text printed by --help and after usage errors.
[[nodiscard]] std::string usage();

}  // namespace ws::make_starters
