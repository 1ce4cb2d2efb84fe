/// @file execution_model.hpp
/// @brief The CUDA execution model of the lab 03 matmul kernels, computed for the explorer panel: which block and
/// thread compute an element of C, which tiles of A and B sit in shared memory at each step, how many global loads
/// each version makes. Data only (no ImGui); mirrors solutions/03_matmul_gpu/matmul_gpu.cu.
#pragma once

#include <cstdint>
#include <string>

namespace ws_viz {

/// Which kernel's index mapping: naive (threadIdx.x runs along rows of C), coalesced (x along columns), tiled
/// (coalesced mapping, TILE x TILE blocks staging tiles of A and B in shared memory).
enum class kernel_kind { naive, coalesced, tiled };

/// The problem and the launch. For naive/coalesced, block_x x block_y threads per block; for tiled, tile x tile.
struct launch_shape {
  int m = 64, n = 64, k = 64;
  int block_x = 16, block_y = 16;
  int tile = 16;
  kernel_kind kind = kernel_kind::tiled;
};

/// blockDim and gridDim of the launch (gridDim rounded up to cover C).
struct launch_dims {
  int block_x, block_y, grid_x, grid_y;
};
launch_dims dims_of(const launch_shape& s);

/// Who computes C[row][col]: the block and the thread inside it.
struct cell_owner {
  int block_x, block_y, thread_x, thread_y;
  int warp;  ///< linear thread index / 32 within the block
};
cell_owner owner_of(const launch_shape& s, int row, int col);

/// For the tiled kernel, at step @p step (0-based, step < steps(s)), the block (bx, by) holds in shared memory the
/// rows [a_row0, a_row1) x columns [a_col0, a_col1) of A and rows [b_row0, b_row1) x columns [b_col0, b_col1) of B,
/// clipped to the matrices (the rest of the tile is zero padding).
struct tile_step {
  int a_row0, a_row1, a_col0, a_col1;
  int b_row0, b_row1, b_col0, b_col1;
};
int steps(const launch_shape& s);  ///< ceil(k / tile)
tile_step tiles_at(const launch_shape& s, int block_x, int block_y, int step);

/// Global-memory loads (of floats) the whole launch makes: naive and coalesced read 2k per element of C; tiled reads
/// each tile element once per block and step (2 * tile * tile per block-step, padding not counted).
std::int64_t global_loads(const launch_shape& s);

/// One line naming the mapping, e.g. "row = blockIdx.x * blockDim.x + threadIdx.x" for naive.
std::string mapping_formula(kernel_kind kind);

}  // namespace ws_viz
