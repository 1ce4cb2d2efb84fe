/// @file widgets.hpp
/// @brief Small UI helpers every panel shares: labels before widgets, the file and workload pickers, number formats.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/analysis.hpp"
#include "data/results.hpp"
#include "panel.hpp"

namespace ws_viz::widgets {

/// @p v printed with the printf @p format (one double), e.g. fmt("%.1f GB/s", 41.96) is "42.0 GB/s".
std::string fmt(const char* format, double v);

/// Milliseconds with the digits that matter at that magnitude, the bare number: 0.0123, 1.50, 24.2, 3579.
std::string fmt_ms(double ms);

/// fmt_ms with its unit: "0.0123 ms", "1.50 ms", "24.2 ms", "3579 ms" (for chart notes that stand alone).
std::string fmt_ms_with_unit(double ms);

/// A rate (GFLOP/s or GB/s) with the digits that matter at that magnitude, the bare number: 0.0035, 3.52, 41.3, 2280.
std::string fmt_gflops(double g);

/// @p digits (an unsigned whole number as text) with a comma between each group of three: "183329" -> "183,329".
std::string group_thousands(const std::string& digits);

/// A whole number with thousands separated: 1234567 -> "1,234,567", -4096 -> "-4,096".
std::string with_commas(std::int64_t v);

/// "0.014x", "3.5x", "412x", "50,000x": whole numbers once the factor is large (the last digits are noise there), with
/// thousands separated so a newcomer reads 183,329 and not 18,3329.
std::string fmt_speedup(double s);

/// A problem size as a label: "n=2^26", "512x512x512", "4096x1000" (analysis::shape_label).
std::string size_label(const shape_t& size);

/// The unit of a headline metric: "GB/s" or "GFLOP/s".
const char* metric_unit(metric k);

/// Replaces every @p from in @p s with @p to (left to right, never rescanning what it put in).
void replace_all(std::string& s, const std::string& from, const std::string& to);

/// A record's name with its side, for sentences and point labels: "GPU tiled", "CPU packed". Library names
/// already say where they ran ("OpenBLAS sgemm", "cuBLAS sgemm"), so they get no prefix.
std::string side_name(const record& r);

/// A combo's width that shows @p text whole ("512x512x512" and "n=2^26" alike).
float combo_width(const std::string& text);

/// A label in front of its widget (ImGui puts labels after, which reads backwards in a toolbar).
void label(const char* text);

/// The "size" combo: @p size among @p sizes, each shown as size_label, as wide as the current choice needs.
/// @p id is the combo's hidden ImGui id ("##dash_size").
void size_picker(shape_t& size, const std::vector<shape_t>& sizes, const char* id);

/// The "file" combo: picks app.selected_file among app.files (the single-file panels' shared choice). @p id is the
/// combo's hidden ImGui id ("##dash_file"); each panel keeps its own.
void file_picker(app_state& app, const char* id);

/// The "workload" combo over @p workloads; a pick is written to @p workload. @p id is the combo's hidden ImGui id.
void workload_picker(std::string& workload, const std::vector<std::string>& workloads, const char* id);

/// The file and the workload a single-file panel shows (dashboard, roofline): keeps app.selected_file in range,
/// falls back to the file's first workload when app.workload is not in it (the charts would be empty), draws
/// file_picker and workload_picker on one line, and returns the file chosen. Precondition: app.files is not empty.
const results_file& file_and_workload_pickers(app_state& app, const char* file_id, const char* workload_id);

}  // namespace ws_viz::widgets
