/// @file panel_explorer.cpp
/// @brief The execution-model explorer: one model per lab, picked from the registry (data/execution_model.hpp),
/// the model of the loaded workload first.
///
/// - matmul_tiles, the picture lesson 03 points at: C as the grid of blocks that cover it (edge blocks sticking out
///   past C), and for one element of C the block, thread and warp that compute it, the row of A and column of B it
///   reads, and, for the tiled kernel, the tiles of A and B in shared memory at each step (zero padding included)
///   and how many fewer floats that makes the launch read from global memory.
/// - reduction_tree, lesson 05's: a block summing its elements step by step, one row per step, with the threads that
///   add, the elements they read, and the warps that diverge, for interleaved and sequential addressing and the
///   warp-shuffle finish.
///
/// Everything shown comes from data/execution_model.hpp, which mirrors the labs' kernels; this file only lays it
/// out and draws it with ImDrawList.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <imgui.h>

#include "data/execution_model.hpp"
#include "panel.hpp"
#include "style.hpp"
#include "widgets.hpp"

namespace ws_viz {
namespace {

using widgets::with_commas;

// Neutral shades for the matrices and blocks, so that orange (the GPU's hue) marks only what the chosen thread does
// and purple only what sits in shared memory.
constexpr ImU32 block_even = IM_COL32(74, 78, 88, 255);
constexpr ImU32 block_odd = IM_COL32(50, 53, 61, 255);
constexpr ImU32 overhang_fill = IM_COL32(30, 30, 34, 255);
constexpr ImU32 overhang_hatch = IM_COL32(110, 110, 120, 110);
constexpr ImU32 matrix_fill = IM_COL32(62, 66, 76, 255);
constexpr ImU32 cell_line = IM_COL32(255, 255, 255, 22);
constexpr ImU32 block_line = IM_COL32(225, 225, 225, 210);
constexpr ImU32 tile_line = IM_COL32(255, 255, 255, 70);
constexpr ImU32 label_color = IM_COL32(235, 235, 235, 255);

constexpr int choices[] = {8, 16, 32};  // block side (threads) and tile side, as in the lesson's launchers
constexpr float controls_width = 390.0f;
constexpr double seconds_per_step = 0.9;

ImU32 with_alpha(ImU32 color, int alpha) {
  return (color & ~IM_COL32_A_MASK) | (static_cast<ImU32>(alpha) << IM_COL32_A_SHIFT);
}

ImVec2 add(ImVec2 p, float dx, float dy) { return ImVec2(p.x + dx, p.y + dy); }

/// What the panel remembers between frames. The defaults are the screenshot's picture: a shape that is no
/// multiple of the tile, so edge blocks stick out, and a cell in the bottom-right block at the last step, where
/// both tiles are part padding.
struct explorer_state {
  std::string model;     ///< the registry id shown; empty until the first frame picks the workload's model
  bool model_chosen = false;  ///< the learner picked one: the loaded workload no longer decides
  std::vector<int> reduction_values;  ///< reduction_tree's parameters (registry order)
  int reduction_step = 2;             ///< the last step shown (0-based; the screenshot's picture: step 3)
  launch_shape shape = matmul_tiles_shape({});  ///< the registry's defaults: 44 x 60 x 40, 16 x 16 tiles, tiled
  int pinned_row = 37, pinned_col = 50;  ///< set by a click; shown when the mouse is not over C
  int hover_row = -1, hover_col = -1;    ///< last frame's hovered cell (the text column is drawn before the picture)
  int step = 2;
  bool playing = false;
  double next_step_at = 0.0;
};

explorer_state& state() {
  static explorer_state s;
  return s;
}

/// How blocks tile C. The naive kernel runs blockIdx.x down the rows of C, the others across the columns
/// (matmul_gpu.cu), so the same launch_dims lie the other way round on the picture.
struct c_layout {
  int block_rows, block_cols;  ///< rows x columns of C per block
  int grid_rows, grid_cols;    ///< blocks down and across
  int rows() const { return block_rows * grid_rows; }
  int cols() const { return block_cols * grid_cols; }
};

c_layout layout_of(const launch_shape& s) {
  const launch_dims d = dims_of(s);
  if (s.kind == kernel_kind::naive) {
    return {d.block_x, d.block_y, d.grid_x, d.grid_y};
  }
  return {d.block_y, d.block_x, d.grid_y, d.grid_x};
}

/// Where the three matrices sit on screen: A left of C, B above it, in cells of one size. The corner above A and
/// left of B holds the shared-memory tiles for the tiled kernel, so it is kept at least that big.
struct geometry {
  ImVec2 a, b, c;  ///< top-left corners
  ImVec2 corner;   ///< top-left of the free corner
  float cell = 1.0f;
  ImVec2 at(ImVec2 origin, int row, int col) const {
    return add(origin, static_cast<float>(col) * cell, static_cast<float>(row) * cell);
  }
};

constexpr float inset_side = 112.0f;                   // one shared-memory tile, in pixels
constexpr float corner_w = 2.0f * inset_side + 34.0f;  // two tiles side by side
constexpr float corner_h = inset_side + 4.0f * 19.0f;  // a title, their names, what they hold, the legend

geometry layout_picture(const launch_shape& s, const c_layout& l, ImVec2 origin, ImVec2 size) {
  constexpr float gap = 26.0f, top = 20.0f, bottom = 24.0f, left = 4.0f, right = 8.0f;
  const bool tiled = s.kind == kernel_kind::tiled;
  const float qw = tiled ? corner_w : 0.0f, qh = tiled ? corner_h : 0.0f;
  const float w = size.x - left - right - gap, h = size.y - top - bottom - gap;
  const float k = static_cast<float>(s.k), cols = static_cast<float>(l.cols()), rows = static_cast<float>(l.rows());
  geometry g;
  // max(k cells, corner) + the grid's columns must fit across, and the same down.
  g.cell = std::min({w / (k + cols), (w - qw) / cols, h / (k + rows), (h - qh) / rows, 28.0f});
  g.cell = std::max(g.cell, 1.0f);
  const float left_w = std::max(k * g.cell, qw), top_h = std::max(k * g.cell, qh);
  g.corner = add(origin, left, top);
  g.c = add(origin, left + left_w + gap, top + top_h + gap);
  g.a = add(g.c, -gap - k * g.cell, 0.0f);
  g.b = add(g.c, 0.0f, -gap - k * g.cell);
  return g;
}

void hatch(ImDrawList* dl, ImVec2 lo, ImVec2 hi, ImU32 color, float spacing = 5.0f) {
  if (hi.x <= lo.x || hi.y <= lo.y) {
    return;
  }
  dl->PushClipRect(lo, hi, true);
  const float h = hi.y - lo.y;
  for (float x = lo.x - h; x < hi.x; x += spacing) {
    dl->AddLine(ImVec2(x, hi.y), ImVec2(x + h, lo.y), color);
  }
  dl->PopClipRect();
}

void dashed_line(ImDrawList* dl, ImVec2 p, ImVec2 q, ImU32 color, float thickness) {
  const float dx = q.x - p.x, dy = q.y - p.y;
  const float length = std::max(std::abs(dx), std::abs(dy));
  constexpr float on = 5.0f, period = 8.0f;
  for (float t = 0.0f; t < length; t += period) {
    const float e = std::min(t + on, length);
    dl->AddLine(add(p, dx * t / length, dy * t / length), add(p, dx * e / length, dy * e / length), color, thickness);
  }
}

void dashed_rect(ImDrawList* dl, ImVec2 lo, ImVec2 hi, ImU32 color, float thickness) {
  dashed_line(dl, lo, ImVec2(hi.x, lo.y), color, thickness);
  dashed_line(dl, ImVec2(hi.x, lo.y), hi, color, thickness);
  dashed_line(dl, hi, ImVec2(lo.x, hi.y), color, thickness);
  dashed_line(dl, ImVec2(lo.x, hi.y), lo, color, thickness);
}

/// A matrix of rows x cols cells: a fill, a faint line per cell when cells are big enough to count, an outline.
void draw_matrix(ImDrawList* dl, const geometry& g, ImVec2 origin, int rows, int cols) {
  const ImVec2 hi = g.at(origin, rows, cols);
  dl->AddRectFilled(origin, hi, matrix_fill);
  if (g.cell >= 5.0f) {
    for (int r = 1; r < rows; ++r) {
      dl->AddLine(g.at(origin, r, 0), g.at(origin, r, cols), cell_line);
    }
    for (int c = 1; c < cols; ++c) {
      dl->AddLine(g.at(origin, 0, c), g.at(origin, rows, c), cell_line);
    }
  }
  dl->AddRect(origin, hi, block_line);
}

/// The cells of C that the warp of (row, col) computes (those inside C; threads past the edge compute nothing).
std::vector<std::pair<int, int>> warp_cells(const launch_shape& s, const c_layout& l, int row, int col) {
  const cell_owner who = owner_of(s, row, col);
  const int r0 = row / l.block_rows * l.block_rows, c0 = col / l.block_cols * l.block_cols;
  std::vector<std::pair<int, int>> cells;
  for (int r = r0; r < std::min(r0 + l.block_rows, s.m); ++r) {
    for (int c = c0; c < std::min(c0 + l.block_cols, s.n); ++c) {
      if (owner_of(s, r, c).warp == who.warp) {
        cells.emplace_back(r, c);
      }
    }
  }
  return cells;
}

// ---------------------------------------------------------------------------------------------------------------
// The left column: controls, what the chosen thread does, the counters

void draw_controls(explorer_state& st) {
  launch_shape& s = st.shape;
  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  ImGui::TextUnformatted("Hover a cell of C to see who computes it.");
  ImGui::PopStyleColor();
  // Slimmer controls than the app's default, so the whole column fits at 1280x720.
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(6.0f, 2.0f));

