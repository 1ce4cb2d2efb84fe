/// @file execution_model.cpp
/// @brief The explorer's execution models: the registry, the index arithmetic of lab 03's naive, coalesced and
/// tiled kernels (solutions/03_matmul_gpu), and lab 05's block reduction tree (solutions/05_reductions), on the CPU.
#include "data/execution_model.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace ws_viz {

namespace {

int ceil_div(int a, int b) { return b > 0 ? (a + b - 1) / b : 0; }

/// Threads per block along x and y: the tile for the tiled kernel, the chosen block otherwise.
int threads_x(const launch_shape& s) { return s.kind == kernel_kind::tiled ? s.tile : s.block_x; }
int threads_y(const launch_shape& s) { return s.kind == kernel_kind::tiled ? s.tile : s.block_y; }

/// The side choices of matmul_tiles' block/tile parameter, and the block sizes of reduction_tree.
constexpr int tile_choices[] = {8, 16, 32};
constexpr int reduction_block_choices[] = {8, 16, 32, 64};

int matmul_tiles_steps(const std::vector<int>& v) {
  // One step for naive and coalesced, k / tile for tiled.
  const launch_shape s = matmul_tiles_shape(v);
  return s.kind == kernel_kind::tiled ? steps(s) : 1;
}

int reduction_tree_steps(const std::vector<int>& v) {
  if (v.size() < 2) return 0;
  const auto a = static_cast<reduction_addressing>(std::clamp(v[0], 0, 2));
  return static_cast<int>(reduction_steps(a, reduction_block_choices[std::clamp(v[1], 0, 3)]).size());
}

std::string format(const char* pattern, int a, int b) {
  char text[96];
  std::snprintf(text, sizeof text, pattern, a, b);
  return text;
}

}  // namespace

const std::vector<execution_model>& execution_models() {
  static const std::vector<execution_model> models = {
      {"matmul_tiles", "03", "matmul", "Lesson 03: one thread per element of C",
       "C as the grid of blocks that cover it; for one element, the block, thread and warp that compute it and the "
       "row of A and column of B it reads; for the tiled kernel, the tiles of A and B in shared memory at each step.",
       {{"kernel", "the index mapping: naive, coalesced or tiled", 0, 2, 2, {"naive", "coalesced", "tiled"}},
        {"M (rows of C)", "rows of A and C", 1, 128, 44, {}},
        {"N (columns of C)", "columns of B and C", 1, 128, 60, {}},
        {"K (dot length)", "columns of A, rows of B", 1, 128, 40, {}},
        {"block = tile", "threads per block side, and the tile side", 0, 2, 1, {"8 x 8", "16 x 16", "32 x 32"}}},
       matmul_tiles_steps},
      {"reduction_tree", "05", "reduce", "Lesson 05: one block sums its elements",
       "A block of threads, one element each, halving the partial sums step by step: which threads are active, "
       "which elements each adds, and how many warps run a divergent branch.",
       {{"addressing", "how threads pair up the elements", 0, 2, 0, {"interleaved", "sequential", "warp shuffle"}},
        {"threads per block", "one element per thread", 0, 3, 2, {"8", "16", "32", "64"}}},
       reduction_tree_steps},
  };
  return models;
}

std::vector<int> default_values(const execution_model& m) {
  std::vector<int> v;
  for (const model_parameter& p : m.parameters) v.push_back(p.value);
  return v;
}

launch_shape matmul_tiles_shape(const std::vector<int>& values) {
  std::vector<int> v = default_values(*find_model("matmul_tiles"));
  for (std::size_t i = 0; i < std::min(v.size(), values.size()); ++i) v[i] = values[i];
  launch_shape s;
  s.kind = static_cast<kernel_kind>(std::clamp(v[0], 0, 2));
  s.m = v[1];
  s.n = v[2];
  s.k = v[3];
  s.tile = s.block_x = s.block_y = tile_choices[std::clamp(v[4], 0, 2)];
  return s;
}

