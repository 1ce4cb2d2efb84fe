/// @file
/// @brief Catch2's implementation, compiled once per build (about 40 s of compiling) and linked into every test
/// binary through ws_test_main_<backend> (ws_test_main.cpp holds main()) or directly (test_report's fake lab).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "catch_run.hpp"

int ws_test::run_catch(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
