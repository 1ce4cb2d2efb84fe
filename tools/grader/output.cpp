/// @file output.cpp
/// @brief The compiler's first error in a build log, with bounded, linear-time scanning only (tools/test_report's
/// text helpers).
#include "output.hpp"

#include <algorithm>

namespace ws_grade {

using ws_report::append_printable;
using ws_report::contains;
using ws_report::line_reader;
using ws_report::replace_all;
using ws_report::trim;

std::string first_compiler_error(std::string_view log, std::string_view strip, int context) {
  const std::size_t following = static_cast<std::size_t>(std::clamp(context, 0, 50));
  line_reader lines(log);
  std::string_view previous;
  for (std::string_view l; lines.next(l); previous = l) {
    const bool error = contains(l, ": error:") || contains(l, ": fatal error:") || l.starts_with("error: ") ||
                       contains(l, "undefined reference to");
    if (!error) continue;
    std::string out;
    // gcc prints "In function ..." just before; keep it when it is there.
    if (contains(previous, "In function")) (out += previous) += '\n';
    (out += l) += '\n';
    for (std::size_t n = 0; n < following && lines.next(l); ++n) {
      if (l.starts_with("ninja:") || l.starts_with("FAILED:") || l.starts_with("[")) break;
      (out += l) += '\n';
    }
    std::string printable;
    append_printable(printable, trim(replace_all(out, strip, "")), true);
    return printable;
  }
  return "";
}

}  // namespace ws_grade
