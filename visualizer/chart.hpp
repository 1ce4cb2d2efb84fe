/// @file chart.hpp
/// @brief The charts every panel shares, drawn with ImDrawList (Debian has no ImPlot): axes with ticks and units,
/// linear and log scales, grouped bars, lines with markers, points, a legend, and tooltips with exact values.
///
/// Each call lays out one chart of @p size at the ImGui cursor (like a widget) and returns the plot rectangle, so a
/// panel can annotate it (plot_rect::to_screen). Missing values are NaN: a bar or point is left out, a line is
/// broken there; on a log axis, values <= 0 are treated the same way. A size component <= 0 means the available
/// width/height plus that amount, as for ImGui widgets. A series or bar name that is empty gets no legend entry.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

namespace ws_viz::chart {

enum class scale { linear, log };

/// One axis. The label carries the unit: "time (ms)", "N (matrix side)", "GFLOP/s".
struct axis {
  std::string label;
  scale kind = scale::linear;
  /// A fixed range; empty: from the data (log axes snap to powers of ten, or to 1, 2, 5 x 10^k when the data spans
  /// less than two decades; linear y axes start at 0 for positive data and end on a nice tick). Initialized so
  /// that `axis{"N", scale::log}` compiles without -Wmissing-field-initializers.
  std::optional<double> min = std::nullopt, max = std::nullopt;
};

/// One named series of (x, y) points.
struct series {
  std::string name;
  ImU32 color = 0;
  std::vector<double> x, y;
  bool line = true;     ///< join the points (false: points only, e.g. a roofline's kernels)
  bool markers = true;  ///< draw a marker at each point
  bool dashed = false;  ///< e.g. a library yardstick, or a roof
};

/// Where a chart drew its data (screen coordinates), so a panel can annotate it.
struct plot_rect {
  ImVec2 min, max;
  /// The data range the axes show (added so a panel can place annotations with to_screen).
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  scale x_kind = scale::linear, y_kind = scale::linear;

  /// The screen position of data point (x, y); for grouped bars x is the group index plus 0.5 at its centre.
  ImVec2 to_screen(double x, double y) const;
};

/// One group of bars (one per series, same order as the names given to grouped_bars).
struct bar_group {
  std::string label;           ///< under the group, e.g. "N = 1024"
  std::vector<double> values;  ///< NaN: no bar
};

/// Lines/points over x and y axes, with a legend. Hovering a point shows its series, x and y.
plot_rect line_chart(const char* id, const axis& x, const axis& y, const std::vector<series>& data, ImVec2 size);

/// Bars grouped by `groups`, one color per series, with a legend; hovering a bar shows its series, group and value.
/// `annotations`, when not empty, has one text per (group, series) drawn above the bar (e.g. "12.3x").
plot_rect grouped_bars(const char* id, const std::vector<std::string>& series_names, const std::vector<ImU32>& colors,
                    const std::vector<bar_group>& groups, const axis& y, ImVec2 size,
                    const std::vector<std::vector<std::string>>& annotations = {});

/// Nice tick values covering [lo, hi] on a scale (about 5 for linear; powers of ten, with 2 and 5 when few, for log).
std::vector<double> ticks(double lo, double hi, scale kind);

/// A short label for a tick value: 0.5, 12, 1.5k, 2M, 1e-3.
std::string tick_label(double v);

}  // namespace ws_viz::chart
