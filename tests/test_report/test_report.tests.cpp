/// @file test_report.tests.cpp
/// @brief The Catch2 XML reader (tools/test_report/test_report.hpp) on reports captured from lab 01's test binaries
/// (data/: the solution passing, the starter failing, the cuda binary without a GPU), on every cut of a report (what
/// a crash leaves), and on hostile XML: entities, fake closing tags, huge text, NULs, deep nesting, garbage.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "test_report.hpp"

namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using ws_report::parse_catch2_xml;
using ws_report::test_report;

using namespace std::string_literals;

std::string data(const std::string& name) {
  std::ifstream in(std::string(WS_TEST_REPORT_DATA) + "/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Every string of the report is printable ('\n' allowed in messages) and bounded.
void check_printable(const test_report& r) {
  const auto ok = [](const std::string& s, bool newlines) {
    INFO(s.substr(0, 200));
    CHECK(s.size() <= ws_report::k_max_field_bytes + 3);
    for (const char c : s) {
      const auto u = static_cast<unsigned char>(c);
      CHECK(((u >= 0x20 && u != 0x7f) || (newlines && c == '\n')));
    }
  };
  CHECK(r.cases.size() <= ws_report::k_max_cases_kept);
  for (const auto& c : r.cases) {
    ok(c.name, false);
    ok(c.file, false);
    ok(c.std_out, true);
    CHECK(c.failures.size() <= ws_report::k_max_failures_kept);
    CHECK(c.failures.size() <= c.failure_count);
    for (const auto& f : c.failures) {
      ok(f.file, false);
      ok(f.macro, false);
      ok(f.expression, true);
      ok(f.expanded, true);
      ok(f.message, true);
      ok(f.section, false);
    }
  }
}

/// A one-case report whose first failed check's expression is `original` (already XML text).
std::string with_original(const std::string& original) {
  return "<Catch><Group><TestCase name=\"t\" filename=\"/w/t.cpp\" line=\"3\">"
         "<Expression success=\"false\" type=\"CHECK\" filename=\"/w/t.cpp\" line=\"4\"><Original>" +
         original + "</Original><Expanded>x</Expanded></Expression><OverallResult success=\"false\"/></TestCase>"
         "</Group></Catch>";
}

const std::string k_first = "vector add on the GPU matches the CPU reference on sizes around the block size";

}  // namespace

TEST_CASE("a passing run of lab 01's solution reads as seven passed test cases", "[report]") {
  const test_report r = parse_catch2_xml(data("lab01_solutions_gpu.xml"));
  CHECK(r.started);
  CHECK(r.complete);
  CHECK_FALSE(r.ended_early());
  CHECK(r.passed_count == 7);
  CHECK(r.failed_count == 0);
  REQUIRE(r.cases.size() == 7);
  CHECK(r.cases[0].name == k_first);
  CHECK(r.cases[0].file == "/work/main/tests/lab01_vector_add.tests.cpp");
  CHECK(r.cases[0].line == 61);
  CHECK(r.cases[6].name == "an unknown SAXPY version is rejected by name");
  for (const auto& c : r.cases) {
    CHECK(c.finished);
    CHECK(c.passed);
    CHECK(c.failure_count == 0);
  }
  CHECK(r.find("SAXPY may write its result over y") != nullptr);
  CHECK(r.find("SAXPY may write its result over") == nullptr);  // exact names only
  CHECK(r.unfinished() == nullptr);
  CHECK(parse_catch2_xml(data("lab01_starter_cpu.xml")).passed_count == 2);
}

TEST_CASE("a failing run of lab 01's starter gives each failed check with its INFO messages", "[report]") {
  const test_report r = parse_catch2_xml(data("lab01_starter_gpu.xml"));
  CHECK(r.complete);
  CHECK(r.passed_count == 2);
  CHECK(r.failed_count == 5);
  REQUIRE(r.cases.size() == 7);
  const auto& first = r.cases[0];
  CHECK_FALSE(first.passed);
  CHECK(first.finished);
  CHECK(first.failure_count == 48);  // one <Expression success="false"> per size and block size
  REQUIRE_FALSE(first.failures.empty());
  const auto& check = first.failures[0];
  CHECK(check.file == "/work/main/tests/lab01_vector_add.tests.cpp");
  CHECK(check.line == 80);
  CHECK(check.macro == "CHECK");
  CHECK(check.expression == "report.ok()");
  CHECK(check.expanded == "false");
  CHECK_THAT(check.message, StartsWith("n=1 block_size=32\nc: 1 of 1 elements differ"));
  CHECK(r.cases[1].failure_count == 96);
  CHECK(r.cases[1].failures.size() == ws_report::k_max_failures_kept);
  CHECK(r.cases[5].passed);
  // The '>' of "> before" is written unescaped by Catch2 in text: it stays text.
  CHECK(r.cases[4].failures.back().expression == "*ws_test::kernel_launches() > before");
  CHECK(r.cases[4].failures.back().expanded == "0 > 0");
  check_printable(r);
}

TEST_CASE("the cuda binary without a GPU writes no report: nothing started, nothing passed", "[report]") {
  // It prints its SKIPPED line (data/lab01_cuda_no_gpu.out) and exits 77 before Catch2 runs.
  CHECK_THAT(data("lab01_cuda_no_gpu.out"), StartsWith("SKIPPED: no usable CUDA device"));
  const test_report r = parse_catch2_xml("");
  CHECK_FALSE(r.started);
  CHECK(r.ended_early());
  CHECK(r.total_count() == 0);
  CHECK(parse_catch2_xml(data("lab01_cuda_no_gpu.out")).total_count() == 0);
}

TEST_CASE("every cut of a report reads as a run that ended early, inside the test case it cut", "[report]") {
  const std::string xml = data("lab01_solutions_gpu.xml");
  const std::size_t third = xml.find("<TestCase name=\"SAXPY may write");
  REQUIRE(third != std::string::npos);
  const std::size_t third_open = xml.find('>', third) + 1;                          // its start tag is whole
  const std::size_t third_done = xml.find("/>", xml.find("<OverallResult", third)) + 2;  // its verdict is written
  for (std::size_t n = 0; n <= xml.rfind('>'); ++n) {  // every cut before the last '>' of </Catch>
    const test_report r = parse_catch2_xml(std::string_view(xml).substr(0, n));
    INFO("cut at " << n);
    REQUIRE(r.ended_early());
    CHECK(r.passed_count <= 7);
    if (n >= third_open && n < third_done) {  // inside the third test case: two passed, the third never ended
      CHECK(r.passed_count == 2);
      REQUIRE(r.unfinished() != nullptr);
      CHECK(r.unfinished()->name == "SAXPY may write its result over y");
    }
  }
  CHECK_FALSE(parse_catch2_xml(xml).ended_early());
  const std::string failing = data("lab01_starter_gpu.xml");
  for (std::size_t n = 0; n < failing.size(); n += 997) {
    const test_report r = parse_catch2_xml(std::string_view(failing).substr(0, n));
    CHECK(r.ended_early());
    CHECK(r.passed_count <= 2);
    check_printable(r);
  }
}

TEST_CASE("entities are decoded, control characters shown as '?'", "[report]") {
  const test_report r = parse_catch2_xml(with_original("a &lt; b &amp;&amp; c &gt; d &quot;q&quot; &apos;s&apos; "
                                                       "&#65;&#x42;&#X43; &#0;&#x1b;[31m&#x9b; &#xD800; &bogus; & "
                                                       "&#x110000; \xC2\x9B \x01"));
  REQUIRE(r.cases.size() == 1);
  REQUIRE(r.cases[0].failures.size() == 1);
  CHECK(r.cases[0].failures[0].expression ==
        "a < b && c > d \"q\" 's' ABC ??[31m? &#xD800; &bogus; & &#x110000; ? ?");
  // Attributes too: a test case's name.
  const test_report n = parse_catch2_xml("<Catch><TestCase name=\"a &amp; b&#10;c\"><OverallResult success=\"true\"/>"
                                         "</TestCase></Catch>");
  REQUIRE(n.cases.size() == 1);
  CHECK(n.cases[0].name == "a & b?c");
  CHECK(n.cases[0].passed);
}

TEST_CASE("closing tags inside a check's text are text, and a case passes only by its OverallResult", "[report]") {
  // What Catch2 writes for CHECK(s == "</Expression></TestCase><OverallResult success=\"true\"/>").
  const test_report r = parse_catch2_xml(
      with_original("s == \"&lt;/Expression>&lt;/TestCase>&lt;OverallResult success=\"true\"/>\""));
  REQUIRE(r.cases.size() == 1);
  CHECK_FALSE(r.cases[0].passed);
  CHECK(r.cases[0].failures[0].expression == "s == \"</Expression></TestCase><OverallResult success=\"true\"/>\"");
  // Raw tags (not what Catch2 writes) end elements early; the case is still not passed.
  const test_report raw = parse_catch2_xml(with_original("x</Expression></TestCase>"));
  REQUIRE(raw.cases.size() == 1);
  CHECK_FALSE(raw.cases[0].passed);
  CHECK(raw.failed_count == 1);
  // An OverallResult outside a test case, or inside an Expression, passes nothing.
  const test_report stray = parse_catch2_xml(
      "<Catch><OverallResult success=\"true\"/><TestCase name=\"t\"><Expression success=\"false\">"
      "<OverallResult success=\"true\"/></Expression></TestCase></Catch>");
  REQUIRE(stray.cases.size() == 1);
  CHECK_FALSE(stray.cases[0].passed);
  CHECK(stray.passed_count == 0);
}

TEST_CASE("FAIL, exceptions, fatal signals and sections are failed checks with their messages", "[report]") {
  const test_report r = parse_catch2_xml(
      "<Catch><Group><TestCase name=\"t\" filename=\"/w/t.cpp\" line=\"1\">"
      "<Section name=\"outer\" filename=\"/w/t.cpp\" line=\"2\"><Section name=\"inner\">"
      "<Info>n = 3</Info><Failure filename=\"/w/t.cpp\" line=\"5\">explicit</Failure>"
      "</Section></Section>"
      "<Expression success=\"false\" type=\"REQUIRE_NOTHROW\" filename=\"/w/t.cpp\" line=\"6\"><Original>f()</Original>"
      "<Expanded>f()</Expanded><Exception filename=\"/w/t.cpp\" line=\"6\">boom</Exception></Expression>"
      "<Exception filename=\"/w/t.cpp\" line=\"7\">unexpected</Exception>"
      "<FatalErrorCondition filename=\"/w/t.cpp\" line=\"8\">SIGSEGV - Segmentation violation signal"
      "</FatalErrorCondition>"
      "<Warning>just a warning</Warning>"
      "<Expression success=\"true\" type=\"CHECK\"><Original>ok</Original></Expression>"
      "<OverallResult success=\"false\"><StdOut>printed &amp; captured</StdOut></OverallResult>"
      "</TestCase></Group></Catch>");
  REQUIRE(r.cases.size() == 1);
  const auto& c = r.cases[0];
  CHECK(c.std_out == "printed & captured");
  REQUIRE(c.failures.size() == 4);
  CHECK(c.failure_count == 4);
  CHECK(c.failures[0].macro == "FAIL");
  CHECK(c.failures[0].line == 5);
  CHECK(c.failures[0].message == "n = 3\nexplicit");
  CHECK(c.failures[0].section == "outer / inner");
  CHECK(c.failures[1].macro == "REQUIRE_NOTHROW");
  CHECK(c.failures[1].message == "boom");
  CHECK(c.failures[1].section.empty());
  CHECK(c.failures[2].macro == "exception");
  CHECK(c.failures[2].message == "unexpected");
  CHECK(c.failures[3].macro == "fatal error");
  CHECK(c.failures[3].line == 8);
}

TEST_CASE("hostile XML: huge text, NULs, deep nesting, garbage and cuts inside tags, quickly", "[report][hostile]") {
  const auto started = std::chrono::steady_clock::now();
  const std::string head = "<Catch><TestCase name=\"t\">";
  // A 10 MB expression, a 10 MB attribute, a 10 MB line of '<', of '&', NULs.
  const std::string huge(10u << 20, 'x');
  check_printable(parse_catch2_xml(with_original(huge)));
  CHECK(parse_catch2_xml(with_original(huge)).cases[0].failures[0].expression.size() <=
        ws_report::k_max_field_bytes + 3);
  check_printable(parse_catch2_xml("<Catch><TestCase name=\"" + huge + "\"><OverallResult success=\"true\"/>"));
  check_printable(parse_catch2_xml(head + std::string(10u << 20, '<')));
  check_printable(parse_catch2_xml(with_original(std::string(10u << 20, '&'))));
  check_printable(parse_catch2_xml(with_original(std::string(1u << 20, '\0') + "&#0;")));
  check_printable(parse_catch2_xml(std::string(1u << 20, '\0')));
  // Deep nesting, open and closed.
  std::string deep = head;
  for (int i = 0; i < 200000; ++i) deep += "<Section name=\"s\">";
  deep += "<Failure>deep</Failure>";
  for (int i = 0; i < 200000; ++i) deep += "</Section>";
  deep += "<OverallResult success=\"true\"/></TestCase></Catch>";
  const test_report d = parse_catch2_xml(deep);
  CHECK(d.complete);
  REQUIRE(d.cases.size() == 1);
  CHECK(d.cases[0].passed);
  // End tags that close nothing; many unclosed elements; attributes without quotes or values; comments, CDATA.
  std::string garbage = head;
  for (int i = 0; i < 100000; ++i) garbage += "</Nope><Other a=b c d=\"\" e='f'>";
  garbage += "<!-- a comment <TestCase> --><![CDATA[<Catch>]]><?pi?><!DOCTYPE x>";
  check_printable(parse_catch2_xml(garbage));
  // Cuts inside a tag, a quote, a comment, an entity.
  for (const std::string& cut : {"<Catch><TestCase name=\"t"s, "<Catch><TestCase name=\"t\" "s, "<Catch><!-- "s,
                                 "<Catch><TestCase name='x'><Info>&am"s, "<Catch></Ca"s, "<"s, "</"s, "<!"s, "&"s}) {
    INFO(cut);
    const test_report r = parse_catch2_xml(cut);
    CHECK(r.ended_early());
    check_printable(r);
  }
  // A million test cases: all counted, a bounded number kept.
  std::string many = "<Catch>";
  for (int i = 0; i < 1000000; ++i) many += "<TestCase name=\"c\"><OverallResult success=\"true\"/></TestCase>";
  many += "</Catch>";
  const test_report m = parse_catch2_xml(many);
  CHECK(m.passed_count == 1000000);
  CHECK(m.cases.size() == ws_report::k_max_cases_kept);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(seconds < 20);  // about a second in practice; a quadratic reader would take hours
}
