/// @file panel_compare.cpp
/// @brief Compare machines: the same version of the same workload (any workload) on every loaded results file, so
/// a learner sees what a different CPU or a GPU changes (time against size, one line per file; bars at one size
/// shared by the files, in time or the workload's headline rate, GB/s or GFLOP/s) and exactly which machine, date
/// and commit each number came from. Files can be added while the app runs.
///
/// Reads all of app.files; adds to it with app.add_file (its errors go to app.load_errors, which main.cpp shows).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "chart.hpp"
#include "data/analysis.hpp"
#include "panel.hpp"
#include "style.hpp"
#include "widgets.hpp"

namespace ws_viz {
namespace {

using widgets::combo_width;
using widgets::fmt_gflops;
using widgets::fmt_ms_with_unit;
using widgets::label;
using widgets::metric_unit;
using widgets::size_label;
using widgets::workload_picker;

/// What the learner picked here. The size goes back to its default when the workload or the version changes.
struct compare_state {
  std::string workload;
  std::string version;  ///< a series key (analysis::series_key: the same in every file)
  std::string size_for;  ///< workload + version the size belongs to
  shape_t size;
  bool gflops = false;
  char path[512] = "bench/results/";
  std::string status;  ///< the outcome of the last Load
  bool status_ok = false;
  bool scanned = false;                         ///< `recorded` is up to date (listed once, not every frame)
  std::vector<std::filesystem::path> recorded;  ///< the checkout's bench/results/*.json
};

compare_state& state() {
  static compare_state s;
  return s;
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

/// Loads @p p into the app and says how it went next to the Load button.
void load(app_state& app, const std::filesystem::path& p) {
  compare_state& st = state();
  st.status_ok = app.add_file(p);
  st.scanned = false;  // a new file may have been written there since
  st.status = st.status_ok ? "loaded " + app.files.back().label
                           : (app.load_errors.empty() ? "could not load " + p.string() : app.load_errors.back());
}

/// The text input and Load button. A relative path is tried from the working directory, then from the checkout.
void draw_loader(app_state& app) {
  compare_state& st = state();
  label("Add a results file:");
  ImGui::SetNextItemWidth(520);
  const bool enter = ImGui::InputText("##compare_path", st.path, sizeof st.path, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Load") || enter) {
    std::filesystem::path p(st.path);
    std::error_code ec;
    if (p.is_relative() && !std::filesystem::exists(p, ec) && !app.root.empty() &&
        std::filesystem::exists(app.root / p, ec)) {
      p = app.root / p;
    }
    load(app, p);
  }
  if (!st.status.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(st.status_ok ? ImVec4(0.35f, 0.8f, 0.45f, 1) : ImVec4(1.0f, 0.35f, 0.3f, 1), "%s",
                       st.status.c_str());
  }

  // One click for the machines recorded with the course (bench/results/) that are not loaded yet.
  if (!st.scanned) {
    st.scanned = true;
    st.recorded = results_in(app.root / "bench" / "results");
  }
  bool first = true;
  for (const std::filesystem::path& r : st.recorded) {
    std::error_code ec;
    const auto canonical = std::filesystem::weakly_canonical(r, ec);
    const bool loaded = std::any_of(app.files.begin(), app.files.end(), [&](const results_file& f) {
      std::error_code e2;
      return std::filesystem::weakly_canonical(f.path, e2) == canonical;
    });
    if (loaded) continue;
    if (first) label("Recorded in bench/results/:");
    first = false;
    ImGui::SameLine();
    if (ImGui::SmallButton(r.filename().string().c_str())) load(app, r);
  }
}

/// Which machine a file is: one table row per file.
void draw_machines(const app_state& app, const std::vector<ImU32>& file_colors, float height) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##compare_machines", 7, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("file", ImGuiTableColumnFlags_WidthStretch, 3.2f);
  ImGui::TableSetupColumn("CPU", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  ImGui::TableSetupColumn("cores", ImGuiTableColumnFlags_WidthStretch, 0.5f);
  ImGui::TableSetupColumn("GPU", ImGuiTableColumnFlags_WidthStretch, 1.8f);
  ImGui::TableSetupColumn("backend", ImGuiTableColumnFlags_WidthStretch, 0.7f);
  ImGui::TableSetupColumn("date", ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn("commit", ImGuiTableColumnFlags_WidthStretch, 0.7f);
  ImGui::TableHeadersRow();
  const ImVec4 dim = ImGui::ColorConvertU32ToFloat4(style::text_dim);
  for (std::size_t i = 0; i < app.files.size(); ++i) {
    const results_file& f = app.files[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    // The swatch is the file's color in the charts; none when it lacks the chosen version.
    const float h = ImGui::GetTextLineHeight();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    if (file_colors[i] != 0) {
      ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + h - 4, p.y + h - 2),
                                                file_colors[i]);
    }
    ImGui::Dummy(ImVec2(h - 2, h));
    ImGui::SameLine();
    if (file_colors[i] != 0) {
      ImGui::TextUnformatted(f.label.c_str());
    } else {
      ImGui::TextColored(dim, "%s (no records of this version)", f.label.c_str());
    }
    if (!app.screenshot && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", f.path.string().c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(f.machine.cpu_model.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%d", f.machine.cores);
    ImGui::TableNextColumn();
    if (f.machine.gpu_name) {
      ImGui::TextUnformatted(f.machine.gpu_name->c_str());
    } else {
      ImGui::TextColored(dim, "none");
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(f.machine.backend.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(f.machine.date.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(f.machine.git_commit.c_str());
  }
  ImGui::EndTable();
}

}  // namespace

void draw_compare(app_state& app) {
  compare_state& st = state();
  if (app.files.empty()) {
    ImGui::TextUnformatted("No results file is loaded. Measure this machine with ./course bench NAME --cpu-only "
                           "(./course viz then opens build/bench/NAME.json), or load one recorded in bench/results/ "
                           "here:");
    ImGui::Spacing();
    draw_loader(app);
    return;
  }

  // The choices: workloads and versions present in any file.
  std::vector<std::string> wls;
  for (const results_file& f : app.files) {
    for (const std::string& w : workloads(f)) add_unique(wls, w);
  }
  if (std::find(wls.begin(), wls.end(), st.workload) == wls.end()) {
    st.workload = std::find(wls.begin(), wls.end(), app.workload) != wls.end() ? app.workload : wls.front();
  }
  std::vector<std::string> versions;
  for (const results_file& f : app.files) {
    for (const std::string& s : series_keys(f, st.workload)) add_unique(versions, s);
  }
  if (std::find(versions.begin(), versions.end(), st.version) == versions.end()) {
    // Start with the first file's baseline (its first single-thread CPU version), which most files have, so most
    // machines get a line; else the first series.
    std::optional<std::string> base;
    for (const results_file& f : app.files) {
      if ((base = baseline_series(f, st.workload))) {
        const auto it = std::find_if(f.records.begin(), f.records.end(), [&](const record& r) {
          return r.workload == st.workload && series_name(r) == *base;
        });
        base = series_key(*it);
        break;
      }
    }
    st.version = base ? *base : versions.empty() ? "" : versions.front();
  }
  // GB/s for a memory-bound workload, GFLOP/s for a compute-bound one: as the first file with it says.
  metric headline = metric::gflops;
  for (const results_file& f : app.files) {
    if (!series(f, st.workload).empty()) {
      headline = headline_metric(f, st.workload);
      break;
    }
  }
  const auto shown = [&](const record& r) { return st.gflops ? rate(r, headline) : r.median_ms; };

  workload_picker(st.workload, wls, "##cmp_workload");
  ImGui::SameLine(0, 20);
  label("version");
  ImGui::SetNextItemWidth(250);
  if (ImGui::BeginCombo("##cmp_version", st.version.c_str())) {
    for (const std::string& v : versions) {
      if (ImGui::Selectable(v.c_str(), v == st.version)) st.version = v;
    }
    ImGui::EndCombo();
  }

  // Per file: its records of this version by size, and its color (CPU or GPU hue by where the version ran).
  const std::size_t nf = app.files.size();
  std::vector<std::vector<const record*>> recs(nf);
  std::vector<shape_t> all_sizes;
  for (std::size_t i = 0; i < nf; ++i) {
    for (const shape_t& m : sizes(app.files[i], st.workload)) {
      const record* r = find_by_key(app.files[i], st.workload, st.version, m);
      if (r && r->timed()) {
        recs[i].push_back(r);
        if (std::find(all_sizes.begin(), all_sizes.end(), m) == all_sizes.end()) all_sizes.push_back(m);
      }
    }
  }
  std::sort(all_sizes.begin(), all_sizes.end(), [](const shape_t& a, const shape_t& b) {
    return shape_volume(a) < shape_volume(b);
  });
  int cpu_n = 0, gpu_n = 0;
  for (const auto& rs : recs) {
    if (!rs.empty()) ++(is_gpu(*rs.front()) ? gpu_n : cpu_n);
  }
  std::vector<ImU32> file_colors(nf, 0);
  for (std::size_t i = 0, c = 0, g = 0; i < nf; ++i) {
    if (recs[i].empty()) continue;
    const bool gpu = is_gpu(*recs[i].front());
    file_colors[i] = style::series_color(gpu, static_cast<int>(gpu ? g++ : c++), gpu ? gpu_n : cpu_n);
  }

  // The common size: the largest that every file with this version has; else the largest most of them have.
  const std::string key = st.workload + "|" + st.version;
  if (st.size_for != key || std::find(all_sizes.begin(), all_sizes.end(), st.size) == all_sizes.end()) {
    st.size_for = key;
    st.size.clear();
    std::size_t best_count = 0;
    for (const shape_t& m : all_sizes) {
      std::size_t count = 0;
      for (const auto& rs : recs) {
        count += static_cast<std::size_t>(
            std::any_of(rs.begin(), rs.end(), [&m](const record* r) { return r->shape == m; }));
      }
      if (count >= best_count) best_count = count, st.size = m;
    }
  }
  ImGui::SameLine(0, 20);
  label("bars at");
  ImGui::SetNextItemWidth(combo_width(size_label(st.size)));
  if (ImGui::BeginCombo("##cmp_size", all_sizes.empty() ? "-" : size_label(st.size).c_str())) {
    for (std::size_t i = 0; i < all_sizes.size(); ++i) {
      const std::string name = size_label(all_sizes[i]) + "##" + std::to_string(i);
      if (ImGui::Selectable(name.c_str(), all_sizes[i] == st.size)) st.size = all_sizes[i];
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine(0, 20);
  label("show");
  if (ImGui::RadioButton("time (ms)", !st.gflops)) st.gflops = false;
  ImGui::SameLine();
  if (ImGui::RadioButton(metric_unit(headline), st.gflops)) st.gflops = true;

  int with_version = 0;
  for (const auto& rs : recs) with_version += rs.empty() ? 0 : 1;
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0);
  ImGui::Text("%s \"%s\" on %d of the %d loaded files, one color per file (blue: it ran on a CPU, orange: on a GPU): "
              "%s.", st.workload.c_str(), st.version.c_str(), with_version, static_cast<int>(nf),
              st.gflops ? "higher is faster" : "lower is faster");
  if (nf == 1) {
    ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.4f, 1.0f), "Only one file is loaded: add another below (bench/results/ "
                                                       "holds recorded machines) to compare.");
  }
  ImGui::PopTextWrapPos();
  ImGui::Spacing();

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // Two rows under the table: the path input, and the recorded files not loaded yet.
  const float loader_h = 2 * ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
  const float table_h =
      std::min(avail.y * 0.3f, ImGui::GetTextLineHeightWithSpacing() * (static_cast<float>(nf) + 1.5f) + 8);
  const float charts_h = std::max(160.0f, avail.y - table_h - loader_h - ImGui::GetStyle().ItemSpacing.y * 2);
  const chart::axis y{st.gflops ? std::string(metric_unit(headline)) + " (log scale)" : "time (ms, log scale)",
                      chart::scale::log, {}, {}};

  // Lines: time (or the headline rate) against size, one per file.
  {
    std::vector<chart::series> lines;
    float legend_w = 0;
    for (std::size_t i = 0; i < nf; ++i) {
      if (recs[i].empty()) continue;
      legend_w = std::max(legend_w, ImGui::CalcTextSize(app.files[i].label.c_str()).x + 60);
      chart::series s{app.files[i].label, file_colors[i], {}, {}, true, true, is_yardstick(*recs[i].front())};
      for (const record* r : recs[i]) {
        s.x.push_back(size_coordinate(r->shape));
        s.y.push_back(shown(*r));
      }
      lines.push_back(std::move(s));
    }
    // The x axis starts left of the smallest size, so the legend (top-left) sits over empty plot.
    const float chart_w = std::floor(avail.x * 0.55f);
    chart::axis x{size_axis_name(all_sizes) + " (log scale)", chart::scale::log, {}, {}};
    if (!all_sizes.empty()) {
      double x_min = size_coordinate(all_sizes.front()), x_max = x_min;
      for (const shape_t& m : all_sizes) {
        x_min = std::min(x_min, size_coordinate(m));
        x_max = std::max(x_max, size_coordinate(m));
      }
      const double decades = std::max(std::log10(x_max / x_min), 0.3);
      const double left = std::clamp(legend_w / std::max(100.0, static_cast<double>(chart_w) - 70) + 0.04, 0.1, 0.6);
      x.min = x_min / std::pow(10.0, decades * left / (1 - left));
      x.max = x_max * 1.2;
    }
    chart::line_chart("##compare_lines", x, y, lines, ImVec2(chart_w, charts_h));
  }

  // Bars: the same version at the common size, one bar per file, its value written above it.
  ImGui::SameLine();
  {
    std::vector<std::string> bar_names;
    std::vector<ImU32> bar_colors;
    chart::bar_group group{size_label(st.size), {}};
    std::vector<std::vector<std::string>> notes(1);
    for (std::size_t i = 0; i < nf; ++i) {
      const auto at =
          std::find_if(recs[i].begin(), recs[i].end(), [&](const record* r) { return r->shape == st.size; });
      if (at == recs[i].end()) continue;
      bar_names.push_back(app.files[i].label);
      bar_colors.push_back(file_colors[i]);
      group.values.push_back(shown(**at));
      notes[0].push_back(st.gflops ? fmt_gflops(shown(**at)) + " " + metric_unit(headline)
                                   : fmt_ms_with_unit((*at)->median_ms));
    }
    chart::grouped_bars("##compare_bars", bar_names, bar_colors, {group}, y, ImVec2(0, charts_h), notes);
  }

  draw_machines(app, file_colors, table_h);
  ImGui::Spacing();
  draw_loader(app);
}

}  // namespace ws_viz
