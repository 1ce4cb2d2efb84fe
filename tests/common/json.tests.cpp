/// @file json.tests.cpp
/// @brief Tests of the JSON writer: escaping, numbers, layout, files. Output is also parsed back with nlohmann::json
/// (an independent parser) when it is installed.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "ws/json.hpp"

#if WS_HAVE_NLOHMANN_JSON
#include <nlohmann/json.hpp>
#endif

using ws::json::value;

TEST_CASE("json escapes quotes, backslashes and control characters", "[common][json]") {
    CHECK(ws::json::escape("plain") == R"("plain")");
    CHECK(ws::json::escape("say \"hi\"") == R"("say \"hi\"")");
    CHECK(ws::json::escape("C:\\path") == R"("C:\\path")");
    CHECK(ws::json::escape("a\nb\tc\rd\be\ff") == R"("a\nb\tc\rd\be\ff")");
    CHECK(ws::json::escape(std::string("nul\0x\x01\x1f", 7)) == R"("nul\u0000x\u0001\u001f")");
    CHECK(ws::json::escape("\x7f") == "\"\x7f\"");  // DEL needs no escape in JSON
}

TEST_CASE("json passes valid UTF-8 through and replaces invalid bytes", "[common][json]") {
    CHECK(ws::json::escape("\u00e9t\u00e9 \u2192 \U0001F680") == "\"\u00e9t\u00e9 \u2192 \U0001F680\"");
    CHECK(ws::json::escape("bad\xff") == R"("bad\ufffd")");
    CHECK(ws::json::escape("\xc0\xaf") == R"("\ufffd\ufffd")");          // overlong encoding of '/'
    CHECK(ws::json::escape("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");  // a UTF-16 surrogate
    CHECK(ws::json::escape("\xe2\x82") == R"("\ufffd\ufffd")");           // truncated sequence
}

TEST_CASE("json writes NaN and infinities as null", "[common][json]") {
    value a = value::array({std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<float>::infinity(), 1.5});
    CHECK(a.dump(-1) == "[null,null,null,1.5]");
}

TEST_CASE("json numbers round-trip: shortest doubles and exact 64-bit integers", "[common][json]") {
    value a = value::array({0.1, 1e300, -2.5e-310, 3.0, 0.1f, std::numeric_limits<std::uint64_t>::max(),
                            std::numeric_limits<std::int64_t>::min(), 42, std::size_t{7}});
    CHECK(a.dump(-1) == "[0.1,1e+300,-2.5e-310,3,0.10000000149011612,18446744073709551615,-9223372036854775808,42,7]");
}

TEST_CASE("json values have the kind they were built from", "[common][json]") {
    CHECK(value().type() == ws::json::kind::null);
    CHECK(value(nullptr).type() == ws::json::kind::null);
    CHECK(value(true).type() == ws::json::kind::boolean);
    CHECK(value("text").type() == ws::json::kind::string);  // not bool, though a pointer converts to bool
    CHECK(value(std::string_view("sv")).type() == ws::json::kind::string);
    CHECK(value(3).type() == ws::json::kind::integer);
    CHECK(value(3u).type() == ws::json::kind::unsigned_integer);
    CHECK(value(3.0).type() == ws::json::kind::number);
    CHECK(value(false).dump() == "false");
}

TEST_CASE("json pretty-prints nested objects and arrays in insertion order", "[common][json]") {
    value v = value::object();
    v.set("name", "matmul").set("n", 1024).set("sizes", value::array({1, 2})).set("empty", value::object());
    v.set("none", value::array());
    CHECK(v.dump() ==
          "{\n"
          "  \"name\": \"matmul\",\n"
          "  \"n\": 1024,\n"
          "  \"sizes\": [\n"
          "    1,\n"
          "    2\n"
          "  ],\n"
          "  \"empty\": {},\n"
          "  \"none\": []\n"
          "}");
    CHECK(v.dump(-1) == R"({"name":"matmul","n":1024,"sizes":[1,2],"empty":{},"none":[]})");
}

TEST_CASE("json set replaces an existing key in place and find looks keys up", "[common][json]") {
    value v = value::object();
    v.set("a", 1).set("b", 2).set("a", 3);
    CHECK(v.size() == 2);
    CHECK(v.dump(-1) == R"({"a":3,"b":2})");
    REQUIRE(v.find("b") != nullptr);
    CHECK(v.find("b")->dump() == "2");
    CHECK(v.find("zzz") == nullptr);
    CHECK(value(1).find("a") == nullptr);
}

TEST_CASE("json refuses to set members on a non-object or append to a non-array", "[common][json]") {
    value arr = value::array();
    CHECK_THROWS_AS(arr.set("k", 1), std::logic_error);
    value obj = value::object();
    CHECK_THROWS_AS(obj.push_back(1), std::logic_error);
    value num = 1.0;
    CHECK_THROWS_AS(num.push_back(1), std::logic_error);
}

TEST_CASE("json escapes object keys", "[common][json]") {
    value v = value::object();
    v.set("a\"b\n", true);
    CHECK(v.dump(-1) == R"({"a\"b\n":true})");
}

TEST_CASE("json write_file creates directories and writes the text with a newline", "[common][json]") {
    const auto dir = std::filesystem::temp_directory_path() / "ws_common_json_test";
    std::filesystem::remove_all(dir);
    const auto path = dir / "sub" / "results.json";
    value v = value::object();
    v.set("ok", true);
    ws::json::write_file(path, v);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "{\n  \"ok\": true\n}\n");
    std::filesystem::remove_all(dir);
}

TEST_CASE("json write_file throws naming the path when it cannot write", "[common][json]") {
    const auto blocker = std::filesystem::temp_directory_path() / "ws_common_json_blocker";
    std::ofstream(blocker) << "a file, so it cannot be a directory";
    CHECK_THROWS_WITH(ws::json::write_file(blocker / "x.json", value(1)), Catch::Matchers::Contains("x.json"));
    std::filesystem::remove(blocker);
}

#if WS_HAVE_NLOHMANN_JSON
TEST_CASE("json output parses with an independent parser and keeps every value", "[common][json]") {
    value v = value::object();
    v.set("text", "quote \" backslash \\ newline \n ctrl \x01 unicode \u00e9\U0001F680 bad \xff")
        .set("nan", std::numeric_limits<double>::quiet_NaN())
        .set("big", std::numeric_limits<std::uint64_t>::max())
        .set("tenth", 0.1)
        .set("list", value::array({1, "two", false, nullptr}));
    for (int indent : {-1, 0, 2, 4}) {
        const auto parsed = nlohmann::json::parse(v.dump(indent));
        CHECK(parsed["text"] == "quote \" backslash \\ newline \n ctrl \x01 unicode \u00e9\U0001F680 bad \uFFFD");
        CHECK(parsed["nan"].is_null());
        CHECK(parsed["big"].get<std::uint64_t>() == std::numeric_limits<std::uint64_t>::max());
        CHECK(parsed["tenth"].get<double>() == 0.1);
        CHECK(parsed["list"].dump() == R"([1,"two",false,null])");
    }
}
#endif
