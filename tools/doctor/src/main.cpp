/// @file main.cpp
/// @brief `ws_doctor`: explains this machine to a learner (`./course doctor` runs it).
///
/// Exit status: 0 when everything the course needs to build is there (a machine without a GPU is fine),
/// 1 when g++, cmake, Catch2 or Boost.Context is missing or too old, 2 for a bad command line.

#include <langinfo.h>
#include <unistd.h>

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ws/doctor/analysis.hpp"
#include "ws/doctor/probe.hpp"
#include "ws/doctor/report.hpp"

namespace {

void print_usage() {
  std::puts(
      "usage: ws_doctor [--json | --errors] [--ascii | --utf8] [--color | --no-color] [--root DIR] [--build-dir DIR]\n"
      "\n"
      "  (no option)   what this machine has for the course: CPU, tools, GPU, build, backend, advice\n"
      "  --json        the same facts as JSON (for bug reports and the bench machine record)\n"
      "  --errors      the common CUDA errors, what they mean and how to fix them\n"
      "  --ascii       plain ASCII marks ([ok] [no] [!!]); the default when the locale is not UTF-8\n"
      "  --root DIR    the repository root (default: .); the build is DIR/build/default\n"
      "  --build-dir   another build directory to inspect\n"
      "  --no-gpu      skip the driver and runtime queries");
}

bool locale_is_utf8() {
  std::setlocale(LC_CTYPE, "");
  const char* codeset = nl_langinfo(CODESET);
  return codeset != nullptr && (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0);
}

bool color_wanted() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr && term != nullptr &&
         std::strcmp(term, "dumb") != 0;
}

}  // namespace

int main(int argc, char** argv) {
  enum class mode { report, json, errors } what = mode::report;
  ws::doctor::render_options render;
  render.utf8 = locale_is_utf8();
  render.color = color_wanted();
  ws::doctor::probe_options probe;
  probe.root = ".";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json")
      what = mode::json;
    else if (arg == "--errors")
      what = mode::errors;
    else if (arg == "--ascii")
      render.utf8 = false;
    else if (arg == "--utf8")
      render.utf8 = true;
    else if (arg == "--color")
      render.color = true;
    else if (arg == "--no-color")
      render.color = false;
    else if (arg == "--no-gpu")
      probe.query_gpu = false;
    else if ((arg == "--root" || arg == "--build-dir") && i + 1 < argc)
      (arg == "--root" ? probe.root : probe.build_dir) = argv[++i];
    else if (arg == "-h" || arg == "--help") {
      print_usage();
      return 0;
    } else {
      std::fprintf(stderr, "ws_doctor: unknown option '%s'\n", arg.c_str());
      print_usage();
      return 2;
    }
  }

  const auto facts = ws::doctor::probe_all(probe);
  switch (what) {
    case mode::json:
      std::fputs(ws::doctor::render_json(facts).c_str(), stdout);
      break;
    case mode::errors:
      std::fputs(ws::doctor::render_common_errors(facts, render).c_str(), stdout);
      return 0;
    case mode::report:
      std::fputs(ws::doctor::render_text(facts, render).c_str(), stdout);
      break;
  }
  return ws::doctor::course_ready(facts) ? 0 : 1;
}