const execution_model* find_model(const std::string& id_or_workload) {
  const auto& all = execution_models();
  for (const execution_model& m : all) {
    if (m.id == id_or_workload) return &m;
  }
  for (const execution_model& m : all) {
    if (m.workload == id_or_workload) return &m;
  }
  return nullptr;
}

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

std::vector<reduction_step> reduction_steps(reduction_addressing a, int threads) {
  if (threads < 2 || threads > 1024 || (threads & (threads - 1)) != 0) {
    throw std::invalid_argument("reduction_steps: a block of " + std::to_string(threads) +
                                " threads; the model takes a power of two from 2 to 1024");
  }
  std::vector<reduction_step> out;
  // Shared-memory steps: who adds what, then the warps' view of it.
  const auto add_shared = [&](int stride, auto&& active_if, std::string code) {
    reduction_step st;
    st.stride = stride;
    st.code = std::move(code);
    for (int tid = 0; tid < threads; ++tid) {
      if (!active_if(tid)) continue;
      st.adds.push_back({tid, tid, tid + stride});
      st.active.push_back(tid);
    }
    st.executing_threads = static_cast<int>(st.active.size());
    for (int w = 0; w * warp_size < threads; ++w) {
      const int size = std::min(warp_size, threads - w * warp_size);
      const auto busy = std::count_if(st.active.begin(), st.active.end(), [&](int t) { return t / warp_size == w; });
      st.warps_busy += busy > 0 ? 1 : 0;
      st.warps_divergent += busy > 0 && busy < size ? 1 : 0;
    }
    out.push_back(std::move(st));
  };
  switch (a) {
    case reduction_addressing::interleaved:
      for (int s = 1; s < threads; s *= 2) {
        add_shared(s, [s](int tid) { return tid % (2 * s) == 0; },
                   format("if (tid %% %d == 0) x[tid] += x[tid + %d]", 2 * s, s));
      }
      break;
    case reduction_addressing::sequential:
      for (int s = threads / 2; s > 0; s /= 2) {
        add_shared(s, [s](int tid) { return tid < s; }, format("if (tid < %d) x[tid] += x[tid + %d]", s, s));
      }
      break;
    case reduction_addressing::warp_shuffle: {
      for (int s = threads / 2; s >= warp_size; s /= 2) {
        add_shared(s, [s](int tid) { return tid < s; }, format("if (tid < %d) x[tid] += x[tid + %d]", s, s));
      }
      const int width = std::min(threads, warp_size);
      for (int offset = width / 2; offset > 0; offset /= 2) {
        reduction_step st;
        st.stride = offset;
        st.shuffle = true;
        st.code = format("v += __shfl_down_sync(mask, v, %d)  (warp 0, all %d lanes)", offset, width);
        for (int lane = 0; lane < offset; ++lane) {
          st.adds.push_back({lane, lane, lane + offset});
          st.active.push_back(lane);
        }
        st.executing_threads = width;  // every lane runs the shuffle; only the first `offset` results are used
        st.warps_busy = 1;
        out.push_back(std::move(st));
      }
      break;
    }
  }
  return out;
}

std::vector<std::vector<long long>> reduction_states(reduction_addressing a, const std::vector<long long>& values) {
  std::vector<std::vector<long long>> states{values};
  for (const reduction_step& st : reduction_steps(a, static_cast<int>(values.size()))) {
    std::vector<long long> next = states.back();
    // Within a step no add reads an element another add of the same step writes, so order does not matter.
    for (const reduction_add& add : st.adds) {
      next[static_cast<std::size_t>(add.dst)] += next[static_cast<std::size_t>(add.src)];
    }
    states.push_back(std::move(next));
  }
  return states;
}

std::vector<long long> reduction_run(reduction_addressing a, std::vector<long long> values) {
  return reduction_states(a, values).back();
}

}  // namespace ws_viz
