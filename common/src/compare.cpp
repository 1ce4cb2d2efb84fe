/// @file compare.cpp
/// @brief Element-wise comparison with a tolerance, and the report's one-line summary.
#include "ws/compare.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace ws {

tolerance tolerance::for_reduction(std::size_t k, float eps) noexcept {
    const double terms = static_cast<double>(k == 0 ? 1 : k);
    const double e = static_cast<double>(eps);
    return {.abs = 2.0 * terms * e, .rel = 8.0 * std::sqrt(terms) * e};
}

tolerance tolerance::for_precision(float eps, std::size_t k) noexcept {
    const double terms = static_cast<double>(k == 0 ? 1 : k);
    const double e = static_cast<double>(eps);
    return {.abs = 2.0 * std::sqrt(terms) * e + 2.0 * terms * static_cast<double>(FLT_EPSILON), .rel = 2.0 * e};
}

bool tolerance::accepts(double expected, double got) const noexcept {
    if (std::isnan(expected) || std::isnan(got)) return std::isnan(expected) && std::isnan(got);
    if (std::isinf(expected) || std::isinf(got)) return expected == got;
    // Written so that an exact match passes even with a zero tolerance.
    return std::fabs(got - expected) <= abs + rel * std::fabs(expected);
}

namespace {

template <class T>
compare_report compare_impl(std::span<const T> expected, std::span<const T> got, tolerance tol) {
    compare_report r;
    r.expected_size = expected.size();
    r.got_size = got.size();
    r.count = std::min(expected.size(), got.size());
    r.tol = tol;
    r.single_precision = sizeof(T) == sizeof(float);
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (std::isnan(got[i])) ++r.nan_count;
        else if (std::isinf(got[i])) ++r.inf_count;
    }
    for (std::size_t i = 0; i < r.count; ++i) {
        const double e = static_cast<double>(expected[i]);
        const double g = static_cast<double>(got[i]);
        if (std::isfinite(e) && std::isfinite(g)) {
            const double err = std::fabs(g - e);
            r.max_abs_error = std::max(r.max_abs_error, err);
            if (e != 0.0) r.max_rel_error = std::max(r.max_rel_error, err / std::fabs(e));
        }
        if (!tol.accepts(e, g)) {
            ++r.mismatches;
            if (r.first_mismatches.size() < compare_report::max_listed) r.first_mismatches.push_back({i, e, g});
        }
    }
    return r;
}

/// Shortest text that reads back as the same value: `1.5`, not `1.50000000`; floats print as floats (`0.1`, not
/// `0.100000001490116`), since that is what the learner's code produced.
std::string format_value(double v, bool single_precision) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    const auto res = single_precision ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
                                      : std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, res.ptr);
}

std::string format_error(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1e", v);
    return buf;
}

}  // namespace

compare_report compare(std::span<const float> expected, std::span<const float> got, tolerance tol) {
    return compare_impl(expected, got, tol);
}

compare_report compare(std::span<const double> expected, std::span<const double> got, tolerance tol) {
    return compare_impl(expected, got, tol);
}

std::string format_index(std::size_t flat, std::size_t width) {
    if (width == 0) return "[" + std::to_string(flat) + "]";
    return "[" + std::to_string(flat / width) + ", " + std::to_string(flat % width) + "]";
}

std::string compare_report::summary(std::string_view label, std::size_t width) const {
    std::string s(label);
    s += ": ";
    const std::string errors = "max abs err " + format_error(max_abs_error) + ", max rel err " +
                               format_error(max_rel_error) + "; tol abs " + format_error(tol.abs) + " rel " +
                               format_error(tol.rel);
    if (expected_size != got_size) {
        s += "size mismatch: expected " + std::to_string(expected_size) + " elements, got " +
             std::to_string(got_size) + "; ";
    }
    if (mismatches == 0) {
        s += "all " + std::to_string(count) + " compared elements match (" + errors + ")";
    } else {
        s += std::to_string(mismatches) + " of " + std::to_string(count) + " elements differ (" + errors + ")";
    }
    if (nan_count != 0 || inf_count != 0) {
        s += "; got " + std::to_string(nan_count) + " NaN and " + std::to_string(inf_count) + " Inf";
    }
    for (std::size_t i = 0; i < first_mismatches.size(); ++i) {
        const mismatch& m = first_mismatches[i];
        s += i == 0 ? "; first at " : ", ";
        s += format_index(m.index, width) + ": expected " + format_value(m.expected, single_precision) + ", got " +
             format_value(m.got, single_precision);
    }
    if (mismatches > first_mismatches.size()) s += ", ...";
    return s;
}

}  // namespace ws
