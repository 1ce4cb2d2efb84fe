/// @file panel_live.cpp
/// @brief Measure it here: runs `./course bench matmul` on this machine from the UI and shows each version's time
/// and GFLOP/s as it finishes, so the learner sees the gaps between naive, packed and OpenBLAS grow with N on their
/// own hardware, then opens the run in the dashboard next to the recorded files.
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

/// What the panel keeps between frames; the runner lives as long as the app (its destructor cancels a run).
struct live_state {
  bench_runner runner;
  int max_n_index = 1;  // 512: every version at 256 and 512 in well under a minute on a laptop
  bool cpu_only = true;
  bool started = false;       ///< a run was started in this session: its progress and message are worth showing
  std::string start_error;    ///< why start() refused
  std::vector<record> records;
  std::string opened_label;   ///< the label of the file "Open in dashboard" added, "" until then
};

live_state& state() {
  static live_state s;
  return s;
}

/// True when a GPU run can work here: a driver's device node and nvcc to build the CUDA benchmark. Without both
/// `./course bench` would time only the CPU backend pretending to be a GPU, so the panel keeps CPU-only checked.
bool gpu_available() {
  static const bool available = [] {
    std::error_code ec;
    if (!fs::exists("/dev/nvidiactl", ec)) return false;
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
  return available;
}

std::vector<std::string> command_of(const app_state& app, const live_state& st) {
  std::vector<std::string> argv = {(app.root / "course").string(), "bench", "matmul"};
  if (st.cpu_only) argv.emplace_back("--cpu-only");
  argv.insert(argv.end(), {"--max-n", std::to_string(max_n_choices[st.max_n_index]), "--stream"});
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
  return f;
}

void draw_controls(app_state& app, live_state& st) {
  const bool running = st.runner.running();
  ImGui::BeginDisabled(running);
  ImGui::SetNextItemWidth(90.0f);
  ImGui::Combo("largest N", &st.max_n_index, max_n_names);
  ImGui::SameLine(0.0f, 24.0f);
  if (!gpu_available()) st.cpu_only = true;
  ImGui::BeginDisabled(!gpu_available());
  ImGui::Checkbox("CPU only", &st.cpu_only);
  ImGui::EndDisabled();
  if (!gpu_available() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip("No NVIDIA driver or no nvcc found: only the CPU versions can be timed here.");
  }
  ImGui::SameLine(0.0f, 24.0f);
  if (ImGui::Button("Start") && !app.screenshot) {
    st.start_error.clear();
    if (st.runner.start(command_of(app, st), st.start_error)) {
      st.started = true;
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
  if (!ImGui::BeginTable("live_records", 5, flags, size)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("version", ImGuiTableColumnFlags_WidthStretch, 4.2f);
  ImGui::TableSetupColumn("N", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("median (ms)", ImGuiTableColumnFlags_WidthStretch, 1.5f);
  ImGui::TableSetupColumn("GFLOP/s", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("correct", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableHeadersRow();
  for (const record& r : records) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(series_name(r).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%lld", r.m);
    ImGui::TableNextColumn();
    ImGui::Text("%.3f", r.median_ms);
    ImGui::TableNextColumn();
    ImGui::Text("%.1f", r.gflops);
    ImGui::TableNextColumn();
    if (r.correct) {
      ImGui::TextUnformatted("yes");
    } else {
      ImGui::TextColored(ImVec4(1.0f, 0.36f, 0.33f, 1.0f), "NO");
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
  std::string ns;
  for (const int n : max_n_choices) {
    if (n > max_n_choices[st.max_n_index]) break;
    ns += (ns.empty() ? "" : ", ") + std::to_string(n);
  }
  ImGui::BeginChild("what_start_does", size, true);
  ImGui::TextUnformatted("What Start does");
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0.0f);
  bullet("Runs, as a child process of this window:");
  ImGui::Indent();
  ImGui::TextWrapped("%s", shell_line(command_of(app, st)).c_str());
  ImGui::Unindent();
  bullet("The course script sets up and builds the matmul benchmark if needed (the first time: a few minutes; "
         "the progress bar says \"building\" meanwhile).");
  bullet("For N = %s it times the CPU versions of lab 02 and OpenBLAS, on one thread and on all %u cores%s, and "
         "checks every result against its library's.",
         ns.c_str(), std::thread::hardware_concurrency(),
         st.cpu_only ? "" : ", then the GPU kernels of labs 03 and 04 and cuBLAS");
  bullet("Each version appears in the table as soon as it finishes, and here as GFLOP/s bars grouped by N (log "
         "scale: naive and OpenBLAS are orders of magnitude apart).");
  bullet("Cancel stops it. Open in dashboard adds the run to the loaded results, in memory only: nothing is "
         "written to bench/results/.");
  if (app.screenshot) {
    ImGui::Spacing();
    ImGui::TextDisabled("(a screenshot never starts the benchmark)");
  }
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

/// GFLOP/s per version, grouped by N, from the records so far (the same series names and colors as the
/// dashboard, so the two read alike).
void draw_chart(const std::vector<record>& records, ImVec2 size) {
  results_file run;
  run.records = records;
  const std::vector<std::string> names = series(run, "matmul");
  const std::vector<long long> ns = sizes(run, "matmul");
  // One shade per series within its side (CPU blue, GPU orange), counted per side.
  std::vector<bool> gpu_side;
  int cpu_count = 0, gpu_count = 0;
  for (const std::string& name : names) {
    const auto it =
        std::find_if(records.begin(), records.end(), [&](const record& r) { return series_name(r) == name; });
    gpu_side.push_back(it != records.end() && is_gpu(*it));
    ++(gpu_side.back() ? gpu_count : cpu_count);
  }
  std::vector<ImU32> colors;
  int cpu_index = 0, gpu_index = 0;
  for (const bool gpu : gpu_side) {
    colors.push_back(gpu ? style::series_color(true, gpu_index++, gpu_count)
                         : style::series_color(false, cpu_index++, cpu_count));
  }
  std::vector<chart::bar_group> groups;
  for (const long long n : ns) {
    chart::bar_group g{"N = " + std::to_string(n), {}};
    for (const std::string& name : names) {
      const record* r = find(run, "matmul", name, n);
      g.values.push_back(r != nullptr ? r->gflops : std::numeric_limits<double>::quiet_NaN());
    }
    groups.push_back(std::move(g));
  }
  chart::grouped_bars("live_bars", names, colors, groups, chart::axis{"GFLOP/s", chart::scale::log, {}, {}}, size);
}

}  // namespace

void draw_live(app_state& app) {
  live_state& st = state();
  for (record& r : st.runner.take_new_records()) st.records.push_back(std::move(r));

  ImGui::TextUnformatted("Live benchmark: time the matmul versions on this machine");
  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  ImGui::TextWrapped("Your own numbers, measured here: how far apart naive, packed and OpenBLAS are on this CPU, "
                     "and how the gaps grow with N.%s",
                     gpu_available() ? " Untick CPU only to time the GPU kernels and cuBLAS too."
                                     : " No NVIDIA GPU and nvcc found here, so CPU only.");
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
    draw_chart(st.records, chart_size);
  }

  // Once per run: a second click would only add the same records again.
  ImGui::BeginDisabled(st.records.empty() || st.runner.running() || !st.opened_label.empty());
  if (ImGui::Button("Open in dashboard")) {
    app.files.push_back(as_results_file(st));
    app.selected_file = static_cast<int>(app.files.size()) - 1;
    app.workload = "matmul";
    st.opened_label = app.files.back().label;
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  if (!st.opened_label.empty()) {
    ImGui::Text("added \"%s\" to the results above (in memory only): open the Dashboard tab",
                st.opened_label.c_str());
  } else {
    ImGui::TextUnformatted("adds this run to the loaded results, next to the recorded files");
  }
  ImGui::PopStyleColor();
}

}  // namespace ws_viz
