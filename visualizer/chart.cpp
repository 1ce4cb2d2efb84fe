/// @file chart.cpp
/// @brief The shared charts (chart.hpp) drawn with ImDrawList: a frame of axes, nice ticks and labels with units,
/// then lines, points or grouped bars clipped to the plot, a legend in its top-left corner, and a tooltip with the
/// exact values under the mouse.
///
/// Layout of one chart of `size` (a size component <= 0 means "the available width/height plus that", as ImGui's
/// widgets do):
///
///     y label (unit)                      <- one text line above the plot, left-aligned
///     tick |  legend                 |
///     tick |        data             |
///          +-------------------------+
///           tick   tick   tick   tick    <- x tick labels (bars: group labels, staggered when crowded)
///                 x label (unit)
#include "chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "style.hpp"

namespace ws_viz::chart {

namespace {

constexpr ImU32 plot_background = IM_COL32(26, 26, 28, 255);
constexpr ImU32 grid_color = IM_COL32(255, 255, 255, 26);
constexpr ImU32 grid_minor_color = IM_COL32(255, 255, 255, 12);
constexpr ImU32 axis_color = IM_COL32(255, 255, 255, 110);
constexpr ImU32 legend_background = IM_COL32(16, 16, 18, 200);
constexpr ImU32 legend_border = IM_COL32(255, 255, 255, 40);
constexpr float line_thickness = 2.0f;
constexpr float marker_radius = 3.5f;
constexpr float point_radius = 5.0f;      // points-only series (a roofline's kernels) read as dots, not a line
constexpr float hover_distance = 10.0f;  // pixels from the mouse within which a point is "hovered"

bool usable(double v, scale kind) { return std::isfinite(v) && (kind == scale::linear || v > 0); }

/// A value on an axis as a fraction of its range: 0 at lo, 1 at hi (log axes in decades).
double fraction(double v, double lo, double hi, scale kind) {
  if (kind == scale::log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  return (v - lo) / (hi - lo);
}

/// A "nice" number close to x: 1, 2 or 5 times a power of ten (Heckbert, Graphics Gems I, "Nice numbers for graph
/// labels"), rounded to the nearest or up.
double nice_number(double x, bool round) {
  const double exponent = std::floor(std::log10(x));
  const double f = x / std::pow(10.0, exponent);
  double nf = 10;
  if (round) {
    nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  } else {
    nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  }
  return nf * std::pow(10.0, exponent);
}

/// The power of ten (or, when `fine`, the 1, 2 or 5 x 10^k) at or below v (`up`: at or above).
double snap_log(double v, bool up, bool fine) {
  const double decade = std::pow(10.0, std::floor(std::log10(v) + 1e-9));
  if (!fine) return up && v > decade * (1 + 1e-9) ? decade * 10 : decade;
  if (up) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (decade * m >= v * (1 - 1e-9)) return decade * m;
    }
    return decade * 10;
  }
  for (double m : {5.0, 2.0}) {
    if (decade * m <= v * (1 + 1e-9)) return decade * m;
  }
  return decade;
}

/// The range an axis shows: its fixed ends, else the data's (log: whole decades; linear y: from 0 when all data is
/// positive, up to the next nice tick), never empty.
void axis_range(const axis& a, double data_lo, double data_hi, bool is_y, double& lo, double& hi) {
  const bool have_data = data_lo <= data_hi;
  if (a.kind == scale::log) {
    if (!have_data) data_lo = 1, data_hi = 10;
    // Whole decades; data within two decades snaps to 1, 2, 5 x 10^k instead, so it fills the plot.
    const bool narrow = data_hi / data_lo < 100;
    lo = a.min && *a.min > 0 ? *a.min : snap_log(data_lo, false, narrow);
    hi = a.max && *a.max > 0 ? *a.max : snap_log(data_hi, true, narrow);
    if (!(hi > lo)) hi = lo * 10;
    return;
  }
  if (!have_data) data_lo = 0, data_hi = 1;
  if (is_y && data_lo > 0) data_lo = 0;
  if (is_y && data_hi < 0) data_hi = 0;
  if (data_hi == data_lo) {
    const double pad = data_lo == 0 ? 1 : std::abs(data_lo) * 0.1;
    data_lo -= pad, data_hi += pad;
  }
  if (is_y) {
    const double step = nice_number((data_hi - data_lo) / 5, true);
    data_lo = std::floor(data_lo / step + 1e-9) * step;
    data_hi = std::ceil(data_hi / step - 1e-9) * step;
  } else {
    const double pad = (data_hi - data_lo) * 0.04;
    data_lo -= pad, data_hi += pad;
  }
  lo = a.min ? *a.min : data_lo;
  hi = a.max ? *a.max : data_hi;
  if (!(hi > lo)) hi = lo + 1;
}

/// The box a chart takes, resolved like an ImGui widget size.
ImVec2 resolve_size(ImVec2 size) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = std::max(avail.x + size.x, 120.0f);
  if (size.y <= 0) size.y = std::max(avail.y + size.y, 100.0f);
  return size;
}

