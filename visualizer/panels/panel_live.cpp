/// @file panel_live.cpp
/// @brief Measure it here: runs `./course bench <workload> --stream` on this machine from the UI for the chosen
/// workload and shows each version's time and rate as it finishes, so the learner sees the gaps between versions
/// and libraries on their own hardware, then opens the run in the dashboard next to the recorded files.
///
/// The benchmark runs as a child process (data/bench_runner.hpp); this panel only starts it and draws what it
/// reports. A screenshot never starts it: it shows the idle panel and the exact command Start would run.
#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <imgui.h>

#include "chart.hpp"
#include "data/analysis.hpp"
#include "data/bench_runner.hpp"
#include "panel.hpp"
#include "style.hpp"

namespace ws_viz {
namespace {

namespace fs = std::filesystem;

constexpr int max_n_choices[] = {256, 512, 1024, 2048};
constexpr const char* max_n_names = "256\0" "512\0" "1024\0" "2048\0";

/// The workloads `./course bench` knows: the labs' manifests list them, and CMake passes them in
/// (WS_BENCH_WORKLOADS, comma-separated, visualizer/app.cmake).
std::vector<std::string> bench_workloads() {
  std::vector<std::string> out;
  std::string_view all = WS_BENCH_WORKLOADS;
  while (!all.empty()) {
    const std::size_t semi = all.find(',');
    if (const std::string_view w = all.substr(0, semi); !w.empty()) out.emplace_back(w);
    all = semi == std::string_view::npos ? std::string_view{} : all.substr(semi + 1);
  }
  return out;
}

/// Whether the panel offers its "largest N" choices (256 to 2048, a matrix side) for @p workload: only for the
/// square matmul, whose sizes they are. `./course bench` takes `--max-size N` for every workload (the main
/// dimension), but a vector's n runs to 2^26, so other workloads get "quick" (small shapes, few repeats) instead.
bool takes_max_n(const std::string& workload) { return workload == "matmul"; }

/// What the panel keeps between frames; the runner lives as long as the app (its destructor cancels a run).
struct live_state {
  bench_runner runner;
  std::string workload;       ///< the workload Start runs (the app's workload when the bench knows it)
  std::string ran;            ///< the workload of the records below
  int max_n_index = 1;  // 512: every version at 256 and 512 in well under a minute on a laptop
  bool cpu_only = true;
  bool quick = false;         ///< `--quick`: small shapes and few repeats (a smoke test, not a measurement)
  bool started = false;       ///< a run was started in this session: its progress and message are worth showing
  std::string start_error;    ///< why start() refused
  std::vector<record> records;
  std::string opened_label;   ///< the label of the file "Open in dashboard" added, "" until then
};

live_state& state() {
  static live_state s;
  return s;
}

/// An NVIDIA driver's device node: without it no GPU run can work, whatever is installed.
bool has_gpu_device() {
  static const bool found = [] {
    std::error_code ec;
    return fs::exists("/dev/nvidiactl", ec) || fs::exists("/dev/nvidia0", ec);
  }();
  return found;
}

/// nvcc on PATH or in /usr/local/cuda/bin: without it the CUDA benchmark cannot be built.
bool has_nvcc() {
  static const bool found = [] {
    std::error_code ec;
    if (fs::exists("/usr/local/cuda/bin/nvcc", ec)) return true;
    const char* path = std::getenv("PATH");
    std::string_view rest = path != nullptr ? path : "";
    while (!rest.empty()) {
      const std::size_t colon = rest.find(':');
      const std::string_view dir = rest.substr(0, colon);
      if (!dir.empty() && fs::exists(fs::path(dir) / "nvcc", ec)) return true;
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
    return false;
  }();
  return found;
}

/// True when a GPU run can work here: a device node and nvcc. Without both `./course bench` would time only the
/// CPU backend pretending to be a GPU, so the panel keeps CPU-only checked.
bool gpu_available() { return has_gpu_device() && has_nvcc(); }

/// Exactly what is missing for a GPU run, or "" when nothing is.
std::string gpu_missing() {
  if (has_gpu_device() && has_nvcc()) return "";
  if (!has_gpu_device() && !has_nvcc()) return "No NVIDIA GPU device (/dev/nvidia*) and no nvcc found here";
  if (!has_gpu_device()) return "nvcc is installed, but there is no NVIDIA GPU device here (no /dev/nvidia*)";
  return "An NVIDIA GPU device is here, but nvcc was not found (not on PATH, not in /usr/local/cuda/bin)";
}

std::vector<std::string> command_of(const app_state& app, const live_state& st) {
  std::vector<std::string> argv = {(app.root / "course").string(), "bench", st.workload};
  if (st.cpu_only) argv.emplace_back("--cpu-only");
  if (takes_max_n(st.workload)) {
    argv.insert(argv.end(), {"--max-n", std::to_string(max_n_choices[st.max_n_index])});
  }
  if (st.quick) argv.emplace_back("--quick");
  argv.emplace_back("--stream");
  return argv;
}

std::string shell_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& a : argv) {
    const bool quote = a.find_first_of(" \t'\"$\\") != std::string::npos;
    line += (line.empty() ? "" : " ") + (quote ? "'" + a + "'" : a);
  }
  return line;
}

std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local);
  return text;
}

