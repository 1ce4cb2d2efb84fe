/// @file execution_model.cpp
/// @brief The index arithmetic of lab 03's naive, coalesced and tiled kernels (solutions/03_matmul_gpu), on the CPU.
#include "data/execution_model.hpp"

#include <algorithm>

namespace ws_viz {

namespace {

int ceil_div(int a, int b) { return b > 0 ? (a + b - 1) / b : 0; }

/// Threads per block along x and y: the tile for the tiled kernel, the chosen block otherwise.
int threads_x(const launch_shape& s) { return s.kind == kernel_kind::tiled ? s.tile : s.block_x; }
int threads_y(const launch_shape& s) { return s.kind == kernel_kind::tiled ? s.tile : s.block_y; }

}  // namespace

launch_dims dims_of(const launch_shape& s) {
  const int bx = threads_x(s), by = threads_y(s);
  if (s.kind == kernel_kind::naive) {
    // x is the row: the grid's x covers the m rows, y the n columns.
    return {bx, by, ceil_div(s.m, bx), ceil_div(s.n, by)};
  }
  // coalesced and tiled: x is the column.
  return {bx, by, ceil_div(s.n, bx), ceil_div(s.m, by)};
}

cell_owner owner_of(const launch_shape& s, int row, int col) {
  const int bx = threads_x(s), by = threads_y(s);
  // The coordinate that threadIdx.x runs along: the row for naive, the column otherwise.
  const int along_x = s.kind == kernel_kind::naive ? row : col;
  const int along_y = s.kind == kernel_kind::naive ? col : row;
  cell_owner o{};
  o.block_x = along_x / bx;
  o.thread_x = along_x % bx;
  o.block_y = along_y / by;
  o.thread_y = along_y % by;
  o.warp = (o.thread_y * bx + o.thread_x) / 32;  // CUDA's linear thread index: x fastest
  return o;
}

int steps(const launch_shape& s) { return ceil_div(s.k, s.tile); }

tile_step tiles_at(const launch_shape& s, int block_x, int block_y, int step) {
  const int t = s.tile;
  const auto clip = [](int v, int limit) { return std::clamp(v, 0, limit); };
  tile_step ts{};
  // a_tile[ty][tx] = a[row * k + step * T + tx] with row = block_y * T + ty.
  ts.a_row0 = clip(block_y * t, s.m);
  ts.a_row1 = clip(block_y * t + t, s.m);
  ts.a_col0 = clip(step * t, s.k);
  ts.a_col1 = clip(step * t + t, s.k);
  // b_tile[ty][tx] = b[(step * T + ty) * n + col] with col = block_x * T + tx.
  ts.b_row0 = clip(step * t, s.k);
  ts.b_row1 = clip(step * t + t, s.k);
  ts.b_col0 = clip(block_x * t, s.n);
  ts.b_col1 = clip(block_x * t + t, s.n);
  return ts;
}

std::int64_t global_loads(const launch_shape& s) {
  const std::int64_t m = s.m, n = s.n, k = s.k;
  if (s.kind != kernel_kind::tiled) return 2 * m * n * k;  // a row of A and a column of B per element of C
  // Every block of block row by loads, over its steps, all of A's rows [by T, by T + T) once: the grid_x blocks
  // of a block row read those rows grid_x times, so A costs grid_x * m * k and B likewise grid_y * k * n.
  const launch_dims d = dims_of(s);
  return static_cast<std::int64_t>(d.grid_x) * m * k + static_cast<std::int64_t>(d.grid_y) * k * n;
}

std::string mapping_formula(kernel_kind kind) {
  switch (kind) {
    case kernel_kind::naive:
      return "row = blockIdx.x * blockDim.x + threadIdx.x, col = blockIdx.y * blockDim.y + threadIdx.y";
    case kernel_kind::coalesced:
      return "col = blockIdx.x * blockDim.x + threadIdx.x, row = blockIdx.y * blockDim.y + threadIdx.y";
    case kernel_kind::tiled:
      return "col = blockIdx.x * TILE + threadIdx.x, row = blockIdx.y * TILE + threadIdx.y";
  }
  return "";
}

}  // namespace ws_viz
