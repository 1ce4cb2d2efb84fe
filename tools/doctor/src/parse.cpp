/// @file parse.cpp
/// @brief Pure parsers for /proc files, tool banners, CMake caches and nvcc architecture flags.

#include "ws/doctor/parse.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <utility>

namespace ws::doctor {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Calls `fn(line)` for each line of `text`.
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    fn(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

/// "key : value" lines of /proc/cpuinfo and /proc/meminfo; returns the value when the key matches exactly.
std::optional<std::string_view> colon_value(std::string_view line, std::string_view key) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || trim(line.substr(0, colon)) != key) return std::nullopt;
  return trim(line.substr(colon + 1));
}

int to_int(std::string_view s) {
  int value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

/// The dotted number starting at `pos` ("13.0.88"), which must start with a digit.
std::string_view dotted_at(std::string_view s, std::size_t pos) {
  std::size_t end = pos;
  while (end < s.size() && (is_digit(s[end]) || (s[end] == '.' && end + 1 < s.size() && is_digit(s[end + 1])))) {
    ++end;
  }
  return s.substr(pos, end - pos);
}

}  // namespace

std::vector<int> parse_version(std::string_view text) {
  std::vector<int> parts;
  text = trim(text);
  if (!text.empty() && (text.front() == 'v' || text.front() == 'V')) text.remove_prefix(1);
  std::size_t i = 0;
  while (i < text.size() && is_digit(text[i])) {
    int value = 0;
    while (i < text.size() && is_digit(text[i])) value = value * 10 + (text[i++] - '0');
    parts.push_back(value);
    if (i + 1 < text.size() && text[i] == '.' && is_digit(text[i + 1])) {
      ++i;
    } else {
      break;
    }
  }
  return parts;
}

bool version_at_least(std::string_view have, std::string_view need) {
  const auto want = parse_version(need);
  if (want.empty()) return true;
  const auto got = parse_version(have);
  if (got.empty()) return false;
  // Missing parts count as 0, so "12" meets "12.0" and "3.25" meets "3.25.0".
  for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    const int g = i < got.size() ? got[i] : 0;
    const int w = i < want.size() ? want[i] : 0;
    if (g != w) return g > w;
  }
  return true;
}

std::string extract_version(std::string_view banner) {
  const std::string low = lower(banner);
  // Prefer the number right after a keyword: banners also contain years and build ids.
  for (const std::string_view keyword : {"version ", "release ", "version: "}) {
    std::size_t pos = 0;
    while ((pos = low.find(keyword, pos)) != std::string::npos) {
      std::size_t start = pos + keyword.size();
      if (start < low.size() && (low[start] == 'v')) ++start;
      if (start < low.size() && is_digit(low[start])) return std::string(dotted_at(banner, start));
      pos = start;
    }
  }
  for (std::size_t i = 0; i < banner.size(); ++i) {
    if (is_digit(banner[i]) && (i == 0 || !std::isalnum(static_cast<unsigned char>(banner[i - 1])))) {
      const auto candidate = dotted_at(banner, i);
      if (candidate.find('.') != std::string_view::npos) return std::string(candidate);
    }
  }
  return {};
}

std::string cuda_version_string(int encoded) {
  if (encoded <= 0) return {};
  return std::to_string(encoded / 1000) + "." + std::to_string((encoded % 1000) / 10);
}

int cuda_version_encode(std::string_view text) {
  const auto parts = parse_version(text);
  if (parts.empty()) return 0;
  return parts[0] * 1000 + (parts.size() > 1 ? parts[1] * 10 : 0);
}

std::string parse_cpuinfo_model(std::string_view cpuinfo) {
  std::string model;
  std::string fallback;
  for_each_line(cpuinfo, [&](std::string_view line) {
    if (!model.empty()) return;
    if (auto v = colon_value(line, "model name")) {
      model = std::string(*v);
    } else if (fallback.empty()) {
      // ARM boards name the SoC here instead.
      for (const std::string_view key : {"Hardware", "Model", "cpu model"}) {
        if (auto w = colon_value(line, key); w && !w->empty()) {
          fallback = std::string(*w);
          break;
        }
      }
    }
  });
  return model.empty() ? fallback : model;
}

