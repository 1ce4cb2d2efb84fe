/// @file
/// @brief The test side of the grader's witnesses (witness.hpp): append one record per call to $WS_WITNESS_FILE.
#include "witness.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace ws_test {

namespace {

enum class kind : std::uint8_t { values = 0, verdict = 1 };

/// The file the grader asked for, opened once (append-only); -1 outside the grader.
int witness_fd() {
  static const int fd = [] {
    const char* path = std::getenv("WS_WITNESS_FILE");
    if (path == nullptr || *path == '\0') return -1;
    return ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  }();
  return fd;
}

void put(std::string& out, const void* data, std::size_t size) {
  out.append(static_cast<const char*>(data), size);
}

template <class T>
void put_value(std::string& out, T value) {
  put(out, &value, sizeof value);
}

void write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return;  // a full disk or a closed file: the grader sees a short record and fails the test
    done += static_cast<std::size_t>(n);
  }
}

template <class T>
void write_record(std::string_view label, kind k, std::span<const T> values, ws::tolerance tol) {
  const int fd = witness_fd();
  if (fd < 0) return;
  std::string out;
  out.reserve(64 + label.size() + values.size() * sizeof(double));
  put(out, "WSW1", 4);
  put_value(out, static_cast<std::uint32_t>(label.size()));
  put(out, label.data(), label.size());
  put_value(out, static_cast<std::uint8_t>(k));
  put_value(out, tol.abs);
  put_value(out, tol.rel);
  put_value(out, static_cast<std::uint64_t>(values.size()));
  for (const T v : values) put_value(out, static_cast<double>(v));
  write_all(fd, out);
}

}  // namespace

void witness(std::string_view label, std::span<const float> values, ws::tolerance tol) {
  write_record(label, kind::values, values, tol);
}

void witness(std::string_view label, std::span<const double> values, ws::tolerance tol) {
  write_record(label, kind::values, values, tol);
}

void witness(std::string_view label, std::span<const int> values) {
  write_record(label, kind::values, values, ws::tolerance::exact());
}

void witness(std::string_view label, bool verdict) {
  const double v = verdict ? 1.0 : 0.0;
  write_record(label, kind::verdict, std::span<const double>(&v, 1), ws::tolerance::exact());
}

void witness(std::string_view label, std::int64_t value) {
  const double v = static_cast<double>(value);
  write_record(label, kind::values, std::span<const double>(&v, 1), ws::tolerance::exact());
}

}  // namespace ws_test
