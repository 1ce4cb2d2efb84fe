/// @file
/// @brief Runs Catch2's session from a main() in another file than Catch2's implementation (catch_impl.cpp): only
/// that file sees Catch::Session, so a main() elsewhere calls this.
#pragma once

namespace ws_test {

/// Catch2's `Session().run(argc, argv)`: the test cases the command line selects; returns the exit code.
int run_catch(int argc, char* argv[]);

}  // namespace ws_test
