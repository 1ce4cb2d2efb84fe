/// @file regions.tests.cpp
/// @brief The region transformation on strings: hints, indentation, STARTER lines, line endings, parse errors.
#include "regions.h"

#include <catch2/catch.hpp>

#include <string>

using ws::make_starters::lab_tag_for;
using ws::make_starters::make_starter_text;

namespace {

/// The starter of @p text, failing the test if the text does not parse.
std::string starter_of(const std::string& text) {
  const auto r = make_starter_text(text, "lab01", "solutions/01_vector_add/vector_add.cu");
  INFO(text);
  REQUIRE(r.errors.empty());
  return r.text;
}

}  // namespace

TEST_CASE("a region with a hint becomes a TODO line with the hint, then its STARTER lines uncommented",
          "[make_starters][regions]") {
  const std::string solution =
      "__global__ void k() {\n"
      "    // BEGIN SOLUTION: compute this thread's global index\n"
      "    int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
      "    // STARTER: int i = 0;\n"
      "    // END SOLUTION\n"
      "}\n";
  CHECK(starter_of(solution) ==
        "__global__ void k() {\n"
        "    // TODO(lab01): compute this thread's global index\n"
        "    int i = 0;\n"
        "}\n");
}

TEST_CASE("a region without a hint asks for 'your code here'", "[make_starters][regions]") {
  const auto begin = GENERATE(as<std::string>{}, "// BEGIN SOLUTION", "// BEGIN SOLUTION:", "// BEGIN SOLUTION:   ",
                              "//BEGIN SOLUTION", "// BEGIN SOLUTION  ");
  CHECK(starter_of("  " + begin + "\n  x = 1;\n  // END SOLUTION\n") == "  // TODO(lab01): your code here\n");
}

TEST_CASE("the TODO keeps the BEGIN line's indentation and each STARTER line keeps its own",
          "[make_starters][regions]") {
  const std::string solution =
      "\t\t// BEGIN SOLUTION: sum the row\n"
      "\t\tfor (int k = 0; k < n; ++k) acc += a[k];\n"
      "\t\t// STARTER: float acc = 0.0f;\n"
      "\t\t\t// STARTER: (void)n;\n"
      "  // STARTER:   two extra spaces kept\n"
      "\t\t// END SOLUTION\n";
  CHECK(starter_of(solution) ==
        "\t\t// TODO(lab01): sum the row\n"
        "\t\tfloat acc = 0.0f;\n"
        "\t\t\t(void)n;\n"
        "    two extra spaces kept\n");
}

TEST_CASE("all lines of a region other than STARTER lines are dropped, and STARTER lines stay in order",
          "[make_starters][regions]") {
  const std::string solution =
      "// BEGIN SOLUTION: three steps\n"
      "// STARTER: first();\n"
      "solution_line_1();\n"
      "// an ordinary comment inside the region\n"
      "// STARTER: second();\n"
      "\n"
      "solution_line_2();\n"
      "// STARTER: third();\n"
      "// END SOLUTION\n";
  CHECK(starter_of(solution) == "// TODO(lab01): three steps\nfirst();\nsecond();\nthird();\n");
}

TEST_CASE("a STARTER line with nothing after the colon gives an empty line", "[make_starters][regions]") {
  CHECK(starter_of("    // BEGIN SOLUTION\n    // STARTER: a();\n    // STARTER:\n    // STARTER: b();\n"
                   "    // END SOLUTION\n") == "    // TODO(lab01): your code here\n    a();\n\n    b();\n");
}

TEST_CASE("several regions in one file are each replaced, and the text between them is kept",
          "[make_starters][regions]") {
  const std::string solution =
      "int a() {\n"
      "  // BEGIN SOLUTION: return one\n"
      "  return 1;\n"
      "  // STARTER: return 0;\n"
      "  // END SOLUTION\n"
      "}\n"
      "\n"
      "int b() {\n"
      "  // BEGIN SOLUTION\n"
      "  return 2;\n"
      "  // END SOLUTION\n"
      "  return 0;\n"
      "}\n";
  const auto r = make_starter_text(solution, "lab07", "x.cpp");
  REQUIRE(r.errors.empty());
  CHECK(r.regions == 2);
  CHECK(r.text ==
        "int a() {\n"
        "  // TODO(lab07): return one\n"
        "  return 0;\n"
        "}\n"
        "\n"
        "int b() {\n"
        "  // TODO(lab07): your code here\n"
        "  return 0;\n"
        "}\n");
}

