/// @file report.cpp
/// @brief The human report (sections with ✓ ✗ !) and the JSON document of `ws_doctor`.

#include "ws/doctor/report.hpp"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "ws/doctor/analysis.hpp"
#include "ws/doctor/parse.hpp"
#include "ws/json.hpp"

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

namespace {

using ws::json::value;

/// "" → null, else the string: absent facts read as null rather than as an empty string.
value str_or_null(const std::string& v) { return v.empty() ? value() : value(v); }

value error_json(const std::optional<cuda_error>& e) {
  if (!e) return value();
  return value::object().set("code", e->code).set("name", e->name).set("message", e->message);
}

}  // namespace

std::string render_json(const facts& f) {
  value j = value::object();
  j.set("schema", "ws-doctor/1");

  const auto& h = f.host;
  value machine = value::object();
  machine.set("cpu_model", h.cpu_model)
      .set("logical_cpus", h.logical_cpus)
      .set("physical_cores", h.physical_cores)
      .set("memory_bytes", h.memory_bytes)
      .set("os", h.os_name)
      .set("kernel", h.kernel)
      .set("cpu_arch", h.cpu_arch)
      .set("wsl", h.is_wsl)
      .set("container", h.is_container)
      .set("macos", h.is_macos)
      .set("root", h.is_root);
  j.set("machine", std::move(machine));

  value tools = value::array();
  for (const auto& t : f.tools) {
    tools.push_back(value::object()
                        .set("id", t.id)
                        .set("name", t.name)
                        .set("required", t.required)
                        .set("found", t.found)
                        .set("ok", tool_ok(t))
                        .set("version", str_or_null(t.version))
                        .set("minimum", str_or_null(t.minimum))
                        .set("path", str_or_null(t.path))
                        .set("on_path", t.found && !t.off_path)
                        .set("note", str_or_null(t.note))
                        .set("install", t.install));
  }
  j.set("tools", std::move(tools));

  const auto& d = f.driver;
  value devices = value::array();
  for (const auto& dev : d.devices) {
    devices.push_back(value::object()
                          .set("ordinal", dev.ordinal)
                          .set("name", dev.name)
                          .set("compute_capability", cc_string(dev))
                          .set("sm", sm_string(dev))
                          .set("sm_count", dev.sm_count)
                          .set("clock_khz", dev.clock_khz)
                          .set("memory_clock_khz", dev.memory_clock_khz)
                          .set("memory_bus_bits", dev.memory_bus_bits)
                          .set("memory_bytes", dev.memory_bytes)
                          .set("integrated", dev.integrated));
  }
  value driver = value::object();
  driver.set("nvidia_pci_devices", d.nvidia_pci_devices)
      .set("kernel_module", d.kernel_module)
      .set("kernel_module_version", str_or_null(d.kernel_module_version))
      .set("nouveau", d.nouveau_loaded)
      .set("device_nodes", d.dev_nodes)
      .set("nvidia_smi", str_or_null(d.nvidia_smi))
      .set("nvidia_smi_ok", d.nvidia_smi_ok)
      .set("libcuda_loaded", d.libcuda_loaded)
      .set("libcuda_path", str_or_null(d.libcuda_path))
      .set("libcuda_error", str_or_null(d.libcuda_error))
      .set("init_error", error_json(d.init_error))
      .set("cuda_version", d.version)
      .set("cuda_version_string", str_or_null(cuda_version_string(d.version)))
      .set("device_count", d.device_count)
      .set("devices", std::move(devices))
      .set("profiling_admin_only", d.profiling_admin_only ? value(*d.profiling_admin_only) : value())
      .set("cuda_visible_devices", d.cuda_visible_devices_set ? value(d.cuda_visible_devices) : value());
  j.set("driver", std::move(driver));

  const auto& r = f.runtime;
  j.set("runtime", value::object()
                       .set("loaded", r.loaded)
                       .set("path", str_or_null(r.path))
                       .set("load_error", str_or_null(r.load_error))
                       .set("cuda_version", r.version)
                       .set("cuda_version_string", str_or_null(cuda_version_string(r.version)))
                       .set("device_count", r.device_count)
                       .set("device_count_error", error_json(r.device_count_error)));
  j.set("toolkit_version", str_or_null(cuda_version_string(toolkit_version(f))));

  const auto& b = f.build;
  value targets = value::array();
  for (const auto& t : b.targets) targets.push_back(describe_target(t));
  j.set("build", value::object()
                     .set("dir", b.dir)
                     .set("configured", b.configured)
                     .set("generated", b.generated)
                     .set("cuda_compiler", str_or_null(b.cuda_compiler))
                     .set("ws_cuda", str_or_null(b.ws_cuda))
                     .set("cuda_architectures", str_or_null(b.cuda_architectures))
                     .set("code_targets", std::move(targets)));

  const auto backend = choose_backend(f);
  j.set("backend", value::object()
                       .set("name", backend.name)
                       .set("summary", backend.summary)
                       .set("reason", backend.reason));

  value advice = value::array();
  for (const auto& a : select_advice(f)) {
    static const char* const levels[] = {"info", "warning", "error"};
    value text = value::array();
    for (const auto& p : a.paragraphs) text.push_back(p);
    advice.push_back(value::object()
                         .set("id", a.id)
                         .set("severity", levels[static_cast<int>(a.level)])
                         .set("title", a.title)
                         .set("text", std::move(text)));
  }
  j.set("advice", std::move(advice));
  j.set("course_ready", course_ready(f));
  return j.dump() + "\n";
}

}  // namespace ws::doctor
