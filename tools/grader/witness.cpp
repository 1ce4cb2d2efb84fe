/// @file witness.cpp
/// @brief Reading and comparing witness records (witness.hpp).
#include "witness.hpp"

#include <cmath>
#include <cstring>
#include <sstream>

namespace ws_grade {

namespace {

/// Reads fixed-size fields from a byte string without ever reading past its end.
class reader {
public:
  explicit reader(const std::string& bytes) : bytes_(bytes) {}

  template <class T>
  bool get(T& value) {
    if (bytes_.size() - at_ < sizeof(T)) return false;
    std::memcpy(&value, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return true;
  }
  bool get_string(std::size_t size, std::string& out) {
    if (bytes_.size() - at_ < size) return false;
    out.assign(bytes_, at_, size);
    at_ += size;
    return true;
  }
  [[nodiscard]] std::size_t left() const { return bytes_.size() - at_; }
  [[nodiscard]] std::size_t at() const { return at_; }

private:
  const std::string& bytes_;
  std::size_t at_ = 0;
};

template <class T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

std::string quoted(const std::string& label) {
  std::string shown = label.size() > 200 ? label.substr(0, 200) + "..." : label;
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return "\"" + shown + "\"";
}

bool close_enough(double reference, double learner, double abs, double rel) {
  if (std::isnan(reference) || std::isnan(learner)) return std::isnan(reference) && std::isnan(learner);
  if (std::isinf(reference) || std::isinf(learner)) return reference == learner;
  return std::abs(learner - reference) <= 2 * (abs + rel * std::abs(reference));
}

}  // namespace

std::optional<std::vector<witness_record>> parse_witnesses(const std::string& bytes, std::string& error) {
  std::vector<witness_record> records;
  reader in(bytes);
  while (in.left() > 0) {
    const std::size_t start = in.at();
    std::string magic;
    std::uint32_t label_size = 0;
    std::uint8_t kind = 0;
    std::uint64_t count = 0;
    witness_record r;
    if (!in.get_string(4, magic) || magic != "WSW1") {
      error = "record " + std::to_string(records.size() + 1) + " (byte " + std::to_string(start) + ") is not a record";
      return std::nullopt;
    }
    if (!in.get(label_size) || label_size > in.left() || !in.get_string(label_size, r.label) || !in.get(kind) ||
        kind > 1 || !in.get(r.tol_abs) || !in.get(r.tol_rel) || !in.get(count) || count > in.left() / sizeof(double)) {
      error = "record " + std::to_string(records.size() + 1) + " is cut short or malformed";
      return std::nullopt;
    }
    r.verdict = kind == 1;
    r.values.resize(count);
    for (double& v : r.values) in.get(v);
    records.push_back(std::move(r));
  }
  return records;
}

std::string compare_witnesses(const std::vector<witness_record>& reference, const std::vector<witness_record>& learner) {
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const witness_record& want = reference[i];
    if (i >= learner.size()) {
      return "it stopped before reporting its result " + quoted(want.label) + " (" + std::to_string(i) + " of " +
             std::to_string(reference.size()) + " results reported)";
    }
    const witness_record& got = learner[i];
    if (got.label != want.label || got.verdict != want.verdict) {
      return "its result " + std::to_string(i + 1) + " is " + quoted(got.label) + " where the reference solution's is " +
             quoted(want.label);
    }
    if (got.values.size() != want.values.size()) {
      return "its result " + quoted(want.label) + " has " + std::to_string(got.values.size()) + " values instead of " +
             std::to_string(want.values.size());
    }
    if (want.verdict) {
      if (got.values != want.values) {
        return "the check " + quoted(want.label) + " came out " + (want.values.at(0) != 0 ? "false" : "true") +
               " (the reference solution's: " + (want.values.at(0) != 0 ? "true" : "false") + ")";
      }
      continue;
    }
    for (std::size_t e = 0; e < want.values.size(); ++e) {
      if (!close_enough(want.values[e], got.values[e], want.tol_abs, want.tol_rel)) {
        std::ostringstream why;
        why.precision(8);
        why << "its result " << quoted(want.label) << " differs from the reference solution's at element " << e
            << ": " << got.values[e] << " instead of " << want.values[e];
        return why.str();
      }
    }
  }
  if (learner.size() > reference.size()) {
    return "it reported " + std::to_string(learner.size()) + " results where the reference solution reports " +
           std::to_string(reference.size());
  }
  return "";
}

std::string serialize_witnesses(const std::vector<witness_record>& records) {
  std::string out;
  for (const witness_record& r : records) {
    out += "WSW1";
    put(out, static_cast<std::uint32_t>(r.label.size()));
    out += r.label;
    put(out, static_cast<std::uint8_t>(r.verdict ? 1 : 0));
    put(out, r.tol_abs);
    put(out, r.tol_rel);
    put(out, static_cast<std::uint64_t>(r.values.size()));
    for (const double v : r.values) put(out, v);
  }
  return out;
}

}  // namespace ws_grade