  int kind = static_cast<int>(s.kind);
  ImGui::RadioButton("naive", &kind, static_cast<int>(kernel_kind::naive));
  ImGui::SameLine();
  ImGui::RadioButton("coalesced", &kind, static_cast<int>(kernel_kind::coalesced));
  ImGui::SameLine();
  ImGui::RadioButton("tiled", &kind, static_cast<int>(kernel_kind::tiled));
  s.kind = static_cast<kernel_kind>(kind);

  ImGui::PushItemWidth(230.0f);
  ImGui::SliderInt("M (rows of C)", &s.m, 1, 128);
  ImGui::SliderInt("N (columns of C)", &s.n, 1, 128);
  ImGui::SliderInt("K (dot length)", &s.k, 1, 128);
  // The lesson's launchers use square blocks of TILE x TILE threads for all three kernels, so one choice sets both.
  int side_index = 0;
  for (int i = 0; i < 3; ++i) {
    if (choices[i] == s.tile) side_index = i;
  }
  const char* side_names = "8 x 8\0" "16 x 16\0" "32 x 32\0";
  ImGui::Combo(s.kind == kernel_kind::tiled ? "block = tile" : "block (threads)", &side_index, side_names);
  s.tile = s.block_x = s.block_y = choices[side_index];

  const int n_steps = steps(s);
  st.step = std::clamp(st.step, 0, std::max(n_steps - 1, 0));
  if (s.kind == kernel_kind::tiled && n_steps > 0) {
    ImGui::SliderInt("step along k", &st.step, 0, n_steps - 1);
    ImGui::SameLine();
    if (ImGui::SmallButton(st.playing ? "Pause" : "Play")) {
      st.playing = !st.playing;
      st.next_step_at = ImGui::GetTime() + seconds_per_step;
    }
  }
  ImGui::PopItemWidth();
  ImGui::PopStyleVar();
  st.pinned_row = std::min(st.pinned_row, s.m - 1);
  st.pinned_col = std::min(st.pinned_col, s.n - 1);

