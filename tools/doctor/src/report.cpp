/// @file report.cpp
/// @brief The human report (sections with ✓ ✗ !) and the JSON document of `ws_doctor`.

#include "ws/doctor/report.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "ws/doctor/analysis.hpp"
#include "ws/doctor/parse.hpp"

namespace ws::doctor {
namespace {

enum class mark_kind { ok, bad, warn, none };

class text_out {
 public:
  explicit text_out(const render_options& options) : options_(options) {}

  std::string mark(mark_kind kind) const {
    static const char* const utf8[] = {"✓", "✗", "!", " "};
    static const char* const ascii[] = {"[ok]", "[no]", "[!!]", "    "};
    static const char* const colors[] = {"\033[32m", "\033[31m", "\033[33m", ""};
    const auto i = static_cast<int>(kind);
    std::string m = options_.utf8 ? utf8[i] : ascii[i];
    if (options_.color && kind != mark_kind::none) m = colors[i] + m + "\033[0m";
    return m;
  }

  void heading(const std::string& title) {
    out_ += "\n";
    out_ += options_.color ? "\033[1m" + title + "\033[0m" : title;
    out_ += "\n";
  }

  /// "  ✓ label       value"
  void row(mark_kind kind, const std::string& label, const std::string& value) {
    std::string line = "  " + mark(kind) + " " + pad(label, 19) + value;
    out_ += line + "\n";
  }

  /// An indented paragraph wrapped at the report width; "$ " paragraphs are commands and are never wrapped.
  void paragraph(const std::string& text, int indent) {
    const std::string margin(static_cast<std::size_t>(indent), ' ');
    if (text.rfind("$ ", 0) == 0) {
      out_ += margin + text + "\n";
      return;
    }
    std::string line;
    std::size_t pos = 0;
    while (pos < text.size()) {
      auto end = text.find(' ', pos);
      if (end == std::string::npos) end = text.size();
      const std::string word = text.substr(pos, end - pos);
      if (!line.empty() && static_cast<int>(visible_width(line) + 1 + visible_width(word)) + indent > options_.width) {
        out_ += margin + line + "\n";
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
      pos = end + 1;
    }
    if (!line.empty()) out_ += margin + line + "\n";
  }

  void raw(const std::string& text) { out_ += text; }

  std::string finish() const { return options_.utf8 ? out_ : to_ascii(out_); }

 private:
  static std::size_t visible_width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // count UTF-8 lead bytes only
    return n;
  }

  static std::string pad(const std::string& s, std::size_t width) {
    const auto w = visible_width(s);
    return w >= width ? s + " " : s + std::string(width - w, ' ');
  }

  /// LANG=C terminals show UTF-8 as garbage: spell the few symbols out and replace anything else.
  static std::string to_ascii(const std::string& s) {
    static const std::pair<const char*, const char*> map[] = {
        {"…", "..."},  {"—", "-"}, {"–", "-"}, {"≥", ">="}, {"≤", "<="}, {"→", "->"},  {"·", "-"},   {"✓", "[ok]"},
        {"✗", "[no]"}, {"×", "x"}, {"’", "'"}, {"“", "\""}, {"”", "\""}, {"®", "(R)"}, {"™", "(TM)"}};
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x80) {
        out.push_back(s[i++]);
        continue;
      }
      bool replaced = false;
      for (const auto& [from, to] : map) {
        const std::string_view f(from);
        if (s.compare(i, f.size(), f) == 0) {
          out += to;
          i += f.size();
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
      out.push_back('?');
      ++i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    }
    return out;
  }

