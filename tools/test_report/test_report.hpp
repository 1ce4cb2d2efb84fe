/// @file test_report.hpp
/// @brief The one reader of a Catch2 2.13 test run: its XML report (`--reporter xml`) becomes a test_report, the
/// test cases with their verdicts and failed checks.
///
/// The XML is written by a learner's program (the grader runs submissions), so it is hostile: any bytes, unclosed or
/// mismatched tags, huge text, NULs, a document that simply stops (the process crashed). parse_catch2_xml never
/// throws for what the text holds, uses no std::regex, runs in time linear in the text's size (nesting is followed to
/// k_max_depth elements, each end tag looked for at most that deep), keeps bounded copies only (k_max_field_bytes per
/// field, k_max_failures_kept checks per case, k_max_cases_kept cases) and returns printable text: entities decoded
/// (&lt; &gt; &amp; &quot; &apos; &#N; &#xH;), every control byte but '\n' shown as '?'.
///
/// What Catch2 writes (catch.hpp, XmlReporter), and what is read from it:
///
///     <Catch name=...><Group name=...>
///       <TestCase name=... filename=... line=...>
///         <Section name=...> ... <OverallResults .../></Section>
///         <Info>message</Info>                       (INFO/CAPTURE of a failed check, written before it)
///         <Expression success="false" type="REQUIRE" filename=... line=...>
///           <Original>x == 2</Original><Expanded>1 == 2</Expanded>
///           [<Exception|FatalErrorCondition|Failure filename line>text</...>]
///         </Expression>
///         <Failure|Exception|FatalErrorCondition filename=... line=...>text</...>   (FAIL, an exception, a signal)
///         <OverallResult success="true|false"><StdOut/><StdErr/></OverallResult>
///       </TestCase>
///       <OverallResults .../><OverallResultsCases .../>
///     </Group><OverallResults .../><OverallResultsCases .../></Catch>
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ws_report {

/// A field (an expression, a message, a test case's name) is cut to this many bytes (then "..." follows).
inline constexpr std::size_t k_max_field_bytes = 2000;
/// Failed checks kept per test case (all are counted).
inline constexpr std::size_t k_max_failures_kept = 64;
/// Test cases kept per report (all are counted).
inline constexpr std::size_t k_max_cases_kept = 10000;
/// Elements nested deeper than this are skipped (their text is not read); Catch2 nests sections a few deep.
inline constexpr std::size_t k_max_depth = 128;

/// One failed check: an assertion, a FAIL, an unexpected exception or a fatal signal.
struct failed_check {
  std::string file;        ///< as Catch2 wrote it (an absolute path, usually)
  long line = 0;           ///< 0 when not given
  std::string macro;       ///< "REQUIRE", "CHECK_THAT", ...; "FAIL", "exception", "fatal error" without an expression
  std::string expression;  ///< the source text of the check (<Original>), "" for FAIL and friends
  std::string expanded;    ///< its values (<Expanded>)
  std::string message;     ///< INFO/CAPTURE messages, then the failure's own text, '\n'-separated
  std::string section;     ///< the sections it ran in, "outer / inner"; "" outside sections
};

/// One test case as the report tells it.
struct test_case_result {
  std::string name;
  std::string file;
  long line = 0;
  bool finished = false;  ///< its <OverallResult> was written (false: the process stopped inside it)
  bool passed = false;    ///< finished, and Catch2 said success="true"
  std::vector<failed_check> failures;  ///< the first k_max_failures_kept
  std::size_t failure_count = 0;       ///< all of them
  std::string std_out;                 ///< what it printed through std::cout (Catch2 captures it), cut
  std::string std_err;                 ///< std::cerr / std::clog, cut
};

/// A whole run.
struct test_report {
  bool started = false;   ///< a <Catch> element was seen
  bool complete = false;  ///< </Catch> was seen: the run ended normally (no crash, no kill)
  std::vector<test_case_result> cases;  ///< in the order they ran, the first k_max_cases_kept
  std::size_t passed_count = 0;         ///< test cases that finished and passed (kept or not)
  std::size_t failed_count = 0;         ///< test cases that finished and failed, or never finished

  /// Test cases seen (started), kept or not.
  std::size_t total_count() const { return passed_count + failed_count; }
  /// The output ended early: no </Catch> (the process crashed, was killed, or never started Catch2).
  bool ended_early() const { return !complete; }
  /// The kept test case named exactly `name`, or nullptr.
  const test_case_result* find(std::string_view name) const;
  /// The test case that started but never finished (where a crash or a hang happened), or nullptr.
  const test_case_result* unfinished() const;
};

/// Reads a Catch2 2.13 XML report (any text: see the file's comment). Never throws for the content.
test_report parse_catch2_xml(std::string_view xml);

/// Decodes XML entities in `raw` and appends the result to `out`, printable (append_printable, newlines kept),
/// stopping once `out` holds `cap` bytes; true when everything fit. An unknown or malformed entity stays as written.
bool append_xml_text(std::string& out, std::string_view raw, std::size_t cap);

}  // namespace ws_report