  const launch_dims d = dims_of(s);
  const std::int64_t threads = static_cast<std::int64_t>(d.block_x) * d.block_y * d.grid_x * d.grid_y;
  const std::int64_t elements = static_cast<std::int64_t>(s.m) * s.n;
  ImGui::Separator();
  ImGui::Text("grid (%d, %d) x block (%d, %d) = %s threads", d.grid_x, d.grid_y, d.block_x, d.block_y,
              with_commas(threads).c_str());
  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  ImGui::TextWrapped("for %s elements of C: the %s threads in the hatched overhang write nothing.%s",
                     with_commas(elements).c_str(), with_commas(threads - elements).c_str(),
                     s.kind == kernel_kind::naive ? " Naive runs blockIdx.x down the rows of C." : "");
  ImGui::PopStyleColor();
}

void draw_thread_info(const explorer_state& st, const c_layout& l, int row, int col, bool hovered) {
  const launch_shape& s = st.shape;
  const cell_owner who = owner_of(s, row, col);
  const int lane = (who.thread_x + who.thread_y * s.block_x) % 32;
  const int warps = (s.block_x * s.block_y + 31) / 32;
  ImGui::Separator();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(style::gpu), "C[%d][%d] is computed by%s", row, col,
                     hovered ? "" : " (pinned)");
  ImGui::Text("blockIdx (%d, %d), threadIdx (%d, %d)", who.block_x, who.block_y, who.thread_x, who.thread_y);
  ImGui::Text("warp %d of the block's %d, lane %d", who.warp, warps, lane);
  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  ImGui::TextWrapped("%s", mapping_formula(s.kind).c_str());
  ImGui::PopStyleColor();
  // The same formula with this thread's numbers, so the swap between naive and the others is visible.
  if (s.kind == kernel_kind::naive) {
    ImGui::Text("row %d = %d*%d + %d,  col %d = %d*%d + %d", row, who.block_x, s.block_x, who.thread_x, col,
                who.block_y, s.block_y, who.thread_y);
  } else {
    ImGui::Text("row %d = %d*%d + %d,  col %d = %d*%d + %d", row, who.block_y, s.block_y, who.thread_y, col,
                who.block_x, s.block_x, who.thread_x);
  }

  const auto cells = warp_cells(s, l, row, col);
  int r_lo = row, r_hi = row, c_lo = col, c_hi = col;
  for (const auto& [r, c] : cells) {
    r_lo = std::min(r_lo, r), r_hi = std::max(r_hi, r), c_lo = std::min(c_lo, c), c_hi = std::max(c_hi, c);
  }
  const int warp_rows = r_hi - r_lo + 1, warp_cols = c_hi - c_lo + 1;
  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  if (s.kind == kernel_kind::tiled) {
    ImGui::TextWrapped("Reads row %d of A and column %d of B from shared memory, %d floats per step. Its warp "
                       "(shaded, %d x %d cells) loads the tiles from global memory in row pieces of %d "
                       "consecutive floats: coalesced.",
                       row, col, s.tile, warp_rows, warp_cols, warp_cols);
  } else {
    // What one step of the loop asks of memory for the whole warp (lesson 03's transaction count).
    char a_reads[64], b_reads[64];
    if (warp_rows == 1) {
      std::snprintf(a_reads, sizeof a_reads, "A at one address (a broadcast)");
    } else {
      std::snprintf(a_reads, sizeof a_reads, "A at %d rows, %d floats apart", warp_rows, s.k);
    }
    if (warp_cols == 1) {
      std::snprintf(b_reads, sizeof b_reads, "B at one address (a broadcast)");
    } else {
      std::snprintf(b_reads, sizeof b_reads, "B as %d consecutive floats", warp_cols);
    }
    ImGui::TextWrapped("Reads row %d of A (%d floats side by side) and column %d of B (%d floats, %d apart). Its "
                       "warp (shaded) covers %d x %d cells of C: each step it reads %s and %s: %s.",
                       row, s.k, col, s.k, s.n, warp_rows, warp_cols, a_reads, b_reads,
                       warp_rows > warp_cols ? "uncoalesced" : "coalesced");
  }
  ImGui::PopStyleColor();
}