void text_at(ImDrawList* dl, ImVec2 pos, ImU32 color, const std::string& s) {
  dl->AddText(ImVec2(std::round(pos.x), std::round(pos.y)), color, s.c_str());
}

/// A dashed polyline; the dash pattern continues across vertices.
void dashed_polyline(ImDrawList* dl, const std::vector<ImVec2>& pts, ImU32 color, float thickness) {
  constexpr float dash = 7.0f, gap = 5.0f;
  float phase = 0;  // distance into the current dash+gap period
  for (size_t i = 1; i < pts.size(); ++i) {
    const ImVec2 a = pts[i - 1], b = pts[i];
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float len = std::sqrt(dx * dx + dy * dy);
    float t = 0;
    while (t < len) {
      const bool drawing = phase < dash;
      const float step = std::min(len - t, drawing ? dash - phase : dash + gap - phase);
      if (drawing) {
        dl->AddLine(ImVec2(a.x + dx * t / len, a.y + dy * t / len),
                    ImVec2(a.x + dx * (t + step) / len, a.y + dy * (t + step) / len), color, thickness);
      }
      t += step;
      phase += step;
      if (phase >= dash + gap) phase = 0;
    }
  }
}

/// One legend entry's sample: a short line (dashed or not) with a marker, or a filled square for bars.
struct legend_entry {
  std::string name;
  ImU32 color;
  bool line, markers, dashed, bar;
};

/// Where the legend's entries go: as few rows as keep it within 60% of the plot's width (so it stays a compact
/// block in the corner), and never more rows than the plot's height holds (then more columns).
struct legend_layout {
  int rows = 0;
  std::vector<float> column_w;
  ImVec2 size;  ///< the box, padding included
};

constexpr float legend_sample_w = 26.0f, legend_pad = 6.0f, legend_margin = 8.0f;

legend_layout layout_legend(const std::vector<std::string>& names, float plot_w, float plot_h) {
  legend_layout l;
  if (names.empty()) return l;
  const float row_h = ImGui::GetTextLineHeight() + 3.0f;
  const int n = static_cast<int>(names.size());
  const int rows_fit = std::max(1, static_cast<int>((plot_h - 2 * legend_pad - 2 * legend_margin) / row_h));
  std::vector<float> widths;
  for (const std::string& name : names) widths.push_back(legend_sample_w + 6 + ImGui::CalcTextSize(name.c_str()).x);
  for (int rows = std::min(n, rows_fit); rows >= 1; --rows) {
    const int columns = (n + rows - 1) / rows;
    std::vector<float> column_w(static_cast<size_t>(columns), 0.0f);
    for (int i = 0; i < n; ++i) {
      float& w = column_w[static_cast<size_t>(i / rows)];
      w = std::max(w, widths[static_cast<size_t>(i)]);
    }
    float total_w = legend_pad;
    for (float w : column_w) total_w += w + legend_pad * 2;
    total_w -= legend_pad;
    // From the tallest layout that fits, fewer rows while the box stays within 60% of the plot's width.
    if (l.rows != 0 && total_w > plot_w * 0.6f) break;
    l.rows = rows;
    l.column_w = column_w;
    l.size = ImVec2(total_w, static_cast<float>(rows) * row_h + legend_pad * 2 - 3);
  }
  return l;
}

