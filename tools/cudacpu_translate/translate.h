/// @file translate.h
/// @brief The CPU backend's source translator: rewrites the three CUDA constructs g++ cannot parse.
///
/// Everything else in a `.cu` file is plain C++ once the runtime headers (common/cudacpu/include) define
/// `__global__`, `threadIdx` & co., so the translator only rewrites
///
/// | CUDA                                   | becomes |
/// |----------------------------------------|---------|
/// | `k<<<g, b[, smem[, stream]]>>>(args…)` | `::cudacpu::launch(::cudacpu::launch_config(g, b[, smem[, stream]]), [&](auto&... ws_args_) { k(ws_args_...); })(args…)` |
/// | `__shared__ T name DIMS;`              | `T (&name) DIMS = ::cudacpu::shared_variable<T DIMS>([]{}, "name");` |
/// | `extern __shared__ T name[];`          | `T* name = ::cudacpu::dynamic_shared<T>();` |
///
/// and keeps every line where it was, so the compiler's messages point at the learner's file (docs/architecture.md).
/// It is a scanner, not a regex: comments and literals are masked first, brackets are matched, so
/// `k<<<(n + 255) / 256, 256>>>(…)`, `k<T, (2 > 1)><<<…>>>` and launches in `#define` bodies all work.
/// The functions here are pure (text in, text out) so the unit tests drive them on strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ws::cudacpu_translate {

/// A construct the translator could not parse, at a 1-based line and column (bytes) of the input.
struct diagnostic {
  int line = 0;
  int column = 0;
  std::string message;
};

/// The translated file: `#include <cuda_runtime.h>`, `#line 1 "<path>"`, then @p source with the three constructs
/// rewritten and the same number of lines.
///
/// @param source  the `.cu` file's bytes (a UTF-8 byte order mark is dropped)
/// @param path    the name written into `#line` (callers pass the absolute path, so errors name the learner's file)
/// @param errors  receives one entry per construct that could not be parsed; the result is meaningless then
[[nodiscard]] std::string translate(std::string_view source, std::string_view path, std::vector<diagnostic>& errors);

/// A header the translated file includes with quotes: `#line 1 "<path>"` and the rewritten body (no
/// `#include <cuda_runtime.h>`: the `.cu` that includes it already has it).
[[nodiscard]] std::string translate_header(std::string_view source, std::string_view path,
                                           std::vector<diagnostic>& errors);

/// One `#include "name"` directive (not in a comment): the byte range of `name`, between the quotes.
struct quoted_include {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string name;
};

/// The `#include "..."` directives of @p source, in order (angle-bracket includes are not listed).
[[nodiscard]] std::vector<quoted_include> quoted_includes(std::string_view source);

/// Only the rewritten body, without the two header lines (what the unit tests compare most of the time).
[[nodiscard]] std::string translate_body(std::string_view source, std::vector<diagnostic>& errors);

/// `path:line:col: error: message` followed by the source line and a caret under the column, like gcc, so editors
/// and terminals jump to the spot.
[[nodiscard]] std::string format_diagnostic(std::string_view path, std::string_view source, const diagnostic& error);

}  // namespace ws::cudacpu_translate