/// The two shared-memory tiles of the chosen block at this step, cell by cell: loaded (purple) or zero padding
/// (hatched), with the chosen thread's row of a_tile and column of b_tile outlined. Drawn in the picture's corner,
/// between A and B, where the classic picture has room.
void draw_shared_tiles(ImDrawList* dl, const explorer_state& st, ImVec2 corner, int row, int col) {
  const launch_shape& s = st.shape;
  const cell_owner who = owner_of(s, row, col);
  const tile_step t = tiles_at(s, who.block_x, who.block_y, st.step);
  char text[96];
  std::snprintf(text, sizeof text, "shared memory, block (%d,%d), step %d", who.block_x, who.block_y, st.step);
  dl->AddText(corner, style::roof, text);

  const float side = inset_side, cell = side / static_cast<float>(s.tile);
  const ImVec2 origin = add(corner, 0.0f, 2.0f * 19.0f);
  struct inset {
    const char* name;
    int row0, row1, col0, col1;  // the matrix part this tile holds
    bool row_of_thread;          // a_tile: the thread reads row ty; b_tile: column tx
    char matrix;
  };
  const inset insets[2] = {{"a_tile", t.a_row0, t.a_row1, t.a_col0, t.a_col1, true, 'A'},
                           {"b_tile", t.b_row0, t.b_row1, t.b_col0, t.b_col1, false, 'B'}};
  for (int i = 0; i < 2; ++i) {
    const inset& in = insets[i];
    const ImVec2 lo = add(origin, static_cast<float>(i) * (side + 34.0f), 0.0f);
    const ImVec2 hi = add(lo, side, side);
    std::snprintf(text, sizeof text, "%s[%d][%d]", in.name, s.tile, s.tile);
    dl->AddText(add(lo, 0.0f, -19.0f), label_color, text);
    dl->AddRectFilled(lo, hi, overhang_fill);
    hatch(dl, lo, hi, with_alpha(style::roof, 150));
    const ImVec2 loaded_hi = add(lo, static_cast<float>(in.col1 - in.col0) * cell,
                                 static_cast<float>(in.row1 - in.row0) * cell);
    dl->AddRectFilled(lo, loaded_hi, with_alpha(style::roof, 190));
    if (cell >= 4.0f) {
      for (int j = 1; j < s.tile; ++j) {
        const float o = static_cast<float>(j) * cell;
        dl->AddLine(add(lo, o, 0.0f), add(lo, o, side), cell_line);
        dl->AddLine(add(lo, 0.0f, o), add(lo, side, o), cell_line);
      }
    }
    // In step 3 the thread multiplies a_tile[ty][p] by b_tile[p][tx] for every p.
    const float o = static_cast<float>(in.row_of_thread ? who.thread_y : who.thread_x) * cell;
    if (in.row_of_thread) {
      dl->AddRect(add(lo, -1.0f, o), add(lo, side + 1.0f, o + cell), style::gpu, 0.0f, 0, 2.0f);
    } else {
      dl->AddRect(add(lo, o, -1.0f), add(lo, o + cell, side + 1.0f), style::gpu, 0.0f, 0, 2.0f);
    }
    dl->AddRect(lo, hi, block_line);
    if (in.row1 > in.row0 && in.col1 > in.col0) {
      std::snprintf(text, sizeof text, "%c[%d..%d][%d..%d]", in.matrix, in.row0, in.row1 - 1, in.col0, in.col1 - 1);
    } else {
      std::snprintf(text, sizeof text, "all zeros");
    }
    dl->AddText(add(lo, 0.0f, side + 3.0f), label_color, text);
  }
  dl->AddText(add(origin, 0.0f, side + 22.0f), style::text_dim, "hatched: zeros past the edge");
}

/// Global loads of naive vs tiled for this shape, as numbers and as two bars.
void draw_counters(const explorer_state& st) {
  launch_shape naive = st.shape, tiled = st.shape;
  naive.kind = kernel_kind::naive;
  tiled.kind = kernel_kind::tiled;
  const std::int64_t naive_loads = global_loads(naive), tiled_loads = global_loads(tiled);
  ImGui::Separator();
  ImGui::Text("Global-memory loads (floats) for %d x %d x %d", st.shape.m, st.shape.n, st.shape.k);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float width = controls_width - 210.0f, bar_h = 14.0f;  // room for the name and the count
  const auto bar = [&](const char* name, std::int64_t loads, ImU32 color) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = naive_loads > 0 ? width * static_cast<float>(static_cast<double>(loads) /
                                                                 static_cast<double>(naive_loads))
                                    : 0.0f;
    dl->AddText(p, label_color, name);
    const ImVec2 lo = add(p, 120.0f, 1.0f);
    dl->AddRectFilled(lo, add(lo, std::max(w, 1.0f), bar_h), color);
    dl->AddText(add(lo, std::max(w, 1.0f) + 4.0f, 0.0f), label_color, with_commas(loads).c_str());
    ImGui::Dummy(ImVec2(controls_width - 20.0f, bar_h + 4.0f));
  };
  bar("naive, coalesced", naive_loads, style::series_color(true, 0, 2));
  char tiled_name[32];
  std::snprintf(tiled_name, sizeof tiled_name, "tiled (tile %d)", st.shape.tile);
  bar(tiled_name, tiled_loads, style::series_color(true, 1, 2));
  if (tiled_loads > 0) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(style::gpu), "tiled reads %.1fx fewer floats from global memory",
                       static_cast<double>(naive_loads) / static_cast<double>(tiled_loads));
    ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
    ImGui::TextWrapped("Each float a block loads serves %d threads; exactly %dx when every block is full.",
                       st.shape.tile, st.shape.tile);
    ImGui::PopStyleColor();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The picture: B above C, A to its left

