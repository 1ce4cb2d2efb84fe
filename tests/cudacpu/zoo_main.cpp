/// @file
/// @brief Catch2 main for the cudacpu kernel zoo (the test cases live in the zoo_*.cu files).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