void draw_legend(ImDrawList* dl, ImVec2 plot_min, ImVec2 plot_max, const std::vector<legend_entry>& entries) {
  if (entries.empty()) return;
  std::vector<std::string> names;
  for (const legend_entry& e : entries) names.push_back(e.name);
  const legend_layout l = layout_legend(names, plot_max.x - plot_min.x, plot_max.y - plot_min.y);
  const float line_h = ImGui::GetTextLineHeight(), row_h = line_h + 3.0f;
  const ImVec2 box_min(plot_min.x + legend_margin, plot_min.y + legend_margin);
  const ImVec2 box_max(box_min.x + l.size.x, box_min.y + l.size.y);
  dl->AddRectFilled(box_min, box_max, legend_background, 4.0f);
  dl->AddRect(box_min, box_max, legend_border, 4.0f);
  dl->PushClipRect(box_min, box_max, true);
  float x = box_min.x + legend_pad;
  for (size_t i = 0; i < entries.size(); ++i) {
    const size_t column = i / static_cast<size_t>(l.rows), row = i % static_cast<size_t>(l.rows);
    if (row == 0 && column > 0) x += l.column_w[column - 1] + legend_pad * 2;
    const legend_entry& e = entries[i];
    const float y = box_min.y + legend_pad + static_cast<float>(row) * row_h;
    const float mid = y + line_h * 0.5f;
    const float sw = legend_sample_w;
    if (e.bar) {
      dl->AddRectFilled(ImVec2(x + 6, y + 2), ImVec2(x + sw - 6, y + line_h - 2), e.color, 2.0f);
    } else {
      if (e.line && e.dashed) {
        dashed_polyline(dl, {ImVec2(x, mid), ImVec2(x + sw, mid)}, e.color, line_thickness);
      } else if (e.line) {
        dl->AddLine(ImVec2(x, mid), ImVec2(x + sw, mid), e.color, line_thickness);
      }
      if (e.markers || !e.line) {
        dl->AddCircleFilled(ImVec2(x + sw * 0.5f, mid), e.line ? marker_radius : point_radius, e.color);
      }
    }
    text_at(dl, ImVec2(x + sw + 6, y), ImGui::GetColorU32(ImGuiCol_Text), e.name);
  }
  dl->PopClipRect();
}

/// The frame every chart shares: reserves the widget's space, works out margins, draws background, grid, axes and
/// tick labels. `x_ticks_custom` (bars) replaces the x ticks with labelled positions in data units.
struct frame {
  ImDrawList* dl = nullptr;
  plot_rect plot;
  bool hovered = false;
};

struct x_label_at {
  double x;
  std::string text;
};

