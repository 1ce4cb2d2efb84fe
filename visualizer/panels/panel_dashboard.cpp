/// @file panel_dashboard.cpp
/// @brief The speedup dashboard of any workload: how much faster each version is than the file's first CPU
/// version, on one machine. Bars at one size (time, or the workload's headline rate: GB/s for a memory-bound
/// workload, GFLOP/s for a compute-bound one, with "38x" over each bar; CPU bars blue, GPU bars orange, on one
/// shared log axis), time against size on log-log axes, and a table with the exact numbers, the speedup, the share
/// of the roof that limits the workload (memory bandwidth or peak) and the check. Versions not yet written or
/// with a wrong result are table rows that say so, never bars of zero.
///
/// Reads app.files[app.selected_file] and app.workload; every number it shows comes from data/analysis.hpp.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
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

using widgets::file_and_workload_pickers;
using widgets::fmt;
using widgets::fmt_gflops;
using widgets::fmt_ms;
using widgets::fmt_speedup;
using widgets::label;
using widgets::metric_unit;
using widgets::replace_all;
using widgets::side_name;
using widgets::size_label;
using widgets::size_picker;

/// What the learner picked here. Kept across frames; the size and the plotted lines go back to their defaults when
/// the file or the workload changes, because a size or a version of one file may not exist in another.
struct dashboard_state {
  std::string shown_for;  ///< file path + workload the choices below belong to
  shape_t size;
  bool gflops = false;    ///< false: time (ms), true: the workload's headline rate (GB/s or GFLOP/s) and its roofs
  std::set<std::string> plotted;  ///< series drawn in the time-vs-N chart
};

dashboard_state& state() {
  static dashboard_state s;
  return s;
}

const ImVec4 note_color(1.0f, 0.8f, 0.4f, 1.0f);

/// "Matmul", "Reduce": the workload as the first word of a sentence.
std::string sentence_case(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

/// The label under a bar. Each side has its own chart, so "(GPU)" goes; when the bars are narrow (many versions at
/// 1280 px), a shorter form: "simd_omp ref 2T" for "simd_omp (reference, 2 threads)". The table has full names.
std::string bar_label(const std::string& series, float budget_px) {
  std::string full = series;
  replace_all(full, " (GPU)", "");
  replace_all(full, "(GPU, ", "(");
  if (ImGui::CalcTextSize(full.c_str()).x <= budget_px) return full;
  std::string s = full;
  replace_all(s, "(reference", "(ref");
  replace_all(s, " threads)", "T)");
  replace_all(s, " thread)", "T)");
  replace_all(s, " (", " ");
  replace_all(s, ", ", " ");
  replace_all(s, ")", "");
  return s;
}

/// Any record of a series (for its side and kind); nullptr when the series has none.
const record* any_record(const results_file& f, const std::string& workload, const std::string& name,
                         const std::vector<shape_t>& sizes) {
  for (auto it = sizes.rbegin(); it != sizes.rend(); ++it) {
    if (const record* r = find(f, workload, name, *it)) return r;
  }
  return nullptr;
}

/// The size shown first: the largest where CPU and GPU records and the baseline all exist (so the bars can say
/// "412x"), then the largest with CPU and GPU, then the largest with the baseline, then the largest. The benchmark
/// skips slow versions at large sizes, so "the largest" alone would often show no speedups.
shape_t default_size(const results_file& f, const std::string& workload, const std::vector<shape_t>& sizes) {
  struct found {
    bool cpu = false, gpu = false, baseline = false;
  };
  std::vector<found> at(sizes.size());
  for (const record& r : f.records) {
    if (r.workload != workload || !r.timed()) continue;
    const auto pos = std::find(sizes.begin(), sizes.end(), r.shape);
    if (pos == sizes.end()) continue;
    found& x = at[static_cast<std::size_t>(pos - sizes.begin())];
    (is_gpu(r) ? x.gpu : x.cpu) = true;
    if (speedup(f, r)) x.baseline = true;
  }
  const auto largest = [&](auto&& ok) -> std::optional<shape_t> {
    for (std::size_t i = sizes.size(); i-- > 0;) {
      if (ok(at[i])) return sizes[i];
    }
    return std::nullopt;
  };
  if (auto s = largest([](const found& x) { return x.cpu && x.gpu && x.baseline; })) return *s;
  if (auto s = largest([](const found& x) { return x.cpu && x.gpu; })) return *s;
  if (auto s = largest([](const found& x) { return x.baseline; })) return *s;
  return sizes.empty() ? shape_t{} : sizes.back();
}

/// What an untimed record's row says instead of numbers.
const char* untimed_text(const record& r) {
  return r.status == "starter" ? "not implemented yet" : r.status == "wrong" ? "wrong result" : "not timed";
}

/// The learner's first step when nothing is loaded.
void draw_no_files() {
  ImGui::Spacing();
  ImGui::TextUnformatted("No results file is loaded, so there is nothing to show yet.");
  ImGui::Spacing();
  ImGui::TextUnformatted("Measure this machine (the CPU versions and their libraries; no GPU needed):");
  ImGui::TextColored(ImVec4(1, 1, 1, 1), "    ./course bench NAME --cpu-only");
  ImGui::TextUnformatted("then ./course viz opens that run (build/bench/NAME.json), or give one recorded in "
                         "bench/results/:");
  ImGui::TextColored(ImVec4(1, 1, 1, 1), "    ./course viz --results bench/results/<file>.json");
  ImGui::Spacing();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(style::text_dim),
                     "The Compare panel can also load a file while the app runs.");
}

}  // namespace