  render_options options_;
  std::string out_;
};

std::string mhz(int khz) { return std::to_string((khz + 500) / 1000) + " MHz"; }

std::string cc_string(const device_fact& d) { return std::to_string(d.cc_major) + "." + std::to_string(d.cc_minor); }

std::string sm_string(const device_fact& d) { return "sm_" + std::to_string(d.cc_major) + std::to_string(d.cc_minor); }

std::string error_text(const cuda_error& e) {
  std::string s = "\"" + e.message + "\"";
  if (!e.name.empty()) s += " (" + e.name + ", " + std::to_string(e.code) + ")";
  return s;
}

void render_machine(const facts& f, text_out& t) {
  const auto& h = f.host;
  t.heading("This machine");
  std::string cpu = h.cpu_model.empty() ? std::string("unknown CPU") : h.cpu_model;
  if (h.physical_cores > 0 && h.physical_cores != h.logical_cpus) {
    cpu += ", " + std::to_string(h.physical_cores) + " cores / " + std::to_string(h.logical_cpus) + " threads";
  } else if (h.logical_cpus > 0) {
    cpu += ", " + std::to_string(h.logical_cpus) + (h.logical_cpus == 1 ? " core" : " cores");
  }
  t.row(mark_kind::none, "CPU", cpu);
  t.row(mark_kind::none, "Memory", h.memory_bytes ? format_bytes(h.memory_bytes) : std::string("unknown"));
  std::string os = h.os_name.empty() ? std::string("unknown") : h.os_name;
  if (!h.kernel.empty()) os += ", kernel " + h.kernel;
  if (!h.cpu_arch.empty()) os += " (" + h.cpu_arch + ")";
  t.row(mark_kind::none, "OS", os);
  std::vector<std::string> where;
  if (h.is_wsl) where.push_back("WSL2 on Windows");
  if (h.is_container) where.push_back("inside a container");
  if (h.is_macos) where.push_back("macOS");
  if (!where.empty()) {
    std::string w;
    for (const auto& s : where) w += (w.empty() ? "" : ", ") + s;
    t.row(mark_kind::none, "Running", w);
  }
}

void render_tools(const facts& f, text_out& t, bool utf8) {
  t.heading("Tools");
  const std::string ge = utf8 ? "≥ " : ">= ";
  for (const auto& tool : f.tools) {
    const std::string label = tool.name;
    if (!tool.found) {
      t.row(tool.required ? mark_kind::bad : mark_kind::warn, label,
            std::string(tool.required ? "missing - " : "not installed (optional) - ") + tool.purpose + ". " +
                tool.install + (tool.note.empty() ? "" : " (" + tool.note + ")"));
      continue;
    }
    if (!tool_ok(tool)) {
      t.row(tool.required ? mark_kind::bad : mark_kind::warn, label,
            tool.version + " is too old, need " + ge + tool.minimum + ". " + tool.install);
      continue;
    }
    std::string value = tool.version.empty() ? std::string("found") : tool.version;
    if (!tool.path.empty()) value += "  " + tool.path;
    if (tool.off_path) value += "  (not on your PATH)";
    if (!tool.note.empty()) value += "  (" + tool.note + ")";
    t.row(tool.off_path ? mark_kind::warn : mark_kind::ok, label, value);
  }
}

void render_gpu(const facts& f, text_out& t) {
  const auto& d = f.driver;
  t.heading("GPU");
  if (f.host.is_macos) {
    t.row(mark_kind::warn, "NVIDIA driver", "none: macOS has no CUDA");
  } else if (!d.libcuda_loaded) {
    std::string why = "not found: libcuda.so.1 cannot be loaded";
    why += d.kernel_module ? "; the kernel module is loaded (" + d.kernel_module_version + ")"
                           : (f.host.is_wsl ? "" : "; no /proc/driver/nvidia/version");
    why += d.nvidia_smi.empty() ? "; no nvidia-smi" : "; nvidia-smi at " + d.nvidia_smi;
    t.row(mark_kind::warn, "NVIDIA driver", why);
    if (!f.host.is_wsl) {
      t.row(mark_kind::none, "PCI bus",
            d.nvidia_pci_devices > 0 ? std::to_string(d.nvidia_pci_devices) + " NVIDIA GPU(s) present"
                                     : std::string("no NVIDIA GPU seen"));
    }
  } else {
    std::string v = d.kernel_module_version.empty() ? std::string("loaded") : d.kernel_module_version;
    if (d.version > 0) v += ", runs CUDA up to " + cuda_version_string(d.version);
    v += " (" + d.libcuda_path + ")";
    t.row(d.init_error ? mark_kind::bad : mark_kind::ok, "NVIDIA driver", v);
    if (d.init_error) t.row(mark_kind::bad, "cuInit", error_text(*d.init_error));
  }
  if (d.libcuda_loaded && !d.init_error) {
    t.row(d.device_count > 0 ? mark_kind::ok : mark_kind::warn, "Devices",
          d.device_count == 0 ? std::string("none") : std::to_string(d.device_count));
    for (const auto& dev : d.devices) {
      std::string line = "GPU " + std::to_string(dev.ordinal) + ": " + dev.name + " - " + sm_string(dev) +
                         " (compute capability " + cc_string(dev) + "), " + std::to_string(dev.sm_count) + " SMs, " +
                         format_bytes(dev.memory_bytes);
      if (dev.clock_khz > 0) line += ", " + mhz(dev.clock_khz);
      if (dev.integrated) line += ", integrated";
      t.row(mark_kind::none, "", line);
    }
  }
  if (d.cuda_visible_devices_set) t.row(mark_kind::warn, "CUDA_VISIBLE_DEVICES", "'" + d.cuda_visible_devices + "'");

  const int toolkit = toolkit_version(f);
  const auto* nvcc = find_tool(f, "nvcc");
  if (toolkit == 0) {
    t.row(mark_kind::warn, "CUDA toolkit", "not installed (the CPU backend needs none)");
  } else {
    std::string v = cuda_version_string(toolkit);
    if (nvcc && nvcc->found) v += " (nvcc " + nvcc->version + ")";
    if (f.runtime.loaded) v += ", runtime " + f.runtime.path;
    t.row(mark_kind::ok, "CUDA toolkit", v);
    if (d.libcuda_loaded && d.version > 0) {
      if (d.version >= toolkit) {
        t.row(mark_kind::ok, "Driver vs toolkit",
              "the driver (CUDA " + cuda_version_string(d.version) + ") is new enough for the toolkit (CUDA " +
                  cuda_version_string(toolkit) + ")");
      } else {
        t.row(d.version / 1000 < toolkit / 1000 ? mark_kind::bad : mark_kind::warn, "Driver vs toolkit",
              "the driver runs CUDA up to " + cuda_version_string(d.version) + ", older than the toolkit (CUDA " +
                  cuda_version_string(toolkit) + ")");
      }
    }
    if (f.runtime.loaded) {
      if (f.runtime.device_count_error) {
        t.row(mark_kind::warn, "Runtime says", "cudaGetDeviceCount: " + error_text(*f.runtime.device_count_error));
      } else {
        t.row(mark_kind::ok, "Runtime says", "cudaGetDeviceCount: " + std::to_string(f.runtime.device_count));
      }
    }
  }
  if (d.profiling_admin_only) {
    t.row(*d.profiling_admin_only != 0 && !f.host.is_root ? mark_kind::warn : mark_kind::ok, "Profiler counters",
          *d.profiling_admin_only != 0 ? std::string("root only (RmProfilingAdminOnly: 1)")
                                       : std::string("open to all users"));
  }
}

void render_build(const facts& f, text_out& t) {
  const auto& b = f.build;
  t.heading("Build (" + b.dir + ")");
  if (!b.configured) {
    t.row(mark_kind::warn, "Configured", "not yet - ./course setup configures it");
    return;
  }
  if (!b.generated) {
    t.row(mark_kind::bad, "Configured", "the last configure stopped with an error - ./course build shows it");
  } else {
    t.row(mark_kind::ok, "Configured", "yes");
  }
  const bool no_cuda =
      b.ws_cuda == "OFF" || b.cuda_compiler.empty() || b.cuda_compiler.find("NOTFOUND") != std::string::npos;
  t.row(mark_kind::none, "CUDA compiler",
        no_cuda ? (b.ws_cuda == "OFF" ? std::string("none (WS_CUDA=OFF)") : std::string("none (nvcc not found)"))
                : b.cuda_compiler);
  if (!no_cuda) {
    std::string archs = describe_targets(b.targets);
    if (b.targets.empty()) archs = "not known yet (build once, then run the doctor again)";
    if (!b.cuda_architectures.empty()) archs += " (CMAKE_CUDA_ARCHITECTURES=" + b.cuda_architectures + ")";
    t.row(mark_kind::none, "GPU code for", archs);
  }
}

}  // namespace

std::string format_bytes(std::uint64_t bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 4) {
    value /= 1024.0;
    ++unit;
  }
  char buffer[32];
  if (unit == 0)
    std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(buffer, sizeof buffer, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
  return buffer;
}

std::string render_text(const facts& f, const render_options& options) {
  text_out t(options);
  t.raw(options.utf8 ? "WarpSpeed doctor — what this machine has for the course\n"
                     : "WarpSpeed doctor - what this machine has for the course\n");
  render_machine(f, t);
  render_tools(f, t, options.utf8);
  render_gpu(f, t);
  render_build(f, t);

  const auto backend = choose_backend(f);
  t.heading("Labs run on");
  t.row(backend.name == "cuda" ? mark_kind::ok : mark_kind::none, backend.name == "cuda" ? "GPU" : "CPU",
        backend.summary);
  t.paragraph("because " + backend.reason, 6);

  const auto advice_list = select_advice(f);
  if (!advice_list.empty()) {
    t.heading("Advice");
    for (const auto& a : advice_list) {
      t.raw("  " + t.mark(a.level == severity::error ? mark_kind::bad : mark_kind::warn) + " " + a.title + "\n");
      for (const auto& p : a.paragraphs) t.paragraph(p, 6);
    }
  }

  t.raw("\n");
  if (course_ready(f)) {
    t.raw(t.mark(mark_kind::ok) + " Everything the course needs is installed.\n");
  } else {
    std::string missing;
    for (const auto& tool : f.tools) {
      if (tool.required && !tool_ok(tool)) missing += (missing.empty() ? "" : ", ") + tool.name;
    }
    t.raw(t.mark(mark_kind::bad) + " The course cannot build yet: " + missing +
          " missing or too old. Run ./course setup\n");
  }
  t.raw("Common CUDA errors and their fixes: ./course doctor --errors   For a bug report: ./course doctor --json\n");
  return t.finish();
}

std::string render_common_errors(const facts& f, const render_options& options) {
  text_out t(options);
  t.raw("Common errors - what they mean and what to do\n");
  for (const auto& a : common_errors(f)) {
    t.raw("\n  " + t.mark(mark_kind::warn) + " " + a.title + "\n");
    for (const auto& p : a.paragraphs) t.paragraph(p, 6);
  }
  return t.finish();
}

// ---- JSON ---------------------------------------------------------------------------------------------------------

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
      out += buffer;
      continue;
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    // Copy a well-formed UTF-8 sequence; replace a stray byte with U+FFFD so the document stays valid.
    const std::size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool valid = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; valid && k < len; ++k) valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (valid) {
      out.append(text.substr(i, len));
      i += len - 1;
    } else {
      out += "\\ufffd";
    }
  }
  return out + "\"";
}

