/// @file record.tests.cpp
/// @brief FNV-1a and the `labs/.starters` format.
#include "record.h"

#include <catch2/catch.hpp>

using namespace ws::make_starters;

TEST_CASE("FNV-1a matches the published 64-bit test vectors", "[make_starters][record]") {
  CHECK(fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a64("foobar") == 0x85944171f73967e8ULL);
  CHECK(hash_hex("a") == "af63dc4c8601ec8c");
  CHECK(hash_hex("") == "cbf29ce484222325");
}

TEST_CASE("the record is one sorted '<hash>  <path>' line per file and reads back the same",
          "[make_starters][record]") {
  const record entries{{"02_b/z.cu", hash_hex("z")},
                       {"01_a/with space.md", hash_hex("s")},
                       {"01_a/a.cu", hash_hex("a")}};
  const auto text = format_record(entries);
  CHECK(text == hash_hex("a") + "  01_a/a.cu\n" + hash_hex("s") + "  01_a/with space.md\n" + hash_hex("z") +
                    "  02_b/z.cu\n");
  const auto parsed = parse_record(text, "labs/.starters");
  CHECK(parsed.errors.empty());
  CHECK(parsed.entries == entries);
}

TEST_CASE("a record with CRLF endings or blank lines still reads", "[make_starters][record]") {
  const auto parsed = parse_record("\r\naf63dc4c8601ec8c  01_a/a.cu\r\n\n", "labs/.starters");
  CHECK(parsed.errors.empty());
  CHECK(parsed.entries == record{{"01_a/a.cu", "af63dc4c8601ec8c"}});
}

TEST_CASE("a malformed record line, or a path that leaves labs/, is an error naming file:line",
          "[make_starters][record]") {
  const auto line = GENERATE(as<std::string>{}, "af63dc4c8601ec8c 01_a/a.cu", "AF63DC4C8601EC8C  01_a/a.cu",
                             "af63dc4c8601ec8  01_a/a.cu", "af63dc4c8601ec8c  ", "af63dc4c8601ec8c  ../x",
                             "af63dc4c8601ec8c  /etc/passwd", "af63dc4c8601ec8c  01_a/../../x",
                             "af63dc4c8601ec8c  01_a//x");
  const auto parsed = parse_record("af63dc4c8601ec8c  01_a/ok.cu\n" + line + "\n", "labs/.starters");
  INFO(line);
  REQUIRE(parsed.errors.size() == 1);
  CHECK_THAT(parsed.errors[0].to_string(), Catch::Matchers::StartsWith("labs/.starters:2: "));
}