void draw_dashboard(app_state& app) {
  if (app.files.empty()) {
    draw_no_files();
    return;
  }
  const results_file& f = file_and_workload_pickers(app, "##dash_file", "##dash_workload");
  const std::string& wl = app.workload;
  const std::vector<shape_t> szs = sizes(f, wl);
  if (szs.empty()) {
    ImGui::TextUnformatted("This file has no records at all: run ./course bench NAME to fill one.");
    return;
  }
  const metric headline = headline_metric(f, wl);
  const metric other = headline == metric::gbps ? metric::gflops : metric::gbps;
  const std::optional<std::string> baseline = baseline_series(f, wl);

  // The series, each with one shade of its side's hue for the lines and the table.
  const std::vector<std::string> names = series(f, wl);
  std::vector<const record*> kind(names.size());  // any record of the series: its side and whether a library
  int cpu_count = 0, gpu_count = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    kind[i] = any_record(f, wl, names[i], szs);
    if (kind[i]) ++(is_gpu(*kind[i]) ? gpu_count : cpu_count);
  }
  std::vector<ImU32> colors(names.size(), style::text_dim);
  for (std::size_t i = 0, c = 0, g = 0; i < names.size(); ++i) {
    if (!kind[i]) continue;
    const bool gpu = is_gpu(*kind[i]);
    colors[i] = style::series_color(gpu, static_cast<int>(gpu ? g++ : c++), gpu ? gpu_count : cpu_count);
  }

  dashboard_state& st = state();
  const std::string key = f.path.string() + "|" + wl;
  const bool fresh = st.shown_for != key;
  if (fresh || std::find(szs.begin(), szs.end(), st.size) == szs.end()) {
    st.shown_for = key;
    st.size = default_size(f, wl, szs);
  }
  // A memory-bound workload opens on GB/s against its memory roofs (its time alone says little about how close to
  // the hardware it is); a compute-bound one on time, its speedups over the baseline, with GFLOP/s and the peaks a
  // click away (and % of peak in the table).
  if (fresh) st.gflops = headline == metric::gbps;
  ImGui::SameLine(0, 20);
  size_picker(st.size, szs, "##dash_size");
  ImGui::SameLine(0, 20);
  label("show");
  if (ImGui::RadioButton("time (ms)", !st.gflops)) st.gflops = false;
  ImGui::SameLine();
  if (ImGui::RadioButton(metric_unit(headline), st.gflops)) st.gflops = true;
  const auto shown = [&](const record& r) { return st.gflops ? rate(r, headline) : r.median_ms; };

  // The records at the chosen size, in display order, and the ones the header sentence names.
  std::vector<std::size_t> here;  // indices into names
  std::vector<const record*> rec(names.size(), nullptr);
  for (std::size_t i = 0; i < names.size(); ++i) {
    rec[i] = find(f, wl, names[i], st.size);
    if (rec[i]) here.push_back(i);
  }
  // The fastest FP32 version of the learner's and of the libraries (f16/bf16 tensor-core rows are a different
  // contest: they are in the bars, not in the sentence).
  const record* best_ours = nullptr;
  const record* best_lib = nullptr;
  bool any_speedup = false;
  for (const std::size_t i : here) {
    const record* r = rec[i];
    if (speedup(f, *r)) any_speedup = true;
    if (r->dtype != "f32" || !r->timed()) continue;
    const record*& best = is_yardstick(*r) ? best_lib : best_ours;
    if (!best || r->median_ms < best->median_ms) best = r;
  }

  // Which lines the time-vs-size chart draws: all when few; else the story's landmarks (the baseline, each side's
  // fastest FP32 version and its fastest library), and the learner ticks more in the table.
  if (fresh) {
    st.plotted.clear();
    constexpr std::size_t all_when_at_most = 8;
    if (names.size() <= all_when_at_most) {
      st.plotted.insert(names.begin(), names.end());
    } else {
      if (baseline) st.plotted.insert(*baseline);
      for (const bool gpu : {false, true}) {
        const record* fastest[2] = {nullptr, nullptr};  // the course's, library
        for (const std::size_t i : here) {
          const record* r = rec[i];
          if (is_gpu(*r) != gpu || r->dtype != "f32" || !r->timed()) continue;
          const record*& best = fastest[is_yardstick(*r) ? 1 : 0];
          if (!best || r->median_ms < best->median_ms) best = r;
        }
        for (const record* r : {fastest[0], fastest[1]}) {
          if (r) st.plotted.insert(series_name(*r));
        }
      }
    }
  }

  // The header: the picture in one sentence, then what stands out.
  std::string machine = f.machine.cpu_model + " (" + std::to_string(f.machine.cores) +
                        (f.machine.cores == 1 ? " core)" : " cores)");
  if (f.machine.backend == "cudacpu") {
    machine += " with the CPU backend standing in for a GPU";
  } else if (f.machine.gpu_name) {
    machine += " and " + *f.machine.gpu_name;
  }
  const std::string base_name = baseline ? "the baseline (CPU " + *baseline + ")" : "";
  std::string header = sentence_case(wl) + ", " + size_label(st.size) + " on " + machine + ": " +
                       (st.gflops ? "higher is faster." : "lower is faster.");
  header += headline == metric::gbps ? " Memory-bound: each version is measured in GB/s against the memory roof."
                                     : " Compute-bound: each version is measured in GFLOP/s against the peak.";
  if (best_ours) {
    if (const auto s = speedup(f, *best_ours)) {
      header += " " + side_name(*best_ours) + ", the fastest FP32 version of the course's code, is " +
                fmt_speedup(*s) + " as fast as " + base_name;
      if (best_lib) {
        if (const auto sl = speedup(f, *best_lib)) {
          header += "; " + side_name(*best_lib) + ", the library yardstick, " + fmt_speedup(*sl);
        }
      }
      header += ".";
    } else {
      header += " The fastest FP32 version of the course's code: " + side_name(*best_ours) + ", " +
                fmt_ms(best_ours->median_ms) + " ms.";
    }
  }
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(header.c_str());
  if (gpu_count == 0) {
    ImGui::TextColored(note_color, "No GPU rows in this file: run ./course bench %s on a machine with an NVIDIA GPU, "
                                   "or load a results file from bench/results/ (Compare panel).", wl.c_str());
  } else if (f.machine.backend == "cudacpu") {
    ImGui::TextColored(note_color, "The GPU rows of this file ran on the CPU backend (no GPU was found): their times "
                                   "are the CPU pretending to be a GPU, not GPU times.");
  }
  if (!any_speedup && !here.empty()) {
    const bool baseline_elsewhere = std::any_of(f.records.begin(), f.records.end(), [&](const record& r) {
      return r.workload == wl && speedup(f, r).has_value();
    });
    if (baseline_elsewhere) {
      ImGui::TextColored(note_color, "No timed %s record at %s (the benchmark skips a version that would take "
                                     "too long), so no speedups here: pick a smaller size.",
                         base_name.c_str(), size_label(st.size).c_str());
    } else {
      ImGui::TextColored(note_color, "This file has no timed single-thread CPU version of %s to measure speedups "
                                     "against: the bars compare times only.", wl.c_str());
    }
  }
  {
    // Rows faster than their measured memory roof allows: the compulsory-traffic model says they cannot be, unless
    // caches serve part of the data (the problem fits in them).
    std::string beats;
    for (const std::size_t i : here) {
      if (roofline_place(f.machine, *rec[i]).above_memory_roof) beats += (beats.empty() ? "" : ", ") + names[i];
    }
    if (!beats.empty()) {
      ImGui::TextColored(note_color, "Above the measured memory bandwidth (%s): %s.", beats_model_label, beats.c_str());
    }
  }
  {
    // Untimed rows: named here and in the table, never drawn as bars.
    std::string missing;
    for (const std::size_t i : here) {
      if (!rec[i]->timed()) missing += (missing.empty() ? "" : "; ") + names[i] + ": " + untimed_text(*rec[i]);
    }
    if (!missing.empty()) ImGui::TextColored(note_color, "Not timed at this size: %s.", missing.c_str());
  }
  ImGui::PopTextWrapPos();

  // (a) Bars at the chosen size: one chart per side, both on the same y range so a GPU bar's height compares with
  // a CPU bar's. One series per chart, so every bar is full width and named right under it.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line_h = ImGui::GetTextLineHeight();
  const float bars_h = std::max(200.0f, std::floor(avail.y * 0.47f));
  {
    double lo = 0, hi = 0;
    std::vector<std::size_t> side[2];
    // Showing the headline rate, each side's roofs are drawn over its bars: the measured memory bandwidth for GB/s,
    // the peak for GFLOP/s (one line per distinct roof, e.g. 1 thread and all threads).
    struct roof_line {
      double value;
      std::string label;
    };
    std::vector<roof_line> side_roofs[2];
    for (const std::size_t i : here) {
      const double v = shown(*rec[i]);
      if (!rec[i]->timed() || !(v > 0)) continue;
      const int sd = is_gpu(*rec[i]) ? 1 : 0;
      side[sd].push_back(i);
      lo = lo == 0 ? v : std::min(lo, v);
      hi = std::max(hi, v);
      if (!st.gflops) continue;
      roof_line rl{0, ""};
      if (headline == metric::gbps) {
        const memory_roof mem = memory_roof_for(f.machine, *rec[i]);
        if (mem.gbs) rl = {*mem.gbs, mem.name + fmt(": %.0f GB/s", *mem.gbs) + (mem.theoretical ? " (theoretical)" : "")};
      } else if (const auto peak = peak_gflops(f.machine, *rec[i])) {
        rl = {*peak, fmt("peak %.0f GFLOP/s", *peak) +
                         (rec[i]->backend == "cpu" ? (rec[i]->threads == 1 ? ", 1 thread" : ", all threads") : "")};
      }
      const bool known = std::any_of(side_roofs[sd].begin(), side_roofs[sd].end(),
                                     [&](const roof_line& o) { return o.value == rl.value; });
      if (rl.value > 0 && !known) {
        side_roofs[sd].push_back(rl);
        hi = std::max(hi, rl.value);
      }
    }
    // Room above the tallest bar for the one-line legend and the "412x" over it: about 3.5 text lines of the plot.
    const double decade_lo = std::floor(std::log10(lo > 0 ? lo : 1));
    const double span = std::max(1.0, std::log10(hi > 0 ? hi : 10) - decade_lo);
    const double plot_h = bars_h - 4 * line_h - 20;
    const double room = std::clamp(3.5 * line_h / plot_h, 0.1, 0.5);
    const std::string y_name = st.gflops ? std::string(metric_unit(headline)) + " (log scale)" : "time (ms, log scale)";
    const chart::axis y{y_name, chart::scale::log, std::pow(10.0, decade_lo),
                        std::pow(10.0, decade_lo + span / (1 - room))};
    const float width = avail.x - (side[0].empty() || side[1].empty() ? 0 : ImGui::GetStyle().ItemSpacing.x);
    const std::size_t total = side[0].size() + side[1].size();
    bool first = true;
    for (int s = 0; s < 2; ++s) {
      if (side[s].empty()) continue;
      const float w = side[0].empty() || side[1].empty()
                          ? width
                          : std::floor(width * static_cast<float>(side[s].size()) / static_cast<float>(total));
      // Under each bar: its name, shortened when two bar widths (the chart staggers crowded labels) cannot hold it.
      const float slot = (w - 70) / static_cast<float>(side[s].size());
      std::vector<chart::bar_group> groups;
      std::vector<std::vector<std::string>> notes;
      // One budget for all, so every label of a chart has the same form: the last label, centred on the last bar,
      // has only the chart's right margin beyond it.
      const float budget = std::min(2 * slot - 10, slot + 24);
      bool threads_shortened = false;
      for (const std::size_t i : side[s]) {
        groups.push_back({bar_label(names[i], budget), {shown(*rec[i])}});
        threads_shortened |= names[i].find(" thread") != std::string::npos &&
                             groups.back().label.find(" thread") == std::string::npos;
        const auto sp = speedup(f, *rec[i]);
        notes.push_back({sp ? fmt_speedup(*sp) : ""});
      }
      // The speedup's meaning once, in the last chart's legend (the first is narrow when both are shown).
      const bool last = s == 1 || side[1].empty();
      const std::string legend = std::string(s == 1 ? "GPU" : "CPU") + ", " + size_label(st.size) +
                                 (any_speedup && last ? "; over each bar: times as fast as the baseline" : "") +
                                 (threads_shortened ? "; nT: n threads" : "");
      if (!first) ImGui::SameLine();
      first = false;
      const chart::plot_rect pr = chart::grouped_bars(s == 1 ? "##dash_bars_gpu" : "##dash_bars_cpu", {legend},
                                                      {s == 1 ? style::gpu : style::cpu}, groups, y,
                                                      ImVec2(w, bars_h), notes);
      ImDrawList* dl = ImGui::GetWindowDrawList();
      std::vector<ImVec4> taken;  // label boxes drawn so far: a roof close to another puts its label beside it
      for (const roof_line& rl : side_roofs[s]) {
        const float ry = pr.to_screen(0.5, rl.value).y;
        for (float x = pr.min.x; x < pr.max.x; x += 9.0f) {
          dl->AddLine(ImVec2(x, ry), ImVec2(std::min(x + 5.0f, pr.max.x), ry), style::roof, 1.5f);
        }
        // The label at the left end, on a backing so bars and the "38x" notes under it stay apart from it.
        const ImVec2 tw = ImGui::CalcTextSize(rl.label.c_str());
        ImVec2 at(pr.min.x + 6.0f, ry - tw.y - 1.0f);
        for (const ImVec4& b : taken) {
          if (at.y < b.w && b.y < at.y + tw.y && at.x < b.z) at.x = b.z + 14.0f;
        }
        taken.emplace_back(at.x, at.y, at.x + tw.x, at.y + tw.y);
        dl->AddRectFilled(ImVec2(at.x - 2.0f, at.y), ImVec2(at.x + tw.x + 2.0f, at.y + tw.y), IM_COL32(24, 24, 28, 210));
        dl->AddText(at, style::roof, rl.label.c_str());
      }
    }
    if (total == 0) ImGui::TextUnformatted("No records at this size.");
  }

  // (b) Time (or the headline rate) against size for the chosen series; libraries dashed. The x axis starts left of the
  // smallest size, so the legend (top-left) sits over empty plot, not over the lines.
  const float bottom_h = std::max(160.0f, ImGui::GetContentRegionAvail().y);
  const float chart_w = std::floor(avail.x * 0.42f);
  {
    std::vector<chart::series> lines;
    float legend_w = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!kind[i] || !st.plotted.count(names[i])) continue;
      chart::series s{names[i], colors[i], {}, {}, true, true, is_yardstick(*kind[i])};
      for (const shape_t& m : szs) {
        const record* r = find(f, wl, names[i], m);
        if (r && r->timed()) {
          s.x.push_back(size_coordinate(m));
          s.y.push_back(shown(*r));
        }
      }
      legend_w = std::max(legend_w, ImGui::CalcTextSize(names[i].c_str()).x + 60);
      lines.push_back(std::move(s));
    }
    double x_min = size_coordinate(szs.front()), x_max = x_min;
    for (const shape_t& m : szs) {
      x_min = std::min(x_min, size_coordinate(m));
      x_max = std::max(x_max, size_coordinate(m));
    }
    const double decades = std::max(std::log10(x_max / x_min), 0.3);
    const double plot_w = std::max(100.0, static_cast<double>(chart_w) - 70);
    const double left = std::clamp(legend_w / plot_w + 0.04, 0.1, 0.6);  // fraction of the plot for the legend
    const chart::axis x{size_axis_name(szs) + " (log scale)", chart::scale::log,
                        x_min / std::pow(10.0, decades * left / (1 - left)), x_max * 1.2};
    const chart::axis y{st.gflops ? std::string(metric_unit(headline)) + " (log scale)" : "time (ms, log scale)",
                        chart::scale::log, {}, {}};
    chart::line_chart("##dash_lines", x, y, lines, ImVec2(chart_w, bottom_h));
  }

  // (c) The exact numbers at the chosen size; the first column picks the lines drawn in (b).
  ImGui::SameLine();
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("##dash_table", 9, flags, ImVec2(0, bottom_h))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("line", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("on", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("version", ImGuiTableColumnFlags_WidthStretch, 4.0f);
    ImGui::TableSetupColumn("time (ms)", ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn(metric_unit(headline), ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn(metric_unit(other), ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn("speedup", ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn(headline == metric::gbps ? "% of memory" : "% of peak",
                            ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("correct", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    const ImVec4 dim = ImGui::ColorConvertU32ToFloat4(style::text_dim);
    const ImVec4 bad(1.0f, 0.35f, 0.3f, 1);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(2, 0));  // checkboxes no taller than a text row
    for (const std::size_t i : here) {
      const record& r = *rec[i];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      bool on = st.plotted.count(names[i]) > 0;
      if (ImGui::Checkbox(("##line" + std::to_string(i)).c_str(), &on)) {
        if (on) {
          st.plotted.insert(names[i]);
        } else {
          st.plotted.erase(names[i]);
        }
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(is_gpu(r) ? "GPU" : "CPU");
      ImGui::TableNextColumn();
      // A swatch of the series color ties the row to its line.
      const ImVec2 p = ImGui::GetCursorScreenPos();
      ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + 3), ImVec2(p.x + line_h - 6, p.y + line_h - 3),
                                                colors[i], 2.0f);
      ImGui::Dummy(ImVec2(line_h - 4, line_h));
      ImGui::SameLine();
      ImGui::TextUnformatted(names[i].c_str());
      if (!r.timed()) {
        // What is missing, across the number columns (left empty for it), and no number: never a zero.
        ImGui::TableNextColumn();
        const ImVec2 at = ImGui::GetCursorScreenPos();
        ImGui::PushClipRect(at, ImVec2(at.x + 420.0f, at.y + line_h + 2.0f), false);
        ImGui::TextColored(r.status == "wrong" ? bad : dim, "%s", untimed_text(r));
        ImGui::PopClipRect();
        for (int c = 0; c < 4; ++c) ImGui::TableNextColumn();
        ImGui::TableNextColumn();
        ImGui::TextColored(r.status == "wrong" ? bad : dim, "%s", r.status == "wrong" ? "NO" : "-");
        continue;
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(fmt_ms(r.median_ms).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(fmt_gflops(rate(r, headline)).c_str());
      ImGui::TableNextColumn();
      ImGui::TextColored(dim, "%s", fmt_gflops(rate(r, other)).c_str());
      ImGui::TableNextColumn();
      if (const auto s = speedup(f, r)) {
        ImGui::TextUnformatted(fmt_speedup(*s).c_str());
      } else {
        ImGui::TextColored(dim, "-");
      }
      ImGui::TableNextColumn();
      if (const auto pct = percent_of_roof(f.machine, r, headline)) {
        const bool theoretical = headline == metric::gbps && memory_roof_for(f.machine, r).theoretical;
        ImGui::TextUnformatted((fmt(*pct < 10 ? "%.1f%%" : "%.0f%%", *pct) + (theoretical ? " (th.)" : "")).c_str());
        if (!app.screenshot && ImGui::IsItemHovered()) {
          ImGui::SetTooltip(headline == metric::gbps
                                ? (theoretical ? "of the theoretical GPU bandwidth (no measured one in this file)"
                                               : "of the measured memory bandwidth of this row's side")
                                : "of the measured (CPU) or computed (GPU) FP peak of this row's side");
        }
      } else {
        ImGui::TextColored(dim, "-");
        if (!app.screenshot && ImGui::IsItemHovered()) {
          const std::string why = headline == metric::gbps ? memory_roof_for(f.machine, r).missing
                                                           : "the machine record has no peak for this row's side";
          ImGui::SetTooltip("%s", why.c_str());
        }
      }
      ImGui::TableNextColumn();
      if (r.correct) {
        ImGui::TextColored(ImVec4(0.35f, 0.8f, 0.45f, 1), "yes");
      } else {
        ImGui::TextColored(bad, "NO");
      }
    }
    ImGui::PopStyleVar();
    ImGui::EndTable();
  }
}

}  // namespace ws_viz