int parse_cpuinfo_physical_cores(std::string_view cpuinfo) {
  std::set<std::pair<int, int>> cores;
  int physical_id = -1;
  for_each_line(cpuinfo, [&](std::string_view line) {
    if (auto v = colon_value(line, "physical id")) physical_id = to_int(*v);
    if (auto v = colon_value(line, "core id"); v && physical_id >= 0) cores.emplace(physical_id, to_int(*v));
  });
  return static_cast<int>(cores.size());
}

std::uint64_t parse_meminfo_total(std::string_view meminfo) {
  std::uint64_t kib = 0;
  for_each_line(meminfo, [&](std::string_view line) {
    if (auto v = colon_value(line, "MemTotal")) std::from_chars(v->data(), v->data() + v->size(), kib);
  });
  return kib * 1024;
}

std::string parse_os_release(std::string_view os_release) {
  std::string pretty;
  std::string name;
  for_each_line(os_release, [&](std::string_view line) {
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return;
    const auto key = line.substr(0, eq);
    auto value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    if (key == "PRETTY_NAME") pretty = std::string(value);
    if (key == "NAME") name = std::string(value);
  });
  return pretty.empty() ? name : pretty;
}

std::string parse_nvidia_module_version(std::string_view proc_version) {
  std::string version;
  for_each_line(proc_version, [&](std::string_view line) {
    if (!version.empty() || line.find("NVRM version") == std::string_view::npos) return;
    // The version is the first dotted number after "Kernel Module" (the open modules say "Open Kernel Module").
    auto pos = line.find("Kernel Module");
    pos = pos == std::string_view::npos ? 0 : pos;
    for (; pos < line.size(); ++pos) {
      if (is_digit(line[pos])) {
        const auto candidate = dotted_at(line, pos);
        if (candidate.find('.') != std::string_view::npos) {
          version = std::string(candidate);
          return;
        }
        pos += candidate.size();
      }
    }
  });
  return version;
}

std::optional<int> parse_profiling_admin_only(std::string_view params) {
  std::optional<int> value;
  for_each_line(params, [&](std::string_view line) {
    if (auto v = colon_value(line, "RmProfilingAdminOnly"); v && !v->empty() && is_digit(v->front())) {
      value = to_int(*v);
    }
  });
  return value;
}

std::optional<std::string> parse_cmake_cache(std::string_view cache, std::string_view key) {
  std::optional<std::string> value;
  for_each_line(cache, [&](std::string_view line) {
    if (value || line.empty() || line.front() == '#' || line.front() == '/') return;
    const auto colon = line.find(':');
    const auto eq = line.find('=');
    if (colon == std::string_view::npos || eq == std::string_view::npos || colon > eq) return;
    if (line.substr(0, colon) == key) {
      auto v = line.substr(eq + 1);
      if (!v.empty() && v.back() == '\r') v.remove_suffix(1);
      value = std::string(v);
    }
  });
  return value;
}

std::optional<arch_target> parse_cmake_arch_entry(std::string_view entry) {
  entry = trim(entry);
  arch_target target;
  bool sass = true;
  bool ptx = true;
  if (entry.ends_with("-real")) {
    ptx = false;
    entry.remove_suffix(5);
  } else if (entry.ends_with("-virtual")) {
    sass = false;
    entry.remove_suffix(8);
  }
  if (!entry.empty() && (entry.back() == 'a' || entry.back() == 'f')) {
    target.suffix = entry.back();
    entry.remove_suffix(1);
  }
  if (entry.empty() || !std::all_of(entry.begin(), entry.end(), is_digit)) return std::nullopt;
  target.cc = to_int(entry);
  target.sass = sass;
  target.ptx = ptx;
  return target;
}

