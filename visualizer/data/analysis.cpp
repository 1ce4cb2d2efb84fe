/// @file analysis.cpp
/// @brief Series names, sizes, speedups, roofs and roofline places from results records (see analysis.hpp).
#include "data/analysis.hpp"

#include <algorithm>
#include <cmath>

namespace ws_viz {

namespace {

bool same_problem(const record& a, const record& b) { return a.workload == b.workload && a.shape == b.shape; }

bool is_tensor_dtype(const record& r) { return r.dtype == "f16" || r.dtype == "bf16"; }


}  // namespace

bool is_gpu(const record& r) { return r.backend == "cuda" || r.backend == "cudacpu"; }

bool is_yardstick(const record& r) { return r.implementation != "yours" && r.implementation != "reference"; }

std::string library_name(const std::string& implementation) {
  if (implementation == "openblas") return "OpenBLAS";
  if (implementation == "cublas") return "cuBLAS";
  if (implementation == "cudnn") return "cuDNN";
  if (implementation == "cub") return "CUB";
  if (implementation == "thrust") return "Thrust";
  return implementation;
}

std::string series_name_with(const record& r, bool mark_gpu, bool mark_reference) {
  std::vector<std::string> notes;
  std::string name = is_yardstick(r) ? library_name(r.implementation) + " " + r.version : r.version;
  if (mark_gpu) notes.emplace_back("GPU");
  if (r.implementation == "yours") notes.emplace_back("yours");
  if (mark_reference && r.implementation == "reference") notes.emplace_back("reference");
  if (r.dtype != "f32" && !r.dtype.empty()) notes.push_back(r.dtype);
  // CPU threads: always said for a library (OpenBLAS runs on 1 and on all), for the course's only when more than 1.
  if (!is_gpu(r) && (is_yardstick(r) || r.threads > 1)) {
    notes.push_back(std::to_string(r.threads) + (r.threads == 1 ? " thread" : " threads"));
  }
  for (std::size_t i = 0; i < notes.size(); ++i) name += (i == 0 ? " (" : ", ") + notes[i];
  if (!notes.empty()) name += ")";
  return name;
}

std::string base_series_name(const record& r) { return series_name_with(r, false, false); }

std::string series_name(const record& r) { return r.series.empty() ? base_series_name(r) : r.series; }

std::string series_key(const record& r) { return r.series_key.empty() ? base_series_name(r) : r.series_key; }

std::vector<std::string> series_keys(const results_file& f, const std::string& workload) {
  std::vector<std::string> out;
  for (const std::string& name : series(f, workload)) {
    const auto it = std::find_if(f.records.begin(), f.records.end(), [&](const record& r) {
      return r.workload == workload && series_name(r) == name;
    });
    if (it != f.records.end() && std::find(out.begin(), out.end(), series_key(*it)) == out.end()) {
      out.push_back(series_key(*it));
    }
  }
  return out;
}

const record* find_by_key(const results_file& f, const std::string& workload, const std::string& key,
                          const shape_t& size) {
  for (const record& r : f.records) {
    if (r.workload == workload && r.shape == size && series_key(r) == key) return &r;
  }
  return nullptr;
}

std::vector<std::string> workloads(const results_file& f) {
  std::vector<std::string> out;
  for (const record& r : f.records) {
    if (std::find(out.begin(), out.end(), r.workload) == out.end()) out.push_back(r.workload);
  }
  return out;
}

double shape_volume(const shape_t& s) {
  double v = 1;
  for (const auto& d : s) v *= static_cast<double>(d.second);
  return v;
}

std::string shape_label(const shape_t& s) {
  if (s.empty()) return "-";
  if (s.size() == 1) {
    const long long v = s.front().second;
    if (v >= 1024 && (v & (v - 1)) == 0) {
      int e = 0;
      while ((1LL << e) < v) ++e;
      return s.front().first + "=2^" + std::to_string(e);
    }
    return s.front().first + "=" + std::to_string(v);
  }
  std::string out;
  for (const auto& d : s) out += (out.empty() ? "" : "x") + std::to_string(d.second);
  return out;
}

std::vector<shape_t> sizes(const results_file& f, const std::string& workload) {
  std::vector<shape_t> out;
  for (const record& r : f.records) {
    if (r.workload == workload && std::find(out.begin(), out.end(), r.shape) == out.end()) out.push_back(r.shape);
  }
  std::sort(out.begin(), out.end(), [](const shape_t& a, const shape_t& b) {
    const double va = shape_volume(a), vb = shape_volume(b);
    return va != vb ? va < vb : shape_label(a) < shape_label(b);
  });
  return out;
}

double size_coordinate(const shape_t& s) {
  if (s.empty()) return 0;
  const bool all_equal =
      std::all_of(s.begin(), s.end(), [&](const auto& d) { return d.second == s.front().second; });
  return all_equal ? static_cast<double>(s.front().second) : shape_volume(s);
}

std::string size_axis_name(const std::vector<shape_t>& shapes) {
  if (shapes.empty()) return "size";
  const shape_t& s = shapes.front();
  const bool all_equal = std::all_of(shapes.begin(), shapes.end(), [](const shape_t& x) {
    return std::all_of(x.begin(), x.end(), [&](const auto& d) { return d.second == x.front().second; });
  });
  std::string out;
  for (const auto& d : s) out += (out.empty() ? "" : all_equal ? " = " : " x ") + d.first;
  return out.empty() ? "size" : out;
}

std::vector<std::string> series(const results_file& f, const std::string& workload) {
  std::vector<std::string> out;
  // Four passes in display order; within each, the order the file has them.
  for (const bool gpu : {false, true}) {
    for (const bool yardstick : {false, true}) {
      for (const record& r : f.records) {
        if (r.workload != workload || is_gpu(r) != gpu || is_yardstick(r) != yardstick) continue;
        std::string name = series_name(r);
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
      }
    }
  }
  return out;
}

const record* find(const results_file& f, const std::string& workload, const std::string& name, const shape_t& size) {
  for (const record& r : f.records) {
    if (r.workload == workload && r.shape == size && series_name(r) == name) return &r;
  }
  return nullptr;
}

std::optional<std::string> baseline_series(const results_file& f, const std::string& workload) {
  // The course's own single-thread CPU code first; a workload without any (lab 05's scans are GPU code) falls back
  // to the first single-thread CPU library row, so its speedups still have a CPU yardstick.
  for (const bool library : {false, true}) {
    for (const record& r : f.records) {
      if (r.workload == workload && r.backend == "cpu" && r.threads == 1 && is_yardstick(r) == library &&
          r.timed() && r.median_ms > 0) {
        return series_name(r);
      }
    }
  }
  return std::nullopt;
}

std::optional<double> speedup(const results_file& f, const record& r) {
  if (!r.timed() || !(r.median_ms > 0)) return std::nullopt;
  const std::optional<std::string> base = baseline_series(f, r.workload);
  if (!base) return std::nullopt;
  for (const record& b : f.records) {
    if (same_problem(b, r) && series_name(b) == *base && b.timed() && b.median_ms > 0) return b.median_ms / r.median_ms;
  }
  return std::nullopt;
}

std::optional<double> peak_gflops(const machine_info& m, const record& r) {
  std::optional<double> peak;
  if (r.backend == "cpu") {
    peak = r.threads == 1 ? m.cpu_peak_gflops_1thread : m.cpu_peak_gflops;
  } else if (r.backend == "cuda") {
    peak = is_tensor_dtype(r) ? m.gpu_peak_gflops_tensor : m.gpu_peak_gflops_fp32;
  }  // cudacpu: its "GPU" is the CPU running fibers; no peak describes it
  if (peak && !(*peak > 0)) return std::nullopt;
  return peak;
}

std::optional<double> percent_of_peak(const machine_info& m, const record& r) {
  const std::optional<double> peak = peak_gflops(m, r);
  if (!peak || !r.timed()) return std::nullopt;
  return 100.0 * r.gflops / *peak;
}

memory_roof memory_roof_for(const machine_info& m, const record& r) {
  memory_roof roof;
  const auto positive = [](const std::optional<double>& v) { return v && *v > 0; };
  if (r.backend == "cpu") {
    const bool one = r.threads == 1;
    roof.name = one ? "CPU memory, 1 thread" : "CPU memory, all threads";
    const std::optional<double>& bw = one ? m.cpu_bandwidth_gbs_1thread : m.cpu_bandwidth_gbs;
    if (positive(bw)) {
      roof.gbs = bw;
    } else {
      roof.missing = std::string("no measured ") + (one ? "cpu_bandwidth_gbs_1thread" : "cpu_bandwidth_gbs") +
                     " in this file";
    }
  } else if (r.backend == "cuda") {
    roof.name = "GPU memory";
    if (positive(m.gpu_bandwidth_measured_gbs)) {
      roof.gbs = m.gpu_bandwidth_measured_gbs;
    } else if (positive(m.gpu_bandwidth_gbs)) {
      roof.gbs = m.gpu_bandwidth_gbs;
      roof.theoretical = true;
    } else {
      roof.missing = "no gpu_bandwidth_measured_gbs or gpu_bandwidth_gbs in this file";
    }
  } else {
    roof.name = "CPU backend";
    roof.missing = "ran on the CPU backend (no GPU): no GPU roof applies";
  }
  return roof;
}

double intensity(const record& r) { return r.flops > 0 && r.bytes > 0 ? r.flops / r.bytes : 0.0; }

bound bound_of(const machine_info& m, const record& r) {
  const double ai = intensity(r);
  if (!r.timed() || !(ai > 0)) return bound::unknown;
  const memory_roof mem = memory_roof_for(m, r);
  const std::optional<double> peak = peak_gflops(m, r);
  if (mem.gbs && peak) return ai < *peak / *mem.gbs ? bound::memory : bound::compute;
  return ai < 1.0 ? bound::memory : bound::unknown;
}

metric headline_metric(const results_file& f, const std::string& workload) {
  int memory = 0, compute = 0;
  bool any_flops = false;
  for (const record& r : f.records) {
    if (r.workload != workload || !r.timed()) continue;
    any_flops |= r.flops > 0;
    const bound b = bound_of(f.machine, r);
    memory += b == bound::memory ? 1 : 0;
    compute += b == bound::compute ? 1 : 0;
  }
  if (!any_flops) return metric::gbps;
  return memory > compute ? metric::gbps : metric::gflops;
}

double rate(const record& r, metric k) { return k == metric::gbps ? r.gbps : r.gflops; }

std::optional<double> percent_of_roof(const machine_info& m, const record& r, metric k) {
  if (k == metric::gflops) return percent_of_peak(m, r);
  const memory_roof mem = memory_roof_for(m, r);
  if (!mem.gbs || !r.timed()) return std::nullopt;
  return 100.0 * r.gbps / *mem.gbs;
}

roofline_point roofline_place(const machine_info& m, const record& r) {
  roofline_point p;
  p.x = intensity(r);
  p.y = r.timed() ? r.gflops : 0.0;
  const memory_roof mem = memory_roof_for(m, r);
  const std::optional<double> peak = peak_gflops(m, r);
  if (mem.gbs && p.x > 0) p.roof_y = *mem.gbs * p.x;
  if (peak) p.roof_y = p.roof_y ? std::min(*p.roof_y, *peak) : *peak;
  if (mem.gbs && p.x > 0 && p.y > 0) p.above_memory_roof = p.y > *mem.gbs * p.x * (1 + roof_noise);
  if (peak && p.y > 0) p.above_peak = p.y > *peak * (1 + roof_noise);
  return p;
}

}  // namespace ws_viz
