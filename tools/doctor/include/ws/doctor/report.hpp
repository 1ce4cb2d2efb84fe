/// @file report.hpp
/// @brief Renders facts and advice for people (sections with ✓ ✗ !) and for programs (JSON).
#pragma once

#include <cstdint>
#include <string>

#include "ws/doctor/facts.hpp"

namespace ws::doctor {

struct render_options {
  bool utf8 = true;    ///< ✓ ✗ ! and ≥; false gives plain ASCII for LANG=C terminals and old consoles
  bool color = false;  ///< ANSI colours on the marks
  int width = 100;     ///< where paragraphs wrap
};

/// The human report: This machine, Tools, GPU, Build, Backend, Advice.
std::string render_text(const facts& f, const render_options& options);

/// The "Common errors" help (`./course doctor --errors`).
std::string render_common_errors(const facts& f, const render_options& options);

/// The same facts and conclusions as one JSON object (schema "ws-doctor/1"), ending in a newline.
std::string render_json(const facts& f);

/// A byte count for people: "7.7 GiB", "512 MiB", "0 B".
std::string format_bytes(std::uint64_t bytes);

}  // namespace ws::doctor
