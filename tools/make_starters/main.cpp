/// @file main.cpp
/// @brief The make_starters command: labs/ generated from solutions/ (see make_starters.h, docs/architecture.md).
#include "make_starters.h"

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return ws::make_starters::run_cli(args, std::cout, std::cerr);
}