namespace {

/// A minimal pretty-printing JSON writer: it tracks commas and indentation, the caller the structure.
class json_writer {
 public:
  json_writer& open(char bracket) {
    prefix();
    out_.push_back(bracket);
    first_.push_back(true);
    return *this;
  }
  json_writer& close(char bracket) {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_.push_back(bracket);
    return *this;
  }
  json_writer& key(std::string_view k) {
    prefix();
    out_ += json_quote(k) + ": ";
    after_key_ = true;
    return *this;
  }
  json_writer& str(std::string_view v) { return raw(json_quote(v)); }
  json_writer& num(long long v) { return raw(std::to_string(v)); }
  json_writer& boolean(bool v) { return raw(v ? "true" : "false"); }
  json_writer& null() { return raw("null"); }
  /// "" → null, else the string: absent facts read as null rather than as an empty string.
  json_writer& str_or_null(std::string_view v) { return v.empty() ? null() : str(v); }
  std::string finish() { return out_ + "\n"; }

 private:
  json_writer& raw(const std::string& v) {
    prefix();
    out_ += v;
    return *this;
  }
  void prefix() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
    newline();
  }
  void newline() {
    out_.push_back('\n');
    out_.append(2 * first_.size(), ' ');
  }

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

void write_error(json_writer& j, const char* name, const std::optional<cuda_error>& e) {
  j.key(name);
  if (!e) {
    j.null();
    return;
  }
  j.open('{').key("code").num(e->code).key("name").str(e->name).key("message").str(e->message).close('}');
}

}  // namespace

