/// @file widgets.cpp
/// @brief Small UI helpers every panel shares: labels before widgets, the file and workload pickers, number formats.
#include "widgets.hpp"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "data/analysis.hpp"

namespace ws_viz::widgets {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string fmt_ms(double ms) {
  if (ms < 0.1) return fmt("%.4f", ms);
  if (ms < 10) return fmt("%.2f", ms);
  if (ms < 100) return fmt("%.1f", ms);
  return fmt("%.0f", ms);
}

std::string fmt_ms_with_unit(double ms) { return fmt_ms(ms) + " ms"; }

std::string fmt_gflops(double g) {
  if (g > 0 && g < 0.1) return fmt("%.2g", g);  // 0.0035, not 0.00
  return g < 10 ? fmt("%.2f", g) : g < 1000 ? fmt("%.1f", g) : fmt("%.0f", g);
}

std::string group_thousands(const std::string& digits) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string with_commas(std::int64_t v) {
  return (v < 0 ? "-" : "") + group_thousands(std::to_string(v < 0 ? -v : v));
}

std::string fmt_speedup(double s) {
  if (s < 0.1) return fmt("%.2gx", s);  // 0.014x, not 0.0x: slower than the baseline still says by how much
  if (s < 10) return fmt("%.1fx", s);
  return group_thousands(fmt("%.0f", s)) + "x";
}

std::string size_label(const shape_t& size) { return shape_label(size); }

const char* metric_unit(metric k) { return k == metric::gbps ? "GB/s" : "GFLOP/s"; }

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

std::string side_name(const record& r) {
  std::string name = series_name(r);
  replace_all(name, " (GPU)", "");
  replace_all(name, "(GPU, ", "(");
  if (is_yardstick(r)) return name;
  return (is_gpu(r) ? "GPU " : "CPU ") + name;
}

float combo_width(const std::string& text) { return std::max(110.0f, ImGui::CalcTextSize(text.c_str()).x + 40); }

void label(const char* text) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(text);
  ImGui::SameLine();
}

void size_picker(shape_t& size, const std::vector<shape_t>& sizes, const char* id) {
  label("size");
  ImGui::SetNextItemWidth(combo_width(size_label(size)));
  if (ImGui::BeginCombo(id, size_label(size).c_str())) {
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const std::string name = size_label(sizes[i]) + "##" + std::to_string(i);
      if (ImGui::Selectable(name.c_str(), sizes[i] == size)) size = sizes[i];
    }
    ImGui::EndCombo();
  }
}

void file_picker(app_state& app, const char* id) {
  const results_file& f = app.files[static_cast<std::size_t>(app.selected_file)];
  label("file");
  ImGui::SetNextItemWidth(340);
  if (ImGui::BeginCombo(id, f.label.c_str())) {
    for (std::size_t i = 0; i < app.files.size(); ++i) {
      const bool chosen = static_cast<int>(i) == app.selected_file;
      if (ImGui::Selectable((app.files[i].label + "##" + std::to_string(i)).c_str(), chosen)) {
        app.selected_file = static_cast<int>(i);
      }
      if (chosen) ImGui::SetItemDefaultFocus();
    }
    ImGui::EndCombo();
  }
}

void workload_picker(std::string& workload, const std::vector<std::string>& workloads, const char* id) {
  label("workload");
  ImGui::SetNextItemWidth(110);
  if (ImGui::BeginCombo(id, workload.c_str())) {
    for (const std::string& w : workloads) {
      if (ImGui::Selectable(w.c_str(), w == workload)) workload = w;
    }
    ImGui::EndCombo();
  }
}

const results_file& file_and_workload_pickers(app_state& app, const char* file_id, const char* workload_id) {
  app.selected_file = std::clamp(app.selected_file, 0, static_cast<int>(app.files.size()) - 1);
  const std::vector<std::string> wls = workloads(app.files[static_cast<std::size_t>(app.selected_file)]);
  if (!wls.empty() && std::find(wls.begin(), wls.end(), app.workload) == wls.end()) app.workload = wls.front();
  file_picker(app, file_id);
  ImGui::SameLine(0, 20);
  workload_picker(app.workload, wls, workload_id);
  return app.files[static_cast<std::size_t>(app.selected_file)];
}

}  // namespace ws_viz::widgets
