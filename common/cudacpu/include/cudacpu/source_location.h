/// @file
/// @brief `cudacpu::source_location`: where a runtime call or device operation was written, in C++17 too.
///
/// nvcc compiles as C++17 by default, so the stand-in headers must as well; `std::source_location` is C++20. GCC's
/// `__builtin_FILE()`, `__builtin_LINE()` and `__builtin_FUNCTION()` are evaluated at the caller when used as default arguments, in every language mode, which
/// is what `std::source_location::current()` does (without the column, which GCC 12 gives only through
/// `std::source_location`: under C++20 that is used). The member functions have the standard names, and under C++20 a
/// `std::source_location` converts, so code that already holds one can pass it on.
#pragma once

#if __cplusplus >= 202002L && __has_include(<source_location>)
#include <source_location>
#endif

namespace cudacpu {

/// A file, line and function, captured at the call site by `current()`.
class source_location {
 public:
  /// The caller's position (when used as a default argument: the position of the call).
#if defined(__cpp_lib_source_location)
  static constexpr source_location current(std::source_location s = std::source_location::current()) noexcept {
    return source_location(s);
  }
#else
  static constexpr source_location current(const char* file = __builtin_FILE(), int line = __builtin_LINE(),
                                           const char* function = __builtin_FUNCTION()) noexcept {
    return source_location(file, static_cast<unsigned>(line), function);
  }
#endif
  /// An unknown position ("" at line 0).
  constexpr source_location() noexcept = default;
  /// A position known by its parts (`__FILE__`, `__LINE__`, a function name), as glibc's assert hands them over.
  constexpr source_location(const char* file, unsigned line, const char* function) noexcept
      : file_(file), function_(function), line_(line) {}
#if defined(__cpp_lib_source_location)
  /// The same position as a standard one.
  constexpr source_location(const std::source_location& s) noexcept  // NOLINT(google-explicit-constructor)
      : file_(s.file_name()), function_(s.function_name()), line_(s.line()), column_(s.column()) {}
#endif
  /// The file's name as the compiler saw it (the translated file's `#line` gives the learner's path).
  constexpr const char* file_name() const noexcept { return file_; }
  /// The function the position is in.
  constexpr const char* function_name() const noexcept { return function_; }
  /// 1-based line; 0 when unknown.
  constexpr unsigned line() const noexcept { return line_; }
  /// 1-based column; 0 when unknown (C++17).
  constexpr unsigned column() const noexcept { return column_; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  unsigned line_ = 0;
  unsigned column_ = 0;
};

}  // namespace cudacpu
