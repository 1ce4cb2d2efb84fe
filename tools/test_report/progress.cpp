/// @file progress.cpp
/// @brief The learner's progress file: read, update atomically, summarize.
#include "progress.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

namespace ws_report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view k_schema = "warpspeed-progress-1";

/// The file's bytes, at most 16 MB (ours is a few KB: anything larger is not ours).
std::optional<std::string> read_small(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes(16u << 20, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

json to_json(const part_result& p) {
  return {{"result", p.result}, {"failed", p.failed}, {"total", p.total}, {"when", p.when},
          {"files_hash", p.files_hash}};
}

part_result part_from(const json& j) {
  part_result p;
  p.result = j.value("result", "");
  p.failed = j.value("failed", std::size_t{0});
  p.total = j.value("total", std::size_t{0});
  p.when = j.value("when", "");
  p.files_hash = j.value("files_hash", "");
  return p;
}

json to_json(const progress& state) {
  json labs = json::object();
  for (const auto& [number, lab] : state.labs) {
    json l = json::object();
    if (!lab.parts.empty()) {
      json check = json::object();
      for (const auto& [name, part] : lab.parts) check[name] = to_json(part);
      l["check"] = check;
    }
    if (lab.build_failed) l["build_failed"] = {{"when", lab.build_failed->when}, {"files_hash", lab.build_failed->files_hash}};
    if (lab.grade) {
      l["grade"] = {{"score", lab.grade->score}, {"max_score", lab.grade->max_score}, {"when", lab.grade->when},
                    {"files_hash", lab.grade->files_hash}};
    }
    labs[number] = l;
  }
  return {{"schema", k_schema}, {"labs", labs}};
}

progress from_json(const json& j) {
  progress state;
  for (const auto& [number, l] : j.at("labs").items()) {
    lab_progress lab;
    if (l.contains("check")) {
      for (const auto& [name, part] : l.at("check").items()) lab.parts[name] = part_from(part);
    }
    if (l.contains("build_failed")) {
      part_result b = part_from(l.at("build_failed"));
      b.result = "does not build";
      lab.build_failed = b;
    }
    if (l.contains("grade")) {
      const json& g = l.at("grade");
      lab.grade = grade_result{g.value("score", 0.0), g.value("max_score", 0.0), g.value("when", ""),
                               g.value("files_hash", "")};
    }
    state.labs[number] = std::move(lab);
  }
  return state;
}

void fnv1a(std::uint64_t& h, std::string_view bytes) {
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
}

/// Holds an flock on a file for its lifetime.
class file_lock {
public:
  explicit file_lock(const fs::path& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~file_lock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  file_lock(const file_lock&) = delete;
  file_lock& operator=(const file_lock&) = delete;

private:
  int fd_;
};

}  // namespace

progress load_progress(const fs::path& file, std::string& warning) {
  const std::optional<std::string> bytes = read_small(file);
  if (!bytes) return {};
  try {
    const json j = json::parse(*bytes);
    if (j.value("schema", "") != k_schema) {
      warning = file.string() + " is not a progress file of this course (schema " + std::string(k_schema) +
                "); it is ignored and will be rewritten";
      return {};
    }
    return from_json(j);
  } catch (const std::exception& e) {
    warning = file.string() + " could not be read (" + e.what() + "); it is ignored and will be rewritten";
    return {};
  }
}

void update_progress(const fs::path& file, const std::function<void(progress&)>& change) {
  if (file.has_parent_path()) fs::create_directories(file.parent_path());
  const file_lock lock(fs::path(file.string() + ".lock"));
  std::string warning;
  progress state = load_progress(file, warning);
  change(state);
  const fs::path temp = file.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << to_json(state).dump(2) << '\n';
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + temp.string());
  }
  std::error_code ec;
  fs::rename(temp, file, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw std::runtime_error("cannot replace " + file.string() + ": " + ec.message());
  }
}

std::string lab_files_hash(const fs::path& lab_dir) {
  std::vector<std::string> names;
  try {
    const std::optional<std::string> manifest = read_small(lab_dir / "lab.json");
    if (manifest) {
      const json parsed = json::parse(*manifest);
      for (const json& f : parsed.at("files")) names.push_back(f.get<std::string>());
    }
  } catch (const std::exception&) {
    names.clear();
  }
  if (names.empty()) {
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(lab_dir, ec)) {
      if (e.is_regular_file(ec)) names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const std::string& name : names) {
    fnv1a(h, name);
    fnv1a(h, std::string_view("\0", 1));
    fnv1a(h, read_small(lab_dir / name).value_or("(missing)"));
    fnv1a(h, std::string_view("\0", 1));
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string lab_status(const lab_progress* lab, const std::string& current_hash) {
  std::string status = "not checked yet";
  bool changed = false;
  if (lab != nullptr && lab->build_failed) {
    status = "does not build";
    changed = lab->build_failed->files_hash != current_hash;
  } else if (lab != nullptr && !lab->parts.empty()) {
    std::size_t failed = 0;
    std::size_t total = 0;
    bool passing = true;
    bool crashed = false;
    for (const auto& [name, part] : lab->parts) {
      failed += part.failed;
      total += part.total;
      passing = passing && part.result == "passing";
      crashed = crashed || part.result == "crashed" || part.result == "timed out";
      changed = changed || part.files_hash != current_hash;
    }
    if (passing) {
      status = "passing";
    } else {
      status = "failing " + std::to_string(failed) + " of " + std::to_string(total);
      if (crashed) status += " (it crashed or hung)";
    }
  }
  if (changed) status += " (changed since last check)";
  if (lab != nullptr && lab->grade && lab->grade->files_hash == current_hash) {
    std::ostringstream g;
    g << ", graded " << lab->grade->score << "/" << lab->grade->max_score;
    status += g.str();
  }
  return status;
}

}  // namespace ws_report
