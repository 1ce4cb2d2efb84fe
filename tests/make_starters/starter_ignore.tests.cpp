/// @file starter_ignore.tests.cpp
/// @brief Globs of `.starter-ignore`.
#include "starter_ignore.h"

#include <catch2/catch.hpp>

using ws::make_starters::glob_match;
using ws::make_starters::starter_ignore;

TEST_CASE("globs match '*' and '?' within a path component and '**' across them", "[make_starters][ignore]") {
  CHECK(glob_match("*.md", "notes.md"));
  CHECK_FALSE(glob_match("*.md", "notes.mdx"));
  CHECK_FALSE(glob_match("*.md", "docs/notes.md"));
  CHECK(glob_match("note?.md", "notes.md"));
  CHECK_FALSE(glob_match("?", "/"));
  CHECK(glob_match("bench/*.csv", "bench/a.csv"));
  CHECK_FALSE(glob_match("bench/*.csv", "bench/x/a.csv"));
  CHECK(glob_match("bench/**", "bench/x/a.csv"));
  CHECK(glob_match("**/a.csv", "a.csv"));
  CHECK(glob_match("**/a.csv", "x/y/a.csv"));
  CHECK_FALSE(glob_match("**/a.csv", "x/ya.csv"));
  CHECK(glob_match("v[0-9].cu", "v3.cu"));
  CHECK_FALSE(glob_match("v[!0-9].cu", "v3.cu"));
  CHECK(glob_match("[", "["));
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "a"));
}

TEST_CASE(".starter-ignore matches names at any depth, paths from the lab folder, and folders with their contents",
          "[make_starters][ignore]") {
  const auto ignore = starter_ignore::parse(
      "# solution-only material\n"
      "\n"
      "NOTES.md\r\n"
      "  *.orig  \n"
      "/bench/*.csv\n"
      "private/\n"
      "data/big/\n");
  CHECK(ignore.ignores("NOTES.md"));
  CHECK(ignore.ignores("sub/NOTES.md"));
  CHECK(ignore.ignores("kernel.cu.orig"));
  CHECK(ignore.ignores("bench/timings.csv"));
  CHECK_FALSE(ignore.ignores("other/bench/timings.csv"));
  CHECK(ignore.ignores("private/answers.cu"));
  CHECK(ignore.ignores("deep/private/answers.cu"));
  CHECK_FALSE(ignore.ignores("private"));  // a file named like the folder-only pattern
  CHECK(ignore.ignores("data/big/x.bin"));
  CHECK_FALSE(ignore.ignores("data/small/x.bin"));
  CHECK_FALSE(ignore.ignores("kernel.cu"));
  CHECK_FALSE(ignore.ignores("# solution-only material"));
  CHECK(starter_ignore::parse("# only comments\n\n").empty());
}