TEST_CASE("a file without regions comes back byte for byte", "[make_starters][regions]") {
  const auto text = GENERATE(as<std::string>{},
                             "",                                           // empty
                             "int x = 1;\n",                               // ordinary
                             "int x = 1;",                                 // no final newline
                             "line one\r\nline two\r\n",                   // CRLF
                             "mixed\r\nendings\nand a lone \r in text",    // mixed, no final newline
                             "x = 1; // BEGIN SOLUTION: not first\n",     // marker not first on its line
                             "/* // END SOLUTION */\n",                    // nor here
                             "// BEGIN SOLUTIONS are described below\n",  // a longer word is prose
                             "// STARTER kit\n",                           // no colon: prose
                             "#include <cstdio>\n# define X 1\n",
                             std::string("binary\0// END SOLUTION\n", 23));  // binary: never scanned
  const auto r = make_starter_text(text, "lab01", "f");
  INFO(text);
  CHECK(r.errors.empty());
  CHECK(r.regions == 0);
  CHECK(r.text == text);
}

TEST_CASE("CRLF line endings are kept on the lines a region produces", "[make_starters][regions]") {
  CHECK(starter_of("a\r\n  // BEGIN SOLUTION: hint\r\n  x();\r\n  // STARTER: y();\r\n  // END SOLUTION\r\nb\r\n") ==
        "a\r\n  // TODO(lab01): hint\r\n  y();\r\nb\r\n");
}

TEST_CASE("a region closing a file that has no final newline leaves no newline behind", "[make_starters][regions]") {
  CHECK(starter_of("a\n// BEGIN SOLUTION\nx();\n// STARTER: y();\n// END SOLUTION") ==
        "a\n// TODO(lab01): your code here\ny();");
  CHECK(starter_of("a\n// BEGIN SOLUTION\nx();\n// END SOLUTION\nb") == "a\n// TODO(lab01): your code here\nb");
  CHECK(starter_of("a\r\n// BEGIN SOLUTION\r\nx();\r\n// END SOLUTION") == "a\r\n// TODO(lab01): your code here");
}

TEST_CASE("'#' comments mark regions in CMake, shell and Python files", "[make_starters][regions]") {
  CHECK(starter_of("def f(x):\n    # BEGIN SOLUTION: square x\n    return x * x\n    # STARTER: return 0\n"
                   "    # END SOLUTION\n") == "def f(x):\n    # TODO(lab01): square x\n    return 0\n");
}

TEST_CASE("the lab tag comes from the number of the lab folder", "[make_starters][regions]") {
  CHECK(lab_tag_for("01_vector_add") == "lab01");
  CHECK(lab_tag_for("12_tiled_matmul") == "lab12");
  CHECK(lab_tag_for("vector_add").empty());
  CHECK(lab_tag_for("01").empty());
  CHECK(lab_tag_for("01_").empty());
  CHECK(lab_tag_for("_x").empty());
  const auto r = make_starter_text("// BEGIN SOLUTION: go\n// END SOLUTION\n", lab_tag_for("03_reduce"), "f");
  CHECK(r.text == "// TODO(lab03): go\n");
}

TEST_CASE("malformed regions are errors that name file:line", "[make_starters][regions]") {
  struct bad_case {
    std::string text;
    std::string error;
  };
  const auto c = GENERATE(values<bad_case>({
      {"a\n// BEGIN SOLUTION\nb\n// BEGIN SOLUTION\nc\n// END SOLUTION\n",
       "f.cu:4: BEGIN SOLUTION inside the region opened at line 2"},
      {"a\nb\n  // BEGIN SOLUTION: never closed\nc\n", "f.cu:3: BEGIN SOLUTION is never closed by END SOLUTION"},
      {"a\n// END SOLUTION\n", "f.cu:2: END SOLUTION without a BEGIN SOLUTION before it"},
      {"// STARTER: int i = 0;\n", "f.cu:1: STARTER line outside a BEGIN SOLUTION ... END SOLUTION region"},
      {"\n// BEGIN SOLUTION compute i\n// END SOLUTION\n", "f.cu:2: expected ':' between BEGIN SOLUTION and its hint"},
      {"// BEGIN SOLUTION\n// END SOLUTION: done\n", "f.cu:2: unexpected text after END SOLUTION"},
      {"// BEGIN SOLUTION\n// STARTER int i = 0;\n// END SOLUTION\n", "f.cu:2: STARTER needs a colon"},
  }));
  const auto r = make_starter_text(c.text, "lab01", "f.cu");
  INFO(c.text);
  REQUIRE(!r.errors.empty());
  CHECK_THAT(r.errors.front().to_string(), Catch::Matchers::StartsWith(c.error));
}

TEST_CASE("every malformed region of a file is reported, not just the first", "[make_starters][regions]") {
  const auto r = make_starter_text("// END SOLUTION\nok\n// STARTER: x\n// BEGIN SOLUTION\n", "lab01", "f.cu");
  REQUIRE(r.errors.size() == 3);
  CHECK(r.errors[0].line == 1);
  CHECK(r.errors[1].line == 3);
  CHECK(r.errors[2].line == 4);
}