std::string render_json(const facts& f) {
  json_writer j;
  j.open('{');
  j.key("schema").str("ws-doctor/1");

  const auto& h = f.host;
  j.key("machine").open('{');
  j.key("cpu_model")
      .str(h.cpu_model)
      .key("logical_cpus")
      .num(h.logical_cpus)
      .key("physical_cores")
      .num(h.physical_cores);
  j.key("memory_bytes")
      .num(static_cast<long long>(h.memory_bytes))
      .key("os")
      .str(h.os_name)
      .key("kernel")
      .str(h.kernel);
  j.key("cpu_arch").str(h.cpu_arch).key("wsl").boolean(h.is_wsl).key("container").boolean(h.is_container);
  j.key("macos").boolean(h.is_macos).key("root").boolean(h.is_root);
  j.close('}');

  j.key("tools").open('[');
  for (const auto& t : f.tools) {
    j.open('{').key("id").str(t.id).key("name").str(t.name).key("required").boolean(t.required);
    j.key("found").boolean(t.found).key("ok").boolean(tool_ok(t)).key("version").str_or_null(t.version);
    j.key("minimum").str_or_null(t.minimum).key("path").str_or_null(t.path).key("on_path").boolean(t.found &&
                                                                                                   !t.off_path);
    j.key("note").str_or_null(t.note).key("install").str(t.install).close('}');
  }
  j.close(']');

  const auto& d = f.driver;
  j.key("driver").open('{');
  j.key("nvidia_pci_devices").num(d.nvidia_pci_devices).key("kernel_module").boolean(d.kernel_module);
  j.key("kernel_module_version").str_or_null(d.kernel_module_version).key("nouveau").boolean(d.nouveau_loaded);
  j.key("device_nodes").boolean(d.dev_nodes).key("nvidia_smi").str_or_null(d.nvidia_smi);
  j.key("nvidia_smi_ok").boolean(d.nvidia_smi_ok);
  j.key("libcuda_loaded").boolean(d.libcuda_loaded).key("libcuda_path").str_or_null(d.libcuda_path);
  j.key("libcuda_error").str_or_null(d.libcuda_error);
  write_error(j, "init_error", d.init_error);
  j.key("cuda_version").num(d.version).key("cuda_version_string").str_or_null(cuda_version_string(d.version));
  j.key("device_count").num(d.device_count);
  j.key("devices").open('[');
  for (const auto& dev : d.devices) {
    j.open('{').key("ordinal").num(dev.ordinal).key("name").str(dev.name);
    j.key("compute_capability").str(cc_string(dev)).key("sm").str(sm_string(dev)).key("sm_count").num(dev.sm_count);
    j.key("clock_khz").num(dev.clock_khz).key("memory_clock_khz").num(dev.memory_clock_khz);
    j.key("memory_bus_bits").num(dev.memory_bus_bits).key("memory_bytes").num(static_cast<long long>(dev.memory_bytes));
    j.key("integrated").boolean(dev.integrated).close('}');
  }
  j.close(']');
  j.key("profiling_admin_only");
  if (d.profiling_admin_only)
    j.num(*d.profiling_admin_only);
  else
    j.null();
  j.key("cuda_visible_devices");
  if (d.cuda_visible_devices_set)
    j.str(d.cuda_visible_devices);
  else
    j.null();
  j.close('}');

  const auto& r = f.runtime;
  j.key("runtime").open('{');
  j.key("loaded").boolean(r.loaded).key("path").str_or_null(r.path).key("load_error").str_or_null(r.load_error);
  j.key("cuda_version").num(r.version).key("cuda_version_string").str_or_null(cuda_version_string(r.version));
  j.key("device_count").num(r.device_count);
  write_error(j, "device_count_error", r.device_count_error);
  j.close('}');
  j.key("toolkit_version").str_or_null(cuda_version_string(toolkit_version(f)));

  const auto& b = f.build;
  j.key("build").open('{');
  j.key("dir").str(b.dir).key("configured").boolean(b.configured).key("generated").boolean(b.generated);
  j.key("cuda_compiler").str_or_null(b.cuda_compiler);
  j.key("ws_cuda").str_or_null(b.ws_cuda).key("cuda_architectures").str_or_null(b.cuda_architectures);
  j.key("code_targets").open('[');
  for (const auto& t : b.targets) j.str(describe_target(t));
  j.close(']');
  j.close('}');

  const auto backend = choose_backend(f);
  j.key("backend").open('{').key("name").str(backend.name).key("summary").str(backend.summary);
  j.key("reason").str(backend.reason).close('}');

  j.key("advice").open('[');
  for (const auto& a : select_advice(f)) {
    static const char* const levels[] = {"info", "warning", "error"};
    j.open('{').key("id").str(a.id).key("severity").str(levels[static_cast<int>(a.level)]).key("title").str(a.title);
    j.key("text").open('[');
    for (const auto& p : a.paragraphs) j.str(p);
    j.close(']').close('}');
  }
  j.close(']');
  j.key("course_ready").boolean(course_ready(f));
  j.close('}');
  return j.finish();
}

}  // namespace ws::doctor
