/// @file witness.tests.cpp
/// @brief The grader's reading and comparing of witnesses (tools/grader/witness.hpp): what the test side writes
/// (tests/support/witness.cpp) reads back, every kind of mismatch is named, and no malformed file crashes or
/// allocates beyond its size.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "support/witness.hpp"
#include "witness.hpp"

using ws_grade::compare_witnesses;
using ws_grade::parse_witnesses;
using ws_grade::witness_record;

namespace {

witness_record values(const std::string& label, std::vector<double> v, double abs = 0, double rel = 0) {
  witness_record r;
  r.label = label;
  r.values = std::move(v);
  r.tol_abs = abs;
  r.tol_rel = rel;
  return r;
}

witness_record verdict(const std::string& label, bool v) {
  witness_record r;
  r.label = label;
  r.verdict = true;
  r.values = {v ? 1.0 : 0.0};
  return r;
}

std::vector<witness_record> round_trip(const std::vector<witness_record>& records) {
  std::string error;
  const auto parsed = parse_witnesses(ws_grade::serialize_witnesses(records), error);
  REQUIRE(parsed);
  return *parsed;
}

}  // namespace

TEST_CASE("what the test side writes, the grader reads back", "[witness]") {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("ws-witness-" + std::to_string(::getpid()) + ".bin");
  std::filesystem::remove(file);
  REQUIRE(::setenv("WS_WITNESS_FILE", file.c_str(), 1) == 0);
  ws_test::witness("c n=3", std::vector<float>{1.5f, -2.0f, NAN}, ws::tolerance{0.25, 0.125});
  ws_test::witness("launched a kernel", true);
  ws_test::witness("count", std::int64_t{42});
  ws_test::witness("ints", std::vector<int>{7, -7});
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(file);

  std::string error;
  const auto records = parse_witnesses(bytes.str(), error);
  INFO(error);
  REQUIRE(records);
  REQUIRE(records->size() == 4);
  CHECK((*records)[0].label == "c n=3");
  CHECK((*records)[0].tol_abs == 0.25);
  CHECK((*records)[0].tol_rel == 0.125);
  REQUIRE((*records)[0].values.size() == 3);
  CHECK((*records)[0].values[1] == -2.0);
  CHECK(std::isnan((*records)[0].values[2]));
  CHECK((*records)[1].verdict);
  CHECK((*records)[1].values == std::vector<double>{1.0});
  CHECK((*records)[2].values == std::vector<double>{42.0});
  CHECK((*records)[3].values == std::vector<double>{7.0, -7.0});
}

TEST_CASE("matching witnesses pass; each kind of difference is named", "[witness]") {
  const std::vector<witness_record> reference = {values("c n=4", {1.0, 2.0, NAN, 4.0}, 0.01, 0), verdict("kernel", true)};
  CHECK(compare_witnesses(reference, round_trip(reference)).empty());

  SECTION("within twice the reference's tolerance") {
    CHECK(compare_witnesses(reference, {values("c n=4", {1.019, 2.0, NAN, 4.0}), verdict("kernel", true)}).empty());
  }
  SECTION("a value off by more") {
    const std::string why = compare_witnesses(reference, {values("c n=4", {1.0, 2.0, NAN, 4.03}), verdict("kernel", true)});
    CHECK(why.find("\"c n=4\"") != std::string::npos);
    CHECK(why.find("element 3") != std::string::npos);
  }
  SECTION("NaN where a number belongs, and a number where NaN belongs") {
    CHECK_FALSE(compare_witnesses(reference, {values("c n=4", {NAN, 2.0, NAN, 4.0}), verdict("kernel", true)}).empty());
    CHECK_FALSE(compare_witnesses(reference, {values("c n=4", {1.0, 2.0, 3.0, 4.0}), verdict("kernel", true)}).empty());
  }
  SECTION("the learner's own tolerance is not believed") {
    CHECK_FALSE(compare_witnesses(reference, {values("c n=4", {9.0, 9.0, NAN, 9.0}, 1e9, 1e9), verdict("kernel", true)})
                    .empty());
  }
  SECTION("a verdict that came out the other way") {
    const std::string why = compare_witnesses(reference, {values("c n=4", {1.0, 2.0, NAN, 4.0}), verdict("kernel", false)});
    CHECK(why.find("\"kernel\" came out false") != std::string::npos);
  }
  SECTION("fewer, more, other or reordered results") {
    CHECK(compare_witnesses(reference, {values("c n=4", {1.0, 2.0, NAN, 4.0})}).find("stopped before") !=
          std::string::npos);
    CHECK_FALSE(compare_witnesses(reference, {}).empty());
    std::vector<witness_record> more = reference;
    more.push_back(verdict("kernel", true));
    CHECK_FALSE(compare_witnesses(reference, more).empty());
    CHECK_FALSE(compare_witnesses(reference, {verdict("kernel", true), values("c n=4", {1.0, 2.0, NAN, 4.0})}).empty());
    CHECK_FALSE(compare_witnesses(reference, {values("c n=4", {1.0, 2.0, NAN}), verdict("kernel", true)}).empty());
  }
}

TEST_CASE("malformed witness files are refused in one line, never read past their end", "[witness]") {
  const std::string good = ws_grade::serialize_witnesses({values("c", {1, 2, 3}), verdict("v", true)});
  std::string error;
  const std::size_t first = ws_grade::serialize_witnesses({values("c", {1, 2, 3})}).size();
  for (std::size_t cut = 1; cut < good.size(); ++cut) {
    INFO("cut at " << cut);
    if (cut == first) {
      CHECK(parse_witnesses(good.substr(0, cut), error)->size() == 1);  // a whole record: the comparison counts
    } else {
      CHECK_FALSE(parse_witnesses(good.substr(0, cut), error));
    }
  }
  CHECK(parse_witnesses("", error));  // no record at all: the comparison says so, not the parser
  CHECK_FALSE(parse_witnesses("Passed", error));
  // A count of 2^61 values in a file of a few bytes: refused without allocating.
  std::string huge = good.substr(0, 4 + 4 + 1 + 1 + 16);
  const std::uint64_t count = std::uint64_t{1} << 61;
  huge.append(reinterpret_cast<const char*>(&count), sizeof count);
  CHECK_FALSE(parse_witnesses(huge, error));
  // Random bytes and random mutations of a good file: a verdict either way, never a crash.
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string mutated = good;
    for (int flips = 0; flips < 3; ++flips) mutated[rng() % mutated.size()] = static_cast<char>(rng());
    (void)parse_witnesses(mutated, error);
  }
}
