/// @file record.h
/// @brief `labs/.starters`: the hash of every file make_starters wrote, so it can tell a learner's edit from its own.
///
/// One line per generated file, sorted by path: `<16 hex digits of 64-bit FNV-1a>  <path relative to labs/>`.
/// The format is plain text so that git diffs of it stay readable when the lead commits regenerated labs.
#pragma once

#include "regions.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ws::make_starters {

/// 64-bit FNV-1a: not cryptographic; it only has to notice that a learner edited a file.
[[nodiscard]] std::uint64_t fnv1a64(std::string_view bytes);

/// fnv1a64 as 16 lowercase hex digits, the form stored in the record.
[[nodiscard]] std::string hash_hex(std::string_view bytes);

/// Path relative to labs/ ('/'-separated) → hash_hex of the content make_starters last wrote there.
using record = std::map<std::string, std::string>;

struct parsed_record {
  record entries;
  std::vector<parse_error> errors;
};

/// Reads a record; CRLF and blank lines are tolerated (a checkout with autocrlf must not look corrupt).
[[nodiscard]] parsed_record parse_record(std::string_view text, std::string_view file_name);

/// The record's text: sorted (std::map order is byte order), LF endings, stable across runs.
[[nodiscard]] std::string format_record(const record& entries);

}  // namespace ws::make_starters
