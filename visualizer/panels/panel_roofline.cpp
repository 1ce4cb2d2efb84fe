/// @file panel_roofline.cpp
/// @brief The roofline of any workload: each version is a point at its record's intensity (x: the FLOP it does per
/// byte of compulsory memory traffic, both counted by the benchmark next to the kernel) and the GFLOP/s it reached
/// (y), under dashed roofs: the MEASURED memory bandwidth x FLOP/byte (sloped, memory-bound) and the peak (flat,
/// compute-bound). The ridge between them is the reuse a kernel needs before the ALUs, not memory, limit it.
///
/// The model cannot put a point above a measured memory roof unless caches serve some of the traffic: such a
/// point is labelled "beats the model: caches". A file without a measured bandwidth draws no memory roof and says
/// why (nothing is assumed). Reads app.files[app.selected_file] and app.workload; numbers from data/analysis.hpp.

#include <algorithm>
#include <cmath>
#include <cstdio>
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

using widgets::file_and_workload_pickers;
using widgets::fmt;
using widgets::side_name;
using widgets::size_label;
using widgets::size_picker;

/// What the learner picked here; the size goes back to its default when the file or the workload changes.
struct roofline_state {
  std::string shown_for;
  shape_t size;
};

roofline_state& state() {
  static roofline_state s;
  return s;
}

/// 66908 GFLOP/s as "67 TFLOP/s", 3500 as "3.5 TFLOP/s", 228 as "228 GFLOP/s".
std::string fmt_rate(double gflops) {
  if (gflops >= 1000) return fmt(gflops < 10000 ? "%.1f TFLOP/s" : "%.0f TFLOP/s", gflops / 1000);
  return fmt("%.0f GFLOP/s", gflops);
}

std::string fmt_ai(double ai) { return ai < 1 ? fmt("%.2f", ai) : ai < 10 ? fmt("%.1f", ai) : fmt("%.0f", ai); }

/// The size shown first: the largest with the most timed versions on it, so every point is there (the benchmark
/// skips slow versions at large sizes, and the slowest is the point the lesson starts from).
shape_t default_size(const results_file& f, const std::string& workload, const std::vector<shape_t>& sizes) {
  shape_t best = sizes.empty() ? shape_t{} : sizes.back();
  std::size_t most = 0;
  for (const shape_t& m : sizes) {
    const auto count = static_cast<std::size_t>(std::count_if(f.records.begin(), f.records.end(), [&](const record& r) {
      return r.workload == workload && r.shape == m && r.timed();
    }));
    if (count >= most) most = count, best = m;
  }
  return best;
}

/// One roof: min(peak, bandwidth x AI) when both are known; only the flat peak, or only the slope, otherwise.
struct roof {
  std::string name;        ///< the flat part's label: "GPU FP32 peak"; empty without a peak
  std::string slope_name;  ///< the sloped part's label ("GPU memory"); empty when another roof labels that slope
  double peak = 0;         ///< GFLOP/s; 0: unknown, no flat part
  double bandwidth = 0;    ///< GB/s (measured, or theoretical for a GPU without a measurement); 0: no slope
  bool theoretical = false;
  bool sloped() const { return bandwidth > 0; }
  bool flat() const { return peak > 0; }
  bool ridged() const { return sloped() && flat(); }
  double ridge() const { return peak / bandwidth; }  ///< FLOP/byte where the slope meets the peak
  double at(double ai) const {
    return sloped() && flat() ? std::min(peak, bandwidth * ai) : sloped() ? bandwidth * ai : peak;
  }
};

/// The flat roof's name for a record's side: "CPU peak, 1 core", "CPU peak, 2 cores", "GPU FP32 peak", "GPU
/// tensor-core peak".
std::string peak_name(const machine_info& mc, const record& r) {
  if (r.backend == "cpu") {
    return r.threads == 1 ? std::string("CPU peak, 1 core")
                          : "CPU peak, " + std::to_string(mc.cores) + (mc.cores == 1 ? " core" : " cores");
  }
  return r.dtype == "f16" || r.dtype == "bf16" ? "GPU tensor-core peak" : "GPU FP32 peak";
}

/// A roof as the corners of a dashed polyline over [x_lo, x_hi]: the sloped part, the ridge, the flat part.
chart::series roof_line(const roof& r, double x_lo, double x_hi) {
  chart::series s{"", style::roof, {}, {}, true, false, true};
  const auto corner = [&](double x) {
    s.x.push_back(x);
    s.y.push_back(r.at(x));
  };
  corner(x_lo);
  if (r.ridged() && r.ridge() > x_lo && r.ridge() < x_hi) corner(r.ridge());
  corner(x_hi);
  return s;
}

