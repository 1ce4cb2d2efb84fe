/// @file results.cpp
/// @brief Reading `warpspeed-bench-2` and `warpspeed-bench-1` results files with nlohmann::json (v1 converted to the
/// v2 form here, once): every problem becomes one line of text.
#include "data/results.hpp"

#include "data/analysis.hpp"

#include <algorithm>
#include <exception>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

namespace ws_viz {

namespace {

// ordered_json keeps an object's keys in the file's order: a shape {"rows", "cols"} reads "4096x1000", not sorted.
using json = nlohmann::ordered_json;

constexpr const char* schema_v1 = "warpspeed-bench-1";
constexpr const char* schema_v2 = "warpspeed-bench-2";

/// The JSON type of @p v in words, for "is a string, expected a number".
std::string type_of(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

/// nlohmann's parse_error text without its "[json.exception.parse_error.101] parse error at " prefix.
std::string short_parse_error(const std::string& what) {
  std::string text = what;
  if (const auto bracket = text.find("] "); text.starts_with("[json.exception") && bracket != std::string::npos) {
    text.erase(0, bracket + 2);
  }
  for (const std::string prefix : {"parse error at ", "parse error: "}) {
    if (text.starts_with(prefix)) text.erase(0, prefix.size());
  }
  return text;
}

/// Reads the fields of one object into typed values, remembering the first problem. Reports name the field
/// with @p prefix ("machine." or "").
class field_reader {
 public:
  field_reader(const json& object, std::string prefix) : object_(object), prefix_(std::move(prefix)) {}

  void text(const char* name, std::string& out, bool required) {
    const json* v = get(name, required);
    if (v == nullptr) return;
    if (!v->is_string()) return mistyped(name, *v, "a string");
    out = v->get<std::string>();
  }
  void optional_text(const char* name, std::optional<std::string>& out) {
    const json* v = get(name, false);
    if (v == nullptr) return;
    if (!v->is_string()) return mistyped(name, *v, "a string or null");
    out = v->get<std::string>();
  }
  template <class Int>
  void integer(const char* name, Int& out, bool required) {
    const json* v = get(name, required);
    if (v == nullptr) return;
    if (!v->is_number_integer()) return mistyped(name, *v, "an integer");
    const auto value = v->get<long long>();
    if (value < static_cast<long long>(std::numeric_limits<Int>::min()) ||
        value > static_cast<long long>(std::numeric_limits<Int>::max())) {
      return fail("\"" + prefix_ + name + "\" is out of range");
    }
    out = static_cast<Int>(value);
  }
  void number(const char* name, double& out, bool required) {
    const json* v = get(name, required);
    if (v == nullptr) return;
    if (!v->is_number()) return mistyped(name, *v, "a number");
    out = v->get<double>();
  }
  void optional_number(const char* name, std::optional<double>& out) {
    const json* v = get(name, false);
    if (v == nullptr) return;
    if (!v->is_number()) return mistyped(name, *v, "a number or null");
    out = v->get<double>();
  }
  void boolean(const char* name, bool& out, bool required) {
    const json* v = get(name, required);
    if (v == nullptr) return;
    if (!v->is_boolean()) return mistyped(name, *v, "true or false");
    out = v->get<bool>();
  }

  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  /// The field, or nullptr when it is absent or null (a problem only when @p required).
  const json* get(const char* name, bool required) {
    if (!error_.empty()) return nullptr;
    const auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) {
      if (required) fail("no \"" + prefix_ + name + "\"");
      return nullptr;
    }
    return &*it;
  }
  void mistyped(const char* name, const json& v, const char* expected) {
    fail("\"" + prefix_ + name + "\" is " + type_of(v) + ", expected " + expected);
  }
  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

  const json& object_;
  std::string prefix_;
  std::string error_;
};

/// The v1 shape of a record: matmul's three sizes, one length "n" (the v1 `m`) for a vector workload.
shape_t v1_shape(const record& r) {
  if (r.workload == "matmul" || r.n != 1 || r.k != 1) return {{"m", r.m}, {"n", r.n}, {"k", r.k}};
  return {{"n", r.m}};
}

/// The "shape" object: named positive integer dimensions, in the file's order.
bool shape_from(const json& j, shape_t& out, std::string& error) {
  const auto it = j.find("shape");
  if (it == j.end() || it->is_null()) {
    error = "no \"shape\"";
    return false;
  }
  if (!it->is_object() || it->empty()) {
    error = "\"shape\" is " + type_of(*it) + ", expected an object of named sizes";
    return false;
  }
  for (const auto& [name, v] : it->items()) {
    if (!v.is_number_integer()) {
      error = "\"shape." + name + "\" is " + type_of(v) + ", expected an integer";
      return false;
    }
    out.emplace_back(name, v.get<long long>());
  }
  return true;
}

/// One `results` entry of a file of schema @p schema (1 or 2); empty with @p error ("no \"median_ms\"") when a
/// field is missing or mistyped.
std::optional<record> record_from(const json& j, int schema, std::string& error) {
  if (!j.is_object()) {
    error = "is " + type_of(j) + ", expected an object";
    return std::nullopt;
  }
  record r;
  field_reader f(j, "");
  f.text("workload", r.workload, true);
  f.text("version", r.version, true);
  f.text("backend", r.backend, true);
  f.text("implementation", r.implementation, true);
  // v2 keeps m, n, k for old readers; its shape is what counts.
  f.integer("m", r.m, schema == 1);
  f.integer("n", r.n, schema == 1);
  f.integer("k", r.k, schema == 1);
  f.integer("threads", r.threads, true);
  f.text("dtype", r.dtype, true);
  f.integer("repeats", r.repeats, true);
  f.number("median_ms", r.median_ms, true);
  f.number("min_ms", r.min_ms, true);
  f.number("max_ms", r.max_ms, true);
  f.number("gflops", r.gflops, true);
  f.boolean("correct", r.correct, true);
  if (schema == 2) {
    f.number("flops", r.flops, true);
    f.number("bytes", r.bytes, true);
    f.number("gbps", r.gbps, true);
    f.text("status", r.status, true);
  }
  if (!f.error().empty()) {
    error = f.error();
    return std::nullopt;
  }
  if (schema == 1) {
    if (r.implementation == "ours") r.implementation = "reference";  // v1 files were written from solutions/
    r.shape = v1_shape(r);
    v1_flops_and_bytes(r);
    return r;
  }
  if (r.status != "ok" && r.status != "wrong" && r.status != "starter") {
    error = "\"status\" is '" + r.status + "', expected ok, wrong or starter";
    return std::nullopt;
  }
  if (!shape_from(j, r.shape, error)) return std::nullopt;
  return r;
}

/// The `machine` object. Only its presence is required: every field may be missing or null (docs/bench_results.md
/// lets older writers leave the peaks out), but a field that is there must have the documented type.
bool machine_from(const json& j, machine_info& m, std::string& error) {
  field_reader f(j, "machine.");
  f.text("cpu_model", m.cpu_model, false);
  f.integer("cores", m.cores, false);
  f.optional_text("gpu_name", m.gpu_name);
  f.text("backend", m.backend, false);
  f.text("git_commit", m.git_commit, false);
  f.text("date", m.date, false);
  f.optional_number("cpu_peak_gflops_1thread", m.cpu_peak_gflops_1thread);
  f.optional_number("cpu_peak_gflops", m.cpu_peak_gflops);
  f.optional_number("gpu_peak_gflops_fp32", m.gpu_peak_gflops_fp32);
  f.optional_number("gpu_peak_gflops_tensor", m.gpu_peak_gflops_tensor);
  f.optional_number("gpu_bandwidth_gbs", m.gpu_bandwidth_gbs);
  f.optional_number("cpu_bandwidth_gbs", m.cpu_bandwidth_gbs);
  f.optional_number("cpu_bandwidth_gbs_1thread", m.cpu_bandwidth_gbs_1thread);
  f.optional_number("gpu_bandwidth_measured_gbs", m.gpu_bandwidth_measured_gbs);
  error = f.error();
  return error.empty();
}

load_result failure(const std::filesystem::path& path, const std::string& what) {
  return {std::nullopt, path.string() + ": " + what};
}

load_result load_unguarded(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return failure(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) return failure(path, "is a folder, not a results file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return failure(path, "cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return failure(path, "cannot be read");

  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::parse_error& e) {
    return failure(path, "not JSON (" + short_parse_error(e.what()) + ")");
  }
  if (!doc.is_object()) return failure(path, "not a results file (the document is " + type_of(doc) + ")");

  const auto schema = doc.find("schema");
  const std::string expected = std::string(schema_v2) + " or " + schema_v1;
  if (schema == doc.end() || !schema->is_string()) return failure(path, "no \"schema\" string, expected " + expected);
  if (*schema != schema_v1 && *schema != schema_v2) {
    return failure(path, "schema is '" + schema->get<std::string>() + "', expected " + expected);
  }

  results_file file;
  file.path = path;
  file.schema = *schema == schema_v1 ? 1 : 2;
  const auto machine = doc.find("machine");
  if (machine == doc.end() || !machine->is_object()) return failure(path, "no \"machine\" object");
  std::string error;
  if (!machine_from(*machine, file.machine, error)) return failure(path, error);

  const auto results = doc.find("results");
  if (results == doc.end() || !results->is_array()) return failure(path, "no \"results\" array");
  file.records.reserve(results->size());
  for (std::size_t i = 0; i < results->size(); ++i) {
    std::optional<record> r = record_from((*results)[i], file.schema, error);
    if (!r) {
      // Counted from 1, as a person reading the file counts; `error` reads "no ..." or "\"m\" is ...".
      const bool missing = error.starts_with("no ");
      return failure(path, "record " + std::to_string(i + 1) + (missing ? " has " : ": ") + error);
    }
    file.records.push_back(std::move(*r));
  }

  const std::string& who = file.machine.gpu_name.value_or(file.machine.cpu_model);
  const std::string stem = path.stem().string();
  file.label = who.empty() ? stem : who + " (" + stem + ")";
  name_series(file);
  return {std::move(file), ""};
}

}  // namespace

load_result load_results(const std::filesystem::path& path) {
  try {
    return load_unguarded(path);
  } catch (const std::exception& e) {  // out of memory, a filesystem error: still one line, never a crash
    return failure(path, std::string("cannot be loaded (") + e.what() + ")");
  }
}

void v1_flops_and_bytes(record& r) {
  const auto m = static_cast<double>(r.m), n = static_cast<double>(r.n), k = static_cast<double>(r.k);
  if (r.workload == "matmul") {
    const double in = r.dtype == "f16" || r.dtype == "bf16" ? 2.0 : 4.0;
    r.flops = 2.0 * m * n * k;
    r.bytes = in * (m * k + k * n) + 4.0 * m * n;
  } else if (r.workload == "saxpy") {
    r.flops = 2.0 * m;
    r.bytes = 12.0 * m;
  } else if (r.workload == "vector_add") {
    r.flops = m;
    r.bytes = 12.0 * m;
  } else {
    r.flops = r.gflops * 1e9 * r.median_ms * 1e-3;
    r.bytes = 0;
  }
  r.gbps = r.median_ms > 0 ? r.bytes / (r.median_ms * 1e-3) / 1e9 : 0.0;
}

void name_series(results_file& f) {
  for (record& r : f.records) {
    // "(GPU)" when a CPU series of the workload has the same name; "(reference)" once the learner's runs are there.
    const std::string base = base_series_name(r);
    const bool clash = is_gpu(r) && !is_yardstick(r) &&
                       std::any_of(f.records.begin(), f.records.end(), [&](const record& c) {
                         return !is_gpu(c) && c.workload == r.workload && base_series_name(c) == base;
                       });
    const bool with_yours = std::any_of(f.records.begin(), f.records.end(), [&](const record& c) {
      return c.workload == r.workload && c.implementation == "yours";
    });
    r.series = series_name_with(r, clash, with_yours);
    r.series_key = series_name_with(r, clash, false);
  }
}

std::optional<record> parse_record(const std::string& json_text, std::string& error) {
  try {
    const json j = json::parse(json_text);
    const bool v2 = j.is_object() && (j.contains("shape") || j.contains("bytes") || j.contains("status"));
    return record_from(j, v2 ? 2 : 1, error);
  } catch (const json::parse_error& e) {
    error = "not JSON (" + short_parse_error(e.what()) + ")";
  } catch (const std::exception& e) {
    error = e.what();
  }
  return std::nullopt;
}

std::vector<std::filesystem::path> results_in(const std::filesystem::path& folder) {
  std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> found;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".json" || !it->is_regular_file(ec)) continue;
    found.emplace_back(it->last_write_time(ec), it->path());
  }
  // Newest first; equal times by name, so the order is stable from frame to frame.
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::filesystem::path> paths;
  paths.reserve(found.size());
  for (auto& entry : found) paths.push_back(std::move(entry.second));
  return paths;
}

}  // namespace ws_viz