/// The run as a results file the other panels can read, in memory only (nothing is written to disk).
results_file as_results_file(const live_state& st) {
  results_file f;
  f.machine.cpu_model = "this machine";
  f.machine.cores = static_cast<int>(std::thread::hardware_concurrency());
  f.machine.backend = "cpu";
  for (const record& r : st.records) {
    if (is_gpu(r)) f.machine.backend = r.backend;  // "cuda", or "cudacpu" when the CPU stood in for the GPU
  }
  f.machine.date = today();
  f.label = "this machine (live, " + f.machine.date + ")";
  f.path = "live-" + f.machine.date.substr(0, 10) + ".json";  // a name for the files strip; never written
  f.records = st.records;
  name_series(f);
  return f;
}

void draw_controls(app_state& app, live_state& st) {
  const bool running = st.runner.running();
  ImGui::BeginDisabled(running);
  const std::vector<std::string> wls = bench_workloads();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("workload");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(130.0f);
  if (ImGui::BeginCombo("##live_workload", st.workload.c_str())) {
    for (const std::string& w : wls) {
      if (ImGui::Selectable(w.c_str(), w == st.workload)) st.workload = w;
    }
    ImGui::EndCombo();
  }
  if (takes_max_n(st.workload)) {
    ImGui::SameLine(0.0f, 24.0f);
    ImGui::SetNextItemWidth(90.0f);
    ImGui::Combo("largest N", &st.max_n_index, max_n_names);
  }
  ImGui::SameLine(0.0f, 24.0f);
  ImGui::Checkbox("quick", &st.quick);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("--quick: small shapes and few repeats, a smoke test, not a measurement");
  ImGui::SameLine(0.0f, 24.0f);
  if (!gpu_available()) st.cpu_only = true;
  ImGui::BeginDisabled(!gpu_available());
  ImGui::Checkbox("CPU only", &st.cpu_only);
  ImGui::EndDisabled();
  if (!gpu_available() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip("%s: only the CPU versions can be timed here.", gpu_missing().c_str());
  }
  ImGui::SameLine(0.0f, 24.0f);
  if (ImGui::Button("Start") && !app.screenshot) {
    st.start_error.clear();
    if (st.runner.start(command_of(app, st), st.start_error)) {
      st.started = true;
      st.ran = st.workload;
      st.records.clear();
      st.opened_label.clear();
    }
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(!running);
  if (ImGui::Button("Cancel")) st.runner.cancel();
  ImGui::EndDisabled();

  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  ImGui::TextUnformatted("Start runs:");
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::TextUnformatted(shell_line(command_of(app, st)).c_str());
  if (!st.start_error.empty()) {
    ImGui::TextColored(ImVec4(1.0f, 0.36f, 0.33f, 1.0f), "could not start: %s", st.start_error.c_str());
  }
}

void draw_progress(live_state& st) {
  const bool running = st.runner.running();
  const bench_runner::progress p = st.runner.current();
  char overlay[160];
  float fraction = 0.0f;
  if (p.total > 0) {
    fraction = static_cast<float>(p.done) / static_cast<float>(p.total);
    std::snprintf(overlay, sizeof overlay, "%d / %d%s%s", p.done, p.total, running && !p.current.empty() ? ": " : "",
                  running ? p.current.c_str() : "");
  } else {
    // Before the first progress line the course script is still setting up and building the benchmark.
    std::snprintf(overlay, sizeof overlay, "%s",
                  running ? "building the benchmark..." : st.started ? "" : "not started");
  }
  ImGui::ProgressBar(fraction, ImVec2(-1.0f, 0.0f), overlay);
  const std::string message = st.runner.finish_message();
  if (!running && !message.empty()) {
    const bool ok = message.rfind("finished", 0) == 0;
    ImGui::TextColored(ok ? ImVec4(0.55f, 0.85f, 0.55f, 1.0f) : ImVec4(1.0f, 0.36f, 0.33f, 1.0f), "%s",
                       message.c_str());
  }
}

void draw_table(const std::vector<record>& records, ImVec2 size) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("live_records", 6, flags, size)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("version", ImGuiTableColumnFlags_WidthStretch, 4.0f);
  ImGui::TableSetupColumn("size", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableSetupColumn("median (ms)", ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn("GB/s", ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableSetupColumn("GFLOP/s", ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableSetupColumn("correct", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableHeadersRow();
  const ImVec4 bad(1.0f, 0.36f, 0.33f, 1.0f);
  for (const record& r : records) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(series_name(r).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(shape_label(r.shape).c_str());
    if (!r.timed()) {
      ImGui::TableNextColumn();
      ImGui::TextColored(r.status == "wrong" ? bad : ImGui::ColorConvertU32ToFloat4(style::text_dim), "%s",
                         r.status == "wrong" ? "wrong result" : "not implemented yet");
      ImGui::TableNextColumn();
      ImGui::TableNextColumn();
      ImGui::TableNextColumn();
      ImGui::TextColored(bad, "NO");
      continue;
    }
    ImGui::TableNextColumn();
    ImGui::Text("%.3f", r.median_ms);
    ImGui::TableNextColumn();
    ImGui::Text("%.1f", r.gbps);
    ImGui::TableNextColumn();
    ImGui::Text("%.1f", r.gflops);
    ImGui::TableNextColumn();
    if (r.correct) {
      ImGui::TextUnformatted("yes");
    } else {
      ImGui::TextColored(bad, "NO");
    }
  }
  ImGui::EndTable();
}

/// ImGui's BulletText does not wrap; this does.
void bullet(const char* format, ...) IM_FMTARGS(1);
void bullet(const char* format, ...) {
  ImGui::Bullet();
  va_list args;
  va_start(args, format);
  ImGui::TextWrappedV(format, args);
  va_end(args);
}

/// Before the first record: what Start will do, step by step, where the chart will be.
void draw_what_start_does(const app_state& app, const live_state& st, ImVec2 size) {
  ImGui::BeginChild("what_start_does", size, true);
  ImGui::TextUnformatted("What Start does");
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0.0f);
  bullet("Runs, as a child process of this window:");
  ImGui::Indent();
  ImGui::TextWrapped("%s", shell_line(command_of(app, st)).c_str());
  ImGui::Unindent();
  bullet("The course script sets up and builds the %s benchmark if needed (the first time: a few minutes; "
         "the progress bar says \"building\" meanwhile).", st.workload.c_str());
  if (takes_max_n(st.workload)) {
    std::string ns;
    for (const int n : max_n_choices) {
      if (n > max_n_choices[st.max_n_index]) break;
      ns += (ns.empty() ? "" : ", ") + std::to_string(n);
    }
    bullet("Sizes up to N = %s.", ns.c_str());
  }
  bullet("It times every version of the labs that take part in %s (yours from labs/, the reference from "
         "solutions/) and the library yardsticks, on %u CPU cores%s, and checks every result.",
         st.workload.c_str(), std::thread::hardware_concurrency(), st.cpu_only ? "" : " and the GPU");
  bullet("Each version appears in the table as soon as it finishes, and here as bars of its rate grouped by size "
         "(GB/s for a memory-bound workload, GFLOP/s for a compute-bound one; log scale).");
  bullet("Cancel stops it. The whole run is also written to build/bench/%s.json, which ./course viz opens; Open in "
         "dashboard adds it to the loaded results now.", st.workload.c_str());
  if (app.screenshot) {
    ImGui::Spacing();
    ImGui::TextDisabled("(a screenshot never starts the benchmark)");
  }
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

/// The headline rate per version, grouped by size, from the records so far (the same series names and colors as
/// the dashboard, so the two read alike). Untimed records have no bar.
void draw_chart(const live_state& st, ImVec2 size) {
  results_file run;
  run.records = st.records;
  name_series(run);
  const std::vector<std::string> names = series(run, st.ran);
  const std::vector<shape_t> shapes = sizes(run, st.ran);
  const metric headline = headline_metric(run, st.ran);
  // One shade per series within its side (CPU blue, GPU orange), counted per side.
  std::vector<bool> gpu_side;
  int cpu_count = 0, gpu_count = 0;
  for (const std::string& name : names) {
    const auto it = std::find_if(run.records.begin(), run.records.end(),
                                 [&](const record& r) { return series_name(r) == name; });
    gpu_side.push_back(it != run.records.end() && is_gpu(*it));
    ++(gpu_side.back() ? gpu_count : cpu_count);
  }
  std::vector<ImU32> colors;
  int cpu_index = 0, gpu_index = 0;
  for (const bool gpu : gpu_side) {
    colors.push_back(gpu ? style::series_color(true, gpu_index++, gpu_count)
                         : style::series_color(false, cpu_index++, cpu_count));
  }
  std::vector<chart::bar_group> groups;
  for (const shape_t& n : shapes) {
    chart::bar_group g{shape_label(n), {}};
    for (const std::string& name : names) {
      const record* r = find(run, st.ran, name, n);
      g.values.push_back(r != nullptr && r->timed() ? rate(*r, headline) : std::numeric_limits<double>::quiet_NaN());
    }
    groups.push_back(std::move(g));
  }
  chart::grouped_bars("live_bars", names, colors, groups,
                      chart::axis{headline == metric::gbps ? "GB/s" : "GFLOP/s", chart::scale::log, {}, {}}, size);
}

}  // namespace

void draw_live(app_state& app) {
  live_state& st = state();
  for (record& r : st.runner.take_new_records()) st.records.push_back(std::move(r));
  const std::vector<std::string> wls = bench_workloads();
  if (st.workload.empty() || std::find(wls.begin(), wls.end(), st.workload) == wls.end()) {
    st.workload = std::find(wls.begin(), wls.end(), app.workload) != wls.end() ? app.workload
                  : wls.empty()                                               ? app.workload
                                                                              : wls.front();
  }

  ImGui::Text("Live benchmark: time the %s versions on this machine", st.workload.c_str());
  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  ImGui::TextWrapped("Your own numbers, measured here: how far apart the versions and the libraries are on this "
                     "machine, and how the gaps change with size.%s%s",
                     gpu_available() ? " Untick CPU only to time the GPU versions too." : " ",
                     gpu_available() ? "" : (gpu_missing() + ", so CPU only.").c_str());
  ImGui::PopStyleColor();
  draw_controls(app, st);
  draw_progress(st);

  const float button_h = ImGui::GetFrameHeightWithSpacing() + 4.0f;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float height = std::max(avail.y - button_h, 120.0f);
  const float table_w = std::min(560.0f, avail.x * 0.45f);
  draw_table(st.records, ImVec2(table_w, height));
  ImGui::SameLine();
  const ImVec2 chart_size(std::max(avail.x - table_w - ImGui::GetStyle().ItemSpacing.x, 100.0f), height);
  if (st.records.empty()) {
    draw_what_start_does(app, st, chart_size);
  } else {
    draw_chart(st, chart_size);
  }

  // Once per run: a second click would only add the same records again.
  ImGui::BeginDisabled(st.records.empty() || st.runner.running() || !st.opened_label.empty());
  if (ImGui::Button("Open in dashboard")) {
    app.files.push_back(as_results_file(st));
    app.selected_file = static_cast<int>(app.files.size()) - 1;
    app.workload = st.ran;
    st.opened_label = app.files.back().label;
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  if (!st.opened_label.empty()) {
    ImGui::Text("added \"%s\" to the results above (in memory only): open the Dashboard tab",
                st.opened_label.c_str());
  } else {
    ImGui::TextUnformatted("adds this run to the loaded results (it is also in build/bench/)");
  }
  ImGui::PopStyleColor();
}

}  // namespace ws_viz