void draw_picture(explorer_state& st, bool screenshot) {
  const launch_shape& s = st.shape;
  const c_layout l = layout_of(s);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 size = ImGui::GetContentRegionAvail();
  const geometry g = layout_picture(s, l, origin, size);
  ImDrawList* dl = ImGui::GetWindowDrawList();

  // Hover and click over C (not the edge blocks' overhang: no element there). Screenshots ignore the mouse.
  ImGui::InvisibleButton("picture", ImVec2(std::max(size.x, 1.0f), std::max(size.y, 1.0f)));
  st.hover_row = st.hover_col = -1;
  if (!screenshot && ImGui::IsItemHovered()) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const int col = static_cast<int>((mouse.x - g.c.x) / g.cell), row = static_cast<int>((mouse.y - g.c.y) / g.cell);
    if (mouse.x >= g.c.x && mouse.y >= g.c.y && row < s.m && col < s.n) {
      st.hover_row = row, st.hover_col = col;
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        st.pinned_row = row, st.pinned_col = col;
      }
    }
  }
  const int row = st.hover_row >= 0 ? st.hover_row : st.pinned_row;
  const int col = st.hover_row >= 0 ? st.hover_col : st.pinned_col;
  const cell_owner who = owner_of(s, row, col);

  // C: one shade per block, alternating; the part of an edge block past C hatched.
  const ImVec2 c_hi = g.at(g.c, s.m, s.n);
  for (int br = 0; br < l.grid_rows; ++br) {
    for (int bc = 0; bc < l.grid_cols; ++bc) {
      const ImVec2 lo = g.at(g.c, br * l.block_rows, bc * l.block_cols);
      const ImVec2 hi = g.at(g.c, (br + 1) * l.block_rows, (bc + 1) * l.block_cols);
      dl->AddRectFilled(lo, hi, overhang_fill);
      hatch(dl, lo, hi, overhang_hatch);
      dl->AddRectFilled(lo, ImVec2(std::min(hi.x, c_hi.x), std::min(hi.y, c_hi.y)),
                        (br + bc) % 2 == 0 ? block_even : block_odd);
    }
  }
  if (g.cell >= 5.0f) {
    for (int r = 1; r < s.m; ++r) dl->AddLine(g.at(g.c, r, 0), g.at(g.c, r, s.n), cell_line);
    for (int c = 1; c < s.n; ++c) dl->AddLine(g.at(g.c, 0, c), g.at(g.c, s.m, c), cell_line);
  }
  dl->AddRect(g.c, c_hi, block_line);
  for (int br = 0; br < l.grid_rows; ++br) {
    for (int bc = 0; bc < l.grid_cols; ++bc) {
      const ImVec2 lo = g.at(g.c, br * l.block_rows, bc * l.block_cols);
      const ImVec2 hi = g.at(g.c, (br + 1) * l.block_rows, (bc + 1) * l.block_cols);
      dl->AddRect(lo, hi, block_line, 0.0f, 0, 1.5f);
      // blockIdx of each block, when it fits: shows naive's x running down and the others' across.
      if (hi.x - lo.x >= 42.0f && hi.y - lo.y >= 16.0f) {
        const cell_owner first = owner_of(s, br * l.block_rows, bc * l.block_cols);
        char name[24];
        std::snprintf(name, sizeof name, "(%d,%d)", first.block_x, first.block_y);
        dl->AddText(add(lo, 3.0f, 2.0f), with_alpha(label_color, 150), name);
      }
    }
  }

  // A and B; for the tiled kernel also their tile boundaries, the steps along k.
  draw_matrix(dl, g, g.a, s.m, s.k);
  draw_matrix(dl, g, g.b, s.k, s.n);
  if (s.kind == kernel_kind::tiled) {
    for (int t = s.tile; t < s.k; t += s.tile) {
      dl->AddLine(g.at(g.a, 0, t), g.at(g.a, s.m, t), tile_line);
      dl->AddLine(g.at(g.b, t, 0), g.at(g.b, t, s.n), tile_line);
    }
    for (int t = s.tile; t < s.m; t += s.tile) dl->AddLine(g.at(g.a, t, 0), g.at(g.a, t, s.k), tile_line);
    for (int t = s.tile; t < s.n; t += s.tile) dl->AddLine(g.at(g.b, 0, t), g.at(g.b, s.k, t), tile_line);
  }

  // The tiled kernel's shared memory at this step: the loaded part of each tile filled, the whole tile dashed (its
  // padding past A's bottom or B's right shows; past A's right or B's bottom it is clipped before it reaches C).
  if (s.kind == kernel_kind::tiled && steps(s) > 0) {
    const tile_step t = tiles_at(s, who.block_x, who.block_y, st.step);
    const float pad_gap = 4.0f;
    dl->AddRectFilled(g.at(g.a, t.a_row0, t.a_col0), g.at(g.a, t.a_row1, t.a_col1), with_alpha(style::roof, 150));
    dl->AddRectFilled(g.at(g.b, t.b_row0, t.b_col0), g.at(g.b, t.b_row1, t.b_col1), with_alpha(style::roof, 150));
    dl->PushClipRect(ImVec2(origin.x, g.a.y), ImVec2(g.c.x - pad_gap, origin.y + size.y), true);
    dashed_rect(dl, g.at(g.a, t.a_row0, t.a_col0), g.at(g.a, t.a_row0 + s.tile, t.a_col0 + s.tile), style::roof, 2.0f);
    hatch(dl, g.at(g.a, t.a_row1, t.a_col0), g.at(g.a, t.a_row0 + s.tile, t.a_col0 + s.tile),
          with_alpha(style::roof, 140));
    hatch(dl, g.at(g.a, t.a_row0, t.a_col1), g.at(g.a, t.a_row1, t.a_col0 + s.tile), with_alpha(style::roof, 140));
    dl->PopClipRect();
    dl->PushClipRect(ImVec2(g.b.x, origin.y), ImVec2(origin.x + size.x, g.c.y - pad_gap), true);
    dashed_rect(dl, g.at(g.b, t.b_row0, t.b_col0), g.at(g.b, t.b_row0 + s.tile, t.b_col0 + s.tile), style::roof, 2.0f);
    hatch(dl, g.at(g.b, t.b_row1, t.b_col0), g.at(g.b, t.b_row0 + s.tile, t.b_col0 + s.tile),
          with_alpha(style::roof, 140));
    hatch(dl, g.at(g.b, t.b_row0, t.b_col1), g.at(g.b, t.b_row1, t.b_col0 + s.tile), with_alpha(style::roof, 140));
    dl->PopClipRect();
  }

  // The chosen thread: its block outlined, its warp shaded, its cell filled, the row of A and the column of B it reads.
  const ImU32 read_fill = with_alpha(style::gpu, 110);
  dl->AddRectFilled(g.at(g.a, row, 0), g.at(g.a, row + 1, s.k), read_fill);
  dl->AddRectFilled(g.at(g.b, 0, col), g.at(g.b, s.k, col + 1), read_fill);
  dl->AddRect(g.at(g.a, row, 0), g.at(g.a, row + 1, s.k), style::gpu);
  dl->AddRect(g.at(g.b, 0, col), g.at(g.b, s.k, col + 1), style::gpu);
  for (const auto& [r, c] : warp_cells(s, l, row, col)) {
    dl->AddRectFilled(g.at(g.c, r, c), g.at(g.c, r + 1, c + 1), with_alpha(style::gpu, 70));
  }
  const int br = row / l.block_rows, bc = col / l.block_cols;
  dl->AddRect(g.at(g.c, br * l.block_rows, bc * l.block_cols),
              g.at(g.c, (br + 1) * l.block_rows, (bc + 1) * l.block_cols), style::gpu, 0.0f, 0, 2.5f);
  const ImVec2 cell_lo = g.at(g.c, row, col), cell_hi = g.at(g.c, row + 1, col + 1);
  dashed_line(dl, ImVec2(g.a.x + static_cast<float>(s.k) * g.cell, (cell_lo.y + cell_hi.y) * 0.5f),
              ImVec2(cell_lo.x, (cell_lo.y + cell_hi.y) * 0.5f), with_alpha(style::gpu, 200), 1.0f);
  dashed_line(dl, ImVec2((cell_lo.x + cell_hi.x) * 0.5f, g.b.y + static_cast<float>(s.k) * g.cell),
              ImVec2((cell_lo.x + cell_hi.x) * 0.5f, cell_lo.y), with_alpha(style::gpu, 200), 1.0f);
  dl->AddRectFilled(cell_lo, cell_hi, style::gpu);
  dl->AddRect(add(cell_lo, -1.0f, -1.0f), add(cell_hi, 1.0f, 1.0f), IM_COL32(255, 255, 255, 255), 0.0f, 0, 1.5f);

  // Labels.
  char text[64];
  std::snprintf(text, sizeof text, "B (k x n = %d x %d)", s.k, s.n);
  dl->AddText(add(g.b, 0.0f, -17.0f), label_color, text);
  std::snprintf(text, sizeof text, "A (m x k = %d x %d)", s.m, s.k);
  dl->AddText(add(g.a, 0.0f, -17.0f), label_color, text);
  std::snprintf(text, sizeof text, "C (m x n = %d x %d): one thread per cell", s.m, s.n);
  dl->AddText(ImVec2(g.c.x, g.c.y + static_cast<float>(l.rows()) * g.cell + 4.0f), label_color, text);

  if (s.kind == kernel_kind::tiled && steps(s) > 0) {
    draw_shared_tiles(dl, st, g.corner, row, col);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The model picker and lab 05's reduction tree

void draw_model_picker(explorer_state& st) {
  const execution_model* current = find_model(st.model);
  ImGui::SetNextItemWidth(controls_width - 20.0f);
  if (ImGui::BeginCombo("##explorer_model", current != nullptr ? current->title.c_str() : "")) {
    for (const execution_model& m : execution_models()) {
      if (ImGui::Selectable(m.title.c_str(), m.id == st.model)) {
        st.model = m.id;
        st.model_chosen = true;
        st.playing = false;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", m.description.c_str());
    }
    ImGui::EndCombo();
  }
}

int reduction_threads(const explorer_state& st) {
  const model_parameter& p = find_model("reduction_tree")->parameters[1];
  return std::stoi(p.choices[static_cast<std::size_t>(std::clamp(st.reduction_values[1], 0, p.max))]);
}

reduction_addressing reduction_kind(const explorer_state& st) {
  return static_cast<reduction_addressing>(std::clamp(st.reduction_values[0], 0, 2));
}

/// The block's input: small non-uniform whole numbers, so every partial sum can be read off the picture.
std::vector<long long> reduction_input(int threads) {
  std::vector<long long> x(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i) x[static_cast<std::size_t>(i)] = (i * 7 + 3) % 10;
  return x;
}

void draw_reduction_controls(explorer_state& st) {
  const execution_model& m = *find_model("reduction_tree");
  if (st.reduction_values.size() != m.parameters.size()) st.reduction_values = default_values(m);
  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  ImGui::TextWrapped("%s", m.description.c_str());
  ImGui::PopStyleColor();
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(6.0f, 2.0f));
  // The registry's parameters, each a row of radio buttons (they are all choices).
  for (std::size_t i = 0; i < m.parameters.size(); ++i) {
    const model_parameter& p = m.parameters[i];
    ImGui::TextUnformatted(p.name.c_str());
    for (std::size_t c = 0; c < p.choices.size(); ++c) {
      if (c > 0) ImGui::SameLine();
      ImGui::RadioButton((p.choices[c] + "##red" + std::to_string(i)).c_str(), &st.reduction_values[i],
                         static_cast<int>(c));
    }
  }
  const std::vector<reduction_step> all = reduction_steps(reduction_kind(st), reduction_threads(st));
  const int n_steps = static_cast<int>(all.size());
  st.reduction_step = std::clamp(st.reduction_step, 0, std::max(n_steps - 1, 0));
  if (st.playing && ImGui::GetTime() >= st.next_step_at) {
    st.reduction_step = (st.reduction_step + 1) % std::max(n_steps, 1);
    st.next_step_at = ImGui::GetTime() + seconds_per_step;
  }
  ImGui::PushItemWidth(230.0f);
  int shown_step = st.reduction_step + 1;  // counted from 1 on screen, as "Step 2 of 5" below
  if (ImGui::SliderInt("step", &shown_step, 1, std::max(n_steps, 1))) st.reduction_step = shown_step - 1;
  ImGui::PopItemWidth();
  ImGui::SameLine();
  if (ImGui::SmallButton(st.playing ? "Pause" : "Play")) {
    st.playing = !st.playing;
    st.next_step_at = ImGui::GetTime() + seconds_per_step;
  }
  ImGui::PopStyleVar();
  if (all.empty()) return;

  const reduction_step& cur = all[static_cast<std::size_t>(st.reduction_step)];
  ImGui::Separator();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(style::gpu), "Step %d of %d", st.reduction_step + 1, n_steps);
  ImGui::TextWrapped("%s", cur.code.c_str());
  std::string who;
  for (std::size_t i = 0; i < cur.active.size(); ++i) {
    if (i == 8 && cur.active.size() > 10) {
      who += ", ... " + std::to_string(cur.active.back());
      break;
    }
    who += (i == 0 ? "" : ", ") + std::to_string(cur.active[i]);
  }
  ImGui::TextWrapped("%s that add (%d of %d): %s", cur.shuffle ? "lanes" : "threads",
                     static_cast<int>(cur.active.size()), reduction_threads(st), who.c_str());
  const reduction_add& first = cur.adds.front();
  if (cur.shuffle) {
    ImGui::TextWrapped("lane %d adds lane %d's v to its own (registers, no memory)", first.dst, first.src);
  } else {
    ImGui::TextWrapped("thread %d reads x[%d] and x[%d], writes x[%d]", first.thread, first.dst, first.src,
                       first.dst);
  }
  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  if (cur.shuffle) {
    ImGui::TextWrapped("All %d lanes run the shuffle (no branch, no shared memory, no __syncthreads); only the first "
                       "%d results are used.", cur.executing_threads, cur.stride);
  } else {
    ImGui::TextWrapped("%d warp%s busy, %d divergent: in a divergent warp the threads that skip the add wait while "
                       "the others do it.", cur.warps_busy, cur.warps_busy == 1 ? "" : "s", cur.warps_divergent);
  }
  ImGui::PopStyleColor();

  // The three addressings side by side: warp-steps a block spends, and how many of them diverge.
  ImGui::Separator();
  ImGui::Text("Whole tree, %d threads: warp-steps (divergent)", reduction_threads(st));
  for (int k = 0; k < 3; ++k) {
    int busy = 0, divergent = 0;
    for (const reduction_step& s : reduction_steps(static_cast<reduction_addressing>(k), reduction_threads(st))) {
      busy += s.warps_busy;
      divergent += s.warps_divergent;
    }
    ImGui::BulletText("%s: %d (%d)", m.parameters[0].choices[static_cast<std::size_t>(k)].c_str(), busy, divergent);
  }
  ImGui::PushStyleColor(ImGuiCol_Text, style::text_dim);
  ImGui::TextWrapped("With 64 threads or more, sequential addressing leaves whole warps idle instead of divergent; "
                     "the shuffle finish has no divergent step at all.");
  ImGui::PopStyleColor();
}