std::vector<arch_target> parse_cmake_architectures(std::string_view value) {
  std::vector<arch_target> targets;
  while (!value.empty()) {
    const auto sep = value.find_first_of("; ,");
    if (auto t = parse_cmake_arch_entry(value.substr(0, sep))) targets.push_back(*t);
    if (sep == std::string_view::npos) break;
    value.remove_prefix(sep + 1);
  }
  return targets;
}

namespace {

/// Adds "sm_90a" / "compute_80" (one name from a code= list) to `targets`, merging with an existing entry.
void add_code_name(std::string_view name, std::vector<arch_target>& targets) {
  bool sass = false;
  if (name.starts_with("sm_")) {
    sass = true;
    name.remove_prefix(3);
  } else if (name.starts_with("compute_")) {
    name.remove_prefix(8);
  } else if (name.starts_with("lto_")) {
    // LTO intermediate code is linked into SASS for that same arch at link time.
    sass = true;
    name.remove_prefix(4);
  } else {
    return;
  }
  auto t = parse_cmake_arch_entry(name);
  if (!t) return;
  for (auto& existing : targets) {
    if (existing.cc == t->cc && existing.suffix == t->suffix) {
      (sass ? existing.sass : existing.ptx) = true;
      return;
    }
  }
  t->sass = sass;
  t->ptx = !sass;
  targets.push_back(*t);
}

/// The token at `pos`: up to whitespace or a quote (JSON strings quote the whole command).
std::string_view token_at(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"' &&
         text[end] != '\\') {
    ++end;
  }
  return text.substr(pos, end - pos);
}

}  // namespace

std::vector<arch_target> parse_nvcc_arch_flags(std::string_view text) {
  std::vector<arch_target> targets;
  // "code=[compute_90,sm_90]" or "code=sm_86" (from --generate-code / -gencode).
  for (std::size_t pos = 0; (pos = text.find("code=", pos)) != std::string_view::npos;) {
    // "arch=compute_80,code=…": skip the "arch=" part, which only names the virtual arch used to make the code.
    pos += 5;
    auto list = token_at(text, pos);
    std::string cleaned;
    for (char c : list) {
      if (c != '[' && c != ']' && c != '\'') cleaned.push_back(c);
    }
    std::string_view rest = cleaned;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      add_code_name(rest.substr(0, comma), targets);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  // "-arch=sm_75" / "--gpu-architecture=sm_75" alone means code=[sm_75,compute_75].
  for (const std::string_view flag : {"-arch=sm_", "--gpu-architecture=sm_", "-arch sm_"}) {
    for (std::size_t pos = 0; (pos = text.find(flag, pos)) != std::string_view::npos;) {
      pos += flag.size();
      const auto arch = token_at(text, pos);
      const std::string sm = "sm_" + std::string(arch);
      const std::string compute = "compute_" + std::string(arch);
      add_code_name(sm, targets);
      add_code_name(compute, targets);
    }
  }
  std::sort(targets.begin(), targets.end(), [](const arch_target& a, const arch_target& b) {
    return a.cc != b.cc ? a.cc < b.cc : a.suffix < b.suffix;
  });
  return targets;
}

std::string describe_target(const arch_target& target) {
  std::string arch = std::to_string(target.cc);
  if (target.suffix != '\0') arch.push_back(target.suffix);
  if (target.sass && target.ptx) return "sm_" + arch + " + PTX";
  if (target.sass) return "sm_" + arch;
  return "compute_" + arch + " (PTX)";
}

std::string describe_targets(const std::vector<arch_target>& targets) {
  if (targets.empty()) return "nothing";
  std::string out;
  for (const auto& t : targets) {
    if (!out.empty()) out += ", ";
    out += describe_target(t);
  }
  return out;
}

}  // namespace ws::doctor