frame draw_frame(const char* id, const axis& x, const axis& y, ImVec2 size, const std::vector<x_label_at>* x_custom,
                 plot_rect ranges) {
  frame f;
  f.dl = ImGui::GetWindowDrawList();
  size = resolve_size(size);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::PushID(id);
  ImGui::Dummy(size);  // the chart is one item: layout and hover like a widget
  f.hovered = ImGui::IsItemHovered();
  ImGui::PopID();

  const float line_h = ImGui::GetTextLineHeight();
  const std::vector<double> y_ticks = ticks(ranges.y_lo, ranges.y_hi, y.kind);
  float y_label_w = 0;
  for (double v : y_ticks) y_label_w = std::max(y_label_w, ImGui::CalcTextSize(tick_label(v).c_str()).x);

  // x labels: staggered on two rows when neighbours would overlap.
  std::vector<x_label_at> x_labels;
  if (x_custom != nullptr) {
    x_labels = *x_custom;
  } else {
    for (double v : ticks(ranges.x_lo, ranges.x_hi, x.kind)) x_labels.push_back({v, tick_label(v)});
  }
  const float left = y_label_w + 10;
  const float right = 16;
  const float top = y.label.empty() ? line_h * 0.5f : line_h + 8;
  float plot_w = size.x - left - right;
  bool stagger = false;
  if (x_labels.size() > 1) {
    const float slot = plot_w / static_cast<float>(x_labels.size());
    for (const auto& l : x_labels) stagger = stagger || ImGui::CalcTextSize(l.text.c_str()).x > slot - 6;
  }
  const float bottom = 6 + line_h * (stagger ? 2.0f : 1.0f) + (x.label.empty() ? 4 : line_h + 8);
  ranges.min = ImVec2(std::floor(origin.x + left), std::floor(origin.y + top));
  ranges.max = ImVec2(std::floor(origin.x + size.x - right), std::floor(origin.y + size.y - bottom));
  if (ranges.max.x < ranges.min.x + 10) ranges.max.x = ranges.min.x + 10;
  if (ranges.max.y < ranges.min.y + 10) ranges.max.y = ranges.min.y + 10;
  f.plot = ranges;
  const plot_rect& p = f.plot;
  ImDrawList* dl = f.dl;

  dl->AddRectFilled(p.min, p.max, plot_background, 3.0f);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  // Minor log grid (2..9 of each decade) when few decades, so a log axis reads as one.
  auto minor_log = [&](double lo, double hi, bool vertical) {
    const double decades = std::log10(hi) - std::log10(lo);
    if (decades > 6) return;
    for (double d = std::pow(10.0, std::floor(std::log10(lo))); d < hi; d *= 10) {
      for (int m = 2; m <= 9; ++m) {
        const double v = d * m;
        if (v <= lo || v >= hi) continue;
        const ImVec2 s = vertical ? p.to_screen(v, p.y_lo) : p.to_screen(p.x_lo, v);
        if (vertical) {
          dl->AddLine(ImVec2(s.x, p.min.y), ImVec2(s.x, p.max.y), grid_minor_color);
        } else {
          dl->AddLine(ImVec2(p.min.x, s.y), ImVec2(p.max.x, s.y), grid_minor_color);
        }
      }
    }
  };
  if (y.kind == scale::log) minor_log(p.y_lo, p.y_hi, false);
  if (x.kind == scale::log && x_custom == nullptr) minor_log(p.x_lo, p.x_hi, true);

  for (double v : y_ticks) {
    const float sy = std::round(p.to_screen(p.x_lo, v).y);
    if (sy < p.min.y - 0.5f || sy > p.max.y + 0.5f) continue;
    dl->AddLine(ImVec2(p.min.x, sy), ImVec2(p.max.x, sy), grid_color);
    dl->AddLine(ImVec2(p.min.x - 4, sy), ImVec2(p.min.x, sy), axis_color);
    const std::string s = tick_label(v);
    const float w = ImGui::CalcTextSize(s.c_str()).x;
    text_at(dl, ImVec2(p.min.x - 6 - w, sy - line_h * 0.5f), style::text_dim, s);
  }
  for (size_t i = 0; i < x_labels.size(); ++i) {
    const float sx = std::round(p.to_screen(x_labels[i].x, p.y_lo).x);
    if (sx < p.min.x - 0.5f || sx > p.max.x + 0.5f) continue;
    if (x_custom == nullptr) dl->AddLine(ImVec2(sx, p.min.y), ImVec2(sx, p.max.y), grid_color);
    dl->AddLine(ImVec2(sx, p.max.y), ImVec2(sx, p.max.y + 4), axis_color);
    const float w = ImGui::CalcTextSize(x_labels[i].text.c_str()).x;
    const float row = stagger && i % 2 == 1 ? line_h : 0;
    text_at(dl, ImVec2(sx - w * 0.5f, p.max.y + 6 + row), style::text_dim, x_labels[i].text);
  }
  dl->AddLine(ImVec2(p.min.x, p.max.y), ImVec2(p.max.x, p.max.y), axis_color);
  dl->AddLine(ImVec2(p.min.x, p.min.y), ImVec2(p.min.x, p.max.y), axis_color);

  if (!y.label.empty()) text_at(dl, ImVec2(origin.x, origin.y), text, y.label);
  if (!x.label.empty()) {
    const float w = ImGui::CalcTextSize(x.label.c_str()).x;
    text_at(dl, ImVec2((p.min.x + p.max.x - w) * 0.5f, origin.y + size.y - line_h - 2), text, x.label);
  }
  return f;
}

