/// @file style.hpp
/// @brief The visualizer's colors: CPU and GPU always the same two hues (Okabe-Ito blue and orange, safe for the
/// common color blindnesses), each series a shade of its side's hue; library yardsticks dashed in a darker shade.
#pragma once

#include <imgui.h>

#include "data/results.hpp"

namespace ws_viz::style {

inline constexpr ImU32 cpu = IM_COL32(0, 114, 178, 255);    ///< Okabe-Ito blue
inline constexpr ImU32 gpu = IM_COL32(230, 159, 0, 255);    ///< Okabe-Ito orange
inline constexpr ImU32 roof = IM_COL32(204, 121, 167, 255); ///< Okabe-Ito reddish purple: peaks and roofs
inline constexpr ImU32 text_dim = IM_COL32(160, 160, 160, 255);

/// The color of series number @p index of @p count on one side (CPU or GPU): shades of that side's hue from light
/// to dark, so neighbours stay apart and every CPU series still reads as "CPU".
ImU32 series_color(bool gpu_side, int index, int count);

/// Applies the app's ImGui style (dark, readable at 1280x720).
void apply();

}  // namespace ws_viz::style