void draw_reduction_picture(const explorer_state& st) {
  const int threads = reduction_threads(st);
  const reduction_addressing kind = reduction_kind(st);
  const std::vector<reduction_step> all = reduction_steps(kind, threads);
  const std::vector<std::vector<long long>> states = reduction_states(kind, reduction_input(threads));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 size = ImGui::GetContentRegionAvail();
  const float left = 150.0f, top = 24.0f;
  const float cell = std::clamp((size.x - left - 12.0f) / static_cast<float>(threads), 4.0f, 40.0f);
  const int rows = static_cast<int>(states.size());
  const float row_h = std::clamp((size.y - top - 40.0f) / static_cast<float>(rows), 10.0f, 60.0f);
  const float box_h = std::min(cell, row_h * 0.55f);
  const auto cell_lo = [&](int row, int i) {
    return add(origin, left + static_cast<float>(i) * cell, top + static_cast<float>(row) * row_h);
  };
  const bool numbers = cell >= 18.0f && box_h >= 14.0f;

  dl->AddText(origin, label_color, "x[] in shared memory, one element per thread; each row is the array after a step");
  // Warp boundaries, across every row.
  for (int w = warp_size; w < threads; w += warp_size) {
    const ImVec2 at = cell_lo(0, w);
    dl->AddLine(add(at, 0.0f, -4.0f), ImVec2(at.x, origin.y + top + static_cast<float>(rows) * row_h), tile_line, 2.0f);
  }
  char text[96];
  for (int row = 0; row < rows; ++row) {
    const bool future = row > st.reduction_step + 1;
    const reduction_step* step = row > 0 ? &all[static_cast<std::size_t>(row - 1)] : nullptr;
    const bool current = row == st.reduction_step + 1;
    if (row == 0) {
      std::snprintf(text, sizeof text, "loaded");
    } else {
      std::snprintf(text, sizeof text, "%s %d", step->shuffle ? "shuffle" : "stride", step->stride);
    }
    dl->AddText(add(origin, 4.0f, top + static_cast<float>(row) * row_h), current ? style::gpu : label_color, text);
    for (int i = 0; i < threads; ++i) {
      const ImVec2 lo = cell_lo(row, i);
      const ImVec2 hi = add(lo, cell - 1.0f, box_h);
      bool written = false;
      if (step != nullptr) {
        written = std::any_of(step->adds.begin(), step->adds.end(), [i](const reduction_add& a) { return a.dst == i; });
      }
      ImU32 fill = (row + i) % 2 == 0 ? block_even : block_odd;
      if (written) fill = future ? with_alpha(style::gpu, 60) : style::gpu;
      dl->AddRectFilled(lo, hi, fill);
      if (numbers && !future) {
        std::snprintf(text, sizeof text, "%lld", states[static_cast<std::size_t>(row)][static_cast<std::size_t>(i)]);
        dl->AddText(add(lo, 2.0f, (box_h - ImGui::GetTextLineHeight()) * 0.5f), written ? IM_COL32(0, 0, 0, 255)
                                                                                          : label_color, text);
      }
    }
    if (step == nullptr || future) continue;
    // Each add: an arrow from the element read (the row above) to the element written.
    for (const reduction_add& a : step->adds) {
      const ImVec2 from = add(cell_lo(row - 1, a.src), cell * 0.5f, box_h);
      const ImVec2 to = add(cell_lo(row, a.dst), cell * 0.5f, 0.0f);
      dl->AddLine(from, to, current ? with_alpha(style::roof, 230) : with_alpha(style::roof, 120), current ? 2.0f : 1.0f);
      dl->AddRect(add(cell_lo(row - 1, a.src), -1.0f, -1.0f), add(cell_lo(row - 1, a.src), cell, box_h + 1.0f),
                  current ? style::roof : with_alpha(style::roof, 110));
    }
  }
  // The index of each element under the last row, when there is room.
  const float bottom = origin.y + top + static_cast<float>(rows) * row_h;
  for (int i = 0; i < threads; i += cell >= 18.0f ? 1 : 8) {
    std::snprintf(text, sizeof text, "%d", i);
    dl->AddText(ImVec2(cell_lo(0, i).x, bottom), style::text_dim, text);
  }
  dl->AddText(ImVec2(origin.x + left, bottom + ImGui::GetTextLineHeight() + 4.0f), style::text_dim,
              "orange: written by an active thread; purple: the element it reads; | a warp boundary");
  ImGui::Dummy(size);
}

}  // namespace