void draw_no_data(ImDrawList* dl, const plot_rect& p) {
  const char* s = "no data";
  const ImVec2 ts = ImGui::CalcTextSize(s);
  dl->AddText(ImVec2((p.min.x + p.max.x - ts.x) * 0.5f, (p.min.y + p.max.y - ts.y) * 0.5f), style::text_dim, s);
}

/// A color swatch then text, for tooltips.
void tooltip_swatch(ImU32 color) {
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetTextLineHeight();
  ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(pos.x, pos.y + 2), ImVec2(pos.x + h - 4, pos.y + h - 2), color,
                                            2.0f);
  ImGui::Dummy(ImVec2(h - 4, h));
  ImGui::SameLine();
}

/// An exact value for a tooltip: enough digits to tell close values apart.
std::string exact(double v) {
  char buf[64];
  if (!std::isfinite(v)) return "n/a";
  if (v != 0 && (std::abs(v) >= 1e7 || std::abs(v) < 1e-3)) {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  } else if (v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  return buf;
}

}  // namespace

ImVec2 plot_rect::to_screen(double x, double y) const {
  const double fx = fraction(x, x_lo, x_hi, x_kind), fy = fraction(y, y_lo, y_hi, y_kind);
  return ImVec2(static_cast<float>(min.x + fx * (max.x - min.x)), static_cast<float>(max.y - fy * (max.y - min.y)));
}

std::vector<double> ticks(double lo, double hi, scale kind) {
  std::vector<double> out;
  if (!std::isfinite(lo) || !std::isfinite(hi)) return out;
  if (lo > hi) std::swap(lo, hi);
  if (kind == scale::log) {
    if (hi <= 0) return out;
    if (lo <= 0) lo = hi / 1e3;
    const int first = static_cast<int>(std::ceil(std::log10(lo) - 1e-9));
    const int last = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
    const int decades = last - first + 1;
    if (decades >= 3) {
      const int every = (decades + 7) / 8;  // at most about 8 labels
      for (int e = first; e <= last; ++e) {
        if ((e - first) % every == 0) out.push_back(std::pow(10.0, e));
      }
      return out;
    }
    // Few decades: 1, 2, 5 of each decade (every integer multiple when not even that gives three ticks).
    for (int pass = 0; pass < 2 && out.size() < 3; ++pass) {
      out.clear();
      for (int e = first - 1; e <= last; ++e) {
        const double d = std::pow(10.0, e);
        for (int m = 1; m <= 9; ++m) {
          if (pass == 0 && m != 1 && m != 2 && m != 5) continue;
          const double v = d * m;
          if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push_back(v);
        }
      }
    }
    return out;
  }
  if (hi == lo) return {lo};
  const double step = nice_number((hi - lo) / 5, true);
  const double start = std::ceil(lo / step - 1e-9);
  const double end = std::floor(hi / step + 1e-9);
  // A step below 1 divides by a power of ten, so 3 x 0.2 gives 0.6, not 0.6000000000000001.
  const double exponent = std::floor(std::log10(step) + 1e-9);
  const double mantissa = std::round(step / std::pow(10.0, exponent));
  const double divisor = exponent < 0 ? std::pow(10.0, -exponent) : 1;
  const double multiplier = exponent < 0 ? mantissa : step;
  for (double i = start; i <= end && out.size() < 50; ++i) {
    double v = i * multiplier / divisor;
    if (v == 0) v = 0;  // no "-0"
    out.push_back(v);
  }
  return out;
}