double pow10_floor(double v) { return std::pow(10.0, std::floor(std::log10(v))); }
double pow10_ceil(double v) { return std::pow(10.0, std::ceil(std::log10(v))); }

}  // namespace

void draw_roofline(app_state& app) {
  if (app.files.empty()) {
    ImGui::TextUnformatted("No results file is loaded. Run ./course bench NAME (add --cpu-only without a GPU), then "
                           "./course viz opens that run.");
    return;
  }
  const results_file& f = file_and_workload_pickers(app, "##roof_file", "##roof_workload");
  const machine_info& mc = f.machine;
  const std::string& wl = app.workload;
  const std::vector<shape_t> szs = sizes(f, wl);
  if (szs.empty()) {
    ImGui::TextUnformatted("This file has no records at all: run ./course bench NAME to fill one.");
    return;
  }
  roofline_state& st = state();
  const std::string key = f.path.string() + "|" + wl;
  if (st.shown_for != key || std::find(szs.begin(), szs.end(), st.size) == szs.end()) {
    st.shown_for = key;
    st.size = default_size(f, wl, szs);
  }
  ImGui::SameLine(0, 20);
  size_picker(st.size, szs, "##roof_size");

  // The versions at this size, as points (labelled on the chart below), in shades of their side's hue; and the
  // roofs over them, one per (memory, peak) pair their sides have.
  const std::vector<std::string> names = series(f, wl);
  struct point {
    std::string label;
    double ai, gflops;
    ImU32 color;
  };
  std::vector<point> pts;
  std::vector<roof> roofs;
  std::vector<std::string> missing, unplaced, beats, untimed;
  bool has_cpu = false, has_real_gpu = false, has_cudacpu = false;
  const auto add_unique = [](std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
  };
  {
    std::vector<const record*> rec;
    int cpu_n = 0, gpu_n = 0;
    for (const std::string& n : names) {
      const record* r = find(f, wl, n, st.size);
      if (r && !r->timed()) {
        untimed.push_back(n + (r->status == "starter" ? ": not implemented yet" : ": wrong result"));
      }
      if (!r || !r->timed()) continue;
      const roofline_point p = roofline_place(mc, *r);
      if (!(p.x > 0) || !(p.y > 0)) {  // nothing to place on log axes: no FLOP or no byte count
        unplaced.push_back(side_name(*r));
        continue;
      }
      rec.push_back(r);
      ++(is_gpu(*r) ? gpu_n : cpu_n);
    }
    int ci = 0, gi = 0;
    for (const record* r : rec) {
      const bool gpu = is_gpu(*r);
      (gpu ? (r->backend == "cudacpu" ? has_cudacpu : has_real_gpu) : has_cpu) = true;
      const roofline_point p = roofline_place(mc, *r);
      std::string label = side_name(*r);
      if (p.above_memory_roof) {
        label += std::string("\n") + beats_model_label;
        beats.push_back(side_name(*r));
      } else if (p.above_peak) {
        label += "\nabove the peak: check the machine record";
      }
      pts.push_back({label, p.x, p.y, style::series_color(gpu, gpu ? gi++ : ci++, gpu ? gpu_n : cpu_n)});

      // This record's roof.
      if (r->backend == "cudacpu") continue;  // the CPU standing in for a GPU: no roof describes it
      const memory_roof mem = memory_roof_for(mc, *r);
      const std::optional<double> peak = peak_gflops(mc, *r);
      roof rf;
      rf.bandwidth = mem.gbs.value_or(0);
      rf.theoretical = mem.theoretical;
      rf.peak = peak.value_or(0);
      rf.name = peak ? peak_name(mc, *r) : "";
      rf.slope_name = mem.gbs ? mem.name : "";
      if (!mem.gbs) add_unique(missing, mem.name + ": " + mem.missing + ", so no memory roof");
      if (!peak) add_unique(missing, peak_name(mc, *r) + ": not in the machine record, so no compute roof");
      if (!rf.sloped() && !rf.flat()) continue;
      const bool known = std::any_of(roofs.begin(), roofs.end(), [&](const roof& o) {
        return o.peak == rf.peak && o.bandwidth == rf.bandwidth;
      });
      if (!known) roofs.push_back(rf);
    }
    // A slope shared by several roofs (the GPU's FP32 and tensor-core peaks) is labelled once.
    for (std::size_t i = 0; i < roofs.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (roofs[j].bandwidth == roofs[i].bandwidth && !roofs[j].slope_name.empty()) roofs[i].slope_name.clear();
      }
    }
  }

  // Fixed ranges in whole powers of ten: the roofs must span the whole x axis, with room above the top roof.
  double ai_lo = 0.1, ai_hi = 100, g_lo = 1, g_hi = 1000;
  for (const point& p : pts) {
    ai_lo = std::min(ai_lo, p.ai);
    ai_hi = std::max(ai_hi, p.ai * 2);
    g_lo = std::min(g_lo, p.gflops);
    g_hi = std::max(g_hi, p.gflops * 3);
  }
  for (const roof& r : roofs) {
    if (r.ridged()) ai_hi = std::max(ai_hi, r.ridge() * 2);
    if (r.flat()) g_hi = std::max(g_hi, r.peak * 5);  // a line of room above the top roof for its label
  }
  ai_lo = pow10_floor(ai_lo);
  ai_hi = pow10_ceil(ai_hi);
  for (const roof& r : roofs) {
    if (r.sloped()) g_lo = std::min(g_lo, r.bandwidth * ai_lo);
  }
  g_lo = pow10_floor(g_lo);
  g_hi = pow10_ceil(g_hi);

  // No legend entry per point or roof (each is labelled on the chart); the legend is a key to the marks. It sits
  // top-left, above every roof, where no point can be.
  std::vector<chart::series> data;
  if (has_cpu) data.push_back({"CPU version", style::cpu, {}, {}, false, true, false});
  if (has_real_gpu || has_cudacpu) data.push_back({"GPU version", style::gpu, {}, {}, false, true, false});
  const bool any_ridge = std::any_of(roofs.begin(), roofs.end(), [](const roof& r) { return r.ridged(); });
  if (!roofs.empty()) data.push_back({"roof: the most a version can reach", style::roof, {}, {}, true, false, true});
  if (any_ridge) data.push_back({"ridge: memory stops being the limit", style::roof, {}, {}, false, true, false});
  for (const roof& r : roofs) data.push_back(roof_line(r, ai_lo, ai_hi));
  chart::series ridges{"", style::roof, {}, {}, false, true, false};
  for (const roof& r : roofs) {
    if (!r.ridged()) continue;
    ridges.x.push_back(r.ridge());
    ridges.y.push_back(r.peak);
  }
  data.push_back(std::move(ridges));
  for (const point& p : pts) data.push_back({"", p.color, {p.ai}, {p.gflops}, false, true, false});

  ImGui::Spacing();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float chart_w = std::floor(avail.x * 0.64f);
  const chart::axis x{"arithmetic intensity (FLOP per byte of memory traffic, log scale)", chart::scale::log, ai_lo,
                      ai_hi};
  const chart::axis y{"GFLOP/s (log scale)", chart::scale::log, g_lo, g_hi};
  const chart::plot_rect pr = chart::line_chart("##roofline", x, y, data, ImVec2(chart_w, avail.y));

  // Labels on the chart itself: which roof is which, and which point is which version. Each label takes the free
  // spot nearest its mark (down, up, further down, ...), so labels never cover each other.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(pr.min, pr.max, true);
  const float line_h = ImGui::GetTextLineHeight();
  std::vector<ImVec4> placed;  // x0, y0, x1, y1
  {
    // The chart's legend box (top-left, 8 px in; rows of a text line + 3, a 26 px sample), kept free of labels.
    float legend_w = 0;
    int rows = 0;
    for (const chart::series& d : data) {
      if (d.name.empty()) continue;
      legend_w = std::max(legend_w, ImGui::CalcTextSize(d.name.c_str()).x);
      ++rows;
    }
    placed.emplace_back(pr.min.x, pr.min.y, pr.min.x + legend_w + 60,
                        pr.min.y + static_cast<float>(rows) * (line_h + 3) + 24);
  }
  const auto overlaps = [&](const ImVec4& box) {
    return std::any_of(placed.begin(), placed.end(), [&](const ImVec4& b) {
      return box.x < b.z && b.x < box.z && box.y < b.w && b.y < box.w;
    });
  };
  // The first free spot among the candidates (each as is, then a line down, a line up, two down, ...); when none is
  // free, the first candidate.
  const auto place = [&](const std::vector<ImVec4>& candidates) {
    for (int k = 0; k < 9; ++k) {
      const float dy = static_cast<float>((k + 1) / 2) * (line_h + 1) * (k % 2 == 1 ? 1.0f : -1.0f);
      for (const ImVec4& c : candidates) {
        const ImVec4 tried(c.x, c.y + dy, c.z, c.w + dy);
        if (!overlaps(tried) && tried.y >= pr.min.y && tried.w <= pr.max.y && tried.x >= pr.min.x &&
            tried.z <= pr.max.x) {
          placed.push_back(tried);
          return tried;
        }
      }
    }
    placed.push_back(candidates.front());
    return candidates.front();
  };
  const auto corner = [](const ImVec4& box) { return ImVec2(box.x, box.y); };
  // The marks themselves are kept free too: a label must not hide a point.
  const auto keep_free = [&](ImVec2 at) { placed.emplace_back(at.x - 6, at.y - 6, at.x + 6, at.y + 6); };
  for (const point& p : pts) keep_free(pr.to_screen(p.ai, p.gflops));
  for (const roof& r : roofs) {
    if (r.ridged()) keep_free(pr.to_screen(r.ridge(), r.peak));
  }
  // Point labels first (they matter most and must sit by their points), highest first, right of each point or else
  // left of it. Points drawn on top
  // of each other (a library and the learner's version at the same speed) share one label of several lines.
  std::vector<std::size_t> order(pts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return pts[a].gflops > pts[b].gflops; });
  std::vector<bool> done(pts.size(), false);
  const ImU32 label_color = ImGui::GetColorU32(ImGuiCol_Text);
  for (const std::size_t i : order) {
    if (done[i]) continue;
    const ImVec2 at = pr.to_screen(pts[i].ai, pts[i].gflops);
    std::string text = pts[i].label;
    for (const std::size_t j : order) {
      const ImVec2 other = pr.to_screen(pts[j].ai, pts[j].gflops);
      if (j == i || done[j] || std::abs(other.x - at.x) > 5 || std::abs(other.y - at.y) > 5) continue;
      text += "\n" + pts[j].label;
      done[j] = true;
    }
    done[i] = true;
    const ImVec2 sz = ImGui::CalcTextSize(text.c_str());
    const float y0 = at.y - line_h * 0.5f;
    const ImVec4 box = place({ImVec4(at.x + 8, y0, at.x + 8 + sz.x, y0 + sz.y),
                              ImVec4(at.x - 8 - sz.x, y0, at.x - 8, y0 + sz.y)});
    dl->AddText(corner(box), label_color, text.c_str());
    if (std::abs(box.y - y0) > 1) {
      // Moved off its point's row: a thin leader line says whose label it is.
      const float edge = box.x > at.x ? box.x - 2 : box.z + 2;
      dl->AddLine(at, ImVec2(edge, std::clamp(at.y, box.y + 2, box.w - 2)), style::text_dim, 1.0f);
    }
  }
  for (const roof& r : roofs) {
    if (!r.flat()) continue;
    // The flat part: its name and peak, just above it, ending at its ridge (above the roof and left of the ridge no
    // version of that chip can be), else starting there. Without a ridge: at the right end, above or below.
    const std::string flat = r.name + ": " + fmt_rate(r.peak);
    const float w = ImGui::CalcTextSize(flat.c_str()).x;
    const ImVec2 at = pr.to_screen(r.ridged() ? r.ridge() : ai_hi, r.peak);
    const float top = at.y - line_h - 3, bottom = at.y - 3;
    const ImVec4 before(at.x - 8 - w, top, at.x - 8, bottom);
    const ImVec4 after = r.ridged() ? ImVec4(at.x + 8, top, at.x + 8 + w, bottom)
                                    : ImVec4(at.x - 8 - w, at.y + 3, at.x - 8, at.y + 3 + line_h);  // under the line
    const std::vector<ImVec4> spots{before, after};
    dl->AddText(corner(place(spots)), style::roof, flat.c_str());
  }
  for (const roof& r : roofs) {
    if (r.slope_name.empty() || !r.sloped()) continue;
    // The sloped part: its bandwidth, above the slope where the text first fits inside the plot (else from the
    // plot's left edge, at the ridge's height).
    const std::string slope = r.slope_name + ": " + fmt("%.0f GB/s", r.bandwidth) +
                              (r.theoretical ? " (theoretical)" : " (measured)");
    const float sw = ImGui::CalcTextSize(slope.c_str()).x;
    const double slope_end = r.ridged() ? r.ridge() : ai_hi;
    ImVec2 end = pr.to_screen(slope_end, r.at(slope_end));
    end.x = std::max(end.x, pr.min.x + 10 + sw);
    for (double ai = ai_lo; ai < slope_end; ai *= 1.1) {
      const ImVec2 at = pr.to_screen(ai, r.bandwidth * ai);
      if (at.x - sw - 6 >= pr.min.x + 4 && at.y <= pr.max.y - 4) {
        end = at;
        break;
      }
    }
    dl->AddText(corner(place({ImVec4(end.x - sw - 6, end.y - line_h - 2, end.x - 6, end.y - 2)})), style::roof,
                slope.c_str());
  }
  dl->PopClipRect();

  // The explanation beside the chart.
  ImGui::SameLine(0, 16);
  ImGui::BeginChild("##roofline_text", ImVec2(0, avail.y), false);
  ImGui::PushTextWrapPos(0);
  std::string what = "The roofline of " + wl + " at " + size_label(st.size) + " on " + mc.cpu_model;
  if (has_real_gpu && mc.gpu_name) what += " and " + *mc.gpu_name;
  ImGui::TextUnformatted((what + ".").c_str());
  ImGui::Spacing();
  const ImVec4 note_color(1.0f, 0.8f, 0.4f, 1.0f);
  for (const std::string& m : missing) {
    ImGui::TextColored(note_color, "%s.", m.c_str());
  }
  if (!missing.empty()) {
    ImGui::TextColored(note_color, "Nothing is assumed in its place; the points are still where the versions ran. "
                                   "A schema v2 run of ./course bench measures the bandwidths.");
    ImGui::Spacing();
  }
  if (!beats.empty()) {
    std::string list;
    for (const std::string& b : beats) list += (list.empty() ? "" : ", ") + b;
    ImGui::TextColored(note_color, "Above the measured memory roof: %s. The model counts every input read once from "
                                   "memory; these ran faster than that allows, so part of their data came from "
                                   "caches (the problem fits in them).", list.c_str());
    ImGui::Spacing();
  }
  if (!unplaced.empty()) {
    std::string list;
    for (const std::string& u : unplaced) list += (list.empty() ? "" : ", ") + u;
    ImGui::TextColored(note_color, "Not on the chart (no FLOP or no byte count in the record): %s.", list.c_str());
    ImGui::Spacing();
  }
  if (!untimed.empty()) {
    std::string list;
    for (const std::string& u : untimed) list += (list.empty() ? "" : "; ") + u;
    ImGui::TextColored(note_color, "Not timed, so not on the chart: %s.", list.c_str());
    ImGui::Spacing();
  }
  if (has_cudacpu) {
    ImGui::TextColored(note_color, "The GPU points ran on the CPU backend (no GPU was found): no GPU roof applies.");
    ImGui::Spacing();
  }
  if (!has_real_gpu && !has_cudacpu) {
    ImGui::TextColored(note_color, "No GPU rows in this file: only CPU roofs. Run ./course bench %s on a machine with "
                                   "an NVIDIA GPU to see the GPU's roof.", wl.c_str());
    ImGui::Spacing();
  }
  ImGui::TextUnformatted("How to read it");
  ImGui::Separator();
  ImGui::TextUnformatted("Each point is one version: x is how many FLOP it does per byte it must move to or from "
                         "memory, y is the speed it reached. Under the model no point rises above the dashed roof "
                         "over it.");
  ImGui::Spacing();
  ImGui::TextUnformatted("Left of a ridge the roof slopes: measured memory bandwidth x FLOP/byte. A version there "
                         "waits for data (memory-bound): its measure is GB/s. Right of it the roof is flat: the "
                         "chip's arithmetic peak (compute-bound): its measure is GFLOP/s.");
  ImGui::Spacing();
  if (any_ridge) {
    // The ridges of this machine, in words: the reuse each roof needs before arithmetic, not memory, limits.
    std::string ridges_text = "Ridges here:";
    for (const roof& r : roofs) {
      if (!r.ridged()) continue;
      ridges_text += (ridges_text.back() == ':' ? " " : "; ") + r.name + " at " + fmt_ai(r.ridge()) + " FLOP/byte";
    }
    ImGui::TextUnformatted((ridges_text + ". A version with less reuse than its ridge is limited by memory.").c_str());
    ImGui::Spacing();
  }
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(style::text_dim),
                     "x is the record's flops / bytes: the useful FLOP and the compulsory traffic (each input read "
                     "once, each output written once), counted by the benchmark, not by a profiler. Versions of "
                     "one problem share it; they differ in how close they come to the roof.");
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

}  // namespace ws_viz