void draw_explorer(app_state& app) {
  explorer_state& st = state();
  if (!st.model_chosen) {
    const execution_model* m = find_model(app.workload);
    st.model = m != nullptr ? m->id : execution_models().front().id;
  }
  if (app.screenshot) {
    st.playing = false;  // a screenshot is one deterministic picture
  }

  ImGui::BeginChild("explorer_controls", ImVec2(controls_width, 0.0f), false);
  draw_model_picker(st);
  if (st.model == "reduction_tree") {
    draw_reduction_controls(st);
  } else {
    if (st.playing && ImGui::GetTime() >= st.next_step_at) {
      st.step = (st.step + 1) % std::max(steps(st.shape), 1);
      st.next_step_at = ImGui::GetTime() + seconds_per_step;
    }
    draw_controls(st);
    const c_layout l = layout_of(st.shape);
    const bool hovered = st.hover_row >= 0 && st.hover_row < st.shape.m && st.hover_col < st.shape.n;
    const int row = hovered ? st.hover_row : st.pinned_row;
    const int col = hovered ? st.hover_col : st.pinned_col;
    draw_thread_info(st, l, row, col, hovered);
    draw_counters(st);
  }
  ImGui::EndChild();

  ImGui::SameLine();
  ImGui::BeginChild("explorer_picture", ImVec2(0.0f, 0.0f), false, ImGuiWindowFlags_NoScrollbar);
  if (st.model == "reduction_tree") {
    draw_reduction_picture(st);
  } else {
    draw_picture(st, app.screenshot);
  }
  ImGui::EndChild();
}

}  // namespace ws_viz