std::string tick_label(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  char buf[48];
  const double a = std::abs(v);
  static const struct {
    double scale;
    const char* suffix;
  } suffixes[] = {{1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
  for (const auto& s : suffixes) {
    if (a >= s.scale * 0.9995 && a < s.scale * 999.5) {
      std::snprintf(buf, sizeof buf, "%.3g%s", v / s.scale, s.suffix);
      return buf;
    }
  }
  if (a >= 0.01 && a < 999.5) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
  }
  // Very small or very large: 1e-3, 2.5e-4.
  int exponent = static_cast<int>(std::floor(std::log10(a)));
  double mantissa = v / std::pow(10.0, exponent);
  if (std::abs(mantissa) >= 9.995) mantissa /= 10, ++exponent;
  std::snprintf(buf, sizeof buf, "%.2ge%d", mantissa, exponent);
  return buf;
}

plot_rect line_chart(const char* id, const axis& x, const axis& y, const std::vector<series>& data, ImVec2 size) {
  double x_min = std::numeric_limits<double>::infinity(), x_max = -x_min, y_min = x_min, y_max = -x_min;
  for (const series& s : data) {
    const size_t n = std::min(s.x.size(), s.y.size());
    for (size_t i = 0; i < n; ++i) {
      if (!usable(s.x[i], x.kind) || !usable(s.y[i], y.kind)) continue;
      x_min = std::min(x_min, s.x[i]), x_max = std::max(x_max, s.x[i]);
      y_min = std::min(y_min, s.y[i]), y_max = std::max(y_max, s.y[i]);
    }
  }
  const bool have_data = x_min <= x_max;
  plot_rect ranges;
  ranges.x_kind = x.kind, ranges.y_kind = y.kind;
  axis_range(x, x_min, x_max, false, ranges.x_lo, ranges.x_hi);
  axis_range(y, y_min, y_max, true, ranges.y_lo, ranges.y_hi);
  frame f = draw_frame(id, x, y, size, nullptr, ranges);
  const plot_rect& p = f.plot;
  ImDrawList* dl = f.dl;

  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const series* hovered_series = nullptr;
  size_t hovered_index = 0;
  float best = hover_distance * hover_distance;
  dl->PushClipRect(ImVec2(p.min.x, p.min.y - point_radius), ImVec2(p.max.x + point_radius, p.max.y), true);
  for (const series& s : data) {
    const size_t n = std::min(s.x.size(), s.y.size());
    std::vector<ImVec2> run;  // consecutive usable points; a NaN ends the run, so the line breaks there
    auto flush = [&] {
      if (s.line && run.size() > 1) {
        if (s.dashed) {
          dashed_polyline(dl, run, s.color, line_thickness);
        } else {
          dl->AddPolyline(run.data(), static_cast<int>(run.size()), s.color, 0, line_thickness);
        }
      }
      run.clear();
    };
    for (size_t i = 0; i < n; ++i) {
      if (!usable(s.x[i], x.kind) || !usable(s.y[i], y.kind)) {
        flush();
        continue;
      }
      const ImVec2 q = p.to_screen(s.x[i], s.y[i]);
      run.push_back(q);
      const float dx = q.x - mouse.x, dy = q.y - mouse.y;
      if (f.hovered && dx * dx + dy * dy < best) best = dx * dx + dy * dy, hovered_series = &s, hovered_index = i;
    }
    flush();
    for (size_t i = 0; i < n; ++i) {
      if (!usable(s.x[i], x.kind) || !usable(s.y[i], y.kind)) continue;
      const ImVec2 q = p.to_screen(s.x[i], s.y[i]);
      if (!s.line) {
        dl->AddCircleFilled(q, point_radius, s.color);
        dl->AddCircle(q, point_radius, IM_COL32(0, 0, 0, 160), 0, 1.0f);
      } else if (s.markers) {
        dl->AddCircleFilled(q, marker_radius, s.color);
      }
    }
  }
  dl->PopClipRect();
  if (!have_data) draw_no_data(dl, p);

  std::vector<legend_entry> legend;
  for (const series& s : data) {
    if (!s.name.empty()) legend.push_back({s.name, s.color, s.line, s.markers, s.dashed, false});
  }
  draw_legend(dl, p.min, p.max, legend);

  if (hovered_series != nullptr) {
    const series& s = *hovered_series;
    const ImVec2 q = p.to_screen(s.x[hovered_index], s.y[hovered_index]);
    dl->AddCircle(q, point_radius + 3, IM_COL32(255, 255, 255, 220), 0, 2.0f);
    ImGui::BeginTooltip();
    tooltip_swatch(s.color);
    ImGui::TextUnformatted(s.name.c_str());
    ImGui::Text("%s: %s", x.label.empty() ? "x" : x.label.c_str(), exact(s.x[hovered_index]).c_str());
    ImGui::Text("%s: %s", y.label.empty() ? "y" : y.label.c_str(), exact(s.y[hovered_index]).c_str());
    ImGui::EndTooltip();
  }
  return p;
}

plot_rect grouped_bars(const char* id, const std::vector<std::string>& series_names, const std::vector<ImU32>& colors,
                       const std::vector<bar_group>& groups, const axis& y, ImVec2 size,
                       const std::vector<std::vector<std::string>>& annotations) {
  const size_t n_series = series_names.size();
  double y_min = std::numeric_limits<double>::infinity(), y_max = -y_min;
  for (const bar_group& g : groups) {
    for (size_t s = 0; s < std::min(n_series, g.values.size()); ++s) {
      if (!usable(g.values[s], y.kind)) continue;
      y_min = std::min(y_min, g.values[s]), y_max = std::max(y_max, g.values[s]);
    }
  }
  const bool have_data = y_min <= y_max;
  plot_rect ranges;
  ranges.x_kind = scale::linear, ranges.y_kind = y.kind;
  ranges.x_lo = 0, ranges.x_hi = std::max<double>(1, static_cast<double>(groups.size()));
  // Headroom above the tallest bar for the legend and the annotations, so neither covers a bar.
  if (have_data && !y.max) {
    const float line_h = ImGui::GetTextLineHeight();
    const ImVec2 box = resolve_size(size);
    const float plot_h = box.y - 3 * line_h - 20, plot_w = box.x - 60;  // about what draw_frame leaves
    const float legend_h = layout_legend(series_names, plot_w, plot_h).size.y + 2 * legend_margin;
    const float needed = (annotations.empty() ? 0.0f : line_h + 4) + (n_series > 0 ? legend_h : 0.0f);
    const double keep = 1.0 - std::clamp(static_cast<double>(needed / std::max(plot_h, 1.0f)), 0.0, 0.45);
    if (y.kind == scale::log) {
      const double lo = y.min && *y.min > 0 ? *y.min : snap_log(y_min, false, false);
      y_max = lo * std::pow(y_max / lo, 1.0 / keep);
    } else {
      y_max = std::min(0.0, y_min) + (y_max - std::min(0.0, y_min)) / keep;
    }
  }
  axis_range(y, y_min, y_max, true, ranges.y_lo, ranges.y_hi);
  // Log bars grow from a whole power of ten, so equal-looking bars are not an artifact of a 2k or 5k baseline.
  if (have_data && y.kind == scale::log && !y.min) ranges.y_lo = std::min(ranges.y_lo, snap_log(y_min, false, false));
  std::vector<x_label_at> labels;
  for (size_t g = 0; g < groups.size(); ++g) labels.push_back({static_cast<double>(g) + 0.5, groups[g].label});
  frame f = draw_frame(id, axis{}, y, size, &labels, ranges);
  const plot_rect& p = f.plot;
  ImDrawList* dl = f.dl;

  const float group_w = (p.max.x - p.min.x) / static_cast<float>(std::max<size_t>(1, groups.size()));
  const float inner = group_w * 0.8f;
  const float bar_w = n_series > 0 ? inner / static_cast<float>(n_series) : inner;
  const float gap = bar_w > 6 ? 1.0f : 0.0f;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hovered_group = -1, hovered_series = -1;
  const float base_y = y.kind == scale::log ? p.max.y : std::min(p.max.y, std::max(p.min.y, p.to_screen(0, 0).y));
  ImFont* font = ImGui::GetFont();
  const float small = ImGui::GetFontSize() * 0.85f;

  dl->PushClipRect(ImVec2(p.min.x, p.min.y - small - 4), p.max, true);
  for (size_t g = 0; g < groups.size(); ++g) {
    const float x0 = p.min.x + group_w * static_cast<float>(g) + (group_w - inner) * 0.5f;
    for (size_t s = 0; s < std::min(n_series, groups[g].values.size()); ++s) {
      const double v = groups[g].values[s];
      if (!usable(v, y.kind)) continue;
      const float top = p.to_screen(0.5, v).y;
      const ImVec2 a(std::round(x0 + bar_w * static_cast<float>(s)), std::min(top, base_y));
      const ImVec2 b(std::round(x0 + bar_w * static_cast<float>(s + 1)) - gap, std::max(top, base_y));
      const ImU32 c = s < colors.size() ? colors[s] : style::text_dim;
      dl->AddRectFilled(a, ImVec2(b.x, std::max(b.y, a.y + 1)), c);
      const bool over = mouse.x >= a.x && mouse.x < b.x + gap && mouse.y >= std::min(a.y, base_y - 3) && mouse.y <= b.y;
      if (f.hovered && over) {
        hovered_group = static_cast<int>(g), hovered_series = static_cast<int>(s);
        dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), IM_COL32(255, 255, 255, 230), 0, 0, 1.5f);
      }
      if (g < annotations.size() && s < annotations[g].size() && !annotations[g][s].empty()) {
        const std::string& t = annotations[g][s];
        const ImVec2 ts = font->CalcTextSizeA(small, 1e9f, 0, t.c_str());
        dl->AddText(font, small, ImVec2(std::round((a.x + b.x - ts.x) * 0.5f), std::round(a.y - ts.y - 2)),
                    ImGui::GetColorU32(ImGuiCol_Text), t.c_str());
      }
    }
  }
  dl->PopClipRect();
  if (!have_data) draw_no_data(dl, p);

  std::vector<legend_entry> legend;
  for (size_t s = 0; s < n_series; ++s) {
    if (series_names[s].empty()) continue;
    legend.push_back({series_names[s], s < colors.size() ? colors[s] : style::text_dim, false, false, false, true});
  }
  draw_legend(dl, p.min, p.max, legend);

  if (hovered_group >= 0) {
    const auto g = static_cast<size_t>(hovered_group), s = static_cast<size_t>(hovered_series);
    ImGui::BeginTooltip();
    tooltip_swatch(s < colors.size() ? colors[s] : style::text_dim);
    ImGui::TextUnformatted(series_names[s].c_str());
    if (!groups[g].label.empty()) ImGui::TextUnformatted(groups[g].label.c_str());
    ImGui::Text("%s: %s", y.label.empty() ? "value" : y.label.c_str(), exact(groups[g].values[s]).c_str());
    if (g < annotations.size() && s < annotations[g].size() && !annotations[g][s].empty()) {
      ImGui::TextUnformatted(annotations[g][s].c_str());
    }
    ImGui::EndTooltip();
  }
  return p;
}

}  // namespace ws_viz::chart
